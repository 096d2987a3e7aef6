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


@pytest.mark.parametrize("kw", [
    dict(),                                                    # 46 frames: several segments/block
    dict(segment_s=3.0, hop_length=512),                       # 126 frames: blocks of 64 + 62
    dict(segment_s=0.5, n_fft=512, hop_length=128, n_mels=40, fmin=300.0, fmax=6000.0),
])
def test_compiled_power_mel_gives_numpys_bytes(kw):
    """The numba pass (|X|^2 + sparse mel) computes the same float32 operations in the same
    order as NumPy's square + transposed add + scipy's CSR product: the same bytes, so the
    datasets written before it are unchanged."""
    from helpers.dataset import compute

    assert compute._power_mel_kernel() is not None  # numba is there (librosa needs it)
    p = ds.FeatureParams(**kw)
    rng = np.random.default_rng(len(kw))
    for y in (rng.standard_normal(7 * p.segment_samples + 123).astype(np.float32),
              0.3 * _tone(523.0, 5 * p.segment_s, seed=4), np.zeros(p.segment_samples, np.float32)):
        n = y.size // p.segment_samples
        frames = compute._segment_frames(y, 0, n, p)
        fast = compute._mel_power(frames, p)
        plain = compute._mel_power(frames, p, compiled=False)
        assert fast.shape == (n, p.frames_per_segment, p.n_mels)
        np.testing.assert_array_equal(fast.view(np.uint32), plain.view(np.uint32))


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


# ------------------------------------------------------------------ issue 12: no global state
def test_threaded_build_leaves_global_state_alone(tmp_path, monkeypatch):
    """A threaded build used to leave warnings.filters with an 'error' entry for UserWarning
    (helpers.load's catch_warnings is not thread-safe): afterwards an offline fetch raised
    instead of falling back. Neither the warnings filters nor the BLAS thread limits change."""
    import warnings

    from threadpoolctl import threadpool_info

    filters = list(warnings.filters)
    blas = [i["num_threads"] for i in threadpool_info()]
    for _ in range(2):
        ds.build_dataset(out_dir=tmp_path, n_jobs=2, prefer="threads", progress=False,
                         summary=False)
    assert warnings.filters == filters
    assert [i["num_threads"] for i in threadpool_info()] == blas
    # an offline download still falls back to the shipped clip (not pytest.warns: it would
    # install its own "always" filter and hide a leaked "error" one; record=True does not)
    monkeypatch.setenv("AUDIO_COURSE_CACHE", str(tmp_path / "cache"))
    spec = dict(helpers.data.DOWNLOADS["trumpet"], url="http://127.0.0.1:9/unreachable.ogg")
    monkeypatch.setitem(helpers.data.DOWNLOADS, "trumpet", spec)
    with warnings.catch_warnings(record=True) as caught:
        assert helpers.data.fetch("trumpet", timeout=2) == helpers.data.path(spec["fallback"])
    assert all(issubclass(w.category, helpers.data.DownloadFallbackWarning) for w in caught)


# ------------------------------------------------------------------ issue 12: every file
def _wav(path: Path, seconds=1.2, f0=440.0, seed=0, sr=SR, **kw):
    path.parent.mkdir(parents=True, exist_ok=True)
    y = _tone(f0, seconds, seed=seed)
    if sr != SR:
        y = librosa.resample(y, orig_sr=SR, target_sr=sr)
    sf.write(path, y, sr, **kw)
    return path


