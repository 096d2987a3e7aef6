"""The course map is written once (course.toml); the README, 00, the lecturer's guide and each
notebook's "**Time:**" line agree with it (issue 20: one place for the times)."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from tools import nbtool

ROOT = nbtool.ROOT


def _time_line(stem: str) -> str:
    nb = json.loads((ROOT / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))
    for c in nb["cells"][:4]:
        m = re.search(r"\*\*Time:\*\*[^\n]*", nbtool._src(c))
        if m:
            return m.group(0)
    raise AssertionError(f"{stem}: no '**Time:**' line in its header")


def test_generated_tables_are_up_to_date():
    assert nbtool.sync(check_only=True) == []


@pytest.mark.parametrize("row", nbtool.course(), ids=lambda r: r["id"])
def test_each_notebook_states_the_course_map_time(row):
    line = _time_line(row["stem"])
    assert nbtool.parse_duration(line) == row["minutes"], (line, row["minutes"])


def test_every_learner_notebook_is_on_the_map():
    stems = {r["stem"] for r in nbtool.course()}
    assert stems == {p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}


def test_durations_round_trip():
    for minutes in (15, 85, 100, 120, 150, 165):
        assert nbtool.parse_duration("about " + nbtool.duration(minutes)) == minutes
    assert nbtool.parse_duration("**Time:** about 2 h 30 min: sections 1-4 60 min") == 150


def test_a_hand_edited_table_or_a_changed_time_is_caught(tmp_path, monkeypatch):
    for rel in ("README.md", "docs/teaching.md", "notebooks/00_overview.ipynb", "course.toml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / rel, tmp_path / rel)
    monkeypatch.setattr(nbtool, "ROOT", tmp_path)
    readme = tmp_path / "README.md"
    readme.write_text(readme.read_text().replace("| 2 h 45 min |", "| 2 h |"))
    assert "README.md" in nbtool._sync_course_map(check_only=True)
    toml = tmp_path / "course.toml"
    toml.write_text(toml.read_text().replace("minutes = 150", "minutes = 140"))
    stale = nbtool._sync_course_map(check_only=True)
    assert {"docs/teaching.md", "notebooks/00_overview.ipynb"} <= set(stale)
    row = next(r for r in nbtool.course() if r["minutes"] == 140)
    monkeypatch.setattr(nbtool, "ROOT", ROOT)
    assert nbtool.parse_duration(_time_line(row["stem"])) != 140  # the notebook disagrees


@pytest.mark.parametrize("row", [r for r in nbtool.course() if r["id"] != "00"],
                         ids=lambda r: r["id"])
def test_each_lesson_plan_states_the_course_map_time(row):
    text = (ROOT / "docs" / "teaching" / f"{row['stem']}.md").read_text(encoding="utf-8")
    m = re.search(r"(?:Self-paced time:\*\*|working alone needs) about ([^(.,;:]+)", text)
    assert m, f"{row['stem']}: the lesson plan states no self-paced time"
    assert nbtool.parse_duration(m.group(1)) == row["minutes"], (m.group(0), row["minutes"])
