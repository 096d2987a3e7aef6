"""Shared fixtures: synthetic signals with known answers, and a guard that data/ stays untouched."""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")  # unit tests draw off-screen; notebooks under nbval keep their inline backend

ROOT = Path(__file__).resolve().parent.parent
SR = 22050

# The exercise checks record every verdict in a progress file (~/.audio_course/progress.json by
# default): the tests, and the notebook kernels nbval starts (they inherit this environment),
# write to a temporary one instead, whatever the shell says.
PROGRESS_FILE = Path(tempfile.mkdtemp(prefix="audio-course-test-progress-")) / "progress.json"
os.environ["AUDIO_COURSE_PROGRESS"] = str(PROGRESS_FILE)
atexit.register(shutil.rmtree, PROGRESS_FILE.parent, ignore_errors=True)


def _tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(folder.rglob("*")):
        if f.is_file() and "__pycache__" not in f.parts:
            h.update(f.relative_to(folder).as_posix().encode())
            h.update(f.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="session", autouse=True)
def data_folder_is_never_written():
    """Nothing the tests do may add, change or remove a file in data/."""
    before = _tree_digest(ROOT / "data")
    yield
    assert _tree_digest(ROOT / "data") == before, "a test wrote into data/"


@pytest.fixture
def sr() -> int:
    return SR


@pytest.fixture
def tone440() -> np.ndarray:
    t = np.arange(SR) / SR
    return (0.5 * np.sin(2 * np.pi * 440.0 * t)).astype(np.float32)


@pytest.fixture
def noise() -> np.ndarray:
    return np.random.default_rng(0).standard_normal(SR).astype(np.float32) * 0.1


# --------------------------------------------------------------------------------------------
# Exercise checks: shared fixtures and the standard tests of a declarative spec
# --------------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _fresh_exercises():
    """Every test starts with no wrong tries recorded, outside solutions mode, no figures."""
    from helpers import exercises

    exercises.reset()
    yield
    exercises.reset()
    import matplotlib.pyplot as plt

    plt.close("all")


def mistake(result) -> str:
    """The mistake id of a wrong verdict (fails when the verdict is not "wrong")."""
    assert not result and result.status == "wrong", result.text()
    return result.mistake


def tries(check, answer, n: int = 3):
    """The verdicts of ``n`` tries with ``answer``, each counted as a CHANGED answer (hint
    stages advance only when the answer changes; this steps through them)."""
    from helpers.exercises import _core

    out = []
    for _ in range(n):
        _core.forget_last_answers()
        out.append(check(answer))
    return out


def _stub(*args, **kwargs):
    ...  # what an exercise cell holds before an answer


def _not_implemented(*args, **kwargs):
    raise NotImplementedError


class SpecCase:
    """One standard test of a spec: submit ``answer`` and expect ``status`` (and, for a wrong
    answer, the mistake id and its hint's first stage in the text)."""

    def __init__(self, spec, label: str, answer, status: str, mistake_id: str = "",
                 nudge: str = ""):
        self.spec, self.label, self.answer = spec, label, answer
        self.status, self.mistake_id, self.nudge = status, mistake_id, nudge

    def __repr__(self) -> str:
        return f"{self.spec.id}-{self.label}"

    def run(self) -> None:
        from helpers import exercises
        from helpers.exercises._spec import check

        exercises.reset()
        result = check(self.spec, self.answer)
        assert result.status == self.status, f"{self!r}: {result.text()}"
        if self.status == "wrong":
            assert result.mistake == self.mistake_id, f"{self!r}: {result.text()}"
            assert self.nudge.split("{used}")[0] in result.text(), result.text()


def spec_cases(spec) -> list:
    """The standard tests of a ``FunctionExercise`` or ``ValueExercise``, as pytest params:

    * the reference (run as if the learner wrote it) is correct, and so are its float32 and
      list forms (the same maths);
    * every named mistake with a ``method`` is judged wrong, with that mistake's id and hint;
    * the placeholders (None, ..., a ``...`` body, ``raise NotImplementedError``) are "not
      answered" and never raise.

    Use: ``@pytest.mark.parametrize("case", spec_cases(ex01.EX_DURATION))`` then
    ``def test_duration(case): case.run()``."""
    from helpers.exercises._spec import FunctionExercise, as_learner, variants

    cases = []
    if isinstance(spec, FunctionExercise):
        for label, fn in variants(spec).items():
            cases.append(SpecCase(spec, f"right-{label}", fn, "correct"))
        wrong = [(m, as_learner(m.method)) for m in spec.mistakes if m.method is not None]
        placeholders = {"None": None, "Ellipsis": ..., "stub": _stub,
                        "not-implemented": _not_implemented}
    else:
        right = spec.right_answer()
        assert right is not None, f"{spec.id}: give the ValueExercise an answer= for tests"
        forms = {"value": right}
        if spec.kind == "number":
            forms.update({"float32": np.float32(right), "list": [right], "str": str(right)})
        elif spec.kind == "label":
            forms.update({"upper": str(right).upper(), "latex": f"${right}$"})
        for label, value in forms.items():
            cases.append(SpecCase(spec, f"right-{label}", value, "correct"))
        wrong = [(m, spec.wrong_value(m)) for m in spec.mistakes if m.method is not None]
        placeholders = {"None": None, "Ellipsis": ..., "empty": ""}
    for m, answer in wrong:
        cases.append(SpecCase(spec, f"mistake-{m.id}", answer, "wrong", m.id, m.hint.nudge))
    for label, answer in placeholders.items():
        cases.append(SpecCase(spec, f"placeholder-{label}", answer, "unanswered"))
    return [pytest.param(c, id=repr(c)) for c in cases]
