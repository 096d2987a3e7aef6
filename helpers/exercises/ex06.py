"""Exercise checks of notebook 06 (legacy versions: being rewritten, issue 9)."""

from __future__ import annotations

import numpy as np

from ._legacy_util import _close, _unanswered, verdict

__all__ = ['check_frames_per_segment', 'check_test_mask', 'check_standardised']


def check_frames_per_segment(answer, *, segment_s: float = 1.0, sr: int = 22050,
                             n_fft: int = 2048, hop_length: int = 441) -> bool | None:
    """06, exercise 1: STFT frames in one segment with ``center=False``."""
    if _unanswered(answer):
        return None
    L = int(round(segment_s * sr))
    expected = 1 + (L - n_fft) // hop_length
    ok = np.ndim(answer) == 0 and _close(answer, expected, rtol=0, atol=0)
    return verdict(ok, hint=f"a segment has {L} samples; the first frame starts at 0 and each "
                            f"next one {hop_length} later, and the last must END inside the "
                            "segment: 1 + (L - n_fft) // hop.")


def check_test_mask(answer, file_ids, test_files) -> bool | None:
    """06, exercise 2: a per-segment boolean mask that puts whole files in the test split."""
    if _unanswered(answer):
        return None
    expected = np.isin(np.asarray(file_ids), np.asarray(test_files))
    a = np.asarray(answer)
    ok = a.shape == expected.shape and a.dtype == np.bool_ and bool(np.all(a == expected))
    return verdict(ok, hint="one True/False per SEGMENT: True when the segment's file is one "
                            "of test_files, e.g. np.isin(file_ids, test_files).")


def check_standardised(answer, X_train, X_test) -> bool | None:
    """06, exercise 3: X_test standardised with the TRAINING mean and std per coefficient."""
    if _unanswered(answer):
        return None
    X_train = np.asarray(X_train, dtype=float)
    mean, std = X_train.mean(axis=(0, 1)), X_train.std(axis=(0, 1))
    expected = (np.asarray(X_test, dtype=float) - mean) / std
    try:
        a = np.asarray(answer, dtype=float) if np.ndim(answer) else np.array(np.nan)
    except (TypeError, ValueError):
        a = np.array(np.nan)  # not an array of numbers: wrong, with the hint below
    if a.shape == expected.shape and _close(a, (X_test - np.asarray(X_test).mean(axis=(0, 1)))
                                            / np.asarray(X_test).std(axis=(0, 1)), rtol=1e-4,
                                            atol=1e-4):
        return verdict(False, hint="that used the TEST set's own mean and std: the statistics "
                                   "must come from X_train only (axis=(0, 1)).")
    ok = a.shape == expected.shape and _close(a, expected, rtol=1e-4, atol=1e-4)
    return verdict(ok, hint="mean and std of X_train over axis=(0, 1) (segments and frames, "
                            "one value per coefficient), then (X_test - mean) / std.")
