"""Exercise checks of notebook 05 (MFCCs), written as data (see ``_spec``).

The ladder: 1 (warm-up) the width of an octave on the Slaney mel scale, as in section 2;
2-4 put the pipeline into situations the notebook does not show: what an equaliser (a gain
per mel band) does to every MFCC (04's dB with the linearity of section 4's orthonormal DCT),
deltas that stay comparable when the hop changes (section 8's fit over `width` frames with
03's hop), and converting a colleague's MFCCs made
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

__all__ = ["check_mel_octave", "check_eq_change", "check_matching_delta",
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
            "mel(8000) - mel(4000) is positive.",
            example="Slaney: 500 Hz = 7.5 mel and 1000 Hz = 15 mel, so the octave 500 -> 1000 Hz "
                    "is 15 - 7.5 = +7.5 mel: the upper end minus the lower end.")),
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
            "Above 1 kHz: m = 15 + 27 ln(f / 1000) / ln 6.4.",
            example="3000 Hz: the linear part would say 3000 / (200/3) = 45 mel, but 3000 Hz lies "
                    "above 1 kHz, so m = 15 + 27 ln 3 / ln 6.4 = 15 + 16.0 = 31.0 mel."),
                detect=_near([4000 / (200 / 3)], 0.5)),
        Mistake("one-end", None, Hint(
            "that is the mel value of one end of the octave; the question asks for the width: "
            "mel(8000 Hz) - mel(4000 Hz).",
            example="The octave 250 -> 500 Hz: mel(250) = 3.75 and mel(500) = 7.5, so its width "
                    "is 7.5 - 3.75 = 3.75 mel; 7.5 is only where it ends."),
                detect=_near([_slaney(8000), _slaney(4000), _htk(8000), _htk(4000)], 0.5)),
        Mistake("hertz", None, Hint(
            "4000 is the width in hertz; convert both ends to mel first, then subtract.",
            example="The octave 300 -> 600 Hz is 300 Hz wide; in mel it is 600 / (200/3) - 300 / "
                    "(200/3) = 9 - 4.5 = 4.5 mel."),
                detect=_near([4000.0], 1.0)),
        Mistake("precision", None, Hint(
            "close, but the question asks for 0.1 mel: compute it with the formula rather than "
            "reading it off a plot.",
            example="1000 -> 1500 Hz: 27 ln 1.5 / ln 6.4 = 27 x 0.405 / 1.856 = 5.90 mel, where a "
                    "plot reads 'about 6'. Keep three digits in the logarithms and round only the "
                    "result."), detect=_near([_OCTAVE], 0.2)),
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
# 2. what an equaliser (a gain per mel band) does to the MFCCs
# ---------------------------------------------------------------------------------------------
def _db(band_gains):
    return 20 * np.log10(np.asarray(band_gains, dtype=float))


def _eq_change(band_gains, n_mfcc):
    """A gain g_m on band m's amplitude adds 20 log10 g_m dB to that band in every frame (the
    mel power is multiplied by g_m**2); the DCT is linear, so every frame's MFCCs move by the
    orthonormal DCT of those dB."""
    return scipy.fft.dct(_db(band_gains), norm="ortho")[:n_mfcc]


def _eq_cases(rng):
    """n_mels from 20 to 128, n_mfcc from 5 to 30: a uniform gain (the whole clip louder or
    quieter: only c0 moves), a tilt (treble cut), a boost of a few bands (a resonance) and a
    random smooth curve; gains from -20 to +12 dB, as lists or arrays."""
    out = []
    for i, n_mels in enumerate((24, 40, 64, 96, 128)):
        n_mfcc = int(rng.integers(5, min(30, n_mels)))
        x = np.linspace(0, 1, n_mels)
        if i == 0:
            db = np.full(n_mels, rng.choice([-1, 1]) * rng.uniform(2, 12))
        elif i == 1:
            db = -rng.uniform(6, 20) * x + rng.uniform(-3, 3)
        elif i == 2:
            centre, width = rng.uniform(0.2, 0.8), rng.uniform(0.03, 0.1)
            db = rng.uniform(4, 12) * np.exp(-0.5 * ((x - centre) / width) ** 2)
        else:
            db = np.cumsum(rng.normal(0, 1.0, n_mels)) + rng.uniform(-6, 6)
        gains = 10 ** (db / 20)
        out.append(dict(band_gains=gains.round(6).tolist() if i % 2 else gains, n_mfcc=n_mfcc))
    return out


def _eq_with(fn):
    def eq(band_gains, n_mfcc):
        return np.asarray(fn(np.asarray(band_gains, dtype=float)), dtype=float)[:n_mfcc]
    return eq


def _every_coefficient(out, case) -> bool:
    """The same nonzero number in each of the n_mfcc coefficients."""
    a = np.asarray(out, dtype=float).ravel()
    return bool(a.size == case["n_mfcc"] and a.size > 1 and np.all(np.abs(a) > 1e-3)
                and np.ptp(a) <= 1e-3 * np.max(np.abs(a)))


def _c0_only(band_gains, n_mfcc):
    out = np.zeros(n_mfcc)
    out[0] = np.sum(_db(band_gains)) / np.sqrt(len(band_gains))
    return out


EX_2 = FunctionExercise(
    "05.2", _eq_change, _eq_cases, output="array", rtol=1e-4, atol=1e-4, seeds=2,
    name="eq_change",
    mistakes=[
        Mistake("ten-log-of-gain", _eq_with(lambda g: scipy.fft.dct(10 * np.log10(g),
                                                                    norm="ortho")), Hint(
            "your changes are half the size: a gain multiplies the AMPLITUDE; the mel "
            "spectrogram holds powers (gain**2), and power_to_db takes 10 log10 of them: "
            "10 log10(g**2) = 20 log10(g) dB per band (notebook 04).",
            example="A gain of 2 on a band doubles its amplitude, so its power grows 4 times: 10 "
                    "log10(4) = +6.02 dB = 20 log10(2); 10 log10(2) = +3.01 dB is half of that.")),
        Mistake("dct-not-ortho", _eq_with(lambda g: scipy.fft.dct(_db(g))), Hint(
            "the right idea, but scipy's default DCT scaling (norm=None): librosa's MFCCs use "
            "the orthonormal DCT-II, norm='ortho' (section 4).",
            example="d = [2, 2]: scipy.fft.dct(d) = [8, 0], while dct(d, norm='ortho') = [2.83, "
                    "0] (2 + 2 = 4, times sqrt(1/2)). Only the orthonormal scaling is the one "
                    "MFCCs use.")),
        Mistake("c0-only", _c0_only, Hint(
            "only c0 moves in your answer: that holds for a gain that is the SAME in every "
            "band (the whole clip louder). An equaliser changes bands by different amounts, "
            "and the shape of that change is what c1, c2, ... describe.",
            "Each frame's dB values move by the same vector d (d_m = the change of band m, in "
            "dB); the DCT is linear: DCT(x + d) = DCT(x) + DCT(d).",
            example="n_mels = 4, d = [6, 6, 0, 0] (a bass boost): the orthonormal DCT of d "
                    "is [6, 5.58, 0, -2.31], so c1 moves too.")),
        Mistake("every-coefficient", None, Hint(
            "every coefficient moves by the same amount in your answer. A change of the bands' "
            "levels d (dB per band) moves the MFCCs by the DCT of d, a different number per "
            "coefficient.",
            "Find d first (the dB change of each band), then its orthonormal DCT.",
            example="4 bands, d = [6, 0, 0, 0] dB (only the lowest band 6 dB up): the orthonormal "
                    "DCT of d is [3.0, 3.92, 3.0, 1.62], a different change for each coefficient."),
                detect=lambda out, case, ref: _every_coefficient(out, case)),
        Mistake("gains-not-db", _eq_with(lambda g: scipy.fft.dct(g, norm="ortho")), Hint(
            "you took the DCT of the gains themselves. The MFCCs are the DCT of the bands' "
            "LEVELS in dB, so a gain must first become a change in dB: 20 log10(g).",
            example="A gain of 1 on every band changes nothing: its dB change 20 log10(1) = 0 has "
                    "a DCT of 0, but the DCT of the gains [1, 1, ...] themselves is not 0.")),
        Mistake("all-coefficients", lambda band_gains, n_mfcc: scipy.fft.dct(
            _db(band_gains), norm="ortho"),
                Hint("return the first n_mfcc coefficients only (the MFCCs keep "
                     "n_mfcc of the n_mels DCT coefficients).",
                     example="40 mel bands and 13 MFCCs: the DCT of the 40 dB changes has 40 "
                             "coefficients, and the MFCCs keep the first 13, so their change has "
                             "13 numbers too."),
                detect=lambda out, case, ref: np.size(out) == len(case["band_gains"])
                > case["n_mfcc"]),
    ],
    fallback=Hint(
        "follow the equaliser through the pipeline: band m's amplitude x g_m -> its power "
        "x g_m**2 -> its level + (some dB), the same in every frame -> the DCT of that "
        "change.",
        "Check it: make a random mel power spectrogram S yourself, apply the gains to it as "
        "the exercise says, and compare librosa.feature.mfcc(S=librosa.power_to_db(...)) "
        "before and after.",
        example="A uniform gain of 0.5 (-6.02 dB) on 16 bands: the change is a constant "
                "-6.02 dB per band, whose orthonormal DCT is c0 = 16 x -6.02 / sqrt(16) = "
                "-24.1 and 0 elsewhere."),
    success="An equaliser moves every frame's MFCCs by the same vector, the DCT of its dB "
            "curve: a uniform gain moves only c0, a tilt mostly c1. That is why a different "
            "microphone shifts the MFCCs of a whole recording, and why per-recording "
            "standardisation (cepstral mean normalisation) removes it.")


def check_eq_change(eq_change):
    """05, exercise 2: ``eq_change(band_gains, n_mfcc)``: how much each of the first n_mfcc
    MFCCs changes, in every frame, when band m's amplitude is multiplied by band_gains[m]."""
    return check(EX_2, eq_change)


