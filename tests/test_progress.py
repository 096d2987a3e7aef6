"""Progress a learner can see (helpers/exercises/_progress.py): every verdict goes to a small
local JSON file (never data/, never the network, never from the solutions notebooks), and
``helpers.exercises.progress()`` shows each notebook's exercises as ✅ / ❌ / ⏳."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from helpers import exercises as ex
from helpers.exercises import _progress
from tests.conftest import PROGRESS_FILE, ROOT


def _right(n_samples, sr):
    return n_samples / sr


def _wrong(n_samples, sr):
    return n_samples


@pytest.fixture
def progress_file(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "sub" / "progress.json"
    monkeypatch.setenv("AUDIO_COURSE_PROGRESS", str(path))
    return path


def _verdicts(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["verdicts"]


def test_the_test_suite_never_uses_the_real_file():
    assert os.environ["AUDIO_COURSE_PROGRESS"] == str(PROGRESS_FILE)
    assert _progress.progress_path() == PROGRESS_FILE != _progress.default_path()
    assert (ROOT / "tools" / "test.sh").read_text().count("AUDIO_COURSE_PROGRESS=") == 1


def test_default_place_is_in_the_home_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("AUDIO_COURSE_PROGRESS")
    monkeypatch.setenv("HOME", str(tmp_path))  # a stand-in home: the real one stays untouched
    assert _progress.progress_path() == tmp_path / ".audio_course" / "progress.json"
    ex.check_duration_s(_right)
    assert _verdicts(tmp_path / ".audio_course" / "progress.json")[-1]["status"] == "correct"


def test_every_verdict_is_recorded_with_id_status_time_and_mistake(progress_file):
    ex.check_duration_s(None)
    ex.check_duration_s(_wrong)
    ex.check_duration_s(_right)
    v = _verdicts(progress_file)
    assert [(e["exercise"], e["status"]) for e in v] == [
        ("01.1", "unanswered"), ("01.1", "wrong"), ("01.1", "correct")]
    assert v[1]["mistake"] == "samples-not-seconds" and "mistake" not in v[2]
    assert all(e["time"].endswith("+00:00") for e in v)  # UTC, ISO 8601


def test_off_records_nothing_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDIO_COURSE_PROGRESS", "off")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert ex.check_duration_s(_right)
    assert _progress.progress_path() is None and not any(tmp_path.iterdir())
    assert "not being saved" in ex.progress().text()


def test_solutions_mode_records_nothing(progress_file):
    ex.expect_all_correct()
    assert ex.check_duration_s(_right)
    with pytest.raises(AssertionError):
        ex.check_duration_s(_wrong)
    assert not progress_file.exists()


def test_never_inside_data(monkeypatch):
    monkeypatch.setenv("AUDIO_COURSE_PROGRESS", str(ROOT / "data" / "progress.json"))
    with pytest.raises(ValueError, match="data/"):
        _progress.progress_path()
    assert ex.check_duration_s(_right)  # the check still works ...
    assert not (ROOT / "data" / "progress.json").exists()  # ... and wrote nothing there
    assert "not saved" in ex.progress().text()


def test_a_file_that_cannot_be_written_never_breaks_a_check(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("AUDIO_COURSE_PROGRESS", str(blocker / "progress.json"))
    assert ex.check_duration_s(_right)


def test_a_damaged_file_is_set_aside_and_a_new_one_started(progress_file):
    progress_file.parent.mkdir(parents=True)
    progress_file.write_text("{not json")
    ex.check_duration_s(_right)
    assert _verdicts(progress_file)[-1]["status"] == "correct"
    assert (progress_file.parent / "progress.json.bad").read_text() == "{not json"


def test_progress_shows_every_notebook_with_symbols_and_the_file(progress_file):
    ex.check_duration_s(_wrong)
    ex.check_speech_duration(None)  # not answered: still to do
    report = ex.progress()
    assert report.status("01.1") == "wrong" and report.status("01.1b") == "todo"
    ex.check_duration_s(_right)
    report = ex.progress()
    assert report.status("01.1") == "correct"
    text = report.text()
    for nb in ("01", "02", "03", "04", "05", "06"):
        assert f"\n{nb} " in "\n" + text
    assert "✅ 01.1" in text and "⏳ 01.1b" in text
    assert str(progress_file) in text and "delete" in text
    html_view = report._repr_html_()
    assert "<table" in html_view and "✅" in html_view and "Waveform" in html_view
    assert repr(report) == text


def test_the_last_answered_verdict_counts(progress_file):
    ex.check_duration_s(_right)
    ex.check_duration_s(_wrong)
    assert ex.progress("01").status("01.1") == "wrong"
    ex.check_duration_s(None)  # back to the placeholder: the last real verdict stays
    assert ex.progress("01").status("01.1") == "wrong"


def test_one_notebook(progress_file):
    one = ex.progress("03")
    assert list(one.rows) == ["03"] and "STFT" in one.text() and "01.1" not in one.text()
    assert ex.progress(3).text() == one.text() == ex.progress("03_stft_spectrogram").text()
    with pytest.raises(ValueError, match="no exercises"):
        ex.progress("09")


def test_the_exercise_list_comes_from_the_check_modules():
    listing = _progress.exercises_by_notebook()
    ids = {ex_id for items in listing.values() for ex_id, _ in items}
    expected = set()
    for module in (ex.ex01, ex.ex02, ex.ex03, ex.ex04, ex.ex05, ex.ex06):
        for name in module.__all__:
            ex_id = getattr(getattr(module, name), "exercise_id", None)
            if ex_id:
                expected.add(ex_id)
    assert expected <= ids and ex.ex01.EX_DURATION.id in ids
    assert all(ex_id.startswith(nb + ".") for nb, items in listing.items()
               for ex_id, _ in items)
    assert [i for i, _ in listing["01"]][:2] == ["01.1", "01.1b"]  # natural order
