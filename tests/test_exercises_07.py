"""Exercises of notebook 07 beyond the standard spec tests (tests/test_exercise_specs.py):
other right ways to write each answer pass, and each named mistake, written the way a
learner writes it, gets its own hint."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import augment
from helpers.exercises import ex07


def _status(result):
    return result.status, (result.hint.mistake if result.hint else None)


# --- 07.1 -------------------------------------------------------------------------------------
def _simulated(seed):
    """The SNR measured on one draw of noise (section 5's cell run backwards): an estimate."""
    rng = np.random.default_rng(seed)
    t = np.arange(66150) / 22050
    sine, noise = 0.3 * np.sin(2 * np.pi * 440 * t), 0.02 * rng.standard_normal(t.size)
    return 10 * np.log10(np.mean(sine ** 2) / np.mean(noise ** 2))


@pytest.mark.parametrize("answer, mistake", [
    (10 * np.log10(0.045 / 0.0004), None),
    (20 * np.log10(0.3 / np.sqrt(2) / 0.02), None),
    ("20.51", None),
    (20 * np.log10(0.3 / 0.02), "peak"),
    (10 * np.log10(0.3 / np.sqrt(2) / 0.02), "amplitude-db"),
    (10 * np.log10(0.045 / 0.02), "std-as-power"),
    (-20.51, "sign"),
    (20.6, "estimate"),
])
def test_snr_of_sine(answer, mistake):
    status, got = _status(ex07.check_noise_std_for_snr(answer))
    assert status == ("correct" if mistake is None else "wrong")
    if mistake:
        assert got == mistake


def test_a_simulated_snr_is_an_estimate_not_the_answer():
    """The number from drawn noise moves with the draw; the exact value is 10 log10(112.5)."""
    values = [_simulated(seed) for seed in range(8)]
    assert np.ptp(values) > 0.02  # it moves with the draw ...
    assert all(abs(v - ex07._SNR) < 0.2 for v in values)  # ... and stays near the answer
    assert ex07._SNR == pytest.approx(20.5115, abs=1e-4)


# --- 07.2 -------------------------------------------------------------------------------------
def variance_version(y, snr_db, noise):
    """np.var is the power of y without its mean: a right answer written differently."""
    gain = np.sqrt(np.var(y) / np.mean(np.square(noise)) / 10 ** (snr_db / 10))
    return y + gain * noise


def rms_version(y, snr_db, noise):
    """The same with amplitudes (RMS and 10^(SNR/20))."""
    rms = np.sqrt(np.mean((y - y.mean()) ** 2))
    return y + noise / np.sqrt(np.mean(noise ** 2)) * rms / 10 ** (snr_db / 20)


def helper_version(y, snr_db, noise):
    """helpers.augment.add_noise counts the whole signal, offset included: the named mistake."""
    return augment.add_noise(y, snr_db, rng=np.random.default_rng(0), noise=noise)


def noise_variance_version(y, snr_db, noise):
    """The noise's power as its variance (the learner-report answer): the noise has zero mean,
    so this is the same power."""
    return y + np.sqrt(np.var(y) / (np.var(noise) * 10 ** (snr_db / 10))) * noise


@pytest.mark.parametrize("fn, mistake", [(variance_version, None), (rms_version, None),
                                         (noise_variance_version, None),
                                         (helper_version, "dc-counted")])
def test_noise_without_dc(fn, mistake):
    status, got = _status(ex07.check_noise_without_dc(fn))
    assert status == ("correct" if mistake is None else "wrong"), got
    if mistake:
        assert got == mistake


def in_place_version(y, snr_db, noise):
    """The examiner's accepted answer: right values, but the caller's y is changed."""
    y += np.sqrt(np.var(y) / (np.mean(noise ** 2) * 10 ** (snr_db / 10))) * noise
    return y


def test_noise_added_in_place_is_named():
    status, got = _status(ex07.check_noise_without_dc(in_place_version))
    assert (status, got) == ("wrong", "changed-input")


def test_the_right_answer_keeps_the_snr_of_the_sound():
    case = ex07.EX_2.all_cases()[0]
    y, snr, noise = case["y"], case["snr_db"], case["noise"]
    out = ex07._noise_without_dc(y, snr, noise)
    ac = y - y.mean()
    assert 10 * np.log10(np.mean(ac ** 2) / np.mean((out - y) ** 2)) == pytest.approx(snr)
    assert out.mean() == pytest.approx(y.mean(), abs=0.05)


# --- 07.3 -------------------------------------------------------------------------------------
def linspace_version(n_samples, length, n_crops):
    if n_samples <= length:
        return [0]
    if n_crops == 1:
        return [(n_samples - length) // 2]
    starts = [k * (n_samples - length) // (n_crops - 1) for k in range(n_crops)]
    return sorted(set(starts))


def repeated_version(n_samples, length, n_crops):
    if n_samples <= length:
        return [0] * n_crops  # the same padded crop n_crops times
    return linspace_version(n_samples, length, n_crops)


def short_last_version(n_samples, length, n_crops):
    if n_samples <= length:
        return [0]
    if n_crops == 1:
        return [(n_samples - length) // 2]
    step = (n_samples - length) // n_crops  # n_crops gaps: the last crop stops early
    return sorted({k * step for k in range(n_crops)})


def duplicate_version(n_samples, length, n_crops):
    if n_samples <= length:
        return [0]
    if n_crops == 1:
        return [(n_samples - length) // 2]
    return np.linspace(0, n_samples - length, n_crops).astype(int)


def start_version(n_samples, length, n_crops):
    if n_samples <= length or n_crops == 1:
        return [0]
    return linspace_version(n_samples, length, n_crops)


def float_version(n_samples, length, n_crops):
    return np.array(linspace_version(n_samples, length, n_crops), dtype=float)


def bool_version(n_samples, length, n_crops):
    out = np.array(linspace_version(n_samples, length, n_crops))
    return out.astype(bool) if out.size == 1 and out[0] == 0 else out


def one_crop_first_version(n_samples, length, n_crops):
    if n_crops == 1:  # before asking whether the clip is long enough
        return [(n_samples - length) // 2]
    return linspace_version(n_samples, length, n_crops)


def two_centred_version(n_samples, length, n_crops):
    if n_samples > length and n_crops == 2:
        return [(n_samples - length) // 2]
    return linspace_version(n_samples, length, n_crops)


def float32_version(n_samples, length, n_crops):
    if n_samples <= length:
        return [0]
    if n_crops == 1:
        return [(n_samples - length) // 2]
    step = np.float32((n_samples - length) / (n_crops - 1))
    return sorted(set((np.arange(n_crops) * step).astype(int)))  # float64 of a float32


def halves_version(n_samples, length, n_crops):
    if n_samples > length and n_crops == 1:
        return [n_samples // 2 - length // 2]  # one sample off for an odd length
    return linspace_version(n_samples, length, n_crops)


@pytest.mark.parametrize("fn, mistake", [
    (linspace_version, None),
    (float_version, "not-whole-numbers"),
    (bool_version, "other"),
    (one_crop_first_version, "short-one-crop"),
    (two_centred_version, "two-as-one"),
    (float32_version, "float-rounding"),
    (halves_version, "other"),
    (repeated_version, "padded-repeated"),
    (short_last_version, "last-crop-short"),
    (duplicate_version, "duplicates"),
    (start_version, "one-crop-at-start"),
])
def test_crop_plan(fn, mistake):
    status, got = _status(ex07.check_crop_plan(fn))
    assert status == ("correct" if mistake is None else "wrong"), got
    if mistake:
        assert got == mistake


def test_crop_plan_facts():
    plan = ex07._crop_plan
    assert list(plan(1900, 1000, 3)) == [0, 450, 900]  # last crop ends at the end
    assert list(plan(600, 1000, 4)) == [0]
    assert list(plan(1002, 1000, 5)) == [0, 1, 2]
    assert list(plan(3000, 1000, 1)) == [1000]


# --- 07.4 -------------------------------------------------------------------------------------
def loop_version(batch, n_frames, min_std):
    total = int(np.sum(n_frames))
    mean = sum(c[:, :n].sum(axis=1) for c, n in zip(batch, n_frames, strict=True)) / total
    var = sum(((c[:, :n] - mean[:, None]) ** 2).sum(axis=1)
              for c, n in zip(batch, n_frames, strict=True)) / total
    return mean, np.clip(np.sqrt(var), min_std, None)


def mask_version(batch, n_frames, min_std):
    """A boolean mask of the real frames, then NumPy's masked statistics."""
    real = np.arange(batch.shape[2]) < np.asarray(n_frames)[:, None]  # (clips, frames)
    values = np.moveaxis(batch, 1, 0)[:, real]  # (n_mels, real frames)
    return values.mean(axis=1), np.maximum(values.std(axis=1), min_std)


def ddof1_version(batch, n_frames, min_std):
    joined = np.hstack([c[:, :n] for c, n in zip(batch, n_frames, strict=True)])
    return joined.mean(axis=1), np.maximum(joined.std(axis=1, ddof=1), min_std)


def section9_copy(batch, n_frames, min_std):
    """Section 9's cell without keepdims, on the batch: the padding counted."""
    frames = np.concatenate(list(batch), axis=1)
    return frames.mean(axis=1), np.maximum(frames.std(axis=1), min_std)


def masked_sum_version(batch, n_frames, min_std):
    mask = (np.arange(batch.shape[2]) < np.asarray(n_frames)[:, None])[:, None, :]
    mean = (batch * mask).mean(axis=(0, 2))  # zeroed padding, still in the count
    sd = np.sqrt((((batch - mean[:, None]) ** 2) * mask).mean(axis=(0, 2)))
    return mean, np.maximum(sd, min_std)


def clip_means_version(batch, n_frames, min_std):
    means = np.array([c[:, :n].mean(axis=1) for c, n in zip(batch, n_frames, strict=True)])
    stds = np.array([c[:, :n].std(axis=1) for c, n in zip(batch, n_frames, strict=True)])
    return means.mean(axis=0), np.maximum(stds.mean(axis=0), min_std)


def no_floor_version(batch, n_frames, min_std):
    joined = np.hstack([c[:, :n] for c, n in zip(batch, n_frames, strict=True)])
    return joined.mean(axis=1), joined.std(axis=1)


def by_value_version(batch, n_frames, min_std):
    frames = np.hstack(list(batch))
    real = frames[:, (frames > -100).any(axis=0)]  # silent real frames dropped too
    return real.mean(axis=1), np.maximum(real.std(axis=1), min_std)


def unique_frames_version(batch, n_frames, min_std):
    """The examiner's accepted answer: np.unique drops repeated frames (silence repeats)."""
    joined = np.unique(np.hstack([c[:, :n] for c, n in zip(batch, n_frames, strict=True)]),
                       axis=1)
    return joined.mean(axis=1), np.maximum(joined.std(axis=1), min_std)


@pytest.mark.parametrize("fn, mistake", [
    (loop_version, None),
    (mask_version, None),
    (ddof1_version, None),
    (section9_copy, "padding-counted"),
    (masked_sum_version, "mask-all-frames"),
    (clip_means_version, "clip-means"),
    (no_floor_version, "no-floor"),
    (by_value_version, "by-value"),
    (unique_frames_version, "other"),
])
def test_band_statistics(fn, mistake):
    status, got = _status(ex07.check_band_statistics(fn))
    assert status == ("correct" if mistake is None else "wrong"), got
    if mistake:
        assert got == mistake


def test_band_cases_have_padding_and_near_empty_bands():
    """Every case pads some clip, and some band's real spread is below the floor (else the two
    mistakes they name could not be told from the answer)."""
    for case in ex07.EX_4.all_cases():
        batch, n, floor = case["batch"], case["n_frames"], case["min_std"]
        assert n.min() < batch.shape[2] and n.max() == batch.shape[2] and n.sum() > 1000
        assert np.all(batch[0, :, n[0]:] == -100.0)
        joined = np.hstack([c[:, :k] for c, k in zip(batch, n, strict=True)])
        assert np.any(joined.std(axis=1) < floor) and np.any(joined.std(axis=1) > floor)
