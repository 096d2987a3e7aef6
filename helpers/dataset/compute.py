"""Segments and features of one clip: the per-segment librosa reference and the fast
whole-clip path (strided frames, one sparse mel filterbank, no BLAS); ``extract_file`` is the
per-file job every executor runs."""

from __future__ import annotations

import functools
import hashlib

import numpy as np

from ..audio import load_with_notes
from ..validate import check_positive_int, check_signal
from .params import TOP_DB, FeatureParams, _params


def cut_segments(y, segment_samples: int, *, remainder: str = "pad",
                 min_fill: float = 0.5) -> tuple[np.ndarray, np.ndarray, dict]:
    """Cut a mono signal into segments of ``segment_samples``; return ``segments, starts, counts``.

    ``segments`` has shape ``(n_segments, segment_samples)``; ``starts`` holds each segment's
    first sample. The remainder after the last full segment (or the whole clip, when shorter
    than one segment) is zero-padded when ``remainder="pad"`` and it is at least
    ``min_fill * segment_samples`` long; otherwise it is dropped. ``counts`` reports
    ``full``, ``padded``, ``dropped`` (partial segments dropped), ``pad_samples`` (zeros added)
    and ``dropped_samples`` (audio thrown away), so nothing happens silently.
    """
    y = check_signal(y, mono=True)
    L = check_positive_int(segment_samples, "segment_samples")
    if remainder not in ("pad", "drop"):
        raise ValueError(f"remainder must be 'pad' or 'drop', got {remainder!r}.")
    n_full, keep_rest, counts = segment_plan(y.size, L, remainder, min_fill)
    n = n_full + int(keep_rest)
    segments = np.zeros((n, L), dtype=y.dtype)
    segments[:n_full] = y[: n_full * L].reshape(n_full, L)
    if keep_rest:
        segments[n_full, : y.size - n_full * L] = y[n_full * L:]
    return segments, np.arange(n, dtype=np.int64) * L, counts


def segment_plan(n_samples: int, L: int, remainder: str, min_fill: float):
    """``(n_full, keep_rest, counts)`` of the segmenting policy for ``n_samples`` samples."""
    n_full, rest = divmod(n_samples, L)
    keep_rest = rest > 0 and remainder == "pad" and rest >= min_fill * L
    counts = dict(
        full=n_full,
        padded=int(keep_rest),
        dropped=int(rest > 0 and not keep_rest),
        pad_samples=int(L - rest) if keep_rest else 0,
        dropped_samples=0 if keep_rest else int(rest),
    )
    return n_full, keep_rest, counts



@functools.lru_cache(maxsize=8)
def _mel_basis(sr: int, n_fft: int, n_mels: int, fmin: float, fmax):
    """librosa's mel filterbank ``(n_mels, 1 + n_fft // 2)`` as a float32 CSR sparse matrix,
    built once per setting (building it costs about as much as the STFT of a 3 s segment, and
    librosa rebuilds it on every call).

    Each triangle covers a few bins (about 2,000 non-zeros of 131,200 for n_fft=2048, 128
    bands), so the sparse product is ~15x faster than the dense one, and it is a plain
    sequential loop: unlike a BLAS matrix product, whose float32 sums depend on how many
    threads split the work, it gives the same bytes on every machine, worker and thread count.
    """
    import librosa
    import scipy.sparse

    basis = librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax)
    return scipy.sparse.csr_matrix(basis.astype(np.float32))


@functools.lru_cache(maxsize=8)
def _hann(n_fft: int) -> np.ndarray:
    import scipy.signal

    w = scipy.signal.get_window("hann", n_fft, fftbins=True).astype(np.float32)
    w.setflags(write=False)
    return w


def _power_mel_kernel():
    """The compiled ``|X|^2`` + mel loop (``_kernel.power_mel``), or None when numba cannot be
    imported (librosa needs numba, so it is normally there): NumPy then computes the same bytes
    in two passes."""
    try:
        from ._kernel import power_mel
    except ImportError:  # pragma: no cover (librosa depends on numba)
        return None
    return power_mel


