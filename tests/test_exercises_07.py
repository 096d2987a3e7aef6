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
@pytest.mark.parametrize("answer, mistake", [
    (0.3 / np.sqrt(2) / 10 ** 0.75, None),
    (np.sqrt(0.3 ** 2 / 2 / 10 ** 1.5), None),
    ("0.0377", None),
    (0.3 ** 2 / 2 / 10 ** 1.5, "variance"),
    (0.3 / 10 ** 0.75, "peak"),
    (np.sqrt(0.045 / 10 ** 0.75), "amplitude-db"),
    (0.3 / np.sqrt(2) * 10 ** 0.75, "sign"),
])
def test_noise_std(answer, mistake):
    status, got = _status(ex07.check_noise_std_for_snr(answer))
    assert status == ("correct" if mistake is None else "wrong")
    if mistake:
        assert got == mistake


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


@pytest.mark.parametrize("fn, mistake", [(variance_version, None), (rms_version, None),
                                         (helper_version, "dc-counted")])
def test_noise_without_dc(fn, mistake):
    status, got = _status(ex07.check_noise_without_dc(fn))
    assert status == ("correct" if mistake is None else "wrong"), got
    if mistake:
        assert got == mistake


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


@pytest.mark.parametrize("fn, mistake", [
    (linspace_version, None),
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
def loop_version(train, test):
    total = sum(c.shape[1] for c in train.values())
    mean = sum(c.sum(axis=1) for c in train.values()) / total
    var = sum(((c - mean[:, None]) ** 2).sum(axis=1) for c in train.values()) / total
    return mean, np.sqrt(var)


def leaky_version(train, test):
    frames = np.hstack([*train.values(), *test.values()])
    return frames.mean(axis=1), frames.std(axis=1)


def clip_means_version(train, test):
    means = np.array([c.mean(axis=1) for c in train.values()])
    stds = np.array([c.std(axis=1) for c in train.values()])
    return means.mean(axis=0), stds.mean(axis=0)


def global_version(train, test):
    frames = np.hstack(list(train.values()))
    return np.full(frames.shape[0], frames.mean()), np.full(frames.shape[0], frames.std())


@pytest.mark.parametrize("fn, mistake", [
    (loop_version, None),
    (leaky_version, "test-leak"),
    (clip_means_version, "clip-means"),
    (global_version, "global"),
])
def test_band_statistics(fn, mistake):
    status, got = _status(ex07.check_band_statistics(fn))
    assert status == ("correct" if mistake is None else "wrong"), got
    if mistake:
        assert got == mistake
