"""Exercise checks of notebook 01_waveform (issue 9).

The ladder: 1 ``duration_s`` (warm-up) and the "speech" clip's duration; 2 ``int16_to_float``;
3 ``first_onset_time`` and the silence before the speech starts (apply to another clip);
4 ``zero_crossing_frequency`` (stretch: frequency, period and aliasing); 5 ``show_waveform``
(stretch: the original lesson's waveform code, made to run on librosa 0.11 and 1.0).

Every check that takes a function calls it on inputs the learner has not seen (other sample
rates, other lengths, the extreme int16 values, negative clicks, tones above sr / 2) and
compares with an independent reference; each mistake the notebook names has its own hint
(``mistake`` id), tested in ``tests/test_exercises_01.py``.
"""

from __future__ import annotations

import re
import tempfile
import warnings
from pathlib import Path

import numpy as np

from ._core import (
    Hint,
    call,
    close,
    correct,
    exercise,
    is_placeholder,
    number,
    stop_unanswered,
    stop_wrong,
)
from ._routes import Forbidden
from ._spec import FunctionExercise, Mistake, check

__all__ = [
    "check_duration_s", "check_speech_duration", "check_int16_to_float",
    "check_first_onset_time", "check_speech_start", "check_zero_crossing_frequency",
    "check_show_waveform",
]


def _all_match(outs, refs, *, rtol=1e-6, atol=1e-12) -> bool:
    """Every output equals its reference to float32 precision (a learner may compute in
    float32, like the audio itself)."""
    return all(close(o, r, rtol=rtol, atol=atol) for o, r in zip(outs, refs, strict=True))


# --------------------------------------------------------------------------------------------
# Exercise 1: samples -> seconds
# --------------------------------------------------------------------------------------------
def _duration(n_samples, sr):
    """The reference: a clip of n samples at sr samples per second lasts n / sr seconds."""
    return float(n_samples) / sr


def _duration_cases(rng) -> list[dict]:
    """Sample counts and rates the notebook never used: a few samples, a clip that is not a
    whole number of seconds, a long recording counted in an np.int64; three different rates."""
    rates = [int(r) for r in rng.choice([8000, 11025, 16000, 32000, 44100, 48000], size=3,
                                        replace=False)]
    return [dict(n_samples=int(rng.integers(1, 10)), sr=rates[0]),
            dict(n_samples=int(rng.integers(2, 5)) * rates[1] + int(rng.integers(1, rates[1])),
                 sr=rates[1]),
            dict(n_samples=np.int64(rng.integers(10**6, 10**7)), sr=rates[2])]


_SAMPLES_NOT_SECONDS = Hint(
    "your function returns the number of samples itself; a duration is in seconds.",
    "The sample rate says how many samples make one second.",
    example="a doorbell recording of 24000 samples at 8000 samples per second: each second "
    "holds 8000 of them, so it lasts 24000 / 8000 = 3 s.", mistake="samples-not-seconds")

EX_DURATION = FunctionExercise(
    "01.1", _duration, _duration_cases, output="number", rtol=1e-6, atol=1e-12,
    name="duration_s",
    mistakes=[
        Mistake("samples-not-seconds", lambda n, sr: n, _SAMPLES_NOT_SECONDS),
        Mistake("milliseconds", lambda n, sr: 1000 * n / sr, Hint(
            "those are milliseconds: the check asks for seconds.",
            "n / sr is already in seconds; multiplying by 1000 gives ms.")),
        Mistake("inverted", lambda n, sr: sr / n, Hint(
            "the division is upside down: that is how many clips fit in one second.",
            "samples / (samples per second) = seconds.")),
        Mistake("integer-division", lambda n, sr: n // sr, Hint(
            "integer division (//) throws away the fraction of a second: a clip that is not a "
            "whole number of seconds long loses its last part.",
            "Python's / divides exactly (it returns a float even for two ints).")),
        Mistake("fixed-sr", lambda n, sr: n / 22050, Hint(
            "your function ignores its sr argument and assumes 22050 Hz; the check uses other "
            "rates.", "Divide by the sr you were given.")),
        Mistake("last-sample-time", lambda n, sr: (n - 1) / sr, Hint(
            "that is the time of the LAST sample, (n - 1) / sr. The clip lasts one sample "
            "period longer: sample k covers the time from k / sr to (k + 1) / sr.",
            "One sample at 8000 Hz lasts 1/8000 s, not 0 s.")),
        Mistake("rounded", lambda n, sr: round(n / sr, 2), Hint(
            "your function rounds its result: keep full precision inside a function and round "
            "only when you print."),
            detect=lambda out, case, ref: any(close(out, round(ref, d), rtol=1e-6, atol=1e-12)
                                              for d in range(9))),
    ],
    fallback=Hint("How many seconds do n samples take when sr of them make one second?",
                  "Check your function by hand on a small case: 4 samples at 2 Hz.",
                  example="a clock that ticks 50 times per second has ticked 150 times: "
                  "150 ticks / (50 ticks per second) = 3 s. Samples and the sample rate work "
                  "the same way."),
    success="a clip of n samples at sr samples per second lasts n / sr seconds, whatever the "
    "rate.")


