"""Exercise checks of notebook 01_waveform (issues 9 and 19).

The ladder (issue 19: every apply/stretch exercise is a situation the notebook does not show):

* 01.1 (warm-up) ``duration_s`` and the "speech" clip's duration: mirrors section 2.
* 01.2 (apply) ``float_to_int16``: the way BACK from floats to 16-bit PCM (the notebook only
  decodes), with the overshoot of section 6 to clip.
* 01.3 (apply) ``first_onset_time`` on int16 recordings of shape (channels, samples): decoding
  (section 2), channels (section 4) and samples -> seconds together.
* 01.4 (stretch) ``zero_crossing_frequency``: a frequency measured in the time domain, and the
  alias (section 5) for tones above sr / 2.

Checks 01.1-01.4 are declarative specs (:mod:`._spec`): fresh cases per seed, every parameter
varied, each named mistake a wrong implementation whose margin ``tools/margins.py`` measures;
tested in ``tests/test_exercises_01.py``.
"""

from __future__ import annotations

import numpy as np

from ._core import (
    Hint,
    call,
    close,
    correct,
    exercise,
    number,
    stop_wrong,
)
from ._spec import FunctionExercise, Mistake, check

__all__ = [
    "check_duration_s", "check_speech_duration", "check_float_to_int16",
    "check_first_onset_time", "check_zero_crossing_frequency",
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
            "n / sr is already in seconds; multiplying by 1000 gives ms.",
            example="A 4410-sample clip at 44,100 Hz: 4410 / 44,100 = 0.1 s, which is 0.1 x 1000 "
                    "= 100 ms. The rate is in samples per SECOND, so the plain quotient is "
                    "already the seconds asked for.")),
        Mistake("inverted", lambda n, sr: sr / n, Hint(
            "the division is upside down: that is how many clips fit in one second.",
            "samples / (samples per second) = seconds.",
            example="A 600-sample clip at 200 Hz: 600 samples / (200 samples per s) = 3 s (the "
                    "samples cancel, seconds stay); 200 / 600 = 0.33 has the unit 1/s, 'clips per "
                    "second'.")),
        Mistake("integer-division", lambda n, sr: n // sr, Hint(
            "integer division (//) throws away the fraction of a second: a clip that is not a "
            "whole number of seconds long loses its last part.",
            "Python's / divides exactly (it returns a float even for two ints).",
            example="5 samples at 2 Hz last 2.5 s: 5 / 2 = 2.5, while 5 // 2 = 2 drops the last "
                    "half second (a 44,100-sample clip at 48,000 Hz would last 0 s).")),
        Mistake("fixed-sr", lambda n, sr: n / 22050, Hint(
            "your function ignores its sr argument and assumes 22050 Hz; the check uses other "
            "rates.", "Divide by the sr you were given.",
            example="The same 48,000 samples last 1 s at 48,000 Hz but 3 s at 16,000 Hz: the "
                    "number of samples alone is no duration; the rate that comes with them is "
                    "half of the answer.")),
        Mistake("last-sample-time", lambda n, sr: (n - 1) / sr, Hint(
            "that is the time of the LAST sample, (n - 1) / sr. The clip lasts one sample "
            "period longer: sample k covers the time from k / sr to (k + 1) / sr.",
            "One sample at 8000 Hz lasts 1/8000 s, not 0 s.",
            example="3 samples at 1 Hz start at 0 s, 1 s and 2 s, and the last one lasts until 3 "
                    "s: the clip lasts 3 s, while 2 s is only when its last sample starts (a "
                    "fence of 3 posts vs its 3 sections).")),
        Mistake("rounded", lambda n, sr: round(n / sr, 2), Hint(
            "your function rounds its result: keep full precision inside a function and round "
            "only when you print.",
            example="1 sample at 3 Hz lasts 0.3333... s; a function that returns 0.33 is 1 % "
                    "short, and a caller that multiplies by 48,000 samples per s gets 15,840 "
                    "instead of 16,000. Keep 1 / 3 as it is and format it only in the print (e.g. "
                    "with :.2f)."),
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
                    example="the blues clip (section 2): its header says 661500 samples per "
                            "channel at 22050 Hz, so it lasts 661500 / 22050 = 30.0 s.",
                    mistake="other"))


