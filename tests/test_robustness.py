"""Issue 21, robustness round three: memory bounded by a budget checked from the header,
every failure listed, duplicates found, operating-system failures named, plot and explorer
misuse refused with the fix, nothing left running after a build.

Each test checks facts: the message names the argument and the fix, peak memory (tracemalloc)
stays under the budget, no child process, thread or logging handler remains.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import struct
import threading
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import helpers
from helpers import audio
from helpers import dataset as ds

SR = 22050
HELPERS_DIR = str(Path(helpers.__file__).resolve().parent)


def _wav_bytes(rate: int, channels: int = 1, bits: int = 16, *, fmt_tag: int = 1,
               declared_frames: int | None = None, data: bytes = b"") -> bytes:
    """A WAV file made by hand: any declared rate, channels, frame count; ``data`` as given
    (shorter than declared = truncated)."""
    block = max(1, channels * bits // 8)
    size = len(data) if declared_frames is None else declared_frames * block
    size = min(size, 0xFFFFFFFF)
    fmt = struct.pack("<HHIIHH", fmt_tag, channels, rate, (rate * block) & 0xFFFFFFFF, block, bits)
    body = b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", size)
    return b"RIFF" + struct.pack("<I", min(len(body) + size, 0xFFFFFFFF)) + body + data


def _tone(f0=440.0, seconds=1.0, sr=SR, amp=0.4, seed=0):
    t = np.arange(int(round(seconds * sr))) / sr
    noise = 0.01 * np.random.default_rng(seed).standard_normal(t.size)
    return (amp * np.sin(2 * np.pi * f0 * t) + noise).astype(np.float32)


def _peak(fn, *args, **kwargs):
    """(result or exception, peak bytes traced while ``fn`` ran)."""
    tracemalloc.start()
    try:
        try:
            out = fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - returned for the caller to check
            out = exc
        return out, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _raised_by_helpers(exc: BaseException) -> bool:
    """The exception was raised in helpers' own code (not deep in a library)."""
    tb = exc.__traceback__
    last = None
    while tb is not None:
        last = tb
        tb = tb.tb_next
    return last is not None and last.tb_frame.f_code.co_filename.startswith(HELPERS_DIR)


@pytest.fixture
def budget(monkeypatch):
    """Set the load budget for one test (bytes)."""
    def set_budget(n):
        monkeypatch.setattr(audio, "LOAD_BUDGET_BYTES", n)
    return set_budget


# ----------------------------------------------------------------------- 1. memory bounded
def test_header_claiming_1_hz_is_refused_before_resampling(tmp_path):
    p = tmp_path / "one_hz.wav"
    data = (np.sin(np.arange(44100) / 5) * 8000).astype("<i2").tobytes()
    p.write_bytes(_wav_bytes(1, data=data))  # 88 KB; at 1 Hz it "lasts" 12 hours
    assert 85_000 < p.stat().st_size < 90_000
    t0 = time.perf_counter()
    exc, peak = _peak(helpers.load, p)
    assert time.perf_counter() - t0 < 1.0
    assert isinstance(exc, ValueError) and _raised_by_helpers(exc)
    msg = str(exc)
    assert "1 Hz" in msg and "1,000 to 768,000 Hz" in msg and "soundfile.write" in msg
    assert peak < 5 << 20  # not the ~4 GB of a 1 Hz -> 22,050 Hz resampling


@pytest.mark.parametrize("rate", [2_000_000_000, 999, 800_000])
def test_implausible_header_rates_are_refused(tmp_path, rate):
    p = tmp_path / "r.wav"
    p.write_bytes(_wav_bytes(rate, data=bytes(4000)))
    with pytest.raises(ValueError, match=rf"{rate:,} Hz, outside the 1,000 to 768,000 Hz"):
        helpers.load(p, sr=None)
    for ok in (1000, 768_000):  # the range's ends are accepted
        p.write_bytes(_wav_bytes(ok, data=bytes(4000)))
        y, got = helpers.load(p, sr=None)
        assert got == ok and y.size == 2000


