"""The standard tests (``conftest.spec_cases``: the right answer and its float32/list forms pass,
every named mistake is named, placeholders are "not answered") for every declarative exercise of
an exercise module that has no test file of its own (``tests/test_exercises_NN.py``): a notebook
made with ``nbtool new`` is tested from its first commit, without a test file to write."""

from __future__ import annotations

import importlib

import pytest

from tests.conftest import spec_cases
from tools import course

ROOT = course.ROOT


def _untested_specs() -> list:
    from helpers.exercises._spec import FunctionExercise, ValueExercise

    out = []
    for row in course.notebooks():
        if not row.get("exercises") or (ROOT / f"tests/test_exercises_{row['id']}.py").exists():
            continue
        mod = importlib.import_module(f"helpers.exercises.{row['exercises']}")
        out += [v for v in vars(mod).values() if isinstance(v, (FunctionExercise, ValueExercise))]
    return out


CASES = [c for spec in _untested_specs() for c in spec_cases(spec)]


@pytest.mark.parametrize("case", CASES or [pytest.param(None, marks=pytest.mark.skip(
    reason="every exercise module has its own test file"))])
def test_standard_spec_case(case):
    case.run()
