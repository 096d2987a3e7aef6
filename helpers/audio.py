"""Load audio with validation and clear errors, describe it, and play it inline.

Used by: every notebook (``load``, ``play``); 01_waveform (``info``, ``resample``, ``times``);
06_dataset_for_deep_learning (through ``helpers.dataset``: ``AUDIO_SUFFIXES``, truncation notes).

Decoding is libsndfile's (through ``soundfile``), then ``librosa.to_mono`` and
``librosa.resample``: exactly what ``librosa.load`` does, without its fallback to audioread and
without touching the process-wide warnings filters (so it is safe in threads). A file whose
header declares more audio than the file holds (a truncated download or copy) loads what exists
and warns with ``TruncatedAudioWarning``, giving both numbers.
"""

from __future__ import annotations

import os
import struct
import warnings
from pathlib import Path

import numpy as np

from .validate import check_signal, check_sr

__all__ = ["load", "info", "play", "resample", "times", "TruncatedAudioWarning",
           "AUDIO_SUFFIXES", "UNREADABLE_SUFFIXES"]


class TruncatedAudioWarning(UserWarning):
    """The file's header declares more audio than the file holds (a cut-off download/copy)."""


def _readable_suffixes() -> tuple[str, ...]:
    """File extensions of the formats the installed libsndfile decodes (checked, not assumed)."""
    import soundfile as sf

    by_format = {"WAV": (".wav", ".wave"), "FLAC": (".flac",), "OGG": (".ogg", ".oga"),
                 "MP3": (".mp3",), "AIFF": (".aiff", ".aif", ".aifc"), "AU": (".au", ".snd"),
                 "CAF": (".caf",), "W64": (".w64",), "RF64": (".rf64",)}
    formats = sf.available_formats()
    out = [s for fmt, sfx in by_format.items() if fmt in formats for s in sfx]
    if "OGG" in formats and "OPUS" in sf.available_subtypes("OGG"):
        out.append(".opus")
    return tuple(out)


#: Extensions ``load`` can decode here (libsndfile's formats; ``.opus`` needs libsndfile 1.0.29+).
AUDIO_SUFFIXES = _readable_suffixes()
#: Common audio extensions libsndfile cannot decode: convert them first (e.g. with ffmpeg).
UNREADABLE_SUFFIXES = (".m4a", ".aac", ".mp4", ".wma", ".webm", ".amr", ".ape", ".wv", ".mka",
                       ".alac", ".3gp", ".mid", ".midi")


def _resolve(source) -> Path:
    """A path to a real file: a shipped clip name (``"blues"``) or a file path."""
    if isinstance(source, np.ndarray):
        raise TypeError(
            "load() takes a file path or a shipped clip name, not an array: the array is "
            "already loaded audio."
        )
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(
            f"load() takes a file path or a clip name such as 'blues', got {type(source).__name__}."
        )
    p = Path(os.fspath(source)).expanduser()
    if p.is_dir():
        raise IsADirectoryError(
            f"{str(p)!r} is a folder, not an audio file. Pick one file inside it, e.g. "
            f"{next((str(c) for c in sorted(p.rglob('*.*'))), 'folder/clip.wav')!r}."
        )
    if p.is_file():
        return p
    from . import data

    try:
        return data.path(str(source))
    except FileNotFoundError:
        raise FileNotFoundError(
            f"No such audio file: {str(p)!r} (current folder: {os.getcwd()}), and no shipped "
            "clip of that name. Check the spelling and the folder; short names of shipped "
            f"clips: {', '.join(sorted(data.ALIASES))}; all: helpers.data.list_clips()."
        ) from None


def info(source) -> dict:
    """Facts about a file without decoding it all: sample rate, channels, frames, duration."""
    import soundfile as sf

    p = _resolve(source)
    try:
        i = sf.info(str(p))
    except Exception as exc:  # noqa: BLE001 - libsndfile raises several types
        raise ValueError(
            f"{p.name!r} is not a readable audio file ({exc}). Is it really audio in a format "
            "libsndfile reads (WAV, FLAC, OGG/Opus, MP3, AIFF ...), and complete (not "
            "truncated)? Convert other formats first, e.g. ffmpeg -i in.m4a out.wav."
        ) from exc
    return dict(
        path=p,
        sample_rate=i.samplerate,
        channels=i.channels,
        frames=i.frames,
        duration_s=i.frames / i.samplerate if i.samplerate else 0.0,
        format=i.format,
        subtype=i.subtype,
        declared_frames=_declared_frames(p),
    )