def compile_kernel() -> None:
    """Compile (or load from numba's disk cache) the ``|X|^2`` + mel loop for both block layouts
    of ``_mel_power``, on a few random frames: ``python -m helpers.warmup`` calls it at install
    time, so the first ``build_dataset`` does not pay for compiling."""
    p = FeatureParams()
    rng = np.random.default_rng(0)
    for segments, frames in ((1, 70), (3, 10)):  # long segments; several short ones per block
        _mel_power(rng.standard_normal((segments, frames, p.n_fft)).astype(np.float32), p)


def _mel_power(frames, p: FeatureParams, block: int = 64, compiled: bool = True) -> np.ndarray:
    """Mel power ``(segments, frames, n_mels)`` of ``frames`` ``(segments, frames, n_fft)``
    (any strided view; ``center=False`` framing done by the caller).

    The same numbers as ``librosa.feature.melspectrogram(center=False)`` per segment
    (transposed; float32 rounding aside): the Hann window, a real FFT, ``|X|^2``, then the
    sparse filterbank, about ``block`` frames at a time (64 frames keep every temporary in the
    CPU cache: measured 1.8x faster than 256). No BLAS call, so the bytes do not depend on
    thread settings, nor on ``block`` (every frame is computed on its own).

    ``|X|^2`` and the filterbank run in one compiled pass (``_kernel.power_mel``, numba,
    1.8x faster than NumPy's two passes for these two steps, ~0.85 ms of ~9 ms per 30 s
    track); ``compiled=False`` (or no numba) runs the NumPy form, which gives the same bytes
    (the tests compare them): square the FFT's output in place, add re^2 + im^2 into a
    transposed buffer, ``scipy.sparse``'s CSR product.

    The windowed frames and the power spectrum go into buffers allocated once per call
    (written with ``out=``); the FFT's output is then the only array allocated per block: a
    process whose ``malloc`` returns every large block to the system at once (Dask's nanny
    sets ``MALLOC_TRIM_THRESHOLD_`` for its workers, see ``dask_worker_config``) would
    otherwise page-fault every temporary afresh (measured 2x slower). Same bytes as computing
    each temporary anew.
    """
    import scipy.fft

    n, F, n_fft = frames.shape
    basis = _mel_basis(p.sr, p.n_fft, p.n_mels, p.fmin, p.fmax)
    window = _hann(n_fft)
    n_bins = n_fft // 2 + 1
    kernel = _power_mel_kernel() if compiled else None
    out = np.empty((n, F, p.n_mels), dtype=np.float32)
    rows_max = block if F >= block else max(1, block // F) * F
    windowed = np.empty(rows_max * n_fft, np.float32)
    power_t = np.empty(n_bins * rows_max, np.float32)  # (bins, rows): what the filterbank takes
    acc = np.empty(rows_max, np.float32)

    def mel(rows, dest):  # rows: (..., n_fft) frames -> dest (m, n_mels), contiguous
        m = rows.size // n_fft
        x = windowed[: m * n_fft].reshape(rows.shape)
        np.multiply(rows, window, out=x)
        spec = scipy.fft.rfft(x.reshape(m, n_fft), axis=-1)
        power = power_t[: n_bins * m].reshape(n_bins, m)  # contiguous, transposed
        if kernel is not None:
            kernel(spec, basis.indptr, basis.indices, basis.data, power, acc, dest)
            return
        parts = spec.view(np.float32)  # (m, 2 * n_bins): re, im, re, im ...
        np.square(parts, out=parts)
        np.add(parts[:, 0::2].T, parts[:, 1::2].T, out=power)  # re^2 + im^2
        dest[...] = (basis @ power).T

    if F >= block:  # long segments: blocks of frames inside each segment
        for s in range(n):
            for a in range(0, F, block):
                mel(frames[s, a: a + block], out[s, a: a + block])
    else:  # short segments: several whole segments per block
        k = block // F
        for s in range(0, n, k):
            seg = frames[s: s + k]
            mel(seg, out[s: s + k].reshape(-1, p.n_mels))
    return out


def _segment_frames(y, start: int, count: int, p: FeatureParams):
    """Frames ``(count, F, n_fft)`` of ``count`` consecutive segments from sample ``start``:
    a read-only strided view of ``y`` (no copy)."""
    s = y.strides[0]
    return np.lib.stride_tricks.as_strided(
        y[start:], shape=(count, p.frames_per_segment, p.n_fft),
        strides=(p.segment_samples * s, p.hop_length * s, s), writeable=False)


def features_per_segment(segments, params=None) -> np.ndarray:
    """Reference: one librosa call per segment. Returns ``(segments, frames, coefficients)``.

    MFCC: ``librosa.feature.mfcc(y=segment, center=False, ...)``; log-mel:
    ``librosa.power_to_db(melspectrogram(...), ref=1.0, top_db=...)``. Slow but obviously right.
    """
    import librosa

    p = _params(params)
    segments = np.atleast_2d(np.asarray(segments))
    out = np.empty((segments.shape[0], p.frames_per_segment, p.n_coefficients), np.float32)
    for i, seg in enumerate(segments):
        if p.feature == "mfcc":
            f = librosa.feature.mfcc(
                y=seg, sr=p.sr, n_mfcc=p.n_mfcc, n_fft=p.n_fft, hop_length=p.hop_length,
                center=False, n_mels=p.n_mels, fmin=p.fmin, fmax=p.fmax,
            )
        else:
            mel = librosa.feature.melspectrogram(
                y=seg, sr=p.sr, n_fft=p.n_fft, hop_length=p.hop_length, center=False,
                n_mels=p.n_mels, fmin=p.fmin, fmax=p.fmax)
            f = librosa.power_to_db(mel, ref=1.0, top_db=TOP_DB)
        out[i] = f.T
    return out


def features_whole_clip(y, params=None) -> tuple[np.ndarray, np.ndarray, dict]:
    """Fast path: segment ``y`` and compute every segment's features in one go.

    Returns ``X`` ``(segments, frames, coefficients)``, ``starts`` (samples) and the segment
    ``counts`` of ``cut_segments``. Every segment's frames are a strided view of ``y`` (no
    copy; only a padded last segment is copied), all framed, transformed and projected onto
    the mel filterbank in batched passes (``_mel_power``). Then dB
    (``top_db=80`` per segment, as the reference does) and the DCT run on all segments at once.
    Matches ``features_per_segment`` to float32 rounding: observed <= 1e-3 on values up to ~600
    (MFCC) or dB (log-mel); the tests allow an absolute 1e-2.
    """
    return _features(check_signal(y, mono=True), _params(params))


def _features(y, p: FeatureParams):
    """``features_whole_clip`` without the input checks (``extract_file``'s audio comes from
    ``helpers.audio``, already checked): validating 30 s of audio twice costs ~5 %."""
    import scipy.fft

    L, F = p.segment_samples, p.frames_per_segment
    n_full, keep_rest, counts = segment_plan(y.size, L, p.remainder, p.min_fill)
    n = n_full + int(keep_rest)
    starts = np.arange(n, dtype=np.int64) * L
    if n == 0:
        return np.zeros((0, F, p.n_coefficients), np.float32), starts, counts
    mel = np.empty((n, F, p.n_mels), np.float32)
    if n_full:  # every full segment's frames straight from y: a strided view, no copy
        mel[:n_full] = _mel_power(_segment_frames(y, 0, n_full, p), p)
    if keep_rest:  # the padded last segment: the only copy
        last = np.zeros(L, y.dtype)
        last[: y.size - n_full * L] = y[n_full * L:]
        mel[n_full:] = _mel_power(_segment_frames(last, 0, 1, p), p)
    db = mel  # dB in place (no temporaries: see _mel_power); same bytes as 10 * log10(max(...))
    np.maximum(db, 1e-10, out=db)
    np.log10(db, out=db)
    db *= 10.0
    np.maximum(db, db.max(axis=(1, 2), keepdims=True) - TOP_DB, out=db)
    if p.feature == "mfcc":
        db = scipy.fft.dct(db, axis=-1, type=2, norm="ortho", overwrite_x=True)[..., : p.n_mfcc]
    return np.ascontiguousarray(db, dtype=np.float32), starts, counts


def extract_file(path, params=None, *, method: str = "whole") -> dict:
    """The per-file job (same function for serial, joblib and Dask): load, segment, features.

    Returns ``{"path", "X" (segments, frames, coefficients), "starts_s", "counts",
    "duration_s", "notes", "audio_sha256"}``; ``notes`` lists problems that did not stop the
    file (a truncated file: declared vs found length); ``audio_sha256`` is the SHA-256 of the
    decoded samples (mono, resampled to ``params.sr``, float32), which finds the same audio in
    two files whatever their format or name. ``method="per-segment"`` uses the slow reference instead.
    The fast path makes no BLAS call, so its bytes are the same on every machine, worker and
    thread setting (nothing global is changed to achieve it).
    """
    return _extract(path, _params(params), method, audio_hash=True)


def _extract(path, p: FeatureParams, method: str, *, audio_hash: bool) -> dict:
    """``extract_file``; ``audio_hash=False`` (``build_dataset``'s job) returns
    ``features_key`` instead of ``audio_sha256``: the number of samples and the SHA-256 of
    the features, 40x fewer bytes to hash than the audio (hashing 30 s of float32 audio costs
    ~1.5 ms, a sixth of the file's features). Identical audio always gives identical keys, so
    only files whose keys match can be duplicates; the builder then hashes their audio
    (``_audio_sha256_or_error``) to decide, as before."""
    if method not in ("whole", "per-segment"):
        raise ValueError(f"method must be 'whole' or 'per-segment', got {method!r}.")
    y, _, notes = load_with_notes(path, sr=p.sr, mono=True)
    if method == "whole":
        X, starts, counts = _features(y, p)
    else:
        segs, starts, counts = cut_segments(y, p.segment_samples, remainder=p.remainder,
                                            min_fill=p.min_fill)
        X = features_per_segment(segs, p) if len(segs) else np.zeros(
            (0, p.frames_per_segment, p.n_coefficients), np.float32)
    out = dict(path=str(path), X=X, starts_s=starts / p.sr, counts=counts,
               duration_s=y.size / p.sr, notes=[str(n) for n in notes])
    if audio_hash:
        out["audio_sha256"] = _audio_sha256(y)
    else:
        out["features_key"] = f"{y.size}:{hashlib.sha256(np.ascontiguousarray(X).data).hexdigest()}"
    return out


def _audio_sha256(y: np.ndarray) -> str:
    """SHA-256 of the samples' bytes (float32, C order): equal for the same decoded audio."""
    return hashlib.sha256(np.ascontiguousarray(y, dtype=np.float32).data).hexdigest()


def _extract_or_error(path, params, method="whole", *, audio_hash: bool = True) -> dict:
    """``extract_file``, but a file that cannot be used gives ``{"path", "error"}`` instead of
    stopping the other 999 (the builder reports it, with its path relative to the root)."""
    try:
        return _extract(path, _params(params), method, audio_hash=audio_hash)
    except ValueError as exc:  # the helpers' own clear messages
        return dict(path=str(path), error=str(exc))
    except (OSError, TypeError, RuntimeError, EOFError, MemoryError) as exc:
        return dict(path=str(path), error=f"{type(exc).__name__}: {exc}")


def _extract_for_build(path, params, method="whole") -> dict:
    """``build_dataset``'s per-file job: ``_extract_or_error`` with ``features_key`` instead of
    the audio's SHA-256 (see ``_extract``)."""
    return _extract_or_error(path, params, method, audio_hash=False)


def _audio_sha256_or_error(path, params, method=None) -> dict:
    """``{"path", "audio_sha256"}`` of the decoded audio (as ``extract_file`` gives it), or
    ``{"path", "error"}``: the builder's check of files whose features match."""
    p = _params(params)
    try:
        y, _, _ = load_with_notes(path, sr=p.sr, mono=True)
    except (ValueError, OSError, TypeError, RuntimeError, EOFError, MemoryError) as exc:
        return dict(path=str(path), error=f"{type(exc).__name__}: {exc}")
    return dict(path=str(path), audio_sha256=_audio_sha256(y))
