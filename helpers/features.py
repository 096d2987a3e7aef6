"""Decibels, the mel scale, mel spectrograms and MFCCs, written out in NumPy/SciPy.

These are teaching implementations: each step is a few visible lines, and ``tests/
test_features.py`` checks every one against librosa (``amplitude_to_db``, ``power_to_db``,
``hz_to_mel``, ``filters.mel``, ``feature.melspectrogram``, ``feature.mfcc``, ``feature.delta``)
with stated tolerances.

Used by: 04_decibels (``to_db``, ``mel_spectrogram``), 05_mfcc (``hz_to_mel``, ``mel_to_hz``,
``mel_filterbank``, ``power_spectrogram``, ``mfcc``, ``deltas``, ``normalise_per_coefficient``),
06_dataset_for_deep_learning (``mfcc``, ``normalise_per_coefficient``).
"""

from __future__ import annotations

import functools
import numbers

import numpy as np
import scipy.fft
import scipy.signal

from .validate import (
    check_mel_params,
    check_positive_int,
    check_real_array,
    check_signal,
    check_spectrum,
    check_sr,
    check_top_db,
    silent_signal_error,
)

__all__ = [
    "to_db",
    "hz_to_mel",
    "mel_to_hz",
    "mel_filterbank",
    "mel_basis",
    "power_spectrogram",
    "mel_spectrogram",
    "mfcc",
    "mfcc_from_log_mel",
    "deltas",
    "normalise_per_coefficient",
]

#: librosa's default ``amin`` (smallest value before the log) for each kind of input.
DEFAULT_AMIN = {"amplitude": 1e-5, "power": 1e-10}


# ---------------------------------------------------------------------------------------------
# decibels (04)
# ---------------------------------------------------------------------------------------------
def to_db(S, *, kind: str = "amplitude", ref=1.0, amin: float | None = None,
          top_db: float | None = 80.0) -> np.ndarray:
    """Convert a magnitude (``kind="amplitude"``) or power (``kind="power"``) array to decibels.

    ``dB = 20 log10(max(amin, S) / ref)`` for magnitudes and ``10 log10(max(amin, S) / ref)``
    for powers (power = magnitude**2, so both give the same dB for the same sound).

    Parameters
    ----------
    S : array, real and >= 0
        ``np.abs(stft)`` for ``kind="amplitude"``; ``np.abs(stft) ** 2`` (or a mel
        spectrogram) for ``kind="power"``.
    ref : float > 0, ``"max"`` or a callable
        What 0 dB means. ``1.0``: "dB re full scale" (a full-scale value is 0 dB). ``"max"``
        (or ``np.max``): the loudest value of ``S`` is 0 dB ("dB re max").
    amin : float > 0
        Values below ``amin`` are raised to it before the log (the log of 0 is -inf).
        Default 1e-5 for magnitude, 1e-10 for power (the same -100 dB floor re 1.0).
    top_db : float > 0 or None
        Clip everything more than ``top_db`` dB below the loudest value (None: no clipping).

    Same numbers as ``librosa.amplitude_to_db`` / ``librosa.power_to_db``. Used by 04, 05.
    """
    if kind not in DEFAULT_AMIN:
        raise ValueError(f"kind must be 'amplitude' (for |S|) or 'power' (for |S|**2), got {kind!r}.")
    S = check_spectrum(S)
    amin = DEFAULT_AMIN[kind] if amin is None else amin
    if isinstance(amin, bool) or not isinstance(amin, numbers.Real) or not amin > 0:
        raise ValueError(f"amin must be a number > 0 (e.g. 1e-5), got {amin!r}: log10(0) is -inf.")
    top_db = check_top_db(top_db)  # top_db=0 would flatten everything to the maximum
    if isinstance(ref, str):
        if ref != "max":
            raise ValueError(f"ref must be a number > 0, 'max' or a function such as np.max, "
                             f"got {ref!r}.")
        ref_value = float(np.max(S))
    elif callable(ref):
        ref_value = float(ref(S))
    elif isinstance(ref, numbers.Real) and not isinstance(ref, bool) and np.isfinite(ref) \
            and ref > 0:
        ref_value = float(ref)
    else:
        raise ValueError(f"ref must be a number > 0 (e.g. 1.0), 'max' or np.max, got {ref!r}.")
    if not ref_value > 0:
        if not np.any(S):
            raise silent_signal_error()  # the same message as every dB re max picture
        raise ValueError(
            f"ref={ref!r} gives a reference of {ref_value:g}: S is all zeros (silence?), so dB "
            "relative to its maximum is undefined (everything would read 0 dB, as loud as it "
            "gets). Check the signal, or use a fixed reference such as ref=1.0."
        )
    if kind == "amplitude":  # work in power, as librosa does: 20 log10(a) = 10 log10(a**2)
        S, ref_value, amin = np.square(S), ref_value**2, amin**2
    db = 10.0 * np.log10(np.maximum(amin, S))
    db -= 10.0 * np.log10(np.maximum(amin, ref_value))
    if top_db is not None:
        db = np.maximum(db, db.max() - top_db)
    return db


