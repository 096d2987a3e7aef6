"""Exercise checks of notebook 08 (What the data decisions do to a model), as data (``_spec``).

The ladder: 1 (warm-up) standardise test features with the training set's statistics, as in
section 3; 2-4 put the decisions into situations the notebook does not show: find test rows
that are exact copies of training rows (leakage by duplication, not by file; "identical" means
every value equal, so a tolerance is a named mistake), standardise a stack of log-mel patches
per mel band with training statistics (the axes of a 3-D array), and turn segment
probabilities into one label per clip with two rules the notebooks did not show: a mean
weighted by each segment's duration (a short last segment counts less) and abstaining (-1)
below a confidence. Each named mistake is a wrong method; ``tools/margins.py`` measures how far
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


def _ddof1(X_train, X_test):
    X_train, X_test = np.asarray(X_train, dtype=float), np.asarray(X_test, dtype=float)
    return (X_test - X_train.mean(axis=0)) / X_train.std(axis=0, ddof=1)


_CHANGED = Hint(
    "your function changed the caller's array (an in-place -= or /=). The caller still needs "
    "its features as they were: the same X_test may be standardised again, or plotted.",
    "Compute the result into a new array and return it; leave the inputs untouched.",
    example="after Xs = f(X_train, X_test), X_test must hold the same numbers as before the call.",
    mistake="changed-input")


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
        Mistake("ddof-1", _ddof1, Hint(
            "you divided by the sample standard deviation (ddof=1, n - 1 in the denominator). "
            "Section 3, notebook 06 and scikit-learn's StandardScaler use the population one "
            "(NumPy's default, ddof=0): the model must see the numbers it was trained with.",
            example="train column [0, 2]: ddof=0 gives std 1, ddof=1 gives 1.41; a test value 3 "
                    "becomes 2 with the first, 1.41 with the second.")),
    ],
    fallback=Hint("per column: subtract X_train's mean, divide by X_train's standard deviation.",
                  "Which axis of X_train runs over the examples? The statistics are taken along "
                  "it, one pair per feature, and only then applied to X_test.",
                  example="train column [0, 2, 4] (mean 2, std 1.63): a test value 5 becomes "
                          "(5 - 2) / 1.63 = 1.84."),
    changed_input=_CHANGED,
    success="the test set transformed with the training set's numbers only, as at deployment.")


def check_decisions_standardise(standardise_from_train):
    """08, exercise 1: standardise X_test with X_train's mean and standard deviation."""
    return check(EX_1, standardise_from_train)


# ------------------------------------------------------- 08.2 duplicated rows (leakage)
def _leaked_rows(X_train, X_test):
    # identical = every value equal (==): tuples of floats compare and hash that way
    train = set(map(tuple, np.asarray(X_train, dtype=float).tolist()))
    return np.array([tuple(row) in train for row in np.asarray(X_test, dtype=float).tolist()],
                    dtype=bool)


def _dup_cases(rng):
    out = []
    for n_tr, n_te, d in ((30, 14, 4), (int(rng.integers(40, 80)), int(rng.integers(18, 30)), 6),
                          (12, 12, 3)):
        X_tr = rng.normal(0, 1, (n_tr, d))
        X_te = rng.normal(0, 1, (n_te, d))
        slots = rng.permutation(n_te - 1)  # test rows to plant things in (not the last one)
        copies = slots[:3]
        X_te[copies] = X_tr[rng.choice(n_tr, 3, replace=False)]          # copied segments
        X_te[slots[3]] = X_te[copies[0]]                                   # a copy, twice
        X_te[slots[4]] = X_te[slots[5]]                                    # repeated in test only
        X_te[slots[6]] = X_tr[1][::-1]                                     # a train row reversed
        X_te[slots[7], 0] = X_tr[0, 0]                                     # one shared value
        X_te[slots[8]] = X_tr[2] * (1 + 1e-9)                              # almost a copy
        X_te[-1] = X_tr[-1]                                                # same position
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
    return np.isclose(X_test[:, None, :], X_train[None, :, :]).all(axis=2).any(axis=1)


def _in_test_too(X_train, X_test):
    X_test = np.asarray(X_test)
    _, first, counts = np.unique(X_test, axis=0, return_index=True, return_counts=True)
    out = _leaked_rows(X_train, X_test)
    repeated = np.zeros(len(X_test), dtype=bool)
    for i, c in zip(first, counts, strict=True):
        if c > 1:
            repeated[np.all(X_test == X_test[i], axis=1)] = True
    return out | repeated


