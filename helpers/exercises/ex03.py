"""Exercise checks of 03_stft_spectrogram: frames, their times and weights, the inverse STFT,
resolution.

The ladder (issue 19: every apply/stretch exercise is a situation the notebook does not show):

* 03.1 (warm-up) ``n_frames``: the frame-count formula of section 3.
* 03.2 (apply) ``frame_times``: every frame's centre time, center=True AND center=False (the
  notebook only shows center=True), hops that are not n_fft / 4.
* 03.3 (apply) ``window_coverage``: the summed Hann weights of librosa's CENTRED frames at every
  sample (section 4 draws uncentred frames on an endless signal).
* 03.4 (stretch) ``my_istft``: the inverse STFT from NumPy pieces, equal to ``librosa.istft``
  on unchanged, masked and random-phase spectrograms (the notebook only calls it).
* 03.5 (stretch) ``choose_n_fft``: a design choice with a number, for tone pairs never shown.

Each check calls the learner's function on inputs the notebook never shows and compares it with
an independent reference; every named mistake has its own hint and ``mistake`` id. 03.2-03.4
are declarative specs (:mod:`._spec`).

Used by: notebooks/03_stft_spectrogram.ipynb (exercises 1-5) and its solutions notebook.
"""

from __future__ import annotations

import math

import numpy as np

from ._core import Hint, call, correct, exercise, stop_wrong
from ._routes import Forbidden
from ._spec import FunctionExercise, Mistake, check

__all__ = ["check_n_frames", "check_frame_times", "check_window_coverage", "check_my_istft",
           "check_choose_n_fft"]


# --------------------------------------------------------------------------------------------
# Exercise 1: how many frames?
# --------------------------------------------------------------------------------------------
# (n_samples, n_fft, hop, center). Chosen so that the usual wrong formulas disagree with the
# right one somewhere: n_samples divisible by hop (ceil(N/hop) and N // hop are one short),
# not divisible (ceil(N/hop) is right by coincidence), center=False, a signal shorter than
# n_fft, and a signal exactly one frame long.
# Both remainders that matter are in both lists: n_samples % hop (center=True) and
# (n_samples - n_fft) % hop (center=False) are 0 somewhere and hop - 1 somewhere, so a numerator
# that is off by one either way (n + 1, n - n_fft + 1, ...) fails.
_FRAME_CASES_CENTER = [(44100, 1024, 256), (16384, 1024, 256), (10000, 512, 250),
                       (5000, 256, 64), (1000, 2048, 512), (22050, 2048, 512),
                       (1023, 512, 256), (7999, 400, 160)]
_FRAME_CASES_NOCENTER = [(48000, 2048, 480), (30000, 1000, 200), (8192, 2048, 512),
                         (2048, 2048, 512), (2559, 2048, 512), (1399, 400, 200)]


def _frame_cases(center: bool, seeds: int = 3) -> list[tuple[int, int, int]]:
    """The fixed cases, then, per seed, random framings whose remainder is 0, hop - 1 and
    anything (n_fft even, hop <= n_fft)."""
    out = list(_FRAME_CASES_CENTER if center else _FRAME_CASES_NOCENTER)
    for seed in range(seeds):
        rng = np.random.default_rng([seed, 31, int(center)])
        for rem in (0, -1, None):
            n_fft = 2 * int(rng.integers(64, 1100))
            hop = int(rng.integers(n_fft // 8, n_fft + 1))
            r = int(rng.integers(hop)) if rem is None else rem % hop
            n = (n_fft if not center else 0) + hop * int(rng.integers(2, 200)) + r
            out.append((n, n_fft, hop))
    return out


def _frames_ref(n, n_fft, hop, center):
    if center:
        return 1 + (n + 2 * (n_fft // 2) - n_fft) // hop
    return 1 + (n - n_fft) // hop


# Named wrong formulas, per branch: (mistake id, formula, hint)
_CENTER_MISTAKES = [
    ("ceil", lambda n, f, h: math.ceil(n / h), Hint(
        "ceil(n_samples / hop) agrees with librosa only when hop does not divide n_samples "
        "(that is why it can look right on one example). It misses a frame when it does divide: "
        "count the frame centred on sample 0 as well.",
        "With center=True frame m is centred on sample m * hop, for every m with "
        "m * hop <= n_samples (m = 0 included).",
        example="1000 samples, hop 250, center=True: frames are centred on samples 0, 250, "
                "500, 750 and 1000, five frames, while ceil(1000 / 250) = 4.",
        mistake="ceil")),
    ("floor", lambda n, f, h: n // h, Hint(
        "n_samples // hop is one frame short: frame 0 is centred on the very first sample.",
        "Frames are centred on samples 0, hop, 2*hop, ... up to n_samples: count them.",
        example="1000 samples, hop 300, center=True: frames centred on samples 0, 300, 600, "
                "900: four frames; 1000 // 300 = 3 misses frame 0.",
        mistake="floor")),
    ("no-padding", lambda n, f, h: 1 + (n - f) // h, Hint(
        "that is the count without padding (center=False). With center=True librosa pads "
        "n_fft // 2 zeros at each end, so more frames fit.",
        "The padded signal has n_samples + 2 * (n_fft // 2) samples; count whole frames in it.",
        example="1000 samples, n_fft 400, hop 300: padded to 1400 samples, whole frames start "
                "at 0, 300, 600, 900 (900 + 400 <= 1400): four frames, where the unpadded "
                "signal holds only three (0, 300, 600).",
        mistake="no-padding")),
    ("n_fft-as-hop", lambda n, f, h: 1 + n // f, Hint(
        "frames start every hop samples, not every n_fft samples: consecutive frames overlap.",
        mistake="n_fft-as-hop")),
]
_NOCENTER_MISTAKES = [
    ("padded-anyway", lambda n, f, h: 1 + n // h, Hint(
        "with center=False there is no padding: only frames that lie entirely inside the "
        "signal count.",
        "The last frame must end at or before the last sample: start + n_fft <= n_samples.",
        example="center=False, 1000 samples, n_fft 400, hop 300: frames start at 0, 300 and "
                "600 (600 + 400 = 1000 fits; 900 would not): three frames.",
        mistake="padded-anyway")),
    ("missing-first-frame", lambda n, f, h: (n - f) // h, Hint(
        "(n_samples - n_fft) // hop counts the hops after the first frame: add the first frame.",
        mistake="missing-first-frame")),
    ("ceil-no-center", lambda n, f, h: math.ceil((n - f) / h), Hint(
        "rounding up counts a last frame that would run past the end of the signal; with "
        "center=False only whole frames count (round down, then add the first frame).",
        mistake="ceil-no-center")),
]


