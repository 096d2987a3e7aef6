"""helpers.spectral: facts checked against numpy/scipy, with stated tolerances."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.signal

import helpers
from helpers import spectral

SR = 22050


# --- the frequency axis -----------------------------------------------------------------------
@pytest.mark.parametrize("n", [2, 3, 1024, 1025, 44100, 4001])
def test_axis_is_exactly_rfftfreq_for_even_and_odd_n(n):
    y = np.random.default_rng(n).standard_normal(n).astype(np.float32)
    freqs, mag = spectral.spectrum(y, SR)
    np.testing.assert_array_equal(freqs, np.fft.rfftfreq(n, d=1 / SR))
    assert mag.shape == (n // 2 + 1,)
    # bin k at k*sr/n, independent formula; last bin is Nyquist only for even n
    np.testing.assert_allclose(freqs, np.arange(n // 2 + 1) * SR / n, rtol=1e-12)
    assert (freqs[-1] == SR / 2) == (n % 2 == 0)


def test_n_fft_analyses_the_first_samples():
    y = np.random.default_rng(1).standard_normal(5000)
    freqs, mag = spectral.spectrum(y, SR, n_fft=1000, window="rectangular", normalize=False)
    np.testing.assert_array_equal(freqs, np.fft.rfftfreq(1000, d=1 / SR))
    np.testing.assert_allclose(mag, np.abs(np.fft.rfft(y[:1000])), rtol=1e-12)


def test_linspace_axis_error_is_f_over_n_minus_1():
    n = 44100
    wrong = spectral.linspace_axis(SR, n)
    right = np.fft.fftfreq(n, d=1 / SR)[: n // 2]
    k = np.arange(n // 2)
    np.testing.assert_allclose(wrong[: n // 2] - right, right / (n - 1), rtol=1e-9, atol=1e-9)
    assert abs((wrong[880] - right[880]) - 440 / (n - 1)) < 1e-9  # bin 880 = 440 Hz at N=44100
    assert np.all(wrong[k[1:]] > right[k[1:]])


# --- peaks ---------------------------------------------------------------------------------------
def test_shipped_tone_peaks_at_440_hz():
    y, sr = helpers.load("tone", sr=None)
    freqs, mag = spectral.spectrum(y, sr)
    # bin spacing sr/N = 0.5 Hz and 440 Hz is on a bin centre: the largest bin must be 440.0
    assert spectral.peak_frequency(freqs, mag) == pytest.approx(440.0, abs=1e-9)
    assert spectral.peak_frequency(freqs, mag, interpolate=True) == pytest.approx(440.0, abs=0.01)


@pytest.mark.parametrize("window, tol_bins", [("hann", 0.05), ("blackman", 0.05)])
@pytest.mark.parametrize("f0", [437.3, 440.0, 445.77, 1001.1, 5000.5])
def test_interpolated_peak_of_a_tone_between_bins(f0, window, tol_bins):
    n = 1024  # bin spacing 21.5 Hz: these tones fall anywhere between bins
    y = spectral.tone(f0, sr=SR, duration=n / SR)
    freqs, mag = spectral.spectrum(y, SR, window=window)
    step = SR / n
    plain = spectral.peak_frequency(freqs, mag)
    fine = spectral.peak_frequency(freqs, mag, interpolate=True)
    assert abs(plain - f0) <= step / 2 + 1e-9  # no interpolation: within half a bin
    assert abs(fine - f0) < tol_bins * step  # quadratic interpolation on log magnitude


def test_peak_frequencies_of_the_shipped_chord():
    y, sr = helpers.load("chord", sr=None)
    freqs, mag = spectral.spectrum(y, sr)
    found = spectral.peak_frequencies(freqs, mag, n=3)
    np.testing.assert_allclose(found, [261.63, 329.63, 392.00], atol=0.1)  # make_data.py formula


def test_peak_frequency_range_and_power_agree():
    y = spectral.tone(300, duration=0.5) + spectral.tone(2000, duration=0.5, amplitude=0.1)
    freqs, mag = spectral.spectrum(y, SR)
    _, power = spectral.spectrum(y, SR, scaling="power")
    assert spectral.peak_frequency(freqs, mag) == pytest.approx(300, abs=1.0)
    assert spectral.peak_frequency(freqs, mag, fmin=1000) == pytest.approx(2000, abs=1.0)
    assert spectral.peak_frequency(freqs, mag, interpolate=True) == pytest.approx(
        spectral.peak_frequency(freqs, power, interpolate=True), abs=1e-9)


# --- DFT -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [1, 2, 7, 64, 1000])
def test_dft_equals_numpy_fft(n):
    x = np.random.default_rng(n).standard_normal(n)
    # rtol 1e-10, atol 1e-9 * N: float64 rounding of N-term sums, far below any visible difference
    np.testing.assert_allclose(spectral.dft(x), np.fft.fft(x), rtol=1e-10, atol=1e-9 * n)


@pytest.mark.parametrize("n", [1, 2, 7, 64, 1000])
def test_dft_matrix_times_x_equals_numpy_fft(n):
    x = np.random.default_rng(n).standard_normal(n)
    W = spectral.dft_matrix(n)
    assert W.shape == (n, n) and W.dtype == np.complex128
    np.testing.assert_allclose(W @ x, np.fft.fft(x), rtol=1e-10, atol=1e-9 * n)
    # row k is the basis at bin k: k cycles of cos - i sin in n samples
    k, m = min(3, n - 1), np.arange(n)
    basis = np.cos(2 * np.pi * k * m / n) - 1j * np.sin(2 * np.pi * k * m / n)
    np.testing.assert_allclose(W[k], basis, atol=1e-12)


def test_dft_of_real_signal_is_conjugate_symmetric():
    x = np.random.default_rng(3).standard_normal(50)
    X = spectral.dft(x)
    np.testing.assert_allclose(X[1:], np.conj(X[1:][::-1]), atol=1e-9)


# --- scaling -------------------------------------------------------------------------------------
@pytest.mark.parametrize("window", ["hann", "blackman", "rectangular"])
@pytest.mark.parametrize("n", [2048, 2049])
def test_power_is_magnitude_squared(window, n):
    y = np.random.default_rng(n).standard_normal(n)
    for normalize in (True, False):
        _, mag = spectral.spectrum(y, SR, window=window, normalize=normalize)
        _, power = spectral.spectrum(y, SR, window=window, normalize=normalize, scaling="power")
        np.testing.assert_allclose(power, mag**2, rtol=1e-12)


@pytest.mark.parametrize("window", ["hann", "blackman", "rectangular", ("kaiser", 8.0)])
@pytest.mark.parametrize("amp", [0.5, 0.1])
def test_bin_centred_sine_reads_its_amplitude(window, amp):
    n = 4096
    k = 200  # f = k * sr / n lies exactly on bin k
    y = spectral.tone(k * SR / n, sr=SR, duration=n / SR, amplitude=amp, phase=0.3)
    freqs, mag = spectral.spectrum(y, SR, window=window)
    _, power = spectral.spectrum(y, SR, window=window, scaling="power")
    # float32 samples: relative error ~1e-7; allow 1e-5
    assert mag[k] == pytest.approx(amp, rel=1e-5)
    assert power[k] == pytest.approx(amp**2, rel=2e-5)
    assert np.argmax(mag) == k


def test_dc_and_nyquist_are_not_doubled():
    n = 64
    y = 0.25 + 0.1 * np.cos(np.pi * np.arange(n))  # 0.25 at 0 Hz, 0.1 at Nyquist (cos, not sin)
    _, mag = spectral.spectrum(y, SR, window="rectangular")
    assert mag[0] == pytest.approx(0.25, rel=1e-12)
    assert mag[-1] == pytest.approx(0.1, rel=1e-12)


@pytest.mark.parametrize("window", ["hann", "rectangular", "blackman"])
@pytest.mark.parametrize("n", [2048, 2047])
def test_power_agrees_with_scipy_periodogram(window, n):
    """Independent implementation: scipy's periodogram with scaling='spectrum' (one-sided)
    reports |X|^2 / sum(w)^2, doubled except at DC and Nyquist, i.e. the mean power A^2/2 of a
    sine. Our power is amplitude^2 = A^2, so interior bins are twice scipy's."""
    y = np.random.default_rng(7).standard_normal(n)
    freqs, power = spectral.spectrum(y, SR, window=window, scaling="power")
    f_sp, p_sp = scipy.signal.periodogram(y, fs=SR, window=window, scaling="spectrum",
                                          detrend=False, return_onesided=True)
    np.testing.assert_allclose(freqs, f_sp, rtol=1e-12)
    interior = slice(1, (n + 1) // 2)
    np.testing.assert_allclose(power[interior], 2 * p_sp[interior], rtol=1e-9)
    np.testing.assert_allclose(power[0], p_sp[0], rtol=1e-9)
    if n % 2 == 0:
        np.testing.assert_allclose(power[-1], p_sp[-1], rtol=1e-9)


def test_unnormalised_magnitude_is_numpy_rfft_of_windowed_signal():
    y = np.random.default_rng(2).standard_normal(1000)
    w = scipy.signal.windows.hann(1000, sym=False)
    _, mag = spectral.spectrum(y, SR, normalize=False)
    np.testing.assert_allclose(mag, np.abs(np.fft.rfft(w * y)), rtol=1e-10)
    _, mag2 = spectral.spectrum(y, SR, window=w, normalize=False)
    np.testing.assert_allclose(mag2, mag, rtol=1e-12)


def test_tone_formula_and_length():
    y = spectral.tone(440, sr=8000, duration=0.5, amplitude=0.3, phase=0.1)
    t = np.arange(4000) / 8000
    assert y.dtype == np.float32 and y.shape == (4000,)
    np.testing.assert_allclose(y, 0.3 * np.sin(2 * np.pi * 440 * t + 0.1), atol=1e-7)


# --- bad inputs ----------------------------------------------------------------------------------
GOOD = np.random.default_rng(0).standard_normal(1024).astype(np.float32)
F, M = spectral.spectrum(GOOD, SR)

BAD_CALLS = [
    # (function, args, kwargs, exception, words the message must contain)
    (spectral.spectrum, (np.array([], dtype=np.float32), SR), {}, ValueError, "empty"),
    (spectral.spectrum, (np.zeros(1, np.float32), SR), {}, ValueError, "n_fft"),
    (spectral.spectrum, (np.array([0.1, np.nan, 0.2]), SR), {}, ValueError, "NaN"),
    (spectral.spectrum, (np.array([0.1, np.inf, 0.2]), SR), {}, ValueError, "infinite"),
    (spectral.spectrum, (np.arange(100, dtype=np.int16), SR), {}, TypeError, "32768"),
    (spectral.spectrum, (np.zeros((2, 100), np.float32), SR), {}, ValueError, "mono"),
    (spectral.spectrum, (np.zeros(100, complex), SR), {}, TypeError, "complex"),
    (spectral.spectrum, ("blues", SR), {}, TypeError, "load"),
    (spectral.spectrum, (GOOD, 0), {}, ValueError, "> 0"),
    (spectral.spectrum, (GOOD, -22050), {}, ValueError, "> 0"),
    (spectral.spectrum, (GOOD, "22050"), {}, TypeError, "samples per second"),
    (spectral.spectrum, (GOOD, SR), {"n_fft": 4096}, ValueError, "longer than the signal"),
    (spectral.spectrum, (GOOD, SR), {"n_fft": 0}, ValueError, "n_fft"),
    (spectral.spectrum, (GOOD, SR), {"n_fft": 100.5}, TypeError, "whole number"),
    (spectral.spectrum, (GOOD, SR), {"window": "hanning-ish"}, ValueError, "unknown window"),
    (spectral.spectrum, (GOOD, SR), {"window": None}, ValueError, "rectangular"),
    (spectral.spectrum, (GOOD, SR), {"window": np.ones(10)}, ValueError, "n_fft"),
    (spectral.spectrum, (GOOD, SR), {"scaling": "db"}, ValueError, "power"),
    (spectral.spectrum, (GOOD, SR), {"normalize": "yes"}, TypeError, "True or False"),
    (spectral.dft, (np.zeros(spectral.DFT_MAX_N + 1),), {}, ValueError, "np.fft.fft"),
    (spectral.dft, (np.array([]),), {}, ValueError, "empty"),
    (spectral.dft_matrix, (spectral.DFT_MATRIX_MAX_N + 1,), {}, ValueError, "np.fft.fft"),
    (spectral.dft_matrix, (0,), {}, ValueError, "n must be"),
    (spectral.dft_matrix, (2.5,), {}, TypeError, "whole number"),
    (spectral.peak_frequency, (F, M[:-1]), {}, ValueError, "shape"),
    (spectral.peak_frequency, (F, M + 0j), {}, TypeError, "np.abs"),
    (spectral.peak_frequency, (F, -M), {}, ValueError, ">= 0"),
    (spectral.peak_frequency, (F[::-1], M), {}, ValueError, "increasing"),
    (spectral.peak_frequency, (F, M), {"fmin": 20000}, ValueError, "no frequency bins"),
    (spectral.peak_frequency, (F, np.where(M > 0, np.nan, M)), {}, ValueError, "NaN"),
    (spectral.peak_frequencies, (F, M), {"n": 0}, ValueError, "n must be"),
    (spectral.peak_frequencies, (F, M), {"min_separation_hz": -1}, ValueError, ">= 0 Hz"),
    (spectral.tone, (20000,), {"sr": 22050}, ValueError, "Nyquist"),
    (spectral.tone, (-5,), {}, ValueError, "Nyquist"),
    (spectral.tone, (440,), {"duration": 0}, ValueError, "no samples"),
    (spectral.tone, (440,), {"amplitude": -1}, ValueError, "amplitude"),
    (spectral.tone, (np.nan,), {}, TypeError, "finite"),
    (spectral.tone, (440,), {"sr": 0}, ValueError, "> 0"),
    (spectral.linspace_axis, (SR, 1), {}, ValueError, "n must be"),
]


@pytest.mark.parametrize("func, args, kwargs, exc, words", BAD_CALLS,
                         ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(BAD_CALLS)])
