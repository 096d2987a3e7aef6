"""Exercise checks of notebook 04 (decibels), written as data (see ``_spec``).

The ladder: 1 (warm-up) a level difference of two amplitudes, as in section 1; 2-5 put the
dB into situations the notebook does not show: the level of several sounds at once (powers
add, dB do not), mixing noise at a chosen signal-to-noise ratio (the usual data
augmentation), the SNR inside a frequency band of two spectrograms (03's STFT with 04's
power/magnitude rule), and where white noise sits in a dBFS spectrogram for any window and
``n_fft`` (02's window sums with 04's full-scale scaling). Each named mistake is a wrong
implementation (``Mistake.method``); ``tools/margins.py`` measures how far each one lies
from the reference in tolerances. Solutions: ``notebooks/solutions/04_decibels_solutions.ipynb``.
"""

from __future__ import annotations

import numpy as np

from ._core import Hint
from ._spec import FunctionExercise, Mistake, ValueExercise, check

__all__ = ["check_level_difference", "check_combined_level", "check_mix_at_snr",
           "check_band_snr", "check_noise_floor"]


# ------------------------------------------------------------------------------------------
# Exercise 1 (warm-up): a level difference (a value)
# ------------------------------------------------------------------------------------------
_LOUD, _ECHO = 0.3, 0.012
_TRUTH = 20 * np.log10(_ECHO / _LOUD)  # -27.96 dB


def _near_any(values, tol=0.1):
    return lambda x, case=None, ref=None: min(abs(float(x) - v) for v in values) <= tol


EX_1 = ValueExercise(
    "04.1", accept=lambda x: abs(x - _TRUTH) <= 0.1 + 1e-9, answer=_TRUTH, rtol=0.0, atol=0.1,
    what="one number of dB (e.g. -12.3)",
    mistakes=[
        Mistake("sign", lambda: -_TRUTH, Hint(
            "right size, wrong sign: the echo is quieter than the note, so its level re the "
            "note is negative.", "The reference (the note) goes in the denominator.",
            example="A hum of amplitude 0.02 re a voice of amplitude 0.2: 20 log10(0.02 / 0.2) = "
                    "20 x (-1) = -20 dB. The hum is the quieter one, so its level re the voice is "
                    "negative; +20 dB is the voice re the hum.")),
        Mistake("10-log-for-amplitude", None, Hint(
            "that is 10 log10 of the amplitude ratio: 10 log10 is for powers, and these are "
            "amplitudes.", "Power is amplitude squared, and 10 log10(a**2) = 20 log10(a).",
            example="Two amplitudes 0.5 and 0.05 (a factor 10): 20 log10(0.05 / 0.5) = -20 dB; "
                    "their powers 0.25 and 0.0025 (a factor 100): 10 log10(0.01) = -20 dB, the "
                    "same number."),
                detect=_near_any([_TRUTH / 2, -_TRUTH / 2])),
        Mistake("natural-log", None, Hint(
            "that is the natural logarithm (np.log); decibels use log base 10 (np.log10).",
            example="Amplitudes 0.1 re 1: 20 log10(0.1) = -20 dB, but 20 ln(0.1) = -46.1, because "
                    "ln x = ln 10 x log10 x = 2.303 x log10 x: a natural log makes every level "
                    "2.3 times too big."),
                detect=_near_any([_TRUTH * np.log(10), -_TRUTH * np.log(10),
                                  _TRUTH * np.log(10) / 2], tol=0.5)),
        Mistake("ratio-not-db", None, Hint(
            "that is the amplitude ratio itself; a level difference in dB is a logarithm of it.",
            "Decibels of an amplitude ratio r: 20 log10(r).",
            example="Amplitudes 0.05 re 0.5: the ratio is 0.1 (a plain number); in dB it is 20 "
                    "log10(0.1) = 20 x (-1) = -20 dB."),
                detect=_near_any([_ECHO / _LOUD, _LOUD / _ECHO], tol=1e-6)),
        Mistake("precision", None, Hint(
            "close, but not within the 0.1 dB asked for: keep more decimals, or check the "
            "amplitudes you used.",
            example="Amplitudes 0.07 re 0.3: 20 log10(0.07 / 0.3) = 20 x (-0.632) = -12.64 dB; "
                    "rounding the logarithm to -0.6 first gives -12.0 dB, 0.6 dB off. Round only "
                    "the final number."), detect=_near_any([_TRUTH], tol=1.0)),
    ],
    fallback=Hint(
        "a level difference in dB compares two amplitudes: 20 log10 of their ratio, the "
        "quieter over the louder for 'the echo re the note'.",
        "Which amplitude is the reference (the one you divide by)?",
        example="A whisper of amplitude 0.01 re a voice of amplitude 0.1: 20 log10(0.01 / 0.1) "
                "= 20 x (-1) = -20 dB."),
    success=f"The echo is {_TRUTH:.2f} dB re the note: a factor of {_LOUD / _ECHO:.0f} in "
            "amplitude.")


