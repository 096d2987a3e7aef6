"""Load audio with validation and clear errors, describe it, and play it inline.

Used by: every notebook (``load``, ``play``); 01_waveform (``info``, ``resample``, ``times``);
06_dataset_for_deep_learning (through ``helpers.dataset``: ``AUDIO_SUFFIXES``, truncation notes).

Decoding is libsndfile's (through ``soundfile``), then the channel mean (``librosa.to_mono``'s
numbers) and ``librosa.resample``: exactly what ``librosa.load`` does, without its fallback to audioread and
without touching the process-wide warnings filters (so it is safe in threads). A file whose
header declares more audio than the file holds (a truncated download or copy) loads what exists
and warns with ``TruncatedAudioWarning``, giving both numbers.

Bounded memory: before anything is decoded, ``load`` works out from the header (frames,
channels, sample rate) how much memory the call needs for the requested ``offset``/``duration``
and the resampled result (``load_memory_estimate``), and refuses a call that needs more than
the load budget (``load_budget_bytes()``: 1 GiB by default; ``AUDIO_COURSE_LOAD_BUDGET_MB`` or
``helpers.audio.LOAD_BUDGET_BYTES`` change it), naming ``offset=``/``duration=``. A header whose
sample rate lies outside ``NATIVE_SR_RANGE`` (1 kHz to 768 kHz) is refused as corrupt.
Operating-system problems (permission denied, a file gone while loading, a symlink loop, a
folder or a device given as a file) get their own message instead of "corrupt audio".
"""

from __future__ import annotations

import errno
import functools
import math
import os
import stat
import struct
import warnings
from pathlib import Path

import numpy as np

from .formats import AUDIO_SUFFIXES, UNREADABLE_SUFFIXES
from .validate import check_signal, check_sr

__all__ = ["load", "info", "play", "resample", "times", "TruncatedAudioWarning",
           "OutOfRangeAudioWarning", "AUDIO_SUFFIXES", "UNREADABLE_SUFFIXES", "load_with_notes",
           "NATIVE_SR_RANGE", "DEFAULT_LOAD_BUDGET_BYTES", "LOAD_BUDGET_BYTES",
           "load_budget_bytes", "load_memory_estimate"]


class TruncatedAudioWarning(UserWarning):
    """The file's header declares more audio than the file holds (a cut-off download/copy)."""


class OutOfRangeAudioWarning(UserWarning):
    """A floating-point file holds samples outside [-1, 1] (kept as they are, not clipped)."""


class _Note(str):
    """A message about a file that did not stop it (``load`` warns with ``category``;
    ``helpers.dataset`` records the text in its report)."""

    category = TruncatedAudioWarning

    def __new__(cls, text: str, category=TruncatedAudioWarning):
        note = super().__new__(cls, text)
        note.category = category
        return note


#: Sample rates a file's header may declare, in Hz. Below 1 kHz nothing audible above 500 Hz
#: survives (telephone audio, the lowest rate in common use, is 8 kHz); 768 kHz is the highest
#: rate audio hardware and formats use. A rate outside this range is a corrupt or hand-made
#: header: loading it would resample nonsense (1 Hz -> 22,050 Hz makes 22,050 samples of every
#: byte) or return next to nothing (2,000,000,000 Hz -> 1 sample).
NATIVE_SR_RANGE = (1_000, 768_000)
#: Default load budget: 1 GiB (the float32 samples of ~3 hours of 44.1 kHz stereo audio).
DEFAULT_LOAD_BUDGET_BYTES = 1 << 30
#: Set to a number of bytes to change the budget for this session (``None``: the environment
#: variable ``AUDIO_COURSE_LOAD_BUDGET_MB`` if set, else ``DEFAULT_LOAD_BUDGET_BYTES``).
LOAD_BUDGET_BYTES: int | None = None
_BUDGET_ENV = "AUDIO_COURSE_LOAD_BUDGET_MB"
_CALL_OVERHEAD = 64 * 1024  # header, file handle, small arrays: measured ~2 KB, kept generous


