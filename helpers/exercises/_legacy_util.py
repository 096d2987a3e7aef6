"""Print-based verdicts of the first version of the checks (kept while they are rewritten)."""

from __future__ import annotations

import numpy as np


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



def _as_number(answer):
    try:
        return float(np.asarray(answer, dtype=float))
    except (TypeError, ValueError):
        return None
