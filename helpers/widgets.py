"""Slider explorers for notebooks 01-05: drag a parameter, see the figure and the numbers change.

Each explorer is two layers:

* a **pure compute function** (``waveform_view``, ``spectrum_view``, ``stft_view``, ``db_view``,
  ``mfcc_view``): data in, a dict out with the arrays, their axes / image extent in seconds and
  hertz, and the readout text. These are unit-tested against numpy / librosa.
* **thin ipywidgets wiring** (``waveform_explorer`` ... ``mfcc_explorer``, class ``Explorer``):
  sliders, a readout line and ONE persistent matplotlib figure whose artists are updated in place
  (``AxesImage.set_data`` + ``set_extent`` + ``set_clim``, ``Line2D.set_data``); the layout is
  fixed (explicit axes rectangles, no ``tight_layout`` per move) and only what a parameter
  changes is recomputed (the signal is validated once; ``stft_explorer`` keeps a small LRU of
  display images per ``(n_fft, hop_length, window)`` so moving back is instant; ``db_explorer``
  computes ``|S|`` once and redoes only the dB mapping; ``mfcc_explorer`` keeps the power
  spectrogram and redoes only mel filterbank + dB + DCT). ``explorer.timings`` records where
  each move's time went (compute, draw, PNG).

Used by: 01_waveform (``waveform_explorer``), 02_fft_spectrum (``spectrum_explorer``),
03_stft_spectrogram (``stft_explorer``), 04_decibels (``db_explorer``), 05_mfcc
(``mfcc_explorer``). Leave the returned explorer as the last expression of a cell.

How the figure reaches the page
-------------------------------
* The figure is a plain ``matplotlib.figure.Figure`` on an Agg canvas (never registered with
  pyplot, so no backend prints it a second time), whatever the backend (inline, Colab, and
  ``%matplotlib widget`` too: ipympl's live canvas was 2-4x slower per move). Each update redraws
  only the changed artists on a cached background (blitting) when the axes are unchanged,
  renders PNG bytes and puts them into an ``ipywidgets.Image`` of fixed width and height, so the
  page does not jump or flicker. The figure is 840 px wide: it fits JupyterLab's output area in
  a 1280 px window without being rescaled by the browser.
* Static default view: an explorer's ``_repr_mimebundle_`` returns the widget view **and** a
  full-colour ``image/png`` of the default view in ONE output. JupyterLab and Colab render the
  richest type they can (the live widget), so the figure appears once (the browser test checks
  exactly one figure per explorer); nbconvert HTML, GitHub and nbviewer of the stored notebooks
  (widget state stripped) fall back to the PNG (``tests/test_widgets.py`` exports one to HTML),
  and nbval runs it like any cell.
* Live updates are encoded as 256-colour palette PNGs (Pillow's fast octree quantiser: mean
  error ~1.5/255 per channel, 3-5x smaller and much faster to encode than full colour).
* Keys held down: ipywidgets' front end keeps at most one change of a control in flight and
  sends only the latest value once the kernel is idle again, so intermediate values are skipped
  and the figure catches up as soon as the key is released (measured in
  ``benchmarks/browser_latency.py``).
* Every control is a slider (``SelectionSlider`` for choices such as the window): its value
  changes with the arrow keys, and the keys do not reach JupyterLab (a focused Dropdown or
  ToggleButtons passes ArrowUp/ArrowDown on, which moves the notebook's active cell).

Spectrogram pictures are computed for the picture: ``|S|`` is max-pooled to at most
``MAX_IMAGE_COLS`` x ``MAX_IMAGE_ROWS`` cells (the axes' size in pixels, so nothing visible is
lost; max-pooling keeps narrow peaks visible), frame batch by batch in float32, and where many
heavily overlapping frames fall into one column only every k-th is computed (frames at most
n_fft / 8 apart, so a click still shows at >= 96 % of its level). Very long clips (minutes) cap
the FFT work at ``FFT_BUDGET`` samples and the readout says which frames were analysed. So a
move costs about the same on a 10-minute clip as on a 30-second one. The numbers in the
readouts (shapes, frame counts) are those of the full STFT.

A silent signal has no "dB re max" picture: ``stft_view``, ``db_view`` (ref="max"), the
explorers and ``helpers.plot.stft_tradeoff`` raise (or show in the readout) the one message
``helpers.validate.SILENT_SIGNAL``, as ``helpers.features.to_db`` does.

A parameter combination that is invalid (e.g. ``n_mfcc > n_mels``, or mel filters left empty
by too small an n_fft) does not raise from a slider: the readout shows the validation message in
red and the figure keeps the last good view. Any other exception in a slider callback is shown
as a traceback under the figure (an ``ipywidgets.Output``), never swallowed silently.

ipywidgets 7.7 (Colab) compatibility: ``tests/test_widgets.py`` passes with ipywidgets 7.7.5
(installed into a scratch PYTHONPATH) as well as 8.1, and only APIs 7.7 has are used:
``FloatSlider``, ``IntSlider``, ``SelectionSlider``, ``HTML``, ``Image``, ``Output``, ``HBox``/``VBox``, ``Layout(width=..., min_height=...)``, ``add_class``;
``description`` + ``style={"description_width": ...}`` the 7.x way; ``Image`` gets
``width``/``height`` as strings; no ``tooltip`` (8-only), no ``Stack``/``TagsInput``; the
widget-view MIME bundle (``version_major`` 2) is built by hand because 7.x widgets have no
``_repr_mimebundle_``.
"""

from __future__ import annotations

import base64
import html
import io
import numbers
import re
import time
from collections import OrderedDict, deque

import numpy as np

from .validate import (
    check_frame_params,
    check_mel_filters,
    check_mel_params,
    check_positive_int,
    check_signal,
    check_spectrum,
    check_sr,
    check_window,
    silent_signal_error,
)

__all__ = [
    "WINDOWS",
    "Explorer",
    "waveform_view",
    "spectrum_view",
    "stft_view",
    "db_view",
    "mfcc_view",
    "maxpool_image",
    "waveform_explorer",
    "spectrum_explorer",
    "stft_explorer",
    "db_explorer",
    "mfcc_explorer",
]

#: Windows offered by the spectrum and STFT explorers (scipy.signal names).
WINDOWS = ("boxcar", "hann", "hamming", "blackman")
#: The figure fits JupyterLab's output area without rescaling (848 px wide in a 1280 px window
#: with the file browser open); fewer pixels to draw, encode and decode than 900 px.
FIG_W_PX, FIG_H_PX, DPI = 840, 300, 96
SLIDER_W = "275px"  # three controls in a row fit the figure's width
#: Spectrogram images are max-pooled to at most the image axes' size in pixels (655 x 228).
MAX_IMAGE_COLS, MAX_IMAGE_ROWS = 640, 224
PNG_OPTIONS = {"compress_level": 1}  # fast zlib (RGB, no alpha): much quicker than the default
_STYLE = {"description_width": "initial"}


# =============================================================================================
# small checks
# =============================================================================================
def _fmt(value: float) -> str:
    """A number as the learner typed it: 11025.01 stays 11025.01 (``:g`` would say 11025)."""
    return f"{value:.10g}"


def _check_number(value, name: str, *, low=None, high=None, low_open=False, unit="") -> float:
    u = f" {unit}" if unit else ""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number{' in ' + unit if unit else ''}, got {value!r}.")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}.")
    if low is not None and (value <= low if low_open else value < low):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {_fmt(low)}{u}, "
                         f"got {_fmt(value)}{u}.")
    if high is not None and value > high:
        raise ValueError(f"{name} must be <= {_fmt(high)}{u}, got {_fmt(value)}{u}.")
    return value


def _check_top_db(top_db):
    """The one top_db rule (also ``helpers.features.to_db``): a number of dB > 0, or None."""
    if top_db is None:
        return None
    if isinstance(top_db, bool) or not isinstance(top_db, numbers.Real) or not top_db > 0:
        raise ValueError(
            f"top_db must be a number of dB > 0 (e.g. 80) or None for no clipping, got "
            f"{top_db!r}: top_db=0 would clip every value to the maximum (one flat colour)."
        )
    return _check_number(top_db, "top_db", unit="dB")


def _check_choice(value, name: str, choices) -> str:
    if value not in choices:
        raise ValueError(f"unknown {name} {value!r}; choose one of {', '.join(map(repr, choices))}.")
    return value