# ---------------------------------------------------------------------------------------------
# 3. deltas comparable across two hops
# ---------------------------------------------------------------------------------------------
def _delta(C, width, order=1):
    import librosa

    return librosa.feature.delta(np.asarray(C, dtype=float), width=width, order=order, axis=-1)


def _odd_width(frames: float) -> int:
    """The odd number of frames (at least 3) nearest to ``frames``."""
    return max(3, 2 * int(np.floor((frames - 1) / 2 + 0.5)) + 1)


def _matching_delta(C, hop_train, width_train, hop_new):
    """Deltas of C (framed every hop_new s) that mean what the training deltas meant: a fit
    over the same span in seconds (width x hop) and the same unit (per training frame)."""
    width = _odd_width(width_train * hop_train / hop_new)
    return _delta(C, width) * (hop_train / hop_new)


def _matching_cases(rng):
    """Training hops 5-32 ms, new hops from a third to five times as long, widths 5-13;
    ratios chosen so that width_train x hop_train / hop_new is never half-way between two
    odd numbers (and, in some cases, not an odd number either, so that rounding matters)."""
    out = []
    # the last pair makes the span shorter than 3 new frames for every width: librosa's
    # minimum width (3) must be kept, not 1
    hops = [(0.010, 0.020), (0.016, 0.006), (0.032, 0.010), (0.0116, 0.0232), (0.015, 0.005),
            (0.010, 0.050)]
    for hop_train, hop_new in hops:
        widths = [w for w in (5, 7, 9, 11, 13)
                  if abs((w * hop_train / hop_new - 1) / 2 % 1 - 0.5) > 0.1]
        width_train = int(rng.choice(widths))
        span = width_train * hop_train / hop_new
        n, frames = int(rng.integers(3, 14)), int(rng.integers(max(70, int(span) + 5), 140))
        C = (np.cumsum(rng.standard_normal((n, frames)), axis=1)
             + rng.standard_normal((n, frames)))
        out.append(dict(C=C, hop_train=hop_train, width_train=width_train, hop_new=hop_new))
    return out