def check_duration_s(duration_s):
    """Exercise 1: ``duration_s(n_samples, sr)`` -> the duration in seconds (``n_samples / sr``),
    checked on sample counts and rates the notebook never used."""
    return check(EX_DURATION, duration_s)


check_duration_s.exercise_id = EX_DURATION.id


@exercise("01.1b")
def check_speech_duration(answer):
    """Exercise 1 (b): the duration of the shipped "speech" clip in seconds, to two decimal
    places (any answer within 0.01 s of the true value passes)."""
    import soundfile as sf

    from ..data import path

    meta = sf.info(str(path("speech")))
    n, sr = meta.frames, meta.samplerate
    truth = n / sr
    x = number(answer, what="one number of seconds")
    if abs(x - truth) <= 0.01:
        return correct(f"{truth:.3f} s ({n} samples / {sr} Hz); {x:g} is within 0.01 s.")
    if abs(x - n) <= 1:
        stop_wrong(_SAMPLES_NOT_SECONDS)
    if abs(x - 1000 * truth) <= 10:
        stop_wrong(Hint(f"{x:g} looks like milliseconds; the question asks for seconds "
                        "(1 s = 1000 ms).", mistake="milliseconds"))
    for other in (8000, 16000, 44100, 48000):
        if abs(x - n / other) <= 0.01:
            stop_wrong(Hint(f"that is the number of samples divided by {other} Hz: a sample "
                            "rate you assumed, not the file's own.",
                            "Read the rate from the file (its header, or load with sr=None).",
                            mistake="wrong-sr"))
    if abs(x - round(truth)) < 1e-9:
        stop_wrong(Hint("give two decimal places: a whole number of seconds is too coarse.",
                        mistake="too-coarse"))
    stop_wrong(Hint("duration = number of samples / sample rate, both read from the file.",
                    "helpers.info('speech') (or soundfile.info) gives both numbers.",
                    "duration_s(meta['frames'], meta['sample_rate'])", mistake="other"))


# --------------------------------------------------------------------------------------------
# Exercise 2: 16-bit PCM -> floats
# --------------------------------------------------------------------------------------------
def _pcm_cases() -> list[np.ndarray]:
    rng = np.random.default_rng(20250101)
    edges = np.array([-32768, -32767, -16384, -1, 0, 1, 8192, 32766, 32767], dtype=np.int16)
    quiet = rng.integers(-1200, 1201, size=37).astype(np.int16)  # a quiet passage
    stereo = rng.integers(-32768, 32768, size=(2, 6)).astype(np.int16)  # (channels, samples)
    stereo[0, 0], stereo[1, 1] = -32768, 32767
    return [edges, quiet, stereo]


