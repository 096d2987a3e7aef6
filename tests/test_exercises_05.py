"""Exercise checks of 05_mfcc: the reference solution passes, every named mistake fails with its
own mistake id, the reasonable variants pass, and placeholders never raise."""

from __future__ import annotations

import librosa
import librosa.display
import matplotlib.pyplot as plt
import numpy as np
import pytest
import scipy.fft
import scipy.signal

from helpers import exercises as E
from helpers.exercises import ex05


@pytest.fixture(autouse=True)
def _fresh():
    E.reset()
    yield
    E.reset()
    plt.close("all")


def mistake(result):
    assert not result and result.status == "wrong", result.text()
    return result.mistake


SOLUTIONS = ["dct(L, type=2, norm='ortho', axis=0)[:n_mfcc]", "np.vstack([C, librosa.feature",
             "keepdims=True) / C.std(axis=1, keepdims=True)", "specshow(C[1:]"]


def first_try(result):
    """The first wrong try names the mistake; it shows no code and never the solution."""
    text = result.text()
    assert "Code:" not in text and not any(sol in text for sol in SOLUTIONS), text
    return mistake(result)


def unanswered(result):
    return (not result) and result.status == "unanswered"


# --------------------------------------------------------------------------------------------
# 1. the width of an octave in mel
# --------------------------------------------------------------------------------------------
TRUTH_OCTAVE = 27 * np.log(2) / np.log(6.4)


def test_octave_right_answers_and_precision():
    assert abs(TRUTH_OCTAVE - 10.08) < 0.005
    lib = float(librosa.hz_to_mel(8000.0) - librosa.hz_to_mel(4000.0))
    for a in (lib, TRUTH_OCTAVE, round(TRUTH_OCTAVE, 1), round(TRUTH_OCTAVE, 2), np.float32(lib),
              10.1, 10.05, np.array(lib)):
        assert E.check_mel_octave(a), a
    assert "10.08" in E.check_mel_octave(lib).text()


def test_octave_named_mistakes():
    htk = float(librosa.hz_to_mel(8000.0, htk=True) - librosa.hz_to_mel(4000.0, htk=True))
    assert mistake(E.check_mel_octave(htk)) == "htk"
    assert mistake(E.check_mel_octave(-TRUTH_OCTAVE)) == "sign"
    assert mistake(E.check_mel_octave(4000 / (200 / 3))) == "linear"
    assert mistake(E.check_mel_octave(float(librosa.hz_to_mel(8000.0)))) == "one-end"
    assert mistake(E.check_mel_octave(float(librosa.hz_to_mel(4000.0)))) == "one-end"
    assert mistake(E.check_mel_octave(4000)) == "hertz"
    assert mistake(E.check_mel_octave(10.0)) == "precision"
    assert mistake(E.check_mel_octave(10.2)) == "precision"
    assert mistake(E.check_mel_octave(12.0)) == "other"
    assert mistake(E.check_mel_octave("ten")) == "not-a-number"


def test_octave_placeholder_and_staged_hints():
    assert unanswered(E.check_mel_octave(None)) and unanswered(E.check_mel_octave(...))
    from tests.conftest import tries  # stages advance on a changed answer: tries() simulates one

    texts = [r.text() for r in tries(E.check_mel_octave, 12.0)]
    assert "More:" not in texts[0] and "More:" in texts[1] and "Code:" in texts[2]
    assert "hz_to_mel" not in texts[0]


# --------------------------------------------------------------------------------------------
# 2. MFCCs from a log-mel matrix
# --------------------------------------------------------------------------------------------
def mfcc_from_logmel(L, n_mfcc):
    return scipy.fft.dct(L, type=2, norm="ortho", axis=0)[:n_mfcc]


