"""Load audio with validation and clear errors, describe it, and play it inline.

Used by: every notebook (``load``, ``play``); 01_waveform (``info``, ``resample``, ``times``).
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np

from .validate import check_signal, check_sr

__all__ = ["load", "info", "play", "resample", "times"]


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
            f"{p.name!r} is not a readable audio file ({exc}). Is it really WAV/FLAC/OGG, and "
            "complete (not truncated)?"
        ) from exc
    return dict(
        path=p,
        sample_rate=i.samplerate,
        channels=i.channels,
        frames=i.frames,
        duration_s=i.frames / i.samplerate if i.samplerate else 0.0,
        format=i.format,
        subtype=i.subtype,
    )


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
    """
    import librosa
    import soundfile as sf

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
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)  # e.g. audioread fallback = bad file
            y, sr_out = librosa.load(str(p), sr=sr, mono=mono, offset=offset,
                                     duration=duration, dtype=dtype)
    except librosa.util.exceptions.ParameterError as exc:
        if "finite" in str(exc):
            raise ValueError(
                f"{p.name!r} contains NaN or infinite samples (a float WAV written from broken "
                "data?). Clean the data before saving, e.g. np.nan_to_num(y)."
            ) from None
        raise ValueError(f"Could not load {p.name!r}: {exc}") from None
    except (sf.LibsndfileError, RuntimeError, EOFError, UserWarning) as exc:
        raise ValueError(
            f"Could not decode {p.name!r}: {exc}. The file may be truncated or corrupt; "
            "re-download or re-export it."
        ) from exc
    if y.size == 0:
        raise ValueError(f"{p.name!r} gave 0 samples (offset/duration outside the file?).")
    check_signal(y, name=f"audio from {p.name!r}", mono=y.ndim == 1)
    return y, int(sr_out)


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
