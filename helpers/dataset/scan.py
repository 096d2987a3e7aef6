"""Find the clips: every file under the root is accounted for (``scan_folder``), the first
folder level below the root is the label (``find_clips``)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..audio import AUDIO_SUFFIXES, UNREADABLE_SUFFIXES
from .params import FeatureParams


def _check_root(root) -> Path:
    if root is None:
        from ..data import labelled_dir

        root = labelled_dir()
    if isinstance(root, (FeatureParams, dict)):
        raise TypeError("root must be a folder path; pass feature settings by keyword: "
                        "build_dataset(params=FeatureParams(...)).")
    if not isinstance(root, (str, os.PathLike)):
        raise TypeError(f"root must be a folder path, got {type(root).__name__}.")
    root = Path(root).expanduser()
    if not root.exists():
        raise FileNotFoundError(
            f"The dataset folder {str(root)!r} does not exist (current folder: {os.getcwd()}). "
            "Expected a layout root/label/clip.wav; the shipped set is "
            "helpers.data.labelled_dir()."
        )
    if not root.is_dir():
        raise NotADirectoryError(f"{str(root)!r} is a file; pass the folder that holds one "
                                 "sub-folder per label.")
    return root


def scan_folder(root=None) -> list[dict]:
    """One entry for EVERY file under ``root`` (sorted by path), saying what the dataset does
    with it. The layout rule:

    * the **first folder level below the root is the label**: ``root/dog/a.wav`` and
      ``root/dog/session2/b.wav`` are both ``dog`` (sub-folders are searched, at any depth);
      a label is the folder name with surrounding spaces removed (``"dog "`` is ``dog``);
    * an **audio file** is one whose extension (case and trailing spaces ignored) is a format
      the loader decodes here (``AUDIO_SUFFIXES``: WAV, FLAC, OGG/Opus, MP3, AIFF, AU, CAF,
      W64, RF64, as the installed libsndfile reports);
    * files directly in the root have no label: skipped, with the reason;
    * hidden files and folders (``.name``, e.g. macOS ``._clip.wav`` metadata,
      ``.ipynb_checkpoints``) are not audio; a hidden folder is one entry;
    * a folder that cannot be read (permission denied) is one ``"skipped"`` entry with the
      reason, not silently left out.

    Each entry: ``file`` (path relative to the root, ``/``-separated), ``path`` (absolute),
    ``label`` (or None), ``status`` (``"audio"`` = a candidate for the dataset, ``"skipped"``,
    ``"not audio"``) and ``reason``.
    """
    root = _check_root(root)
    entries = []
    seen = {os.path.realpath(root)}

    def unreadable(exc: OSError):  # os.walk would skip such a folder silently
        folder = Path(exc.filename or root)
        rel = folder.relative_to(root) if folder != root and folder.is_relative_to(root) \
            else Path(".")
        why = ("permission denied" if isinstance(exc, PermissionError)
               else exc.strerror or type(exc).__name__)
        entries.append(dict(
            file=rel.as_posix() + "/", path=folder,
            label=rel.parts[0].strip() if rel.parts else None, status="skipped",
            reason=f"folder cannot be read ({why}): the files in it are not listed; give "
                   "yourself access (chmod u+rx) or move them elsewhere"))

    for dirpath, dirnames, filenames in os.walk(root, followlinks=True,
                                                onerror=unreadable):  # symlinked folders too
        here = Path(dirpath)
        rel_dir = here.relative_to(root)
        hidden = sorted(d for d in dirnames if d.startswith("."))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for d in list(dirnames):  # a link back up the tree would loop forever
            real = os.path.realpath(here / d)
            if real in seen:
                dirnames.remove(d)
                entries.append(dict(file=(rel_dir / d).as_posix() + "/", path=here / d,
                                    label=None, status="not audio",
                                    reason="link to a folder already scanned, not searched again"))
            seen.add(real)
        for d in hidden:
            n = sum(len(fs) for _, _, fs in os.walk(here / d))
            entries.append(dict(file=(rel_dir / d).as_posix() + "/", path=here / d, label=None,
                                status="not audio",
                                reason=f"hidden folder ({n} file(s)), not searched"))
        for name in filenames:
            f = here / name
            rel = (rel_dir / name).as_posix()
            suffix = Path(name.rstrip()).suffix.lower()
            label = rel_dir.parts[0].strip() if rel_dir.parts else None
            entry = dict(file=rel, path=f, label=label, status="audio", reason="")
            if name.startswith("."):
                entry.update(status="not audio", label=None,
                             reason="hidden file (e.g. macOS '._' metadata), ignored")
            elif suffix in UNREADABLE_SUFFIXES:
                entry.update(status="skipped", reason=(
                    f"{suffix} cannot be decoded here (libsndfile reads "
                    f"{', '.join(AUDIO_SUFFIXES)}); convert it, e.g. "
                    f"ffmpeg -i {name!r} {Path(name.rstrip()).stem + '.wav'!r}"))
            elif suffix not in AUDIO_SUFFIXES:
                entry.update(status="not audio", label=None,
                             reason=f"extension {suffix or '(none)'!r} is not an audio format")
            elif label is None:
                entry.update(status="skipped", reason=(
                    "directly in the root, so it has no label: move it into a label folder "
                    "(root/<label>/clip.wav)"))
            elif name != name.rstrip() or rel_dir.parts[0] != label:
                entry["reason"] = "name has surrounding spaces (used; label " + repr(label) + ")"
            entries.append(entry)
    entries.sort(key=lambda e: e["file"])
    return entries


def find_clips(root=None) -> tuple[list[Path], np.ndarray, list[str]]:
    """Walk a labelled folder ``root/label/...``; return ``files, labels, label_names``.

    ``root`` defaults to the shipped labelled set (``helpers.data.labelled_dir()``). The layout
    rule is ``scan_folder``'s: the first folder level below the root is the label, audio in
    deeper sub-folders belongs to that label. Files are sorted by label, then by path, so the
    result does not depend on the file system's listing order; ``labels[i]`` is the index of
    ``files[i]``'s label in ``label_names``. ``scan_folder(root)`` says what happens to every
    other file (loose in the root, not audio, hidden).
    """
    root = _check_root(root)
    return _clips_from(_check_layout(scan_folder(root), root))


def _check_layout(entries: list[dict], root: Path) -> list[dict]:
    """The candidate audio entries; clear errors when the folder has no usable layout."""
    clips = [e for e in entries if e["status"] == "audio"]
    if not clips:
        loose = [e["file"] for e in entries if e["label"] is None and e["status"] == "skipped"]
        hint = (f" It holds audio files directly ({loose[0]!r}...): move them into one "
                "sub-folder per label." if loose else "")
        raise ValueError(
            f"No audio ({', '.join(AUDIO_SUFFIXES)}) found in label sub-folders of {str(root)!r}."
            f"{hint} Expected root/label/clip.wav."
        )
    labelled = {e["label"] for e in clips}
    empty = sorted(d.name for d in root.iterdir()
                   if d.is_dir() and not d.name.startswith(".") and d.name.strip() not in labelled)
    if empty:
        raise ValueError(
            f"Label folder(s) {empty} in {str(root)!r} hold no audio clips. Add clips or remove "
            "the empty folder(s): a class without examples cannot be learned or split."
        )
    return clips


def _clips_from(clips: list[dict]) -> tuple[list[Path], np.ndarray, list[str]]:
    names = sorted({e["label"] for e in clips})
    ordered = sorted(clips, key=lambda e: (e["label"], e["file"]))
    files = [e["path"] for e in ordered]
    index = {n: i for i, n in enumerate(names)}
    labels = np.array([index[e["label"]] for e in ordered], dtype=np.int64)
    return files, labels, names