def test_dct_reference_and_variants_pass():
    assert E.check_mfcc_from_logmel(mfcc_from_logmel)
    assert E.check_mfcc_from_logmel(lambda L, n: librosa.feature.mfcc(S=L, n_mfcc=n))
    assert E.check_mfcc_from_logmel(lambda L, n: scipy.fftpack.dct(L, type=2, norm="ortho",
                                                                   axis=0)[:n])
    assert E.check_mfcc_from_logmel(lambda L, n: scipy.fft.dct(L.T, norm="ortho").T[:n])
    assert E.check_mfcc_from_logmel(
        lambda L, n: scipy.fft.dct(L, norm="ortho", axis=0)[:n].astype(np.float32))

    def by_formula(L, n):  # the DCT-II written out as a matrix
        M = L.shape[0]
        k, m = np.arange(n)[:, None], np.arange(M)[None, :]
        basis = np.cos(np.pi * k * (2 * m + 1) / (2 * M)) * np.sqrt(2 / M)
        basis[0] /= np.sqrt(2)
        return basis @ L

    assert E.check_mfcc_from_logmel(by_formula)
    # computed in float32 (librosa's dtype for float32 audio): rounding, not a mistake
    assert E.check_mfcc_from_logmel(
        lambda L, n: scipy.fft.dct(L.astype(np.float32), norm="ortho", axis=0)[:n])


@pytest.mark.parametrize("fn, expected", [
    (lambda L, n: L[:n], "first-bands"),
    (lambda L, n: scipy.fft.dct(L, norm="ortho", axis=0), "all-rows"),
    (lambda L, n: scipy.fft.dct(L, norm="ortho", axis=0)[-n:], "last-rows"),
    (lambda L, n: scipy.fft.dct(L, norm="ortho", axis=0)[:n].T, "transposed"),
    (lambda L, n: scipy.fft.dct(L, norm="ortho")[:n], "wrong-axis"),
    (lambda L, n: scipy.fft.dct(L, norm="ortho", axis=1)[:n], "wrong-axis"),
    (lambda L, n: scipy.fft.dct(L, axis=0)[:n], "no-ortho"),
    (lambda L, n: scipy.fft.dct(L, type=3, norm="ortho", axis=0)[:n], "dct-type"),
    (lambda L, n: scipy.fft.idct(L, type=2, norm="ortho", axis=0)[:n], "dct-type"),
    (lambda L, n: scipy.fft.dct(L, type=1, norm="ortho", axis=0)[:n], "dct-type"),
    (lambda L, n: scipy.fft.dct(L, norm="ortho", axis=0)[:n + 1], "wrong-shape"),
    (lambda L, n: np.real(np.fft.fft(L, axis=0))[:n], "other"),
    (lambda L, n: scipy.fft.dct(L, norm="ortho", axis=0)[1:n + 1], "skipped-c0"),
    (lambda L, n: scipy.fft.dct(librosa.power_to_db(L), norm="ortho", axis=0)[:n], "db-twice"),
    (lambda L, n: 1 / 0, "raised"),
    (lambda L, n: "abc", "not-an-array"),
])
def test_dct_named_mistakes(fn, expected):
    assert first_try(E.check_mfcc_from_logmel(fn)) == expected


def test_dct_placeholders():
    def stub(L, n_mfcc):
        ...  # your code here

    for fn in (None, ..., stub):
        assert unanswered(E.check_mfcc_from_logmel(fn))


def test_dct_fresh_inputs_are_log_mel_like():
    for n_mels, n_frames, _ in ex05._DCT_CASES:
        L = ex05._fresh_logmel(n_mels, n_frames, seed=1)
        assert L.shape == (n_mels, n_frames) and L.max() - L.min() <= 80.0 + 1e-9
        # smooth along the mel axis: neighbouring bands correlate (what the DCT exploits)
        if n_frames > 20:
            r = np.corrcoef(L)[np.arange(n_mels - 1), np.arange(1, n_mels)]
            assert np.mean(r) > 0.5


# --------------------------------------------------------------------------------------------
# 3. deltas
# --------------------------------------------------------------------------------------------
def add_deltas(C):
    return np.vstack([C, librosa.feature.delta(C), librosa.feature.delta(C, order=2)])


def test_deltas_reference_and_variants_pass():
    assert E.check_add_deltas(add_deltas)
    assert E.check_add_deltas(lambda C: np.concatenate(
        [C, librosa.feature.delta(C, width=9, order=1, axis=-1),
         librosa.feature.delta(C, width=9, order=2, axis=1)], axis=0))

    def savgol(C):  # what librosa does inside
        d = [scipy.signal.savgol_filter(C, 9, polyorder=o, deriv=o, axis=-1, mode="interp")
             for o in (1, 2)]
        return np.vstack([C, *d])

    assert E.check_add_deltas(savgol)
    assert E.check_add_deltas(lambda C: add_deltas(C).astype(np.float32))