_AU_BYTES = {1: 1, 2: 1, 3: 2, 4: 3, 5: 4, 6: 4, 7: 8, 27: 1}  # AU encoding -> bytes per sample


def _declared_frames(p: Path) -> int | None:
    """Frames the header of a WAV/RF64/W64/AIFF/AU file promises (None: not stated / unknown).

    libsndfile silently shortens such files to what is really there, so this is the only way to
    notice a truncated copy. Sizes that mean "unknown" (0 or 0xFFFFFFFF, written by recorders
    that stream) give None.
    """
    try:
        with open(p, "rb") as fh:
            head = fh.read(12)
            if len(head) < 12:
                return None
            if head[:4] in (b"RIFF", b"RIFX", b"RF64") and head[8:12] == b"WAVE":
                return _wav_declared(fh, big=head[:4] == b"RIFX", rf64=head[:4] == b"RF64")
            if head[:4] == b"riff" and len(head) == 12:
                return _w64_declared(fh)
            if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
                return _aiff_declared(fh)
            if head[:4] == b".snd":
                offset, size, enc, _rate, ch = struct.unpack(">5I", head[4:12] + fh.read(12))
                if size in (0, 0xFFFFFFFF) or enc not in _AU_BYTES or ch < 1:
                    return None
                return size // (_AU_BYTES[enc] * ch)
    except (OSError, struct.error):
        return None
    return None


def _wav_declared(fh, *, big: bool, rf64: bool) -> int | None:
    end = ">" if big else "<"
    block_align, data_size = None, None
    ds64_size = None
    fh.seek(12)
    for _ in range(64):  # a WAV has a handful of chunks; stop on nonsense
        hdr = fh.read(8)
        if len(hdr) < 8:
            break
        cid, size = hdr[:4], struct.unpack(end + "I", hdr[4:])[0]
        if cid == b"ds64":
            ds64 = fh.read(min(size, 28))
            ds64_size = struct.unpack("<Q", ds64[8:16])[0] if len(ds64) >= 16 else None
            fh.seek(size - len(ds64) + (size & 1), 1)
        elif cid == b"fmt ":
            fmt = fh.read(min(size, 16))
            if len(fmt) >= 14:
                block_align = struct.unpack(end + "H", fmt[12:14])[0]
            fh.seek(size - len(fmt) + (size & 1), 1)
        elif cid == b"data":
            data_size = ds64_size if (rf64 and size == 0xFFFFFFFF) else size
            break
        else:
            fh.seek(size + (size & 1), 1)
    if not block_align or data_size in (None, 0, 0xFFFFFFFF):
        return None
    return data_size // block_align


def _w64_declared(fh) -> int | None:
    block_align, data_size = None, None
    fh.seek(40)  # riff GUID (16) + size (8) + wave GUID (16)
    for _ in range(64):
        hdr = fh.read(24)
        if len(hdr) < 24:
            break
        size = struct.unpack("<Q", hdr[16:])[0]  # includes this 24-byte header
        if hdr[:4] == b"fmt ":
            fmt = fh.read(16)
            block_align = struct.unpack("<H", fmt[12:14])[0] if len(fmt) >= 14 else None
            fh.seek(size - 24 - len(fmt), 1)
        elif hdr[:4] == b"data":
            data_size = size - 24
            break
        else:
            fh.seek(size - 24, 1)
        fh.seek((-fh.tell()) % 8, 1)  # W64 chunks are 8-byte aligned
    if not block_align or not data_size:
        return None
    return data_size // block_align


