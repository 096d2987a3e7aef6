"""Self-check functions for the exercises.

Each ``check_*`` takes the learner's answer and returns ``True`` when it is right, ``False``
when it is wrong (printing a hint), and ``None`` while it is still the ``None`` placeholder of the
exercise cell (printing a gentle reminder), so running an unanswered exercise never crashes the
notebook and shows no stray ``False``. Solutions live in hidden cells tagged ``solution``, which the tests run.

One section per notebook; the docstring of each check names its notebook and exercise.
"""

from __future__ import annotations

import numpy as np

__all__ = ["verdict"]


def verdict(ok: bool, *, hint: str, good: str = "Correct!") -> bool:
    """Print a verdict for an exercise; return ``ok``."""
    print(("✅ " + good) if ok else ("❌ Not yet. Hint: " + hint))
    return bool(ok)


def _unanswered(answer) -> bool:
    if answer is None or answer is Ellipsis:
        print("⏳ Not answered yet: replace the None placeholder with your code and run again.")
        return True
    return False


def _close(a, b, rtol=1e-6, atol=1e-9) -> bool:
    try:
        return bool(np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float),
                                rtol=rtol, atol=atol))
    except (TypeError, ValueError):
        return False


# ---------------------------------------------------------------------------------------------
# 01 waveform
# ---------------------------------------------------------------------------------------------
__all__ += ["check_speech_duration", "check_int16_to_float", "check_first_click_time"]


def _as_number(answer):
    try:
        return float(np.asarray(answer, dtype=float))
    except (TypeError, ValueError):
        return None


def check_speech_duration(answer) -> bool | None:
    """01_waveform, exercise 1: the duration of the shipped "speech" clip, in seconds."""
    if _unanswered(answer):
        return None
    from .audio import info

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
    from .audio import load

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


# ---------------------------------------------------------------------------------------------
# 02 FFT spectrum
# ---------------------------------------------------------------------------------------------
__all__ += ["check_freq_axis", "check_chord_frequencies", "check_tone_amplitude"]


def check_freq_axis(answer, *, n: int, sr: int) -> bool | None:
    """02_fft_spectrum, exercise 1: the frequency (Hz) of every rfft bin of an n-point signal."""
    if _unanswered(answer):
        return None
    truth = np.fft.rfftfreq(n, d=1 / sr)
    a = np.asarray(answer)
    if a.ndim != 1:
        return verdict(False, hint="the axis is a 1-D array, one frequency per rfft bin.")
    if a.size == n:
        return verdict(False, hint=f"that is {n} values, one per sample; np.fft.rfft returns only "
                                   f"n // 2 + 1 = {truth.size} bins (0 Hz up to sr/2).")
    if a.size == truth.size and _close(a, np.linspace(0, sr / 2, truth.size)) and n % 2:
        return verdict(False, hint="for odd n the last bin is below sr/2: bin k is at k*sr/n.")
    if a.size != truth.size:
        return verdict(False, hint=f"expected {truth.size} bins (n // 2 + 1).")
    return verdict(_close(a, truth), hint="bin k is at k * sr / n Hz: np.fft.rfftfreq(n, d=1/sr).")


def check_chord_frequencies(answer) -> bool | None:
    """02_fft_spectrum, exercise 2: the three note frequencies (Hz) of the shipped "chord" clip.

    The clip is made (data/make_data.py) from sines at 261.63, 329.63 and 392.00 Hz (C, E, G).
    """
    if _unanswered(answer):
        return None
    truth = np.array([261.63, 329.63, 392.00])
    try:
        a = np.sort(np.asarray(answer, dtype=float).ravel())
    except (TypeError, ValueError):
        return verdict(False, hint="give three frequencies in Hz, e.g. [f1, f2, f3].")
    if a.size != 3:
        return verdict(False, hint=f"expected 3 frequencies (a triad), got {a.size}.")
    if np.all(np.abs(a - 2 * truth) < 2.0):
        return verdict(False, hint="those look like bin indices (0.5 Hz apart for this 2 s clip):"
                                   " read the frequency from the rfftfreq axis instead.")
    return verdict(bool(np.all(np.abs(a - truth) < 1.0)),
                   hint="look for the three highest peaks between 200 and 500 Hz "
                        "(helpers.spectral.peak_frequencies), each within 1 Hz.",
                   good="Correct: C4, E4 and G4 (a C-major triad).")


