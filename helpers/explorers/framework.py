"""The rendering framework every explorer shares: controls, a readout and ONE persistent figure.

An explorer (one module each: ``waveform``, ``spectrum``, ``spectrogram``, ``decibels``,
``mfcc``) subclasses :class:`Explorer` and defines three things: its controls, ``compute`` (one
call of its pure view function in ``helpers.explorers.views``, which calls the teaching
functions) and ``draw`` (set the data of artists built once in ``build``). This module does the
rest: it validates a move against what the controls offer, redraws only what changed and
encodes the figure for the page.

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
  (widget state stripped) fall back to the PNG, and nbval runs it like any cell.
* Images (spectrograms, MFCCs) are ``PixelImage`` artists (:func:`pixel_image`): each screen
  pixel takes the data cell under its centre, as ``interpolation="nearest"`` does, with two
  index arrays (the same pixels as matplotlib's resampler, which took ~5x longer per move).
  The waveform's min/max envelope is one filled outline rather than a zigzag line.
* Live updates are encoded as 256-colour palette PNGs (Pillow's fast octree quantiser: mean
  error ~1.5/255 per channel, 3-5x smaller and much faster to encode than full colour).
* Keys held down: ipywidgets' front end keeps at most one change of a control in flight and
  sends only the latest value once the kernel is idle again, so intermediate values are skipped.
* Every control is a slider (``SelectionSlider`` for choices such as the window): its value
  changes with the arrow keys, and the keys do not reach JupyterLab (a focused Dropdown or
  ToggleButtons passes ArrowUp/ArrowDown on, which moves the notebook's active cell).

A parameter combination that is invalid does not raise from a slider: the readout shows the
validation message in red and the figure keeps the last good view. Any other exception in a
slider callback is shown as a traceback under the figure (an ``ipywidgets.Output``).

ipywidgets 7.7 (Colab) compatibility: only APIs 7.7 has are used (``FloatSlider``,
``IntSlider``, ``SelectionSlider``, ``HTML``, ``Image``, ``Output``, ``HBox``/``VBox``,
``Layout(width=..., min_height=...)``, ``add_class``; ``description`` + ``style`` the 7.x way;
``Image`` gets ``width``/``height`` as strings; no ``tooltip``); the widget-view MIME bundle
(``version_major`` 2) is built by hand because 7.x widgets have no ``_repr_mimebundle_``.
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

from ..validate import format_number

__all__ = [
    "DPI",
    "FIG_H_PX",
    "FIG_W_PX",
    "MAX_IMAGE_COLS",
    "MAX_IMAGE_ROWS",
    "Explorer",
    "choice_slider",
    "image_axes",
    "option_label",
    "slider_kw",
]

#: The figure fits JupyterLab's output area without rescaling (848 px wide in a 1280 px window
#: with the file browser open); fewer pixels to draw, encode and decode than 900 px.
FIG_W_PX, FIG_H_PX, DPI = 840, 300, 96
SLIDER_W = "275px"  # three controls in a row fit the figure's width
#: Spectrogram images are max-pooled to at most the image axes' size in pixels (655 x 228).
MAX_IMAGE_COLS, MAX_IMAGE_ROWS = 640, 224
PNG_OPTIONS = {"compress_level": 1}  # fast zlib (RGB, no alpha): much quicker than the default
STYLE = {"description_width": "initial"}


class Explorer:
    """Sliders + readout + one figure updated in place.

    A subclass defines ``build(fig)`` (axes and artists, once), ``compute(**params)`` (the view
    dict for the controls' values) and ``draw(view)`` (set the artists' data). In ``build`` it
    lists the artists a move changes in ``blit_artists`` (redrawn on a cached background) and, in
    ``cached_artists``, ``(artist, key)`` pairs whose pixels are kept per key (a colourbar, an
    axis whose ticks follow one setting); ``draw`` sets ``background_dirty = True`` when it
    changed anything else (e.g. a fixed axis' limits), so the next frame is drawn in full.

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

        from ..plot import FONT_SIZE_PT

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
        self.blit_artists: list = []  # artists redrawn on a cached background (subclasses fill it)
        self.cached_artists: list = []  # (artist, key function): pixels kept per key
        self._regions: dict = {}
        self._bg = None
        self.background_dirty = True  # set by draw() when anything outside self.blit_artists changed
        with mpl.rc_context(self._rc):
            self.build(self.fig)
        for c in controls.values():
            c.observe(self._on_change, names="value")
        row = W.HBox(list(controls.values()))
        self.widget = W.VBox([row, self.readout, view, self.errors])
        self.widget.add_class("audio-course-explorer")
        view0 = self.redraw()
        if view0 is None:  # the defaults were invalid: say so at creation, not later
            raise ValueError(html.unescape(self._error))

    # -- subclass API -------------------------------------------------------------------------
    def build(self, fig):  # create axes and artists
        raise NotImplementedError

    def compute(self, **params) -> dict:
        raise NotImplementedError

    def draw(self, view: dict) -> None:
        raise NotImplementedError

    # -- machinery ------------------------------------------------------------------------------
    def params(self) -> dict:
        return {k: c.value for k, c in self.controls.items()}

    #: The function that computes one view for any setting (named when a value is not offered).
    view_function = "the matching helpers.explorers.*_view function"
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
            allowed = (f"choose a {'whole ' if is_int else ''}number from {format_number(low)} to "
                       f"{format_number(high)} (the slider's range)")
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
        """Draw into the Agg buffer. When only the artists in ``self.blit_artists`` changed, restore the
        cached background (axes, ticks, labels) and draw just those artists (blitting).

        Artists in ``self.cached_artists`` (``(artist, key)`` pairs, e.g. a colourbar or an axis
        whose tick labels depend on one setting) are drawn once per key and their pixels kept:
        text is the costliest thing to draw, and moving back to a setting reuses the pixels.
        They are drawn before ``self.blit_artists``, which may overlap their edges."""
        canvas = self.fig.canvas
        cached = [a for a, _ in self.cached_artists]
        if (self.blit_artists or cached) and self._bg is not None and not self.background_dirty:
            canvas.restore_region(self._bg)
        else:
            moving = self.blit_artists + cached
            shown = [a.get_visible() for a in moving]  # a draw() may hide one (e.g. the line)
            for a in moving:
                a.set_visible(False)
            canvas.draw()
            for a, was in zip(moving, shown, strict=True):
                a.set_visible(was)
            self._bg = canvas.copy_from_bbox(self.fig.bbox) if self.blit_artists or cached else None
            self.background_dirty = False
            self._regions = {}
        for artist, key_fn in self.cached_artists:
            regions = self._regions.setdefault(id(artist), OrderedDict())
            key = key_fn()
            if key in regions:
                canvas.restore_region(regions[key])
                regions.move_to_end(key)
                continue
            self.fig.draw_artist(artist)
            regions[key] = canvas.copy_from_bbox(region_box(artist, canvas.get_renderer()))
            while len(regions) > 48:
                regions.popitem(last=False)
        for a in self.blit_artists:
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
            value = option_label(c)
            value = format_number(value) if isinstance(value, numbers.Real) else value
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
        bands = [text_band(title, body.width, self.caption_font_px, bold=True), body,
                 text_band(readout, body.width, self.caption_font_px)]
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


def option_label(control):
    """What a control shows for its value: a choice slider's option label, else the value."""
    for option in getattr(control, "options", None) or ():
        if isinstance(option, tuple) and len(option) == 2 and option[1] == control.value:
            return option[0]
    return control.value


def text_band(text: str, width_px: int, font_px: float, *, bold: bool = False):
    """A white band of ``width_px`` holding ``text`` wrapped to fit, as a PIL image."""
    import textwrap

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from PIL import Image

    # average glyph ~0.55 em wide, ~0.62 em in bold (a long bold title ran off the edge)
    chars = max(20, int(width_px / ((0.62 if bold else 0.55) * font_px)))
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


def region_box(artist, renderer):
    """The pixels an artist may draw, from its axes' position alone: an x axis from the figure's
    bottom up to its axes (tick labels may stick out 24 px sideways), a y axis from the figure's
    left edge to its axes, a colourbar's axes to the figure's right edge (labels may stick out
    12 px above and below). No text is laid out: ``get_tightbbox`` took ~10 ms per new setting.
    Other artists: their tight box."""
    from matplotlib.axes import Axes
    from matplotlib.axis import XAxis, YAxis
    from matplotlib.transforms import Bbox

    if isinstance(artist, (XAxis, YAxis, Axes)):
        a = (artist if isinstance(artist, Axes) else artist.axes).bbox
        if isinstance(artist, XAxis):
            return Bbox([[a.x0 - 24, 0], [a.x1 + 24, a.y0 + 1]])
        if isinstance(artist, YAxis):
            return Bbox([[0, a.y0 - 12], [a.x0 + 1, a.y1 + 12]])
        return Bbox([[a.x0 - 2, a.y0 - 12], [artist.get_figure(root=True).bbox.x1, a.y1 + 12]])
    return artist.get_tightbbox(renderer).padded(2)


def slider_kw(description):
    return dict(description=description, style=STYLE, layout={"width": SLIDER_W})


def choice_slider(options, value, description):
    """A SelectionSlider: unlike a Dropdown or ToggleButtons it changes with the arrow keys
    (a focused Dropdown's ArrowDown moves JupyterLab's active cell instead)."""
    import ipywidgets as W

    return W.SelectionSlider(options=options, value=value, **slider_kw(description))


def image_axes(fig, rect, cbar_rect, *, ylabel, cbar_label, cmap="magma"):
    """Axes with a :func:`pixel_image` (origin lower, nearest cells) and its colourbar."""
    ax = fig.add_axes(rect)
    cax = fig.add_axes(cbar_rect)
    img = pixel_image(ax, cmap=cmap)
    cb = fig.colorbar(img, cax=cax)
    cb.set_label(cbar_label)
    ax.set(xlabel="Time (s)", ylabel=ylabel)
    ax.grid(False)
    return ax, img, cb


def pixel_image(ax, *, cmap="magma"):
    """An image artist drawn at the axes' pixel size (see ``PixelImage``), added to ``ax``."""
    img = _pixel_image_class()(ax, cmap=cmap, origin="lower", interpolation="nearest")
    img.set_data(np.zeros((2, 2)))
    img.set_extent((0, 1, 0, 1))
    ax.add_image(img)
    ax.set_aspect("auto")
    return img


_PIXEL_IMAGE = None


def _pixel_image_class():
    """``PixelImage``: an ``AxesImage`` that picks, for every screen pixel of the axes, the data
    cell under the pixel's centre (what ``interpolation="nearest"`` shows) with two integer
    index arrays, and colours only those cells (``to_rgba``: the artist's norm and colormap, so
    ``set_clim`` and the colourbar work as usual). matplotlib's general resampler took ~5 ms per
    spectrogram on every move; this takes ~1 ms for the same pixels. Built on first use so that
    importing the explorers does not import matplotlib."""
    global _PIXEL_IMAGE
    if _PIXEL_IMAGE is not None:
        return _PIXEL_IMAGE
    from matplotlib.image import AxesImage
    from matplotlib.transforms import Bbox, IdentityTransform, TransformedBbox

    class PixelImage(AxesImage):
        def make_image(self, renderer, magnification=1.0, unsampled=False):
            data = self.get_array()
            x0, x1, y0, y1 = self.get_extent()
            trans = self.get_transform()
            shown = Bbox.intersection(TransformedBbox(Bbox([[x0, y0], [x1, y1]]), trans),
                                      self.axes.bbox)
            if shown is None:
                return None, 0, 0, None
            # whole pixels, rounded as matplotlib rounds an image's edges
            px0, px1 = np.floor(shown.x0 + 0.5), np.floor(shown.x1 + 0.5 + 1e-8)
            py0, py1 = np.ceil(shown.y0 - 0.5 - 1e-8), np.ceil(shown.y1 - 0.5)
            w, h = int(px1 - px0), int(py1 - py0)
            if w <= 0 or h <= 0:
                return None, 0, 0, None
            inv = trans.inverted()  # pixel centres -> data coordinates (linear axes)
            xs = inv.transform(np.column_stack([px0 + 0.5 + np.arange(w), np.full(w, py0)]))[:, 0]
            ys = inv.transform(np.column_stack([np.full(h, px0), py0 + 0.5 + np.arange(h)]))[:, 1]
            rows, cols = data.shape[:2]
            ci = np.clip(((xs - x0) * (cols / (x1 - x0))).astype(np.intp), 0, cols - 1)
            ri = np.clip(((ys - y0) * (rows / (y1 - y0))).astype(np.intp), 0, rows - 1)
            cells = data[ri[:, None], ci]  # bottom pixel row first, as Agg takes it here
            return self.to_rgba(cells, bytes=True), px0, py0, IdentityTransform()

    _PIXEL_IMAGE = PixelImage
    return PixelImage


