"""Exercise checks of 05_mfcc (first version; rewritten with the checks, issue 9)."""

from __future__ import annotations

import librosa
import numpy as np
import pytest

from helpers import exercises
from helpers import features as F

SR = 22050


@pytest.fixture(scope="module")
def music():
    import helpers

    y, _ = helpers.load("blues", duration=5.0)
    return y


def test_exercise_checks(music, capsys):
    C = librosa.feature.mfcc(y=music, sr=SR)
    for check, args in [
        (exercises.check_mel_values, ()),
        (exercises.check_mfcc_shape, (music.size,)), (exercises.check_stacked_features, (C,)),
        (exercises.check_normalised, ()),
    ]:
        assert check(None, *args) is None
    assert exercises.check_mel_values((F.hz_to_mel(4000.0, htk=True), F.hz_to_mel(4000.0)))
    assert not exercises.check_mel_values((F.hz_to_mel(4000.0), F.hz_to_mel(4000.0, htk=True)))
    y = music[:10000]
    assert exercises.check_mfcc_shape(librosa.feature.mfcc(y=y, sr=SR, n_mfcc=20,
                                                           hop_length=256), y.size)
    assert not exercises.check_mfcc_shape((20, y.size // 256), y.size)
    stacked = np.vstack([C, F.deltas(C), F.deltas(C, order=2)])
    assert exercises.check_stacked_features(stacked, C)
    assert not exercises.check_stacked_features(np.vstack([C, C, C]), C)
    assert exercises.check_normalised(F.normalise_per_coefficient(C)[0])
    assert not exercises.check_normalised(C)
    assert exercises.check_normalised(None, C) is None
    assert exercises.check_normalised(F.normalise_per_coefficient(stacked)[0], C)
    assert not exercises.check_normalised(F.normalise_per_coefficient(C)[0], C)  # 13 rows only
    assert not exercises.check_normalised(F.normalise_per_coefficient(stacked[::-1])[0], C)
    assert "Not answered" in capsys.readouterr().out