def _whole(value, case) -> int:
    try:
        v = float(np.asarray(value, dtype=float).reshape(()))
    except (TypeError, ValueError):
        stop_wrong(Hint(f"n_frames{case} returned {value!r}: return one whole number of frames.",
                        mistake="not-a-number"))
    if not np.isfinite(v) or v != round(v):
        stop_wrong(Hint(f"n_frames{case} returned {v}: a number of frames is a whole number. "
                        "Use integer division // rather than /.",
                        "A frame either fits or it does not: count with //, not with /.",
                        mistake="not-whole"))
    return int(round(v))


@exercise("03.1")
def check_n_frames(fn):
    """Exercise 1: ``n_frames(n_samples, n_fft, hop, center)`` = the number of columns of
    ``librosa.stft(y, n_fft=n_fft, hop_length=hop, center=center)`` (even ``n_fft``); without
    ``center`` it counts like librosa's default, center=True."""
    _check_center_default(fn)
    for branch, cases, mistakes in ((True, _frame_cases(True), _CENTER_MISTAKES),
                                    (False, _frame_cases(False), _NOCENTER_MISTAKES)):
        outs = [call(fn, n, f, h, branch, forbid=_NO_COUNTING) for n, f, h in cases]
        got = [_whole(out, (n, f, h, branch)) for out, (n, f, h) in zip(outs, cases, strict=True)]
        want = [_frames_ref(n, f, h, branch) for n, f, h in cases]
        if got == want:
            continue
        i = next(j for j in range(len(cases)) if got[j] != want[j])
        n, f, h = cases[i]
        for _, formula, hint in mistakes:
            if got == [formula(n, f, h) for n, f, h in cases]:
                stop_wrong(hint, f"(for example n_frames({n}, {f}, {h}, center={branch}) gives "
                                 f"{got[i]}; librosa.stft returns {want[i]} frames)")
        stop_wrong(Hint(
            f"n_frames({n}, {f}, {h}, center={branch}) gives {got[i]}, but librosa.stft returns "
            f"{want[i]} frames. " + ("With center=True frame m is centred on sample m * hop."
                                     if branch else "With center=False only whole frames "
                                     "inside the signal count."),
            "Check your function on this input against "
            "librosa.stft(y=np.zeros(n_samples), n_fft=n_fft, hop_length=hop, "
            "center=center).shape[1].", mistake="other"))
    return correct("center=True: 1 + n_samples // hop (the padding puts frame 0 on sample 0); "
                   "center=False: 1 + (n_samples - n_fft) // hop.")


def _check_center_default(fn) -> None:
    """``n_frames(n, n_fft, hop)`` without ``center`` must count like librosa.stft's default,
    center=True (the exercise's signature says ``center=True``)."""
    import inspect

    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return
    if len(params) < 4 or params[3].kind not in (params[3].POSITIONAL_ONLY,
                                                 params[3].POSITIONAL_OR_KEYWORD):
        return
    default = params[3].default
    if default is inspect.Parameter.empty or default is True or (
            isinstance(default, (bool, int, np.bool_)) and bool(default)):
        return
    stop_wrong(Hint(
        f"your function's default is center={default!r}; librosa.stft's default is "
        "center=True, and the exercise's signature keeps it: n_frames(n_samples, n_fft, hop) "
        "must count the frames librosa.stft(y, n_fft=n_fft, hop_length=hop) returns.",
        "Keep center=True as the default in the def line.",
        mistake="wrong-default"))


#: 03.4 builds the STFT from NumPy pieces: no ready-made STFT or spectrogram.
#: (librosa.util.frame is allowed: framing is one step, the STFT is the exercise.)
_NO_STFT = Forbidden((
    "librosa.stft", "librosa.core.spectrum", "librosa.reassigned_spectrogram",
    "scipy.signal.stft", "scipy.signal.spectrogram", "scipy.signal.ShortTimeFFT",
    "matplotlib.mlab", "helpers"), hint=lambda used: Hint(
        f"your function called {used[0]}: the exercise is to build the STFT yourself from numpy "
        "pieces (np.pad, framing, the window, np.fft.rfft).", mistake="used-library"))
