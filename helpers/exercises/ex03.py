"""Exercise checks of 03_stft_spectrogram: frames, the STFT from scratch, resolution, plotting.

Each check calls the learner's small function on inputs the notebook never shows (other
lengths, sample rates, hops, signals, tone pairs) and compares it with an independent reference
(``librosa.stft``, ``librosa.amplitude_to_db``, the frame-count formula checked against librosa
in the tests). Every mistake the notebook names has its own hint with its own ``mistake`` id.

Used by: notebooks/03_stft_spectrogram.ipynb (exercises 1-6) and its solutions notebook.
"""

from __future__ import annotations

import math

import numpy as np

from ._core import Hint, array, call, close, correct, exercise, stop_wrong
from ._routes import Forbidden

__all__ = ["check_n_frames", "check_click_time_from_frames", "check_my_stft",
           "check_stft_lowpass", "check_choose_n_fft", "check_fixed_spectrogram"]


# --------------------------------------------------------------------------------------------
# Exercise 1: how many frames?
# --------------------------------------------------------------------------------------------
# (n_samples, n_fft, hop, center). Chosen so that the usual wrong formulas disagree with the
# right one somewhere: n_samples divisible by hop (ceil(N/hop) and N // hop are one short),
# not divisible (ceil(N/hop) is right by coincidence), center=False, a signal shorter than
# n_fft, and a signal exactly one frame long.
_FRAME_CASES_CENTER = [(44100, 1024, 256), (16384, 1024, 256), (10000, 512, 250),
                       (5000, 256, 64), (1000, 2048, 512), (22050, 2048, 512)]
