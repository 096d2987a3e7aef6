"""The decisions explorer (08 What the data decisions do to a model). TEMPLATE from ``nbtool new``: the RMS level per
frame in dB, with a frame-length slider. Keep the shape: a pure view function (data in, arrays
and a readout out; unit-testable), then the controls, the drawing and the one-line function the
notebook calls."""

from __future__ import annotations

import numpy as np

from ..validate import check_signal, check_sr
from .framework import Explorer, slider_kw

__all__ = ["DecisionsExplorer", "decisions_explorer", "decisions_view"]


def decisions_view(y, sr, *, frame_ms: float) -> dict:
    """RMS per frame (no padding, hop = half a frame) in dB re full scale, and a readout."""
    import librosa

    n_fft = max(2, int(round(frame_ms * sr / 1000)))
    hop = max(1, n_fft // 2)
    rms = librosa.feature.rms(y=y, frame_length=n_fft, hop_length=hop, center=False)[0]
    db = 20 * np.log10(np.maximum(rms, 1e-5))
    readout = (f"frame {n_fft} samples = {1000 * n_fft / sr:.1f} ms, hop {hop} samples: "
               f"{db.size} frames")
    return dict(t=np.arange(db.size) * hop / sr, db=db, xlim=(0.0, y.size / sr),
                readout=readout)


class DecisionsExplorer(Explorer):
    title = "What the data decisions do to a model explorer"
    view_function = "helpers.explorers.decisions.decisions_view(y, sr, frame_ms=...)"

    def __init__(self, y, sr, *, frame_ms: float = 20.0):
        import ipywidgets as W

        self.y = check_signal(y, mono=True)
        self.sr = check_sr(sr)
        controls = dict(frame_ms=W.FloatSlider(value=frame_ms, min=5.0, max=200.0, step=1.0,
                                               **slider_kw("frame (ms)")))
        super().__init__(controls)

    def build(self, fig):
        self.ax = fig.add_axes((0.10, 0.18, 0.87, 0.75))
        (self.line,) = self.ax.plot([], [], lw=1.0)
        self.ax.set(xlabel="Time (s)", ylabel="RMS (dB re full scale)", ylim=(-100, 3))
        self.blit_artists = [self.line]

    def compute(self, frame_ms):
        return decisions_view(self.y, self.sr, frame_ms=frame_ms)

    def draw(self, v):
        self.line.set_data(v["t"], v["db"])
        self.ax.set_xlim(*v["xlim"])


def decisions_explorer(y, sr, *, frame_ms: float = 20.0):
    """The RMS level per frame of ``y`` with a slider for the frame length (ms)."""
    return DecisionsExplorer(y, sr, frame_ms=frame_ms)
