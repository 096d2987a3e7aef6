"""The spectrum of a whole signal: a teaching DFT, a correctly scaled FFT spectrum, peak picking.

Used by 02_fft_spectrum (everything here) and 01_waveform (``tone``). The conventions, stated
once so every notebook agrees:

* Frequency axis: bin ``k`` of an ``N``-point DFT sits at ``k * sr / N`` Hz. For a real signal
  only bins ``0 .. N // 2`` are independent, so :func:`spectrum` returns exactly
  ``np.fft.rfftfreq(N, d=1/sr)`` (``N // 2 + 1`` values, from 0 Hz up to the Nyquist frequency
  ``sr / 2`` when ``N`` is even). ``np.linspace(0, sr, N)`` is *not* this axis: it puts bin ``k``
  at ``k * sr / (N - 1)`` (see :func:`linspace_axis`).
* Magnitude is ``|X[k]|`` (linear amplitude units), power is ``magnitude ** 2``.
* ``normalize=True`` (default) gives the window-compensated single-sided *amplitude* spectrum:
  ``|X[k]| * 2 / sum(w)`` (DC and Nyquist bins: ``|X[k]| / sum(w)``), so a sinusoid
  ``A * sin(2 pi f t)`` whose frequency lies on a bin centre reads exactly ``A`` in magnitude and
  ``A ** 2`` in power, whatever the window and the length. ``normalize=False`` gives numpy's raw
  ``np.abs(np.fft.rfft(w * y))``, which grows with ``N``.
"""

from __future__ import annotations

import numbers

import numpy as np
import scipy.signal

from .validate import (
    check_positive_int,
    check_real_array,
    check_signal,
    check_sr,
    window_samples,
)

__all__ = [
    "DFT_MATRIX_MAX_N",
    "DFT_MAX_N",
    "dft",
    "dft_matrix",
    "linspace_axis",
    "peak_frequencies",
    "peak_frequency",
    "spectrum",
    "tone",
]

#: :func:`dft` is O(N^2): refuse lengths where it would take more than about a second.
DFT_MAX_N = 8192


def dft(x) -> np.ndarray:
    """The discrete Fourier transform, written out from its definition (O(N^2)). Used by 02.

    ``X[k] = sum_n x[n] * exp(-2j * pi * k * n / N)`` for ``k = 0 .. N-1``, one bin at a time.
    It returns the same numbers as ``np.fft.fft(x)`` (up to rounding), only far more slowly:
    the FFT computes the identical result in O(N log N) operations.

    Parameters
    ----------
    x : 1-D array of real samples, at most ``DFT_MAX_N`` long.

    Returns
    -------
    X : complex ndarray of shape ``(N,)``: all N bins, as ``np.fft.fft`` returns them.
    """
    x = check_signal(x, name="x", mono=True).astype(np.float64)
    n_samples = x.size
    if n_samples > DFT_MAX_N:
        raise ValueError(
            f"dft() is the slow O(N^2) teaching version and x has {n_samples} samples "
            f"(limit {DFT_MAX_N}). Use np.fft.fft(x) (or np.fft.rfft) for long signals, or pass "
            "a short slice such as x[:1024]."
        )
    n = np.arange(n_samples)
    out = np.empty(n_samples, dtype=np.complex128)
    for k in range(n_samples):
        # (k * n) % N keeps the phase argument small, so rounding stays at float64 precision
        out[k] = np.sum(x * np.exp(-2j * np.pi * ((k * n) % n_samples) / n_samples))
    return out


#: :func:`dft_matrix` holds N*N complex numbers (16 bytes each): 4096 -> 268 MB.
DFT_MATRIX_MAX_N = 4096


def dft_matrix(n: int) -> np.ndarray:
    """The N x N DFT matrix ``W[k, m] = exp(-2j * pi * k * m / N)``. Used by 02.

    Row ``k`` is the DFT's basis at bin ``k``: ``k`` cycles of a complex sinusoid in ``N``
    samples. ``W @ x`` is the whole DFT as one matrix-vector product (``N**2`` multiply-adds,
    vectorised), the same numbers as ``np.fft.fft(x)``; 02 times it against the FFT
    (``N log2 N``) so that Python-loop overhead does not blur the comparison.

    Parameters
    ----------
    n : int, 1 .. ``DFT_MATRIX_MAX_N``; the number of samples the DFT sees.

    Returns
    -------
    W : complex128 ndarray of shape ``(n, n)``.
    """
    n = check_positive_int(n, "n")
    if n > DFT_MATRIX_MAX_N:
        raise ValueError(
            f"dft_matrix({n}) would hold {n}x{n} complex numbers ({16 * n * n / 1e9:.1f} GB); "
            f"the limit is n <= {DFT_MATRIX_MAX_N}. Use np.fft.fft(x) for long signals."
        )
    k = np.arange(n)
    # (k * m) % n keeps the phase argument small, so rounding stays at float64 precision
    return np.exp(-2j * np.pi * (np.outer(k, k) % n) / n)


