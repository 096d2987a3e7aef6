"""The families set and notebook 08's experiment (helpers.explorers.decisions), checked against
the plain calls: segments are the files' samples, features are librosa's, the folds keep what
they promise apart, and the cached explorer recomputes nothing on a move back."""

import csv

import librosa
import numpy as np
import pytest
import soundfile as sf

from helpers.data import data_dir
from helpers.explorers import decisions as d


@pytest.fixture(scope="module")
def data():
    return d.family_data()


def test_the_set_is_four_families_of_six_instruments_of_three_takes():
    with open(data_dir() / "families" / "metadata.csv", encoding="utf-8") as fh:
        meta = list(csv.DictReader(fh))
    assert len(meta) == 72
    per_family = {}
    for m in meta:
        per_family.setdefault(m["label"], set()).add(m["instrument"])
        info = sf.info(data_dir() / "families" / m["file"])
        assert (info.samplerate, info.channels, info.frames) == (16000, 1, 48000)
        assert m["file"].startswith(m["label"] + "/")
    assert sorted(per_family) == ["brass", "guitar", "keyboard", "woodwind"]
    assert all(len(v) == 6 for v in per_family.values())


def test_segments_and_features_are_the_plain_calls(data):
    i = 100
    f = data["file"][i]
    y, _ = sf.read(data_dir() / "families" / data["meta"][f]["file"], dtype="float32")
    k = i - np.flatnonzero(data["file"] == f)[0]
    assert np.array_equal(data["segments"][i], y[k * 8000:(k + 1) * 8000])
    mel = librosa.feature.melspectrogram(y=data["segments"][i], sr=16000, n_fft=1024,
                                         hop_length=512, n_mels=32, center=False)
    assert np.allclose(data["mel"][i], mel, rtol=1e-4, atol=1e-10)
    cent = librosa.feature.spectral_centroid(y=data["segments"][i], sr=16000, n_fft=1024,
                                             hop_length=512, center=False)
    assert data["desc"][i, 2] == pytest.approx(cent.mean(), rel=1e-4)


def test_noisy_and_augmented_copies_differ_from_the_clean_ones(data):
    clean = data["mel"].sum(axis=(1, 2))
    assert np.all(data["mel_noisy"].sum(axis=(1, 2)) > clean)
    ratio = data["mel_aug"].sum(axis=(1, 2)) / clean  # gain of -12..+12 dB and noise
    assert ratio.min() < 0.3 and ratio.max() > 5


@pytest.mark.parametrize("split, key", [("file", "file"), ("group", "instrument")])
def test_folds_never_share_a_take_or_an_instrument(data, split, key):
    for seed in range(3):
        fold = d.make_folds(data, split, seed)
        assert set(np.unique(fold)) == {0, 1, 2}
        for g in np.unique(data[key]):
            assert np.unique(fold[data[key] == g]).size == 1
        for lab in range(4):  # every family in every fold
            assert np.unique(fold[data["label"] == lab]).size == 3


def test_segment_folds_mix_takes(data):
    fold = d.make_folds(data, "segment", 0)
    mixed = [np.unique(fold[data["file"] == f]).size > 1 for f in np.unique(data["file"])]
    assert np.mean(mixed) > 0.8


def test_ref_max_is_per_segment_and_fixed_ref_keeps_the_level(data):
    mel = data["mel"][:40]
    top = mel.reshape(40, -1).max(axis=1)
    patch_max = d.feature_matrix(mel, None, "logmel-patch", "max")
    assert np.allclose(patch_max.max(axis=1), 0.0, atol=1e-9)
    patch_fixed = d.feature_matrix(mel, None, "logmel-patch", "fixed")
    assert np.allclose(patch_fixed.max(axis=1), 10 * np.log10(top), atol=1e-4)
    with pytest.raises(ValueError, match="features must be one of"):
        d.feature_matrix(mel, None, "chroma", "fixed")


def test_view_and_explorer_cache(data):
    v = d.decisions_view(data, split="segment", seeds=2)
    assert v["accuracies"].shape == (2,) and v["confusion"].sum() == 2 * 432
    assert "mean ± standard error over 2 seeds" in v["readout"]
    assert v["std"] == pytest.approx(np.std(v["accuracies"], ddof=1))
    assert v["se"] == pytest.approx(v["std"] / np.sqrt(2))
    with pytest.raises(ValueError, match="split must be one of"):
        d.decisions_view(data, split="random")
    ex = d.decisions_explorer(data)
    first = ex.last_view
    ex.update(split="segment")
    ex.update(split="group")
    assert ex.last_view is first  # computed once, then kept
    with pytest.raises(TypeError, match="unknown setting"):
        d.decisions_explorer(data, model="svm")


def _pitch_percentiles(segments):
    """10th, 50th and 90th percentile of librosa.yin's pitch (MIDI) in each segment."""
    f0 = librosa.yin(segments, fmin=80.0, fmax=1000.0, sr=16000, frame_length=1024,
                     hop_length=512, center=False)
    return np.percentile(librosa.hz_to_midi(f0), [10, 50, 90], axis=1).T


def _group_cv(data, X, seed, C):
    from sklearn.linear_model import LogisticRegression

    y, fold = data["label"], d.make_folds(data, "group", seed)
    pred = np.empty_like(y)
    for k in range(3):
        tr, te = fold != k, fold == k
        mean, std = X[tr].mean(axis=0), X[tr].std(axis=0) + 1e-8
        model = LogisticRegression(C=C, max_iter=500).fit((X[tr] - mean) / std, y[tr])
        pred[te] = model.predict((X[te] - mean) / std)
    return np.mean(pred == y)


def test_pitch_alone_does_not_tell_the_families_apart(data):
    """No "horse" (Sturm 2014): every family plays in the same register, so a classifier on
    pitch alone is at chance, while the MFCC summary (timbre) is clearly above it."""
    P = _pitch_percentiles(data["segments"])
    medians = [np.median(P[data["label"] == f, 1]) for f in range(4)]
    assert max(medians) - min(medians) < 3  # semitones between the families' median pitch
    seeds = range(10)
    for C in (0.01, 1.0):
        pitch = np.array([_group_cv(data, P, s, C) for s in seeds])
        se = pitch.std(ddof=1) / np.sqrt(pitch.size)
        assert abs(pitch.mean() - 0.25) < 2.1 * se + 0.02, (C, pitch.mean(), se)
    mfcc = np.array([d.cross_val_accuracy(data, seed=s)[0] for s in seeds])
    assert mfcc.mean() - pitch.mean() > 0.1
    assert np.all(mfcc > 0.3)