@pytest.mark.parametrize("fn, expected", [
    (lambda C: np.hstack([C, librosa.feature.delta(C), librosa.feature.delta(C, order=2)]),
     "hstack"),
    (lambda C: np.vstack([librosa.feature.delta(C), librosa.feature.delta(C, order=2)]),
     "missing-static"),
    (lambda C: np.vstack([librosa.feature.delta(C), librosa.feature.delta(C, order=2), C]),
     "stack-order"),
    (lambda C: np.vstack([C, librosa.feature.delta(C, order=2), librosa.feature.delta(C)]),
     "stack-order"),
    (lambda C: np.vstack([C, librosa.feature.delta(C),
                          librosa.feature.delta(librosa.feature.delta(C))]), "delta-twice"),
    (lambda C: np.vstack([C, librosa.feature.delta(C, axis=0),
                          librosa.feature.delta(C, axis=0, order=2)]), "wrong-axis"),
    (lambda C: np.vstack([C, librosa.feature.delta(C, width=5),
                          librosa.feature.delta(C, width=5, order=2)]), "width"),
    (lambda C: np.vstack([C, np.gradient(C, axis=1), np.gradient(np.gradient(C, axis=1),
                                                                 axis=1)]),
     "simple-difference"),
    (lambda C: np.vstack([C[:, 2:], np.diff(C, axis=1)[:, 1:], np.diff(C, n=2, axis=1)]),
     "wrong-shape"),
    (lambda C: np.vstack([C - C.mean(), librosa.feature.delta(C),
                          librosa.feature.delta(C, order=2)]), "static-changed"),
    (lambda C: np.vstack([C, librosa.feature.delta(C, mode="nearest"),
                          librosa.feature.delta(C, order=2, mode="nearest")]), "edges"),
    (lambda C: np.vstack([C, 2 * librosa.feature.delta(C),
                          librosa.feature.delta(C, order=2)]), "other"),
])
def test_deltas_named_mistakes(fn, expected):
    assert first_try(E.check_add_deltas(fn)) == expected


def test_deltas_placeholder():
    def stub(C):
        ...  # your code here

    for fn in (None, ..., stub):
        assert unanswered(E.check_add_deltas(fn))


def test_delta_is_the_regression_formula_and_order2_is_not_delta_twice():
    """The facts the notebook states about librosa.feature.delta, on both librosa versions."""
    C = ex05._fresh_mfcc(13, 60, seed=3)
    d1 = librosa.feature.delta(C)
    N = 4  # width 9 = 2N + 1
    n = np.arange(1, N + 1)
    by_hand = np.array([[np.sum(n * (row[t + n] - row[t - n])) / (2 * np.sum(n**2))
                         for t in range(N, C.shape[1] - N)] for row in C])
    assert np.allclose(d1[:, N:-N], by_hand)
    d2 = librosa.feature.delta(C, order=2)
    twice = librosa.feature.delta(d1)
    assert not np.allclose(d2, twice, atol=0.1 * np.abs(d2).max())


# --------------------------------------------------------------------------------------------
# 4. standardise each coefficient
# --------------------------------------------------------------------------------------------
def standardise(C):
    mu = C.mean(axis=1, keepdims=True)
    sd = C.std(axis=1, keepdims=True)
    return (C - mu) / np.where(sd > 0, sd, 1.0)


def test_standardise_reference_and_variants_pass():
    r = E.check_standardise_coefficients(standardise)
    assert r and "ddof=1" not in r.text()

    def ddof1(C):
        sd = C.std(axis=1, ddof=1, keepdims=True)
        return (C - C.mean(axis=1, keepdims=True)) / np.where(sd > 0, sd, 1.0)

    r = E.check_standardise_coefficients(ddof1)
    assert r and "ddof=1" in r.text() and "sqrt(T / (T - 1))" in r.text()
    assert E.check_standardise_coefficients(
        lambda C: (C - C.mean(axis=1)[:, None]) / (C.std(axis=1)[:, None] + 1e-12))
    from sklearn.preprocessing import StandardScaler  # noqa: PLC0415  (a reasonable variant)

    assert E.check_standardise_coefficients(lambda C: StandardScaler().fit_transform(C.T).T)

    import helpers.features as F

    assert E.check_standardise_coefficients(lambda C: F.normalise_per_coefficient(C)[0])
    # float32 arithmetic, and an eps of 1e-3 on the std (rows end within 1 % of std 1)
    r = E.check_standardise_coefficients(lambda C: standardise(C.astype(np.float32)))
    assert r, r.text()
    r = E.check_standardise_coefficients(
        lambda C: (C - C.mean(axis=1, keepdims=True)) / (C.std(axis=1, keepdims=True) + 1e-3))
    assert r and "close enough" in r.text(), r.text()


