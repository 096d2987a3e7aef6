"""Exercise checks of 01_waveform: the right answers pass (with float32, list and keyword
variants), each named mistake fails with its own mistake id, placeholders are "not answered yet".
The standard tests of every spec come from ``spec_cases``; the extra cases below are the ones a
learner is likely to write that the generator cannot invent."""

from __future__ import annotations

import librosa
import numpy as np
import pytest
import scipy.signal
import soundfile as sf

import helpers
from helpers import exercises as ex
from helpers.exercises import ex01
from tests.conftest import mistake, spec_cases, tries


def _stub(*args):
    ...  # what the learner cell holds before an answer


def _not_impl(*args):
    raise NotImplementedError


FUNCTION_CHECKS = [ex.check_duration_s, ex.check_float_to_int16, ex.check_first_onset_time,
                   ex.check_zero_crossing_frequency]
VALUE_CHECKS = [ex.check_speech_duration]


@pytest.mark.parametrize("check", FUNCTION_CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("placeholder", [None, ..., _stub, _not_impl])
def test_function_placeholders_are_not_answered(check, placeholder):
    r = check(placeholder)
    assert not r and r.status == "unanswered" and "Not answered" in r.text()


def test_value_placeholders_are_not_answered():
    for placeholder in (None, ...):
        assert ex.check_speech_duration(placeholder).status == "unanswered"
    assert mistake(ex.check_speech_duration("six")) == "not-a-number"


def test_every_check_is_exported_and_has_an_id():
    for check in FUNCTION_CHECKS + VALUE_CHECKS:
        assert check.__name__ in ex01.__all__ and check.exercise_id.startswith("01.")


# --- exercise 1 (warm-up): duration_s ----------------------------------------------------------
def duration_s(n_samples, sr):
    return n_samples / sr


def test_duration_right_and_variants():
    assert ex.check_duration_s(duration_s)
    assert ex.check_duration_s(lambda n, sr: float(n) / float(sr))
    assert ex.check_duration_s(lambda n, sr: n * (1.0 / sr))  # times the sample period
    assert ex.check_duration_s(lambda n, sr: float(librosa.samples_to_time(n, sr=sr)))
    assert ex.check_duration_s(lambda n, sr: np.float32(n) / np.float32(sr))
    assert ex.check_duration_s(lambda n, sr: round(n / sr, 12))  # finer than the tolerance


@pytest.mark.parametrize("wrong, expected", [
    (lambda n, sr: n, "samples-not-seconds"),
    (lambda n, sr: 1000 * n / sr, "milliseconds"),
    (lambda n, sr: sr / n, "inverted"),
    (lambda n, sr: n // sr, "integer-division"),
    (lambda n, sr: n / 22050, "fixed-sr"),
    (lambda n, sr: (n - 1) / sr, "last-sample-time"),
    (lambda n, sr: round(n / sr, 2), "rounded"),
    (lambda n, sr: 6.79, "other"),  # the speech clip's answer, hard-coded
    (lambda n, sr: 1 / 0, "raised"),
])
def test_duration_mistakes(wrong, expected):
    assert mistake(ex.check_duration_s(wrong)) == expected


@pytest.mark.parametrize("case", spec_cases(ex01.EX_DURATION))
def test_duration_spec(case):
    case.run()


def test_duration_hints_come_in_stages():
    texts = [r.text() for r in tries(ex.check_duration_s, lambda n, sr: n)]
    assert "More:" not in texts[0] and "More:" in texts[1] and "Example:" not in texts[1]
    assert "Example:" in texts[2] and "8000" in texts[2]  # a different case, worked through


def test_speech_duration_accepts_the_stated_precision():
    info = sf.info(str(helpers.data.path("speech")))  # independent of helpers.info
    truth = info.frames / info.samplerate
    for ok in (truth, 6.79, 6.80, 6.8, round(truth, 3), truth + 0.009, truth - 0.009):
        assert ex.check_speech_duration(ok), ok
    assert not ex.check_speech_duration(6.78)


@pytest.mark.parametrize("answer_of, expected", [
    (lambda n, sr: n, "samples-not-seconds"),
    (lambda n, sr: 1000 * n / sr, "milliseconds"),
    (lambda n, sr: n / 44100, "wrong-sr"),
    (lambda n, sr: n / 16000, "wrong-sr"),
    (lambda n, sr: 7, "too-coarse"),
    (lambda n, sr: 3.0, "other"),
])
def test_speech_duration_mistakes(answer_of, expected):
    info = sf.info(str(helpers.data.path("speech")))
    assert mistake(ex.check_speech_duration(answer_of(info.frames, info.samplerate))) == expected


# --- exercise 2 (apply): float_to_int16 --------------------------------------------------------
def float_to_int16(y):
    levels = np.rint(np.asarray(y) * 32768)
    return np.clip(levels, -32768, 32767).astype(np.int16)


@pytest.mark.parametrize("case", spec_cases(ex01.EX_2))
def test_float_to_int16_spec(case):
    case.run()


def test_float_to_int16_right_and_variants():
    assert ex.check_float_to_int16(float_to_int16)
    assert ex.check_float_to_int16(  # round, then clip the float values, then convert
        lambda y: np.round(np.clip(np.asarray(y, np.float64) * 2**15, -2**15, 2**15 - 1))
        .astype("int16"))
    assert ex.check_float_to_int16(  # float32 arithmetic: y * 32768 is exact in float32 too
        lambda y: np.clip(np.rint(np.float32(32768) * np.asarray(y, np.float32)),
                          -32768, 32767).astype(np.int16))


def test_float_to_int16_round_trips_the_decoding():
    """The reference is the inverse of section 2's decoding: int16 -> float -> int16 is exact,
    and libsndfile decodes what it writes from these integers to the same floats."""
    pcm = np.arange(-32768, 32768, 7, dtype=np.int16)
    assert np.array_equal(ex01._float_to_int16(pcm.astype(np.float32) / 32768), pcm)
    assert list(ex01._float_to_int16([1.0, -1.0, 1.7, -3.0])) == [32767, -32768, 32767, -32768]


@pytest.mark.parametrize("wrong, expected", [
    (lambda y: np.clip(np.round(np.asarray(y) * 32768), -32768, 32767), "not-int16"),
    (lambda y: (np.asarray(y) * 32767).astype(np.int16), "other"),  # truncated AND 32767
    (lambda y: np.clip(np.asarray(y) * 32768, -32768, 32767).astype(np.int16), "truncated"),
    (lambda y: np.asarray(y) * 0, "other"),
])
def test_float_to_int16_more_mistakes(wrong, expected):
    assert mistake(ex.check_float_to_int16(wrong)) == expected


# --- exercise 3 (apply): first_onset_time on int16 (channels, samples) --------------------------
def first_onset_time(pcm, sr, threshold):
    y = pcm.astype(np.float32) / 32768
    loud = (np.abs(y) > threshold).any(axis=0)
    return np.argmax(loud) / sr


@pytest.mark.parametrize("case", spec_cases(ex01.EX_3))
def test_onset_spec(case):
    case.run()


def test_onset_right_and_variants():
    assert ex.check_first_onset_time(first_onset_time)
    assert ex.check_first_onset_time(  # compare the integers with the threshold in levels
        lambda pcm, sr, thr: np.flatnonzero(
            (np.abs(pcm.astype(np.int32)) > thr * 32768).any(axis=0))[0] / sr)
    assert ex.check_first_onset_time(  # a loop over the samples, max over the channels
        lambda pcm, sr, thr: next(j for j in range(pcm.shape[1])
                                  if np.max(np.abs(pcm[:, j] / 32768)) > thr) / sr)


@pytest.mark.parametrize("wrong, expected", [
    (lambda pcm, sr, thr: np.argmax(np.abs(pcm[0] / 32768) > thr) / sr * 1000, "other"),
    (lambda pcm, sr, thr: librosa.samples_to_time(
        np.argmax((np.abs(pcm / 32768) > thr).any(axis=0)), sr=22050), "fixed-sr"),
    (lambda pcm, sr, thr: float(np.argmax(np.abs(pcm).max(axis=0) > thr * 32768)) / sr,
     "int16-abs"),  # max of int16 |.|: -32768 stays negative
])
def test_onset_more_mistakes(wrong, expected):
    assert mistake(ex.check_first_onset_time(wrong)) == expected


def test_onset_cases_hold_each_trap():
    """Every seed has a case for each named trap: a click in one channel only, a -32768 first
    sample, a sample exactly at the threshold, a mirror-image pair, a mono (1, n) input."""
    cases = ex01.EX_3.all_cases()
    assert {c["pcm"].shape[0] for c in cases} == {1, 2, 3}
    assert all(c["pcm"].dtype == np.int16 and c["sr"] != 22050 for c in cases)
    assert sum(int((c["pcm"] == -32768).any()) for c in cases) >= ex01.EX_3.seeds


# --- exercise 4 (stretch): zero_crossing_frequency -----------------------------------------------
def zero_crossing_frequency(x, sr):
    crossings = np.count_nonzero(np.diff(np.signbit(x - np.mean(x))))
    return crossings / 2 / (len(x) / sr)


def _centred(x):
    """x about its middle level, (max + min) / 2: exact zeros stay exact."""
    return x - (np.max(x) + np.min(x)) / 2


@pytest.mark.parametrize("case", spec_cases(ex01.EX_4))
def test_zero_crossing_spec(case):
    case.run()


def test_zero_crossings_right_and_variants():
    assert ex.check_zero_crossing_frequency(zero_crossing_frequency)
    assert ex.check_zero_crossing_frequency(  # sign bits of neighbours, float32, (max+min)/2
        lambda x, sr: float(np.sum(np.signbit(_centred(x)[1:].astype(np.float32))
                                   != np.signbit(_centred(x)[:-1])) / 2 * sr / len(x)))
    assert ex.check_zero_crossing_frequency(  # librosa's own zero-crossing counter is fine
        lambda x, sr: librosa.zero_crossings(x - np.median(x), pad=False).sum() / 2
        / (len(x) / sr))


@pytest.mark.parametrize("wrong, expected", [
    (lambda x, sr: np.argmax(np.abs(np.fft.rfft(x))) * sr / len(x), "used-fft"),
    (lambda x, sr: scipy.signal.periodogram(x, sr)[0][1], "used-fft"),
    (lambda x, sr: 440.0, "other"),
])
def test_zero_crossing_more_mistakes(wrong, expected):
    assert mistake(ex.check_zero_crossing_frequency(wrong)) == expected


def test_zero_crossing_true_frequency_is_named():
    """A function that 'knows' the played frequency (it cannot, from the samples) is told why
    the alias is the answer: the detector of mistake true-frequency, on the check's cases."""
    spec = ex01.EX_4
    played = [c["f"] for c in spec.all_cases()]
    m = next(m for m in spec.mistakes if m.id == "true-frequency")
    assert all(m.detect(f, c, r) for f, c, r in zip(played, spec.all_cases(),
                                                     spec.reference_outputs(), strict=True))
    assert any(c["f"] > c["sr"] / 2 for c in spec.all_cases())


@pytest.mark.parametrize("f, sr, heard", [(5000, 8000, 3000), (7000, 11025, 4025),
                                          (15000, 16000, 1000), (440, 22050, 440)])
def test_alias_reference_is_the_folding_formula(f, sr, heard):
    assert ex01.alias_of(f, sr) == heard


def test_zero_crossing_reference_measures_the_alias():
    for case, ref in zip(ex01.EX_4.all_cases(), ex01.EX_4.reference_outputs(), strict=True):
        assert abs(ref - ex01.alias_of(case["f"], case["sr"])) < 0.2 / case["duration"]


# --- reviewer findings (examiner-a D6, D7; hints 1 of 01.3) -------------------------------------
def test_zero_crossing_tolerance_refuses_four_extra_crossings():
    """D6: the tolerance was 3 / duration, six crossings; four extra crossings now fail."""
    assert ex.check_zero_crossing_frequency(
        lambda x, sr: (np.sum(np.diff(np.signbit(_centred(x)))) + 2) / 2 / (len(x) / sr))
    assert not ex.check_zero_crossing_frequency(
        lambda x, sr: (np.sum(np.diff(np.signbit(_centred(x)))) + 4) / 2 / (len(x) / sr))


@pytest.mark.parametrize("wrong", [
    lambda x, sr: np.count_nonzero(np.diff(np.sign(_centred(x)))) / 2 / (len(x) / sr),
    lambda x, sr: np.sum(_centred(x)[:-1] * _centred(x)[1:] < 0) / 2 / (len(x) / sr),
], ids=["sign-diff-double-counts-zero", "product-misses-zero"])
def test_zero_crossing_exact_zero_samples_are_in_every_seed(wrong):
    """D7: every seed has a tone whose crossings fall on samples that are exactly 0."""
    seeds = ex01.EX_4.seed_of_cases()
    for seed in set(seeds):
        assert any(c["phase"] == 0.0 for c, s in zip(ex01.EX_4.all_cases(), seeds, strict=True)
                   if s == seed)
    assert not ex.check_zero_crossing_frequency(wrong)


def test_onset_scale_32767_is_named_not_as_at_threshold():
    """01.3 hint 1: / 32767 was told "use >, not >="; thresholds are now off the 1/32768 grid
    (except the one case with a sample exactly at the threshold)."""
    wrong = lambda pcm, sr, thr: np.flatnonzero(  # noqa: E731
        np.any(np.abs(pcm / 32767) > thr, axis=0))[0] / sr
    assert mistake(ex.check_first_onset_time(wrong)) == "scale-32767"
    off_grid = [c for c in ex01.EX_3.all_cases() if (c["threshold"] * 32768) % 1]
    assert len(off_grid) >= 4 * ex01.EX_3.seeds


@pytest.mark.parametrize("wrong, expected", [
    (lambda pcm, sr, t: np.argmax((np.abs(pcm / np.abs(pcm).max()) > t).any(axis=0)) / sr,
     "other"),  # max-normalised: was told "use >, not >="
    (lambda pcm, sr, t: np.argmax(np.abs(pcm / 32768).sum(axis=0) > t) / sr, "other"),
    (lambda pcm, sr, t: np.argmax((np.abs(pcm / 32768) > 10 ** (t / 20)).any(axis=0)) / sr,
     "other"),  # threshold read as dB: was told "combined over the wrong axis"
    (lambda pcm, sr, t: np.argmax(((pcm * pcm) / 32768 ** 2 > t * t).any(axis=0)) / sr,
     "other"),  # int16 overflow in pcm * pcm: was told "combined over the wrong axis"
    (lambda pcm, sr, t: (np.argmax((np.abs(pcm / 32768) > t).any(axis=0)) + 1) / sr,
     "one-late"),
    (lambda pcm, sr, t: np.argmax((np.abs(pcm / 32768) > t).any(axis=0)) / 22050, "fixed-sr"),
], ids=["max-normalised", "summed-channels", "threshold-as-dB", "int16-overflow", "one-late",
        "fixed-sr"])
def test_onset_hints_name_the_mistake_made(wrong, expected):
    """examiner-a, hints 1-5 of 01.3 and the named mistakes that got only the fallback."""
    assert mistake(ex.check_first_onset_time(wrong)) == expected


def test_float_to_int16_ceil_is_named_and_dtype_hint_names_its_case():
    r = ex.check_float_to_int16(
        lambda y: np.clip(np.ceil(np.asarray(y) * 32768), -32768, 32767).astype(np.int16))
    assert mistake(r) == "ceiled"
    ex.reset()
    text = ex.check_float_to_int16(
        lambda y: np.clip(np.round(np.asarray(y) * 32768), -32768, 32767)).text()
    assert "np.array([0.5, -1.25, 0.0])" in text


def test_float_to_int16_first_hint_does_not_hand_over_the_fix():
    """reader-a: the first stage named the whole fix (nearest integer to y * 32768, clipped)."""
    nudge = ex01.EX_2.fallback.nudge
    assert "y * 32768" not in nudge and "nearest integer" not in nudge


def test_zero_crossing_stretch_needs_the_middle_level_not_0():
    """reader-a: 01.4 stretched nothing (naive sign counting passed). Every seed now has tones
    on an offset above their amplitude, whose samples never change sign."""
    seeds = ex01.EX_4.seed_of_cases()
    for seed in set(seeds):
        assert sum(c["offset"] > c["amplitude"] for c, s in zip(
            ex01.EX_4.all_cases(), seeds, strict=True) if s == seed) >= 2
    naive = lambda x, sr: np.count_nonzero(np.diff(np.signbit(x))) / 2 / (len(x) / sr)  # noqa: E731
    assert mistake(ex.check_zero_crossing_frequency(naive)) == "raw-sign-changes"