def load_budget_bytes() -> int:
    """The most memory one ``load`` call may need, in bytes: ``helpers.audio.LOAD_BUDGET_BYTES``
    if set, else ``AUDIO_COURSE_LOAD_BUDGET_MB`` (MiB) from the environment, else 1 GiB."""
    if LOAD_BUDGET_BYTES is not None:
        value, where = LOAD_BUDGET_BYTES, "helpers.audio.LOAD_BUDGET_BYTES"
    elif os.environ.get(_BUDGET_ENV, "").strip():
        raw = os.environ[_BUDGET_ENV].strip()
        try:
            value, where = int(float(raw) * (1 << 20)), _BUDGET_ENV
        except ValueError:
            raise ValueError(f"{_BUDGET_ENV}={raw!r} is not a number of MiB; set it to e.g. "
                             "2048 (2 GiB) or unset it for the 1 GiB default.") from None
    else:
        return DEFAULT_LOAD_BUDGET_BYTES
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"{where} must be a number of bytes > 0 (e.g. 2 * 1024**3), got "
                         f"{value!r}; set it to None for the 1 GiB default.")
    return int(value)


def load_memory_estimate(frames: int, channels: int, native_sr: int, *, sr: int | None = 22050,
                         mono: bool = True, dtype=np.float32, subtype: str = "") -> int:
    """Bytes of the arrays ``load`` creates for ``frames`` frames of ``channels`` channels at
    ``native_sr``: decoded samples (plus the 16-bit integers they are scaled from, for 16-bit
    PCM), the down-mix, and the resampled result (counted twice: the resampler's output and the
    copy that trims it to length), plus ``_CALL_OVERHEAD`` bytes for the call's small objects.
    An upper bound of the peak, computed from the header alone.
    """
    item = np.dtype(dtype).itemsize
    decoded = frames * channels * item
    ints = frames * channels * 2 if subtype == "PCM_16" else 0
    finite = frames * channels  # the bool array of the NaN/inf check
    out_ch = 1 if (mono or channels == 1) else channels
    mixed = frames * item if (mono and channels > 1) else 0
    resampled = 0
    if sr is not None and sr != native_sr:
        resampled = 2 * math.ceil(frames * sr / native_sr) * out_ch * item
    return int(decoded + ints + finite + mixed + resampled + _CALL_OVERHEAD)


def _mb(n: int) -> str:
    return f"{n / (1 << 20):,.0f} MB" if n >= 10 << 20 else f"{n / (1 << 20):.1f} MB"




def _resolve(source) -> Path:
    """A path to a real file: a shipped clip name (``"blues"``) or a file path.

    Operating-system problems get their own message, at once: a folder, a device or pipe, a
    symlink loop, a link to nothing, permission denied (checked by opening the file).
    """
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
    try:
        st = p.stat()
    except FileNotFoundError:
        st = None
    except PermissionError:
        raise os_exc(
            PermissionError, errno.EACCES,
            f"{str(p)!r} cannot be reached: permission denied on a folder in its path (the file "
            "itself may be fine). Ask the owner for access (chmod o+x on the folder), or copy "
            "the file somewhere you can read.", str(p)) from None
    except OSError as exc:
        raise _os_error(p, exc) from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(
            f"{str(p)!r} is a folder, not an audio file. Pick one file inside it, e.g. "
            f"{_example_file(p)!r}."
        )
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise ValueError(
            f"{str(p)!r} is not a regular file (a device, pipe or socket): it holds no audio "
            "file to load. Give the path of an audio file, e.g. 'recordings/clip.wav'."
        )
    if st is not None:
        _probe(p)
        return p
    if p.is_symlink():
        raise os_exc(
            FileNotFoundError, errno.ENOENT,
            f"{str(p)!r} is a link to {os.readlink(p)!r}, which does not exist (moved or "
            "deleted?). Point the link at the audio file again, or load the file itself.",
            str(p))
    from . import data

    try:
        return data.path(str(source))
    except FileNotFoundError:
        raise FileNotFoundError(
            f"No such audio file: {str(p)!r} (current folder: {os.getcwd()}), and no shipped "
            "clip of that name. Check the spelling and the folder; short names of shipped "
            f"clips: {', '.join(sorted(data.ALIASES))}; all: helpers.data.list_clips()."
        ) from None