def test_huge_file_is_refused_from_its_header_and_a_part_loads(tmp_path):
    """A 2.16 GB WAV (sparse: no disk used) claiming 6.8 hours of 44.1 kHz stereo."""
    p = tmp_path / "long.wav"
    frames = 540_000_000  # 6.8 h at 44.1 kHz
    with open(p, "wb") as fh:
        fh.write(_wav_bytes(44100, 2, declared_frames=frames))
        fh.truncate(44 + frames * 4)
    t0 = time.perf_counter()
    exc, peak = _peak(helpers.load, p)
    assert time.perf_counter() - t0 < 1.0 and peak < 5 << 20
    assert isinstance(exc, ValueError) and _raised_by_helpers(exc)
    msg = str(exc)
    for needle in ("offset=", "duration=", "load budget of 1,024 MB", "LOAD_BUDGET_BYTES",
                   "AUDIO_COURSE_LOAD_BUDGET_MB", "12,244.9 s"):
        assert needle in msg, needle
    helpers.load(p, duration=0.1)  # first use imports librosa: not the call's memory
    (y, sr), peak = _peak(helpers.load, p, offset=3600.0, duration=2.0)
    assert sr == SR and y.shape == (2 * SR,) and peak < 20 << 20


def test_budget_setting_and_environment_variable(tmp_path, monkeypatch, budget):
    p = tmp_path / "t.wav"
    sf.write(p, np.stack([_tone(seconds=2.0)] * 2, axis=1), SR, subtype="PCM_16")
    need = audio.load_memory_estimate(2 * SR, 2, SR, sr=SR, mono=True, subtype="PCM_16")
    assert audio.load_budget_bytes() == audio.DEFAULT_LOAD_BUDGET_BYTES == 1 << 30
    monkeypatch.setenv("AUDIO_COURSE_LOAD_BUDGET_MB", "0.1")
    assert audio.load_budget_bytes() == int(0.1 * (1 << 20)) < need
    with pytest.raises(ValueError, match=r"more than the load budget of 0\.1 MB.*duration="):
        helpers.load(p)
    helpers.load(p, duration=0.05)  # a part fits
    monkeypatch.setenv("AUDIO_COURSE_LOAD_BUDGET_MB", "lots")
    with pytest.raises(ValueError, match="AUDIO_COURSE_LOAD_BUDGET_MB='lots' is not a number"):
        helpers.load(p)
    monkeypatch.delenv("AUDIO_COURSE_LOAD_BUDGET_MB")
    budget(need)  # exactly enough: loads
    helpers.load(p)
    budget(need - 1)
    with pytest.raises(ValueError, match="load budget"):
        helpers.load(p)
    budget(-5)
    with pytest.raises(ValueError, match="LOAD_BUDGET_BYTES must be a number of bytes > 0"):
        helpers.load(p)


@pytest.mark.parametrize("channels, file_sr, sr, mono, subtype", [
    (1, 22050, 22050, True, "PCM_16"),
    (2, 44100, 22050, True, "PCM_16"),
    (2, 44100, None, False, "FLOAT"),
    (3, 8000, 48000, False, "PCM_24"),
    (1, 48000, 8000, True, "FLOAT"),
])
def test_memory_estimate_bounds_the_measured_peak(tmp_path, channels, file_sr, sr, mono, subtype):
    p = tmp_path / "x.wav"
    y = np.stack([_tone(300 * (c + 1), 1.5, sr=file_sr) for c in range(channels)], axis=1)
    sf.write(p, y, file_sr, subtype=subtype)
    helpers.load(p, sr=sr, mono=mono)  # warm up imports and caches (not the call's memory)
    est = audio.load_memory_estimate(y.shape[0], channels, file_sr, sr=sr, mono=mono,
                                     subtype=subtype)
    (_, _), peak = _peak(helpers.load, p, sr=sr, mono=mono)
    assert peak <= est, (peak, est)


