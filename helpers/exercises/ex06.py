"""Exercise checks of notebook 06 (a dataset for deep learning), written as data (see ``_spec``).

The ladder: 1 (warm-up) the frame count of one segment, with and without ``center``, as in
section 3; 2-4 put the ideas where the notebook does not: segments that OVERLAP (the
reshape of section 2 no longer works; 03's framing does), dataset statistics pooled from
per-file statistics (what a worker returns on a cluster, section 10, without sending every
frame back), and a test split of whole files that is ALSO balanced per class (section 5's
file split with ``build_dataset``'s stratification, written by hand; a random procedure,
checked by its invariants on many seeds). Solutions:
``notebooks/solutions/06_dataset_for_deep_learning_solutions.ipynb``.
"""

from __future__ import annotations

import numpy as np

from ._core import Hint, call, correct, exercise, stop_wrong
from ._spec import FunctionExercise, Mistake, check

__all__ = ["check_frames_per_segment", "check_overlapping_segments", "check_pooled_stats",
           "check_stratified_split"]


# ------------------------------------------------------------------------------------------
# 06.1 (warm-up) frames per segment
# ------------------------------------------------------------------------------------------
def _segment_samples(segment_s, sr) -> int:
    return int(round(segment_s * sr))


def _frames(segment_s, sr, n_fft, hop, center) -> int:
    """STFT frames of a segment of ``round(segment_s * sr)`` samples (even ``n_fft``):
    ``1 + (L - n_fft) // hop``, with ``L`` padded by ``n_fft // 2`` at each end when centred."""
    L = _segment_samples(segment_s, sr)
    if center:
        L = L + 2 * (n_fft // 2)
    return 1 + (L - n_fft) // hop


def _frame_cases(rng):
    """Fixed traps (3 s / 441 is a whole number of hops, so ceil(L / hop) is one short with
    center=True; 2.9999 s x 22,050 Hz = 66,147.8 samples, so int() loses a frame with hop 641;
    22,049.3 samples, so ceil() of the samples gains one with hop 441)
    plus fresh settings; every parameter varies and center is both True and False."""
    fixed = [(1.5, 16000, 1024, 256, False), (3.0, 22050, 2048, 441, True),
             (3.0, 22050, 2048, 441, False), (2.9999, 22050, 2048, 641, False),
             (0.5, 44100, 4096, 1024, True), (0.75, 8000, 512, 200, True),
             # 22,049.3 samples: round() gives 22,049 (50 frames), ceil() 22,050 (51)
             (22049.3 / 22050, 22050, 2048, 441, True)]
    fresh = []
    for center in (True, False):
        sr = int(rng.choice([8000, 16000, 24000, 48000]))
        n_fft = int(rng.choice([256, 512, 1024, 2048]))
        fresh.append((round(float(rng.uniform(0.6, 4.0)), 3), sr, n_fft,
                      int(rng.integers(n_fft // 8, n_fft // 2)), center))
    return [dict(segment_s=s, sr=sr, n_fft=n, hop=h, center=c)
            for s, sr, n, h, c in fixed + fresh]


class _CountExercise(FunctionExercise):
    """A count is an int (Python's or NumPy's): 50.0 is not a frame count."""

    def distance(self, out, ref, case):
        if isinstance(out, bool) or not isinstance(out, (int, np.integer)):
            return float("inf")
        return super().distance(out, ref, case)


EX_1 = _CountExercise(
    "06.1", _frames, _frame_cases, output="exact", seeds=2, name="frames_per_segment",
    mistakes=[
        Mistake("not-an-int", None, Hint(
            "the right count, but not an int: a number of frames is a whole number (it sizes "
            "arrays and ranges), and a float such as 50.0 breaks np.zeros((n, ...)) and "
            "range(n).", "Use // (floor division) on ints, or int(...) of the result.",
            example="A count that comes out as 5.0 (from /): range(5.0) and np.zeros((5.0, 40)) "
                    "both raise TypeError; the int 5 (from // on ints, or int(5.0)) works in "
                    "both."),
                detect=lambda out, case, ref: isinstance(out, (float, np.floating))
                and float(out) == ref),
        Mistake("center-ignored", lambda s, sr, n, h, c: _frames(s, sr, n, h, False), Hint(
            "`center` changes the count: with center=True librosa first pads the segment with "
            "n_fft // 2 zeros at EACH end, so more frames fit; with center=False it pads "
            "nothing.",
            "Write the count for a signal of L samples framed without padding, then use it "
            "with L replaced by the padded length when center=True.",
            example="L = 10 samples, n_fft = 4, hop = 2: without padding frames start at 0, 2, "
                    "4, 6 (the next, at 8, would run past 10): 4 frames; padded to 14 samples: "
                    "starts 0 .. 10, 6 frames."),
                detect=lambda out, case, ref: out in (
                    _frames(**{**case, "center": False}), _frames(**{**case, "center": True}))),
        Mistake("ceil", lambda s, sr, n, h, c: int(np.ceil(_segment_samples(s, sr) / h)), Hint(
            "ceil(L / hop) is the old script's guess, and it is one frame short when L is a "
            "whole number of hops (3 s with hop 441 is exactly 150 hops): that is how the old "
            "script dropped every segment without a word.",
            "Count frames from how they are placed: the first starts at sample 0, each next "
            "one `hop` later, and the last must still fit (after padding, when center=True).",
            example="L = 800, hop = 200, n_fft = 400, center=True: padded to 800 + 2 x 200 = 1200 "
                    "samples; frames start at 0, 200, ..., 800 (800 + 400 = 1200 still fits): 5 "
                    "frames, while ceil(800 / 200) = 4.")),
        Mistake("truncated-samples", lambda s, sr, n, h, c: _frames(int(s * sr) / sr, sr, n, h, c),
                Hint("segment_s x sr is not always a whole number (2.9999 s x 22,050 Hz = "
                     "66,147.8): round it to the nearest sample, as the notebook's "
                     "FeatureParams does; int() cuts the fraction off and can lose a frame.",
                     "L = round(segment_s * sr) samples.",
                     example="0.99999 s at 8000 Hz is 7999.92 samples: rounding gives 8000, int() "
                             "gives 7999. With n_fft = 100, hop = 100, center=False that is 80 "
                             "frames vs 79: one sample lost, one frame lost.")),
        Mistake("ceil-samples", lambda s, sr, n, h, c: _frames(
            int(np.ceil(s * sr)) / sr, sr, n, h, c), Hint(
                "segment_s x sr is not always a whole number of samples: round it to the "
                "NEAREST sample (as the notebook's FeatureParams does); rounding up (ceil) "
                "invents a sample the segment does not have, and can add a frame.",
                "L = round(segment_s * sr) samples.",
                example="segment_s x sr = 22,049.3: the segment has 22,049 samples, not "
                        "22,050.")),
        Mistake("one-side-padding", lambda s, sr, n, h, c: 1 + (
            _segment_samples(s, sr) + (n // 2 if c else 0) - n) // h, Hint(
                "with center=True you padded only one end: librosa adds n_fft // 2 zeros at "
                "the start AND n_fft // 2 at the end (so that frame m is centred on sample "
                "m * hop).", "How many zeros does the padded signal hold in all, then?",
                example="L = 1000, n_fft = 200, hop = 100, center=True: 100 zeros before AND 100 "
                        "after make 1200 samples, frames start at 0 .. 1000: 11 frames; with one "
                        "end padded (1100 samples) only 10.")),
        Mistake("partial-frame", lambda s, sr, n, h, c: 1 + int(np.ceil(
            (_segment_samples(s, sr) + (2 * (n // 2) if c else 0) - n) / h)), Hint(
                "you rounded up, so a last frame that runs past the end of the (padded) "
                "segment is counted. librosa only makes frames that fit completely.",
                "Count the whole hops that fit: round down.",
                example="L = 1050, n_fft = 400, hop = 100, center=False: frames start at 0, 100, "
                        "..., 600 (600 + 400 = 1000 <= 1050); one at 700 would need 1100 samples: "
                        "7 frames. Rounding 650 / 100 up adds an 8th that runs past the end.")),
        Mistake("first-frame-missed", lambda s, sr, n, h, c: _frames(s, sr, n, h, c) - 1, Hint(
            "one frame short: (length - n_fft) // hop counts the hops AFTER the first frame; "
            "the first frame (starting at sample 0) counts too.",
            example="L = 500, n_fft = 200, hop = 100, center=False: frames start at 0, 100, 200, "
                    "300 (300 + 200 = 500): 3 hops after the first frame, but 4 frames.")),
    ],
    fallback=Hint(
        "center=False: frames lie entirely inside the segment of L = round(segment_s * sr) "
        "samples. center=True: librosa pads n_fft // 2 zeros at each end first.",
        "Frames = 1 + the number of whole hops that still leave room for one more frame.",
        example="L = 1000, n_fft = 400, hop = 100, center=False: starts 0, 100, ..., 600 "
                "(600 + 400 = 1000 still fits; 700 + 400 does not): 7 frames. Now say it "
                "for any L, n_fft and hop, then for the padded signal."),
    success="Right on every setting, with and without centring (and on the old script's "
            "trap, 3 s with hop 441).")


def check_frames_per_segment(frames_per_segment):
    """06, exercise 1: ``frames_per_segment(segment_s, sr, n_fft, hop, center)`` -> an int."""
    return check(EX_1, frames_per_segment)


# ------------------------------------------------------------------------------------------
# 06.2 overlapping segments
# ------------------------------------------------------------------------------------------
def _overlapping(y, L, step):
    y = np.asarray(y)
    if y.size < L:
        return np.zeros((0, L), dtype=y.dtype)
    n = 1 + (y.size - L) // step
    return np.stack([y[i * step: i * step + L] for i in range(n)])


def _overlap_cases(rng):
    """Lengths with and without a whole number of steps (two cases of five end exactly on a
    segment, (len(y) - L) % step == 0), 50 % and other overlaps, a signal shorter than one
    segment; the samples are distinct numbers, so any shift shows."""
    out = []
    for i, (L, step) in enumerate([(400, 200), (1000, 250), (512, 384), (300, 300),
                                   (256, 100)]):
        n = int(rng.integers(3 * L, 8 * L))
        if i in (1, 4):  # the last segment ends exactly at the end of y: (n - L) % step == 0
            n = L + step * int(rng.integers(3, 12))
        elif (n - L) % step == 0:
            n += 1
        out.append(dict(y=rng.standard_normal(n).astype(np.float32), L=L, step=step))
    out.append(dict(y=rng.standard_normal(int(rng.integers(50, 200))), L=256, step=128))
    return out


def _overlap_reshape(y, L, step):
    y = np.asarray(y)
    n = y.size // L
    return y[: n * L].reshape(n, L)


def _overlap_range_end(y, L, step):
    """``range(0, len(y) - L, step)``: loses the last segment when it ends exactly at the end."""
    y = np.asarray(y)
    rows = [y[i: i + L] for i in range(0, y.size - L, step)]
    return np.array(rows).reshape(-1, L)


def _overlap_one_short(y, L, step):
    return _overlapping(y, L, step)[:-1]


def _overlap_padded(y, L, step):
    y = np.asarray(y)
    n = int(np.ceil(max(y.size - L, 0) / step)) + 1
    padded = np.concatenate([y, np.zeros(max((n - 1) * step + L - y.size, 0), y.dtype)])
    return np.stack([padded[i * step: i * step + L] for i in range(n)])


def _overlap_transposed(y, L, step):
    return _overlapping(y, L, step).T


def _empty_ok(out, L) -> bool:
    """No segment fits: an ARRAY must have shape (0, L) (so that it stacks with other
    segments); a Python list ``[]`` cannot hold that shape, and is accepted."""
    if isinstance(out, np.ndarray):
        return out.shape == (0, L)
    return isinstance(out, (list, tuple)) and len(out) == 0


class _SegmentsExercise(FunctionExercise):
    """An empty result must be an array of shape (0, L) (or an empty list, which cannot hold a
    shape): ``np.array([])``, shape (0,), does not stack with (n, L) arrays."""

    def distance(self, out, ref, case):
        if np.size(ref) == 0:
            if isinstance(out, np.ndarray) and isinstance(ref, np.ndarray):
                return 0.0 if out.shape == ref.shape else float("inf")
            return 0.0 if _empty_ok(out, case["L"]) else float("inf")
        return super().distance(out, ref, case)


EX_2 = _SegmentsExercise(
    "06.2", _overlapping, _overlap_cases, output="array", rtol=0.0, atol=1e-6, seeds=2,
    name="overlapping_segments", forbid=("helpers",),
    mistakes=[
        Mistake("step-ignored", _overlap_reshape, Hint(
            "your segments do not overlap: that is section 2's reshape, which only works when "
            "the step equals L. Segment i starts at i * step.",
            "With step < L, consecutive segments share L - step samples.",
            example="y = [0, 1, 2, 3, 4, 5], L = 4, step = 1: [0 1 2 3], [1 2 3 4], "
                    "[2 3 4 5]: three segments, each starting one sample later.")),
        Mistake("range-end", _overlap_range_end, Hint(
            "the last segment is missing when it ends exactly at the end of y: "
            "range(0, len(y) - L, step) stops BEFORE len(y) - L, so the segment that starts "
            "there (and fits exactly) is never made.",
            "The last start that fits is len(y) - L itself, and range's stop is exclusive: the "
            "stop must lie past that start.",
            example="len(y) = 10, L = 4, step = 3: starts 0, 3, 6 (6 + 4 = 10 fits); "
                    "range(0, 6, 3) gives only 0 and 3.")),
        Mistake("one-short", _overlap_one_short, Hint(
            "one segment short: the last segment that still fits completely is missing. "
            "Segment i fits when i * step + L <= len(y).",
            "Count the starts that fit: 0, step, 2 step, ... up to the last one at or before "
            "len(y) - L.",
            example="len(y) = 11, L = 5, step = 2: starts 0, 2, 4, 6 (6 + 5 = 11 fits), and 8 "
                    "would need 13 samples: four segments, the last ending exactly at the end of "
                    "y.")),
        Mistake("last-padded", _overlap_padded, Hint(
            "you padded a partial segment at the end: this exercise keeps only segments that "
            "fit completely (a padded one would be mostly silence at 50 % overlap).",
            example="len(y) = 9, L = 4, step = 2: complete segments start at 0, 2 and 4 (4 + 4 = "
                    "8 <= 9); the one at 6 would hold only 3 real samples: leave it out.")),
        Mistake("transposed", _overlap_transposed, Hint(
            "your array is (L, segments), librosa.util.frame's layout; the exercise asks for "
            "(segments, L), one segment per row, like section 2's arrays.",
            example="y = [0, 1, 2, 3, 4, 5], L = 3, step = 3: the rows are [0 1 2] and [3 4 5], "
                    "shape (2, 3), so out[0] is the first segment; shape (3, 2) would make out[0] "
                    "= [0, 3].")),
        Mistake("short-signal", None, Hint(
            "a signal shorter than one segment must give an empty array of shape (0, L) (no "
            "segment fits), not an error, a padded segment, or np.array([]) of shape (0,), "
            "which does not stack with the (segments, L) arrays of other clips.",
            "Handle len(y) < L before anything else, with an array that has no rows but still "
            "L columns.",
            example="A clip of 100 samples, L = 256: no segment fits, so 0 rows of 256 columns; "
                    "stacked with another clip's (5, 256) segments that gives (5, 256). An array "
                    "of shape (0,) cannot be stacked with them."),
                detect=lambda out, case, ref: not _empty_ok(out, case["L"])
                if np.asarray(case["y"]).size < case["L"] else (
                    np.shape(out) == np.shape(ref) and np.allclose(out, ref, atol=1e-6)),
                raises=r"need at least one array|negative dimensions|cannot reshape|too short|"
                       r"window shape cannot be larger"),
        Mistake("uses-helper", None, Hint(
            "write it with NumPy (or librosa.util.frame): {used} is the course's own code.",
            example="y = [0, 1, ..., 7], L = 4, step = 2, by hand: the slices that start at 0, 2 "
                    "and 4 and hold 4 samples each, stacked as three rows."),
                uses=True),
    ],
    fallback=Hint(
        "segment i holds y[i * step : i * step + L], for every i whose segment fits "
        "completely; stack them as rows.",
        "Count the starts: the first at 0, the last the largest multiple of step that still "
        "leaves room for L samples.",
        example="len(y) = 10, L = 4, step = 3: starts 0, 3, 6 (6 + 4 = 10 fits; 9 + 4 = 13 "
                "does not): 3 segments, the last ending exactly at the end of y."),
    success="Overlapping segments: more examples from the same audio (the neighbours share "
            "samples, so split by file before you cut, never after).")


def check_overlapping_segments(overlapping_segments):
    """06, exercise 2: ``overlapping_segments(y, L, step)``: every segment of L samples that
    fits, starting every ``step`` samples, as rows of a ``(segments, L)`` array."""
    return check(EX_2, overlapping_segments)


# ------------------------------------------------------------------------------------------
# 06.3 statistics pooled from per-file statistics
# ------------------------------------------------------------------------------------------
def _pooled_stats(means, stds, counts):
    m, s, n = (np.asarray(a, dtype=float) for a in (means, stds, counts))
    w = n[:, None] / n.sum()
    mean = (w * m).sum(axis=0)
    var = (w * (s**2 + m**2)).sum(axis=0) - mean**2
    return mean, np.sqrt(np.maximum(var, 0.0))


def _pooled_cases(rng):
    """2-8 files with very different frame counts, 1-20 coefficients, file means far apart
    (so the spread BETWEEN files matters), given as arrays or as nested lists; one case of
    three files of 2-5 frames (where a sample standard deviation, ddof=1, is far off)."""
    out = []
    for i in range(5):
        files, coefs = int(rng.integers(2, 9)), int(rng.integers(1, 21))
        counts = rng.integers(5, 500, size=files)
        counts[0] *= 3
        if i == 4:  # short files: a few frames each, where ddof=1 is far from ddof=0
            files, coefs = 3, int(rng.integers(2, 5))
            counts = rng.integers(2, 6, size=files)
        means = rng.normal(0, 10, size=(files, coefs)) + rng.normal(0, 20, size=coefs)
        stds = rng.uniform(0.5, 8, size=(files, coefs))
        if i % 2:
            out.append(dict(means=means.tolist(), stds=stds.tolist(), counts=counts.tolist()))
        else:
            out.append(dict(means=means, stds=stds, counts=counts))
    return out


def _weights(counts):
    n = np.asarray(counts, dtype=float)
    return n[:, None] / n.sum()


def _ddof1_forms(means, stds, counts):
    """The two ways ddof=1 gets in: the pooled std with N - 1, and the files' stds read as
    sample stds (n - 1) and pooled with N - 1."""
    m, s, n = (np.asarray(a, dtype=float) for a in (means, stds, counts))
    mean, std = _pooled_stats(means, stds, counts)
    N = n.sum()
    whole = std * np.sqrt(N / (N - 1))
    within = ((n[:, None] - 1) * s**2 + n[:, None] * (m - mean) ** 2).sum(axis=0) / (N - 1)
    return mean, whole, np.sqrt(within)


def _is_ddof1(out, case, ref):
    mean, whole, within = _ddof1_forms(**case)
    o_mean, o_std = (np.asarray(o, dtype=float) for o in out)
    return bool(np.allclose(o_mean, mean, rtol=_RTOL_POOLED, atol=_RTOL_POOLED) and (
        np.allclose(o_std, whole, rtol=_RTOL_POOLED, atol=_RTOL_POOLED)
        or np.allclose(o_std, within, rtol=_RTOL_POOLED, atol=_RTOL_POOLED)))


#: float32 arithmetic (eps 6e-8) on means up to ~60 and mean squares up to ~4000 loses up to
#: ~1e-5 of the std by cancellation in E[x**2] - mean**2 (measured: 7e-6 at worst on the
#: cases); 1e-4 leaves a factor 10, and every named mistake is further (tools/margins.py)
_RTOL_POOLED = 1e-4


EX_3 = FunctionExercise(
    "06.3", _pooled_stats, _pooled_cases, output="tuple", rtol=_RTOL_POOLED,
    atol=_RTOL_POOLED, seeds=2, name="pooled_stats", parts=("mean", "std"),
    mistakes=[
        Mistake("ddof-1", lambda means, stds, counts: _ddof1_forms(means, stds, counts)[:2],
                Hint("the mean is right, and your std is a SAMPLE standard deviation (divided "
                     "by N - 1, ddof=1). The exercise asks for ddof=0, like np.std's default "
                     "and the files' own stds: divide by N, the number of frames.",
                     "Divide by the number of frames N, as np.std does by default: no -1 anywhere.",
                     example="Values 1 and 3: np.std([1, 3]) = 1 (ddof=0), np.std([1, 3], "
                             "ddof=1) = 1.41.")
                , detect=_is_ddof1),
        Mistake("plain-averages", lambda means, stds, counts: (
            np.mean(np.asarray(means, dtype=float), axis=0),
            np.mean(np.asarray(stds, dtype=float), axis=0)), Hint(
                "you averaged the files' means and standard deviations as if every file had "
                "the same number of frames and the same mean. A file of 1500 frames counts "
                "more than one of 20, and the files' means differ.",
                "Weight by the counts; for the spread, pool mean squares, not standard "
                "deviations.",
                example="Two files: 1 frame of value 0 and 3 frames of value 4. Pooled mean: "
                        "(1 x 0 + 3 x 4) / 4 = 3, not (0 + 4) / 2 = 2.")),
        Mistake("counts-ignored", lambda means, stds, counts: _pooled_stats(
            means, stds, np.ones(len(counts))), Hint(
                "your formula would be right if every file had the same number of frames: "
                "weight each file by its count (its share of all the frames).",
                example="File A: 1 frame, mean 0; file B: 9 frames, mean 10. All 10 frames have "
                        "the mean (1 x 0 + 9 x 10) / 10 = 9, not (0 + 10) / 2 = 5.")),
        Mistake("mean-of-stds", lambda means, stds, counts: (
            _pooled_stats(means, stds, counts)[0],
            (_weights(counts) * np.asarray(stds, dtype=float)).sum(axis=0)), Hint(
                "the mean is right; the spread is not: standard deviations do not average. "
                "Variances (mean squares about the mean) do, once every file's values are "
                "measured from the SAME pooled mean.",
                "What DOES average over files is each file's mean of x**2: how is that related to "
                "the file's mean and std, and to the pooled std?",
                example="Two files, each with std 1, one with mean -3, one with mean +3 (equal "
                        "counts): the pooled values lie around -3 and +3, so the pooled std is "
                        "sqrt(1 + 9) = 3.16, not 1.")),
        Mistake("within-only", lambda means, stds, counts: (
            _pooled_stats(means, stds, counts)[0],
            np.sqrt((_weights(counts) * np.asarray(stds, dtype=float) ** 2).sum(axis=0))),
            Hint("you pooled the variances within each file (right, weighted), but forgot the "
                 "spread BETWEEN the files' means: files with different means spread the "
                 "pooled values further.",
                 "Measure every file's values from the POOLED mean, not from the file's own "
                 "mean: the further a file's mean lies from it, the more it spreads.",
                 example="Two files of 2 frames, both with std 0, means 1 and 5: within the files "
                         "there is no spread, yet the frames 1, 1, 5, 5 have std 2, all of it "
                         "from the files' means lying 2 away from the pooled mean 3.")),
    ],
    fallback=Hint(
        "the pooled mean is the count-weighted mean of the files' means. Standard "
        "deviations do not pool that way; look for a per-file MEAN of something (a mean over "
        "the file's frames pools by counts) that you can rebuild from the file's mean and std.",
        "Check any idea numerically: make three small random arrays, compare with "
        "np.concatenate(...).mean(0) and .std(0).",
        example="Files with (count, mean, std) = (2, 1, 0) and (2, 3, 0): the frames are "
                "1, 1, 3, 3, with mean 2 and std 1, although both files have std 0. Which "
                "per-file number, averaged with weights 2/4 and 2/4, leads to that std of 1?"),
    success="The statistics of all the frames, from three numbers per file and coefficient: a "
            "worker never has to send its frames back.")


def check_pooled_stats(pooled_stats):
    """06, exercise 3: ``pooled_stats(means, stds, counts)`` -> ``(mean, std)`` of all frames of
    all files, per coefficient (ddof=0), from each file's mean, std and frame count."""
    return check(EX_3, pooled_stats)


# ------------------------------------------------------------------------------------------
# 06.4 (stretch) a stratified test split of whole files (random: checked by invariants)
# ------------------------------------------------------------------------------------------
def _layout(rng, n_classes, files_per_class, shuffle=True):
    """Segments of files with non-consecutive ids, 1-7 segments each, interleaved."""
    ids = rng.choice(10_000, size=n_classes * files_per_class, replace=False)
    file_label = np.repeat(np.arange(n_classes), files_per_class)
    seg = rng.integers(1, 8, size=ids.size)
    file_ids, labels = np.repeat(ids, seg), np.repeat(file_label, seg)
    order = rng.permutation(file_ids.size) if shuffle else np.arange(file_ids.size)
    return file_ids[order], labels[order]


def _split_cases(rng):
    out = []
    for n_classes, per_class, k in [(3, 6, 2), (4, 5, 1), (2, 9, 3), (3, 4, 3)]:
        file_ids, labels = _layout(rng, n_classes, per_class)
        out.append(dict(file_ids=file_ids, labels=labels, k=k, seed=int(rng.integers(1000))))
    return out


def _stratified_split(file_ids, labels, k, seed):
    file_ids, labels = np.asarray(file_ids), np.asarray(labels)
    rng = np.random.default_rng(seed)
    test_files = []
    for c in np.unique(labels):
        files = np.unique(file_ids[labels == c])
        test_files.extend(rng.choice(files, size=k, replace=False))
    return np.isin(file_ids, test_files)


def _diagnose(out, case) -> str:
    """'' when ``out`` is a valid split for ``case``, else the flaw's mistake id."""
    ids, labels, k = np.asarray(case["file_ids"]), np.asarray(case["labels"]), case["k"]
    m = np.asarray(out)
    if m.shape != ids.shape or m.dtype != bool:
        return "not-a-mask"
    for f in np.unique(ids):
        if m[ids == f].any() and not m[ids == f].all():
            return "segments-not-files"
    per_class = [np.unique(ids[m & (labels == c)]).size for c in np.unique(labels)]
    sizes = [np.unique(ids[labels == c]).size for c in np.unique(labels)]
    if per_class == [n - k for n in sizes] and k * 2 != sizes[0]:
        return "inverted"
    if per_class != [k] * len(per_class):
        if sum(per_class) == k * len(per_class):
            return "not-stratified"
        if sum(per_class) == k and len(per_class) > 1:
            return "k-in-total"
        if all(p <= k for p in per_class):
            return "with-replacement"
        return "count"
    return ""


class _SplitExercise(FunctionExercise):
    """A random split is right when it has the invariants (whole files, k per class), not
    when it equals the reference's draw: distance 0 for a valid split, inf otherwise."""

    def distance(self, out, ref, case):  # noqa: ARG002 - ref is one valid split among many
        return 0.0 if not _diagnose(out, case) else float("inf")


def _flaw(mistake_id):
    return lambda out, case, ref: _diagnose(out, case) in ("", mistake_id)


def _split_by_segment(file_ids, labels, k, seed):
    rng = np.random.default_rng(seed)
    labels = np.asarray(labels)
    mask = np.zeros(labels.size, dtype=bool)
    for c in np.unique(labels):
        idx = np.flatnonzero(labels == c)
        mask[rng.choice(idx, size=k * 2, replace=False)] = True
    return mask


def _split_unstratified(file_ids, labels, k, seed):
    file_ids = np.asarray(file_ids)
    rng = np.random.default_rng(seed)
    files = np.unique(file_ids)
    n = k * np.unique(labels).size
    test = rng.choice(files, size=n, replace=False)
    # a draw that is NOT k per class (what an unstratified draw gives most of the time)
    lab = {f: np.asarray(labels)[file_ids == f][0] for f in files}
    while sorted(np.bincount([lab[f] for f in test], minlength=np.unique(labels).size)) == [k] * \
            np.unique(labels).size:
        test = rng.choice(files, size=n, replace=False)
    return np.isin(file_ids, test)


def _split_k_in_total(file_ids, labels, k, seed):
    file_ids = np.asarray(file_ids)
    rng = np.random.default_rng(seed)
    return np.isin(file_ids, rng.permutation(np.unique(file_ids))[:k])


def _split_with_replacement(file_ids, labels, k, seed):
    file_ids, labels = np.asarray(file_ids), np.asarray(labels)
    rng = np.random.default_rng(seed)
    test = []
    for c in np.unique(labels):
        files = np.unique(file_ids[labels == c])
        draw = rng.choice(files, size=k, replace=True)
        while k > 1 and np.unique(draw).size == k:  # the draws where replacement shows
            draw = rng.choice(files, size=k, replace=True)
        test.extend(draw if k > 1 else [])
    return np.isin(file_ids, test)


def _split_inverted(file_ids, labels, k, seed):
    return ~_stratified_split(file_ids, labels, k, seed)


EX_4 = _SplitExercise(
    "06.4", _stratified_split, _split_cases, output="exact", seeds=3,
    name="stratified_split", forbid=("helpers", "sklearn"),
    mistakes=[
        Mistake("not-a-mask", lambda file_ids, labels, k, seed: np.flatnonzero(
            _stratified_split(file_ids, labels, k, seed)), Hint(
                "return a boolean MASK, one True/False per segment (True: the segment's file "
                "is a test file), not indices or file ids: X[mask] then selects the test "
                "rows.", "np.isin(file_ids, test_files) gives that mask.",
                example="file_ids [3, 3, 7, 1] with file 7 drawn: its index is [2], but the mask "
                        "is [False, False, True, False], one bool per segment, as long as "
                        "file_ids."),
                detect=_flaw("not-a-mask")),
        Mistake("segments-not-files", _split_by_segment, Hint(
            "data leakage: some files have segments in BOTH splits. You chose segments; "
            "choose FILES, then mark all of their segments (section 5).",
            "Draw from the distinct file ids of each class (np.unique), then np.isin.",
            example="Segments of files [7, 7, 9, 9, 9, 4] with file 9 chosen: the mask is "
                    "[F, F, T, T, T, F], every segment of file 9 and none of the others."),
                detect=_flaw("segments-not-files")),
        Mistake("not-stratified", _split_unstratified, Hint(
            "the right NUMBER of test files, but not k from EACH class: you drew from all "
            "files at once. Draw k files per class, class by class.",
            "A file's class is the label of its segments: np.unique(file_ids[labels == c]) "
            "are the files of class c.",
            example="Classes a (files 1, 2, 3) and b (files 4, 5, 6), k = 1: draw one of "
                    "[1, 2, 3] and one of [4, 5, 6], e.g. files 2 and 6; never 2 and 3."),
                detect=_flaw("not-stratified")),
        Mistake("k-in-total", _split_k_in_total, Hint(
            "k test files IN ALL, not k from EACH class: you drew from all the files at once. "
            "A stratified split draws class by class, so that every class is in the test set "
            "with the same number of files.",
            "Loop over the classes: for each, its distinct files np.unique(file_ids[labels == "
            "c]), and k of those.",
            example="Classes a (files 1, 2, 3) and b (files 4, 5, 6), k = 1: one of [1, 2, 3] "
                    "AND one of [4, 5, 6], two test files in all."),
                detect=_flaw("k-in-total")),
        Mistake("with-replacement", _split_with_replacement, Hint(
            "some classes have fewer than k test files: your draw picked a file twice (or "
            "drew fewer than k in some class). Draw k distinct files per class, without "
            "replacement (rng.choice(..., replace=False), or rng.permutation(...)[:k]).",
            example="Class c has files [2, 4, 6, 8] and k = 2: a draw with replacement may give "
                    "[4, 4], ONE test file; shuffling the four and keeping the first two always "
                    "gives two different files."),
                detect=_flaw("with-replacement")),
        Mistake("inverted", _split_inverted, Hint(
            "train and test are swapped: True must mark the TEST segments (k files per "
            "class).",
            example="Classes of 4 files each, k = 1, file 3 drawn in its class: the mask is True "
                    "on file 3's segments only (1 file of 4 in the test split), False on the "
                    "other three files'."), detect=_flaw("inverted")),
        Mistake("uses-library", None, Hint(
            "write the draw yourself with NumPy: {used} is not needed (and the course's own "
            "split is the answer key).",
            example="By hand: class 0 has files 10, 11, 12 and class 1 files 20, 21; with k = 1 "
                    "draw one of [10, 11, 12] and one of [20, 21] from the seeded generator, then "
                    "mark every segment of the two drawn files."), uses=True),
    ],
    fallback=Hint(
        "for each class: its distinct files, k of them drawn at random without replacement "
        "with np.random.default_rng(seed); then True for every segment of a drawn file.",
        "np.unique(file_ids[labels == c]) are the files of class c; np.isin(file_ids, "
        "test_files) is the mask.",
        example="file_ids [5, 5, 8, 2, 2, 9], labels [0, 0, 0, 1, 1, 1], k = 1: class 0 has "
                "files 5 and 8, class 1 has 2 and 9; drawing 8 and 2 gives [F, F, T, T, T, F]."),
    success="")


_REPEATS = 1000  # draws (seeds) for the randomness checks

#: thresholds of the randomness checks, and what they cost a RIGHT answer (a uniformly random
#: stratified draw; 3 classes of 5 files, k = 2, 1000 seeds), computed exactly (binomial
#: tails) or by the chi-square law, with a union bound over the tests:
#: * each file drawn 400 +- 15.5 times: flagged beyond 5 sd: 15 files x 5.5e-7 = 8.3e-6;
#: * the 10 pairs of a class, 100 +- 9.5 each: chi-square (9 dof) > 50: 3 x 1.1e-7 = 3.2e-7;
#: * a file of one class with a file of another, 160 +- 11.6 times: beyond 5.5 sd:
#:   75 pairs x 8.5e-8 = 6.3e-6.
#: In all, fewer than 1.5e-5 (1 in 67,000); tests/test_exercises_06.py recomputes these.
#: What they catch: a rotation by seed or k consecutive files (5 of the 10 pairs, chi-square
#: ~1000), a fresh generator per class (same positions in every class: 400 co-draws, 21 sd),
#: replacing a duplicate by the next file (adjacent pairs 1.5x as likely, chi-square ~80).
_FILE_SD, _PAIR_CHI2, _CROSS_SD = 5.0, 50.0, 5.5


def _random_checks(fn) -> None:
    """What one call cannot show: the same seed gives the same split, and over many seeds the
    draws are uniform AND independent: every file of a class drawn about equally often, every
    pair of files of a class equally often, and the draws of two classes unrelated."""
    rng = np.random.default_rng(64)
    file_ids, labels = _layout(rng, 3, 5)
    k, n_per = 2, 5
    where = f"stratified_split(<{file_ids.size} segments of 15 files>, labels, k={k}, seed=…)"
    first = np.asarray(call(fn, file_ids.copy(), labels.copy(), k, 11, case_text=where))
    again = np.asarray(call(fn, file_ids.copy(), labels.copy(), k, 11, case_text=where))
    if not np.array_equal(first, again):
        stop_wrong(Hint(
            "two calls with the same seed gave different splits: the split is not "
            "reproducible. Make every random draw with np.random.default_rng(seed), not "
            "np.random.* or a generator made without the seed.",
            "rng = np.random.default_rng(seed) once, at the top; then rng.choice(...).",
            mistake="not-reproducible"))
    files = np.unique(file_ids)
    cls = np.array([labels[file_ids == f][0] for f in files])
    segs = np.array([np.sum(file_ids == f) for f in files])
    drawn = np.zeros((_REPEATS, files.size), dtype=bool)
    for seed in range(_REPEATS):
        mask = np.asarray(call(fn, file_ids.copy(), labels.copy(), k, seed, case_text=where))
        drawn[seed] = np.isin(files, np.unique(file_ids[mask]))
    layout = (f"(the layout: {files.size} files, {n_per} per class, {segs.min()}-{segs.max()} "
              f"segments each, k={k}, seeds 0-{_REPEATS - 1})")
    hits = drawn.sum(axis=0)
    p = k / n_per
    sd = np.sqrt(_REPEATS * p * (1 - p))
    if np.any(np.abs(hits - _REPEATS * p) > _FILE_SD * sd):
        worst = int(np.argmax(np.abs(hits - _REPEATS * p)))
        weighted = np.corrcoef(segs, hits)[0, 1] > 0.5
        why = ("files with MORE SEGMENTS are drawn more often: you drew segments (or weighted "
               "the files by their segments); draw among the distinct files, each once."
               if weighted else "the same files (or the first ones) are favoured.")
        stop_wrong(Hint(
            f"over {_REPEATS} seeds, file {files[worst]} ({segs[worst]} segments) was a test "
            f"file {int(hits[worst])} times; each file of a class of {n_per} should be drawn "
            f"about {_REPEATS * p:.0f} times (k / {n_per} of the seeds) {layout}. Your draw "
            f"is not uniformly random: {why}",
            "Draw with rng.choice(files, size=k, replace=False) from ALL the distinct files of "
            "the class.", mistake="segments-weighted" if weighted else "not-random"))
    from itertools import combinations
    for c in np.unique(cls):
        idx = np.flatnonzero(cls == c)
        pairs = list(combinations(idx, 2))
        counts = np.array([np.sum(drawn[:, a] & drawn[:, b]) for a, b in pairs])
        expected = _REPEATS / len(pairs)
        chi2 = float(np.sum((counts - expected) ** 2 / expected))
        if chi2 > _PAIR_CHI2:
            lo, hi = int(np.argmin(counts)), int(np.argmax(counts))
            stop_wrong(Hint(
                f"each file is drawn about equally often, but not the PAIRS: in class {c}, "
                f"files {files[pairs[hi][0]]} and {files[pairs[hi][1]]} were drawn together "
                f"{counts[hi]} times and files {files[pairs[lo][0]]} and {files[pairs[lo][1]]} "
                f"{counts[lo]} times, over {_REPEATS} seeds; every pair should come about "
                f"{expected:.0f} times {layout}. A rotation by the seed, k consecutive files "
                "from a random start, or a duplicate replaced by the next file are not random "
                "draws of k files.",
                "Let the generator draw the k files together: rng.choice(files, size=k, "
                "replace=False).", mistake="correlated-draws"))
    both = p * p * _REPEATS
    sd2 = np.sqrt(_REPEATS * p * p * (1 - p * p))
    for a in range(files.size):
        for b in range(files.size):
            if cls[a] >= cls[b]:
                continue
            together = int(np.sum(drawn[:, a] & drawn[:, b]))
            if abs(together - both) > _CROSS_SD * sd2:
                stop_wrong(Hint(
                    f"the classes are not drawn independently: file {files[a]} (class "
                    f"{cls[a]}) and file {files[b]} (class {cls[b]}) were test files together "
                    f"{together} times over {_REPEATS} seeds; independent draws put them "
                    f"together about {both:.0f} times {layout}. Did you make a new "
                    "np.random.default_rng(seed) for each class? Then every class of the same "
                    "size gets the same positions.",
                    "Make ONE generator from the seed, before the loop over classes, and draw "
                    "every class from it.", mistake="classes-correlated"))


@exercise("06.4")
def _split_randomness(fn):
    _random_checks(fn)
    return correct("Whole files, k per class, reproducible with a seed and uniformly random "
                   f"over {_REPEATS} seeds: a stratified group split.")


def check_stratified_split(stratified_split):
    """06, exercise 4: ``stratified_split(file_ids, labels, k, seed)`` -> one bool per segment,
    True for the segments of k randomly drawn files of each class (same seed, same split)."""
    result = check(EX_4, stratified_split)
    return _split_randomness(stratified_split) if result else result
