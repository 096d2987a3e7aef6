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

from . import _core, _progress, _spec, ex01, ex02, ex03, ex04, ex05, ex06  # noqa: E402
from ._core import Hint, Prediction, Result, expect_all_correct, predict, reset, reveal
from ._progress import progress
from .ex01 import *  # noqa: F403
from .ex02 import *  # noqa: F403
from .ex03 import *  # noqa: F403
from .ex04 import *  # noqa: F403
from .ex05 import *  # noqa: F403
from .ex06 import *  # noqa: F403

__all__ = ["Hint", "Prediction", "Result", "expect_all_correct", "predict", "reset", "reveal",
           "progress", "_core", "_progress", "_spec"]
for _m in (ex01, ex02, ex03, ex04, ex05, ex06):
    __all__ += list(_m.__all__)
