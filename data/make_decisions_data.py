#!/usr/bin/env python3
"""Re-create ``data/families/`` (notebook 08) and its rows of ``data/MANIFEST.csv``.

Learners never need to run this: the rendered audio is committed. It needs what
``data/make_data.py`` needs (``fluidsynth`` + ``fluid-soundfont-gm``; numpy, scipy, soundfile)
and reuses its MIDI writer and renderer.

    sudo apt-get install fluidsynth fluid-soundfont-gm
    python data/make_decisions_data.py     # writes data/families/ and its MANIFEST rows
    python data/make_decisions_data.py --manifest  # only re-hashes data/families/ (after a merge)

Run it after ``python data/make_data.py`` (which rewrites the whole manifest from its own list).

The set: four instrument families (the labels), each played by six General MIDI instruments
(the groups), three takes per instrument. A take is a random melody in one register that all
families share (so pitch says nothing about the family) and a random tempo, "recorded" in its
own room: a random reverberation tail, a random low-pass tilt, a random level and a faint noise
floor. Segments of one take therefore share a melody, a room and a level,
which is what makes a split by segment leak. All randomness comes from one fixed seed.
"""

from __future__ import annotations

import csv
import sys
import tempfile
from pathlib import Path

import make_data as md
import numpy as np
import scipy.signal
import soundfile as sf
from scipy.signal import resample_poly

HERE = Path(__file__).resolve().parent
FOLDER = "families"
SR = 16000
SECONDS = 3.0
TAKES = 3
SEED = 808

# family -> six General MIDI programs (0-based), named as the GM list names them
FAMILIES = {
    "keyboard": {0: "acoustic_grand", 2: "electric_grand", 4: "rhodes", 5: "chorused_piano",
                 6: "harpsichord", 7: "clavinet"},
    "guitar": {24: "nylon", 25: "steel", 26: "jazz", 27: "clean", 28: "muted",
               105: "banjo"},
    "brass": {56: "trumpet", 57: "trombone", 58: "tuba", 60: "french_horn", 61: "brass_section",
              62: "synth_brass"},
    "woodwind": {64: "soprano_sax", 65: "alto_sax", 68: "oboe", 71: "clarinet", 73: "flute",
                 74: "recorder"},
}
# ONE register for every family (MIDI 55-74, G3-D5: where all 24 instruments above sound
# sensibly). A family's own note range would let a classifier recognise the family by its
# pitch alone (a "horse", Sturm 2014); with one shared range only the timbre tells them apart.
REGISTER = (55, 74)

SRC = (
    "rendered by data/make_decisions_data.py from MIDI written by the script, with FluidSynth "
    "2.3 and the FluidR3_GM SoundFont (fluid-soundfont-gm 3.1, Frank Wen, MIT licence); room, "
    "tilt, level and noise floor added with numpy/scipy"
)


def melody(rng, program: int, bpm: float) -> list:
    lo, hi = REGISTER
    low = int(rng.integers(lo, hi - 12 + 1))  # the scale's top note is at most hi
    scale = low + np.array([0, 2, 4, 5, 7, 9, 11, 12])
    events = []
    md.program(events, 0, program)
    beats = SECONDS * bpm / 60
    t = 0.0
    while t < beats - 0.25:
        d = float(rng.choice([0.25, 0.5, 0.5, 1.0]))
        md.note(events, 0, t, d * 0.9, int(rng.choice(scale)), int(rng.integers(60, 115)))
        t += d
    return events