_DOCUMENTED = (ValueError, TypeError, FileNotFoundError, OSError)
_WARM: list = []


def _warm_up(folder: Path) -> None:
    """Import librosa and the resampler once (tens of MB of module objects), so the property
    test measures the memory of its calls, not of the first import."""
    if not _WARM:
        sf.write(folder / "warm.wav", _tone(seconds=0.1, sr=8000), 8000)
        helpers.load(folder / "warm.wav", sr=22050, mono=False)
        _WARM.append(True)


@settings(max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "0")) or 80, deadline=None,
          derandomize="HYPOTHESIS_EXAMPLES" not in os.environ,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rate=st.one_of(st.sampled_from([1, 8000, 1000, 22050, 44100, 768_000, 96_000]),
                      st.integers(0, 2**32 - 1)),
       channels=st.one_of(st.integers(1, 3), st.integers(0, 300)),
       bits=st.sampled_from([8, 16, 24, 32]), fmt_tag=st.sampled_from([1, 3, 1, 0xFFFE]),
       declared=st.one_of(st.none(), st.integers(0, 2**32 - 1), st.integers(0, 20_000)),
       n_bytes=st.integers(0, 60_000), sr=st.sampled_from([None, 22050, 8000]),
       mono=st.booleans(), seed=st.integers(0, 3),
       offset=st.one_of(st.just(0.0), st.floats(0, 3)),
       duration=st.one_of(st.none(), st.floats(0.001, 100)))
def test_any_small_wav_header_loads_within_budget_or_gives_a_helper_error(
        tmp_path_factory, rate, channels, bits, fmt_tag, declared, n_bytes, sr, mono, seed,
        offset, duration):
    budget = 512 * 1024
    _warm_up(tmp_path_factory.getbasetemp())
    p = tmp_path_factory.getbasetemp() / "prop.wav"
    data = np.random.default_rng(seed).integers(0, 256, n_bytes, dtype=np.uint8).tobytes()
    p.write_bytes(_wav_bytes(rate, channels, bits, fmt_tag=fmt_tag, declared_frames=declared,
                             data=data))
    saved, audio.LOAD_BUDGET_BYTES = audio.LOAD_BUDGET_BYTES, budget
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out, peak = _peak(helpers.load, p, sr=sr, mono=mono, offset=offset,
                              duration=duration)
    finally:
        audio.LOAD_BUDGET_BYTES = saved
    if isinstance(out, BaseException):
        assert isinstance(out, _DOCUMENTED), repr(out)
        assert _raised_by_helpers(out), f"a library traceback: {out!r}"
    else:
        y, got_sr = out
        assert y.dtype == np.float32 and y.size > 0 and np.isfinite(y).all()
    assert peak <= budget, f"{peak} bytes traced, budget {budget}"


# ------------------------------------------------------------------ 2. every failure listed
def _make_set(root: Path, classes=("high", "low", "mid"), n=4, seconds=1.2):
    freqs = {"high": 2000.0, "low": 200.0, "mid": 700.0, "dog": 900.0, "cat": 1300.0}
    for c_i, c in enumerate(classes):
        (root / c).mkdir(parents=True, exist_ok=True)
        for i in range(n):
            sf.write(root / c / f"clip_{i}.wav",
                     _tone(freqs.get(c, 440.0) * (1 + 0.02 * i), seconds, seed=10 * c_i + i),
                     SR, subtype="PCM_16")
    return root


KW = dict(fractions=(0.5, 0.25, 0.25), progress=False, summary=False)


