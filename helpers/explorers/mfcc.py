"""The MFCC explorer (05): ``n_mfcc`` and ``n_mels`` over a power spectrogram computed once."""

from __future__ import annotations

import numpy as np

from .. import engine
from ..features import hz_to_mel
from ..stft import n_frames
from ..validate import (
    check_frame_params,
    check_mel_params,
    check_positive_int,
    check_signal,
    check_sr,
    window_samples,
)
from .framework import MAX_IMAGE_COLS, Explorer, image_axes, slider_kw
from .views import mfcc_view

__all__ = ["MfccExplorer", "mfcc_explorer"]


class MfccExplorer(Explorer):
    title = "MFCC explorer"
    height_px = 400
    view_function = "helpers.explorers.mfcc_view(power, sr, n_fft=..., n_mfcc=..., n_mels=...)"
    range_notes = {"n_mfcc": "the explorer draws c1, c2, ... (c0, the overall level, is left "
                             "out), so it needs n_mfcc >= 2"}

    def __init__(self, y, sr, *, n_mfcc=13, n_mels=128, n_fft=2048, hop_length=512):
        import ipywidgets as W

        self.y = check_signal(y, mono=True)
        self.sr = check_sr(sr)
        self.n_fft, self.hop_length, _ = check_frame_params(n_fft, hop_length, n_samples=self.y.size)
        check_mel_params(self.sr, n_mels=n_mels, fmin=0.0, fmax=None, n_mfcc=n_mfcc,
                         n_fft=self.n_fft)
        if check_positive_int(n_mfcc, "n_mfcc") < 2:
            raise ValueError("mfcc_explorer shows c1, c2, ... (c0 is the overall level), so it "
                             f"needs n_mfcc >= 2, got {n_mfcc}.")
        # power spectrogram once; the sliders only redo mel filterbank, dB and DCT. A long clip
        # keeps every k-th frame (exactly those frames of the full STFT): the picture has
        # ~MAX_IMAGE_COLS columns, so more frames could not be seen.
        self.n_frames = n_frames(self.y.size, n_fft=self.n_fft, hop_length=self.hop_length)
        self.step = max(1, -(-self.n_frames // (2 * MAX_IMAGE_COLS))) \
            if self.n_frames > 4 * MAX_IMAGE_COLS else 1
        # |STFT|**2 of frames 0, step, 2 step, ... (float32, as librosa computes it)
        frames = engine.FramedFFT(self.y, n_fft=self.n_fft, hop_length=self.hop_length,
                                  window=window_samples("hann", self.n_fft), dtype=np.float32,
                                  step=self.step)
        self.power = np.empty((self.n_fft // 2 + 1, frames.n_computed), dtype=np.float32)
        for start, X in frames:
            self.power[:, start: start + X.shape[0]] = (X.real ** 2 + X.imag ** 2).T
        self._extent_t = (-self.hop_length / self.sr / 2,
                          (self.power.shape[1] * self.step - 0.5) * self.hop_length / self.sr)
        controls = dict(
            n_mfcc=W.IntSlider(value=n_mfcc, min=2, max=max(40, n_mfcc), **slider_kw("n_mfcc")),
            n_mels=W.IntSlider(value=n_mels, min=8, max=max(128, n_mels),
                               **slider_kw("n_mels")),
        )
        self.controls = controls
        self._v0 = self.compute(n_mfcc=n_mfcc, n_mels=n_mels)  # fixes the colour scales
        super().__init__(controls)

    def build(self, fig):
        from matplotlib.ticker import MaxNLocator

        self.ax_mel, self.img_mel, self.cb_mel = image_axes(
            fig, (0.11, 0.58, 0.72, 0.37), (0.845, 0.58, 0.015, 0.37),
            ylabel="Hz (mel scale)", cbar_label="dB re 1.0")
        self.ax_mfcc, self.img_mfcc, self.cb_mfcc = image_axes(
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
        self.mel_max = float(hz_to_mel(self.sr / 2))
        hz = [f for f in (0, 500, 1000, 2000, 4000, 8000, 16000) if f <= self.sr / 2]
        self.ax_mel.set_yticks(hz_to_mel(np.array(hz, dtype=float)), [str(f) for f in hz])
        self.ax_mel.set_ylim(0, self.mel_max)
        self.ax_mfcc.yaxis.set_major_locator(MaxNLocator(nbins=8, integer=True))
        v0 = self._v0
        self.img_mel.set_clim(float(v0["mel_db"].min()), float(v0["mel_db"].max()))
        lim = float(np.percentile(np.abs(v0["mfcc"][1:]), 99)) or 1.0
        self.img_mfcc.set_clim(-lim, lim)
        self.blit_artists = [self.img_mel, self.img_mfcc]
        # the MFCC axis' ticks depend only on n_mfcc: drawn once per value
        self.cached_artists = [(self.ax_mfcc.yaxis, lambda: self.ax_mfcc.get_ylim())]

    def compute(self, n_mfcc, n_mels):
        # the filterbank is cached per setting (helpers.features.mel_basis)
        v = mfcc_view(self.power, self.sr, n_fft=self.n_fft, n_mfcc=n_mfcc, n_mels=n_mels)
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
