"""Exercise checks of 01_waveform: right answers pass, typical wrong answers
fail with a hint, and the unanswered placeholder (None) never raises."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

import helpers
from helpers import exercises as ex

PCM = np.array([-32768, -16384, 0, 1, 16384, 32767], dtype=np.int16)


@pytest.mark.parametrize("check, kwargs", [
    (ex.check_speech_duration, {}),
    (ex.check_int16_to_float, {"pcm": PCM}),
    (ex.check_first_click_time, {}),
])
def test_unanswered_does_not_raise(check, kwargs, capsys):
    assert check(None, **kwargs) is None
    assert "Not answered" in capsys.readouterr().out


def test_speech_duration():
    path = helpers.data.path("speech")
    frames, rate = sf.info(path).frames, sf.info(path).samplerate  # independent of helpers.info
    assert ex.check_speech_duration(frames / rate)
    assert not ex.check_speech_duration(frames)  # samples, not seconds
    assert not ex.check_speech_duration(frames / rate * 1000)
    assert not ex.check_speech_duration(frames / 44100)  # assumed the wrong sample rate
    assert not ex.check_speech_duration("long")


def test_int16_to_float():
    raw, _ = sf.read(helpers.data.path("tone"), dtype="int16")
    scaled, _ = sf.read(helpers.data.path("tone"), dtype="float64")  # libsndfile's own scaling
    assert ex.check_int16_to_float(scaled, raw)
    assert ex.check_int16_to_float(PCM.astype(np.float32) / 32768, PCM)
    assert not ex.check_int16_to_float(PCM / 32767, PCM)
    assert not ex.check_int16_to_float(PCM // 2, PCM)  # integer result
    assert not ex.check_int16_to_float(PCM[:3] / 32768, PCM)


def test_first_click_time():
    y, sr = sf.read(helpers.data.path("clicks"))
    first = int(np.argmax(np.abs(y) > 0.5))
    assert ex.check_first_click_time(first / sr)
    assert not ex.check_first_click_time(first)  # a sample index
    assert not ex.check_first_click_time(first / sr + 0.01)
