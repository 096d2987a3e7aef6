"""Split by file (never by segment), standardise with training statistics."""

from __future__ import annotations

import numpy as np


def _check_fractions(fractions) -> tuple[float, float, float]:
    try:
        fr = tuple(float(f) for f in fractions)
    except TypeError:
        raise TypeError(f"fractions must be (train, val, test), e.g. (0.7, 0.15, 0.15), "
                        f"got {fractions!r}.") from None
    if len(fr) != 3 or not all(np.isfinite(fr)):
        raise ValueError(f"fractions must be three numbers (train, val, test), got {fractions!r}.")
    if any(f <= 0 for f in fr):
        raise ValueError(f"every fraction must be > 0, got {fractions!r}.")
    if abs(sum(fr) - 1.0) > 1e-6:
        raise ValueError(
            f"fractions must sum to 1, got {fractions!r} (sum {sum(fr):g}). "
            "Example: (0.7, 0.15, 0.15)."
        )
    return fr


def split_by_file(labels, fractions=(0.7, 0.15, 0.15), *, seed: int = 0,
                  label_names=None, groups=None) -> np.ndarray:
    """Assign each FILE to a split (0 train, 1 val, 2 test), stratified by label.

    All segments of a file go to that file's split, so no recording is on both sides (no
    leakage). Per class, files are shuffled with ``numpy.random.default_rng(seed)`` and
    ``round(fraction * n)`` files go to val and test, the rest to train.

    ``label_names`` (one name per label index, e.g. the label folders) names a class in the
    messages. ``groups`` (one id per file) keeps files with the same id in one split: give
    duplicates (the same audio in several files) one id. A group is shuffled as one unit of its
    class; a group spanning several labels takes the split it got in the first of them. Without
    groups (or when every group is one file) the result is the same as without ``groups``.
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError("labels must be a non-empty 1-D array with one label per file.")
    fr = _check_fractions(fractions)
    if groups is not None:
        groups = np.asarray(groups)
        if groups.shape != labels.shape:
            raise ValueError(f"groups must give one id per file ({labels.size}), got shape "
                             f"{groups.shape}.")
    rng = np.random.default_rng(seed)
    split = np.empty(labels.size, dtype=np.int64)
    assigned: dict = {}  # group id -> split, for groups spanning labels
    for lab in np.unique(labels):
        idx = np.flatnonzero(labels == lab)
        if groups is None:
            units = [np.array([i]) for i in idx]
        else:
            first: dict = {}
            for i in idx:
                first.setdefault(groups[i].item(), []).append(i)
            units = [np.array(v) for v in first.values()]
        n = len(units)
        n_val, n_test = int(round(fr[1] * n)), int(round(fr[2] * n))
        if n_val < 1 or n_test < 1 or n - n_val - n_test < 1:
            what = "file(s)" if groups is None else "distinct recording(s)"
            raise ValueError(
                f"{_label_phrase(lab.item(), label_names)} has only {n} {what}: with fractions "
                f"{fr} that gives {n - n_val - n_test} train / {n_val} val / {n_test} test. "
                "Every split needs at least one file per class: add files or change the "
                "fractions."
            )
        if groups is not None:  # units already placed by another label keep that split
            fixed = [u for u in units if groups[u[0]].item() in assigned]
            for u in fixed:
                split[u] = assigned[groups[u[0]].item()]
            units = [u for u in units if groups[u[0]].item() not in assigned]
            n = len(units)
            n_val, n_test = int(round(fr[1] * n)), int(round(fr[2] * n))
        perm = rng.permutation(n)
        for rank, k in enumerate(perm):
            s_idx = 1 if rank < n_val else 2 if rank < n_val + n_test else 0
            split[units[k]] = s_idx
            if groups is not None:
                assigned[groups[units[k][0]].item()] = s_idx
    return split


def _label_phrase(lab, label_names) -> str:
    if label_names is not None and 0 <= int(lab) < len(label_names):
        return f"label {label_names[int(lab)]!r} (folder {label_names[int(lab)]}/)"
    return f"label {lab!r}"


def fit_standardiser(X_train) -> tuple[np.ndarray, np.ndarray]:
    """Per-coefficient mean and standard deviation over all training segments and frames.

    ``X_train`` has shape ``(segments, frames, coefficients)``; both results have shape
    ``(coefficients,)``. Apply to every split as ``(X - mean) / std``. A zero std becomes 1.
    """
    X = np.asarray(X_train, dtype=np.float64)
    if X.ndim != 3 or X.shape[0] == 0:
        raise ValueError(f"X_train must be (segments, frames, coefficients) with at least one "
                         f"segment, got shape {X.shape}.")
    mean = X.mean(axis=(0, 1))
    std = X.std(axis=(0, 1))
    std = np.where(std > 0, std, 1.0)
    return mean.astype(np.float32), std.astype(np.float32)