def test_bad_inputs_raise_clear_errors(func, args, kwargs, exc, words):
    with pytest.raises(exc) as info:
        func(*args, **kwargs)
    assert words.lower() in str(info.value).lower()


# --- plots ---------------------------------------------------------------------------------------
def test_spectrum_plot_labels_and_db():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import helpers.plot

    ax = helpers.plot.spectrum(F, M, db=True, log_freq=True)
    assert ax.get_xlabel() == "Frequency (Hz)"
    assert ax.get_ylabel() == "Magnitude (dB re max)"
    assert ax.get_xscale() == "log"
    line = ax.get_lines()[0].get_ydata()
    assert line.max() == pytest.approx(0.0) and line.min() >= -120 - 1e-9
    ax2 = helpers.plot.spectrum(F, M**2, quantity="power")
    assert "Power" in ax2.get_ylabel() and "²" in ax2.get_ylabel()
    ax3 = helpers.plot.samples(GOOD[:50], SR, start=1.0, color="C3")
    assert ax3.get_xlabel() == "Time (s)"
    line, dots = ax3.get_lines()
    assert line.get_color() == dots.get_color() == "C3"  # one colour for line and dots
    np.testing.assert_allclose(dots.get_xdata(), 1.0 + np.arange(50) / SR)  # t = start + n/sr
    with pytest.raises(ValueError, match="quantity"):
        helpers.plot.spectrum(F, M, quantity="dB")
    with pytest.raises(TypeError, match="complex"):
        helpers.plot.spectrum(F, M * (1 + 1j))
    with pytest.raises(ValueError, match="NaN"):
        helpers.plot.spectrum(F, np.where(F > 100, np.nan, M))
    with pytest.raises(ValueError, match="already dB"):
        helpers.plot.spectrum(F, 20 * np.log10(M + 1e-12), db=True)
    plt.close("all")