#: 03.1 asks for the formula: counting the columns of an STFT (or of librosa's framing, or the
#: course's own frame counter) avoids it. The learner's function is read before it runs, so
#: a named STFT of a long signal is refused without being computed.
_NO_COUNTING = Forbidden(_NO_STFT.names + ("librosa.util.frame", "numpy.lib.stride_tricks",
                                          "librosa.feature", "librosa.onset"),
                         hint=lambda used: Hint(
    f"your function calls {used[0]} and counts what it returns: that works, but the exercise "
    "is the formula itself, so that you can predict the shape before computing anything.",
    "With center=True, frame m is centred on sample m * hop; count the m that fit.",
    mistake="used-library"))


# --------------------------------------------------------------------------------------------
# Exercise 2 (apply): the time of every frame, with and without center=True
# --------------------------------------------------------------------------------------------
_RATES = (8000, 11025, 16000, 44100, 48000)  # never librosa's default 22050
# (n_fft, hop) pairs: no hop is n_fft / 4 (a function that assumes it must fail somewhere)
_FRAMINGS = ((512, 256), (1024, 384), (400, 160), (2048, 700), (256, 100), (4096, 1024 + 512),
             (640, 80), (1024, 1024))


def _frame_times(n_frames, sr, hop, n_fft, center):
    """The answer key: frame m covers samples m*hop ... m*hop + n_fft - 1 of the signal as
    librosa pads it; its centre is at m*hop (center=True) or m*hop + n_fft/2 (center=False)."""
    m = np.arange(n_frames)
    return (m * hop + (0 if center else n_fft // 2)) / sr


def _times_cases(rng):
    out = []
    picks = rng.choice(len(_FRAMINGS), size=4, replace=False)
    rates = rng.choice(_RATES, size=4, replace=False)
    for j, (i, sr) in enumerate(zip(picks, rates, strict=True)):
        n_fft, hop = _FRAMINGS[int(i)]
        out.append(dict(n_frames=int(rng.integers(5, 60)), sr=int(sr), hop=hop, n_fft=n_fft,
                        center=bool(j % 2 == 0)))
    return out


def _times(offset_true, offset_false, *, scale=1.0, hop_of=None, first=0):
    def method(n_frames, sr, hop, n_fft, center):
        h = hop_of(hop, n_fft) if hop_of else hop
        m = np.arange(first, first + n_frames)
        off = offset_true(n_fft) if center else offset_false(n_fft)
        return scale * (m * h + off) / sr
    return method


_EX2_MISTAKES = [
    Mistake("ignores-center", _times(lambda n: 0, lambda n: 0), Hint(
        "your times are m * hop / sr whatever center is. That is right for center=True, where "
        "librosa pads n_fft // 2 zeros first so that frame m is centred on sample m * hop; "
        "with center=False nothing is padded. Where does frame m begin then, and which of "
        "its samples is its centre?",
        "librosa puts a frame's centre at its window index n_fft // 2 (where the periodic "
        "Hann window peaks), whatever center is.",
        example="a different framing: center=True, n_fft = 100, hop = 30 at 1000 Hz. The "
                "padded signal starts 50 samples early, so frame 2 covers original samples "
                "10 ... 109 and its index-50 sample is original sample 60: 0.060 s.")),
    Mistake("midpoint", _times(lambda n: 0, lambda n: (n - 1) / 2), Hint(
        "with center=False you put the centre at (n_fft - 1) / 2, the midpoint of the "
        "frame's first and last sample. librosa's convention is the window index "
        "n_fft // 2, where the periodic Hann window peaks (and where center=True's padding "
        "puts sample m * hop): half a sample later for even n_fft.",
        example="n_fft = 8: the periodic Hann window is [0, .15, .5, .85, 1, .85, .5, .15]; "
                "its peak is index 4, not 3.5.")),
    Mistake("always-offset", _times(lambda n: n // 2, lambda n: n // 2), Hint(
        "you added n_fft / 2 for center=True too. With center=True librosa has already "
        "padded n_fft // 2 zeros in front, so frame m is centred on sample m * hop of the "
        "ORIGINAL signal (frame 0 on the very first sample, section 3).",
        example="center=True, hop = 30 at 1000 Hz: frame 2 is centred at 60 / 1000 = 0.060 s, "
                "whatever n_fft is.")),
    Mistake("frame-start", _times(lambda n: -(n // 2), lambda n: 0), Hint(
        "those are the times where each frame STARTS; a spectrogram column describes the "
        "frame around its centre, and librosa's times (frames_to_time) are centres.",
        example="center=False, n_fft = 100, hop = 30 at 1000 Hz: frame 2 starts at 0.060 s "
                "but is centred at 0.110 s.")),
    Mistake("center-flipped", _times(lambda n: n // 2, lambda n: 0), Hint(
        "center=True and center=False are swapped: the offset of n_fft / 2 belongs to "
        "center=False (no padding, frames start at m * hop).",
        example="center=True: frame 0 is centred on sample 0; center=False: on sample "
                "n_fft / 2.")),
    Mistake("samples-not-seconds", lambda n_frames, sr, hop, n_fft, center: (
        np.arange(n_frames) * hop + (0 if center else n_fft // 2)) * 1.0, Hint(
        "those are sample positions, not seconds: divide by the sample rate.",
        example="sample 4410 at 44100 Hz is at 0.1 s.")),
    Mistake("hop-is-n_fft", _times(lambda n: 0, lambda n: n // 2, hop_of=lambda h, n: n), Hint(
        "consecutive frames start hop samples apart, not n_fft: they overlap by n_fft - hop "
        "samples (section 2).",
        example="n_fft = 100, hop = 30: frames start at 0, 30, 60, ... (not 0, 100, 200).")),
    Mistake("fixed-hop", _times(lambda n: 0, lambda n: n // 2, hop_of=lambda h, n: n // 4), Hint(
        "you assumed hop = n_fft / 4 (librosa's default); the check passes other hops, so use "
        "the hop argument.",
        example="n_fft = 400, hop = 160 (10 ms at 16 kHz, common for speech): frames every "
                "160 samples.")),
    Mistake("one-based", _times(lambda n: 0, lambda n: n // 2, first=1), Hint(
        "your first frame is frame 1; librosa counts from 0, and with center=True frame 0 "
        "is centred on the first sample, at 0 s.",
        example="n_frames = 3 gives frames 0, 1, 2.")),
    Mistake("milliseconds", _times(lambda n: 0, lambda n: n // 2, scale=1000.0), Hint(
        "those are milliseconds; the function should return seconds.",
        example="sample 480 at 48000 Hz: 0.01 s = 10 ms.")),
]


EX_2 = FunctionExercise(
    "03.2", _frame_times, _times_cases, name="frame_times", mistakes=_EX2_MISTAKES,
    rtol=1e-6, atol=1e-7, seeds=3,
    forbid=("helpers",),
    fallback=Hint("frame m starts hop * m samples into the (padded, for center=True) signal "
                  "and is n_fft samples long; its time is the time of its centre.",
                  "With center=True the padding moves every frame back by n_fft // 2.",
                  example="n_fft = 8, hop = 2, sr = 10 Hz, center=False: frame 3 covers "
                          "samples 6 ... 13; librosa counts a frame's centre at its window "
                          "index n_fft // 2 = 4 (the peak of the periodic Hann window), so "
                          "sample 6 + 4 = 10, time 1.0 s."),
    success="m * hop / sr with center=True, (m * hop + n_fft / 2) / sr without: what "
            "librosa.frames_to_time gives (with n_fft= for center=False).")


def check_frame_times(frame_times):
    """Exercise 2: ``frame_times(n_frames, sr, hop, n_fft, center)`` -> the time (s) of every
    frame's centre, for center=True and center=False, hops that are not n_fft / 4."""
    return check(EX_2, frame_times)


check_frame_times.exercise_id = EX_2.id


# --------------------------------------------------------------------------------------------
# Exercise 3 (apply): how much does each sample count? (the windows of librosa's frames)
# --------------------------------------------------------------------------------------------
def _coverage(n_samples, n_fft, hop, *, window=None, power=1, centred=True, frames=None):
    import scipy.signal

    w = scipy.signal.get_window("hann", n_fft) if window is None else window
    w = w ** power
    pad = n_fft // 2 if centred else 0
    total = np.zeros(n_samples + 2 * n_fft)
    count = (1 + n_samples // hop) if frames is None else frames(n_samples, n_fft, hop)
    for m in range(count):
        start = m * hop
        if not centred and start + n_fft > n_samples:
            break
        total[start:start + n_fft] += w
    return total[pad:pad + n_samples]


def _window_coverage(n_samples, n_fft, hop):
    """The answer key: at every sample, the sum of the periodic Hann windows of all frames
    librosa.stft (center=True) takes: frame m spans padded samples m*hop ... m*hop + n_fft - 1,
    i.e. signal samples m*hop - n_fft//2 ...; 1 + n_samples // hop frames."""
    return _coverage(n_samples, n_fft, hop)


_COVERAGE = ((512, 512), (1024, 512), (400, 160), (2048, 768), (256, 100), (1000, 250 + 125),
             (640, 640))


def _coverage_cases(rng):
    out = []
    for i in rng.choice(len(_COVERAGE), size=4, replace=False):
        n_fft, hop = _COVERAGE[int(i)]
        out.append(dict(n_samples=int(rng.integers(3 * n_fft, 8 * n_fft)), n_fft=n_fft,
                        hop=hop))
    out.append(dict(n_samples=int(rng.integers(700, 900)), n_fft=1024, hop=256 + 128))
    # every seed: hop divides n_samples (ceil(n / hop) frames misses the last one) and leaves
    # hop - 1 over
    n_fft, hop = _COVERAGE[int(rng.integers(len(_COVERAGE)))]
    out.append(dict(n_samples=hop * int(rng.integers(4, 12)), n_fft=n_fft, hop=hop))
    out.append(dict(n_samples=hop * int(rng.integers(4, 12)) + hop - 1, n_fft=n_fft, hop=hop))
    return out


_EX3_MISTAKES = [
    Mistake("not-centred", lambda n_samples, n_fft, hop: _coverage(
        n_samples, n_fft, hop, centred=False), Hint(
        "your frames start at sample 0 of the signal, like the uncentred frames of section 4. "
        "librosa.stft (center=True) first pads n_fft // 2 zeros, so frame m is centred on "
        "sample m * hop: frame 0 covers the first n_fft // 2 samples with the second half of "
        "its window, and frames run until m * hop passes the end (section 3).",
        "Work in the padded signal (n_fft // 2 extra samples at each end), add the windows "
        "there, then cut the padding off.",
        example="n_fft = 8, hop = 4, 10 samples: frames are centred on samples 0, 4, 8, so "
                "frame 0 covers padded samples 0 ... 7 = signal samples -4 ... 3.")),
    Mistake("squared", lambda n_samples, n_fft, hop: _coverage(n_samples, n_fft, hop,
                                                               power=2), Hint(
        "you added the SQUARED windows (that sum is what istft divides by). This exercise "
        "asks for the sum of the window weights themselves, as section 4 drew them.",
        example="with hop = n_fft / 2 the Hann windows add up to exactly 1; their squares "
                "swing between 0.5 and 1.")),
    Mistake("symmetric-hann", lambda n_samples, n_fft, hop: _coverage(
        n_samples, n_fft, hop, window=np.hanning(n_fft)), Hint(
        "np.hanning is the SYMMETRIC Hann window; librosa (and "
        "scipy.signal.get_window('hann', n)) use the periodic one (section 4).",
        example="for n = 4, np.hanning gives [0, 0.75, 0.75, 0] and the periodic Hann "
                "[0, 0.5, 1, 0.5].")),
    Mistake("frame-count", lambda n_samples, n_fft, hop: _coverage(n_samples, n_fft, hop,
                                                                   window=np.ones(n_fft)), Hint(
        "you counted the frames that cover each sample (a rectangular window). Each frame "
        "weighs its samples with its Hann window, so add the window values.",
        example="a sample at the very edge of a frame gets weight w[0] = 0 from it, one in "
                "the middle w[n_fft // 2] = 1.")),
    Mistake("fixed-hop", lambda n_samples, n_fft, hop: _coverage(n_samples, n_fft, n_fft // 4),
            Hint("you used hop = n_fft / 4 (librosa's default); the check passes other hops.",
                 example="n_fft = 400, hop = 160: frames centred on samples 0, 160, 320, ...")),
    Mistake("missing-last-frame", lambda n_samples, n_fft, hop: _coverage(
        n_samples, n_fft, hop, frames=lambda n, f, h: n // hop), Hint(
        "one frame short: with center=True the frames are centred on samples 0, hop, "
        "2 hop, ... for every m with m * hop <= n_samples: 1 + n_samples // hop of them "
        "(exercise 1). The end of the signal lacks the last one.",
        example="1000 samples, hop 300: frames centred on 0, 300, 600, 900: four, "
                "not three.")),
]


EX_3 = FunctionExercise(
    "03.3", _window_coverage, _coverage_cases, name="window_coverage",
    mistakes=_EX3_MISTAKES, rtol=1e-5, atol=1e-6, seeds=3, forbid=("helpers",),
    fallback=Hint("add the periodic Hann window of every frame librosa.stft takes, each at its "
                  "own position in the padded signal, then keep the n_samples that belong to "
                  "the signal.",
                  "How many frames, and where is frame m's first sample in the padded signal?",
                  example="n_fft = 4, hop = 4, 6 samples: padded by 2 each side (10 samples), "
                          "frames at padded 0-3 and 4-7 (1 + 6 // 4 = 2 frames), windows "
                          "[0, .5, 1, .5] each; signal samples are padded 2 ... 7: "
                          "[1, .5, 0, .5, 1, .5]."),
    success="the centred frames' Hann windows, added where they fall: constant (COLA) in the "
            "middle for hop = n_fft / 2, with holes of weight 0 for hop = n_fft, and less "
            "weight at the ends either way.")


def check_window_coverage(window_coverage):
    """Exercise 3: ``window_coverage(n_samples, n_fft, hop)`` -> the summed Hann weights of
    librosa's centred frames at every sample, for hops from n_fft / 2.5 to n_fft."""
    return check(EX_3, window_coverage)


check_window_coverage.exercise_id = EX_3.id


# --------------------------------------------------------------------------------------------
# Exercise 4 (stretch): the inverse STFT from scratch
# --------------------------------------------------------------------------------------------
def _stft64(y, n_fft, hop):
    import scipy.signal

    w = scipy.signal.get_window("hann", n_fft)
    yp = np.pad(np.asarray(y, dtype=np.float64), n_fft // 2)
    m = 1 + len(y) // hop
    frames = np.stack([yp[i * hop:i * hop + n_fft] for i in range(m)], axis=1)
    return np.fft.rfft(frames * w[:, None], axis=0)


def _ola(S, hop, length, *, n_fft=None, synth=True, norm="w2", trim=True, window=None):
    import scipy.signal

    S = np.asarray(S, dtype=np.complex128)
    n_fft = 2 * (S.shape[0] - 1) if n_fft is None else n_fft
    w = scipy.signal.get_window("hann", n_fft) if window is None else window
    frames = np.fft.irfft(S, n=n_fft, axis=0)
    if synth:
        frames = frames * w[:, None]
    total = n_fft + hop * (S.shape[1] - 1)
    y, wsum = np.zeros(total), np.zeros(total)
    for m in range(S.shape[1]):
        y[m * hop:m * hop + n_fft] += frames[:, m]
        wsum[m * hop:m * hop + n_fft] += w ** 2 if norm == "w2" else w
    if norm == "const":  # the steady-state (COLA) value of the summed squared windows
        y /= np.sum(w ** 2) / hop
    elif norm:
        nz = wsum > np.finfo(np.float64).tiny
        y[nz] /= wsum[nz]
    if trim:
        y = y[n_fft // 2:]
    return np.pad(y, (0, max(0, length - len(y))))[:length]


def _my_istft(S, hop, length):
    """The answer key (tested against librosa.istft in tests/test_exercises_03.py): inverse
    FFT of each column, the synthesis window, overlap-add at the hop, divide by the summed
    squared windows, drop the n_fft // 2 padding, keep ``length`` samples."""
    return _ola(S, hop, length)


_ISTFT = ((512, 256), (1024, 384), (400, 160), (256, 100), (2048, 700), (800, 200 + 100))


def _istft_cases(rng):
    out = []
    picks = rng.choice(len(_ISTFT), size=3, replace=False)
    for j, i in enumerate(picks):
        n_fft, hop = _ISTFT[int(i)]
        length = int(rng.integers(6 * n_fft, 12 * n_fft)) + int(rng.integers(0, hop))
        t = np.arange(length) / 16000
        y = (0.4 * np.sin(2 * np.pi * rng.uniform(200, 2000) * t)
             + 0.1 * rng.standard_normal(length))
        S = _stft64(y, n_fft, hop)
        if j == 1:  # a mask, as in notebook 03's filtering: S is no longer any signal's STFT
            S[: S.shape[0] // 3] = 0
        if j == 2:  # a magnitude with random phases
            S = np.abs(S) * np.exp(2j * np.pi * rng.random(S.shape))
        if j == 0:
            S = S.astype(np.complex64)  # librosa's usual dtype
        out.append(dict(S=S, hop=hop, length=length))
    return out


def _untrimmed(out, case) -> bool:
    """Is ``out`` the overlap-added signal without its padding removed? (Compared after the
    first n_fft // 2 samples: there the summed squared windows are near 0, and dividing by
    them amplifies rounding, so two right implementations of that mistake differ.)"""
    S = np.asarray(case["S"])
    half = S.shape[0] - 1
    want = _ola(S, case["hop"], case["length"], trim=False)
    a = np.asarray(out, dtype=np.float64)
    return a.shape == want.shape and np.allclose(a[half:], want[half:], rtol=1e-4, atol=1e-5)


def _istft_atol(case):
    return 1e-5


_EX4_MISTAKES = [
    Mistake("used-library", None, Hint(
        "your function calls {used}, a ready-made inverse STFT: this exercise is to write it "
        "from NumPy pieces (np.fft.irfft, the window, overlap-add).",
        example="the forward direction, one column: np.fft.rfft(w * frame); the inverse of "
                "one column: np.fft.irfft(S[:, m], n=n_fft) gives w * frame back."), uses=True),
    Mistake("no-normalisation", lambda S, hop, length: _ola(S, hop, length, norm=None), Hint(
        "you overlap-added the windowed frames but did not undo the windows: every sample "
        "was multiplied by the windows of all the frames that cover it (twice: once in the "
        "STFT, once as the synthesis window), so divide by the sum of the squared windows "
        "at each sample.",
        example="hop = n_fft / 2: each sample is covered by 2 frames, with weights w_a and "
                "w_b; after windowing twice it holds (w_a² + w_b²) x, so divide by w_a² + "
                "w_b².")),
    Mistake("window-sum", lambda S, hop, length: _ola(S, hop, length, norm="w"), Hint(
        "you divided by the sum of the windows; after the synthesis window each frame has "
        "been windowed TWICE, so divide by the sum of the SQUARED windows.",
        example="one frame, weight w = 0.5 at a sample: the sample comes back as 0.5 * 0.5 "
                "* x, so divide by 0.25, not 0.5.")),
    Mistake("no-synthesis-window", lambda S, hop, length: _ola(S, hop, length, synth=False,
                                                               norm="w"), Hint(
        "you did not window the frames again before adding them (and divided by the sum of "
        "the windows). For an unchanged STFT that gives the signal back, but the check also "
        "passes MODIFIED spectrograms (a mask, random phases), which are no signal's STFT: "
        "librosa.istft windows each frame again and divides by the summed squared windows, "
        "the least-squares answer (section 8), and this exercise asks for the same.",
        example="after a mask, a frame's inverse FFT no longer falls to 0 at its ends; the "
                "synthesis window fades it out so frame edges do not click.")),
    Mistake("not-trimmed", lambda S, hop, length: _ola(S, hop, length, trim=False), Hint(
        "your signal starts n_fft // 2 samples too early: with center=True the STFT padded "
        "n_fft // 2 zeros in front, and the inverse must drop them.",
        example="n_fft = 1024: the output's sample 0 is the overlap-added sample 512."),
        detect=lambda out, case, ref: _untrimmed(out, case)),
    Mistake("cola-constant", lambda S, hop, length: _ola(S, hop, length, norm="const"), Hint(
        "you divided every sample by one number, the value the summed squared windows "
        "settle to in the middle (COLA). At the two ends fewer frames overlap, so the sum "
        "is smaller there: divide each sample by the sum at THAT sample.",
        example="n_fft = 8, hop = 2 (periodic Hann): the squared windows add up to 1.5 in "
                "the middle, but at padded sample 3 only frames 0 and 1 reach, and "
                "w[3]² + w[1]² = 0.73 + 0.02 = 0.75.")),
    Mistake("fixed-hop", lambda S, hop, length: _ola(S, 2 * (S.shape[0] - 1) // 4, length), Hint(
        "you assumed hop = n_fft / 4; the check passes other hops, and the frames must go "
        "back to the positions they came from.",
        example="n_fft = 400, hop = 160: frame m goes back to samples 160 m ... 160 m + 399 "
                "(padded).")),
    Mistake("symmetric-hann", lambda S, hop, length: _ola(
        S, hop, length, window=np.hanning(2 * (S.shape[0] - 1))), Hint(
        "np.hanning is the symmetric Hann window; librosa's STFT used the periodic one "
        "(scipy.signal.get_window('hann', n_fft)), and the inverse needs the same window.",
        example="n = 4: np.hanning gives [0, 0.75, 0.75, 0], the periodic Hann "
                "[0, 0.5, 1, 0.5].")),
    Mistake("n_fft-from-rows", lambda S, hop, length: _ola(
        S, hop, length, n_fft=2 * S.shape[0]), Hint(
        "an STFT with n_fft samples per frame has n_fft // 2 + 1 rows, so n_fft = 2 * (rows "
        "- 1), not 2 * rows.",
        example="1025 rows: n_fft = 2048.")),
]


EX_4 = FunctionExercise(
    "03.4", _my_istft, _istft_cases, name="my_istft", mistakes=_EX4_MISTAKES, rtol=1e-4,
    atol=_istft_atol, seeds=2,
    forbid=("librosa.istft", "librosa.core.spectrum", "librosa.griffinlim",
            "scipy.signal.istft", "scipy.signal.ShortTimeFFT", "helpers"),
    fallback=Hint("undo the forward STFT step by step, in reverse order: what did it do to "
                  "each frame, where in the (padded) signal did each frame come from, and "
                  "what must a sample covered by several windowed frames be divided by?",
                  "Test it yourself: my_istft(librosa.stft(y=y, n_fft=..., hop_length=...), "
                  "hop, len(y)) should give y back.",
                  example="two frames of n_fft = 4, hop = 2, w = [0, .5, 1, .5]: frame 0 "
                          "goes to samples 0-3, frame 1 to 2-5; sample 2 is divided by "
                          "w[2]² + w[0]² = 1, sample 3 by w[3]² + w[1]² = 0.5."),
    success="irfft, synthesis window, overlap-add, divide by the summed squared windows, trim "
            "the padding: librosa.istft, even for a spectrogram you have changed.")


def check_my_istft(my_istft):
    """Exercise 4: ``my_istft(S, hop, length)`` == ``librosa.istft(S, hop_length=hop,
    n_fft=2 * (rows - 1), length=length)``, on unchanged, masked and random-phase STFTs."""
    return check(EX_4, my_istft)


check_my_istft.exercise_id = EX_4.id


# --------------------------------------------------------------------------------------------
# Exercise 5 (stretch): choose n_fft (and the window) to resolve two close tones
# --------------------------------------------------------------------------------------------
# (f1, f2, sr, level of the second tone in dB re the first). None of these is in the notebook.
_TONE_PAIRS = [(440.0, 452.0, 22050, 0.0), (1000.0, 1030.0, 16000, -20.0),
               (226.0, 220.0, 44100, -30.0), (3000.0, 3040.0, 22050, -20.0),
               (700.0, 718.0, 8000, -30.0), (5000.0, 5100.0, 48000, -30.0)]
MAX_BINS_APART = 16  # more than this: a much longer window than needed (time smear for nothing)
_LEAKY = {"boxcar", "rect", "rectangular", "ones", "none"}


def _mean_spectrum(f1, f2, sr, a2, n_fft, window):
    import scipy.signal

    n = 3 * n_fft
    t = np.arange(n) / sr
    y = np.sin(2 * np.pi * f1 * t + 0.3) + a2 * np.sin(2 * np.pi * f2 * t + 1.7)
    w = scipy.signal.get_window(window, n_fft, fftbins=True)
    frames = np.lib.stride_tricks.sliding_window_view(y, n_fft)[:2 * n_fft + 1:n_fft // 4]
    return np.abs(np.fft.rfft(frames * w, axis=1)).mean(axis=0)


def two_peaks(f1, f2, sr, level_db, n_fft, window="hann", *, dip_db=3.0, above_db=6.0):
    """True when a frame of ``n_fft`` samples (``window``) shows two tones (f1, and f2 at
    ``level_db`` re f1) as two peaks: a local maximum within one bin of each tone, a dip of at
    least ``dip_db`` between them, and the weaker peak ``above_db`` over the louder tone's
    leakage at that frequency. Returns ``(ok, reason)``."""
    a2 = 10 ** (level_db / 20)
    M = _mean_spectrum(f1, f2, sr, a2, n_fft, window)
    alone = _mean_spectrum(f1, f2, sr, 0.0, n_fft, window)
    k1, k2 = sorted((int(round(f1 * n_fft / sr)), int(round(f2 * n_fft / sr))))
    if k2 - k1 < 2:
        return False, "in the same or neighbouring bins"

    def peak(k):
        js = [j for j in range(max(k - 1, 1), min(k + 2, M.size - 1))
              if M[j] >= M[j - 1] and M[j] >= M[j + 1]]
        return max(js, key=lambda j: M[j]) if js else None

    p1, p2 = peak(k1), peak(k2)
    if p1 is None or p2 is None or p1 >= p2:
        return False, "one peak only"
    db = 20 * np.log10(M + 1e-12)
    dip = min(db[p1], db[p2]) - db[p1:p2 + 1].min()
    if dip < dip_db:
        return False, f"a dip of only {dip:.1f} dB between the peaks"
    weak = p2 if M[k2] < M[k1] else p1
    over = db[weak] - 20 * np.log10(alone[weak] + 1e-12)
    if level_db < 0 and over < above_db:
        return False, f"the weaker tone only {over:.1f} dB above the louder one's leakage"
    return True, f"dip {dip:.1f} dB"


def _parse_choice(out):
    if isinstance(out, (tuple, list)) and len(out) == 2:
        n_fft, window = out
    else:
        n_fft, window = out, "hann"
    try:
        v = float(np.asarray(n_fft, dtype=float).reshape(()))
    except (TypeError, ValueError):
        stop_wrong(Hint("return n_fft (a whole number of samples) or a pair (n_fft, window).",
                        mistake="not-a-number"))
    if not np.isfinite(v) or v != round(v):
        stop_wrong(Hint(f"n_fft = {v} is not a whole number of samples: round up "
                        "(int(np.ceil(...))) or use the next power of two.",
                        mistake="not-whole"))
    if not isinstance(window, str) and np.ndim(window) == 1:
        stop_wrong(Hint("give the window by its name (a string such as 'hann', as librosa.stft "
                        "accepts it), not as an array of samples.", mistake="window-array"))
    if isinstance(window, str) and window.lower() in _LEAKY:
        window = "boxcar"
    try:
        import scipy.signal
        scipy.signal.get_window(window, 16, fftbins=True)
    except (TypeError, ValueError):
        stop_wrong(Hint(f"unknown window {window!r}: use a scipy.signal.get_window name such as "
                        "'hann'.", mistake="bad-window"))
    return int(round(v)), window


@exercise("03.5")
def check_choose_n_fft(fn):
    """Exercise 5: ``choose_n_fft(f1, f2, sr)`` -> ``n_fft`` or ``(n_fft, window)`` with which two
    tones (the second up to 30 dB weaker) show as two peaks, without a needlessly long window."""
    for f1, f2, sr, level in _TONE_PAIRS:
        n_fft, window = _parse_choice(call(fn, f1, f2, sr))
        case = f"f1 = {f1:g} Hz, f2 = {f2:g} Hz, sr = {sr} Hz"
        if n_fft < 2:
            if f2 < f1:
                stop_wrong(Hint(f"n_fft = {n_fft} for {case}: the tones can come in either "
                                "order, so use the distance abs(f2 - f1).", mistake="order"))
            stop_wrong(Hint(f"n_fft = {n_fft} for {case}: a frame needs at least 2 samples.",
                            mistake="too-small"))
        if n_fft > 2 ** 20:
            stop_wrong(Hint(f"n_fft = {n_fft} samples ({n_fft / sr:.0f} s) for {case}: far "
                            "longer than needed.", mistake="too-long"))
        bins = abs(f2 - f1) * n_fft / sr
        ok, why = two_peaks(f1, f2, sr, level, n_fft, window)
        if not ok:
            if window == "boxcar" and two_peaks(f1, f2, sr, level, n_fft, "hann")[0]:
                stop_wrong(Hint(
                    f"with the rectangular window the weaker tone ({level:g} dB) of {case} is "
                    "buried in the louder tone's leakage: its side lobes fall off slowly.",
                    "A tapered window (Hann) has far lower side lobes; the frame length can "
                    "stay.", mistake="leaky-window"))
            stop_wrong(Hint(
                f"{case} (second tone {level:g} dB): with n_fft = {n_fft} ({window}) the tones "
                f"are only {bins:.1f} bins apart, so their peaks merge ({why}). The check "
                "counts two peaks when there is a local maximum within one bin of each tone, "
                "a dip of at least 3 dB between them, and the quieter one stands 6 dB above "
                "the louder tone's leakage at its frequency.",
                "The bin spacing sr / n_fft must be a fraction of the tones' distance: a Hann "
                "main lobe is 4 bins wide, and a 30 dB weaker neighbour needs a little more "
                "than 4 bins between the tones (exactly 4 is not always enough: when the tones "
                "fall between bins their peaks can still merge).",
                example="tones 2 Hz apart at 1000 Hz, one 30 dB weaker: bins must be well "
                        "under 2 / 4 = 0.5 Hz apart, so n_fft > 4 * 1000 / 2 = 2000: 2048 "
                        "puts them 4.1 bins apart, 4096 a safer 8.2.",
                mistake="too-small"))
        if bins > MAX_BINS_APART:
            stop_wrong(Hint(
                f"the peaks are resolved, but for {case} n_fft = {n_fft} puts the tones "
                f"{bins:.0f} bins apart (the check accepts up to {MAX_BINS_APART} bins): the "
                f"window ({1000 * n_fft / sr:.0f} ms) is several times longer than needed, "
                "and every event gets smeared over it in time.",
                "Aim for a little more than 4 bins between the tones with Hann.",
                mistake="too-long"))
    return correct("two peaks for every pair, with a window no longer than needed "
                   "(a little more than 4 bins between the tones with Hann).")
