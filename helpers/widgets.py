"""The slider explorers' former home, kept for one release: everything is in ``helpers.explorers``.

``helpers.widgets.stft_explorer(y, sr)`` and the other names below still work (the notebooks
of earlier releases call them); new code imports ``helpers.explorers``. The numeric work is in
``helpers.engine`` and the teaching modules (``helpers.stft``, ``helpers.spectral``,
``helpers.features``); the number checks are in ``helpers.validate``.
"""

from __future__ import annotations

from .engine import FFT_BUDGET
from .explorers import *  # noqa: F403 (the re-export is this module's purpose)
from .explorers import __all__ as _explorers_all

__all__ = [*_explorers_all, "FFT_BUDGET"]
