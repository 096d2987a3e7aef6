"""Exercise checks of notebook 08 (What the data decisions do to a model), as data (``_spec``).

The ladder: 1 (warm-up) standardise test features with the training set's statistics, as in
section 4; 2-4 put the decisions into situations the notebook does not show: find test rows
that are exact copies of training rows (leakage by duplication, not by file), standardise a
stack of log-mel patches per mel band with training statistics (the axes of a 3-D array), and
turn segment probabilities into one label per clip (test-time aggregation over clips of
different lengths). Each named mistake is a wrong method; ``tools/margins.py`` measures how far
each lies from the reference. Solutions: ``notebooks/solutions/08_data_decisions_solutions.ipynb``.
"""

from __future__ import annotations

import numpy as np

from ._core import Hint
from ._spec import FunctionExercise, Mistake, check

__all__ = ["check_decisions_standardise", "check_decisions_duplicates",
           "check_decisions_band_standardise", "check_decisions_clip_labels"]


# ------------------------------------------------- 08.1 standardise with train statistics
def _standardise_from_train(X_train, X_test):
    X_train, X_test = np.asarray(X_train, dtype=float), np.asarray(X_test, dtype=float)
    return (X_test - X_train.mean(axis=0)) / X_train.std(axis=0)


def _std_cases(rng):
    out = []
    for n_tr, n_te, d in ((40, 10, 3), (int(rng.integers(20, 60)), int(rng.integers(5, 20)), 7),
                          (15, 30, 2)):
        centre = rng.uniform(-50, 50, d)
        scale = rng.uniform(0.5, 20, d)
        X_tr = centre + scale * rng.standard_normal((n_tr, d))
        X_te = centre + rng.uniform(-3, 3, d) * scale + scale * rng.uniform(0.5, 2.0, d) * \
            rng.standard_normal((n_te, d))
        out.append(dict(X_train=X_tr, X_test=X_te))
    return out


def _all_data(X_train, X_test):
    both = np.concatenate([X_train, X_test])
    return (np.asarray(X_test) - both.mean(axis=0)) / both.std(axis=0)


def _own_stats(X_train, X_test):
    X_test = np.asarray(X_test, dtype=float)
    return (X_test - X_test.mean(axis=0)) / X_test.std(axis=0)


def _per_row(X_train, X_test):
    X_test = np.asarray(X_test, dtype=float)
    return (X_test - X_test.mean(axis=1, keepdims=True)) / X_test.std(axis=1, keepdims=True)


def _mean_only(X_train, X_test):
    return np.asarray(X_test, dtype=float) - np.asarray(X_train).mean(axis=0)


EX_1 = FunctionExercise(
    "08.1", _standardise_from_train, _std_cases, output="array", rtol=1e-6, atol=1e-6,
    mistakes=[
        Mistake("all-data", _all_data, Hint(
            "your statistics include the test rows: that is the leak the table measures. Fit "
            "the mean and the standard deviation on X_train alone.",
            "A deployed model never sees the test set's statistics; the test rows are only "
            "transformed.",
            example="train column [0, 2], test column [10]: the train mean is 1 and the std 1, so "
                    "10 becomes (10 - 1) / 1 = 9; with all three rows the mean would be 4.")),
        Mistake("test-stats", _own_stats, Hint(
            "you standardised the test set with its own statistics: every test column now has "
            "mean 0, whatever the training set looked like.",
            "Use the numbers the model was trained with: X_train's mean and std per column.",
            example="train column [0, 2] (mean 1, std 1), test column [10, 12]: the test values "
                    "become 9 and 11, not -1 and +1.")),
        Mistake("per-row", _per_row, Hint(
            "you took the mean and std of each row (axis=1): that mixes different features. "
            "Statistics are per column (feature), over the examples (axis=0).",
            example="rows [1, 100] and [3, 300]: per column the means are 2 and 200; per row they "
                    "would be 50.5 and 151.5, mixing a small and a large feature.")),
        Mistake("mean-only", _mean_only, Hint(
            "you subtracted the mean but did not divide by the standard deviation.",
            example="train column [0, 4]: mean 2, std 2; a test value 6 becomes (6 - 2) / 2 = 2.")),
    ],
    fallback=Hint("per column: subtract X_train's mean, divide by X_train's standard deviation.",
                  "np.mean(..., axis=0) and np.std(..., axis=0) on the training rows only.",
                  example="train column [0, 2, 4] (mean 2, std 1.63): a test value 5 becomes "
                          "(5 - 2) / 1.63 = 1.84."),
    success="the test set transformed with the training set's numbers only, as at deployment.")


