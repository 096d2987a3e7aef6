"""helpers.stft: the from-scratch STFT agrees with librosa, axes are right, bad input is refused.

Tolerances: the from-scratch STFT must match ``librosa.stft`` to ``atol = 1e-5 * max|S|`` for
float32 input (single-precision rounding of the output) and ``1e-12 * max|S|`` for float64.
The ISTFT round trip must reconstruct to a max abs error < 1e-5 (float32) / 1e-10 (float64)
for a signal in [-1, 1].
"""

from __future__ import annotations

import librosa
import numpy as np
import pytest
import scipy.signal
from hypothesis import given, settings
from hypothesis import strategies as st

import helpers
from helpers import stft as H

SR = 22050
TOL = {np.float32: 1e-5, np.float64: 1e-12}


def _signal(n, dtype, seed=0):
    return (0.3 * np.random.default_rng(seed).standard_normal(n)).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "n_fft, hop, window",
    [
        (2048, 512, "hann"),
        (1024, 256, "hamming"),
        (511, 128, "hann"),         # odd n_fft
        (256, 256, "blackman"),     # hop == window: no overlap
        (400, 160, ("kaiser", 8.0)),
        (64, 1, "boxcar"),          # hop of one sample
        (255, 100, "hann"),         # odd n_fft, hop not a divisor
    ],
)
def test_stft_matches_librosa(dtype, n_fft, hop, window):
    y = _signal(5003, dtype)
    freqs, times, S = H.stft(y, sr=SR, n_fft=n_fft, hop_length=hop, window=window)
    ref = librosa.stft(y=y, n_fft=n_fft, hop_length=hop, window=window, center=True,
                       pad_mode="constant")
    assert S.shape == ref.shape
    assert S.dtype == ref.dtype
    scale = np.abs(ref).max()
    np.testing.assert_allclose(S, ref, rtol=0, atol=TOL[dtype] * scale)
    np.testing.assert_allclose(freqs, librosa.fft_frequencies(sr=SR, n_fft=n_fft), rtol=1e-12)
    assert times.shape == (S.shape[1],)


