"""Exercise checks of 05_mfcc: the standard tests of every spec (the reference and its
float32/list forms pass, every named mistake is wrong with its own id, placeholders are not
answered), then each exercise's own right answers written the ways a learner would."""

from __future__ import annotations

import librosa
import numpy as np
import pytest
import scipy.fft

from helpers import exercises
from helpers.exercises import ex05
from tests.conftest import mistake, spec_cases, tries

SPECS = [ex05.EX_1, ex05.EX_2, ex05.EX_3, ex05.EX_4]


@pytest.mark.parametrize("case", [c for s in SPECS for c in spec_cases(s)])
def test_spec(case):
    case.run()


def test_every_check_is_exported_with_its_id():
    checks = [ex05.check_mel_octave, ex05.check_gain_change, ex05.check_delta_per_second,
              ex05.check_fix_colleague]
    assert [c.__name__ for c in checks] == ex05.__all__
    for check, spec in zip(checks, SPECS, strict=True):
        assert getattr(exercises, check.__name__) is check and spec.id.startswith("05.")


def test_no_hint_hands_over_code():
    for spec in SPECS:
        # Hint has no code stage; the fallback (shown when no named mistake matches) ends in a
        # worked example on another case
        assert spec.fallback.example, spec.id


# --- Exercise 1 ---------------------------------------------------------------------------
def test_mel_octave_right_forms():
    truth = float(librosa.hz_to_mel(8000.0) - librosa.hz_to_mel(4000.0))
    for x in (truth, 10.08, 10.1, 10.05, np.float32(truth), "10.08"):
        assert ex05.check_mel_octave(x), x


@pytest.mark.parametrize("answer, mid", [
    (-10.08, "sign"), (1000.0, "other"), (60.0, "linear"), (4000, "hertz"), (10.25, "precision"),
    (float(librosa.hz_to_mel(8000.0, htk=True) - librosa.hz_to_mel(4000.0, htk=True)), "htk"),
    (float(librosa.hz_to_mel(8000.0)), "one-end"), ("ten", "not-a-number"),
])
def test_mel_octave_mistakes(answer, mid):
    assert mistake(ex05.check_mel_octave(answer)) == mid


def test_mel_octave_third_stage_is_an_example_on_another_octave():
    texts = [r.text() for r in tries(ex05.check_mel_octave, 3.0)]
    assert "Example:" in texts[2] and "500" in texts[2] and "8000" not in texts[2].split(
        "Example:")[1]


# --- Exercise 2: gain_change -----------------------------------------------------------------
def test_gain_change_measured_with_librosa_passes():
    def measured(gain, n_mels, n_mfcc):
        y = 0.1 * np.random.default_rng(1).standard_normal(22050)
        a = librosa.feature.mfcc(y=y, sr=22050, n_mels=n_mels, n_mfcc=n_mfcc)
        b = librosa.feature.mfcc(y=gain * y, sr=22050, n_mels=n_mels, n_mfcc=n_mfcc)
        return (b - a).mean(axis=1)

    assert ex05.check_gain_change(measured)


def test_gain_change_is_what_librosa_does():
    y = 0.1 * np.random.default_rng(2).standard_normal(16000)
    for gain, n_mels, n_mfcc in [(3.0, 40, 13), (0.2, 64, 20)]:
        a = librosa.feature.mfcc(y=y, sr=16000, n_mels=n_mels, n_mfcc=n_mfcc)
        b = librosa.feature.mfcc(y=gain * y, sr=16000, n_mels=n_mels, n_mfcc=n_mfcc)
        assert np.allclose((b - a).mean(axis=1), ex05._gain_change(gain, n_mels, n_mfcc),
                           atol=1e-3)


def test_gain_change_cases_vary_every_parameter():
    cases = ex05.EX_2.all_cases()
    for key in ("gain", "n_mels", "n_mfcc"):
        assert len({c[key] for c in cases}) >= 4, key
    assert any(c["gain"] < 1 for c in cases) and any(c["gain"] > 1 for c in cases)


# --- Exercise 3: delta_per_second ------------------------------------------------------------
def test_delta_per_second_right_forms():
    assert ex05.check_delta_per_second(
        lambda C, times, width: librosa.feature.delta(C, width=width) / (times[1] - times[0]))
    assert ex05.check_delta_per_second(
        lambda C, times, width: librosa.feature.delta(np.asarray(C, dtype=np.float32),
                                                      width=width, axis=1)
        / np.float32(np.median(np.diff(times))))


def test_delta_per_second_cases_vary_width_and_hop():
    cases = ex05.EX_3.all_cases()
    assert len({c["width"] for c in cases}) >= 4
    assert len({round(c["times"][1] - c["times"][0], 9) for c in cases}) >= 4
    assert all(c["times"][0] != 0 for c in cases), "times need not start at 0"


# --- Exercise 4: fix_colleague ---------------------------------------------------------------
def test_fix_colleague_gives_librosas_mfccs():
    y = 0.1 * np.random.default_rng(5).standard_normal(22050)
    mel = librosa.feature.melspectrogram(y=y, sr=22050, n_mels=40)
    theirs = scipy.fft.dct(np.log(mel), axis=0)[:13]
    lib = librosa.feature.mfcc(S=librosa.power_to_db(mel, ref=1.0, top_db=None), n_mfcc=13)
    assert np.allclose(ex05._fix_colleague(theirs, 40), lib, rtol=1e-6, atol=1e-6)


def test_fix_colleague_right_forms():
    def via_idct(C, n_mels):  # undo their DCT, convert the log, redo librosa's
        full = np.zeros((n_mels, C.shape[1]))
        full[: len(C)] = C
        ln = scipy.fft.idct(full, axis=0)
        return scipy.fft.dct(ln * 10 / np.log(10), norm="ortho", axis=0)[: len(C)]

    assert ex05.check_fix_colleague(via_idct)
    assert ex05.check_fix_colleague(
        lambda C, n_mels: (np.asarray(C) * 10 / np.log(10) / np.sqrt(2 * n_mels)
                           * np.r_[1 / np.sqrt(2), np.ones(len(C) - 1)][:, None]))


def test_learners_own_parameter_names_work():
    assert ex05.check_gain_change(lambda g, bands, keep: np.r_[
        20 * np.log10(g) * np.sqrt(bands), np.zeros(keep - 1)])
    assert ex05.check_delta_per_second(
        lambda mfcc, t, w: librosa.feature.delta(mfcc, width=w) / np.diff(t).mean())


# --- found by the testers (examiner-b) --------------------------------------------------------
def test_gain_change_constant_vector_of_any_size_gets_the_every_coefficient_hint():
    r = exercises.check_gain_change(lambda gain, n_mels, n_mfcc: np.full(
        n_mfcc, 20 * np.log10(gain) * np.sqrt(n_mels)))
    assert mistake(r) == "every-coefficient"


def test_fix_colleague_factor_two_hint_names_both_causes():
    """Wrong DCT factors (twice the orthonormal ones) give exactly 2x, like 20 / ln 10."""
    def dct_factors_doubled(C, n_mels):
        f = np.full(C.shape[0], np.sqrt(2 / n_mels))
        f[0] = np.sqrt(1 / n_mels)
        return C * (10 / np.log(10)) * f[:, None]

    r = exercises.check_fix_colleague(dct_factors_doubled)
    assert mistake(r) == "twenty-for-power"
    assert "20 / ln 10" in r.text() and "DCT factors" in r.text()
