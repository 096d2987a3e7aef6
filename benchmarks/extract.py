#!/usr/bin/env python3
"""Benchmark: dataset extraction, helpers.dataset against the original script, what an engineer
who knows librosa writes, and a NumPy/SciPy floor, on the same files, in one run (issues 13, 23).

    python benchmarks/extract.py [--tracks 36] [--repeats 3] [--no-dask] [--variants]
    python benchmarks/extract.py --tracks 1000 --repeats 2           # GTZAN scale
    python benchmarks/extract.py --tracks 1000 --scheduler tcp://HOST:8786 --workdir /shared/x

What it measures
----------------
Input: ``--tracks`` 30-second WAV tracks (16-bit PCM, 22,050 Hz mono) written to a temporary
folder ``<tmp>/tracks/<label>/track_NNNN.wav`` (``--workdir`` chooses where ``<tmp>`` goes;
never data/); each is the shipped labelled clips of one class (data/instruments) in a random
order, from a random first sample, concatenated and cut to 30 s (1,000 tracks = 1.3 GB on disk;
no two the same audio, as in a real collection: ours checks for duplicates). Every approach computes 13 MFCCs of each 3 s
segment (n_fft 2048, hop 512) of every track:

1. **original**: the old course script, faithfully: walk the folder, for every track and each of
   10 segments of 3 s call ``librosa.load(path, sr=22050, offset=3*d, duration=3)`` and
   ``librosa.feature.mfcc(y=..., sr=22050, n_mfcc=13, n_fft=2048, hop_length=512)`` (librosa's
   default ``center=True``), keep the segment only when it has ``ceil(66150 / 512)`` frames,
   append ``mfcc.T.tolist()`` to a dict of lists, then ``json.dump(data, fp, indent=4)``.
   With ``--variants`` two more forms are timed: the published copies that load each track
   once and slice ``signal[start:finish]`` per segment, and the original with BLAS limited to
   one thread.
2. **the two competent librosa forms** (issue 23), every track on joblib threads (all cores),
   BLAS limited to one thread per joblib thread (joblib's advice against oversubscription;
   ``--variants`` also times librosa's default BLAS threads), ``np.savez`` of the stacked
   features: ``librosa.load`` once per track, then (a) ``feature.mfcc`` per 3 s slice, or
   (b) one ``feature.mfcc`` of the whole track with each segment's frames cut out of it.
   "x libr." compares against the fastest of them (variants included).
3. **floor**: the fastest code I could write for the same numbers, NumPy/SciPy plus one numba
   loop: int16 decode, strided ``center=False`` frames windowed straight from int16 (the Hann
   window pre-scaled by 1/32768: the same float32 numbers, one pass fewer), float32
   ``scipy.fft.rfft`` 64 frames at a time (the size that keeps them in cache), |X|^2 and the
   mel product over each band's contiguous bins in one compiled pass, log10, top_db per
   segment, DCT, in place; no checks, no bookkeeping, no output file. Its features are ours,
   byte for byte. Timed two ways, the faster counts: one file per thread on every core, or
   one file at a time with ``scipy.fft``'s ``workers`` on every core.
4. **ours**: ``helpers.dataset.build_dataset`` with the same settings (``center=False``): one
   load per track, every segment's frames a strided view, batched FFT + sparse mel, joblib on
   all cores, split by file, standardise (second pass over a temporary feature file), one
   ``.npz`` written piece by piece. Timed with the default ``prefer="threads"``, with
   ``prefer="processes"`` (loky, its time includes starting the workers) and, unless
   ``--no-dask``, with ``backend="dask"``: on a ``distributed.LocalCluster`` of one
   single-threaded worker process per core, started under ``ds.dask_worker_config()`` (with
   ``--variants`` also under Dask's default nanny environment), or on the cluster at
   ``--scheduler``. Cluster start-up (cluster, client, one warm-up file per worker) is timed
   apart and reported both ways: rate without it and with it.

Each approach runs in a FRESH Python process that first warms up (imports, numba) on a separate
small folder, then resets the kernel's peak-RSS counter and does the work: the wall time (first
file opened to output closed) and the peak resident memory of that process (``VmHWM``, Linux)
are reported; for Dask also the largest worker's peak. ``--repeats`` runs per approach,
interleaved; the fastest counts (the machine may be shared: the 1-minute load average at the
start of every run is printed, with the versions). Peak memory of ours is also measured on a
tenth of the tracks: it must not grow with the number of tracks.

Targets: ours >= 10x the original (issue 13); ours >= 3x the best competent form and within
1.5x of the floor, by wall time and by CPU time per file (a shared machine distorts the
first; a warning says when the load average exceeded the cores); Dask files/s per worker
core >= 0.8x the threaded path's per core (issue 23); byte-identical ``.npz`` from threads,
processes and Dask. Exit status 1 when one is not met. Compare ratios, not absolute rates,
across machines.
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
    """30 s tracks from the shipped labelled clips, one class per track, round-robin classes:
    each a different random order of its class's clips (seeded by the track number), starting
    at a random sample of the first one, so no two tracks hold the same audio (a set of copies
    would also time ``build_dataset``'s duplicate check, which hashes the audio of files whose
    features match, and group the copies in one split)."""
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
        rng = np.random.default_rng(t)
        order = rng.permutation(len(pool))
        parts = [pool[order[0]][int(rng.integers(pool[order[0]].size)):]]
        total, j = parts[0].size, 1
        while total < SAMPLES_PER_TRACK:
            parts.append(pool[order[j % len(pool)]])
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
# what an engineer who knows librosa writes (issue 23): load each track once, joblib threads
# ------------------------------------------------------------------------------------------
def _labelled_tracks(dataset_path):
    """(path, label index) of every track, labels in sorted folder order (as the original)."""
    labels = sorted(d.name for d in Path(dataset_path).iterdir() if d.is_dir())
    return [(str(f), k) for k, lab in enumerate(labels)
            for f in sorted((Path(dataset_path) / lab).glob("*.wav"))]


def _competent_file(path, whole_track, num_mfcc=13, n_fft=2048, hop_length=512,
                    num_segments=10):
    import librosa

    track, sr = librosa.load(path, sr=SAMPLE_RATE)  # once per track
    seg = SAMPLES_PER_TRACK // num_segments
    n_frames = math.ceil(seg / hop_length)
    out = []
    if whole_track:  # one MFCC of the whole track, frames cut per segment
        mfcc = librosa.feature.mfcc(y=track, sr=sr, n_mfcc=num_mfcc, n_fft=n_fft,
                                    hop_length=hop_length)
        for d in range(num_segments):
            first = d * seg // hop_length
            block = mfcc[:, first: first + n_frames]
            if block.shape[1] == n_frames:
                out.append(block.T)
    else:  # one MFCC per 3 s slice of the loaded track
        for d in range(num_segments):
            mfcc = librosa.feature.mfcc(y=track[d * seg: (d + 1) * seg], sr=sr,
                                        n_mfcc=num_mfcc, n_fft=n_fft, hop_length=hop_length)
            if mfcc.shape[1] == n_frames:
                out.append(mfcc.T)
    return np.stack(out).astype(np.float32)


def competent(dataset_path, npz_path, whole_track, one_blas=True, prefer="threads"):
    """Load once per track, ``librosa.feature.mfcc`` per 3 s slice (``whole_track=False``) or
    once per track with its frames cut per segment (``True``; ``center=True`` and ``top_db``
    over the track, as librosa does by default), every track on joblib threads (all cores),
    stacked and saved with ``np.savez``. ``one_blas``: BLAS (librosa's mel product) limited to
    one thread per joblib thread, as joblib's docs advise against oversubscription (the faster
    form here; ``--variants`` also times librosa's default BLAS threads, and joblib processes
    (``prefer="processes"``, loky: one BLAS thread per worker, start-up included))."""
    from contextlib import nullcontext

    from joblib import Parallel, delayed
    from threadpoolctl import threadpool_limits

    items = _labelled_tracks(dataset_path)
    with threadpool_limits(limits=1, user_api="blas") if one_blas else nullcontext():
        feats = Parallel(n_jobs=-1, prefer=prefer)(
            delayed(_competent_file)(path, whole_track) for path, _ in items)
    labels = np.concatenate([np.full(len(f), k) for f, (_, k) in zip(feats, items, strict=True)])
    np.savez(npz_path, X=np.concatenate(feats), y=labels)


# ------------------------------------------------------------------------------------------
# the floor: decode + framed rFFT + mel + log + DCT in NumPy/SciPy (+ one numba loop), nothing else
# ------------------------------------------------------------------------------------------
def _floor_setup(n_fft=2048, n_mels=128):
    """The Hann window pre-scaled by 1/32768 (exactly: a power of two), so it windows the
    int16 samples directly (the same float32 numbers as converting first, one pass fewer),
    and each mel band as its contiguous bins: first bin, end, offset of its weights."""
    import librosa
    import scipy.signal

    dense = librosa.filters.mel(sr=SAMPLE_RATE, n_fft=n_fft, n_mels=n_mels).astype(np.float32)
    lo = np.array([np.flatnonzero(r)[0] for r in dense], np.int64)
    hi = np.array([np.flatnonzero(r)[-1] + 1 for r in dense], np.int64)
    start = np.concatenate([[0], np.cumsum(hi - lo)[:-1]]).astype(np.int64)
    weights = np.concatenate([dense[i, lo[i]: hi[i]] for i in range(n_mels)])
    window = scipy.signal.get_window("hann", n_fft).astype(np.float32) * np.float32(1 / 32768)
    return (lo, hi, start, weights), window


_FLOOR_KERNEL = None


def _floor_kernel():
    """|X|^2 and every mel band over its contiguous bins in one compiled pass (numba, releases
    the GIL): the power of a block is written bins x frames, so each band's sum runs over
    contiguous frames (vectorised); a NumPy square + transposed add + CSR product is 1.8x
    slower for these two steps."""
    global _FLOOR_KERNEL
    if _FLOOR_KERNEL is None:
        import numba

        @numba.njit(nogil=True)
        def power_mel(spec, lo, hi, start, weights, power, acc, out):
            m, n_bins = spec.shape
            for k in range(n_bins):
                for j in range(m):
                    c = spec[j, k]
                    power[k, j] = c.real * c.real + c.imag * c.imag
            for i in range(lo.size):
                acc[:m] = 0.0
                for k in range(lo[i], hi[i]):
                    w = weights[start[i] + k - lo[i]]
                    for j in range(m):
                        acc[j] += w * power[k, j]
                for j in range(m):
                    out[j, i] = acc[j]

        _FLOOR_KERNEL = power_mel
    return _FLOOR_KERNEL


def _floor_file(path, bands, window, workers=1, block=64, n_fft=2048, hop=512, n_mfcc=13):
    """One track: int16 samples, every 3 s segment's frames a strided view (center=False),
    windowed straight from int16 into a reused float32 buffer (window pre-scaled by 1/32768),
    ``scipy.fft.rfft`` (float32) ``block`` frames at a time, |X|^2 + mel in one compiled pass
    into the output, then log10, top_db per segment and the DCT on the whole track, in place.
    No checks, no bookkeeping, no output file. Its numbers are ours, byte for byte."""
    import scipy.fft
    import soundfile as sf

    kernel = _floor_kernel()
    with sf.SoundFile(path) as fh:
        raw = fh.read(dtype="int16")
    L = SAMPLES_PER_TRACK // 10
    F = 1 + (L - n_fft) // hop
    n = raw.size // L
    s = raw.strides[0]
    frames = np.lib.stride_tricks.as_strided(raw, (n, F, n_fft), (L * s, hop * s, s),
                                             writeable=False)
    n_bins = n_fft // 2 + 1
    mel = np.empty((n, F, bands[0].size), np.float32)
    buf = np.empty((block, n_fft), np.float32)
    power = np.empty(n_bins * block, np.float32)
    acc = np.empty(block, np.float32)
    for i in range(n):
        for a in range(0, F, block):
            m = min(block, F - a)
            x = buf[:m]
            np.multiply(frames[i, a: a + m], window, out=x)
            kernel(scipy.fft.rfft(x, axis=-1, workers=workers), *bands,
                   power[: n_bins * m].reshape(n_bins, m), acc, mel[i, a: a + m])
    np.maximum(mel, 1e-10, out=mel)
    np.log10(mel, out=mel)
    mel *= 10.0
    np.maximum(mel, mel.max(axis=(1, 2), keepdims=True) - 80.0, out=mel)
    return np.ascontiguousarray(scipy.fft.dct(mel, axis=-1, norm="ortho", workers=workers,
                                              overwrite_x=True)[..., :n_mfcc])  # not a view


def floor(dataset_path, mode):
    """``mode="threads"``: one file per thread on every core; ``"fft-workers"``: one file at a
    time, every FFT and DCT split over all cores by ``scipy.fft``'s ``workers``."""
    from concurrent.futures import ThreadPoolExecutor

    bands, window = _floor_setup()
    paths = [p for p, _ in _labelled_tracks(dataset_path)]
    cores = os.cpu_count() or 1
    if mode == "threads":
        with ThreadPoolExecutor(cores) as ex:
            return list(ex.map(lambda p: _floor_file(p, bands, window), paths))
    return [_floor_file(p, bands, window, workers=cores, block=126) for p in paths]


