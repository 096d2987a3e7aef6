"""Exercise checks of 02_fft_spectrum (helpers/exercises/ex02.py).

For every check: the reference solution passes; each common mistake the notebook names fails
with its own mistake id; the reasonable variants pass; placeholders are "not answered" and never
raise; a verdict is never a bare True/False.
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest
import scipy.signal

import helpers.spectral
from helpers import exercises as ex
from helpers.exercises import ex02

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _fresh():
    ex.reset()
    yield
    ex.reset()


CHECKS = [ex.check_frequency_axis, ex.check_amplitude_spectrum, ex.check_peak_frequencies,
          ex.check_fixed_spectrum]


def _stub(*args):
    ...  # your code here


def _not_impl(*args):
    raise NotImplementedError


@pytest.mark.parametrize("check", CHECKS, ids=[c.__name__ for c in CHECKS])
@pytest.mark.parametrize("answer", [None, ..., _stub, _not_impl], ids=["None", "Ellipsis",
                                                                      "stub", "not-impl"])
def test_placeholders_are_not_answered_and_never_raise(check, answer):
    r = check(answer)
    assert r.status == "unanswered" and not r and "Not answered" in r.text()


@pytest.mark.parametrize("check", CHECKS, ids=[c.__name__ for c in CHECKS])
def test_not_a_function_and_raising_function(check):
    assert check(3.0).mistake == "not-a-function"
    r = check(lambda *a: 1 / 0)
    assert r.mistake == "raised" and "ZeroDivisionError" in r.text()


def _mistake(check, fn) -> str:
    ex.reset()
    r = check(fn)
    assert not r and r.status == "wrong", r.text()
    return r.mistake


# --- 02.1 frequency_axis ------------------------------------------------------------------------
def axis_ref(n, sr):
    return np.arange(n // 2 + 1) * sr / n


AXIS_RIGHT = {
    "arange": axis_ref,
    "list-comprehension": lambda n, sr: [k * sr / n for k in range(n // 2 + 1)],
    "d-spacing": lambda n, sr: np.arange(n // 2 + 1) / (n / sr),
    "float32": lambda n, sr: (np.arange(n // 2 + 1) * sr / n).astype(np.float32),
    "fftfreq-abs": lambda n, sr: np.abs(np.fft.fftfreq(n, d=1 / sr)[: n // 2 + 1]),
}


@pytest.mark.parametrize("fn", AXIS_RIGHT.values(), ids=AXIS_RIGHT.keys())
def test_axis_right_answers_pass(fn):
    r = ex.check_frequency_axis(fn)
    assert r and "✅" in r.text()


AXIS_WRONG = {
    "used-rfftfreq": lambda n, sr: np.fft.rfftfreq(n, d=1 / sr),
    "linspace-full": lambda n, sr: np.linspace(0, sr, n),
    "fftfreq-full": lambda n, sr: np.fft.fftfreq(n, d=1 / sr),
    "all-bins": lambda n, sr: np.arange(n) * sr / n,
    "seed-axis": lambda n, sr: np.linspace(0, sr, n)[: int(n / 2)],
    "dropped-nyquist": lambda n, sr: np.arange(n // 2) * sr / n,
    "linspace-spacing": lambda n, sr: np.linspace(0, sr, n)[: n // 2 + 1],
    "linspace-half": lambda n, sr: np.linspace(0, sr / 2, n // 2 + 1),
    "fftfreq-negative": lambda n, sr: np.fft.fftfreq(n, d=1 / sr)[: n // 2 + 1],
    "cycles-per-sample": lambda n, sr: np.arange(n // 2 + 1) / n,
    "bin-index": lambda n, sr: np.arange(n // 2 + 1),
    "integer-division": lambda n, sr: np.arange(n // 2 + 1) * (sr // n),
    "wrong-length": lambda n, sr: np.arange(n // 2 + 2) * sr / n,
    "formula": lambda n, sr: np.arange(n // 2 + 1) * n / sr,
}


@pytest.mark.parametrize("mistake, fn", AXIS_WRONG.items(), ids=AXIS_WRONG.keys())
def test_axis_mistakes_are_named(mistake, fn):
    assert _mistake(ex.check_frequency_axis, fn) == mistake


def test_axis_hard_coded_first_case_fails_by_name():
    first = np.arange(5) * 1000.0  # right for (n, sr) = (8, 8000) only
    # (it also equals linspace(0, sr / 2, 5) for n = 9: the hint must not blame linspace)
    assert _mistake(ex.check_frequency_axis, lambda n, sr: first) == "hard-coded"


def test_axis_linspace_half_passes_even_n_and_fails_odd_n_by_name():
    ex.reset()
    r = ex.check_frequency_axis(AXIS_WRONG["linspace-half"])
    assert "n=9" in r.text() and "odd n" in r.text()


def test_axis_rfftfreq_watch_is_undone_and_librosa_route_is_caught():
    import librosa

    real = np.fft.rfftfreq
    assert _mistake(ex.check_frequency_axis,
                    lambda n, sr: librosa.fft_frequencies(sr=sr, n_fft=n)) == "used-rfftfreq"
    assert np.fft.rfftfreq is real


def test_hints_come_in_stages_and_the_first_gives_no_code():
    from tests.conftest import tries  # stages advance on a changed answer: tries() simulates one

    fn = AXIS_WRONG["linspace-full"]
    texts = [r.text() for r in tries(ex.check_frequency_axis, fn)]
    assert "Code:" not in texts[0] and "More:" not in texts[0]
    assert "More:" in texts[1] and "Code:" not in texts[1]
    assert "Code:" in texts[2]
    # no stage holds the whole answer
    assert not any("np.arange(n // 2 + 1) * sr / n" in t for t in texts)


# --- 02.2 amplitude_spectrum -------------------------------------------------------------------
def spectrum_ref(y, window):
    return 2 * np.abs(np.fft.rfft(window * y)) / np.sum(window)


def _edges_halved(y, window):
    m = spectrum_ref(y, window)
    m[0] /= 2
    if len(y) % 2 == 0:
        m[-1] /= 2
    return m


SPEC_RIGHT = {
    "reference": spectrum_ref,
    "dc-nyquist-halved": _edges_halved,
    "helpers-style-steps": lambda y, w: np.abs(np.fft.rfft(y * w)) * (2.0 / w.sum()),
    "list": lambda y, w: list(spectrum_ref(y, w)),
    "float32": lambda y, w: spectrum_ref(y, w).astype(np.float32),
    "scipy-rfft": lambda y, w: 2 * np.abs(__import__("scipy.fft").fft.rfft(w * y)) / w.sum(),
}


@pytest.mark.parametrize("fn", SPEC_RIGHT.values(), ids=SPEC_RIGHT.keys())
def test_spectrum_right_answers_pass(fn):
    assert ex.check_amplitude_spectrum(fn)


def _own_hann(y, w):
    h = scipy.signal.get_window("hann", len(y))
    return 2 * np.abs(np.fft.rfft(h * y)) / h.sum()


SPEC_WRONG = {
    "no-window": lambda y, w: 2 * np.abs(np.fft.rfft(y)) / len(y),
    "no-window-sum": lambda y, w: 2 * np.abs(np.fft.rfft(y)) / w.sum(),
    "one-number": lambda y, w: np.max(np.abs(y)),
    "unscaled": lambda y, w: np.abs(np.fft.rfft(w * y)),
    "window-gain": lambda y, w: 2 * np.abs(np.fft.rfft(w * y)) / len(y),
    "missing-2": lambda y, w: np.abs(np.fft.rfft(w * y)) / w.sum(),
    "power": lambda y, w: spectrum_ref(y, w) ** 2,
    "no-abs": lambda y, w: 2 * np.fft.rfft(w * y) / w.sum(),
    "real-part": lambda y, w: 2 * np.fft.rfft(w * y).real / w.sum(),
    "full-fft": lambda y, w: 2 * np.abs(np.fft.fft(w * y)) / w.sum(),
    "dropped-nyquist": lambda y, w: spectrum_ref(y, w)[: len(y) // 2],
    "decibels": lambda y, w: 20 * np.log10(spectrum_ref(y, w) + 1e-12),
    "own-window": _own_hann,
    "own-window-symmetric": lambda y, w: 2 * np.abs(np.fft.rfft(np.hanning(len(y)) * y))
    / np.hanning(len(y)).sum(),
    "used-helper": lambda y, w: helpers.spectral.spectrum(y, 1000, window=w)[1],
    "scaling": lambda y, w: np.sqrt(spectrum_ref(y, w)),
}


@pytest.mark.parametrize("mistake, fn", SPEC_WRONG.items(), ids=SPEC_WRONG.keys())
def test_spectrum_mistakes_are_named(mistake, fn):
    expected = {"no-window-sum": "no-window",
                "own-window-symmetric": "own-window"}.get(mistake, mistake)
    assert _mistake(ex.check_amplitude_spectrum, fn) == expected


def test_spectrum_helper_watch_is_undone():
    real = helpers.spectral.spectrum
    ex.check_amplitude_spectrum(SPEC_WRONG["used-helper"])
    assert helpers.spectral.spectrum is real


def test_spectrum_cases_cover_between_bins_dc_nyquist_and_odd_n():
    bins = [c[1] for c in ex02._SPECTRUM_CASES]
    ns = [c[0] for c in ex02._SPECTRUM_CASES]
    assert any(b % 1 for b in bins) and min(bins) < 5
    assert any(n // 2 - b < 5 for n, b in zip(ns, bins, strict=True))
    assert any(n % 2 for n in ns) and any(n % 2 == 0 for n in ns)


# --- 02.3 peak_frequencies ---------------------------------------------------------------------
def _peaks(window="hann", local=True, interpolate=False, index=False, pad=1, prominence=None):
    def peak_frequencies(y, sr, n):
        w = scipy.signal.get_window(window, len(y)) if window else np.ones(len(y))
        mag = np.abs(np.fft.rfft(w * y, n=pad * len(y)))  # pad > 1: zero-padded
        freqs = np.fft.rfftfreq(pad * len(y), d=1 / sr)
        kw = {} if prominence is None else {"prominence": prominence * mag.max()}
        idx = scipy.signal.find_peaks(mag, **kw)[0] if local else np.arange(mag.size)
        top = idx[np.argsort(mag[idx])[::-1][:n]]
        if index:
            return top
        if interpolate:  # parabola through log magnitudes
            a, b, c = (np.log(mag[top + d]) for d in (-1, 0, 1))
            return freqs[top] + 0.5 * (a - c) / (a - 2 * b + c) * freqs[1]
        return freqs[top]

    return peak_frequencies


def _hanning_argrelmax(y, sr, n):
    mag = np.abs(np.fft.rfft(np.hanning(len(y)) * y))
    idx = scipy.signal.argrelmax(mag)[0]
    top = idx[np.argsort(mag[idx])][-n:]
    return list(np.fft.rfftfreq(len(y), 1 / sr)[top])


def _with_helper_spectrum(y, sr, n):
    f, m = helpers.spectral.spectrum(y, sr)
    idx, _ = scipy.signal.find_peaks(m)
    return f[idx[np.argsort(m[idx])[-n:]]]


PEAK_RIGHT = {
    "hann": _peaks(),
    "hann-interpolated": _peaks(interpolate=True),
    "blackman": _peaks("blackman"),
    "np.hanning-argrelmax-list": _hanning_argrelmax,
    "helpers-spectrum-allowed": _with_helper_spectrum,
    # zero-padding samples every side lobe as a local maximum: the quiet note must still win
    "hann-zero-padded-4x": _peaks(pad=4),
    "hann-zero-padded-8x": _peaks(pad=8),
    "hamming": _peaks("hamming"),
    "blackman-zero-padded": _peaks("blackman", pad=4),
}


@pytest.mark.parametrize("fn", PEAK_RIGHT.values(), ids=PEAK_RIGHT.keys())
def test_peaks_right_answers_pass(fn):
    assert ex.check_peak_frequencies(fn)


def _descending(y, sr, n):
    return _peaks()(y, sr, n)[::-1]


PEAK_WRONG = {
    "hard-coded": lambda y, sr, n: [261.63, 329.63, 392.0],
    "hard-coded-first-chord": lambda y, sr, n: [196.0, 246.94, 293.66],
    "neighbour-bins": _peaks(local=False),
    "leakage": _peaks(window=None),
    "bin-index": _peaks(index=True),
    "wrong-count": lambda y, sr, n: _peaks()(y, sr, n + 1),
    "used-helper": lambda y, sr, n: helpers.spectral.peak_frequencies(
        *helpers.spectral.spectrum(y, sr), n=n),
    "off": lambda y, sr, n: _peaks()(y, sr, n) + 3.0,
    "leakage-zero-padded": _peaks(window=None, pad=4),
    # the notebook's own two-tone counter uses prominence=0.1 * max: it drops the quiet note
    "too-few": _peaks(prominence=0.1),
}


@pytest.mark.parametrize("mistake, fn", PEAK_WRONG.items(), ids=PEAK_WRONG.keys())
def test_peaks_mistakes_are_named(mistake, fn):
    expected = {"hard-coded-first-chord": "hard-coded",
                "leakage-zero-padded": ("leakage", "neighbour-bins")}.get(mistake, mistake)
    got = _mistake(ex.check_peak_frequencies, fn)
    assert got in expected if isinstance(expected, tuple) else got == expected


def test_peaks_too_few_hint_names_a_threshold_as_well_as_the_window():
    text = ex.check_peak_frequencies(_peaks(prominence=0.1)).text()
    assert "threshold" in text and "window" in text


def test_peaks_any_order_passes():
    assert ex.check_peak_frequencies(_descending)


def test_the_quiet_note_is_5_hz_from_the_loud_one_as_the_notebook_says():
    notes = sorted(ex02._CHORDS[-1][2], key=lambda note: -note[1])
    loud, quiet = notes[0], notes[-1]
    assert abs(quiet[0] - loud[0]) == 5.0 and quiet[1] < loud[1] / 25
    # above the Hann window's highest side lobe (-31.5 dB), so zero-padding cannot outrank it
    assert quiet[1] > loud[1] * 10 ** (-31.4 / 20)


def test_peak_chords_are_unseen_and_long_enough():
    for _sr, seconds, notes, n in ex02._CHORDS:
        assert seconds >= 1.0 and len(notes) == n  # bins <= 1 Hz apart: nearest bin passes
        freqs = sorted(f for f, _, _ in notes)
        assert len(freqs) != 3 or not np.allclose(freqs, ex02.SHIPPED_CHORD, atol=1)


# --- 02.4 fixed_spectrum (the seed's code made right) -------------------------------------------
def _fixed(window="hann", xlabel="Frequency (Hz)", ylabel="Magnitude (amplitude)",
           title="Magnitude spectrum", use_plt=False):
    def fixed_spectrum(signal, sample_rate, ax):
        n = len(signal)
        if window is None:
            w = np.ones(n)
        elif window == "np.hanning":
            w = np.hanning(n)
        else:
            w = scipy.signal.get_window(window, n)
        freqs = np.fft.rfftfreq(n, d=1 / sample_rate)
        magnitude = 2 * np.abs(np.fft.rfft(w * signal)) / w.sum()
        if use_plt:
            import matplotlib.pyplot as plt

            plt.plot(freqs, magnitude)
            plt.xlabel(xlabel)
        else:
            ax.plot(freqs, magnitude)
            ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
        return freqs, magnitude

    return fixed_spectrum


FIXED_RIGHT = {
    "periodic-hann": _fixed(),
    # symmetric Hann (np.hanning): the check's tones sit on bins, where any window scaled by
    # 2 / sum(w) reads the amplitude (symmetric Hann: within 1e-9; AMPLITUDE_RTOL is 2 %,
    # room for float32 arithmetic), so both Hann forms pass
    "np.hanning-symmetric": _fixed("np.hanning"),
    "no-window-2-over-n": _fixed(None),
    "blackman": _fixed("blackman"),
    "amplitude-label": _fixed(ylabel="Amplitude (full scale = 1)", title=""),
}


@pytest.mark.parametrize("fn", FIXED_RIGHT.values(), ids=FIXED_RIGHT.keys())
def test_fixed_right_answers_pass(fn):
    assert ex.check_fixed_spectrum(fn)


def _seed_verbatim(signal, sample_rate, ax):
    """The original tutorial's lines, drawn on ax instead of plt."""
    fft = np.fft.fft(signal)
    magnitude = np.abs(fft)
    frequency = np.linspace(0, sample_rate, len(magnitude))
    left_frequency = frequency[:int(len(frequency) / 2)]
    left_magnitude = magnitude[:int(len(frequency) / 2)]
    ax.plot(left_frequency, left_magnitude)
    ax.set(xlabel="Frequency", ylabel="Magnitude", title="Power spectrum")
    return left_frequency, left_magnitude


