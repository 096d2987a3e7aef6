"""Hidden test cells hold checks, not answers (nbtool.test_cell_answers; rule in nbtool.py).

A learner can expand a cell tagged "test": it must not define an exercise's function (or a
lambda), nor compute an expression with the form of an exercise's answer (what the solutions
notebook returns or assigns to `answer`, compared with names as "_", type conversions dropped
and constants folded). The notebooks pass; planted answers are caught; ordinary checks are not.
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


def _solutions(stem: str) -> list:
    return _cells(ROOT / "notebooks" / "solutions" / f"{stem}_solutions.ipynb")


def _test_cell(src: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "outputs": [], "source": src,
            "metadata": {"tags": ["test"], "slideshow": {"slide_type": "skip"},
                         "jupyter": {"source_hidden": True}}}


@pytest.mark.parametrize("nb_path", LESSONS, ids=[p.stem for p in LESSONS])
def test_no_test_cell_holds_an_answer(nb_path):
    assert nbtool.test_cell_answers(_cells(nb_path), _solutions(nb_path.stem)) == []


# A solutions notebook of this test's own (the real exercises change; the rule must not):
# exercise answers written the way the course's solutions write them.
PLANTED_SOLUTIONS = [
    "def int16_to_float(pcm):\n    return pcm.astype(np.float32) / 32768",
    "def duration_s(n_samples, sr):\n    return n_samples / sr",
    "answer = librosa.hz_to_mel(8000.0) - librosa.hz_to_mel(4000.0)",
]


def _solution_cell(src: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "outputs": [], "source": src,
            "metadata": {"tags": ["solution"]}}


def _planted_solutions() -> list:
    return [_solution_cell(s) for s in PLANTED_SOLUTIONS]


def test_the_answers_are_found_in_the_solutions():
    exact, loose, names = nbtool.answer_forms(_planted_solutions())
    assert {"int16_to_float", "duration_s"} <= names
    assert exact and loose
    # and in the real ones: every solutions notebook defines its exercises' functions
    for nb_path in LESSONS:
        names = nbtool.answer_forms(_solutions(nb_path.stem))[2]
        assert names or nb_path.stem.startswith("00"), nb_path.stem


@pytest.mark.parametrize("stem, src, says", [
    ("01_waveform", "assert np.array_equal(f, pcm.astype(np.float32) / 32768)",
     "pcm.astype(np.float32) / 32768"),  # an int16 check written as the answer's expression
    ("01_waveform", "ref = np.asarray(p, dtype=float) / 2 ** 15\nassert ref.min() >= -1",
     "/ 2 ** 15"),
    ("01_waveform", "def int16_to_float(pcm):\n    return pcm\nassert True",
     "defines 'int16_to_float'"),
    ("01_waveform", "to_float = lambda x: x\nassert to_float(1) == 1", "a lambda"),
    ("05_mfcc", "w = librosa.hz_to_mel(8000.0) - librosa.hz_to_mel(4000.0)\nassert w > 0",
     "hz_to_mel(8000.0) - librosa.hz_to_mel(4000.0)"),
])
def test_a_planted_answer_is_caught(stem, src, says):
    cells = _cells(ROOT / "notebooks" / f"{stem}.ipynb") + [_test_cell(src)]
    found = nbtool.test_cell_answers(cells, _solutions(stem) + _planted_solutions())
    assert [i for i, _ in found] == [len(cells) - 1]
    assert says in found[0][1], found


@pytest.mark.parametrize("src", [
    "assert len(y) / sr == 30.0",  # names only: not the form of n_samples / sr
    "assert np.isclose(np.abs(tone).max(), 0.5, atol=1 / 32768)",  # a tolerance
    "assert np.allclose(librosa.hz_to_mel(np.array([200.0, 400.0])), [3, 6])",
    "def helper(x):\n    return x\nassert helper(1) == 1",  # not an exercise's function
])
def test_an_ordinary_check_is_not_flagged(src):
    cells = _cells(ROOT / "notebooks" / "01_waveform.ipynb") + [_test_cell(src)]
    sol = _solutions("01_waveform") + _solutions("05_mfcc") + _planted_solutions()
    assert nbtool.test_cell_answers(cells, sol) == []


def test_nbtool_check_reports_it(tmp_path):
    nb = json.loads((ROOT / "notebooks" / "01_waveform.ipynb").read_text(encoding="utf-8"))
    bad = copy.deepcopy(nb)
    name = sorted(nbtool.answer_forms(_solutions("01_waveform"))[2])[0]  # a real exercise's
    bad["cells"].append(_test_cell(f"def {name}(*args):\n    return 0\nassert True"))
    (tmp_path / "notebooks" / "solutions").mkdir(parents=True)
    f = tmp_path / "01_waveform.ipynb"
    f.write_text(json.dumps(bad))
    problems = [p for p in nbtool.check([f]) if "holds" in p or "answer" in p]
    assert any(f"defines '{name}'" in p for p in problems), problems