def test_stft_matches_a_plain_numpy_dft_of_one_frame():
    """Independent of librosa: frame t of the STFT is the rfft of the windowed padded slice."""
    y = _signal(3000, np.float64, seed=1)
    n_fft, hop, t = 512, 128, 7
    _, _, S = H.stft(y, sr=SR, n_fft=n_fft, hop_length=hop, window="hamming")
    padded = np.concatenate([np.zeros(n_fft // 2), y, np.zeros(n_fft // 2)])
    seg = padded[t * hop: t * hop + n_fft] * scipy.signal.get_window("hamming", n_fft)
    k = np.arange(n_fft // 2 + 1)
    n = np.arange(n_fft)
    dft = np.exp(-2j * np.pi * np.outer(k, n) / n_fft) @ seg
    np.testing.assert_allclose(S[:, t], dft, atol=1e-9)


def test_center_false_matches_librosa_and_times_are_frame_centres():
    y = _signal(4000, np.float32)
    _, times, S = H.stft(y, sr=SR, n_fft=1024, hop_length=256, center=False)
    ref = librosa.stft(y=y, n_fft=1024, hop_length=256, center=False)
    np.testing.assert_allclose(S, ref, atol=1e-5 * np.abs(ref).max())
    np.testing.assert_allclose(times, (np.arange(S.shape[1]) * 256 + 512) / SR)


@pytest.mark.parametrize("n", [1024, 1025, 5000, 22050, 22051])
@pytest.mark.parametrize("n_fft, hop", [(1024, 256), (1023, 256), (2048, 512), (512, 500)])
@pytest.mark.parametrize("center", [True, False])
def test_frame_count_formula(n, n_fft, hop, center):
    y = np.zeros(n, dtype=np.float32)
    if n_fft > n:  # refused with a clear message instead of librosa's error
        with pytest.raises(ValueError, match="longer than the signal"):
            H.n_frames(n, n_fft=n_fft, hop_length=hop, center=center)
        return
    got = H.n_frames(n, n_fft=n_fft, hop_length=hop, center=center)
    assert got == librosa.stft(y=y, n_fft=n_fft, hop_length=hop, center=center).shape[1]
    assert got == H.frame_signal(y, frame_length=n_fft, hop_length=hop, center=center).shape[0]
    if center and n_fft % 2 == 0:
        assert got == 1 + n // hop  # the formula the notebook prints


def test_frame_signal_content():
    y = np.arange(20, dtype=np.float64)
    frames = H.frame_signal(y, frame_length=8, hop_length=4, center=False)
    assert frames.shape == (4, 8)
    np.testing.assert_array_equal(frames[2], np.arange(8, 16))
    centred = H.frame_signal(y, frame_length=8, hop_length=4)
    np.testing.assert_array_equal(centred[0], [0, 0, 0, 0, 0, 1, 2, 3])  # 4 zeros of padding
    centred[0, 0] = 99  # a copy, not a view into y
    assert y[0] == 0


def test_resolution_numbers():
    r = H.resolution(22050, 2048, 512)
    assert r["delta_t_s"] == pytest.approx(512 / 22050)
    assert r["delta_f_hz"] == pytest.approx(22050 / 2048)
    assert r["window_ms"] == pytest.approx(1000 * 2048 / 22050)
    assert r["hop_ms"] == pytest.approx(1000 * 512 / 22050)
    assert r["n_bins"] == 1025 and r["overlap"] == pytest.approx(0.75)
    # the bin spacing is the step of the frequency axis
    assert np.diff(librosa.fft_frequencies(sr=22050, n_fft=2048))[0] == pytest.approx(
        r["delta_f_hz"])


@pytest.mark.parametrize("dtype, tol", [(np.float32, 1e-5), (np.float64, 1e-10)])
@pytest.mark.parametrize("n_fft, hop", [(2048, 512), (1024, 256), (512, 128)])
def test_istft_round_trip(dtype, tol, n_fft, hop):
    y = np.clip(_signal(11025, dtype, seed=2), -1, 1)
    _, _, S = H.stft(y, sr=SR, n_fft=n_fft, hop_length=hop)
    back = H.istft(S, hop_length=hop, n_fft=n_fft, length=y.size)
    assert back.shape == y.shape
    assert np.max(np.abs(back - y)) < tol


def test_click_train_peaks_at_click_times():
    """Frame energy peaks where the clicks are, to within one hop: the time axis is right."""
    y, sr = helpers.load("clicks")
    clicks = np.flatnonzero(np.abs(y) > 0.5) / sr  # independent: the samples themselves
    assert clicks.size == 7
    for n_fft, hop in [(512, 128), (2048, 512), (1024, 256)]:
        _, times, S = H.stft(y, sr=sr, n_fft=n_fft, hop_length=hop)
        energy = (np.abs(S) ** 2).sum(axis=0)
        peaks, _ = scipy.signal.find_peaks(energy, height=0.5 * energy.max(),
                                           distance=max(1, int(0.1 * sr / hop)))
        assert peaks.size == clicks.size
        assert np.all(np.abs(times[peaks] - clicks) <= hop / sr)


def test_time_axis_of_a_tone_burst():
    """A burst from 0.5 s to 1.0 s: frames with energy lie inside it (+/- half a window)."""
    y = np.zeros(SR * 2, dtype=np.float32)
    t = np.arange(SR // 2) / SR
    y[SR // 2: SR] = 0.5 * np.sin(2 * np.pi * 1000 * t)
    n_fft, hop = 1024, 256
    freqs, times, S = H.stft(y, sr=SR, n_fft=n_fft, hop_length=hop)
    active = times[(np.abs(S) ** 2).sum(axis=0) > 1e-3 * (np.abs(S) ** 2).sum(axis=0).max()]
    half = n_fft / 2 / SR
    assert active.min() >= 0.5 - half - 1e-9 and active.max() <= 1.0 + half + 1e-9
    assert freqs[np.argmax(np.abs(S).sum(axis=1))] == pytest.approx(1000, abs=SR / n_fft)


GOOD = _signal(4096, np.float32)


@pytest.mark.parametrize(
    "kwargs, exc, message",
    [
        (dict(y=np.array([], dtype=np.float32)), ValueError, "empty"),
        (dict(y=GOOD[:100]), ValueError, "longer than the signal"),
        (dict(y=np.r_[GOOD, np.nan].astype(np.float32)), ValueError, "NaN"),
        (dict(y=np.r_[GOOD, np.inf].astype(np.float32)), ValueError, "NaN or infinite"),
        (dict(y=(GOOD * 32767).astype(np.int16)), TypeError, "integer dtype"),
        (dict(y=np.stack([GOOD, GOOD])), ValueError, "mono"),
        (dict(y="blues"), TypeError, "numpy array"),
        (dict(y=GOOD.astype(np.complex64)), TypeError, "complex"),
        (dict(sr=0), ValueError, "sr must be > 0"),
        (dict(sr=-22050), ValueError, "sr must be > 0"),
        (dict(n_fft=8192), ValueError, "longer than the signal"),
        (dict(n_fft=1), ValueError, "n_fft must be >= 2"),
        (dict(n_fft=512.5), TypeError, "whole number"),
        (dict(hop_length=0), ValueError, "hop_length must be > 0"),
        (dict(hop_length=-4), ValueError, "hop_length must be > 0"),
        (dict(hop_length=4096), ValueError, "larger than the window"),
        (dict(window="hannn"), ValueError, "unknown window"),
        (dict(window=np.ones(100)), ValueError, "n_fft=2048 samples"),
        (dict(center="yes"), TypeError, "center must be True or False"),
        (dict(pad_mode="zeros"), ValueError, "unknown pad_mode"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_stft_bad_input(kwargs, exc, message):
    args = dict(y=GOOD, sr=SR, n_fft=2048, hop_length=512)
    args.update(kwargs)
    with pytest.raises(exc, match=message):
        H.stft(**args)


@pytest.mark.parametrize(
    "call, exc, message",
    [
        (lambda: H.frame_signal(GOOD, frame_length=8192, hop_length=512), ValueError,
         "longer than the signal"),
        (lambda: H.frame_signal(GOOD, frame_length=512, hop_length=1024), ValueError,
         "larger than the window"),
        (lambda: H.frame_signal(np.zeros(SR * 60, np.float32), frame_length=4096, hop_length=1),
         ValueError, "GiB"),
        (lambda: H.n_frames(0, n_fft=512, hop_length=128), ValueError, "n_samples must be >= 1"),
        (lambda: H.n_frames(1.5, n_fft=512, hop_length=128), TypeError, "whole number"),
        (lambda: H.resolution(0, 2048, 512), ValueError, "sr must be > 0"),
        (lambda: H.resolution(22050, 2048, 0), ValueError, "hop_length must be > 0"),
        (lambda: H.istft(np.abs(_S()), hop_length=512), TypeError, "magnitude or power"),
        (lambda: H.istft(_S()[0], hop_length=512), ValueError, "must be 2-D"),
        (lambda: H.istft(_S().tolist(), hop_length=512), TypeError, "numpy array"),
        (lambda: H.istft(_S(), hop_length=512, n_fft=1024), ValueError, "frequency bins"),
        (lambda: H.istft(_S(), hop_length=4096), ValueError, "larger than the window"),
        (lambda: H.istft(_S() * np.nan, hop_length=512), ValueError, "NaN"),
        (lambda: H.istft(_S(), hop_length=512, window="nope"), ValueError, "unknown window"),
        (lambda: H.istft(_S(), hop_length=512, length=0), ValueError, "length must be"),
        # the 03 figure helpers refuse bad input with the same kind of message
        (lambda: _plot().stft_frames(GOOD, SR, n_fft=1024, hop_length=256, first_frame=10_000),
         ValueError, "do not exist"),
        (lambda: _plot().stft_frames(GOOD, SR, n_fft=1024, hop_length=256, first_frame=-1),
         ValueError, "do not exist"),
        (lambda: _plot().stft_frames(GOOD, SR, n_fft=1024, hop_length=256, n_show=0),
         ValueError, "n_show >= 1"),
        (lambda: _plot().stft_frames(GOOD, SR, n_fft=1024, hop_length=256, first_frame=1.5),
         TypeError, "whole number"),
        (lambda: _plot().stft_frames(GOOD, SR, n_fft=1024, hop_length=256, window="nope"),
         ValueError, "unknown window"),
        (lambda: _plot().stft_frames(GOOD, SR, n_fft=1024, hop_length=2048), ValueError,
         "larger than the window"),
        (lambda: _plot().stft_tradeoff(GOOD, SR, n_ffts=()), ValueError, "n_ffts is empty"),
        (lambda: _plot().stft_tradeoff(GOOD, SR, hop_divisor=0), ValueError, "hop_divisor"),
        (lambda: _plot().stft_tradeoff(GOOD, SR, top_db=-80), ValueError, "top_db"),
        (lambda: _plot().stft_tradeoff(GOOD, SR, fmax=SR), ValueError, "Nyquist"),
        (lambda: _plot().stft_tradeoff(GOOD[:1000], SR), ValueError, "longer than the signal"),
    ],
    ids=["frame-too-long", "frame-hop", "frame-memory", "n-zero", "n-float", "res-sr", "res-hop",
         "istft-real", "istft-1d", "istft-list", "istft-nfft", "istft-hop", "istft-nan",
         "istft-window", "istft-length", "frames-beyond", "frames-negative", "frames-none",
         "frames-float", "frames-window", "frames-hop", "tradeoff-empty", "tradeoff-divisor",
         "tradeoff-top-db", "tradeoff-fmax", "tradeoff-short"],
)
def test_other_bad_input(call, exc, message):
    with pytest.raises(exc, match=message):
        call()


def _S():
    return H.stft(GOOD, sr=SR, n_fft=2048, hop_length=512)[2]


def _plot():
    import matplotlib

    matplotlib.use("Agg")
    import helpers.plot

    return helpers.plot


# --- plot helpers --------------------------------------------------
def test_plot_helpers_label_their_axes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from helpers import plot

    y, sr = helpers.load("chirp")
    ax = plot.stft_frames(y, sr, n_fft=1024, hop_length=256, first_frame=10, n_show=3)
    assert ax.get_xlabel() == "Time (s)" and "Amplitude" in ax.get_ylabel()
    assert len(ax.get_lines()) == 1 + 3 + 3  # signal, 3 windows, 3 centre lines
    centres = [ln.get_xdata()[0] for ln in ax.get_lines()[2::2]]
    np.testing.assert_allclose(centres, (10 + np.arange(3)) * 256 / sr)
    fig, rows = plot.stft_tradeoff(y, sr, n_ffts=(256, 1024))
    assert [r["delta_f_hz"] for r in rows] == pytest.approx([sr / 256, sr / 1024])
    assert [r["hop_length"] for r in rows] == [64, 256]
    labels = [a.get_ylabel() for a in fig.axes]
    assert "Magnitude (dB re max)" in labels and "Frequency (Hz)" in labels
    assert "Δf = 86.1 Hz" in fig.axes[0].get_title()
    plt.close("all")


# --- property-based: any valid (length, n_fft, hop, window) agrees with librosa ---------------
@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(16, 3000),
    n_fft=st.integers(2, 600),
    hop_frac=st.floats(0.01, 1.0),
    window=st.sampled_from(["hann", "hamming", "blackman", "boxcar"]),
    center=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_stft_property_matches_librosa(n, n_fft, hop_frac, window, center, seed):
    y = _signal(n, np.float64, seed=seed)
    hop = max(1, int(hop_frac * n_fft))
    if n_fft > n:
        with pytest.raises(ValueError, match="longer than the signal"):
            H.stft(y, sr=SR, n_fft=n_fft, hop_length=hop, window=window, center=center)
        return
    _, times, S = H.stft(y, sr=SR, n_fft=n_fft, hop_length=hop, window=window, center=center)
    ref = librosa.stft(y=y, n_fft=n_fft, hop_length=hop, window=window, center=center)
    assert S.shape == ref.shape == (n_fft // 2 + 1, H.n_frames(n, n_fft=n_fft, hop_length=hop,
                                                                center=center))
    np.testing.assert_allclose(S, ref, rtol=0, atol=1e-12 * max(1.0, np.abs(ref).max()))
    np.testing.assert_allclose(np.diff(times), hop / SR)


# ------------------------------------------------------------------ issue 12: plots and long clips
def _db_image(n_bins=1025, n_frames=300, seed=0):
    rng = np.random.default_rng(seed)
    return (-80 * rng.random((n_bins, n_frames))).astype(np.float32)


@pytest.mark.parametrize(
    "S, kw, exc, match",
    [
        (np.zeros(22050, np.float32), {}, ValueError, r"1-D array of 22050 values.*waveform"),
        (_db_image(513), dict(n_fft=2048), ValueError,
         r"513 rows .* n_fft=2048 gives 1025.*n_fft=1024"),
        (_db_image().T, dict(n_fft=2048), ValueError, r"transposed.*S\.T"),
        (np.full((1025, 20), np.nan), {}, ValueError, r"all 20500 values NaN"),
        (np.where(_db_image() < -40, -np.inf, 0.0), {}, ValueError, r"log of 0.*to_db"),
        (np.ones((1025, 20), complex), {}, TypeError, r"complex.*magnitude in dB"),
        (np.zeros((2, 1025, 20)), {}, ValueError, r"one at a time"),
        (np.zeros((1025, 0)), {}, ValueError, r"empty"),
    ],
    ids=["1-D", "n_fft-mismatch", "transposed", "all-NaN", "-inf", "complex", "3-D", "empty"],
)
def test_plot_spectrogram_misuse_gets_a_clear_message(S, kw, exc, match):
    import matplotlib.pyplot as plt

    with pytest.raises(exc, match=match):
        helpers.plot.spectrogram(S, sr=22050, hop_length=512, label="Magnitude (dB re max)",
                                 **kw)
    plt.close("all")


def test_plot_spectrogram_short_unchanged_long_pooled():
    import matplotlib.pyplot as plt

    from helpers import plot

    short = _db_image(1025, 1292)  # a 30 s clip at hop 512: drawn as it is
    img = plot.spectrogram(short, sr=22050, hop_length=512, n_fft=2048, label="dB")
    np.testing.assert_array_equal(np.asarray(img.get_array()).reshape(short.shape), short)
    assert "\n" not in img.axes.get_title()
    # a 10-minute clip at n_fft 4096, hop 256: 2049 x 51,680 cells -> picture-sized
    S = _db_image(2049, 51680, seed=1)
    S[700, 30001] = 12.0  # one narrow peak must survive
    img = plot.spectrogram(S, sr=22050, hop_length=256, n_fft=4096, label="dB", title="long")
    shown = np.asarray(img.get_array())
    assert shown.size <= plot.MAX_COLS * plot.MAX_ROWS
    assert shown.max() == 12.0 and shown.min() >= S.min()
    assert "long" in img.axes.get_title() and "max of 26 frame(s) x 2 bins" in img.axes.get_title()
    x0, x1 = img.axes.get_xlim()
    assert x0 <= 0.01 and x1 == pytest.approx(51680 * 256 / 22050, rel=0.01)
    assert img.axes.get_ylim()[1] == pytest.approx(11025, rel=0.01)
    plt.close("all")


def test_plot_spectrogram_caller_coordinates_are_respected():
    """A caller that pools itself (plot.stft_tradeoff on long clips) passes the coordinates."""
    import matplotlib.pyplot as plt

    S = _db_image(512, 1024)
    img = helpers.plot.spectrogram(S, sr=22050, hop_length=2048, n_fft=8192, label="dB",
                                   x_coords=np.linspace(0, 600, 1025),
                                   y_coords=np.linspace(0, 11025, 513))
    assert np.asarray(img.get_array()).size == S.size
    plt.close("all")


def test_stft_of_a_long_clip_stays_bounded_and_identical_per_frame():
    """The STFT is computed a block of frames at a time: memory is the result plus a block,
    and the numbers are exactly those of a frame-by-frame rfft."""
    import tracemalloc

    y = np.random.default_rng(0).uniform(-0.5, 0.5, 22050 * 120).astype(np.float32)  # 2 min
    tracemalloc.start()
    try:
        _, _, S = H.stft(y, sr=22050, n_fft=2048, hop_length=512)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < S.nbytes + 120 * 2**20, f"{peak / 2**20:.0f} MB for a {S.nbytes / 2**20:.0f} MB STFT"
    w = scipy.signal.get_window("hann", 2048, fftbins=True)
    yp = np.pad(y, 1024)
    for t in (0, 2047, 2048, S.shape[1] - 1):
        ref = np.fft.rfft(yp[t * 512: t * 512 + 2048].astype(np.float64) * w)
        np.testing.assert_array_equal(S[:, t], ref.astype(np.complex64))
    with pytest.raises(ValueError, match=r"GiB: hop_length=1 is very small"):
        H.stft(y, sr=22050, n_fft=2048, hop_length=1)
