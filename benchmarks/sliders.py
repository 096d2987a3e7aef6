#!/usr/bin/env python3
"""How long one slider move takes: helpers.explorers explorers vs the naive interact + specshow redraw.

    python benchmarks/sliders.py [--repeat N] [--naive-repeat N]
    python benchmarks/sliders.py --long-clip [--minutes 10] [--sr 44100]

For each explorer, on the shipped 30 s clip ("blues", 22050 Hz), all measured in this run:

* naive     - what the usual ``@interact`` cell does on every move: a new pyplot figure,
              recompute from the signal (librosa.stft / feature.mfcc ...), ``specshow`` /
              ``waveshow`` / ``plot``, colourbar, ``tight_layout``, then render it the way the
              inline backend does (``IPython.core.pylabtools.print_figure(fig, "png")``, tight
              bounding box), and close the figure.
* update    - ``explorer.update(**params)``: compute what the parameter changes + update the
              artists in place + render to PNG bytes + put them into the ipywidgets.Image (the
              bytes the notebook receives). For stft_explorer the LRU cache is cleared before each
              move ("cold"); "cached" is moving back to a setting seen before.
* compute   - compute-only: what the figure shows, computed from the signal with no cache and
              no drawing (the STFT / dB / mel + DCT; for waveform and spectrum, the pure view
              function).

Medians over the repeats; the parameter alternates between two settings so every move changes
something.

``--long-clip``: a synthetic clip of ``--minutes`` minutes at ``--sr`` Hz (a tone, noise and a
click every 0.5 s), mono as the explorers take it. For each explorer: creating it and its
costliest moves (e.g. stft n_fft=8192 with hop n_fft/64 = 128, every window), then
``helpers.plot.stft_tradeoff`` with its defaults: wall time and the peak of memory allocated
during the call (``tracemalloc``, which sees every NumPy array). Targets (issue 12): every move
<= 1 s, every call <= 1 GB, stft_tradeoff a few seconds. Targets (issue 5): naive / update >= 8, update / compute <= 3. For the waveform and
spectrum explorers the compute is well under 2 ms, so their update time is the cost of drawing
and encoding a 900x320 PNG; the benchmark prints that case as "render-bound".
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("MPLBACKEND", "Agg")

import librosa  # noqa: E402
import librosa.display  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from IPython.core.pylabtools import print_figure  # noqa: E402

import helpers  # noqa: E402

try:  # noqa: SIM105
    from helpers import explorers as w  # noqa: E402
except ImportError:  # an earlier release (e.g. --cpu --baseline): the explorers were helpers.widgets
    from helpers import widgets as w  # noqa: E402


def median_ms(fn, settings, repeat, before=None):
    times = []
    for i in range(repeat):
        params = settings[i % len(settings)]
        if before is not None:
            before()
        t0 = time.perf_counter()
        fn(params)
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def inline_png(fig):
    """Render like the inline backend, then close (what interact does on every move)."""
    data = print_figure(fig, "png", bbox_inches="tight")
    plt.close(fig)
    return data


# --- the naive redraws --------------------------------------------------------------------------
def naive_waveform(y, sr, p):
    fig = plt.figure(figsize=(9, 3.2))
    librosa.display.waveshow(y, sr=sr)
    plt.xlim(p["start"], p["start"] + p["length"])
    plt.xlabel("Time (s)")
    plt.tight_layout()
    return inline_png(fig)


def naive_spectrum(sr, p):
    import scipy.signal

    n = int(round(p["length_ms"] * sr / 1000))
    t = np.arange(n) / sr
    x = 0.5 * np.sin(2 * np.pi * p["freq"] * t) * scipy.signal.get_window(p["window"], n)
    mag = np.abs(np.fft.rfft(x))
    fig = plt.figure(figsize=(9, 3.2))
    plt.subplot(1, 2, 1)
    plt.plot(t * 1000, x)
    plt.subplot(1, 2, 2)
    plt.plot(np.fft.rfftfreq(n, 1 / sr), 20 * np.log10(np.maximum(mag, 1e-10) / mag.max()))
    plt.xlim(0, 2500)
    plt.tight_layout()
    return inline_png(fig)


def naive_stft(y, sr, p):
    S = librosa.stft(y=y, n_fft=p["n_fft"], hop_length=p["hop_length"], window=p["window"])
    S_db = librosa.amplitude_to_db(np.abs(S), ref=np.max)
    fig = plt.figure(figsize=(9, 3.2))
    librosa.display.specshow(S_db, sr=sr, hop_length=p["hop_length"], n_fft=p["n_fft"],
                             x_axis="time", y_axis="hz")
    plt.colorbar(format="%+2.0f dB")
    plt.tight_layout()
    return inline_png(fig)


def naive_db(y, sr, p):
    S = np.abs(librosa.stft(y=y, n_fft=2048, hop_length=512))
    ref = np.max if p["ref"] == "max" else float(p["ref"])
    S_db = librosa.amplitude_to_db(S, ref=ref, top_db=p["top_db"], amin=p["amin"])
    fig = plt.figure(figsize=(9, 3.2))
    librosa.display.specshow(S_db, sr=sr, hop_length=512, x_axis="time", y_axis="hz")
    plt.colorbar(format="%+2.0f dB")
    plt.tight_layout()
    return inline_png(fig)


def naive_mfcc(y, sr, p):
    mel = librosa.feature.melspectrogram(y=y, sr=sr, n_mels=p["n_mels"])
    mfcc = librosa.feature.mfcc(y=y, sr=sr, n_mfcc=p["n_mfcc"], n_mels=p["n_mels"])
    fig = plt.figure(figsize=(9, 4.4))
    plt.subplot(2, 1, 1)
    librosa.display.specshow(librosa.power_to_db(mel), sr=sr, x_axis="time", y_axis="mel")
    plt.colorbar()
    plt.subplot(2, 1, 2)
    librosa.display.specshow(mfcc, sr=sr, x_axis="time")
    plt.colorbar()
    plt.tight_layout()
    return inline_png(fig)


# --- compute only -------------------------------------------------------------------------------
def compute_db(y, sr, p):
    S = np.abs(librosa.stft(y=y, n_fft=2048, hop_length=512))
    return w.db_view(S, ref=p["ref"], top_db=p["top_db"], amin=p["amin"])


def compute_mfcc(y, sr, p):
    power = np.abs(librosa.stft(y=y, n_fft=2048, hop_length=512)) ** 2
    return w.mfcc_view(power, sr, n_fft=2048, n_mfcc=p["n_mfcc"], n_mels=p["n_mels"])


def long_clip(minutes: float, sr: int) -> int:
    import tracemalloc

    n = int(minutes * 60 * sr)
    rng = np.random.default_rng(0)
    t = np.arange(n, dtype=np.float32) / sr
    y = (0.3 * np.sin(2 * np.pi * 440 * t) + 0.05 * rng.standard_normal(n, dtype=np.float32))
    y[:: sr // 2] += 0.6
    y = y.astype(np.float32)
    del t
    print(f"long clip: {minutes:g} min at {sr} Hz mono ({y.nbytes / 1e6:.0f} MB float32) | "
          f"librosa {librosa.__version__} | {os.cpu_count()} CPUs | load {os.getloadavg()[0]:.1f}")

    def measure(label, fn, limit_s):
        tracemalloc.start()
        t0 = time.perf_counter()
        out = fn()
        dt = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1] / 1e9
        tracemalloc.stop()
        ok = dt <= limit_s and peak <= 1.0
        print(f"  {label:<44} {dt:7.2f} s  peak {peak:6.3f} GB  "
              f"{'OK' if ok else 'MISSES TARGET'} (<= {limit_s:g} s, <= 1 GB)", flush=True)
        return out, ok

    helpers.setup_notebook(quiet=True)
    w.stft_explorer(y[:sr], sr)  # imports, first figure and FFT plans: not part of any row
    ok_all = True
    ex, ok = measure("stft_explorer(y, sr)", lambda: w.stft_explorer(y, sr), 5)
    ok_all &= ok
    ex.cache_size = 0
    for n_fft, hop, window in ((8192, 64, "hann"), (256, 64, "hann"), (8192, 1, "blackman"),
                               (2048, 4, "boxcar"), (1024, 16, "hamming")):
        _, ok = measure(f"  move n_fft={n_fft}, hop_length=n_fft/{hop}, {window}",
                        lambda a=n_fft, b=hop, c=window, e=ex: e.update(n_fft=a, hop_divisor=b,
                                                                        window=c), 1)
        ok_all &= ok
    ex, ok = measure("db_explorer(y, sr)", lambda: w.db_explorer(y, sr), 5)
    ok_all &= ok
    for move in (dict(top_db=40.0), dict(ref="1.0", amin=0.1)):
        _, ok = measure(f"  move {move}", lambda m=move, e=ex: e.update(**m), 1)
        ok_all &= ok
    ex, ok = measure("mfcc_explorer(y, sr)", lambda: w.mfcc_explorer(y, sr), 5)
    ok_all &= ok
    for move in (dict(n_mfcc=20), dict(n_mels=40)):
        _, ok = measure(f"  move {move}", lambda m=move, e=ex: e.update(**m), 1)
        ok_all &= ok
    ex, ok = measure("waveform_explorer(y, sr)", lambda: w.waveform_explorer(y, sr), 5)
    ok_all &= ok
    for move in (dict(start=100.0, length=300.0), dict(start=5.0, length=0.01)):
        _, ok = measure(f"  move {move}", lambda m=move, e=ex: e.update(**m), 1)
        ok_all &= ok
    _, ok = measure("stft_view(y, sr, n_fft=8192, hop_length=128)",
                    lambda: w.stft_view(y, sr, n_fft=8192, hop_length=128), 2)
    ok_all &= ok
    (fig, _), ok = measure("plot.stft_tradeoff(y, sr)", lambda: helpers.plot.stft_tradeoff(y, sr),
                           5)
    ok_all &= ok
    plt.close(fig)
    return 0 if ok_all else 1


#: --cpu: moves to settings not seen before (the hop given in samples, which every release's
#: stft_explorer.update accepts), per explorer
CPU_MOVES = {
    "waveform": [dict(start=0.25 * i, length=30.0 - 0.3 * i) for i in range(1, 17)]
    + [dict(start=1.0 + 0.01 * i, length=0.02 + 0.05 * i) for i in range(16)],
    "spectrum": [dict(freq=440.0 + 7.5 * i, length_ms=50.0 + 3 * i) for i in range(32)],
    "stft": [dict(n_fft=n, hop_length=n // d) for d in (4, 8, 16, 2) for n in
             (256, 512, 1024, 2048, 4096, 8192, 1024, 2048)],
    "db": [dict(top_db=80.0 - 5 * i) for i in range(1, 14)]
    + [dict(amin=a) for a in (1e-4, 1e-3, 1e-2, 0.03, 0.1, 0.3, 1.0)] * 2,
    "mfcc": [dict(n_mfcc=13 + i) for i in range(1, 17)] + [dict(n_mels=128 - 4 * i)
                                                           for i in range(1, 17)],
}


def cpu_table(label: str) -> dict:
    """CPU time of the kernel thread per move (``time.thread_time``: what the move costs the
    machine, much less dependent on other processes than wall time) and PNG bytes per move."""
    y, sr = helpers.load("blues")
    librosa.feature.mfcc(y=y, sr=sr)
    make = {"waveform": lambda: w.waveform_explorer(y, sr),
            "spectrum": lambda: w.spectrum_explorer(sr), "stft": lambda: w.stft_explorer(y, sr),
            "db": lambda: w.db_explorer(y, sr), "mfcc": lambda: w.mfcc_explorer(y, sr)}
    out = {}
    for name, moves in CPU_MOVES.items():
        ex = make[name]()
        if hasattr(ex, "cache_size"):
            ex.cache_size = 0
        cpu, wall, kb = [], [], []
        for m in moves:
            if hasattr(ex, "_cache"):
                ex._cache.clear()  # every move computes (a benchmark may reach into it)
            c0, t0 = time.thread_time(), time.perf_counter()
            ex.update(**m)
            cpu.append(1000 * (time.thread_time() - c0))
            wall.append(1000 * (time.perf_counter() - t0))
            kb.append(ex.timings[-1]["png_bytes"] / 1024)
        cpu.sort()
        out[name] = dict(p50=statistics.median(cpu), p95=cpu[int(0.95 * (len(cpu) - 1))],
                         wall=statistics.median(wall), kb=statistics.median(kb))
        print(f"  {name + ' ' + label:<22} cpu p50 {out[name]['p50']:6.1f}  p95 "
              f"{out[name]['p95']:6.1f} ms | wall p50 {out[name]['wall']:6.1f} ms | "
              f"{out[name]['kb']:4.0f} KB per move | load {os.getloadavg()[0]:.1f}", flush=True)
    return out


def cpu_compare(baseline: str | None) -> int:
    """--cpu: this code's table, then (--baseline REF) the same moves with helpers/ as of REF,
    in a child process, then this code again: both see the same machine load."""
    import json
    import subprocess
    import tempfile
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    print(f"CPU per move, {os.cpu_count()} CPUs, load average {os.getloadavg()}")
    runs = [("[this]", cpu_table("[this]"))]
    if baseline:
        with tempfile.TemporaryDirectory() as tmp:
            archive = subprocess.run(["git", "-C", str(root), "archive", baseline, "helpers"],
                                     check=True, capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
            env = dict(os.environ, PYTHONPATH=tmp,
                       AUDIO_COURSE_DATA=os.environ.get("AUDIO_COURSE_DATA", str(root / "data")))
            code = (f"import sys, json; sys.path.insert(0, {tmp!r}); "
                    f"sys.path.insert(1, {str(root / 'benchmarks')!r}); import sliders; "
                    f"print('JSON' + json.dumps(sliders.cpu_table('[{baseline}]')))")
            res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                                 text=True, cwd=tmp)
            print("".join(ln + "\n" for ln in res.stdout.splitlines()
                          if not ln.startswith("JSON")), end="")
            if res.returncode:
                print(res.stderr[-2000:])
                return 1
            runs.append((f"[{baseline}]", json.loads(res.stdout.split("JSON", 1)[1])))
        runs.append(("[this, again]", cpu_table("[this, again]")))
        print("\nratio baseline / this (CPU p50, p95):")
        base = runs[1][1]
        for name in CPU_MOVES:
            this = min((r[name] for _, r in (runs[0], runs[2])), key=lambda r: r["p50"])
            print(f"  {name:<10} {base[name]['p50'] / this['p50']:4.1f}x  "
                  f"{base[name]['p95'] / this['p95']:4.1f}x")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cpu", action="store_true", help="CPU time and PNG bytes per move")
    ap.add_argument("--baseline", metavar="GIT_REF", help="with --cpu: compare with helpers/ "
                                                          "as of this revision (e.g. main)")
    ap.add_argument("--repeat", type=int, default=15, help="moves per explorer (default 15)")
    ap.add_argument("--naive-repeat", type=int, default=5, help="naive redraws (default 5)")
    ap.add_argument("--long-clip", action="store_true", help="time and memory on a long clip")
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--sr", type=int, default=44100)
    args = ap.parse_args(argv)
    if args.cpu:
        return cpu_compare(args.baseline)
    if args.long_clip:
        import helpers.plot  # noqa: F401

        return long_clip(args.minutes, args.sr)

    helpers.setup_notebook(quiet=True)
    y, sr = helpers.load("blues")
    print(f"clip: blues, {y.size / sr:.1f} s at {sr} Hz | librosa {librosa.__version__} | "
          f"{os.cpu_count()} CPUs | figure {w.FIG_W_PX} px wide PNG")
    # warm up numba / FFT plans so no row pays for the first call
    naive_stft(y, sr, dict(n_fft=2048, hop_length=512, window="hann"))
    librosa.feature.mfcc(y=y, sr=sr)

    cases = [
        ("waveform_explorer", lambda: w.waveform_explorer(y, sr),
         [dict(start=3.0, length=2.0), dict(start=10.0, length=0.05)],
         lambda p: naive_waveform(y, sr, p),
         lambda p: w.waveform_view(y, sr, **p)),
        ("spectrum_explorer", lambda: w.spectrum_explorer(sr),
         [dict(freq=440.0, window="hann", length_ms=50.0),
          dict(freq=1234.5, window="boxcar", length_ms=80.0)],
         lambda p: naive_spectrum(sr, p),
         lambda p: w.spectrum_view(sr, **p)),
        ("stft_explorer", lambda: w.stft_explorer(y, sr),
         [dict(n_fft=1024, hop_length=256, window="hann"),
          dict(n_fft=2048, hop_length=512, window="hamming")],
         lambda p: naive_stft(y, sr, p),
         lambda p: w.stft_view(y, sr, **p)),
        ("db_explorer", lambda: w.db_explorer(y, sr),
         [dict(ref="max", top_db=80.0, amin=1e-5), dict(ref="1.0", top_db=60.0, amin=1e-3)],
         lambda p: naive_db(y, sr, p),
         lambda p: compute_db(y, sr, p)),
        ("mfcc_explorer", lambda: w.mfcc_explorer(y, sr),
         [dict(n_mfcc=13, n_mels=128), dict(n_mfcc=20, n_mels=64)],
         lambda p: naive_mfcc(y, sr, p),
         lambda p: compute_mfcc(y, sr, p)),
    ]
    header = (f"{'explorer':<18} {'naive ms':>9} {'update ms':>10} {'cached':>7} {'compute':>8} "
              f"{'naive/update':>13} {'update/compute':>15}  verdict")
    print(header)
    print("-" * len(header))
    ok_all = True
    for name, make, settings, naive, compute in cases:
        ex = make()
        cache = getattr(ex, "_cache", None)
        t_naive = median_ms(naive, settings, args.naive_repeat)
        t_update = median_ms(lambda p, ex=ex: ex.update(**p), settings, args.repeat,
                             before=cache.clear if cache is not None else None)
        t_cached = median_ms(lambda p, ex=ex: ex.update(**p), settings, args.repeat)
        t_compute = median_ms(compute, settings, args.repeat)
        speedup, overhead = t_naive / t_update, t_update / t_compute
        fast = speedup >= 8
        near = overhead <= 3
        if near:
            verdict = "OK" if fast else "SLOW vs naive"
        elif t_compute < 2.0 and fast:
            verdict = f"OK (render-bound: compute {t_compute:.1f} ms)"
        else:
            verdict = "MISSES TARGET"
        ok_all &= fast and (near or t_compute < 2.0)
        print(f"{name:<18} {t_naive:9.1f} {t_update:10.1f} {t_cached:7.1f} {t_compute:8.1f} "
              f"{speedup:12.1f}x {overhead:14.2f}x  {verdict}")
    print("targets: naive/update >= 8x; update/compute <= 3x "
          "(render-bound rows: compute < 2 ms, the update is the PNG render)")
    return 0 if ok_all else 1


if __name__ == "__main__":
    sys.exit(main())
