"""Consistent, labelled figures: every axis has a quantity and a unit.

One section per notebook; each function draws into ``ax`` (created when ``None``) and returns it
(or the image artist, for colourbars). Static figures use ``librosa.display.specshow`` so the axes
are right by construction; the fast slider explorers in ``helpers.widgets`` draw their own.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .validate import check_signal, check_sr

__all__ = ["new_axes", "waveform", "spectrogram", "colorbar"]


def new_axes(ax=None, figsize=(9, 3.2)):
    """Return ``ax`` or a fresh single axes."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


# ---------------------------------------------------------------------------------------------
# shared: waveform and spectrogram (00, 01, 03, 04, 05)
# ---------------------------------------------------------------------------------------------
def waveform(y, sr, *, ax=None, start: float = 0.0, title: str | None = None, **line_kw):
    """Amplitude against time in seconds (``start`` offsets the time axis). Used by 01."""
    y = check_signal(y, mono=True)
    sr = check_sr(sr)
    ax = new_axes(ax)
    t = start + np.arange(y.size) / sr
    ax.plot(t, y, lw=line_kw.pop("lw", 0.6), **line_kw)
    ax.set(xlabel="Time (s)", ylabel="Amplitude (full scale = 1)", xlim=(t[0], t[-1]),
           title=title)
    return ax


def spectrogram(S, *, sr, hop_length, ax=None, y_axis="linear", n_fft=None,
                label="Level (dB)", title=None, fmax=None, **kw):
    """Show a (frequency x frames) array with time in s and frequency in Hz, plus a colourbar.

    ``y_axis`` is librosa's: ``"linear"`` / ``"log"`` (Hz on a log scale), ``"mel"``, or
    ``None`` for non-frequency rows (e.g. MFCC coefficients). ``label`` names the colourbar's
    quantity and unit, e.g. ``"Power (dB re max)"``. Used by 03, 04, 05.
    """
    import librosa.display

    ax = new_axes(ax)
    sr = check_sr(sr)
    img = librosa.display.specshow(
        np.asarray(S), sr=sr, hop_length=hop_length, n_fft=n_fft, x_axis="time", y_axis=y_axis,
        ax=ax, fmax=fmax, **kw,
    )
    ax.set(xlabel="Time (s)", title=title)
    if y_axis in ("linear", "log", "mel", "fft", "hz"):
        ax.set_ylabel("Frequency (Hz)")
    colorbar(img, ax, label)
    return img


def colorbar(img, ax, label: str):
    """A colourbar with a quantity and unit (e.g. ``"Magnitude (dB re max)"``)."""
    cb = ax.figure.colorbar(img, ax=ax, pad=0.01)
    cb.set_label(label)
    return cb


# ---------------------------------------------------------------------------------------------
# 02: spectra  (owned by the 01/02 author; add below)
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# 03: STFT  (owned by the 03 author; add below)
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# 04/05: dB, mel, MFCC  (owned by the 04/05 author; add below)
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# 06: dataset  (owned by the 06 author; add below)
# ---------------------------------------------------------------------------------------------
