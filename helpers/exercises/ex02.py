"""Exercise checks of notebook 02 (FFT spectrum).

Each check calls the learner's small function on inputs the learner has not seen (other lengths,
odd and even; other sample rates; other tones, chords and windows), compares it with an
independent reference, and names the specific mistake when it is wrong:

* 02.1 (warm-up) ``frequency_axis(n, sr)``: the frequencies of the ``n // 2 + 1`` bins of ``rfft``.
* 02.2 (apply) ``channel_spectra(data, window)``: one amplitude spectrum per channel of a
  (samples, channels) recording, any window (the notebook shows one channel only).
* 02.3 (apply) ``mean_power_from_rfft(X, n)``: Parseval on the half spectrum ``rfft`` keeps.
* 02.4 (stretch) ``peak_frequencies(y, sr, n)``: the ``n`` strongest spectral peaks of chords
  the notebook never plays, one with a quiet note 5 Hz from a loud one.

02.2 and 02.3 are declarative specs (:mod:`._spec`: fresh cases per seed, each named mistake a
wrong implementation whose margin ``tools/margins.py`` measures). A check that forbids a
shortcut (``np.fft.rfftfreq`` in 02.1, ``helpers`` in 02.2, inverse FFTs in 02.3, the course's
peak pickers in 02.4) asks :mod:`._routes` whether the learner's own code names or calls it;
what a library calls inside itself never counts, so the verdicts do not depend on the
library's version.
"""

from __future__ import annotations

import zlib

import numpy as np
import scipy.signal

from ._core import Hint, array, call, close, correct, exercise, stop_wrong
from ._routes import Forbidden
from ._spec import FunctionExercise, Mistake, check

__all__ = ["check_frequency_axis", "check_channel_spectra", "check_mean_power_from_rfft",
           "check_peak_frequencies"]


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
        example="n = 6 samples at 600 Hz: rfft returns 6 // 2 + 1 = 4 bins, k = 0 ... 3, at k * 600 / 6 = 0, 100, 200, 300 Hz (the last is 600 / 2, because 6 is even).",
        mistake="used-rfftfreq"))
#: 02.2 writes what the course's spectrum helper does.
_NO_SPECTRUM_HELPER = Forbidden(("helpers",), hint=lambda used: Hint(
    f"your function uses {used[0]}, the course's own code: this exercise is to write what "
    "helpers.spectral.spectrum does, with NumPy.",
    "Three steps: multiply by the window, rfft, scale the magnitude.",
    mistake="used-helper"))
