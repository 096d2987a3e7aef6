"""Every hint of every exercise spec ends in a worked example, and no example hands over the
answer key.

A hint has three stages (``helpers.exercises._core.Hint``): the named mistake, a stronger
pointer, and ``example``, a worked example on a DIFFERENT case than the exercise's. Two facts
are checked here for every hint (every mistake's, the fallback, ``forbid_hint`` and
``changed_input``) of every spec of every exercise module the course lists (``tools.course.exercise_modules``):

* the example is there: non-empty (20 characters or more), not a copy of stage 1 or 2;
* it does not contain the answer: neither a piece of the reference function's code that
  computes the result (any operation of its ``return`` or assignment lines on its
  parameters, compared without spaces, with the prose "a x b" read as ``a*b``), nor the
  reference's output on any of the check's cases (every scalar output; the first elements
  of array outputs), written with 1 to 3 decimals or 3 to 4 significant digits (only forms
  with at least 3 significant digits: a round 1000 Hz in a worked example is no giveaway).

The detector is itself tested: planted examples that quote the answer key's code or its
numbers are caught, and honest worked examples on other numbers are not.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import textwrap

import numpy as np
import pytest

from helpers.exercises import ex01, ex04, ex05, ex06
from helpers.exercises._core import Hint
from helpers.exercises._spec import FunctionExercise, ValueExercise
from tools import course

MODULES = tuple(importlib.import_module(name) for name in course.exercise_modules())


def _specs() -> list:
    out = []
    for module in MODULES:
        for name, obj in vars(module).items():
            if isinstance(obj, (FunctionExercise, ValueExercise)):
                out.append(pytest.param(obj, id=f"{module.__name__.rsplit('.', 1)[1]}.{name}"))
    return out


SPECS = _specs()


def _hints(spec) -> list[tuple[str, Hint]]:
    found = [(m.id, m.hint) for m in spec.mistakes] + [("fallback", spec.fallback)]
    for attr in ("forbid_hint", "changed_input"):
        hint = getattr(spec, attr, None)
        if hint is not None:
            found.append((attr, hint))
    return found


# ---- what "contains the answer" means -----------------------------------------------------
def _squash(text: str) -> str:
    """Text in a comparable form: the prose multiplication sign ' x ' as '*', no spaces,
    lower case (so '10 x log10(p)' and '10*log10(p)' are the same)."""
    text = re.sub(r"\s+x\s+", "*", text)
    return re.sub(r"\s+", "", text).lower()


def _answer_code(reference) -> set[str]:
    """The pieces of the reference's code that compute its result: every operation (an
    arithmetic expression, a call, a subscript, a comparison) in its ``return`` and
    assignment statements that uses one of its parameters, or a name computed from them,
    at least 10 characters long."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(reference)))
    fn = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef))
    stmts = sorted((n for n in ast.walk(fn) if isinstance(n, (ast.Return, ast.Assign,
                                                              ast.AugAssign))
                    and n.value is not None), key=lambda n: n.lineno)

    def names(node) -> set[str]:
        return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}

    inputs = {a.arg for a in fn.args.args}
    for _ in range(2):  # names computed from the inputs are inputs too
        for stmt in stmts:
            if not isinstance(stmt, ast.Return) and inputs & names(stmt.value):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                inputs |= set().union(*(names(t) for t in targets))
    pieces = set()
    for stmt in stmts:
        for node in ast.walk(stmt.value):
            if (isinstance(node, (ast.BinOp, ast.Call, ast.Subscript, ast.Compare))
                    and inputs & names(node)):
                piece = _squash(ast.unparse(node))
                if len(piece) >= 10:
                    pieces.add(piece)
    return pieces


def _significant(form: str) -> int:
    """Significant digits of a written number, trailing zeros not counted (2000 and 2000.0
    have one: a round number in a worked example is no giveaway)."""
    return len(form.lstrip("-").replace(".", "").strip("0"))


def _number_forms(value: float) -> set[str]:
    """How a number would be written in prose: 1-3 decimals, 3-4 significant digits (its
    absolute value; only forms of at least 3 significant digits, so that 0.5 or 20 are not
    'the answer')."""
    v = abs(float(value))
    if not np.isfinite(v):
        return set()
    forms = {f"{v:.{d}f}" for d in (1, 2, 3)} | {
        np.format_float_positional(v, precision=g, unique=False, fractional=False, trim="-")
        for g in (3, 4)}  # 3-4 significant digits, never in exponent form
    return {f for f in forms if "e" not in f and _significant(f) >= 3}