_FRAME_CASES_NOCENTER = [(48000, 2048, 480), (30000, 1000, 200), (8192, 2048, 512),
                         (2048, 2048, 512)]


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
        "return 1 + n_samples // hop   # center=True, even n_fft", mistake="ceil")),
    ("floor", lambda n, f, h: n // h, Hint(
        "n_samples // hop is one frame short: frame 0 is centred on the very first sample.",
        "Frames are centred on samples 0, hop, 2*hop, ... up to n_samples: count them.",
        "return 1 + n_samples // hop   # center=True, even n_fft", mistake="floor")),
    ("no-padding", lambda n, f, h: 1 + (n - f) // h, Hint(
        "that is the count without padding (center=False). With center=True librosa pads "
        "n_fft // 2 zeros at each end, so more frames fit.",
        "The padded signal has n_samples + 2 * (n_fft // 2) samples; count whole frames in it.",
        "1 + (n_samples + 2 * (n_fft // 2) - n_fft) // hop", mistake="no-padding")),
    ("n_fft-as-hop", lambda n, f, h: 1 + n // f, Hint(
        "frames start every hop samples, not every n_fft samples: consecutive frames overlap.",
        mistake="n_fft-as-hop")),
]
_NOCENTER_MISTAKES = [
    ("padded-anyway", lambda n, f, h: 1 + n // h, Hint(
        "with center=False there is no padding: only frames that lie entirely inside the "
        "signal count.",
        "The last frame must end at or before the last sample: start + n_fft <= n_samples.",
        "1 + (n_samples - n_fft) // hop   # center=False", mistake="padded-anyway")),
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
    ``librosa.stft(y, n_fft=n_fft, hop_length=hop, center=center)`` (even ``n_fft``)."""
    for branch, cases, mistakes in ((True, _FRAME_CASES_CENTER, _CENTER_MISTAKES),
                                    (False, _FRAME_CASES_NOCENTER, _NOCENTER_MISTAKES)):
        outs = [call(fn, n, f, h, branch, forbid=_NO_COUNTING) for n, f, h in cases]
        got = [_whole(out, (n, f, h, branch)) for out, (n, f, h) in zip(outs, cases, strict=True)]
        want = [_frames_ref(n, f, h, branch) for n, f, h in cases]
        if got == want:
            continue
        for _, formula, hint in mistakes:
            if got == [formula(n, f, h) for n, f, h in cases]:
                stop_wrong(hint)
        i = next(j for j in range(len(cases)) if got[j] != want[j])
        n, f, h = cases[i]
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


# --------------------------------------------------------------------------------------------
# Exercise 2: a click's time from the frames
# --------------------------------------------------------------------------------------------
def _click_signal(sr, seconds, clicks, *, tone_hz=None, seed=0):
    rng = np.random.default_rng(seed)
    y = 1e-3 * rng.standard_normal(int(seconds * sr))
    if tone_hz:
        y += 0.01 * np.sin(2 * np.pi * tone_hz * np.arange(y.size) / sr)
    for t, a in clicks:
        y[int(round(t * sr))] += a
    return y.astype(np.float32)


# (sr, n_fft, hop, seconds, [(click time, amplitude), ...], background tone)
_CLICK_CASES = [
    (16000, 1024, 256, 1.5, [(0.3137, 0.9), (0.8, 0.9), (1.2, 0.9)], None),
    (44100, 2048, 441, 2.0, [(0.61, 0.85), (1.3, 1.0)], 330.0),  # a later click is louder
    (22050, 2048, 512, 1.0, [(0.177, 0.8), (0.52, 0.8)], 1000.0),
]


def _click_reference(S, sr, hop):
    power = (np.abs(S) ** 2).sum(axis=0)
    first = int(np.flatnonzero(power >= 0.5 * power.max())[0])
    loudest = int(np.argmax(power))
    return first, first * hop / sr, loudest * hop / sr


@exercise("03.2")
def check_click_time_from_frames(fn):
    """Exercise 2: ``first_click_time(S, sr, hop)`` = the centre time (s) of the first frame
    whose power (sum over frequency of |S|**2) is at least half the largest; within one hop."""
    import librosa

    for sr, n_fft, hop, seconds, clicks, tone in _CLICK_CASES:
        y = _click_signal(sr, seconds, clicks, tone_hz=tone)
        S = librosa.stft(y=y, n_fft=n_fft, hop_length=hop)
        first, t_ref, t_loud = _click_reference(S, sr, hop)
        out = call(fn, S.copy(), sr, hop)
        if np.ndim(out) != 0 and np.size(out) != 1:
            stop_wrong(Hint(
                f"your function returned {np.size(out)} values; it should return one time. Sum "
                "the power over frequency (axis 0) to get one number per frame first.",
                "S has shape (bins, frames): (np.abs(S) ** 2).sum(axis=0) is one power per "
                "frame.", mistake="wrong-axis"))
        try:
            ans = float(np.asarray(out, dtype=float).reshape(()))
        except (TypeError, ValueError):
            stop_wrong(Hint(f"return one number (seconds), got {type(out).__name__}.",
                            mistake="not-a-number"))
        tol = hop / sr + 1e-9
        if abs(ans - t_ref) <= tol:
            continue
        case = f"(sr = {sr} Hz, hop = {hop}, n_fft = {n_fft})"
        if abs(ans - first) <= 1 and abs(ans - round(ans)) < 1e-9:
            stop_wrong(Hint(
                f"{ans:g} {case} looks like a frame index, not a time in seconds.",
                "Frame m is centred at m * hop / sr seconds (center=True).",
                "librosa.frames_to_time(m, sr=sr, hop_length=hop)", mistake="frame-index"))
        if abs(ans / 1000 - t_ref) <= tol:
            stop_wrong(Hint(f"{ans:g} {case} looks like milliseconds; the function should "
                            "return seconds.", mistake="milliseconds"))
        if abs(ans - first * hop) <= hop:
            stop_wrong(Hint(f"{ans:g} {case} looks like a sample number: divide by sr.",
                            mistake="samples"))
        if abs(ans - first * n_fft / sr) <= tol:
            stop_wrong(Hint(
                "frames are hop samples apart, not n_fft: frame m is at m * hop / sr seconds.",
                mistake="n_fft-spacing"))
        if abs(ans - (first * hop + n_fft / 2) / sr) <= 1e-3:
            stop_wrong(Hint(
                "you added half a window: that is the centre of frame m with center=False. "
                "librosa.stft pads (center=True), so frame m is centred on sample m * hop.",
                mistake="center-offset"))
        if abs(ans - t_loud) <= tol:
            stop_wrong(Hint(
                f"that is the loudest frame {case}, not the first one that reaches half the "
                "largest power (here a later click is louder).",
                "Find every frame with power >= 0.5 * power.max() and take the first.",
                "np.flatnonzero(power >= 0.5 * power.max())[0]", mistake="loudest"))
        stop_wrong(Hint(
            f"for a signal {case} with its first click near {clicks[0][0]} s your function "
            f"returned {ans:.4f} s.",
            "Power per frame: (np.abs(S) ** 2).sum(axis=0); first frame at or above half the "
            "maximum; then convert the frame index to seconds.", mistake="other"))
    return correct("frame index m -> m * hop / sr seconds (librosa.frames_to_time). The time is "
                   "only known to about one hop, and the click is smeared over a whole window.")


# --------------------------------------------------------------------------------------------
# Exercise 4: the STFT from scratch
# --------------------------------------------------------------------------------------------
_STFT_CASES = [(5000, 512, 128, 8000, "noise"), (8000, 1024, 256, 16000, "chirp"),
               (3001, 256, 100, 22050, "noise")]


def _stft_signal(n, sr, kind, seed):
    rng = np.random.default_rng(seed)
    if kind == "noise":
        return 0.3 * rng.standard_normal(n)
    t = np.arange(n) / sr
    return (0.5 * np.sin(2 * np.pi * (200 * t + 3000 * t ** 2))).astype(np.float32)


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


@exercise("03.4")
def check_my_stft(fn):
    """Exercise 4: ``my_stft(y, n_fft, hop)`` from scratch (pad, frame, periodic Hann, rfft) equals
    ``librosa.stft(y=y, n_fft=n_fft, hop_length=hop)`` on fresh signals."""
    import librosa

    for i, (n, n_fft, hop, sr, kind) in enumerate(_STFT_CASES):
        y = _stft_signal(n, sr, kind, seed=10 + i)
        ref = librosa.stft(y=y, n_fft=n_fft, hop_length=hop)
        out = call(fn, y.copy(), n_fft, hop, forbid=_NO_STFT)
        case = f"(a {n}-sample signal, n_fft = {n_fft}, hop = {hop})"
        out = np.asarray(out)
        if not np.iscomplexobj(out):
            if out.shape == ref.shape and close(out, np.abs(ref), rtol=1e-3, atol=1e-4):
                stop_wrong(Hint("you returned the magnitude: return the complex S (the istft "
                                "needs the phase); np.abs comes later.", mistake="magnitude"))
            stop_wrong(Hint(f"the STFT is complex; your function returned {out.dtype} values "
                            f"{case}.", mistake="not-complex"))
        n_frames = ref.shape[1]
        if out.shape != ref.shape:
            if out.shape == ref.shape[::-1]:
                stop_wrong(Hint("rows and columns are swapped: librosa's layout is (frequency "
                                "bins, frames), so transpose (.T) your (frames, bins) array.",
                                mistake="transposed"))
            if out.ndim == 2 and n_fft in out.shape:
                stop_wrong(Hint(f"{n_fft} rows: np.fft.fft gives every bin including the "
                                "mirrored negative frequencies; np.fft.rfft keeps the "
                                f"{n_fft // 2 + 1} bins from 0 Hz to sr/2.", mistake="full-fft"))
            no_pad = 1 + (n - n_fft) // hop
            if out.ndim == 2 and no_pad in out.shape and n_fft // 2 + 1 in out.shape:
                stop_wrong(Hint(
                    f"{no_pad} frames instead of {n_frames}: you did not pad. librosa.stft "
                    "(center=True) pads n_fft // 2 zeros at each end first.",
                    "np.pad(y, n_fft // 2) (zeros is np.pad's default mode 'constant').",
                    mistake="no-padding"))
            stop_wrong(Hint(f"shape {out.shape} {case}; librosa.stft gives {ref.shape} = "
                            "(1 + n_fft // 2 bins, 1 + len(y) // hop frames).",
                            mistake="shape"))
        scale = float(np.abs(ref).max())
        if np.max(np.abs(out - ref)) <= 1e-4 * scale:
            continue
        variants = [
            ("no-window", dict(window="boxcar"), Hint(
                "your columns match an STFT with no window (a rectangle): multiply each frame "
                "by the Hann window before the FFT.",
                "scipy.signal.get_window('hann', n_fft) is the window librosa uses.",
                mistake="no-window")),
            ("symmetric-window", dict(window=np.hanning(n_fft)), Hint(
                "close, but np.hanning(n_fft) is the symmetric Hann window; librosa (and this "
                "notebook) use the periodic one, made for FFT frames.",
                "scipy.signal.get_window('hann', n_fft) (fftbins=True), or "
                "np.hanning(n_fft + 1)[:-1].", mistake="symmetric-window")),
            ("hamming", dict(window="hamming"), Hint(
                "your columns match an STFT with a Hamming window; librosa's default (and "
                "this exercise's) is the periodic Hann window.",
                "scipy.signal.get_window('hann', n_fft).", mistake="hamming")),
            ("reflect-padding", dict(pad_mode="reflect"), Hint(
                "you padded by reflecting the signal (librosa before 0.9 did); librosa.stft "
                "now pads with zeros (pad_mode='constant'), np.pad's default.",
                mistake="reflect-padding")),
        ]
        for _, kw, hint in variants:
            alt = librosa.stft(y=y, n_fft=n_fft, hop_length=hop, **kw)
            if np.max(np.abs(out - alt)) <= 1e-4 * scale:
                stop_wrong(hint)
        if np.max(np.abs(np.conj(out) - ref)) <= 1e-4 * scale:
            stop_wrong(Hint("your values are the complex conjugates of librosa's: use "
                            "np.fft.rfft (exponent -2πikn/N).", mistake="conjugate"))
        col = int(np.argmax(np.max(np.abs(out - ref), axis=0)))
        stop_wrong(Hint(
            f"right shape, wrong values {case}: column {col} (frame {col}) differs most.",
            "Frame m is y_padded[m * hop : m * hop + n_fft], multiplied by the window, "
            "then np.fft.rfft.", mistake="values"))
    return correct("your STFT matches librosa.stft on three signals it had not seen.")


# --------------------------------------------------------------------------------------------
# Exercise 5: a low-pass filter in the STFT domain
# --------------------------------------------------------------------------------------------
# (n_fft, frames, sr, cutoff): cut-offs between bins, plus one exactly on a bin (20 * 8000 / 256
# = 625 Hz), where keeping or zeroing that bin are both accepted.
_LOWPASS_CASES = [(2048, 30, 22050, 1000.0), (1024, 40, 16000, 2510.0), (512, 50, 8000, 700.0),
                  (256, 20, 8000, 625.0)]


def _lowpass_S(n_fft, frames, sr, seed):
    import librosa

    rng = np.random.default_rng(seed)
    if seed % 2:  # a real STFT (of noise) ...
        y = rng.standard_normal(n_fft // 4 * (frames - 1)).astype(np.float32)
        S = librosa.stft(y=y, n_fft=n_fft, hop_length=n_fft // 4)
    else:  # ... or any complex matrix: the function must not care where S came from
        S = (rng.standard_normal((n_fft // 2 + 1, frames))
             + 1j * rng.standard_normal((n_fft // 2 + 1, frames)))
    return S, np.fft.rfftfreq(n_fft, d=1 / sr)


@exercise("03.5")
def check_stft_lowpass(fn):
    """Exercise 5: ``stft_lowpass(S, freqs, cutoff)`` returns a new complex STFT: rows with
    ``freqs > cutoff`` zero, the other rows unchanged (phase included); ``S`` is left alone."""
    for i, (n_fft, frames, sr, cutoff) in enumerate(_LOWPASS_CASES):
        S, freqs = _lowpass_S(n_fft, frames, sr, seed=i)
        given = S.copy()
        out = call(fn, given, freqs.copy(), cutoff)
        case = f"(n_fft = {n_fft}, sr = {sr} Hz, cutoff = {cutoff:g} Hz)"
        out = np.asarray(out)
        if out.shape != S.shape:
            stop_wrong(Hint(f"return an array shaped like S {S.shape} (bins, frames); got "
                            f"{out.shape}. A filter in the STFT domain changes values, not the "
                            "shape.", mistake="shape"))
        if not np.iscomplexobj(out):
            stop_wrong(Hint("you returned real values (magnitudes?): keep S complex, so the "
                            "phase survives and istft can turn it back into sound.",
                            mistake="magnitude"))
        high = freqs > cutoff
        low = freqs < cutoff  # a bin exactly at the cut-off may stay or go
        edge = ~high & ~low
        if not np.array_equal(given, S):
            stop_wrong(Hint("your function changed the S it was given (an in-place edit). "
                            "Work on a copy (S.copy()) and return it, so the caller still has "
                            "the original to compare and listen to.", mistake="in-place"))
        zeroed_high = np.allclose(out[high], 0)
        kept_low = np.allclose(out[low], S[low], rtol=1e-5, atol=1e-6 * np.abs(S).max())
        edge_ok = np.allclose(out[edge], 0) or np.allclose(out[edge], S[edge])
        if zeroed_high and kept_low and edge_ok:
            continue
        if np.allclose(out, S):
            stop_wrong(Hint(f"nothing was removed {case}: set the rows above the cut-off "
                            "to zero.", mistake="nothing-removed"))
        if np.allclose(out[low], 0) and np.allclose(out[high], S[high]):
            stop_wrong(Hint("you removed the wrong side: that is a high-pass (bins below the "
                            "cut-off zeroed). Low-pass keeps the low frequencies.",
                            mistake="wrong-side"))
        k = int(round(cutoff))
        if k < S.shape[0]:
            as_index = S.copy()
            as_index[k:] = 0
            if np.allclose(out, as_index) or np.allclose(out, np.where(
                    np.arange(S.shape[0])[:, None] > k, 0, S)):
                stop_wrong(Hint(
                    "cutoff is in hertz, not a bin index: compare the freqs array with it "
                    "(row k of S is at freqs[k] Hz).", "A boolean mask freqs > cutoff picks "
                    "the rows to clear.", mistake="bin-index"))
        if zeroed_high and not kept_low:
            stop_wrong(Hint(
                f"the bins below the cut-off changed too {case}. Filtering in the time domain "
                "(istft, a filter, stft again) or rescaling does that; the exercise is to zero "
                "the rows above the cut-off in S and leave every other value exactly as it was.",
                "Start from a copy of S and set only the high rows to 0.", mistake="time-domain"))
        stop_wrong(Hint(
            f"some bins above the cut-off are not zero {case}.",
            "Rows are frequencies: S_out[freqs > cutoff, :] = 0 clears whole rows.",
            mistake="not-zeroed"))
    return correct("a low-pass in the STFT domain: whole rows above the cut-off set to zero, "
                   "the rest untouched.")


# --------------------------------------------------------------------------------------------
# Exercise 6: choose n_fft (and the window) to resolve two close tones
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


@exercise("03.6")
def check_choose_n_fft(fn):
    """Exercise 6: ``choose_n_fft(f1, f2, sr)`` -> ``n_fft`` or ``(n_fft, window)`` with which two
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
                f"are only {bins:.1f} bins apart, so their peaks merge ({why}).",
                "The bin spacing sr / n_fft must be a fraction of the tones' distance: a Hann "
                "main lobe is 4 bins wide, and a 30 dB weaker neighbour needs a little more "
                "than 4 bins between the tones (exactly 4 is not always enough: when the tones "
                "fall between bins their peaks can still merge).",
                "n_fft >= 5 * sr / abs(f2 - f1), or the next power of two above "
                "4 * sr / abs(f2 - f1)",
                mistake="too-small"))
        if bins > MAX_BINS_APART:
            stop_wrong(Hint(
                f"the peaks are resolved, but for {case} n_fft = {n_fft} puts the tones "
                f"{bins:.0f} bins apart: the window ({1000 * n_fft / sr:.0f} ms) is several times "
                "longer than needed, and every event gets smeared over it in time.",
                "Aim for a few bins between the tones (4 to 8 with Hann), not dozens.",
                mistake="too-long"))
    return correct("two peaks for every pair, with a window no longer than needed "
                   "(a little more than 4 bins between the tones with Hann).")


