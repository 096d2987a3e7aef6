"""Exercise checks of 06_dataset_for_deep_learning (first version; rewritten, issue 9)."""

from __future__ import annotations

import numpy as np

from helpers import exercises as ex


def test_exercise_checks(capsys):
    assert ex.check_frames_per_segment(None) is None
    assert ex.check_frames_per_segment(46) is True
    assert ex.check_frames_per_segment(51) is False  # center=True count: 1 + 22050 // 441
    files = np.array([0, 0, 1, 1, 2, 2])
    assert ex.check_test_mask(None, files, [2]) is None
    assert ex.check_test_mask(np.array([0, 0, 0, 0, 1, 1], bool), files, [2]) is True
    assert ex.check_test_mask(np.array([0, 0, 0, 1, 1, 1], bool), files, [2]) is False
    rng = np.random.default_rng(0)
    Xtr, Xte = rng.normal(3, 2, (5, 4, 3)), rng.normal(4, 1, (2, 4, 3))
    good = (Xte - Xtr.mean(axis=(0, 1))) / Xtr.std(axis=(0, 1))
    leak = (Xte - Xte.mean(axis=(0, 1))) / Xte.std(axis=(0, 1))
    assert ex.check_standardised(None, Xtr, Xte) is None
    assert ex.check_standardised(good, Xtr, Xte) is True
    assert ex.check_standardised(leak, Xtr, Xte) is False
    assert "TEST set's own" in capsys.readouterr().out
    assert ex.check_standardised([["a", "b"]], Xtr, Xte) is False  # not numbers: no crash