def room(y, rng, sr: int) -> tuple[np.ndarray, str]:
    """A take's recording conditions: reverb tail, low-pass tilt, level, noise floor."""
    rt60 = float(rng.uniform(0.1, 0.6))
    n = int(rt60 * sr)
    t = np.arange(n) / sr
    ir = rng.standard_normal(n) * np.exp(-6.9 * t / rt60)
    ir[0] = 1.0 / float(rng.uniform(0.3, 1.0))  # direct sound vs tail
    wet = scipy.signal.fftconvolve(y, ir)[: y.size]
    cutoff = float(rng.uniform(2500, 7500))
    b, a = scipy.signal.butter(2, cutoff, fs=sr)
    wet = scipy.signal.lfilter(b, a, wet)
    level_db = float(rng.uniform(-24, -3))
    wet = md.normalise(wet, 10 ** (level_db / 20))
    snr_db = float(rng.uniform(35, 50))
    rms = np.sqrt(np.mean(wet ** 2))
    wet = wet + rng.standard_normal(wet.size) * rms * 10 ** (-snr_db / 20)
    desc = (f"room: reverb tail {rt60:.2f} s, low-pass {cutoff:.0f} Hz, peak {level_db:.1f} dBFS, "
            f"noise floor {snr_db:.0f} dB below")
    return wet, desc


def make_families(tmp: Path) -> list[dict]:
    rng = np.random.default_rng(SEED)
    rows, meta = [], []
    for family, programs in FAMILIES.items():
        for prog, name in programs.items():
            for take in range(TAKES):
                bpm = float(rng.integers(80, 160))
                events = melody(rng, prog, bpm)
                midi, wav = tmp / "take.mid", tmp / "take.wav"
                md.write_midi(midi, [events], bpm)
                md.render_midi(midi, wav, gain=0.7)
                y = md.to_mono_float(wav)
                y = md.trim_and_fade(y, SECONDS)
                y = resample_poly(y, SR, md.SR)
                y = md.normalise(y, 0.5)
                y, desc = room(y, rng, SR)
                rel = f"{FOLDER}/{family}/{name}_{take}.flac"
                path = HERE / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                sf.write(path, np.clip(y, -1, 1).astype(np.float32), SR, subtype="PCM_16")
                rows.append(dict(file=rel, label=family, kind="grouped",
                                 description=(f"GM program {prog} ({name}), take {take}: random "
                                              f"melody, {bpm:.0f} bpm, {SECONDS} s; {desc}"),
                                 source=SRC, author=md.ME, licence=md.OWN))
                meta.append(dict(file=f"{family}/{name}_{take}.flac", label=family,
                                 instrument=name, program=prog, take=take))
    with open(HERE / FOLDER / "metadata.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(meta[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(meta)
    return rows


def _old_descriptions() -> dict:
    with open(HERE / "MANIFEST.csv", encoding="utf-8") as fh:
        return {r["file"]: r["description"] for r in csv.DictReader(fh)
                if r["file"].startswith(FOLDER + "/")}


def update_manifest(rows: list[dict]) -> None:
    """Replace this set's rows in MANIFEST.csv and keep every other row as it is."""
    with open(HERE / "MANIFEST.csv", encoding="utf-8") as fh:
        old = [r for r in csv.DictReader(fh) if not r["file"].startswith(FOLDER + "/")]
    new = old + [md.describe(r) for r in rows]
    with open(HERE / "MANIFEST.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=md.MANIFEST_FIELDS, lineterminator="\n")
        w.writeheader()
        for row in sorted(new, key=lambda r: r["file"]):
            w.writerow(row)


def main() -> None:
    if "--manifest" in sys.argv[1:]:  # only re-hash the files already there (e.g. after a merge)
        with open(HERE / FOLDER / "metadata.csv", encoding="utf-8") as fh:
            meta = list(csv.DictReader(fh))
        rows = [dict(file=f"{FOLDER}/{m['file']}", label=m["label"], kind="grouped",
                     description=_old_descriptions().get(f"{FOLDER}/{m['file']}", ""),
                     source=SRC, author=md.ME, licence=md.OWN) for m in meta]
    else:
        with tempfile.TemporaryDirectory() as d:
            rows = make_families(Path(d))
    update_manifest(rows)
    total = sum((HERE / r["file"]).stat().st_size for r in rows)
    print(f"wrote {len(rows)} files, {total / 1e6:.2f} MB, and their MANIFEST.csv rows")


if __name__ == "__main__":
    main()