@exercise("01.2")
def check_int16_to_float(int16_to_float):
    """Exercise 2: ``int16_to_float(pcm)`` -> floats as soundfile/librosa decode them
    (``pcm / 32768``), checked on fresh arrays including -32768 and 32767."""
    cases = _pcm_cases()
    outs, raws = [], []
    for pcm in cases:
        if callable(int16_to_float):
            try:  # one named mistake first; call() below reports every other failure
                int16_to_float(pcm.copy())
            except OverflowError as err:
                stop_wrong(Hint(
                    f"your function raised OverflowError ({err}): arithmetic on an int16 array "
                    "stays int16, and 32768 does not fit in int16 (its largest value is 32767).",
                    "Convert the array to floating point before doing arithmetic on it.",
                    "pcm.astype(np.float32) / ...", mistake="int16-overflow"))
            except Exception:  # noqa: BLE001, S110 - reported by call() with its input
                pass
        raw = call(int16_to_float, pcm.copy())
        a = np.asarray(raw)
        if a.dtype.kind in "iub":
            stop_wrong(Hint(
                f"the result has the integer dtype {a.dtype}: integers cannot hold values "
                "between -1 and 1 such as 0.25.",
                "Convert to floating point before (or while) dividing; // is integer division.",
                "pcm.astype(np.float32) / ...", mistake="integer-dtype"))
        if a.dtype.kind not in "f":
            stop_wrong(Hint(f"return a NumPy array of floats, got {type(raw).__name__} with "
                            f"dtype {a.dtype}.", mistake="not-float"))
        if a.shape != pcm.shape:
            stop_wrong(Hint(f"for an input of shape {pcm.shape} your function returned shape "
                            f"{a.shape}: convert every sample and keep the shape (the check "
                            "also passes a (channels, samples) array).", mistake="wrong-shape"))
        outs.append(a.astype(np.float64))
        raws.append(a)
    refs = [pcm.astype(np.float64) / 32768 for pcm in cases]
    if _all_match(outs, refs, rtol=1e-6, atol=1e-7):
        return correct("-32768 -> -1.0 exactly and 32767 -> 0.99997: the range is [-1, 1).")

    def match(model):
        return _all_match(outs, [model(p.astype(np.float64)) for p in cases], rtol=1e-6,
                          atol=1e-7)

    if match(lambda p: p / 32767) or match(lambda p: np.clip(p / 32767, -1, 1)):
        stop_wrong(Hint(
            "you divided by 32767. That makes 32767 exactly 1 but -32768 slightly below -1; "
            "soundfile and librosa divide by 32768 = 2**15, so every step is 1/32768 and "
            "-32768 maps to exactly -1.", mistake="divide-32767"))
    if match(lambda p: p / 65536) or match(lambda p: p / 65535):
        stop_wrong(Hint(
            "16 bits give 65536 levels, but they are split between negative and positive "
            "values: the largest magnitude is 2**15 = 32768, not 2**16.",
            mistake="divide-65536"))
    if match(lambda p: p / 255) or match(lambda p: p / 256) or match(lambda p: p / 128):
        stop_wrong(Hint("that is the scale of 8-bit audio; these samples have 16 bits.",
                        "A 16-bit signed integer runs from -2**15 to 2**15 - 1.",
                        mistake="eight-bit"))
    quiet_out, quiet = outs[1], cases[1].astype(np.float64)  # a passage far below full scale
    peak = np.max(np.abs(quiet_out))
    if abs(peak - 1) < 1e-3 and close(quiet_out / peak, quiet / np.max(np.abs(quiet)),
                                      rtol=1e-5, atol=1e-6):
        stop_wrong(Hint(
            "you divided by the loudest sample of the array: that normalises the peak to 1, "
            "so a quiet passage would come out as loud as a loud one. Decoding uses one fixed "
            "full-scale value for every file.", "Which value is full scale for 16 bits?",
            mistake="peak-normalised"))
    if match(lambda p: (p + 32768) / 65535 * 2 - 1) or match(
            lambda p: (p - p.min()) / (p.max() - p.min()) * 2 - 1):
        stop_wrong(Hint("your mapping moves zero: silence (0) must stay 0.0. Decoding only "
                        "scales, it does not shift.", mistake="shifted"))
    if match(lambda p: p):
        stop_wrong(Hint("the values are floats now but not scaled: full scale must become 1.",
                        "Divide by the full-scale value of 16-bit audio.",
                        mistake="not-scaled"))
    if close(outs[0], refs[0], rtol=1e-3, atol=1e-4) and all(
            a.dtype == np.float16 for a in map(np.asarray, raws)):
        stop_wrong(Hint("float16 keeps only about 3 significant digits, too few for 16-bit "
                        "audio: 32767 / 32768 comes out as exactly 1.0, and quiet samples "
                        "lose their detail.",
                        "Use float32 (what soundfile and librosa return) or float64.",
                        "pcm.astype(np.float32) / 32768", mistake="float16"))
    if match(lambda p: np.floor(p / 32768)):
        stop_wrong(Hint("// rounds down to whole numbers; use / for an exact division.",
                        mistake="floor-division"))
    stop_wrong(Hint("float value = integer / 32768 for every sample, as soundfile decodes "
                    "PCM_16.", "Convert to float first, then divide.",
                    "pcm.astype(np.float32) / 32768", mistake="other"))


