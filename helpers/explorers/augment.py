"""The augmentation explorer (07): noise at an SNR, time stretch, pitch shift and SpecAugment
masks, with the waveform, the log-mel and a player updating together.

A pure view function (``augment_view``: data in, the augmented clip, its log-mel and a readout
out), then the controls, the drawing and the one-line function the notebook calls. The chain
is the notebook's: ``helpers.augment.pitch_shift`` -> ``time_stretch`` -> ``pad_or_crop`` back
to the clip's length -> ``add_noise`` at the SNR -> log-mel (``librosa.feature.melspectrogram``,
``power_to_db`` re 1.0) -> ``spec_mask``. Waveform steps are cached per setting, so moving a
mask width only redoes the mask.
"""

from __future__ import annotations

import io
from collections import OrderedDict

import numpy as np

from .. import augment
from ..validate import check_signal, check_sr
from .framework import Explorer, image_axes, slider_kw

__all__ = ["AugmentExplorer", "augment_explorer", "augment_view", "augment_waveform"]

N_FFT, HOP, N_MELS = 1024, 256, 64


def augment_waveform(y, sr, *, snr_db: float, rate: float, n_steps: float, seed: int = 0):
    """``y`` pitch-shifted by ``n_steps`` semitones, stretched by ``rate``, cropped or padded
    (at the end) back to ``len(y)``, plus white noise at ``snr_db`` dB (``rng`` from ``seed``).
    Returns ``(augmented, stretched_length)``."""
    x = np.asarray(y, dtype=np.float32)
    if n_steps != 0:
        x = augment.pitch_shift(x, sr, n_steps)
    if rate != 1:
        x = augment.time_stretch(x, rate)
    stretched = x.size
    x = augment.pad_or_crop(x, y.size, where="start")
    x = augment.add_noise(x, snr_db, rng=np.random.default_rng(seed))
    return x, stretched


def augment_view(y, sr, *, snr_db: float = 30.0, rate: float = 1.0, n_steps: float = 0.0,
                 freq_width: int = 0, time_width: int = 0, seed: int = 0,
                 _wave=None) -> dict:
    """The augmented clip (``augment_waveform``), its log-mel (64 bands, n_fft 1024, hop 256,
    dB re 1.0) with one frequency and one time mask (``helpers.augment.spec_mask``, filled with
    the log-mel's mean), and a readout in seconds, semitones, bands and frames."""
    import librosa

    y = check_signal(y, min_length=N_FFT)
    sr = check_sr(sr)
    x, stretched = _wave if _wave is not None else augment_waveform(
        y, sr, snr_db=snr_db, rate=rate, n_steps=n_steps, seed=seed)
    mel = librosa.feature.melspectrogram(y=x, sr=sr, n_fft=N_FFT, hop_length=HOP,
                                         n_mels=N_MELS)
    log_mel = librosa.power_to_db(mel, ref=1.0)
    masked = augment.spec_mask(log_mel, freq_width=freq_width, time_width=time_width,
                               rng=np.random.default_rng(seed + 1))
    edges = librosa.mel_frequencies(n_mels=N_MELS + 2, fmax=sr / 2)
    rows = np.flatnonzero(np.all(masked != log_mel, axis=1)) if freq_width else []
    band = (f"{freq_width} of {N_MELS} mel bands ({edges[rows[0]]:.0f}-"
            f"{edges[rows[-1] + 2]:.0f} Hz)" if len(rows) else "no band")
    fit = "cropped" if stretched > y.size else ("padded with zeros" if stretched < y.size
                                                 else "kept")
    readout = (
        f"pitch {n_steps:+g} semitones (x{2 ** (n_steps / 12):.3f} in frequency), stretch rate "
        f"{rate:g}: {stretched / sr:.2f} s, {fit} to {y.size / sr:.2f} s | white noise at "
        f"<b>{snr_db:g} dB SNR</b> | masks: {band}, {time_width} frames "
        f"({1000 * time_width * HOP / sr:.0f} ms) | log-mel {masked.shape} = (bands, frames)")
    return dict(y=x, log_mel=masked, stretched=stretched, readout=readout,
                t_end=y.size / sr)


