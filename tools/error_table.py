#!/usr/bin/env python3
"""Print what a learner sees for common mistakes: each bad input, the exception and its message.

    python tools/error_table.py            # a Markdown table (used in docs and issue notes)

Every row must raise one of the documented exceptions (FileNotFoundError, IsADirectoryError,
NotADirectoryError, PermissionError, OSError, ValueError, TypeError, ModuleNotFoundError), or, for rows marked as warnings,
warn with the documented category (the call then goes on); the script exits 1 if any call
succeeds silently or raises something else, so it doubles as a smoke test
(tests/test_error_table.py runs it).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import struct
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import soundfile as sf

import helpers
from helpers import audio, dataset, features, plot, spectral, stft, widgets

DOCUMENTED = (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError, OSError,
              ValueError, TypeError, ModuleNotFoundError)
WARNS = "warns"  # third element of a case: the call warns (and goes on) instead of raising


@contextlib.contextmanager
def _without(*modules):
    """As if ``modules`` were not installed (an optional extra left out)."""
    saved = {m: sys.modules.get(m) for m in modules}
    sys.modules.update({m: None for m in modules})
    try:
        yield
    finally:
        for m, mod in saved.items():
            if mod is None:
                sys.modules.pop(m, None)
            else:
                sys.modules[m] = mod


@contextlib.contextmanager
def _env(**values):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _no_dask(root, out):
    with _without("dask", "dask.bag", "distributed"):
        dataset.build_dataset(root, out_dir=out, backend="dask", progress=False, summary=False,
                              fractions=(0.5, 0.25, 0.25))


def _shipped_data_as_out_dir(tmp):
    copy = tmp / "data_copy"
    if not copy.exists():
        shutil.copytree(helpers.data.data_dir(), copy)
    shipped = helpers.data.shipped_data_dir()
    with _env(AUDIO_COURSE_DATA=str(copy)):
        dataset.build_dataset(copy / "instruments", out_dir=shipped / "outputs", progress=False)


def _three_takes(tmp: Path) -> Path:
    """root/{a,b,c}/take_0N.wav, and b/take_01.wav is not audio: which take_01 is broken?"""
    root = tmp / "takes"
    sr = 22050
    for k, label in enumerate("abc"):
        (root / label).mkdir(parents=True)
        for i in range(1, 5):
            t = np.arange(int(1.2 * sr)) / sr
            sf.write(root / label / f"take_0{i}.wav",
                     (0.3 * np.sin(2 * np.pi * (300 * (k + 1) + 20 * i) * t)).astype(np.float32),
                     sr)
    (root / "b" / "take_01.wav").write_text("not audio\n" * 50)
    return root


def _wav_header(rate: int, channels: int = 1, frames: int | None = None,
                data: bytes = b"") -> bytes:
    """A 16-bit PCM WAV written by hand: any declared rate and frame count."""
    block = 2 * channels
    size = len(data) if frames is None else frames * block
    fmt = struct.pack("<HHIIHH", 1, channels, rate, (rate * block) & 0xFFFFFFFF, block, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", size)
    return b"RIFF" + struct.pack("<I", min(len(body) + size, 0xFFFFFFFF)) + body + data


def _huge(tmp: Path) -> Path:
    """A 2.16 GB WAV (sparse: no disk space used) whose header says 6.8 hours of 44.1 kHz
    stereo."""
    p = tmp / "six_hours.wav"
    if not p.exists():
        frames = 540_000_000
        with open(p, "wb") as fh:
            fh.write(_wav_header(44100, 2, frames=frames))
            fh.truncate(44 + frames * 4)
    return p


@contextlib.contextmanager
def _unreadable(path: Path):
    """``path`` unreadable: chmod 000, or (root reads everything) the operating system's
    EACCES answer as helpers.audio sees it when it opens the file."""
    import errno

    real_open = open

    def denied(file, *a, **k):
        if Path(file) == path:
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, *a, **k)

    os.chmod(path, 0o000)
    audio.open = denied
    try:
        yield path
    finally:
        del audio.open
        os.chmod(path, 0o644)


def _load_unreadable(path: Path):
    with _unreadable(path):
        helpers.load(path)


def _deleted_while_loading(path: Path):
    """Another process removes the file after its header was read."""
    real_info = audio.info

    def info_then_gone(source):
        meta = real_info(source)
        Path(source).unlink()
        return meta

    audio.info = info_then_gone
    try:
        helpers.load(path)
    finally:
        audio.info = real_info


def _messy_for_strict(tmp: Path) -> Path:
    root = tmp / "strict"
    if not root.exists():
        shutil.copytree(_three_takes(tmp / "strict_src"), root)
        sf.write(root / "loose.wav", np.zeros(22050, np.float32), 22050)  # scan time
        (root / "c" / "one_hz.wav").write_bytes(_wav_header(1, data=bytes(2000)))  # decode time
    return root


def _copies_across_labels(tmp: Path) -> Path:
    root = tmp / "copies"
    if not root.exists():
        shutil.copytree(_three_takes(tmp / "copies_src"), root)
        (root / "b" / "take_01.wav").unlink()
        shutil.copy(root / "a" / "take_02.wav", root / "c" / "take_09.wav")
    return root


def _few(tmp: Path, labels=("cat", "dog"), n=(4, 2)) -> Path:
    root = tmp / ("few_" + "_".join(labels))
    if not root.exists():
        for label, k in zip(labels, n, strict=True):
            (root / label).mkdir(parents=True)
            for i in range(k):
                t = np.arange(22050) / 22050
                sf.write(root / label / f"{i}.wav",
                         (0.3 * np.sin(2 * np.pi * (200 + 50 * i + 900 * len(label)) * t))
                         .astype(np.float32), 22050)
    return root


def _plot_call(fn):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2)
    try:
        return fn(fig, axes)
    finally:
        plt.close(fig)


def _explorer_update(kind: str, **values):
    sr = 22050
    y = (0.3 * np.sin(2 * np.pi * 440 * np.arange(2 * sr) / sr)).astype(np.float32)
    ex = widgets.stft_explorer(y, sr) if kind == "stft" else widgets.mfcc_explorer(y, sr)
    ex.update(**values)


def cases(tmp: Path):
    sr = 22050
    y = (0.5 * np.sin(2 * np.pi * 440 * np.arange(sr) / sr)).astype(np.float32)
    nan = y.copy()
    nan[100] = np.nan
    (tmp / "empty.wav").write_bytes(b"")
    (tmp / "notes.wav").write_text("not audio\n" * 50)
    (tmp / "cut.wav").write_bytes(helpers.data.path("tone").read_bytes()[:30])
    sf.write(tmp / "nan.wav", nan, sr, subtype="FLOAT")
    (tmp / "nolabels").mkdir()
    full = helpers.data.path("tone").read_bytes()
    (tmp / "short.wav").write_bytes(full[: len(full) * 6 // 10])  # header says 2 s
    takes = _three_takes(tmp)
    (tmp / "one_hz.wav").write_bytes(_wav_header(1, data=bytes(88_000)))
    (tmp / "giga_hz.wav").write_bytes(_wav_header(2_000_000_000, data=bytes(4000)))
    sf.write(tmp / "locked.wav", y, sr)
    sf.write(tmp / "doomed.wav", y, sr)
    os.symlink(tmp / "loop.wav", tmp / "loop.wav")
    os.symlink(tmp / "moved_away.wav", tmp / "dangling.wav")
    sf.write(tmp / "hot.wav", 2.6 * y / 0.5, sr, subtype="FLOAT")
    sf.write(tmp / "long_cut.wav", np.tile(y, 20), sr, subtype="PCM_16")
    raw = (tmp / "long_cut.wav").read_bytes()
    (tmp / "long_cut.wav").write_bytes(raw[: raw.index(b"data") + 8 + 2 * 10 * sr])
    db = (-80 * np.random.default_rng(0).random((513, 40))).astype(np.float32)
    return [
        ("missing file", lambda: helpers.load("recordings/my_song.wav")),
        ("a folder instead of a file", lambda: helpers.load(tmp)),
        ("empty file (0 bytes)", lambda: helpers.load(tmp / "empty.wav")),
        ("a text file named .wav", lambda: helpers.load(tmp / "notes.wav")),
        ("truncated WAV", lambda: helpers.load(tmp / "cut.wav")),
        ("WAV holding NaN samples", lambda: helpers.load(tmp / "nan.wav")),
        ("sample rate 0", lambda: helpers.load("tone", sr=0)),
        ("unknown clip name", lambda: helpers.data.path("bluez")),
        ("empty signal", lambda: spectral.spectrum(np.zeros(0, np.float32), sr)),
        ("NaN in the signal", lambda: spectral.spectrum(nan, sr)),
        ("int16 samples", lambda: spectral.spectrum((y * 32767).astype(np.int16), sr)),
        ("stereo where mono is expected", lambda: spectral.spectrum(np.stack([y, y]), sr)),
        ("sample rate <= 0", lambda: spectral.spectrum(y, -22050)),
        ("unknown window", lambda: spectral.spectrum(y, sr, window="hanning_typo")),
        ("n_fft longer than the signal", lambda: stft.stft(y[:1000], sr=sr, n_fft=2048)),
        ("hop_length = 0", lambda: stft.stft(y, sr=sr, n_fft=2048, hop_length=0)),
        ("hop_length > n_fft", lambda: stft.stft(y, sr=sr, n_fft=512, hop_length=1024)),
        ("all-zero signal, dB re max", lambda: features.to_db(np.zeros((4, 4)), ref="max",
                                                              kind="power")),
        ("complex STFT passed to to_db", lambda: features.to_db(np.ones((2, 2), complex))),
        ("n_mfcc > n_mels", lambda: features.mfcc(y, sr=sr, n_mfcc=40, n_mels=20)),
        ("fmax above Nyquist", lambda: features.mfcc(y, sr=sr, fmax=16000)),
        ("too many mel bands for n_fft", lambda: features.mel_filterbank(sr=sr, n_fft=256,
                                                                         n_mels=128)),
        ("explorer given a file name", lambda: widgets.stft_explorer("blues", sr)),
        ("silent signal in a dB re max picture", lambda: widgets.stft_explorer(y * 0, sr)),
        ("MFCC explorer with empty mel filters", lambda: widgets.mfcc_explorer(
            y, sr, n_fft=256, hop_length=64, n_mels=128)),
        ("top_db = 0", lambda: widgets.db_view(np.ones((4, 4)), top_db=0)),
        ("amin = 0", lambda: widgets.db_view(np.ones((4, 4)), amin=0)),
        ("explorer tone above Nyquist", lambda: widgets.spectrum_explorer(sr, freq=11025.01)),
        ("explorer hop not a fraction of n_fft", lambda: widgets.stft_explorer(
            y, sr, n_fft=2048, hop_length=300)),
        ("dataset folder missing", lambda: dataset.find_clips(tmp / "no_such_folder")),
        ("dataset folder without label folders", lambda: dataset.find_clips(tmp / "nolabels")),
        ("output written into data/", lambda: dataset.build_dataset(
            out_dir=helpers.data.data_dir(), progress=False)),
        ("split fractions not summing to 1", lambda: dataset.split_by_file(
            np.repeat([0, 1, 2], 12), fractions=(0.5, 0.2, 0.2))),
        # issue 12: side effects and silent losses
        ("WAV cut short (header promises 2 s)", lambda: helpers.load(tmp / "short.wav"), WARNS),
        ("(samples, channels) array to resample", lambda: audio.resample(
            np.zeros((88200, 1), np.float32), orig_sr=44100, target_sr=22050)),
        ("(samples, channels) array to play", lambda: helpers.play(
            np.zeros((44100, 2), np.float32), 44100)),
        ("(samples, channels) array where mono is expected", lambda: spectral.spectrum(
            np.zeros((44100, 2), np.float32), 44100)),
        ("dataset with a broken file, errors='raise'", lambda: dataset.build_dataset(
            takes, out_dir=tmp / "out", errors="raise", progress=False)),
        ("dataset policy misspelt", lambda: dataset.build_dataset(
            takes, out_dir=tmp / "out", errors="ignore")),
        ("backend='dask' without Dask installed", lambda: _no_dask(takes, tmp / "out")),
        ("out_dir in the shipped data/ (AUDIO_COURSE_DATA = a copy)",
         lambda: _shipped_data_as_out_dir(tmp)),
        # issue 12: wrong pictures
        ("spectrogram of a 1-D array", lambda: plot.spectrogram(
            y, sr=sr, hop_length=512, label="Magnitude (dB re max)")),
        ("spectrogram rows do not match n_fft", lambda: plot.spectrogram(
            db, sr=sr, hop_length=256, n_fft=2048, label="Magnitude (dB re max)")),
        ("spectrogram with -inf (20*log10 of 0)", lambda: plot.spectrogram(
            np.where(db < -70, -np.inf, db), sr=sr, hop_length=256, label="dB")),
        ("MFCC plot of all-NaN data", lambda: plot.mfcc(
            np.full((13, 40), np.nan), sr=sr, hop_length=512)),
        ("spectrum with an np.fft.fftfreq axis", lambda: plot.spectrum(
            np.fft.fftfreq(y.size, 1 / sr), np.abs(np.fft.fft(y)))),
        ("samples() of a whole clip", lambda: plot.samples(np.tile(y, 10), sr)),
        # issue 12: long clips
        ("STFT of 10 min with hop_length=1", lambda: stft.stft(
            np.zeros(sr * 600, np.float32), sr=sr, n_fft=2048, hop_length=1)),
        # issue 21: memory bounded by the header, every failure listed, duplicates, OS errors
        ("88 KB WAV whose header says 1 Hz", lambda: helpers.load(tmp / "one_hz.wav")),
        ("header claiming 2,000,000,000 Hz", lambda: helpers.load(tmp / "giga_hz.wav")),
        ("2 GB WAV claiming 6.8 hours, loaded whole", lambda: helpers.load(_huge(tmp))),
        ("file unreadable (permission denied)", lambda: _load_unreadable(tmp / "locked.wav")),
        ("file deleted between header and decode",
         lambda: _deleted_while_loading(tmp / "doomed.wav")),
        ("a symlink loop", lambda: helpers.load(tmp / "loop.wav")),
        ("a link to a file that is gone", lambda: helpers.load(tmp / "dangling.wav")),
        ("the root folder '/' as a file", lambda: helpers.load("/")),
        ("a device (/dev/null) as a file", lambda: helpers.load("/dev/null")),
        ("float WAV peaking at +-2.6", lambda: helpers.load(tmp / "hot.wav"), WARNS),
        ("load(duration=5) of a truncated long file",
         lambda: helpers.load(tmp / "long_cut.wav", duration=5), WARNS),
        ("errors='raise': scan-time AND decode-time problems", lambda: dataset.build_dataset(
            _messy_for_strict(tmp), out_dir=tmp / "out", errors="raise", progress=False,
            fractions=(0.5, 0.25, 0.25))),
        ("errors='raise': the same audio under two labels", lambda: dataset.build_dataset(
            _copies_across_labels(tmp), out_dir=tmp / "out", errors="raise", progress=False,
            fractions=(0.5, 0.25, 0.25))),
        ("too few files in one class", lambda: dataset.build_dataset(
            _few(tmp), out_dir=tmp / "out", progress=False)),
        ("a one-class folder", lambda: dataset.build_dataset(
            _few(tmp, ("dog",), (6,)), out_dir=tmp / "out", progress=False)),
        ("out_dir is an existing file", lambda: dataset.build_dataset(
            _few(tmp, ("cat", "dog"), (4, 4)), out_dir=tmp / "hot.wav", progress=False)),
        ("out_dir not writable (a read-only folder)", lambda: dataset.build_dataset(
            _few(tmp, ("cat", "dog"), (4, 4)), out_dir="/proc/sys/outputs", progress=False)),
        ("explorer update(window='kaiser')", lambda: _explorer_update("stft", window="kaiser")),
        ("explorer update(n_fft=1000)", lambda: _explorer_update("stft", n_fft=1000)),
        ("MFCC explorer update(n_mfcc=1)", lambda: _explorer_update("mfcc", n_mfcc=1)),
        ("plot with ax= a Figure", lambda: _plot_call(lambda fig, axes: plot.waveform(
            y, sr, ax=fig))),
        ("plot with ax= an array of Axes", lambda: _plot_call(lambda fig, axes: plot.waveform(
            y, sr, ax=axes))),
        ("mel_filters with weights of another n_fft", lambda: plot.mel_filters(
            features.mel_filterbank(sr=sr, n_fft=1024, n_mels=40)[0],
            features.mel_filterbank(sr=sr, n_fft=2048, n_mels=40)[1])),
        ("segments plot with segment_s=None", lambda: plot.segments(y, sr, segment_s=None)),
    ]


def main() -> int:
    bad = 0
    print("| mistake | exception | message the learner sees |")
    print("|---|---|---|")
    with tempfile.TemporaryDirectory() as d, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for what, call, *kind in cases(Path(d)):
            if kind == [WARNS]:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    try:
                        call()
                    except Exception as exc:  # noqa: BLE001 - this is what the table is about
                        print(f"| {what} | **raised {type(exc).__name__}, expected a warning** "
                              f"| {exc} |")
                        bad += 1
                        continue
                if caught:
                    w = caught[0]
                    msg = str(w.message).replace("|", "\\|").replace(d, "<tmp>")
                    print(f"| {what} | `{w.category.__name__}` (warning; loads what exists) "
                          f"| {msg} |")
                else:
                    print(f"| {what} | **no warning** | |")
                    bad += 1
                continue
            try:
                call()
            except DOCUMENTED as exc:
                msg = (str(exc).replace("|", "\\|").replace(d, "<tmp>")
                       .replace("\n", " <br> "))
                print(f"| {what} | `{type(exc).__name__}` | {msg} |")
                continue
            except Exception as exc:  # noqa: BLE001 - this is what the table is about
                print(f"| {what} | **UNDOCUMENTED {type(exc).__name__}** | {exc} |")
            else:
                print(f"| {what} | **no error raised** | |")
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
