"""Exercise checks of notebook 07 (From clips to model inputs): declarative specs (``_spec.py``).

07.1 (warm-up) the SNR of a sine over noise of a given standard deviation (the notebook went
the other way, from an SNR to a noise scale); 07.2 noise at an SNR when the recording has a DC
offset; 07.3 a test-time crop plan that also works for clips shorter than the input; 07.4
(stretch) per-band standardisation statistics of a padded batch: real frames only, and a floor
on the standard deviation. Each mistake is a wrong method a learner really writes; ``make margins``
shows each one's distance from the reference in tolerances (>= 3).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._core import Hint
from ._spec import FunctionExercise, Mistake, ValueExercise, check

__all__ = ["check_noise_std_for_snr", "check_noise_without_dc", "check_crop_plan",
           "check_band_statistics"]


# ------------------------------------------------------- 07.1 the SNR of a sine over noise (warm-up)
_AMP, _NOISE_STD = 0.3, 0.02
_SNR = float(10 * np.log10((_AMP ** 2 / 2) / _NOISE_STD ** 2))  # 20.51 dB


def _near_estimate(v, *_):
    """Within 0.2 dB but not within the tolerance: an SNR measured on one draw of noise."""
    return 0.01 < abs(float(v) - _SNR) <= 0.2


EX_1 = ValueExercise(
    "07.1", accept=lambda v: abs(v - _SNR) <= 0.01, answer=_SNR, rtol=0.0, atol=0.01,
    what="one number of dB (to 2 decimals)",
    mistakes=[
        Mistake("peak", lambda: 20 * np.log10(_AMP / _NOISE_STD), Hint(
            "you compared the sine's peak amplitude with the noise: an SNR compares powers "
            "(mean squares), and a sine's mean square is not its amplitude squared.",
            "Average sin^2 over one period: what fraction of amplitude^2 is it?",
            example="a square wave of amplitude 1 has mean square 1; a sine of amplitude 1 "
                    "spends most of its time below 1, so its mean square is smaller.")),
        Mistake("amplitude-db", lambda: 10 * np.log10(_AMP / np.sqrt(2) / _NOISE_STD), Hint(
            "you took 10 log10 of a ratio of amplitudes (RMS values): 10 log10 is for powers, "
            "20 log10 for amplitudes.",
            example="an RMS ratio of 10 is a power ratio of 100: 20 dB either way.")),
        Mistake("std-as-power", lambda: 10 * np.log10(_AMP ** 2 / 2 / _NOISE_STD), Hint(
            "0.02 is the noise's standard deviation, an amplitude; its power is its square "
            "(white noise with zero mean: power = variance).",
            example="noise of standard deviation 0.1 has power 0.01.")),
        Mistake("sign", lambda: -_SNR, Hint(
            "the ratio is upside down: the SNR is signal power over noise power, positive when "
            "the signal is the stronger one.",
            example="a signal 100 times the noise's power: +20 dB.")),
        Mistake("estimate", lambda: _SNR + 0.05, Hint(
            "close, but it moves with the noise you drew: an SNR measured on one draw of random "
            "noise is an estimate. Compute it from the two powers instead.",
            "The sine's power follows from its amplitude, the noise's from its standard "
            "deviation; no random numbers are needed.",
            example="noise of standard deviation 0.1 has power 0.01 exactly; one draw of 1000 "
                    "samples of it measures anywhere from about 0.0094 to 0.0106."),
            detect=_near_estimate),
    ],
    fallback=Hint("SNR = 10 log10(signal power / noise power), each power a mean square: the "
                  "sine's from its amplitude, the noise's from its standard deviation.",
                  example="a sine of amplitude 2 (power 2) over noise of standard deviation 1 "
                          "(power 1): 3.0 dB."),
    success="the sine's power a^2/2 over the noise's variance, in 10 log10: the SNR.")


def check_noise_std_for_snr(answer):
    """Exercise 07.1: the SNR of a sine of amplitude 0.3 over white noise of standard
    deviation 0.02, in dB."""
    return check(EX_1, answer)


# ---------------------------------------------- 07.2 noise at an SNR, DC offset excluded (apply)
def _noise_without_dc(y, snr_db, noise):
    ac = y - np.mean(y)
    p_signal = np.mean(ac ** 2)
    p_noise = np.mean(noise ** 2)
    return y + noise * np.sqrt(p_signal / (p_noise * 10 ** (snr_db / 10)))


def _dc_cases(rng):
    out = []
    for sr, n in ((8000, 4000), (16000, 12000), (22050, 9000)):
        t = np.arange(n) / sr
        dc = float(rng.choice([-1, 1]) * rng.uniform(0.2, 0.4))
        y = dc + rng.uniform(0.05, 0.3) * np.sin(2 * np.pi * rng.uniform(150, 900) * t)
        y[: int(rng.integers(n // 8, n // 3))] = dc  # a silent start: only the offset
        noise = rng.standard_normal(n) * rng.uniform(0.5, 2.0)
        noise -= noise.mean()  # zero mean (the task says so): its power is its variance
        out.append(dict(y=y, snr_db=float(rng.uniform(-3, 25)), noise=noise))
    return out


def _with_dc_in_power(y, snr_db, noise):
    return y + noise * np.sqrt(np.mean(y ** 2) / (np.mean(noise ** 2) * 10 ** (snr_db / 10)))


def _offset_removed(y, snr_db, noise):
    return _noise_without_dc(y, snr_db, noise) - np.mean(y)


def _amplitude_db(y, snr_db, noise):
    ac = y - np.mean(y)
    return y + noise * np.sqrt(np.mean(ac ** 2) / (np.mean(noise ** 2) * 10 ** (snr_db / 20)))


def _noise_not_measured(y, snr_db, noise):
    ac = y - np.mean(y)
    return y + noise * np.sqrt(np.mean(ac ** 2) / 10 ** (snr_db / 10))


EX_2 = FunctionExercise(
    "07.2", _noise_without_dc, _dc_cases, output="array", rtol=1e-5, atol=1e-7, mistakes=[
        Mistake("dc-counted", _with_dc_in_power, Hint(
            "the DC offset went into the signal's power: it is not sound (the pipeline removes "
            "it), so the noise came out louder than the SNR asks.",
            "Measure the power of y - mean(y); add the noise to y itself.",
            example="a clip at offset 0.3 with a sine of RMS 0.1: mean square 0.09 + 0.01 = "
                    "0.10, ten times the sound's 0.01: the noise would be 10 dB too loud.")),
        Mistake("offset-removed", _offset_removed, Hint(
            "the result lost the offset: the exercise asks for the recording plus noise, with "
            "the offset still in it (the pipeline removes it later).",
            example="y = 0.2 + sound: the noisy clip must still average about 0.2.")),
        Mistake("amplitude-db", _amplitude_db, Hint(
            "10^(SNR/20) is an amplitude ratio; you divided a power by it.",
            "Powers: 10^(SNR/10); or amplitudes (RMS): 10^(SNR/20).",
            example="at 20 dB the noise power is 1/100 of the signal's, its RMS 1/10.")),
        Mistake("noise-power-ignored", _noise_not_measured, Hint(
            "the noise you were given is not of unit power: measure its mean square too and "
            "scale it to the power you need.",
            example="noise of standard deviation 2 has power 4: to reach power 0.01 multiply "
                    "it by sqrt(0.01 / 4) = 0.05.")),
    ],
    fallback=Hint("the signal's power without its offset, the noise's power, then one scale "
                  "factor so their ratio is 10^(SNR/10).",
                  example="sound power 0.02, noise power 0.5, 10 dB: the scaled noise must have "
                          "power 0.002, so multiply by sqrt(0.002 / 0.5) = 0.063."),
    changed_input=Hint(
        "your function changed the caller's `y` (or `noise`) in place (e.g. `y += g * noise`): "
        "whoever called it has lost the clean recording, and a pipeline that augments the same "
        "clip every epoch would pile noise on noise.",
        "Return a NEW array (an expression such as y + g * noise makes one); leave both inputs "
        "as they were.",
        example="a = np.ones(3); b = a; b += 1 changes a too (both are now [2, 2, 2]), while "
                "c = a + 1 is a new array and a stays [1, 1, 1].",
        mistake="changed-input"),
    success="the SNR counts the sound, not the DC offset; the offset stays in the clip.")


def check_noise_without_dc(noise_without_dc):
    """Exercise 07.2: noise at snr_db where the signal's power excludes its DC offset."""
    return check(EX_2, noise_without_dc)