def _messy_set(root: Path) -> dict:
    """A folder as learners have them. Returns {relative path: expected status}."""
    expect = {}
    for c_i, c in enumerate(("a", "b", "c")):
        for i in range(1, 6):
            _wav(root / c / f"take_0{i}.wav", f0=300.0 * (c_i + 1) + 10 * i, seed=i)
            expect[f"{c}/take_0{i}.wav"] = "used"
    (root / "b" / "take_01.wav").write_text("this is not audio\n" * 40)  # 3 take_01: one bad
    expect["b/take_01.wav"] = "skipped"
    _wav(root / "a" / "session 2" / "deep" / "x.flac", format="FLAC")  # nested: label a
    expect["a/session 2/deep/x.flac"] = "used"
    _wav(root / "c" / "y.opus", sr=48000, format="OGG", subtype="OPUS")  # Opus: 48 kHz
    expect["c/y.opus"] = "used"
    _wav(root / "c" / "z.aiff", format="AIFF")
    expect["c/z.aiff"] = "used"
    _wav(root / "a" / "w.AIF", format="AIFF")  # upper-case extension
    expect["a/w.AIF"] = "used"
    _wav(root / "b" / "take_09.wav ", format="WAV")  # trailing space in the name
    expect["b/take_09.wav "] = "used"
    for i in range(4):  # a label folder whose name ends in a space: label "d"
        _wav(root / "d " / f"d_{i}.wav", f0=2500.0 + 20 * i, seed=i)
        expect[f"d /d_{i}.wav"] = "used"
    _wav(root / "loose.wav")  # loose in the root: no label
    expect["loose.wav"] = "skipped"
    (root / "a" / "song.m4a").write_bytes(b"\x00\x00\x00\x18ftypM4A " + bytes(200))
    expect["a/song.m4a"] = "skipped"
    _wav(root / "c" / "short.wav", seconds=0.2)  # shorter than min_fill of a segment
    expect["c/short.wav"] = "skipped"
    (root / "notes.txt").write_text("recorded in May")
    expect["notes.txt"] = "not audio"
    (root / "a" / "README").write_text("class a")
    expect["a/README"] = "not audio"
    (root / "a" / "._take_02.wav").write_bytes(b"\x00\x05\x16\x07" + bytes(100))  # macOS
    expect["a/._take_02.wav"] = "not audio"
    _wav(root / ".ipynb_checkpoints" / "old.wav")
    expect[".ipynb_checkpoints/"] = "not audio"
    return expect


def test_every_file_under_the_root_is_accounted_for(tmp_path, capsys):
    root = tmp_path / "messy"
    expect = _messy_set(root)
    out = ds.build_dataset(root, out_dir=tmp_path / "out", fractions=(0.5, 0.25, 0.25),
                           progress=False)
    report = {e["file"]: e for e in out["report"]}
    assert {f: e["status"] for f, e in report.items()} == expect
    # every file on disk appears (hidden folders as one entry)
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*")
               if p.is_file() and ".ipynb_checkpoints" not in p.parts}
    assert on_disk | {".ipynb_checkpoints/"} == set(report)
    assert "not a readable audio file" in report["b/take_01.wav"]["reason"]
    assert "no label" in report["loose.wav"]["reason"]
    assert "ffmpeg" in report["a/song.m4a"]["reason"]
    assert "no segment" in report["c/short.wav"]["reason"]
    assert report["a/session 2/deep/x.flac"]["label"] == "a"
    assert report["d /d_0.wav"]["label"] == "d"
    assert out["label_names"] == ["a", "b", "c", "d"]
    used = [e for e in out["report"] if e["status"] == "used"]
    assert sum(e["segments"] for e in used) == out["counts"]["segments"] > 0
    # the summary names the files by their path relative to the root
    printed = capsys.readouterr().out
    assert "b/take_01.wav" in printed and "loose.wav" in printed and "skipped" in printed
    assert f"{len(expect)} file(s) under" in printed
    # the report is stored beside the arrays
    d = ds.load_dataset(out["path"])
    assert d["report"] == out["report"]
    assert set(d["files"]) >= {"a/session 2/deep/x.flac", "b/take_09.wav ", "d /d_0.wav"}
    assert d["counts"]["files_skipped"] == 4 and d["counts"]["files_not_audio"] == 4


def test_strict_build_lists_every_unusable_file_and_writes_nothing(tmp_path):
    root = tmp_path / "messy"
    _messy_set(root)
    with pytest.raises(ValueError) as err:
        ds.build_dataset(root, out_dir=tmp_path / "out", fractions=(0.5, 0.25, 0.25),
                         progress=False, errors="raise")
    msg = str(err.value)
    assert "loose.wav" in msg and "a/song.m4a" in msg and "nothing was written" in msg
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    # only a decoding problem left: still every one of them listed, with its relative path
    (root / "loose.wav").unlink()
    (root / "a" / "song.m4a").unlink()
    (root / "c" / "take_03.wav").write_bytes(b"RIFF0000WAVEfmt " + bytes(10))
    with pytest.raises(ValueError) as err:
        ds.build_dataset(root, out_dir=tmp_path / "out", fractions=(0.5, 0.25, 0.25),
                         progress=False, errors="raise")
    msg = str(err.value)
    assert "2 audio file(s)" in msg and "  b/take_01.wav: " in msg and "  c/take_03.wav: " in msg
    assert not any((tmp_path / "out").iterdir())  # no dataset, no temporary left
    with pytest.raises(ValueError, match="errors must be 'skip'"):
        ds.build_dataset(root, out_dir=tmp_path / "out", errors="ignore")