def check_level_difference(answer):
    """04, exercise 1: the level of an echo of amplitude 0.012 re the note it repeats
    (amplitude 0.3), in dB, to within 0.1 dB."""
    return check(EX_1, answer)


# ------------------------------------------------------------------------------------------
# Exercise 2: the level of several uncorrelated sounds together
# ------------------------------------------------------------------------------------------
def _combined_level(levels_db):
    L = np.asarray(levels_db, dtype=float)
    return float(10 * np.log10(np.sum(10 ** (L / 10))))


def _combined_cases(rng):
    """2 to 5 levels within 6 dB of each other (so that no mistake is hidden by one dominant
    sound), all below -15 dB (so that doubling the result is far from it), some as lists."""
    out = []
    for k in (2, 3, 4, 5):
        levels = rng.uniform(-60, -25) + rng.uniform(0, 6, size=k)
        out.append(dict(levels_db=levels.round(1).tolist() if k % 2 else levels))
    out.append(dict(levels_db=[-30.0, -30.0]))  # two equal sounds: +3 dB, not +6
    return out


def _power_sum_db(levels_db, k_in=10, k_out=10):
    return float(k_out * np.log10(np.sum(10 ** (np.asarray(levels_db, dtype=float) / k_in))))


EX_2 = FunctionExercise(
    "04.2", _combined_level, _combined_cases, output="number", rtol=0.0, atol=0.01, seeds=4,
    name="combined_level",
    mistakes=[
        Mistake("added-db", lambda levels_db: float(np.sum(levels_db)), Hint(
            "you added the dB values. A level is a logarithm, and logarithms of ratios add "
            "when the ratios MULTIPLY (a gain after a gain); sounds that play together add "
            "their powers.",
            "Go back from each level to the quantity that adds when sounds play together "
            "(section 1), add those, and come back to dB only once, at the end.",
            example="A -20 dB and a -26 dB sound: powers 10**-2.0 = 0.0100 and 10**-2.6 = "
                    "0.0025, sum 0.0125, level 10 log10(0.0125) = -19.0 dB: louder than the "
                    "louder one, by 1 dB, not -46 dB.")),
        Mistake("amplitudes-added", lambda levels_db: _power_sum_db(levels_db, 20, 20), Hint(
            "you added amplitudes (20 log10 of a sum of 10 ** (L / 20)). That holds only for "
            "identical sounds in phase; uncorrelated sounds (noise, different sources) add "
            "their POWERS, because their cross terms average out.",
            "Two equal uncorrelated sounds are +3 dB together (twice the power), not +6 dB "
            "(twice the amplitude).",
            example="Two fans at -40 dB each: powers 1e-4 + 1e-4 = 2e-4, 10 log10(2e-4) = "
                    "-37.0 dB (+3 dB). Two copies of one sine in phase: amplitude doubles, "
                    "+6 dB.")),
        Mistake("mean-db", lambda levels_db: float(np.mean(levels_db)), Hint(
            "you averaged the dB values: the result is quieter than the loudest sound, but "
            "adding a sound never makes the mix quieter.",
            "Add powers, then convert to dB.",
            example="A -30 dB and a -36 dB sound: the mean of the dB values, -33 dB, is quieter "
                    "than the -30 dB sound alone. Their powers 0.001 + 0.00025 = 0.00125 give 10 "
                    "log10(0.00125) = -29.0 dB: a little louder than the louder one, as a mix "
                    "must be.")),
        Mistake("loudest-only", lambda levels_db: float(np.max(levels_db)), Hint(
            "you kept the loudest level. That is a fair estimate only when one sound is much "
            "louder (10 dB or more) than the rest; here they lie within 6 dB of each other, "
            "and each adds power.", "Add the powers of all of them.",
            example="Sounds at -50 and -53 dB: powers 1.0e-5 + 0.5e-5 = 1.5e-5, 10 log10(1.5e-5) "
                    "= -48.2 dB, 1.8 dB above the louder one. Only with a 10 dB gap (1e-5 + 1e-6: "
                    "-49.6 dB) is the louder one alone a fair estimate.")),
        Mistake("twenty-log-of-power", lambda levels_db: _power_sum_db(levels_db, 10, 20),
                Hint("you added the powers (right) but took 20 log10 of the sum: a sum of "
                     "powers is a power, so 10 log10.",
                     "20 log10 is for amplitudes; 10 log10(p) = 20 log10(sqrt(p)).",
                     example="Two sounds at -10 dB: powers 0.1 + 0.1 = 0.2, and 0.2 is a power, "
                             "so 10 log10(0.2) = -7.0 dB (+3 dB); 20 log10(0.2) = -14.0 dB would "
                             "make the pair quieter than each sound alone.")),
    ],
    fallback=Hint(
        "uncorrelated sounds playing together add their powers: convert each level to a "
        "power ratio, add, convert back.",
        "L dB is the power ratio 10 ** (L / 10).",
        example="Three sounds at -10, -10 and -20 dB: 0.1 + 0.1 + 0.01 = 0.21, "
                "10 log10(0.21) = -6.8 dB."),
    success="Powers add: two equal uncorrelated sounds are +3 dB together, and a sound 6 dB "
            "quieter than another adds about 1 dB.")


