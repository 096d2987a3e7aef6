#!/usr/bin/env python3
"""Benchmark: time and peak memory of every helper on a long clip, against the targets.

    python benchmarks/long_clip.py [--minutes 10] [--only stft,mfcc] [--list]

A 10-minute 44.1 kHz stereo clip is an ordinary learner input (issue 12). Targets:

* every helper call (``load``, ``stft``, ``features.*``, ``spectral.*``, ``plot.*`` including
  drawing the figure to PNG as the inline backend does, ``dataset.extract_file``) peaks at
  **<= 1 GB** of memory above what the process held before the call;
* every explorer update (the pure view functions ``helpers.explorers.*_view`` at their heaviest
  slider settings, and ``plot.stft_tradeoff``) takes **<= 1 s** and **<= 1 GB**.

Input: a 16-bit WAV written to a temporary folder (nothing goes into data/): the shipped
``blues`` clip resampled to 44,100 Hz and repeated for ``--minutes`` (left channel), the same
shifted by 1.5 s (right channel). Each path runs in a FRESH subprocess: it prepares its inputs
(e.g. loads the clip, computes the spectrogram a view function takes), runs the call once on a
5 s excerpt (so numba compilation and imports are not counted), resets the kernel's peak-RSS
counter (``/proc/self/clear_refs``), runs the call once, and reports the wall time and the peak
resident memory (``VmHWM``) minus the resident memory just before the call. The machine may be
shared: times are wall-clock, memory is exact. ``librosa.feature.mfcc`` and ``librosa.stft``
are measured the same way for reference. Linux only (reads /proc).
"""

from __future__ import annotations

import argparse
import inspect
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

GB = 1024**3
SR = 22050  # helpers.load's default rate: what a learner gets


# ------------------------------------------------------------------------------------------
# inputs (prepared inside each child, not measured)
# ------------------------------------------------------------------------------------------
def make_clip(path: Path, minutes: float) -> Path:
    import librosa
    import soundfile as sf

    import helpers

    y, sr = helpers.load("blues", sr=None)
    y = librosa.resample(y, orig_sr=sr, target_sr=44100)
    n = int(minutes * 60 * 44100)
    reps = -(-n // y.size) + 1
    left = np.tile(y, reps)[:n]
    right = np.tile(y, reps)[int(1.5 * 44100): int(1.5 * 44100) + n]
    with sf.SoundFile(path, "w", samplerate=44100, channels=2, subtype="PCM_16") as fh:
        for i in range(0, n, 1 << 20):  # write in blocks: the stereo array is never built
            fh.write(np.stack([left[i: i + (1 << 20)], right[i: i + (1 << 20)]], axis=1))
    return path


class Inputs:
    """Lazily computed inputs for one child, from the clip or from its first 5 s."""

    def __init__(self, file: str, seconds: float | None):
        self.file, self.seconds, self._cache, self.used = file, seconds, {}, []

    def __getattr__(self, name):
        if name.startswith("_") or name in ("file", "seconds", "used"):
            raise AttributeError(name)
        self.used.append(name)
        if name not in self._cache:
            self._cache[name] = getattr(self, "_make_" + name)()
        return self._cache[name]

    def _make_y(self):
        import helpers

        return helpers.load(self.file, duration=self.seconds)[0]

    def _make_mag(self):  # |STFT| at the db explorer's settings
        import librosa

        return np.abs(librosa.stft(y=self.y, n_fft=2048, hop_length=512))

    def _make_power(self):
        return self.mag**2

    def _make_db(self):
        import librosa

        return librosa.amplitude_to_db(self.mag, ref=np.max)

    def _make_C(self):
        import librosa

        return librosa.feature.mfcc(y=self.y, sr=SR, n_mfcc=13)

    def _make_spec(self):
        from helpers import spectral

        return spectral.spectrum(self.y, SR)


def _png(obj):
    """Render a figure (or the figure of an axes / image) to PNG like the inline backend."""
    import matplotlib.pyplot as plt

    fig = obj if hasattr(obj, "savefig") else getattr(obj, "figure", None)
    if fig is None and isinstance(obj, tuple):
        fig = obj[0]
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=96)
    plt.close(fig)
    return buf.getbuffer().nbytes


