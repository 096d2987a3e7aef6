"""The numeric engine under the teaching functions: framed FFTs, pooling for display, frame counts.

The teaching modules (``helpers.stft``, ``helpers.spectral``, ``helpers.features``) are the
readable functions the notebooks call; they check their arguments and call this module for the
one part that must be fast and memory-safe on a long clip: cutting a signal into frames,
windowing them and taking their FFT, a block of frames at a time. The slider explorers
(``helpers.explorers``) call the same teaching functions, and this module for what only a
picture needs (a max-pooled, picture-sized magnitude image). So an ``n_fft`` moved on a slider
goes through exactly the code a learner calls.

Nothing here validates: callers pass checked values (``helpers.validate``). No function here is
taught; each is short and says which teaching function it serves.

* :func:`frame_count`: how many frames (the one formula; ``helpers.stft.n_frames`` is its
  checked, documented form).
* :class:`FramedFFT`: the rfft of the windowed frames, ``block`` frames at a time, in float64
  (numpy's FFT, what ``helpers.stft.stft`` documents) or float32 (scipy's FFT, for pictures),
  optionally only every ``step``-th frame. ``helpers.stft.stft``,
  ``helpers.features.power_spectrogram`` / ``mel_spectrogram`` and :func:`magnitude_image` use it.
* :func:`block_max`, :func:`maxpool`, :func:`pooled_extent`: shrink an image for display by
  taking maxima over blocks (a narrow peak stays visible), and its imshow extent.
* :func:`magnitude_image`: ``|STFT|`` max-pooled to at most ``max_rows x max_cols`` cells, batch
  by batch, with a cap on the FFT work for clips of many minutes (``FFT_BUDGET``).
* :func:`block_minmax`: a waveform's min/max envelope (the waveform explorer's line).

For a fast dataset path (``helpers.dataset``): ``FramedFFT(y, n_fft=..., hop_length=...,
window="hann", dtype=np.float32)`` yields ``(first_frame, X)`` blocks; the power of a block is
``X.real ** 2 + X.imag ** 2``, and ``helpers.features.mel_basis(sr=..., n_fft=..., n_mels=...)``
is the cached (read-only) mel filterbank to multiply it with.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "FFT_BUDGET",
    "FramedFFT",
    "block_max",
    "block_minmax",
    "frame_count",
    "image_extent",
    "magnitude_image",
    "maxpool",
    "pooled_extent",
]

#: At most this many samples go through the FFT for one picture (~0.1-0.2 s on one core). Only
#: long clips reach it (a 30 s clip needs at most 5.3 M); then every k-th frame is analysed.
FFT_BUDGET = 1 << 25
#: :func:`magnitude_image` windows and transforms this many samples at a time.
BATCH_SAMPLES = 1 << 21


def frame_count(n_samples: int, n_fft: int, hop_length: int, center: bool = True) -> int:
    """``1 + (n_samples + 2 * (n_fft // 2) - n_fft) // hop_length`` (centred frames), or
    ``1 + (n_samples - n_fft) // hop_length`` without centring."""
    padded = n_samples + 2 * (n_fft // 2) if center else n_samples
    return 1 + (int(padded) - n_fft) // hop_length


class FramedFFT:
    """The rfft of the windowed frames of ``y``: iterate for ``(first_frame, X)`` with ``X`` of
    shape ``(frames, 1 + n_fft // 2)``.

    Frame ``t`` of the (padded, when ``center``) signal starts at sample ``t * hop_length``;
    ``window`` is the array of ``n_fft`` window samples. ``dtype=np.float64`` computes with
    ``np.fft.rfft`` in float64 (complex128 out), ``np.float32`` with ``scipy.fft.rfft`` in float32
    (complex64 out, half the memory and about twice as fast: for pictures). ``step=k`` computes
    only frames ``0, k, 2k, ...``: ``first_frame`` is then the index among the computed frames.

    Each frame's FFT does not depend on the others, so the numbers are exactly those of the
    whole-matrix computation, but only one block of ``block`` frames exists at a time.
    """

    def __init__(self, y, *, n_fft: int, hop_length: int, window, center: bool = True,
                 pad_mode: str = "constant", dtype=np.float64, step: int = 1, block: int = 1024):
        self.dtype = np.dtype(dtype)
        self.n_fft, self.hop_length, self.step, self.block = n_fft, hop_length, step, block
        self.window = np.asarray(window, dtype=self.dtype)
        y = np.asarray(y)
        self.n_frames = frame_count(y.size, n_fft, hop_length, center)  # of the full STFT
        if center:
            y = np.pad(y, (n_fft // 2, n_fft // 2), mode=pad_mode)
        self.frames = np.lib.stride_tricks.sliding_window_view(y, n_fft)[::hop_length * step]
        self.n_computed = self.frames.shape[0]

    def __iter__(self):
        if self.dtype == np.float64:
            rfft = np.fft.rfft
        else:
            import scipy.fft

            rfft = scipy.fft.rfft
        for start in range(0, self.n_computed, self.block):
            fr = self.frames[start: start + self.block]
            if np.result_type(fr, self.window) != self.dtype:  # e.g. float64 samples, float32 work
                fr = fr.astype(self.dtype)
            yield start, rfft(fr * self.window, axis=-1)  # one windowed copy, then the FFT


def block_max(a: np.ndarray, f: int, axis: int) -> np.ndarray:
    """Maximum over blocks of ``f`` along ``axis`` (0 or 1) of a 2-D array; a short last block
    is kept (the same as padding it by repeating the edge)."""
    if f <= 1:
        return a
    n = a.shape[axis]
    full = n // f * f
    if axis == 0:
        out = a[:full].reshape(full // f, f, a.shape[1]).max(axis=1)
        if full < n:
            out = np.concatenate([out, a[full:].max(axis=0, keepdims=True)])
    else:
        out = a[:, :full].reshape(a.shape[0], full // f, f).max(axis=2)
        if full < n:
            out = np.concatenate([out, a[:, full:].max(axis=1, keepdims=True)], axis=1)
    return out


def maxpool(img: np.ndarray, max_rows: int, max_cols: int):
    """Shrink a (rows, cols) image to at most ``max_rows x max_cols`` by taking the maximum over
    blocks: ``(pooled, (row_factor, col_factor))``. The last block of a row or column may be
    short (the same as padding by repeating the edge); :func:`pooled_extent` gives the extent."""
    img = np.asarray(img)
    rows, cols = img.shape
    fr, fc = -(-rows // max_rows), -(-cols // max_cols)
    return block_max(block_max(img, fc, 1), fr, 0), (fr, fc)


def pooled_extent(extent, shape, pooled_shape, factors):
    """Extent of a max-pooled image: the padded cells extend the right/top edge."""
    x0, x1, y0, y1 = extent
    rows, cols = shape
    dx, dy = (x1 - x0) / cols, (y1 - y0) / rows
    return (x0, x0 + pooled_shape[1] * factors[1] * dx, y0, y0 + pooled_shape[0] * factors[0] * dy)


def block_minmax(seg: np.ndarray, block: int):
    """Minimum and maximum of each block of ``block`` samples (a short last block on its own)."""
    n = seg.size
    full = n // block * block
    whole = seg[:full].reshape(-1, block)
    lo, hi = whole.min(axis=1), whole.max(axis=1)
    if full < n:
        lo, hi = np.append(lo, seg[full:].min()), np.append(hi, seg[full:].max())
    return lo, hi


def magnitude_image(y, *, n_fft: int, hop_length: int, window, max_rows: int | None,
                    max_cols: int | None, budget: int | None = None) -> dict:
    """``|STFT|`` (centred frames, zero padding) reduced to at most ``max_rows x max_cols`` cells
    by max-pooling, computed in float32 batch by batch so memory stays small however long the
    clip. ``window`` is the array of ``n_fft`` window samples.

    When several frames fall into one picture column and consecutive frames overlap by more than
    7/8 of the window, only every ``step``-th frame is computed (a frame spacing of at most
    n_fft / 8: a click is at most n_fft / 16 from a computed frame's centre, where the Hann
    window is >= 0.96, so it shows at >= 96 % of its level, -0.34 dB, at most one column from
    where the full STFT has it). Beyond ``budget`` FFT samples (clips of several minutes) the
    spacing grows further (``sampled=True``: parts of the signal fall between frames).

    Returns dict: ``image`` (rows x cols, float32 magnitudes), ``rows_per_cell`` (bins),
    ``frames_per_cell`` (frames of the full STFT per column), ``step``, ``n_frames``,
    ``n_bins`` (of the full STFT), ``lo``/``hi`` (min / max magnitude over the computed
    frames), ``sampled``.
    """
    budget = FFT_BUDGET if budget is None else budget
    y32 = np.asarray(y, dtype=np.float32)
    n_bins = n_fft // 2 + 1
    n_frames = frame_count(y32.size, n_fft, hop_length)
    per_col = -(-n_frames // max_cols) if max_cols else 1
    step = max(1, min(per_col, n_fft // (8 * hop_length)))
    sampled = -(-n_frames // step) * n_fft > budget
    if sampled:
        step = -(-n_frames * n_fft // budget)
    n_comp = -(-n_frames // step)
    fc = -(-n_comp // max_cols) if max_cols else 1  # computed frames per column
    fr = -(-n_bins // max_rows) if max_rows else 1
    per_batch = max(fc, (BATCH_SAMPLES // n_fft) // fc * fc)  # whole columns per batch
    frames = FramedFFT(y32, n_fft=n_fft, hop_length=hop_length, window=window,
                       dtype=np.float32, step=step, block=per_batch)
    parts, lo, hi = [], np.inf, 0.0
    for _, X in frames:
        mag = np.abs(X)  # (frames, bins)
        lo, hi = min(lo, float(mag.min())), max(hi, float(mag.max()))
        parts.append(block_max(block_max(mag, fc, 0), fr, 1))
    image = np.ascontiguousarray(np.concatenate(parts).T)
    return dict(image=image, rows_per_cell=fr, frames_per_cell=fc * step, step=step,
                n_frames=n_frames, n_bins=n_bins, lo=lo, hi=hi, sampled=sampled)


def image_extent(r: dict, sr: int, hop_length: int, n_fft: int):
    """imshow extent of a :func:`magnitude_image`: cell edges half a frame / bin out."""
    dt, df = hop_length / sr, sr / n_fft
    rows, cols = r["image"].shape
    return (-dt / 2, -dt / 2 + cols * r["frames_per_cell"] * dt,
            -df / 2, -df / 2 + rows * r["rows_per_cell"] * df)