# --------------------------------------------------------------------------------------------
# Exercise 3: fix the original tutorial's spectrogram
# --------------------------------------------------------------------------------------------
_SEED_CASES = [(16000, 1024, 256, 1.5), (44100, 4096, 1024, 2.0)]


def _seed_signal(sr, seconds, seed):
    rng = np.random.default_rng(seed)
    t = np.arange(int(sr * seconds)) / sr
    y = 0.4 * np.sin(2 * np.pi * (150 * t + 900 * t ** 2)) + 0.01 * rng.standard_normal(t.size)
    y[int(0.5 * sr)] += 0.8
    return y.astype(np.float32)


def _quadmesh(ax):
    from matplotlib.collections import QuadMesh
    from matplotlib.image import AxesImage

    arts = [a for a in ax.collections if isinstance(a, QuadMesh)] + \
           [a for a in ax.images if isinstance(a, AxesImage)]
    return arts[0] if arts else None


#: The original code's own errors, when run on the axes the check passes in.
_SEED_ERRORS = {
    r"No mappable was found": Hint(
        "plt.colorbar() (the original code) does not know which image to describe when you "
        "drew on an ax: it needs the image specshow returned.",
        "specshow returns the image it drew: keep it and give it to the figure's colour bar.",
        "img = librosa.display.specshow(..., ax=ax); ax.figure.colorbar(img, ax=ax, "
        "format='%+2.0f dB', label='dB re max')",
        mistake="colorbar-no-mappable"),
    r"takes \d+ positional argument": Hint(
        "librosa's functions take keyword arguments after the first one (librosa >= 0.10).",
        "Write n_fft=..., hop_length=..., sr=... by name.",
        "librosa.stft(y=signal, n_fft=n_fft, hop_length=hop_length)",
        mistake="positional-arguments"),
}