def _kw(func, **kw):
    """Only the keyword arguments ``func`` accepts (the view functions' signatures evolve)."""
    params = inspect.signature(func).parameters
    return {k: v for k, v in kw.items() if k in params}


def paths():
    """name -> (kind, function(inputs) -> result). kind: 'helper' (memory target) or 'view'
    (time and memory targets)."""
    import librosa

    import helpers
    from helpers import audio, dataset, explorers, features, plot, spectral, stft

    P = {}
    P["load (22050 Hz mono)"] = ("helper", lambda i: helpers.load(i.file, duration=i.seconds))
    P["load (sr=None, mono=False)"] = ("helper", lambda i: helpers.load(
        i.file, sr=None, mono=False, duration=i.seconds))
    P["audio.resample 22050->16000"] = ("helper", lambda i: audio.resample(
        i.y, orig_sr=SR, target_sr=16000))
    P["play (IPython Audio)"] = ("helper", lambda i: helpers.play(i.y, SR))
    P["stft.frame_signal 2048/512"] = ("helper", lambda i: stft.frame_signal(
        i.y, frame_length=2048, hop_length=512))
    P["stft.stft 2048/512"] = ("helper", lambda i: stft.stft(i.y, sr=SR))
    P["features.power_spectrogram"] = ("helper", lambda i: features.power_spectrogram(i.y, sr=SR))
    P["features.mel_spectrogram"] = ("helper", lambda i: features.mel_spectrogram(i.y, sr=SR))
    P["features.mfcc"] = ("helper", lambda i: features.mfcc(i.y, sr=SR))
    P["features.to_db (|S|, ref max)"] = ("helper", lambda i: features.to_db(i.mag, ref="max"))
    P["features.deltas"] = ("helper", lambda i: features.deltas(i.C))
    P["features.normalise_per_coefficient"] = ("helper", lambda i:
                                               features.normalise_per_coefficient(i.C))
    P["spectral.spectrum (whole clip)"] = ("helper", lambda i: spectral.spectrum(i.y, SR))
    P["spectral.peak_frequencies"] = ("helper", lambda i: spectral.peak_frequencies(*i.spec))
    P["dataset.extract_file (3 s segments)"] = ("helper", lambda i: dataset.extract_file(
        i.file, dataset.FeatureParams(segment_s=3.0, hop_length=512)) if i.seconds is None
        else dataset.features_whole_clip(i.y, dataset.FeatureParams(segment_s=3.0)))
    P["plot.waveform + PNG"] = ("helper", lambda i: _png(plot.waveform(i.y, SR)))
    P["plot.segments (1 s) + PNG"] = ("helper", lambda i: _png(plot.segments(i.y, SR,
                                                                            segment_s=1.0)))
    P["plot.spectrogram (dB) + PNG"] = ("helper", lambda i: _png(plot.spectrogram(
        i.db, sr=SR, hop_length=512, label="Magnitude (dB re max)")))
    P["plot.mfcc + PNG"] = ("helper", lambda i: _png(plot.mfcc(i.C, sr=SR, hop_length=512)))
    P["plot.spectrum + PNG"] = ("helper", lambda i: _png(plot.spectrum(*i.spec)))
    P["plot.stft_frames + PNG"] = ("helper", lambda i: _png(plot.stft_frames(
        i.y, SR, n_fft=2048, hop_length=512, first_frame=100)))
    # the explorers' pure view functions at their heaviest slider settings
    P["explorers.waveform_view (whole clip)"] = ("view", lambda i: explorers.waveform_view(i.y, SR))
    P["explorers.spectrum_view (500 ms)"] = ("view", lambda i: explorers.spectrum_view(
        44100, freq=22000.0, length_ms=500.0))
    P["explorers.stft_view n_fft=8192 hop=128"] = ("view", lambda i: explorers.stft_view(
        i.y, SR, n_fft=8192, hop_length=128))
    P["explorers.stft_view 8192/128 (explorer)"] = ("view", lambda i: explorers.stft_view(
        i.y, SR, n_fft=8192, hop_length=128, **_kw(explorers.stft_view, display_only=True)))
    P["explorers.db_view (|S| 2048/512)"] = ("view", lambda i: explorers.db_view(
        i.mag, ref="max", top_db=None))
    P["explorers.mfcc_view n_mfcc=40 n_mels=128"] = ("view", lambda i: explorers.mfcc_view(
        i.power, SR, n_fft=2048, n_mfcc=40, n_mels=128))
    P["plot.stft_tradeoff (defaults) + PNG"] = ("view", lambda i: _png(plot.stft_tradeoff(
        i.y, SR)))
    # references: the plain library calls
    P["(reference) librosa.stft 2048/512"] = ("ref", lambda i: librosa.stft(y=i.y))
    P["(reference) librosa.feature.mfcc"] = ("ref", lambda i: librosa.feature.mfcc(y=i.y, sr=SR))
    return P