def _first_copy_only(X_train, X_test):
    X_test = np.asarray(X_test)
    out = _leaked_rows(X_train, X_test)
    _, first = np.unique(X_test, axis=0, return_index=True)
    keep = np.zeros(len(X_test), dtype=bool)
    keep[first] = True
    return out & keep


def _sorted_rows(X_train, X_test):
    return _leaked_rows(np.sort(X_train, axis=1), np.sort(X_test, axis=1))


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
        Mistake("tolerance", _close_enough, Hint(
            "you matched rows within a tolerance (np.isclose / np.allclose, rounding, a small "
            "distance). The task asks for identical rows: a duplicated file gives every value "
            "exactly; a row that differs anywhere, even by one part in a billion, is another "
            "recording and must not be flagged.",
            example="train [[0.5, 1.0]], test [[0.5, 1.000000001]]: np.isclose says yes, == says "
                    "no; the answer is False.")),
        Mistake("repeated-in-test", _in_test_too, Hint(
            "you also flagged rows that repeat inside the test set. Leakage is a test row that "
            "the model saw in training; two equal test rows that are not in X_train leak "
            "nothing.",
            example="train [[1, 2]], test [[5, 6], [5, 6], [1, 2]]: [False, False, True].")),
        Mistake("first-copy-only", _first_copy_only, Hint(
            "when a copied row appears twice in X_test you flagged only its first appearance. "
            "Each test row gets its own answer: both copies are leaked.",
            example="train [[1, 2]], test [[1, 2], [3, 4], [1, 2]]: [True, False, True].")),
        Mistake("order-ignored", _sorted_rows, Hint(
            "you compared the rows' values regardless of their order (sorted rows, sets). The "
            "features have positions: [1, 2] and [2, 1] are different segments.",
            example="train [[1, 2]], test [[2, 1]]: not a copy, so False.")),
    ],
    fallback=Hint("one True/False per test row: True when the whole row equals some training "
                  "row, wherever that row sits in X_train.",
                  "A row is many numbers; how could you compare whole rows at once, or turn a "
                  "row into one thing you can look up (what can go into a Python set)?",
                  example="train [[1, 2], [3, 4]], test [[3, 4], [2, 1]]: [True, False]."),
    success="every copied row found, wherever it sits, repeats included, and no near-miss "
            "flagged.")


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


def _band_ddof1(train, test):
    train = np.asarray(train, dtype=float)
    return ((np.asarray(test) - train.mean(axis=(0, 2), keepdims=True))
            / train.std(axis=(0, 2), keepdims=True, ddof=1))


EX_3 = FunctionExercise(
    "08.3", _band_standardise, _band_cases, output="array", rtol=1e-6, atol=1e-5,
    mistakes=[
        Mistake("band-and-frame", _band_and_frame, Hint(
            "you kept one mean per band AND per frame (axis=0 only). A crop may start anywhere, so "
            "frame 3 means nothing special: pool the frames too.",
            "Per band: average over every axis except the bands' one.",
            example="a (100, 32, 50) stack: per-band statistics have shape (1, 32, 1), 32 means; "
                    "axis=0 gives 32 x 50 = 1600 of them.")),
        Mistake("global", _global, Hint(
            "one mean and one std for everything: a quiet high band stays quiet. The task asks "
            "for one pair per mel band.",
            example="bands at -70 dB and -20 dB: with one global mean (-45 dB) the first sits at "
                    "-25 dB below it and the second 25 dB above; per band both are centred.")),
        Mistake("per-frame", _per_frame, Hint(
            "you pooled over examples and bands (axis=(0, 1)): that is one mean per frame. "
            "Which axis holds the bands? That is the one axis the statistics must keep.",
            example="for a (10, 40, 20) stack, per-band statistics have 40 values, per-frame "
                    "statistics 20.")),
        Mistake("test-stats", _test_bands, Hint(
            "the statistics come from the test stack. Compute them on the training stack and only "
            "apply them to the test stack.",
            example="train band at mean -30 dB, std 5; a test value of -20 dB becomes +2, whatever "
                    "the other test values are.")),
        Mistake("ddof-1", _band_ddof1, Hint(
            "you used the sample standard deviation (ddof=1). Exercise 1, section 3 and notebook "
            "06 use NumPy's default (ddof=0); keep one convention, the one the model was trained "
            "with.",
            example="a band holding [0, 2] in training: std 1 with ddof=0, 1.41 with ddof=1.")),
    ],
    fallback=Hint("per mel band: the mean and std of the training stack over everything that "
                  "is not a band (the examples and the frames), then applied to the test stack.",
                  "Which axes do you average over, and what shape must the statistics have to "
                  "line up with a (examples, bands, frames) stack when you subtract them?",
                  example="a (3, 2, 4) train stack whose band 0 holds only -60 and band 1 only "
                          "-10 and -20: band means -60 and -15."),
    changed_input=_CHANGED,
    success="one mean and one std per mel band, from the training stack only.")