# --------------------------------------------------------------------------------------------
# Exercise 2 (apply): floats -> 16-bit PCM, the way back (the notebook only decodes)
# --------------------------------------------------------------------------------------------
def _float_to_int16(y):
    """The answer key: the nearest 16-bit integer, round(y * 32768), clipped to the int16
    range."""
    r = np.round(np.asarray(y, dtype=np.float64) * 32768)
    return np.clip(r, -32768, 32767).astype(np.int16)


def _wrap16(r):
    """What ``.astype(np.int16)`` does to integers beyond the range on common CPUs: wrap around
    modulo 2**16 (section "More mistakes": int16 arithmetic wraps)."""
    r = np.asarray(r, dtype=np.float64).astype(np.int64)
    return ((r + 32768) % 65536 - 32768).astype(np.int16)


def _scaled_32767(y):
    """What 32767-scaling encoders give, however they clip: the floats to +-1 first, or the
    integers to -32767 ... 32767 or -32768 ... 32767 afterwards."""
    y = np.asarray(y, dtype=np.float64)
    r = np.round(y * 32767)
    return (np.round(np.clip(y, -1, 1) * 32767), np.clip(r, -32767, 32767),
            np.clip(r, -32768, 32767))


def _any_of(out, candidates) -> bool:
    a = np.asarray(out, dtype=np.float64)
    return any(a.shape == c.shape and np.array_equal(a, c) for c in candidates)


def _no_tie(rng, y):
    """Move values whose y * 32768 lies within 1e-3 of a half step (where round-half-to-even
    and floor(x + 0.5) disagree) a little: the check is about scaling, not about tie rules."""
    y = np.array(y, dtype=np.float64)
    frac = np.abs(np.mod(y * 32768, 1) - 0.5)
    y[frac < 1e-3] += 0.2 / 32768
    return y


def _int16_cases(rng):
    n = int(rng.integers(40, 90))
    loud = _no_tie(rng, rng.uniform(-1.4, 1.4, size=n))  # resampled or summed: beyond +-1
    loud[:4] = [1.0, -1.0, 1.0 - 1 / 32768, -1.0 - 0.3 / 32768]  # the edges themselves
    quiet = _no_tie(rng, 0.02 * rng.standard_normal(int(rng.integers(30, 60))))
    quiet = quiet.astype(np.float32)  # a float32 signal, as librosa.load returns
    stereo = _no_tie(rng, rng.uniform(-1.2, 1.2, size=(2, int(rng.integers(10, 30)))))
    return [dict(y=loud), dict(y=quiet), dict(y=stereo)]


