"""The spectrum explorer (02): leakage and resolution of one FFT of a synthetic tone."""

from __future__ import annotations

from ..validate import check_choice, check_sr
from .framework import Explorer, choice_slider, slider_kw
from .views import WINDOWS, spectrum_view

__all__ = ["SpectrumExplorer", "spectrum_explorer"]


class SpectrumExplorer(Explorer):
    title = "Spectrum explorer"
    view_function = "helpers.explorers.spectrum_view(sr, freq=..., window=..., length_ms=...)"

    def __init__(self, sr=22050, *, freq=440.0, window="hann", length_ms=50.0):
        import ipywidgets as W

        self.sr = check_sr(sr)
        spectrum_view(self.sr, freq=freq, window=window, length_ms=length_ms)  # validate
        window = check_choice(window, "window", WINDOWS)
        self.fmax = max(min(2000.0, 0.45 * self.sr), float(freq))
        controls = dict(
            freq=W.FloatSlider(value=freq, min=min(20.0, float(freq)), max=self.fmax, step=0.5,
                               readout_format=".1f", **slider_kw("frequency (Hz)")),
            window=choice_slider(list(WINDOWS), window, "window"),
            length_ms=W.FloatSlider(value=length_ms, min=5.0, max=max(500.0, length_ms), step=1.0,
                                    readout_format=".0f", **slider_kw("length (ms)")),
        )
        super().__init__(controls)

    def build(self, fig):
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
        self.blit_artists = [self.line_t, self.line_f, self.peak]
        self.cached_artists = [(self.ax_t.xaxis, lambda: self.ax_t.get_xlim())]

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