def _silence(fn):
    def wrapped(C):
        with np.errstate(all="ignore"):
            return fn(C)
    return wrapped


@pytest.mark.parametrize("fn, expected", [
    (lambda C: (C - C.mean(axis=0)) / C.std(axis=0), "wrong-axis"),
    (lambda C: (C - C.mean(axis=0, keepdims=True)) / C.std(axis=0, ddof=1, keepdims=True),
     "wrong-axis"),
    (lambda C: (C - C.mean()) / C.std(), "global-stats"),
    (lambda C: C - C.mean(axis=1, keepdims=True), "only-centred"),
    (lambda C: (C - C.mean(axis=1, keepdims=True)) / C.var(axis=1, keepdims=True), "variance"),
    (lambda C: (C - C.min(axis=1, keepdims=True))
     / (C.max(axis=1, keepdims=True) - C.min(axis=1, keepdims=True)), "min-max"),
    (lambda C: (C - C.mean(axis=1)) / C.std(axis=1), "keepdims"),
    (lambda C: _silence(lambda X: (X - X.mean(axis=1, keepdims=True))
                        / X.std(axis=1, keepdims=True))(C), "constant-row"),
    (lambda C: (C - C.mean(axis=1, keepdims=True)) / (C.std(axis=1, keepdims=True) + 1.0),
     "other"),
    (lambda C: (C - C.mean(axis=1, keepdims=True), C.std(axis=1)), "tuple"),
    (lambda C: (C - C.mean(axis=1, keepdims=True)) / (C.std(axis=1, keepdims=True) + 0.1),
     "eps-too-large"),
    (lambda C: C.T, "wrong-shape"),
])
def test_standardise_named_mistakes(fn, expected):
    assert first_try(E.check_standardise_coefficients(fn)) == expected


def test_standardise_placeholder():
    def stub(C):
        ...  # your code here

    for fn in (None, ..., stub):
        assert unanswered(E.check_standardise_coefficients(fn))


# --------------------------------------------------------------------------------------------
# 5. the original tutorial's MFCC figure, fixed
# --------------------------------------------------------------------------------------------
def _mfcc(signal, sample_rate):
    return librosa.feature.mfcc(y=signal, sr=sample_rate, n_fft=2048, hop_length=512, n_mfcc=13)


def plot_drop_c0(signal, sample_rate, ax):
    C = _mfcc(signal, sample_rate)
    img = librosa.display.specshow(C[1:], sr=sample_rate, hop_length=512, x_axis="time",
                                   ax=ax)
    rows = np.arange(0, 12, 2)
    ax.set_yticks(rows, labels=[str(r + 1) for r in rows])
    ax.set(xlabel="Time (s)", ylabel="MFCC coefficient")
    ax.figure.colorbar(img, ax=ax, label="MFCC value (dB)")


def plot_standardised(signal, sample_rate, ax):
    C = _mfcc(signal, sample_rate)
    Z = (C - C.mean(axis=1, keepdims=True)) / C.std(axis=1, keepdims=True)
    img = librosa.display.specshow(Z, sr=sample_rate, hop_length=512, x_axis="time", ax=ax)
    ax.set_yticks(range(0, 13, 3))
    plt.colorbar(img, ax=ax, label="standardised value (std)")


def plot_clipped_scale(signal, sample_rate, ax):
    C = _mfcc(signal, sample_rate)
    img = librosa.display.specshow(C, sr=sample_rate, hop_length=512, x_axis="time", ax=ax,
                                   vmin=C[1:].min(), vmax=C[1:].max())
    ax.set_yticks(range(13))
    plt.colorbar(img, ax=ax, format="%+.0f dB")