_EX2_MISTAKES = [
    Mistake("scale-32767", lambda y: np.clip(np.round(np.asarray(y, float) * 32767),
                                             -32768, 32767).astype(np.int16),
            Hint("you scaled by 32767. Decoding divides by 32768 (section 2), so the way back "
                 "must multiply by 32768, or a round trip int16 -> float -> int16 changes the "
                 "integers: 32767 / 32768 * 32767 is 32766.0, not 32767, and -1.0 never "
                 "reaches -32768.",
                 "Encoding is the inverse of decoding: what number did decoding divide by?",
                 example="8-bit audio decodes as (k - 128) / 128; its encoder is "
                         "round(x * 128) + 128, the same 128 both ways, clipped to 0 ... 255."),
            detect=lambda out, case, ref: _any_of(out, _scaled_32767(case["y"]))),
    Mistake("clip-at-one", lambda y: _wrap16(np.round(np.clip(np.asarray(y, float), -1, 1)
                                                      * 32768)),
            Hint("1.0 becomes 32768 in your function (clipping the floats to [-1, 1] before "
                 "scaling, or the integers to +32768, does that), and 32768 does not fit in "
                 "int16 (its largest value is 32767): it wraps round to -32768, so full-scale "
                 "positive turns into full-scale negative.",
                 "Clip the INTEGERS to -32768 ... 32767 after scaling and rounding.",
                 example="an 8-bit encoder with range 0 ... 255: round(x * 128) + 128 gives "
                         "256 for x = 1.0, so it clips to 255 after scaling, not x to 1.")),
    Mistake("no-clip", lambda y: _wrap16(np.round(np.asarray(y, float) * 32768)),
            Hint("values beyond full scale wrap around: 1.3 * 32768 = 42598 does not fit in "
                 "int16 and comes out as a large NEGATIVE number, a loud click. Resampled or "
                 "summed audio goes beyond +-1 (section 6), so an encoder must clip.",
                 "np.clip the scaled, rounded values to the int16 range before .astype.",
                 example="40000 as int16: 40000 - 65536 = -25536 (the notebook's int16 sum "
                         "wrapped the same way); clipped, it would be 32767.")),
    Mistake("truncated", lambda y: np.clip(np.trunc(np.asarray(y, float) * 32768),
                                           -32768, 32767).astype(np.int16),
            Hint(".astype(np.int16) on floats cuts the fraction off (towards zero); it does "
                 "not round. 0.7 steps become 0, -1.7 steps become -1.",
                 "Round to the nearest integer first (np.round or np.rint), then convert.",
                 example="np.array([2.7, -2.7]).astype(int) is [2, -2]; "
                         "np.rint([2.7, -2.7]) is [3., -3.].")),
    Mistake("astype-only", lambda y: _wrap16(np.trunc(np.asarray(y, float) * 32768)), Hint(
        "you scaled and converted with .astype(np.int16) alone. Two things go wrong: .astype "
        "cuts the fraction off instead of rounding, and values beyond full scale wrap round "
        "to the other sign (1.0 * 32768 = 32768 becomes -32768).",
        "Round to the nearest integer, then clip to -32768 ... 32767, then convert.",
        example="np.array([2.7, 40000.0]).astype(np.int16) gives [2, -25536]; rounded and "
                "clipped first: [3, 32767].")),
    Mistake("floored", lambda y: np.clip(np.floor(np.asarray(y, float) * 32768),
                                         -32768, 32767).astype(np.int16),
            Hint("np.floor (or //) always rounds DOWN: every positive value loses up to one "
                 "step. The nearest integer is what you want.",
                 example="floor(2.7) = 2 but the nearest integer is 3; floor(-2.2) = -3 but "
                         "the nearest is -2.")),
    Mistake("ceiled", lambda y: np.clip(np.ceil(np.asarray(y, float) * 32768),
                                        -32768, 32767).astype(np.int16),
            Hint("np.ceil always rounds UP: every value that is not a whole number of steps "
                 "gains up to one step. The nearest integer is what you want.",
                 example="ceil(2.2) = 3 but the nearest integer is 2; ceil(-2.7) = -2 but "
                         "the nearest is -3.")),
    Mistake("not-scaled", lambda y: np.clip(np.round(np.asarray(y, float)),
                                            -32768, 32767).astype(np.int16),
            Hint("your integers are the floats rounded as they are (0, 1 or -1): full scale, "
                 "1.0 as a float, is 32768 steps as a 16-bit integer.",
                 example="0.25 of full scale in 16 bits is 0.25 * 32768 = 8192.")),
]


EX_2 = FunctionExercise(
    "01.2", _float_to_int16, _int16_cases, name="float_to_int16",
    mistakes=_EX2_MISTAKES, rtol=0.0, atol=0.1, seeds=3,
    fallback=Hint("encoding undoes decoding: section 2 turned each int16 k into k / 32768. "
                  "Which integer does the file need so that decoding gives y back as closely "
                  "as possible, and what can it store for a y beyond +-1 (the check has some)?",
                  "An int16 holds only whole numbers from -32768 to 32767; look at what "
                  "your function gives for 0.99999, for -1.25 and for 1.0.",
                  example="8-bit PCM runs 0 ... 255 with silence at 128: x = -0.5 becomes "
                          "round(-0.5 * 128) + 128 = 64; x = 1.2 would be 282, clipped to 255."),
    success="round(y * 32768), clipped to -32768 ... 32767: a round trip int16 -> float -> "
            "int16 gives back the same integers, and overshoot clips instead of wrapping.")


