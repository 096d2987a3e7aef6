#!/usr/bin/env python3
"""The learner's first audio cell, on a cold and on a warmed numba cache (issue 13 §2).

Runs in fresh subprocesses with a new, empty NUMBA_CACHE_DIR each:
  cold    00_overview's first audio cell (``import helpers; helpers.load("blues")``) as a fresh
          install without the warm-up would run it;
  warm-up ``python -m helpers.warmup`` (what ``make lab``, ``make test`` and Binder's postBuild
          run once), and how many compiled functions it leaves in the cache;
  warm    the same first cell afterwards, and the first mel spectrogram + inverse STFT (the
          other paths that compile on first use).
Prints seconds and the ratio cold / warm; target: first audio cell <= 3 s after the warm-up.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

FIRST_CELL = "import helpers\ny, sr = helpers.load('blues')\n"
LATER = ("import librosa, helpers\ny, sr = helpers.load('blues')\n"
         "import time; t = time.perf_counter()\n"
         "librosa.feature.melspectrogram(y=y, sr=sr); librosa.istft(librosa.stft(y=y))\n"
         "print(time.perf_counter() - t)\n")
TARGET_S = 3.0


def timed(code: str, env: dict) -> tuple[float, str]:
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                         capture_output=True, text=True).stdout
    return time.perf_counter() - start, out.strip()


def main() -> int:
    with tempfile.TemporaryDirectory() as cold_dir, tempfile.TemporaryDirectory() as warm_dir:
        base = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
        cold, _ = timed(FIRST_CELL, dict(base, NUMBA_CACHE_DIR=cold_dir))
        env = dict(base, NUMBA_CACHE_DIR=warm_dir)
        warmup, out = timed("import helpers.warmup as w; print(len(w.warm(verbose=False)))", env)
        warm, _ = timed(FIRST_CELL, env)
        _, later = timed(LATER, env)
        print(f"first audio cell, cold numba cache : {cold:6.1f} s")
        print(f"python -m helpers.warmup (once)    : {warmup:6.1f} s -> {out} compiled "
              "librosa functions cached")
        print(f"first audio cell after the warm-up : {warm:6.1f} s  (target <= {TARGET_S:g} s: "
              f"{'met' if warm <= TARGET_S else 'MISSED'}); {cold / warm:.0f}x faster")
        print(f"first mel spectrogram + ISTFT after: {float(later):6.2f} s")
        return 0 if warm <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
