"""Self-check functions for the exercises, one module per notebook (``ex01`` ... ``ex06``).

Every check is called from a learner notebook as ``helpers.exercises.check_...(answer)`` and
returns a :class:`Result` that shows a verdict and, when wrong, a hint that gets more detailed
with each changed try. The shared machinery (results, staged hints, calling the learner's
function on inputs the learner has not seen, "predict, then run") is in ``_core``; checks are
written as data (``_spec``: ``FunctionExercise``, ``ValueExercise``, ``Mistake``, ``check``);
every verdict is kept in a local progress file that :func:`progress` shows (``_progress``).
Solutions live in ``notebooks/solutions/``, never in the learner notebooks.
"""

from __future__ import annotations

import importlib as _importlib
import pkgutil as _pkgutil
import re as _re

from . import _core, _progress, _spec
from ._core import Hint, Prediction, Result, expect_all_correct, predict, reset, reveal
from ._progress import progress

__all__ = ["Hint", "Prediction", "Result", "expect_all_correct", "predict", "reset", "reveal",
           "progress", "case", "_core", "_progress", "_spec"]

#: The check modules, one per notebook: every ``exNN.py`` here, found, not listed (course.toml
#: lists them for the tools; tests/test_manifest.py checks the two agree). Each is importable as
#: ``helpers.exercises.exNN`` and its ``__all__`` (the ``check_*`` functions) is re-exported.
MODULES = [_importlib.import_module(f".{m.name}", __name__)
           for m in sorted(_pkgutil.iter_modules(__path__), key=lambda m: m.name)
           if _re.fullmatch(r"ex\d\d", m.name)]
for _m in MODULES:
    _clash = set(_m.__all__) & set(__all__)
    if _clash:
        raise ImportError(f"{_m.__name__} exports {sorted(_clash)}, which another exercise "
                          "module already exports: give its checks other names")
    globals().update({_n: getattr(_m, _n) for _n in _m.__all__})
    __all__ += list(_m.__all__)


def case(exercise_id: str, number: int) -> dict:
    """The inputs of case ``number`` of a function exercise's check (a copy), as messages name
    them: ``args = case("06.3", 4); my_function(**args)`` reruns the case that failed."""
    spec = _spec._REGISTRY.get(exercise_id)  # every exNN module above has registered its specs
    if not isinstance(spec, _spec.FunctionExercise):
        raise KeyError(f"no function exercise {exercise_id!r}")
    return _spec.case_inputs(spec, number)