def _scalars(output, first: int = 3) -> list[float]:
    """The numbers of one reference output worth looking for: a scalar, or the first few
    elements of an array / of each part of a tuple (booleans and labels are no numbers)."""
    parts = output if isinstance(output, tuple) else (output,)
    found = []
    for part in parts:
        a = np.asarray(part)
        if a.dtype.kind in "iuf" and a.size:
            found.extend(float(x) for x in a.ravel()[:first])
    return found


def _answer_numbers(spec) -> set[str]:
    if isinstance(spec, ValueExercise):
        right = spec.right_answer()
        try:
            return _number_forms(float(right))
        except (TypeError, ValueError):
            return set()
    forms = set()
    for output in spec.reference_outputs():
        for x in _scalars(output):
            forms |= _number_forms(x)
    return forms


def leaks(spec, example: str) -> list[str]:
    """What of the answer key ``example`` gives away (empty: nothing)."""
    found = []
    if isinstance(spec, FunctionExercise):
        squashed = _squash(example)
        found += [f"code {p!r}" for p in sorted(_answer_code(spec.reference)) if p in squashed]
    for form in sorted(_answer_numbers(spec)):
        if re.search(rf"(?<![\d.,]){re.escape(form)}(?!\d)", example.replace(",", "")):
            found.append(f"number {form}")
    return found


# ---- the facts ----------------------------------------------------------------------------
@pytest.mark.parametrize("spec", SPECS)
def test_every_hint_ends_in_a_worked_example(spec):
    missing = []
    for mistake_id, hint in _hints(spec):
        ex = hint.example.strip()
        if len(ex) < 20 or ex in (hint.nudge, hint.more):
            missing.append(mistake_id)
    assert missing == [], f"{spec.id}: hints without a worked example: {missing}"


@pytest.mark.parametrize("spec", SPECS)
def test_no_example_contains_the_answer_key(spec):
    found = {mistake_id: leaks(spec, hint.example) for mistake_id, hint in _hints(spec)}
    assert {k: v for k, v in found.items() if v} == {}


def test_there_is_something_to_look_for_in_every_spec():
    """The leak check is not empty: every function spec has answer-key code to look for, and
    every number-valued spec has numbers."""
    for param in SPECS:
        spec = param.values[0]
        if isinstance(spec, FunctionExercise):
            assert _answer_code(spec.reference), spec.id
        if isinstance(spec, ValueExercise) and spec.kind == "number":
            assert _answer_numbers(spec), spec.id
        if isinstance(spec, FunctionExercise) and spec.output in ("number", "array", "tuple"):
            assert _answer_numbers(spec), spec.id


# ---- the detector catches what it should, and only that ------------------------------------
def test_a_planted_example_quoting_the_reference_code_is_caught():
    spec = ex04.EX_2  # combined level: 10 log10 of the summed powers
    planted = "Add them like this: 10 * np.log10(np.sum(10 ** (L / 10))) and you are done."
    assert any(f.startswith("code") for f in leaks(spec, planted)), leaks(spec, planted)
    prose = "In prose: 10 x np.log10(np.sum(10 ** (L / 10)))."  # ' x ' is '*'
    assert leaks(spec, prose)


def test_a_planted_example_giving_the_first_cases_output_is_caught():
    for spec in (ex04.EX_2, ex04.EX_4, ex01.EX_DURATION):
        first = float(spec.reference_outputs()[0])
        written = np.format_float_positional(first, precision=3, fractional=False)
        planted = f"For the first case the answer is {written}."  # e.g. 0.0000208 s
        assert any(f.startswith("number") for f in leaks(spec, planted)), (spec.id, planted)


def test_a_planted_example_giving_a_value_answer_is_caught():
    planted = f"The echo is {ex04._TRUTH:.2f} dB re the note."  # -27.96
    assert leaks(ex04.EX_1, planted) == [f"number {abs(ex04._TRUTH):.2f}"]
    assert leaks(ex05.EX_1, f"The width is {ex05._OCTAVE:.1f} mel.")


def test_an_honest_worked_example_is_not_flagged():
    honest = ("Three sounds at -10, -10 and -20 dB: 0.1 + 0.1 + 0.01 = 0.21, "
              "10 log10(0.21) = -6.8 dB.")
    assert leaks(ex04.EX_2, honest) == []
    assert leaks(ex04.EX_1, "A whisper of 0.01 re a voice of 0.1: -20 dB.") == []


def test_the_reference_code_pieces_are_the_result_lines():
    assert "10*np.log10(np.sum(10**(l/10)))" in _answer_code(ex04._combined_level)
    assert "float(n_samples)/sr" in _answer_code(ex01._duration)
    assert "np.sqrt(np.maximum(var,0.0))" in _answer_code(ex06._pooled_stats)  # via names