# ------------------------------------------------------- 07.3 a test-time crop plan (apply)
def _crop_plan(n_samples, length, n_crops):
    if n_samples <= length:
        return np.array([0])
    if n_crops == 1:
        return np.array([(n_samples - length) // 2])
    k = np.arange(n_crops)
    return np.unique(k * (n_samples - length) // (n_crops - 1))


def _plan_cases(rng):
    length = int(rng.choice([8000, 16000, 22050, 11025]))
    odd = int(rng.choice([11025, 7999, 16001]))  # an odd input length
    return [
        dict(n_samples=int(rng.integers(3, 9)) * length + int(rng.integers(1, 999)),
             length=length, n_crops=int(rng.integers(3, 7))),
        dict(n_samples=int(rng.integers(length // 4, length)), length=length,
             n_crops=int(rng.integers(2, 6))),
        dict(n_samples=length + int(rng.integers(1, 4)), length=length, n_crops=5),
        dict(n_samples=int(rng.integers(2, 5)) * length + 1, length=length, n_crops=1),
        dict(n_samples=length, length=length, n_crops=3),
        # one crop of a short clip; two crops of a long one
        dict(n_samples=int(rng.integers(length // 4, length)), length=length, n_crops=1),
        dict(n_samples=int(rng.integers(3, 6)) * length + int(rng.integers(1, 999)),
             length=length, n_crops=2),
        # an odd input and an even clip: the centre is (n_samples - length) // 2 exactly
        dict(n_samples=odd * int(rng.choice([3, 5])) + 1, length=odd, n_crops=1),
        # starts that are whole numbers of samples only with exact (integer) arithmetic
        dict(n_samples=length + 30000 * int(rng.integers(1, 3)), length=length, n_crops=10),
    ]


def _repeat_padded(n, length, n_crops):
    if n <= length:
        return np.zeros(n_crops, dtype=int)
    return _crop_plan(n, length, n_crops)


def _linspace_everywhere(n, length, n_crops):
    if n_crops == 1:
        return np.array([(n - length) // 2])
    return np.unique(np.arange(n_crops) * (n - length) // (n_crops - 1))


def _last_short(n, length, n_crops):
    if n <= length:
        return np.array([0])
    if n_crops == 1:
        return np.array([(n - length) // 2])
    return np.unique(np.arange(n_crops) * ((n - length) // n_crops))


def _duplicates_kept(n, length, n_crops):
    if n <= length:
        return np.array([0])
    if n_crops == 1:
        return np.array([(n - length) // 2])
    return np.arange(n_crops) * (n - length) // (n_crops - 1)


def _float_starts(n, length, n_crops):
    return _crop_plan(n, length, n_crops).astype(float)


def _float32_step(n, length, n_crops):
    if n <= length:
        return np.array([0])
    if n_crops == 1:
        return np.array([(n - length) // 2])
    step = np.float32((n - length) / (n_crops - 1))
    return np.unique((np.arange(n_crops) * step).astype(int))


def _one_crop_first(n, length, n_crops):
    if n_crops == 1:  # asked before whether the clip is long enough
        return np.array([(n - length) // 2])
    return _crop_plan(n, length, n_crops)


def _two_as_one(n, length, n_crops):
    if n <= length:
        return np.array([0])
    if n_crops <= 2:
        return np.array([(n - length) // 2])
    return _crop_plan(n, length, n_crops)


def _first_not_centre(n, length, n_crops):
    if n <= length:
        return np.array([0])
    if n_crops == 1:
        return np.array([0])
    return _crop_plan(n, length, n_crops)


@dataclass(frozen=True, eq=False)
class _StartsExercise(FunctionExercise):
    """Exact, and whole numbers: starts that are floats (or booleans) cannot index samples."""

    def distance(self, out, ref, case: dict) -> float:
        if not isinstance(out, (str, bytes)):
            try:
                kind = np.asarray(out).dtype.kind
            except (TypeError, ValueError):
                kind = "O"
            if kind not in "iu":
                return math.inf
        return super().distance(out, ref, case)


def _same_values_not_integers(out, case, ref) -> bool:
    try:
        a = np.asarray(out)
        return a.dtype.kind not in "iu" and a.shape == ref.shape and np.array_equal(a, ref)
    except (TypeError, ValueError):
        return False


EX_3 = _StartsExercise(  # show_expected off: a plan of a few numbers would be copied
    "07.3", _crop_plan, _plan_cases, output="exact", show_expected=False, mistakes=[
        Mistake("not-whole-numbers", _float_starts, Hint(
            "the starts have the right values but are not whole numbers (integers): "
            "y[start:start + length] needs integer indices, so floats (or booleans) fail "
            "as soon as they are used.",
            "Compute them in integer arithmetic, or convert an integer-valued result with "
            ".astype(int) before returning it.",
            example="y[np.float64(2.0):5] raises TypeError; y[int(2.0):5] works."),
            detect=_same_values_not_integers),
        Mistake("padded-repeated", _repeat_padded, Hint(
            "a clip no longer than the input gives the same zero-padded crop every time: "
            "averaging copies of one prediction adds nothing. Plan one crop.",
            example="a 0.5 s clip and a 1 s input with 4 crops: one crop starting at 0 "
                    "(padded), not [0, 0, 0, 0].")),
        Mistake("negative-starts", _linspace_everywhere, Hint(
            "some starts are negative (or the short clip got several): when the clip is not "
            "longer than the input there is nothing to slide; start at 0 and pad.",
            example="600 samples into an input of 1000: 600 - 1000 = -400, so a spread "
                    "from 0 to -400 would read before the clip starts.")),
        Mistake("last-crop-short", _last_short, Hint(
            "your last crop stops before the end of the clip: spread the starts from 0 to "
            "n_samples - length inclusive (n_crops - 1 gaps, not n_crops).",
            example="1300 samples, input 1000, 4 crops: starts 0, 100, 200, 300; the last ends "
                    "exactly at 1300.")),
        Mistake("duplicates", _duplicates_kept, Hint(
            "some starts repeat: when the clip is only a little longer than the input, fewer "
            "distinct crops exist than n_crops. Keep each start once.",
            "Which starts can coincide after rounding down? They are neighbours in your "
            "increasing list: drop a start equal to the one before it.",
            example="1002 samples, input 1000, 5 crops: the distinct starts are 0, 1, 2.")),
        Mistake("short-one-crop", _one_crop_first, Hint(
            "a clip shorter than the input, with one crop, got a negative start: the centred "
            "start only exists when the clip is longer than the input.",
            "Ask first whether the clip is long enough; only then how many crops.",
            example="600 samples into an input of 1000, one crop: (600 - 1000) // 2 = -200 "
                    "would read before the clip starts; the plan is one crop at 0.")),
        Mistake("two-as-one", _two_as_one, Hint(
            "with two crops you returned one centred crop: n_crops counts the crops, and two "
            "evenly spread crops sit at the very start and the very end of the clip.",
            example="a 5000-sample clip, input 1000, 2 crops: starts 0 and 4000.")),
        Mistake("float-rounding", _float32_step, Hint(
            "some starts are one sample short: a fractional step times k, in floating point, "
            "can land just below a whole number (19999.998), and rounding down then loses a "
            "sample.",
            "Keep the computation in whole numbers: multiply before you divide, and divide "
            "with integer division.",
            example="60000 / 9 * 3 in float32 is 19999.998, which rounds down to 19999; "
                    "3 * 60000 // 9 is exactly 20000.")),
        Mistake("one-crop-at-start", _first_not_centre, Hint(
            "with one crop, take the middle of the clip (the start of a recording is often "
            "silence or a count-in): offset (n_samples - length) // 2.",
            example="a 3000-sample clip, input 1000, one crop: start 1000.")),
    ],
    fallback=Hint("three situations: not longer than the input (one crop at 0), one crop "
                  "(centred), several (evenly from 0 to n_samples - length, rounded down, "
                  "each start once).",
                  example="1900 samples, input 1000, 3 crops: 0, 450, 900."),
    success="a plan for every clip length: one padded crop, a centred crop, or an even spread.")


def check_crop_plan(crop_plan):
    """Exercise 07.3: start samples of the test-time crops of a clip."""
    return check(EX_3, crop_plan)


# ------------------------------ 07.4 per-band statistics of a padded batch (stretch)
_PAD_DB = -100.0  # the log-mel of zero padding: power_to_db's floor (amin 1e-10, ref 1.0)


def _band_statistics(batch, n_frames, min_std):
    real = np.concatenate([clip[:, :n] for clip, n in zip(batch, n_frames, strict=True)],
                          axis=1)  # (n_mels, every real frame once)
    return real.mean(axis=1), np.maximum(real.std(axis=1), min_std)


def _batch_cases(rng):
    out = []
    for n_mels in (int(rng.integers(8, 20)), int(rng.integers(30, 64))):
        n_clips, T = 6, int(rng.integers(500, 700))
        tilt = np.linspace(-20, -70, n_mels)[:, None]
        spread = rng.uniform(2, 6, (n_mels, 1))
        n_frames = rng.integers(T // 3, T + 1, n_clips)
        n_frames[int(rng.integers(0, n_clips))] = T  # the longest clip sets the length
        batch = np.full((n_clips, n_mels, T), _PAD_DB)
        for i, n in enumerate(n_frames):
            clip = tilt + rng.uniform(-15, 15) + spread * rng.standard_normal((n_mels, n))
            clip[-2:] = -85 + 0.3 * rng.standard_normal((2, n))  # near-empty top bands
            if i % 2 == 0:  # a silent start: real frames, as low as the padding
                clip[:, :int(rng.integers(5, 30))] = _PAD_DB
            batch[i, :, :n] = clip
        out.append(dict(batch=batch, n_frames=n_frames, min_std=float(rng.uniform(4, 6))))
    return out


def _padding_counted(batch, n_frames, min_std):
    frames = np.concatenate(list(batch), axis=1)  # section 9's join, padding and all
    return frames.mean(axis=1), np.maximum(frames.std(axis=1), min_std)


def _no_floor(batch, n_frames, min_std):
    real = np.concatenate([c[:, :n] for c, n in zip(batch, n_frames, strict=True)], axis=1)
    return real.mean(axis=1), real.std(axis=1)


def _clip_means(batch, n_frames, min_std):
    parts = [c[:, :n] for c, n in zip(batch, n_frames, strict=True)]
    return (np.mean([p.mean(axis=1) for p in parts], axis=0),
            np.maximum(np.mean([p.std(axis=1) for p in parts], axis=0), min_std))


def _by_value(batch, n_frames, min_std):
    frames = np.concatenate(list(batch), axis=1)
    real = frames[:, np.any(frames > _PAD_DB, axis=0)]  # padding told by its value
    return real.mean(axis=1), np.maximum(real.std(axis=1), min_std)


def _mask_all_frames(batch, n_frames, min_std):
    mask = np.arange(batch.shape[2])[None, :] < np.asarray(n_frames)[:, None]  # (clips, T)
    mask = mask[:, None, :]
    total = batch.shape[0] * batch.shape[2]  # every frame, padding included
    mean = (batch * mask).sum(axis=(0, 2)) / total
    var = (((batch - mean[None, :, None]) ** 2) * mask).sum(axis=(0, 2)) / total
    return mean, np.maximum(np.sqrt(var), min_std)


EX_4 = FunctionExercise(
    "07.4", _band_statistics, _batch_cases, output="tuple", rtol=1e-3, atol=1e-3,
    parts=("mean", "std"), mistakes=[
        Mistake("padding-counted", _padding_counted, Hint(
            "your statistics include the padding: the frames after n_frames[i] are not sound "
            "but -100 dB fill, and they pull every band's mean down and its spread up.",
            "Keep, of each clip, only its first n_frames[i] frames, then compute.",
            example="a band at -40 dB in 300 real frames, padded with 200 frames of -100 dB: "
                    "mean over all 500 frames -64 dB, not -40.")),
        Mistake("by-value", _by_value, Hint(
            "you told padding from sound by its value (-100 dB): silent frames at the start of "
            "a recording are as low, yet they are real frames of the clip and count.",
            "n_frames says where each clip's real frames end: use it, not the values.",
            example="a clip that starts with 0.2 s of digital silence: those frames are part "
                    "of the recording (the model will meet such frames too).")),
        Mistake("mask-all-frames", _mask_all_frames, Hint(
            "you zeroed the padding but still divided by every frame, padding included: the "
            "mean shrinks towards 0 by the fraction of padded frames.",
            "Divide by the number of real frames.",
            example="300 real frames at -40 dB in 500 frames: a sum of -12000 over 500 gives "
                    "-24 dB.")),
        Mistake("clip-means", _clip_means, Hint(
            "you averaged per-clip statistics: a short clip then counts as much as a long one, "
            "and the mean of per-clip standard deviations misses how clips differ from each "
            "other.",
            "Every real frame counts once: gather them first, then one mean and one std per "
            "band.",
            example="clips of 10 frames at 0 dB and 90 frames at 10 dB: the mean over frames "
                    "is 9 dB, the mean of the two clip means 5 dB.")),
        Mistake("no-floor", _no_floor, Hint(
            "some bands' standard deviations are below min_std: near-empty bands hardly vary, "
            "and dividing by their tiny spread would blow up any change there (section 9).",
            "Raise every standard deviation below the floor to the floor; leave the means.",
            example="a band with SD 0.3 dB and a floor of 2 dB: divide by 2, so +12 dB there "
                    "is 6 units, not 40.")),
    ],
    fallback=Hint("of each clip only its first n_frames[i] frames (the rest is padding), every "
                  "real frame counted once; then per band (per row) a mean and a standard "
                  "deviation, the latter not below min_std.",
                  example="two clips (3 bands, 5 frames) with 2 and 5 real frames: 7 frames per "
                          "band; the statistics have shape (3,)."),
    success="per-band statistics over real frames only, with a floor for near-empty bands. "
            "(np.std(ddof=1) passes too: with over a thousand frames the two differ by less "
            "than 0.1 %.)")


def check_band_statistics(band_statistics):
    """Exercise 07.4: per-band mean and std of a padded batch: real frames only, std floored."""
    return check(EX_4, band_statistics)
