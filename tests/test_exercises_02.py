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
from tests.conftest import spec_cases, tries

matplotlib.use("Agg")


CHECKS = [ex.check_frequency_axis, ex.check_channel_spectra, ex.check_mean_power_from_rfft,
          ex.check_peak_frequencies]


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
    fn = AXIS_WRONG["linspace-full"]
    texts = [r.text() for r in tries(ex.check_frequency_axis, fn)]
    assert "Example:" not in texts[0] and "More:" not in texts[0]
    assert "More:" in texts[1] and "Example:" not in texts[1]
    assert "Example:" in texts[2] and "600 Hz" in texts[2]  # a different case, worked through
    # no stage holds the whole answer, and none is code
    assert not any("np.arange(n // 2 + 1)" in t or "Code:" in t for t in texts)

# --- 02.2 channel_spectra (apply) ----------------------------------------------------------------
def channel_spectra(data, window):
    x = data.T * window                   # (channels, samples), each row windowed
    X = np.abs(np.fft.rfft(x, axis=1))    # along time
    scale = np.full(X.shape[1], 2 / window.sum())
    scale[0] = 1 / window.sum()
    if data.shape[0] % 2 == 0:
        scale[-1] = 1 / window.sum()
    return X * scale


@pytest.mark.parametrize("case", spec_cases(ex02.EX_2))
def test_channel_spectra_spec(case):
    case.run()


