"""The margin tool (tools/margins.py): every named mistake of every declarative check lies at
least 3 tolerances from the right answer on every seed, and the tool catches one that does not."""

from __future__ import annotations

import numpy as np

from helpers.exercises._core import Hint
from helpers.exercises._spec import FunctionExercise, Mistake
from tools import margins


def _scale(x, k):
    return np.asarray(x) * k


def _cases(rng):
    return [dict(x=rng.uniform(1, 2, size=4), k=float(rng.uniform(2, 3)))]


def _demo(close_offset: float) -> FunctionExercise:
    return FunctionExercise(
        "99.8", _scale, _cases, rtol=1e-3, atol=0.0, fallback=Hint("multiply"),
        mistakes=[Mistake("far", lambda x, k: np.asarray(x) + k, Hint("far")),
                  Mistake("close", lambda x, k: np.asarray(x) * k * (1 + close_offset),
                          Hint("close")),
                  Mistake("crash", lambda x, k: x[99], Hint("index"), raises="IndexError"),
                  Mistake("route", None, Hint("{used}"), uses=True)])


def test_margin_is_the_distance_in_tolerances():
    rows = {r.mistake: r for r in margins.measure(_demo(2e-3))}
    assert abs(rows["close"].margin - 2.0) < 0.01  # 2e-3 relative at rtol 1e-3: 2 tolerances
    assert rows["far"].margin > 100 and rows["far"].ok(3)
    assert not rows["close"].ok(3)
    assert rows["crash"].margin is None and "not numeric" in rows["crash"].note
    assert rows["route"].margin is None and "not numeric" in rows["route"].note
    assert rows["close"].exercise == "99.8"


def test_a_mistake_far_enough_passes_and_the_table_says_so():
    rows = margins.measure(_demo(5e-3))
    assert all(r.ok(3) for r in rows)
    text = margins.table(rows, 3)
    assert "not numeric" in text and "margin" in text and "TOO CLOSE" not in text
    assert "TOO CLOSE" in margins.table(margins.measure(_demo(1e-3)), 3)


def test_the_margin_is_the_worst_seed():
    """A mistake that equals the reference on every case of one seed has margin 0, even if the
    other seeds separate it (that seed's learner would be told "correct")."""
    def cases(rng):
        k = 2.0 if rng.uniform() < 0.5 else 3.0
        return [dict(x=np.ones(3), k=k)]

    spec = FunctionExercise("99.9", _scale, cases, seeds=8, fallback=Hint("x"),
                            mistakes=[Mistake("two", lambda x, k: np.asarray(x) * 2.0,
                                              Hint("2"))])
    assert {c["k"] for c in spec.all_cases()} == {2.0, 3.0}  # both kinds of seed occur
    (row,) = margins.measure(spec)
    assert row.margin == 0 and row.closest == 0


def test_a_method_that_raises_fails_the_tool():
    spec = FunctionExercise("99.10", _scale, _cases, fallback=Hint("x"),
                            mistakes=[Mistake("broken", lambda x, k: 1 / 0, Hint("b"))])
    (row,) = margins.measure(spec)
    assert not row.ok(3) and "ZeroDivisionError" in row.note


def test_every_real_check_module_has_its_margins(capsys):
    code = margins.main([])
    out = capsys.readouterr().out
    assert "01.1" in out  # the declarative checks are found in the modules
    assert code == 0, out


def test_the_tool_exits_1_when_a_margin_is_too_small(monkeypatch, capsys):
    import sys
    import types

    module = types.ModuleType("fake_checks.ex99")
    module.EX_CLOSE = _demo(1e-3)
    monkeypatch.setitem(sys.modules, "fake_checks.ex99", module)
    assert margins.main(["fake_checks.ex99"]) == 1
    assert "TOO CLOSE" in capsys.readouterr().out
    module.EX_CLOSE = _demo(1e-2)
    assert margins.main(["fake_checks.ex99"]) == 0
