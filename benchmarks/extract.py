#!/usr/bin/env python3
"""Benchmark: the original dataset script vs helpers.dataset, on the same files, in one run.

    python benchmarks/extract.py [--tracks 36] [--repeats 3]     # --tracks >= 12

What it measures
----------------
Input: ``--tracks`` 30-second WAV tracks (16-bit PCM, 22,050 Hz mono) written to a temporary
folder ``tmp/tracks/<label>/track_NN.wav``; each is the shipped labelled clips of one class
(data/instruments) concatenated and cut to 30 s. Nothing is written to data/.

1. **original**: the old course script, faithfully: walk the folder, for every track and each of
   10 segments of 3 s call ``librosa.load(path, sr=22050, offset=3*d, duration=3)`` and
   ``librosa.feature.mfcc(y=..., sr=22050, n_mfcc=13, n_fft=2048, hop_length=512)`` (librosa's
   default ``center=True``), keep the segment only when it has ``ceil(66150 / 512)`` frames,
   append ``mfcc.T.tolist()`` to a dict of lists, then ``json.dump(data, fp, indent=4)``.
   The ratio is against this. Many published copies of that script instead load each track
   once and slice ``signal[start:finish]`` per segment (still one ``mfcc`` call per segment);
   that variant is timed too ("original, load once") with its own ratio, so the gain from not
   re-decoding and the gain from batching the features can be told apart.
   For reference the original is also timed with BLAS limited to one thread
   (as ours runs): on a busy machine OpenBLAS threads that spin-wait can slow the many small
   matrix products of the original a lot, so this line shows how much of the gap that is.
2. **ours**: ``helpers.dataset.build_dataset`` with the same settings (3 s segments, 13 MFCCs,
   n_fft 2048, hop 512; ``center=False``): one load per track, all segments of a track framed
   in one batched NumPy/SciPy pass (mel filterbank built once; 66,150 samples is not a multiple
   of 512, so segments are stacked rather than sliced from one whole-clip spectrogram), joblib
   on all cores, split by file, standardise, atomic ``.npz``.
   Timed with the default ``prefer="threads"`` and again with ``prefer="processes"`` (loky),
   whose time includes starting the worker processes (each imports librosa: seconds).

Wall-clock time from the first file opened to the output file closed; rate = tracks / second;
each approach runs ``--repeats`` times, interleaved, and the fastest run counts (the machine may
be shared). The ratio is ours / original. Compare ratios, not absolute rates, across machines.
"""

from __future__ import annotations

import argparse
import json
import math
import os
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
        path = folder / names[k] / f"track_{t:03d}.wav"
        path.parent.mkdir(parents=True, exist_ok=True)
        sf.write(path, y, SAMPLE_RATE, subtype="PCM_16")
        out.append(path)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tracks", type=int, default=36, help="number of 30 s tracks (default 36)")
    ap.add_argument("--repeats", type=int, default=3, help="runs per approach; best counts")
    args = ap.parse_args(argv)
    if args.tracks < 12:
        ap.error("--tracks must be >= 12 (3 classes x at least 4 files, so that 15 % of each "
                 "class rounds to at least one validation and one test file)")

    import librosa
    from threadpoolctl import threadpool_limits

    from helpers import dataset as ds

    ncpu = os.cpu_count()
    print(f"Python {sys.version.split()[0]}, librosa {librosa.__version__}, {ncpu} CPU cores")
    with tempfile.TemporaryDirectory(prefix="extract-bench-") as tmp:
        tmp = Path(tmp)
        tracks = make_tracks(tmp / "tracks", args.tracks)
        n = len(tracks)
        print(f"{n} tracks x {TRACK_DURATION} s (= {n * TRACK_DURATION / 60:.0f} min of audio), "
              "10 segments of 3 s each, 13 MFCCs, n_fft 2048, hop 512")

        # warm-up in this process (imports, numba/JIT, file cache) so neither side pays it
        original_save_mfcc(tracks[0].parent, tmp / "warm.json")
        ds.extract_file(tracks[0], ds.FeatureParams(segment_s=3.0, hop_length=512))

        params = ds.FeatureParams(segment_s=3.0, hop_length=512, n_fft=2048, n_mfcc=13,
                                  remainder="drop")
        times = {"original": [], "original-load-once": [], "original-1blas": [],
                 "processes": [], "threads": []}
        for _ in range(max(1, args.repeats)):
            t0 = time.perf_counter()
            data = original_save_mfcc(tmp / "tracks", tmp / "original.json")
            times["original"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            original_save_mfcc(tmp / "tracks", tmp / "original.json", load_per_segment=False)
            times["original-load-once"].append(time.perf_counter() - t0)
            with threadpool_limits(limits=1):
                t0 = time.perf_counter()
                original_save_mfcc(tmp / "tracks", tmp / "original.json")
                times["original-1blas"].append(time.perf_counter() - t0)
            for run in ("processes", "threads"):
                # a fresh joblib process pool each time: "processes" includes the start-up
                from joblib.externals.loky import get_reusable_executor
                get_reusable_executor().shutdown(wait=True)
                t0 = time.perf_counter()
                summary = ds.build_dataset(tmp / "tracks", params, out_dir=tmp / "out",
                                           name=run, n_jobs=-1, prefer=run, progress=False)
                times[run].append(time.perf_counter() - t0)
        print("all runs (s):", {k: [round(t, 2) for t in v] for k, v in times.items()})
        times = {k: min(v) for k, v in times.items()}
        t_orig = times["original"]
        json_mb = (tmp / "original.json").stat().st_size / 1e6
        same = (tmp / "out/threads.npz").read_bytes() == (tmp / "out/processes.npz").read_bytes()
        npz_mb = summary["path"].stat().st_size / 1e6
        X = np.concatenate([ds.load_dataset(summary["path"])[f"X_{s}"] for s in ds.SPLITS])

        print(f"original: {len(data['mfcc'])} segments of {len(data['mfcc'][0])} frames kept, "
              f"JSON {json_mb:.1f} MB")
        print(f"ours:     {X.shape[0]} segments of {X.shape[1]} frames, .npz {npz_mb:.1f} MB "
              f"(center=False: frames lie inside the segment)")
        r_orig = n / t_orig
        print(f"threads and processes wrote byte-identical files: {same}")
        print(f"original (per-segment load + mfcc, JSON): {t_orig:7.2f} s {r_orig:8.2f} files/s")
        t1 = times["original-1blas"]
        print(f"original, one BLAS thread (for reference): {t1:7.2f} s {n / t1:8.2f} files/s")
        t2 = times["original-load-once"]
        print(f"original, load once then slice (variant) : {t2:7.2f} s {n / t2:8.2f} files/s")
        labels = {"threads": "ours (default, joblib threads, all cores)",
                  "processes": "ours (joblib processes, incl. start-up)"}
        for run in ("threads", "processes"):
            r = n / times[run]
            print(f"{labels[run]:<41}: {times[run]:7.2f} s {r:8.2f} files/s  "
                  f"ratio {r / r_orig:5.1f}x (vs one-BLAS original {r / (n / t1):4.1f}x, "
                  f"vs load-once variant {r / (n / t2):4.1f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
