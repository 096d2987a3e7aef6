"""The dB explorer (04): ``ref``, ``top_db`` and ``amin`` of the dB mapping of ``|STFT|``."""

from __future__ import annotations

import numpy as np

from .. import engine
from ..validate import (
    check_db_ref,
    check_frame_params,
    check_number,
    check_signal,
    check_sr,
    check_top_db,
    silent_signal_error,
    window_samples,
)
from .framework import (
    MAX_IMAGE_COLS,
    MAX_IMAGE_ROWS,
    Explorer,
    choice_slider,
    image_axes,
    slider_kw,
)
from .views import db_view, sampled_note

__all__ = ["AMIN_OPTIONS", "DbExplorer", "db_explorer"]

#: amin in |S| units: the floor 20 log10(amin / ref) must rise above the top_db clip to show, and
#: on a typical clip (blues: |S| up to ~93, median 0.07) it does from about 0.01 upwards.
AMIN_OPTIONS = (1e-5, 1e-4, 1e-3, 1e-2, 0.03, 0.1, 0.3, 1.0)


class DbExplorer(Explorer):
    title = "dB explorer"
    view_function = "helpers.explorers.db_view(magnitude, ref=..., top_db=..., amin=...)"

    def __init__(self, y, sr, *, ref="max", top_db=80.0, amin=1e-5, n_fft=2048, hop_length=512):
        import ipywidgets as W

        self.y = check_signal(y, mono=True)
        self.sr = check_sr(sr)
        n_fft, hop_length, _ = check_frame_params(n_fft, hop_length, n_samples=self.y.size)
        ref = check_db_ref(ref)
        if ref not in ("max", 1.0):
            raise ValueError(f"db_explorer offers ref='max' or ref=1.0, got {ref!r}; for other "
                             "references call helpers.explorers.db_view(magnitude, ref=...).")
        ref = "max" if ref == "max" else "1.0"
        amin = check_number(amin, "amin", low=0.0, low_open=True)
        top_db = check_top_db(top_db)
        if top_db is None:
            raise ValueError("db_explorer needs a top_db (its slider); for no clipping call "
                             "helpers.explorers.db_view(magnitude, top_db=None).")
        # |S| once, picture-sized (max-pooled, batch by batch); the sliders only redo the dB
        r = engine.magnitude_image(self.y, n_fft=n_fft, hop_length=hop_length,
                                   window=window_samples("hann", n_fft),
                                   max_rows=MAX_IMAGE_ROWS, max_cols=MAX_IMAGE_COLS)
        if not r["hi"] > 0:
            raise silent_signal_error()
        self.stats = (r["lo"], r["hi"])
        self.magnitude = r["image"]
        self.extent = engine.image_extent(r, self.sr, hop_length, n_fft)
        self.shape = (r["n_bins"], r["n_frames"])
        self.note = sampled_note(r, hop_length, self.sr)
        amins = sorted(set(AMIN_OPTIONS) | {amin})
        controls = dict(
            ref=choice_slider(["max", "1.0"], ref, "ref"),
            top_db=W.FloatSlider(value=top_db, min=10.0, max=max(160.0, top_db), step=5.0,
                                 readout_format=".0f", **slider_kw("top_db (dB)")),
            amin=choice_slider([(f"{a:g}", a) for a in amins], amin, "amin"),
        )
        super().__init__(controls)

    def build(self, fig):
        self.ax, self.img, self.cb = image_axes(
            fig, (0.10, 0.18, 0.74, 0.74), (0.855, 0.18, 0.015, 0.74),
            ylabel="Frequency (Hz)", cbar_label="Magnitude (dB re max)")
        self.img.set_extent(self.extent)
        self.ax.set_xlim(0, self.y.size / self.sr)
        self.ax.set_ylim(0, self.sr / 2)
        # the colourbar's scale changes with most moves: its pixels are kept per range + label,
        # and 6 ticks at most (tick labels are the costliest part of a redraw)
        from matplotlib.ticker import MaxNLocator

        self.cb.locator = MaxNLocator(nbins=6, steps=[1, 2, 5, 10])
        self.blit_artists = [self.img]
        self.cached_artists = [(self.cb.ax, lambda: (*np.round(self.img.get_clim(), 3),
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
    ``helpers.features.to_db`` (the numbers of ``librosa.amplitude_to_db``) applied to
    ``|STFT|`` (computed once). The readout gives the dB
    range shown, states the reference, and how much of the picture sits on the amin floor; the
    colour scale spans exactly that range."""
    return DbExplorer(y, sr, ref=ref, top_db=top_db, amin=amin, n_fft=n_fft,
                      hop_length=hop_length)