# ------------------------------------------------------------------------------------------
# one approach, in a fresh process
# ------------------------------------------------------------------------------------------
def _status(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def _start_dask(p, warm_file, scheduler=None, default_nanny_env=False):
    """A client for the Dask approach and what it took to get it: a ``LocalCluster`` of one
    single-threaded worker process per core started under ``ds.dask_worker_config()`` (or under
    Dask's default nanny environment, ``default_nanny_env``), or a connection to the cluster at
    ``scheduler``; then every worker computes one file, so imports, numba and the mel filterbank
    are warm before the timing starts (as this process warms up before its own timing)."""
    import logging

    import dask
    from dask.distributed import Client, LocalCluster

    from helpers import dataset as ds

    t0 = time.perf_counter()
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        with dask.config.set({} if default_nanny_env else ds.dask_worker_config()):
            cluster = LocalCluster(n_workers=os.cpu_count(), threads_per_worker=1,
                                   processes=True, dashboard_address=None,
                                   silence_logs=logging.ERROR)
        client = Client(cluster)
    client.run(ds.extract_file, str(warm_file), p)
    cores = sum(client.nthreads().values())
    return client, cluster, dict(cluster_start_s=time.perf_counter() - t0, worker_cores=cores)


def child(approach: str, root: Path, out: Path, warm: Path, scheduler=None) -> dict:
    from threadpoolctl import threadpool_limits

    from helpers import dataset as ds

    p = _params()
    kw = dict(out_dir=out, name=approach, progress=False, summary=False)
    # warm-up (imports, numba JIT, file cache) on a separate small folder: not measured
    if approach.startswith("original"):
        original_save_mfcc(warm, out / "warm.json")
    elif approach.startswith("librosa"):
        competent(warm, out / "warm.npz", whole_track=approach.startswith("librosa-track"))
    elif approach.startswith("floor"):
        floor(warm, "threads")
        floor(warm, "fft-workers")
    else:  # what build_dataset imports and runs (tqdm, joblib, the features), not loky's start
        ds.extract_files(sorted(warm.rglob("*.wav")), p, progress=False,
                         n_jobs=-1 if approach == "threads" else 1)
    cluster = client = None
    extra = {}
    if approach.startswith("dask"):
        client, cluster, extra = _start_dask(p, next(warm.rglob("*.wav")), scheduler,
                                             default_nanny_env=approach == "dask-default-env")
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # peak RSS := current RSS
    except OSError:
        pass
    before = _status("VmRSS")
    load = os.getloadavg()
    workers_cpu0 = client.run(time.process_time) if client is not None else {}
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    if approach == "original":
        original_save_mfcc(root, out / "original.json")
    elif approach == "original-load-once":
        original_save_mfcc(root, out / "original.json", load_per_segment=False)
    elif approach == "original-1blas":
        with threadpool_limits(limits=1):
            original_save_mfcc(root, out / "original.json")
    elif approach.startswith("librosa"):
        competent(root, out / f"{approach}.npz", whole_track=approach.startswith("librosa-track"),
                  one_blas=not approach.endswith("default-blas"),
                  prefer="processes" if approach.endswith("processes") else "threads")
    elif approach == "floor":  # the faster of the two ways to use the cores
        modes, cpu = {}, {}
        for mode in ("threads", "fft-workers"):
            t1, c1 = time.perf_counter(), time.process_time()
            floor(root, mode)
            modes[mode], cpu[mode] = time.perf_counter() - t1, time.process_time() - c1
        extra["floor_modes_s"] = modes
        extra["floor_modes_cpu_s"] = cpu
    elif approach in ("threads", "processes"):
        ds.build_dataset(root, p, n_jobs=-1, prefer=approach, **kw)
    elif approach.startswith("dask"):
        ds.build_dataset(root, p, backend="dask", scheduler=client, **kw)
    else:
        raise ValueError(approach)
    seconds = time.perf_counter() - t0
    # CPU time of this process (all its threads) and of the Dask workers: files per CPU-second
    # are what a shared machine cannot take away (loky's workers are not counted: None)
    cpu_s = time.process_time() - cpu0
    if client is not None:
        workers_cpu1 = client.run(time.process_time)
        cpu_s += sum(workers_cpu1[w] - workers_cpu0[w] for w in workers_cpu1)
    if approach == "floor":
        fastest = min(extra["floor_modes_s"], key=extra["floor_modes_s"].get)
        seconds = extra["floor_modes_s"][fastest]
        cpu_s = extra["floor_modes_cpu_s"][fastest]
    extra["cpu_s"] = None if approach.endswith("processes") else cpu_s
    peak = _status("VmHWM")
    if client is not None:
        extra["worker_peak"] = max(client.run(_status, "VmHWM").values())
        client.close()
        if cluster is not None:
            cluster.close()
    result = dict(approach=approach, seconds=seconds, peak=peak, before=before,
                  load=load[0], **extra)
    if approach.startswith("original"):
        result["output_mb"] = (out / "original.json").stat().st_size / 1e6
    elif approach.startswith("librosa"):
        result["output_mb"] = (out / f"{approach}.npz").stat().st_size / 1e6
    elif approach == "floor":
        result["output_mb"] = 0.0
    else:
        f = out / f"{approach}.npz"
        result["output_mb"] = f.stat().st_size / 1e6
        result["sha256"] = hashlib.sha256(f.read_bytes()).hexdigest()
        counts = ds.load_dataset(f)["counts"]
        result["segments"] = int(sum(counts[f"segments_{s}"] for s in ds.SPLITS))
        result["duplicate_groups"] = counts.get("duplicate_groups", 0)
    return result


def run(approach: str, root: Path, out: Path, warm: Path, scheduler=None) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, __file__, "--child", approach, "--root", str(root), "--out", str(out),
           "--warm", str(warm)]
    if scheduler:
        cmd += ["--scheduler", scheduler]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"{approach} failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------------------------
