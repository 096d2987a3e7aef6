"""Exercise checks of notebook 05 (MFCCs), written as data (see ``_spec``).

The ladder: 1 (warm-up) the width of an octave on the Slaney mel scale, as in section 2;
2-4 put the pipeline into situations the notebook does not show: what a gain does to every
MFCC (04's dB with the orthonormal DCT of section 4), deltas in units per second when only
the frame times are known (section 8 with 03's hop), and converting a colleague's MFCCs made
with a natural log and scipy's default DCT scaling into librosa's (a broken pipeline to
repair). Each named mistake is a wrong implementation (``Mistake.method``); ``tools/margins.py``
measures how far each lies from the reference. Solutions:
``notebooks/solutions/05_mfcc_solutions.ipynb``.
"""

from __future__ import annotations

import numpy as np
import scipy.fft

from ._core import Hint
from ._spec import FunctionExercise, Mistake, ValueExercise, check

__all__ = ["check_mel_octave", "check_gain_change", "check_delta_per_second",
           "check_fix_colleague"]


# ---------------------------------------------------------------------------------------------
# 1. (warm-up) the mel scale: one octave, in mel
# ---------------------------------------------------------------------------------------------
def _slaney(f: float) -> float:
    return f / (200 / 3) if f < 1000 else 15 + 27 * np.log(f / 1000) / np.log(6.4)


def _htk(f: float) -> float:
    return 2595 * np.log10(1 + f / 700)


_OCTAVE = _slaney(8000) - _slaney(4000)  # 27 ln 2 / ln 6.4 = 10.08 mel
_HTK_OCTAVE = _htk(8000) - _htk(4000)


def _near(values, tol):
    return lambda x, case=None, ref=None: min(abs(float(x) - v) for v in values) <= tol


EX_1 = ValueExercise(
    "05.1", accept=lambda x: abs(x - _OCTAVE) <= 0.05 + 1e-9, answer=_OCTAVE, rtol=0.0,
    atol=0.05, what="one number of mel",
    mistakes=[
        Mistake("sign", lambda: -_OCTAVE, Hint(
            "the sign: the higher frequency has the larger mel value, so the width "
            "mel(8000) - mel(4000) is positive.")),
        Mistake("htk", None, Hint(
            "that is the width on the HTK scale (2595 log10(1 + f/700)); this exercise asks "
            "for librosa's default, the Slaney scale.",
            "Slaney: linear f / (200/3) below 1 kHz, then 15 + 27 ln(f/1000) / ln 6.4.",
            example="On the Slaney scale the octave 2000 -> 4000 Hz is "
                    "27 ln(4000/1000)/ln 6.4 - 27 ln(2000/1000)/ln 6.4 = 27 ln 2 / ln 6.4 mel."),
                detect=_near([_HTK_OCTAVE, -_HTK_OCTAVE], 1.0)),
        Mistake("linear", None, Hint(
            "you used the linear part, f / (200/3), above 1 kHz. The Slaney scale is linear "
            "only below 1000 Hz (= 15 mel) and logarithmic above.",
            "Above 1 kHz: m = 15 + 27 ln(f / 1000) / ln 6.4."),
                detect=_near([4000 / (200 / 3)], 0.5)),
        Mistake("one-end", None, Hint(
            "that is the mel value of one end of the octave; the question asks for the width: "
            "mel(8000 Hz) - mel(4000 Hz)."),
                detect=_near([_slaney(8000), _slaney(4000), _htk(8000), _htk(4000)], 0.5)),
        Mistake("hertz", None, Hint(
            "4000 is the width in hertz; convert both ends to mel first, then subtract."),
                detect=_near([4000.0], 1.0)),
        Mistake("precision", None, Hint(
            "close, but the question asks for 0.1 mel: compute it with the formula rather than "
            "reading it off a plot."), detect=_near([_OCTAVE], 0.2)),
    ],
    fallback=Hint(
        "convert 4000 Hz and 8000 Hz to mel on the Slaney scale (librosa's default, "
        "htk=False), then subtract.", "Above 1 kHz: m = 15 + 27 ln(f / 1000) / ln 6.4.",
        example="The octave 500 -> 1000 Hz lies in the linear part: 1000 / (200/3) - "
                "500 / (200/3) = 15 - 7.5 = 7.5 mel."),
    success=f"{_OCTAVE:.2f} mel = 27 ln 2 / ln 6.4. Above 1 kHz the Slaney scale is "
            "logarithmic, so every octave there is the same 10.08 mel wide (and every semitone "
            "0.84 mel).")