def _matching_with(width_rule, scale_rule):
    def matching(C, hop_train, width_train, hop_new):
        return _delta(C, width_rule(hop_train, width_train, hop_new)) * scale_rule(
            hop_train, hop_new)
    return matching


def _span(ht, wt, hn):
    return _odd_width(wt * ht / hn)


EX_3 = FunctionExercise(
    "05.3", _matching_delta, _matching_cases, output="array", rtol=1e-4, atol=1e-6, seeds=2,
    name="matching_delta",
    mistakes=[
        Mistake("width-kept", _matching_with(lambda ht, wt, hn: wt, lambda ht, hn: ht / hn),
                Hint("the unit is right, but the fit spans another stretch of time: width "
                     "frames last width x hop seconds, and the hops differ. Keep the span in "
                     "SECONDS the same, not the number of frames.",
                     "New width (frames) = the training span (s) / the new hop (s), then the "
                     "nearest odd number (librosa needs an odd width of at least 3).",
                     example="Training: 9 frames every 10 ms = 90 ms. New hop 20 ms: "
                             "90 / 20 = 4.5 frames, so width 5.")),
        Mistake("unit-kept", _matching_with(_span, lambda ht, hn: 1.0), Hint(
            "the span is right, but your deltas are per NEW frame: librosa's deltas are a "
            "change per frame, and a frame is another length of time now.",
            "Convert: per new frame -> per second (divide by hop_new) -> per training frame "
            "(multiply by hop_train).",
            example="A slope of 0.4 per 20 ms frame is 20 per second, i.e. 0.2 per 10 ms "
                    "training frame.")),
        Mistake("scale-inverted", _matching_with(_span, lambda ht, hn: hn / ht), Hint(
            "the unit conversion is upside down: a LONGER new hop gives BIGGER steps per new "
            "frame, so per training frame they shrink by hop_train / hop_new.",
            example="Training hop 10 ms, new hop 20 ms: a rise of 0.4 per 20 ms frame is 0.2 per "
                    "10 ms frame. A longer new hop: smaller values per training frame (x 10/20, "
                    "not x 20/10).")),
        Mistake("per-second", _matching_with(_span, lambda ht, hn: 1 / hn), Hint(
            "those are deltas per SECOND; the training deltas were per training frame: "
            "multiply by hop_train as well.",
            example="A slope of 0.5 per 25 ms frame is 0.5 / 0.025 = 20 per second; the model "
                    "learnt 'per 10 ms frame', so 20 x 0.010 = 0.2 per training frame.")),
        Mistake("width-inverted", _matching_with(
            lambda ht, wt, hn: _odd_width(wt * hn / ht), lambda ht, hn: ht / hn), Hint(
                "your width goes the wrong way: a LONGER new hop needs FEWER frames to span "
                "the same seconds (width_train x hop_train / hop_new).",
                example="Training: 5 frames every 12 ms span 60 ms. New hop 4 ms: 60 / 4 = 15 "
                        "frames (a SHORTER hop, MORE frames); 5 x 4 / 12 = 1.7 frames would span "
                        "only 7 ms.")),
        Mistake("even-width", None, Hint(
            "librosa.feature.delta needs an ODD width (at least 3): a centred fit has as many "
            "frames before as after the frame it is for. Round the span to the nearest odd "
            "number of frames.",
            "Nearest odd number to x: 2 * round((x - 1) / 2) + 1, and at least 3.",
            example="A span of 8.4 frames: the odd numbers around it are 7 (1.4 away) and 9 (0.6 "
                    "away), so 9; a span of 2 frames becomes 3, the smallest width librosa "
                    "accepts."),
                raises=r"width must be an odd|odd integer"),
    ],
    fallback=Hint(
        "two things change with the hop: how much time `width` frames span (width x hop "
        "seconds), and the unit of a delta (a change per frame, and frames have another "
        "length).",
        "Pick the new width so the span in seconds is the training one (nearest odd number "
        "of frames), then convert the unit from per new frame to per training frame.",
        example="Training: width 5 at a 20 ms hop, a 100 ms span; new hop 8 ms: 100 / 8 = "
                "12.5 frames, the nearest odd number is 13; a slope of 0.3 per 8 ms frame is "
                "0.3 x 20 / 8 = 0.75 per 20 ms frame."),
    success="Same span in seconds, same unit: deltas computed at another hop now mean what the "
            "model learnt. (Had you fed them per new frame, a hop twice as long would have "
            "doubled every delta.)")


