"""Exercise checks of notebook 03 (legacy versions: being rewritten, issue 9)."""

from __future__ import annotations

import numpy as np

from ._legacy_util import _unanswered, verdict

__all__ = ['check_n_frames', 'check_resolution', 'check_first_click', 'check_lowpass']


def check_n_frames(answer, *, n_samples: int = 44100, n_fft: int = 1024,
                   hop_length: int = 256) -> bool | None:
    """03_stft_spectrogram, exercise 1: how many frames does ``librosa.stft`` (center=True)
    return?"""
    if _unanswered(answer):
        return None
    expected = 1 + (n_samples + 2 * (n_fft // 2) - n_fft) // hop_length
    try:
        value = int(answer)
    except (TypeError, ValueError):
        return verdict(False, hint="answer with a single whole number of frames.")
    if value == expected:
        return verdict(True, hint="", good=f"Correct: 1 + {n_samples} // {hop_length} = "
                                           f"{expected} frames.")
    if value == 1 + (n_samples - n_fft) // hop_length:
        return verdict(False, hint="that is the count without padding (center=False); "
                                   "center=True adds n_fft // 2 samples at each end.")
    if value == n_samples // hop_length:
        return verdict(False, hint="almost: count the frame centred on sample 0 too (+1).")
    if value == 1 + n_samples // n_fft:
        return verdict(False, hint="frames start every hop_length samples, not every n_fft.")
    return verdict(False,
                   hint="with center=True frame t is centred on sample t * hop_length, "
                        "for t = 0, 1, ... while t * hop_length <= n_samples.")


def check_resolution(answer, *, sr: int = 22050, max_delta_f_hz: float = 10.0) -> bool | None:
    """03_stft_spectrogram, exercise 2: ``(n_fft, window_ms)`` for the smallest power-of-two
    n_fft whose bin spacing sr / n_fft is at most ``max_delta_f_hz``, and that window's duration
    in ms."""
    if _unanswered(answer):
        return None
    n_fft = 2
    while sr / n_fft > max_delta_f_hz:
        n_fft *= 2
    window_ms = 1000 * n_fft / sr
    try:
        got_n, got_ms = answer
        got_n = int(got_n)
        got_ms = float(got_ms)
    except (TypeError, ValueError):
        return verdict(False, hint="answer with a pair: answer = (n_fft, window_ms).")
    if got_n != n_fft:
        return verdict(False, hint=f"delta-f = sr / n_fft; with n_fft = {got_n} it is "
                                   f"{sr / got_n:.2f} Hz. Try the next power of two up/down.")
    if abs(got_ms - window_ms) > 0.05:
        if abs(got_ms - window_ms / 1000) < 1e-4:
            return verdict(False, hint="that is in seconds; the question asks milliseconds.")
        return verdict(False, hint="the window lasts n_fft / sr seconds; multiply by 1000 for ms.")
    return verdict(True, hint="", good=f"Correct! n_fft = {n_fft}: Δf = {sr / n_fft:.2f} Hz, "
                                       f"but each frame lasts {window_ms:.1f} ms.")


def check_first_click(answer, *, hop_length: int = 512, sr: int = 22050,
                      click_s: float = 0.25) -> bool | None:
    """03_stft_spectrogram, exercise 3: the time in seconds of the first click, read from the
    STFT frames."""
    if _unanswered(answer):
        return None
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return verdict(False, hint="answer with one number: a time in seconds.")
    if abs(value * hop_length / sr - click_s) <= hop_length / sr and value > 2:
        return verdict(False, hint="that looks like a frame index: convert it to seconds with "
                                   "librosa.frames_to_time or frame * hop_length / sr.")
    return verdict(abs(value - click_s) <= hop_length / sr,
                   hint="sum the power |S|**2 over frequency for each frame, find the first "
                        "frame above half the maximum, and convert its index to seconds.",
                   good=f"Correct: {value:.3f} s. The click is at {click_s} s; frames are "
                        f"{1000 * hop_length / sr:.1f} ms apart, so the STFT places it to "
                        "within a frame.")


def check_lowpass(answer, y, sr, *, cutoff_hz: float = 1000.0) -> bool | None:
    """03_stft_spectrogram, exercise 4: a signal with (almost) nothing above ``cutoff_hz``, same
    length as ``y``."""
    if _unanswered(answer):
        return None
    out = np.asarray(answer)
    if out.shape != np.shape(y) or np.iscomplexobj(out):
        return verdict(False, hint=f"give the resynthesised real signal with {np.size(y)} samples "
                                   "(istft(..., length=len(y))).")
    freqs = np.fft.rfftfreq(out.size, 1 / sr)
    spec_out = np.abs(np.fft.rfft(out)) ** 2
    spec_in = np.abs(np.fft.rfft(np.asarray(y, dtype=float))) ** 2
    high = freqs > 1.2 * cutoff_hz  # a little margin: the window smears the edge
    low = freqs < 0.8 * cutoff_hz
    removed = spec_out[high].sum() < 1e-3 * spec_in[high].sum()
    kept = np.isclose(spec_out[low].sum(), spec_in[low].sum(), rtol=0.1)
    if not removed:
        return verdict(False, hint="there is still energy above the cut-off: zero every row "
                                   "with freqs > cutoff (S[freqs > cutoff, :] = 0) before istft.")
    return verdict(kept, hint="the part below the cut-off changed too much: only zero the rows "
                              "above it, and keep the complex S (phase included).",
                   good=f"Correct: almost nothing is left above {cutoff_hz:g} Hz.")