# --------------------------------------------------------------------------------------------
# Exercise 3: the first onset, in seconds
# --------------------------------------------------------------------------------------------
def _onset_cases():
    """(signal, sr, threshold, index of the expected first sample above threshold)."""
    rng = np.random.default_rng(7)
    cases = []
    # 1: positive clicks at 8 kHz, quiet noise below the threshold
    y = 0.01 * rng.standard_normal(8000)
    y[2000], y[5000] = 0.8, 0.8
    cases.append((y, 8000, 0.5, 2000))
    # 2: the first click is NEGATIVE (needs |y|), 44.1 kHz
    y = 0.02 * rng.standard_normal(44100)
    y[11032], y[30000] = -0.9, 0.7
    cases.append((y, 44100, 0.3, 11032))
    # 3: a smaller click comes before the loudest one (first, not loudest), 16 kHz
    y = np.zeros(16000)
    y[3000], y[9000] = 0.6, 0.95
    cases.append((y, 16000, 0.5, 3000))
    # 4: the threshold matters: a 0.2 bump, then a 0.6 click; threshold 0.1, 48 kHz
    y = np.zeros(24000)
    y[1000:1010], y[7000] = 0.2, 0.6
    cases.append((y, 48000, 0.1, 1000))
    # 5: same signal at 22.05 kHz with threshold 0.4 -> the click
    y = np.zeros(22050)
    y[1000:1010], y[7000] = 0.2, 0.6
    cases.append((y, 22050, 0.4, 7000))
    return cases


@exercise("01.3")
def check_first_onset_time(first_onset_time):
    """Exercise 3: ``first_onset_time(y, sr, threshold)`` -> time (s) of the first sample whose
    absolute value is above ``threshold``; checked on synthetic clicks at other rates."""
    cases = _onset_cases()
    outs = [number(call(first_onset_time, y.copy(), sr, thr), what="one number of seconds")
            for y, sr, thr, _ in cases]
    refs = [i / sr for _, sr, _, i in cases]
    tols = [0.5 / sr for _, sr, _, _ in cases]  # the index is exact here: half a sample
    ok = [abs(o - r) <= t + 1e-12 for o, r, t in zip(outs, refs, tols, strict=True)]
    if all(ok):
        return correct("the time is index / sr, and |y| finds negative clicks too.")

    def match(model):
        return all(abs(o - model(y, sr, thr, i)) <= 0.5 / sr + 1e-12
                   for o, (y, sr, thr, i) in zip(outs, cases, strict=True))

    def first(y, thr):
        return int(np.flatnonzero(y > thr)[0])

    if match(lambda y, sr, thr, i: i):
        stop_wrong(Hint("that is a sample index, not a time: convert it to seconds.",
                        "Sample n was taken at n / sr seconds.", mistake="samples-not-seconds"))
    if match(lambda y, sr, thr, i: 1000 * i / sr):
        stop_wrong(Hint("those are milliseconds: the function should return seconds.",
                        mistake="milliseconds"))
    if match(lambda y, sr, thr, i: i / 22050):
        stop_wrong(Hint("you divided by 22050 whatever the sample rate: use the sr argument "
                        "(the check uses 8, 16, 44.1 and 48 kHz too).", mistake="fixed-sr"))
    if match(lambda y, sr, thr, i: first(y, thr) / sr):
        stop_wrong(Hint("a click can be negative: the check's second signal starts with a "
                        "click at -0.9, which y > threshold misses.",
                        "Compare the absolute value |y| with the threshold.",
                        mistake="no-abs"))
    if match(lambda y, sr, thr, i: int(np.argmax(np.abs(y))) / sr):
        stop_wrong(Hint("that finds the LOUDEST sample, not the first one above the threshold "
                        "(in the third signal a 0.6 click comes before a 0.95 one).",
                        "Find every index where |y| > threshold, then take the first.",
                        mistake="loudest-not-first"))
    if match(lambda y, sr, thr, i: (i + 1) / sr):
        stop_wrong(Hint("every time is one sample period late: sample indices start at 0, so "
                        "sample n was taken at n / sr seconds, not (n + 1) / sr.",
                        "The very first sample, index 0, is at 0 s.", mistake="off-by-one"))
    if not all(ok) and all(any(abs(o - round(i / sr, d)) <= 1e-12 for d in range(1, 5))
                           for o, (_, sr, _, i) in zip(outs, cases, strict=True)):
        stop_wrong(Hint("your function rounds its result (e.g. to 3 decimals): 11032 samples at "
                        "44100 Hz are 0.250159 s, and 0.25 is 7 samples too early. Keep full "
                        "precision inside a function; round only when you print.",
                        mistake="rounded"))
    if match(lambda y, sr, thr, i: np.flatnonzero(np.abs(y) > 0.5)[0] / sr):
        stop_wrong(Hint("your function ignores its threshold argument (it uses 0.5); the "
                        "check passes thresholds 0.1, 0.3 and 0.4 as well.",
                        mistake="fixed-threshold"))
    bad = ok.index(False)
    y, sr, thr, i = cases[bad]
    stop_wrong(Hint(f"for a signal of {y.size} samples at {sr} Hz with threshold {thr}, your "
                    f"function returned {outs[bad]:.6g}; the first sample above the threshold "
                    "is elsewhere.",
                    "Find the first index n with |y[n]| > threshold, then convert it to seconds.",
                    "np.flatnonzero(np.abs(y) > threshold)[0] gives that index",
                    mistake="other"))