def plot_seed_keywords_only(signal, sample_rate, ax):
    hop_length = 512
    MFCCs = librosa.feature.mfcc(y=signal, sr=sample_rate, n_fft=2048, hop_length=512, n_mfcc=13)
    librosa.display.specshow(MFCCs, sr=sample_rate, hop_length=hop_length)
    plt.xlabel("Time")
    plt.ylabel("MFCC coefficients")
    plt.colorbar()


def test_seed_code_is_quoted_verbatim():
    assert "librosa.feature.mfcc(signal, sample_rate, n_fft=2048, hop_length=512, n_mfcc=13)" \
        in ex05.SEED_CODE
    assert 'plt.ylabel("MFCC coefficients")' in ex05.SEED_CODE


def plot_imshow(signal, sample_rate, ax):
    """A reasonable variant: matplotlib's imshow with the extent in seconds."""
    C = _mfcc(signal, sample_rate)[1:]
    im = ax.imshow(C, origin="lower", aspect="auto",
                   extent=(0, signal.size / sample_rate, 0.5, 12.5))
    ax.set_yticks(range(1, 13, 2))
    ax.figure.colorbar(im, ax=ax, label="MFCC value (dB)")


def plot_imshow_upper(signal, sample_rate, ax):
    """imshow with its default origin (row 0 on top), ticks placed on the right rows."""
    C = _mfcc(signal, sample_rate)
    Z = (C - C.mean(axis=1, keepdims=True)) / C.std(axis=1, keepdims=True)
    im = ax.imshow(Z, aspect="auto", extent=(0, signal.size / sample_rate, 12.5, -0.5))
    ax.set_yticks(range(0, 13, 3))
    ax.figure.colorbar(im, ax=ax, label="z-score")


def test_seed_plot_right_answers_pass():
    for fn in (plot_drop_c0, plot_standardised, plot_clipped_scale, plot_imshow,
               plot_imshow_upper):
        r = E.check_seed_mfcc_plot(fn)
        assert r, (fn.__name__, r.text())
    assert len(plt.get_fignums()) >= 1  # the last figure stays open for the notebook to show
    plt.close("all")
    assert E.check_seed_mfcc_plot(plot_drop_c0, keep_figure=False)
    assert plt.get_fignums() == []


def test_the_seed_itself_fails_with_its_real_faults():
    """Fixed one fault at a time, the seed's code meets each of its faults in turn."""
    def seed_verbatim(signal, sample_rate, ax):
        librosa.feature.mfcc(signal, sample_rate, n_fft=2048, hop_length=512, n_mfcc=13)

    assert mistake(E.check_seed_mfcc_plot(seed_verbatim)) == "positional-args"
    assert mistake(E.check_seed_mfcc_plot(plot_seed_keywords_only)) == "x-in-frames"

    def with_time(signal, sample_rate, ax):
        img = librosa.display.specshow(_mfcc(signal, sample_rate), sr=sample_rate,
                                       hop_length=512, x_axis="time", ax=ax)
        plt.ylabel("MFCC coefficients")
        plt.colorbar(img)

    assert mistake(E.check_seed_mfcc_plot(with_time)) == "no-coefficient-ticks"

    def with_ticks(signal, sample_rate, ax):
        with_time(signal, sample_rate, ax)
        ax.set_yticks(range(0, 13, 2))

    assert mistake(E.check_seed_mfcc_plot(with_ticks)) == "colorbar-unit"

    def with_unit(signal, sample_rate, ax):
        img = librosa.display.specshow(_mfcc(signal, sample_rate), sr=sample_rate,
                                       hop_length=512, x_axis="time", ax=ax)
        ax.set_yticks(range(0, 13, 2))
        plt.colorbar(img, ax=ax, label="MFCC value (dB)")

    assert mistake(E.check_seed_mfcc_plot(with_unit)) == "c0-dominates"