def test_strict_build_lists_scan_and_decode_time_problems_in_one_error(tmp_path):
    root = _make_set(tmp_path / "set")
    sf.write(root / "loose.wav", _tone(), SR)  # scan time: no label
    (root / "low" / "song.m4a").write_bytes(b"\x00\x00\x00\x18ftypM4A " + bytes(100))  # scan
    (root / "mid" / "broken.wav").write_text("not audio\n" * 30)  # decode time
    (root / "high" / "one_hz.wav").write_bytes(_wav_bytes(1, data=bytes(2000)))  # decode time
    with pytest.raises(ValueError) as err:
        ds.build_dataset(root, out_dir=tmp_path / "out", errors="raise", **KW)
    msg = str(err.value)
    assert msg.startswith("4 audio file(s)")
    for f in ("loose.wav: ", "low/song.m4a: ", "mid/broken.wav: ", "high/one_hz.wav: "):
        assert f"  {f}" in msg, f
    assert "1,000 to 768,000 Hz" in msg and "nothing was written" in msg
    assert not any((tmp_path / "out").glob("*.npz"))


# ------------------------------------------------------------------------ 3. duplicates
def test_duplicates_are_reported_kept_in_one_split_and_refused_across_labels(tmp_path):
    root = _make_set(tmp_path / "set", n=5)
    shutil.copy(root / "low" / "clip_1.wav", root / "high" / "copy_of_low_1.wav")  # across
    y, _ = sf.read(root / "mid" / "clip_2.wav")
    sf.write(root / "mid" / "again.flac", y, SR, format="FLAC")  # same audio, other format
    out = ds.build_dataset(root, out_dir=tmp_path / "out", **KW)
    assert sorted(map(sorted, out["duplicates"])) == [
        ["high/copy_of_low_1.wav", "low/clip_1.wav"], ["mid/again.flac", "mid/clip_2.wav"]]
    report = {e["file"]: e for e in out["report"]}
    assert report["mid/again.flac"]["duplicates"] == ["mid/clip_2.wav"]
    assert "SHA-256 of the decoded samples" in report["low/clip_1.wav"]["reason"]
    assert report["low/clip_1.wav"]["status"] == "used"  # reported, not dropped
    d = ds.load_dataset(out["path"])
    split = dict(zip(d["files"], d["file_split"], strict=True))
    for group in out["duplicates"]:
        assert len({split[f] for f in group}) == 1, group  # one split per recording
    assert d["counts"]["duplicate_groups"] == 2 and d["counts"]["duplicate_files"] == 4
    assert "2 group(s) of files with identical audio" in out["summary"]
    with pytest.raises(ValueError) as err:
        ds.build_dataset(root, out_dir=tmp_path / "strict", errors="raise", **KW)
    msg = str(err.value)
    assert "same audio" in msg and "different labels" in msg
    assert "high/copy_of_low_1.wav (label 'high') = low/clip_1.wav (label 'low')" in msg
    assert "mid/again.flac" not in msg  # the same label twice is reported, not an error
    (root / "high" / "copy_of_low_1.wav").unlink()
    ds.build_dataset(root, out_dir=tmp_path / "strict", errors="raise", **KW)


def test_duplicate_groups_in_split_by_file(tmp_path):
    labels = np.repeat([0, 1, 2], 8)
    plain = ds.split_by_file(labels, (0.5, 0.25, 0.25), seed=3)
    same = ds.split_by_file(labels, (0.5, 0.25, 0.25), seed=3, groups=np.arange(labels.size))
    np.testing.assert_array_equal(plain, same)  # no duplicates: the same split as before
    groups = np.arange(labels.size)
    groups[[1, 2, 3]] = 1       # three copies in class 0
    groups[[5, 12, 20]] = 5     # one recording under three labels
    for seed in range(20):
        s = ds.split_by_file(labels, (0.5, 0.25, 0.25), seed=seed, groups=groups)
        assert len(set(s[[1, 2, 3]])) == 1 and len(set(s[[5, 12, 20]])) == 1
        for lab in range(3):
            assert set(s[labels == lab]) == {0, 1, 2}  # still every split per class