@exercise("01.2")
def check_float_to_int16(float_to_int16):
    """Exercise 2: ``float_to_int16(y)`` -> the int16 array a 16-bit file stores for ``y``
    (nearest integer, clipped), on loud, quiet (float32) and (channels, samples) inputs."""
    result = check(EX_2, float_to_int16)
    if result:
        out = call(float_to_int16, np.array([0.5, -1.25, 0.0]))
        kind = np.asarray(out).dtype
        if kind != np.int16:
            stop_wrong(Hint(f"the values are right, but the array's dtype is {kind}: a 16-bit "
                            "file stores int16. Convert at the end with .astype(np.int16).",
                            mistake="not-int16"),
                       "(checked with float_to_int16(np.array([0.5, -1.25, 0.0])))")
    return result


# --------------------------------------------------------------------------------------------
# Exercise 3 (apply): the first onset in a multichannel 16-bit recording
# --------------------------------------------------------------------------------------------
def _first_onset_time(pcm, sr, threshold):
    """The answer key: decode to floats first, then the first sample where ANY channel's |y|
    is above the threshold, in seconds."""
    a = np.abs(np.asarray(pcm, dtype=np.float64)) / 32768
    return float(np.flatnonzero((a > threshold).any(axis=0))[0] / sr)


_RATES = (8000, 11025, 16000, 44100, 48000)  # never librosa's default 22050


def _onset_recording(rng, channels, n, level):
    """Digital silence, then quiet noise (|x| <= level steps) in every channel."""
    pcm = rng.integers(-level, level + 1, size=(channels, n)).astype(np.int16)
    pcm[:, : int(rng.integers(12, 40))] = 0  # the recording starts with exact zeros
    return pcm


def _near_miss(rng, pcm, k, before):
    """A threshold OFF the 1/32768 grid, (k + 0.15) / 32768, and a sample of k (0.15 steps
    below it) before the onset: decoded with / 32767 it reads (k + 0.3) / 32768, above."""
    pcm[0, before - int(rng.integers(50, 300))] = k
    # and a sample 3 % below: only an answer that scales far too much (y / y.max(), a sum
    # over the channels) calls it loud, so those do not look like "/ 32767"
    pcm[0, before - int(rng.integers(320, 480))] = int(0.97 * k)
    return (k + 0.15) / 32768