def _speech_start_ms(threshold: float = 0.1) -> float:
    import soundfile as sf

    from ..data import path

    y, sr = sf.read(str(path("speech")), dtype="float32")
    return 1000 * int(np.flatnonzero(np.abs(y) > threshold)[0]) / sr


@exercise("01.3b")
def check_speech_start(answer):
    """Exercise 3 (b): how long is the silence before the "speech" clip starts (first sample
    with |y| > 0.1), in milliseconds, to the nearest ms (within 1 ms passes)."""
    truth = _speech_start_ms(0.1)
    x = number(answer, what="one number of milliseconds")
    if abs(x - truth) <= 1.0:
        return correct(f"{truth:.1f} ms of silence before the first sample above 0.1.")
    if abs(1000 * x - truth) <= 1.0:
        stop_wrong(Hint(f"{x:g} is in seconds; the question asks for milliseconds "
                        "(1 s = 1000 ms).", mistake="seconds-not-ms"))
    if abs(x - truth * 22.05) <= 22.05:
        stop_wrong(Hint("that is a sample index at 22050 Hz: convert it to time.",
                        mistake="samples-not-ms"))
    for thr in (0.05, 0.2, 0.3, 0.5):
        if abs(x - _speech_start_ms(thr)) <= 1.0:
            stop_wrong(Hint(f"that is the start for another threshold ({thr}); the question "
                            "uses threshold = 0.1.", mistake="other-threshold"))
    stop_wrong(Hint("load the clip at its own rate, call your first_onset_time with "
                    "threshold 0.1 and convert seconds to milliseconds.",
                    "first_onset_time(y, sr, 0.1) * 1000", mistake="other"))


# --------------------------------------------------------------------------------------------
# Exercise 4: measure a frequency by counting zero crossings
# --------------------------------------------------------------------------------------------
def alias_of(f: float, sr: float) -> float:
    """The frequency (Hz, in [0, sr/2]) whose samples a tone of ``f`` Hz at ``sr`` Hz equals
    (the folding formula, written differently from the notebook's, as an independent check)."""
    r = np.mod(f, sr)
    return float(min(r, sr - r))


#: 01.4 measures a frequency in the time domain: no FFT, spectrum or pitch tracker.
_NO_SPECTRUM = Forbidden((
    "numpy.fft", "scipy.fft", "scipy.fftpack", "scipy.signal.periodogram", "scipy.signal.welch",
    "scipy.signal.spectrogram", "scipy.signal.stft", "scipy.signal.csd",
    "scipy.signal.ShortTimeFFT", "scipy.signal.freqz", "scipy.signal.czt",
    "scipy.signal.zoom_fft", "scipy.signal.lombscargle", "matplotlib.mlab", "librosa.stft",
    "librosa.pyin", "librosa.yin", "librosa.piptrack", "librosa.reassigned_spectrogram",
    "helpers"),
    hint=lambda used: Hint(
        f"your function uses {used[0]}, a spectrum or pitch tool (notebook 02's territory). "
        "This exercise measures the frequency in the time domain, from how often consecutive "
        "samples change sign.",
        "Count the sign changes between neighbouring samples; a sine has two per period.",
        mistake="used-fft"))