def check_mel_octave(answer):
    """05, exercise 1: how many mel wide is the octave 4000 -> 8000 Hz on the Slaney scale?"""
    return check(EX_1, answer)


# ---------------------------------------------------------------------------------------------
# 2. what a gain does to the MFCCs
# ---------------------------------------------------------------------------------------------
def _gain_change(gain, n_mels, n_mfcc):
    out = np.zeros(n_mfcc)
    out[0] = 20 * np.log10(gain) * np.sqrt(n_mels)
    return out


def _only_c0(value, n_mfcc):
    out = np.zeros(n_mfcc)
    out[0] = value
    return out


def _every_coefficient(out, case) -> bool:
    a = np.asarray(out, dtype=float).ravel()
    return bool(a.size == case["n_mfcc"] and a.size > 1 and np.all(np.abs(a) > 1e-3)
                and np.ptp(a) <= 1e-3 * np.max(np.abs(a)))


def _gain_cases(rng):
    out = []
    for n_mels in (24, 40, 64, 96, 128, 256):
        gain = float(10 ** (rng.choice([-1, 1]) * rng.uniform(0.1, 1.2)))
        out.append(dict(gain=round(gain, 4), n_mels=n_mels,
                        n_mfcc=int(rng.integers(5, min(40, n_mels)))))
    return out


EX_2 = FunctionExercise(
    "05.2", _gain_change, _gain_cases, output="array", rtol=1e-3, atol=1e-3, seeds=2,
    name="gain_change",
    mistakes=[
        Mistake("every-coefficient", lambda gain, n_mels, n_mfcc: np.full(
            n_mfcc, 20 * np.log10(gain)), Hint(
                "every coefficient moves in your answer. A gain adds the SAME number of dB to "
                "every mel band: a constant vector. Which DCT basis vector is constant?",
                "The DCT of a constant vector is zero in every coefficient but c0 (each other "
                "cosine sums to 0 over the bands).",
                example="n_mels = 4, every band up by 6 dB: the orthonormal DCT of "
                        "[6, 6, 6, 6] is [12, 0, 0, 0], because c0 = sum / sqrt(4) = 24 / 2."),
                # any vector with the SAME nonzero change in every coefficient, whatever size
                detect=lambda out, case, ref: _every_coefficient(out, case)),
        Mistake("no-sqrt", lambda gain, n_mels, n_mfcc: _only_c0(20 * np.log10(gain), n_mfcc),
                Hint("only c0 moves (right), but not by the dB of the gain itself: the "
                     "orthonormal DCT-II's c0 is sum / sqrt(n_mels), not the mean.",
                     "Section 9: c0 is sqrt(n_mels) times the average dB value.",
                     example="n_mels = 9, every band up by 2 dB: c0 changes by "
                             "9 x 2 / sqrt(9) = 6, the others by 0.")),
        Mistake("times-n-mels", lambda gain, n_mels, n_mfcc: _only_c0(
            20 * np.log10(gain) * n_mels, n_mfcc), Hint(
                "c0 of the orthonormal DCT is the SUM over bands divided by sqrt(n_mels), so "
                "a shift d in every band moves it by n_mels * d / sqrt(n_mels) = "
                "sqrt(n_mels) * d, not n_mels * d.")),
        Mistake("ten-log-of-gain", lambda gain, n_mels, n_mfcc: _only_c0(
            10 * np.log10(gain) * np.sqrt(n_mels), n_mfcc), Hint(
                "gain multiplies the AMPLITUDE; the mel spectrogram holds powers (gain**2), "
                "and power_to_db takes 10 log10 of them: 10 log10(gain**2) = 20 log10(gain) "
                "dB per band.")),
    ],
    fallback=Hint(
        "follow the gain through the pipeline: samples x gain -> power x gain**2 -> every "
        "band + (some dB) -> the DCT of a constant vector.",
        "Check it: compute librosa.feature.mfcc of a clip and of gain x the clip, and look at "
        "the mean difference of each row.",
        example="gain 0.5 (-6.02 dB), n_mels 16: every band -6.02 dB; the orthonormal DCT of "
                "a constant -6.02 is c0 = 16 x -6.02 / sqrt(16) = -24.1, and 0 elsewhere."),
    success="A gain moves only c0, by 20 log10(gain) x sqrt(n_mels): c0 is the loudness, the "
            "others the shape. That is why c0 is often left out or standardised away.")


def check_gain_change(gain_change):
    """05, exercise 2: ``gain_change(gain, n_mels, n_mfcc)``: how much each of the first n_mfcc
    MFCCs changes when the samples are multiplied by ``gain``."""
    return check(EX_2, gain_change)