def _onset_cases(rng):
    cases = []
    sr = [int(s) for s in rng.choice(_RATES, size=4, replace=False)]
    # a: mono (1, n); a positive onset
    k = int(rng.integers(7000, 12000))  # threshold in 16-bit steps
    pcm = _onset_recording(rng, 1, int(rng.integers(3000, 6000)), k // 4)
    i = int(rng.integers(500, 2000))
    pcm[0, i], pcm[0, i + 700] = k + 900, 30000
    cases.append(dict(pcm=pcm, sr=sr[0], threshold=_near_miss(rng, pcm, k, i)))
    # b: stereo, the first event only in the RIGHT channel (channel 1), 1.5 x the threshold
    k = int(rng.integers(9000, 14000))
    pcm = _onset_recording(rng, 2, int(rng.integers(4000, 8000)), k // 5)
    i = int(rng.integers(600, 2500))
    pcm[1, i] = int(1.5 * k)
    pcm[1, i + 900] = 31000  # channel 0 is never above the threshold
    pcm[0, i + 900] = k // 2
    cases.append(dict(pcm=pcm, sr=sr[1], threshold=_near_miss(rng, pcm, k, i)))
    # c: stereo, the first event is the most negative value, -32768, in the left channel
    k = int(rng.integers(6000, 12000))
    pcm = _onset_recording(rng, 2, int(rng.integers(4000, 8000)), k // 5)
    i = int(rng.integers(600, 2500))
    pcm[0, i] = -32768
    pcm[:, i + 800] = 25000
    cases.append(dict(pcm=pcm, sr=sr[2], threshold=_near_miss(rng, pcm, k, i)))
    # d: three channels; a sample exactly AT the threshold comes first, the onset later
    k = int(rng.integers(5000, 9000))
    pcm = _onset_recording(rng, 3, int(rng.integers(4000, 8000)), k // 5)
    i = int(rng.integers(600, 2500))
    pcm[2, i] = k
    pcm[2, i + 400] = -(k + 2000)
    pcm[:, i + 1200] = 30000
    cases.append(dict(pcm=pcm, sr=sr[3], threshold=k / 32768))
    # e: stereo, the first event is a mirror image in the two channels (left = -right): it
    # averages to silence, so a down-mix misses it
    k = int(rng.integers(6000, 12000))
    pcm = _onset_recording(rng, 2, int(rng.integers(4000, 8000)), k // 5)
    i = int(rng.integers(600, 2500))
    pcm[0, i], pcm[1, i] = 2 * k, -2 * k
    pcm[:, i + 600] = 28000
    cases.append(dict(pcm=pcm, sr=sr[0], threshold=_near_miss(rng, pcm, k, i)))
    return cases


def _first(mask) -> int:
    """The first True index (0 when there is none, as np.argmax gives it)."""
    return int(np.argmax(mask))


_EX3_MISTAKES = [
    Mistake("not-decoded", lambda pcm, sr, threshold: _first(
        (np.abs(pcm.astype(np.float64)) > threshold).any(axis=0)) / sr,
        Hint("you compared the raw integers with the threshold: the threshold is in full "
             "scale (0.3 means 30 % of full scale), the integers are in 16-bit steps, so "
             "the first non-zero noise sample already counts as an onset.",
             "Decode first (section 2): float = int16 / 32768.",
             example="an int16 sample of 9830 is 9830 / 32768 = 0.30 of full scale.")),
    Mistake("int16-abs", lambda pcm, sr, threshold: _first(
        (np.abs(pcm) / 32768 > threshold).any(axis=0)) / sr,
        Hint("np.abs on an int16 array keeps it int16, and -32768 has no positive partner "
             "in int16 (the largest is 32767): np.abs(-32768) is still -32768. So a "
             "full-scale negative sample never counts as loud.",
             "Convert to float BEFORE taking the absolute value.",
             example="np.abs(np.array([-32768], dtype=np.int16)) gives [-32768]; "
                     "np.abs(np.array([-32768.0])) gives [32768.].")),
    Mistake("no-abs", lambda pcm, sr, threshold: _first(
        (pcm.astype(np.float64) / 32768 > threshold).any(axis=0)) / sr,
        Hint("a sound can start with a negative swing: compare |y|, not y, with the "
             "threshold (the check has an onset that starts at -32768).",
             example="y = [0.0, -0.8, 0.9] with threshold 0.5: the onset is sample 1.")),
    Mistake("first-channel", lambda pcm, sr, threshold: _first(
        np.abs(pcm[0].astype(np.float64)) / 32768 > threshold) / sr,
        Hint("you looked at channel 0 only. The input is (channels, samples), and in one "
             "of the check's recordings the sound starts in the right channel.",
             "An onset in ANY channel counts: compare every channel, then combine over "
             "the channel axis (axis 0).",
             example="for a (2, n) mask m, m.any(axis=0) is True at sample j when either "
                     "channel is True there.")),
    Mistake("down-mixed", lambda pcm, sr, threshold: _first(
        np.abs(pcm.astype(np.float64).mean(axis=0)) / 32768 > threshold) / sr,
        Hint("you down-mixed first (the mean of the channels). A sound in one channel only "
             "is halved by the mean (section 4), so it can fall below the threshold.",
             "Keep the channels: test each channel's |y|, then ask whether any is above.",
             example="left 0.6, right 0.0: the mean is 0.3, below a 0.4 threshold, though "
                     "the left channel is well above it; left 0.6, right -0.6 average to 0.")),
    Mistake("scale-32767", lambda pcm, sr, threshold: _first(
        (np.abs(pcm.astype(np.float64)) / 32767 > threshold).any(axis=0)) / sr,
        Hint("you decoded with / 32767. 16-bit decoding divides by 32768 (2 ** 15, section "
             "2), so your floats are a little too large, and a sample just below the "
             "threshold reads as above it (the check's thresholds are not whole steps).",
             "Which number turns the int16 range -32768 ... 32767 into -1 ... just under 1?",
             example="int16 16384 is 16384 / 32768 = 0.5 exactly; / 32767 gives 0.500015.")),
    Mistake("at-threshold", lambda pcm, sr, threshold: _first(
        (np.abs(pcm.astype(np.float64)) / 32768 >= threshold).any(axis=0)) / sr,
        Hint("a sample exactly AT the threshold is not above it: use >, not >=.",
             example="threshold 0.25 and a sample of 8192 / 32768 = 0.25: not an onset.")),
    Mistake("index-not-seconds", lambda pcm, sr, threshold: float(_first(
        (np.abs(pcm.astype(np.float64)) / 32768 > threshold).any(axis=0))),
        Hint("that is the sample index; the function should return seconds.",
             example="sample 4410 at 44100 Hz is at 4410 / 44100 = 0.1 s.")),
    Mistake("one-late", lambda pcm, sr, threshold: (_first(
        (np.abs(pcm.astype(np.float64)) / 32768 > threshold).any(axis=0)) + 1) / sr,
        Hint("your time is one sample late: sample 0 is at 0 s, so sample j is at j / sr, "
             "not (j + 1) / sr.",
             example="at 1000 Hz, sample 0 is at 0.000 s and sample 3 at 0.003 s.")),
    Mistake("fixed-sr", lambda pcm, sr, threshold: _first(
        (np.abs(pcm.astype(np.float64)) / 32768 > threshold).any(axis=0)) / 22050,
        Hint("you divided by 22050 (librosa's default rate); the check's recordings come at "
             "other rates: use the sr argument.",
             example="sample 800 at 8000 Hz is at 0.1 s; / 22050 gives 0.036 s.")),
    Mistake("channels-as-time", lambda pcm, sr, threshold: _first(
        (np.abs(pcm.astype(np.float64)) / 32768 > threshold).any(axis=1)) / sr,
        Hint("you combined over the wrong axis: the input is (channels, samples), so the "
             "time axis is axis 1 and the channels are axis 0 (soundfile would give "
             "(samples, channels), librosa's mono=False gives (channels, samples)).",
             example="for shape (2, 48000), .any(axis=0) has 48000 values, one per sample.")),
]


EX_3 = FunctionExercise(
    "01.3", _first_onset_time, _onset_cases, name="first_onset_time", output="number",
    mistakes=_EX3_MISTAKES, rtol=0.0, atol=lambda case: 0.3 / case["sr"], seeds=4,
    fallback=Hint("decode the integers to floats, take |y|, find the first sample where any "
                  "channel is above the threshold, and turn its index into seconds.",
                  "Which axis of a (channels, samples) array is time?",
                  example="a (2, 5) recording at 1000 Hz whose floats are above 0.5 first at "
                          "column 3 (in either row): the onset is at 3 / 1000 = 0.003 s."),
    success="decode, |y|, any channel, index / sr: the onset of a multichannel 16-bit "
            "recording, even when it starts at -32768 in one channel only.")


def check_first_onset_time(first_onset_time):
    """Exercise 3: ``first_onset_time(pcm, sr, threshold)`` on int16 recordings of shape
    (channels, samples) at other rates; ``threshold`` is in full scale."""
    return check(EX_3, first_onset_time)


check_first_onset_time.exercise_id = EX_3.id


# --------------------------------------------------------------------------------------------
# Exercise 4 (stretch): measure a frequency by counting zero crossings
# --------------------------------------------------------------------------------------------
def alias_of(f: float, sr: float) -> float:
    """The frequency (Hz, in [0, sr/2]) whose samples a tone of ``f`` Hz at ``sr`` Hz equals
    (the folding formula, written differently from the notebook's, as an independent check)."""
    r = np.mod(f, sr)
    return float(min(r, sr - r))


#: 01.4 measures a frequency in the time domain: no FFT, spectrum or pitch tracker.
_NO_SPECTRUM = (
    "numpy.fft", "scipy.fft", "scipy.fftpack", "scipy.signal.periodogram", "scipy.signal.welch",
    "scipy.signal.spectrogram", "scipy.signal.stft", "scipy.signal.csd",
    "scipy.signal.ShortTimeFFT", "scipy.signal.freqz", "scipy.signal.czt",
    "scipy.signal.zoom_fft", "scipy.signal.lombscargle", "matplotlib.mlab", "librosa.stft",
    "librosa.pyin", "librosa.yin", "librosa.piptrack", "librosa.reassigned_spectrogram",
    "helpers")


def _zc_cases(rng):
    out = []
    rates = [int(s) for s in rng.choice(_RATES, size=4, replace=False)]
    for j, sr in enumerate(rates):
        dur = float(rng.choice([0.25, 0.3, 0.75, 1.0, 1.25]))
        heard = float(rng.uniform(150, 0.45 * sr))  # the frequency the samples hold
        f = (heard, sr - heard, sr + heard, heard)[j]  # two of the four tones lie above sr / 2
        out.append(dict(f=round(f, 1), sr=sr, duration=dur,
                        amplitude=round(float(rng.uniform(0.2, 0.9)), 2),
                        phase=round(float(rng.uniform(0.3, 2.8)), 2)))
    # every seed: a tone at sr / 8 (or its alias) with phase 0, whose crossings all fall on
    # samples that are exactly 0: a crossing through 0 is ONE crossing, not two, not none
    sr = rates[0]
    out.append(dict(f=float(rng.choice([sr / 8, 7 * sr / 8])), sr=sr, duration=0.5,
                    amplitude=0.5, phase=0.0))
    # every seed, twice: a tone riding on an offset larger than its amplitude (8-bit samples
    # read as k / 256 without taking off the 128 middle: every sample is positive), one of
    # them above sr / 2. Its samples never change sign: what crosses is the signal's middle.
    for j in range(2):
        sr = rates[j + 1]
        heard = float(rng.uniform(150, 0.45 * sr))
        amplitude = round(float(rng.uniform(0.2, 0.45)), 2)
        out.append(dict(f=round((heard, sr + heard)[j], 1), sr=sr, duration=0.75,
                        amplitude=amplitude, phase=round(float(rng.uniform(0.3, 2.8)), 2),
                        offset=0.5))
    for case in out:
        case.setdefault("offset", 0.0)
    return out


def _zc_signal(case):
    n = np.arange(int(round(case["duration"] * case["sr"])))
    x = case["amplitude"] * np.sin(2 * np.pi * case["f"] * n / case["sr"] + case["phase"])
    x[np.abs(x) < 1e-9 * case["amplitude"]] = 0.0  # sin(pi m) is 1e-16, not 0: make it 0
    return {"x": x + case.get("offset", 0.0), "sr": case["sr"]}


def _zc_reference(x, sr):
    """The answer key is the alias of the tone's frequency; the reference recovers it from the
    crossings of the signal's middle level (its mean), counted between the first and the last
    one."""
    x = np.asarray(x, dtype=np.float64)
    mid = np.mean(x)
    x = x - mid if abs(mid) > 1e-3 * np.max(np.abs(x)) else x  # keep exact zeros exact
    s = np.signbit(x)
    idx = np.flatnonzero(s[1:] != s[:-1])
    # linear interpolation of each crossing's position
    pos = idx + x[idx] / (x[idx] - x[idx + 1])
    return float((len(pos) - 1) / 2 / ((pos[-1] - pos[0]) / sr))


def _zc_tolerance(case):
    # a count may be off by one crossing (0.5 / duration Hz) and the duration by one sample
    # (len(x) vs len(x) - 1: at most 0.5 / duration Hz below sr / 2): three crossings are not
    return 1.25 / case["duration"]


_EX4_MISTAKES = [
    Mistake("used-fft", None, Hint(
        "your function uses {used}, a spectrum or pitch tool (notebook 02's territory). "
        "This exercise measures the frequency in the time domain, from how often "
        "consecutive samples change sign.",
        "Count the sign changes between neighbouring samples.",
        example="8 samples [1, 2, -1, -3, 2, 1, -1, 1] change sign 4 times."), uses=True),
    Mistake("raw-sign-changes", lambda x, sr: np.count_nonzero(
        np.signbit(x[1:]) != np.signbit(x[:-1])) / 2 / (len(x) / sr), Hint(
        "your function counts where the samples change sign, and some of the check's "
        "signals never do: they ride on an offset larger than their amplitude (8-bit samples "
        "read without taking off the middle value), so every sample is positive. A sine "
        "still swings up and down twice per period: across which level?",
        "Count the crossings of the signal's middle level, not of 0.",
        example="x = [0.9, 0.7, 0.5, 0.3, 0.5, 0.7, 0.9, 0.7]: no sign change at all, but "
                "its middle is 0.6, and x crosses 0.6 twice (between samples 1 and 2, and "
                "4 and 5).")),
    Mistake("doubled", lambda x, sr: 2 * _zc_reference(x, sr), Hint(
        "your result is twice the frequency: a sine crosses zero TWICE per period (once "
        "going up, once going down).",
        example="a 100 Hz sine for 1 s: 100 periods, 200 zero crossings.")),
    Mistake("halved", lambda x, sr: _zc_reference(x, sr) / 2, Hint(
        "your result is half the frequency: did you count only upward crossings and still "
        "divide by 2?", example="a 100 Hz sine for 1 s: 100 upward crossings = 100 periods.")),
    Mistake("fixed-sr", lambda x, sr: _zc_reference(x, sr) * 22050 / sr, Hint(
        "you assumed 22050 Hz; the check's tones are sampled at other rates: use sr.",
        example="2000 samples last 2000 / 8000 = 0.25 s at 8000 Hz, not 2000 / 22050.")),
    Mistake("per-sample", lambda x, sr: _zc_reference(x, sr) / sr, Hint(
        "you divided by the number of samples: that gives cycles per SAMPLE. Hertz are "
        "cycles per SECOND.", "The duration in seconds is len(x) / sr.",
        example="50 periods in 4000 samples at 8000 Hz: 50 / 0.5 s = 100 Hz "
                "(50 / 4000 = 0.0125 cycles per sample).")),
    Mistake("count-not-frequency", lambda x, sr: 2 * _zc_reference(x, sr) * len(x) / sr, Hint(
        "that is the number of crossings; turn it into cycles per second.",
        "Two crossings make one period; divide by the duration in seconds.",
        example="300 crossings in 0.5 s: 150 periods / 0.5 s = 300 Hz.")),
    Mistake("true-frequency", None, Hint(
        "for the tones above sr / 2 you returned the frequency that was played, but the "
        "samples no longer hold it: they are the samples of its alias (section 5), and a "
        "zero-crossing count measures what the samples hold.",
        example="7000 Hz sampled at 8000 Hz has the samples of a 1000 Hz tone, so counting "
                "its crossings gives about 1000 Hz."),
        detect=lambda out, case, ref: abs(out - case["f"]) <= _zc_tolerance(case)),
]


EX_4 = FunctionExercise(
    "01.4", _zc_reference, _zc_cases, prepare=_zc_signal, name="zero_crossing_frequency",
    output="number", mistakes=_EX4_MISTAKES, rtol=0.0, atol=_zc_tolerance, seeds=3,
    forbid=_NO_SPECTRUM,
    fallback=Hint("a sine crosses its middle level twice per period: count those "
                  "crossings, and turn the count into periods per second.",
                  "Above sr / 2 the samples hold the alias: that is what you will measure.",
                  example="a 250 Hz sine at 8000 Hz for 0.2 s: 1600 samples, about 100 "
                          "crossings, 50 periods / 0.2 s = 250 Hz."),
    success="two crossings of the middle level per period, so f = crossings / 2 / "
            "duration, even when an offset keeps every sample positive. Above sr / 2 you "
            "measure the alias: that is what the samples hold.")


def check_zero_crossing_frequency(zero_crossing_frequency):
    """Exercise 4: ``zero_crossing_frequency(x, sr)`` on tones at other rates, two of them
    above sr / 2 (the answer is then the alias)."""
    return check(EX_4, zero_crossing_frequency)


check_zero_crossing_frequency.exercise_id = EX_4.id