@pytest.mark.parametrize("fn, expected", [
    # drew on a new figure instead of the axes given
    (lambda s, sr, ax: (plt.figure(), librosa.display.specshow(_mfcc(s, sr)[1:], sr=sr,
                                                              x_axis="time")), "not-on-ax"),
    # forgot sr
    (lambda s, sr, ax: _drop_c0_default_sr(s, sr, ax), "sr-not-passed"),
    (lambda s, sr, ax: librosa.display.specshow(librosa.feature.mfcc(y=s, sr=sr), sr=sr,
                                                x_axis="time", ax=ax), "n-mfcc"),
    (lambda s, sr, ax: librosa.display.specshow(np.abs(librosa.stft(s))[:13], sr=sr,
                                                x_axis="time", ax=ax), "other-data"),
    (lambda s, sr, ax: _drop_c0(s, sr, ax, specshow_sr=None), "specshow-sr"),
    (lambda s, sr, ax: _drop_c0(s, sr, ax, labels_from=0), "tick-offset"),
    # imshow with no extent: the x axis counts frames
    (lambda s, sr, ax: ax.imshow(_mfcc(s, sr)[1:], origin="lower", aspect="auto"),
     "x-in-frames"),
    (lambda s, sr, ax: _drop_c0(s, sr, ax, colourbar=False), "no-colorbar"),
    (lambda s, sr, ax: _drop_c0(s, sr, ax, cb_label="MFCC value"), "colorbar-unit"),
    (lambda s, sr, ax: 1 / 0, "raised"),
])
def test_seed_plot_named_mistakes(fn, expected):
    assert first_try(E.check_seed_mfcc_plot(fn)) == expected


def _drop_c0(s, sr, ax, *, specshow_sr="same", labels_from=1, colourbar=True,
             cb_label="MFCC value (dB)"):
    C = _mfcc(s, sr)
    kw = {} if specshow_sr is None else {"sr": sr}
    img = librosa.display.specshow(C[1:], hop_length=512, x_axis="time", ax=ax, **kw)
    rows = np.arange(0, 12, 2)
    ax.set_yticks(rows, labels=[str(r + labels_from) for r in rows])
    if colourbar:
        ax.figure.colorbar(img, ax=ax, label=cb_label)


def _drop_c0_default_sr(s, sr, ax):
    C = librosa.feature.mfcc(y=s, n_fft=2048, hop_length=512, n_mfcc=13)  # sr left at 22,050
    img = librosa.display.specshow(C[1:], sr=sr, hop_length=512, x_axis="time", ax=ax)
    ax.set_yticks(range(0, 12, 2), labels=[str(r + 1) for r in range(0, 12, 2)])
    ax.figure.colorbar(img, ax=ax, label="MFCC value (dB)")


def test_seed_plot_placeholders():
    def stub(signal, sample_rate, ax):
        ...  # your code here

    for fn in (None, ..., stub):
        assert unanswered(E.check_seed_mfcc_plot(fn))


def test_fresh_signals_make_c0_dominate():
    """The check's signals are ones where the original figure really is dominated by c0."""
    for signal, sr in ex05._fresh_signals():
        C = _mfcc(signal, sr)
        assert np.median(C[0]) < C[1:].min(), "c0 lies below every other coefficient"
    assert ex05._fresh_signals()[0][1] == 16000  # a sample rate other than the default


# --------------------------------------------------------------------------------------------
# library behaviour the notebook states (both librosa versions)
# --------------------------------------------------------------------------------------------
def test_librosa_facts_stated_in_the_notebook():
    import warnings

    y = np.random.default_rng(0).normal(0, 0.1, 22050).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning at all
        C = librosa.feature.mfcc(y=y, sr=22050, n_mfcc=40, n_mels=20)
    assert C.shape[0] == 20, "n_mfcc > n_mels silently returns n_mels rows"
    with pytest.raises(TypeError):
        librosa.feature.mfcc(y, 22050, n_mfcc=13)  # the seed's positional call
    with pytest.warns(UserWarning, match="Empty filters"):
        librosa.filters.mel(sr=22050, n_fft=256, n_mels=128)
    C = librosa.feature.mfcc(y=y, sr=22050)
    assert C.shape[0] == 20, "librosa's default n_mfcc is 20"
    lift = librosa.feature.mfcc(y=y, sr=22050, lifter=22)
    n = np.arange(20)[:, None]
    assert np.allclose(lift, C * (1 + 11 * np.sin(np.pi * (n + 1) / 22)), rtol=1e-4, atol=1e-3)