def os_exc(cls, code, message: str, filename: str):
    """An exception of type ``cls`` (PermissionError, FileNotFoundError ...: ``isinstance``
    works) whose text is ``message`` alone, carrying ``errno`` and ``filename`` as an OSError
    does (``OSError(code, msg, name)`` would print ``[Errno 13] msg: 'name'``)."""
    exc = _message_only(cls)(message)
    exc.errno, exc.filename = code, filename
    return exc


@functools.cache
def _message_only(cls):
    def __str__(self):
        return self.args[0] if self.args else ""

    def __reduce__(self):  # picklable (process workers): rebuilt with the same fields
        return os_exc, (cls, self.errno, str(self), self.filename)

    return type(cls.__name__, (cls,), {"__str__": __str__, "__reduce__": __reduce__,
                                       "__module__": "builtins", "__qualname__": cls.__name__})


def _example_file(folder: Path, limit: int = 200) -> str:
    """One audio file in ``folder`` (its first level only, at most ``limit`` entries looked at:
    a folder such as ``/`` must not be walked), else a placeholder."""
    try:
        with os.scandir(folder) as it:
            for i, entry in enumerate(it):
                if i >= limit:
                    break
                if Path(entry.name).suffix.lower() in AUDIO_SUFFIXES and entry.is_file():
                    return str(folder / entry.name)
    except OSError:
        pass
    return str(folder / "clip.wav")


def _probe(p: Path) -> None:
    """Open ``p`` and read one byte: the operating system's own answer to "can I read it?"."""
    try:
        with open(p, "rb") as fh:
            fh.read(1)
    except OSError as exc:
        raise _os_error(p, exc) from None


def _os_error(p: Path, exc: OSError) -> OSError:
    """An operating-system failure on ``p`` as a helper error: what happened, and the fix."""
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        return os_exc(
            PermissionError, errno.EACCES,
            f"{str(p)!r} cannot be read: permission denied (it is not corrupt). Ask the owner "
            "for read access (chmod u+r / o+r), or copy the file somewhere you can read.",
            str(p))
    if isinstance(exc, FileNotFoundError):
        return os_exc(
            FileNotFoundError, errno.ENOENT,
            f"{str(p)!r} was deleted or moved while it was being loaded (its header was read, "
            "then the file was gone). Check that nothing else is cleaning or syncing that "
            "folder, then load it again.", str(p))
    if exc.errno == errno.ELOOP:
        return os_exc(
            OSError, errno.ELOOP,
            f"{str(p)!r} is a symbolic link that leads back to itself (a symlink loop), so it "
            "points at no file. Replace the link with one to the real audio file "
            "(ls -l shows where each link points).", str(p))
    if isinstance(exc, IsADirectoryError):
        return os_exc(
                       IsADirectoryError, errno.EISDIR,
                       f"{str(p)!r} is a folder, not an audio file. Pick one file inside it.",
            str(p))
    return os_exc(
        OSError, exc.errno,
        f"{str(p)!r} cannot be read: {exc.strerror or exc} (an operating-system error, not a "
        "problem of the audio). Check the disk, the network share or the path, then try again.",
        str(p))


