"""Exercise checks of 02_fft_spectrum: right answers pass, typical wrong answers
fail with a hint, and the unanswered placeholder (None) never raises."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

import helpers
from helpers import exercises as ex


@pytest.mark.parametrize("check, kwargs", [
    (ex.check_freq_axis, {"n": 1000, "sr": 8000}),
    (ex.check_chord_frequencies, {}),
    (ex.check_tone_amplitude, {}),
])
def test_unanswered_does_not_raise(check, kwargs, capsys):
    assert check(None, **kwargs) is None
    assert "Not answered" in capsys.readouterr().out


def test_freq_axis():
    for n in (1000, 1001):
        assert ex.check_freq_axis(np.fft.rfftfreq(n, d=1 / 8000), n=n, sr=8000)
        assert ex.check_freq_axis(np.arange(n // 2 + 1) * 8000 / n, n=n, sr=8000)
        assert not ex.check_freq_axis(np.linspace(0, 8000, n), n=n, sr=8000)
        assert not ex.check_freq_axis(np.linspace(0, 8000, n)[: n // 2 + 1], n=n, sr=8000)
    assert not ex.check_freq_axis(np.linspace(0, 4000, 501), n=1001, sr=8000)


def test_chord_frequencies():
    y, sr = sf.read(helpers.data.path("chord"))
    mag = np.abs(np.fft.rfft(y * np.hanning(y.size)))
    freqs = np.fft.rfftfreq(y.size, d=1 / sr)
    peaks = [freqs[np.argmax(np.where((freqs > lo) & (freqs < hi), mag, 0))]
             for lo, hi in ((200, 300), (300, 360), (360, 450))]
    assert ex.check_chord_frequencies(peaks)
    assert ex.check_chord_frequencies(tuple(reversed(peaks)))
    assert not ex.check_chord_frequencies(peaks[:2])
    assert not ex.check_chord_frequencies(np.array(peaks) * 2)  # bin indices at 0.5 Hz spacing
    assert not ex.check_chord_frequencies([261.63, 329.63, 440.0])


def test_tone_amplitude():
    y, _ = sf.read(helpers.data.path("tone"))
    w = np.hanning(y.size)
    amplitude = np.abs(np.fft.rfft(w * y)).max() * 2 / w.sum()
    assert ex.check_tone_amplitude(amplitude)
    assert not ex.check_tone_amplitude(amplitude**2)  # power
    assert not ex.check_tone_amplitude(np.abs(np.fft.rfft(y)).max())  # unnormalised
    assert not ex.check_tone_amplitude(0.7)
