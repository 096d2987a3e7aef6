"""helpers.audio: loading gives the right numbers, bad input gives clear errors."""

from __future__ import annotations

import contextlib

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


# ------------------------------------------------------------------ issue 12: no global state
def test_load_in_threads_leaves_the_warnings_filters_alone():
    """helpers.load used warnings.catch_warnings() + simplefilter('error'), which is not
    thread-safe: with threads, the 'error' filter leaked and every later UserWarning raised."""
    import warnings
    from concurrent.futures import ThreadPoolExecutor

    before = list(warnings.filters)
    names = ["tone", "chord", "clicks", "piano_00", "guitar_01", "flute_02"] * 8
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda n: helpers.load(n, sr=16000), names))
    assert warnings.filters == before
    with warnings.catch_warnings(record=True) as caught:  # a UserWarning is still a warning
        warnings.warn("still just a warning", UserWarning, stacklevel=1)
    assert len(caught) == 1


def test_load_matches_librosa_load_exactly():
    import librosa

    for name in ("blues", "stereo", "speech"):
        for kw in (dict(), dict(sr=None), dict(sr=8000, mono=False),
                   dict(offset=0.3, duration=0.77)):
            a, sa = helpers.load(name, **kw)
            b, sb = librosa.load(str(helpers.data.path(name)), **dict(dict(sr=22050), **kw))
            assert sa == sb and a.dtype == b.dtype
            np.testing.assert_array_equal(a, b)


# ------------------------------------------------------------------ issue 12: truncated files
def _signal(n, channels):
    t = np.arange(n) / 22050
    y = np.stack([0.3 * np.sin(2 * np.pi * (440 + 110 * c) * t) for c in range(channels)], 1)
    return y[:, 0] if channels == 1 else y


TRUNCATABLE = [("wav", "WAV", "PCM_16"), ("wav", "WAV", "FLOAT"), ("wav", "WAV", "PCM_24"),
               ("aiff", "AIFF", "PCM_16"), ("aif", "AIFF", "PCM_24"), ("au", "AU", "PCM_16"),
               ("rf64", "RF64", "PCM_16"), ("w64", "W64", "PCM_16"),
               ("mp3", "MP3", "MPEG_LAYER_III")]


@pytest.mark.parametrize("channels", [1, 2])
@pytest.mark.parametrize("ext, fmt, subtype", TRUNCATABLE, ids=[f"{t[0]}-{t[2]}" for t in TRUNCATABLE])
@pytest.mark.parametrize("keep", [0.35, 0.8])
def test_truncated_file_loads_short_and_warns_with_the_numbers(tmp_path, ext, fmt, subtype,
                                                                channels, keep):
    full = tmp_path / f"full.{ext}"
    sf.write(full, _signal(44100, channels), 22050, format=fmt, subtype=subtype)
    with _no_warnings():
        y_full, _ = helpers.load(full, sr=None, mono=False)  # a complete file: no warning
    data = full.read_bytes()
    cut = tmp_path / f"cut.{ext}"
    cut.write_bytes(data[: int(len(data) * keep)])
    with pytest.warns(audio.TruncatedAudioWarning) as rec:
        y, sr = helpers.load(cut, sr=None, mono=False)
    found = y.shape[-1]
    msg = str(rec[0].message)
    assert found < 44100
    assert "cut." + ext in msg and "declares 44100 frames (2.000 s" in msg
    assert f"holds only {found} (" in msg
    np.testing.assert_allclose(y, y_full[..., :found], atol=0.02 if ext == "mp3" else 1e-6)
    assert helpers.info(cut)["declared_frames"] in (44100, None)


@contextlib.contextmanager
def _no_warnings():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def test_truncated_wav_with_extra_chunks_and_offset(tmp_path):
    """A 'LIST' chunk before 'data' (many editors write one); offset/duration past what exists."""
    import struct

    p = tmp_path / "x.wav"
    sf.write(p, _signal(22050 * 2, 1), 22050, subtype="PCM_16")
    raw = p.read_bytes()
    i = raw.index(b"data")
    info = b"INFO" + b"ICMT" + struct.pack("<I", 4) + b"test"
    listing = b"LIST" + struct.pack("<I", len(info)) + info
    raw = raw[:i] + listing + raw[i:]
    raw = raw[:4] + struct.pack("<I", len(raw) - 8) + raw[8:]
    (tmp_path / "ok.wav").write_bytes(raw)
    assert helpers.info(tmp_path / "ok.wav")["declared_frames"] == 44100
    for kept, expected in ((36000, int(0.5 * 22050)), (30000, 30000 - 22050)):
        (tmp_path / "cut.wav").write_bytes(raw[: i + len(listing) + 8 + 2 * kept])
        with pytest.warns(audio.TruncatedAudioWarning,
                          match=rf"declares 44100 frames .* only {kept} "):
            y, _ = helpers.load(tmp_path / "cut.wav", offset=1.0, duration=0.5)
        assert y.size == expected  # what exists of 1.0 .. 1.5 s is returned


def test_streaming_wav_with_unknown_size_does_not_warn(tmp_path):
    """Recorders that stream write 0xFFFFFFFF (or 0) as the data size: "unknown", not truncated."""
    import struct

    p = tmp_path / "s.wav"
    sf.write(p, _signal(22050, 1), 22050, subtype="PCM_16")
    raw = bytearray(p.read_bytes())
    i = raw.index(b"data")
    raw[i + 4: i + 8] = struct.pack("<I", 0xFFFFFFFF)
    p.write_bytes(bytes(raw))
    with _no_warnings():
        y, _ = helpers.load(p)
    assert y.size > 0


# ------------------------------------------------------------------ issue 12: (samples, channels)
@pytest.mark.parametrize("shape", [(88200, 1), (44100, 2), (30000, 6)])
def test_samples_by_channels_layout_is_recognised(shape):
    y = (np.random.default_rng(0).uniform(-0.5, 0.5, shape)).astype(np.float32)
    fix = rf"\({shape[1]}, {shape[0]}\)\. Transpose it: y\.T"
    with pytest.raises(ValueError, match=r"looks like \(samples, channels\).*" + fix):
        audio.resample(y, orig_sr=44100, target_sr=22050)
    with pytest.raises(ValueError, match=r"looks like \(samples, channels\)"):
        helpers.play(y, 44100)
    with pytest.raises(ValueError, match=r"mean\(axis=1\)"):
        from helpers import spectral
        spectral.spectrum(y, 44100)
    # the transposed array is the right layout and works
    out = audio.resample(y.T, orig_sr=44100, target_sr=22050)
    assert out.shape == (shape[1], shape[0] // 2)
    assert helpers.play(y.T, 44100).data[:4] == b"RIFF"


def test_channels_by_samples_stereo_still_plays_and_resamples():
    y, sr = helpers.load("stereo", mono=False)
    assert audio.resample(y, orig_sr=sr, target_sr=11025).shape == (2, y.shape[1] // 2)
    wav = helpers.play(y, sr).data
    assert int.from_bytes(wav[22:24], "little") == 2  # two channels in the WAV header