def check_decisions_band_standardise(band_standardise):
    """08, exercise 3: standardise log-mel patches per band with training statistics."""
    return check(EX_3, band_standardise)


# ------------------------------------------------------ 08.4 test-time aggregation per clip
def _combine(probs, clip_ids, durations):
    """(sorted clip ids, one duration-weighted mean row of probabilities per clip)."""
    probs = np.asarray(probs, dtype=float)
    ids, w = np.asarray(clip_ids), np.asarray(durations, dtype=float)
    clips = np.unique(ids)
    return clips, np.stack([(w[ids == c, None] * probs[ids == c]).sum(axis=0) / w[ids == c].sum()
                            for c in clips])


def _clip_labels(probs, clip_ids, durations, min_confidence):
    _, p = _combine(probs, clip_ids, durations)
    best = p.argmax(axis=1)
    return np.where(p.max(axis=1) < min_confidence, -1, best)


_CLIP_IDS = np.array([-17, -3, 0, 4, 9, 10, 23, 99, 100, 250, 1001, 7])


def _clip_cases(rng):
    out = []
    for n_classes, extra in ((3, 2), (4, int(rng.integers(3, 7))), (5, 4)):
        thr = float(rng.uniform(0.4, 0.5))
        clips = []  # (probs, durations) per clip

        def fill(p):  # spread what is left of each row over the other classes
            p = np.asarray(p, dtype=float)
            rest = (1 - p.sum(axis=1, keepdims=True)) / np.maximum((p == 0).sum(axis=1,
                                                                   keepdims=True), 1)
            return np.where(p == 0, rest, p)

        a, b, c = rng.choice(n_classes, 3, replace=False)
        # 1. three full segments lean to a, a short tail is sure of b: the weights decide
        p = np.zeros((4, n_classes))
        p[:3, a], p[:3, b], p[3, b] = 0.6, 0.3, 0.97
        clips.append((fill(p), np.array([0.5, 0.5, 0.5, rng.uniform(0.05, 0.12)])))
        # 2. confident segments that disagree: the weighted mean is unsure -> abstain
        p = np.zeros((3, n_classes))
        p[0, a], p[1, b], p[2, c] = 0.75, 0.75, 0.75
        clips.append((fill(p), np.array([0.5, 0.5, 0.5])))
        # 3. one sure segment against two weak votes: the vote differs from the mean
        p = np.zeros((3, n_classes))
        p[0, a], p[0, b] = 0.98, 0.02
        p[1:, a], p[1:, b] = 0.33, 0.45
        clips.append((fill(p), np.array([0.5, 0.5, 0.5])))
        while len(clips) < 3 + extra:  # random clips, clearly above or below the threshold
            n = int(rng.integers(1, 6))
            p = rng.dirichlet(np.full(n_classes, 0.5), size=n)
            w = np.r_[np.full(n - 1, 0.5), rng.uniform(0.05, 0.5)]
            top = ((w[:, None] * p).sum(axis=0) / w.sum()).max()
            if abs(top - thr) > 0.03:
                clips.append((p, w))
        groups = [_CLIP_IDS[_CLIP_IDS < 0], _CLIP_IDS[(_CLIP_IDS >= 0) & (_CLIP_IDS < 10)],
                  _CLIP_IDS[(_CLIP_IDS >= 10) & (_CLIP_IDS < 100)], _CLIP_IDS[_CLIP_IDS >= 100]]
        ids = np.array([rng.choice(g) for g in groups])  # every sign and number of digits
        rest = rng.permutation(np.setdiff1d(_CLIP_IDS, ids))[:len(clips) - ids.size]
        ids = rng.permutation(np.r_[ids, rest])
        rows = np.concatenate([[i] * len(w) for i, (_, w) in zip(ids, clips, strict=True)])
        order = rng.permutation(rows.size)  # segments of a clip are not contiguous
        out.append(dict(probs=np.concatenate([p for p, _ in clips])[order],
                        clip_ids=rows[order],
                        durations=np.concatenate([w for _, w in clips])[order],
                        min_confidence=round(thr, 3)))
    return out


def _unweighted(probs, clip_ids, durations, min_confidence):
    return _clip_labels(probs, clip_ids, np.ones(len(clip_ids)), min_confidence)


def _never_abstains(probs, clip_ids, durations, min_confidence):
    return _combine(probs, clip_ids, durations)[1].argmax(axis=1)


