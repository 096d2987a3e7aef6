"""Consistent, labelled figures: every axis has a quantity and a unit.

One section per notebook; each function draws into ``ax`` (created when ``None``) and returns it
(or the image artist, for colourbars). Static figures use ``librosa.display.specshow`` so the axes
are right by construction; the fast slider explorers in ``helpers.explorers`` draw their own.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .validate import check_positive_int, check_real_array, check_signal, check_sr, window_samples

__all__ = ["small_text", "MIN_TEXT_PX", "FONT_SIZE_PT", "new_axes", "waveform", "spectrogram", "colorbar", "MAX_CELLS", "MAX_COLS",
           "MAX_ROWS", "MAX_LINE_POINTS"]

#: Long inputs are drawn from a picture-sized copy (a 9-inch figure is ~860 px wide), so a
#: 10-minute clip draws in seconds and well under 1 GB; shorter inputs are drawn as they are.
#: Images of more than MAX_CELLS cells (a 30 s clip at n_fft=2048, hop=512 has 1.3 M): at most
#: MAX_COLS columns (frames) and MAX_ROWS rows (frequency bins); lines: at most
#: MAX_LINE_POINTS samples (45 s at 22,050 Hz), else a min/max envelope of blocks.
MAX_CELLS, MAX_COLS, MAX_ROWS, MAX_LINE_POINTS = 1 << 22, 2000, 1025, 1_000_000
_ENVELOPE_BLOCKS = 4000
_FREQ_AXES = ("linear", "log", "fft", "hz")


#: the smallest text a figure may hold, in pixels of its PNG: slides show figures at their own
#: size on a 960 x 700 canvas, and the course's slide tests want any text >= 14 px
MIN_TEXT_PX = 14
#: matplotlib's base font size for the course, in points: 11 pt at 96 dpi is 14.7 px, so every
#: text at "medium" or larger passes (set by ``helpers.setup_notebook`` and the explorers)
FONT_SIZE_PT = 11


def small_text(fig, min_px: float = MIN_TEXT_PX) -> list[tuple[str, float]]:
    """The visible texts of ``fig`` smaller than ``min_px`` pixels (text, size in px): tick
    labels, axis labels, titles, legends, colour bars, annotations."""
    from matplotlib.text import Text

    out = []
    for t in fig.findobj(Text):
        if not t.get_visible() or not t.get_text().strip():
            continue
        axes = t.axes
        if axes is not None and not axes.get_visible():
            continue
        px = t.get_fontsize() * fig.dpi / 72
        if px < min_px - 1e-9:
            out.append((t.get_text()[:40], round(px, 1)))
    return out


def new_axes(ax=None, figsize=(9, 3.2)):
    """Return ``ax`` or a fresh single axes; anything else given as ``ax`` is refused with the
    fix (a Figure, an array or list of Axes, a number ...)."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
        return ax
    return check_ax(ax)


def check_ax(ax):
    """``ax`` must be ONE matplotlib Axes; a Figure or several Axes get a message with the fix."""
    from matplotlib.axes import Axes
    from matplotlib.figure import FigureBase

    if isinstance(ax, Axes):
        return ax
    if isinstance(ax, FigureBase):
        raise TypeError(
            "ax= must be one matplotlib Axes (the area a plot draws into), got a Figure. Use "
            "fig, ax = plt.subplots() and pass ax, or pass ax=fig.gca() / ax=fig.axes[0]."
        )
    if isinstance(ax, (np.ndarray, list, tuple)):
        shape = np.shape(np.asarray(ax, dtype=object))
        raise TypeError(
            f"ax= must be one matplotlib Axes, got {type(ax).__name__} of shape {shape} (what "
            "plt.subplots(rows, cols) returns). Pass one of them, e.g. ax=axes[0] (or "
            "axes[0, 1] for a grid)."
        )
    raise TypeError(f"ax= must be one matplotlib Axes or None (a new figure), got "
                    f"{type(ax).__name__}. Make one with fig, ax = plt.subplots().")