def check_tone_amplitude(answer) -> bool | None:
    """02_fft_spectrum, exercise 3: the amplitude of the shipped 440 Hz "tone", read from a
    correctly scaled spectrum (the truth here comes independently from the RMS: A = sqrt(2)*RMS)."""
    if _unanswered(answer):
        return None
    from .audio import load

    y, _ = load("tone", sr=None)
    truth = float(np.sqrt(2 * np.mean(np.asarray(y, dtype=np.float64) ** 2)))
    x = _as_number(answer)
    if x is None:
        return verdict(False, hint="give one number (linear amplitude, full scale = 1).")
    if abs(x - truth**2) < 0.01:
        return verdict(False, hint=f"{x:.3f} = amplitude²: a power value, or a Hann window "
                                   "without dividing by its sum. Use magnitude * 2 / sum(w).")
    if x > 2:
        return verdict(False, hint="the raw FFT grows with the length N: scale |X| by 2 / sum(w) "
                                   "(2 / N without a window).")
    return verdict(abs(x - truth) < 0.01, hint="magnitude = |rfft(w * y)| * 2 / sum(w).",
                   good=f"Correct: about {truth:.3f}.")


# ---------------------------------------------------------------------------------------------
# 03 STFT spectrogram
# ---------------------------------------------------------------------------------------------
__all__ += ["check_n_frames", "check_resolution", "check_first_click", "check_lowpass"]


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


# ---------------------------------------------------------------------------------------------
# 04 decibels
# ---------------------------------------------------------------------------------------------
__all__ += ["check_db_difference", "check_power_db_matches", "check_mel_db"]


def check_db_difference(answer) -> bool | None:
    """04, exercise 1: level of a 0.005-amplitude sine relative to a 0.5-amplitude one, in dB."""
    if _unanswered(answer):
        return None
    expected = 20 * np.log10(0.005 / 0.5)  # -40 dB
    ok = _close(answer, expected, rtol=0, atol=0.01)
    hint = ("amplitudes use 20 * log10(a / ref); a ratio of 1/100 is how many dB? "
            "(10 * log10 is for power)")
    if not ok and _close(answer, 10 * np.log10(0.005 / 0.5), rtol=0, atol=0.01):
        hint = "you used 10 * log10, which is for power; these are amplitudes: 20 * log10."
    return verdict(ok, hint=hint)


def check_power_db_matches(answer, magnitude) -> bool | None:
    """04, exercise 2: ``power_to_db`` on the right input equals ``amplitude_to_db(magnitude,
    ref=np.max)``."""
    if _unanswered(answer):
        return None
    import librosa

    expected = librosa.amplitude_to_db(np.asarray(magnitude), ref=np.max)
    a = np.asarray(answer)
    ok = a.shape == expected.shape and _close(a, expected, rtol=0, atol=1e-3)
    hint = ("pass the POWER, magnitude ** 2, to librosa.power_to_db, with ref=np.max, and keep "
            "the default top_db=80 of amplitude_to_db.")
    if a.shape == expected.shape and _close(a, librosa.power_to_db(np.asarray(magnitude),
                                                                    ref=np.max), atol=1e-3):
        hint = "that is power_to_db of the MAGNITUDE (half the dB range). Square it first."
    return verdict(ok, hint=hint)


def check_mel_db(answer, mel_power) -> bool | None:
    """04, exercise 3: a mel power spectrogram in dB re max, clipped to a 60 dB range."""
    if _unanswered(answer):
        return None
    import librosa

    mel_power = np.asarray(mel_power)
    expected = librosa.power_to_db(mel_power, ref=np.max, top_db=60)
    a = np.asarray(answer)
    ok = a.shape == expected.shape and _close(a, expected, rtol=0, atol=1e-3)
    hint = "a mel spectrogram is POWER: power_to_db(M, ref=np.max, top_db=60); max 0, min -60 dB."
    if a.shape == expected.shape and _close(
            a, librosa.amplitude_to_db(mel_power, ref=np.max, top_db=60), rtol=0, atol=1e-3):
        hint = "amplitude_to_db squares its input again: a mel spectrogram is already power."
    return verdict(ok, hint=hint)



# ---------------------------------------------------------------------------------------------
# 05 MFCC
# ---------------------------------------------------------------------------------------------
__all__ += ["check_mel_values", "check_mfcc_shape", "check_stacked_features",
            "check_normalised"]


def check_mel_values(answer) -> bool | None:
    """05, exercise 1: ``(htk_mel, slaney_mel)`` of 4000 Hz."""
    if _unanswered(answer):
        return None
    import librosa

    expected = (float(librosa.hz_to_mel(4000.0, htk=True)), float(librosa.hz_to_mel(4000.0)))
    try:
        ok = len(answer) == 2 and _close(answer, expected, rtol=1e-6, atol=1e-6)
    except TypeError:
        ok = False
    return verdict(ok, hint="give a pair (htk, slaney): hz_to_mel(4000, htk=True) uses "
                            "2595 log10(1 + f/700); htk=False is librosa's default.")


