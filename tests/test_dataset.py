"""helpers.dataset (notebook 06): segmenting, features vs a per-segment librosa reference,
file-level splits (no leakage), standardisation, deterministic atomic .npz, joblib and Dask.

Tolerance for the fast features vs the reference (one librosa call per segment): absolute
1e-2 (MFCC values reach ~600, log-mel values are dB): both are float32; the differences are
rounding in a different summation order (observed <= 1e-3 on the shipped set).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import librosa
import numpy as np
import pytest
import soundfile as sf
from hypothesis import given, settings
from hypothesis import strategies as st

import helpers
from helpers import dataset as ds

SR = 22050
ATOL = 1e-2


def _tone(f0, seconds, seed=0):
    t = np.arange(int(round(seconds * SR))) / SR
    rng = np.random.default_rng(seed)
    y = 0.4 * np.sin(2 * np.pi * f0 * t) + 0.01 * rng.standard_normal(t.size)
    return y.astype(np.float32)


def _make_set(root: Path, durations=(0.7, 1.0, 2.0, 2.3), classes=("high", "low", "mid")):
    """root/label/clip_i.wav: one tone per class (different frequencies), given durations."""
    freqs = {"high": 2000.0, "low": 200.0, "mid": 700.0}
    for c_i, c in enumerate(classes):
        (root / c).mkdir(parents=True)
        for i, d in enumerate(durations):
            sf.write(root / c / f"clip_{i}.wav", _tone(freqs.get(c, 440.0) * (1 + 0.02 * i), d,
                                                       seed=10 * c_i + i), SR, subtype="FLOAT")
    return root


@pytest.fixture
def small_set(tmp_path):
    return _make_set(tmp_path / "set")


# ------------------------------------------------------------------------- segmenting
@pytest.mark.parametrize(
    "n, remainder, min_fill, full, padded, dropped, pad_samples, dropped_samples",
    [
        (3 * 1000, "pad", 0.5, 3, 0, 0, 0, 0),        # exact multiple: nothing padded or dropped
        (3 * 1000, "drop", 0.5, 3, 0, 0, 0, 0),
        (3 * 1000 + 600, "pad", 0.5, 3, 1, 0, 400, 0),  # remainder >= min_fill: padded
        (3 * 1000 + 600, "drop", 0.5, 3, 0, 1, 0, 600),  # drop policy: remainder dropped
        (3 * 1000 + 300, "pad", 0.5, 3, 0, 1, 0, 300),  # remainder < min_fill: dropped
        (700, "pad", 0.5, 0, 1, 0, 300, 0),           # clip shorter than a segment: padded
        (700, "drop", 0.5, 0, 0, 1, 0, 700),          # ... or dropped: zero segments
        (200, "pad", 0.5, 0, 0, 1, 0, 200),           # too short even to pad
        (1, "pad", 0.001, 0, 1, 0, 999, 0),
    ],
)
def test_cut_segments_edge_cases(n, remainder, min_fill, full, padded, dropped, pad_samples,
                                 dropped_samples):
    y = np.random.default_rng(n).uniform(-1, 1, n).astype(np.float32)
    segs, starts, counts = ds.cut_segments(y, 1000, remainder=remainder, min_fill=min_fill)
    assert counts == dict(full=full, padded=padded, dropped=dropped, pad_samples=pad_samples,
                          dropped_samples=dropped_samples)
    assert segs.shape == (full + padded, 1000)
    np.testing.assert_array_equal(starts, 1000 * np.arange(full + padded))
    for i in range(full):  # each full segment is exactly the slice of the original
        np.testing.assert_array_equal(segs[i], y[1000 * i: 1000 * (i + 1)])
    if padded:
        rest = n - 1000 * full
        np.testing.assert_array_equal(segs[-1, :rest], y[1000 * full:])
        assert not np.any(segs[-1, rest:])


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 5000), L=st.integers(1, 1200), remainder=st.sampled_from(["pad", "drop"]),
       min_fill=st.floats(0.01, 1.0))
def test_cut_segments_accounts_for_every_sample(n, L, remainder, min_fill):
    segs, _, c = ds.cut_segments(np.ones(n, np.float32), L, remainder=remainder,
                                 min_fill=min_fill)
    kept = c["full"] * L + (L - c["pad_samples"] if c["padded"] else 0)
    assert kept + c["dropped_samples"] == n
    assert segs.sum() == kept  # padding is zeros, audio is ones
    assert c["padded"] + c["dropped"] == int(n % L > 0)


# ------------------------------------------------------------------------- features
@pytest.mark.parametrize("feature", ["mfcc", "logmel"])
@pytest.mark.parametrize("hop", [441, 512])  # 441 divides 22050 (slice path); 512 does not
def test_fast_features_match_per_segment_reference(feature, hop):
    p = ds.FeatureParams(feature=feature, hop_length=hop, n_mels=64)
    for name in ("piano_00", "guitar_05", "flute_11"):
        y, _ = helpers.load(name)
        X, starts, counts = ds.features_whole_clip(y, p)
        segs, starts_ref, counts_ref = ds.cut_segments(y, p.segment_samples)
        assert counts == counts_ref
        np.testing.assert_array_equal(starts, starts_ref)
        ref = ds.features_per_segment(segs, p)
        assert X.shape == ref.shape == (len(segs), p.frames_per_segment, p.n_coefficients)
        np.testing.assert_allclose(X, ref, rtol=0, atol=ATOL)


def test_reference_is_librosa_mfcc_with_center_false():
    y, _ = helpers.load("piano_01")
    p = ds.FeatureParams()
    seg = y[: p.segment_samples]
    expected = librosa.feature.mfcc(y=seg, sr=SR, n_mfcc=13, n_fft=2048, hop_length=441,
                                    center=False).T
    np.testing.assert_array_equal(ds.features_per_segment(seg[None], p)[0], expected)
    assert expected.shape[0] == 1 + (22050 - 2048) // 441 == p.frames_per_segment


def test_extract_file_methods_agree_and_file_with_no_segments(tmp_path):
    f = tmp_path / "short.wav"
    sf.write(f, _tone(440, 0.2), SR)
    p = ds.FeatureParams(remainder="pad")  # 0.2 s < min_fill 0.5 s: dropped, counted
    r = ds.extract_file(f, p)
    assert r["X"].shape == (0, p.frames_per_segment, 13)
    assert r["counts"]["dropped"] == 1 and r["counts"]["dropped_samples"] == int(0.2 * SR)
    path = helpers.data.path("flute_03")
    a, b = ds.extract_file(path, p), ds.extract_file(path, p, method="per-segment")
    np.testing.assert_allclose(a["X"], b["X"], rtol=0, atol=ATOL)


# ------------------------------------------------------------------------- splits
def test_split_by_file_is_stratified_and_seeded():
    labels = np.repeat([0, 1, 2], 12)
    split = ds.split_by_file(labels, (0.7, 0.15, 0.15), seed=0)
    for lab in range(3):
        assert np.bincount(split[labels == lab], minlength=3).tolist() == [8, 2, 2]
    np.testing.assert_array_equal(split, ds.split_by_file(labels, (0.7, 0.15, 0.15), seed=0))
    assert not np.array_equal(split, ds.split_by_file(labels, (0.7, 0.15, 0.15), seed=1))


def test_no_file_in_two_splits_shipped_set(tmp_path):
    out = ds.build_dataset(out_dir=tmp_path, progress=False, n_jobs=2)
    d = ds.load_dataset(out["path"])
    per_split = {s: set(d[f"file_{s}"].tolist()) for s in ds.SPLITS}
    assert not per_split["train"] & per_split["val"]
    assert not per_split["train"] & per_split["test"]
    assert not per_split["val"] & per_split["test"]
    assert set().union(*per_split.values()) == set(range(36))  # every file used
    # every segment's label is its file's label, and its file is in that split
    for s_i, s in enumerate(ds.SPLITS):
        np.testing.assert_array_equal(d[f"y_{s}"], d["file_labels"][d[f"file_{s}"]])
        assert np.all(d["file_split"][d[f"file_{s}"]] == s_i)
    # and the segment counts add up to what the counts say
    assert sum(len(d[f"y_{s}"]) for s in ds.SPLITS) == d["counts"]["segments"]
    assert d["counts"]["full"] + d["counts"]["padded"] == d["counts"]["segments"]


# ------------------------------------------------------------------------- standardise, save
def test_standardised_with_training_statistics_only(small_set, tmp_path):
    p = ds.FeatureParams()
    raw = ds.load_dataset(ds.build_dataset(small_set, p, out_dir=tmp_path, name="raw",
                                           fractions=(0.5, 0.25, 0.25), standardise=False,
                                           progress=False)["path"])
    std = ds.load_dataset(ds.build_dataset(small_set, p, out_dir=tmp_path, name="std",
                                           fractions=(0.5, 0.25, 0.25), progress=False)["path"])
    Xtr = raw["X_train"].astype(np.float64)
    mean, sd = Xtr.mean(axis=(0, 1)), Xtr.std(axis=(0, 1))
    np.testing.assert_allclose(std["mean"], mean, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(std["std"], sd, rtol=1e-5)
    for s in ds.SPLITS:
        np.testing.assert_allclose(std[f"X_{s}"], (raw[f"X_{s}"] - mean) / sd, atol=1e-4)
    np.testing.assert_allclose(std["X_train"].mean(axis=(0, 1)), 0, atol=1e-4)
    np.testing.assert_allclose(std["X_train"].std(axis=(0, 1)), 1, atol=1e-4)
    assert std["params"]["standardised"] and not raw["params"]["standardised"]
    assert "training segments" in std["params"]["standardisation"]
    assert raw["params"]["standardisation"] == "none"
    assert std["params"]["hop_length"] == 441 and std["params"]["center"] is False
    assert std["label_names"] == ["high", "low", "mid"]


def _sha(p):
    return hashlib.sha256(Path(p).read_bytes()).hexdigest()


def test_deterministic_bytes_across_runs_jobs_and_backends(small_set, tmp_path):
    kw = dict(fractions=(0.5, 0.25, 0.25), progress=False)
    a = ds.build_dataset(small_set, out_dir=tmp_path / "a", n_jobs=1, **kw)["path"]
    b = ds.build_dataset(small_set, out_dir=tmp_path / "b", n_jobs=2, **kw)["path"]
    c = ds.build_dataset(small_set, out_dir=tmp_path / "c", n_jobs=2, prefer="processes",
                         **kw)["path"]
    a2 = ds.build_dataset(small_set, out_dir=tmp_path / "a", n_jobs=1, **kw)["path"]
    assert _sha(a) == _sha(b) == _sha(c) == _sha(a2)
    d = ds.build_dataset(small_set, out_dir=tmp_path / "d", seed=1, **kw)["path"]
    assert _sha(d) != _sha(a)  # the seed matters (it is recorded in params)


@pytest.mark.parametrize("processes", [False, True])
def test_dask_localcluster_gives_the_same_features(small_set, processes):
    """The unchanged per-file function on a Dask cluster: threads in this process, or worker
    processes (the function and its arguments are pickled, as on a real cluster)."""
    from dask.distributed import Client, LocalCluster

    files, _, _ = ds.find_clips(small_set)
    p = ds.FeatureParams()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=processes,
                      dashboard_address=None) as cluster, Client(cluster):
        got = ds.extract_files_dask(files, p)
    ref = ds.extract_files(files, p, n_jobs=1, progress=False)
    assert [g["path"] for g in got] == [str(f) for f in files]
    for g, r in zip(got, ref, strict=True):
        np.testing.assert_array_equal(g["X"], r["X"])
        assert g["counts"] == r["counts"]


def test_save_npz_is_atomic_and_loadable_without_pickle(tmp_path):
    target = tmp_path / "out" / "x.npz"
    ds.save_npz(target, {"a": np.arange(3), "s": np.array(json.dumps({"k": 1}))})
    before = target.read_bytes()
    with pytest.raises(ValueError):  # object arrays need pickle: refused, mid-write
        ds.save_npz(target, {"a": np.arange(5), "z": np.array([{"x": 1}], dtype=object)})
    assert target.read_bytes() == before  # the old file is intact
    assert [p.name for p in target.parent.iterdir()] == ["x.npz"]  # no temp file left
    with np.load(target, allow_pickle=False) as z:
        np.testing.assert_array_equal(z["a"], np.arange(3))


def test_counts_report_padding_and_drops(small_set, tmp_path):
    # durations 0.7, 1.0, 2.0, 2.3 s, 1 s segments, pad with min_fill 0.5:
    # 0.7 -> 1 padded; 1.0 -> 1 full; 2.0 -> 2 full; 2.3 -> 2 full + 0.3 s dropped
    out = ds.build_dataset(small_set, out_dir=tmp_path, fractions=(0.5, 0.25, 0.25),
                           progress=False)
    c = out["counts"]
    assert (c["full"], c["padded"], c["dropped"]) == (3 * 5, 3 * 1, 3 * 1)
    assert c["pad_samples"] == 3 * (SR - int(round(0.7 * SR)))
    assert c["dropped_samples"] == 3 * (int(round(2.3 * SR)) - 2 * SR)
    drop = ds.build_dataset(small_set, ds.FeatureParams(remainder="drop"), out_dir=tmp_path,
                            name="drop", fractions=(0.5, 0.25, 0.25), progress=False)["counts"]
    assert (drop["full"], drop["padded"], drop["dropped"]) == (15, 0, 6)
    assert drop["files_without_segments"] == 3


# ------------------------------------------------------------------------- bad input
def _with_set(tmp_path, make):
    root = tmp_path / "bad"
    root.mkdir()
    make(root)
    return root


BAD = [
    ("missing folder", lambda t: dict(root=t / "nope"), FileNotFoundError, "does not exist"),
    ("file, not folder", lambda t: dict(root=_file(t)), NotADirectoryError, "is a file"),
    ("no audio", lambda t: dict(root=_with_set(t, lambda r: (r / "a").mkdir())), ValueError,
     "No audio"),
    ("loose audio", lambda t: dict(root=_with_set(t, lambda r: sf.write(r / "x.wav",
                                                                       _tone(440, 1), SR))),
     ValueError, "one sub-folder per label"),
    ("empty label folder", lambda t: dict(root=_empty_label(t)), ValueError, "hold no audio"),
    ("segment 0 s", lambda t: dict(params=dict(segment_s=0)), ValueError, "segment_s must be > 0"),
    ("segment -1 s", lambda t: dict(params=dict(segment_s=-1.0)), ValueError, "> 0"),
    ("segment NaN", lambda t: dict(params=dict(segment_s=float("nan"))), TypeError, "segment_s"),
    ("segment < n_fft", lambda t: dict(params=dict(segment_s=0.05)), ValueError,
     "shorter than one FFT frame"),
    ("fractions sum", lambda t: dict(fractions=(0.7, 0.2, 0.2)), ValueError, "sum to 1"),
    ("fraction 0", lambda t: dict(fractions=(0.8, 0.2, 0.0)), ValueError, "> 0"),
    ("two fractions", lambda t: dict(fractions=(0.5, 0.5)), ValueError, "three numbers"),
    ("too few files", lambda t: dict(root=_make_set(t / "few", durations=(1.0, 1.0))), ValueError,
     "at least one file per class"),
    ("unknown feature", lambda t: dict(params=dict(feature="chroma")), ValueError,
     "unknown feature"),
    ("n_mfcc > n_mels", lambda t: dict(params=dict(n_mfcc=40, n_mels=20)), ValueError,
     "n_mfcc=40"),
    ("fmax > Nyquist", lambda t: dict(params=dict(fmax=20000.0)), ValueError, "Nyquist"),
    ("hop > n_fft", lambda t: dict(params=dict(hop_length=4096)), ValueError, "hop_length"),
    ("hop 0", lambda t: dict(params=dict(hop_length=0)), ValueError, "hop_length"),
    ("sr 0", lambda t: dict(params=dict(sr=0)), ValueError, "sr"),
    ("unknown remainder", lambda t: dict(params=dict(remainder="keep")), ValueError, "remainder"),
    ("out_dir in data/", lambda t: dict(root=None, out_dir=helpers.data.data_dir() / "out"),
     ValueError, "never write outputs into data/"),
    ("unknown backend", lambda t: dict(backend="spark"), ValueError, "backend"),
    ("params type", lambda t: dict(params=[1, 2]), TypeError, "FeatureParams"),
    ("params as root", lambda t: dict(root=ds.FeatureParams()), TypeError, "by keyword"),
    ("name with folder", lambda t: dict(name="../escape"), ValueError, "plain file name"),
]


def _file(t):
    f = t / "f.wav"
    sf.write(f, _tone(440, 1), SR)
    return f


def _empty_label(t):
    root = _make_set(t / "e")
    (root / "silent_class").mkdir()
    return root


@pytest.mark.parametrize("case, make, exc, match", BAD, ids=[b[0] for b in BAD])
def test_bad_input_clear_errors(tmp_path, case, make, exc, match):
    kw = dict(root=_make_set(tmp_path / "good"), out_dir=tmp_path / "out", progress=False,
              fractions=(0.5, 0.25, 0.25))
    kw.update(make(tmp_path))
    with pytest.raises(exc, match=match):
        ds.build_dataset(**kw)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.parametrize("y, exc", [(np.zeros(0, np.float32), ValueError),
                                    (np.array([1, 2, 3]), TypeError),
                                    (np.full(10, np.nan, np.float32), ValueError),
                                    (np.zeros((2, 100), np.float32), ValueError)])
def test_cut_segments_bad_signal(y, exc):
    with pytest.raises(exc):
        ds.cut_segments(y, 10)


def test_load_dataset_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="build_dataset"):
        ds.load_dataset(tmp_path / "none.npz")


# ------------------------------------------------------------------------- plots
def test_split_error_names_the_label_plainly():
    with pytest.raises(ValueError, match=r"label 0 has only 3 file\(s\)"):
        ds.split_by_file(np.repeat([0, 1, 2], 3))


def test_plots_label_their_axes():
    import matplotlib.pyplot as plt

    from helpers import plot

    y = _tone(440, 2.6)
    ax = plot.segments(y, SR, segment_s=1.0)
    assert ax.get_xlabel() == "Time (s)" and ax.get_xlim()[1] == pytest.approx(3.0)
    labels = ax.get_legend_handles_labels()[1]
    assert "zero padding" in labels and "segment 2" in labels
    ax = plot.segments(y, SR, segment_s=1.0, remainder="drop")
    assert "dropped remainder" in ax.get_legend_handles_labels()[1]
    img = plot.segment_features(np.ones((46, 12)), sr=SR, hop_length=441, first=1)
    assert img.axes.get_xlabel().endswith("(s)")
    assert img.get_extent()[1] == pytest.approx(46 * 441 / SR)  # 46 frames x 20 ms
    assert img.axes.get_yticklabels()[0].get_text() == "1"  # c0 left out: rows start at 1
    assert img.get_array().shape == (12, 46)  # coefficients up, frames across
    plt.close("all")


def test_progress_bar_counts_files(small_set, capsys):
    files, _, _ = ds.find_clips(small_set)
    ds.extract_files(files, n_jobs=1, progress=True)
    err = capsys.readouterr().err
    assert f"{len(files)}/{len(files)}" in err and "file" in err  # tqdm's "12/12 [...file/s]"