def _aiff_declared(fh) -> int | None:
    fh.seek(12)
    for _ in range(64):
        hdr = fh.read(8)
        if len(hdr) < 8:
            break
        cid, size = hdr[:4], struct.unpack(">I", hdr[4:])[0]
        if cid == b"COMM":
            comm = fh.read(6)
            return struct.unpack(">I", comm[2:6])[0] if len(comm) == 6 else None
        fh.seek(size + (size & 1), 1)
    return None


def load(source, *, sr: int | None = 22050, mono: bool = True, offset: float = 0.0,
         duration: float | None = None, dtype=np.float32) -> tuple[np.ndarray, int]:
    """Load an audio file as floating-point samples in [-1, 1].

    Parameters
    ----------
    source : path or str
        A file path, or the short name of a shipped clip (``"blues"``, ``"speech"``, ``"tone"``).
    sr : int or None
        Resample to this rate (librosa's default 22,050 Hz). ``None`` keeps the file's own rate.
    mono : bool
        ``True`` (default) down-mixes multi-channel audio by **averaging the channels**;
        ``False`` keeps shape ``(channels, samples)`` for multi-channel files (1-D for mono files).
    offset, duration : float, seconds
        Read only part of the file.

    Returns
    -------
    y : np.ndarray, float32
    sr : int, the sample rate of ``y``.

    Raises
    ------
    FileNotFoundError, IsADirectoryError, ValueError (not audio / corrupt / empty / NaN),
    TypeError (wrong argument types).

    Warns
    -----
    TruncatedAudioWarning
        The header declares more frames than the file holds: the numbers are in the message.
    """
    y, sr_out, notes = _load(source, sr=sr, mono=mono, offset=offset, duration=duration,
                             dtype=dtype)
    for note in notes:
        warnings.warn(note, TruncatedAudioWarning, stacklevel=2)
    return y, sr_out


def _load(source, *, sr=22050, mono=True, offset=0.0, duration=None, dtype=np.float32):
    """``load`` without warnings: returns ``(y, sr, notes)``; ``helpers.dataset`` records the
    notes (truncation) in its report instead of warning from worker threads."""
    if sr is not None:
        sr = check_sr(sr)
    if isinstance(offset, bool) or not isinstance(offset, (int, float)) or offset < 0:
        raise ValueError(f"offset must be a number of seconds >= 0, got {offset!r}.")
    if duration is not None and (
        isinstance(duration, bool) or not isinstance(duration, (int, float)) or duration <= 0
    ):
        raise ValueError(f"duration must be a number of seconds > 0 (or None), got {duration!r}.")
    p = _resolve(source)
    if p.stat().st_size == 0:
        raise ValueError(f"{p.name!r} is an empty file (0 bytes): nothing to load.")
    meta = info(p)  # raises a clear ValueError for non-audio/corrupt headers
    if meta["frames"] == 0:
        raise ValueError(f"{p.name!r} contains no samples (0 frames).")
    if offset >= meta["duration_s"]:
        raise ValueError(
            f"offset={offset} s is past the end of {p.name!r} ({meta['duration_s']:.2f} s long)."
        )
    return _decode(p, meta, sr=sr, mono=mono, offset=offset, duration=duration, dtype=dtype)