def check_matching_delta(matching_delta):
    """05, exercise 3: ``matching_delta(C, hop_train, width_train, hop_new)``: deltas of C
    (frames every hop_new seconds) comparable with deltas a model was trained on (width
    width_train at a hop of hop_train seconds): the same span and unit (per training frame)."""
    return check(EX_3, matching_delta)


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
            "(nepers of power), not dB: 10 log10(p) = (10 / ln 10) ln(p).",
            example="A mel power of 100: ln(100) = 4.61, 10 log10(100) = 20 dB, and 4.61 x 10 / "
                    "ln 10 = 4.61 x 4.34 = 20. The DCT is linear, so that factor carries through "
                    "to every row.")),
        Mistake("twenty-for-power", lambda C, n_mels: _rescale(C, n_mels, 2 * _DB_PER_NEPER),
                Hint("every row of yours is exactly TWICE librosa's. Two causes give that "
                     "same factor 2, and the numbers cannot tell them apart: 20 / ln 10 for "
                     "the log (that converts the log of an AMPLITUDE; the mel spectrogram "
                     "holds powers, and power_to_db takes 10 log10), or DCT factors twice too "
                     "big (measure what norm='ortho' does to each row instead of deriving "
                     "it). Check both.",
                     "Recompute your factors on a tiny example: dct([1, 1, 1, 1]) = [8, 0, 0, "
                     "0] and dct(..., norm='ortho') = [2, 0, 0, 0].",
                     example="Test each factor alone. The log: a power of 100 is 10 log10(100) = "
                             "20 dB = ln(100) x 10 / ln 10, while ln(100) x 20 / ln 10 = 40 would "
                             "read it as an amplitude. The DCT: x = [1, 1]: dct(x) = [4, 0], "
                             "dct(x, norm='ortho') = [1.41, 0], a factor 0.354 for row 0.")),
        Mistake("c0-like-the-rest", lambda C, n_mels: _rescale(C, n_mels, _DB_PER_NEPER,
                                                               same=True), Hint(
            "all rows but c0 are right: relative to scipy's default, the orthonormal DCT-II "
            "scales row 0 by a different factor from the other rows.",
            "Measure row 0's factor as you measured the others: dct(x, norm='ortho')[0] / "
            "dct(x)[0] for a small x, at two values of n_mels, and see how it depends on n_mels.",
            example="x = [1, 0] (2 bands): dct(x) = [2, 1.41] and dct(x, norm='ortho') = [0.71, "
                    "0.71]: row 0 shrinks by 0.354 and row 1 by 0.5, two different factors.")),
        Mistake("log10-without-10", lambda C, n_mels: _rescale(C, n_mels, 1 / np.log(10)),
                Hint("you turned ln into log10 (divide by ln 10), but a decibel is 10 log10 "
                     "of a power: multiply by 10 too.",
                     example="A power of 1000: ln(1000) = 6.91, divided by ln 10 that is "
                             "log10(1000) = 3; its level is 10 x 3 = 30 dB.")),
        Mistake("inverted", lambda C, n_mels: _rescale(C, n_mels, 1 / _DB_PER_NEPER), Hint(
            "the unit conversion is upside down: dB = (10 / ln 10) x ln, so the numbers grow "
            "(by 4.34), they do not shrink.",
            example="A power of 10: ln(10) = 2.30 and 10 log10(10) = 10 dB = 2.30 x 4.34; "
                    "dividing by 4.34 gives 0.53, far from 10 dB.")),
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
