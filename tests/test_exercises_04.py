"""Exercise checks of 04_decibels (first version; rewritten with the checks, issue 9)."""

from __future__ import annotations

import librosa
import numpy as np
import pytest

from helpers import exercises

SR = 22050


@pytest.fixture(scope="module")
def music():
    import helpers

    y, _ = helpers.load("blues", duration=5.0)
    return y


def test_exercise_checks(music, capsys):
    mag = np.abs(librosa.stft(y=music, n_fft=512))
    M = librosa.feature.melspectrogram(y=music, sr=SR)
    for check, args in [
        (exercises.check_db_difference, ()), (exercises.check_power_db_matches, (mag,)),
        (exercises.check_mel_db, (M,)),
    ]:
        assert check(None, *args) is None
    assert exercises.check_db_difference(-40.0)
    assert not exercises.check_db_difference(-20.0)
    assert exercises.check_power_db_matches(librosa.power_to_db(mag**2, ref=np.max), mag)
    assert not exercises.check_power_db_matches(librosa.power_to_db(mag, ref=np.max), mag)
    assert exercises.check_mel_db(librosa.power_to_db(M, ref=np.max, top_db=60), M)
    assert not exercises.check_mel_db(librosa.amplitude_to_db(M, ref=np.max, top_db=60), M)
    assert "Not answered" in capsys.readouterr().out