_ZC_CASES = [  # (frequency of the tone, sample rate, duration s)
    (440.0, 22050, 1.0), (1234.5, 8000, 0.5), (100.0, 44100, 0.25), (3000.0, 16000, 0.75),
    (7000.0, 11025, 1.0),   # above 11025 / 2: heard at 4025 Hz
    (15000.0, 16000, 0.5),  # above 8000: heard at 1000 Hz
]


def _zc_signals():
    rng = np.random.default_rng(3)
    out = []
    for f, sr, dur in _ZC_CASES:
        n = np.arange(int(round(dur * sr)))
        start = rng.uniform(0.3, 2.8)  # the tone does not start at a zero crossing
        amp = rng.uniform(0.2, 0.9)
        out.append(amp * np.sin(2 * np.pi * f * n / sr + start))
    return out


@exercise("01.4")
def check_zero_crossing_frequency(zero_crossing_frequency):
    """Exercise 4: ``zero_crossing_frequency(x, sr)`` -> the frequency (Hz) of a sampled sine,
    from its zero crossings; checked on tones at other rates, some above sr / 2 (the answer is
    then the alias, the frequency the samples really hold)."""
    sigs = _zc_signals()
    outs = [number(call(zero_crossing_frequency, x.copy(), sr, forbid=_NO_SPECTRUM),
                   what="one frequency in Hz")
            for x, (_, sr, _) in zip(sigs, _ZC_CASES, strict=True)]
    refs = [alias_of(f, sr) for f, sr, _ in _ZC_CASES]
    tols = [max(1.5 / dur, 0.002 * r) for r, (_, _, dur) in zip(refs, _ZC_CASES, strict=True)]

    def match(values):
        return all(abs(o - v) <= t for o, v, t in zip(outs, values, tols, strict=True))

    if match(refs):
        return correct("two zero crossings per period, so f = crossings / 2 / duration. "
                       "Above sr / 2 you measure the alias: that is what the samples hold.")
    if match([2 * r for r in refs]):
        stop_wrong(Hint("your result is twice the frequency: a sine crosses zero TWICE per "
                        "period (once going up, once going down).", mistake="doubled"))
    if match([r / 2 for r in refs]):
        stop_wrong(Hint("your result is half the frequency: did you count only upward "
                        "crossings and still divide by 2?", mistake="halved"))
    if match([r * 22050 / sr for r, (_, sr, _) in zip(refs, _ZC_CASES, strict=True)]):
        stop_wrong(Hint("you assumed 22050 Hz; the check uses other sample rates: use sr.",
                        mistake="fixed-sr"))
    per_sample = [r / sr for r, (_, sr, _) in zip(refs, _ZC_CASES, strict=True)]
    if all(abs(o - v) <= 0.01 * v + 1 / (dur * sr)
           for o, v, (_, sr, dur) in zip(outs, per_sample, _ZC_CASES, strict=True)):
        stop_wrong(Hint("you divided by the number of samples: that gives cycles per SAMPLE. "
                        "Hertz are cycles per SECOND.",
                        "The duration in seconds is len(x) / sr.", mistake="per-sample"))
    if match([2 * r * dur for r, (_, _, dur) in zip(refs, _ZC_CASES, strict=True)]):
        stop_wrong(Hint("that is the number of crossings; turn it into cycles per second.",
                        "Two crossings make one period; divide by the duration in seconds.",
                        mistake="count-not-frequency"))
    bad = next(i for i, (o, r, t) in enumerate(zip(outs, refs, tols, strict=True))
               if abs(o - r) > t)
    f, sr, dur = _ZC_CASES[bad]
    stop_wrong(Hint(f"for a sine sampled at {sr} Hz ({dur} s) your function returned "
                    f"{outs[bad]:.6g} Hz, expected about {refs[bad]:.6g} Hz"
                    + (f" (the tone is {f:g} Hz, above sr / 2: its alias)." if f > sr / 2
                       else "."),
                    "A zero crossing is where consecutive samples change sign.",
                    "crossings = np.count_nonzero(np.diff(np.signbit(x)))", mistake="other"))


