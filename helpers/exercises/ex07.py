"""Exercise checks of notebook 07 (From clips to model inputs): declarative specs (``_spec.py``).

07.1 (warm-up) the noise level for an SNR; 07.2 noise at an SNR when the recording has a DC
offset; 07.3 a test-time crop plan that also works for clips shorter than the input; 07.4
(stretch) per-band standardisation statistics from the training split only, over clips of
different lengths. Each mistake is a wrong method a learner really writes; ``make margins``
shows each one's distance from the reference in tolerances (>= 3).
"""

from __future__ import annotations

import numpy as np

from ._core import Hint
from ._spec import FunctionExercise, Mistake, ValueExercise, check

__all__ = ["check_noise_std_for_snr", "check_noise_without_dc", "check_crop_plan",
           "check_band_statistics"]


# ------------------------------------------------------- 07.1 noise level for an SNR (warm-up)
_AMP, _SNR = 0.3, 15.0
_STD = float(_AMP / np.sqrt(2) / 10 ** (_SNR / 20))  # RMS of the sine / 10^(SNR/20)

EX_1 = ValueExercise(
    "07.1", accept=lambda v: abs(v - _STD) <= 2e-3 * _STD, answer=_STD, rtol=2e-3,
    what="one standard deviation (amplitude units)",
    mistakes=[
        Mistake("variance", lambda: _AMP ** 2 / 2 / 10 ** (_SNR / 10), Hint(
            "that is the noise's power (its variance); the question asks for its standard "
            "deviation, the square root.",
            "An SNR in dB is a ratio of powers: it gives the noise power; then take the root.",
            example="a sine of amplitude 1 (power 0.5) at 10 dB: noise power 0.05, standard "
                    "deviation sqrt(0.05) = 0.22.")),
        Mistake("peak", lambda: _AMP / 10 ** (_SNR / 20), Hint(
            "you divided the sine's peak amplitude; the SNR compares powers (mean squares), "
            "and a sine's mean square is amplitude^2 / 2, not amplitude^2.",
            "Use the sine's RMS, amplitude / sqrt(2).",
            example="a sine of amplitude 1 at 20 dB: RMS 0.707, so the noise RMS is 0.0707 "
                    "(dividing the peak gives 0.1, 3 dB too much noise).")),
        Mistake("amplitude-db", lambda: np.sqrt(_AMP ** 2 / 2 / 10 ** (_SNR / 20)), Hint(
            "you used 10^(SNR/20) on a power ratio: 20 log10 is for amplitudes, 10 log10 "
            "for powers.",
            example="a power ratio of 100 is 20 dB (10 log10 100); an amplitude ratio of 10 is "
                    "also 20 dB (20 log10 10).")),
        Mistake("sign", lambda: _AMP / np.sqrt(2) * 10 ** (_SNR / 20), Hint(
            "the noise came out louder than the signal: a positive SNR means the signal is the "
            "stronger one, so divide by 10^(SNR/20).",
            example="at +6 dB the noise RMS is half the signal's RMS.")),
    ],
    fallback=Hint("signal power (mean square) / 10^(SNR/10) is the noise power; its root is "
                  "the standard deviation of white noise.",
                  example="a sine of amplitude 2 (power 2) at 0 dB: noise power 2, standard "
                          "deviation 1.41."),
    success="noise RMS = signal RMS / 10^(SNR/20): the noise's standard deviation.")


