"""Exercise checks of notebook 04 (legacy versions: being rewritten, issue 9)."""

from __future__ import annotations

import numpy as np

from ._legacy_util import _close, _unanswered, verdict

__all__ = ['check_db_difference', 'check_power_db_matches', 'check_mel_db']


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


