"""helpers.features against librosa (an independent implementation) and against known facts.

Tolerances: dB values 1e-9 dB (float64) / 1e-4 dB (float32); mel/Hz 1e-9 relative; filterbank
1e-6 relative to the largest weight (librosa stores it in float32); MFCCs 1e-5 absolute for
float64 input and 1e-3 absolute for float32 input (librosa's STFT runs in float32 then, ours in
float64; MFCC values are in the tens to hundreds).
"""

from __future__ import annotations

import itertools

import librosa
import numpy as np
import pytest
import scipy.fft

from helpers import features as F

SR = 22050


# ---------------------------------------------------------------------------------------------
# decibels
# ---------------------------------------------------------------------------------------------
REFS = [1.0, 0.5, "max"]
AMINS = [None, 1e-3]
TOP_DBS = [80.0, 30.0, None]


def _librosa_ref(ref):
    return np.max if ref == "max" else ref


@pytest.mark.parametrize("ref,amin,top_db", list(itertools.product(REFS, AMINS, TOP_DBS)))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_to_db_matches_librosa(ref, amin, top_db, dtype):
    rng = np.random.default_rng(1)
    # magnitudes spanning 1e-7 .. 10, including exact zeros (the log-of-0 case)
    mag = (10.0 ** rng.uniform(-7, 1, size=(65, 40))).astype(dtype)
    mag[0, :5] = 0
    tol = 1e-9 if dtype == np.float64 else 1e-4
    kw = {} if amin is None else {"amin": amin}
    ours = F.to_db(mag, kind="amplitude", ref=ref, amin=amin, top_db=top_db)
    theirs = librosa.amplitude_to_db(mag, ref=_librosa_ref(ref), top_db=top_db, **kw)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=tol)
    power = mag.astype(np.float64) ** 2
    kwp = {} if amin is None else {"amin": amin**2}
    ours_p = F.to_db(power, kind="power", ref=ref, amin=None if amin is None else amin**2,
                     top_db=top_db)
    theirs_p = librosa.power_to_db(power, ref=_librosa_ref(ref), top_db=top_db, **kwp)
    np.testing.assert_allclose(ours_p, theirs_p, rtol=0, atol=1e-9)


def test_to_db_facts():
    # 20 log10(0.005 / 0.5) = -40 dB; 20 log10(0.5) = -6.02 dB re full scale
    a = np.array([0.5, 0.005])
    np.testing.assert_allclose(F.to_db(a, ref="max", top_db=None), [0.0, -40.0], atol=1e-12)
    np.testing.assert_allclose(F.to_db(a)[0], 20 * np.log10(0.5), atol=1e-12)
    # magnitude and power give the same dB when each goes to the right function
    np.testing.assert_allclose(F.to_db(a, kind="amplitude"), F.to_db(a**2, kind="power"),
                               atol=1e-12)
    # amin: zeros become a finite floor (-100 dB re 1.0 by default), never -inf
    assert F.to_db(np.zeros(3), top_db=None).tolist() == [-100.0] * 3
    # top_db: nothing lies more than top_db below the maximum
    db = F.to_db(10.0 ** np.linspace(-6, 0, 50), ref="max", top_db=30)
    assert db.max() == 0 and db.min() == -30


