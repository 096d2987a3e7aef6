"""Exercise checks of 03_stft_spectrogram: the right answers pass, each named mistake fails with
its own mistake id, the reasonable variants pass, and placeholders are "not answered yet"."""

from __future__ import annotations

import math

import librosa
import matplotlib.pyplot as plt
import numpy as np
import pytest
import scipy.signal

from helpers import exercises as ex
from helpers.exercises import ex03


@pytest.fixture(autouse=True)
def _fresh():
    ex.reset()
    yield
    ex.reset()
    plt.close("all")


def _stub(*args):
    ...


def _assert_unanswered(check):
    for placeholder in (None, ..., _stub):
        r = check(placeholder)
        assert not r and r.status == "unanswered", r.text()


# ---------------------------------------------------------------------------------- exercise 1
def n_frames_right(n_samples, n_fft, hop, center=True):
    if center:
        return 1 + n_samples // hop
    return 1 + (n_samples - n_fft) // hop


@pytest.mark.filterwarnings("ignore:n_fft=.*too large:UserWarning")
def test_frame_reference_agrees_with_librosa():
    """The check's cases and formula, against librosa itself (both versions)."""
    for center, cases in ((True, ex03._FRAME_CASES_CENTER), (False, ex03._FRAME_CASES_NOCENTER)):
        for n, n_fft, hop in cases:
            got = librosa.stft(y=np.zeros(n, dtype=np.float32), n_fft=n_fft, hop_length=hop,
                               center=center).shape[1]
            assert got == ex03._frames_ref(n, n_fft, hop, center) == \
                n_frames_right(n, n_fft, hop, center)