def _pool(a: np.ndarray, k: int, axis: int, how: str) -> np.ndarray:
    """Max or mean over blocks of ``k`` along ``axis`` (the last block may be shorter), without
    copying ``a`` (splitting an axis is a view)."""
    if k <= 1:
        return a
    a = np.moveaxis(a, axis, -1)
    n = a.shape[-1]
    m = n - n % k
    reduce = np.max if how == "max" else np.mean
    parts = [reduce(a[..., :m].reshape(a.shape[:-1] + (m // k, k)), axis=-1)] if m else []
    if m < n:
        parts.append(reduce(a[..., m:], axis=-1, keepdims=True))
    return np.moveaxis(np.concatenate(parts, axis=-1), -1, axis)


def _block_centres(coords: np.ndarray, k: int) -> np.ndarray:
    """The mean coordinate of each block of ``k`` (the last block may be shorter)."""
    return _pool(np.asarray(coords, dtype=float), k, 0, "mean")


def _envelope(x, v: np.ndarray, edges: np.ndarray | None = None):
    """A min/max envelope line of ``v`` over blocks (``edges``: first index of each block,
    default ``_ENVELOPE_BLOCKS`` equal blocks): at screen resolution it looks exactly like
    the full line, at a fraction of the points. ``x`` is the x array, or ``(x0, dx)`` for
    ``x0 + i * dx`` (no array as long as the signal). Returns ``(x, values)``, two points per
    block."""
    if edges is None:
        edges = np.linspace(0, v.size, _ENVELOPE_BLOCKS + 1).astype(np.int64)[:-1]
    edges = np.unique(edges)
    lo, hi = np.minimum.reduceat(v, edges), np.maximum.reduceat(v, edges)
    xs = np.repeat(x[0] + edges * x[1] if isinstance(x, tuple) else x[edges], 2)
    values = np.empty(xs.size, dtype=v.dtype)
    values[0::2], values[1::2] = lo, hi
    return xs, values


def _check_image(a, name: str, layout: str, hint: str) -> np.ndarray:
    """A real, finite, non-empty 2-D array for an image; clear messages otherwise."""
    if a is None or isinstance(a, (str, bytes)):
        raise TypeError(f"{name} must be a 2-D numpy array ({layout}), got {a!r:.60}.")
    arr = np.asarray(a)
    if np.iscomplexobj(arr):
        raise TypeError(
            f"{name} is complex ({arr.dtype}): that is the STFT itself. Plot its magnitude in "
            "dB, e.g. helpers.features.to_db(np.abs(S), ref='max'), with label='Magnitude "
            "(dB re max)'.")
    if arr.dtype == object or arr.dtype == np.bool_ or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"{name} must hold numbers, got dtype {arr.dtype}.")
    if arr.ndim == 1:
        raise ValueError(f"{name} must be 2-D ({layout}), got a 1-D array of {arr.size} values: "
                         f"{hint}")
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D ({layout}), got shape {arr.shape}. For several "
                         f"channels draw one at a time, e.g. {name}[0].")
    if 0 in arr.shape:
        raise ValueError(f"{name} is empty (shape {arr.shape}): nothing to draw.")
    finite = np.isfinite(arr)
    if not finite.all():
        bad = int(arr.size - np.count_nonzero(finite))
        kinds = ("NaN" if np.isnan(arr).any() else "") + (
            " and " if np.isnan(arr).any() and np.isinf(arr).any() else "") + (
            "infinite" if np.isinf(arr).any() else "")
        every = "all" if bad == arr.size else f"{bad} of"
        raise ValueError(
            f"{name} has {every} {arr.size} values {kinds}: nothing sensible to colour. "
            + ("-inf comes from the log of 0 (e.g. 20 * np.log10(np.abs(S))): use "
               "helpers.features.to_db or librosa.amplitude_to_db, which floor at amin. "
               if np.isneginf(arr).any() else "")
            + "Find the step that made them (a division by zero? an empty frame?)."
        )
    return arr


# ---------------------------------------------------------------------------------------------
# shared: waveform and spectrogram (00, 01, 03, 04, 05)
# ---------------------------------------------------------------------------------------------
def waveform(y, sr, *, ax=None, start: float = 0.0, title: str | None = None, **line_kw):
    """Amplitude against time in seconds (``start`` offsets the time axis). Used by 01.

    More than ``MAX_LINE_POINTS`` samples (about 45 s at 22,050 Hz) are drawn as a min/max
    envelope of ``4000`` blocks, which looks the same on screen and keeps a 10-minute clip fast.
    """
    y = check_signal(y, mono=True)
    sr = check_sr(sr)
    ax = new_axes(ax)
    if y.size > MAX_LINE_POINTS:
        t, v = _envelope((start, 1.0 / sr), y)
        t_end = start + (y.size - 1) / sr
    else:
        t, v = start + np.arange(y.size) / sr, y
        t_end = t[-1]
    ax.plot(t, v, lw=line_kw.pop("lw", 0.6), **line_kw)
    ax.set(xlabel="Time (s)", ylabel="Amplitude (full scale = 1)", xlim=(start, t_end),
           title=title)
    return ax


def spectrogram(S, *, sr, hop_length, label: str, ax=None, y_axis="linear", n_fft=None,
                title=None, fmax=None, **kw):
    """Show a (frequency x frames) array with time in s and frequency in Hz, plus a colourbar.

    ``y_axis`` is librosa's: ``"linear"`` / ``"log"`` (Hz on a log scale), ``"mel"``, or
    ``None`` for non-frequency rows (e.g. MFCC coefficients). ``label`` (required) names the
    colourbar's quantity, unit and dB reference, e.g. ``"Power (dB re max)"``. Used by 03, 04, 05.

    Arrays of more than ``MAX_CELLS`` cells (a long clip) are drawn from a picture-sized copy
    (at most ``MAX_COLS`` x ``MAX_ROWS``): each cell the maximum over a block of frames (and
    bins), so narrow peaks stay visible (the mean for rows that are not frequencies); the title
    says so. A 1-D array, a shape that does not match ``n_fft``, or
    NaN/infinite values get a clear error instead of a library traceback.
    """
    import librosa.display

    sr = check_sr(sr)
    S = _check_image(S, "S", "frequency bins x frames",
                     "that looks like a waveform or one spectrum. Compute a spectrogram first, "
                     "e.g. helpers.features.to_db(np.abs(librosa.stft(y=y)), ref='max').")
    given_coords = "x_coords" in kw or "y_coords" in kw  # the caller placed the cells
    if y_axis in _FREQ_AXES and n_fft is not None and "y_coords" not in kw:
        n_fft = check_positive_int(n_fft, "n_fft", minimum=2)
        want = n_fft // 2 + 1
        if S.shape[0] != want:
            if S.shape[1] == want:
                raise ValueError(f"S has shape {S.shape} but n_fft={n_fft} gives {want} "
                                 "frequency bins in the ROWS: it looks transposed (frames x "
                                 "bins). Pass S.T.")
            raise ValueError(
                f"S has {S.shape[0]} rows (frequency bins) but n_fft={n_fft} gives {want}. Pass "
                f"the n_fft the STFT was computed with (here n_fft={2 * (S.shape[0] - 1)}), or "
                "leave n_fft out.")
    ax = new_axes(ax)
    fc = fr = 1
    if S.size > MAX_CELLS and not given_coords:
        fc = -(-S.shape[1] // MAX_COLS)
        fr = -(-S.shape[0] // MAX_ROWS) if y_axis in _FREQ_AXES else 1
    note = None
    if fc > 1 or fr > 1:
        how = "max" if y_axis is not None else "mean"
        import librosa

        times = librosa.frames_to_time(np.arange(S.shape[1]), sr=sr, hop_length=hop_length)
        kw.setdefault("x_coords", _block_centres(times, fc))
        if fr > 1:
            freqs = librosa.fft_frequencies(sr=sr, n_fft=n_fft or 2 * (S.shape[0] - 1))
            kw.setdefault("y_coords", _block_centres(freqs, fr))
        S = _pool(_pool(S, fc, 1, how), fr, 0, how)
        note = (f"each cell: {how} of {fc} frame(s)" + (f" x {fr} bins" if fr > 1 else "")
                + f" ({S.shape[1]} columns)")
    img = librosa.display.specshow(
        np.asarray(S), sr=sr, hop_length=hop_length, n_fft=n_fft, x_axis="time", y_axis=y_axis,
        ax=ax, fmax=fmax, **kw,
    )
    if note:
        title = f"{title}\n({note})" if title else f"({note})"
    ax.set(xlabel="Time (s)", title=title)
    ax.grid(False)  # grid lines over an image read as data
    if y_axis in ("linear", "log", "mel", "fft", "hz"):
        ax.set_ylabel("Frequency (Hz)")
    colorbar(img, ax, label)
    return img


def colorbar(img, ax, label: str):
    """A colourbar with a quantity and unit (e.g. ``"Magnitude (dB re max)"``)."""
    ax = check_ax(ax)
    cb = ax.figure.colorbar(img, ax=ax, pad=0.01)
    cb.set_label(label)
    return cb


# ---------------------------------------------------------------------------------------------
# 02: spectra  (owned by the 01/02 author; add below)
# ---------------------------------------------------------------------------------------------
__all__ += ["samples", "spectrum"]

_SPECTRUM_LABELS = {
    ("magnitude", False): "Magnitude (linear amplitude, full scale = 1)",
    ("power", False): "Power (amplitude², full scale² = 1)",
    ("magnitude", True): "Magnitude (dB re max)",
    ("power", True): "Power (dB re max)",
}


#: ``samples`` draws every sample as a dot: meant for a zoom of a few ms to a few seconds.
MAX_DOTS = 100_000


def samples(y, sr, *, ax=None, start: float = 0.0, title: str | None = None, **kw):
    """Individual samples as dots joined by thin lines, time in seconds. Used by 01 (zoom-in).

    At most ``MAX_DOTS`` samples (a zoom); for a whole clip use ``waveform``."""
    y = check_signal(y, mono=True)
    sr = check_sr(sr)
    if y.size > MAX_DOTS:
        raise ValueError(
            f"samples() draws every sample as a dot, and y has {y.size:,} ({y.size / sr:.1f} s): "
            f"zoom in first, e.g. y[:{min(441, y.size)}] for the first 20 ms at 22,050 Hz "
            f"(at most {MAX_DOTS:,} samples), or draw the whole clip with "
            "helpers.plot.waveform(y, sr).")
    ax = new_axes(ax)
    t = start + np.arange(y.size) / sr
    color = kw.pop("color", "C0")
    ax.plot(t, y, lw=0.6, color=color, alpha=0.6)
    ax.plot(t, y, ".", ms=kw.pop("ms", 4), color=color, **kw)
    ax.set(xlabel="Time (s)", ylabel="Amplitude (full scale = 1)", title=title)
    return ax


def spectrum(freqs, values, *, ax=None, quantity: str = "magnitude", db: bool = False,
             log_freq: bool = False, fmin: float | None = None, fmax: float | None = None,
             title: str | None = None, ylabel: str | None = None, **line_kw):
    """Plot a one-sided spectrum ``(freqs, values)`` from ``helpers.spectral.spectrum``. Used by 02.

    ``quantity`` names what ``values`` hold (``"magnitude"`` or ``"power"``); ``db=True`` shows
    them in dB relative to their maximum (20·log10 for magnitude, 10·log10 for power, floored at
    -120 dB). ``log_freq=True`` uses a logarithmic frequency axis starting at ``fmin`` (default
    20 Hz, the lower limit of hearing, or the first non-zero bin if that is higher).
    ``ylabel`` overrides the default label (e.g. for an unnormalised spectrum).

    ``freqs`` must be non-negative and increasing (``np.fft.rfftfreq``; an ``np.fft.fftfreq``
    axis gets a clear error, not an empty plot). More than ``MAX_LINE_POINTS`` bins (the FFT of
    a long clip) are drawn as a min/max envelope, which looks the same on screen.
    """
    if quantity not in ("magnitude", "power"):
        raise ValueError(f"quantity must be 'magnitude' or 'power', got {quantity!r}.")
    if np.iscomplexobj(values):
        raise TypeError("values are complex (a raw FFT): plot np.abs(X) (magnitude) or "
                        "np.abs(X) ** 2 (power).")
    f = np.asarray(freqs, dtype=float)
    v = np.asarray(values, dtype=float)
    if f.ndim != 1 or f.shape != v.shape or f.size < 2:
        raise ValueError(f"freqs and values must be 1-D of equal length >= 2, got shapes "
                         f"{f.shape} and {v.shape}.")
    if not (np.all(np.isfinite(f)) and np.all(np.isfinite(v))):
        raise ValueError("freqs or values contain NaN or infinite numbers; fix the computation "
                         "that made them (e.g. log of 0) before plotting.")
    if np.any(f < 0):
        raise ValueError(
            f"freqs has negative frequencies (down to {f.min():g} Hz): that is np.fft.fftfreq's "
            "order (0, the positive half, then the negative half), which a one-sided plot "
            "cannot show. For a real signal use np.fft.rfft with np.fft.rfftfreq (or "
            "helpers.spectral.spectrum), or keep the first n // 2 + 1 values of both arrays.")
    if np.any(np.diff(f) <= 0):
        i = int(np.flatnonzero(np.diff(f) <= 0)[0])
        raise ValueError(
            f"freqs must increase from bin to bin, but freqs[{i + 1}] = {f[i + 1]:g} Hz follows "
            f"freqs[{i}] = {f[i]:g} Hz. Pass the axis that belongs to values, e.g. "
            "np.fft.rfftfreq(n, d=1/sr) for np.fft.rfft of n samples.")
    if db and np.any(v < 0):
        raise ValueError("values are negative, so they are not a magnitude or power: pass the "
                         "linear spectrum with db=True (or, if they are already dB, db=False).")
    ax = new_axes(ax)
    if db:
        peak = v.max()
        if peak <= 0:
            raise ValueError("the spectrum is all zeros: dB re max is undefined.")
        factor = 20 if quantity == "magnitude" else 10
        v = factor * np.log10(np.maximum(v, peak * 10 ** (-120 / factor)) / peak)
    if fmin is not None:
        lo = fmin
    else:
        lo = max(f[1], min(20.0, f[-1] / 10)) if log_freq else f[0]
    x = f
    if f.size > MAX_LINE_POINTS:  # e.g. the FFT of a whole long clip: a min/max envelope
        if log_freq:  # blocks equally wide on the log axis
            edges = np.searchsorted(f, np.geomspace(max(lo, f[1]), f[-1], _ENVELOPE_BLOCKS))
            edges = np.concatenate([[0], edges[edges < f.size]])
        else:
            edges = None
        x, v = _envelope(f, v, edges)
    ax.plot(x, v, lw=line_kw.pop("lw", 0.8), **line_kw)
    ax.set(xlabel="Frequency (Hz)", ylabel=ylabel or _SPECTRUM_LABELS[(quantity, db)],
           title=title, xlim=(lo, f[-1] if fmax is None else fmax))
    if log_freq:
        ax.set_xscale("log")
    return ax


# ---------------------------------------------------------------------------------------------
# 03: STFT  (owned by the 03 author; add below)
# ---------------------------------------------------------------------------------------------
__all__ += ["stft_frames", "stft_tradeoff"]


def stft_frames(y, sr, *, n_fft, hop_length, window="hann", first_frame=0, n_show=4, ax=None):
    """The waveform with a few STFT frames (``center=True``) drawn on it as window shapes.

    Frame ``t`` is centred on sample ``t * hop_length`` and spans ``n_fft`` samples; each frame's
    window (scaled to the signal's peak) is drawn in its own colour, with its centre time.
    Returns ``ax``. Used by 03_stft_spectrogram.
    """

    from .stft import n_frames, resolution

    y = check_signal(y, mono=True)
    sr = check_sr(sr)
    res = resolution(sr, n_fft, hop_length)
    total = n_frames(y.size, n_fft=n_fft, hop_length=hop_length)
    for label, value in (("first_frame", first_frame), ("n_show", n_show)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{label} must be a whole number of frames, got {value!r}.")
    if n_show < 1 or first_frame < 0 or first_frame + n_show > total:
        raise ValueError(
            f"frames {first_frame} .. {first_frame + n_show - 1} do not exist: this signal has "
            f"{total} frames (0 .. {total - 1}) with n_fft={n_fft}, hop_length={hop_length}. "
            f"Use n_show >= 1 and first_frame between 0 and {max(0, total - max(n_show, 1))}."
        )
    w = window_samples(window, n_fft)
    window_name = "custom" if isinstance(window, np.ndarray) else window
    ax = new_axes(ax)
    centres = (first_frame + np.arange(n_show)) * hop_length
    lo = max(0, centres[0] - n_fft // 2 - hop_length)
    hi = min(y.size, centres[-1] + n_fft - n_fft // 2 + hop_length)
    seg = y[lo:hi]
    peak = float(np.max(np.abs(seg))) or 1.0
    ax.plot(np.arange(lo, hi) / sr, seg, color="0.55", lw=0.6, label="signal")
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, c in enumerate(centres):
        n = np.arange(c - n_fft // 2, c - n_fft // 2 + n_fft)
        col = colours[i % len(colours)]
        ax.plot(n / sr, peak * w, color=col, lw=1.4,
                label=f"frame {first_frame + i}: centre {c / sr:.3f} s")
        ax.axvline(c / sr, color=col, lw=0.8, ls=":")
    ax.set(xlabel="Time (s)", ylabel="Amplitude (full scale = 1)", xlim=(lo / sr, hi / sr),
           ylim=(-1.1 * peak, 2.3 * peak),  # room for the legend above the windows
           title=f"n_fft = {n_fft} samples ({res['window_ms']:.1f} ms), hop = {hop_length} "
                 f"samples ({res['hop_ms']:.1f} ms), {window_name} window")
    ax.legend(loc="upper right", ncols=2)
    return ax


#: stft_tradeoff draws every STFT cell up to this many per panel (a 30 s clip at the defaults
#: has 1.3 M); longer clips get a panel-sized picture (max over blocks), computed batch by batch.
TRADEOFF_FULL_CELLS = 1 << 22


def stft_tradeoff(y, sr, *, n_ffts=(256, 2048, 8192), hop_divisor=4, window="hann", fmax=None,
                  top_db=80.0):
    """One spectrogram per ``n_fft`` (hop = n_fft // hop_divisor), magnitude in dB re max.

    Each title states the window length (ms), the frame spacing delta-t = hop / sr and the bin
    spacing delta-f = sr / n_fft. Returns ``(fig, rows)`` with ``rows`` the
    ``helpers.stft.resolution`` dicts (plus ``n_fft``, ``hop_length``). Used by 03.

    Long clips (more than ``TRADEOFF_FULL_CELLS`` cells in a panel, e.g. several minutes) are
    drawn from a panel-sized image: each cell the maximum over a block of frames and bins,
    computed in float32 batch by batch (``helpers.engine.magnitude_image``, as the STFT explorer), so time
    and memory stay bounded; the title says so. A silent signal raises ValueError
    (``helpers.validate.SILENT_SIGNAL``).
    """
    from .engine import image_extent, magnitude_image
    from .features import to_db
    from .stft import n_frames, resolution, stft
    from .validate import check_top_db, silent_signal_error, window_samples

    y = check_signal(y, mono=True)
    sr = check_sr(sr)
    n_ffts = tuple(np.atleast_1d(n_ffts))
    if not n_ffts:
        raise ValueError("n_ffts is empty: give one or more frame lengths, e.g. (256, 2048).")
    if isinstance(hop_divisor, bool) or not isinstance(hop_divisor, (int, np.integer)) \
            or hop_divisor < 1:
        raise ValueError(f"hop_divisor must be a whole number >= 1 (hop = n_fft // hop_divisor),"
                         f" got {hop_divisor!r}.")
    top_db = check_top_db(top_db)  # the one top_db rule (helpers.validate)
    if fmax is not None and not (isinstance(fmax, (int, float)) and 0 < fmax <= sr / 2):
        raise ValueError(f"fmax must be in (0, {sr / 2:g}] Hz (the Nyquist frequency sr/2), "
                         f"got {fmax!r}.")
    if not np.any(y):
        raise silent_signal_error()
    fig, axes = plt.subplots(len(n_ffts), 1, figsize=(9, 2.6 * len(n_ffts)), sharex=True,
                             layout="constrained")
    axes = np.atleast_1d(axes)
    rows, long_clip = [], False
    for ax, n_fft in zip(axes, n_ffts, strict=True):
        hop = max(1, n_fft // hop_divisor)
        r = dict(resolution(sr, n_fft, hop), n_fft=n_fft, hop_length=hop)
        rows.append(r)
        title = (f"n_fft = {n_fft} ({r['window_ms']:.0f} ms window): "
                 f"Δt = {1000 * r['delta_t_s']:.1f} ms, Δf = {r['delta_f_hz']:.1f} Hz")
        kw = {}
        if n_frames(y.size, n_fft=n_fft, hop_length=hop) * (n_fft // 2 + 1) <= TRADEOFF_FULL_CELLS:
            _, _, S = stft(y, sr=sr, n_fft=n_fft, hop_length=hop, window=window)
            db = to_db(np.abs(S), ref="max", top_db=top_db)
        else:  # long clip: a picture-sized image, max over blocks of frames and bins
            im = magnitude_image(y, n_fft=n_fft, hop_length=hop,
                                 window=window_samples(window, n_fft), max_rows=256,
                                 max_cols=768, budget=1 << 26)
            db = to_db(im["image"], ref=im["hi"], top_db=top_db)
            x0, x1, f0, f1 = image_extent(im, sr, hop, n_fft)
            kw = dict(x_coords=np.linspace(x0, x1, db.shape[1] + 1),
                      y_coords=np.linspace(f0, f1, db.shape[0] + 1))
            title += (f" (long clip: each cell the max of {im['frames_per_cell']} frames"
                      + (f", every {im['step']}th analysed)" if im["sampled"] else ")"))
            long_clip = True
        spectrogram(db, sr=sr, hop_length=hop, n_fft=n_fft, ax=ax, fmax=fmax,
                    label="Magnitude (dB re max)", title=title, **kw)
        if fmax is not None:
            ax.set_ylim(0, fmax)
        elif kw:
            ax.set_ylim(0, sr / 2)
    for ax in axes[:-1]:
        ax.set_xlabel("")
    if long_clip:
        axes[0].set_xlim(0, y.size / sr)
    return fig, rows


# ---------------------------------------------------------------------------------------------
# 04/05: dB, mel, MFCC  (owned by the 04/05 author; add below)
# ---------------------------------------------------------------------------------------------
__all__ += ["mel_filters", "mfcc"]


def mel_filters(weights, fft_freqs, *, ax=None, every: int = 1, title=None):
    """Each mel filter (a row of ``weights``) against frequency in Hz. Used by 05.

    ``weights, fft_freqs, centres = helpers.features.mel_filterbank(...)``; ``every=k`` draws
    every k-th filter so a 128-filter bank stays readable.
    """
    weights = check_real_array(weights, name="weights", ndim=2, layout="filters x FFT bins")
    fft_freqs = check_real_array(fft_freqs, name="fft_freqs", ndim=1, layout="Hz of each bin")
    if weights.shape[1] != fft_freqs.size:
        raise ValueError(
            f"weights has {weights.shape[1]} columns (FFT bins) but fft_freqs has "
            f"{fft_freqs.size} frequencies: they must come from the same n_fft "
            f"(1 + n_fft // 2 bins). Pass the weights and fft_freqs of one call, "
            "weights, fft_freqs, centres = helpers.features.mel_filterbank(...)"
            f"{'; or transpose weights (weights.T)' if weights.shape[0] == fft_freqs.size else ''}."
        )
    every = check_positive_int(every, "every")
    ax = new_axes(ax)
    for row in weights[::every]:
        ax.plot(fft_freqs, row, lw=0.8)
    ax.set(xlabel="Frequency (Hz)", ylabel="Filter weight (unit area, 1/Hz)",
           xlim=(fft_freqs[0], fft_freqs[-1]), title=title)
    return ax


def mfcc(C, *, sr, hop_length, ax=None, title=None, first: int = 0,
         label="MFCC value (DCT of dB)", **kw):
    """MFCCs as an image: time in s across, coefficient index up. Used by 05.

    The rows are DCT coefficients, not frequencies, so the y axis is an index (``first`` is the
    index of row 0, e.g. 1 when c0 was left out) and the colourbar is the coefficient value (a
    weighted sum of the frame's dB values, not a level at any frequency). The diverging colour
    scale is centred on 0.
    """
    import librosa.display

    sr = check_sr(sr)
    C = _check_image(C, "C", "coefficients x frames",
                     "one frame's coefficients? Pass the whole matrix, e.g. "
                     "librosa.feature.mfcc(y=y, sr=sr), shape (n_mfcc, frames).")
    ax = new_axes(ax)
    note = None
    if C.size > MAX_CELLS and "x_coords" not in kw:  # a very long clip: mean over frames
        import librosa

        fc = -(-C.shape[1] // MAX_COLS)
        times = librosa.frames_to_time(np.arange(C.shape[1]), sr=sr, hop_length=hop_length)
        kw["x_coords"] = _block_centres(times, fc)
        C = _pool(C, fc, 1, "mean")
        note = f"(each column: mean of {fc} frames)"
        title = f"{title}\n{note}" if title else note
    lim = float(np.max(np.abs(C))) or 1.0
    kw.setdefault("vmin", -lim)
    kw.setdefault("vmax", lim)
    img = librosa.display.specshow(C, sr=sr, hop_length=hop_length, x_axis="time", ax=ax,
                                   cmap=kw.pop("cmap", "coolwarm"), **kw)
    n = C.shape[0]
    ticks = np.arange(0, n, max(1, int(np.ceil(n / 7))))
    ax.set_yticks(ticks, labels=[str(t + first) for t in ticks])
    ax.grid(False)
    ax.set(xlabel="Time (s)", ylabel="MFCC coefficient index", title=title)
    colorbar(img, ax, label)
    return img



# ---------------------------------------------------------------------------------------------
# 06: dataset  (owned by the 06 author; add below)
# ---------------------------------------------------------------------------------------------
__all__ += ["segments", "segment_features"]

#: ``segments`` names at most this many segments in its legend.
MAX_LEGEND_SEGMENTS = 10


def segments(y, sr, *, segment_s: float, remainder: str = "pad", min_fill: float = 0.5,
             ax=None, title: str | None = None):
    """Waveform with the segments ``helpers.dataset.cut_segments`` makes: kept segments shaded,
    zero padding hatched, a dropped remainder in grey. Used by 06. Returns ``ax``.

    The legend names the first ``MAX_LEGEND_SEGMENTS`` segments and sums up the rest (a long
    clip has hundreds)."""
    import numbers

    from .dataset import segment_plan as _segment_plan

    y = check_signal(y, mono=True)
    sr = check_sr(sr)
    if isinstance(segment_s, bool) or not isinstance(segment_s, numbers.Real):
        raise TypeError(
            f"segment_s must be the segment length in seconds, a number > 0 (e.g. "
            f"segment_s=1.0, as in FeatureParams), got {segment_s!r}."
        )
    if not np.isfinite(segment_s) or segment_s <= 0:
        raise ValueError(f"segment_s must be a finite number of seconds > 0 (e.g. 1.0), got "
                         f"{segment_s!r}.")
    L = int(round(segment_s * sr))
    if L < 1:
        raise ValueError(f"segment_s={segment_s} s is less than one sample at {sr} Hz; use "
                         "e.g. segment_s=1.0.")
    if remainder not in ("pad", "drop"):
        raise ValueError(f"remainder must be 'pad' or 'drop', got {remainder!r}.")
    n_full, keep_rest, counts = _segment_plan(y.size, L, remainder, min_fill)
    starts = np.arange(n_full + int(keep_rest)) * L
    ax = waveform(y, sr, ax=ax, title=title, color="0.2")
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, s in enumerate(starts):
        end = min(s + L, y.size)
        label = (f"segment {i}" if i < MAX_LEGEND_SEGMENTS else
                 f"segments {i}-{len(starts) - 1}" if i == MAX_LEGEND_SEGMENTS else None)
        ax.axvspan(s / sr, end / sr, color=colours[i % len(colours)], alpha=0.25,
                   label=label)
        if s + L > y.size:
            ax.axvspan(y.size / sr, (s + L) / sr, facecolor="none", hatch="//",
                       edgecolor=colours[i % len(colours)], label="zero padding")
    if counts["dropped"]:
        ax.axvspan((y.size - counts["dropped_samples"]) / sr, y.size / sr, color="0.6",
                   alpha=0.5, label="dropped remainder")
    right = max(y.size, (starts[-1] + L) if len(starts) else 0) / sr
    ax.set_xlim(0, right)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax


def segment_features(X, *, sr: int, hop_length: int, ax=None, label: str = "MFCC value",
                     ylabel: str = "MFCC coefficient index", first: int = 0,
                     title: str | None = None):
    """One segment's features, shape ``(frames, coefficients)`` as stored for deep learning,
    drawn with time (s) across and coefficients up; ``label`` names the colourbar's quantity
    (e.g. ``"Standardised value (z-score)"``); ``first`` is the index of column 0 (1 when c0
    was left out). Used by 06. Returns the image."""
    sr = check_sr(sr)
    X = np.asarray(X)
    if X.ndim != 2 or X.size == 0:
        raise ValueError(f"X must be one segment, shape (frames, coefficients), got {X.shape}.")
    ax = new_axes(ax)
    n_frames = X.shape[0]
    t_end = n_frames * hop_length / sr
    lim = float(np.max(np.abs(X))) or 1.0
    img = ax.imshow(X.T, origin="lower", aspect="auto", cmap="coolwarm", vmin=-lim, vmax=lim,
                    extent=(0, t_end, -0.5, X.shape[1] - 0.5), interpolation="nearest")
    ticks = np.arange(0, X.shape[1], max(1, int(np.ceil(X.shape[1] / 7))))
    ax.set_yticks(ticks, labels=[str(t + first) for t in ticks])
    ax.grid(False)
    ax.set(xlabel="Frame start from segment start (s)", ylabel=ylabel, title=title)
    colorbar(img, ax, label)
    return img