# ---------------------------------------------------------------------------------------------
# mel scale and filterbank
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("htk", [False, True])
def test_mel_scale_matches_librosa_and_round_trips(htk):
    f = np.sort(np.concatenate([np.linspace(0, 11025, 997), [999.999, 1000.0, 1000.001]]))
    m = F.hz_to_mel(f, htk=htk)
    np.testing.assert_allclose(m, librosa.hz_to_mel(f, htk=htk), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(F.mel_to_hz(m, htk=htk), f, rtol=1e-9, atol=1e-9)
    mm = np.linspace(0, 4000 if htk else 80, 301)
    np.testing.assert_allclose(F.mel_to_hz(mm, htk=htk), librosa.mel_to_hz(mm, htk=htk),
                               rtol=1e-9, atol=1e-9)
    assert np.all(np.diff(m) > 0), "the mel scale must be strictly increasing"


def test_mel_scale_facts():
    assert F.hz_to_mel(1000.0, htk=True) == pytest.approx(1000.0, abs=0.02)  # by design of HTK
    assert F.hz_to_mel(1000.0) == pytest.approx(15.0)  # Slaney: 1000 Hz / (200/3 Hz per mel)
    assert F.hz_to_mel(0.0) == 0.0 and F.hz_to_mel(0.0, htk=True) == 0.0
    assert isinstance(F.hz_to_mel(440.0), float)


@pytest.mark.parametrize("sr,n_fft,n_mels,fmin,fmax,htk", [
    (22050, 2048, 128, 0.0, None, False),
    (22050, 512, 40, 0.0, None, False),
    (16000, 1024, 64, 50.0, 7600.0, False),
    (22050, 2048, 128, 0.0, None, True),
])
def test_filterbank_matches_librosa(sr, n_fft, n_mels, fmin, fmax, htk):
    W, fft_freqs, centres = F.mel_filterbank(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin,
                                             fmax=fmax, htk=htk)
    ref = librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk)
    assert W.shape == ref.shape == (n_mels, 1 + n_fft // 2)
    np.testing.assert_allclose(W, ref, rtol=0, atol=1e-6 * ref.max())
    np.testing.assert_allclose(fft_freqs, librosa.fft_frequencies(sr=sr, n_fft=n_fft))
    np.testing.assert_allclose(
        centres, librosa.mel_frequencies(n_mels + 2, fmin=fmin, fmax=fmax or sr / 2,
                                         htk=htk)[1:-1], rtol=1e-9)
    # each filter peaks at (the FFT bin nearest) its centre and has unit area in Hz
    df = sr / n_fft
    wide = (centres[2:] - centres[:-2]) > 4 * df
    peaks = fft_freqs[np.argmax(W, axis=1)]
    assert np.all(np.abs(peaks - centres)[1:-1][wide] <= df)
    area = W.sum(axis=1) * df
    np.testing.assert_allclose(area[1:-1][wide], 1.0, rtol=0.05)


# ---------------------------------------------------------------------------------------------
# spectrograms and MFCCs
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def music():
    rng = np.random.default_rng(3)
    t = np.arange(int(1.5 * SR)) / SR
    y = sum(0.2 / k * np.sin(2 * np.pi * 220 * k * t) for k in range(1, 8))
    y = y * (0.5 + 0.5 * np.sin(2 * np.pi * 2 * t)) + 0.01 * rng.standard_normal(t.size)
    return y.astype(np.float64)


def test_power_spectrogram_matches_librosa(music):
    freqs, times, P = F.power_spectrogram(music, sr=SR, n_fft=1024, hop_length=256)
    S = np.abs(librosa.stft(y=music, n_fft=1024, hop_length=256)) ** 2
    assert P.shape == S.shape
    np.testing.assert_allclose(P, S, rtol=0, atol=1e-9 * S.max())
    np.testing.assert_allclose(times, librosa.frames_to_time(np.arange(S.shape[1]), sr=SR,
                                                             hop_length=256))
    np.testing.assert_allclose(freqs, np.fft.rfftfreq(1024, 1 / SR))


def test_mel_spectrogram_matches_librosa(music):
    mel_freqs, times, M = F.mel_spectrogram(music, sr=SR, n_fft=2048, hop_length=512, n_mels=64)
    ref = librosa.feature.melspectrogram(y=music, sr=SR, n_fft=2048, hop_length=512, n_mels=64)
    assert M.shape == ref.shape == (64, 1 + music.size // 512) == (mel_freqs.size, times.size)
    np.testing.assert_allclose(M, ref, rtol=0, atol=1e-6 * ref.max())


@pytest.mark.parametrize("dtype,atol", [(np.float64, 1e-5), (np.float32, 1e-3)])
@pytest.mark.parametrize("n_mfcc,n_mels", [(13, 128), (20, 40)])
def test_mfcc_matches_librosa(music, dtype, atol, n_mfcc, n_mels):
    y = music.astype(dtype)
    idx, times, C = F.mfcc(y, sr=SR, n_mfcc=n_mfcc, n_mels=n_mels, n_fft=2048, hop_length=512)
    ref = librosa.feature.mfcc(y=y, sr=SR, n_mfcc=n_mfcc, n_fft=2048, hop_length=512,
                               n_mels=n_mels)
    assert C.shape == ref.shape == (n_mfcc, times.size)
    assert idx.tolist() == list(range(n_mfcc))
    assert np.abs(C - ref).max() < atol


def test_mfcc_is_dct_of_log_mel(music):
    """The last two steps, checked with an explicit DCT-II matrix instead of scipy.fft."""
    _, _, M = F.mel_spectrogram(music, sr=SR, n_mels=32)
    L = F.to_db(M, kind="power")
    n = 32
    k, m = np.arange(n)[:, None], np.arange(n)[None, :]
    D = np.sqrt(2 / n) * np.cos(np.pi * k * (2 * m + 1) / (2 * n))
    D[0] /= np.sqrt(2)
    np.testing.assert_allclose(D @ D.T, np.eye(n), atol=1e-12)  # orthonormal
    _, _, C = F.mfcc(music, sr=SR, n_mels=32, n_mfcc=13)
    np.testing.assert_allclose(C, (D @ L)[:13], atol=1e-9)
    np.testing.assert_allclose(scipy.fft.dct(L, type=2, norm="ortho", axis=0), D @ L, atol=1e-9)


@pytest.mark.parametrize("order,width", [(1, 9), (2, 9), (1, 5)])
def test_deltas_match_librosa(music, order, width):
    _, _, C = F.mfcc(music, sr=SR)
    d = F.deltas(C, order=order, width=width)
    np.testing.assert_allclose(d, librosa.feature.delta(C, order=order, width=width), atol=1e-9)
    assert d.shape == C.shape


def test_delta_of_a_ramp_is_its_slope():
    C = np.tile(np.arange(30.0) * 0.5, (3, 1))  # slope 0.5 per frame
    np.testing.assert_allclose(F.deltas(C), 0.5, atol=1e-9)
    np.testing.assert_allclose(F.deltas(C, order=2), 0.0, atol=1e-9)


def test_normalise_per_coefficient(music):
    _, _, C = F.mfcc(music, sr=SR)
    Cn, mean, std = F.normalise_per_coefficient(C)
    np.testing.assert_allclose(Cn.mean(axis=1), 0, atol=1e-9)
    np.testing.assert_allclose(Cn.std(axis=1), 1, atol=1e-9)
    np.testing.assert_allclose(Cn * std + mean, C, atol=1e-9)
    assert mean.shape == std.shape == (C.shape[0], 1)
    const, _, _ = F.normalise_per_coefficient(np.ones((2, 10)))  # constant rows: centred, no NaN
    assert np.all(const == 0)


# ---------------------------------------------------------------------------------------------
# bad input: clear errors, never a librosa/numba traceback
# ---------------------------------------------------------------------------------------------
GOOD = np.random.default_rng(0).standard_normal(SR).astype(np.float32) * 0.1
C_GOOD = np.random.default_rng(0).standard_normal((13, 50))

BAD = [
    # (function, kwargs, exception, words the message must contain)
    (F.to_db, dict(S=np.zeros((4, 4)), ref="max"), ValueError, "all zeros"),
    (F.to_db, dict(S=np.zeros((4, 4)), kind="power", ref=np.max), ValueError, "all zeros"),
    (F.mfcc, dict(y=np.array([], dtype=np.float32), sr=SR), ValueError, "empty"),
    (F.mfcc, dict(y=GOOD[:100], sr=SR), ValueError, "longer than the signal"),
    (F.mfcc, dict(y=np.full(4096, np.nan, np.float32), sr=SR), ValueError, "NaN"),
    (F.mfcc, dict(y=(GOOD * 32767).astype(np.int16), sr=SR), TypeError, "integer"),
    (F.mfcc, dict(y=np.stack([GOOD, GOOD]), sr=SR), ValueError, "mono"),
    (F.mfcc, dict(y=GOOD, sr=0), ValueError, "sr"),
    (F.mfcc, dict(y=GOOD, sr=-22050), ValueError, "sr"),
    (F.mfcc, dict(y=GOOD, sr=SR, hop_length=0), ValueError, "hop_length"),
    (F.mfcc, dict(y=GOOD, sr=SR, hop_length=4096), ValueError, "hop_length"),
    (F.mfcc, dict(y=GOOD, sr=SR, n_mfcc=40, n_mels=20), ValueError, "n_mfcc"),
    (F.mfcc, dict(y=GOOD, sr=SR, n_mels=2000), ValueError, "n_mels"),
    (F.mfcc, dict(y=GOOD, sr=SR, fmax=20000), ValueError, "Nyquist"),
    (F.mel_spectrogram, dict(y=GOOD, sr=SR, fmin=5000, fmax=4000), ValueError, "fmin"),
    (F.mel_filterbank, dict(sr=SR, n_fft=2048, fmax=12000), ValueError, "Nyquist"),
    (F.mel_filterbank, dict(sr=SR, n_fft=2048, n_mels=0), ValueError, "n_mels"),
    (F.mel_filterbank, dict(sr=SR, n_fft=256, n_mels=128), ValueError, "empty"),
    (F.mfcc, dict(y=GOOD, sr=SR, n_fft=256, hop_length=64), ValueError, "empty"),
    (F.power_spectrogram, dict(y="blues.wav", sr=SR), TypeError, "array"),
    (F.power_spectrogram, dict(y=GOOD, sr=SR, n_fft=1), ValueError, "n_fft"),
    (F.to_db, dict(S=np.array([]), kind="power"), ValueError, "empty"),
    (F.to_db, dict(S=np.ones(4, complex)), TypeError, "np.abs"),
    (F.to_db, dict(S=GOOD), ValueError, "negative"),
    (F.to_db, dict(S=np.array([1.0, np.inf])), ValueError, "NaN or infinite"),
    (F.to_db, dict(S=np.ones(4), kind="magnitude"), ValueError, "kind"),
    (F.to_db, dict(S=np.ones(4), ref=0), ValueError, "ref"),
    (F.to_db, dict(S=np.ones(4), ref="loudest"), ValueError, "ref"),
    (F.to_db, dict(S=np.ones(4), amin=0), ValueError, "amin"),
    (F.to_db, dict(S=np.ones(4), top_db=-10), ValueError, "top_db"),
    (F.hz_to_mel, dict(f=-5.0), ValueError, ">= 0"),
    (F.hz_to_mel, dict(f="440 Hz"), TypeError, "number"),
    (F.mel_to_hz, dict(m=[1.0, np.nan]), ValueError, "NaN"),
    (F.hz_to_mel, dict(f=["440", "x"]), TypeError, "number"),
    (F.hz_to_mel, dict(f=np.array([True, False])), TypeError, "real"),
    (F.deltas, dict(C=C_GOOD, width=3, order=3), ValueError, "order"),
    (F.deltas, dict(C=C_GOOD, width=4), ValueError, "odd"),
    (F.deltas, dict(C=C_GOOD, width=1), ValueError, "width"),
    (F.deltas, dict(C=C_GOOD[:, :5]), ValueError, "frames"),
    (F.deltas, dict(C=C_GOOD[0]), ValueError, "2-D"),
    (F.normalise_per_coefficient, dict(C=np.zeros((13, 0))), ValueError, "empty"),
    (F.normalise_per_coefficient, dict(C=np.full((2, 3), np.inf)), ValueError, "NaN"),
]


@pytest.mark.parametrize("sr,n_fft,n_mels", [(22050, 256, 128), (22050, 512, 128),
                                              (16000, 256, 64), (8000, 512, 40)])
def test_empty_filters_refused_exactly_when_librosa_warns(sr, n_fft, n_mels):
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels)
    librosa_warns = any("Empty filters" in str(w.message) for w in caught)
    try:
        F.mel_filterbank(sr=sr, n_fft=n_fft, n_mels=n_mels)
        refused = False
    except ValueError as err:
        refused = "empty" in str(err)
    assert refused == librosa_warns


@pytest.mark.parametrize("func,kwargs,exc,words", BAD,
                         ids=[f"{b[0].__name__}-{i}" for i, b in enumerate(BAD)])
def test_bad_input_gives_clear_error(func, kwargs, exc, words):
    with pytest.raises(exc) as info:
        func(**kwargs)
    assert words.lower() in str(info.value).lower()


# ---------------------------------------------------------------------------------------------
# figures of 04/05: labelled axes and colourbars
# ---------------------------------------------------------------------------------------------
def test_mfcc_plot_is_labelled_as_coefficients(music):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from helpers import plot

    _, _, C = F.mfcc(music, sr=SR)
    img = plot.mfcc(C[1:], sr=SR, hop_length=512, first=1)
    ax = img.axes
    assert ax.get_ylabel() == "MFCC coefficient index"
    assert ax.get_xlabel() == "Time (s)"
    assert ax.get_yticklabels()[0].get_text() == "1"  # row 0 is c1 here
    cbar_ax = [a for a in ax.figure.axes if a is not ax][0]
    assert "DCT of dB" in cbar_ax.get_ylabel()
    lo, hi = img.get_clim()
    assert lo == -hi == -np.abs(C[1:]).max()  # diverging scale centred on 0
    times = img.get_coordinates()[0, :, 0]
    assert times[-1] == pytest.approx(C.shape[1] * 512 / SR, rel=0.02)
    with pytest.raises(ValueError, match="2-D"):
        plot.mfcc(C[0], sr=SR, hop_length=512)
    W, f, _ = F.mel_filterbank(sr=SR, n_fft=1024, n_mels=20)
    ax = plot.mel_filters(W, f, every=2)
    assert len(ax.lines) == 10 and "Hz" in ax.get_xlabel()
    plt.close("all")


# ------------------------------------------------------------------ issue 12: plots and long clips
@pytest.mark.parametrize(
    "C, match",
    [
        (np.full((13, 40), np.nan), r"all 520 values NaN"),
        (np.where(np.eye(13, 40) > 0, np.inf, 1.0), r"13 of 520 values infinite"),
        (np.zeros(13), r"1-D array of 13 values.*n_mfcc, frames"),
        (np.zeros((13, 0)), r"empty"),
    ],
    ids=["all-NaN", "inf", "1-D", "empty"],
)
def test_plot_mfcc_misuse_gets_a_clear_message(C, match):
    import matplotlib.pyplot as plt

    from helpers import plot

    with pytest.raises(ValueError, match=match):
        plot.mfcc(C, sr=22050, hop_length=512)
    plt.close("all")


def test_plot_mfcc_of_a_very_long_clip_is_averaged_to_the_picture():
    import matplotlib.pyplot as plt

    from helpers import plot

    C = np.random.default_rng(0).standard_normal((40, 120000)).astype(np.float32)
    img = plot.mfcc(C, sr=22050, hop_length=512)
    shown = np.asarray(img.get_array())
    assert shown.shape == (40 * 2000,) or shown.shape == (40, 2000)
    np.testing.assert_allclose(shown.reshape(40, 2000)[:, 0], C[:, :60].mean(axis=1), rtol=1e-5)
    assert "mean of 60 frames" in img.axes.get_title()
    short = plot.mfcc(C[:, :1300], sr=22050, hop_length=512)
    assert np.asarray(short.get_array()).size == 40 * 1300
    plt.close("all")


@pytest.mark.parametrize("func", ["power_spectrogram", "mel_spectrogram", "mfcc"])
def test_spectrogram_features_of_a_long_clip_stay_bounded(func):
    """power/mel spectrogram and MFCCs are reduced a block of frames at a time: the complex
    STFT of the whole clip is never held (a 10-minute clip needed 1.3 GB)."""
    import tracemalloc

    y = np.random.default_rng(0).uniform(-0.5, 0.5, 22050 * 120).astype(np.float32)  # 2 min
    tracemalloc.start()
    try:
        out = getattr(F, func)(y, sr=22050)[-1]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    n_frames = 1 + y.size // 512
    assert out.shape[1] == n_frames
    budget = out.nbytes + 2 * y.nbytes + 64 * 2**20  # result, padded copy, a 1024-frame block
    assert peak < budget, f"{func}: {peak / 2**20:.0f} MB, budget {budget / 2**20:.0f} MB"


def test_blockwise_features_equal_the_whole_matrix_computation():
    y = np.random.default_rng(1).uniform(-0.5, 0.5, 22050 * 5).astype(np.float32)  # 216 frames
    _, _, P = F.power_spectrogram(y, sr=22050, n_fft=512, hop_length=64)  # 1724 frames
    S = np.abs(librosa.stft(y=y.astype(np.float64), n_fft=512, hop_length=64,
                            pad_mode="constant")) ** 2
    np.testing.assert_allclose(P, S, rtol=1e-9, atol=1e-12)
    _, _, M = F.mel_spectrogram(y, sr=22050, n_fft=512, hop_length=64, n_mels=40)
    W, _, _ = F.mel_filterbank(sr=22050, n_fft=512, n_mels=40)
    np.testing.assert_allclose(M, W @ P, rtol=1e-12, atol=1e-15)
