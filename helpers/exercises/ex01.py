"""Exercise checks of notebook 01 (legacy versions: being rewritten, issue 9)."""

from __future__ import annotations

import numpy as np

from ._legacy_util import _as_number, _close, _unanswered, verdict

__all__ = ['check_speech_duration', 'check_int16_to_float', 'check_first_click_time']


def check_speech_duration(answer) -> bool | None:
    """01_waveform, exercise 1: the duration of the shipped "speech" clip, in seconds."""
    if _unanswered(answer):
        return None
    from ..audio import info

    meta = info("speech")
    truth = meta["frames"] / meta["sample_rate"]
    x = _as_number(answer)
    if x is None:
        return verdict(False, hint="give one number of seconds, e.g. len(y) / sr.")
    if abs(x - meta["frames"]) < 1:
        return verdict(False, hint="that is the number of samples; divide by the sample rate.")
    if abs(x - truth * 1000) < 1:
        return verdict(False, hint="that looks like milliseconds; the answer is in seconds.")
    return verdict(abs(x - truth) < 1e-3,
                   hint="duration = number of samples / sample rate (samples per second).",
                   good=f"Correct: {truth:.3f} s.")


def check_int16_to_float(answer, pcm) -> bool | None:
    """01_waveform, exercise 2: convert 16-bit PCM integers to floats in [-1, 1)."""
    if _unanswered(answer):
        return None
    pcm = np.asarray(pcm)
    a = np.asarray(answer)
    if a.shape != pcm.shape:
        return verdict(False, hint=f"the result must have the same shape as pcm {pcm.shape}.")
    if not np.issubdtype(a.dtype, np.floating):
        return verdict(False, hint="the result must be floating point (np.float32 or float64); "
                                   "integer arithmetic cannot hold values between -1 and 1.")
    if _close(a, pcm / 32767.0) and not _close(a, pcm / 32768.0):
        return verdict(False, hint="16-bit PCM runs from -32768 to 32767: divide by 32768 = 2**15"
                                   " (as soundfile and librosa do), not 32767.")
    return verdict(_close(a, pcm.astype(np.float64) / 32768.0, rtol=1e-6, atol=1e-7),
                   hint="divide by 2**15 = 32768 after converting to float.")


def check_first_click_time(answer) -> bool | None:
    """01_waveform, exercise 3: the time (s) of the first click in the shipped "clicks" clip."""
    if _unanswered(answer):
        return None
    from ..audio import load

    y, sr = load("clicks", sr=None)
    first = int(np.flatnonzero(np.abs(y) > 0.5 * np.max(np.abs(y)))[0])
    x = _as_number(answer)
    if x is None:
        return verdict(False, hint="give one number of seconds.")
    if abs(x - first) < 1:
        return verdict(False, hint=f"{first} is a sample index; divide it by sr = {sr} Hz to "
                                   "get seconds.")
    return verdict(abs(x - first / sr) < 0.5 / sr,
                   hint="find the index of the first large sample (np.argmax(np.abs(y) > 0.5)), "
                        "then divide by sr.", good=f"Correct: {first / sr:.4f} s.")