def _unnormalised(probs, clip_ids, durations, min_confidence):
    ids, w = np.asarray(clip_ids), np.asarray(durations, dtype=float)
    _, p = _combine(probs, clip_ids, durations)
    total = np.array([w[ids == c].sum() for c in np.unique(ids)])
    p = p * total[:, None]  # the weighted sum, not divided by the clip's duration
    return np.where(p.max(axis=1) < min_confidence, -1, p.argmax(axis=1))


def _vote(probs, clip_ids, durations, min_confidence):
    probs, ids = np.asarray(probs), np.asarray(clip_ids)
    labels = probs.argmax(axis=1)
    return np.array([int(np.bincount(labels[ids == c], minlength=probs.shape[1]).argmax())
                     for c in np.unique(ids)])


def _id_order(key):
    def method(probs, clip_ids, durations, min_confidence):
        ids = np.asarray(clip_ids)
        labels = dict(zip(np.unique(ids).tolist(),
                          _clip_labels(probs, clip_ids, durations, min_confidence).tolist(),
                          strict=True))
        return np.array([labels[c] for c in key(ids)])
    return method


def _as_text(ids):
    return sorted(set(ids.tolist()), key=str)


def _first_seen(ids):
    return list(dict.fromkeys(ids.tolist()))


EX_4 = FunctionExercise(
    "08.4", _clip_labels, _clip_cases, output="exact",
    mistakes=[
        Mistake("unweighted", _unweighted, Hint(
            "every segment counted the same, so a 0.1 s tail weighs as much as a 0.5 s segment. "
            "Weight each segment's probabilities by its duration, then divide by the clip's "
            "total duration so the combined row still sums to 1.",
            example="segments of 0.5 s [0.6, 0.4] and 0.1 s [0.0, 1.0]: the plain mean is "
                    "[0.3, 0.7]; weighted, (0.5·[0.6, 0.4] + 0.1·[0, 1]) / 0.6 = [0.5, 0.5].")),
        Mistake("never-abstains", _never_abstains, Hint(
            "you always returned a class. When the combined probability of the best class is "
            "below min_confidence the clip gets -1: the model is not sure enough to say.",
            example="combined [0.40, 0.35, 0.25] with min_confidence 0.45: the answer is -1, "
                    "not 0.")),
        Mistake("not-divided", _unnormalised, Hint(
            "your combined probabilities are weighted sums that were not divided by the clip's "
            "total duration: a 1.5 s clip's row then adds up to 1.5, and it is never below "
            "min_confidence. The best class is right; the abstentions are not.",
            example="three 0.5 s segments [0.4, 0.6], [0.8, 0.2], [0.3, 0.7]: the weighted sum is "
                    "[0.75, 0.75]; divided by 1.5 s it is [0.5, 0.5].")),
        Mistake("vote", _vote, Hint(
            "that is a majority vote of the segments' labels. The task combines the "
            "probabilities themselves (weighted by duration), then takes the largest.",
            example="segments [0.9, 0.1], [0.4, 0.6], [0.4, 0.6] of 0.5 s: the vote says class 1, "
                    "the mean [0.57, 0.43] says class 0.")),
        Mistake("ids-as-text", _id_order(_as_text), Hint(
            "the labels are right but the clips are in the order of their ids as text "
            "('-3' < '10' < '9'); the task wants increasing numbers.",
            example="clip ids 9, 10, -3: the answer lists -3, then 9, then 10.")),
        Mistake("first-seen-order", _id_order(_first_seen), Hint(
            "the labels are right but in the order the clips first appear; the task wants them "
            "in increasing order of clip id.",
            example="clip ids [12, 12, 5, 9]: the answer lists clip 5, then 9, then 12.")),
    ],
    fallback=Hint("one label per clip, clips in increasing order of id: the duration-weighted "
                  "mean of the clip's probability rows, its best class, or -1 when that best "
                  "probability is below min_confidence.",
                  "Work it out for one clip on paper first: which rows belong to it, how much "
                  "each counts, what the combined row is, and then which of the two answers "
                  "(a class or -1) it gets.",
                  example="rows [0.2, 0.8] (0.5 s) and [0.6, 0.4] (0.1 s) of clip 3, "
                          "min_confidence 0.6: (0.5·[0.2, 0.8] + 0.1·[0.6, 0.4]) / 0.6 = "
                          "[0.27, 0.73] -> [1]."),
    success="one label per clip from its duration-weighted mean probability, -1 where the "
            "model is not sure enough, whatever the number and length of the segments.")


def check_decisions_clip_labels(clip_labels):
    """08, exercise 4: one label (or -1) per clip from weighted segment probabilities."""
    return check(EX_4, clip_labels)
