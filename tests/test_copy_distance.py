"""The copy-distance test (tools/copy_distance.py): an apply or stretch exercise's solution is
not a near-copy of a code cell of its learner notebook (names changed or not)."""

from __future__ import annotations

import io
import json
import tokenize
from pathlib import Path

import pytest

from tools import copy_distance as cd

LEARNER_CELL = '''\
speech, _ = helpers.load("speech", duration=3.0)
log_mel = librosa.power_to_db(librosa.feature.melspectrogram(
    y=speech, sr=sr, n_fft=2048, hop_length=512), ref=1.0, top_db=80.0)


def rms_error(L, n):
    """RMS (dB) of L minus its rebuild from the first n DCT rows."""
    C = scipy.fft.dct(L, norm="ortho", axis=0)
    C[n:] = 0
    return np.sqrt(np.mean((scipy.fft.idct(C, norm="ortho", axis=0) - L) ** 2))
'''

INDEPENDENT = '''\
def frames_per_segment(seconds, sr, n_fft, hop, center=True):
    """Columns of librosa.stft for one segment."""
    n = round(seconds * sr)
    if center:
        return 1 + n // hop
    return 1 + (n - n_fft) // hop


helpers.exercises.check_frames_per_segment(frames_per_segment)
'''


def renamed(code: str, suffix: str = "_mine") -> str:
    """The code with every name it defines renamed (what a copier does first)."""
    own = cd.defined_names(code)
    out = []
    for tok in tokenize.generate_tokens(io.StringIO(code).readline):
        if tok.type == tokenize.NAME and tok.string in own:
            tok = tok._replace(string=tok.string + suffix)
        out.append(tok)
    return tokenize.untokenize(out)


def _notebook(path: Path, cells: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                "nbformat_minor": 5}), encoding="utf-8")


def _code(source: str, cell_id: str, exercise: dict | None = None) -> dict:
    meta = {"exercise": exercise} if exercise else {}
    return {"cell_type": "code", "id": cell_id, "metadata": meta, "source": source,
            "outputs": [], "execution_count": None}


def test_the_threshold_is_documented():
    assert f"THRESHOLD = {cd.THRESHOLD:g}" in cd.__doc__ and f"K = {cd.K}" in cd.__doc__
    assert 0 < cd.THRESHOLD < 1


def test_renaming_variables_changes_no_token():
    copy = renamed(LEARNER_CELL)
    assert "log_mel_mine" in copy and copy != LEARNER_CELL
    assert cd.tokens(copy) == cd.tokens(LEARNER_CELL)
    toks = cd.tokens(LEARNER_CELL)
    assert "librosa" in toks and "dct" in toks and "N" in toks and "L" not in toks


def test_a_planted_copy_is_caught(tmp_path):
    """A notebook cell pasted as the solution of an apply exercise, with renamed variables and a
    check call added, scores 1.0 and fails; an independent solution passes."""
    _notebook(tmp_path / "05_demo.ipynb", [
        _code("import numpy as np", "c0"),
        _code(LEARNER_CELL, "c1"),
        _code("def mfcc_from_logmel(L, n):\n    ...\n\n\n"
              "helpers.exercises.check_mfcc_from_logmel(mfcc_from_logmel)", "stub",
              {"id": "05.2", "level": "apply"}),
    ])
    _notebook(tmp_path / "solutions" / "05_demo_solutions.ipynb", [
        _code(renamed(LEARNER_CELL) + "\n\nhelpers.exercises.check_x(rms_error_mine)\n", "s1",
              {"id": "05.2", "level": "apply"}),
        _code(INDEPENDENT, "s2", {"id": "05.3", "level": "stretch"}),
        _code(renamed(LEARNER_CELL, "_w"), "s3", {"id": "05.1", "level": "warm-up"}),
    ])
    found = {s.exercise.id: s for s in cd.scores(folder=tmp_path)}
    assert found["05.2"].similarity == 1.0 and found["05.2"].cell == "c1"
    assert found["05.2"].fails(cd.THRESHOLD)
    assert found["05.3"].similarity < 0.2 and not found["05.3"].fails(cd.THRESHOLD)
    assert not found["05.1"].fails(cd.THRESHOLD)  # a warm-up may repeat the notebook
    assert cd.main(["--folder", str(tmp_path)]) == 1


def test_part_of_a_long_cell_is_a_copy_too():
    part = "\n".join(LEARNER_CELL.splitlines()[5:])  # only the function, renamed
    assert cd.similarity(renamed(part), LEARNER_CELL) == 1.0
    assert cd.similarity(INDEPENDENT, LEARNER_CELL) < 0.2


def test_a_bad_marker_is_an_error(tmp_path):
    _notebook(tmp_path / "solutions" / "01_x_solutions.ipynb",
              [_code("x = 1", "s", {"id": "01.1", "level": "hard"})])
    _notebook(tmp_path / "01_x.ipynb", [])
    with pytest.raises(ValueError, match="marker"):
        cd.scores(folder=tmp_path)


# --- the real notebooks -------------------------------------------------------------------
REAL = cd.scores()
NOTE = ("INTEGRATOR: remove this mark once the exercise branches (exA, exB) have put the "
        "'exercise' cell marker (tools/copy_distance.py) on the notebooks' exercise and "
        "solution cells")


@pytest.mark.xfail(strict=False, reason=NOTE)
def test_every_solution_cell_carries_an_exercise_marker():
    unmarked = []
    for nb in cd.solution_notebooks():
        for cell in cd._cells(nb):
            tags = cell.get("metadata", {}).get("tags", [])
            if "solution" in tags and cd.marker(cell) is None:
                unmarked.append(f"{nb.name}:{cell.get('id')}")
    assert REAL and not unmarked, unmarked


@pytest.mark.xfail(strict=False, reason=NOTE)
@pytest.mark.parametrize("score", REAL or [None],
                         ids=[s.exercise.id for s in REAL] or ["no-markers-yet"])
def test_real_apply_and_stretch_solutions_are_not_copies(score):
    assert score is not None, "no solution cell carries an 'exercise' marker yet"
    assert not score.fails(cd.THRESHOLD), (
        f"{score.exercise.id} ({score.exercise.level}): {score.similarity:.2f} of the "
        f"solution's token runs are in learner cell {score.cell}")