def test_n_frames_right_and_variants():
    assert ex.check_n_frames(n_frames_right)
    # variants: a float result that is whole, the general padded formula, ceil((n + 1) / hop)
    assert ex.check_n_frames(lambda n, f, h, c=True: float(n_frames_right(n, f, h, c)))
    assert ex.check_n_frames(
        lambda n, f, h, c=True: 1 + (n + 2 * (f // 2) - f) // h if c else 1 + (n - f) // h)
    assert ex.check_n_frames(
        lambda n, f, h, c=True: math.ceil((n + 1) / h) if c else 1 + (n - f) // h)
    assert ex.check_n_frames(
        lambda n, f, h, c=True: np.int64(n_frames_right(n, f, h, c)))


@pytest.mark.parametrize("fn, mistake", [
    (lambda n, f, h, c: math.ceil(n / h) if c else 1 + (n - f) // h, "ceil"),
    (lambda n, f, h, c: n // h if c else 1 + (n - f) // h, "floor"),
    (lambda n, f, h, c: 1 + (n - f) // h, "no-padding"),
    (lambda n, f, h, c: 1 + n // f if c else 1 + (n - f) // h, "n_fft-as-hop"),
    (lambda n, f, h, c: 1 + n // h, "padded-anyway"),
    (lambda n, f, h, c: 1 + n // h if c else (n - f) // h, "missing-first-frame"),
    (lambda n, f, h, c: 1 + n // h if c else math.ceil((n - f) / h), "ceil-no-center"),
    (lambda n, f, h, c: n / h + 1, "not-whole"),
    (lambda n, f, h, c: 173, "other"),  # the answer for the old exercise's one example
    (lambda n, f, h, c: "many", "not-a-number"),
])
def test_n_frames_named_mistakes(fn, mistake):
    r = ex.check_n_frames(fn)
    assert not r and r.mistake == mistake, r.text()


def test_ceil_matches_the_old_single_example_by_coincidence():
    """Why the old exercise was passed by ceil(N/hop): 44100 samples, hop 256."""
    assert math.ceil(44100 / 256) == n_frames_right(44100, 1024, 256)
    assert math.ceil(16384 / 256) != n_frames_right(16384, 1024, 256)


def test_n_frames_placeholders():
    _assert_unanswered(ex.check_n_frames)


# ---------------------------------------------------------------------------------- exercise 2
def click_time_right(S, sr, hop):
    power = (np.abs(S) ** 2).sum(axis=0)
    first = np.flatnonzero(power >= 0.5 * power.max())[0]
    return librosa.frames_to_time(first, sr=sr, hop_length=hop)


def _first(S):
    power = (np.abs(S) ** 2).sum(axis=0)
    return int(np.flatnonzero(power >= 0.5 * power.max())[0])


def test_click_time_reference_is_near_the_click():
    """Independent of the check: the first-frame time lies within half a window of the click."""
    for sr, n_fft, hop, seconds, clicks, tone in ex03._CLICK_CASES:
        y = ex03._click_signal(sr, seconds, clicks, tone_hz=tone)
        S = librosa.stft(y=y, n_fft=n_fft, hop_length=hop)
        assert abs(click_time_right(S, sr, hop) - clicks[0][0]) < 0.5 * n_fft / sr


def test_click_time_right_and_variants():
    assert ex.check_click_time_from_frames(click_time_right)
    # variants: magnitude instead of power; m * hop / sr by hand; a numpy float
    def by_magnitude(S, sr, hop):
        m = np.abs(S).sum(axis=0)
        return np.flatnonzero(m >= 0.5 * m.max())[0] * hop / sr

    assert ex.check_click_time_from_frames(by_magnitude)
    assert ex.check_click_time_from_frames(lambda S, sr, hop: np.float32(_first(S) * hop / sr))


@pytest.mark.parametrize("fn, mistake", [
    (lambda S, sr, hop: _first(S), "frame-index"),
    (lambda S, sr, hop: 1000 * _first(S) * hop / sr, "milliseconds"),
    (lambda S, sr, hop: _first(S) * hop, "samples"),
    (lambda S, sr, hop: _first(S) * 2 * (S.shape[0] - 1) / sr, "n_fft-spacing"),
    (lambda S, sr, hop: (_first(S) * hop + (S.shape[0] - 1)) / sr, "center-offset"),
    (lambda S, sr, hop: np.argmax((np.abs(S) ** 2).sum(axis=0)) * hop / sr, "loudest"),
    (lambda S, sr, hop: (np.abs(S) ** 2).sum(axis=0), "wrong-axis"),
    (lambda S, sr, hop: 0.25, "other"),
    (lambda S, sr, hop: "soon", "not-a-number"),
])
def test_click_time_named_mistakes(fn, mistake):
    r = ex.check_click_time_from_frames(fn)
    assert not r and r.mistake == mistake, r.text()


def test_click_time_placeholders():
    _assert_unanswered(ex.check_click_time_from_frames)


# ---------------------------------------------------------------------------------- exercise 3
def spectrogram_db_right(signal, sample_rate, n_fft, hop_length, ax):
    S = librosa.stft(y=signal, n_fft=n_fft, hop_length=hop_length)
    S_db = librosa.amplitude_to_db(np.abs(S), ref=np.max)
    img = librosa.display.specshow(S_db, sr=sample_rate, hop_length=hop_length,
                                   x_axis="time", y_axis="log", ax=ax)
    ax.figure.colorbar(img, ax=ax, format="%+2.0f dB", label="dB re max")
    return S_db


def _seed_variant(*, db="amp", ref=np.max, sr=True, hop=True, x_axis="time", y_axis="log",
                  colorbar="dB re max", ylabel=None, draw=True, top_db=80.0):
    import librosa.display

    def fn(signal, sample_rate, n_fft, hop_length, ax):
        mag = np.abs(librosa.core.stft(signal, hop_length=hop_length, n_fft=n_fft))
        if db == "amp":
            S_db = librosa.amplitude_to_db(mag, ref=ref, top_db=top_db)
        elif db == "amp-on-power":
            S_db = librosa.amplitude_to_db(mag ** 2, ref=ref)
        elif db == "power-on-mag":
            S_db = librosa.power_to_db(mag, ref=ref)
        elif db == "power":
            S_db = librosa.power_to_db(mag ** 2, ref=ref, top_db=top_db)
        else:
            S_db = mag
        if not draw:
            return S_db
        kw = {}
        if sr:
            kw["sr"] = sample_rate
        if hop:
            kw["hop_length"] = hop_length
        img = librosa.display.specshow(S_db, x_axis=x_axis, y_axis=y_axis, ax=ax, **kw)
        if ylabel is not None:
            ax.set_ylabel(ylabel)
        if colorbar is not None:
            ax.figure.colorbar(img, ax=ax, label=colorbar)
        return S_db

    return fn


def test_seed_fix_right_and_variants():
    assert ex.check_fixed_spectrogram(spectrogram_db_right)
    # variants: power_to_db of |S|**2 (same numbers), top_db=None, own axis labels with units
    assert ex.check_fixed_spectrogram(_seed_variant(db="power"))
    assert ex.check_fixed_spectrogram(_seed_variant(top_db=None))
    assert ex.check_fixed_spectrogram(_seed_variant(ylabel="Frequency (Hz)",
                                                    colorbar="Magnitude (dB re max)"))


def test_the_seed_itself_fails():
    """The original code: linear magnitude, sr passed, no ax handling, no units."""
    import librosa.display

    def seed(signal, sample_rate, n_fft, hop_length, ax):
        stft = librosa.core.stft(signal, hop_length=hop_length, n_fft=n_fft)
        spectrogram = np.abs(stft)
        librosa.display.specshow(spectrogram, sr=sample_rate, hop_length=hop_length)
        plt.xlabel("Time")
        plt.ylabel("Frequency")
        plt.colorbar()
        return spectrogram

    r = ex.check_fixed_spectrogram(seed)
    assert not r and r.mistake == "linear", r.text()


@pytest.mark.parametrize("kw, mistake", [
    (dict(db="linear"), "linear"),
    (dict(ref=1.0), "no-ref"),
    (dict(db="amp-on-power"), "amplitude-on-power"),
    (dict(db="power-on-mag"), "power-on-magnitude"),
    (dict(sr=False), "specshow-defaults"),
    (dict(hop=False), "specshow-defaults"),
    (dict(x_axis=None), "x-frames"),
    (dict(y_axis=None), "y-bins"),
    (dict(y_axis="linear"), "y-linear"),
    (dict(ylabel="Frequency"), "no-unit"),
    (dict(colorbar=None), "no-colorbar"),
    (dict(colorbar=""), "colorbar-label"),
    (dict(draw=False), "not-drawn"),
])
def test_seed_fix_named_mistakes(kw, mistake):
    r = ex.check_fixed_spectrogram(_seed_variant(**kw))
    assert not r and r.mistake == mistake, r.text()


def test_seed_fix_closes_its_figures_and_placeholders():
    before = len(plt.get_fignums())
    ex.check_fixed_spectrogram(spectrogram_db_right)
    ex.check_fixed_spectrogram(_seed_variant(db="linear"))
    assert len(plt.get_fignums()) == before
    _assert_unanswered(ex.check_fixed_spectrogram)


# ---------------------------------------------------------------------------------- exercise 4
def my_stft_right(y, n_fft, hop):
    y_pad = np.pad(y, n_fft // 2)
    starts = range(0, len(y_pad) - n_fft + 1, hop)
    frames = np.array([y_pad[s:s + n_fft] for s in starts])
    w = scipy.signal.get_window("hann", n_fft)
    return np.fft.rfft(frames * w, axis=1).T


def _my_stft(*, window="hann", pad="constant", transform=np.fft.rfft, transpose=True,
             center=True):
    def fn(y, n_fft, hop):
        y_pad = np.pad(y, n_fft // 2, mode=pad) if center else y
        frames = np.lib.stride_tricks.sliding_window_view(y_pad, n_fft)[::hop]
        w = window if isinstance(window, np.ndarray) and window.size == n_fft else (
            np.hanning(n_fft) if window == "symmetric" else
            scipy.signal.get_window(window, n_fft))
        S = transform(frames * w, axis=1)
        return S.T if transpose else S

    return fn


def test_my_stft_right_and_variants():
    assert ex.check_my_stft(my_stft_right)
    assert ex.check_my_stft(_my_stft())  # stride tricks
    assert ex.check_my_stft(_my_stft(window="hann"))
    # variant: np.hanning(n_fft + 1)[:-1] is the periodic Hann too
    assert ex.check_my_stft(lambda y, n, h: _my_stft(window=np.hanning(n + 1)[:-1])(y, n, h))
    # variant: librosa.util.frame for the framing (not an STFT function)
    def with_util_frame(y, n_fft, hop):
        frames = librosa.util.frame(np.pad(y, n_fft // 2), frame_length=n_fft, hop_length=hop)
        return np.fft.rfft(frames * scipy.signal.get_window("hann", n_fft)[:, None], axis=0)

    assert ex.check_my_stft(with_util_frame)


def test_my_stft_reference_is_librosa_and_a_numpy_stft_matches_it():
    for i, (n, n_fft, hop, sr, kind) in enumerate(ex03._STFT_CASES):
        y = ex03._stft_signal(n, sr, kind, seed=10 + i)
        ref = librosa.stft(y=y, n_fft=n_fft, hop_length=hop)
        assert np.max(np.abs(my_stft_right(y, n_fft, hop) - ref)) <= 1e-4 * np.abs(ref).max()


@pytest.mark.parametrize("fn, mistake", [
    (lambda y, n, h: librosa.stft(y=y, n_fft=n, hop_length=h), "used-library"),
    (lambda y, n, h: librosa.core.stft(y=y, n_fft=n, hop_length=h), "used-library"),
    (lambda y, n, h: scipy.signal.stft(y, nperseg=n, noverlap=n - h)[2], "used-library"),
    (lambda y, n, h: np.abs(my_stft_right(y, n, h)), "magnitude"),
    (lambda y, n, h: my_stft_right(y, n, h).real, "not-complex"),
    (_my_stft(transpose=False), "transposed"),
    (_my_stft(transform=np.fft.fft), "full-fft"),
    (_my_stft(center=False), "no-padding"),
    (_my_stft(window="boxcar"), "no-window"),
    (_my_stft(window="symmetric"), "symmetric-window"),
    (_my_stft(pad="reflect"), "reflect-padding"),
    (lambda y, n, h: np.conj(my_stft_right(y, n, h)), "conjugate"),
    (lambda y, n, h: my_stft_right(y, n, h)[:, :-1], "shape"),
    (lambda y, n, h: 2 * my_stft_right(y, n, h), "values"),
])
def test_my_stft_named_mistakes(fn, mistake):
    r = ex.check_my_stft(fn)
    assert not r and r.mistake == mistake, r.text()


def test_my_stft_tripwires_are_removed_afterwards():
    orig = (librosa.stft, scipy.signal.stft)
    ex.check_my_stft(lambda y, n, h: librosa.stft(y=y, n_fft=n, hop_length=h))
    assert (librosa.stft, scipy.signal.stft) == orig
    _assert_unanswered(ex.check_my_stft)


# ---------------------------------------------------------------------------------- exercise 5
def lowpass_right(S, freqs, cutoff):
    S_out = S.copy()
    S_out[freqs > cutoff, :] = 0
    return S_out


def test_lowpass_right_and_variants():
    assert ex.check_stft_lowpass(lowpass_right)
    # variants: >= at the cut-off bin; np.where; a mask multiplication
    def ge(S, freqs, cutoff):
        out = S.copy()
        out[freqs >= cutoff] = 0
        return out

    assert ex.check_stft_lowpass(ge)
    assert ex.check_stft_lowpass(lambda S, f, c: np.where((f <= c)[:, None], S, 0))
    assert ex.check_stft_lowpass(lambda S, f, c: S * (f <= c)[:, None])


def _in_place(S, freqs, cutoff):
    S[freqs > cutoff] = 0
    return S


def _time_domain(S, freqs, cutoff):
    """A learner who filters the signal: istft, Butterworth low-pass, stft again."""
    n_fft = 2 * (S.shape[0] - 1)
    sr = 2 * freqs[-1]
    y = librosa.istft(S, hop_length=n_fft // 4, n_fft=n_fft)
    sos = scipy.signal.butter(8, cutoff, fs=sr, output="sos")
    y_low = scipy.signal.sosfiltfilt(sos, y)
    out = librosa.stft(y=y_low, n_fft=n_fft, hop_length=n_fft // 4)
    out[freqs > cutoff] = 0  # even with the high bins cleared, the low ones have changed
    return out[:, :S.shape[1]] if out.shape[1] >= S.shape[1] else np.pad(
        out, ((0, 0), (0, S.shape[1] - out.shape[1])))


def _bin_index(S, freqs, cutoff):
    out = S.copy()
    out[int(cutoff):] = 0
    return out


@pytest.mark.parametrize("fn, mistake", [
    (lambda S, f, c: S.copy(), "nothing-removed"),
    (lambda S, f, c: np.where((f < c)[:, None], 0, S), "wrong-side"),
    (lambda S, f, c: np.abs(lowpass_right(S, f, c)), "magnitude"),
    (_in_place, "in-place"),
    (_time_domain, "time-domain"),
    (_bin_index, "bin-index"),
    (lambda S, f, c: 0.5 * lowpass_right(S, f, c), "time-domain"),
    (lambda S, f, c: lowpass_right(S, f, 2 * c), "not-zeroed"),
    (lambda S, f, c: lowpass_right(S, f, c).T, "shape"),
])
def test_lowpass_named_mistakes(fn, mistake):
    r = ex.check_stft_lowpass(fn)
    assert not r and r.mistake == mistake, r.text()


def test_lowpass_removes_the_highs_from_the_sound():
    """What the check asks for really is a low-pass filter: the resynthesised noise has (almost)
    no power above the cut-off."""
    sr, n_fft, hop, cutoff = 16000, 1024, 256, 2000.0
    y = np.random.default_rng(3).standard_normal(sr).astype(np.float32)
    S = librosa.stft(y=y, n_fft=n_fft, hop_length=hop)
    out = librosa.istft(lowpass_right(S, np.fft.rfftfreq(n_fft, 1 / sr), cutoff),
                        hop_length=hop, n_fft=n_fft, length=y.size)
    f = np.fft.rfftfreq(y.size, 1 / sr)
    P = np.abs(np.fft.rfft(out)) ** 2
    P_in = np.abs(np.fft.rfft(y)) ** 2
    assert P[f > 1.2 * cutoff].sum() < 1e-3 * P_in[f > 1.2 * cutoff].sum()
    assert P[f < 0.8 * cutoff].sum() > 0.8 * P_in[f < 0.8 * cutoff].sum()


def test_lowpass_placeholders():
    _assert_unanswered(ex.check_stft_lowpass)


# ---------------------------------------------------------------------------------- exercise 6
def choose_right(f1, f2, sr):
    n_fft = 2 ** math.ceil(math.log2(4 * sr / abs(f2 - f1)))
    return n_fft, "hann"


def test_choose_n_fft_right_and_variants():
    assert ex.check_choose_n_fft(choose_right)
    assert ex.check_choose_n_fft(lambda f1, f2, sr: choose_right(f1, f2, sr)[0])  # int only
    assert ex.check_choose_n_fft(lambda f1, f2, sr: [choose_right(f1, f2, sr)[0], "hann"])
    # not a power of two: exactly 4 or 5 bins apart
    assert ex.check_choose_n_fft(lambda f1, f2, sr: math.ceil(5 * sr / abs(f2 - f1)))
    # other tapered windows with a little more room
    assert ex.check_choose_n_fft(
        lambda f1, f2, sr: (2 ** math.ceil(math.log2(6 * sr / abs(f2 - f1))), "blackman"))
    assert ex.check_choose_n_fft(
        lambda f1, f2, sr: (2 ** math.ceil(math.log2(4 * sr / abs(f2 - f1))), "hamming"))
    # 3 bins, rounded up to a power of two, is also enough here
    assert ex.check_choose_n_fft(
        lambda f1, f2, sr: 2 ** math.ceil(math.log2(3 * sr / abs(f2 - f1))))


@pytest.mark.parametrize("fn, mistake", [
    (lambda f1, f2, sr: 2048, "too-small"),  # the default, for every pair
    (lambda f1, f2, sr: 2 ** math.ceil(math.log2(sr / abs(f2 - f1))), "too-small"),  # 1 bin
    (lambda f1, f2, sr: 2 ** math.ceil(math.log2(2 * sr / abs(f2 - f1))), "too-small"),
    (lambda f1, f2, sr: (choose_right(f1, f2, sr)[0], "boxcar"), "leaky-window"),
    (lambda f1, f2, sr: (choose_right(f1, f2, sr)[0], "rectangular"), "leaky-window"),
    (lambda f1, f2, sr: 64 * choose_right(f1, f2, sr)[0], "too-long"),
    (lambda f1, f2, sr: 2 ** 22, "too-long"),
    (lambda f1, f2, sr: int(4 * sr / (f2 - f1)), "order"),
    (lambda f1, f2, sr: 4 * sr / abs(f2 - f1), "not-whole"),
    (lambda f1, f2, sr: (4096, "no-such-window"), "bad-window"),
    (lambda f1, f2, sr: "big", "not-a-number"),
])
def test_choose_n_fft_named_mistakes(fn, mistake):
    r = ex.check_choose_n_fft(fn)
    assert not r and r.mistake == mistake, r.text()


def test_two_peaks_detector_facts():
    """The detector agrees with what a spectrum shows: equal tones 1 bin apart merge, 4 bins
    apart (Hann) separate; a 30 dB weaker tone 4.5 bins from a loud one hides under the
    rectangular window's side lobes but not under Hann's."""
    sr = 22050
    assert not ex03.two_peaks(1000.0, 1000.0 + sr / 2048, sr, 0.0, 2048)[0]
    assert ex03.two_peaks(1000.0, 1000.0 + 4 * sr / 2048, sr, 0.0, 2048)[0]
    weak = (1000.0, 1000.0 + 4.5 * sr / 2048, sr, -30.0, 2048)
    assert ex03.two_peaks(*weak, window="hann")[0]
    assert not ex03.two_peaks(*weak, window="boxcar")[0]


def test_choose_n_fft_placeholders():
    _assert_unanswered(ex.check_choose_n_fft)


def test_every_check_is_exported_and_numbered():
    ids = sorted(getattr(ex, name).exercise_id for name in ex03.__all__)
    assert ids == ["03.1", "03.2", "03.3", "03.4", "03.5", "03.6"]


# ------------------------------------------------------------ second review: found as a learner
from librosa import stft as _stft_alias  # noqa: E402 (a name bound before the check runs)


@pytest.mark.filterwarnings("ignore:n_fft=.*too large:UserWarning")
@pytest.mark.parametrize("fn", [
    lambda n, f, h, c=True: librosa.stft(y=np.zeros(n), n_fft=f, hop_length=h,
                                         center=c).shape[1],
    lambda n, f, h, c=True: librosa.util.frame(np.pad(np.zeros(n), f // 2 if c else 0),
                                               frame_length=f, hop_length=h).shape[1],
    lambda n, f, h, c=True: __import__("helpers.stft").stft.n_frames(
        n, n_fft=f, hop_length=h, center=c),
    lambda n, f, h, c=True: _stft_alias(y=np.zeros(n), n_fft=f, hop_length=h,
                                        center=c).shape[1],
])
def test_n_frames_counting_librosa_columns_is_not_the_formula(fn):
    """Exercise 1 says "use the formula, not librosa": the right count, obtained from librosa's
    STFT, its framing, or the course's own counter, is named, not passed."""
    r = ex.check_n_frames(fn)
    assert not r and r.mistake == "used-library", r.text()
    assert "formula" in r.text() and "1 + " not in r.shown_hints[0]  # no code in the nudge


def test_my_stft_an_stft_imported_under_another_name_is_noticed():
    r = ex.check_my_stft(lambda y, n, h: _stft_alias(y=y, n_fft=n, hop_length=h))
    assert not r and r.mistake == "used-library" and "librosa.stft" in r.text(), r.text()


def test_my_stft_hamming_window_is_named():
    r = ex.check_my_stft(_my_stft(window="hamming"))
    assert not r and r.mistake == "hamming", r.text()


def _seed_verbatim(signal, sample_rate, n_fft, hop_length, ax):
    """Section 10's code as the tutorial wrote it (plt.colorbar() with no image)."""
    import librosa.display

    stft = librosa.core.stft(signal, hop_length=hop_length, n_fft=n_fft)
    spectrogram = np.abs(stft)
    librosa.display.specshow(spectrogram, sr=sample_rate, hop_length=hop_length, ax=ax)
    plt.xlabel("Time")
    plt.ylabel("Frequency")
    plt.colorbar()
    return spectrogram


def test_seed_fix_the_verbatim_seed_gets_the_colorbar_hint():
    r = ex.check_fixed_spectrogram(_seed_verbatim)
    assert not r and r.mistake == "colorbar-no-mappable", r.text()


def test_seed_fix_positional_arguments_get_their_own_hint():
    def positional(signal, sample_rate, n_fft, hop_length, ax):
        return librosa.stft(signal, n_fft, hop_length)

    r = ex.check_fixed_spectrogram(positional)
    assert not r and r.mistake == "positional-arguments", r.text()


def test_choose_n_fft_exactly_four_bins_gets_a_consistent_hint():
    """Exactly 4 bins merges one quiet pair that falls between bins: the hint must not then
    recommend 4 bins; 5 bins (or the power of two above 4) passes."""
    from tests.conftest import tries  # stages advance on a changed answer: tries() simulates one

    four = lambda f1, f2, sr: math.ceil(4 * sr / abs(f2 - f1))  # noqa: E731
    r = tries(ex.check_choose_n_fft, four)[-1]
    assert not r and r.mistake == "too-small", r.text()
    assert "a little more than 4 bins" in r.text() and "n_fft >= 5 * sr" in r.text()
    assert ex.check_choose_n_fft(lambda f1, f2, sr: math.ceil(5 * sr / abs(f2 - f1)))


def test_choose_n_fft_a_window_array_gets_a_clear_hint():
    r = ex.check_choose_n_fft(lambda f1, f2, sr: (8192, np.hanning(8192)))
    assert not r and r.mistake == "window-array" and "array(" not in r.text(), r.text()
