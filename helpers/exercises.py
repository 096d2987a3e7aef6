"""Self-check functions for the exercises.

Each ``check_*`` takes the learner's answer and returns ``True`` when it is right. It prints a
short verdict: a hint when the answer is wrong, and a gentle reminder when it is still ``None``
(the placeholder in the exercise cell), so running an unanswered exercise never crashes the
notebook. Solutions live in hidden cells tagged ``solution``, which the tests run.

One section per notebook; the docstring of each check names its notebook and exercise.
"""

from __future__ import annotations

import numpy as np

__all__ = ["verdict"]


def verdict(ok: bool, *, hint: str, good: str = "Correct!") -> bool:
    """Print a verdict for an exercise; return ``ok``."""
    print(("✅ " + good) if ok else ("❌ Not yet. Hint: " + hint))
    return bool(ok)


def _unanswered(answer) -> bool:
    if answer is None or answer is Ellipsis:
        print("⏳ Not answered yet: replace the None placeholder with your code and run again.")
        return True
    return False


def _close(a, b, rtol=1e-6, atol=1e-9) -> bool:
    try:
        return bool(np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float),
                                rtol=rtol, atol=atol))
    except (TypeError, ValueError):
        return False


# ---------------------------------------------------------------------------------------------
# 01 waveform
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# 02 FFT spectrum
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# 03 STFT spectrogram
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# 04 decibels
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# 05 MFCC
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# 06 dataset
# ---------------------------------------------------------------------------------------------