@exercise("03.3")
def check_fixed_spectrogram(fn):
    """Exercise 3: ``spectrogram_db(signal, sample_rate, n_fft, hop_length, ax)`` draws the
    spectrogram in dB re max on ``ax`` (time axis in s, log frequency axis in Hz, a colourbar
    labelled in dB) and returns the dB array."""
    import librosa
    import matplotlib.pyplot as plt

    for i, (sr, n_fft, hop, seconds) in enumerate(_SEED_CASES):
        y = _seed_signal(sr, seconds, seed=20 + i)
        mag = np.abs(librosa.stft(y=y, n_fft=n_fft, hop_length=hop))
        ref = librosa.amplitude_to_db(mag, ref=np.max, top_db=None)
        fig, ax = plt.subplots()
        try:
            out = call(fn, y.copy(), sr, n_fft, hop, ax, known_errors=_SEED_ERRORS)
            _check_seed_values(out, ref, mag, sr, n_fft, hop)
            _check_seed_axes(ax, fig, y.size, sr, n_fft, hop)
        finally:
            plt.close(fig)
    return correct("dB re max, time in seconds, log-frequency axis in Hz, and a colourbar that "
                   "says what the colours mean.")


def _floor(a):
    """Floor at 80 dB below the maximum (amplitude_to_db's top_db default; None also passes)."""
    return np.maximum(a, a.max() - 80.0)


