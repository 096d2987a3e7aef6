"""Exercise checks of notebook 06 (a dataset for deep learning).

Each check calls the learner's small function on inputs chosen here (not the notebook's clips)
and compares it with a reference, so a hard-coded number or a method that skips the idea fails
with a hint that names the mistake:

- 06.1 ``frames_per_segment(segment_s, sr, n_fft, hop, center)``: STFT frames in one segment,
  with and without librosa's ``center=True`` padding.
- 06.2 ``split_mask(file_ids, test_fraction, seed)``: a test split of whole FILES (no data
  leakage), random but reproducible.
- 06.3 ``standardise(X_train, X_test)``: per-coefficient mean and standard deviation from the
  training split only, applied to both splits.
- 06.4 ``segment(y, L, remainder, min_fill)`` (stretch): fixed-length segments with the
  pad/drop rule of ``helpers.dataset.cut_segments``.
"""

from __future__ import annotations

import numpy as np

from ._core import Hint, array, call, close, correct, exercise, stop_wrong
from ._routes import Forbidden

#: 06.4 writes the segmenting rule: not with the course's own segmenter.
_NO_COURSE_HELPERS = Forbidden(("helpers",), hint=lambda used: Hint(
    f"write it with NumPy: {used[0]} is the course's own code (the answer key); the exercise is "
    "to build it yourself.", mistake="uses-helper"))

__all__ = ["check_frames_per_segment", "check_split_mask", "check_standardise",
           "check_segment"]


# ------------------------------------------------------------------------------------------
# 06.1 frames per segment
# ------------------------------------------------------------------------------------------
# (segment_s, sr, n_fft, hop, center). Chosen so that each common mistake gives a different
# number somewhere: 3.0 s / 441 is a whole number of hops (ceil(L / hop) is one frame short
# with center=True), 2.9999 s at 22,050 Hz is 66,147.8 samples (truncating instead of rounding
# loses one frame with hop 641), and center=True vs False differ everywhere.
FRAME_CASES = [
    (1.5, 16000, 1024, 256, False),
    (1.5, 16000, 1024, 256, True),
    (3.0, 22050, 2048, 441, True),
    (3.0, 22050, 2048, 441, False),
    (2.9999, 22050, 2048, 641, False),
    (0.5, 44100, 4096, 1024, True),
    (0.5, 44100, 4096, 1024, False),
    (0.75, 8000, 512, 200, True),
]


def _segment_samples(segment_s, sr) -> int:
    return int(round(segment_s * sr))


