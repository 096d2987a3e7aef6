"""Exercise checks of 03_stft_spectrogram: the right answers pass, each named mistake fails with
its own mistake id, the reasonable variants pass, and placeholders are "not answered yet"."""

from __future__ import annotations

import math

import librosa
import numpy as np
import pytest
import scipy.signal

from helpers import exercises as ex
from helpers.exercises import ex03
from tests.conftest import spec_cases, tries


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
    for center in (True, False):
        for n, n_fft, hop in ex03._frame_cases(center):
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
def frame_times(n_frames, sr, hop, n_fft, center):
    starts = np.arange(n_frames) * hop  # in the (padded, for center=True) signal
    centres = starts if center else starts + n_fft / 2
    return centres / sr


@pytest.mark.parametrize("case", spec_cases(ex03.EX_2))
def test_frame_times_spec(case):
    case.run()


@pytest.mark.parametrize("fn", [
    frame_times,
    lambda m, sr, hop, n_fft, center: librosa.frames_to_time(
        np.arange(m), sr=sr, hop_length=hop, n_fft=None if center else n_fft),
    lambda m, sr, hop, n_fft, center: [(k * hop + (not center) * n_fft // 2) / sr
                                       for k in range(m)],
], ids=["numpy", "librosa-frames_to_time", "list"])
def test_frame_times_variants(fn):
    assert ex.check_frame_times(fn)


def test_frame_times_reference_agrees_with_librosa():
    """The frame centres are where librosa.stft's frames are centred: a click at a frame's
    centre gives that frame its largest power (checked for both center settings)."""
    for case in ex03.EX_2.all_cases()[:4]:
        n_fft, hop, center, sr = case["n_fft"], case["hop"], case["center"], case["sr"]
        times = ex03._frame_times(case["n_frames"], sr, hop, n_fft, center)
        y = np.zeros(hop * (case["n_frames"] + 2) + n_fft)
        m = case["n_frames"] // 2
        y[round(times[m] * sr)] = 1.0
        power = (np.abs(librosa.stft(y=y, n_fft=n_fft, hop_length=hop, center=center)) ** 2
                 ).sum(axis=0)
        assert int(np.argmax(power)) == m


def test_frame_times_cases_vary_every_parameter():
    cases = ex03.EX_2.all_cases()
    assert {c["center"] for c in cases} == {True, False}
    assert all(c["hop"] * 4 != c["n_fft"] and c["sr"] != 22050 for c in cases)
    assert len({c["n_fft"] for c in cases}) >= 4 and len({c["sr"] for c in cases}) >= 4


# ---------------------------------------------------------------------------------- exercise 3
def window_coverage(n_samples, n_fft, hop):
    w = scipy.signal.get_window("hann", n_fft)
    pad = n_fft // 2
    total = np.zeros(n_samples + 2 * pad)
    for m in range(1 + n_samples // hop):
        total[m * hop:m * hop + n_fft] += w
    return total[pad:pad + n_samples]


@pytest.mark.parametrize("case", spec_cases(ex03.EX_3))
def test_window_coverage_spec(case):
    case.run()


def test_window_coverage_variants():
    assert ex.check_window_coverage(window_coverage)

    def by_centres(n_samples, n_fft, hop):  # each sample asks every frame for its weight
        w = scipy.signal.get_window("hann", n_fft).astype(np.float32)
        out = np.zeros(n_samples, dtype=np.float32)
        for c in range(0, n_samples + 1, hop):
            lo, hi = max(c - n_fft // 2, 0), min(c + n_fft // 2, n_samples)
            out[lo:hi] += w[lo - (c - n_fft // 2):hi - (c - n_fft // 2)]
        return out

    assert ex.check_window_coverage(by_centres)


def test_window_coverage_reference_is_what_librosa_weighs():
    """The reference against librosa itself: a constant signal's STFT frames, inverted one by
    one, are w * 1; adding them at their centred positions gives the same sums."""
    n, n_fft, hop = 3000, 512, 200
    S = librosa.stft(y=np.ones(n), n_fft=n_fft, hop_length=hop)
    frames = np.fft.irfft(S, n=n_fft, axis=0)
    total = np.zeros(n + n_fft)
    for m in range(S.shape[1]):
        total[m * hop:m * hop + n_fft] += frames[:, m]
    assert np.allclose(total[n_fft // 2:n_fft // 2 + n], ex03._window_coverage(n, n_fft, hop),
                       atol=1e-6)


def test_window_coverage_shows_the_vanishing_click():
    """hop = n_fft: weight 0 at the frame edges (section 4's click); hop = n_fft / 2: 1."""
    cov = ex03._window_coverage(8 * 512, 512, 512)
    assert cov[256] < 1e-12 and cov[512] == pytest.approx(1.0)
    cov = ex03._window_coverage(8 * 512, 512, 256)
    assert np.allclose(cov[512:-512], 1.0)


# ---------------------------------------------------------------------------------- exercise 4
def my_istft(S, hop, length):
    n_fft = 2 * (S.shape[0] - 1)
    w = scipy.signal.get_window("hann", n_fft)
    frames = np.fft.irfft(S, n=n_fft, axis=0) * w[:, None]
    n_out = n_fft + hop * (S.shape[1] - 1)
    y, norm = np.zeros(n_out), np.zeros(n_out)
    for m in range(S.shape[1]):
        y[m * hop:m * hop + n_fft] += frames[:, m]
        norm[m * hop:m * hop + n_fft] += w ** 2
    y = y[n_fft // 2:] / np.maximum(norm[n_fft // 2:], 1e-10)
    y = np.pad(y, (0, max(0, length - len(y))))
    return y[:length]


@pytest.mark.parametrize("case", spec_cases(ex03.EX_4))
def test_my_istft_spec(case):
    case.run()


def test_my_istft_variants():
    assert ex.check_my_istft(my_istft)
    assert ex.check_my_istft(lambda S, hop, length: my_istft(
        S.astype(np.complex64), hop, length).astype(np.float32))


def test_my_istft_reference_is_librosa_istft():
    for case, ref in zip(ex03.EX_4.all_cases(), ex03.EX_4.reference_outputs(), strict=True):
        S = np.asarray(case["S"], dtype=np.complex128)
        lib = librosa.istft(S, hop_length=case["hop"], n_fft=2 * (S.shape[0] - 1),
                            length=case["length"])
        assert np.allclose(ref, lib, atol=1e-9)


@pytest.mark.parametrize("fn, expected", [
    (lambda S, hop, length: librosa.istft(S, hop_length=hop, length=length), "used-library"),
    (lambda S, hop, length: np.zeros(length), "other"),
])
def test_my_istft_more_mistakes(fn, expected):
    r = ex.check_my_istft(fn)
    assert not r and r.mistake == expected, r.text()


# ---------------------------------------------------------------------------------- exercise 5 (stretch)
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
    assert ids == ["03.1", "03.2", "03.3", "03.4", "03.5"]


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


def test_choose_n_fft_exactly_four_bins_gets_a_consistent_hint():
    """Exactly 4 bins merges one quiet pair that falls between bins: the hint must not then
    recommend 4 bins; 5 bins (or the power of two above 4) passes."""
    four = lambda f1, f2, sr: math.ceil(4 * sr / abs(f2 - f1))  # noqa: E731
    r = tries(ex.check_choose_n_fft, four)[-1]
    assert not r and r.mistake == "too-small", r.text()
    assert "a little more than 4 bins" in r.text() and "Example:" in r.text()
    assert "n_fft >=" not in r.text()  # the worked example is another pair, not a formula
    assert ex.check_choose_n_fft(lambda f1, f2, sr: math.ceil(5 * sr / abs(f2 - f1)))


def test_choose_n_fft_a_window_array_gets_a_clear_hint():
    r = ex.check_choose_n_fft(lambda f1, f2, sr: (8192, np.hanning(8192)))
    assert not r and r.mistake == "window-array" and "array(" not in r.text(), r.text()


# ------------------------------------------------------- reviewer findings (examiner-a D3-D5)
@pytest.mark.parametrize("fn", [
    lambda n, f, h, c=True: 1 + n // h if c else 1 + (n - f + 1) // h,
    lambda n, f, h, c=True: 1 + (n + 1) // h if c else 1 + (n - f) // h,
    lambda n, f, h, c=True: 1 + n // h if c else 1 + (n - f + 100) // h,
], ids=["nocenter-plus-one", "center-plus-one", "nocenter-plus-100"])
def test_n_frames_off_by_one_numerators_are_refused(fn):
    """D3: both remainders, 0 and hop - 1, are in both branches' cases."""
    assert not ex.check_n_frames(fn)
    for center in (True, False):
        cases = ex03._frame_cases(center)
        for seed in range(3):  # every seed's generated cases hold both remainders
            mine = cases[len(cases) - 9 + 3 * seed:len(cases) - 6 + 3 * seed]
            rems = [(n - (0 if center else f)) % h for n, f, h in mine]
            assert rems[0] == 0 and rems[1] == mine[1][2] - 1


def test_n_frames_wrong_default_is_named():
    """D4: center=False as the default does not count like librosa.stft's default."""
    r = ex.check_n_frames(lambda n, f, h, c=False: n_frames_right(n, f, h, c))
    assert not r and r.mistake == "wrong-default", r.text()


def test_n_frames_named_mistakes_name_a_case():
    text = ex.check_n_frames(lambda n, f, h, c: n // h if c else 1 + (n - f) // h).text()
    assert "n_frames(" in text and "librosa.stft returns" in text


def test_coverage_cases_force_a_hop_that_divides_n_samples():
    """D5: ceil(n_samples / hop) frames misses the last frame when hop divides n_samples."""
    seeds = ex03.EX_3.seed_of_cases()
    for seed in set(seeds):
        cases = [c for c, s in zip(ex03.EX_3.all_cases(), seeds, strict=True) if s == seed]
        assert any(c["n_samples"] % c["hop"] == 0 for c in cases)
        assert any(c["n_samples"] % c["hop"] == c["hop"] - 1 for c in cases)

    def ceil_frames(n_samples, n_fft, hop):
        return ex03._coverage(n_samples, n_fft, hop, frames=lambda n, f, h: math.ceil(n / h))
    assert not ex.check_window_coverage(ceil_frames)


def test_frame_times_midpoint_centre_is_named_and_fallback_example_is_consistent():
    r = ex.check_frame_times(lambda m, sr, hop, n_fft, c: (np.arange(m) * hop
                                                          + (0 if c else (n_fft - 1) / 2)) / sr)
    assert not r and r.mistake == "midpoint", r.text()
    assert "samples 6 ... 13" in ex03.EX_2.fallback.example
    assert "n_fft // 2 = 4" in ex03.EX_2.fallback.example and "centre 10" not in \
        ex03.EX_2.fallback.example


def _examiner_ola(S, hop, length, *, trim=True, const=False):
    """An independent overlap-add (float32 frames when S is complex64, as a learner's is)."""
    S = np.asarray(S)
    n_fft = 2 * (S.shape[0] - 1)
    w = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n_fft) / n_fft)
    frames = np.fft.irfft(S, n=n_fft, axis=0) * w[:, None]
    total = n_fft + hop * (S.shape[1] - 1)
    y, wss = np.zeros(total), np.zeros(total)
    for m in range(S.shape[1]):
        y[m * hop:m * hop + n_fft] += frames[:, m]
        wss[m * hop:m * hop + n_fft] += w ** 2
    if const:
        y /= np.sum(w ** 2) / hop
    else:
        nz = wss > np.finfo(float).tiny
        y[nz] /= wss[nz]
    y = y[n_fft // 2:] if trim else y
    return np.pad(y, (0, max(0, length - len(y))))[:length]


@pytest.mark.parametrize("mistake, kw", [("not-trimmed", {"trim": False}),
                                         ("cola-constant", {"const": True})])
def test_istft_reviewer_mistakes_are_named(mistake, kw):
    """examiner-a: "padding not removed" (its first samples divide rounding by ~0) and "divide
    by the COLA constant" got only the fallback."""
    r = ex.check_my_istft(lambda S, hop, length: _examiner_ola(S, hop, length, **kw))
    assert not r and r.mistake == mistake, r.text()


def test_istft_and_frame_times_first_hints_do_not_hand_over_the_recipe():
    """reader-a: 03.4's hint restated section 8's recipe, 03.2's said where frames start."""
    assert "np.fft.irfft" not in ex03.EX_4.fallback.nudge
    hint = next(m.hint for m in ex03.EX_2.mistakes if m.id == "ignores-center")
    assert "STARTS at sample m * hop" not in hint.nudge
    assert "center=False" not in hint.example  # the worked example is the other setting


def test_choose_n_fft_hints_state_the_criterion_and_agree_with_the_bound():
    too_small = ex.check_choose_n_fft(lambda f1, f2, sr: int(2 * sr / abs(f1 - f2))).text()
    assert "3 dB" in too_small and "6 dB" in too_small
    ex.reset()
    too_long = ex.check_choose_n_fft(lambda f1, f2, sr: int(40 * sr / abs(f1 - f2))).text()
    assert f"up to {ex03.MAX_BINS_APART} bins" in too_long and "4 to 8" not in too_long