def test_ordinary_build_has_no_duplicate_fields(tmp_path):
    """No duplicates: report and counts have exactly the fields of earlier versions (so the
    bytes of ordinary builds do not change)."""
    out = ds.build_dataset(_make_set(tmp_path / "set"), out_dir=tmp_path / "out", **KW)
    assert out["duplicates"] == []
    assert all(set(e) == {"file", "label", "status", "segments", "reason"} for e in out["report"])
    assert not {"duplicate_groups", "duplicate_files"} & set(out["counts"])


# --------------------------------------------------------------- 4. explorer update()
def test_explorer_update_refuses_values_a_control_does_not_offer():
    from helpers import widgets

    y = _tone(seconds=2.0)
    ex = widgets.stft_explorer(y, SR)
    png0, params0 = ex.png(), ex.params()
    for bad, needle in ((dict(window="kaiser"), "choose one of 'boxcar', 'hann', 'hamming'"),
                        (dict(n_fft=1000), "choose one of 256, 512, 1024, 2048"),
                        (dict(n_fft=1024, window="kaiser"), "window='kaiser'")):
        with pytest.raises(ValueError) as err:
            ex.update(**bad)
        assert needle in str(err.value) and "stft_view" in str(err.value)
        assert _raised_by_helpers(err.value)  # not ipywidgets' TraitError
        assert ex.params() == params0  # no control moved (n_fft=1024 was not applied either)
    assert ex.png() == png0  # and the figure shows what the controls show
    ex.update(n_fft=1024, window="hamming")  # offered values still move the controls
    assert ex.params() == dict(params0, n_fft=1024, window="hamming") and ex.png() != png0

    mf = widgets.mfcc_explorer(y, SR)
    with pytest.raises(ValueError, match=r"n_mfcc=1 is not offered.*from 2 to 40.*c0"):
        mf.update(n_mfcc=1)  # was clamped to 2 silently
    assert mf.params()["n_mfcc"] == 13
    with pytest.raises(ValueError, match="n_mfcc='13'"):
        mf.update(n_mfcc="13")
    sp = widgets.spectrum_explorer(SR)
    with pytest.raises(ValueError, match=r"freq=5000.0 is not offered.*spectrum_view"):
        sp.update(freq=5000.0)


# -------------------------------------------------------------- 5. operating-system failures
def test_directory_is_answered_at_once(tmp_path):
    t0 = time.perf_counter()
    with pytest.raises(IsADirectoryError, match="is a folder, not an audio file"):
        helpers.load("/")
    assert time.perf_counter() - t0 < 1.0  # the tree below / is not walked
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    sf.write(tmp_path / "a" / "top.wav", _tone(), SR)
    with pytest.raises(IsADirectoryError, match="top.wav"):
        helpers.load(tmp_path / "a")


def test_symlink_loop_and_dangling_link(tmp_path):
    loop = tmp_path / "loop.wav"
    os.symlink(loop, loop)
    with pytest.raises(OSError, match="symlink loop") as err:
        helpers.load(loop)
    assert err.value.errno == errno.ELOOP and not isinstance(err.value, FileNotFoundError)
    dangling = tmp_path / "gone.wav"
    os.symlink(tmp_path / "nowhere.wav", dangling)
    with pytest.raises(FileNotFoundError, match="is a link to .*nowhere.wav.*does not exist"):
        helpers.load(dangling)


def test_device_is_not_a_file():
    with pytest.raises(ValueError, match="not a regular file"):
        helpers.load("/dev/null")


def test_file_deleted_between_header_and_decode(tmp_path, monkeypatch):
    p = tmp_path / "x.wav"
    sf.write(p, _tone(), SR)
    real_info = audio.info

    def info_then_delete(source):
        meta = real_info(source)
        Path(source).unlink()  # another process cleans the folder right now
        return meta

    monkeypatch.setattr(audio, "info", info_then_delete)
    with pytest.raises(FileNotFoundError, match="was deleted or moved while it was being loaded"):
        helpers.load(p)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file: see the next test")