def frames_reference(segment_s, sr, n_fft, hop, center) -> int:
    """STFT frames of a segment of ``round(segment_s * sr)`` samples (even ``n_fft``).

    ``center=False``: frames must lie inside the segment, ``1 + (L - n_fft) // hop``.
    ``center=True`` (librosa's default): ``n_fft // 2`` zeros are added at each end first,
    ``1 + (L + 2 * (n_fft // 2) - n_fft) // hop = 1 + L // hop``.
    """
    L = _segment_samples(segment_s, sr)
    if center:
        L = L + 2 * (n_fft // 2)
    return 1 + (L - n_fft) // hop


_FRAMES_WRONG = [  # (mistake id, formula, hint)
    ("center-ignored", lambda s, sr, n, h, c: frames_reference(s, sr, n, h, not c), Hint(
        "`center` changes the count: with center=True librosa first pads the segment with "
        "n_fft // 2 zeros at EACH end, so more frames fit; with center=False it pads nothing.",
        "Write the count for a signal of L samples framed without padding, then use it with "
        "L replaced by the padded length when center=True.",
        "L = round(segment_s * sr); padded = L + 2 * (n_fft // 2) if center else L; "
        "return 1 + (padded - n_fft) // hop",
        mistake="center-ignored")),
    ("ceil", lambda s, sr, n, h, c: int(np.ceil(_segment_samples(s, sr) / h)), Hint(
        "ceil(L / hop) is the old script's guess, and it is one frame short when L is a whole "
        "number of hops (3 s with hop 441 is exactly 150 hops): that is how the old script "
        "dropped every segment without a word.",
        "Count frames from how they are placed: the first starts at sample 0, each next one "
        "`hop` later, and the last must still fit (after padding, when center=True).",
        "1 + (padded_length - n_fft) // hop", mistake="ceil")),
    ("truncated-samples", lambda s, sr, n, h, c: frames_reference(int(s * sr) / sr, sr, n, h, c),
     Hint("segment_s × sr is not always a whole number (2.9999 s × 22,050 Hz = 66,147.8): "
          "round it to the nearest sample, as the notebook's FeatureParams does; int() cuts "
          "the fraction off and can lose a frame.",
          "L = round(segment_s * sr) samples.", "L = int(round(segment_s * sr))",
          mistake="truncated-samples")),
    ("one-side-padding", lambda s, sr, n, h, c: 1 + (_segment_samples(s, sr)
                                                      + (n // 2 if c else 0) - n) // h, Hint(
        "with center=True you padded only one end: librosa adds n_fft // 2 zeros at the start "
        "AND n_fft // 2 at the end (so that frame m is centred on sample m * hop).",
        "The padded length is L + 2 * (n_fft // 2) = L + n_fft for an even n_fft.",
        "padded = L + 2 * (n_fft // 2) if center else L", mistake="one-side-padding")),
    ("partial-frame", lambda s, sr, n, h, c: 1 + int(np.ceil(
        (_segment_samples(s, sr) + (2 * (n // 2) if c else 0) - n) / h)), Hint(
        "you rounded up, so a last frame that runs past the end of the (padded) segment is "
        "counted. librosa only makes frames that fit completely.",
        "Count the whole hops that fit: round down.", "1 + (padded - n_fft) // hop",
        mistake="partial-frame")),
    ("first-frame-missed", lambda s, sr, n, h, c: frames_reference(s, sr, n, h, c) - 1, Hint(
        "one frame short: (length - n_fft) // hop counts the hops AFTER the first frame; the "
        "first frame (starting at sample 0) counts too.",
        "Frames = 1 + number of whole hops that still leave room for one more frame.",
        "1 + (padded - n_fft) // hop", mistake="first-frame-missed")),
]


@exercise("06.1")
def check_frames_per_segment(frames_per_segment):
    """06, exercise 1: ``frames_per_segment(segment_s, sr, n_fft, hop, center)`` -> an int."""
    outs = []
    for case in FRAME_CASES:
        out = call(frames_per_segment, *case)
        try:
            value = float(np.asarray(out, dtype=float).reshape(()))
        except (TypeError, ValueError):
            stop_wrong(Hint(f"return one whole number of frames; got {out!r:.60} for "
                            f"{case}.", mistake="not-a-number"))
        if not np.isfinite(value) or value != int(value):
            stop_wrong(Hint(
                f"a frame count is a whole number; got {value:g} for (segment_s, sr, n_fft, "
                f"hop, center) = {case}. A frame that does not fit entirely is not a frame.",
                "Use floor division (//) for 'how many whole hops fit'.",
                "1 + (padded_length - n_fft) // hop", mistake="not-whole"))
        outs.append(int(value))
    if len(set(outs)) == 1:
        stop_wrong(Hint(f"your function returns {outs[0]} for every setting: the count must "
                        "depend on the segment length, n_fft, hop and center.",
                        "Compute it from the arguments instead of a number from the notebook.",
                        mistake="hard-coded"))
    failing = [(case, got) for case, got in zip(FRAME_CASES, outs, strict=True)
               if got != frames_reference(*case)]
    if failing:
        # name the mistake that explains the most wrong counts
        score = [(sum(got == formula(*case) for case, got in failing), -i)
                 for i, (_, formula, _) in enumerate(_FRAMES_WRONG)]
        best = max(range(len(score)), key=lambda i: score[i])
        if score[best][0] > 0:
            _, formula, hint = _FRAMES_WRONG[best]
            case, got = next((c, g) for c, g in failing if g == formula(*c))
            stop_wrong(hint, f"For {case} you return {got}, the count is "
                             f"{frames_reference(*case)}.")
        case, got = failing[0]
        stop_wrong(Hint(
            f"for (segment_s, sr, n_fft, hop, center) = {case} you return {got}; the segment "
            f"has round({case[0]} × {case[1]}) = {_segment_samples(*case[:2])} samples.",
            "center=False: frames lie entirely inside the segment. center=True: librosa pads "
            "n_fft // 2 zeros at each end first.",
            "padded = L + 2 * (n_fft // 2) if center else L; return 1 + (padded - n_fft) // hop",
            mistake="other"))
    return correct(f"Right on all {len(FRAME_CASES)} settings, with and without centring.")


# ------------------------------------------------------------------------------------------
# 06.2 a test split by file
# ------------------------------------------------------------------------------------------
def _split_cases() -> list[tuple[np.ndarray, float]]:
    """Fresh file ids per segment: non-consecutive ids, files of 1 to 9 segments, segments of
    different files interleaved (as after any shuffle), plus one plain sorted layout."""
    rng = np.random.default_rng(602)
    ids_a = np.array([3, 7, 12, 18, 21, 25, 30, 41, 42, 57])
    a = rng.permutation(np.repeat(ids_a, [4, 2, 6, 3, 5, 2, 4, 7, 3, 5]))
    b = np.repeat(np.arange(8), [3, 3, 2, 4, 3, 3, 2, 4])
    ids_c = rng.choice(1000, size=20, replace=False)
    c = rng.permutation(np.repeat(ids_c, rng.integers(2, 10, size=20)))
    return [(a, 0.3), (b, 0.25), (c, 0.2)]


def _allowed_test_files(n_files: int, fraction: float) -> set[int]:
    x = fraction * n_files
    ks = (int(np.floor(x + 1e-9)), int(round(x)), int(np.ceil(x - 1e-9)))
    return {k for k in ks if 1 <= k < n_files}


@exercise("06.2")
def check_split_mask(split_mask):
    """06, exercise 2: ``split_mask(file_ids, test_fraction, seed)`` -> one bool per segment,
    True for the segments of the randomly chosen test FILES."""
    masks_by_seed = []
    for case_i, (ids, fraction) in enumerate(_split_cases()):
        files = np.unique(ids)
        for seed in (0, 1, 2, 3, 4) if case_i == 0 else (0, 7):
            given = ids.copy()
            out = call(split_mask, given, fraction, seed)
            if not np.array_equal(given, ids):
                stop_wrong(Hint(
                    "your function changed the file_ids array it was given (an in-place "
                    "shuffle or sort?): the caller's segment order is now wrong.",
                    "Shuffle or sort a copy, or shuffle the list of distinct files instead.",
                    "test_files = rng.choice(np.unique(file_ids), size=k, replace=False)",
                    mistake="modified-input"))
            m = np.asarray(out)
            if m.shape == files.shape:
                stop_wrong(Hint(
                    f"your mask has one value per FILE ({files.size}); the check wants one per "
                    f"SEGMENT ({ids.size}), so it can select rows of X directly.",
                    "Pick the test files first, then mark every segment whose file id is "
                    "among them.", "np.isin(file_ids, test_files)", mistake="per-file"))
            if m.dtype != bool:
                if m.shape == ids.shape and np.isin(m, (0, 1)).all():
                    stop_wrong(Hint(
                        "return booleans (True/False), not 0/1 integers: X[mask] with an "
                        "integer array picks rows 0 and 1 over and over instead of selecting.",
                        "np.isin(...) and comparisons give a boolean array directly.",
                        mistake="not-boolean"))
                stop_wrong(Hint(
                    f"return a boolean MASK, one True/False per segment (length {ids.size}), "
                    f"not a list of indices or file ids (got {m.dtype} values, shape "
                    f"{m.shape}).",
                    "True where the segment's file is one of the chosen test files.",
                    "np.isin(file_ids, test_files)", mistake="indices"))
            if m.shape != ids.shape:
                stop_wrong(Hint(f"one True/False per segment: expected shape {ids.shape}, got "
                                f"{m.shape}.", mistake="wrong-length"))
            split_files = [f for f in files if m[ids == f].any() and not m[ids == f].all()]
            if split_files:
                stop_wrong(Hint(
                    f"data leakage: {len(split_files)} file(s) have segments in BOTH train and "
                    f"test (e.g. file id {split_files[0]}). You chose segments, not files; a "
                    "test segment then has siblings from the same recording in training.",
                    "Choose whole files: draw from the DISTINCT file ids, then mark all "
                    "segments of the chosen files.",
                    "files = np.unique(file_ids); test_files = rng.choice(files, size=k, "
                    "replace=False); return np.isin(file_ids, test_files)",
                    mistake="leakage"))
            n_test = int(np.unique(ids[m]).size)
            allowed = _allowed_test_files(files.size, fraction)
            if n_test not in allowed:
                want = round(fraction * files.size)
                if n_test == files.size - want:
                    stop_wrong(Hint(
                        "train and test are swapped: True must mark the TEST segments "
                        f"({want} of {files.size} files for test_fraction={fraction}).",
                        mistake="inverted"))
                stop_wrong(Hint(
                    f"with {files.size} files and test_fraction={fraction} the test split "
                    f"should hold round({fraction} × {files.size}) = {want} FILES; yours holds "
                    f"{n_test} (that is {m.mean():.0%} of the segments). The fraction counts "
                    "files, not segments.",
                    "k = round(test_fraction * number of distinct files).",
                    "k = round(test_fraction * np.unique(file_ids).size)",
                    mistake="test-count"))
            again = np.asarray(call(split_mask, ids.copy(), fraction, seed))
            if not np.array_equal(again, m):
                stop_wrong(Hint(
                    "two calls with the same seed gave different splits: the split must be "
                    "reproducible, or results cannot be compared between runs.",
                    "Make the random generator from the seed argument.",
                    "rng = np.random.default_rng(seed)", mistake="not-reproducible"))
            if case_i == 0:
                masks_by_seed.append(m)
    if all(np.array_equal(masks_by_seed[0], m) for m in masks_by_seed[1:]):
        stop_wrong(Hint(
            "every seed gives the same test files: the choice is not random. Taking the first "
            "files in sorted order puts one class (or one recording session) in test.",
            "Draw the test files with a generator seeded by `seed`.",
            "rng = np.random.default_rng(seed); rng.choice(np.unique(file_ids), size=k, "
            "replace=False)", mistake="not-random"))
    return correct("Whole files in test, the requested number of them, random and "
                   "reproducible: no recording is on both sides.")


# ------------------------------------------------------------------------------------------
# 06.3 standardise with training statistics
# ------------------------------------------------------------------------------------------
def _standardise_cases() -> list[tuple[np.ndarray, np.ndarray]]:
    """(X_train, X_test) with per-coefficient scales as different as MFCCs' and a test split
    whose statistics differ from the training split's; the last case is tiny, so ddof matters."""
    rng = np.random.default_rng(603)
    out = []
    for (n_tr, n_te, frames, coefs, dtype) in [(7, 3, 9, 4, np.float64), (5, 2, 11, 13, np.float32),
                                               (2, 1, 3, 3, np.float64)]:
        mean = rng.normal(0, 50, coefs) * np.r_[8, np.ones(coefs - 1)]
        std = rng.uniform(0.5, 30, coefs)
        X_tr = rng.normal(mean, std, (n_tr, frames, coefs)).astype(dtype)
        X_te = rng.normal(mean + std, 1.5 * std, (n_te, frames, coefs)).astype(dtype)
        out.append((X_tr, X_te))
    return out


def _z(X, mean, std):
    return (np.asarray(X, dtype=float) - mean) / std


def _std_wrong(X_tr, X_te):
    """(mistake id, Z_train, Z_test, hint) of the common mistakes, for one case."""
    tr, te = np.asarray(X_tr, float), np.asarray(X_te, float)
    allx = np.concatenate([tr, te])
    m, s = tr.mean(axis=(0, 1)), tr.std(axis=(0, 1))
    out = [
        ("test-statistics", _z(tr, m, s), _z(te, te.mean(axis=(0, 1)), te.std(axis=(0, 1))), Hint(
            "the test split was standardised with its OWN mean and std. The test set stands "
            "for audio you have not seen yet; use the numbers learned from training, the same "
            "ones you would apply to a new recording.",
            "Compute mean and std once, from X_train, and apply them to both arrays.",
            "mean = X_train.mean(axis=(0, 1)); std = X_train.std(axis=(0, 1))",
            mistake="test-statistics")),
        ("all-data", _z(tr, allx.mean(axis=(0, 1)), allx.std(axis=(0, 1))),
         _z(te, allx.mean(axis=(0, 1)), allx.std(axis=(0, 1))), Hint(
             "the statistics came from train AND test together: the test set then shapes the "
             "inputs of training (a mild data leakage).",
             "Use X_train alone for the mean and std.", mistake="all-data")),
        ("per-frame-position", _z(tr, tr.mean(axis=0), tr.std(axis=0)),
         _z(te, tr.mean(axis=0), tr.std(axis=0)), Hint(
             "axis=0 gives one mean per (frame position, coefficient): frame 5 of a segment is "
             "not special, and each statistic then rests on very few values.",
             "One mean and one std per COEFFICIENT, over segments AND frames.",
             "axis=(0, 1)", mistake="per-frame-position")),
        ("one-global", _z(tr, tr.mean(), tr.std()), _z(te, tr.mean(), tr.std()), Hint(
            "one mean and std for everything leaves c0 (hundreds) and c5 (tens) on different "
            "scales; standardise each coefficient separately.",
            "Reduce over segments and frames only, keeping the coefficient axis.",
            "axis=(0, 1)", mistake="one-global")),
        ("per-segment", _z(tr, tr.mean(axis=1, keepdims=True), tr.std(axis=1, keepdims=True)),
         _z(te, te.mean(axis=1, keepdims=True), te.std(axis=1, keepdims=True)), Hint(
             "each segment was standardised with its own statistics (axis=1): that removes each "
             "segment's level and uses test statistics; the exercise asks for one training "
             "mean and std per coefficient.", "axis=(0, 1) on X_train.",
             mistake="per-segment")),
        ("variance", _z(tr, m, s ** 2), _z(te, m, s ** 2), Hint(
            "divided by the variance; divide by the standard deviation (its square root).",
            "np.std, not np.var.", "std = X_train.std(axis=(0, 1))", mistake="variance")),
        ("not-centred", _z(tr, 0.0, s), _z(te, 0.0, s), Hint(
            "subtract the training mean before dividing: standardised values have mean 0.",
            "z = (x - mean) / std, with mean and std from X_train.",
            "(X_test - X_train.mean(axis=(0, 1))) / std", mistake="not-centred")),
        ("not-scaled", _z(tr, m, 1.0), _z(te, m, 1.0), Hint(
            "centred but not divided by the training standard deviation.",
            "z = (x - mean) / std: each coefficient ends with standard deviation 1.",
            "(X_test - mean) / X_train.std(axis=(0, 1))", mistake="not-scaled")),
    ]
    return out


@exercise("06.3")
def check_standardise(standardise):
    """06, exercise 3: ``standardise(X_train, X_test) -> (Z_train, Z_test)`` with training
    statistics per coefficient. ``ddof=0`` (NumPy's default) and ``ddof=1`` both pass."""
    used_ddof1 = False
    for X_tr, X_te in _standardise_cases():
        tr_in, te_in = X_tr.copy(), X_te.copy()
        kept_axis = Hint(
            "your mean and std still have one value per training SEGMENT (axis 0 was not "
            "reduced), so they do not fit X_test, which has other segments: NumPy cannot "
            "broadcast them.",
            "Reduce over segments AND frames, keeping only the coefficient axis: one mean and "
            "one std per coefficient.", "X_train.mean(axis=(0, 1))", mistake="kept-segment-axis")
        out = call(standardise, tr_in, te_in,
                   known_errors={r"operands could not be broadcast": kept_axis})
        if not np.array_equal(tr_in, X_tr) or not np.array_equal(te_in, X_te):
            stop_wrong(Hint(
                "your function changed the arrays it was given (an in-place `-=` or `/=`): the "
                "caller's raw features are gone. Return new arrays.",
                "Write Z = (X - mean) / std, which makes a new array.",
                mistake="modified-input"))
        if not (isinstance(out, (tuple, list)) and len(out) == 2):
            stop_wrong(Hint(
                "return BOTH standardised arrays, as a pair: `return Z_train, Z_test`.",
                "A function can return a tuple; the check unpacks it.",
                "return (X_train - mean) / std, (X_test - mean) / std", mistake="return-both"))
        Z_tr = array(out[0], what="Z_train", shape=X_tr.shape)
        Z_te = array(out[1], what="Z_test", shape=X_te.shape)
        mean = X_tr.astype(float).mean(axis=(0, 1))
        tol = dict(rtol=1e-4, atol=1e-4)
        for ddof in (0, 1):
            std = X_tr.astype(float).std(axis=(0, 1), ddof=ddof)
            if close(Z_tr, _z(X_tr, mean, std), **tol) and close(Z_te, _z(X_te, mean, std), **tol):
                used_ddof1 |= ddof == 1
                break
        else:
            for _, w_tr, w_te, hint in _std_wrong(X_tr, X_te):
                if close(Z_te, w_te, **tol) and close(Z_tr, w_tr, **tol):
                    stop_wrong(hint)
            if close(Z_tr, _z(X_tr, mean, X_tr.astype(float).std(axis=(0, 1))), **tol):
                stop_wrong(Hint(
                    "Z_train is right but Z_test is not: apply the SAME training mean and std "
                    "to X_test.", "Compute mean and std once, use them twice.",
                    "(X_test - mean) / std", mistake="test-not-transformed"))
            stop_wrong(Hint(
                f"for X_train of shape {X_tr.shape} the result does not match (X - mean) / std "
                "with one training mean and std per coefficient.",
                "mean and std of X_train over axis=(0, 1): segments and frames.",
                "mean = X_train.mean(axis=(0, 1)); std = X_train.std(axis=(0, 1)); "
                "return (X_train - mean) / std, (X_test - mean) / std", mistake="other"))
    note = (" You used ddof=1 (the sample standard deviation); NumPy's np.std defaults to "
            "ddof=0. Both are accepted: they differ by the factor sqrt(n / (n - 1)), negligible "
            "for thousands of values. Use the same one at inference time."
            if used_ddof1 else "")
    return correct("Training statistics only, one mean and std per coefficient." + note)


# ------------------------------------------------------------------------------------------
# 06.4 (stretch) segments with a pad/drop rule
# ------------------------------------------------------------------------------------------
def segment_reference(y, L, remainder, min_fill) -> np.ndarray:
    """``n // L`` full segments; the remainder zero-padded at the end when ``remainder="pad"``
    and it is at least ``min_fill * L`` samples long, otherwise dropped. Shape ``(n, L)``."""
    y = np.asarray(y)
    n_full, rest = divmod(y.size, L)
    keep = rest > 0 and remainder == "pad" and rest >= min_fill * L
    out = np.zeros((n_full + int(keep), L), dtype=y.dtype)
    out[:n_full] = y[: n_full * L].reshape(n_full, L)
    if keep:
        out[n_full, :rest] = y[n_full * L:]
    return out


SEGMENT_CASES = [  # (length in samples, L, remainder, min_fill): what the case exercises
    (10 * 700 + 490, 700, "pad", 0.5),   # remainder 0.7 L: padded
    (3 * 1000 + 300, 1000, "pad", 0.5),  # remainder 0.3 L: dropped (below min_fill)
    (4 * 777, 777, "pad", 0.5),          # a whole number of segments: no remainder at all
    (2 * 800 + 400, 800, "pad", 0.5),    # remainder exactly min_fill: padded (>=)
    (5 * 640 + 600, 640, "drop", 0.5),   # drop: every remainder goes
    (3 * 900 + 270, 900, "pad", 0.25),   # another min_fill: 0.3 L >= 0.25 L, padded
    (450, 1000, "pad", 0.4),             # shorter than one segment, padded
    (450, 1000, "drop", 0.5),            # shorter than one segment, dropped: shape (0, L)
]


@exercise("06.4")
def check_segment(segment):
    """06, exercise 4 (stretch): ``segment(y, L, remainder, min_fill)`` -> ``(n, L)``."""
    rng = np.random.default_rng(604)
    for n, L, remainder, min_fill in SEGMENT_CASES:
        y = rng.uniform(-1, 1, n).astype(np.float32) + np.float32(0.01)  # no exact zeros
        want = segment_reference(y, L, remainder, min_fill)
        out = call(segment, y.copy(), L, remainder, min_fill, forbid=_NO_COURSE_HELPERS)
        try:
            got = np.asarray(out, dtype=float)
        except (TypeError, ValueError):
            stop_wrong(Hint(f"return one array of shape (segments, L); for ({n} samples, L={L}) "
                            "the result could not be made into one (segments of different "
                            "lengths?).", mistake="wrong-shape"))
        case = f"(length {n}, L={L}, remainder={remainder!r}, min_fill={min_fill})"
        n_full, rest = divmod(n, L)
        if want.shape[0] == 0 and got.size == 0 and got.shape != (0, L):
            stop_wrong(Hint(
                f"no segments fit in {case}; return a 2-D array of shape (0, L) = (0, {L}), so "
                "later np.concatenate of many clips still works (got shape "
                f"{got.shape}).", "np.zeros((0, L)) or y[:0].reshape(0, L)",
                mistake="empty-shape"))
        if got.ndim != 2 or got.shape[1:] != (L,):
            stop_wrong(Hint(f"return an array of shape (segments, L); for {case} got shape "
                            f"{got.shape}.", "Stack the segments as rows.",
                            "y[: n_full * L].reshape(n_full, L)", mistake="wrong-shape"))
        if got.shape[0] != want.shape[0]:
            k = got.shape[0]
            if rest == 0 and k == n_full + 1:
                hint = Hint(f"{case} is exactly {n_full} segments long, with no remainder; "
                            "you added an extra (all-zero) segment.",
                            "A remainder of 0 samples is not a partial segment.",
                            "n_full, rest = divmod(len(y), L); keep = rest > 0 and ...",
                            mistake="empty-segment")
            elif remainder == "pad" and rest >= min_fill * L and k == n_full:
                exact = rest == min_fill * L
                hint = Hint(
                    (f"the remainder is exactly min_fill × L = {rest} samples: 'at least "
                     "min_fill' includes equality (>=), so it is padded." if exact else
                     f"the remainder ({rest} samples = {rest / L:.0%} of a segment) covers at "
                     "least min_fill, so with remainder='pad' it becomes one more segment, "
                     "zero-padded at the end."),
                    "Keep the remainder when remainder == 'pad' and rest >= min_fill * L.",
                    "keep = rest > 0 and remainder == 'pad' and rest >= min_fill * L",
                    mistake="min-fill-boundary" if exact else "no-pad")
            elif rest > 0 and k == n_full + 1:
                hint = Hint(
                    f"you kept a remainder of {rest} samples ({rest / L:.0%} of a segment) in "
                    f"{case}: " + ("remainder='drop' drops every partial segment."
                                   if remainder == "drop" else
                                   "it is shorter than min_fill × L, so it is dropped (a "
                                   "segment that is mostly zeros teaches the network silence)."),
                    "Pad only when remainder == 'pad' and rest >= min_fill * L.",
                    "keep = rest > 0 and remainder == 'pad' and rest >= min_fill * L",
                    mistake="ignores-rule")
            else:
                hint = Hint(f"for {case} expected {want.shape[0]} segments, got {k}.",
                            "n // L full segments, plus one padded when the rule keeps the "
                            "remainder.", mistake="count")
            stop_wrong(hint)
        if not close(got[:n_full], want[:n_full], rtol=0, atol=1e-6):
            stop_wrong(Hint(f"the full segments differ for {case}: segment i is y[i*L:(i+1)*L], "
                            "no overlap, no gap, in order.", "One reshape does it.",
                            "y[: n_full * L].reshape(n_full, L)", mistake="content"))
        if got.shape[0] > n_full and not close(got[n_full], want[n_full], rtol=0, atol=1e-6):
            last = got[n_full]
            front = close(last[L - rest:], y[n_full * L:], rtol=0, atol=1e-6)
            stop_wrong(Hint(
                "the padded segment is wrong: the remainder's samples come first, then zeros "
                "up to L" + (" (you put the zeros in front)." if front else
                             " (zeros, not repeated audio)."),
                "Start from np.zeros(L) and copy the remainder into its beginning.",
                "last = np.zeros(L, y.dtype); last[:rest] = y[n_full * L:]",
                mistake="padding"))
    return correct(f"All {len(SEGMENT_CASES)} cases right: full segments, padding, the "
                   "min_fill boundary and the drop rule.")
