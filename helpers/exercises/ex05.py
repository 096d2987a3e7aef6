"""Exercise checks of notebook 05 (legacy versions: being rewritten, issue 9)."""

from __future__ import annotations

import numpy as np

from ._legacy_util import _close, _unanswered, verdict

__all__ = ['check_mel_values', 'check_mfcc_shape', 'check_stacked_features', 'check_normalised']


def check_mel_values(answer) -> bool | None:
    """05, exercise 1: ``(htk_mel, slaney_mel)`` of 4000 Hz."""
    if _unanswered(answer):
        return None
    import librosa

    expected = (float(librosa.hz_to_mel(4000.0, htk=True)), float(librosa.hz_to_mel(4000.0)))
    try:
        ok = len(answer) == 2 and _close(answer, expected, rtol=1e-6, atol=1e-6)
    except TypeError:
        ok = False
    return verdict(ok, hint="give a pair (htk, slaney): hz_to_mel(4000, htk=True) uses "
                            "2595 log10(1 + f/700); htk=False is librosa's default.")


def check_mfcc_shape(answer, n_samples: int) -> bool | None:
    """05, exercise 2: shape of MFCCs with n_mfcc=20, hop_length=256 (centred frames)."""
    if _unanswered(answer):
        return None
    expected = (20, 1 + int(n_samples) // 256)
    a = np.asarray(answer)
    shape = tuple(int(v) for v in a) if a.ndim == 1 and a.size == 2 else a.shape
    ok = shape == expected
    return verdict(ok, hint="rows = n_mfcc; columns = 1 + len(y) // hop_length with centred "
                            "frames. Give the shape tuple (or the array).")


def check_stacked_features(answer, C) -> bool | None:
    """05, exercise 3: MFCCs, deltas and delta-deltas stacked into one (3 * n_mfcc, frames)."""
    if _unanswered(answer):
        return None
    import librosa

    C = np.asarray(C)
    expected = np.vstack([C, librosa.feature.delta(C), librosa.feature.delta(C, order=2)])
    a = np.asarray(answer)
    ok = a.shape == expected.shape and _close(a, expected, rtol=1e-4, atol=1e-4)
    return verdict(ok, hint=f"expected shape {expected.shape}: np.vstack([C, delta(C), "
                            f"delta(C, order=2)]) with the default width=9.")


def check_normalised(answer, C=None) -> bool | None:
    """05, exercise 4: every row has mean 0 and standard deviation 1 over time.

    With ``C`` (the MFCC matrix of exercise 3), the answer must also be the per-row
    standardisation of ``C`` stacked with its deltas and delta-deltas, shape (3 * n_mfcc, T).
    """
    if _unanswered(answer):
        return None
    try:
        a = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return verdict(False, hint="give a 2-D array (features x frames).")
    ok = a.ndim == 2 and _close(a.mean(axis=1), 0, atol=1e-6) \
        and _close(a.std(axis=1), 1, atol=1e-4)
    hint = ("subtract each row's mean and divide by its std, computed along axis=1 (time), "
            "with keepdims=True.")
    if ok and C is not None:
        import librosa

        C = np.asarray(C, dtype=float)
        stacked = np.vstack([C, librosa.feature.delta(C), librosa.feature.delta(C, order=2)])
        expected = (stacked - stacked.mean(axis=1, keepdims=True)) \
            / stacked.std(axis=1, keepdims=True)
        ok = a.shape == expected.shape and _close(a, expected, rtol=1e-4, atol=1e-4)
        hint = (f"each row is standardised, but not the right rows: normalise the {stacked.shape}"
                " stack of exercise 3 (MFCCs, deltas, delta-deltas).")
    return verdict(ok, hint=hint)