def _check_seed_values(out, ref, mag, sr, n_fft, hop):
    import librosa

    S_db = array(out, what="the spectrogram in dB (a 2-D array)", ndim=2)
    if S_db.shape != ref.shape:
        stop_wrong(Hint(f"return the dB spectrogram with shape {ref.shape} (1 + n_fft // 2 "
                        f"bins, frames); got {S_db.shape}.", mistake="shape"))
    if close(_floor(S_db), _floor(ref), rtol=0, atol=0.05):
        return
    if close(S_db, mag, rtol=1e-3, atol=1e-4) or close(S_db, mag ** 2, rtol=1e-3, atol=1e-4):
        stop_wrong(Hint(
            "that is the linear magnitude, as in the original code: on a linear scale a few "
            "loud bins take all the colour. Convert to decibels.",
            "librosa.amplitude_to_db(magnitude, ref=np.max) gives dB re the loudest bin.",
            mistake="linear"))
    re_one = librosa.amplitude_to_db(mag, ref=1.0, top_db=None)
    if close(_floor(S_db), _floor(re_one), rtol=0, atol=0.05):
        stop_wrong(Hint(
            "these are dB re 1.0 (amplitude_to_db's default ref): the exercise asks for dB "
            "re max, so 0 dB is the loudest bin and the colourbar label can say so.",
            "Pass ref=np.max.", mistake="no-ref"))
    if close(_floor(S_db), _floor(2 * ref), rtol=0, atol=0.1):
        stop_wrong(Hint(
            "your dB values are twice too large: amplitude_to_db was given power "
            "(|S| ** 2). It expects the magnitude |S|; power_to_db is the one for |S| ** 2.",
            mistake="amplitude-on-power"))
    if close(_floor(S_db), _floor(ref / 2), rtol=0, atol=0.05):
        stop_wrong(Hint(
            "your dB values are half as large: power_to_db was given the magnitude |S|. Use "
            "amplitude_to_db for |S| (or power_to_db for |S| ** 2).",
            mistake="power-on-magnitude"))
    stop_wrong(Hint("the dB values differ from 20 * log10(|S| / max|S|) (floored 80 dB below "
                    "the maximum).", mistake="values"))