def spectrum(y, sr, *, window="hann", n_fft: int | None = None, scaling: str = "magnitude",
             normalize: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """The one-sided spectrum of a (mono) signal: ``(freqs, values)``. Used by 02.

    Parameters
    ----------
    y : 1-D float array, mono samples.
    sr : int, sample rate of ``y`` in Hz.
    window : str, tuple or 1-D array
        A ``scipy.signal.get_window`` name (``"hann"``, ``"blackman"``, ``"rectangular"``
        ...) applied to the analysed samples (periodic form, as librosa uses), or an array of
        length ``n_fft``.
    n_fft : int or None
        Number of samples analysed, taken from the start of ``y``; default ``len(y)``. The bin
        spacing is ``sr / n_fft`` Hz.
    scaling : ``"magnitude"`` or ``"power"``
        Magnitude ``|X|`` (linear amplitude units) or power ``|X| ** 2`` (amplitude squared).
    normalize : bool
        ``True``: window-compensated amplitude spectrum (``2 / sum(window)``; DC and Nyquist
        ``1 / sum(window)``), so a bin-centred sine of amplitude ``A`` reads ``A`` (power
        ``A ** 2``). ``False``: raw ``np.abs(np.fft.rfft(window * y))`` (power: its square).

    Returns
    -------
    freqs : ndarray, shape ``(n_fft // 2 + 1,)``, Hz, exactly ``np.fft.rfftfreq(n_fft, 1 / sr)``.
    values : ndarray of the same shape, float64.
    """
    y = check_signal(y, mono=True)
    sr = check_sr(sr)
    if n_fft is None:
        n_fft = y.size
    n_fft = check_positive_int(n_fft, "n_fft", minimum=2)
    if n_fft > y.size:
        raise ValueError(
            f"n_fft={n_fft} is longer than the signal ({y.size} samples). Use n_fft <= {y.size}; "
            "to zero-pad on purpose, pad first: np.pad(y, (0, n_fft - len(y)))."
        )
    if scaling not in ("magnitude", "power"):
        raise ValueError(
            f"scaling must be 'magnitude' (|X|, linear amplitude) or 'power' (|X|**2), "
            f"got {scaling!r}."
        )
    if not isinstance(normalize, bool):
        raise TypeError(f"normalize must be True or False, got {normalize!r}.")
    w = _window(window, n_fft)
    frame = y[:n_fft].astype(np.float64) * w
    magnitude = np.abs(np.fft.rfft(frame))
    if normalize:
        gain = np.sum(w)
        if gain <= 0:
            raise ValueError("the window sums to <= 0, so its gain cannot be compensated.")
        magnitude = magnitude / gain
        magnitude[1:(n_fft + 1) // 2] *= 2  # bins with a mirror image (not DC, not Nyquist)
    freqs = np.fft.rfftfreq(n_fft, d=1 / sr)
    return freqs, (magnitude**2 if scaling == "power" else magnitude)


def _window(window, n: int) -> np.ndarray:
    if window is None:
        raise ValueError("window=None is ambiguous: pass 'rectangular' for no tapering, or 'hann'.")
    return window_samples(window, n)


def linspace_axis(sr, n) -> np.ndarray:
    """The old tutorial's WRONG frequency axis ``np.linspace(0, sr, n)``, for comparison in 02.

    It puts bin ``k`` at ``k * sr / (n - 1)`` Hz instead of ``k * sr / n``: every frequency is
    too high by a factor ``n / (n - 1)``, an error of ``f / (n - 1)`` Hz at frequency ``f``.
    Use ``np.fft.rfftfreq(n, d=1/sr)`` (or ``np.fft.fftfreq``) instead.
    """
    sr = check_sr(sr)
    n = check_positive_int(n, "n", minimum=2)
    return np.linspace(0, sr, n)


def _check_freqs_values(freqs, values) -> tuple[np.ndarray, np.ndarray]:
    if np.iscomplexobj(values):
        raise TypeError("values are complex: pass a magnitude or power spectrum, e.g. np.abs(X).")
    f = check_real_array(freqs, name="freqs", ndim=1, layout="one spectrum")
    v = check_real_array(values, name="values", ndim=1, layout="one spectrum")
    if f.shape != v.shape:
        raise ValueError(
            f"freqs has shape {f.shape} but values has {v.shape}: pass the pair returned by "
            "spectrum(), e.g. freqs, mag = spectrum(y, sr)."
        )
    if np.any(v < 0):
        raise ValueError("values must be >= 0 (a magnitude or power spectrum, not dB or raw FFT).")
    if f.size > 1 and np.any(np.diff(f) <= 0):
        raise ValueError("freqs must be strictly increasing (use np.fft.rfftfreq).")
    return f.astype(np.float64), v.astype(np.float64)


def _range_mask(f, fmin, fmax) -> np.ndarray:
    lo = -np.inf if fmin is None else fmin
    hi = np.inf if fmax is None else fmax
    for label, x in (("fmin", lo), ("fmax", hi)):
        if isinstance(x, bool) or not isinstance(x, numbers.Real):
            raise TypeError(f"{label} must be a frequency in Hz, got {x!r}.")
    mask = (f >= lo) & (f <= hi)
    if not mask.any():
        raise ValueError(f"no frequency bins between fmin={fmin} and fmax={fmax} Hz.")
    return mask


def _parabolic_offset(v: np.ndarray, i: int) -> float:
    """Offset (in bins, within +-0.5) of the vertex of a parabola through log v[i-1], v[i], v[i+1]."""
    if i == 0 or i == v.size - 1:
        return 0.0
    tiny = np.finfo(np.float64).tiny
    a, b, c = np.log(np.maximum(v[i - 1:i + 2], tiny))
    denom = a - 2 * b + c
    if denom >= 0:  # flat or not a maximum: no better estimate than the bin itself
        return 0.0
    return float(np.clip(0.5 * (a - c) / denom, -0.5, 0.5))


def peak_frequency(freqs, values, *, interpolate: bool = False, fmin: float | None = None,
                   fmax: float | None = None) -> float:
    """Frequency (Hz) of the largest value of a magnitude or power spectrum. Used by 02.

    With ``interpolate=False`` this is the centre of the largest bin, so the answer is off by up
    to half a bin (``sr / (2 * n_fft)`` Hz) when the tone lies between bins. With
    ``interpolate=True`` a parabola is fitted through the logarithm of the peak bin and its two
    neighbours (quadratic interpolation); for a Hann-windowed tone the error is then a few
    hundredths of a bin. ``fmin`` / ``fmax`` restrict the search to a band (Hz).
    Magnitude and power give the same answer (the log turns the square into a factor 2).
    """
    f, v = _check_freqs_values(freqs, values)
    idx = np.flatnonzero(_range_mask(f, fmin, fmax))
    i = int(idx[np.argmax(v[idx])])
    if not interpolate:
        return float(f[i])
    step = f[1] - f[0] if f.size > 1 else 0.0
    return float(f[i] + _parabolic_offset(v, i) * step)


def peak_frequencies(freqs, values, *, n: int = 3, min_separation_hz: float = 20.0,
                     interpolate: bool = True, fmin: float | None = None,
                     fmax: float | None = None) -> np.ndarray:
    """The ``n`` strongest spectral peaks (local maxima), as frequencies in Hz, ascending. Used by 02.

    Peaks closer than ``min_separation_hz`` to a stronger one are skipped (they are usually the
    same component's leakage). Fewer than ``n`` values come back when the spectrum has fewer peaks.
    """
    f, v = _check_freqs_values(freqs, values)
    n = check_positive_int(n, "n")
    if isinstance(min_separation_hz, bool) or not isinstance(min_separation_hz, numbers.Real) \
            or not min_separation_hz >= 0:
        raise ValueError(f"min_separation_hz must be a frequency >= 0 Hz, got {min_separation_hz!r}.")
    mask = _range_mask(f, fmin, fmax)
    step = f[1] - f[0] if f.size > 1 else 1.0
    distance = max(1, int(np.ceil(min_separation_hz / step)))
    found, _ = scipy.signal.find_peaks(np.where(mask, v, 0.0), distance=distance)
    found = found[mask[found]]
    strongest = found[np.argsort(v[found])[::-1][:n]]
    out = [f[i] + (_parabolic_offset(v, i) * step if interpolate else 0.0) for i in strongest]
    return np.sort(np.asarray(out, dtype=np.float64))


def tone(freq, *, sr=22050, duration: float = 1.0, amplitude: float = 0.5,
         phase: float = 0.0) -> np.ndarray:
    """A pure tone ``amplitude * sin(2 pi freq t + phase)``, float32, ``round(duration * sr)``
    samples (times ``t = n / sr``). Used by 01 and 02.

    ``freq`` must lie in [0, sr/2]: above the Nyquist frequency a sampled sine is
    indistinguishable from a lower one (aliasing).
    """
    sr = check_sr(sr)
    for label, x in (("freq", freq), ("duration", duration), ("amplitude", amplitude),
                     ("phase", phase)):
        if isinstance(x, bool) or not isinstance(x, numbers.Real) or not np.isfinite(x):
            raise TypeError(f"{label} must be a finite number, got {x!r}.")
    if freq < 0 or freq > sr / 2:
        raise ValueError(
            f"freq={freq} Hz is outside 0 .. {sr / 2:g} Hz (the Nyquist frequency sr/2 for "
            f"sr={sr}); a higher tone would alias to a lower frequency. Raise sr or lower freq."
        )
    if amplitude < 0:
        raise ValueError(f"amplitude must be >= 0 (full scale = 1), got {amplitude}.")
    n = int(round(duration * sr))
    if duration <= 0 or n < 1:
        raise ValueError(f"duration={duration} s gives no samples at sr={sr}; use a longer one.")
    t = np.arange(n) / sr
    return (amplitude * np.sin(2 * np.pi * freq * t + phase)).astype(np.float32)