def check_combined_level(combined_level):
    """04, exercise 2: ``combined_level(levels_db)``: the level of uncorrelated sounds playing
    together, each given as its level in dB re the same reference."""
    return check(EX_2, combined_level)


# ------------------------------------------------------------------------------------------
# Exercise 3: mix noise into a signal at a chosen SNR
# ------------------------------------------------------------------------------------------
def _power(x):
    return float(np.mean(np.square(np.asarray(x, dtype=float))))


def _mix_at_snr(clean, noise, snr_db):
    gain = np.sqrt(_power(clean) / (_power(noise) * 10 ** (snr_db / 10)))
    return np.asarray(clean, dtype=float) + gain * np.asarray(noise, dtype=float)


def _mix_cases(rng):
    """Tones (1 to 3 sines) with white or brown noise of any level, lengths 2000-12000 samples,
    SNRs from -25 to -3 dB and from 3 to 25 dB (never 0, where 'sign' and 10/20 agree); two
    cases of five have a DC offset in both signals (where a variance is not the power)."""
    out = []
    for i in range(5):
        sr = int(rng.choice([8000, 16000, 22050]))
        n = int(rng.integers(2000, 12000))
        t = np.arange(n) / sr
        clean = sum(rng.uniform(0.05, 0.4) * np.sin(2 * np.pi * rng.uniform(100, 3000) * t
                                                    + rng.uniform(0, 2 * np.pi))
                    for _ in range(int(rng.integers(1, 4))))
        noise = rng.standard_normal(n) * rng.uniform(0.01, 1.0)
        if i == 2:  # brown noise: a different crest factor and spectrum
            noise = np.cumsum(noise)
        clean, noise = clean - np.mean(clean), noise - np.mean(noise)
        if i in (1, 3):  # an offset (DC, a badly biased microphone): power is NOT variance
            clean = clean + rng.choice([-1, 1]) * rng.uniform(0.1, 0.3)
            noise = noise + rng.choice([-1, 1]) * rng.uniform(0.5, 1.0) * np.std(noise)
        snr = float(rng.choice([-1, 1]) * rng.uniform(3, 25))
        out.append(dict(clean=clean, noise=noise, snr_db=round(snr, 1)))
    return out


def _mix_with_gain(gain):
    def mix(clean, noise, snr_db):
        return (np.asarray(clean, dtype=float)
                + gain(clean, noise, snr_db) * np.asarray(noise, dtype=float))
    return mix


