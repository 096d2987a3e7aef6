"""Exercise checks of notebook 02 (FFT spectrum).

Each check calls the learner's small function on inputs the learner has not seen (other lengths,
odd and even; other sample rates; other tones, chords and windows), compares it with an
independent reference, and names the specific mistake when it is wrong:

* 02.1 ``frequency_axis(n, sr)``: the frequencies of the ``n // 2 + 1`` bins of ``rfft``.
* 02.2 ``amplitude_spectrum(y, window)``: ``|rfft(window * y)|`` scaled by ``2 / sum(window)``.
* 02.3 ``peak_frequencies(y, sr, n)``: the ``n`` strongest spectral peaks of a chord (Hz).
* 02.4 ``fixed_spectrum(signal, sample_rate, ax)``: the original tutorial's code, made right.

A check that forbids a shortcut (``np.fft.rfftfreq`` in 02.1, ``helpers.spectral`` in 02.2-3)
asks :mod:`._routes` whether the learner's own code names or calls it; what a library calls
inside itself never counts, so the verdicts do not depend on the library's version.
"""

from __future__ import annotations

import numpy as np
import scipy.signal

from ._core import Hint, array, call, close, correct, exercise, stop_wrong
from ._routes import Forbidden

__all__ = ["check_frequency_axis", "check_amplitude_spectrum", "check_peak_frequencies",
           "check_fixed_spectrum"]


#: 02.1 builds the axis from its definition: not with a ready-made rfft axis (NumPy's, SciPy's,
#: librosa's or the course's). The full-spectrum axis (fftfreq) is allowed: turning it into the
#: rfft axis is the exercise's point.
_AXIS_FORBIDDEN = Forbidden((
    "numpy.fft.rfftfreq", "scipy.fft.rfftfreq", "scipy.fftpack.rfftfreq",
    "librosa.fft_frequencies", "scipy.signal.periodogram", "scipy.signal.welch",
    "scipy.signal.csd", "scipy.signal.spectrogram", "scipy.signal.stft",
    "scipy.signal.ShortTimeFFT", "matplotlib.mlab", "helpers"),
    hint=lambda used: Hint(
        f"your function uses {used[0]}, a ready-made frequency axis. That is the answer the "
        "check compares with: build the axis yourself from the definition, bin k at k * sr / n.",
        "Which bins does rfft return (from k = 0 to ?), and where is bin k in Hz?",
        "k = np.arange(n // 2 + 1)", mistake="used-rfftfreq"))
#: 02.2 writes what the course's spectrum helper does.
_NO_SPECTRUM_HELPER = Forbidden(("helpers",), hint=lambda used: Hint(
    f"your function uses {used[0]}, the course's own code: this exercise is to write what "
    "helpers.spectral.spectrum does, with NumPy.",
    "Three steps: multiply by the window, rfft, scale the magnitude.",
    "X = np.fft.rfft(window * y)  # then the magnitude, then the scale", mistake="used-helper"))
#: 02.3 finds the peaks itself (the course's spectrum is allowed, its peak pickers are not).
_NO_PEAK_HELPER = Forbidden(
    ("helpers.spectral.peak_frequencies", "helpers.spectral.peak_frequency"),
    hint=lambda used: Hint(
        f"your function uses {used[0]}, the course's peak picker: this exercise is to find the "
        "peaks yourself (rfft, rfftfreq, then the local maxima).",
        "scipy.signal.find_peaks finds local maxima; keep the n highest.",
        "peaks, _ = scipy.signal.find_peaks(magnitude)", mistake="used-helper"))


