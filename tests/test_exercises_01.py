"""Exercise checks of 01_waveform (issue 9): the reference solutions pass, every named mistake
fails with its own mistake id, reasonable variants pass, and placeholders never raise."""

from __future__ import annotations

import librosa
import librosa.display
import matplotlib.pyplot as plt
import numpy as np
import pytest
import soundfile as sf

import helpers
from helpers import exercises as ex
from helpers.exercises import ex01
from tests.conftest import spec_cases, tries


@pytest.fixture(autouse=True)
def _fresh():
    ex.reset()
    yield
    ex.reset()
    plt.close("all")


def mistake(result) -> str:
    assert not result and result.status == "wrong", result.text()
    return result.mistake


# --- placeholders ----------------------------------------------------------------------------
def _stub(*args):
    ...  # what the learner cell holds before an answer


def _not_impl(*args):
    raise NotImplementedError


FUNCTION_CHECKS = [ex.check_duration_s, ex.check_int16_to_float, ex.check_first_onset_time,
                   ex.check_zero_crossing_frequency, ex.check_show_waveform]
VALUE_CHECKS = [ex.check_speech_duration, ex.check_speech_start]


@pytest.mark.parametrize("check", FUNCTION_CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("placeholder", [None, ..., _stub, _not_impl])
def test_function_placeholders_are_not_answered(check, placeholder):
    r = check(placeholder)
    assert not r and r.status == "unanswered" and "Not answered" in r.text()


@pytest.mark.parametrize("check", VALUE_CHECKS, ids=lambda c: c.__name__)
def test_value_placeholders_are_not_answered(check):
    for placeholder in (None, ...):
        r = check(placeholder)
        assert r.status == "unanswered"
    assert mistake(check("six")) == "not-a-number"


def test_every_check_is_exported_and_has_an_id():
    for check in FUNCTION_CHECKS + VALUE_CHECKS:
        assert check.__name__ in ex01.__all__ and check.exercise_id.startswith("01.")


# --- exercise 1: duration_s ------------------------------------------------------------------
def duration_s(n_samples, sr):
    return n_samples / sr


def test_duration_right_and_variants():
    assert ex.check_duration_s(duration_s)
    assert ex.check_duration_s(lambda n, sr: float(n) / float(sr))
    assert ex.check_duration_s(lambda n, sr: n * (1.0 / sr))  # times the sample period
    assert ex.check_duration_s(lambda n, sr: float(librosa.samples_to_time(n, sr=sr)))
    # float32 arithmetic, like the audio itself (this used to crash the check)
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


# --- exercise 2: int16_to_float --------------------------------------------------------------
def int16_to_float(pcm):
    return pcm.astype(np.float32) / 32768


def test_int16_right_and_variants():
    assert ex.check_int16_to_float(int16_to_float)
    assert ex.check_int16_to_float(lambda pcm: pcm / 32768)  # float64 is fine
    assert ex.check_int16_to_float(lambda pcm: pcm / 2 ** 15)
    assert ex.check_int16_to_float(lambda pcm: np.asarray(pcm, dtype=np.float64) * (1 / 32768))


def test_int16_reference_agrees_with_libsndfile(tmp_path):
    pcm = np.array([-32768, -32767, -1, 0, 1, 16384, 32767], dtype=np.int16)
    f = tmp_path / "pcm.wav"
    sf.write(str(f), pcm, 8000, subtype="PCM_16")
    decoded, _ = sf.read(str(f), dtype="float64")
    assert np.array_equal(decoded, int16_to_float(pcm).astype(np.float64))
    assert decoded.min() == -1.0 and decoded.max() == 32767 / 32768 < 1


@pytest.mark.parametrize("wrong, expected", [
    (lambda pcm: pcm / 32767, "divide-32767"),
    (lambda pcm: pcm.astype(np.float32) / 32767, "divide-32767"),
    (lambda pcm: pcm // 32768, "int16-overflow"),  # numpy 2: 32768 does not fit in int16
    (lambda pcm: pcm // 2 ** 14, "integer-dtype"),
    (lambda pcm: pcm, "integer-dtype"),
    (lambda pcm: pcm.astype(np.float32), "not-scaled"),
    (lambda pcm: pcm / 65536, "divide-65536"),
    (lambda pcm: pcm / 65535, "divide-65536"),
    (lambda pcm: pcm / 255, "eight-bit"),
    (lambda pcm: pcm / np.max(np.abs(pcm)), "peak-normalised"),
    (lambda pcm: (pcm.astype(float) + 32768) / 65535 * 2 - 1, "shifted"),
    (lambda pcm: pcm.astype(np.float32) // 32768, "floor-division"),
    (lambda pcm: (pcm / 32768).ravel(), "wrong-shape"),
    (lambda pcm: pcm.astype(np.float64) / np.max(np.abs(pcm.astype(np.float64))),
     "peak-normalised"),
    (lambda pcm: np.array([str(v) for v in pcm.ravel()]), "not-float"),
    (lambda pcm: pcm / 30000, "other"),
    (lambda pcm: np.clip(pcm / 32767, -1, 1), "divide-32767"),
    (lambda pcm: pcm.astype(np.float16) / 32768, "float16"),
])
def test_int16_mistakes(wrong, expected):
    assert mistake(ex.check_int16_to_float(wrong)) == expected


def test_int16_lists_of_floats_are_fine():
    # a plain Python list of floats (or of rows) converts to a float array: accepted
    assert ex.check_int16_to_float(lambda pcm: (pcm / 32768).tolist())
    assert ex.check_int16_to_float(lambda pcm: list(pcm / 32768))


# --- exercise 3: first_onset_time ------------------------------------------------------------
def first_onset_time(y, sr, threshold):
    return np.flatnonzero(np.abs(y) > threshold)[0] / sr


def test_onset_right_and_variants():
    assert ex.check_first_onset_time(first_onset_time)
    assert ex.check_first_onset_time(lambda y, sr, thr: np.argmax(np.abs(y) > thr) / sr)
    assert ex.check_first_onset_time(lambda y, sr, thr: float(
        librosa.samples_to_time(np.argmax(np.abs(y) >= thr), sr=sr)))
    assert ex.check_first_onset_time(lambda y, sr, thr: next(
        n for n, v in enumerate(y) if abs(v) > thr) / sr)  # a plain loop


@pytest.mark.parametrize("wrong, expected", [
    (lambda y, sr, thr: int(np.flatnonzero(np.abs(y) > thr)[0]), "samples-not-seconds"),
    (lambda y, sr, thr: 1000 * first_onset_time(y, sr, thr), "milliseconds"),
    (lambda y, sr, thr: np.flatnonzero(np.abs(y) > thr)[0] / 22050, "fixed-sr"),
    (lambda y, sr, thr: np.argmax(y > thr) / sr, "no-abs"),
    (lambda y, sr, thr: np.argmax(np.abs(y)) / sr, "loudest-not-first"),
    (lambda y, sr, thr: np.argmax(np.abs(y) > 0.5) / sr, "fixed-threshold"),
    (lambda y, sr, thr: 0.25, "other"),
    (lambda y, sr, thr: np.flatnonzero(np.abs(y) > thr) / sr, "not-a-number"),
    (lambda y, sr, thr: round(first_onset_time(y, sr, thr), 3), "rounded"),
    (lambda y, sr, thr: round(first_onset_time(y, sr, thr), 4), "rounded"),
    (lambda y, sr, thr: (np.flatnonzero(np.abs(y) > thr)[0] + 1) / sr, "off-by-one"),
])
def test_onset_mistakes(wrong, expected):
    assert mistake(ex.check_first_onset_time(wrong)) == expected


def test_the_first_click_of_the_clicks_clip_is_at_a_quarter_second():
    """The old check rejected 0.25 s (its tolerance was half a sample); the notebook's worked
    example now prints the time, and the check's own cases have exact indices."""
    y, sr = sf.read(str(helpers.data.path("clicks")))
    assert abs(first_onset_time(y, sr, 0.5) - 0.25) < 1 / sr


def _speech_start_ms():
    y, sr = sf.read(str(helpers.data.path("speech")))
    return 1000 * first_onset_time(y, sr, 0.1)


def test_speech_start_right_and_variants():
    truth = _speech_start_ms()
    for ok in (truth, round(truth), round(truth, 1), truth + 0.9, truth - 0.9):
        assert ex.check_speech_start(ok), ok
    # the same answer from the clip loaded at another rate (time does not depend on sr)
    y8, sr8 = helpers.load("speech", sr=16000)
    assert ex.check_speech_start(1000 * first_onset_time(y8, sr8, 0.1))


def test_speech_start_mistakes():
    truth = _speech_start_ms()
    assert mistake(ex.check_speech_start(truth / 1000)) == "seconds-not-ms"
    assert mistake(ex.check_speech_start(round(truth * 22.05))) == "samples-not-ms"
    y, sr = sf.read(str(helpers.data.path("speech")))
    assert mistake(ex.check_speech_start(1000 * first_onset_time(y, sr, 0.05))) == \
        "other-threshold"
    assert mistake(ex.check_speech_start(500)) == "other"


# --- exercise 4: zero_crossing_frequency -----------------------------------------------------
def zero_crossing_frequency(x, sr):
    crossings = np.count_nonzero(np.diff(np.signbit(x)))
    return crossings / 2 / (len(x) / sr)


def test_zero_crossings_right_and_variants():
    assert ex.check_zero_crossing_frequency(zero_crossing_frequency)
    # np.sign instead of signbit; (N - 1) / sr as the duration; upward crossings only
    assert ex.check_zero_crossing_frequency(
        lambda x, sr: np.sum(np.diff(np.sign(x)) != 0) / 2 / ((len(x) - 1) / sr))
    assert ex.check_zero_crossing_frequency(
        lambda x, sr: np.sum((x[:-1] < 0) & (x[1:] >= 0)) / (len(x) / sr))
    # librosa's zero-crossing count
    assert ex.check_zero_crossing_frequency(
        lambda x, sr: librosa.zero_crossings(x).sum() / 2 / (len(x) / sr))
    # the mean spacing of the crossings (half a period each)
    assert ex.check_zero_crossing_frequency(
        lambda x, sr: sr / (2 * np.mean(np.diff(np.flatnonzero(np.diff(np.signbit(x)))))))


@pytest.mark.parametrize("wrong, expected", [
    (lambda x, sr: 2 * zero_crossing_frequency(x, sr), "doubled"),
    (lambda x, sr: np.sum((x[:-1] < 0) & (x[1:] >= 0)) / 2 / (len(x) / sr), "halved"),
    (lambda x, sr: zero_crossing_frequency(x, 22050), "fixed-sr"),
    (lambda x, sr: np.count_nonzero(np.diff(np.signbit(x))) / 2 / len(x), "per-sample"),
    (lambda x, sr: np.count_nonzero(np.diff(np.signbit(x))), "count-not-frequency"),
    (lambda x, sr: 440.0, "other"),
    # the spectrum's peak (notebook 02) avoids the technique this exercise teaches
    (lambda x, sr: np.fft.rfftfreq(len(x), 1 / sr)[np.argmax(np.abs(np.fft.rfft(x)))],
     "used-fft"),
])
def test_zero_crossing_mistakes(wrong, expected):
    assert mistake(ex.check_zero_crossing_frequency(wrong)) == expected


@pytest.mark.parametrize("f, sr, heard", [(5000, 8000, 3000), (7000, 11025, 4025),
                                          (15000, 16000, 1000), (440, 22050, 440),
                                          (8000, 8000, 0), (4000, 8000, 4000), (12000, 8000, 4000)])
def test_alias_reference_is_the_folding_formula(f, sr, heard):
    assert ex01.alias_of(f, sr) == heard
    assert abs(f - sr * round(f / sr)) == heard  # the notebook's form of the formula
    n = np.arange(64)
    assert np.allclose(np.cos(2 * np.pi * f * n / sr), np.cos(2 * np.pi * heard * n / sr))


# --- exercise 5: show_waveform (the seed's code, fixed) --------------------------------------
def show_waveform(path, ax):
    y, sr = librosa.load(path, sr=None)
    librosa.display.waveshow(y, sr=sr, ax=ax)
    ax.set(xlabel="Time (s)", ylabel="Amplitude (full scale = 1)")
    return y, sr


def test_show_waveform_right_and_variants():
    assert ex.check_show_waveform(show_waveform)

    def with_helpers(path, ax):  # the course's loader and a plain matplotlib line
        y, sr = helpers.load(path, sr=None)
        ax.plot(np.arange(len(y)) / sr, y, lw=0.5)
        ax.set_xlabel("time [s]")
        ax.set_ylabel("amplitude")
        return y, sr

    assert ex.check_show_waveform(with_helpers)

    def with_soundfile(path, ax):
        y, sr = sf.read(path, dtype="float32")
        librosa.display.waveshow(y, sr=sr, ax=ax, alpha=0.4)
        ax.set_xlabel("Time in seconds")
        ax.set_ylabel("Amplitude")
        return y, sr

    assert ex.check_show_waveform(with_soundfile)
    # a y label that names full scale instead of the word amplitude
    assert ex.check_show_waveform(_variant(
        label="ax.set(xlabel='Time (s)', ylabel='Sample value (full scale = 1)')"))


def _variant(load="librosa.load(path, sr=None)", draw="librosa.display.waveshow(y, sr=sr, ax=ax)",
             label="ax.set(xlabel='Time (s)', ylabel='Amplitude')", ret="y, sr"):
    src = f"def f(path, ax):\n    y, sr = {load}\n    {draw}\n    {label}\n    return {ret}\n"
    scope = {"librosa": librosa, "np": np, "plt": plt, "helpers": helpers}
    exec(src, scope)  # noqa: S102 - test fixtures written as the learner would
    return scope["f"]


@pytest.mark.parametrize("kw, expected", [
    (dict(draw="librosa.display.waveplot(y, sr=sr, ax=ax)"), "waveplot"),
    (dict(draw="librosa.display.waveshow(y, sr, ax=ax)"), "positional"),
    (dict(load="librosa.load(path, 22050)"), "positional"),
    (dict(draw="librosa.display.waveshow(y, sr=sr, ax=ax, x_axis='time')"), "x-axis"),
    (dict(load="librosa.load(path, sr=22050)"), "resampled-22050"),
    (dict(load="librosa.load(path)"), "resampled-22050"),
    (dict(draw="librosa.display.waveshow(y, ax=ax)"), "waveshow-default-sr"),
    (dict(draw="ax.plot(y)"), "sample-index"),
    (dict(draw="ax.plot(1000 * np.arange(len(y)) / sr, y)"), "milliseconds"),
    (dict(draw="librosa.display.waveshow(y, sr=sr)"), "drew-elsewhere"),
    (dict(draw="librosa.display.waveshow(y / abs(y).max(), sr=sr, ax=ax)"), "amplitude-scale"),
    (dict(label="ax.set_ylabel('Amplitude')"), "x-label"),
    (dict(label="plt.xlabel('Time (s)'); plt.ylabel('Amplitude')"), "x-label"),
    (dict(label="ax.set_xlabel('Time (s)')"), "y-label"),
    (dict(ret="ax"), "return-y-sr"),
    (dict(ret="y"), "return-y-sr"),
    (dict(ret="y[::2], sr"), "return-y-sr"),
])
def test_show_waveform_mistakes(kw, expected):
    assert mistake(ex.check_show_waveform(_variant(**kw))) == expected


def test_show_waveform_writes_nothing_into_data_and_leaves_no_figure():
    data = helpers.data.data_dir()
    before = sorted(p.name for p in data.rglob("*"))
    n_figs = len(plt.get_fignums())
    assert ex.check_show_waveform(show_waveform)
    ex.check_show_waveform(_variant(label="plt.xlabel('Time (s)'); plt.ylabel('Amplitude')"))
    assert sorted(p.name for p in data.rglob("*")) == before
    assert len(plt.get_fignums()) == n_figs