def check_mfcc_shape(answer, n_samples: int) -> bool | None:
    """05, exercise 2: shape of MFCCs with n_mfcc=20, hop_length=256 (centred frames)."""
    if _unanswered(answer):
        return None
    expected = (20, 1 + int(n_samples) // 256)
    a = np.asarray(answer)
    shape = tuple(int(v) for v in a) if a.ndim == 1 and a.size == 2 else a.shape
    ok = shape == expected
    return verdict(ok, hint="rows = n_mfcc; columns = 1 + len(y) // hop_length with centred "
                            "frames. Give the shape tuple (or the array).")


def check_stacked_features(answer, C) -> bool | None:
    """05, exercise 3: MFCCs, deltas and delta-deltas stacked into one (3 * n_mfcc, frames)."""
    if _unanswered(answer):
        return None
    import librosa

    C = np.asarray(C)
    expected = np.vstack([C, librosa.feature.delta(C), librosa.feature.delta(C, order=2)])
    a = np.asarray(answer)
    ok = a.shape == expected.shape and _close(a, expected, rtol=1e-4, atol=1e-4)
    return verdict(ok, hint=f"expected shape {expected.shape}: np.vstack([C, delta(C), "
                            f"delta(C, order=2)]) with the default width=9.")


def check_normalised(answer, C=None) -> bool | None:
    """05, exercise 4: every row has mean 0 and standard deviation 1 over time.

    With ``C`` (the MFCC matrix of exercise 3), the answer must also be the per-row
    standardisation of ``C`` stacked with its deltas and delta-deltas, shape (3 * n_mfcc, T).
    """
    if _unanswered(answer):
        return None
    try:
        a = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return verdict(False, hint="give a 2-D array (features x frames).")
    ok = a.ndim == 2 and _close(a.mean(axis=1), 0, atol=1e-6) \
        and _close(a.std(axis=1), 1, atol=1e-4)
    hint = ("subtract each row's mean and divide by its std, computed along axis=1 (time), "
            "with keepdims=True.")
    if ok and C is not None:
        import librosa

        C = np.asarray(C, dtype=float)
        stacked = np.vstack([C, librosa.feature.delta(C), librosa.feature.delta(C, order=2)])
        expected = (stacked - stacked.mean(axis=1, keepdims=True)) \
            / stacked.std(axis=1, keepdims=True)
        ok = a.shape == expected.shape and _close(a, expected, rtol=1e-4, atol=1e-4)
        hint = (f"each row is standardised, but not the right rows: normalise the {stacked.shape}"
                " stack of exercise 3 (MFCCs, deltas, delta-deltas).")
    return verdict(ok, hint=hint)



# ---------------------------------------------------------------------------------------------
# 06 dataset
# ---------------------------------------------------------------------------------------------
__all__ += ["check_frames_per_segment", "check_test_mask", "check_standardised"]


def check_frames_per_segment(answer, *, segment_s: float = 1.0, sr: int = 22050,
                             n_fft: int = 2048, hop_length: int = 441) -> bool | None:
    """06, exercise 1: STFT frames in one segment with ``center=False``."""
    if _unanswered(answer):
        return None
    L = int(round(segment_s * sr))
    expected = 1 + (L - n_fft) // hop_length
    ok = np.ndim(answer) == 0 and _close(answer, expected, rtol=0, atol=0)
    return verdict(ok, hint=f"a segment has {L} samples; the first frame starts at 0 and each "
                            f"next one {hop_length} later, and the last must END inside the "
                            "segment: 1 + (L - n_fft) // hop.")


def check_test_mask(answer, file_ids, test_files) -> bool | None:
    """06, exercise 2: a per-segment boolean mask that puts whole files in the test split."""
    if _unanswered(answer):
        return None
    expected = np.isin(np.asarray(file_ids), np.asarray(test_files))
    a = np.asarray(answer)
    ok = a.shape == expected.shape and a.dtype == np.bool_ and bool(np.all(a == expected))
    return verdict(ok, hint="one True/False per SEGMENT: True when the segment's file is one "
                            "of test_files, e.g. np.isin(file_ids, test_files).")


def check_standardised(answer, X_train, X_test) -> bool | None:
    """06, exercise 3: X_test standardised with the TRAINING mean and std per coefficient."""
    if _unanswered(answer):
        return None
    X_train = np.asarray(X_train, dtype=float)
    mean, std = X_train.mean(axis=(0, 1)), X_train.std(axis=(0, 1))
    expected = (np.asarray(X_test, dtype=float) - mean) / std
    try:
        a = np.asarray(answer, dtype=float) if np.ndim(answer) else np.array(np.nan)
    except (TypeError, ValueError):
        a = np.array(np.nan)  # not an array of numbers: wrong, with the hint below
    if a.shape == expected.shape and _close(a, (X_test - np.asarray(X_test).mean(axis=(0, 1)))
                                            / np.asarray(X_test).std(axis=(0, 1)), rtol=1e-4,
                                            atol=1e-4):
        return verdict(False, hint="that used the TEST set's own mean and std: the statistics "
                                   "must come from X_train only (axis=(0, 1)).")
    ok = a.shape == expected.shape and _close(a, expected, rtol=1e-4, atol=1e-4)
    return verdict(ok, hint="mean and std of X_train over axis=(0, 1) (segments and frames, "
                            "one value per coefficient), then (X_test - mean) / std.")
