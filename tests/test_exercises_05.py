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
    checks = [ex05.check_mel_octave, ex05.check_eq_change, ex05.check_matching_delta,
              ex05.check_fix_colleague]
    assert [c.__name__ for c in checks] == ex05.__all__
    for check, spec in zip(checks, SPECS, strict=True):
        assert getattr(exercises, check.__name__) is check and spec.id.startswith("05.")


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


# --- Exercise 2: eq_change (reworked: the reader passed the old gain_change by copying) -------
def test_eq_change_measured_with_librosa_passes():
    """The measuring route still works, but it needs the idea: the equaliser multiplies each
    band's POWER by g**2 (a mel spectrogram is made by the learner, not copied)."""
    def measured(band_gains, n_mfcc):
        g = np.asarray(band_gains)
        S = np.exp(np.random.default_rng(1).normal(-4, 2, size=(g.size, 30)))
        a = librosa.feature.mfcc(S=librosa.power_to_db(S), n_mfcc=n_mfcc)
        b = librosa.feature.mfcc(S=librosa.power_to_db(S * g[:, None] ** 2), n_mfcc=n_mfcc)
        return (b - a).mean(axis=1)

    assert ex05.check_eq_change(measured)


def test_eq_change_is_what_librosa_does_on_audio():
    """A gain per band applied through the mel filters' domain equals the reference."""
    y = 0.1 * np.random.default_rng(2).standard_normal(16000)
    mel = librosa.feature.melspectrogram(y=y, sr=16000, n_mels=40)
    g = 10 ** (np.linspace(3, -9, 40) / 20)
    a = librosa.feature.mfcc(S=librosa.power_to_db(mel), n_mfcc=13)
    b = librosa.feature.mfcc(S=librosa.power_to_db(mel * g[:, None] ** 2), n_mfcc=13)
    assert np.allclose((b - a).mean(axis=1), ex05._eq_change(g, 13), atol=1e-3)
    # a uniform gain is the special case: only c0 moves, by 20 log10(g) sqrt(n_mels)
    flat = ex05._eq_change(np.full(40, 0.5), 13)
    assert np.isclose(flat[0], 20 * np.log10(0.5) * np.sqrt(40)) and np.allclose(flat[1:], 0)


def test_eq_change_cannot_be_copied_from_the_notebook_gain_cell():
    """The old answer (only c0 moves) is now a named mistake, not a pass."""
    assert mistake(ex05.check_eq_change(lambda band_gains, n_mfcc: np.r_[
        np.sum(20 * np.log10(band_gains)) / np.sqrt(len(band_gains)),
        np.zeros(n_mfcc - 1)])) == "c0-only"


def test_eq_change_cases_vary_every_parameter():
    cases = ex05.EX_2.all_cases()
    assert len({len(c["band_gains"]) for c in cases}) >= 4
    assert len({c["n_mfcc"] for c in cases}) >= 4
    assert any(np.ptp(c["band_gains"]) == 0 for c in cases), "a uniform gain"
    assert any(min(c["band_gains"]) < 1 < max(c["band_gains"]) for c in cases)


def test_eq_change_constant_vector_gets_the_every_coefficient_hint():
    r = ex05.check_eq_change(lambda band_gains, n_mfcc: np.full(
        n_mfcc, np.mean(20 * np.log10(band_gains)) * np.sqrt(len(band_gains))))
    assert mistake(r) == "every-coefficient"


# --- Exercise 3: matching_delta (reworked: the reader passed the old one by copying) ---------
def test_matching_delta_right_forms():
    def by_seconds(C, hop_train, width_train, hop_new):
        span_s = width_train * hop_train
        width = int(2 * round((span_s / hop_new - 1) / 2) + 1)
        per_second = librosa.feature.delta(C, width=max(width, 3)) / hop_new
        return per_second * hop_train

    assert ex05.check_matching_delta(by_seconds)
    assert ex05.check_matching_delta(
        lambda C, ht, wt, hn: librosa.feature.delta(
            np.asarray(C, dtype=np.float32), axis=1,
            width=max(3, int(2 * np.floor(wt * ht / hn / 2) + 1))) * np.float32(ht / hn))


def test_matching_delta_old_answer_and_even_width_are_named():
    old = ex05.check_matching_delta(  # the notebook's cell + "divide by the hop in seconds"
        lambda C, ht, wt, hn: librosa.feature.delta(C, width=wt) / hn)
    assert mistake(old) in ("width-kept", "per-second", "other")
    assert old.status == "wrong"
    even = ex05.check_matching_delta(
        lambda C, ht, wt, hn: librosa.feature.delta(C, width=int(round(wt * ht / hn))) * ht / hn)
    assert mistake(even) in ("even-width", "other") and even.status == "wrong"


def test_matching_delta_cases_need_rounding_and_vary_hops():
    cases = ex05.EX_3.all_cases()
    spans = [c["width_train"] * c["hop_train"] / c["hop_new"] for c in cases]
    assert any(abs(s - round(s)) > 0.2 for s in spans), "a span that is not whole frames"
    assert any(c["hop_new"] > c["hop_train"] for c in cases)
    assert any(c["hop_new"] < c["hop_train"] for c in cases)
    assert all(abs((s - 1) / 2 % 1 - 0.5) > 0.1 for s in spans), "no ties between odd widths"


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
    assert ex05.check_eq_change(lambda g, keep: scipy.fft.dct(
        20 * np.log10(g), norm="ortho")[:keep])
    assert ex05.check_matching_delta(
        lambda mfcc, a, w, b: librosa.feature.delta(
            mfcc, width=max(3, 2 * int(np.floor((w * a / b - 1) / 2 + 0.5)) + 1)) * a / b)


# --- found by the testers (examiner-b) --------------------------------------------------------
def test_fix_colleague_factor_two_hint_names_both_causes():
    """Wrong DCT factors (twice the orthonormal ones) give exactly 2x, like 20 / ln 10."""
    def dct_factors_doubled(C, n_mels):
        f = np.full(C.shape[0], np.sqrt(2 / n_mels))
        f[0] = np.sqrt(1 / n_mels)
        return C * (10 / np.log(10)) * f[:, None]

    r = exercises.check_fix_colleague(dct_factors_doubled)
    assert mistake(r) == "twenty-for-power"
    assert "20 / ln 10" in r.text() and "DCT factors" in r.text()


def test_matching_delta_keeps_librosa_minimum_width():
    """A reader's answer: the nearest odd width without the floor of 3; on a new hop five times
    the training hop the span is under 3 frames and width 1 is not a delta."""
    import math

    def no_floor(C, hop_train, width_train, hop_new):
        x = width_train * hop_train / hop_new
        w = 2 * math.floor((x - 1) / 2 + 0.5) + 1
        return librosa.feature.delta(np.asarray(C), width=w) * (hop_train / hop_new)

    assert not ex05.check_matching_delta(no_floor)
    assert any(c["width_train"] * c["hop_train"] / c["hop_new"] < 3
               for c in ex05.EX_3.all_cases())
