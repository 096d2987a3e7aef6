#!/usr/bin/env python3
"""Benchmark: the original dataset script vs helpers.dataset, on the same files, in one run.

    python benchmarks/extract.py [--tracks 36] [--repeats 3] [--no-dask] [--variants]
    python benchmarks/extract.py --tracks 1000 --repeats 1          # GTZAN scale (issue 13)

What it measures
----------------
Input: ``--tracks`` 30-second WAV tracks (16-bit PCM, 22,050 Hz mono) written to a temporary
folder ``tmp/tracks/<label>/track_NNNN.wav``; each is the shipped labelled clips of one class
(data/instruments) concatenated and cut to 30 s (1,000 tracks = 1.3 GB on disk). Nothing is
written to data/.

1. **original**: the old course script, faithfully: walk the folder, for every track and each of
   10 segments of 3 s call ``librosa.load(path, sr=22050, offset=3*d, duration=3)`` and
   ``librosa.feature.mfcc(y=..., sr=22050, n_mfcc=13, n_fft=2048, hop_length=512)`` (librosa's
   default ``center=True``), keep the segment only when it has ``ceil(66150 / 512)`` frames,
   append ``mfcc.T.tolist()`` to a dict of lists, then ``json.dump(data, fp, indent=4)``.
   The ratio is against this. With ``--variants`` two more forms are timed: the published copies
   that load each track once and slice ``signal[start:finish]`` per segment, and the original
   with BLAS limited to one thread (as ours runs).
2. **ours**: ``helpers.dataset.build_dataset`` with the same settings (3 s segments, 13 MFCCs,
   n_fft 2048, hop 512; ``center=False``): one load per track, every segment's frames a strided
   view of the track, one batched FFT + sparse mel pass per track, joblib on all cores, split by
   file, standardise (second pass over a temporary feature file), one ``.npz`` written piece by
   piece. Timed with the default ``prefer="threads"``, with ``prefer="processes"`` (loky, its
   time includes starting the workers) and, unless ``--no-dask``, with ``backend="dask"`` on a
   ``distributed.LocalCluster`` of worker processes (cluster start-up timed separately).

Each approach runs in a FRESH Python process that first warms up (imports, numba) on a separate
small folder, then resets the kernel's peak-RSS counter and does the work: the wall time (first
file opened to output closed) and the peak resident memory of that process (``VmHWM``, Linux)
are reported. Worker processes (loky, Dask) hold one file at a time and are not included.
``--repeats`` runs per approach, interleaved; the fastest counts (the machine may be shared).
Peak memory of ours is also measured on a tenth of the tracks: it must not grow with the
number of tracks (streaming: each file's audio lives only while its features are computed).
Targets (issue 13): ours >= 10x the original's files per second, memory flat, and the Dask
path byte-identical to the joblib one. Compare ratios, not absolute rates, across machines.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SAMPLE_RATE = 22050
TRACK_DURATION = 30  # seconds
SAMPLES_PER_TRACK = SAMPLE_RATE * TRACK_DURATION


# ------------------------------------------------------------------------------------------
# the original approach (kept as it was, except keyword arguments, which librosa now requires)
# ------------------------------------------------------------------------------------------
def original_save_mfcc(dataset_path, json_path, num_mfcc=13, n_fft=2048, hop_length=512,
                       num_segments=10, load_per_segment=True):
    import librosa

    data = {"mapping": [], "labels": [], "mfcc": []}
    samples_per_segment = int(SAMPLES_PER_TRACK / num_segments)
    num_mfcc_vectors_per_segment = math.ceil(samples_per_segment / hop_length)
    seg_duration = TRACK_DURATION / num_segments
    for i, (dirpath, _dirnames, filenames) in enumerate(sorted(os.walk(dataset_path))):
        if dirpath != str(dataset_path):
            semantic_label = dirpath.split("/")[-1]
            data["mapping"].append(semantic_label)
            for f in sorted(filenames):
                file_path = os.path.join(dirpath, f)
                if not load_per_segment:  # the other published form: load once, slice
                    track, sample_rate = librosa.load(file_path, sr=SAMPLE_RATE)
                for d in range(num_segments):
                    if load_per_segment:
                        signal, sample_rate = librosa.load(
                            file_path, sr=SAMPLE_RATE, offset=d * seg_duration,
                            duration=seg_duration)
                    else:
                        start = samples_per_segment * d
                        signal = track[start: start + samples_per_segment]
                    mfcc = librosa.feature.mfcc(y=signal, sr=sample_rate, n_mfcc=num_mfcc,
                                                n_fft=n_fft, hop_length=hop_length)
                    mfcc = mfcc.T
                    if len(mfcc) == num_mfcc_vectors_per_segment:
                        data["mfcc"].append(mfcc.tolist())
                        data["labels"].append(i - 1)
    with open(json_path, "w") as fp:
        json.dump(data, fp, indent=4)
    return data


# ------------------------------------------------------------------------------------------
def make_tracks(folder: Path, n_tracks: int) -> list[Path]:
    """30 s tracks from the shipped labelled clips, one class per track, round-robin classes."""
    import soundfile as sf

    import helpers
    from helpers import dataset as ds

    files, labels, names = ds.find_clips()
    clips = {k: [helpers.load(f, sr=SAMPLE_RATE)[0] for f, lab in zip(files, labels, strict=True)
                 if lab == k]
             for k in range(len(names))}
    out = []
    for t in range(n_tracks):
        k = t % len(names)
        pool = clips[k]
        parts, total, j = [], 0, t  # start at a different clip for each track
        while total < SAMPLES_PER_TRACK:
            parts.append(pool[j % len(pool)])
            total += parts[-1].size
            j += 1
        y = np.concatenate(parts)[:SAMPLES_PER_TRACK]
        path = folder / names[k] / f"track_{t:04d}.wav"
        path.parent.mkdir(parents=True, exist_ok=True)
        sf.write(path, y, SAMPLE_RATE, subtype="PCM_16")
        out.append(path)
    return out


def _params():
    from helpers import dataset as ds

    return ds.FeatureParams(segment_s=3.0, hop_length=512, n_fft=2048, n_mfcc=13,
                            remainder="drop")


# ------------------------------------------------------------------------------------------
# one approach, in a fresh process
# ------------------------------------------------------------------------------------------
def _status(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def child(approach: str, root: Path, out: Path, warm: Path) -> dict:
    from threadpoolctl import threadpool_limits

    from helpers import dataset as ds

    p = _params()
    kw = dict(out_dir=out, name=approach, progress=False, summary=False)
    # warm-up (imports, numba JIT, file cache) on a separate small folder: not measured
    if approach.startswith("original"):
        original_save_mfcc(warm, out / "warm.json")
    else:
        ds.extract_file(next(warm.rglob("*.wav")), p)
    cluster = client = None
    extra = {}
    if approach == "dask":
        import logging

        from dask.distributed import Client, LocalCluster

        t0 = time.perf_counter()
        cluster = LocalCluster(n_workers=os.cpu_count(), threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR)
        client = Client(cluster)
        client.run(lambda: __import__("helpers.dataset"))  # workers import librosa once
        extra["cluster_start_s"] = time.perf_counter() - t0
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # peak RSS := current RSS
    except OSError:
        pass
    before = _status("VmRSS")
    t0 = time.perf_counter()
    if approach == "original":
        original_save_mfcc(root, out / "original.json")
    elif approach == "original-load-once":
        original_save_mfcc(root, out / "original.json", load_per_segment=False)
    elif approach == "original-1blas":
        with threadpool_limits(limits=1):
            original_save_mfcc(root, out / "original.json")
    elif approach in ("threads", "processes"):
        ds.build_dataset(root, p, n_jobs=-1, prefer=approach, **kw)
    elif approach == "dask":
        ds.build_dataset(root, p, backend="dask", scheduler=client, **kw)
    else:
        raise ValueError(approach)
    seconds = time.perf_counter() - t0
    peak = _status("VmHWM")
    if client is not None:
        client.close()
        cluster.close()
    result = dict(approach=approach, seconds=seconds, peak=peak, before=before, **extra)
    if approach.startswith("original"):
        result["output_mb"] = (out / "original.json").stat().st_size / 1e6
    else:
        f = out / f"{approach}.npz"
        result["output_mb"] = f.stat().st_size / 1e6
        result["sha256"] = hashlib.sha256(f.read_bytes()).hexdigest()
        result["segments"] = int(sum(ds.load_dataset(f)["counts"][f"segments_{s}"]
                                     for s in ds.SPLITS))
    return result


def run(approach: str, root: Path, out: Path, warm: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    res = subprocess.run([sys.executable, __file__, "--child", approach, "--root", str(root),
                          "--out", str(out), "--warm", str(warm)], capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"{approach} failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------------------------
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tracks", type=int, default=36, help="number of 30 s tracks (default 36)")
    ap.add_argument("--repeats", type=int, default=3, help="runs per approach; best counts")
    ap.add_argument("--no-dask", action="store_true", help="skip the Dask LocalCluster run")
    ap.add_argument("--variants", action="store_true",
                    help="also time the original's load-once and one-BLAS-thread forms")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--root", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--warm", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, Path(args.root), Path(args.out), Path(args.warm))))
        return 0
    if args.tracks < 12:
        ap.error("--tracks must be >= 12 (3 classes x at least 4 files, so that 15 % of each "
                 "class rounds to at least one validation and one test file)")
    try:
        import dask  # noqa: F401
    except ImportError:
        args.no_dask = True
        print('(Dask is not installed: pip install "audio-dl-course[dask]" to time it too)')

    import librosa

    print(f"Python {sys.version.split()[0]}, librosa {librosa.__version__}, "
          f"{os.cpu_count()} CPU cores; load average {os.getloadavg()[0]:.1f} at the start")
    approaches = ["original", *(["original-load-once", "original-1blas"] if args.variants
                                else []), "threads", "processes", *([] if args.no_dask
                                                                     else ["dask"])]
    with tempfile.TemporaryDirectory(prefix="extract-bench-") as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        tracks = make_tracks(tmp / "tracks", args.tracks)
        small_n = max(12, args.tracks // 10)
        small = tmp / "small"  # the first tenth, for the memory-growth check (hard links)
        for t in tracks[:small_n]:
            (small / t.parent.name).mkdir(parents=True, exist_ok=True)
            os.link(t, small / t.parent.name / t.name)
        warm = tmp / "warm"
        for t in tracks[:3]:
            (warm / t.parent.name).mkdir(parents=True, exist_ok=True)
            os.link(t, warm / t.parent.name / t.name)
        n = len(tracks)
        print(f"{n} tracks x {TRACK_DURATION} s (= {n * TRACK_DURATION / 3600:.1f} h of audio, "
              f"written in {time.perf_counter() - t0:.0f} s), 10 segments of 3 s each, 13 MFCCs, "
              "n_fft 2048, hop 512")
        runs = {a: [] for a in approaches}
        for _ in range(max(1, args.repeats)):
            for a in approaches:
                runs[a].append(run(a, tmp / "tracks", tmp / "out", warm))
        small_run = run("threads", small, tmp / "out-small", warm)
        best = {a: min(rs, key=lambda r: r["seconds"]) for a, rs in runs.items()}
        peak = {a: max(r["peak"] for r in rs) for a, rs in runs.items()}
        base = {a: min(r["before"] for r in rs) for a, rs in runs.items()}
        print("all runs (s):", {a: [round(r["seconds"], 1) for r in rs] for a, rs in runs.items()})

    MB = 2**20
    t_orig = best["original"]["seconds"]
    r_orig = n / t_orig
    labels = {"original": "original (per-segment load + mfcc, JSON)",
              "original-load-once": "original, load once then slice (variant)",
              "original-1blas": "original, one BLAS thread (variant)",
              "threads": "ours (default: joblib threads, all cores)",
              "processes": "ours (joblib processes, incl. start-up)",
              "dask": "ours (Dask LocalCluster, worker processes)"}
    for a in approaches:
        r = best[a]
        rate = n / r["seconds"]
        line = (f"{labels[a]:<43}: {r['seconds']:8.1f} s {rate:8.1f} files/s  "
                f"peak RSS {peak[a] / MB:5.0f} MB (+{(peak[a] - base[a]) / MB:4.0f} over the "
                f"imports)  output {r['output_mb']:6.1f} MB")
        if not a.startswith("original"):
            line += f"  ratio {rate / r_orig:5.1f}x"
        if a == "dask":
            line += f" (cluster start-up {r['cluster_start_s']:.1f} s not included)"
        print(line)
    ratio = n / best["threads"]["seconds"] / r_orig
    print(f"throughput: ours {n / best['threads']['seconds']:.1f} files/s vs original "
          f"{r_orig:.1f} files/s = {ratio:.1f}x (target >= 10x): "
          f"{'met' if ratio >= 10 else 'NOT met'}")
    grow = (peak["threads"] - small_run["peak"]) / MB
    print(f"peak memory, ours (threads): {small_n} tracks {small_run['peak'] / MB:.0f} MB, "
          f"{n} tracks {peak['threads'] / MB:.0f} MB: {grow:+.0f} MB for {n / small_n:.0f}x the "
          f"tracks (target: flat); original at {n} tracks: {peak['original'] / MB:.0f} MB")
    shas = {a: best[a]["sha256"] for a in approaches if "sha256" in best[a]}
    same = len(set(shas.values())) == 1
    print(f"byte-identical .npz from {', '.join(shas)}: {same}")
    print(f"segments kept: ours {best['threads']['segments']} (center=False: frames inside the "
          "segment); the original keeps those with ceil(66150/512) frames")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