def test_permission_denied_is_not_called_corrupt(tmp_path):
    f = tmp_path / "secret.wav"
    sf.write(f, _tone(), SR)
    os.chmod(f, 0o000)
    locked = tmp_path / "locked"
    locked.mkdir()
    sf.write(locked / "x.wav", _tone(), SR)
    os.chmod(locked, 0o000)
    try:
        with pytest.raises(PermissionError, match="permission denied.*not corrupt.*chmod"):
            helpers.load(f)
        with pytest.raises(PermissionError, match="a folder in its path"):
            helpers.load(locked / "x.wav")
    finally:
        os.chmod(f, 0o644)
        os.chmod(locked, 0o755)


def test_permission_denied_messages_as_the_os_reports_them(tmp_path, monkeypatch):
    """The operating system's EACCES (simulated: root may read everything) gives the
    permission message, not "not a readable audio file"."""
    import builtins

    f = tmp_path / "secret.wav"
    sf.write(f, _tone(), SR)
    real_open, real_stat = builtins.open, Path.stat

    def open_denied(file, *a, **k):
        if Path(file) == f:
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, *a, **k)

    monkeypatch.setattr(audio, "open", open_denied, raising=False)
    with pytest.raises(PermissionError) as err:
        helpers.load(f)
    msg = str(err.value)
    assert "permission denied" in msg and "not corrupt" in msg and "chmod" in msg
    assert "not a readable audio file" not in msg and _raised_by_helpers(err.value)
    monkeypatch.undo()

    def stat_denied(self, *a, **k):
        if self == f:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_stat(self, *a, **k)

    monkeypatch.setattr(Path, "stat", stat_denied)
    with pytest.raises(PermissionError, match="permission denied on a folder in its path"):
        helpers.load(f)


def test_unreadable_folder_in_a_dataset_is_listed_not_skipped_silently(tmp_path, monkeypatch):
    """os.walk skips a folder it cannot read without a word; the scan lists it (as the OS
    answers EACCES: simulated, since root reads every folder)."""
    root = _make_set(tmp_path / "set")
    (root / "low" / "session2").mkdir()
    sf.write(root / "low" / "session2" / "x.wav", _tone(), SR)
    real_scandir = os.scandir

    def scandir(path="."):
        if not isinstance(path, int) and Path(path) == root / "low" / "session2":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    entries = {e["file"]: e for e in ds.scan_folder(root)}
    e = entries["low/session2/"]
    assert e["status"] == "skipped" and e["label"] == "low"
    assert "folder cannot be read (permission denied)" in e["reason"] and "chmod" in e["reason"]
    with pytest.raises(ValueError, match=r"  low/session2/: folder cannot be read"):
        ds.build_dataset(root, out_dir=tmp_path / "out", errors="raise", **KW)


# ------------------------------------------------------------------ 6. plot misuse, out_dir
def test_plot_misuse_names_the_argument():
    import matplotlib.pyplot as plt

    from helpers import features, plot

    y = _tone()
    fig, axes = plt.subplots(1, 2)
    try:
        with pytest.raises(TypeError, match=r"ax= must be one matplotlib Axes.*got a Figure"):
            plot.waveform(y, SR, ax=fig)
        with pytest.raises(TypeError, match=r"ndarray of shape \(2,\).*ax=axes\[0\]"):
            plot.waveform(y, SR, ax=axes)
        with pytest.raises(TypeError, match="got list"):
            plot.segments(y, SR, segment_s=0.5, ax=list(axes))
        with pytest.raises(TypeError, match=r"segment_s must be the segment length in seconds"):
            plot.segments(y, SR, segment_s=None)
        for bad in (0, -1.0, float("nan")):
            with pytest.raises(ValueError, match="segment_s must be a finite number of seconds"):
                plot.segments(y, SR, segment_s=bad)
        w, freqs, _ = features.mel_filterbank(sr=SR, n_fft=2048, n_mels=40)
        w_small, _, _ = features.mel_filterbank(sr=SR, n_fft=1024, n_mels=40)
        with pytest.raises(ValueError, match=r"weights has 513 columns .* fft_freqs has 1025"):
            plot.mel_filters(w_small, freqs)
        with pytest.raises(ValueError, match=r"weights\.T"):
            plot.mel_filters(w.T, freqs)
        assert plot.mel_filters(w, freqs, ax=axes[0]) is axes[0]
    finally:
        plt.close(fig)