# --------------------------------------------------------------------------------------------
# Exercise 5: the original lesson's waveform code, fixed
# --------------------------------------------------------------------------------------------
def _waveform_files(folder: Path) -> list[tuple[Path, int, np.ndarray]]:
    import soundfile as sf

    rng = np.random.default_rng(11)
    out = []
    for sr, dur, f in ((16000, 1.5, 300.0), (44100, 0.4, 1000.0)):
        t = np.arange(int(dur * sr)) / sr
        y = 0.6 * np.exp(-3 * t) * np.sin(2 * np.pi * f * t) + 0.01 * rng.standard_normal(t.size)
        p = folder / f"fresh_{sr}.wav"
        sf.write(str(p), y, sr, subtype="PCM_16")
        decoded, _ = sf.read(str(p), dtype="float32")
        out.append((p, sr, decoded))
    return out


_TIME_UNIT = re.compile(r"\(s\)|\[s\]|\bs\b|second|\bsec\b", re.I)


def _call_plotter(fn, path: Path, ax):
    """Call the learner's plotting function; turn the known API mistakes into named hints."""
    import matplotlib.pyplot as plt

    before = set(plt.get_fignums())
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                out = fn(str(path), ax)
            except NotImplementedError:
                stop_unanswered("Your function still raises NotImplementedError: write its body.")
            except AttributeError as err:
                if "waveplot" in str(err):
                    stop_wrong(_WAVEPLOT)
                if "x_axis" in str(err):  # librosa 1.0 hands x_axis on to matplotlib
                    stop_wrong(_X_AXIS)
                stop_wrong(Hint(f"your function raised AttributeError: {err}", mistake="raised"))
            except TypeError as err:
                msg = str(err)
                if "x_axis" in msg:
                    stop_wrong(_X_AXIS)
                if "positional" in msg:
                    stop_wrong(_POSITIONAL)
                stop_wrong(Hint(f"your function raised TypeError: {msg}", mistake="raised"))
            except Exception as err:  # noqa: BLE001 - the learner's code failed: say where
                stop_wrong(Hint(f"your function raised {type(err).__name__}: {err} when the "
                                f"check called it on a fresh file ({path.name}).",
                                mistake="raised"))
    finally:
        for num in set(plt.get_fignums()) - before:  # figures the learner's code opened
            plt.close(num)
    if any("x_axis" in str(w.message) for w in caught):
        stop_wrong(_X_AXIS)
    return out


_WAVEPLOT = Hint("librosa.display.waveplot was removed in librosa 0.10: its successor is "
                 "librosa.display.waveshow.",
                 "waveshow takes the signal, then keywords only: sr=..., ax=...",
                 "librosa.display.waveshow(y, sr=sr, ax=ax)", mistake="waveplot")
_POSITIONAL = Hint("since librosa 0.10 every argument after the signal (or the path) is "
                   "keyword-only: the seed's waveplot(signal, sample_rate) and a load(path, "
                   "22050) both raise TypeError.",
                   "Name the arguments: sr=..., ax=...",
                   "librosa.load(path, sr=None) ... librosa.display.waveshow(y, sr=sr, ax=ax)",
                   mistake="positional")
_X_AXIS = Hint("waveshow's x_axis= was renamed axis= in librosa 0.10 and librosa 1.0 rejects "
               "it; you do not need it at all (time is the default).", mistake="x-axis")


