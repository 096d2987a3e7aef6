"""helpers.audio: loading gives the right numbers, bad input gives clear errors."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

import helpers
from helpers import audio


def test_load_shipped_tone_is_440hz_and_exact(sr):
    y, got_sr = helpers.load("tone")
    assert got_sr == sr and y.dtype == np.float32 and y.shape == (2 * sr,)
    t = np.arange(y.size) / sr
    np.testing.assert_allclose(y, 0.5 * np.sin(2 * np.pi * 440 * t), atol=1e-4)  # 16-bit PCM


def test_load_resamples_and_keeps_native_rate():
    y, sr = helpers.load("tone", sr=8000)
    assert sr == 8000 and y.shape == (16000,)
    y, sr = helpers.load("tone", sr=None)
    assert sr == 22050


def test_stereo_downmix_is_the_channel_mean():
    y2, sr = helpers.load("stereo", mono=False)
    assert y2.shape == (2, 2 * sr)
    y1, _ = helpers.load("stereo", mono=True)
    np.testing.assert_allclose(y1, y2.mean(axis=0), atol=1e-6)


def test_offset_and_duration():
    y, sr = helpers.load("blues", offset=10.0, duration=2.5)
    assert y.shape == (int(2.5 * sr),)
    full, _ = helpers.load("blues")
    np.testing.assert_allclose(y, full[10 * sr: 10 * sr + y.size], atol=1e-6)


def test_info_and_times():
    i = helpers.info("blues")
    assert i["sample_rate"] == 22050 and i["channels"] == 1
    assert i["duration_s"] == pytest.approx(30.0)
    t = audio.times(np.zeros(5), 5)
    np.testing.assert_allclose(t, [0, 0.2, 0.4, 0.6, 0.8])


@pytest.mark.parametrize(
    "make, exc, message",
    [
        (lambda d: d / "missing.wav", FileNotFoundError, "No such audio file"),
        (lambda d: d, IsADirectoryError, "is a folder"),
        (lambda d: _write(d / "empty.wav", b""), ValueError, "empty file"),
        (lambda d: _write(d / "notes.wav", b"this is text, not audio\n" * 20), ValueError,
         "not a readable audio file"),
        (lambda d: _truncated(d), ValueError, "(truncated|corrupt|readable)"),
        (lambda d: _zero_frames(d), ValueError, "no samples"),
    ],
    ids=["missing", "directory", "empty", "not-audio", "truncated", "zero-frames"],
)
def test_bad_files_raise_clear_errors(tmp_path, make, exc, message):
    with pytest.raises(exc, match=message):
        helpers.load(make(tmp_path))


def _write(p, data: bytes):
    p.write_bytes(data)
    return p


def _truncated(d):
    good = (helpers.data.path("tone")).read_bytes()
    return _write(d / "cut.wav", good[:30])  # header only, cut mid-header


def _zero_frames(d):
    p = d / "zero.wav"
    sf.write(p, np.zeros(0, dtype=np.float32), 22050)
    return p


@pytest.mark.parametrize(
    "kwargs, exc, message",
    [
        (dict(sr=0), ValueError, "sr must be > 0"),
        (dict(sr=-8000), ValueError, "sr must be > 0"),
        (dict(sr="22050"), TypeError, "sr must be a number"),
        (dict(sr=6e11), ValueError, "far above any audio sample rate"),
        (dict(sr=22050.5), ValueError, "whole number"),
        (dict(offset=-1), ValueError, "offset"),
        (dict(offset=100.0), ValueError, "past the end"),
        (dict(duration=0), ValueError, "duration"),
    ],
)
def test_bad_parameters(kwargs, exc, message):
    with pytest.raises(exc, match=message):
        helpers.load("tone", **kwargs)


def test_load_rejects_arrays_and_numbers():
    with pytest.raises(TypeError, match="not an array"):
        helpers.load(np.zeros(10))
    with pytest.raises(TypeError, match="file path"):
        helpers.load(42)


def test_load_nan_file_is_refused(tmp_path):
    p = tmp_path / "nan.wav"
    y = np.zeros(1000, dtype=np.float32)
    y[10] = np.nan
    sf.write(p, y, 22050, subtype="FLOAT")
    with pytest.raises(ValueError, match="NaN or infinite"):
        helpers.load(p)


def test_play_returns_audio_widget(tone440, sr):
    a = helpers.play(tone440, sr)
    assert a.data[:4] == b"RIFF"
    assert int.from_bytes(a.data[24:28], "little") == sr  # WAV header: sample rate
    assert helpers.play(np.zeros(100, dtype=np.float32), sr) is not None  # silence is playable
    with pytest.raises(TypeError, match="sample rate"):
        helpers.play(tone440)
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        helpers.play(tone440 * 4, sr, normalize=False)