def check_decisions_standardise(standardise_from_train):
    """08, exercise 1: standardise X_test with X_train's mean and standard deviation."""
    return check(EX_1, standardise_from_train)


# ------------------------------------------------------- 08.2 duplicated rows (leakage)
def _leaked_rows(X_train, X_test):
    X_train, X_test = np.asarray(X_train), np.asarray(X_test)
    train = {row.tobytes() for row in np.ascontiguousarray(X_train, dtype=float)}
    return np.array([row.tobytes() in train
                     for row in np.ascontiguousarray(X_test, dtype=float)], dtype=bool)


def _dup_cases(rng):
    out = []
    for n_tr, n_te, d in ((30, 12, 4), (int(rng.integers(40, 80)), int(rng.integers(15, 30)), 6),
                          (12, 8, 3)):
        X_tr = np.round(rng.normal(0, 1, (n_tr, d)), 2)
        X_te = np.round(rng.normal(0, 1, (n_te, d)), 2)
        k = int(rng.integers(2, max(3, n_te // 3)))
        rows = rng.choice(n_te, k, replace=False)
        X_te[rows] = X_tr[rng.choice(n_tr, k, replace=False)]           # copied segments
        X_te[rows[0] - 1 if rows[0] > 0 else -1, 0] = X_tr[0, 0]           # one shared value
        X_te[-1] = X_tr[-1]                                                 # same position
        X_te[-1, -1] += 0.01                                                # ... almost a copy
        out.append(dict(X_train=X_tr, X_test=X_te))
    return out


def _same_position(X_train, X_test):
    X_train, X_test = np.asarray(X_train), np.asarray(X_test)
    n = min(len(X_train), len(X_test))
    out = np.zeros(len(X_test), dtype=bool)
    out[:n] = np.all(X_test[:n] == X_train[:n], axis=1)
    return out


def _any_value(X_train, X_test):
    return np.isin(np.asarray(X_test), np.asarray(X_train)).any(axis=1)


def _close_enough(X_train, X_test):
    X_train, X_test = np.asarray(X_train), np.asarray(X_test)
    d = np.abs(X_test[:, None, :] - X_train[None, :, :]).max(axis=2)
    return (d <= 0.05).any(axis=1)


EX_2 = FunctionExercise(
    "08.2", _leaked_rows, _dup_cases, output="exact",
    mistakes=[
        Mistake("same-position", _same_position, Hint(
            "you compared test row i with training row i only. A copied segment can sit at any "
            "position in the training set: compare each test row with every training row.",
            example="train rows [[1, 2], [3, 4]], test rows [[3, 4]]: test row 0 equals train "
                    "row 1, so it is leaked although train row 0 differs.")),
        Mistake("any-value", _any_value, Hint(
            "you flagged a row when one of its values appears in the training set. A leak is a "
            "whole row (a whole segment) that is identical, every value of it.",
            example="train [[1, 2]], test [[1, 5]]: the value 1 is shared, but the row [1, 5] is "
                    "not a copy, so it is not leaked.")),
        Mistake("close", _close_enough, Hint(
            "you accepted rows that are only close. Here a leak is an exact copy (a duplicated "
            "file); nearby rows are different recordings.",
            example="train [[0.50, 1.00]], test [[0.50, 1.01]]: not equal, so not leaked.")),
    ],
    fallback=Hint("one boolean per test row: True when the whole row equals some training row.",
                  "Turn each row into something hashable (a tuple, or row.tobytes()) and look it "
                  "up in a set of the training rows.",
                  example="train [[1, 2], [3, 4]], test [[3, 4], [2, 1]]: [True, False]."),
    success="every copied row found, wherever it sits, and no near-miss flagged.")


def check_decisions_duplicates(leaked_rows):
    """08, exercise 2: which test rows are exact copies of a training row?"""
    return check(EX_2, leaked_rows)


# -------------------------------------- 08.3 per-band statistics of (examples, bands, frames)
def _band_standardise(train, test):
    train, test = np.asarray(train, dtype=float), np.asarray(test, dtype=float)
    mean = train.mean(axis=(0, 2), keepdims=True)
    std = train.std(axis=(0, 2), keepdims=True)
    return (test - mean) / std


def _band_cases(rng):
    out = []
    for n_tr, n_te, bands, frames in ((20, 5, 8, 10), (int(rng.integers(10, 30)), 7, 16, 6),
                                      (6, 12, 4, 25)):
        level = rng.uniform(-80, -10, (1, bands, 1))            # each band its own level (dB)
        spread = rng.uniform(1, 15, (1, bands, 1))
        ramp = np.linspace(-1, 1, frames)[None, None, :] * rng.uniform(2, 10)  # frames differ
        tr = level + ramp + spread * rng.standard_normal((n_tr, bands, frames))
        te = level + rng.uniform(-5, 5) + ramp + spread * rng.standard_normal((n_te, bands, frames))
        out.append(dict(train=tr, test=te))
    return out


def _band_and_frame(train, test):
    train = np.asarray(train, dtype=float)
    return (np.asarray(test) - train.mean(axis=0)) / train.std(axis=0)


def _global(train, test):
    train = np.asarray(train, dtype=float)
    return (np.asarray(test) - train.mean()) / train.std()


def _test_bands(train, test):
    test = np.asarray(test, dtype=float)
    return (test - test.mean(axis=(0, 2), keepdims=True)) / test.std(axis=(0, 2), keepdims=True)


def _per_frame(train, test):
    train = np.asarray(train, dtype=float)
    return ((np.asarray(test) - train.mean(axis=(0, 1), keepdims=True))
            / train.std(axis=(0, 1), keepdims=True))


EX_3 = FunctionExercise(
    "08.3", _band_standardise, _band_cases, output="array", rtol=1e-6, atol=1e-6,
    mistakes=[
        Mistake("band-and-frame", _band_and_frame, Hint(
            "you kept one mean per band AND per frame (axis=0 only). A crop may start anywhere, so "
            "frame 3 means nothing special: pool the frames too.",
            "Per band: average over the examples and the frames, axis=(0, 2).",
            example="a (100, 32, 50) stack: per-band statistics have shape (1, 32, 1), 32 means; "
                    "axis=0 gives 32 x 50 = 1600 of them.")),
        Mistake("global", _global, Hint(
            "one mean and one std for everything: a quiet high band stays quiet. The task asks "
            "for one pair per mel band.",
            example="bands at -70 dB and -20 dB: with one global mean (-45 dB) the first sits at "
                    "-25 dB below it and the second 25 dB above; per band both are centred.")),
        Mistake("per-frame", _per_frame, Hint(
            "you pooled over examples and bands (axis=(0, 1)): that is one mean per frame. The "
            "bands are axis 1; pool over axes 0 and 2.",
            example="for a (10, 40, 20) stack, per-band statistics have 40 values, per-frame "
                    "statistics 20.")),
        Mistake("test-stats", _test_bands, Hint(
            "the statistics come from the test stack. Compute them on the training stack and only "
            "apply them to the test stack.",
            example="train band at mean -30 dB, std 5; a test value of -20 dB becomes +2, whatever "
                    "the other test values are.")),
    ],
    fallback=Hint("per mel band (axis 1): the mean and std of the training stack over examples and "
                  "frames, then (test - mean) / std.",
                  "keepdims=True keeps shapes (1, bands, 1) that broadcast against the stack.",
                  example="a (3, 2, 4) train stack whose band 0 holds only -60 and band 1 only "
                          "-10 and -20: band means -60 and -15."),
    success="one mean and one std per mel band, from the training stack only.")


def check_decisions_band_standardise(band_standardise):
    """08, exercise 3: standardise log-mel patches per band with training statistics."""
    return check(EX_3, band_standardise)


# ------------------------------------------------------ 08.4 test-time aggregation per clip
def _clip_labels(probs, clip_ids):
    probs, clip_ids = np.asarray(probs, dtype=float), np.asarray(clip_ids)
    return np.array([int(np.argmax(probs[clip_ids == c].mean(axis=0)))
                     for c in np.unique(clip_ids)])


def _clip_cases(rng):
    out = []
    for n_clips, n_classes in ((6, 3), (int(rng.integers(8, 15)), 4), (10, 5)):
        ids = rng.permutation(np.arange(100, 100 + 7 * n_clips, 7))  # not 0..n-1, not sorted
        rows, probs = [], []
        for i, c in enumerate(ids):
            n = int(rng.integers(3, 7)) if i < 2 else int(rng.integers(1, 7))
            p = rng.dirichlet(np.full(n_classes, 0.6), size=n)
            a, b = rng.choice(n_classes, 2, replace=False)
            if i == 0:  # one confident segment against weak votes: the vote differs
                p[:] = 0.0
                p[0, [a, b]] = 0.95, 0.05
                p[1:, [a, b]] = 0.35, 0.45
            elif i == 1:  # a moderate segment against firmer ones: the most confident differs
                p[:] = 0.0
                p[0, [a, b]] = 0.7, 0.3
                p[1:, [a, b]] = 0.2, 0.6
            if i < 2:
                p += (1 - p.sum(axis=1, keepdims=True)) / n_classes
            rows += [c] * n
            probs.append(p)
        order = rng.permutation(len(rows))  # segments of a clip are not contiguous
        out.append(dict(probs=np.concatenate(probs)[order], clip_ids=np.array(rows)[order]))
    return out


def _vote(probs, clip_ids):
    probs, clip_ids = np.asarray(probs), np.asarray(clip_ids)
    return np.array([int(np.bincount(np.argmax(probs[clip_ids == c], axis=1),
                                     minlength=probs.shape[1]).argmax())
                     for c in np.unique(clip_ids)])


def _most_confident(probs, clip_ids):
    probs, clip_ids = np.asarray(probs), np.asarray(clip_ids)
    return np.array([int(np.unravel_index(np.argmax(probs[clip_ids == c]),
                                          probs[clip_ids == c].shape)[1])
                     for c in np.unique(clip_ids)])


def _first_seen_order(probs, clip_ids):
    probs, clip_ids = np.asarray(probs), np.asarray(clip_ids)
    _, first = np.unique(clip_ids, return_index=True)
    order = clip_ids[np.sort(first)]
    return np.array([int(np.argmax(probs[clip_ids == c].mean(axis=0))) for c in order])


EX_4 = FunctionExercise(
    "08.4", _clip_labels, _clip_cases, output="exact",
    mistakes=[
        Mistake("vote", _vote, Hint(
            "that is a majority vote of the segments' labels. The task combines the "
            "probabilities: average them per clip, then take the largest.",
            example="segments [0.9, 0.1], [0.4, 0.6], [0.4, 0.6]: the vote says class 1 (two "
                    "segments), the mean [0.57, 0.43] says class 0.")),
        Mistake("most-confident", _most_confident, Hint(
            "you took the class of the single most confident segment; one loud segment then "
            "decides the clip. Average every segment's probabilities.",
            example="segments [0.8, 0.2], [0.3, 0.7], [0.3, 0.7]: the most confident says 0, the "
                    "mean [0.47, 0.53] says 1.")),
        Mistake("first-seen-order", _first_seen_order, Hint(
            "the labels are right but in the order the clips first appear; the task wants them "
            "in increasing order of clip id.",
            example="clip ids [12, 12, 5, 9]: the answer lists clip 5, then 9, then 12 "
                    "(np.unique gives that order).")),
    ],
    fallback=Hint("per clip id (in increasing order): the mean of its rows of probs, then argmax.",
                  "np.unique(clip_ids) lists the clips in order; probs[clip_ids == c] picks the "
                  "rows of clip c.",
                  example="probs [[0.2, 0.8], [0.6, 0.4]], clip_ids [3, 3]: mean [0.4, 0.6] -> "
                          "[1]."),
    success="one label per clip from its mean probability, whatever the number of segments.")


def check_decisions_clip_labels(clip_labels):
    """08, exercise 4: one label per clip from segment probabilities."""
    return check(EX_4, clip_labels)
