#!/usr/bin/env python3
"""Print what a learner sees for common mistakes: each bad input, the exception and its message.

    python tools/error_table.py            # a Markdown table (used in docs and issue notes)

Every row must raise one of the documented exceptions (FileNotFoundError, IsADirectoryError,
ValueError, TypeError); the script exits 1 if any call succeeds or raises something else, so it
doubles as a smoke test (tests/test_error_table.py runs it).
"""

from __future__ import annotations

import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import soundfile as sf

import helpers
from helpers import dataset, features, spectral, stft, widgets

DOCUMENTED = (FileNotFoundError, IsADirectoryError, ValueError, TypeError)


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
    ]


def main() -> int:
    bad = 0
    print("| mistake | exception | message the learner sees |")
    print("|---|---|---|")
    with tempfile.TemporaryDirectory() as d, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for what, call in cases(Path(d)):
            try:
                call()
            except DOCUMENTED as exc:
                msg = str(exc).replace("|", "\\|").replace(d, "<tmp>")
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