def maxpool_image(img: np.ndarray, max_rows: int = MAX_IMAGE_ROWS, max_cols: int = MAX_IMAGE_COLS):
    """Shrink a (rows, cols) image for display by taking the maximum over blocks.

    Returns ``(pooled, (row_factor, col_factor))``. The last block is padded by repeating the edge,
    so the pooled image covers ``ceil(rows / row_factor) * row_factor`` original rows; use
    :func:`_pooled_extent` for its extent. The maximum is kept, so a narrow peak stays visible.
    """
    img = np.asarray(img)
    rows, cols = img.shape
    fr, fc = -(-rows // max_rows), -(-cols // max_cols)
    if fr == 1 and fc == 1:
        return img, (1, 1)
    # elementwise maxima of strided views (fast; no copy of the big array). A short last block
    # is the same as padding it by repeating the edge.
    out = img[:, 0::fc].copy()
    for k in range(1, fc):
        part = img[:, k::fc]
        np.maximum(out[:, :part.shape[1]], part, out=out[:, :part.shape[1]])
    res = out[0::fr].copy()
    for k in range(1, fr):
        part = out[k::fr]
        np.maximum(res[:part.shape[0]], part, out=res[:part.shape[0]])
    return res, (fr, fc)


def _pooled_extent(extent, shape, pooled_shape, factors):
    """Extent of a max-pooled image: the padded cells extend the right/top edge."""
    x0, x1, y0, y1 = extent
    rows, cols = shape
    dx, dy = (x1 - x0) / cols, (y1 - y0) / rows
    return (x0, x0 + pooled_shape[1] * factors[1] * dx, y0, y0 + pooled_shape[0] * factors[0] * dy)


def _block_max(a: np.ndarray, f: int, axis: int) -> np.ndarray:
    """Maximum over blocks of ``f`` along ``axis`` (0 or 1) of a 2-D array; a short last block
    is kept (the same as padding it by repeating the edge, as :func:`maxpool_image` does)."""
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


#: At most this many samples go through the FFT for one spectrogram picture (~0.1-0.2 s on one
#: core). Only long clips reach it (a 30 s clip needs at most 5.3 M); then every k-th frame is
#: analysed and the readout says so.
FFT_BUDGET = 1 << 25
_BATCH_SAMPLES = 1 << 21  # frames are windowed + transformed this many samples at a time


def _spectrogram_image(y, n_fft: int, hop: int, window, *, max_rows: int | None,
                       max_cols: int | None, budget: int | None = None) -> dict:
    """``|STFT|`` reduced to at most ``max_rows x max_cols`` cells by max-pooling, computed batch
    by batch so memory stays small however long the clip.

    The frames are those of ``librosa.stft(y, n_fft=n_fft, hop_length=hop, window=window,
    center=True, pad_mode="constant")`` (float32, as librosa computes them). When several frames
    fall into one picture column and consecutive frames overlap by more than 7/8 of the window,
    only every ``step``-th frame is computed (a frame spacing of at most n_fft / 8: a click is
    at most n_fft / 16 from a computed frame's centre, where the Hann window is >= 0.96, so it
    shows at >= 96 % of its level, -0.34 dB, at most one column from where the full STFT has it).
    Beyond ``budget`` FFT samples (clips of several minutes) the spacing grows further
    (``sampled=True``: parts of the signal fall between frames).

    Returns dict: ``image`` (rows x cols, float32 magnitudes), ``rows_per_cell`` (bins),
    ``frames_per_cell`` (frames of the full STFT per column), ``step``, ``n_frames``,
    ``n_bins`` (of the full STFT), ``lo``/``hi`` (min / max magnitude over the computed
    frames), ``sampled``.
    """
    import scipy.fft

    from .validate import window_samples

    budget = FFT_BUDGET if budget is None else budget
    y32 = np.asarray(y, dtype=np.float32)
    n_bins, pad = n_fft // 2 + 1, n_fft // 2
    n_frames = 1 + (y32.size + 2 * pad - n_fft) // hop
    per_col = -(-n_frames // max_cols) if max_cols else 1
    step = max(1, min(per_col, n_fft // (8 * hop)))
    sampled = -(-n_frames // step) * n_fft > budget
    if sampled:
        step = -(-n_frames * n_fft // budget)
    n_comp = -(-n_frames // step)
    fc = -(-n_comp // max_cols) if max_cols else 1  # computed frames per column
    fr = -(-n_bins // max_rows) if max_rows else 1
    win = window_samples(window, n_fft).astype(np.float32)
    frames = np.lib.stride_tricks.sliding_window_view(np.pad(y32, pad), n_fft)[::step * hop]
    per_batch = max(fc, (_BATCH_SAMPLES // n_fft) // fc * fc)  # whole columns per batch
    parts, lo, hi = [], np.inf, 0.0
    for a in range(0, n_comp, per_batch):
        mag = np.abs(scipy.fft.rfft(frames[a:a + per_batch] * win, axis=-1))  # (frames, bins)
        lo, hi = min(lo, float(mag.min())), max(hi, float(mag.max()))
        parts.append(_block_max(_block_max(mag, fc, 0), fr, 1))
    image = np.ascontiguousarray(np.concatenate(parts).T)
    return dict(image=image, rows_per_cell=fr, frames_per_cell=fc * step, step=step,
                n_frames=n_frames, n_bins=n_bins, lo=lo, hi=hi, sampled=sampled)


def _image_extent(r: dict, sr: int, hop: int, n_fft: int):
    """imshow extent of a :func:`_spectrogram_image`: cell edges half a frame / bin out."""
    dt, df = hop / sr, sr / n_fft
    rows, cols = r["image"].shape
    return (-dt / 2, -dt / 2 + cols * r["frames_per_cell"] * dt,
            -df / 2, -df / 2 + rows * r["rows_per_cell"] * df)


# =============================================================================================
# pure compute functions (unit-tested)
# =============================================================================================
def waveform_view(y, sr, *, start: float = 0.0, length: float | None = None,
                  max_points: int = 1600, _peak: float | None = None) -> dict:
    """The part of a waveform from ``start`` to ``start + length`` seconds, ready to plot (01).

    When more than ``max_points`` samples are in view, the line is a min/max envelope (for each
    block of samples its minimum and maximum, drawn as a vertical stroke), which looks exactly
    like the full line at screen resolution. The y limits are the whole clip's peak, so zooming
    never rescales the amplitude axis.

    Returns dict: ``t`` (s), ``values``, ``xlim`` (s), ``ylim``, ``n_samples`` (samples in view),
    ``first_sample``, ``block`` (samples per envelope point, 1 = raw samples), ``readout``.
    """
    y = check_signal(y, mono=True)
    sr = check_sr(sr)
    duration = y.size / sr
    start = _check_number(start, "start", low=0.0, unit="s")
    if start >= duration:
        raise ValueError(f"start={start:g} s is past the end of the clip ({duration:.3f} s long).")
    length = duration if length is None else _check_number(length, "length", low=0.0,
                                                            low_open=True, unit="s")
    max_points = check_positive_int(max_points, "max_points", minimum=4)
    i0 = int(round(start * sr))
    i0 = min(i0, y.size - 1)
    i1 = min(y.size, i0 + max(1, int(round(length * sr))))
    seg = y[i0:i1]
    n = seg.size
    if n <= max_points:
        block = 1
        t = (i0 + np.arange(n)) / sr
        values = seg
    else:
        block = -(-n // (max_points // 2))
        full = n // block * block  # whole blocks as a view; a short last block on its own
        lo, hi = seg[:full].reshape(-1, block).min(axis=1), seg[:full].reshape(-1, block).max(1)
        if full < n:
            lo, hi = np.append(lo, seg[full:].min()), np.append(hi, seg[full:].max())
        tb = (i0 + np.arange(lo.size) * block) / sr
        t = np.repeat(tb, 2)
        values = np.empty(t.size, dtype=seg.dtype)
        values[0::2], values[1::2] = lo, hi
    peak = (_peak if _peak is not None else max(float(y.max()), -float(y.min()))) or 1.0
    t0 = i0 / sr
    xlim = (t0, t0 + max(length, 1.0 / sr))
    end_note = " (clip ends here)" if i0 + int(round(length * sr)) > y.size else ""
    readout = (
        f"Showing {t0:.3f} s to {i1 / sr:.3f} s{end_note}: <b>{n} samples</b> "
        f"(sr = {sr} Hz, one sample = {1000 / sr:.4f} ms)"
        + (f"; drawn as a min/max envelope of {block}-sample blocks" if block > 1
           else "; every sample drawn" + (" (dots)" if n <= 200 else ""))
    )
    return dict(t=t, values=values, xlim=xlim, ylim=(-1.05 * peak, 1.05 * peak), n_samples=n,
                first_sample=i0, block=block, readout=readout)


def spectrum_view(sr: int = 22050, *, freq: float = 440.0, window: str = "hann",
                  length_ms: float = 50.0, amplitude: float = 0.5) -> dict:
    """Spectrum of a synthetic tone: ``amplitude * sin(2 pi freq t)`` for ``length_ms`` (02).

    The segment (``N = round(length_ms * sr / 1000)`` samples) is multiplied by ``window``
    (scipy's periodic window) and transformed with ``np.fft.rfft``; the frequency axis is
    ``np.fft.rfftfreq(N, 1 / sr)``, so the bin spacing is ``delta_f = sr / N``.

    Returns dict: ``t`` (s), ``segment`` (windowed samples), ``freqs`` (Hz), ``magnitude``,
    ``magnitude_db`` (dB re max: the peak bin is 0 dB), ``peak_freq`` (Hz, from rfftfreq), ``peak_bin``,
    ``delta_f`` (Hz), ``n`` (samples), ``readout``.
    """
    import scipy.signal

    sr = check_sr(sr)
    freq = _check_number(freq, "freq", low=0.0, low_open=True, unit="Hz")
    if freq > sr / 2:
        raise ValueError(f"freq must be <= {_fmt(sr / 2)} Hz (the Nyquist frequency sr / 2: a "
                         f"sampled signal holds nothing above it), got {_fmt(freq)} Hz.")
    length_ms = _check_number(length_ms, "length_ms", low=0.0, low_open=True, unit="ms")
    amplitude = _check_number(amplitude, "amplitude", low=0.0, low_open=True)
    check_window(window)
    n = int(round(length_ms * sr / 1000))
    if n < 2:
        raise ValueError(
            f"length_ms={length_ms:g} ms is only {n} sample(s) at sr={sr} Hz; use at least "
            f"{2000 / sr:.2f} ms."
        )
    t = np.arange(n) / sr
    w = scipy.signal.get_window(window, n, fftbins=True)
    segment = amplitude * np.sin(2 * np.pi * freq * t) * w
    magnitude = np.abs(np.fft.rfft(segment))
    freqs = np.fft.rfftfreq(n, d=1.0 / sr)
    k = int(np.argmax(magnitude))
    top = magnitude[k] if magnitude[k] > 0 else 1.0
    magnitude_db = 20 * np.log10(np.maximum(magnitude, top * 1e-10) / top)
    delta_f = sr / n
    readout = (
        f"N = {n} samples ({1000 * n / sr:.1f} ms), window = {window} | "
        f"bin spacing <b>&Delta;f = sr/N = {delta_f:.2f} Hz</b> | "
        f"<b>peak at {freqs[k]:.2f} Hz</b> (bin {k} of np.fft.rfftfreq) for a {freq:g} Hz tone "
        f"(error {freqs[k] - freq:+.2f} Hz)"
    )
    return dict(t=t, segment=segment, freqs=freqs, magnitude=magnitude,
                magnitude_db=magnitude_db, peak_freq=float(freqs[k]), peak_bin=k,
                delta_f=delta_f, n=n, readout=readout)


def _stft_readout(sr, n_fft, hop, window, shape, note: str = "") -> str:
    return (
        f"window {window}, n_fft = {n_fft} samples = <b>{1000 * n_fft / sr:.1f} ms</b> | "
        f"hop = {hop} samples: <b>&Delta;t = hop/sr = {1000 * hop / sr:.2f} ms</b> | "
        f"<b>&Delta;f = sr/n_fft = {sr / n_fft:.2f} Hz</b> | "
        f"<b>{shape[1]} frames x {shape[0]} bins</b> (array shape {shape})" + note
    )


def _sampled_note(r: dict, hop: int, sr: int) -> str:
    """Readout note for a long clip whose frames were sampled (see :func:`_spectrogram_image`)."""
    if not r["sampled"]:
        return ""
    return (f" | long clip: the picture analyses every {r['step']}th frame "
            f"(one every {1000 * r['step'] * hop / sr:.0f} ms)")


def _spectrogram_extent(n_frames, n_bins, sr, hop, n_fft):
    """imshow extent for frames centred at n*hop/sr and bins at k*sr/n_fft (edges half a cell out)."""
    dt, df = hop / sr, sr / n_fft
    return (-dt / 2, (n_frames - 0.5) * dt, -df / 2, (n_bins - 0.5) * df)


#: stft_view returns the full-resolution dB array up to this many cells (32 MB of float32: every
#: setting of a 30 s clip at 22050 Hz with hop >= n_fft / 16); beyond it, a picture-sized one.
MAX_FULL_CELLS = 1 << 23
MAX_FULL_COLS = 2048


def stft_view(y, sr, *, n_fft: int = 2048, hop_length: int = 512, window: str = "hann",
              top_db: float | None = 80.0, _pool: bool = False) -> dict:
    """STFT magnitude in dB re max, with its time/frequency axes and extent (03).

    ``librosa.stft(center=True)``: frame ``n`` is centred at ``n * hop_length / sr`` seconds;
    bin ``k`` is at ``k * sr / n_fft`` Hz (``librosa.fft_frequencies``).

    Returns dict: ``magnitude_db`` (bins x frames, dB re max, floor ``-top_db``), ``times`` (s),
    ``freqs`` (Hz), ``extent`` (for ``imshow(origin="lower")``), ``delta_t`` (s), ``delta_f``
    (Hz), ``window_ms``, ``shape`` (of the full STFT), ``frames_per_column``, ``readout``.

    Long clips: when the full array would have more than ``MAX_FULL_CELLS`` cells (e.g. 10
    minutes at n_fft=8192, hop=128), ``magnitude_db`` keeps every bin but at most
    ``MAX_FULL_COLS`` columns, each the maximum over ``frames_per_column`` frames (``times``
    are the columns' first frames), computed batch by batch in float32: time and memory stay
    bounded (see ``FFT_BUDGET``).

    ``_pool=True`` (the explorer) returns only a picture-sized image, max-pooled from ``|S|``
    *before* the dB mapping (dB is monotonic, so this equals pooling the dB image):
    ``display`` / ``display_extent``.

    A silent signal raises ``ValueError`` (``helpers.validate.SILENT_SIGNAL``): dB re max of
    all zeros is undefined.
    """
    import librosa

    y = check_signal(y, mono=True)
    sr = check_sr(sr)
    n_fft, hop_length, _ = check_frame_params(n_fft, hop_length, n_samples=y.size)
    window = check_window(window)
    top_db = _check_top_db(top_db)
    n_bins = n_fft // 2 + 1
    n_frames = 1 + (y.size + 2 * (n_fft // 2) - n_fft) // hop_length
    shape = (n_bins, n_frames)
    extent = _spectrogram_extent(n_frames, n_bins, sr, hop_length, n_fft)
    out = dict(freqs=librosa.fft_frequencies(sr=sr, n_fft=n_fft), extent=extent,
               delta_t=hop_length / sr, delta_f=sr / n_fft, window_ms=1000 * n_fft / sr,
               shape=shape, frames_per_column=1)
    if not _pool and n_frames * n_bins <= MAX_FULL_CELLS:
        magnitude = np.abs(librosa.stft(y=y, n_fft=n_fft, hop_length=hop_length, window=window))
        if not magnitude.max() > 0:
            raise silent_signal_error()
        out["times"] = librosa.frames_to_time(np.arange(n_frames), sr=sr, hop_length=hop_length)
        out["magnitude_db"] = librosa.amplitude_to_db(magnitude, ref=np.max, top_db=top_db)
        out["readout"] = _stft_readout(sr, n_fft, hop_length, window, shape)
        return out
    r = _spectrogram_image(y, n_fft, hop_length, window,
                           max_rows=MAX_IMAGE_ROWS if _pool else None,
                           max_cols=MAX_IMAGE_COLS if _pool else MAX_FULL_COLS)
    if not r["hi"] > 0:
        raise silent_signal_error()
    db = librosa.amplitude_to_db(r["image"], ref=r["hi"], top_db=top_db)
    out["readout"] = _stft_readout(sr, n_fft, hop_length, window, shape,
                                   _sampled_note(r, hop_length, sr))
    out["frames_per_column"] = r["frames_per_cell"]
    if _pool:
        out["display"], out["display_extent"] = db, _image_extent(r, sr, hop_length, n_fft)
    else:
        out["magnitude_db"] = db
        out["times"] = np.arange(db.shape[1]) * r["frames_per_cell"] * hop_length / sr
        out["extent"] = _image_extent(r, sr, hop_length, n_fft)
    return out


def _parse_ref(ref):
    if isinstance(ref, str):
        if ref.strip().lower() == "max":
            return "max"
        try:
            ref = float(ref)
        except ValueError:
            raise ValueError(f"ref must be 'max' or a positive number such as 1.0, got {ref!r}.") from None
    return _check_number(ref, "ref", low=0.0, low_open=True)


def db_view(magnitude, *, ref="max", top_db: float | None = 80.0, amin: float = 1e-5,
            stats: tuple[float, float] | None = None) -> dict:
    """Magnitude -> dB (``librosa.amplitude_to_db``) with the reference stated (04).

    ``ref="max"``: 0 dB is the loudest bin ("dB re max"); ``ref=1.0``: 0 dB is a magnitude of 1.0
    ("dB re 1.0"). ``amin`` is the smallest magnitude considered: everything quieter sits on a
    floor of ``20 log10(amin / ref)`` dB. librosa divides by ``max(amin, ref)``, so a ``ref``
    below ``amin`` makes ``amin`` the 0 dB level (the readout and label say so). ``top_db``
    clips everything more than ``top_db`` below the loudest value (``None`` = no clipping).

    ``stats=(min, max)`` of the full-resolution magnitude may be given when ``magnitude`` is a
    max-pooled display copy, so the readout still reports the true range (dB is monotonic).

    Returns dict: ``db``, ``vmin``/``vmax`` (dB range of the values), ``ref_value`` (what 0 dB
    is, a magnitude), ``floor`` (dB), ``floor_fraction`` (of the cells of ``magnitude`` at the
    floor), ``label`` (colourbar label with the reference), ``readout``.

    dB re max of a silent (all-zero) magnitude raises ``ValueError``
    (``helpers.validate.SILENT_SIGNAL``).
    """
    import librosa

    magnitude = check_spectrum(magnitude, name="magnitude")
    ref = _parse_ref(ref)
    amin = _check_number(amin, "amin", low=0.0, low_open=True)
    top_db = _check_top_db(top_db)
    lo, hi = stats if stats is not None else (float(magnitude.min()), float(magnitude.max()))
    if ref == "max" and not hi > 0:
        raise silent_signal_error()
    asked = hi if ref == "max" else ref
    ref_value = max(amin, asked)  # what librosa divides by
    db = librosa.amplitude_to_db(magnitude, ref=ref_value, amin=amin, top_db=top_db)

    def to_db(v):
        return 20 * np.log10(max(amin, v)) - 20 * np.log10(ref_value)

    vmax, vmin, floor = to_db(hi), to_db(lo), to_db(0.0)
    clip_level = None if top_db is None else vmax - top_db
    if clip_level is not None:
        vmin = max(vmin, clip_level)
    if asked < amin:
        name = f"dB re {amin:g}"
        ref_text = (f"<b>{name}</b>: 0 dB = amin = {amin:g}, not ref = {asked:.4g}: librosa "
                    "divides by max(amin, ref), so a ref below amin is replaced by amin")
    elif ref == "max":
        name = "dB re max"
        ref_text = f"<b>{name}</b>: 0 dB = the loudest bin (|S| = {hi:.4g})"
    else:
        name = f"dB re {ref!r}"
        ref_text = f"<b>{name}</b>: 0 dB = a magnitude |S| of {ref!r}"
    clip = (f"top_db = {_fmt(top_db)}: nothing below {clip_level:.1f} dB"
            if top_db is not None else "no top_db clipping")
    at_floor = float(np.count_nonzero(magnitude <= amin)) / magnitude.size
    if clip_level is not None and floor <= clip_level:
        floor_text = "under the top_db clip: not shown"
    else:
        what = "of the picture sits" if stats else "of the cells sit"
        floor_text = f"<b>{at_floor:.0%} {what} on it</b>"
    # two lines at most in the explorer, so the figure below does not move
    readout = (
        f"{ref_text} | <b>shown: {vmin:.1f} dB to {vmax:.1f} dB</b> | {clip} | "
        f"amin = {amin:g}: floor 20&middot;log10(amin/ref) = {floor:.1f} dB, {floor_text}"
    )
    return dict(db=db, vmin=float(vmin), vmax=float(vmax), ref_value=float(ref_value),
                floor=float(floor), floor_fraction=at_floor, label=f"Magnitude ({name})",
                readout=readout)


def mfcc_view(power, sr, *, n_fft: int, n_mfcc: int = 13, n_mels: int = 128, fmin: float = 0.0,
              fmax: float | None = None, mel_basis=None) -> dict:
    """Mel power spectrogram (dB re 1.0) and MFCCs from a power spectrogram ``|S|**2`` (05).

    Same numbers as ``librosa.feature.mfcc(y=..., sr=sr, n_mfcc=n_mfcc, n_mels=n_mels,
    n_fft=n_fft, hop_length=...)``: mel filterbank -> ``power_to_db`` (ref 1.0, top_db 80) ->
    DCT-II (orthonormal) over the mel axis, first ``n_mfcc`` rows. A setting where some mel
    filters would hold no FFT bin (e.g. n_fft=256 with n_mels=128) raises the same ValueError as
    ``helpers.features.mel_filterbank`` (librosa only warns and returns rows of zeros).

    Returns dict: ``mel_db`` (n_mels x frames), ``mfcc`` (n_mfcc x frames), ``shape``,
    ``readout``.
    """
    import librosa
    import scipy.fft
    import scipy.sparse

    sr = check_sr(sr)
    power = np.asarray(power)
    if power.ndim != 2 or power.size == 0:
        raise ValueError(f"power must be a 2-D (bins, frames) array, got shape {power.shape}.")
    n_fft = check_positive_int(n_fft, "n_fft", minimum=2)
    if power.shape[0] != n_fft // 2 + 1:
        raise ValueError(
            f"power has {power.shape[0]} frequency bins but n_fft={n_fft} gives {n_fft // 2 + 1}."
        )
    n_mels, fmin, fmax = check_mel_params(sr, n_mels=n_mels, fmin=fmin, fmax=fmax,
                                          n_mfcc=n_mfcc, n_fft=n_fft)
    check_mel_filters(sr, n_fft, n_mels, fmin, fmax)
    if mel_basis is None:  # each filter touches few bins: a sparse product is ~10x faster
        mel_basis = scipy.sparse.csr_matrix(
            librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax))
    mel = mel_basis @ power
    mel_db = librosa.power_to_db(mel, ref=1.0, top_db=80.0)
    mfcc = scipy.fft.dct(mel_db, axis=-2, type=2, norm="ortho")[:n_mfcc]
    readout = (
        f"{n_mels} mel bands -> DCT -> keep the first {n_mfcc}: <b>MFCC shape {mfcc.shape}</b> "
        f"= (n_mfcc, frames) | log-mel shape {mel_db.shape} = (n_mels, frames)"
    )
    return dict(mel_db=mel_db, mfcc=mfcc, shape=mfcc.shape, readout=readout)


# =============================================================================================
# wiring: one persistent figure, controls, readout
# =============================================================================================
class Explorer:
    """Sliders + readout + one figure updated in place. Subclasses define ``compute``/``draw``.

    ``explorer.update(name=value, ...)`` moves sliders from code (one redraw); ``explorer.png()``
    gives the current view as PNG bytes; ``explorer.last_view`` is the last compute result;
    ``explorer.timings`` holds the last redraws' wall times in ms (compute, draw, png), the CPU
    time of the whole redraw (``cpu_ms``, independent of other processes) and the PNG size.
    """

    height_px = FIG_H_PX

    def __init__(self, controls: dict):
        import ipywidgets as W
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.controls = controls
        self._suspend = False
        self.last_view = None
        self.timings: deque = deque(maxlen=200)
        # A plain Agg figure (never registered with pyplot, so no backend draws it a second
        # time) whose PNG goes into an ipywidgets.Image, whatever the backend: under
        # %matplotlib widget, ipympl's live canvas was 2-4x slower per move (it redraws the
        # whole figure and needs a second round trip), see benchmarks/browser_latency.py.
        import matplotlib as mpl

        from .plot import FONT_SIZE_PT

        self._rc = {"font.size": FONT_SIZE_PT}  # readable on a slide, whoever set rcParams
        with mpl.rc_context(self._rc):
            self.fig = Figure(figsize=(FIG_W_PX / DPI, self.height_px / DPI), dpi=DPI)
            FigureCanvasAgg(self.fig)
        view = W.Image(format="png", width=str(FIG_W_PX), height=str(self.height_px))
        view.add_class("audio-course-figure")
        self.view = view
        # room for two lines, so a readout that wraps does not push the figure down
        self.readout = W.HTML(value="", layout=W.Layout(min_height="4em"))
        self.readout.add_class("audio-course-readout")
        self.errors = W.Output()
        self.errors.add_class("audio-course-errors")
        self._blit: list = []  # artists redrawn on a cached background (subclasses fill it)
        self._blit_cached: list = []  # (artist, key function): pixels kept per key
        self._regions: dict = {}
        self._bg = None
        self._bg_dirty = True  # set by draw() when anything outside self._blit changed
        with mpl.rc_context(self._rc):
            self._build(self.fig)
        for c in controls.values():
            c.observe(self._on_change, names="value")
        row = W.HBox(list(controls.values()))
        self.widget = W.VBox([row, self.readout, view, self.errors])
        self.widget.add_class("audio-course-explorer")
        view0 = self.redraw()
        if view0 is None:  # the defaults were invalid: say so at creation, not later
            raise ValueError(html.unescape(self._error))

    # -- subclass API -------------------------------------------------------------------------
    def _build(self, fig):  # create axes and artists
        raise NotImplementedError

    def compute(self, **params) -> dict:
        raise NotImplementedError

    def draw(self, view: dict) -> None:
        raise NotImplementedError

    # -- machinery ------------------------------------------------------------------------------
    def params(self) -> dict:
        return {k: c.value for k, c in self.controls.items()}

    #: The function that computes one view for any setting (named when a value is not offered).
    view_function = "the matching helpers.widgets.*_view function"
    #: Why a control's range is what it is, per control (added to the message).
    range_notes: dict = {}

    def update(self, **values):
        """Set several controls at once (as a learner would by dragging) and redraw once.

        Every value is checked against what its control offers (the options of a choice, the
        range of a slider) before any control moves: a value the control does not offer raises
        ``ValueError`` naming the allowed values, and no control changes, so the controls and
        the figure stay in step. Nothing is clamped or rounded silently.
        """
        unknown = sorted(set(values) - set(self.controls))
        if unknown:
            raise TypeError(f"unknown parameter(s) {unknown}; this explorer has {list(self.controls)}.")
        for k, v in values.items():
            self._check_offered(k, v)
        before = self.params()
        self._suspend = True
        try:
            for k, v in values.items():
                self.controls[k].value = v
                if self.controls[k].value != v:  # coerced by the widget: refuse, put back
                    raise ValueError(self._not_offered(k, v))
        except Exception as exc:
            for k0, v0 in before.items():  # no control may show a value the figure does not
                self.controls[k0].value = v0
            if type(exc).__name__ == "TraitError":  # ipywidgets' own, ten frames deep
                raise ValueError(self._not_offered(k, v)) from None
            raise
        finally:
            self._suspend = False
        return self.redraw()

    def _offered(self, name):
        """What a control offers: ``("choice", values)`` or ``("range", low, high, is_int)``."""
        c = self.controls[name]
        if hasattr(c, "options"):
            return ("choice", [o[1] if isinstance(o, tuple) else o for o in c.options])
        return ("range", c.min, c.max, isinstance(c.value, numbers.Integral))

    def _not_offered(self, name, value) -> str:
        kind, *rest = self._offered(name)
        if kind == "choice":
            allowed = f"choose one of {', '.join(map(repr, rest[0]))}"
        else:
            low, high, is_int = rest
            allowed = (f"choose a {'whole ' if is_int else ''}number from {_fmt(low)} to "
                       f"{_fmt(high)} (the slider's range)")
        note = self.range_notes.get(name, "")
        return (f"{name}={value!r} is not offered by this explorer's {name} control: {allowed}"
                f"{'; ' + note if note else ''}. For other settings call "
                f"{self.view_function} directly.")

    def _check_offered(self, name, value) -> None:
        kind, *rest = self._offered(name)
        if kind == "choice":
            ok = any(value == o and type(value) is type(o) or
                     (isinstance(value, numbers.Real) and not isinstance(value, bool)
                      and isinstance(o, numbers.Real) and value == o) for o in rest[0])
        else:
            low, high, is_int = rest
            ok = (isinstance(value, numbers.Real) and not isinstance(value, bool)
                  and np.isfinite(value) and low <= value <= high
                  and (not is_int or float(value).is_integer()))
        if not ok:
            raise ValueError(self._not_offered(name, value))

    def _on_change(self, change):
        if self._suspend:
            return
        if self.errors.outputs:
            self.errors.clear_output()  # an earlier error is not the current state
        try:
            self.redraw()
        except Exception:
            # an unexpected error shows as a traceback under the figure (outside IPython it
            # propagates). Entering the Output only here saves two widget messages per move.
            with self.errors:
                raise

    def redraw(self):
        """Recompute for the current controls, update the artists, render. Returns the view."""
        t0, c0 = time.perf_counter(), time.thread_time()
        try:
            view = self.compute(**self.params())
        except (ValueError, TypeError) as exc:  # a parameter combination the learner can fix
            self._error = html.escape(str(exc))
            self.readout.value = f'<span style="color:#b00020">&#9888; {self._error}</span>'
            return None
        t1 = time.perf_counter()
        import matplotlib as mpl

        with mpl.rc_context(self._rc):  # texts made while drawing keep the explorer's size
            self.draw(view)
        t2 = time.perf_counter()
        png = self._show()
        t3 = time.perf_counter()
        self.readout.value = view["readout"]
        self.last_view = view
        self.timings.append(dict(compute_ms=1000 * (t1 - t0), draw_ms=1000 * (t2 - t1),
                                 png_ms=1000 * (t3 - t2), png_bytes=len(png),
                                 cpu_ms=1000 * (time.thread_time() - c0)))
        return view

    def _render_agg(self):
        """Draw into the Agg buffer. When only the artists in ``self._blit`` changed, restore the
        cached background (axes, ticks, labels) and draw just those artists (blitting).

        Artists in ``self._blit_cached`` (``(artist, key)`` pairs, e.g. a colourbar or an axis
        whose tick labels depend on one setting) are drawn once per key and their pixels kept:
        text is the costliest thing to draw, and moving back to a setting reuses the pixels.
        They are drawn before ``self._blit``, which may overlap their edges."""
        canvas = self.fig.canvas
        cached = [a for a, _ in self._blit_cached]
        if (self._blit or cached) and self._bg is not None and not self._bg_dirty:
            canvas.restore_region(self._bg)
        else:
            for a in self._blit + cached:
                a.set_visible(False)
            canvas.draw()
            for a in self._blit + cached:
                a.set_visible(True)
            self._bg = canvas.copy_from_bbox(self.fig.bbox) if self._blit or cached else None
            self._bg_dirty = False
            self._regions = {}
        for artist, key_fn in self._blit_cached:
            regions = self._regions.setdefault(id(artist), OrderedDict())
            key = key_fn()
            if key in regions:
                canvas.restore_region(regions[key])
                regions.move_to_end(key)
                continue
            self.fig.draw_artist(artist)
            regions[key] = canvas.copy_from_bbox(_region_box(artist, canvas.get_renderer()))
            while len(regions) > 48:
                regions.popitem(last=False)
        for a in self._blit:
            self.fig.draw_artist(a)

    def png(self, *, palette: bool = False) -> bytes:
        """The current figure as PNG bytes.

        ``palette=True`` (live slider updates) quantises to a 256-colour palette first (Pillow's
        fast octree: mean error ~1.5/255 per channel, 3-5x smaller and faster to encode than
        full colour); the static view for exports is full colour.
        """
        from PIL import Image

        self._render_agg()
        canvas = self.fig.canvas
        # the Agg buffer wrapped without a copy; the figure is opaque, so alpha is dropped
        img = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw",
                               "RGBA", 0, 1).convert("RGB")
        if palette:
            img = img.quantize(colors=256, method=Image.Quantize.FASTOCTREE)
        buf = io.BytesIO()
        img.save(buf, format="png", **PNG_OPTIONS)
        return buf.getvalue()

    def _show(self):
        png = self.png(palette=True)
        self.view.value = png
        return png

    #: the static view's caption text, in px (>= 14 px: readable on a slide)
    caption_font_px = 15

    #: the explorer's name in its static image's title
    title = "Explorer"

    def param_text(self) -> str:
        """The parameters of the current view with their units, for the static image's title
        (from each control's own label, e.g. "frequency (Hz)" -> "frequency = 440 Hz")."""
        parts = []
        for key, c in self.controls.items():
            value = _option_label(c)
            value = _fmt(value) if isinstance(value, numbers.Real) else value
            m = re.fullmatch(r"(.*?) \((.*)\)", c.description or key)
            name, unit = (m.group(1), m.group(2)) if m else (c.description or key, "")
            parts.append(f"{name} = {value}" + (f" {unit}" if unit else ""))
        return ", ".join(parts)

    def static_caption(self) -> tuple[str, str]:
        """(title, readout) of the static view: the explorer and every parameter, and the
        readout as plain text. What the site, the slides and a non-live kernel show."""
        plain = html.unescape(re.sub(r"<[^>]+>", "", self.readout.value))
        return f"{self.title}: {self.param_text()}", " ".join(plain.split())

    def static_png(self) -> bytes:
        """The current figure with its title (every parameter) above and its readout below, as
        one full-colour PNG: the view a reader without a live kernel gets."""
        from PIL import Image

        body = Image.open(io.BytesIO(self.png())).convert("RGB")
        title, readout = self.static_caption()
        bands = [_text_band(title, body.width, self.caption_font_px, bold=True), body,
                 _text_band(readout, body.width, self.caption_font_px)]
        out = Image.new("RGB", (body.width, sum(b.height for b in bands)), "white")
        y = 0
        for b in bands:
            out.paste(b, (0, y))
            y += b.height
        buf = io.BytesIO()
        out.save(buf, format="png", **PNG_OPTIONS)
        return buf.getvalue()

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        png = self.static_png()  # full colour, with its title and readout, for exports
        data = {
            "text/plain": repr(self),
            "image/png": base64.b64encode(bytes(png)).decode("ascii"),
        }
        model_id = getattr(self.widget, "model_id", None)
        if model_id:
            data["application/vnd.jupyter.widget-view+json"] = {
                "version_major": 2, "version_minor": 0, "model_id": model_id,
            }
        return data

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params().items())
        return f"<{type(self).__name__} {args}>"


def _option_label(control):
    """What a control shows for its value: a choice slider's option label, else the value."""
    for option in getattr(control, "options", None) or ():
        if isinstance(option, tuple) and len(option) == 2 and option[1] == control.value:
            return option[0]
    return control.value


def _text_band(text: str, width_px: int, font_px: float, *, bold: bool = False):
    """A white band of ``width_px`` holding ``text`` wrapped to fit, as a PIL image."""
    import textwrap

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from PIL import Image

    chars = max(20, int(width_px / (0.55 * font_px)))  # average glyph ~0.55 em wide
    lines = textwrap.wrap(text, chars) or [""]
    line_px = 1.35 * font_px
    height = int(round(len(lines) * line_px + 0.6 * font_px))
    fig = Figure(figsize=(width_px / DPI, height / DPI), dpi=DPI)
    canvas = FigureCanvasAgg(fig)
    fig.text(8 / width_px, 1 - 0.3 * font_px / height, "\n".join(lines), va="top", ha="left",
             fontsize=font_px * 72 / DPI, fontweight="bold" if bold else "normal",
             linespacing=1.25)
    canvas.draw()
    return Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw",
                            "RGBA", 0, 1).convert("RGB")


def _region_box(artist, renderer):
    """The pixels an artist draws: its tight box, and for an axis also its tick marks (which
    sit between the labels and the axes edge, outside ``Axis.get_tightbbox``)."""
    from matplotlib.axis import XAxis, YAxis
    from matplotlib.transforms import Bbox

    b = artist.get_tightbbox(renderer)
    if isinstance(artist, (XAxis, YAxis)):
        a = artist.axes.get_window_extent(renderer)
        if isinstance(artist, YAxis):
            b = Bbox([[b.x0, b.y0], [max(b.x1, a.x0 + 1), b.y1]])
        else:
            b = Bbox([[b.x0, b.y0], [b.x1, max(b.y1, a.y0 + 1)]])
    return b.padded(2)


def _slider_kw(description):
    return dict(description=description, style=_STYLE, layout={"width": SLIDER_W})


def _choice_slider(options, value, description):
    """A SelectionSlider: unlike a Dropdown or ToggleButtons it changes with the arrow keys
    (a focused Dropdown's ArrowDown moves JupyterLab's active cell instead)."""
    import ipywidgets as W

    return W.SelectionSlider(options=options, value=value, **_slider_kw(description))


def _image_axes(fig, rect, cbar_rect, *, ylabel, cbar_label, cmap="magma"):
    ax = fig.add_axes(rect)
    cax = fig.add_axes(cbar_rect)
    img = ax.imshow(np.zeros((2, 2)), origin="lower", aspect="auto", interpolation="nearest",
                    extent=(0, 1, 0, 1), cmap=cmap)
    cb = fig.colorbar(img, cax=cax)
    cb.set_label(cbar_label)
    ax.set(xlabel="Time (s)", ylabel=ylabel)
    ax.grid(False)
    return ax, img, cb


# --- 01 waveform ------------------------------------------------------------------------------
class WaveformExplorer(Explorer):
    title = "Waveform explorer"
    view_function = "helpers.widgets.waveform_view(y, sr, start=..., length=...)"

    def __init__(self, y, sr, *, start=0.0, length=None):
        import ipywidgets as W

        self.y = check_signal(y, mono=True)
        self.sr = check_sr(sr)
        self.peak = max(float(self.y.max()), -float(self.y.min()))
        dur = self.y.size / self.sr
        length = dur if length is None else length
        waveform_view(self.y, self.sr, start=start, length=length)  # validate the defaults
        step = max(0.001, round(dur / 2000, 3))  # 1 ms steps for short clips, ~2000 positions
        controls = dict(
            start=W.FloatSlider(value=start, min=0.0, max=dur, step=step, readout_format=".3f",
                                **_slider_kw("start (s)")),
            length=W.FloatSlider(value=min(length, dur), min=min(step, length), max=dur, step=step,
                                 readout_format=".3f", **_slider_kw("length (s)")),
        )
        super().__init__(controls)

    def _build(self, fig):
        self.ax = fig.add_axes((0.10, 0.18, 0.87, 0.75))
        (self.line,) = self.ax.plot([], [], lw=0.7, color="C0", markersize=3)
        self.ax.set(xlabel="Time (s)", ylabel="Amplitude (full scale = 1)")
        self._blit = [self.ax.xaxis, self.line]  # y axis fixed: only the time axis changes

    def compute(self, start, length):
        return waveform_view(self.y, self.sr, start=start, length=length, _peak=self.peak)

    def draw(self, v):
        self.line.set_data(v["t"], v["values"])
        self.line.set_marker("o" if v["block"] == 1 and v["n_samples"] <= 200 else "None")
        self.ax.set_xlim(*v["xlim"])
        if self.ax.get_ylim() != tuple(v["ylim"]):
            self.ax.set_ylim(*v["ylim"])
            self._bg_dirty = True


def waveform_explorer(y, sr, *, start: float = 0.0, length: float | None = None):
    """Zoom into a waveform (01): sliders ``start`` (s) and ``length`` (s, default the whole clip).

    The readout gives the number of samples in view; zoom below ~200 samples and each sample is
    drawn as a dot.
    """
    return WaveformExplorer(y, sr, start=start, length=length)


# --- 02 spectrum --------------------------------------------------------------------------------
class SpectrumExplorer(Explorer):
    title = "Spectrum explorer"
    view_function = "helpers.widgets.spectrum_view(sr, freq=..., window=..., length_ms=...)"

    def __init__(self, sr=22050, *, freq=440.0, window="hann", length_ms=50.0):
        import ipywidgets as W

        self.sr = check_sr(sr)
        spectrum_view(self.sr, freq=freq, window=window, length_ms=length_ms)  # validate
        window = _check_choice(window, "window", WINDOWS)
        self.fmax = max(min(2000.0, 0.45 * self.sr), float(freq))
        controls = dict(
            freq=W.FloatSlider(value=freq, min=min(20.0, float(freq)), max=self.fmax, step=0.5,
                               readout_format=".1f", **_slider_kw("frequency (Hz)")),
            window=_choice_slider(list(WINDOWS), window, "window"),
            length_ms=W.FloatSlider(value=length_ms, min=5.0, max=max(500.0, length_ms), step=1.0,
                                    readout_format=".0f", **_slider_kw("length (ms)")),
        )
        super().__init__(controls)

    def _build(self, fig):
        self.ax_t = fig.add_axes((0.12, 0.18, 0.23, 0.70))
        self.ax_f = fig.add_axes((0.45, 0.18, 0.50, 0.70))
        (self.line_t,) = self.ax_t.plot([], [], lw=0.8)
        (self.line_f,) = self.ax_f.plot([], [], lw=0.9, marker=".", markersize=3)
        self.peak = self.ax_f.axvline(0, color="C3", lw=0.8, ls="--")
        # the time axis fits the segment (redrawn with it); amplitude and spectrum axes are fixed
        self.ax_t.set(xlabel="Time (ms)", ylabel="Amplitude\n(full scale = 1)", title="windowed tone",
                      ylim=(-0.55, 0.55))
        self.ax_f.set(xlabel="Frequency (Hz)", ylabel="Magnitude (dB re max)", ylim=(-120, 5),
                      xlim=(0, min(self.sr / 2, self.fmax * 1.25)), title="spectrum (rfft)")
        self._blit = [self.line_t, self.line_f, self.peak]
        self._blit_cached = [(self.ax_t.xaxis, lambda: self.ax_t.get_xlim())]

    def compute(self, freq, window, length_ms):
        return spectrum_view(self.sr, freq=freq, window=window, length_ms=length_ms)

    def draw(self, v):
        self.line_t.set_data(1000 * v["t"], v["segment"])
        self.ax_t.set_xlim(0, 1000 * v["n"] / self.sr)
        self.line_f.set_data(v["freqs"], v["magnitude_db"])
        self.peak.set_xdata([v["peak_freq"], v["peak_freq"]])


def spectrum_explorer(sr: int = 22050, *, freq: float = 440.0, window: str = "hann",
                      length_ms: float = 50.0):
    """Leakage and resolution of one FFT (02): a synthetic 0.5-amplitude tone of ``freq`` Hz,
    ``length_ms`` long, times a ``window`` (boxcar / hann / hamming / blackman). The readout gives
    the peak frequency (from ``np.fft.rfftfreq``) and the bin spacing ``delta_f = sr / N``."""
    return SpectrumExplorer(sr, freq=freq, window=window, length_ms=length_ms)


# --- 03 STFT ---------------------------------------------------------------------------------
N_FFT_OPTIONS = (256, 512, 1024, 2048, 4096, 8192)
#: The hop is offered as a fraction of n_fft (hop_length = n_fft // d), so it stays valid
#: (<= n_fft) whatever n_fft is; the readout gives it in samples and ms.
#: n_fft/64 keeps every setting of the earlier hop slider (e.g. n_fft=8192, hop=128) reachable;
#: the work per move stays bounded (frames at most n_fft / 8 apart are computed).
HOP_FRACTIONS = (64, 32, 16, 8, 4, 2, 1)


def _hop_label(d: int) -> str:
    return "n_fft" if d == 1 else f"n_fft/{d}"


class StftExplorer(Explorer):
    title = "STFT explorer"
    cache_size = 8
    view_function = "helpers.widgets.stft_view(y, sr, n_fft=..., hop_length=..., window=...)"
    range_notes = {"n_fft": "powers of two up to the clip's length",
                   "hop": "a fraction of n_fft (or pass hop_length= in samples)"}

    def __init__(self, y, sr, *, n_fft=2048, hop_length=None, window="hann"):
        self.y = check_signal(y, mono=True)
        self.sr = check_sr(sr)
        n_fft, hop_length, _ = check_frame_params(n_fft, hop_length, n_samples=self.y.size)
        window = _check_choice(window, "window", WINDOWS)
        d = self._fraction(n_fft, hop_length)
        self._cache: OrderedDict = OrderedDict()
        nffts = sorted({n for n in N_FFT_OPTIONS if n <= self.y.size} | {n_fft})
        controls = dict(
            n_fft=_choice_slider(nffts, n_fft, "n_fft (samples)"),
            hop=_choice_slider([(_hop_label(k), k) for k in HOP_FRACTIONS], d, "hop"),
            window=_choice_slider(list(WINDOWS), window, "window"),
        )
        super().__init__(controls)

    @staticmethod
    def _fraction(n_fft, hop_length) -> int:
        for d in HOP_FRACTIONS:
            if n_fft // d == hop_length and n_fft % d == 0:
                return d
        offered = ", ".join(str(n_fft // d) for d in HOP_FRACTIONS if n_fft % d == 0)
        raise ValueError(
            f"stft_explorer sets the hop as a fraction of n_fft (n_fft/64 ... n_fft), so it stays "
            f"valid when n_fft moves: hop_length={hop_length} is not one of {offered} for "
            f"n_fft={n_fft}. Pick one of them, or call helpers.widgets.stft_view for any hop."
        )

    def update(self, **values):
        """As :meth:`Explorer.update`; ``hop_length=`` (samples) is accepted too."""
        if "hop_length" in values:
            n_fft = values.get("n_fft", self.controls["n_fft"].value)
            values["hop"] = self._fraction(n_fft, values.pop("hop_length"))
        return super().update(**values)

    def _build(self, fig):
        self.ax, self.img, self.cb = _image_axes(
            fig, (0.10, 0.18, 0.74, 0.74), (0.855, 0.18, 0.015, 0.74),
            ylabel="Frequency (Hz)", cbar_label="Magnitude (dB re max)")
        self.img.set_clim(-80, 0)
        self.ax.set_xlim(0, self.y.size / self.sr)
        self.ax.set_ylim(0, self.sr / 2)
        self._blit = [self.img]

    def compute(self, n_fft, hop, window):
        hop_length = n_fft // hop
        key = (n_fft, hop_length, window)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        v = stft_view(self.y, self.sr, n_fft=n_fft, hop_length=hop_length, window=window,
                      _pool=True)  # the cache holds only the small display image
        self._cache[key] = v
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return v

    def draw(self, v):
        self.img.set_data(v["display"])
        self.img.set_extent(v["display_extent"])


def stft_explorer(y, sr, *, n_fft: int = 2048, hop_length: int | None = None,
                  window: str = "hann"):
    """The time/frequency trade-off (03): sliders ``n_fft``, ``hop`` and ``window``.

    The hop is a fraction of n_fft (n_fft/64, /32, ..., /2, n_fft; ``hop_length`` in samples sets
    the start, default n_fft // 4), so it stays valid when n_fft moves. Shows ``|STFT|`` in dB
    re max (80 dB range). The readout states the hop in samples, delta-t = hop/sr,
    delta-f = sr/n_fft, frames x bins and the window length in ms. The last 8 settings are
    cached.
    """
    return StftExplorer(y, sr, n_fft=n_fft, hop_length=hop_length, window=window)


# --- 04 decibels ------------------------------------------------------------------------------
#: amin in |S| units: the floor 20 log10(amin / ref) must rise above the top_db clip to show, and
#: on a typical clip (blues: |S| up to ~93, median 0.07) it does from about 0.01 upwards.
AMIN_OPTIONS = (1e-5, 1e-4, 1e-3, 1e-2, 0.03, 0.1, 0.3, 1.0)


class DbExplorer(Explorer):
    title = "dB explorer"
    view_function = "helpers.widgets.db_view(magnitude, ref=..., top_db=..., amin=...)"

    def __init__(self, y, sr, *, ref="max", top_db=80.0, amin=1e-5, n_fft=2048, hop_length=512):
        import ipywidgets as W

        self.y = check_signal(y, mono=True)
        self.sr = check_sr(sr)
        n_fft, hop_length, _ = check_frame_params(n_fft, hop_length, n_samples=self.y.size)
        ref = _parse_ref(ref)
        if ref not in ("max", 1.0):
            raise ValueError(f"db_explorer offers ref='max' or ref=1.0, got {ref!r}; for other "
                             "references call helpers.widgets.db_view(magnitude, ref=...).")
        ref = "max" if ref == "max" else "1.0"
        amin = _check_number(amin, "amin", low=0.0, low_open=True)
        top_db = _check_top_db(top_db)
        if top_db is None:
            raise ValueError("db_explorer needs a top_db (its slider); for no clipping call "
                             "helpers.widgets.db_view(magnitude, top_db=None).")
        # |S| once, picture-sized (max-pooled, batch by batch); the sliders only redo the dB
        r = _spectrogram_image(self.y, n_fft, hop_length, "hann", max_rows=MAX_IMAGE_ROWS,
                               max_cols=MAX_IMAGE_COLS)
        if not r["hi"] > 0:
            raise silent_signal_error()
        self.stats = (r["lo"], r["hi"])
        self.magnitude = r["image"]
        self.extent = _image_extent(r, self.sr, hop_length, n_fft)
        self.shape = (r["n_bins"], r["n_frames"])
        self.note = _sampled_note(r, hop_length, self.sr)
        amins = sorted(set(AMIN_OPTIONS) | {amin})
        controls = dict(
            ref=_choice_slider(["max", "1.0"], ref, "ref"),
            top_db=W.FloatSlider(value=top_db, min=10.0, max=max(160.0, top_db), step=5.0,
                                 readout_format=".0f", **_slider_kw("top_db (dB)")),
            amin=_choice_slider([(f"{a:g}", a) for a in amins], amin, "amin"),
        )
        super().__init__(controls)

    def _build(self, fig):
        self.ax, self.img, self.cb = _image_axes(
            fig, (0.10, 0.18, 0.74, 0.74), (0.855, 0.18, 0.015, 0.74),
            ylabel="Frequency (Hz)", cbar_label="Magnitude (dB re max)")
        self.img.set_extent(self.extent)
        self.ax.set_xlim(0, self.y.size / self.sr)
        self.ax.set_ylim(0, self.sr / 2)
        # the colourbar's scale changes with most moves: its pixels are kept per range + label,
        # and 6 ticks at most (tick labels are the costliest part of a redraw)
        from matplotlib.ticker import MaxNLocator

        self.cb.locator = MaxNLocator(nbins=6, steps=[1, 2, 5, 10])
        self._blit = [self.img]
        self._blit_cached = [(self.cb.ax, lambda: (*np.round(self.img.get_clim(), 3),
                                                   self.cb.ax.get_ylabel()))]

    def compute(self, ref, top_db, amin):
        v = db_view(self.magnitude, ref=ref, top_db=top_db, amin=amin, stats=self.stats)
        v["readout"] = v["readout"] + self.note
        return v

    def draw(self, v):
        self.img.set_data(v["db"])
        self.img.set_clim(v["vmin"], v["vmax"] if v["vmax"] > v["vmin"] else v["vmin"] + 1)
        self.cb.set_label(v["label"])


def db_explorer(y, sr, *, ref="max", top_db: float = 80.0, amin: float = 1e-5,
                n_fft: int = 2048, hop_length: int = 512):
    """Decibels (04): ``ref`` ("max" or "1.0"), ``top_db`` and ``amin`` of
    ``librosa.amplitude_to_db`` applied to ``|STFT|`` (computed once). The readout gives the dB
    range shown, states the reference, and how much of the picture sits on the amin floor; the
    colour scale spans exactly that range."""
    return DbExplorer(y, sr, ref=ref, top_db=top_db, amin=amin, n_fft=n_fft,
                      hop_length=hop_length)


# --- 05 MFCC ---------------------------------------------------------------------------------
class MfccExplorer(Explorer):
    title = "MFCC explorer"
    height_px = 400
    view_function = "helpers.widgets.mfcc_view(power, sr, n_fft=..., n_mfcc=..., n_mels=...)"
    range_notes = {"n_mfcc": "the explorer draws c1, c2, ... (c0, the overall level, is left "
                             "out), so it needs n_mfcc >= 2"}

    def __init__(self, y, sr, *, n_mfcc=13, n_mels=128, n_fft=2048, hop_length=512):
        import ipywidgets as W
        import librosa

        self.y = check_signal(y, mono=True)
        self.sr = check_sr(sr)
        self.n_fft, self.hop, _ = check_frame_params(n_fft, hop_length, n_samples=self.y.size)
        check_mel_params(self.sr, n_mels=n_mels, fmin=0.0, fmax=None, n_mfcc=n_mfcc,
                         n_fft=self.n_fft)
        if check_positive_int(n_mfcc, "n_mfcc") < 2:
            raise ValueError("mfcc_explorer shows c1, c2, ... (c0 is the overall level), so it "
                             f"needs n_mfcc >= 2, got {n_mfcc}.")
        # power spectrogram once; the sliders only redo mel filterbank, dB and DCT. A long clip
        # keeps every k-th frame (exactly those frames of the full STFT): the picture has
        # ~MAX_IMAGE_COLS columns, so more frames could not be seen.
        self.n_frames = 1 + (self.y.size + 2 * (self.n_fft // 2) - self.n_fft) // self.hop
        self.step = max(1, -(-self.n_frames // (2 * MAX_IMAGE_COLS))) \
            if self.n_frames > 4 * MAX_IMAGE_COLS else 1
        stft = librosa.stft(y=self.y, n_fft=self.n_fft, hop_length=self.hop * self.step)
        self.power = (stft.real ** 2 + stft.imag ** 2).astype(np.float32)
        del stft
        self._mel_bases: OrderedDict = OrderedDict()
        self._extent_t = (-self.hop / self.sr / 2,
                          (self.power.shape[1] * self.step - 0.5) * self.hop / self.sr)
        controls = dict(
            n_mfcc=W.IntSlider(value=n_mfcc, min=2, max=max(40, n_mfcc), **_slider_kw("n_mfcc")),
            n_mels=W.IntSlider(value=n_mels, min=8, max=max(128, n_mels),
                               **_slider_kw("n_mels")),
        )
        self.controls = controls
        self._v0 = self.compute(n_mfcc=n_mfcc, n_mels=n_mels)  # fixes the colour scales
        super().__init__(controls)

    def _build(self, fig):
        import librosa
        from matplotlib.ticker import MaxNLocator

        self.ax_mel, self.img_mel, self.cb_mel = _image_axes(
            fig, (0.11, 0.58, 0.72, 0.37), (0.845, 0.58, 0.015, 0.37),
            ylabel="Hz (mel scale)", cbar_label="dB re 1.0")
        self.ax_mfcc, self.img_mfcc, self.cb_mfcc = _image_axes(
            fig, (0.11, 0.11, 0.72, 0.37), (0.845, 0.11, 0.015, 0.37),
            ylabel="MFCC index", cbar_label="MFCC value", cmap="coolwarm")
        self.ax_mel.set_xlabel("")
        for ax in (self.ax_mel, self.ax_mfcc):
            ax.set_xlim(0, self.y.size / self.sr)
        # The mel axis is in mel units from 0 Hz to Nyquist (ticks labelled in Hz), whatever
        # n_mels. The MFCC axis shows c1 .. c(n_mfcc - 1), one row per coefficient: c0 (the
        # frame's overall level, far larger) is left out so it does not set the colour scale
        # alone (the readout gives its range). Colour scales are fixed at the default view's
        # range (the colourbars stay true); the MFCC scale is symmetric around 0 (+-99th
        # percentile of |c1..|).
        self.mel_max = float(librosa.hz_to_mel(self.sr / 2))
        hz = [f for f in (0, 500, 1000, 2000, 4000, 8000, 16000) if f <= self.sr / 2]
        self.ax_mel.set_yticks(librosa.hz_to_mel(np.array(hz, dtype=float)), [str(f) for f in hz])
        self.ax_mel.set_ylim(0, self.mel_max)
        self.ax_mfcc.yaxis.set_major_locator(MaxNLocator(nbins=8, integer=True))
        v0 = self._v0
        self.img_mel.set_clim(float(v0["mel_db"].min()), float(v0["mel_db"].max()))
        lim = float(np.percentile(np.abs(v0["mfcc"][1:]), 99)) or 1.0
        self.img_mfcc.set_clim(-lim, lim)
        self._blit = [self.img_mel, self.img_mfcc]
        # the MFCC axis' ticks depend only on n_mfcc: drawn once per value
        self._blit_cached = [(self.ax_mfcc.yaxis, lambda: self.ax_mfcc.get_ylim())]

    def _mel_basis(self, n_mels):
        import librosa
        import scipy.sparse

        if n_mels not in self._mel_bases:  # each filter touches few bins: sparse is ~10x faster
            self._mel_bases[n_mels] = scipy.sparse.csr_matrix(
                librosa.filters.mel(sr=self.sr, n_fft=self.n_fft, n_mels=n_mels))
            while len(self._mel_bases) > 8:
                self._mel_bases.popitem(last=False)
        return self._mel_bases[n_mels]

    def compute(self, n_mfcc, n_mels):
        check_mel_params(self.sr, n_mels=n_mels, fmin=0.0, fmax=None, n_mfcc=n_mfcc,
                         n_fft=self.n_fft)
        check_mel_filters(self.sr, self.n_fft, n_mels)
        v = mfcc_view(self.power, self.sr, n_fft=self.n_fft, n_mfcc=n_mfcc, n_mels=n_mels,
                      mel_basis=self._mel_basis(n_mels))
        c0 = v["mfcc"][0]
        others = float(np.percentile(np.abs(v["mfcc"][1:]), 99))
        step_note = (f" | long clip: the picture shows every {self.step}th frame"
                     if self.step > 1 else "")
        v["readout"] = (
            f"{n_mels} mel bands -> DCT -> keep the first {n_mfcc}: <b>MFCC shape "
            f"({n_mfcc}, {self.n_frames})</b> = (n_mfcc, frames) | drawn: c1 to c{n_mfcc - 1}; "
            f"c0 (the overall level, {float(c0.min()):.0f} to {float(c0.max()):.0f}, vs "
            f"|c1..| &le; {others:.0f}) is left out so it does not set the colour scale"
            + step_note
        )
        return v

    def draw(self, v):
        t0, t1 = self._extent_t
        n_mels, n_mfcc = v["mel_db"].shape[0], v["mfcc"].shape[0]
        # librosa's mel bands are centred at equally spaced mel points 1..n_mels of n_mels + 2
        dm = self.mel_max / (n_mels + 1)
        self.img_mel.set_data(v["mel_db"])
        self.img_mel.set_extent((t0, t1, dm / 2, self.mel_max - dm / 2))
        self.img_mfcc.set_data(v["mfcc"][1:])
        self.img_mfcc.set_extent((t0, t1, 0.5, n_mfcc - 0.5))
        self.ax_mfcc.set_ylim(0.5, n_mfcc - 0.5)


def mfcc_explorer(y, sr, *, n_mfcc: int = 13, n_mels: int = 128, n_fft: int = 2048,
                  hop_length: int = 512):
    """MFCCs (05): sliders ``n_mfcc`` and ``n_mels``. Top: log-mel power (dB re 1.0); bottom:
    the MFCCs c1 .. c(n_mfcc - 1), one row each (c0, the overall level, is left out of the
    picture so it does not dominate the colour scale; the readout gives its range). The readout
    gives the shape (n_mfcc, frames). A setting with empty mel filters (too many mel bands for
    n_fft) is refused with the reason in the readout."""
    return MfccExplorer(y, sr, n_mfcc=n_mfcc, n_mels=n_mels, n_fft=n_fft, hop_length=hop_length)