# ---------------------------------------------------------------------------------------------
# 3. deltas in units per second, from frame times
# ---------------------------------------------------------------------------------------------
def _delta(C, width, order=1):
    import librosa

    return librosa.feature.delta(np.asarray(C, dtype=float), width=width, order=order, axis=-1)


def _hop_s(times):
    times = np.asarray(times, dtype=float)
    return (times[-1] - times[0]) / (times.size - 1)


def _delta_per_second(C, times, width):
    return _delta(C, width) / _hop_s(times)


def _delta_cases(rng):
    out = []
    for width in (3, 5, 7, 11, 13):
        n, frames = int(rng.integers(3, 20)), int(rng.integers(max(width, 15), 80))
        sr = int(rng.choice([8000, 16000, 22050, 44100]))
        hop = int(rng.choice([160, 256, 441, 512, 1024]))
        C = (np.cumsum(rng.standard_normal((n, frames)), axis=1)
             + rng.standard_normal((n, frames)))
        times = float(rng.uniform(0, 2)) + np.arange(frames) * hop / sr
        out.append(dict(C=C, times=times, width=width))
    return out


EX_3 = FunctionExercise(
    "05.3", _delta_per_second, _delta_cases, output="array", rtol=1e-4, atol=1e-6, seeds=2,
    name="delta_per_second",
    mistakes=[
        Mistake("per-frame", lambda C, times, width: _delta(C, width), Hint(
            "those are deltas per FRAME (librosa's unit). Per second, divide by the time "
            "from one frame to the next.",
            "The frame times are given: their spacing is the hop in seconds.",
            example="Frames every 0.01 s and a delta of 0.3 per frame: 0.3 / 0.01 = 30 per "
                    "second.")),
        Mistake("times-hop", lambda C, times, width: _delta(C, width) * _hop_s(times), Hint(
            "you multiplied by the hop in seconds: a slope per frame becomes a slope per "
            "second by DIVIDING by the seconds per frame.")),
        Mistake("width-ignored", lambda C, times, width: _delta(C, 9) / _hop_s(times), Hint(
            "your deltas use librosa's default width of 9 frames, not the width asked for: "
            "pass width=width.")),
        Mistake("gradient", lambda C, times, width: np.gradient(
            np.asarray(C, dtype=float), np.asarray(times, dtype=float), axis=1), Hint(
                "that is the slope between neighbouring frames (np.gradient or a difference). "
                "librosa's delta fits a straight line to `width` frames around each one "
                "(section 8), which smooths out the frame-to-frame jitter.",
                "Use librosa.feature.delta(C, width=width), then convert its unit.")),
        Mistake("second-order", lambda C, times, width: _delta(C, width, order=2)
                / _hop_s(times), Hint(
                    "order=2 gives the delta-deltas (the curvature); the exercise asks for the "
                    "deltas (order=1).")),
    ],
    fallback=Hint(
        "librosa.feature.delta gives a slope in units per frame; the frame times tell you how "
        "long a frame step is.",
        "Seconds per frame = the spacing of `times` (they are evenly spaced).",
        example="A coefficient rising by 2 dB per frame, frames every 512 / 22050 = 0.0232 s: "
                "2 / 0.0232 = 86 dB per second."),
    success="Deltas per second keep their meaning when the hop changes (per frame, halving "
            "the hop halves them); to compare two hops, also keep the fit's span in seconds "
            "(width x hop) about the same.")


def check_delta_per_second(delta_per_second):
    """05, exercise 3: ``delta_per_second(C, times, width)``: librosa's deltas of C (width
    ``width``), in units per second; ``times`` are the frames' times in seconds."""
    return check(EX_3, delta_per_second)


# ---------------------------------------------------------------------------------------------
# 4. (stretch) repair a colleague's MFCCs
# ---------------------------------------------------------------------------------------------
def _colleague(mel, n_mfcc):
    """What the colleague computed: natural log, scipy's default DCT scaling."""
    return scipy.fft.dct(np.log(mel), axis=0)[:n_mfcc]


def _rescale(C, n_mels, factor, *, ortho=True, same=False):
    C = np.asarray(C, dtype=float) * factor
    if not ortho:
        return C
    s = np.full((C.shape[0], 1), np.sqrt(1 / (2 * n_mels)))
    if not same:
        s[0] = np.sqrt(1 / (4 * n_mels))
    return C * s


_DB_PER_NEPER = 10 / np.log(10)  # 10 log10(p) = (10 / ln 10) ln(p)


def _fix_colleague(C, n_mels):
    return _rescale(C, n_mels, _DB_PER_NEPER)


