"""Find the course's audio: clips shipped in ``data/`` and optional larger downloads.

Shipped clips are found relative to this package (never the working directory), so a notebook
works wherever it is opened from. Set the environment variable ``AUDIO_COURSE_DATA`` to use
another copy of the data folder.

Used by: every notebook (``helpers.data.path("blues")``), 00_overview (``verify``),
06_dataset_for_deep_learning (``list_clips(kind="labelled")``).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import os
import warnings
from pathlib import Path

__all__ = [
    "DownloadFallbackWarning",
    "data_dir",
    "fetch",
    "labelled_dir",
    "shipped_data_dir",
    "list_clips",
    "manifest",
    "path",
    "verify",
    "ALIASES",
    "DOWNLOADS",
]

#: Short names for the clips the notebooks use most.
ALIASES = {
    "blues": "music/blues_shuffle.wav",
    "music": "music/blues_shuffle.wav",
    "speech": "speech/sentence_en.wav",
    "digits": "speech/digits_en.wav",
    "tone": "synthetic/tone_440hz.wav",
    "chord": "synthetic/chord_c_major.wav",
    "chirp": "synthetic/chirp_100_8000hz.wav",
    "clicks": "synthetic/clicks_4hz.wav",
    "stereo": "synthetic/stereo_pan_330hz.wav",
}

#: Optional downloads (librosa's example recordings, CC-licensed; see each file's .txt on
#: librosa.org). ``fallback`` is the shipped clip used when the download is impossible.
DOWNLOADS = {
    "trumpet": dict(
        url="https://librosa.org/data/audio/sorohanro_-_solo-trumpet-06.ogg",
        sha256="8374466fd3951d24509da6e799b132a0db0bdeda69d99c69d989a6888d3d727d",
        fallback="chirp",
        desc="Mihai Sorohan - trumpet loop (CC BY 3.0)",
    ),
    "libri1": dict(
        url="https://librosa.org/data/audio/5703-47212-0000.ogg",
        sha256="a284612b46af0535f7e1873758c4387bb8369f6dbbe192ffdec1f171108f98dd",
        fallback="speech",
        desc="LibriSpeech 5703-47212-0000, read speech (CC BY 4.0)",
    ),
    "brahms": dict(
        url="https://librosa.org/data/audio/"
        "Hungarian_Dance_number_5_-_Allegro_in_F_sharp_minor_(string_orchestra).ogg",
        sha256="919b48aa4cc66a0357d2cd5728664c5ab8f15c4b3469460df4b59470d35d3e49",
        fallback="blues",
        desc="Brahms - Hungarian Dance No. 5, string orchestra (public domain recording)",
    ),
    "vibeace": dict(
        url="https://librosa.org/data/audio/Kevin_MacLeod_-_Vibe_Ace.ogg",
        sha256="6c23aed3dd5aa57f2b1652ecab68d15d9b82ad257f54e639eb2880ca09bc118a",
        fallback="blues",
        desc="Kevin MacLeod - Vibe Ace (CC BY 3.0)",
    ),
}

class DownloadFallbackWarning(UserWarning):
    """A download was impossible (offline?) and a shipped clip is used instead."""


def shipped_data_dir() -> Path:
    """The ``data/`` folder next to the installed package (the one ``data_dir`` falls back to
    when ``AUDIO_COURSE_DATA`` is not set); it may not exist in a wheel without the data."""
    return Path(__file__).resolve().parent.parent / "data"


def data_dir() -> Path:
    """The folder holding the shipped clips and ``MANIFEST.csv``."""
    env = os.environ.get("AUDIO_COURSE_DATA")
    candidates = [Path(env)] if env else []
    candidates.append(shipped_data_dir())
    for cand in candidates:
        if (cand / "MANIFEST.csv").is_file():
            return cand
    raise FileNotFoundError(
        "Cannot find the course's data folder (looked in: "
        + ", ".join(str(c) for c in candidates)
        + "). Install the course from a clone with `pip install -e .` (or `make lab`), "
        "or set AUDIO_COURSE_DATA to the folder that contains MANIFEST.csv."
    )


@functools.lru_cache(maxsize=4)
def _read_manifest(folder: str) -> tuple[dict, ...]:
    rows = []
    with open(Path(folder) / "MANIFEST.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            row["sample_rate"] = int(row["sample_rate"])
            row["duration_s"] = float(row["duration_s"])
            row["channels"] = int(row["channels"])
            row["frames"] = int(row["frames"])
            rows.append(row)
    return tuple(rows)


def manifest() -> list[dict]:
    """The rows of ``data/MANIFEST.csv`` (file, label, kind, licence, sha256, sr, duration...)."""
    return [dict(r) for r in _read_manifest(str(data_dir()))]


def path(name: str) -> Path:
    """Absolute path of a shipped clip, by short name (``"blues"``) or manifest path.

    >>> path("tone").name
    'tone_440hz.wav'
    """
    if not isinstance(name, (str, os.PathLike)):
        raise TypeError(f"clip name must be a string such as 'blues', got {type(name).__name__}.")
    name = os.fspath(name)
    rel = ALIASES.get(name, name)
    folder = data_dir()
    known = {r["file"] for r in manifest()}
    if rel in known:
        return folder / rel
    matches = sorted(f for f in known if Path(f).name == rel or Path(f).stem == rel)
    if len(matches) == 1:
        return folder / matches[0]
    raise FileNotFoundError(
        f"No shipped clip called {name!r}. Short names: {', '.join(sorted(ALIASES))}; "
        "or a path from data/MANIFEST.csv such as 'instruments/piano/piano_00.flac' "
        "(helpers.data.list_clips() lists them all). For your own file pass its path to "
        "helpers.load()."
    )


def list_clips(kind: str | None = None, label: str | None = None) -> list[Path]:
    """Paths of shipped clips, optionally only one ``kind`` (music, speech, synthetic,
    labelled) or one ``label`` of the labelled set."""
    rows = manifest()
    kinds = sorted({r["kind"] for r in rows})
    if kind is not None and kind not in kinds:
        raise ValueError(f"unknown kind {kind!r}; choose one of {kinds}.")
    return [
        data_dir() / r["file"]
        for r in rows
        if (kind is None or r["kind"] == kind) and (label is None or r["label"] == label)
    ]


def labelled_dir() -> Path:
    """Root of the labelled set (``label/clip.flac`` layout) used by notebook 06."""
    return data_dir() / "instruments"


def sha256_of(file: Path) -> str:
    h = hashlib.sha256()
    with open(file, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def verify() -> list[str]:
    """Check every shipped file against the manifest; return a list of problems (empty = ok)."""
    import soundfile as sf

    problems = []
    folder = data_dir()
    for row in manifest():
        f = folder / row["file"]
        if not f.is_file():
            problems.append(f"{row['file']}: missing")
            continue
        if sha256_of(f) != row["sha256"]:
            problems.append(f"{row['file']}: sha256 differs from the manifest (file changed?)")
        try:
            info = sf.info(f)
        except Exception as exc:  # noqa: BLE001 - report any decoding problem as a finding
            problems.append(f"{row['file']}: cannot be read as audio ({exc})")
            continue
        if info.samplerate != row["sample_rate"]:
            problems.append(f"{row['file']}: sample rate {info.samplerate} != {row['sample_rate']}")
        if info.channels != row["channels"]:
            problems.append(f"{row['file']}: {info.channels} channels != {row['channels']}")
        duration = info.frames / info.samplerate
        if abs(duration - row["duration_s"]) > 1e-3:
            problems.append(f"{row['file']}: duration {duration:.4f} s != {row['duration_s']} s")
    from .formats import AUDIO_SUFFIXES

    listed = {row["file"] for row in manifest()}
    for f in folder.rglob("*"):
        if f.suffix.lower().strip() in AUDIO_SUFFIXES \
                and f.relative_to(folder).as_posix() not in listed:
            problems.append(f"{f.relative_to(folder).as_posix()}: audio file not in MANIFEST.csv")
    return problems


def cache_dir() -> Path:
    """Where optional downloads go (outside the repository and outside data/)."""
    import pooch

    env = os.environ.get("AUDIO_COURSE_CACHE")
    return Path(env) if env else Path(pooch.os_cache("audio-dl-course"))


def fetch(name: str, *, fallback: bool = True, timeout: float = 10.0) -> Path:
    """Download an optional larger example (checked by sha256) and return its local path.

    Offline, or when the server is unreachable, this warns with ``DownloadFallbackWarning`` and
    returns the shipped clip named in ``DOWNLOADS[name]["fallback"]`` (pass ``fallback=False`` to
    get the error instead). A file whose sha256 does not match is never returned.
    """
    import pooch

    if name not in DOWNLOADS:
        raise ValueError(f"unknown download {name!r}; available: {', '.join(sorted(DOWNLOADS))}.")
    spec = DOWNLOADS[name]
    try:
        local = pooch.retrieve(
            url=spec["url"],
            known_hash=f"sha256:{spec['sha256']}",
            fname=Path(spec["url"]).name,
            path=cache_dir(),
            progressbar=False,
            downloader=pooch.HTTPDownloader(timeout=timeout, progressbar=False),
        )
        return Path(local)
    except Exception as exc:  # noqa: BLE001 - network errors come in many types
        if not fallback:
            raise ConnectionError(
                f"Could not download {name!r} from {spec['url']} ({type(exc).__name__}: {exc}). "
                "Are you offline? Use a shipped clip instead, e.g. helpers.data.path('blues')."
            ) from exc
        shipped = path(spec["fallback"])
        warnings.warn(
            f"Could not download {name!r} ({type(exc).__name__}); using the shipped clip "
            f"{shipped.name!r} instead. Everything in the course works offline with shipped clips.",
            DownloadFallbackWarning,
            stacklevel=2,
        )
        return shipped
