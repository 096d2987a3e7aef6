"""Slider explorers for notebooks 01-05: drag a parameter, see the figure and the numbers change.

Used by: 01_waveform (``waveform_explorer``), 02_fft_spectrum (``spectrum_explorer``),
03_stft_spectrogram (``stft_explorer``), 04_decibels (``db_explorer``), 05_mfcc
(``mfcc_explorer``). Leave the returned explorer as the last expression of a cell.

Three layers, each in its own module:

* ``views``: the pure view functions (``waveform_view``, ``spectrum_view``, ``stft_view``,
  ``db_view``, ``mfcc_view``): data in, a dict out with the arrays, their axes / image extent and
  the readout text. They call the teaching functions (``helpers.spectral``, ``helpers.stft``,
  ``helpers.features``) and, for picture-sized work, ``helpers.engine``.
* ``framework``: :class:`Explorer`, the controls + readout + ONE persistent figure updated in
  place and sent to the page as PNG bytes (how, and why, is in its docstring).
* one module per explorer (``waveform``, ``spectrum``, ``spectrogram``, ``decibels``, ``mfcc``):
  its controls, its view call and its drawing.

``helpers.widgets`` re-exports all of this for one release (older notebooks call
``helpers.widgets.stft_explorer``).
"""

from __future__ import annotations

from .decibels import AMIN_OPTIONS, DbExplorer, db_explorer
from .framework import DPI, FIG_H_PX, FIG_W_PX, MAX_IMAGE_COLS, MAX_IMAGE_ROWS, Explorer
from .mfcc import MfccExplorer, mfcc_explorer
from .spectrogram import HOP_DIVISORS, N_FFT_OPTIONS, StftExplorer, stft_explorer
from .spectrum import SpectrumExplorer, spectrum_explorer
from .views import (
    MAX_FULL_CELLS,
    MAX_FULL_COLS,
    WINDOWS,
    db_view,
    maxpool_image,
    mfcc_view,
    spectrum_view,
    stft_view,
    waveform_view,
)
from .waveform import WaveformExplorer, waveform_explorer

__all__ = [
    "AMIN_OPTIONS",
    "DPI",
    "FIG_H_PX",
    "FIG_W_PX",
    "HOP_DIVISORS",
    "MAX_FULL_CELLS",
    "MAX_FULL_COLS",
    "MAX_IMAGE_COLS",
    "MAX_IMAGE_ROWS",
    "N_FFT_OPTIONS",
    "WINDOWS",
    "DbExplorer",
    "Explorer",
    "MfccExplorer",
    "SpectrumExplorer",
    "StftExplorer",
    "WaveformExplorer",
    "db_explorer",
    "db_view",
    "maxpool_image",
    "mfcc_explorer",
    "mfcc_view",
    "spectrum_explorer",
    "spectrum_view",
    "stft_explorer",
    "stft_view",
    "waveform_explorer",
    "waveform_view",
]
