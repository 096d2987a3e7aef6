"""The install-time warm-up compiles what the notebooks use (issue 13 §2).

``make lab``/``make test``/postBuild run ``python -m helpers.warmup``; afterwards numba's cache
holds librosa's compiled kernels for loading (zero crossings), the power spectrogram (|X|²),
the inverse STFT (overlap-add, window sum-square) and peak picking. benchmarks/first_run.py
times the first audio cell from a clean cache before and after.
"""

from __future__ import annotations

import numpy as np

import helpers
import helpers.warmup as w


def _notebook_workload() -> None:
    """The librosa calls the notebooks make (each once, on a short clip)."""
    import librosa

    y, sr = helpers.load("chord", duration=1.0)
    librosa.resample(y, orig_sr=sr, target_sr=8000)
    S = librosa.stft(y=y, n_fft=1024, hop_length=256)
    librosa.istft(S, hop_length=256, n_fft=1024, length=len(y))
    M = librosa.feature.melspectrogram(y=y, sr=sr, n_fft=1024, hop_length=256)
    librosa.power_to_db(M, ref=np.max)
    librosa.amplitude_to_db(np.abs(S), ref=np.max)
    C = librosa.feature.mfcc(y=y, sr=sr, n_mfcc=13)
    librosa.feature.delta(C, order=2)
    librosa.pcen(np.abs(S) * 2**31, sr=sr, hop_length=256)
    librosa.onset.onset_detect(y=y, sr=sr)
    librosa.effects.time_stretch(y.astype(np.float64), rate=0.8)  # 07's augmentations
    librosa.effects.pitch_shift(y.astype(np.float64), sr=sr, n_steps=-3)


def test_after_the_warmup_the_notebook_calls_compile_nothing_new():
    w.warm(verbose=False)  # what `make` ran at install time (no compiling when already warm)
    before = {p.name for p in w.cache_files()}
    assert before, "the warm-up left no compiled librosa function in the cache"
    _notebook_workload()
    new = sorted({p.name for p in w.cache_files()} - before)
    assert not new, f"notebook calls compiled kernels the warm-up missed: {new}"


def test_cache_files_looks_where_numba_writes(tmp_path, monkeypatch):
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))
    assert w.cache_files() == []
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "utils._cabs2-2436.py311.nbi").write_bytes(b"x")
    assert [p.name for p in w.cache_files()] == ["utils._cabs2-2436.py311.nbi"]
