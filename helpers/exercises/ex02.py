"""Exercise checks of notebook 02 (legacy versions: being rewritten, issue 9)."""

from __future__ import annotations

import numpy as np

from ._legacy_util import _as_number, _close, _unanswered, verdict

__all__ = ['check_freq_axis', 'check_chord_frequencies', 'check_tone_amplitude']


def check_freq_axis(answer, *, n: int, sr: int) -> bool | None:
    """02_fft_spectrum, exercise 1: the frequency (Hz) of every rfft bin of an n-point signal."""
    if _unanswered(answer):
        return None
    truth = np.fft.rfftfreq(n, d=1 / sr)
    a = np.asarray(answer)
    if a.ndim != 1:
        return verdict(False, hint="the axis is a 1-D array, one frequency per rfft bin.")
    if a.size == n:
        return verdict(False, hint=f"that is {n} values, one per sample; np.fft.rfft returns only "
                                   f"n // 2 + 1 = {truth.size} bins (0 Hz up to sr/2).")
    if a.size == truth.size and _close(a, np.linspace(0, sr / 2, truth.size)) and n % 2:
        return verdict(False, hint="for odd n the last bin is below sr/2: bin k is at k*sr/n.")
    if a.size != truth.size:
        return verdict(False, hint=f"expected {truth.size} bins (n // 2 + 1).")
    return verdict(_close(a, truth), hint="bin k is at k * sr / n Hz: np.fft.rfftfreq(n, d=1/sr).")


def check_chord_frequencies(answer) -> bool | None:
    """02_fft_spectrum, exercise 2: the three note frequencies (Hz) of the shipped "chord" clip.

    The clip is made (data/make_data.py) from sines at 261.63, 329.63 and 392.00 Hz (C, E, G).
    """
    if _unanswered(answer):
        return None
    truth = np.array([261.63, 329.63, 392.00])
    try:
        a = np.sort(np.asarray(answer, dtype=float).ravel())
    except (TypeError, ValueError):
        return verdict(False, hint="give three frequencies in Hz, e.g. [f1, f2, f3].")
    if a.size != 3:
        return verdict(False, hint=f"expected 3 frequencies (a triad), got {a.size}.")
    if np.all(np.abs(a - 2 * truth) < 2.0):
        return verdict(False, hint="those look like bin indices (0.5 Hz apart for this 2 s clip):"
                                   " read the frequency from the rfftfreq axis instead.")
    return verdict(bool(np.all(np.abs(a - truth) < 1.0)),
                   hint="look for the three highest peaks between 200 and 500 Hz "
                        "(helpers.spectral.peak_frequencies), each within 1 Hz.",
                   good="Correct: C4, E4 and G4 (a C-major triad).")


def check_tone_amplitude(answer) -> bool | None:
    """02_fft_spectrum, exercise 3: the amplitude of the shipped 440 Hz "tone", read from a
    correctly scaled spectrum (the truth here comes independently from the RMS: A = sqrt(2)*RMS)."""
    if _unanswered(answer):
        return None
    from ..audio import load

    y, _ = load("tone", sr=None)
    truth = float(np.sqrt(2 * np.mean(np.asarray(y, dtype=np.float64) ** 2)))
    x = _as_number(answer)
    if x is None:
        return verdict(False, hint="give one number (linear amplitude, full scale = 1).")
    if abs(x - truth**2) < 0.01:
        return verdict(False, hint=f"{x:.3f} = amplitude²: a power value, or a Hann window "
                                   "without dividing by its sum. Use magnitude * 2 / sum(w).")
    if x > 2:
        return verdict(False, hint="the raw FFT grows with the length N: scale |X| by 2 / sum(w) "
                                   "(2 / N without a window).")
    return verdict(abs(x - truth) < 0.01, hint="magnitude = |rfft(w * y)| * 2 / sum(w).",
                   good=f"Correct: about {truth:.3f}.")