def _decode(p: Path, meta: dict, *, sr, mono, offset, duration, dtype):
    """Decode with soundfile, check the length, down-mix and resample as ``librosa.load`` does.

    Returns ``(y, sr, notes)``: ``notes`` are messages about the file (truncation) that
    ``load`` turns into warnings and ``helpers.dataset`` records in its report, without any
    process-wide warnings filter (``warnings.catch_warnings`` is not thread-safe).
    """
    import librosa
    import soundfile as sf

    native = meta["sample_rate"]
    start = int(offset * native)  # librosa.load's rounding of offset and duration
    want = -1 if duration is None else int(duration * native)
    fast = meta["subtype"] == "PCM_16" and np.dtype(dtype) in (np.float32, np.float64)
    try:
        with sf.SoundFile(str(p)) as fh:
            if start:
                fh.seek(start)
            if fast:  # 16-bit PCM: read the integers, scale in NumPy (4-5x faster than
                # libsndfile's conversion and bit-identical: int / 32768, a power of two)
                raw = fh.read(frames=want, dtype="int16", always_2d=False).T
                # one pass: int16 -> float, times 2**-15 (exact), no intermediate copy
                y = np.multiply(raw, np.dtype(dtype).type(1 / 32768), dtype=dtype)
                del raw
            else:
                y = fh.read(frames=want, dtype=dtype, always_2d=False).T
    except (sf.LibsndfileError, RuntimeError, EOFError) as exc:
        raise ValueError(
            f"Could not decode {p.name!r}: {exc}. The file may be truncated or corrupt; "
            "re-download or re-export it."
        ) from exc
    notes = []
    found = y.shape[-1] if y.size else 0
    declared = meta["declared_frames"]
    stated = meta["frames"]
    if declared is not None and declared > stated:  # header promises more than the file holds
        notes.append(_truncation_note(p, declared, stated, native))
    else:
        expected = max(0, stated - start) if want < 0 else min(want, max(0, stated - start))
        if found < expected:  # e.g. a cut MP3: its header's frame count is not all there
            notes.append(_truncation_note(p, start + expected, start + found, native))
    if y.size == 0:
        raise ValueError(f"{p.name!r} gave 0 samples (offset/duration outside the file?).")
    if not fast and not np.all(np.isfinite(y)):  # integer PCM is always finite
        raise ValueError(
            f"{p.name!r} contains NaN or infinite samples (a float WAV written from broken "
            "data?). Clean the data before saving, e.g. np.nan_to_num(y)."
        )
    if mono and y.ndim > 1:  # librosa.to_mono would only re-check a 1-D signal
        y = librosa.to_mono(y)
    if sr is not None and sr != native:
        y = librosa.resample(y, orig_sr=native, target_sr=sr, res_type="soxr_hq")
    sr_out = native if sr is None else sr
    return y, int(sr_out), notes  # float, finite, non-empty, (channels, samples): checked above


def _truncation_note(p: Path, declared: int, found: int, sr: int) -> str:
    return (
        f"{p.name!r} is truncated: its header declares {declared} frames ({declared / sr:.3f} s "
        f"at {sr} Hz) but the file holds only {found} ({found / sr:.3f} s). Loading the "
        f"{found / sr:.3f} s that exist; re-download or re-export the file to get all of it."
    )


def resample(y, *, orig_sr: int, target_sr: int, res_type: str = "soxr_hq") -> np.ndarray:
    """Resample a signal (wraps ``librosa.resample``; validates first). Used by 01_waveform."""
    import librosa

    y = check_signal(y, mono=False)
    orig_sr, target_sr = check_sr(orig_sr, name="orig_sr"), check_sr(target_sr, name="target_sr")
    return librosa.resample(y, orig_sr=orig_sr, target_sr=target_sr, res_type=res_type)


def times(y, sr: int) -> np.ndarray:
    """Time in seconds of each sample of ``y`` (the waveform's x axis): ``n / sr``."""
    y = np.asarray(y)
    sr = check_sr(sr)
    return np.arange(y.shape[-1]) / sr


def play(y, sr: int | None = None, *, normalize: bool = True):
    """An inline audio player (``IPython.display.Audio``) for a signal or a file.

    ``normalize=True`` (IPython's default) scales the loudest sample to full scale, so quiet
    signals stay audible; use ``normalize=False`` to hear true relative loudness (values must
    then lie in [-1, 1]).
    """
    from IPython.display import Audio

    if isinstance(y, (str, os.PathLike)):
        y, sr = load(y, sr=sr, mono=False)
    if sr is None:
        raise TypeError("play(y, sr): give the sample rate of the signal, e.g. play(y, sr=22050).")
    sr = check_sr(sr)
    y = check_signal(y, mono=False)
    if not normalize and np.max(np.abs(y)) > 1:
        raise ValueError(
            "with normalize=False the samples must lie in [-1, 1]; scale the signal or use "
            "normalize=True."
        )
    if not np.any(y):
        normalize = False  # IPython cannot normalise silence; play it as it is
    return Audio(data=y, rate=sr, normalize=normalize)