@exercise("01.5")
def check_show_waveform(show_waveform):
    """Exercise 5: ``show_waveform(path, ax)`` loads a file at its own rate, draws its waveform
    on ``ax`` with time in seconds, labels both axes and returns ``(y, sr)``; run on fresh
    files at 16 kHz and 44.1 kHz (written to a temporary folder, never into data/)."""
    from matplotlib.figure import Figure

    if is_placeholder(show_waveform):
        stop_unanswered("Write the function in the cell above, then run this check again.")
    if not callable(show_waveform):
        stop_wrong(Hint("this exercise wants a function show_waveform(path, ax).",
                        mistake="not-a-function"))
    with tempfile.TemporaryDirectory(prefix="audio-course-ex01-") as folder:
        for path, sr_file, decoded in _waveform_files(Path(folder)):
            fig = Figure(figsize=(6, 2))
            ax = fig.add_subplot()
            out = _call_plotter(show_waveform, path, ax)
            if is_placeholder(out):
                stop_unanswered("Your function returns nothing yet: finish it with "
                                "`return y, sr`.")
            if not (isinstance(out, tuple) and len(out) == 2):
                stop_wrong(Hint("return the loaded signal and its rate as a pair: "
                                "return y, sr.", mistake="return-y-sr"))
            y, sr = out
            try:
                sr = float(sr)
            except (TypeError, ValueError):
                stop_wrong(Hint("return (y, sr): the second value must be the sample rate.",
                                mistake="return-y-sr"))
            if sr != sr_file:
                if sr == 22050:
                    stop_wrong(Hint(
                        f"the check's file is stored at {sr_file} Hz, but your y is at 22050 "
                        "Hz: librosa.load resamples to 22050 Hz unless told otherwise (the "
                        "seed's sr=22050 did it on purpose).",
                        "sr=None keeps the file's own rate.", mistake="resampled-22050"))
                stop_wrong(Hint(f"the file is stored at {sr_file} Hz, your function returned "
                                f"sr = {sr:g}: keep the file's own rate.",
                                mistake="wrong-sr"))
            y = np.asarray(y)
            if y.shape != decoded.shape or not close(y, decoded, atol=1e-3):
                stop_wrong(Hint("the y you return is not the file's samples (same length, "
                                "same values): return what librosa.load gave you.",
                                mistake="return-y-sr"))
            if not ax.has_data():
                stop_wrong(Hint("nothing was drawn on the ax the check passed in: draw on "
                                "that ax, not on a new figure.",
                                "waveshow (like most plotting functions) takes ax=ax.",
                                mistake="drew-elsewhere"))
            lim = ax.dataLim
            n = decoded.size
            dur = n / sr_file
            if abs(lim.x1 - (n - 1)) <= 0.02 * n:
                stop_wrong(Hint("the x axis runs over sample indices (0 ... n - 1), not "
                                "seconds: plot against time.",
                                "waveshow puts seconds on the x axis when you give it sr=...",
                                mistake="sample-index"))
            if abs(lim.x1 - n / 22050) <= 0.02 * dur and sr_file != 22050:
                stop_wrong(Hint("the time axis is scaled for 22050 Hz: waveshow's sr also "
                                "defaults to 22050, so pass the file's rate, sr=sr.",
                                mistake="waveshow-default-sr"))
            if abs(lim.x1 - 1000 * dur) <= 0.02 * 1000 * dur:
                stop_wrong(Hint("the time axis is in milliseconds: the exercise asks for "
                                "seconds.", mistake="milliseconds"))
            if not (abs(lim.x0) <= 0.01 * dur and abs(lim.x1 - dur) <= 0.02 * dur):
                stop_wrong(Hint(f"the drawn data span x = {lim.x0:.4g} ... {lim.x1:.4g}; for "
                                f"this {dur:g} s file it should run from 0 to about {dur:g} s.",
                                mistake="time-axis"))
            peak = float(np.max(np.abs(decoded)))
            if not (lim.y1 >= 0.9 * decoded.max() and lim.y0 <= 0.9 * decoded.min()
                    and max(abs(lim.y0), abs(lim.y1)) <= 1.1 * peak):
                stop_wrong(Hint("the drawn values do not span the signal's own amplitudes: "
                                "draw y itself (no scaling).", mistake="amplitude-scale"))
            if not _TIME_UNIT.search(ax.get_xlabel()):
                stop_wrong(Hint(f"the x axis is labelled {ax.get_xlabel()!r}: give the unit "
                                "(seconds). waveshow writes only 'Time'.",
                                "plt.xlabel labels pyplot's current axes, which need not be "
                                "ax; label ax itself.",
                                "ax.set_xlabel('Time (s)')", mistake="x-label"))
            if not re.search(r"amplitude|full scale", ax.get_ylabel(), re.I):
                stop_wrong(Hint(f"the y axis is labelled {ax.get_ylabel()!r}: say what it "
                                "shows (amplitude, full scale = 1).",
                                "Label ax itself, not pyplot's current axes.",
                                "ax.set_ylabel('Amplitude (full scale = 1)')",
                                mistake="y-label"))
    return correct("keywords everywhere, the file's own rate, time in seconds: this "
                   "runs on librosa 0.11 and 1.0.")