class AugmentExplorer(Explorer):
    title = "Augment explorer"
    height_px = 420
    view_function = ("helpers.explorers.augment.augment_view(y, sr, snr_db=..., rate=..., "
                     "n_steps=..., freq_width=..., time_width=...)")

    def __init__(self, y, sr, *, snr_db: float = 30.0, rate: float = 1.0,
                 n_steps: float = 0.0, freq_width: int = 0, time_width: int = 0):
        import ipywidgets as W

        self.y = check_signal(y, mono=True, min_length=N_FFT)
        self.sr = check_sr(sr)
        self._waves: OrderedDict = OrderedDict()  # (snr, rate, steps) -> augmented waveform
        n_frames = 1 + self.y.size // HOP
        controls = dict(
            snr_db=W.FloatSlider(value=snr_db, min=-5.0, max=40.0, step=1.0,
                                 **slider_kw("SNR (dB)")),
            rate=W.FloatSlider(value=rate, min=0.5, max=2.0, step=0.05,
                               **slider_kw("rate (x)")),
            n_steps=W.FloatSlider(value=n_steps, min=-12.0, max=12.0, step=1.0,
                                  **slider_kw("pitch (semitones)")),
            freq_width=W.IntSlider(value=freq_width, min=0, max=N_MELS // 2,
                                   **slider_kw("F mask (bands)")),
            time_width=W.IntSlider(value=time_width, min=0, max=max(1, n_frames // 2),
                                   **slider_kw("T mask (frames)")),
        )
        self.player = W.Audio(value=b"", format="wav", autoplay=False, loop=False)
        self.player.add_class("audio-course-player")
        self._v0 = self.compute(**{k: c.value for k, c in controls.items()})
        super().__init__(controls)
        names = list(controls)
        self.widget.children = (W.HBox([controls[k] for k in names[:3]]),
                                W.HBox([controls[k] for k in names[3:]]),
                                *self.widget.children[1:], self.player)

    def build(self, fig):
        self.ax_wave = fig.add_axes((0.09, 0.66, 0.74, 0.28))
        (self.line,) = self.ax_wave.plot([], [], lw=0.6, color="C0")
        self.ax_wave.set(ylabel="Amplitude", xlim=(0, self.y.size / self.sr))
        self.ax_wave.tick_params(labelbottom=False)
        self.ax_mel, self.img, self.cb = image_axes(
            fig, (0.09, 0.12, 0.74, 0.46), (0.845, 0.12, 0.015, 0.46),
            ylabel="Mel band", cbar_label="dB re 1.0")
        self.ax_mel.set_xlim(0, self.y.size / self.sr)
        lm = self._v0["log_mel"]
        top = float(lm.max())
        self.img.set_clim(top - 80.0, top)
        self.ax_mel.set_ylim(-0.5, N_MELS - 0.5)
        peak = float(np.max(np.abs(self._v0["y"]))) or 1.0
        self.ax_wave.set_ylim(-1.6 * peak, 1.6 * peak)
        self.blit_artists = [self.line, self.img]

    def compute(self, snr_db, rate, n_steps, freq_width, time_width):
        key = (float(snr_db), float(rate), float(n_steps))
        if key not in self._waves:
            self._waves[key] = augment_waveform(self.y, self.sr, snr_db=key[0], rate=key[1],
                                                n_steps=key[2])
            while len(self._waves) > 16:
                self._waves.popitem(last=False)
        self._waves.move_to_end(key)
        return augment_view(self.y, self.sr, snr_db=snr_db, rate=rate, n_steps=n_steps,
                            freq_width=freq_width, time_width=time_width,
                            _wave=self._waves[key])

    def draw(self, v):
        x = v["y"]
        cols = 640  # a min/max envelope, one pair of points per column of pixels
        edges = np.linspace(0, x.size, cols + 1).astype(int)
        lo = np.minimum.reduceat(x, edges[:-1])
        hi = np.maximum.reduceat(x, edges[:-1])
        t = edges[:-1] / self.sr
        self.line.set_data(np.repeat(t, 2), np.column_stack([lo, hi]).ravel())
        frames = v["log_mel"].shape[1]
        self.img.set_data(v["log_mel"])
        self.img.set_extent((-HOP / self.sr / 2, (frames - 0.5) * HOP / self.sr,
                             -0.5, N_MELS - 0.5))
        self.player.value = _wav_bytes(x, self.sr)


def _wav_bytes(x, sr) -> bytes:
    """16-bit WAV of ``x`` for the player (scaled down only if it would clip)."""
    import soundfile as sf

    peak = float(np.max(np.abs(x)))
    buf = io.BytesIO()
    sf.write(buf, x / peak if peak > 1 else x, sr, format="WAV", subtype="PCM_16")
    return buf.getvalue()


def augment_explorer(y, sr, *, snr_db: float = 30.0, rate: float = 1.0, n_steps: float = 0.0,
                     freq_width: int = 0, time_width: int = 0):
    """Augmentation (07): sliders for the SNR of added white noise (dB), the time-stretch
    rate, the pitch shift (semitones) and the widths of one SpecAugment frequency mask (mel
    bands) and one time mask (frames). Top: the augmented waveform (cropped or padded back to
    the clip's length); bottom: its log-mel (64 bands, dB re 1.0) with the masks; below: a
    player of the augmented clip."""
    return AugmentExplorer(y, sr, snr_db=snr_db, rate=rate, n_steps=n_steps,
                           freq_width=freq_width, time_width=time_width)