def _variant(**changes):
    """The fixed function with one thing wrong."""
    def fn(signal, sample_rate, ax):
        n = len(signal)
        w = np.hanning(n)
        freqs = changes.get("freqs", lambda n, sr: np.fft.rfftfreq(n, 1 / sr))(n, sample_rate)
        X = np.fft.rfft(w * signal)
        magnitude = changes.get("mag", lambda X, w: 2 * np.abs(X) / w.sum())(X, w)
        ax.plot(freqs, magnitude)
        ax.set(xlabel=changes.get("xlabel", "Frequency (Hz)"),
               ylabel=changes.get("ylabel", "Magnitude"), title=changes.get("title", ""))
        return changes.get("ret", lambda f, m: (f, m))(freqs, magnitude)

    return fn


FIXED_WRONG = {
    "seed-axis": _seed_verbatim,
    "linspace-spacing": _variant(freqs=lambda n, sr: np.linspace(0, sr, n)[: n // 2 + 1]),
    "dropped-nyquist": _variant(freqs=lambda n, sr: np.arange(n // 2) * sr / n,
                                mag=lambda X, w: 2 * np.abs(X[:-1]) / w.sum()),
    "unscaled": _variant(mag=lambda X, w: np.abs(X)),
    "power": _variant(mag=lambda X, w: (2 * np.abs(X) / w.sum()) ** 2),
    "window-gain": _variant(mag=lambda X, w: 2 * np.abs(X) / len(w)),
    "no-abs": _variant(mag=lambda X, w: 2 * X / w.sum(), ret=lambda f, m: (f, m)),
    "not-a-pair": _variant(ret=lambda f, m: m),
    "no-unit": _variant(xlabel="Frequency"),
    "power-label": _variant(title="Power spectrum"),
    "ylabel": _variant(ylabel=""),
    "khz-label-on-hz": _variant(xlabel="Frequency (kHz)"),
    "not-on-ax": _fixed(use_plt=True),
}


@pytest.mark.parametrize("mistake, fn", FIXED_WRONG.items(), ids=FIXED_WRONG.keys())
def test_fixed_mistakes_are_named(mistake, fn):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # plotting complex values warns; the check still names it
        assert _mistake(ex.check_fixed_spectrum, fn) == {
            "khz-label-on-hz": "no-unit"}.get(mistake, mistake)


def test_fixed_check_leaves_no_pyplot_figures_open():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    ex.check_fixed_spectrum(_fixed(use_plt=True))
    assert plt.get_fignums() == before


def test_solutions_mode_raises_on_a_wrong_answer_and_passes_a_right_one():
    ex.expect_all_correct()
    with pytest.raises(AssertionError, match="02.1"):
        ex.check_frequency_axis(AXIS_WRONG["linspace-full"])
    assert ex.check_frequency_axis(axis_ref)