def _spectra_axis0(data, window):
    n = len(window)
    X = np.abs(np.fft.rfft(np.asarray(data, np.float32) * window[:, None], axis=0)).T
    X[:, 1:(n + 1) // 2] *= 2
    return (X / np.sum(window)).tolist()


@pytest.mark.parametrize("fn", [
    channel_spectra, _spectra_axis0,
    lambda d, w: np.stack([channel_spectra(d[:, [c]], w)[0] for c in range(d.shape[1])]),
], ids=["transpose", "axis0-float32-list", "loop-over-channels"])
def test_channel_spectra_variants(fn):
    assert ex.check_channel_spectra(fn)


def test_channel_spectra_refuses_the_course_spectrum():
    def via_helpers(d, w):
        return np.array([helpers.spectral.spectrum(d[:, c] * 1.0, 8000, window=w)[1]
                         for c in range(d.shape[1])])

    assert _mistake(ex.check_channel_spectra, via_helpers) == "used-helper"


def test_channel_spectra_cases_vary_every_parameter():
    cases = ex02.EX_2.all_cases()
    lengths = {c["data"].shape[0] % 2 for c in cases}
    channels = {c["data"].shape[1] for c in cases}
    gains = {round(float(np.sum(c["window"]) / len(c["window"])), 2) for c in cases}
    assert lengths == {0, 1} and channels == {1, 2, 3} and len(gains) >= 4
    assert all(abs(np.mean(c["data"])) > 0.01 for c in cases[:2])  # DC offsets to scale right


# --- 02.3 mean_power_from_rfft (apply) ------------------------------------------------------------
def mean_power_from_rfft(X, n):
    P = np.abs(X) ** 2
    weights = np.full(len(X), 2.0)
    weights[0] = 1
    if n % 2 == 0:
        weights[-1] = 1
    return np.sum(weights * P) / n**2


@pytest.mark.parametrize("case", spec_cases(ex02.EX_3))
def test_mean_power_spec(case):
    case.run()


@pytest.mark.parametrize("fn", [
    mean_power_from_rfft,
    lambda X, n: float((np.abs(X[0]) ** 2 + 2 * np.sum(np.abs(X[1:(n + 1) // 2]) ** 2)
                        + (np.abs(X[-1]) ** 2 if n % 2 == 0 else 0)) / n / n),
    lambda X, n: np.float32(mean_power_from_rfft(X.astype(np.complex64), n)),
])
def test_mean_power_variants(fn):
    assert ex.check_mean_power_from_rfft(fn)


def test_mean_power_reference_is_parseval():
    for case, ref in zip(ex02.EX_3.all_cases(), ex02.EX_3.reference_outputs(), strict=True):
        x = np.fft.irfft(case["X"].astype(np.complex128), n=case["n"])
        assert np.isclose(ref, np.mean(x ** 2), rtol=1e-6)
    assert {c["n"] % 2 for c in ex02.EX_3.all_cases()} == {0, 1}


@pytest.mark.parametrize("fn, expected", [
    (lambda X, n: np.mean(np.fft.irfft(X, n) ** 2), "used-inverse"),
    (lambda X, n: float(np.sum(np.abs(X) ** 2)) / n, "other"),  # half the energy
    (lambda X, n: 0.125, "other"),  # the notebook's tone, hard-coded
])
def test_mean_power_more_mistakes(fn, expected):
    assert _mistake(ex.check_mean_power_from_rfft, fn) == expected


# --- 02.4 peak_frequencies (stretch) ---------------------------------------------------------------------
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


FIRST_CHORD = [f for f, _, _ in ex02._CHORDS[0][2]]  # the right answer to the first chord only
PEAK_WRONG = {
    "hard-coded": lambda y, sr, n: [261.63, 329.63, 392.0],
    "hard-coded-first-chord": lambda y, sr, n: list(FIRST_CHORD),
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
    for _sr, seconds, notes, n, _hum in ex02._CHORDS:
        assert seconds >= 1.0 and len(notes) == n  # bins <= 1 Hz apart: nearest bin passes
        freqs = sorted(f for f, _, _ in notes)
        assert len(freqs) != 3 or not np.allclose(freqs, ex02.SHIPPED_CHORD, atol=1)


def test_solutions_mode_raises_on_a_wrong_answer_and_passes_a_right_one():
    ex.expect_all_correct()
    with pytest.raises(AssertionError, match="02.1"):
        ex.check_frequency_axis(AXIS_WRONG["linspace-full"])
    assert ex.check_frequency_axis(axis_ref)


# --- reviewer findings (examiner-a D1, D2; hints 6-8) -------------------------------------------
def test_axis_round_half_to_even_is_refused():
    """D1: round(n / 2) + 1 bins is one too many for n = 4k + 3 (7, 11, 1003)."""
    assert {n % 4 for n, _ in ex02._AXIS_CASES} == {0, 1, 2, 3}
    generated = ex02._axis_cases()[len(ex02._AXIS_CASES):]
    assert [n % 4 for n, _ in generated] == [0, 1, 2, 3] * 3  # every seed, every residue
    got = _mistake(ex.check_frequency_axis, lambda n, sr: np.arange(round(n / 2) + 1) * sr / n)
    assert got == "wrong-length"


def test_axis_in_kilohertz_is_named_as_kilohertz():
    """Hint 6: an answer in kHz was told "these are bin numbers"."""
    got = _mistake(ex.check_frequency_axis, lambda n, sr: np.arange(n // 2 + 1) * sr / n / 1000)
    assert got == "kilohertz"


def _first_local_maxima(y, sr, n, height=None):
    X = np.abs(np.fft.rfft(y * np.hanning(len(y))))
    kw = {} if height is None else {"height": height * X.max()}
    p, _ = scipy.signal.find_peaks(X, **kw)
    return p[:n] * sr / len(y)


@pytest.mark.parametrize("height", [None, 1e-3])
def test_peaks_lowest_local_maxima_are_refused(height):
    """D2: the n lowest-frequency local maxima are not the n strongest (hum and noise lie below
    every note)."""
    got = _mistake(ex.check_peak_frequencies,
                   lambda y, sr, n: _first_local_maxima(y, sr, n, height))
    assert got == "not-strongest"


def test_peaks_full_fft_mirror_images_are_named():
    """Hint 7: the full FFT with abs(fftfreq) returns +f and -f of one tone."""
    def full(y, sr, n):
        X = np.abs(np.fft.fft(y * np.hanning(len(y))))
        f = np.abs(np.fft.fftfreq(len(y), d=1 / sr))
        p, _ = scipy.signal.find_peaks(X)
        return f[p[np.argsort(X[p])[::-1][:n]]]
    assert _mistake(ex.check_peak_frequencies, full) == "mirror-images"


def test_peaks_no_window_zero_padded_is_leakage():
    """Hint 8: side-lobe peaks of an unwindowed, zero-padded spectrum are leakage."""
    assert _mistake(ex.check_peak_frequencies, _peaks(window=None, pad=4)) == "leakage"


def test_peaks_failing_case_names_its_notes():
    text = ex.check_peak_frequencies(_peaks(window=None)).text()
    assert "Hz (amplitude" in text and "hum" in text


def _spectra_scaled(weights):
    def channel_spectra_(data, window):
        x = np.asarray(data, dtype=float).T * window
        n = x.shape[-1]
        return np.abs(np.fft.rfft(x, axis=-1)) * weights(n, window)
    return channel_spectra_


@pytest.mark.parametrize("mistake, weights", [
    ("odd-nyquist", lambda n, w: np.r_[1.0, np.full(n // 2 - 1, 2.0), 1.0] / np.sum(w)),
    ("hann-gain", lambda n, w: np.r_[1.0, np.full(n // 2 - 1 + n % 2, 2.0),
                                     np.ones(1 - n % 2)] / (n / 2)),
])
def test_channel_spectra_reviewer_mistakes_are_named(mistake, weights):
    """reader-a 02.2 (halving the last bin for odd n) and examiner-a (Hann gain n / 2) got the
    fallback; each now gets its own hint."""
    assert _mistake(ex.check_channel_spectra, _spectra_scaled(weights)) == mistake


def test_mean_power_dc_doubled_is_named_and_no_mirror_hint_fits_the_numbers():
    def dc_doubled(X, n):
        w = np.full(len(X), 2.0)
        if n % 2 == 0:
            w[-1] = 1.0
        return float(np.sum(w * np.abs(X) ** 2) / n**2)
    assert _mistake(ex.check_mean_power_from_rfft, dc_doubled) == "dc-doubled"
    hint = next(m.hint for m in ex02.EX_3.mistakes if m.id == "no-mirror")
    assert "about half" not in hint.nudge


def test_forbidden_function_is_named_by_its_public_name():
    """examiner-a: the hint showed "scipy.fft._basic.irfft", a private path."""
    import scipy.fft

    def via_scipy(X, n):
        return float(np.mean(scipy.fft.irfft(X, n=n) ** 2))
    text = ex.check_mean_power_from_rfft(via_scipy).text()
    assert "scipy.fft.irfft" in text and "._" not in text
