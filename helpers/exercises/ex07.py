"""Exercise checks of notebook 07 (From clips to model inputs): declarative specs (``_spec.py``).

TEMPLATE from ``nbtool new``: four working examples (warm-up, apply, apply, stretch). Replace
them with the notebook's own exercises, keeping the shape: a reference, cases that vary every
parameter, named mistakes (each a WRONG implementation and its staged hint), a fallback hint.
``make margins`` shows each mistake's distance from the reference in tolerances (>= 3).
"""

from __future__ import annotations

import numpy as np

from ._core import Hint
from ._spec import FunctionExercise, Mistake, ValueExercise, check

__all__ = ["check_model_inputs_frame_count", "check_model_inputs_rms_db", "check_model_inputs_frames_2s",
           "check_model_inputs_loudest_frame_s"]


# -------------------------------------------------------------- 07.1 frame count (warm-up)
def _frame_count(n_samples, n_fft, hop_length):
    return 1 + (n_samples - n_fft) // hop_length


def _frame_cases(rng):
    n_fft = int(rng.choice([256, 400, 1024, 2048]))
    hop = int(rng.integers(n_fft // 8, n_fft // 2))  # overlapping frames
    return [dict(n_samples=int(rng.integers(n_fft, 20 * n_fft)), n_fft=n_fft, hop_length=hop),
            dict(n_samples=n_fft + hop * int(rng.integers(1, 50)), n_fft=n_fft, hop_length=hop),
            dict(n_samples=n_fft, n_fft=n_fft, hop_length=int(rng.integers(1, n_fft + 1)))]


EX_1 = FunctionExercise(
    "07.1", _frame_count, _frame_cases, output="exact", mistakes=[
        Mistake("no-first-frame", lambda n, n_fft, hop: (n - n_fft) // hop, Hint(
            "one frame short: the first frame, at sample 0, is not counted.",
            "(n - n_fft) // hop counts the hops after the first frame.",
            example="100 samples, frames of 40, hop 30: frames start at 0, 30 and 60 (60 + "
                    "40 = 100 still fits, 90 would not): 3 frames, and 2 hops between them.")),
        Mistake("hops-only", lambda n, n_fft, hop: n // hop, Hint(
            "this counts hops in the whole signal: the last frames would run past the end.",
            "A frame needs n_fft samples, not hop_length.",
            example="10 samples, frames of 4, hop 2: starts 0, 2, 4, 6 (6 + 4 = 10): 4 frames; "
                    "10 // 2 = 5 would include a frame starting at 8 that ends at 12."))],
    fallback=Hint("where does the last frame start? It must end by n_samples."))


def check_model_inputs_frame_count(frame_count):
    """Exercise 07.1: frames of n_fft samples, hop_length apart, in n_samples."""
    return check(EX_1, frame_count)


# -------------------------------------------------------------------- 07.2 RMS in dB (apply)
def _rms_db(y):
    return float(20 * np.log10(np.sqrt(np.mean(np.square(y, dtype=np.float64)))))


def _rms_cases(rng):
    n = int(rng.integers(500, 5000))
    t = np.arange(n) / 8000
    a, b = rng.uniform(0.02, 0.5, size=2)
    return [dict(y=(a * np.sin(2 * np.pi * rng.uniform(100, 900) * t)).astype(np.float32)),
            dict(y=(b * rng.standard_normal(n)).astype(np.float32))]


EX_2 = FunctionExercise(
    "07.2", _rms_db, _rms_cases, output="number", rtol=1e-4, atol=1e-3, mistakes=[
        Mistake("power-factor", lambda y: _rms_db(y) / 2, Hint(
            "10 log10 is for powers; the RMS is an amplitude.",
            "An amplitude ratio in dB is 20 log10(ratio).",
            example="an RMS of 0.1: 20 log10(0.1) = -20 dB (10 log10 gives -10).")),
        Mistake("no-root", lambda y: 2 * _rms_db(y), Hint(
            "the mean square is a power: take its square root before 20 log10.",
            example="a square wave of amplitude 0.1: mean square 0.01, RMS 0.1, -20 dB.")),
        Mistake("peak", lambda y: float(20 * np.log10(np.max(np.abs(y)))), Hint(
            "that is the peak level; the RMS averages the squares of all samples.",
            example="a sine of peak 1 has an RMS of 1 / sqrt(2): -3 dB, not 0."))],
    fallback=Hint("square, mean, root, then dB of an amplitude."))


def check_model_inputs_rms_db(rms_db):
    """Exercise 07.2: the RMS level of a signal in dB re full scale."""
    return check(EX_2, rms_db)


# -------------------------------------------------------------- 07.3 frames of 2 s (a value)
EX_3 = ValueExercise(
    "07.3", accept=lambda v: v == 122, answer=122, what="a whole number of frames",
    mistakes=[
        Mistake("no-first-frame", lambda: 121, Hint("one short: count the first frame too.")),
        Mistake("padded", lambda: 126, Hint(
            "that is with padding (center=True: 1 + n // hop); the question has none."))],
    fallback=Hint("32,000 samples; use exercise 1."))


def check_model_inputs_frames_2s(answer):
    """Exercise 07.3: the frames of 2 s at 16 kHz (n_fft 1024, hop 256)."""
    return check(EX_3, answer)


# ------------------------------------------------------------ 07.4 loudest frame (stretch)
def _loudest_frame_s(y, sr, n_fft, hop_length):
    frames = np.lib.stride_tricks.sliding_window_view(y, n_fft)[::hop_length]
    return int(np.argmax(np.mean(np.square(frames, dtype=np.float64), axis=1))) * hop_length / sr


def _loud_cases(rng):
    out = []
    for sr, n_fft in ((8000, 256), (16000, 512), (22050, 1024)):
        hop = int(rng.choice([n_fft // 4, n_fft // 2, n_fft // 3]))
        y = (0.01 * rng.standard_normal(sr)).astype(np.float32)
        at = int(rng.integers(n_fft, sr - 2 * n_fft))
        y[at: at + n_fft // 2] += 0.8
        out.append(dict(y=y, sr=sr, n_fft=n_fft, hop_length=hop))
    return out


EX_4 = FunctionExercise(
    "07.4", _loudest_frame_s, _loud_cases, output="number", rtol=0, atol=1e-6, mistakes=[
        Mistake("index", lambda y, sr, n_fft, hop: _loudest_frame_s(y, sr, n_fft, hop) * sr / hop,
                Hint("that is the frame's index: a time needs index x hop / sr.")),
        Mistake("centre", lambda y, sr, n_fft, hop: _loudest_frame_s(y, sr, n_fft, hop)
                + n_fft / 2 / sr, Hint("that is the frame's centre; the exercise asks its start."))],
    fallback=Hint("RMS per frame (exercise 1's frames), the index of the largest, then seconds."))


def check_model_inputs_loudest_frame_s(loudest_frame_s):
    """Exercise 07.4: the start (s) of the loudest frame."""
    return check(EX_4, loudest_frame_s)