#: 02.3 finds the peaks itself (the course's spectrum is allowed, its peak pickers are not).
_NO_PEAK_HELPER = Forbidden(
    ("helpers.spectral.peak_frequencies", "helpers.spectral.peak_frequency"),
    hint=lambda used: Hint(
        f"your function uses {used[0]}, the course's peak picker: this exercise is to find the "
        "peaks yourself (rfft, rfftfreq, then the local maxima).",
        "scipy.signal.find_peaks finds local maxima; keep the n highest.",
        example="magnitudes [1, 3, 2, 5, 4]: the local maxima are at indices 1 and 3 (each higher than both neighbours); the two highest peaks are 3 then 1.",
        mistake="used-helper"))


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
        example="n = 6 samples at 600 Hz: rfft returns 6 // 2 + 1 = 4 bins, k = 0 ... 3, at k * 600 / 6 = 0, 100, 200, 300 Hz (the last is 600 / 2, because 6 is even).",
        mistake="linspace-full"),
    "fftfreq-full": Hint(
        "that is the axis of the full np.fft.fft (n values, with negative frequencies in the "
        "second half). rfft keeps only bins 0 .. n // 2.",
        "Keep the bins from 0 Hz up to the Nyquist frequency: n // 2 + 1 of them.",
        example="n = 6 samples at 600 Hz: rfft returns 6 // 2 + 1 = 4 bins, k = 0 ... 3, at k * 600 / 6 = 0, 100, 200, 300 Hz (the last is 600 / 2, because 6 is even).",
        mistake="fftfreq-full"),
    "all-bins": Hint(
        "one value per sample: that is all n bins of np.fft.fft. rfft returns n // 2 + 1 bins; "
        "the others mirror them (negative frequencies).",
        "Count the bins from 0 to n // 2 inclusive.", example="n = 6 samples at 600 Hz: rfft returns 6 // 2 + 1 = 4 bins, k = 0 ... 3, at k * 600 / 6 = 0, 100, 200, 300 Hz (the last is 600 / 2, because 6 is even).",
        mistake="all-bins"),
    "seed-axis": Hint(
        "that is the original tutorial's axis: linspace(0, sr, n) cut in half. Two mistakes: "
        "the spacing is sr / (n - 1) instead of sr / n, and the half drops the last bin.",
        "Bin k is at k * sr / n, for k = 0 .. n // 2 (n // 2 + 1 bins).",
        example="n = 6 samples at 600 Hz: rfft returns 6 // 2 + 1 = 4 bins, k = 0 ... 3, at k * 600 / 6 = 0, 100, 200, 300 Hz (the last is 600 / 2, because 6 is even).",
        mistake="seed-axis"),
    "dropped-nyquist": Hint(
        "one bin short: rfft returns n // 2 + 1 bins, up to and including bin n // 2 (the "
        "Nyquist frequency when n is even).",
        "range(n // 2) stops before n // 2; you need one more.", example="n = 6 samples at 600 Hz: rfft returns 6 // 2 + 1 = 4 bins, k = 0 ... 3, at k * 600 / 6 = 0, 100, 200, 300 Hz (the last is 600 / 2, because 6 is even).",
        mistake="dropped-nyquist"),
    "linspace-spacing": Hint(
        "the right number of bins, but spaced sr / (n - 1) apart (that is what "
        "np.linspace(0, sr, n) does); the DFT's bins are sr / n apart.",
        "Every value is too high by a factor n / (n - 1). Multiply bin numbers by sr / n.",
        example="n = 6 at 600 Hz: the bins are 100 Hz apart (0, 100, 200, 300); linspace(0, 600, 6) steps by 120 Hz.",
        mistake="linspace-spacing"),
    "linspace-half": Hint(
        "np.linspace(0, sr / 2, n // 2 + 1) is right only for even n. For odd n the last bin "
        "is below the Nyquist frequency sr / 2 (and the spacing is sr / n, not sr / (n - 1)).",
        "Use the definition, bin k at k * sr / n, which holds for every n.",
        example="n = 7 samples at 700 Hz: 7 // 2 + 1 = 4 bins at k * 700 / 7 = 0, 100, 200, 300 Hz; the last is below 350 Hz = sr / 2, because 7 is odd.",
        mistake="linspace-half"),
    "fftfreq-negative": Hint(
        "the last value is negative: np.fft.fftfreq labels bin n / 2 (even n) as -sr / 2, a "
        "negative frequency. rfft's last bin is +sr / 2.",
        "Bin k is at k * sr / n for every k = 0 .. n // 2.", example="n = 6 samples at 600 Hz: rfft returns 6 // 2 + 1 = 4 bins, k = 0 ... 3, at k * 600 / 6 = 0, 100, 200, 300 Hz (the last is 600 / 2, because 6 is even).",
        mistake="fftfreq-negative"),
    "cycles-per-sample": Hint(
        "these are cycles per sample (k / n), not hertz. Hertz are cycles per second.",
        "Multiply by the number of samples per second.",
        example="bin 2 of n = 8 makes 2 / 8 = 0.25 cycles per sample; at 800 samples per second that is 200 Hz.",
        mistake="cycles-per-sample"),
    "kilohertz": Hint(
        "these are kilohertz (Hz / 1000); the exercise asks for hertz.",
        "Keep the frequencies in Hz: do not divide by 1000.",
        example="bin 3 of n = 10 samples at 1000 Hz is at 300 Hz, which is 0.3 kHz.",
        mistake="kilohertz"),
    "bin-index": Hint(
        "these are bin numbers k, not frequencies in Hz.",
        "Bin k holds k cycles per n samples; n samples last n / sr seconds.",
        example="bin 3 of n = 10 samples at 1000 Hz: 3 cycles in 0.01 s = 300 Hz.",
        mistake="bin-index"),
    "integer-division": Hint(
        "sr // n is integer division: it throws away the fraction of the bin spacing.",
        "Use true division, /, for sr / n.",
        example="sr = 1000, n = 3: 1000 // 3 = 333 but the spacing is 333.33 Hz; bin 1 of 4097 samples at 11025 Hz is 2.69 Hz, and 11025 // 4097 = 2.",
        mistake="integer-division"),
    "wrong-length": Hint(
        "rfft of n samples returns n // 2 + 1 bins: give one frequency per bin.",
        "For n = 8 that is 5 bins (0 .. 4); for n = 9 also 5.", example="n = 7 samples at 700 Hz: 7 // 2 + 1 = 4 bins at k * 700 / 7 = 0, 100, 200, 300 Hz; the last is below 350 Hz = sr / 2, because 7 is odd.",
        mistake="wrong-length"),
    "formula": Hint(
        "the right number of bins, but not at the right frequencies: bin k holds k cycles per "
        "n samples.",
        "n samples last n / sr seconds, so k cycles in them is k * sr / n cycles per second.",
        example="n = 6 samples at 600 Hz: rfft returns 6 // 2 + 1 = 4 bins, k = 0 ... 3, at k * 600 / 6 = 0, 100, 200, 300 Hz (the last is 600 / 2, because 6 is even).",
        mistake="formula"),
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
                     ("cycles-per-sample", k / n), ("kilohertz", truth / 1000),
                     ("bin-index", k),
                     ("integer-division", k * (sr // n))):
        if close(a, ref):
            return _AXIS_HINTS[key]
    return _AXIS_HINTS["formula"]


# even first, then odd: linspace(0, sr/2, ...) passes the first and fails the second, by name
# odd lengths of both kinds: n = 4k + 1 and n = 4k + 3 (round(n / 2) rounds half to even, so
# it is one bin too many only for n = 4k + 3: 7, 11, 1003); the first case is not sr = 1000 * n
# (there, kHz would equal the bin numbers)
_AXIS_CASES = [(8, 16000), (9, 8000), (7, 7000), (1000, 22050), (1001, 44100), (2, 16000),
               (1003, 48000), (4097, 11025), (11, 44100)]


def _axis_cases(seeds: int = 3) -> list[tuple[int, int]]:
    """The fixed cases, then, per seed, one length of each residue mod 4 at a random rate."""
    out = list(_AXIS_CASES)
    for seed in range(seeds):
        rng = np.random.default_rng([seed, 21])
        for r in range(4):
            out.append((4 * int(rng.integers(3, 3000)) + r,
                        int(rng.choice([8000, 11025, 16000, 44100, 48000]))))
    return out


@exercise("02.1")
def check_frequency_axis(frequency_axis):
    """02_fft_spectrum, exercise 1: ``frequency_axis(n, sr)`` returns the frequencies (Hz) of
    the ``n // 2 + 1`` bins of ``np.fft.rfft`` for ``n`` samples at ``sr`` Hz, built from
    ``f_k = k * sr / n`` (not with ``np.fft.rfftfreq``, which the check compares against)."""
    answers, cases = [], _axis_cases()
    for n, sr in cases:
        out = call(frequency_axis, n, sr, forbid=_AXIS_FORBIDDEN)
        answers.append(array(out, what=f"the {n // 2 + 1} bin frequencies (Hz) for n={n}",
                             ndim=1))
    if all(close(a, answers[0]) for a in answers[1:]):
        stop_wrong(Hint(
            "your function returns the same array whatever n and sr are: the check calls it "
            "with several lengths and sample rates, so the axis must be computed from them.",
            "Bin k is at k * sr / n; how many bins does rfft return for n samples?",
            example="n = 6 samples at 600 Hz: rfft returns 6 // 2 + 1 = 4 bins, k = 0 ... 3, at k * 600 / 6 = 0, 100, 200, 300 Hz (the last is 600 / 2, because 6 is even).",
            mistake="hard-coded"))
    for (n, sr), a in zip(cases, answers, strict=True):
        hint = _diagnose_axis(a, n, sr)
        if hint is not None:
            stop_wrong(hint, f"(checked with n={n}, sr={sr})")
    return correct("Bin k sits at k · sr / n Hz; n // 2 + 1 bins, the last one at the Nyquist "
                   "frequency for even n and just below it for odd n: exactly "
                   "np.fft.rfftfreq(n, d=1/sr).")


# ----------------------------------------------------------------------------------------------
# 02.2 (apply) the amplitude spectrum of every channel of a (samples, channels) recording
# ----------------------------------------------------------------------------------------------
def _edge_scale(n: int) -> np.ndarray:
    """2 for every rfft bin that has a mirror image, 1 for DC and (even n) the Nyquist bin."""
    s = np.full(n // 2 + 1, 2.0)
    s[0] = 1.0
    if n % 2 == 0:
        s[-1] = 1.0
    return s


def _channel_spectra(data, window):
    """The answer key: one amplitude spectrum per channel, shape (channels, n // 2 + 1)."""
    x = np.asarray(data, dtype=np.float64).T * np.asarray(window, dtype=np.float64)
    n = x.shape[-1]
    return np.abs(np.fft.rfft(x, axis=-1)) * _edge_scale(n) / np.sum(window)


def _windowed(rng, kind, n):
    if kind == "hann":
        return scipy.signal.get_window("hann", n)
    if kind == "blackman":
        return scipy.signal.get_window("blackman", n)
    if kind == "kaiser":
        return scipy.signal.windows.kaiser(n, float(rng.uniform(5, 9)))
    return np.ones(n)


def _recording(rng, n, channels, *, dc=True, nyquist=False):
    t = np.arange(n)
    cols = []
    for _ in range(channels):
        x = np.zeros(n)
        for _ in range(int(rng.integers(1, 4))):
            k = rng.uniform(3, n / 2 - 3)  # a tone anywhere between bins, in bins
            x += rng.uniform(0.1, 0.8) * np.cos(2 * np.pi * k * t / n + rng.uniform(0, 6.3))
        if dc:
            x += rng.uniform(0.05, 0.3) * rng.choice([-1, 1])
        if nyquist:  # even n: at sr / 2; odd n: on the last bin, just below sr / 2
            x += rng.uniform(0.1, 0.3) * np.cos(2 * np.pi * (n // 2) * t / n)
        cols.append(x)
    return np.stack(cols, axis=1)  # (samples, channels), as soundfile returns it


def _spectra_cases(rng):
    n1 = 2 * int(rng.integers(400, 900))  # even
    n2 = 2 * int(rng.integers(300, 700)) + 1  # odd
    n3 = 2 * int(rng.integers(200, 500))
    n4 = 2 * int(rng.integers(250, 600)) + 1
    return [
        dict(data=_recording(rng, n1, 2), window=_windowed(rng, "hann", n1)),
        dict(data=_recording(rng, n2, 3, nyquist=True), window=_windowed(rng, "blackman", n2)),
        dict(data=_recording(rng, n3, 2, nyquist=True), window=_windowed(rng, "boxcar", n3)),
        dict(data=_recording(rng, n4, 1), window=_windowed(rng, "kaiser", n4)),
    ]


def _raw(data, window):
    x = np.asarray(data, dtype=np.float64).T * np.asarray(window, dtype=np.float64)
    return np.fft.rfft(x, axis=-1)


_EX2_MISTAKES = [
    Mistake("used-helper", None, Hint(
        "your function uses {used}, the course's own code: this exercise is to write the "
        "steps yourself with NumPy.",
        example="for one channel y and a window w: X = np.fft.rfft(w * y), then the "
                "magnitude and its scale."), uses=True),
    Mistake("wrong-axis", lambda data, window: np.abs(np.fft.rfft(
        np.asarray(data) * np.asarray(window)[:, None], axis=-1)) * 2 / np.sum(window), Hint(
        "your FFT ran along the channel axis: np.fft.rfft works along the LAST axis, and a "
        "(samples, channels) array has the channels there, so each 'spectrum' mixed 2 or 3 "
        "numbers from one instant.",
        "Transpose to (channels, samples) first, or pass axis=0.",
        example="for a (1000, 2) array, np.fft.rfft(a, axis=0) has shape (501, 2): one "
                "spectrum per column.")),
    Mistake("not-transposed", lambda data, window: _channel_spectra(data, window).T, Hint(
        "the spectra are right but laid out (bins, channels); the function should return "
        "one ROW per channel, (channels, bins).",
        example="an array of shape (501, 2) becomes (2, 501) with .T.")),
    Mistake("gain-n", lambda data, window: np.abs(_raw(data, window))
            * _edge_scale(len(window)) / len(window), Hint(
        "you scaled by 2 / N: that is the gain of NO window. A window scales the sum down to "
        "sum(w) (about N / 2 for Hann), so divide by sum(window).",
        example="with a Hann window of 1000 samples, sum(w) = 500: a 0.4 tone on a bin reads "
                "0.4 * 500 / 1000 = 0.2 after 2 / N scaling.")),
    Mistake("edges-doubled", lambda data, window: np.abs(_raw(data, window)) * 2
            / np.sum(window), Hint(
        "you doubled every bin, DC included. The factor 2 adds back a bin's mirror image "
        "(its negative frequency); bin 0 (DC) and, for an even length, the Nyquist bin have "
        "no mirror image, so they get 1 / sum(w).",
        example="a constant 0.1 has |X[0]| = 0.1 * sum(w): it reads 0.1 with 1 / sum(w), "
                "0.2 with 2 / sum(w).")),
    Mistake("nyquist-doubled", lambda data, window: np.abs(_raw(data, window))
            * np.r_[1.0, np.full(len(window) // 2, 2.0)] / np.sum(window), Hint(
        "DC is right, but for an even length the last bin is the Nyquist frequency, which "
        "has no mirror image either: it gets 1 / sum(w), like DC (for an odd length the last "
        "bin is below sr / 2 and does get 2).",
        example="N = 8: bins 0 and 4 get 1 / sum(w); bins 1, 2, 3 get 2 / sum(w).")),
    Mistake("odd-nyquist", lambda data, window: np.abs(_raw(data, window))
            * np.r_[1.0, np.full(len(window) // 2 - 1, 2.0), 1.0] / np.sum(window), Hint(
        "you gave the last bin 1 / sum(w) for every length. Only an EVEN length has a bin "
        "exactly at the Nyquist frequency; for an odd length there is no Nyquist bin: the "
        "last bin is below sr / 2, has a mirror image like the others, and gets 2 / sum(w).",
        example="N = 7: rfft bins 0 ... 3; bin 3 is at 3/7 of sr, below sr / 2, and mirrors "
                "bin 4 of the full FFT: weights [1, 2, 2, 2] / sum(w).")),
    Mistake("hann-gain", lambda data, window: np.abs(_raw(data, window))
            * _edge_scale(len(window)) / (len(window) / 2), Hint(
        "you divided by N / 2, the sum of a Hann window. That is right for Hann only; the "
        "check passes Blackman, Kaiser and rectangular windows too, each with its own sum.",
        "Divide by the sum of the window you were given.",
        example="N = 1000: a rectangular window sums to 1000, a Blackman window to about "
                "420, a Hann window to 500.")),
    Mistake("no-window", lambda data, window: np.abs(np.fft.rfft(
        np.asarray(data, dtype=np.float64).T, axis=-1)) * _edge_scale(len(window))
        / len(window), Hint(
        "your spectra ignore the window argument: multiply each channel by it before the FFT.",
        example="for a (2, 1000) array a and a window w of 1000 values, a * w multiplies "
                "both rows by w.")),
    Mistake("own-window", lambda data, window: _channel_spectra(
        data, scipy.signal.get_window("hann", len(window))), Hint(
        "your spectra use a Hann window of their own, not the window argument: the check "
        "passes Blackman, Kaiser and rectangular windows too, and each has its own gain, "
        "sum(window).",
        example="with window = np.ones(n) (no taper) a tone on a bin reads "
                "|X| * 2 / n; with Hann, |X| * 2 / (n / 2).")),
    Mistake("raw", lambda data, window: np.abs(_raw(data, window)), Hint(
        "these are raw |X| values (amplitude x samples): scale them so a tone on a bin reads "
        "its amplitude.", example="a 0.5 tone on a bin of 1000 samples, no window: raw 250, "
                                  "scaled by 2 / 1000: 0.5.")),
    Mistake("power", lambda data, window: _channel_spectra(data, window) ** 2, Hint(
        "those are squared (power); the exercise asks for amplitudes (magnitudes).",
        example="a 0.5 tone reads 0.5 as a magnitude, 0.25 as a power.")),
]


EX_2 = FunctionExercise(
    "02.2", _channel_spectra, _spectra_cases, name="channel_spectra",
    mistakes=_EX2_MISTAKES, rtol=1e-5, atol=1e-6, seeds=3, forbid=("helpers",),
    fallback=Hint("one spectrum per channel: (channels, samples), times the window, rfft along "
                  "time, |.|, then 2 / sum(w) (1 / sum(w) for DC and an even length's last "
                  "bin).",
                  "Check the shape first: (channels, n // 2 + 1).",
                  example="a (6, 1) recording with window w: X = np.fft.rfft(data[:, 0] * w) "
                          "has 4 bins; scaled by [1, 2, 2, 1] / sum(w)."),
    success="rfft along time, one row per channel, 2 / sum(w) with DC (and an even length's "
            "Nyquist bin) at 1 / sum(w): any window, any number of channels.")


def check_channel_spectra(channel_spectra):
    """02.2: ``channel_spectra(data, window)`` -> (channels, n // 2 + 1) amplitude spectra of a
    (samples, channels) recording, on 1-3 channels, odd and even lengths, four windows."""
    return check(EX_2, channel_spectra)


check_channel_spectra.exercise_id = EX_2.id


# ----------------------------------------------------------------------------------------------
# 02.3 (apply) the mean power of a signal from its rfft alone (Parseval, half spectrum)
# ----------------------------------------------------------------------------------------------
def _mean_power_from_rfft(X, n):
    """The answer key: mean(x**2) from the n // 2 + 1 bins of rfft(x)."""
    P = np.abs(np.asarray(X, dtype=np.complex128)) ** 2
    return float(np.sum(_edge_scale(n) * P) / n**2)


def _power_cases(rng):
    out = []
    for n, kind in ((2 * int(rng.integers(100, 400)), "edges"),
                    (2 * int(rng.integers(100, 400)) + 1, "edges"),
                    (2 * int(rng.integers(200, 600)), "noise32"),
                    (2 * int(rng.integers(50, 200)) + 1, "tone")):
        t = np.arange(n)
        if kind == "edges":  # strong DC and (even n) Nyquist; for odd n, the last bin is loud
            x = rng.uniform(0.3, 0.6) + 0.2 * rng.standard_normal(n)
            x += rng.uniform(0.4, 0.7) * np.cos(2 * np.pi * (n // 2) * t / n)
            X = np.fft.rfft(x)
        elif kind == "noise32":
            x = (0.3 * rng.standard_normal(n)).astype(np.float32)
            X = np.fft.rfft(x).astype(np.complex64)
        else:
            k = int(rng.integers(3, n // 2 - 3))
            X = np.fft.rfft(rng.uniform(0.2, 0.9) * np.cos(2 * np.pi * k * t / n + 0.4)
                            + rng.uniform(0.05, 0.2))
        out.append(dict(X=X, n=n))
    return out


def _bins_power(X):
    return np.abs(np.asarray(X, dtype=np.complex128)) ** 2


_INVERSE = ("numpy.fft.irfft", "numpy.fft.ifft", "numpy.fft.irfftn", "numpy.fft.ifftn",
            "numpy.fft.hfft", "numpy.fft.irfft2", "numpy.fft.ifft2", "scipy.fft", "scipy.fftpack",
            "scipy.signal.istft", "librosa.istft", "helpers")

_EX3_MISTAKES = [
    Mistake("used-inverse", None, Hint(
        "your function uses {used}: going back to the samples and taking mean(x**2) is not "
        "the exercise. The point is to read the power off the bins (Parseval, section 4).",
        "Parseval for the full FFT: sum(x**2) = sum(|X[k]|**2) / N over all N bins. Which "
        "of those N bins does rfft keep, and which does it leave out?",
        example="N = 4: fft has bins 0, 1, 2, 3 with |X[3]| = |X[1]|; rfft keeps 0, 1, 2, "
                "so the full sum is |X0|² + 2|X1|² + |X2|²."), uses=True),
    Mistake("no-mirror", lambda X, n: float(np.sum(_bins_power(X)) / n**2), Hint(
        "you summed only the bins rfft returns: the negative-frequency half (the mirror "
        "images, section 2) is missing, so every bin but DC (and an even length's Nyquist "
        "bin) counts once instead of twice, and the result is too small (how much depends "
        "on how much power sits at DC).",
        "Every rfft bin except DC (and, for an even length, the Nyquist bin) stands for two "
        "bins of the full FFT.",
        example="N = 6: rfft bins 0 ... 3; bins 1 and 2 count twice, 0 and 3 once.")),
    Mistake("edges-doubled", lambda X, n: float(2 * np.sum(_bins_power(X)) / n**2), Hint(
        "you doubled every bin, DC included: bin 0 has no mirror image, and for an even "
        "length neither has the Nyquist bin. The check's signals have a DC offset and "
        "energy at the top bin, so it shows.",
        example="N = 6: weights [1, 2, 2, 1] for rfft bins 0 ... 3; N = 7: [1, 2, 2, 2].")),
    Mistake("dc-doubled", lambda X, n: float(np.sum(
        np.r_[2.0, _edge_scale(n)[1:]] * _bins_power(X)) / n**2), Hint(
        "you counted DC twice. Bin 0 is its own mirror image (0 Hz = -0 Hz): the full FFT "
        "has it once, so it counts once.",
        example="x = [1, 1, 1, 1]: rfft = [4, 0, 0]; 4² / 4 = 4 = sum(x**2), not 2 * 16 / 4 "
                "= 8.")),
    Mistake("odd-nyquist", lambda X, n: float(np.sum(
        np.r_[1.0, np.full(len(X) - 2, 2.0), 1.0] * _bins_power(X)) / n**2), Hint(
        "you counted the last bin once for every length. Only an EVEN length has a bin "
        "exactly at the Nyquist frequency; for an odd length the last bin is below sr / 2 "
        "and has a mirror image like the others.",
        example="N = 7: rfft bins 0 ... 3, full FFT bins 0 ... 6; bin 3 mirrors bin 4, so "
                "it counts twice.")),
    Mistake("nyquist-doubled", lambda X, n: float(np.sum(
        np.r_[1.0, np.full(len(X) - 1, 2.0)] * _bins_power(X)) / n**2), Hint(
        "DC is right, but for an even length the last bin IS the Nyquist frequency: the full "
        "FFT has it once, so it counts once.",
        example="N = 8: rfft bins 0 ... 4; bins 0 and 4 count once, 1 ... 3 twice.")),
    Mistake("energy", lambda X, n: n * _mean_power_from_rfft(X, n), Hint(
        "that is the energy, sum(x**2), N times the mean power: divide by N once more.",
        example="x = [1, -1, 1, -1]: energy 4, mean power 1.")),
    Mistake("rms", lambda X, n: float(np.sqrt(_mean_power_from_rfft(X, n))), Hint(
        "that is the RMS, the square root of the mean power; the exercise asks for the "
        "mean power itself, mean(x**2).",
        example="x = [2, -2, 2, -2]: mean power 4, RMS 2.")),
]


EX_3 = FunctionExercise(
    "02.3", _mean_power_from_rfft, _power_cases, name="mean_power_from_rfft", output="number",
    mistakes=_EX3_MISTAKES, rtol=1e-5, atol=1e-12, seeds=3, forbid=_INVERSE,
    fallback=Hint("Parseval (section 4): sum(x**2) = sum over ALL N bins of |X[k]|**2 / N; "
                  "rfft keeps bins 0 ... N // 2, and the others mirror them.",
                  "Then mean power = energy / N.",
                  example="x = [1, 1, 1, 1] (N = 4): rfft = [4, 0, 0]; bin 0 counts once: "
                          "16 / 4 = 4 = sum(x**2); / 4 = 1 = mean(x**2)."),
    success="|X[k]|² counted twice for every bin with a mirror image, once for DC and an even "
            "length's Nyquist bin, over N²: mean(x²) without going back to the samples.")


def check_mean_power_from_rfft(mean_power_from_rfft):
    """02.3: ``mean_power_from_rfft(X, n)`` -> ``mean(x**2)`` of the ``n`` samples whose
    ``np.fft.rfft`` is ``X``; odd and even ``n``, DC and Nyquist content, complex64 input."""
    return check(EX_3, mean_power_from_rfft)


check_mean_power_from_rfft.exercise_id = EX_3.id


# ----------------------------------------------------------------------------------------------
# 02.4 (stretch) peak frequencies of unseen chords
# ----------------------------------------------------------------------------------------------
SHIPPED_CHORD = (261.63, 329.63, 392.00)  # the notes of the clip the notebook shows


def _chord(sr: int, seconds: float, notes, hum: float = 0.0) -> np.ndarray:
    """The notes, plus (``hum`` > 0) a mains hum at ``hum`` Hz below every note, at 0.4 x the
    quietest note's amplitude, and a little noise: the n STRONGEST peaks are the notes, the
    n lowest-frequency ones are not."""
    t = np.arange(int(round(sr * seconds))) / sr
    y = sum(a * np.sin(2 * np.pi * f * t + ph) for f, a, ph in notes)
    if hum:
        quiet = min(a for _, a, _ in notes)
        y = y + 0.4 * quiet * np.sin(2 * np.pi * hum * t + 0.5)
        y = y + 1e-3 * np.random.default_rng(int(sr * seconds)).standard_normal(t.size)
    return y


def _make_chords(seed: int = 0) -> list:
    """The check's chords, drawn from a generator seeded by the exercise id (the same chords on
    every run, none of them the notebook's): three of 2-4 notes at other sample rates and
    lengths (1-1.5 s, so bins are at most 1 Hz apart), notes 150-1000 Hz at least 30 Hz apart
    with amplitudes 0.2-0.8, then one with a quiet note (0.03) 5 Hz above a loud one (0.8),
    1 s long, every note between two bins (found only with a window). Every chord has a mains
    hum (50 or 60 Hz) below its notes and a little noise: "strongest" must mean the highest
    peaks, not the first ones along the axis. Items: (sr, seconds, [(Hz, amplitude, phase)],
    n, hum)."""
    rng = np.random.default_rng([seed, zlib.crc32(b"02.4")])
    chords = []
    for sr, n in zip(rng.permutation([16000, 22050, 44100]), rng.permutation([2, 3, 4]),
                     strict=True):
        while True:
            freqs = np.sort(np.round(rng.uniform(150.0, 1000.0, size=n), 2))
            if np.all(np.diff(freqs) >= 30.0) and not (
                    n == 3 and np.allclose(freqs, SHIPPED_CHORD, atol=5.0)):
                break
        notes = [(float(f), float(np.round(rng.uniform(0.2, 0.8), 2)),
                  float(np.round(rng.uniform(0, 2 * np.pi), 2))) for f in freqs]
        chords.append((int(sr), float(np.round(rng.uniform(1.0, 1.5), 1)), notes, int(n),
                       float(rng.choice([50.0, 60.0]))))
    loud = float(np.floor(rng.uniform(250.0, 700.0))) + 0.5
    third = loud + float(np.floor(rng.uniform(80.0, 250.0)))
    chords.append((int(rng.choice([16000, 22050])), 1.0,
                   [(loud, 0.8, 0.0), (loud + 5.0, 0.03, float(np.round(rng.uniform(0, 6), 2))),
                    (third, 0.5, 2.0)], 3, float(rng.choice([50.0, 60.0]))))
    return chords


_CHORDS = _make_chords()
# The quiet note (0.03, 5 Hz = 5 bins above the 0.8 one) stands above the Hann window's highest
# side lobe (-31 dB: 0.8 * 0.027 = 0.021), so a Hann spectrum shows it as a peak even when
# zero-padding samples every side lobe; without a window the loud note's leakage buries it.
PEAK_TOLERANCE_HZ = 1.0


def _same(x, y, atol: float = 1e-8) -> bool:
    """Same shape and equal within ``atol`` (and np.allclose's default relative tolerance)."""
    return x.shape == y.shape and np.allclose(x, y, atol=atol)


@exercise("02.4")
def check_peak_frequencies(peak_frequencies):
    """02_fft_spectrum, exercise 4: ``peak_frequencies(y, sr, n)`` returns the frequencies (Hz)
    of the ``n`` strongest peaks of the spectrum of ``y`` (any order), each within 1 Hz. It runs
    on chords the learner has not seen (2-4 notes, 1-1.5 s, other sample rates), one with a
    quiet note 5 Hz from a loud one; ``helpers.spectral`` peak pickers are not allowed."""
    answers, truths = [], []  # truths: the notes of the chords checked so far
    for sr, seconds, notes, n, hum in _CHORDS:
        y = _chord(sr, seconds, notes, hum)
        truth = np.array(sorted(f for f, _, _ in notes))
        out = call(peak_frequencies, y.copy(), sr, n, forbid=_NO_PEAK_HELPER)
        a = np.sort(array(out, what=f"{n} frequencies in Hz").ravel())
        where = (f"(checked on a {n}-note chord at sr={sr} Hz, {seconds} s: notes "
                 + ", ".join(f"{f:g} Hz (amplitude {a:g})" for f, a, _ in notes)
                 + f", with a {hum:g} Hz hum at {0.4 * min(a for _, a, _ in notes):.3g} "
                 "and a little noise)")
        answers.append(a)
        if a.size == len(SHIPPED_CHORD) and np.allclose(a, SHIPPED_CHORD, atol=1.0) \
                and not (truth.size == a.size and np.allclose(truth, SHIPPED_CHORD, atol=1.0)):
            stop_wrong(Hint(
                "those are the notes of the notebook's chord clip, whatever the input: the check "
                "runs your function on other chords. Compute the answer from y.",
                "Spectrum of y, its frequency axis, then the highest local maxima.",
                mistake="hard-coded"), where)
        # the previous answer again, or the notes of an earlier chord (not also this one's)
        if (len(answers) > 1 and _same(answers[-1], answers[-2])) or any(
                _same(a, e, PEAK_TOLERANCE_HZ) and not _same(a, truth, PEAK_TOLERANCE_HZ)
                for e in truths):
            stop_wrong(Hint(
                "your function returns the same frequencies for two different chords: the "
                "answer must come from y.", mistake="hard-coded"), where)
        truths.append(truth)
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
        if np.any(np.diff(a) < 0.01 * step):
            stop_wrong(Hint(
                "the same frequency twice: the full np.fft.fft has every tone twice, at +f and "
                "-f (the mirror images), and taking abs of fftfreq's negative frequencies "
                "turns the mirror back into f.",
                "Use the half spectrum np.fft.rfft, whose bins run from 0 Hz up to sr / 2 "
                "only, with its own frequency axis.",
                example="a 100 Hz tone at 1000 Hz, n = 10: fft has peaks in bins 1 and 9 "
                        "(+100 Hz and -100 Hz); rfft has bins 0 ... 5 and one peak, bin 1.",
                mistake="mirror-images"), where)
        low = a[err > PEAK_TOLERANCE_HZ]
        if low.size and np.all(low < truth.min() - PEAK_TOLERANCE_HZ):
            stop_wrong(Hint(
                "some of your frequencies lie below every note: the check's chords have a weak "
                "mains hum and a little noise down there. Those are peaks, but not the "
                "STRONGEST ones: the first n peaks along the frequency axis are not the n "
                "highest.",
                "Rank the peaks by their height (the spectrum's value at each peak), then "
                "keep the n highest.",
                example="peak heights [0.2, 9, 0.5, 7] at 50, 200, 230, 300 Hz: the two "
                        "strongest are 200 and 300 Hz, not the first two, 50 and 200 Hz.",
                mistake="not-strongest"), where)
        if np.any(np.diff(a) < 1.25 * step):
            stop_wrong(Hint(
                "two of your frequencies are neighbouring bins of the same peak: the n largest "
                "values of a spectrum are not n peaks.",
                "A peak is a local maximum: higher than both neighbours "
                "(scipy.signal.find_peaks). Keep the n highest of those.",
                example="magnitudes [1, 3, 2, 5, 4]: the two largest VALUES are 5 and 4, neighbours on one peak; the two highest PEAKS (local maxima) are 5 and 3.",
                mistake="neighbour-bins"), where)
        loud = max(notes, key=lambda x: x[1])[0]
        stray = a[err > PEAK_TOLERANCE_HZ]
        if stray.size and np.all(np.abs(stray - loud) < 40 * step):
            stop_wrong(Hint(
                "one of your peaks is spectral leakage around the loudest note, not a note: "
                "without a window a loud tone's leakage hides a quiet one nearby.",
                "Multiply y by a Hann window before the FFT.",
                example="section 5: a 0.5 tone between bins, no window, still leaks about -40 dB re max 1 kHz away; with Hann the leakage there is far below -100 dB.",
                mistake="leakage"),
                where)
        stop_wrong(Hint(
            f"not all {n} notes found within {PEAK_TOLERANCE_HZ:g} Hz: look at the spectrum "
            "and compare your peaks with it.",
            "Use the whole signal (bins sr / len(y) apart), a Hann window, and local maxima.",
            mistake="off"), where)
    return correct("Window, rfft, rfftfreq, local maxima, the n highest: it works on chords it "
                   "has never seen, including a quiet note next to a loud one.")