def _fix_cases(rng):
    out = []
    for n_mels in (20, 32, 64, 128):
        n_mfcc, frames = int(rng.integers(4, min(30, n_mels))), int(rng.integers(5, 60))
        mel = np.exp(rng.normal(-6, 3, size=(n_mels, frames)))  # mel powers, far above amin
        out.append(dict(C=_colleague(mel, n_mfcc), n_mels=n_mels))
    return out


EX_4 = FunctionExercise(
    "05.4", _fix_colleague, _fix_cases, output="array", rtol=1e-4,
    atol=lambda case: 1e-6 * float(np.abs(case["C"]).max()), seeds=2, name="fix_colleague",
    mistakes=[
        Mistake("log-only", lambda C, n_mels: _rescale(C, n_mels, _DB_PER_NEPER, ortho=False),
                Hint("you converted the natural log to dB (right), but the DCT's scaling is "
                     "still scipy's default: norm=None multiplies by 2 and does not divide "
                     "by sqrt(n_mels).",
                     "Compare scipy.fft.dct(x) and scipy.fft.dct(x, norm='ortho') on a short "
                     "vector: the ratio is a number per row, and row 0's differs from the "
                     "others'.",
                     example="x = [1, 1, 1, 1]: dct(x) = [8, 0, 0, 0] and dct(x, "
                             "norm='ortho') = [2, 0, 0, 0], a factor sqrt(1 / (4 x 4)) = 1/4 "
                             "for row 0.")),
        Mistake("norm-only", lambda C, n_mels: _rescale(C, n_mels, 1.0), Hint(
            "you fixed the DCT scaling (right), but the values are still in natural-log units "
            "(nepers of power), not dB: 10 log10(p) = (10 / ln 10) ln(p).")),
        Mistake("twenty-for-power", lambda C, n_mels: _rescale(C, n_mels, 2 * _DB_PER_NEPER),
                Hint("every row of yours is exactly TWICE librosa's. Two causes give that "
                     "same factor 2, and the numbers cannot tell them apart: 20 / ln 10 for "
                     "the log (that converts the log of an AMPLITUDE; the mel spectrogram "
                     "holds powers, and power_to_db takes 10 log10), or DCT factors twice too "
                     "big (sqrt(1 / n_mels) for c0 and sqrt(2 / n_mels) for the others, "
                     "instead of sqrt(1 / (4 n_mels)) and sqrt(1 / (2 n_mels))). Check both.",
                     "Recompute your factors on a tiny example: dct([1, 1, 1, 1]) = [8, 0, 0, "
                     "0] and dct(..., norm='ortho') = [2, 0, 0, 0].")),
        Mistake("c0-like-the-rest", lambda C, n_mels: _rescale(C, n_mels, _DB_PER_NEPER,
                                                               same=True), Hint(
            "all rows but c0 are right: the orthonormal DCT-II scales row 0 by "
            "sqrt(1 / (4 n_mels)) and the other rows by sqrt(1 / (2 n_mels)), relative to "
            "scipy's default.", "Treat row 0 separately.")),
        Mistake("log10-without-10", lambda C, n_mels: _rescale(C, n_mels, 1 / np.log(10)),
                Hint("you turned ln into log10 (divide by ln 10), but a decibel is 10 log10 "
                     "of a power: multiply by 10 too.")),
        Mistake("inverted", lambda C, n_mels: _rescale(C, n_mels, 1 / _DB_PER_NEPER), Hint(
            "the unit conversion is upside down: dB = (10 / ln 10) x ln, so the numbers grow "
            "(by 4.34), they do not shrink.")),
    ],
    fallback=Hint(
        "two things differ, and both are linear: the logarithm (ln vs 10 log10) and the DCT's "
        "scaling (scipy's default vs norm='ortho'). A linear map on each row is a factor per "
        "row.",
        "Find the factors: make a small mel matrix yourself, compute both pipelines, divide "
        "row by row.",
        example="Another colleague used np.log10 and norm='ortho': the DCT matches, and "
                "10 log10(p) = 10 x log10(p), so every row of theirs times 10 is librosa's."),
    success="The colleague's MFCCs are a factor per row away from librosa's: 10 / ln 10 for "
            "the log, sqrt(1 / (4 n_mels)) for c0 and sqrt(1 / (2 n_mels)) for the others.")


def check_fix_colleague(fix_colleague):
    """05, exercise 4: ``fix_colleague(C, n_mels)`` turns ``scipy.fft.dct(np.log(mel),
    axis=0)[:n_mfcc]`` into the MFCCs librosa computes from the same mel powers
    (power_to_db with ref=1.0 and no clipping, orthonormal DCT-II)."""
    return check(EX_4, fix_colleague)