def test_truncated_file_is_used_and_reported_with_the_numbers(tmp_path):
    root = _make_set(tmp_path / "set")
    f = root / "mid" / "clip_3.wav"
    raw = f.read_bytes()
    f.write_bytes(raw[: len(raw) * 3 // 4])
    out = ds.build_dataset(root, out_dir=tmp_path / "out", fractions=(0.5, 0.25, 0.25),
                           progress=False, summary=False)
    e = next(e for e in out["report"] if e["file"] == "mid/clip_3.wav")
    assert e["status"] == "used" and "truncated" in e["reason"]
    assert f"declares {int(round(2.3 * SR))} frames" in e["reason"]


@settings(max_examples=25, deadline=None)
@given(paths=st.lists(
    st.lists(st.sampled_from(["a", "b ", " c", "x.y", ".h", "sub", "Dog"]), min_size=0,
             max_size=3).map(tuple).flatmap(lambda dirs: st.tuples(st.just(dirs), st.sampled_from(
                 ["t.wav", "t.WAV ", "u.flac", "v.opus", "w.aif", "n.txt", "m.m4a", "._t.wav",
                  "noext", "z.mp3"]))), min_size=1, max_size=12, unique=True))
def test_scan_folder_accounts_for_any_layout(tmp_path_factory, paths):
    """Any tree: every file is reported exactly once (hidden folders as one entry), audio gets
    the first folder level (stripped) as its label, loose audio is skipped."""
    root = tmp_path_factory.mktemp("tree")
    made = set()
    for dirs, name in paths:
        p = root.joinpath(*dirs, name)
        if any(q.is_file() for q in [root.joinpath(*dirs[:i]) for i in range(1, len(dirs) + 1)]):
            continue
        if p.exists():
            continue
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"x")
        made.add(p)
    entries = ds.scan_folder(root)
    hidden_dirs = [e for e in entries if e["file"].endswith("/")]
    covered = set()
    for e in entries:
        if e["file"].endswith("/"):
            covered |= {q for q in made if str(q).startswith(str(root / e["file"]))}
        else:
            covered.add(root / e["file"])
    assert covered == made
    assert len([e for e in entries if not e["file"].endswith("/")]) + sum(
        len([q for q in made if str(q).startswith(str(root / e["file"]))])
        for e in hidden_dirs) == len(made)
    for e in entries:
        rel = Path(e["file"])
        if e["status"] == "audio":
            assert e["label"] == rel.parts[0].strip() and len(rel.parts) >= 2
            assert rel.name.rstrip().lower().endswith(tuple(ds.AUDIO_SUFFIXES))
        if len(rel.parts) == 1 and rel.suffix.strip().lower() in ds.AUDIO_SUFFIXES \
                and not rel.name.startswith("."):
            assert e["status"] == "skipped" and "no label" in e["reason"]


# ------------------------------------------------------------------ issue 12: smaller items
def test_name_with_npz_extension_is_not_doubled(small_set, tmp_path):
    out_dir = tmp_path / "out"
    out = ds.build_dataset(small_set, out_dir=out_dir, name="x.npz", progress=False,
                           fractions=(0.5, 0.25, 0.25), summary=False)
    assert out["path"].name == "x.npz" and sorted(p.name for p in out_dir.iterdir()) == ["x.npz"]
    out = ds.build_dataset(small_set, out_dir=out_dir, name="Y.NPZ", progress=False,
                           fractions=(0.5, 0.25, 0.25), summary=False)
    assert out["path"].name == "Y.npz"
    with pytest.raises(ValueError, match="file name"):
        ds.build_dataset(small_set, out_dir=out_dir, name=".npz")


def test_shipped_data_folder_refused_even_when_env_points_at_a_copy(tmp_path, monkeypatch):
    import shutil

    copy = tmp_path / "data_copy"
    shutil.copytree(helpers.data.data_dir(), copy)
    monkeypatch.setenv("AUDIO_COURSE_DATA", str(copy))
    assert helpers.data.data_dir() == copy
    shipped = helpers.data.shipped_data_dir()
    for out_dir in (shipped / "outputs", shipped, copy / "x"):
        with pytest.raises(ValueError, match="never write outputs into data/"):
            ds.build_dataset(copy / "instruments", out_dir=out_dir, progress=False)
    assert not (shipped / "outputs").exists()


_KILLED_SAVE = r"""
import sys, time
from pathlib import Path
import numpy as np
from helpers import dataset as ds
out = Path(sys.argv[1])
def chunks():
    yield np.zeros((100, 4), np.float32)
    print("writing", flush=True)
    time.sleep(600)  # killed here, half-way through the file
ds.save_npz(out / "x.npz", {"a": ds.ChunkedArray((200, 4), np.float32, chunks)})
"""

_KILLED_BUILD = r"""
import sys, time
from pathlib import Path
from helpers import dataset as ds
from helpers.dataset import build
def stuck(*a, **k):
    print("building", flush=True)
    time.sleep(600)  # killed after the features were written to the temporary folder
build._assemble = stuck
ds.build_dataset(sys.argv[2], out_dir=sys.argv[1], name="x", progress=False,
                 fractions=(0.5, 0.25, 0.25), n_jobs=1)
"""


@pytest.mark.parametrize("sig", ["SIGKILL", "SIGTERM"])
@pytest.mark.parametrize("script, word", [(_KILLED_SAVE, "writing"), (_KILLED_BUILD, "building")],
                         ids=["save", "build"])
def test_next_build_removes_temporaries_of_a_killed_one(small_set, tmp_path, sig, script, word):
    import os
    import signal
    import subprocess
    import sys

    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen([sys.executable, "-c", script, str(out), str(small_set)],
                            stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    try:
        assert proc.stdout.readline().strip() == word
        proc.send_signal(getattr(signal, sig))
        proc.wait(timeout=60)
    finally:
        proc.kill()
    left = [p.name for p in out.iterdir()]
    assert left and all(n.startswith(".x.npz.") for n in left), left  # the debris of the kill
    # a temporary of a process that is still running is not touched
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        host_tag = left[0].split(".")[3]
        live = out / f".x.npz.{host_tag}.{alive.pid}.0123abcd.tmp"
        live.write_bytes(b"in progress")
        foreign = out / ".other.npz.tmp"
        foreign.write_bytes(b"not ours")
        ds.build_dataset(small_set, out_dir=out, name="x", progress=False, summary=False,
                         fractions=(0.5, 0.25, 0.25))
        assert sorted(p.name for p in out.iterdir()) == sorted(
            [".other.npz.tmp", live.name, "x.npz"])
    finally:
        alive.kill()


def test_old_style_temporaries_are_removed_when_old(small_set, tmp_path):
    import os
    import time

    out = tmp_path / "out"
    out.mkdir()
    old, fresh = out / ".x.ab12cd_3.tmp", out / ".x.zz99yy_1.tmp"  # tempfile.mkstemp names
    for f in (old, fresh):
        f.write_bytes(b"half a dataset")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    ds.build_dataset(small_set, out_dir=out, name="x", progress=False, summary=False,
                     fractions=(0.5, 0.25, 0.25))
    assert sorted(p.name for p in out.iterdir()) == [fresh.name, "x.npz"]


# ------------------------------------------------------------------ issue 13: Dask
def test_dataset_works_without_dask_and_says_how_to_install_it(small_set, tmp_path):
    import os
    import subprocess
    import sys

    code = f"""
import sys
sys.modules["dask"] = None  # as if it were not installed
sys.modules["distributed"] = None
from helpers import dataset as ds
kw = dict(out_dir={str(tmp_path)!r}, progress=False, summary=False, fractions=(0.5, 0.25, 0.25))
print(ds.build_dataset({str(small_set)!r}, **kw)["path"].name)
try:
    ds.build_dataset({str(small_set)!r}, backend="dask", **kw)
except ModuleNotFoundError as exc:
    print("MESSAGE", exc)
"""
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=os.environ.copy(), timeout=300)
    assert res.returncode == 0, res.stderr
    assert "set_mfcc.npz" in res.stdout
    assert 'MESSAGE backend=\'dask\' needs Dask' in res.stdout
    assert 'pip install "audio-dl-course[dask]"' in res.stdout


def _two_blas_threads_cluster():
    """A LocalCluster with two worker PROCESSES of two threads each, started as the benchmark
    and the README start one: under ``ds.dask_worker_config()``."""
    import logging

    import dask
    from dask.distributed import LocalCluster

    with dask.config.set(ds.dask_worker_config()):
        return LocalCluster(n_workers=2, threads_per_worker=2, processes=True,
                            dashboard_address=None, silence_logs=logging.ERROR)


def _trim_threshold():
    import os

    return os.environ.get("MALLOC_TRIM_THRESHOLD_")


def _use_two_blas_threads():
    """Run on each worker: BLAS with 2 threads (Dask's nanny starts workers with 1; workers
    started another way, e.g. on a shared cluster, need not). Returns the thread counts."""
    from threadpoolctl import ThreadpoolController, threadpool_info

    ThreadpoolController().limit(limits=2, user_api="blas")
    return max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")


def test_dask_worker_processes_write_byte_identical_arrays(small_set, tmp_path, monkeypatch):
    from dask.distributed import Client

    # a nanny started earlier in this process (another test's default LocalCluster) wrote
    # MALLOC_TRIM_THRESHOLD_ into os.environ, which would win over the config (Dask's caveat)
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)

    kw = dict(fractions=(0.5, 0.25, 0.25), progress=False, summary=False)
    ref = ds.build_dataset(small_set, out_dir=tmp_path / "joblib", n_jobs=2, **kw)["path"]
    with _two_blas_threads_cluster() as cluster, Client(cluster) as client:
        threads = client.run(_use_two_blas_threads)
        assert set(threads.values()) == {2}  # the workers really do use 2 BLAS threads
        # dask_worker_config() took the nanny's MALLOC_TRIM_THRESHOLD_ away (issue 23)
        assert set(client.run(_trim_threshold).values()) == {None}
        got = ds.build_dataset(small_set, out_dir=tmp_path / "dask", backend="dask", **kw)
    assert _sha(got["path"]) == _sha(ref)
    a, b = ds.load_dataset(ref), ds.load_dataset(got["path"])
    for s in ds.SPLITS:
        np.testing.assert_array_equal(a[f"X_{s}"], b[f"X_{s}"])