def _bins(n: int, sr: float) -> np.ndarray:
    """Reference axis, from the definition f_k = k * sr / n (not from np.fft.rfftfreq)."""
    return np.arange(n // 2 + 1) * sr / n


# ----------------------------------------------------------------------------------------------
# 02.1 frequency axis
# ----------------------------------------------------------------------------------------------
_AXIS_HINTS = {
    "linspace-full": Hint(
        "that is np.linspace(0, sr, n): one value per sample, spaced sr / (n - 1) apart. The "
        "DFT's bins are sr / n apart, and rfft returns only n // 2 + 1 of them.",
        "Bin k is at k * sr / n for k = 0 .. n // 2; linspace's end point sr is not a bin.",
        "k = np.arange(n // 2 + 1)  # then turn bin numbers into Hz", mistake="linspace-full"),
    "fftfreq-full": Hint(
        "that is the axis of the full np.fft.fft (n values, with negative frequencies in the "
        "second half). rfft keeps only bins 0 .. n // 2.",
        "Keep the bins from 0 Hz up to the Nyquist frequency: n // 2 + 1 of them.",
        "k = np.arange(n // 2 + 1)", mistake="fftfreq-full"),
    "all-bins": Hint(
        "one value per sample: that is all n bins of np.fft.fft. rfft returns n // 2 + 1 bins; "
        "the others mirror them (negative frequencies).",
        "Count the bins from 0 to n // 2 inclusive.", "k = np.arange(n // 2 + 1)",
        mistake="all-bins"),
    "seed-axis": Hint(
        "that is the original tutorial's axis: linspace(0, sr, n) cut in half. Two mistakes: "
        "the spacing is sr / (n - 1) instead of sr / n, and the half drops the last bin.",
        "Bin k is at k * sr / n, for k = 0 .. n // 2 (n // 2 + 1 bins).",
        "k = np.arange(n // 2 + 1)", mistake="seed-axis"),
    "dropped-nyquist": Hint(
        "one bin short: rfft returns n // 2 + 1 bins, up to and including bin n // 2 (the "
        "Nyquist frequency when n is even).",
        "range(n // 2) stops before n // 2; you need one more.", "k = np.arange(n // 2 + 1)",
        mistake="dropped-nyquist"),
    "linspace-spacing": Hint(
        "the right number of bins, but spaced sr / (n - 1) apart (that is what "
        "np.linspace(0, sr, n) does); the DFT's bins are sr / n apart.",
        "Every value is too high by a factor n / (n - 1). Multiply bin numbers by sr / n.",
        "k = np.arange(n // 2 + 1); return k * ...", mistake="linspace-spacing"),
    "linspace-half": Hint(
        "np.linspace(0, sr / 2, n // 2 + 1) is right only for even n. For odd n the last bin "
        "is below the Nyquist frequency sr / 2 (and the spacing is sr / n, not sr / (n - 1)).",
        "Use the definition, bin k at k * sr / n, which holds for every n.",
        "k = np.arange(n // 2 + 1); return k * ...", mistake="linspace-half"),
    "fftfreq-negative": Hint(
        "the last value is negative: np.fft.fftfreq labels bin n / 2 (even n) as -sr / 2, a "
        "negative frequency. rfft's last bin is +sr / 2.",
        "Bin k is at k * sr / n for every k = 0 .. n // 2.", "k = np.arange(n // 2 + 1)",
        mistake="fftfreq-negative"),
    "cycles-per-sample": Hint(
        "these are cycles per sample (k / n), not hertz. Hertz are cycles per second.",
        "Multiply by the number of samples per second.", "k * sr / n", mistake="cycles-per-sample"),
    "bin-index": Hint(
        "these are bin numbers k, not frequencies in Hz.",
        "Bin k holds k cycles per n samples; n samples last n / sr seconds.", "k * sr / n",
        mistake="bin-index"),
    "integer-division": Hint(
        "sr // n is integer division: it throws away the fraction of the bin spacing.",
        "Use true division, /, for sr / n.", "k * sr / n", mistake="integer-division"),
    "wrong-length": Hint(
        "rfft of n samples returns n // 2 + 1 bins: give one frequency per bin.",
        "For n = 8 that is 5 bins (0 .. 4); for n = 9 also 5.", "k = np.arange(n // 2 + 1)",
        mistake="wrong-length"),
    "formula": Hint(
        "the right number of bins, but not at the right frequencies: bin k holds k cycles per "
        "n samples.",
        "n samples last n / sr seconds, so k cycles in them is k * sr / n cycles per second.",
        "return np.arange(n // 2 + 1) * ...", mistake="formula"),
}


def _diagnose_axis(a: np.ndarray, n: int, sr: float) -> Hint | None:
    """None if ``a`` is the rfft axis of n samples at sr Hz, else the hint for the mistake."""
    truth = _bins(n, sr)
    if close(a, truth):
        return None
    lin = np.linspace(0, sr, n)
    fft_full = np.concatenate([np.arange((n + 1) // 2), np.arange(-(n // 2), 0)]) * sr / n
    if a.size == n:
        for key, ref in (("linspace-full", lin), ("fftfreq-full", fft_full),
                         ("all-bins", np.arange(n) * sr / n)):
            if close(a, ref):
                return _AXIS_HINTS[key]
        return _AXIS_HINTS["all-bins"]
    if a.size == n // 2:
        if close(a, lin[: n // 2]):
            return _AXIS_HINTS["seed-axis"]
        return _AXIS_HINTS["dropped-nyquist"]
    if a.size != truth.size:
        return _AXIS_HINTS["wrong-length"]
    k = np.arange(truth.size)
    # linspace-half first: for odd n it equals linspace(0, sr, n)[:n//2+1] (the same values)
    for key, ref in (("linspace-half", np.linspace(0, sr / 2, truth.size)),
                     ("linspace-spacing", lin[: truth.size]),
                     ("fftfreq-negative", fft_full[: truth.size]),
                     ("cycles-per-sample", k / n), ("bin-index", k),
                     ("integer-division", k * (sr // n))):
        if close(a, ref):
            return _AXIS_HINTS[key]
    return _AXIS_HINTS["formula"]


# even first, then odd: linspace(0, sr/2, ...) passes the first and fails the second, by name
_AXIS_CASES = [(8, 8000), (9, 8000), (1000, 22050), (1001, 44100), (2, 16000), (4097, 11025)]


@exercise("02.1")
def check_frequency_axis(frequency_axis):
    """02_fft_spectrum, exercise 1: ``frequency_axis(n, sr)`` returns the frequencies (Hz) of
    the ``n // 2 + 1`` bins of ``np.fft.rfft`` for ``n`` samples at ``sr`` Hz, built from
    ``f_k = k * sr / n`` (not with ``np.fft.rfftfreq``, which the check compares against)."""
    answers = []
    for n, sr in _AXIS_CASES:
        out = call(frequency_axis, n, sr, forbid=_AXIS_FORBIDDEN)
        answers.append(array(out, what=f"the {n // 2 + 1} bin frequencies (Hz) for n={n}",
                             ndim=1))
    if all(close(a, answers[0]) for a in answers[1:]):
        stop_wrong(Hint(
            "your function returns the same array whatever n and sr are: the check calls it "
            "with several lengths and sample rates, so the axis must be computed from them.",
            "Bin k is at k * sr / n; how many bins does rfft return for n samples?",
            "k = np.arange(n // 2 + 1)", mistake="hard-coded"))
    for (n, sr), a in zip(_AXIS_CASES, answers, strict=True):
        hint = _diagnose_axis(a, n, sr)
        if hint is not None:
            stop_wrong(hint, f"(checked with n={n}, sr={sr})")
    return correct("Bin k sits at k · sr / n Hz; n // 2 + 1 bins, the last one at the Nyquist "
                   "frequency for even n and just below it for odd n: exactly "
                   "np.fft.rfftfreq(n, d=1/sr).")


# ----------------------------------------------------------------------------------------------
# 02.2 amplitude spectrum
# ----------------------------------------------------------------------------------------------
def _test_tone(n: int, bin_pos: float, amplitude: float, phase: float) -> np.ndarray:
    m = np.arange(n)
    return amplitude * np.sin(2 * np.pi * bin_pos * m / n + phase)


_WINDOWS = {
    "hann": lambda n: scipy.signal.get_window("hann", n),
    "blackman": lambda n: scipy.signal.get_window("blackman", n),
    "np.hanning": np.hanning,  # symmetric Hann: any window array works the same way
    "rectangular": np.ones,
}
# (n, bin position of the tone, amplitude, phase, window): between bins first (it catches most
# mistakes), then odd n on a bin, near DC, near Nyquist, and no taper at all
# (Blackman first: with a periodic Hann, sum(w) = N / 2 exactly, so "2 / N" and "1 / sum(w)"
# would give the same numbers there and could not be told apart)
_SPECTRUM_CASES = [(1024, 20.43, 0.5, 0.3, "blackman"), (1531, 37.0, 0.8, 1.0, "hann"),
                   (2048, 3.6, 0.25, 0.0, "hann"), (1000, 496.3, 0.6, 2.0, "np.hanning"),
                   (777, 100.25, 0.3, 0.5, "rectangular")]


def _edges_ok(a, ref, n) -> bool:
    """DC (and Nyquist for even n) may be scaled by 1/sum(w) or 2/sum(w): both are accepted."""
    edges = [0] + ([n // 2] if n % 2 == 0 else [])
    tol = 1e-6 * ref.max() + 1e-12
    return all(abs(a[e] - ref[e]) <= tol or abs(a[e] - ref[e] / 2) <= tol for e in edges)


def _mid(a, n):
    return a[1:(n + 1) // 2]


@exercise("02.2")
def check_amplitude_spectrum(amplitude_spectrum):
    """02_fft_spectrum, exercise 2: ``amplitude_spectrum(y, window)`` multiplies ``y`` by the
    given ``window`` (an array as long as ``y``), takes ``np.fft.rfft`` and scales the magnitude
    by ``2 / sum(window)``, so a tone on a bin reads its amplitude. DC and Nyquist bins may be
    scaled by ``1 / sum(window)`` or ``2 / sum(window)``: both pass."""
    for n, bin_pos, amp, phase, wname in _SPECTRUM_CASES:
        y = _test_tone(n, bin_pos, amp, phase)
        w = _WINDOWS[wname](n)
        out = call(amplitude_spectrum, y.copy(), w.copy(), forbid=_NO_SPECTRUM_HELPER)
        where = (f"(checked on a {amp} amplitude tone at bin {bin_pos} of n={n} samples, "
                 f"{wname} window)")
        if np.iscomplexobj(out):
            stop_wrong(Hint(
                "your spectrum holds complex numbers: the FFT's output has a magnitude and a "
                "phase; the amplitude spectrum is the magnitude.",
                "Take the absolute value of the complex FFT before scaling.", "np.abs(X)",
                mistake="no-abs"), where)
        a = np.asarray(array(out, what="one magnitude per rfft bin"), dtype=float)
        if a.size == 1:
            stop_wrong(Hint(
                "you returned one number; the spectrum has one value per frequency bin (a peak "
                "value such as np.max(np.abs(y)) is not a spectrum).",
                f"rfft of n samples gives n // 2 + 1 values: {n // 2 + 1} here.",
                "X = np.fft.rfft(window * y)", mistake="one-number"), where)
        a = a.ravel()
        X = np.fft.rfft(w * y)
        mag = np.abs(X)
        ref = 2 * mag / w.sum()
        if a.size == n:
            stop_wrong(Hint(
                "you returned n values: that is the full np.fft.fft, whose upper half mirrors "
                "the lower one (negative frequencies).",
                "np.fft.rfft returns just the n // 2 + 1 bins from 0 Hz to the Nyquist frequency.",
                "np.fft.rfft(window * y)", mistake="full-fft"), where)
        if a.size == n // 2:
            stop_wrong(Hint(
                "one bin short: rfft returns n // 2 + 1 bins; do not cut the last one off.",
                "Keep every value rfft returns.", mistake="dropped-nyquist"), where)
        if a.size != ref.size:
            stop_wrong(Hint(f"expected one value per rfft bin ({ref.size} for n={n}), got "
                            f"{a.size}.", mistake="wrong-length"), where)
        if close(_mid(a, n), _mid(ref, n), rtol=1e-6, atol=1e-9 * ref.max()) and _edges_ok(a, ref, n):
            continue
        alternatives = [
            ("no-window", 2 * np.abs(np.fft.rfft(y)) / n),
            ("no-window", 2 * np.abs(np.fft.rfft(y)) / w.sum()),
            ("no-window", np.abs(np.fft.rfft(y))),
            ("unscaled", mag),
            ("window-gain", 2 * mag / n),
            ("missing-2", mag / w.sum()),
            ("power", ref**2),
            ("power", mag**2),
            ("power", (mag / w.sum())**2),
            ("real-part", 2 * np.abs(X.real) / w.sum()),
            ("real-part", 2 * X.real / w.sum()),
        ]
        if wname not in ("hann", "rectangular"):
            hw = scipy.signal.get_window("hann", n)
            alternatives.append(("own-window", 2 * np.abs(np.fft.rfft(hw * y)) / hw.sum()))
            sym = np.hanning(n)  # np.hanning: the symmetric Hann
            alternatives.append(("own-window", 2 * np.abs(np.fft.rfft(sym * y)) / sym.sum()))
        hints = {
            "no-window": Hint(
                "the signal was not multiplied by the window: without it a tone between bins "
                "leaks into every bin.",
                "Multiply y by the window (sample by sample) before the FFT.",
                "np.fft.rfft(window * y)", mistake="no-window"),
            "unscaled": Hint(
                "raw |X| grows with the number of samples (a tone on a bin gives A · sum(w) / 2): "
                "scale it so it reads amplitude.",
                "Divide by the window's gain sum(w), and double (each tone's energy is split "
                "between a positive and a negative frequency).",
                "2 * np.abs(X) / window.sum()", mistake="unscaled"),
            "window-gain": Hint(
                "you scaled by 2 / N, which is right without a window. A window makes the sum "
                "smaller (its gain sum(w) is about N / 2 for Hann), so 2 / N reads too low.",
                "Divide by the window's gain, sum(w), instead of N.",
                "2 * np.abs(X) / window.sum()", mistake="window-gain"),
            "missing-2": Hint(
                "every value is half the amplitude: a real tone's energy is split between a "
                "positive and a negative frequency, and rfft shows only the positive one.",
                "Double the one-sided spectrum.", "2 * np.abs(X) / window.sum()",
                mistake="missing-2"),
            "power": Hint(
                "those are squared values: power, not magnitude. The exercise asks for the "
                "amplitude spectrum (a tone of amplitude A reads A, not A²).",
                "Do not square the magnitude.", "2 * np.abs(X) / window.sum()", mistake="power"),
            "real-part": Hint(
                "you kept the real part of X; the magnitude is the length of the complex number "
                "(real and imaginary parts together).",
                "np.abs of a complex array gives its magnitude.", "np.abs(X)",
                mistake="real-part"),
            "own-window": Hint(
                "your function uses its own Hann window; use the window the caller passes in "
                "(the check also passes Blackman and rectangular windows).",
                "The second argument is the window array.", "np.fft.rfft(window * y)",
                mistake="own-window"),
        }
        for key, alt in alternatives:
            alt = np.asarray(alt, dtype=float)
            if close(_mid(a, n), _mid(alt, n), rtol=1e-5, atol=1e-9 * max(alt.max(), 1e-12)):
                stop_wrong(hints[key], where)
        if np.any(a < 0):
            stop_wrong(Hint(
                "some values are negative, and a magnitude never is: those look like decibels "
                "(a log). The exercise asks for the linear amplitude spectrum.",
                "Leave out the log.", mistake="decibels"), where)
        if np.isclose(a.max(), amp, rtol=0.02) or np.isclose(a.max(), ref.max(), rtol=0.02):
            stop_wrong(Hint(
                "the peak reads about right but other bins do not: compare your array with the "
                "definition bin by bin (the DC and Nyquist bins may use 1 / sum(w)).",
                "Every bin gets the same scale, 2 / sum(w).", mistake="other-bins"), where)
        stop_wrong(Hint(
            "not the window-compensated amplitude spectrum: multiply by the window, take the "
            "magnitude of rfft, scale by 2 / sum(window).",
            "Run your function on a tone whose amplitude you know and look at the peak.",
            "2 * np.abs(np.fft.rfft(window * y)) / window.sum()", mistake="scaling"), where)
    return correct("Window, rfft, magnitude, times 2 / sum(w): a tone on a bin reads its "
                   "amplitude whatever the window and the length.")


# ----------------------------------------------------------------------------------------------
# 02.3 peak frequencies of unseen chords
# ----------------------------------------------------------------------------------------------
SHIPPED_CHORD = (261.63, 329.63, 392.00)  # the notes of the clip the notebook shows


def _chord(sr: int, seconds: float, notes) -> np.ndarray:
    t = np.arange(int(round(sr * seconds))) / sr
    return sum(a * np.sin(2 * np.pi * f * t + ph) for f, a, ph in notes)


# (sr, seconds, [(frequency Hz, amplitude, phase)], n): all at least 1 s long, so bins are at
# most 1 Hz apart; the last one has a quiet note next to a loud one (found only with a window)
_CHORDS = [
    (22050, 1.0, [(196.0, 0.5, 0.1), (246.94, 0.4, 1.2), (293.66, 0.3, 2.0)], 3),
    (16000, 1.5, [(220.0, 0.3, 0.0), (277.18, 0.5, 0.7), (329.63, 0.2, 1.9), (440.0, 0.4, 2.5)],
     4),
    (44100, 1.2, [(523.25, 0.7, 0.4), (783.99, 0.3, 1.1)], 2),
    (22050, 1.0, [(300.5, 0.8, 0.0), (305.5, 0.03, 2.5), (450.5, 0.5, 2.0)], 3),
]
# The quiet note (0.03, 5 Hz = 5 bins above the 0.8 one) stands above the Hann window's highest
# side lobe (-31 dB: 0.8 * 0.027 = 0.021), so a Hann spectrum shows it as a peak even when
# zero-padding samples every side lobe; without a window the loud note's leakage buries it.
PEAK_TOLERANCE_HZ = 1.0


@exercise("02.3")
def check_peak_frequencies(peak_frequencies):
    """02_fft_spectrum, exercise 3: ``peak_frequencies(y, sr, n)`` returns the frequencies (Hz)
    of the ``n`` strongest peaks of the spectrum of ``y`` (any order), each within 1 Hz. It runs
    on chords the learner has not seen (2-4 notes, 1-1.5 s, other sample rates), one with a
    quiet note 5 Hz from a loud one; ``helpers.spectral`` peak pickers are not allowed."""
    answers = []
    for sr, seconds, notes, n in _CHORDS:
        y = _chord(sr, seconds, notes)
        truth = np.array(sorted(f for f, _, _ in notes))
        out = call(peak_frequencies, y.copy(), sr, n, forbid=_NO_PEAK_HELPER)
        a = np.sort(array(out, what=f"{n} frequencies in Hz").ravel())
        where = f"(checked on a {n}-note chord at sr={sr} Hz, {seconds} s)"
        answers.append(a)
        if a.size == len(SHIPPED_CHORD) and np.allclose(a, SHIPPED_CHORD, atol=1.0) \
                and not np.allclose(truth, SHIPPED_CHORD, atol=1.0):
            stop_wrong(Hint(
                "those are the notes of the notebook's chord clip, whatever the input: the check "
                "runs your function on other chords. Compute the answer from y.",
                "Spectrum of y, its frequency axis, then the highest local maxima.",
                mistake="hard-coded"), where)
        if len(answers) > 1 and answers[-1].shape == answers[-2].shape \
                and np.allclose(answers[-1], answers[-2]):
            stop_wrong(Hint(
                "your function returns the same frequencies for two different chords: the "
                "answer must come from y.", mistake="hard-coded"), where)
        if a.size > n:
            stop_wrong(Hint(f"asked for n={n} frequencies, got {a.size}.",
                            "Keep the n highest peaks (sort by height, take n).",
                            mistake="wrong-count"), where)
        if a.size < n:
            stop_wrong(Hint(
                f"asked for n={n} frequencies, got {a.size}: your function found fewer peaks "
                "than notes. Two usual causes: a height or prominence threshold that drops a "
                "quiet note (one of the check's notes has 1/27 of the loudest one's amplitude), "
                "or no window, so that a loud note's leakage buries a quiet one nearby.",
                "Keep every local maximum (no threshold), then the n highest of them; "
                "multiply y by a Hann window before the FFT.",
                mistake="too-few"), where)
        n_samples = y.size
        err = np.abs(a[:, None] - truth[None, :]).min(axis=1)
        near = np.array([np.abs(a - f).min() for f in truth])  # per note: the nearest answer
        if np.all(err <= PEAK_TOLERANCE_HZ) and np.all(near <= PEAK_TOLERANCE_HZ):
            continue
        in_bins = truth * n_samples / sr
        if not np.allclose(in_bins, truth, atol=2.0) and np.allclose(a, in_bins, atol=2.0):
            stop_wrong(Hint(
                "those are bin numbers, not frequencies: convert with the frequency axis.",
                "Index np.fft.rfftfreq(len(y), d=1/sr) with the peak bins.",
                mistake="bin-index"), where)
        step = sr / n_samples
        if np.any(np.diff(a) < 3 * step):
            stop_wrong(Hint(
                "two of your frequencies are neighbouring bins of the same peak: the n largest "
                "values of a spectrum are not n peaks.",
                "A peak is a local maximum: higher than both neighbours "
                "(scipy.signal.find_peaks). Keep the n highest of those.",
                "peaks, _ = scipy.signal.find_peaks(magnitude)", mistake="neighbour-bins"), where)
        loud = max(notes, key=lambda x: x[1])[0]
        stray = a[err > PEAK_TOLERANCE_HZ]
        if stray.size and np.all(np.abs(stray - loud) < 40 * step):
            stop_wrong(Hint(
                "one of your peaks is spectral leakage around the loudest note, not a note: "
                "without a window a loud tone's leakage hides a quiet one nearby.",
                "Multiply y by a Hann window before the FFT.",
                "np.fft.rfft(y * scipy.signal.get_window('hann', len(y)))", mistake="leakage"),
                where)
        stop_wrong(Hint(
            f"not all {n} notes found within {PEAK_TOLERANCE_HZ:g} Hz: look at the spectrum "
            "and compare your peaks with it.",
            "Use the whole signal (bins sr / len(y) apart), a Hann window, and local maxima.",
            mistake="off"), where)
    return correct("Window, rfft, rfftfreq, local maxima, the n highest: it works on chords it "
                   "has never seen, including a quiet note next to a loud one.")


# ----------------------------------------------------------------------------------------------
# 02.4 the original tutorial's code, fixed
# ----------------------------------------------------------------------------------------------
# (sr, n, [(bin, amplitude)]): odd and even lengths, tones exactly on bins so every correctly
# scaled window (none, periodic or symmetric Hann, Blackman ...) reads the amplitudes
_SEED_CASES = [(8000, 4000, [(275, 0.35)]), (16000, 8001, [(441, 0.6), (1500, 0.15)])]
AMPLITUDE_RTOL = 0.02


@exercise("02.4")
def check_fixed_spectrum(fixed_spectrum):
    """02_fft_spectrum, exercise 4: ``fixed_spectrum(signal, sample_rate, ax)`` draws the
    magnitude spectrum on ``ax`` and returns ``(freqs, magnitude)``: the rfft axis in Hz, the
    magnitude scaled to read amplitude (any window, compensated by 2 / sum(w)), a plot whose
    x axis says Hz and whose labels call it magnitude (or amplitude), not power."""
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    for sr, n, tones in _SEED_CASES:
        t = np.arange(n)
        y = sum(a * np.sin(2 * np.pi * k * t / n + 0.3) for k, a in tones)
        fig = Figure()
        ax = fig.add_subplot()
        before = set(plt.get_fignums())
        try:
            out = call(fixed_spectrum, y.copy(), sr, ax)
        finally:
            for num in set(plt.get_fignums()) - before:
                plt.close(num)
        where = f"(checked on {n} samples at {sr} Hz)"
        if not (isinstance(out, tuple | list) and len(out) == 2):
            stop_wrong(Hint("return two arrays: (freqs, magnitude).",
                            "The last line of your function: return freqs, magnitude.",
                            mistake="not-a-pair"), where)
        freqs = array(out[0], what="the frequency axis (Hz)", ndim=1)
        if np.iscomplexobj(out[1]):
            stop_wrong(Hint("the magnitude is complex: take np.abs of the FFT.", mistake="no-abs"),
                       where)
        mag = array(out[1], what="the magnitude, one value per bin", ndim=1)
        hint = _diagnose_axis(freqs, n, sr)
        if hint is not None:
            stop_wrong(hint, where)
        if mag.shape != freqs.shape:
            stop_wrong(Hint("freqs and magnitude must have the same length (one value per "
                            "rfft bin).", mistake="wrong-length"), where)
        for k, amp in tones:
            got = mag[k]
            if np.isclose(got, amp, rtol=AMPLITUDE_RTOL):
                continue
            if np.isclose(got, amp**2, rtol=AMPLITUDE_RTOL):
                stop_wrong(Hint(
                    "a tone of amplitude A reads A²: that is power. The seed's title said "
                    "'Power spectrum' over a magnitude plot; make both magnitude.",
                    "Do not square the magnitude.", mistake="power"), where)
            if got > 5 * amp:
                stop_wrong(Hint(
                    "raw |X| grows with the number of samples: scale it so a tone reads its "
                    "amplitude.", "2 / N without a window, 2 / sum(w) with one.",
                    mistake="unscaled"), where)
            if np.isclose(got, amp / 2, rtol=0.1) or np.isclose(got, 0.42 * amp, rtol=0.1):
                stop_wrong(Hint(
                    "the tone reads about half (or less) of its amplitude: with a window, divide "
                    "by the window's gain sum(w), not by N (or you forgot the factor 2).",
                    "Scale by 2 / sum(w).", mistake="window-gain"), where)
            stop_wrong(Hint(
                f"a tone of amplitude {amp} on a bin reads {got:.3g}: the scaling is off.",
                "Magnitude = |rfft(w * y)| * 2 / sum(w) (w = np.ones(N) without a window).",
                mistake="scaling"), where)
        lines = [ln for ln in ax.get_lines() if len(ln.get_xdata()) == freqs.size]
        if not ax.get_lines():
            stop_wrong(Hint(
                "nothing was drawn on the ax the check passed in: draw with ax.plot(...) and "
                "label with ax.set_xlabel(...), not plt.plot.",
                "The function receives the axes to draw on as its third argument.",
                mistake="not-on-ax"), where)
        if not any(close(ln.get_xdata(), freqs) and close(ln.get_ydata(), mag) for ln in lines):
            stop_wrong(Hint("the line on the plot is not magnitude against your freqs: plot "
                            "the two arrays you return.", mistake="plot-data"), where)
        xlabel, ylabel, title = ax.get_xlabel(), ax.get_ylabel(), ax.get_title()
        if "khz" in xlabel.lower() and freqs.max() > 1000:
            stop_wrong(Hint(
                "the x label says kHz, but the frequencies you plot are in Hz (they run up to "
                f"{freqs.max():g}): make the label match the numbers.", mistake="no-unit"),
                where)
        if "hz" not in xlabel.lower():
            stop_wrong(Hint(
                "the x axis needs its unit: the seed wrote 'Frequency'; write "
                "'Frequency (Hz)'.", mistake="no-unit"), where)
        if "power" in (ylabel + " " + title).lower():
            stop_wrong(Hint(
                "the plot is labelled power, but it shows magnitude (power is magnitude "
                "squared). Fix the seed's title.", mistake="power-label"), where)
        if not any(w in ylabel.lower() for w in ("magnitude", "amplitude")):
            stop_wrong(Hint(
                "name the y axis: magnitude (or amplitude), with its unit or scale.",
                mistake="ylabel"), where)
    return correct("The seed's code, made right: the rfft axis in Hz, the Nyquist bin kept, "
                   "magnitude scaled to read amplitude, and every axis named with its unit.")