EX_3 = FunctionExercise(
    # 2e-4 of the mixture's largest sample: float32 passes; every named mistake is further
    # (tools/margins.py), np.var / np.std included, thanks to the cases with an offset
    "04.3", _mix_at_snr, _mix_cases, output="array", rtol=0.0,
    atol=lambda case: 2e-4 * float(np.max(np.abs(_mix_at_snr(**case)))), seeds=3,
    name="mix_at_snr",
    mistakes=[
        Mistake("power-ratio-as-gain",
                _mix_with_gain(lambda c, n, s: _power(c) / (_power(n) * 10 ** (s / 10))), Hint(
                    "you multiplied the noise by a POWER ratio. Multiplying samples by g "
                    "multiplies their power by g**2, so the gain is the square root of the power "
                    "ratio you need.",
                    "First the noise power this SNR asks for; then the factor on the samples that "
                    "gives that power (a factor on the samples acts squared on the power).",
                    example="To make a noise of power 0.04 have power 0.01 you need a power "
                            "ratio of 1/4, so g = sqrt(1/4) = 0.5, not 0.25.")),
        Mistake("twenty-for-power",
                _mix_with_gain(lambda c, n, s: np.sqrt(_power(c) / (_power(n) * 10 ** (s / 20)))),
                Hint("you turned the SNR into a power ratio with 10 ** (snr_db / 20): that is "
                     "the AMPLITUDE ratio. SNR is a power ratio: 10 ** (snr_db / 10).",
                     "Either use powers with /10 (then take a square root for the gain) or "
                     "RMS amplitudes with /20, not a mix.",
                     example="An SNR of 20 dB is a POWER ratio of 10 ** (20 / 10) = 100, and an "
                             "RMS (amplitude) ratio of 10 ** (20 / 20) = 10 = sqrt(100). Powers "
                             "go with /10, amplitudes with /20; /20 on a power ratio gives its "
                             "square root.")),
        Mistake("sign", _mix_with_gain(lambda c, n, s: np.sqrt(_power(c) * 10 ** (s / 10)
                                                              / _power(n))), Hint(
            "the sign is turned round: with snr_db = 20 your noise is 20 dB LOUDER than the "
            "signal. SNR is the signal's level re the noise: higher SNR, quieter noise.",
            "SNR is the signal's power re the noise's: try your gain on snr_db = +20 and -20 "
            "and check which one gives the quieter noise.",
            example="Speech of power 0.01 at an SNR of +10 dB: the noise must be 10 dB BELOW it, "
                    "power 0.001; at -10 dB the noise has power 0.1, ten times the speech's. "
                    "Higher SNR, quieter noise.")),
        Mistake("peak-not-rms",
                _mix_with_gain(lambda c, n, s: np.max(np.abs(c)) / np.max(np.abs(n))
                               * 10 ** (-s / 20)), Hint(
                    "you matched PEAK amplitudes. SNR compares powers (mean squares), and a "
                    "noise peaks much higher above its RMS than a tone does (about 4x vs "
                    "1.4x), so the peak ratio is not the power ratio.",
                    "Power = np.mean(x ** 2) for each signal.",
                    example="A sine of amplitude 1 (RMS 0.71) and white noise of RMS 0.71 have "
                            "the same power: SNR 0 dB. But the noise peaks near 2.8 (about 4 x "
                            "its RMS): matching the peaks would shrink it 2.8 times, 9 dB below "
                            "the SNR asked for.")),
        Mistake("variance-not-power",
                _mix_with_gain(lambda c, n, s: np.sqrt(np.var(c) / (np.var(n) * 10 ** (s / 10)))),
                Hint("you measured the signals with their variance (np.var, or a ratio of "
                     "np.std): that subtracts each signal's mean first. The exercise defines P "
                     "as the mean of the squared samples, and a signal with an offset (a DC "
                     "component) has power in its mean too: some of the check's signals have "
                     "one.",
                     "P = np.mean(x ** 2), the mean square, for each signal.",
                     example="x = [1.2, 0.8, 1.2, 0.8]: np.var(x) = 0.04, but np.mean(x ** 2) "
                             "= 1.04; the offset 1.0 carries almost all of the power.")),
        Mistake("noise-only", lambda clean, noise, snr_db: _mix_at_snr(clean, noise, snr_db)
                - np.asarray(clean, dtype=float), Hint(
                    "you returned the scaled noise only: return the MIXTURE, clean + scaled "
                    "noise, not the noise alone.",
                    example="A training example at 10 dB SNR is the speech WITH the noise in it: "
                            "for speech [0.5, -0.5] and scaled noise [0.1, 0.1], the function "
                            "gives [0.6, -0.4], not [0.1, 0.1].")),
        Mistake("clean-scaled", lambda clean, noise, snr_db: np.asarray(clean, dtype=float)
                * np.sqrt(_power(noise) * 10 ** (snr_db / 10) / _power(clean))
                + np.asarray(noise, dtype=float), Hint(
                    "your SNR is right, but you scaled the clean signal and kept the noise: the "
                    "exercise keeps the clean signal as it is (its level is the data) and "
                    "scales the noise.",
                    example="To put a clip of RMS 0.2 at 20 dB SNR against a fan, you turn the "
                            "FAN down to RMS 0.02 and leave the clip as it is: how loud the "
                            "speaker was is part of the data you keep.")),
    ],
    fallback=Hint(
        "SNR (dB) = 10 log10(P_clean / P_noise), with P = the mean of the squared samples. "
        "Find the gain g that gives g * noise the power this asks for, then add.",
        "Two steps: the noise power the SNR asks for, then the factor on the noise's "
        "samples that gives it that power.",
        example="A clean power of 0.02, a noise power of 0.5 and a wanted SNR of 10 dB: the "
                "noise must have power 0.02 / 10 = 0.002, so g**2 = 0.002 / 0.5 = 0.004 and "
                "g = 0.063."),
    changed_input=Hint(
        "your function changed the caller's `clean` (or `noise`) array in place (e.g. "
        "`clean += g * noise`): whoever called it has lost the clean signal, and a data "
        "pipeline that mixes the same clip twice would add noise to noise.",
        "Build a NEW array for the mixture (an expression such as a + b makes one), so that "
        "both inputs stay as they were.",
        example="a = np.ones(3); b = a; b += 1 changes a too (both are now [2, 2, 2]), "
                "while c = a + 1 is a new array and a stays [1, 1, 1].",
        mistake="changed-input"),
    success="The mixture's SNR is what you asked for, on tones with white and brown noise at "
            "positive and negative SNRs, with and without an offset.")


