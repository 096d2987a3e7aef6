"""Compile librosa's numba kernels once, at install time, so a learner's first cell is fast.

librosa compiles some of its functions with numba the first time they are used (or imported)
and caches the machine code on disk. On a cold cache the first ``helpers.load`` takes about 20 s
and the first mel spectrogram or inverse STFT a few seconds more. ``make lab``, ``make test``
and Binder's ``postBuild`` run ``python -m helpers.warmup``, which calls what the notebooks call,
so the cache is warm before anyone opens a notebook. It prints where the cache is and how many
compiled functions it holds. Used by: the install steps (not by a notebook).
"""

from __future__ import annotations

import os
import time
from pathlib import Path


def cache_files(folder: Path | None = None) -> list[Path]:
    """numba's cache index files (``*.nbi``) for librosa: in ``NUMBA_CACHE_DIR`` when it is
    set, else in the ``__pycache__`` folders inside the installed librosa package."""
    if folder is None:
        env = os.environ.get("NUMBA_CACHE_DIR")
        if env:
            folder = Path(env)
        else:
            import librosa

            folder = Path(librosa.__file__).parent
    return sorted(p for p in Path(folder).rglob("*.nbi") if p.is_file())


def warm(verbose: bool = True) -> list[Path]:
    """Run every librosa path the notebooks use once (a second of audio); return the cache
    index files."""
    import numpy as np

    start = time.perf_counter()
    from . import load

    y, sr = load("blues", duration=1.0)  # imports librosa's audio module (compiles on import)
    import librosa

    S = librosa.stft(y=y, n_fft=512, hop_length=128)
    librosa.istft(S, hop_length=128, n_fft=512, length=len(y))  # overlap-add, window sum
    M = librosa.feature.melspectrogram(y=y, sr=sr, n_fft=512, hop_length=128, n_mels=40)
    C = librosa.feature.mfcc(S=librosa.power_to_db(M), n_mfcc=13)
    librosa.feature.delta(C)
    librosa.util.peak_pick(np.abs(y[:2048]), pre_max=3, post_max=3, pre_avg=3, post_avg=3,
                           delta=0.1, wait=5)  # local maxima helpers
    librosa.onset.onset_strength(y=y, sr=sr)
    librosa.effects.time_stretch(y.astype(np.float64), rate=1.25)  # 07: the phase vocoder
    librosa.effects.pitch_shift(y.astype(np.float64), sr=sr, n_steps=2)
    from .dataset.compute import compile_kernel

    compile_kernel()  # the dataset's |X|^2 + mel loop, so a first build_dataset does not pay
    files = cache_files()
    if verbose:
        where = os.environ.get("NUMBA_CACHE_DIR") or "librosa's __pycache__ folders"
        print(f"numba cache warm: {len(files)} compiled librosa functions in {where} "
              f"({time.perf_counter() - start:.1f} s)")
    return files


if __name__ == "__main__":
    warm()