def _versions() -> str:
    import importlib.metadata as md

    parts = [f"Python {sys.version.split()[0]}"]
    for name in ("numpy", "scipy", "librosa", "soundfile", "joblib", "dask", "distributed"):
        try:
            parts.append(f"{name} {md.version(name)}")
        except md.PackageNotFoundError:
            pass
    return ", ".join(parts)


def _loadavg() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


LABELS = {
    "original": "original script (per-segment load + mfcc, JSON)",
    "original-load-once": "original, load once then slice (variant)",
    "original-1blas": "original, one BLAS thread (variant)",
    "librosa-slices": "librosa: load once, mfcc per 3 s slice, threads",
    "librosa-track": "librosa: load once, 1 mfcc/track, cut, threads",
    "librosa-slices-default-blas": "librosa per slice, default BLAS threads (variant)",
    "librosa-track-default-blas": "librosa per track, default BLAS threads (variant)",
    "librosa-track-processes": "librosa per track, joblib processes (variant)",
    "floor": "floor: decode+rFFT+mel+log+DCT, no bookkeeping",
    "threads": "ours: build_dataset, joblib threads",
    "processes": "ours: joblib processes (incl. start-up)",
    "dask": "ours: Dask, worker processes",
    "dask-default-env": "ours: Dask, Dask's default nanny env (variant)",
}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tracks", type=int, default=36, help="number of 30 s tracks (default 36)")
    ap.add_argument("--repeats", type=int, default=3, help="runs per approach; best counts")
    ap.add_argument("--no-dask", action="store_true", help="skip the Dask run")
    ap.add_argument("--scheduler", metavar="ADDRESS",
                    help="time the Dask path on the running cluster at ADDRESS (e.g. "
                         "tcp://10.0.0.5:8786) instead of a LocalCluster; its workers must see "
                         "--workdir at the same path")
    ap.add_argument("--workdir", metavar="DIR",
                    help="where the temporary tracks and outputs go (default: the system's "
                         "temporary folder; shared storage for --scheduler)")
    ap.add_argument("--variants", action="store_true",
                    help="also time the original's load-once and one-BLAS-thread forms, and "
                         "Dask with its default nanny environment (MALLOC_TRIM_THRESHOLD_)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--root", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--warm", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, Path(args.root), Path(args.out), Path(args.warm),
                               scheduler=args.scheduler)))
        return 0
    if args.tracks < 12:
        ap.error("--tracks must be >= 12 (3 classes x at least 4 files, so that 15 % of each "
                 "class rounds to at least one validation and one test file)")
    try:
        import dask  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        args.no_dask = True
        print('(Dask is not installed: pip install "audio-dl-course[dask]" to time it too)')

    cores = os.cpu_count() or 1
    print(f"{_versions()}; {cores} CPU cores; load average {_loadavg()} (1/5/15 min) at the start")
    dask_runs = [] if args.no_dask else ["dask", *(["dask-default-env"] if args.variants
                                                   and not args.scheduler else [])]
    approaches = ["original", *(["original-load-once", "original-1blas"] if args.variants
                                else []), "librosa-slices", "librosa-track",
                  *(["librosa-slices-default-blas", "librosa-track-default-blas",
                     "librosa-track-processes"] if args.variants else []), "floor",
                  "threads", "processes", *dask_runs]
    if args.workdir:
        Path(args.workdir).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="extract-bench-", dir=args.workdir) as tmp:
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
                runs[a].append(run(a, tmp / "tracks", tmp / "out", warm,
                                   scheduler=args.scheduler if a == "dask" else None))
        small_run = run("threads", small, tmp / "out-small", warm)
        best = {a: min(rs, key=lambda r: r["seconds"]) for a, rs in runs.items()}
        peak = {a: max(r["peak"] for r in rs) for a, rs in runs.items()}
        base = {a: min(r["before"] for r in rs) for a, rs in runs.items()}
        print("all runs (s):", {a: [round(r["seconds"], 2) for r in rs] for a, rs in runs.items()})
        print("1-min load average at the start of each run:",
              {a: [round(r["load"], 2) for r in rs] for a, rs in runs.items()})

    MB = 2**20
    rate = {a: n / best[a]["seconds"] for a in approaches}
    competent_best = max((a for a in approaches if a.startswith("librosa")), key=rate.get)
    ref = {"original": rate["original"], "competent": rate[competent_best],
           "floor": rate["floor"]}
    cpu = {a: min((r["cpu_s"] for r in runs[a] if r.get("cpu_s") is not None), default=None)
           for a in approaches}
    print(f"{'approach':<48} {'seconds':>8} {'files/s':>8} {'/core':>6} {'x orig':>7} "
          f"{'x libr.':>7} {'x floor':>7} {'peak RSS':>9} {'output':>8} {'CPU ms/file':>11}")
    for a in approaches:
        r = best[a]
        per_core = rate[a] / (r.get("worker_cores") or cores)
        label = LABELS[a]
        if a == "floor":
            label += f" ({min(r['floor_modes_s'], key=r['floor_modes_s'].get)})"
        print(f"{label:<48} {r['seconds']:8.2f} {rate[a]:8.1f} {per_core:6.1f} "
              f"{rate[a] / ref['original']:6.1f}x {rate[a] / ref['competent']:6.2f}x "
              f"{rate[a] / ref['floor']:6.2f}x {peak[a] / MB:6.0f} MB {r['output_mb']:5.1f} MB "
              f"{'n/a' if cpu[a] is None else f'{cpu[a] / n * 1e3:.1f}':>11}")
    print(f"(x libr. = against the fastest librosa form, {LABELS[competent_best]!r}; /core = "
          f"files/s per core: {cores} for this machine's runs, the workers' cores for Dask)")
    print(f"floor modes (s): {best['floor']['floor_modes_s']}")

    ok = True
    ours = rate["threads"]
    x_comp = ours / ref["competent"]
    x_floor = ref["floor"] / ours
    # a run the machine's other work slowed (or spared) distorts wall-time ratios; CPU time
    # per file is what it does not stretch much, so a target counts as met only by both
    comp_cpu = min((a for a in approaches if a.startswith("librosa") and cpu[a] is not None),
                   key=cpu.get)
    x_comp_cpu = cpu[comp_cpu] / cpu["threads"]
    x_floor_cpu = cpu["threads"] / cpu["floor"]
    met_comp = x_comp >= 3 and x_comp_cpu >= 3
    met_floor = x_floor <= 1.5 and x_floor_cpu <= 1.5
    ok &= met_comp and met_floor
    print(f"ours (threads) {ours:.1f} files/s = {x_comp:.2f}x the best librosa form "
          f"({ref['competent']:.1f} files/s), by CPU time {x_comp_cpu:.2f}x (target >= 3x, "
          f"both): {'met' if met_comp else 'NOT met'}")
    print(f"floor {ref['floor']:.1f} files/s = {x_floor:.2f}x ours, by CPU time ours at "
          f"{x_floor_cpu:.2f}x the floor (target: ours within 1.5x of the floor, both): "
          f"{'met' if met_floor else 'NOT met'}")
    loads = [r["load"] for rs in runs.values() for r in rs]
    if max(loads) > cores:
        print(f"WARNING: the machine was shared (1-min load average {min(loads):.1f} to "
              f"{max(loads):.1f} at the starts of the runs, {cores} cores): wall-time ratios "
              "are unreliable; the CPU-time ratios are the better guide. Run again at a quiet "
              "time.")
    print(f"ours vs the original script: {ours / ref['original']:.1f}x (issue 13: >= 10x)")
    for a in dask_runs:
        r = best[a]
        w = r["worker_cores"]
        per_core = rate[a] / w
        with_start = n / (r["seconds"] + r["cluster_start_s"]) / w
        thr_core = ours / cores
        where = f"cluster at {args.scheduler}" if a == "dask" and args.scheduler else \
            f"LocalCluster, {w} worker processes x 1 thread"
        met = per_core >= 0.8 * thr_core
        if a == "dask":
            ok &= met
        print(f"{LABELS[a]} ({where}): {per_core:.1f} files/s per worker core = "
              f"{per_core / thr_core:.2f}x the threads' {thr_core:.1f} per core (target >= 0.8x: "
              f"{'met' if met else 'NOT met'}); including start-up {r['cluster_start_s']:.1f} s "
              f"(cluster, client, one file per worker): {with_start:.1f} files/s per core = "
              f"{with_start / thr_core:.2f}x")
    ms = {a: (None if cpu[a] is None else cpu[a] / n * 1e3) for a in approaches}
    print(f"by CPU time (CPU-seconds of this process, plus the workers' for Dask, lowest of the "
          f"repeats; a shared machine stretches wall time, much less CPU time): ours "
          f"{ms['threads']:.1f} ms per file, the best librosa form {ms[comp_cpu]:.1f} "
          f"({LABELS[comp_cpu]!r}) = {ms[comp_cpu] / ms['threads']:.2f}x, the floor "
          f"{ms['floor']:.1f} = ours at {ms['threads'] / ms['floor']:.2f}x the floor"
          + "".join(f"; {LABELS[a]} {ms[a]:.1f} = {ms['threads'] / ms[a]:.2f}x the threads' "
                    "files per CPU-second" for a in dask_runs))
    if "dask" in dask_runs:
        r = best["dask"]
        per_core = rate["dask"] / r["worker_cores"]
        N, cores_big = 100_000, 64
        print(f"100,000 tracks at the Dask rate measured here ({per_core:.1f} files/s per worker "
              f"core): {N / per_core / 3600:.2f} core-hours, {N / per_core / cores_big / 60:.1f} "
              f"min on {cores_big} worker cores plus start-up; memory: {r['worker_peak'] / MB:.0f} "
              f"MB peak per single-threaded worker process, {peak['dask'] / MB:.0f} MB in this "
              f"process (flat, see below); output .npz "
              f"{r['output_mb'] * N / n / 1000:.2f} GB (and as much again, temporarily, next to it"
              f"); {N * 1.323 / 1000:.0f} GB of 16-bit WAV read by the workers")
    grow = (peak["threads"] - small_run["peak"]) / MB
    print(f"peak memory, ours (threads): {small_n} tracks {small_run['peak'] / MB:.0f} MB, "
          f"{n} tracks {peak['threads'] / MB:.0f} MB: {grow:+.0f} MB for {n / small_n:.0f}x the "
          f"tracks (target: flat); original at {n} tracks: {peak['original'] / MB:.0f} MB; "
          f"+{(peak['threads'] - base['threads']) / MB:.0f} MB over the imports")
    shas = {a: best[a]["sha256"] for a in approaches if "sha256" in best[a]}
    same = len(set(shas.values())) == 1
    ok &= same
    print(f"byte-identical .npz from {', '.join(shas)}: {same} (sha256 {best['threads']['sha256'][:16]})")
    print(f"segments kept: ours {best['threads']['segments']} (center=False: frames inside the "
          "segment); the original keeps those with ceil(66150/512) frames; groups of duplicate "
          f"tracks found by ours: {best['threads']['duplicate_groups']} (the tracks are all "
          "different)")
    print(f"load average at the end {_loadavg()}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