def check_noise_std_for_snr(answer):
    """Exercise 07.1: the noise standard deviation for a sine of amplitude 0.3 at 15 dB SNR."""
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
    length = int(rng.choice([8000, 16000, 22050]))
    return [
        dict(n_samples=int(rng.integers(3, 9)) * length + int(rng.integers(1, 999)),
             length=length, n_crops=int(rng.integers(3, 7))),
        dict(n_samples=int(rng.integers(length // 4, length)), length=length,
             n_crops=int(rng.integers(2, 6))),
        dict(n_samples=length + int(rng.integers(1, 4)), length=length, n_crops=5),
        dict(n_samples=int(rng.integers(2, 5)) * length + 1, length=length, n_crops=1),
        dict(n_samples=length, length=length, n_crops=3),
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


def _first_not_centre(n, length, n_crops):
    if n <= length:
        return np.array([0])
    if n_crops == 1:
        return np.array([0])
    return _crop_plan(n, length, n_crops)


EX_3 = FunctionExercise(
    "07.3", _crop_plan, _plan_cases, output="exact", mistakes=[
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
            "distinct crops exist than n_crops. Keep each start once (np.unique).",
            example="1002 samples, input 1000, 5 crops: the distinct starts are 0, 1, 2.")),
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


# --------------------------------------- 07.4 per-band statistics, train only (stretch)
def _band_statistics(train, test):
    frames = np.concatenate(list(train.values()), axis=1)  # (n_mels, all training frames)
    return frames.mean(axis=1), frames.std(axis=1)


def _band_cases(rng):
    out = []
    for n_mels in (int(rng.integers(8, 20)), int(rng.integers(30, 64))):
        tilt = np.linspace(-20, -70, n_mels)[:, None]

        def clip(frames, level, tilt=tilt, n_mels=n_mels):
            return tilt + level + rng.normal(0, rng.uniform(2, 6), (n_mels, frames))

        train = {f"clip_{i:02d}": clip(int(rng.integers(5, 200)), rng.uniform(-15, 15))
                 for i in range(4)}
        test = {f"clip_{i:02d}": clip(int(rng.integers(5, 200)), rng.uniform(5, 25))
                for i in range(4, 6)}
        out.append(dict(train=train, test=test))
    return out


def _all_data(train, test):
    return _band_statistics({**train, **test}, {})


def _mean_of_clip_means(train, test):
    return (np.mean([c.mean(axis=1) for c in train.values()], axis=0),
            np.mean([c.std(axis=1) for c in train.values()], axis=0))


def _global(train, test):
    frames = np.concatenate(list(train.values()), axis=1)
    n = frames.shape[0]
    return np.full(n, frames.mean()), np.full(n, frames.std())


def _per_frame_axis(train, test):
    frames = np.concatenate(list(train.values()), axis=1)
    return frames.mean(axis=0), frames.std(axis=0)


EX_4 = FunctionExercise(
    "07.4", _band_statistics, _band_cases, output="tuple", rtol=1e-6, atol=1e-6,
    parts=("mean", "std"), mistakes=[
        Mistake("test-leak", _all_data, Hint(
            "your statistics include the test clips: the test split must stay unseen, or the "
            "evaluation measures a model that had a look at it.",
            "Compute both statistics from train only; test is there to be standardised later.",
            example="a test set recorded 10 dB louder pulls an all-data mean up; with train "
                    "statistics it shows as +10 dB / std: a shift the model must cope with.")),
        Mistake("clip-means", _mean_of_clip_means, Hint(
            "you averaged per-clip statistics: a short clip then counts as much as a long "
            "one, and the mean of per-clip standard deviations misses how clips differ from "
            "each other.",
            "Put every training frame side by side (join the clips along time), then one "
            "mean and one std per band.",
            example="clips of 10 frames at 0 dB and 90 frames at 10 dB: the mean over frames "
                    "is 9 dB, the mean of the two clip means 5 dB.")),
        Mistake("global", _global, Hint(
            "one number for all bands is global standardisation; the exercise asks for one "
            "mean and one std per mel band (per row).",
            example="a (40, T) log-mel gives 40 means, one per band, not one.")),
        Mistake("wrong-axis", _per_frame_axis, Hint(
            "you reduced over the bands (axis 0): that gives a statistic per frame. Reduce "
            "over time (axis 1), after joining the clips.",
            example="for an array of shape (bands, frames), .mean(axis=1) has one value per "
                    "band.")),
    ],
    fallback=Hint("join the training clips along time, then mean and standard deviation of "
                  "each row.",
                  example="two clips (3, 5) and (3, 7): joined (3, 12); the statistics have "
                          "shape (3,)."),
    success="per-band statistics from training frames only: the test split stays unseen.")


def check_band_statistics(band_statistics):
    """Exercise 07.4: per-band mean and std from the training log-mels only."""
    return check(EX_4, band_statistics)