def test_out_dir_that_is_a_file_or_not_writable(tmp_path, monkeypatch):
    root = _make_set(tmp_path / "set")
    f = tmp_path / "taken"
    f.write_text("x")
    with pytest.raises(NotADirectoryError, match=r"out_dir .*taken.* is a file"):
        ds.build_dataset(root, out_dir=f, **KW)
    with pytest.raises(NotADirectoryError, match=r"is inside .*taken.*, which is a file"):
        ds.build_dataset(root, out_dir=f / "sub", **KW)
    if not os.access("/proc/sys", os.W_OK) and os.path.isdir("/proc/sys"):  # read-only
        with pytest.raises(PermissionError, match=r"out_dir '/proc/sys/outputs' cannot be "
                                                  r"written.*out_dir='outputs'"):
            ds.build_dataset(root, out_dir="/proc/sys/outputs", **KW)
    ro = tmp_path / "ro"
    ro.mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, m, **k: False if Path(p) == ro
                        else real_access(p, m, **k))
    with pytest.raises(PermissionError, match="cannot be written"):
        ds.build_dataset(root, out_dir=ro / "out", **KW)


# ---------------------------------------------------------------- 7. nothing left running
def _handlers():
    return {n: (lg.level, tuple(lg.handlers), lg.propagate)
            for n, lg in logging.Logger.manager.loggerDict.items()
            if isinstance(lg, logging.Logger)}


def _children():
    """Our live child processes, except the one resource tracker per kind that Python's
    multiprocessing and loky start once per session (not workers: they hold no audio and
    clean up shared memory should the session crash)."""
    import psutil

    out = set()
    for c in psutil.Process().children(recursive=True):
        try:
            if c.status() != psutil.STATUS_ZOMBIE and "resource_tracker" not in " ".join(
                    c.cmdline()):
                out.add(c.pid)
        except psutil.NoSuchProcess:
            pass
    return out


@pytest.mark.parametrize("backend, prefer", [("joblib", "processes"), ("joblib", "threads"),
                                             ("dask", "threads")])
def test_nothing_of_the_build_keeps_running(tmp_path, backend, prefer):
    from joblib.externals.loky import reusable_executor

    if backend == "dask":
        pytest.importorskip("dask.bag")
    if ds._loky_running():  # an earlier test's executor: not this build's
        ds._shutdown_loky()
    root = _make_set(tmp_path / "set")
    children, threads = _children(), {t.ident for t in threading.enumerate()}
    handlers = _handlers()
    ds.build_dataset(root, out_dir=tmp_path / "out", n_jobs=2, prefer=prefer, backend=backend,
                     **KW)
    assert _children() <= children, "worker processes left running"
    left = [t for t in threading.enumerate() if t.ident not in threads]
    assert not left, f"threads left running: {left}"
    after = _handlers()
    changed = {n: v for n, v in after.items() if handlers.get(n, (0, (), True)) != v}
    assert not changed, f"logging changed: {changed}"
    ex = getattr(reusable_executor, "_executor", None)
    assert ex is None or ex._flags.shutdown


def test_extract_files_with_processes_leaves_no_worker(tmp_path):
    if ds._loky_running():
        ds._shutdown_loky()
    files, _, _ = ds.find_clips(_make_set(tmp_path / "set"))
    children, threads = _children(), {t.ident for t in threading.enumerate()}
    out = ds.extract_files(files, n_jobs=2, prefer="processes", progress=False)
    assert len(out) == len(files) and all(len(r["audio_sha256"]) == 64 for r in out)
    assert _children() <= children
    assert not [t for t in threading.enumerate() if t.ident not in threads]