# ---------------------------------------------------------------------------------------------
# the mel scale and filterbank (04, 05)
# ---------------------------------------------------------------------------------------------
_F_SP = 200.0 / 3  # Slaney: 3 mel per 200 Hz below 1 kHz (linear part)
_MIN_LOG_HZ = 1000.0
_MIN_LOG_MEL = _MIN_LOG_HZ / _F_SP  # = 15 mel
_LOGSTEP = np.log(6.4) / 27.0  # Slaney: 27 mel per factor 6.4 in frequency above 1 kHz


def _as_freqs(x, name: str) -> np.ndarray:
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be a number or an array of numbers, got {type(x).__name__}.")
    try:
        arr = np.asarray(x, dtype=float) if not isinstance(x, np.ndarray) \
            or x.dtype.kind in "iu" else np.asarray(x)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number or an array of numbers, got {x!r}.") from None
    if arr.dtype.kind not in "f":
        raise TypeError(f"{name} must be real numbers, got dtype {arr.dtype}.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    if np.any(arr < 0):
        raise ValueError(f"{name} must be >= 0, got min {arr.min():g}.")
    return arr


def hz_to_mel(f, *, htk: bool = False):
    """Frequency in Hz -> mel. ``htk=True``: ``2595 log10(1 + f/700)`` (1000 Hz = 1000 mel).

    ``htk=False`` (librosa's default, Slaney's Auditory Toolbox): linear below 1 kHz
    (``f / (200/3)``, so 1000 Hz = 15 mel), logarithmic above. Used by 05.
    """
    f = _as_freqs(f, "f (Hz)")
    if htk:
        return 2595.0 * np.log10(1.0 + f / 700.0)
    mels = f / _F_SP
    above = f >= _MIN_LOG_HZ
    mels = np.where(above, _MIN_LOG_MEL + np.log(np.maximum(f, _MIN_LOG_HZ) / _MIN_LOG_HZ)
                    / _LOGSTEP, mels)
    return mels if mels.ndim else float(mels)


def mel_to_hz(m, *, htk: bool = False):
    """Mel -> frequency in Hz (the inverse of :func:`hz_to_mel`). Used by 05."""
    m = _as_freqs(m, "m (mel)")
    if htk:
        return 700.0 * (10.0 ** (m / 2595.0) - 1.0)
    f = _F_SP * m
    f = np.where(m >= _MIN_LOG_MEL, _MIN_LOG_HZ * np.exp(_LOGSTEP * (m - _MIN_LOG_MEL)), f)
    return f if f.ndim else float(f)


def mel_filterbank(*, sr: int, n_fft: int, n_mels: int = 128, fmin: float = 0.0,
                   fmax: float | None = None, htk: bool = False):
    """Triangular mel filters: ``(weights, fft_freqs, mel_center_freqs_hz)``.

    ``weights`` has shape ``(n_mels, 1 + n_fft // 2)``: row ``m`` is filter ``m`` evaluated at
    each FFT bin frequency ``fft_freqs`` (Hz). Filter centres are equally spaced in mel between
    ``fmin`` and ``fmax``; each triangle reaches from its left to its right neighbour's centre
    and is scaled to unit area ("Slaney" normalisation, librosa's default), so a wide
    high-frequency filter does not collect more energy just because it is wide. Raises
    ValueError if a filter would contain no FFT bin (librosa only warns "Empty filters").
    Same numbers as ``librosa.filters.mel``. Used by 05.
    """
    sr = check_sr(sr)
    n_fft = check_positive_int(n_fft, "n_fft", minimum=2)
    n_mels, fmin, fmax = check_mel_params(sr, n_mels=n_mels, fmin=fmin, fmax=fmax, n_fft=n_fft)
    fft_freqs = np.fft.rfftfreq(n_fft, d=1.0 / sr)
    mel_edges = np.linspace(hz_to_mel(fmin, htk=htk), hz_to_mel(fmax, htk=htk), n_mels + 2)
    hz_edges = mel_to_hz(mel_edges, htk=htk)  # n_mels + 2 points: left edge, centres, right edge
    widths = np.diff(hz_edges)
    ramps = hz_edges[:, None] - fft_freqs[None, :]
    weights = np.zeros((n_mels, fft_freqs.size))
    for i in range(n_mels):
        rising = -ramps[i] / widths[i]
        falling = ramps[i + 2] / widths[i + 1]
        weights[i] = np.maximum(0.0, np.minimum(rising, falling))
    empty = int(np.count_nonzero(weights.max(axis=1) == 0))
    if empty:
        raise ValueError(
            f"{empty} of the {n_mels} mel filters would be empty: the narrowest filter is "
            f"{(hz_edges[2:] - hz_edges[:-2]).min():.1f} Hz wide but the FFT bins are "
            f"{sr / n_fft:.1f} Hz apart (sr / n_fft), so no bin falls inside it. Use a larger "
            "n_fft or fewer mel bands (n_mels)."
        )
    weights *= (2.0 / (hz_edges[2:] - hz_edges[:-2]))[:, None]  # unit-area triangles
    return weights, fft_freqs, hz_edges[1:-1]


@functools.lru_cache(maxsize=32)
def _filterbank_cached(sr, n_fft, n_mels, fmin, fmax, htk):
    weights, fft_freqs, centres = mel_filterbank(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin,
                                                 fmax=fmax, htk=htk)
    for a in (weights, fft_freqs, centres):
        a.setflags(write=False)  # shared by every caller: nobody may change it
    return weights, fft_freqs, centres


@functools.lru_cache(maxsize=32)
def _converted_cached(sr, n_fft, n_mels, fmin, fmax, htk, sparse, dtype):
    import scipy.sparse

    weights = _filterbank_cached(sr, n_fft, n_mels, fmin, fmax, htk)[0].astype(dtype)
    if sparse:
        return scipy.sparse.csr_matrix(weights)
    weights.setflags(write=False)
    return weights


def mel_basis(*, sr: int, n_fft: int, n_mels: int = 128, fmin: float = 0.0,
              fmax: float | None = None, htk: bool = False, sparse: bool = False,
              dtype=np.float64):
    """The weights of :func:`mel_filterbank`, computed once per setting and cached (read-only).

    What :func:`mel_spectrogram`, the MFCC explorer and a dataset's feature loop multiply a power
    spectrogram with: building the filters costs more than applying them to a short clip.
    ``sparse=True`` gives a ``scipy.sparse.csr_matrix`` (each filter touches few bins, so the
    product is about 10x faster); ``dtype=np.float32`` matches a float32 power spectrogram (a
    float64 basis would make the product convert the whole spectrogram to float64 first).
    The same checks and errors as :func:`mel_filterbank`.
    """
    sr = check_sr(sr)
    n_fft = check_positive_int(n_fft, "n_fft", minimum=2)
    n_mels, fmin, fmax = check_mel_params(sr, n_mels=n_mels, fmin=fmin, fmax=fmax, n_fft=n_fft)
    key = (sr, n_fft, n_mels, fmin, fmax, bool(htk))
    dtype = np.dtype(dtype)
    if not sparse and dtype == np.float64:
        return _filterbank_cached(*key)[0]
    return _converted_cached(*key, bool(sparse), dtype.str)


# ---------------------------------------------------------------------------------------------
# spectrograms and MFCCs (04, 05, 06)
# ---------------------------------------------------------------------------------------------
def power_spectrogram(y, *, sr: int, n_fft: int = 2048, hop_length: int = 512):
    """|STFT|**2 in NumPy: ``(freqs, times, P)`` with ``P`` of shape (1 + n_fft//2, frames).

    Frames are centred (the signal is zero-padded by ``n_fft // 2`` at both ends, like
    ``librosa.stft(center=True)``), Hann window, ``np.fft.rfft`` per frame, computed in
    float64: the from-scratch STFT of notebook 03 (``helpers.stft.stft``), squared, a block of
    frames at a time (the complex STFT of a long clip is never held whole).
    ``times`` are the frame centres in seconds. Used by 05.
    """
    import librosa

    from .stft import framed_fft

    sr = check_sr(sr)
    y = check_signal(y, mono=True)
    blocks = framed_fft(y, n_fft=n_fft, hop_length=hop_length, out_itemsize=8)
    P = np.empty((n_fft // 2 + 1, blocks.n_frames))
    for start, X in blocks:
        P[:, start: start + X.shape[0]] = (np.abs(X) ** 2).T
    freqs = np.fft.rfftfreq(n_fft, d=1.0 / sr)
    times = librosa.frames_to_time(np.arange(P.shape[1]), sr=sr, hop_length=hop_length)
    return freqs, times, P


def mel_spectrogram(y, *, sr: int, n_fft: int = 2048, hop_length: int = 512, n_mels: int = 128,
                    fmin: float = 0.0, fmax: float | None = None):
    """Mel **power** spectrogram: ``(mel_freqs, times, M)``, ``M = weights @ |STFT|**2``.

    ``M`` has shape ``(n_mels, frames)``; ``mel_freqs`` are the filter centres in Hz. Convert
    with ``to_db(M, kind="power")``. Same numbers as ``librosa.feature.melspectrogram``.
    The product is taken a block of frames at a time, so the power spectrogram of a long clip
    (1025 rows) is never held whole, only the mel one (``n_mels`` rows). Used by 04, 05.
    """
    import librosa

    from .stft import framed_fft

    sr = check_sr(sr)
    n_mels, fmin, fmax = check_mel_params(sr, n_mels=n_mels, fmin=fmin, fmax=fmax, n_fft=n_fft)
    y = check_signal(y, mono=True)
    n_fft = check_positive_int(n_fft, "n_fft", minimum=2)
    weights = mel_basis(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax)  # cached
    mel_freqs = _filterbank_cached(sr, n_fft, n_mels, fmin, fmax, False)[2].copy()
    blocks = framed_fft(y, n_fft=n_fft, hop_length=hop_length, out_itemsize=8)
    M = np.empty((weights.shape[0], blocks.n_frames))
    for start, X in blocks:
        M[:, start: start + X.shape[0]] = weights @ (np.abs(X) ** 2).T
    times = librosa.frames_to_time(np.arange(M.shape[1]), sr=sr, hop_length=hop_length)
    return mel_freqs, times, M


def mfcc(y, *, sr: int, n_mfcc: int = 13, n_mels: int = 128, n_fft: int = 2048,
         hop_length: int = 512, fmin: float = 0.0, fmax: float | None = None,
         top_db: float | None = 80.0):
    """MFCCs from scratch: ``(coeff_index, times, C)`` with ``C`` of shape (n_mfcc, frames).

    power spectrogram -> mel filterbank (matrix product) -> ``to_db(kind="power", ref=1.0,
    top_db=80)`` -> orthonormal DCT-II along the mel axis -> first ``n_mfcc`` rows.
    These are librosa's defaults, so ``C`` matches ``librosa.feature.mfcc(y=y, sr=sr,
    n_mfcc=..., n_fft=..., hop_length=..., n_mels=...)``. Used by 05, 06.
    """
    sr = check_sr(sr)
    n_mels, fmin, fmax = check_mel_params(sr, n_mels=n_mels, fmin=fmin, fmax=fmax,
                                          n_mfcc=n_mfcc, n_fft=n_fft)
    _, times, M = mel_spectrogram(y, sr=sr, n_fft=n_fft, hop_length=hop_length, n_mels=n_mels,
                                  fmin=fmin, fmax=fmax)
    log_mel = to_db(M, kind="power", ref=1.0, top_db=top_db)
    C = mfcc_from_log_mel(log_mel, n_mfcc=n_mfcc)
    return np.arange(int(n_mfcc)), times, C


def mfcc_from_log_mel(log_mel, *, n_mfcc: int = 13) -> np.ndarray:
    """The last step of :func:`mfcc`: the orthonormal DCT-II of each frame's log-mel values
    (``log_mel``: n_mels x frames, in dB), first ``n_mfcc`` rows. Used by 05 (the explorer)."""
    log_mel = _check_features(log_mel, "log_mel")
    n_mfcc = check_positive_int(n_mfcc, "n_mfcc")
    if n_mfcc > log_mel.shape[0]:
        raise ValueError(
            f"n_mfcc={n_mfcc} is larger than n_mels={log_mel.shape[0]}: the DCT of "
            f"{log_mel.shape[0]} mel bands has only {log_mel.shape[0]} coefficients. Use "
            "n_mfcc <= n_mels (13-40 is typical)."
        )
    return scipy.fft.dct(log_mel, type=2, norm="ortho", axis=0)[:n_mfcc]


def _check_features(C, name: str = "C") -> np.ndarray:
    return check_real_array(C, name=name, ndim=2, layout="coefficients x frames")


def deltas(C, *, order: int = 1, width: int = 9) -> np.ndarray:
    """Local slope over time of each row of ``C`` (order 1 = delta, 2 = delta-delta).

    A Savitzky-Golay derivative over ``width`` frames (odd, >= 3; 9 frames at hop 512 and
    22,050 Hz is about 0.21 s), as ``librosa.feature.delta(C, width=width, order=order)``.
    The shape is unchanged. Used by 05.
    """
    C = _check_features(C)
    order = check_positive_int(order, "order")
    width = check_positive_int(width, "width", minimum=3)
    if width % 2 == 0:
        raise ValueError(f"width must be odd (a window centred on each frame), got {width}.")
    if order >= width:
        raise ValueError(f"order={order} needs a window of more than {order} frames; use a "
                         f"larger odd width (e.g. {2 * order + 3}) or order 1 or 2.")
    if width > C.shape[1]:
        raise ValueError(
            f"width={width} frames is more than the {C.shape[1]} frames in C. Use a smaller "
            "odd width (>= 3) or a longer clip."
        )
    return scipy.signal.savgol_filter(C, window_length=width, polyorder=order, deriv=order,
                                      axis=-1, mode="interp")


def normalise_per_coefficient(C, *, eps: float = 1e-8):
    """Standardise each row (coefficient) over time: ``(C_norm, mean, std)``.

    ``C_norm[k] = (C[k] - mean[k]) / std[k]`` so every coefficient has mean 0 and standard
    deviation 1 across frames (``mean`` and ``std`` have shape ``(n_coeff, 1)``). Without this,
    c0 (overall log-energy, hundreds of units) dwarfs the others (a few units). A constant row
    (std < ``eps``) is only centred. For a dataset, compute mean/std on the training set only
    (notebook 06). Used by 05, 06.
    """
    C = _check_features(C)
    mean = C.mean(axis=1, keepdims=True)
    std = C.std(axis=1, keepdims=True)
    return (C - mean) / np.where(std < eps, 1.0, std), mean, std