def info(source) -> dict:
    """Facts about a file without decoding it all: sample rate, channels, frames, duration."""
    import soundfile as sf

    p = _resolve(source)
    try:
        i = sf.info(str(p))
    except Exception as exc:  # noqa: BLE001 - libsndfile raises several types
        _probe(p)  # an operating-system problem (permission, gone) is not "corrupt audio"
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

    Memory is bounded: before decoding, the memory the call needs is estimated from the header
    (``load_memory_estimate``: the requested ``offset``/``duration`` and the resampled size);
    a call needing more than ``load_budget_bytes()`` (1 GiB unless changed with
    ``helpers.audio.LOAD_BUDGET_BYTES`` or ``AUDIO_COURSE_LOAD_BUDGET_MB``) is refused, naming
    ``offset=``/``duration=``. A header declaring a sample rate outside ``NATIVE_SR_RANGE``
    (1 kHz to 768 kHz) is refused as corrupt.

    Returns
    -------
    y : np.ndarray, float32
    sr : int, the sample rate of ``y``.

    Raises
    ------
    FileNotFoundError (no such file; deleted while loading; a link to nothing),
    IsADirectoryError, PermissionError, OSError (symlink loop, other operating-system errors),
    ValueError (not audio / corrupt / empty / NaN / implausible sample rate / over the memory
    budget), TypeError (wrong argument types).

    Warns
    -----
    TruncatedAudioWarning
        The header declares more frames than the file holds and the requested part reaches
        past what exists: the numbers are in the message.
    OutOfRangeAudioWarning
        A floating-point file holds samples beyond [-1, 1] (e.g. peaks of 2.6): they are
        returned as they are, and the message gives the peak and how to scale.
    """
    y, sr_out, notes = load_with_notes(source, sr=sr, mono=mono, offset=offset, duration=duration,
                             dtype=dtype)
    for note in notes:
        warnings.warn(str(note), getattr(note, "category", TruncatedAudioWarning), stacklevel=2)
    return y, sr_out


def load_with_notes(source, *, sr=22050, mono=True, offset=0.0, duration=None,
                    dtype=np.float32):
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
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise _os_error(p, exc) from None
    if size == 0:
        raise ValueError(f"{p.name!r} is an empty file (0 bytes): nothing to load.")
    meta = info(p)  # raises a clear ValueError for non-audio/corrupt headers
    if meta["frames"] == 0:
        raise ValueError(f"{p.name!r} contains no samples (0 frames).")
    native = meta["sample_rate"]
    lo, hi = NATIVE_SR_RANGE
    if not lo <= native <= hi:
        raise ValueError(
            f"{p.name!r} declares a sample rate of {native:,} Hz, outside the {lo:,} to {hi:,} "
            "Hz that audio uses (8 kHz telephone to 768 kHz studio converters): the header is "
            "corrupt or hand-made, and loading it would resample nonsense. Re-export the file, "
            "or if the samples are right and only the rate is wrong, write them again with the "
            "right rate: y, _ = soundfile.read(path); soundfile.write(new_path, y, 44100)."
        )
    if offset >= meta["duration_s"]:
        raise ValueError(
            f"offset={offset} s is past the end of {p.name!r} ({meta['duration_s']:.2f} s long)."
        )
    _check_budget(p, meta, sr=sr, mono=mono, offset=offset, duration=duration, dtype=dtype)
    return _decode(p, meta, sr=sr, mono=mono, offset=offset, duration=duration, dtype=dtype)


def _check_budget(p: Path, meta: dict, *, sr, mono, offset, duration, dtype) -> None:
    """Refuse, before decoding, a call whose arrays would need more than the load budget."""
    native, channels = meta["sample_rate"], meta["channels"]
    start = int(offset * native)
    frames = max(0, meta["frames"] - start)
    if duration is not None:
        frames = min(frames, int(duration * native))
    need = load_memory_estimate(frames, channels, native, sr=sr, mono=mono, dtype=dtype,
                                subtype=meta["subtype"])
    budget = load_budget_bytes()
    if need <= budget:
        return
    per_s = max(1, load_memory_estimate(native, channels, native, sr=sr, mono=mono, dtype=dtype,
                                        subtype=meta["subtype"]) - _CALL_OVERHEAD)
    fits_s = max(0, budget - _CALL_OVERHEAD) / per_s
    out = f"resampled to {sr:,} Hz" if sr is not None and sr != native else "at its own rate"
    raise ValueError(
        f"Loading {frames / native:,.1f} s of {p.name!r} ({channels} channel(s) at {native:,} "
        f"Hz, {out}{', down-mixed' if mono and channels > 1 else ''}) needs about {_mb(need)} "
        f"of memory, more than the load budget of {_mb(budget)}. Load a part: "
        f"load(..., offset=<start s>, duration=<= {_duration_hint(fits_s)}) fits the budget "
        f"(e.g. duration=60 needs about {_mb(int(60 * per_s))}); or raise the budget: "
        f"helpers.audio.LOAD_BUDGET_BYTES = <bytes> or the environment variable "
        f"{_BUDGET_ENV}=<MiB>."
    )


def _duration_hint(seconds: float) -> str:
    if seconds >= 1:
        return f"{math.floor(seconds):,}"
    return f"{seconds:.3g}"


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
                y = fh.read(frames=want, dtype="int16", always_2d=False).T.astype(dtype)
                y *= y.dtype.type(1 / 32768)
            else:
                y = fh.read(frames=want, dtype=dtype, always_2d=False).T
    except (sf.LibsndfileError, RuntimeError, EOFError) as exc:
        _probe(p)  # deleted or made unreadable since the header was read: say so
        raise ValueError(
            f"Could not decode {p.name!r}: {exc}. The file may be truncated or corrupt; "
            "re-download or re-export it."
        ) from exc
    notes = []
    found = y.shape[-1] if y.size else 0
    declared = meta["declared_frames"]
    stated = meta["frames"]
    if declared is not None and declared > stated:  # header promises more than the file holds
        part = None
        if want >= 0 or start > 0:  # offset/duration: say what happened to the requested part
            end = declared if want < 0 else min(start + want, declared)
            part = (start, end, min(end, stated))
        notes.append(_truncation_note(p, declared, stated, native, part=part))
    else:
        expected = max(0, stated - start) if want < 0 else min(want, max(0, stated - start))
        if found < expected:  # e.g. a cut MP3: its header's frame count is not all there
            notes.append(_truncation_note(p, start + expected, start + found, native))
    if y.size == 0:
        raise ValueError(f"{p.name!r} gave 0 samples (offset/duration outside the file?).")
    if not np.all(np.isfinite(y)):
        raise ValueError(
            f"{p.name!r} contains NaN or infinite samples (a float WAV written from broken "
            "data?). Clean the data before saving, e.g. np.nan_to_num(y)."
        )
    if meta["subtype"] in ("FLOAT", "DOUBLE"):  # integer PCM cannot leave [-1, 1]
        peak = max(float(y.max()), -float(y.min()))  # no |y| copy
        if peak > 1.0:
            notes.append(_Note(
                f"{p.name!r} holds samples up to \u00b1{peak:.3g}, outside [-1, 1] (a "
                f"{meta['subtype']} file written without normalising). They are returned as "
                "they are, not clipped; scale them if your code expects [-1, 1], e.g. "
                "y = y / np.max(np.abs(y)).", OutOfRangeAudioWarning))
    floats = meta["subtype"] in ("FLOAT", "DOUBLE")
    if mono and y.ndim > 1:  # librosa.to_mono's numbers (the channel mean, np.mean as it
        with np.errstate(over="ignore", invalid="ignore"):  # uses), without the two or three
            y = np.mean(y, axis=0)  # copies librosa 1.x makes; overflow is checked just below
        if floats:
            _check_no_overflow(p, y, peak)
    if sr is not None and sr != native:
        y = librosa.resample(y, orig_sr=native, target_sr=sr, res_type="soxr_hq")
        if floats:
            _check_no_overflow(p, y, peak)
    sr_out = native if sr is None else sr
    return y, int(sr_out), notes  # float, finite, non-empty, (channels, samples): checked above


def _check_no_overflow(p: Path, y: np.ndarray, peak: float) -> None:
    """Finite float samples so large (e.g. 1e38) that the down-mix or resampling overflowed."""
    if not np.all(np.isfinite(y)):
        raise ValueError(
            f"{p.name!r} holds samples up to \u00b1{peak:.3g}, far beyond any audio level: "
            "down-mixing or resampling them overflowed to inf/NaN. The file was written from "
            "unscaled data (or is not float audio at all); rescale it, e.g. "
            "y / np.max(np.abs(y)), and save it again, or load it with sr=None, mono=False."
        )


def _truncation_note(p: Path, declared: int, found: int, sr: int, part=None) -> str:
    """The file's truncation; with ``part=(start, end, got)`` (offset/duration given) the
    message also says what the requested frames ``start..end`` gave, not the whole file's."""
    head = (f"{p.name!r} is truncated: its header declares {declared} frames "
            f"({declared / sr:.3f} s at {sr} Hz) but the file holds only {found} "
            f"({found / sr:.3f} s).")
    if part is None:
        return _Note(f"{head} Loading the {found / sr:.3f} s that exist; re-download or "
                     "re-export the file to get all of it.")
    start, end, got = part
    asked = f"{start / sr:.3f} to {end / sr:.3f} s"
    if got >= end:
        return _Note(f"{head} The requested part ({asked}) lies in what exists and is loaded "
                     "complete; re-download or re-export the file to get the rest.")
    return _Note(f"{head} Of the requested part ({asked}) {max(0, got - start) / sr:.3f} s "
                 "exist and are loaded; re-download or re-export the file to get all of it.")


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