def _check_seed_axes(ax, fig, n, sr, n_fft, hop):
    mesh = _quadmesh(ax)
    if mesh is None:
        stop_wrong(Hint("nothing was drawn on the axes the check passed in: draw with "
                        "librosa.display.specshow(..., ax=ax).", mistake="not-drawn"))
    n_frames = 1 + n // hop
    duration = n / sr
    x_hi = ax.get_xlim()[1]
    y_hi = ax.get_ylim()[1]
    if abs(x_hi - (n_frames - 0.5)) < 1.5 or abs(x_hi - n_frames) < 1.5:
        stop_wrong(Hint("the x axis counts frames: pass x_axis='time' (with sr= and "
                        "hop_length=) so it shows seconds.", mistake="x-frames"))
    if abs(y_hi - (n_fft // 2 + 0.5)) < 1.5 or abs(y_hi - (n_fft // 2 + 1)) < 1.5:
        stop_wrong(Hint("the y axis counts frequency bins: pass y_axis='log' (with sr=) so it "
                        "shows hertz.", mistake="y-bins"))
    if abs(x_hi - duration) > 2 * hop / sr or abs(y_hi - sr / 2) > 2 * sr / n_fft:
        stop_wrong(Hint(
            f"the axes do not match a {duration:g} s signal at {sr} Hz (x axis ends at "
            f"{x_hi:.2f}, y axis at {y_hi:.0f}). specshow assumes sr=22050 and hop_length=512 "
            "unless you pass them.",
            "specshow(S_db, sr=sample_rate, hop_length=hop_length, ...)",
            mistake="specshow-defaults"))
    if ax.get_yscale() not in ("log", "symlog"):
        stop_wrong(Hint("draw the frequency axis on a log scale (y_axis='log'), as asked: "
                        "musical structure is spread evenly in octaves.", mistake="y-linear"))
    if "hz" not in ax.get_ylabel().lower():
        stop_wrong(Hint(f"the frequency axis is labelled {ax.get_ylabel()!r}: an axis label "
                        "names the unit too, e.g. 'Frequency (Hz)' (specshow's own label is "
                        "'Hz').", mistake="no-unit"))
    cb = getattr(mesh, "colorbar", None)
    if cb is None:
        stop_wrong(Hint("no colourbar: without it the colours mean nothing. Add "
                        "ax.figure.colorbar(img, ax=ax, ...) with a label.",
                        mistake="no-colorbar"))
    label = (cb.ax.get_ylabel() + " " + cb.ax.get_xlabel()).lower()
    if "db" not in label:
        stop_wrong(Hint("label the colourbar with the unit and reference, e.g. 'dB re max'.",
                        "fig.colorbar(img, ax=ax, format='%+2.0f dB', label='dB re max')",
                        mistake="colorbar-label"))