def test_dask_on_an_existing_cluster_by_client_or_address(small_set, tmp_path):
    """The README example: the caller's cluster, given as a Client or by its address (here the
    address of a LocalCluster started for the test: nothing is invented)."""
    from dask.distributed import Client

    kw = dict(fractions=(0.5, 0.25, 0.25), progress=False, summary=False)
    ref = _sha(ds.build_dataset(small_set, out_dir=tmp_path / "ref", **kw)["path"])
    with _two_blas_threads_cluster() as cluster:
        with Client(cluster.scheduler_address, set_as_default=False) as c:
            c.run(_use_two_blas_threads)
        by_address = ds.build_dataset(small_set, out_dir=tmp_path / "addr", backend="dask",
                                      scheduler=cluster.scheduler_address, **kw)
        with Client(cluster.scheduler_address, set_as_default=False) as client:
            by_client = ds.build_dataset(small_set, out_dir=tmp_path / "client", backend="dask",
                                         scheduler=client, **kw)
            files, _, _ = ds.find_clips(small_set)
            per_file = ds.extract_files_dask(files, scheduler=client)
        import dask

        # Client() with no address connects to Dask's configured scheduler: what setting the
        # environment variable DASK_SCHEDULER_ADDRESS before importing Dask does
        with dask.config.set({"scheduler-address": cluster.scheduler_address}), \
                Client(set_as_default=False) as configured:
            by_config = ds.build_dataset(small_set, out_dir=tmp_path / "config", backend="dask",
                                         scheduler=configured, **kw)
    assert _sha(by_address["path"]) == _sha(by_client["path"]) == _sha(by_config["path"]) == ref
    assert [r["path"] for r in per_file] == [str(f) for f in files]


