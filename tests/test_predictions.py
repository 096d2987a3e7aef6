"""'Predict, then run' for real: nothing above a prediction gives its answer away.

For every helpers.exercises.predict(...) of notebooks 01-06, nbtool.prediction_leaks looks in
every cell above it (markdown, code, hidden test cells) for the answer of its reveal(...), a
number of that answer that the question and the other options do not hold, and the key
phrases nbtool.PREDICTION_KEYS lists for it. Here: the notebooks pass, every listed key
belongs to a prediction that exists, and planted give-aways are caught.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from tools import course, nbtool

ROOT = Path(__file__).resolve().parent.parent
LESSONS = [r["path"] for r in course.notebooks() if r.get("exercises")]  # 01-06, course.toml


def _cells(path: Path) -> list:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


@pytest.mark.parametrize("nb_path", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_prediction_comes_before_its_answer(nb_path):
    cells = _cells(nb_path)
    preds = nbtool.predictions(cells)
    assert preds, f"{nb_path.stem}: no predict(...) question"
    for pred in preds:
        assert pred["reveal"] is not None and pred["reveal"] > pred["cell"], pred["question"]
        assert nbtool.prediction_keys(nb_path.stem, pred), pred["question"]
    assert nbtool.prediction_leaks(cells, nb_path.stem) == []


def test_every_listed_key_belongs_to_a_prediction():
    """A key phrase whose question was reworded would silently check nothing."""
    questions = {(p.stem, q["question"]) for p in LESSONS for q in nbtool.predictions(_cells(p))}
    for stem, start in nbtool.PREDICTION_KEYS:
        assert any(s == stem and q.startswith(start) for s, q in questions), (stem, start)


def _planted(stem: str, text: str, where: str = "markdown", before: int = 1):
    cells = copy.deepcopy(_cells(ROOT / "notebooks" / f"{stem}.ipynb"))
    i = nbtool.predictions(cells)[0]["cell"]
    cell = ({"cell_type": "markdown", "metadata": {}, "source": text} if where == "markdown"
            else {"cell_type": "code", "metadata": {"tags": ["test"]}, "outputs": [],
                  "execution_count": None, "source": text})
    cells.insert(i - before, cell)
    return cells


@pytest.mark.parametrize("stem, text, where, key", [
    ("01_waveform", "Sampled at 8000 Hz, it sounds like **a 3000 Hz tone**.", "markdown",
     "a 3000 Hz tone"),  # the reveal's answer itself
    ("01_waveform", "The samples also fit a 3000 Hz sine.", "markdown", "3000"),  # its number
    ("01_waveform", "assert alias(5000, 8000) == 3000  # 3000 Hz", "test", "3000 Hz"),
    ("02_fft_spectrum", "A tone between bins: its energy *spreads over* many bins.",
     "markdown", "spreads over"),  # a listed key phrase, markdown marks ignored
])
def test_a_planted_give_away_is_caught(stem, text, where, key):
    cells = _planted(stem, text, where, before=30)
    leaks = nbtool.prediction_leaks(cells, stem)
    assert any(k == key for _, k, _ in leaks), leaks
    # the same text after the reveal is where an answer belongs
    cells = copy.deepcopy(_cells(ROOT / "notebooks" / f"{stem}.ipynb"))
    after = nbtool.predictions(cells)[0]["reveal"] + 1
    cells.insert(after, {"cell_type": "markdown", "metadata": {}, "source": text})
    assert [k for _, k, _ in nbtool.prediction_leaks(cells, stem)
            if k == key] == []


def test_nbtool_check_reports_a_give_away(tmp_path):
    nb = json.loads((ROOT / "notebooks" / "03_stft_spectrogram.ipynb").read_text())
    nb["cells"] = _planted("03_stft_spectrogram", "At hop = n_fft the click vanishes.")
    f = tmp_path / "03_stft_spectrogram.ipynb"
    f.write_text(json.dumps(nb))
    problems = [p for p in nbtool.check([f]) if "gives away the answer" in p]
    assert problems and "'vanishes'" in problems[0]