# ------------------------------------------------------------------------------------------
# measurement (child process)
# ------------------------------------------------------------------------------------------
def _status(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


def child(name: str, file: str) -> dict:
    import matplotlib

    matplotlib.use("Agg")
    kind, func = paths()[name]
    warm = Inputs(file, 5.0)
    func(warm)  # warm-up on 5 s: imports, numba, caches; records which inputs the call uses
    inputs = Inputs(file, None)
    for attr in warm.used:  # prepare those inputs for the whole clip before measuring
        getattr(inputs, attr)
    import gc

    gc.collect()
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")  # reset the peak-RSS counter (VmHWM) to the current RSS
    before = _status("VmRSS")
    t0 = time.perf_counter()
    error = None
    try:
        result = func(inputs)
    except Exception as exc:  # noqa: BLE001 - reported as the outcome of this path
        error = f"{type(exc).__name__}: {exc}"
        result = None
    seconds = time.perf_counter() - t0
    peak = _status("VmHWM")
    del result
    return dict(name=name, kind=kind, seconds=seconds, peak=peak - before, rss_before=before,
                error=error)


# ------------------------------------------------------------------------------------------
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--only", default="", help="comma-separated substrings of path names")
    ap.add_argument("--list", action="store_true", help="list the paths and exit")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--file", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.file)))
        return 0
    names = list(paths())
    if args.list:
        print("\n".join(names))
        return 0
    if args.only:
        keys = [k.strip() for k in args.only.split(",") if k.strip()]
        names = [n for n in names if any(k in n for k in keys)]
    import librosa

    print(f"Python {sys.version.split()[0]}, librosa {librosa.__version__}, "
          f"{os.cpu_count()} CPU cores (shared: times are wall-clock)")
    rows, failed = [], 0
    with tempfile.TemporaryDirectory(prefix="long-clip-") as tmp:
        clip = make_clip(Path(tmp) / "long.wav", args.minutes)
        print(f"input: {args.minutes:g} min, 44,100 Hz stereo 16-bit WAV "
              f"({clip.stat().st_size / 1e6:.0f} MB); helpers.load gives "
              f"{int(args.minutes * 60 * SR):,} samples at {SR} Hz")
        print(f"{'path':<42} {'time':>8} {'peak':>9}  target")
        for name in names:
            res = subprocess.run([sys.executable, __file__, "--child", name, "--file", str(clip)],
                                 capture_output=True, text=True)
            if res.returncode != 0:
                print(f"{name:<42} CRASHED: {res.stderr.strip().splitlines()[-1:]}")
                failed += 1
                continue
            r = json.loads(res.stdout.strip().splitlines()[-1])
            rows.append(r)
            target = {"helper": "<= 1 GB", "view": "<= 1 s, <= 1 GB", "ref": "(reference)"}
            ok = r["peak"] <= GB and (r["kind"] != "view" or r["seconds"] <= 1.0)
            verdict = "" if r["kind"] == "ref" else ("ok" if ok else "MISSED")
            if r["error"]:
                verdict = f"raised {r['error'][:90]}"
            failed += r["kind"] != "ref" and not ok
            print(f"{name:<42} {r['seconds']:7.2f}s {r['peak'] / 2**20:7.0f}MB  "
                  f"{target[r['kind']]:<16} {verdict}")
    measured = [r for r in rows if r["kind"] != "ref"]
    print(f"{len(measured) - failed} of {len(measured)} paths within their targets.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
