#!/usr/bin/env python3
"""Print what a learner sees for common mistakes: each bad input, the exception and its message.

    python tools/error_table.py            # a Markdown table (used in docs and issue notes)

Every row must raise one of the documented exceptions (FileNotFoundError, IsADirectoryError,
NotADirectoryError, ValueError, TypeError, ModuleNotFoundError), or, for rows marked as warnings,
warn with the documented category (the call then goes on); the script exits 1 if any call
succeeds silently or raises something else, so it doubles as a smoke test
(tests/test_error_table.py runs it).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import soundfile as sf

import helpers
from helpers import audio, dataset, features, plot, spectral, stft, widgets

DOCUMENTED = (FileNotFoundError, IsADirectoryError, NotADirectoryError, ValueError, TypeError,
              ModuleNotFoundError)
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
    shipped = Path(dataset.__file__).resolve().parent.parent / "data"
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
