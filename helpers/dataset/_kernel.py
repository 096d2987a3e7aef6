"""The one compiled loop of the dataset's fast path: ``|X|^2`` and the sparse mel product of a
block of frames in one pass (numba, compiled on first use, ~0.4 s, and cached on disk).

NumPy computes the same numbers in two passes (``_mel_power``'s fallback): square the FFT's
output, add re^2 + im^2 into a transposed buffer (a strided write that costs more than the
squares), then ``scipy.sparse``'s CSR product. This loop does the same float32 operations in the
same order, so the bytes are the same (``tests/test_dataset.py`` compares them):

* ``power[k, j] = re * re + im * im``: two products, each rounded to float32, then their sum
  (no fused multiply-add: numba leaves separate multiplies and adds alone unless ``fastmath``
  is asked for, and it is not);
* mel band ``i`` of frame ``j``: ``acc = 0``, then ``acc += w * power[k, j]`` over the band's
  non-zero weights in CSR order, which is the order of ``scipy.sparse``'s ``csr_matvecs``
  (``y[i, :] += a * x[k, :]``, one non-zero after the other, starting from zero).

Used by: ``helpers.dataset.compute._mel_power`` (not taught).
"""

from __future__ import annotations

import numba


def _power_mel(spec, indptr, indices, data, power, acc, out):  # pragma: no cover (compiled)
    """``spec`` (m, n_bins) complex64 -> ``out`` (m, n_mels) float32 mel power.

    ``power`` (n_bins, m) and ``acc`` (m,) are float32 work buffers; ``indptr``, ``indices``,
    ``data`` the filterbank's CSR arrays. Releases the GIL (``nogil``): joblib threads run it
    in parallel."""
    m, n_bins = spec.shape
    for k in range(n_bins):  # a row of power per bin: each band's frames are contiguous
        for j in range(m):
            c = spec[j, k]
            power[k, j] = c.real * c.real + c.imag * c.imag
    for i in range(indptr.size - 1):
        for j in range(m):
            acc[j] = 0.0
        for q in range(indptr[i], indptr[i + 1]):
            w = data[q]
            k = indices[q]
            for j in range(m):
                acc[j] += w * power[k, j]
        for j in range(m):
            out[j, i] = acc[j]


def _compile(func):
    """``numba.njit(nogil=True)``, its machine code cached on disk (next to this file, or in
    numba's user-wide cache folder when this one is read-only); compiled in memory, once per
    process, when no cache folder can be written (numba refuses ``cache=True`` then)."""
    try:
        return numba.njit(nogil=True, cache=True)(func)
    except RuntimeError:  # pragma: no cover (no writable cache folder)
        return numba.njit(nogil=True)(func)


power_mel = _compile(_power_mel)