def check_mix_at_snr(mix_at_snr):
    """04, exercise 3: ``mix_at_snr(clean, noise, snr_db)`` returns ``clean + g * noise`` with g
    chosen so that 10 log10(P_clean / P_(g noise)) = snr_db (P: mean square)."""
    return check(EX_3, mix_at_snr)


# ------------------------------------------------------------------------------------------
# Exercise 4: the SNR inside a frequency band, from two spectrograms
# ------------------------------------------------------------------------------------------
def _band_power(y, sr, n_fft, f_lo, f_hi, edges="[)", spacing=None):
    import librosa

    P = np.abs(librosa.stft(y=np.asarray(y, dtype=float), n_fft=n_fft)) ** 2
    f = np.arange(1 + n_fft // 2) * sr / (spacing or n_fft)
    low = f >= f_lo if edges[0] == "[" else f > f_lo
    high = f < f_hi if edges[1] == ")" else f <= f_hi
    return P, low & high


def _band_snr(clean, noise, sr, n_fft, f_lo, f_hi, edges="[)", spacing=None):
    Pc, band = _band_power(clean, sr, n_fft, f_lo, f_hi, edges, spacing)
    Pn, _ = _band_power(noise, sr, n_fft, f_lo, f_hi, edges, spacing)
    return float(10 * np.log10(Pc[band].sum() / Pn[band].sum()))


def _edges_wrong(out, case, ref):
    """A band with the wrong edges: f_lo left out or f_hi kept (any of the three), or the axis
    k * sr / (n_fft + 1), which on these cases is the same band as (f_lo, f_hi]."""
    if abs(float(out) - ref) <= 0.01:
        return True
    wrong = [_band_snr(**case, edges=e) for e in ("[]", "()", "(]")]
    return any(abs(float(out) - w) <= 0.01
               for w in [*wrong, _band_snr(**case, spacing=case["n_fft"] + 1)])


def _band_cases(rng):
    """A quiet tone inside the band plus a loud one outside it, white noise scaled so that the
    in-band SNR is 3-15 dB away from 0; five cases with band edges half-way between bins, two
    with the edges exactly on bins (and a tone on each edge)."""
    out = []
    for sr, n_fft in [(8000, 256), (16000, 512), (44100, 2048), (48000, 1024), (12000, 512)]:
        n = int(rng.integers(sr // 2, sr))
        t = np.arange(n) / sr
        df = sr / n_fft
        k_lo, k_hi = int(rng.integers(8, n_fft // 8)), int(rng.integers(n_fft // 4, n_fft // 3))
        f_lo, f_hi = (k_lo + 0.5) * df, (k_hi + 0.5) * df
        f_in = rng.uniform(f_lo + 4 * df, f_hi - 4 * df)
        f_out = rng.uniform(f_hi + 0.1 * sr / 2, 0.45 * sr)
        clean = (rng.uniform(0.01, 0.1) * np.sin(2 * np.pi * f_in * t)
                 + rng.uniform(0.3, 0.6) * np.sin(2 * np.pi * f_out * t))
        noise = rng.standard_normal(n)
        want = float(rng.choice([-1, 1]) * rng.uniform(3, 15))
        noise *= 10 ** ((_band_snr(clean, noise, sr, n_fft, f_lo, f_hi) - want) / 20)
        out.append(dict(clean=clean, noise=noise, sr=sr, n_fft=n_fft, f_lo=round(f_lo, 3),
                        f_hi=round(f_hi, 3)))
    for sr, n_fft in [(8000, 256), (48000, 1024)]:
        # edges ON bins (sr / n_fft is exact in binary, so k * sr / n_fft is, whichever way the
        # learner builds the axis): a tone at f_lo (in the band) and a quieter one at f_hi (out
        # of it) make `f > f_lo`, `f <= f_hi` and a (n_fft + 1) spacing all change the answer
        n = int(rng.integers(sr // 2, sr))
        t = np.arange(n) / sr
        k_lo, k_hi = int(rng.integers(8, n_fft // 8)), int(rng.integers(n_fft // 4, n_fft // 3))
        f_lo, f_hi = k_lo * sr / n_fft, k_hi * sr / n_fft
        a = rng.uniform(0.05, 0.1)
        clean = (a * np.sin(2 * np.pi * f_lo * t) + a / 2 * np.sin(2 * np.pi * f_hi * t)
                 + rng.uniform(0.3, 0.6) * np.sin(2 * np.pi * rng.uniform(0.4, 0.45) * sr * t))
        noise = rng.standard_normal(n)
        want = float(rng.choice([-1, 1]) * rng.uniform(3, 15))
        noise *= 10 ** ((_band_snr(clean, noise, sr, n_fft, f_lo, f_hi) - want) / 20)
        out.append(dict(clean=clean, noise=noise, sr=sr, n_fft=n_fft, f_lo=f_lo, f_hi=f_hi))
    return out


def _band_mag(clean, noise, sr, n_fft, f_lo, f_hi):
    Pc, band = _band_power(clean, sr, n_fft, f_lo, f_hi)
    Pn, _ = _band_power(noise, sr, n_fft, f_lo, f_hi)
    return float(20 * np.log10(np.sqrt(Pc[band]).sum() / np.sqrt(Pn[band]).sum()))


def _band_mean_db(clean, noise, sr, n_fft, f_lo, f_hi):
    Pc, band = _band_power(clean, sr, n_fft, f_lo, f_hi)
    Pn, _ = _band_power(noise, sr, n_fft, f_lo, f_hi)
    with np.errstate(divide="ignore"):
        return float(np.mean(10 * np.log10(np.maximum(Pc[band], 1e-10))
                             - 10 * np.log10(np.maximum(Pn[band], 1e-10))))


EX_4 = FunctionExercise(
    "04.4", _band_snr, _band_cases, output="number", rtol=0.0, atol=0.01, seeds=2,
    name="band_snr",
    mistakes=[
        Mistake("magnitudes-summed", _band_mag, Hint(
            "you added MAGNITUDES |X| over the band: signal and noise powers add, magnitudes "
            "do not (section 1: the level of a sum is a sum of powers).",
            "Signal and noise powers add inside a band as two sounds' powers do in exercise 2: "
            "add up what adds, for each signal, before the one logarithm.",
            example="Two noise bins of magnitudes 3 and 4: their powers 9 + 16 = 25 make an RMS "
                    "of 5; adding magnitudes gives 7, which overstates the noise by 20 log10(7 / "
                    "5) = 2.9 dB. Levels of sums go through powers.")),
        Mistake("mean-of-db", _band_mean_db, Hint(
            "you averaged dB values bin by bin. A mean of logarithms is not the logarithm of "
            "a mean: the many bins where the tone is absent (signal far below the noise) "
            "pull your average down by tens of dB.",
            "Add the powers first, then take one logarithm of the ratio.",
            example="Two bins with power ratios 100 and 0.01: the mean of their dB values "
                    "(+20 and -20) is 0 dB, but the ratio of summed powers, e.g. (100 + "
                    "0.01) / (1 + 1) = 50, is +17 dB.")),
        Mistake("whole-spectrum", lambda clean, noise, sr, n_fft, f_lo, f_hi: _band_snr(
            clean, noise, sr, n_fft, 0.0, float(sr)), Hint(
                "that is the SNR of the whole spectrum (or of the samples): the loud tone "
                "outside the band counts. Keep only the bins with f_lo <= frequency < f_hi.",
                "Bin k is at k * sr / n_fft Hz (notebook 02).",
                example="n_fft = 16 at 16,000 Hz: bins are 1000 Hz apart (0, 1000, ..., 8000 Hz). "
                        "For the band [2500, 5500) Hz only bins 3, 4 and 5 count; a loud tone at "
                        "7000 Hz (bin 7) is left out.")),
        Mistake("band-edges", lambda clean, noise, sr, n_fft, f_lo, f_hi: _band_snr(
            clean, noise, sr, n_fft, f_lo, f_hi, edges="[]"), Hint(
                "your band has the wrong edges: a bin exactly at f_lo belongs to the band, a "
                "bin exactly at f_hi does not (f_lo <= f < f_hi, a half-open interval, like "
                "Python's range). Some of the check's bands have their edges exactly on bins, "
                "with a tone there. (The same answer comes from bin frequencies a little off, "
                "k * sr / (n_fft + 1): bin k is at k * sr / n_fft Hz.)",
                "Use >= for the lower edge and < for the upper one, on the axis "
                "k * sr / n_fft.",
                example="n_fft = 8 at 8000 Hz: bins at 0, 1000, ..., 4000 Hz. The band [1000, "
                        "3000) Hz takes bins 1 and 2: 1000 Hz is in (>=), 3000 Hz is out (<), as "
                        "range(1, 3) is [1, 2]."), detect=_edges_wrong),
        Mistake("twenty-log-of-power", lambda clean, noise, sr, n_fft, f_lo, f_hi: 2 * _band_snr(
            clean, noise, sr, n_fft, f_lo, f_hi), Hint(
                "you summed powers (right) but took 20 log10 of their ratio: a power ratio "
                "takes 10 log10.",
                example="Band powers summed to 40 (clean) and 4 (noise): the ratio 10 is a power "
                        "ratio, 10 log10(10) = 10 dB; 20 log10(10) = 20 dB would double every "
                        "SNR.")),
        Mistake("sr-ignored", lambda clean, noise, sr, n_fft, f_lo, f_hi: _band_snr(
            clean, noise, 22050, n_fft, f_lo, f_hi), Hint(
                "your bins' frequencies assume 22,050 Hz: the check's signals have other sample "
                "rates. Use the sr you are given (k * sr / n_fft).",
                example="n_fft = 512: bin 64 is at 64 x 22,050 / 512 = 2756 Hz at 22,050 Hz, but "
                        "at 64 x 8000 / 512 = 1000 Hz at 8000 Hz. The same bin is another "
                        "frequency at another rate.")),
    ],
    fallback=Hint(
        "the SNR in a band: the power of the clean signal in the band's bins (summed over all "
        "frames) re the noise's power in the same bins, in dB.",
        "Two questions: which bins lie in the band (notebook 02: the frequency of bin k), and "
        "what adds over those bins and over the frames (section 1)?",
        example="The SNR of a low band [0, 1000) Hz with n_fft=8 at 8000 Hz: bins are 1000 Hz "
                "apart, so only bin 0 (0 Hz) is in; sum P[0, :] for each signal, then "
                "10 log10(clean_sum / noise_sum)."),
    success="Powers summed over the band's bins and frames, one logarithm of the ratio: the "
            "loud tone outside the band does not count.")


def check_band_snr(band_snr):
    """04, exercise 4: ``band_snr(clean, noise, sr, n_fft, f_lo, f_hi)``: 10 log10 of the
    clean signal's power over the noise's in the STFT bins f_lo <= f < f_hi."""
    return check(EX_4, band_snr)


# ------------------------------------------------------------------------------------------
# Exercise 5 (stretch): where white noise sits in a dBFS spectrogram
# ------------------------------------------------------------------------------------------
def _window(window, n_fft):
    import librosa

    return librosa.filters.get_window(window, n_fft, fftbins=True)


def _noise_floor(sigma, n_fft, window):
    w = _window(window, n_fft)
    return float(10 * np.log10(sigma**2 * np.sum(w**2) / (np.sum(w) / 2) ** 2))


def _floor_cases(rng):
    out = []
    for n_fft, window in [(256, "hann"), (4096, "hamming"), (1024, "blackman"),
                          (512, "boxcar"), (2048, "hann")]:
        sigma = float(10 ** rng.uniform(-3, -0.5))
        out.append(dict(sigma=round(sigma, 5), n_fft=n_fft, window=window))
    return out


#: how far below the level of the mean power the mean of the dB values (2.51 dB) and the level
#: of the mean magnitude (1.05 dB) of a noise bin lie (exponential and Rayleigh distributions)
_MEAN_LOG_BIAS = 10 * np.euler_gamma / np.log(10)
_MEAN_MAG_BIAS = -20 * np.log10(np.sqrt(np.pi) / 2)


def _floor_with(fn):
    def floor(sigma, n_fft, window):
        w = _window(window, n_fft)
        return fn(sigma, n_fft, w)
    return floor


EX_5 = FunctionExercise(
    "04.5", _noise_floor, _floor_cases, output="number", rtol=0.0, atol=0.1, seeds=3,
    name="noise_floor_dbfs",
    mistakes=[
        Mistake("n-fft-ignored", lambda sigma, n_fft, window: float(20 * np.log10(sigma)), Hint(
            "that is the noise's level in the samples (20 log10 sigma), the same for every "
            "n_fft. In a spectrogram scaled for sines, noise sits LOWER the longer the window: "
            "a sine's energy stays in one bin, the noise's spreads over 1 + n_fft / 2 bins.",
            "Compare how two things grow with the window: a bin's mean power for noise (each "
            "window weight brings in one independent sample) and a sine's peak (section 3).",
            example="A rectangular window of 4 samples and sigma = 1: E|X_k|**2 = 1 * 4 = 4, "
                    "the sine scale is 4 / 2 = 2, so the floor is 10 log10(4 / 2**2) = 0 dBFS; "
                    "with 16 samples 10 log10(16 / 8**2) = -6 dBFS: 3 dB lower per doubling.")),
        Mistake("mean-of-db", _floor_with(lambda s, n, w: 10 * np.log10(
            s**2 * np.sum(w**2) / (np.sum(w) / 2) ** 2) - 10 * np.euler_gamma / np.log(10)),
            Hint("your value is 2.5 dB low: that is the mean of the dB values of the bins. "
                 "The power of a noise bin scatters (an exponential distribution), and the mean "
                 "of its logarithm lies 2.5 dB below the logarithm of its mean power.",
                 "Average the POWERS |X|**2 of many bins and frames, then take 10 log10 once.",
                 example="Two noise bins of powers 0.5 and 1.5: the level of their mean power is "
                         "10 log10(1.0) = 0 dB, but the mean of their levels is (-3.0 + 1.8) / 2 "
                         "= -0.6 dB. Over many noise bins that gap settles at 2.5 dB."),
            # measured, the mean of dB also depends on amin and the DC bin: a window, not a point
            detect=lambda out, case, ref: abs(float(out) - ref + _MEAN_LOG_BIAS) <= 0.4),
        Mistake("mean-magnitude", _floor_with(lambda s, n, w: 20 * np.log10(
            np.sqrt(np.pi) / 2 * s * np.sqrt(np.sum(w**2)) / (np.sum(w) / 2))), Hint(
                "your value is about 1 dB low: 20 log10 of the mean MAGNITUDE. The mean "
                "magnitude of noise is sqrt(pi) / 2 = 0.89 of its RMS; the level of the mean "
                "power is what the exercise asks for.",
                "Mean of |X|**2 (a power), then 10 log10.",
                example="Two bins of magnitudes 1 and 3: the mean power (1 + 9) / 2 = 5 is 7.0 "
                        "dB; the mean magnitude 2 gives 20 log10(2) = 6.0 dB, 1 dB low. Square, "
                        "then average."),
            detect=lambda out, case, ref: abs(float(out) - ref + _MEAN_MAG_BIAS) <= 0.25),
        Mistake("sum-w-scale", _floor_with(lambda s, n, w: 10 * np.log10(
            s**2 * np.sum(w**2) / np.sum(w) ** 2)), Hint(
                "your value is 6 dB low: you scaled |X| by sum(w). A sine of amplitude A "
                "peaks at A * sum(w) / 2 (half its energy is in the negative-frequency bin), "
                "so the full-scale scale is sum(w) / 2.",
                example="A rectangular window of 8 samples and a full-scale sine on a bin: |X| "
                        "peaks at 8 / 2 = 4 (the other half sits in the mirror bin at -f). "
                        "Dividing by 8 makes that sine read 0.5, -6 dB, instead of 1.")),
        Mistake("sigma-as-power", lambda sigma, n_fft, window: _noise_floor(sigma, n_fft, window)
                - 10 * np.log10(sigma), Hint(
                    "sigma is the noise's standard deviation, an amplitude (RMS): its power is "
                    "sigma**2. You took 10 log10(sigma).",
                    example="Noise with standard deviation 0.1 has power 0.1**2 = 0.01: 10 "
                            "log10(0.01) = -20 dB, the same as 20 log10(0.1); 10 log10(0.1) = -10 "
                            "dB is 10 dB too high.")),
        Mistake("unscaled", _floor_with(lambda s, n, w: 10 * np.log10(s**2 * np.sum(w**2))),
                Hint("that is the level of |X|**2 re 1.0 without the full-scale scaling: "
                     "divide |X| by sum(w) / 2 first (section 3), so that a full-scale sine "
                     "reads 0 dBFS.",
                     example="A rectangular window of 8 samples: a full-scale sine gives |X| = 4 "
                             "on its bin, |X|**2 = 16, 12 dB re 1.0 unscaled; divided by 4 it "
                             "reads 1, 0 dBFS. Noise in the same spectrogram must be divided by "
                             "the same 4.")),
    ],
    fallback=Hint(
        "scale |X| as in section 3 (a full-scale sine at a bin's frequency reads 1), then find "
        "the mean power of a bin for white noise of standard deviation sigma, in dB.",
        "A bin of white noise adds up the noise's independent samples, each weighted by the "
        "window: what is the mean power of such a sum? You may also measure it: STFT of a "
        "long np.random noise, mean of the scaled |X|**2, 10 log10.",
        example="sigma = 0.1 with a rectangular window of 8 samples: E|X|**2 = 0.01 * 8 = 0.08; "
                "the sine scale is 8 / 2 = 4, so the floor is 10 log10(0.08 / 16) = -23.0 dBFS."),
    success="White noise sits 10 log10(4 sum(w**2) / sum(w)**2) dB below its sample level: "
            "3 dB lower for every doubling of n_fft, while a sine stays put. A longer window "
            "lifts a tone out of noise.")


def check_noise_floor(noise_floor_dbfs):
    """04, exercise 5: ``noise_floor_dbfs(sigma, n_fft, window)``: the level, in dBFS (|X| scaled
    so that a full-scale sine reads 1), of the mean power of a bin for white noise."""
    return check(EX_5, noise_floor_dbfs)
