"""Exercise checks of 03_stft_spectrogram (first version; rewritten with the checks, issue 9)."""

from __future__ import annotations

import librosa
import numpy as np

import helpers


def test_check_n_frames(capsys):
    from helpers import exercises as ex

    y = np.zeros(44100, dtype=np.float32)
    right = librosa.stft(y=y, n_fft=1024, hop_length=256).shape[1]
    assert ex.check_n_frames(right) is True
    assert ex.check_n_frames(librosa.stft(y=y, n_fft=1024, hop_length=256,
                                          center=False).shape[1]) is False
    assert "center=False" in capsys.readouterr().out
    assert ex.check_n_frames(right - 1) is False
    assert ex.check_n_frames(None) is None
    assert "Not answered" in capsys.readouterr().out
    assert ex.check_n_frames("many") is False


def test_check_resolution(capsys):
    from helpers import exercises as ex

    n_fft = 2 ** int(np.ceil(np.log2(22050 / 10)))  # independent: smallest 2^k with sr/2^k <= 10
    assert 22050 / n_fft <= 10 < 22050 / (n_fft // 2)
    assert ex.check_resolution((n_fft, 1000 * n_fft / 22050)) is True
    assert ex.check_resolution((n_fft, n_fft / 22050)) is False
    assert "seconds" in capsys.readouterr().out
    assert ex.check_resolution((n_fft // 2, 500 * n_fft / 22050)) is False
    assert ex.check_resolution(None) is None
    assert ex.check_resolution(4096) is False


def test_check_first_click(capsys):
    from helpers import exercises as ex

    y, sr = helpers.load("clicks")
    first = np.flatnonzero(np.abs(y) > 0.5)[0] / sr
    assert ex.check_first_click(first) is True
    assert ex.check_first_click(first + 0.5 * 512 / sr) is True
    assert ex.check_first_click(round(first * sr / 512)) is False  # a frame index
    assert "frame index" in capsys.readouterr().out
    assert ex.check_first_click(0.5) is False
    assert ex.check_first_click(None) is None


def test_check_lowpass():
    from helpers import exercises as ex

    y, sr = helpers.load("speech")
    spec = np.fft.rfft(y.astype(np.float64))
    spec[np.fft.rfftfreq(y.size, 1 / sr) > 500] = 0  # independent brick-wall filter
    brick = np.fft.irfft(spec, n=y.size)
    assert ex.check_lowpass(brick, y, sr, cutoff_hz=500) is True
    assert ex.check_lowpass(y, y, sr, cutoff_hz=500) is False          # nothing removed
    assert ex.check_lowpass(np.zeros_like(y), y, sr, cutoff_hz=500) is False  # all removed
    assert ex.check_lowpass(brick[:-10], y, sr, cutoff_hz=500) is False  # wrong length
    assert ex.check_lowpass(None, y, sr) is None