def test_the_callers_own_process_pool_is_left_alone(tmp_path):
    """A loky pool the caller started (joblib's reusable executor) is theirs: not shut down."""
    from joblib import Parallel, delayed

    assert Parallel(n_jobs=2, backend="loky")(delayed(pow)(2, k) for k in range(3)) == [1, 2, 4]
    assert ds._loky_running()
    ds.build_dataset(_make_set(tmp_path / "set"), out_dir=tmp_path / "out", n_jobs=2,
                     prefer="processes", **KW)
    assert ds._loky_running()  # still there, and still works
    assert Parallel(n_jobs=2, backend="loky")(delayed(pow)(3, k) for k in range(2)) == [1, 3]
    ds._shutdown_loky()


# ------------------------------------------------------------------------- 8. smaller ones
def test_too_few_files_names_the_folder(tmp_path):
    root = _make_set(tmp_path / "set", classes=("cat", "dog"))
    for i in (1, 2, 3):
        (root / "dog" / f"clip_{i}.wav").unlink()
    with pytest.raises(ValueError, match=r"label 'dog' \(folder dog/\) has only 1 file"):
        ds.build_dataset(root, out_dir=tmp_path / "out", **KW)


def test_one_class_folder_is_refused(tmp_path):
    root = _make_set(tmp_path / "set", classes=("dog",))
    with pytest.raises(ValueError, match=r"single label folder, 'dog'.*at least two"):
        ds.build_dataset(root, out_dir=tmp_path / "out", **KW)


def test_float_wav_beyond_full_scale_is_noted(tmp_path):
    p = tmp_path / "hot.wav"
    sf.write(p, 2.6 * np.sin(np.arange(SR) / 10).astype(np.float32), SR, subtype="FLOAT")
    with pytest.warns(audio.OutOfRangeAudioWarning, match=r"up to \u00b12\.6.*not clipped"):
        y, _ = helpers.load(p)
    assert np.max(np.abs(y)) > 2.5  # returned as it is
    sf.write(p, 0.9 * np.sin(np.arange(SR) / 10).astype(np.float32), SR, subtype="FLOAT")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        helpers.load(p)  # in range: no note


def test_float_wav_with_absurd_values_is_refused_not_returned_as_nan(tmp_path):
    """Found by the property test: finite float32 samples near 3e38 overflow to inf/NaN when
    resampled or down-mixed; load() promised finite samples."""
    p = tmp_path / "absurd.wav"
    y = np.full((2000, 2), 3e38, np.float32)
    y[::2] *= -1
    sf.write(p, y, 16000, subtype="FLOAT")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", audio.OutOfRangeAudioWarning)
        with pytest.raises(ValueError, match=r"up to \u00b13e\+38.*overflowed to inf/NaN.*rescale"):
            helpers.load(p)  # resampled to 22,050 Hz and down-mixed
        z, _ = helpers.load(p, sr=None, mono=False)  # as stored: finite, returned with a note
    assert np.isfinite(z).all()


def test_truncation_note_speaks_of_the_requested_part(tmp_path):
    p = tmp_path / "long.wav"
    sf.write(p, _tone(seconds=20.0), SR, subtype="PCM_16")
    raw = p.read_bytes()
    start = raw.index(b"data") + 8
    p.write_bytes(raw[: start + 2 * 10 * SR])  # 10 s of the declared 20 s exist
    with pytest.warns(audio.TruncatedAudioWarning) as rec:
        y, _ = helpers.load(p, duration=5)
    msg = str(rec[0].message)
    assert y.size == 5 * SR
    assert "requested part (0.000 to 5.000 s) lies in what exists and is loaded complete" in msg
    assert "Loading the 10.000 s" not in msg  # not about the whole file's length
    with pytest.warns(audio.TruncatedAudioWarning, match=r"Of the requested part \(8\.000 to "
                                                         r"12\.000 s\) 2\.000 s exist"):
        y, _ = helpers.load(p, offset=8, duration=4)
    assert y.size == 2 * SR