def test_dask_local_scheduler_gives_the_same_bytes(small_set, tmp_path):
    """Without a distributed cluster, Dask's local threaded scheduler runs the same batches."""
    kw = dict(fractions=(0.5, 0.25, 0.25), progress=False, summary=False)
    ref = ds.build_dataset(small_set, out_dir=tmp_path / "ref", **kw)["path"]
    got = ds.build_dataset(small_set, out_dir=tmp_path / "dask", backend="dask",
                           scheduler="threads", **kw)["path"]
    assert _sha(got) == _sha(ref)


@pytest.mark.parametrize("backend", ["joblib", "dask"])
def test_duplicates_need_the_same_audio_not_only_the_same_features(tmp_path, monkeypatch,
                                                                    backend):
    """The builder hashes the audio only of files whose features match (the only ones that can
    be copies), and the audio decides: a file whose features equal another's but whose samples
    differ (a change in the 102 samples of a 3 s segment that no frame reads, or in a dropped
    remainder) is not a duplicate; the same samples in another format are."""
    from helpers.dataset import build

    hashed = []
    real = build._audio_sha256_or_error

    def counting(path, params, method=None):
        hashed.append(Path(path).name)
        return real(path, params, method)

    monkeypatch.setattr(build, "_audio_sha256_or_error", counting)
    p = ds.FeatureParams(segment_s=1.0, hop_length=512, remainder="drop")
    root = _make_set(tmp_path / "set", durations=(1.0, 1.3, 2.0, 2.3))
    kw = dict(out_dir=tmp_path / "out", progress=False, summary=False, backend=backend,
              **({"scheduler": "sync"} if backend == "dask" else {}))
    ds.build_dataset(root, p, **kw)
    assert hashed == []  # no two files with the same features: no audio hashed
    y, _ = sf.read(root / "low" / "clip_1.wav", dtype="float32")  # 1.3 s: a dropped 0.3 s
    unseen = (p.frames_per_segment - 1) * p.hop_length + p.n_fft  # after the last frame
    assert unseen < p.segment_samples
    for name, change in [("tail_changed.wav", slice(p.segment_samples + 10, None)),
                         ("unseen_changed.wav", slice(unseen, p.segment_samples))]:
        z = y.copy()
        z[change] *= -1
        sf.write(root / "low" / name, z, SR, subtype="FLOAT")
    sf.write(root / "low" / "same.flac", y, SR, format="FLAC", subtype="PCM_24")
    y24, _ = sf.read(root / "low" / "same.flac", dtype="float32")
    sf.write(root / "low" / "clip_1.wav", y24, SR, subtype="FLOAT")  # the FLAC's exact samples
    out = ds.build_dataset(root, p, **kw)
    assert out["duplicates"] == [["low/clip_1.wav", "low/same.flac"]]
    assert sorted(hashed) == sorted(["clip_1.wav", "same.flac", "tail_changed.wav",
                                     "unseen_changed.wav"])  # the candidates, no other file
    report = {e["file"]: e for e in out["report"]}
    assert "duplicates" not in report["low/tail_changed.wav"]
    assert "duplicates" not in report["low/unseen_changed.wav"]


def test_extract_files_names_the_full_path_of_a_broken_file(tmp_path):
    root = tmp_path / "takes"
    for label in "abc":
        _wav(root / label / "take_01.wav")
    (root / "b" / "take_01.wav").write_text("not audio")
    files, _, _ = ds.find_clips(root)
    for n_jobs in (1, 2):
        with pytest.raises(ValueError, match=rf"{root / 'b' / 'take_01.wav'}: .*not a readable"):
            ds.extract_files(files, n_jobs=n_jobs, progress=False)


def test_symlinked_label_folders_are_scanned_and_loops_reported(tmp_path):
    import os

    data = _make_set(tmp_path / "elsewhere", durations=(1.0,), classes=("low",))
    root = tmp_path / "root"
    _make_set(root, durations=(1.0,), classes=("high",))
    os.symlink(data / "low", root / "low")  # a label folder that is a link
    os.symlink(root, root / "high" / "loop")  # a link back up the tree
    entries = {e["file"]: e for e in ds.scan_folder(root)}
    assert entries["low/clip_0.wav"]["status"] == "audio" and entries["low/clip_0.wav"]["label"] == "low"
    assert entries["high/loop/"]["status"] == "not audio" and "already scanned" in entries[
        "high/loop/"]["reason"]
