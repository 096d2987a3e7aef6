"""Turn a labelled folder of clips into arrays a network can learn from (notebook 06).

The pipeline, one plain function per step::

    files, labels, names = find_clips(root)            # label/clip.wav layout
    params = FeatureParams(segment_s=1.0)              # every setting, recorded with the data
    per_file = extract_files(files, params)            # load once, segment, MFCC / log-mel
    split = split_by_file(labels, (0.7, 0.15, 0.15))   # by FILE, never by segment
    mean, std = fit_standardiser(X_train)              # training statistics only
    save_npz(path, arrays)                             # deterministic bytes, atomic rename

``build_dataset`` runs all of it and writes one ``.npz``; ``load_dataset`` reads it back.

Every file under the root is accounted for (``scan_folder``, and the ``report`` of
``build_dataset``): used (with its number of segments), skipped (with the reason and its path
relative to the root) or not audio. Layout rule: the first folder level below the root is the
label; audio in deeper sub-folders belongs to that label; files loose in the root have no label
and are skipped. ``errors="skip"`` (default) builds from what can be used and reports the rest;
``errors="raise"`` stops before writing anything and lists every unusable file (found while
scanning or while decoding) in one error.

Duplicates (leakage): the decoded audio of every file (mono, resampled to ``params.sr``,
float32: the samples the features are computed from) is hashed with SHA-256. Files with the
same hash are one recording: the report lists them, ``split_by_file`` keeps them in one split,
and ``errors="raise"`` refuses the same audio under two labels.

Segmenting policy (never silent): a clip of ``n`` samples gives ``n // L`` full segments of
``L`` samples; the remainder (and a clip shorter than one segment) is **padded** with zeros at
the end when ``remainder="pad"`` and it covers at least ``min_fill`` of a segment, otherwise it
is **dropped**. Every padded segment, dropped remainder and padded/dropped sample is counted.

Framing uses ``center=False``: every STFT frame lies entirely inside its segment, so a segment of
``L`` samples always has ``1 + (L - n_fft) // hop_length`` frames and no frame mixes two segments
or sees artificial padding. That is what makes the fast path exact: the clip is loaded once,
every segment's frames are a strided view of it (no copy), framed, transformed and projected
onto the mel filterbank (built once per setting, applied as a sparse matrix: no BLAS, so the
bytes do not depend on thread settings) in batched passes, instead of one ``librosa.load`` +
``librosa.feature.mfcc`` call per segment. ``features_per_segment`` (plain librosa, one call per segment) is the
reference the tests compare against.

Used by: 06_dataset_for_deep_learning, benchmarks/extract.py.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import functools
import hashlib
import io
import json
import numbers
import os
import threading
import zipfile
from pathlib import Path

import numpy as np

from .audio import AUDIO_SUFFIXES, UNREADABLE_SUFFIXES, _os_exc
from .validate import check_mel_params, check_positive_int, check_signal, check_sr

__all__ = [
    "AUDIO_SUFFIXES",
    "DASK_INSTALL",
    "FEATURES",
    "SPLITS",
    "ChunkedArray",
    "FeatureParams",
    "scan_folder",
    "find_clips",
    "cut_segments",
    "features_per_segment",
    "features_whole_clip",
    "extract_file",
    "extract_files",
    "extract_files_dask",
    "dask_worker_config",
    "split_by_file",
    "fit_standardiser",
    "build_dataset",
    "save_npz",
    "load_dataset",
]

FEATURES = ("mfcc", "logmel")
SPLITS = ("train", "val", "test")
TOP_DB = 80.0  # librosa.power_to_db's default, which librosa.feature.mfcc uses


# ---------------------------------------------------------------------------------------------
# parameters
# ---------------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class FeatureParams:
    """Every setting that shapes the features; saved as JSON next to the arrays.

    sr : samples per second every clip is resampled to (22,050 Hz).
    segment_s : segment length in seconds (1.0 s = 22,050 samples at 22,050 Hz).
    remainder : ``"pad"`` (zero-pad the last partial segment when it covers >= ``min_fill``
        of a segment) or ``"drop"`` (drop every partial segment).
    feature : ``"mfcc"`` (``n_mfcc`` coefficients) or ``"logmel"`` (``n_mels`` bands in
        dB re 1.0, i.e. relative to a mel-band power of 1 in full-scale units).
    n_fft, hop_length : frame and hop in samples (2048 = 92.9 ms, 441 = 20 ms at 22,050 Hz).
    Fixed (recorded too): ``center=False``, Hann window, power spectrogram, ``power_to_db``
    with ``ref=1.0`` and librosa's default ``top_db=80`` dB applied per segment.
    """

    sr: int = 22050
    segment_s: float = 1.0
    remainder: str = "pad"
    min_fill: float = 0.5
    feature: str = "mfcc"
    n_mfcc: int = 13
    n_mels: int = 128
    n_fft: int = 2048
    hop_length: int = 441
    fmin: float = 0.0
    fmax: float | None = None

    def __post_init__(self):
        sr = check_sr(self.sr)
        seg = self.segment_s
        if isinstance(seg, bool) or not isinstance(seg, numbers.Real) or not np.isfinite(seg):
            raise TypeError(f"segment_s must be a number of seconds, got {seg!r}.")
        if seg <= 0:
            raise ValueError(
                f"segment_s must be > 0 seconds, got {seg}. Typical values: 1.0 to 3.0 s."
            )
        if self.remainder not in ("pad", "drop"):
            raise ValueError(
                f"remainder must be 'pad' or 'drop', got {self.remainder!r}: what to do with the "
                "last partial segment of a clip."
            )
        if not (isinstance(self.min_fill, numbers.Real) and 0 < self.min_fill <= 1):
            raise ValueError(f"min_fill must be in (0, 1], got {self.min_fill!r}.")
        if self.feature not in FEATURES:
            raise ValueError(
                f"unknown feature {self.feature!r}; choose one of {', '.join(FEATURES)}."
            )
        n_fft = check_positive_int(self.n_fft, "n_fft", minimum=2)
        hop = check_positive_int(self.hop_length, "hop_length")
        if hop > n_fft:
            raise ValueError(
                f"hop_length={hop} is larger than n_fft={n_fft}: samples between frames would be "
                "skipped. Use hop_length <= n_fft."
            )
        check_mel_params(sr, self.n_mels, self.fmin, self.fmax,
                         n_mfcc=self.n_mfcc if self.feature == "mfcc" else None, n_fft=n_fft)
        if self.segment_samples < n_fft:
            raise ValueError(
                f"segment_s={seg} s is {self.segment_samples} samples, shorter than one FFT frame "
                f"(n_fft={n_fft} samples = {n_fft / sr * 1000:.1f} ms). Use longer segments or a "
                "smaller n_fft."
            )

    @property
    def segment_samples(self) -> int:
        """Segment length in samples (``round(segment_s * sr)``)."""
        return int(round(self.segment_s * self.sr))

    @property
    def frames_per_segment(self) -> int:
        """STFT frames per segment with ``center=False``: ``1 + (L - n_fft) // hop``."""
        return 1 + (self.segment_samples - self.n_fft) // self.hop_length

    @property
    def n_coefficients(self) -> int:
        return self.n_mfcc if self.feature == "mfcc" else self.n_mels

    def as_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d.update(segment_samples=self.segment_samples, frames_per_segment=self.frames_per_segment,
                 center=False, window="hann", power=2.0, ref=1.0, top_db=TOP_DB)
        return d


def _params(params) -> FeatureParams:
    if params is None:
        return FeatureParams()
    if isinstance(params, dict):
        return FeatureParams(**params)
    if not isinstance(params, FeatureParams):
        raise TypeError(f"params must be a FeatureParams or a dict, got {type(params).__name__}.")
    return params


# ---------------------------------------------------------------------------------------------
# 1. find the clips: every file under the root is accounted for
# ---------------------------------------------------------------------------------------------
def _check_root(root) -> Path:
    if root is None:
        from .data import labelled_dir

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


# ---------------------------------------------------------------------------------------------
# 2. segments
# ---------------------------------------------------------------------------------------------
def cut_segments(y, segment_samples: int, *, remainder: str = "pad",
                 min_fill: float = 0.5) -> tuple[np.ndarray, np.ndarray, dict]:
    """Cut a mono signal into segments of ``segment_samples``; return ``segments, starts, counts``.

    ``segments`` has shape ``(n_segments, segment_samples)``; ``starts`` holds each segment's
    first sample. The remainder after the last full segment (or the whole clip, when shorter
    than one segment) is zero-padded when ``remainder="pad"`` and it is at least
    ``min_fill * segment_samples`` long; otherwise it is dropped. ``counts`` reports
    ``full``, ``padded``, ``dropped`` (partial segments dropped), ``pad_samples`` (zeros added)
    and ``dropped_samples`` (audio thrown away), so nothing happens silently.
    """
    y = check_signal(y, mono=True)
    L = check_positive_int(segment_samples, "segment_samples")
    if remainder not in ("pad", "drop"):
        raise ValueError(f"remainder must be 'pad' or 'drop', got {remainder!r}.")
    n_full, keep_rest, counts = _segment_plan(y.size, L, remainder, min_fill)
    n = n_full + int(keep_rest)
    segments = np.zeros((n, L), dtype=y.dtype)
    segments[:n_full] = y[: n_full * L].reshape(n_full, L)
    if keep_rest:
        segments[n_full, : y.size - n_full * L] = y[n_full * L:]
    return segments, np.arange(n, dtype=np.int64) * L, counts


def _segment_plan(n_samples: int, L: int, remainder: str, min_fill: float):
    """``(n_full, keep_rest, counts)`` of the segmenting policy for ``n_samples`` samples."""
    n_full, rest = divmod(n_samples, L)
    keep_rest = rest > 0 and remainder == "pad" and rest >= min_fill * L
    counts = dict(
        full=n_full,
        padded=int(keep_rest),
        dropped=int(rest > 0 and not keep_rest),
        pad_samples=int(L - rest) if keep_rest else 0,
        dropped_samples=0 if keep_rest else int(rest),
    )
    return n_full, keep_rest, counts


# ---------------------------------------------------------------------------------------------
# 3. features: slow per-segment reference and the fast whole-clip version
# ---------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=8)
def _mel_basis(sr: int, n_fft: int, n_mels: int, fmin: float, fmax):
    """librosa's mel filterbank ``(n_mels, 1 + n_fft // 2)`` as a float32 CSR sparse matrix,
    built once per setting (building it costs about as much as the STFT of a 3 s segment, and
    librosa rebuilds it on every call).

    Each triangle covers a few bins (about 2,000 non-zeros of 131,200 for n_fft=2048, 128
    bands), so the sparse product is ~15x faster than the dense one, and it is a plain
    sequential loop: unlike a BLAS matrix product, whose float32 sums depend on how many
    threads split the work, it gives the same bytes on every machine, worker and thread count.
    """
    import librosa
    import scipy.sparse

    basis = librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax)
    return scipy.sparse.csr_matrix(basis.astype(np.float32))


@functools.lru_cache(maxsize=8)
def _hann(n_fft: int) -> np.ndarray:
    import scipy.signal

    w = scipy.signal.get_window("hann", n_fft, fftbins=True).astype(np.float32)
    w.setflags(write=False)
    return w


def _mel_power(frames, p: FeatureParams, block: int = 64) -> np.ndarray:
    """Mel power ``(segments, frames, n_mels)`` of ``frames`` ``(segments, frames, n_fft)``
    (any strided view; ``center=False`` framing done by the caller).

    The same numbers as ``librosa.feature.melspectrogram(center=False)`` per segment
    (transposed; float32 rounding aside): the Hann window, a real FFT, ``|X|^2``, then the
    sparse filterbank, about ``block`` frames at a time (64 frames keep every temporary in the
    CPU cache: measured 1.8x faster than 256). No BLAS call, so the bytes do not depend on
    thread settings, nor on ``block`` (every frame is computed on its own).

    The windowed frames and the power spectrum go into two buffers allocated once per call
    (written with ``out=``), and ``|X|^2`` is squared in place in the FFT's output, which is
    then the only array allocated per block: a process whose ``malloc`` returns every large
    block to the system at once (Dask's nanny sets ``MALLOC_TRIM_THRESHOLD_`` for its
    workers, see ``dask_worker_config``) would otherwise page-fault every temporary afresh
    (measured 2x slower). Same bytes as computing each temporary anew.
    """
    import scipy.fft

    n, F, n_fft = frames.shape
    basis = _mel_basis(p.sr, p.n_fft, p.n_mels, p.fmin, p.fmax)
    window = _hann(n_fft)
    n_bins = n_fft // 2 + 1
    out = np.empty((n, F, p.n_mels), dtype=np.float32)
    rows_max = block if F >= block else max(1, block // F) * F
    windowed = np.empty(rows_max * n_fft, np.float32)
    power_t = np.empty(n_bins * rows_max, np.float32)  # (bins, rows): what the filterbank takes

    def mel(rows):  # rows: (..., n_fft) frames -> (m, n_mels)
        m = rows.size // n_fft
        x = windowed[: m * n_fft].reshape(rows.shape)
        np.multiply(rows, window, out=x)
        spec = scipy.fft.rfft(x.reshape(m, n_fft), axis=-1)
        parts = spec.view(np.float32)  # (m, 2 * n_bins): re, im, re, im ...
        np.square(parts, out=parts)
        power = power_t[: n_bins * m].reshape(n_bins, m)  # contiguous, transposed
        np.add(parts[:, 0::2].T, parts[:, 1::2].T, out=power)  # re^2 + im^2
        return (basis @ power).T

    if F >= block:  # long segments: blocks of frames inside each segment
        for s in range(n):
            for a in range(0, F, block):
                out[s, a: a + block] = mel(frames[s, a: a + block])
    else:  # short segments: several whole segments per block
        k = block // F
        for s in range(0, n, k):
            seg = frames[s: s + k]
            out[s: s + k] = mel(seg).reshape(-1, F, p.n_mels)
    return out


def _segment_frames(y, start: int, count: int, p: FeatureParams):
    """Frames ``(count, F, n_fft)`` of ``count`` consecutive segments from sample ``start``:
    a read-only strided view of ``y`` (no copy)."""
    s = y.strides[0]
    return np.lib.stride_tricks.as_strided(
        y[start:], shape=(count, p.frames_per_segment, p.n_fft),
        strides=(p.segment_samples * s, p.hop_length * s, s), writeable=False)


def features_per_segment(segments, params=None) -> np.ndarray:
    """Reference: one librosa call per segment. Returns ``(segments, frames, coefficients)``.

    MFCC: ``librosa.feature.mfcc(y=segment, center=False, ...)``; log-mel:
    ``librosa.power_to_db(melspectrogram(...), ref=1.0, top_db=...)``. Slow but obviously right.
    """
    import librosa

    p = _params(params)
    segments = np.atleast_2d(np.asarray(segments))
    out = np.empty((segments.shape[0], p.frames_per_segment, p.n_coefficients), np.float32)
    for i, seg in enumerate(segments):
        if p.feature == "mfcc":
            f = librosa.feature.mfcc(
                y=seg, sr=p.sr, n_mfcc=p.n_mfcc, n_fft=p.n_fft, hop_length=p.hop_length,
                center=False, n_mels=p.n_mels, fmin=p.fmin, fmax=p.fmax,
            )
        else:
            mel = librosa.feature.melspectrogram(
                y=seg, sr=p.sr, n_fft=p.n_fft, hop_length=p.hop_length, center=False,
                n_mels=p.n_mels, fmin=p.fmin, fmax=p.fmax)
            f = librosa.power_to_db(mel, ref=1.0, top_db=TOP_DB)
        out[i] = f.T
    return out


def features_whole_clip(y, params=None) -> tuple[np.ndarray, np.ndarray, dict]:
    """Fast path: segment ``y`` and compute every segment's features in one go.

    Returns ``X`` ``(segments, frames, coefficients)``, ``starts`` (samples) and the segment
    ``counts`` of ``cut_segments``. Every segment's frames are a strided view of ``y`` (no
    copy; only a padded last segment is copied), all framed, transformed and projected onto
    the mel filterbank in batched passes (``_mel_power``). Then dB
    (``top_db=80`` per segment, as the reference does) and the DCT run on all segments at once.
    Matches ``features_per_segment`` to float32 rounding: observed <= 1e-3 on values up to ~600
    (MFCC) or dB (log-mel); the tests allow an absolute 1e-2.
    """
    return _features(check_signal(y, mono=True), _params(params))


def _features(y, p: FeatureParams):
    """``features_whole_clip`` without the input checks (``extract_file``'s audio comes from
    ``helpers.audio``, already checked): validating 30 s of audio twice costs ~5 %."""
    import scipy.fft

    L, F = p.segment_samples, p.frames_per_segment
    n_full, keep_rest, counts = _segment_plan(y.size, L, p.remainder, p.min_fill)
    n = n_full + int(keep_rest)
    starts = np.arange(n, dtype=np.int64) * L
    if n == 0:
        return np.zeros((0, F, p.n_coefficients), np.float32), starts, counts
    mel = np.empty((n, F, p.n_mels), np.float32)
    if n_full:  # every full segment's frames straight from y: a strided view, no copy
        mel[:n_full] = _mel_power(_segment_frames(y, 0, n_full, p), p)
    if keep_rest:  # the padded last segment: the only copy
        last = np.zeros(L, y.dtype)
        last[: y.size - n_full * L] = y[n_full * L:]
        mel[n_full:] = _mel_power(_segment_frames(last, 0, 1, p), p)
    db = mel  # dB in place (no temporaries: see _mel_power); same bytes as 10 * log10(max(...))
    np.maximum(db, 1e-10, out=db)
    np.log10(db, out=db)
    db *= 10.0
    np.maximum(db, db.max(axis=(1, 2), keepdims=True) - TOP_DB, out=db)
    if p.feature == "mfcc":
        db = scipy.fft.dct(db, axis=-1, type=2, norm="ortho", overwrite_x=True)[..., : p.n_mfcc]
    return np.ascontiguousarray(db, dtype=np.float32), starts, counts


def extract_file(path, params=None, *, method: str = "whole") -> dict:
    """The per-file job (same function for serial, joblib and Dask): load, segment, features.

    Returns ``{"path", "X" (segments, frames, coefficients), "starts_s", "counts",
    "duration_s", "notes", "audio_sha256"}``; ``notes`` lists problems that did not stop the
    file (a truncated file: declared vs found length); ``audio_sha256`` is the SHA-256 of the
    decoded samples (mono, resampled to ``params.sr``, float32), which finds the same audio in
    two files whatever their format or name. ``method="per-segment"`` uses the slow reference instead.
    The fast path makes no BLAS call, so its bytes are the same on every machine, worker and
    thread setting (nothing global is changed to achieve it).
    """
    from .audio import _load

    p = _params(params)
    if method not in ("whole", "per-segment"):
        raise ValueError(f"method must be 'whole' or 'per-segment', got {method!r}.")
    y, _, notes = _load(path, sr=p.sr, mono=True)
    if method == "whole":
        X, starts, counts = _features(y, p)
    else:
        segs, starts, counts = cut_segments(y, p.segment_samples, remainder=p.remainder,
                                            min_fill=p.min_fill)
        X = features_per_segment(segs, p) if len(segs) else np.zeros(
            (0, p.frames_per_segment, p.n_coefficients), np.float32)
    return dict(path=str(path), X=X, starts_s=starts / p.sr, counts=counts,
                duration_s=y.size / p.sr, notes=[str(n) for n in notes],
                audio_sha256=_audio_sha256(y))


def _audio_sha256(y: np.ndarray) -> str:
    """SHA-256 of the samples' bytes (float32, C order): equal for the same decoded audio."""
    return hashlib.sha256(np.ascontiguousarray(y, dtype=np.float32).data).hexdigest()


def _extract_or_error(path, params, method="whole") -> dict:
    """``extract_file``, but a file that cannot be used gives ``{"path", "error"}`` instead of
    stopping the other 999 (the builder reports it, with its path relative to the root)."""
    try:
        return extract_file(path, params, method=method)
    except ValueError as exc:  # the helpers' own clear messages
        return dict(path=str(path), error=str(exc))
    except (OSError, TypeError, RuntimeError, EOFError, MemoryError) as exc:
        return dict(path=str(path), error=f"{type(exc).__name__}: {exc}")


def _iter_joblib(files, p, *, n_jobs, prefer, method, func):
    from joblib import Parallel, delayed, parallel_config

    if prefer not in ("threads", "processes"):
        raise ValueError(f"prefer must be 'threads' or 'processes', got {prefer!r}.")
    if n_jobs == 1:
        for f in files:
            yield func(f, p, method=method)
        return
    config = (parallel_config(backend="loky", inner_max_num_threads=1) if prefer == "processes"
              else parallel_config(backend="threading"))
    started = prefer == "processes" and not _loky_running()
    before = {t.ident for t in threading.enumerate()}
    try:
        with config:
            gen = Parallel(n_jobs=n_jobs, return_as="generator")(
                delayed(func)(f, p, method=method) for f in files)
            try:
                yield from gen
            finally:
                gen.close()  # an abandoned generator would keep its pool until collected
    finally:
        if started:  # joblib keeps loky's workers alive ~300 s for reuse: not after a build
            _shutdown_loky()
            for t in threading.enumerate():  # the pool's queue feeder / manager threads end
                if t.ident not in before and ("QueueFeeder" in t.name  # just after: wait
                                              or "ExecutorManager" in t.name):
                    t.join(timeout=10)


def _loky_running() -> bool:
    """Whether joblib's reusable loky executor (its process pool) exists and is usable now."""
    from joblib.externals.loky import reusable_executor

    ex = getattr(reusable_executor, "_executor", None)
    flags = getattr(ex, "_flags", None)
    return ex is not None and not (flags is not None and (flags.shutdown or flags.broken))


def _shutdown_loky() -> None:
    """Stop joblib's reusable loky executor and wait until its worker processes have exited.

    (The small resource-tracker process Python's multiprocessing and loky start once per
    session, which cleans up shared memory if the session crashes, is left running: it is not
    a worker, holds no audio, and stopping it would break the next pool's clean-up.)"""
    from joblib.externals.loky import reusable_executor

    ex = getattr(reusable_executor, "_executor", None)
    if ex is None:
        return
    if hasattr(ex, "terminate"):  # joblib's MemmappingExecutor: also removes its temp folder
        ex.terminate(kill_workers=True)
    else:
        ex.shutdown(wait=True, kill_workers=True)


def extract_files(files, params=None, *, n_jobs: int = -1, prefer: str = "threads",
                  progress: bool = True, method: str = "whole") -> list[dict]:
    """``extract_file`` on every file, in parallel on all cores (joblib), in file order.

    ``n_jobs=-1`` uses every core, ``1`` runs serially. ``prefer="threads"`` (default) starts
    instantly and scales because decoding, FFT and matrix products release the GIL;
    ``"processes"`` (joblib's loky) also parallelises the Python parts but first spends a few
    seconds starting workers that import librosa: worth it for thousands of files. No BLAS
    call is involved (see ``_mel_basis``), so the bytes do not depend on ``n_jobs``, ``prefer``
    or the machine's thread settings. A tqdm bar counts finished files. The first file
    that cannot be read raises ValueError naming its full path (``build_dataset`` instead
    reports every such file).
    """
    p = _params(params)
    files = [str(f) for f in files]
    if not files:
        raise ValueError("no files to extract: the list is empty.")
    out = []
    results = _iter_joblib(files, p, n_jobs=n_jobs, prefer=prefer, method=method,
                           func=_extract_or_error)
    with contextlib.closing(results), _progress(len(files), progress) as bar:
        for r in results:
            if "error" in r:  # name the file by its full path: base names repeat across labels
                raise ValueError(f"{r['path']}: {r['error']}")
            out.append(r)
            bar.update()
    return out


DASK_INSTALL = 'pip install "audio-dl-course[dask]"'


def _import_dask_bag():
    try:
        import dask
        import dask.bag as db
    except ImportError as exc:
        raise ModuleNotFoundError(
            f"backend='dask' needs Dask, which is an optional extra of this course: "
            f"{DASK_INSTALL} (or pip install \"dask[bag,distributed]\"), then restart the "
            "kernel. Without it use backend='joblib' (all cores of this machine), the default."
        ) from exc
    return dask, db


def _dask_scheduler(scheduler):
    """``scheduler``: None (Dask's current default: the active ``Client`` if any), a
    ``distributed.Client``, or a scheduler address such as the one ``dask scheduler`` prints.
    Returns ``(value for dask.compute, client to close or None)``."""
    if scheduler is None or not isinstance(scheduler, str):
        return scheduler, None
    if scheduler in ("threads", "threading", "processes", "multiprocessing", "sync",
                     "synchronous", "single-threaded"):
        return scheduler, None
    try:
        from distributed import Client
    except ImportError as exc:
        raise ModuleNotFoundError(
            f"a scheduler address needs dask.distributed: {DASK_INSTALL}."
        ) from exc
    client = Client(scheduler, set_as_default=False)
    return client, client


def dask_worker_config() -> dict:
    """Dask configuration under which worker processes run this pipeline at full speed: use it
    around the start of a ``LocalCluster`` (``with dask.config.set(dask_worker_config()):``),
    or put the same keys in the YAML configuration of the machines that run ``dask worker``.

    It removes ``MALLOC_TRIM_THRESHOLD_`` from ``distributed.nanny.pre-spawn-environ``, the
    environment Dask's nanny gives each worker process before starting it (default 65536;
    https://distributed.dask.org/en/stable/worker-memory.html#automatically-trim-memory ,
    https://distributed.dask.org/en/stable/worker.html#nanny). Setting that glibc variable, to
    any value, also fixes glibc's mmap threshold at 128 KiB (it no longer adapts: see
    https://www.gnu.org/software/libc/manual/html_node/Malloc-Tunable-Parameters.html), so every
    NumPy array above 128 KiB is a fresh ``mmap`` whose pages fault in one by one, and goes back
    to the system when freed. Feature extraction allocates such arrays for every file (the
    FFT's output, the decoded audio): measured 3x slower per file in a worker. Without it the
    workers allocate like any Python process (and like the threads of ``backend="joblib"``);
    the trade-off Dask's page describes is that a worker's resident memory may stay at its
    peak instead of shrinking after a large task, a few MB per worker thread here.
    A value of None removes a variable (``distributed.nanny._get_env_variables``); an
    environment variable ``MALLOC_TRIM_THRESHOLD_`` set where the nanny runs still wins, and
    a nanny writes the variables it sets into its own process's environment (Dask's caveat):
    start this cluster from a fresh process, or ``os.environ.pop("MALLOC_TRIM_THRESHOLD_")``
    when a cluster with Dask's defaults ran in it before. ``OMP_NUM_THREADS`` etc. stay at 1,
    as Dask sets them.

    It also turns off the workers' statistical profiler, which every 10 ms takes the GIL to
    sample what each worker thread runs
    (https://distributed.dask.org/en/stable/diagnosing-performance.html#statistical-profiling):
    measured 6 % of the workers' CPU time here; the dashboard's profile page stays empty.
    """
    return {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
            "distributed.worker.profile.enabled": False}


def _extract_batch(paths, params, method="whole", func=None) -> list[dict]:
    """One Dask task: several files in a row (a task per file would cost the scheduler a few
    hundred microseconds each, see https://distributed.dask.org/en/stable/limitations.html)."""
    func = func or _extract_or_error
    return [func(f, params, method=method) for f in paths]


def _batches(files, threads: int, files_per_task=None, largest: int = 16, smallest: int = 4):
    """Consecutive batches of ``files``: ``files_per_task`` each, or shrinking ones (guided
    self-scheduling): the remaining files over twice the worker threads, ``smallest`` to
    ``largest`` files. Big tasks first keep the per-task cost low; small ones at the end keep
    every worker busy until the last file (a 16-file task is ~0.2 s of work at GTZAN
    settings, a 4-file one ~50 ms: still well above the scheduler's cost per task)."""
    i = 0
    while i < len(files):
        k = files_per_task or max(smallest, min(largest, (len(files) - i) // (2 * threads)))
        yield files[i: i + k]
        i += k


def _distributed_client(sched):
    """The ``distributed.Client`` that ``sched`` (a value for ``dask.compute``) stands for, or
    None (a local scheduler: threads, processes, synchronous)."""
    try:
        from distributed import Client
    except ImportError:
        return None
    if isinstance(sched, Client):
        return sched
    if sched is None:  # Dask's default: the active client, when there is one
        import dask.base

        owner = getattr(dask.base.get_scheduler(), "__self__", None)
        if isinstance(owner, Client):
            return owner
    return None


def _iter_dask(files, p, *, scheduler=None, method="whole", func=None, files_per_task=None,
               window=None):
    """Results in file order. On a ``distributed`` cluster: tasks of ``files_per_task`` files
    (default: shrinking batches of 16 files down to 1, see ``_batches``) submitted as futures,
    at most ``window`` tasks in flight (default: two per worker thread, plus two), a new one
    submitted as each finishes, so every worker stays busy and only a bounded number of files'
    features is ever held here (https://docs.dask.org/en/stable/futures.html). Each task
    receives paths and the small ``FeatureParams``; the audio is read on the worker. With a
    local Dask scheduler: ``dask.bag`` partitions, ``window`` of them computed at a time."""
    import collections
    import math

    dask, db = _import_dask_bag()
    func = func or _extract_or_error
    with _logging_restored(), contextlib.ExitStack() as stack:
        sched, own = _dask_scheduler(scheduler)
        if own is not None:
            stack.callback(own.close)
        client = _distributed_client(sched)
        threads = max(1, sum(client.nthreads().values())) if client is not None else \
            (os.cpu_count() or 1)
        window = window or 2 * threads + 2
        if client is None:
            k = files_per_task or max(1, min(16, math.ceil(len(files) / (4 * threads))))
            bag = db.from_sequence(files, partition_size=k)
            parts = bag.map(func, params=p, method=method).to_delayed()
            kw = _own_dask_pool(dask, sched, parts, stack)
            for i in range(0, len(parts), window):
                for chunk in dask.compute(*parts[i: i + window], **{"scheduler": sched, **kw}):
                    yield from chunk
            return
        todo = _batches(files, threads, files_per_task)
        pending = collections.deque()

        def submit(batch):
            pending.append(client.submit(_extract_batch, batch, p, method, func, pure=False))

        try:
            for batch in todo:
                submit(batch)
                if len(pending) >= window:
                    break
            while pending:
                results = pending.popleft().result()
                batch = next(todo, None)
                if batch is not None:
                    submit(batch)  # before handing results on: the workers never wait for us
                yield from results
        finally:
            if pending:
                client.cancel(list(pending))


def _own_dask_pool(dask, sched, parts, stack) -> dict:
    """When Dask would run on its threaded scheduler, give it a thread pool of our own, shut
    down after the build (Dask's default pool is global and outlives the call). A client or
    scheduler the caller chose is used as it is."""
    import concurrent.futures

    import dask.threaded
    from dask.base import get_scheduler

    if get_scheduler(scheduler=sched, collections=parts[:1]) is not dask.threaded.get:
        return {}
    pool = concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 1)
    stack.callback(pool.shutdown, wait=True)
    return dict(scheduler="threads", pool=pool)


@contextlib.contextmanager
def _logging_restored(prefixes=("distributed", "tornado", "bokeh")):
    """Undo what importing ``distributed`` does to logging (its config sets the
    ``distributed`` logger to INFO with a stderr handler): levels, handlers and ``propagate``
    of those loggers are put back as they were before the build."""
    import logging

    def family():
        names = [n for n in list(logging.Logger.manager.loggerDict)
                 if n.split(".")[0] in prefixes]
        return {n: logging.getLogger(n) for n in names}

    before = {n: (lg.level, list(lg.handlers), lg.propagate, lg.disabled)
              for n, lg in family().items()}
    try:
        yield
    finally:
        for n, lg in family().items():
            level, handlers, propagate, disabled = before.get(n, (logging.NOTSET, [], True,
                                                                  False))
            lg.setLevel(level)
            lg.handlers[:] = handlers
            lg.propagate, lg.disabled = propagate, disabled


def extract_files_dask(files, params=None, *, scheduler=None, npartitions: int | None = None,
                       method: str = "whole") -> list[dict]:
    """``extract_file`` on every file with Dask: unchanged code, any Dask scheduler.

    ``scheduler`` says where it runs: ``None`` uses Dask's default (the active
    ``distributed.Client`` when there is one, e.g. ``Client(LocalCluster())``); or pass a
    ``Client`` you made for an existing cluster (dask-jobqueue's ``SLURMCluster``/``PBSCluster``,
    dask-kubernetes ...), or its scheduler address as a string (what ``dask scheduler`` prints;
    a client is opened for this call and closed after). The files must be readable from the
    workers (shared or object storage). Results come back in file order, bytes identical to
    ``extract_files`` (whatever the workers' thread settings). Files go in batches
    (``npartitions`` of them, or as ``build_dataset`` batches them: see ``_iter_dask``), as
    futures on a ``distributed`` cluster, as ``dask.bag`` partitions on a local scheduler.
    Needs the optional extra: ``pip install "audio-dl-course[dask]"``.
    """
    import math

    _import_dask_bag()
    p = _params(params)
    files = [str(f) for f in files]
    if not files:
        raise ValueError("no files to extract: the list is empty.")
    k = math.ceil(len(files) / npartitions) if npartitions else None
    return list(_iter_dask(files, p, scheduler=scheduler, method=method, func=extract_file,
                           files_per_task=k))


# ---------------------------------------------------------------------------------------------
# 4. split by file, standardise with training statistics
# ---------------------------------------------------------------------------------------------
def _check_fractions(fractions) -> tuple[float, float, float]:
    try:
        fr = tuple(float(f) for f in fractions)
    except TypeError:
        raise TypeError(f"fractions must be (train, val, test), e.g. (0.7, 0.15, 0.15), "
                        f"got {fractions!r}.") from None
    if len(fr) != 3 or not all(np.isfinite(fr)):
        raise ValueError(f"fractions must be three numbers (train, val, test), got {fractions!r}.")
    if any(f <= 0 for f in fr):
        raise ValueError(f"every fraction must be > 0, got {fractions!r}.")
    if abs(sum(fr) - 1.0) > 1e-6:
        raise ValueError(
            f"fractions must sum to 1, got {fractions!r} (sum {sum(fr):g}). "
            "Example: (0.7, 0.15, 0.15)."
        )
    return fr


def split_by_file(labels, fractions=(0.7, 0.15, 0.15), *, seed: int = 0,
                  label_names=None, groups=None) -> np.ndarray:
    """Assign each FILE to a split (0 train, 1 val, 2 test), stratified by label.

    All segments of a file go to that file's split, so no recording is on both sides (no
    leakage). Per class, files are shuffled with ``numpy.random.default_rng(seed)`` and
    ``round(fraction * n)`` files go to val and test, the rest to train.

    ``label_names`` (one name per label index, e.g. the label folders) names a class in the
    messages. ``groups`` (one id per file) keeps files with the same id in one split: give
    duplicates (the same audio in several files) one id. A group is shuffled as one unit of its
    class; a group spanning several labels takes the split it got in the first of them. Without
    groups (or when every group is one file) the result is the same as without ``groups``.
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError("labels must be a non-empty 1-D array with one label per file.")
    fr = _check_fractions(fractions)
    if groups is not None:
        groups = np.asarray(groups)
        if groups.shape != labels.shape:
            raise ValueError(f"groups must give one id per file ({labels.size}), got shape "
                             f"{groups.shape}.")
    rng = np.random.default_rng(seed)
    split = np.empty(labels.size, dtype=np.int64)
    assigned: dict = {}  # group id -> split, for groups spanning labels
    for lab in np.unique(labels):
        idx = np.flatnonzero(labels == lab)
        if groups is None:
            units = [np.array([i]) for i in idx]
        else:
            first: dict = {}
            for i in idx:
                first.setdefault(groups[i].item(), []).append(i)
            units = [np.array(v) for v in first.values()]
        n = len(units)
        n_val, n_test = int(round(fr[1] * n)), int(round(fr[2] * n))
        if n_val < 1 or n_test < 1 or n - n_val - n_test < 1:
            what = "file(s)" if groups is None else "distinct recording(s)"
            raise ValueError(
                f"{_label_phrase(lab.item(), label_names)} has only {n} {what}: with fractions "
                f"{fr} that gives {n - n_val - n_test} train / {n_val} val / {n_test} test. "
                "Every split needs at least one file per class: add files or change the "
                "fractions."
            )
        if groups is not None:  # units already placed by another label keep that split
            fixed = [u for u in units if groups[u[0]].item() in assigned]
            for u in fixed:
                split[u] = assigned[groups[u[0]].item()]
            units = [u for u in units if groups[u[0]].item() not in assigned]
            n = len(units)
            n_val, n_test = int(round(fr[1] * n)), int(round(fr[2] * n))
        perm = rng.permutation(n)
        for rank, k in enumerate(perm):
            s_idx = 1 if rank < n_val else 2 if rank < n_val + n_test else 0
            split[units[k]] = s_idx
            if groups is not None:
                assigned[groups[units[k][0]].item()] = s_idx
    return split


def _label_phrase(lab, label_names) -> str:
    if label_names is not None and 0 <= int(lab) < len(label_names):
        return f"label {label_names[int(lab)]!r} (folder {label_names[int(lab)]}/)"
    return f"label {lab!r}"


def fit_standardiser(X_train) -> tuple[np.ndarray, np.ndarray]:
    """Per-coefficient mean and standard deviation over all training segments and frames.

    ``X_train`` has shape ``(segments, frames, coefficients)``; both results have shape
    ``(coefficients,)``. Apply to every split as ``(X - mean) / std``. A zero std becomes 1.
    """
    X = np.asarray(X_train, dtype=np.float64)
    if X.ndim != 3 or X.shape[0] == 0:
        raise ValueError(f"X_train must be (segments, frames, coefficients) with at least one "
                         f"segment, got shape {X.shape}.")
    mean = X.mean(axis=(0, 1))
    std = X.std(axis=(0, 1))
    std = np.where(std > 0, std, 1.0)
    return mean.astype(np.float32), std.astype(np.float32)


# ---------------------------------------------------------------------------------------------
# 5. save / load
# ---------------------------------------------------------------------------------------------
class ChunkedArray:
    """An array written to a ``.npz`` piece by piece: ``shape``, ``dtype`` and ``chunks``, a
    function returning an iterator of C-ordered arrays whose bytes, concatenated, are the array.
    Lets ``build_dataset`` write a dataset larger than memory (``save_npz`` accepts it)."""

    def __init__(self, shape, dtype, chunks):
        self.shape, self.dtype, self.chunks = tuple(int(s) for s in shape), np.dtype(dtype), chunks


def _tmp_tag() -> str:
    """``<host>.<pid>.<random>``: which process owns a temporary file (see ``_remove_stale``)."""
    import secrets
    import socket

    host = "".join(c if c.isalnum() or c == "-" else "-" for c in socket.gethostname())[:40]
    return f"{host or 'host'}.{os.getpid()}.{secrets.token_hex(4)}"


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # ours: maybe another thread is writing it right now
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but belongs to someone else
        return True
    return True


def _remove_stale(folder: Path, target_name: str, *, legacy_age_s: float = 3600.0) -> list[str]:
    """Remove temporaries a killed earlier save of ``target_name`` left in ``folder``.

    Ours are named ``.<target>.<host>.<pid>.<random>.tmp`` (files) or ``.build`` (folders);
    one is stale when its process (on this host) no longer exists: SIGKILL, SIGTERM, a power
    cut. Files of a live process (a build running in another notebook) are left alone, as are
    names that are not ours. Names of the earlier scheme (``.<stem>.<8 chars>.tmp``, no
    process id) are removed when older than ``legacy_age_s``. Returns the names removed.
    """
    import re
    import shutil
    import socket
    import time

    if not folder.is_dir():
        return []
    host = "".join(c if c.isalnum() or c == "-" else "-" for c in socket.gethostname())[:40]
    ours = re.compile(re.escape(f".{target_name}.") + r"(?P<host>[A-Za-z0-9-]+)\.(?P<pid>\d+)"
                      r"\.[0-9a-f]{8}\.(tmp|build)$")
    legacy = re.compile(re.escape(f".{Path(target_name).stem}.") + r"[a-z0-9_]{8}\.tmp$")
    removed = []
    for entry in folder.iterdir():
        m = ours.match(entry.name)
        if m:
            stale = m["host"] == host and not _pid_alive(int(m["pid"]))
        elif legacy.match(entry.name) and entry.is_file():
            stale = time.time() - entry.stat().st_mtime > legacy_age_s
        else:
            continue
        if stale:
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed.append(entry.name)
    return removed


def _write_member(zf, name: str, value) -> None:
    info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
    info.external_attr = 0o644 << 16
    if not isinstance(value, ChunkedArray):
        buf = io.BytesIO()
        np.lib.format.write_array(buf, np.asarray(value), allow_pickle=False)
        zf.writestr(info, buf.getvalue())
        return
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": np.lib.format.dtype_to_descr(value.dtype), "fortran_order": False,
                 "shape": value.shape})
    size = len(header.getvalue()) + int(np.prod(value.shape)) * value.dtype.itemsize
    with zf.open(info, "w", force_zip64=size > zipfile.ZIP64_LIMIT) as fh:
        fh.write(header.getvalue())
        written = 0
        for chunk in value.chunks():
            chunk = np.ascontiguousarray(chunk, dtype=value.dtype)
            fh.write(chunk.data)
            written += chunk.nbytes
    if written + len(header.getvalue()) != size:
        raise RuntimeError(f"{name}: wrote {written} bytes of data, expected "
                           f"{size - len(header.getvalue())} (shape {value.shape}).")


def save_npz(path, arrays: dict) -> Path:
    """Write ``arrays`` to ``path`` as an uncompressed ``.npz``: byte-identical for equal input
    (fixed zip timestamps, sorted names) and atomic (temp file in the same folder, then rename),
    so a crash never leaves a half-written dataset. Readable with ``np.load(path)``.

    Values are arrays or ``ChunkedArray`` (written piece by piece, never whole in memory). The
    temporary file ``.<name>.<host>.<pid>.<random>.tmp`` names its process; a save removes the
    stale ones of an earlier save that was killed (SIGKILL/SIGTERM) before it could clean up.
    """
    path = Path(path)
    if path.suffix != ".npz":
        raise ValueError(f"the output file must end in .npz, got {path.name!r}.")
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(path.parent, path.name)
    tmp = path.parent / f".{path.name}.{_tmp_tag()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "wb") as fh:
            with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED) as zf:
                for name in sorted(arrays):
                    _write_member(zf, name, arrays[name])
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # a dataset is an ordinary file, whatever the umask made of it
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def load_dataset(path) -> dict:
    """Read a dataset written by ``build_dataset``: arrays, plus ``params`` and ``counts`` dicts,
    ``label_names`` as a list and ``report`` (what happened to every file under the root, a list
    of dicts; empty for files written before the report existed). No pickle involved."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No dataset file {str(path)!r}; build one with "
                                "helpers.dataset.build_dataset().")
    with np.load(path, allow_pickle=False) as z:
        out = {k: z[k] for k in z.files}
    out["params"] = json.loads(str(out.pop("params_json")))
    out["counts"] = json.loads(str(out.pop("counts_json")))
    out["report"] = json.loads(str(out.pop("report_json"))) if "report_json" in out else []
    out["label_names"] = [str(s) for s in out["label_names"]]
    return out


def _shipped_data_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "data"


def _check_out_dir(out_dir, root: Path) -> Path:
    from .data import data_dir

    if not isinstance(out_dir, (str, os.PathLike)):
        raise TypeError(f"out_dir must be a folder path such as 'outputs', got "
                        f"{type(out_dir).__name__}.")
    out = Path(out_dir).expanduser().resolve()
    forbidden = [root.resolve(), _shipped_data_dir()]  # the shipped folder, even when
    try:                                               # AUDIO_COURSE_DATA points at a copy
        forbidden.append(data_dir().resolve())
    except FileNotFoundError:
        pass
    for f in forbidden:
        if out == f or out.is_relative_to(f):
            raise ValueError(
                f"out_dir {str(out)!r} is inside {str(f)!r}: never write outputs into data/ or "
                "next to the input clips. Use e.g. out_dir='outputs'."
            )
    existing = out
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        where = "is a file" if existing == out else f"is inside {str(existing)!r}, which is a file"
        raise NotADirectoryError(
            f"out_dir {str(out_dir)!r} {where}, not a folder: the dataset is written into a "
            "folder. Pass a folder path, e.g. out_dir='outputs' (the file name is name=...)."
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise _os_exc(
            PermissionError, errno.EACCES,
            f"out_dir {str(out_dir)!r} cannot be written: {str(existing)!r} is not writable "
            "(permissions, or a read-only disk). Pass a folder you can write to, e.g. "
            "out_dir='outputs' in your home or course folder.", str(existing))
    return out


def _make_out_dir(out: Path, out_dir) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise NotADirectoryError(
            f"out_dir {str(out_dir)!r} is (or is inside) a file, not a folder. Pass a folder "
            "path, e.g. out_dir='outputs'.") from None
    except OSError as exc:
        raise _os_exc(
            PermissionError, exc.errno,
            f"out_dir {str(out_dir)!r} cannot be created ({exc.strerror}). Pass a folder you "
            "can write to, e.g. out_dir='outputs'.", str(out)) from None


def _check_name(name):
    if name is None:
        return None
    if not isinstance(name, str) or not name.strip() or Path(name).name != name \
            or name.startswith("."):
        raise ValueError(f"name must be a plain file name without folders, e.g. "
                         f"'instruments_mfcc', got {name!r}; choose the folder with out_dir.")
    if name.lower().endswith(".npz"):  # "x.npz" means x.npz, not x.npz.npz
        name = name[:-4]
        if not name:
            raise ValueError("name '.npz' has no file name before the extension; e.g. 'mfcc'.")
    return name


def _no_segment_reason(r: dict, p: FeatureParams) -> str:
    need = p.min_fill * p.segment_s if p.remainder == "pad" else p.segment_s
    return (f"no segment: {r['duration_s']:.2f} s of audio, less than the {need:.2f} s a "
            f"segment needs (segment_s={p.segment_s:g}, remainder={p.remainder!r}, "
            f"min_fill={p.min_fill:g})")


def _summary_text(target: Path, root: Path, report: list[dict], n_segments: int,
                  label_names: list[str], seg_per_label: dict, limit: int = 20,
                  duplicates=()) -> str:
    by = {s: [e for e in report if e["status"] == s] for s in ("used", "skipped", "not audio")}
    lines = [f"{target.name}: {len(report)} file(s) under {str(root)!r}: {len(by['used'])} used "
             f"({n_segments} segments), {len(by['skipped'])} skipped, "
             f"{len(by['not audio'])} not audio."]
    shown = [e for e in report if e["status"] != "used" or e["reason"]]
    for e in shown[:limit]:
        lines.append(f"  {e['status']:<9} {e['file']}: {e['reason'] or 'used'}")
    if len(shown) > limit:
        lines.append(f"  ... and {len(shown) - limit} more: see result['report'] or "
                     "load_dataset(path)['report'].")
    empty = [n for n in label_names if not seg_per_label.get(n)]
    if empty:
        lines.append(f"  label(s) {empty} got NO segments: a class without examples cannot be "
                     "learned; fix the files listed above.")
    if duplicates:
        lines.append(f"  {len(duplicates)} group(s) of files with identical audio (SHA-256 of "
                     "the decoded samples), each kept in one split; remove the copies (under "
                     "two labels it is also a labelling error):")
        lines += ["    " + " = ".join(g) for g in duplicates[:limit]]
        if len(duplicates) > limit:
            lines.append(f"    ... and {len(duplicates) - limit} more: see result['duplicates'].")
    return "\n".join(lines)


def build_dataset(root=None, params=None, *, out_dir="outputs", name: str | None = None,
                  fractions=(0.7, 0.15, 0.15), seed: int = 0, standardise: bool = True,
                  n_jobs: int = -1, prefer: str = "threads", backend: str = "joblib",
                  scheduler=None, errors: str = "skip", progress: bool = True,
                  summary: bool = True) -> dict:
    """Folder of labelled clips -> one ``.npz`` in ``out_dir``; returns a summary dict.

    Steps: ``scan_folder``/``find_clips`` -> ``split_by_file`` -> per-file features
    (``backend="joblib"`` on ``n_jobs`` cores with ``prefer`` threads or processes, ``"dask"``
    on a Dask cluster (``scheduler``: a ``Client``, an address, or None for the active client;
    see ``extract_files_dask``), ``"serial"``) -> standardise with training statistics ->
    ``save_npz``.

    **Every file under the root is accounted for** in ``report`` (one dict per file: ``file``
    relative to the root, ``status`` ``"used"``/``"skipped"``/``"not audio"``, ``label``,
    ``segments``, ``reason``), printed as a summary (``summary=False`` to silence it), returned
    and stored in the ``.npz`` (``load_dataset(path)["report"]``). ``errors="skip"`` (default)
    builds from every usable file and reports the rest; ``errors="raise"`` (strict runs, CI)
    writes nothing and raises ``ValueError`` listing EVERY unusable audio file, those found
    while scanning (unsupported format, outside a label folder) and those found while decoding
    (unreadable, corrupt, over the load budget), with the reason, and every group of identical
    audio under different labels. Files too short for one segment follow the segmenting policy
    (counted, reported, not an error). A root with a single label folder is refused: a
    classifier needs at least two classes.

    **Duplicates**: the decoded samples of each file (mono, at ``params.sr``, float32) are
    hashed (SHA-256; not the file bytes, so the same audio saved as WAV and FLAC, or under two
    names, is found). Files with the same hash are kept in one split (``split_by_file``'s
    ``groups``), listed in ``result["duplicates"]`` (groups of paths relative to the root), in
    each one's ``report`` entry (``duplicates``: the other files; ``reason``) and in the
    summary; the same audio under two labels is also a labelling error, refused by
    ``errors="raise"``.

    Nothing of the build keeps running after it returns: joblib's process workers
    (``prefer="processes"``) are shut down, Dask's threaded scheduler gets a pool of its own
    that is closed, and the logging changes importing ``distributed`` makes are undone. A
    Dask ``Client``/cluster the caller passed (or made the default) is left as it was.

    Memory does not grow with the number of files: each file's audio lives only while its
    features are computed; features stream to a temporary file next to the output, are
    standardised in a second pass and written into the ``.npz`` piece by piece.

    The file holds, for each split ``s`` in train/val/test: ``X_s`` (segments, frames,
    coefficients), ``y_s`` (label index), ``file_s`` (index into ``files``), ``start_s_s``
    (segment start, seconds); and ``files``, ``file_labels``, ``file_split``, ``label_names``,
    ``mean``, ``std``, ``params_json``, ``counts_json``, ``report_json``. Same inputs ->
    byte-identical file, whatever the backend, ``n_jobs`` or machine.
    """
    import shutil

    p = _params(params)
    _check_fractions(fractions)
    if errors not in ("skip", "raise"):
        raise ValueError(f"errors must be 'skip' (build from the usable files and report the "
                         f"rest) or 'raise' (stop, listing every unusable file), got {errors!r}.")
    if backend not in ("joblib", "serial", "dask"):
        raise ValueError(f"backend must be 'joblib', 'dask' or 'serial', got {backend!r}.")
    name = _check_name(name)
    root = _check_root(root)
    entries = scan_folder(root)
    files, labels, names = _clips_from(_check_layout(entries, root))
    if len(names) < 2:
        raise ValueError(
            f"{str(root)!r} has a single label folder, {names[0]!r}: a classifier learns to "
            "tell classes apart, so it needs at least two. Add one folder per class "
            f"(root/{names[0]}/..., root/<other label>/...), or point root at the folder that "
            "holds the label folders."
        )
    out = _check_out_dir(out_dir, root)
    # fails fast: too few files per class
    split = split_by_file(labels, fractions, seed=seed, label_names=names)
    scan_problems = ([(e["file"], e["reason"]) for e in entries if e["status"] == "skipped"]
                     if errors == "raise" else [])
    if backend == "dask":
        _import_dask_bag()  # the install hint before any work
    rel = [f.relative_to(root).as_posix() for f in files]
    target = out / f"{name or root.name + '_' + p.feature}.npz"
    _make_out_dir(out, out_dir)
    _remove_stale(out, target.name)
    work = out / f".{target.name}.{_tmp_tag()}.build"
    work.mkdir()
    try:
        per_file: list[dict] = []
        n_total = 0
        paths = [str(f) for f in files]
        if backend == "dask":
            results = _iter_dask(paths, p, scheduler=scheduler)
        else:
            results = _iter_joblib(paths, p, n_jobs=1 if backend == "serial" else n_jobs,
                                   prefer=prefer, method="whole", func=_extract_or_error)
        with open(work / "features.f32", "wb") as raw, contextlib.closing(results), \
                _progress(len(files), progress) as bar:
            for r in results:
                if "error" in r:
                    per_file.append(dict(error=r["error"], n=0))
                else:
                    X = np.ascontiguousarray(r["X"], dtype=np.float32)
                    raw.write(X.data)
                    per_file.append(dict(start=n_total, n=X.shape[0], starts_s=r["starts_s"],
                                         counts=r["counts"], notes=r["notes"],
                                         duration_s=r["duration_s"], sha=r["audio_sha256"]))
                    n_total += X.shape[0]
                bar.update()
        failed = [(rel[i], r["error"]) for i, r in enumerate(per_file) if "error" in r]
        dup_groups = _duplicate_groups(per_file)
        across = [g for g in dup_groups if len({int(labels[i]) for i in g}) > 1]
        if errors == "raise" and (failed or scan_problems or across):
            raise ValueError(_strict_message(
                root, sorted(scan_problems + failed),
                [[f"{rel[i]} (label {names[labels[i]]!r})" for i in g] for g in across]))
        if dup_groups:  # the same recording in several files: one split for all of them
            groups = np.arange(len(files))
            for g in dup_groups:
                groups[g] = g[0]
            split = split_by_file(labels, fractions, seed=seed, label_names=names,
                                  groups=groups)
        arrays, counts, report = _assemble(work / "features.f32", n_total, per_file, files, rel,
                                           labels, names, split, entries, p, standardise,
                                           dup_groups)
        meta = dict(p.as_dict(), fractions=list(map(float, fractions)), seed=seed,
                    standardised=bool(standardise),
                    standardisation=("X = (raw - mean) / std per coefficient; mean, std over "
                                     "all frames of all training segments" if standardise
                                     else "none"),
                    layout="X_split: (segments, frames, coefficients); split by file",
                    label_rule="first folder level below the root is the label")
        arrays.update(
            files=np.array(rel), file_labels=labels, file_split=split,
            label_names=np.array(names),
            params_json=np.array(json.dumps(meta, sort_keys=True)),
            counts_json=np.array(json.dumps(counts, sort_keys=True)),
            report_json=np.array(json.dumps(report, sort_keys=True)),
        )
        path = save_npz(target, arrays)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    seg_per_label = {}
    for e in report:
        if e["status"] == "used":
            seg_per_label[e["label"]] = seg_per_label.get(e["label"], 0) + e["segments"]
    duplicates = [[rel[i] for i in g] for g in dup_groups]
    text = _summary_text(target, root, report, counts["segments"], names, seg_per_label,
                         duplicates=[[f"{rel[i]} ({names[labels[i]]})" for i in g]
                                     for g in dup_groups])
    if summary:
        print(text)
    return dict(path=path, counts=counts, params=meta, label_names=names,
                shapes={s: arrays[f"X_{s}"].shape for s in SPLITS}, report=report,
                duplicates=duplicates, summary=text)


class _NoBar:
    def update(self, n=1):
        pass


@contextlib.contextmanager
def _progress(total: int, show: bool):
    """A tqdm bar, or nothing at all (even a disabled tqdm bar starts tqdm's monitor thread,
    which would outlive the build)."""
    if not show:
        yield _NoBar()
        return
    from tqdm.auto import tqdm

    with tqdm(total=total, unit="file", desc="features") as bar:
        yield bar


def _duplicate_groups(per_file: list[dict]) -> list[list[int]]:
    """Indices of files with the same decoded audio (same SHA-256), groups of 2 or more, each
    sorted, in the order of their first file."""
    by_hash: dict = {}
    for i, r in enumerate(per_file):
        if "sha" in r:
            by_hash.setdefault(r["sha"], []).append(i)
    return [g for g in by_hash.values() if len(g) > 1]


def _strict_message(root: Path, problems: list[tuple[str, str]], across=(), limit: int = 30
                    ) -> str:
    lines = []
    if problems:
        lines.append(f"{len(problems)} audio file(s) under {str(root)!r} cannot be used "
                     "(errors='raise'; nothing was written):")
        lines += [f"  {f}: {why}" for f, why in problems[:limit]]
        if len(problems) > limit:
            lines.append(f"  ... and {len(problems) - limit} more.")
    if across:
        lines.append(f"{len(across)} group(s) of files under {str(root)!r} hold the same audio "
                     "(SHA-256 of the decoded samples) under different labels (errors='raise'; "
                     "nothing was written): one sound cannot be two classes, and copies would "
                     "leak between train and test:")
        lines += ["  " + " = ".join(g) for g in across[:limit]]
        lines.append("Remove the copies or move them to the right label folder.")
    lines.append("Fix or remove them, or build from the rest with errors='skip' (the default), "
                 "which lists them in the report.")
    return "\n".join(lines)


def _assemble(raw_path, n_total, per_file, files, rel, labels, names, split, entries, p,
              standardise, dup_groups=()):
    """Arrays (X as ``ChunkedArray`` over the raw feature file), counts and the report."""
    F, C = p.frames_per_segment, p.n_coefficients

    def read(a: int, b: int) -> np.ndarray:
        """Segments a..b-1 of the raw feature file (read, not memory-mapped: pages of a map
        would stay resident and make the peak memory grow with the dataset)."""
        with open(raw_path, "rb") as fh:
            fh.seek(a * F * C * 4)
            return np.fromfile(fh, dtype=np.float32, count=(b - a) * F * C).reshape(b - a, F, C)

    ok = [i for i, r in enumerate(per_file) if "error" not in r]
    counts = {k: 0 for k in ("files", "segments", "full", "padded", "dropped", "pad_samples",
                             "dropped_samples", "files_without_segments")}
    for i in ok:
        r = per_file[i]
        counts["files"] += 1
        counts["segments"] += r["n"]
        counts["files_without_segments"] += int(r["n"] == 0)
        for k in ("full", "padded", "dropped", "pad_samples", "dropped_samples"):
            counts[k] += r["counts"][k]

    def ranges(idx, step=1024):
        for i in idx:
            r = per_file[i]
            for a in range(r["start"], r["start"] + r["n"], step):
                yield a, min(a + step, r["start"] + r["n"])

    arrays = {}
    chosen = {}
    for s_idx, s_name in enumerate(SPLITS):
        chosen[s_name] = [i for i in ok if split[i] == s_idx and per_file[i]["n"]]
        n_s = sum(per_file[i]["n"] for i in chosen[s_name])
        counts[f"segments_{s_name}"] = n_s
        if n_s == 0:
            raise ValueError(f"the {s_name} split has no segments (all its files were shorter "
                             "than a segment, or could not be read). Use remainder='pad', "
                             "shorter segments, or more files.")
        arrays[f"y_{s_name}"] = np.concatenate(
            [np.full(per_file[i]["n"], labels[i], np.int64) for i in chosen[s_name]])
        arrays[f"file_{s_name}"] = np.concatenate(
            [np.full(per_file[i]["n"], i, np.int64) for i in chosen[s_name]])
        arrays[f"start_s_{s_name}"] = np.concatenate(
            [per_file[i]["starts_s"] for i in chosen[s_name]])
    if standardise:
        total, count = np.zeros(C), 0
        for a, b in ranges(chosen["train"]):
            total += read(a, b).sum(axis=(0, 1), dtype=np.float64)
            count += (b - a) * F
        mean64 = total / count
        sq = np.zeros(C)
        for a, b in ranges(chosen["train"]):
            sq += np.square(read(a, b).astype(np.float64) - mean64).sum(axis=(0, 1))
        std64 = np.sqrt(sq / count)
        mean = mean64.astype(np.float32)
        std = np.where(std64 > 0, std64, 1.0).astype(np.float32)
    else:
        mean, std = np.zeros(C, np.float32), np.ones(C, np.float32)

    def chunks(idx):
        def gen():
            for a, b in ranges(idx):
                block = read(a, b)
                yield (block - mean) / std if standardise else block
        return gen

    for s_name in SPLITS:
        n_s = counts[f"segments_{s_name}"]
        arrays[f"X_{s_name}"] = ChunkedArray((n_s, F, C), np.float32, chunks(chosen[s_name]))
    arrays.update(mean=mean, std=std)

    # the report: every file under the root
    index = {f: i for i, f in enumerate(rel)}
    twins = {i: [rel[j] for j in g if j != i] for g in dup_groups for i in g}
    report = []
    for e in entries:
        item = dict(file=e["file"], label=e["label"], status=e["status"], segments=0,
                    reason=e["reason"])
        if e["status"] == "audio":
            r = per_file[index[e["file"]]]
            if "error" in r:
                item.update(status="skipped", reason=r["error"])
            elif r["n"] == 0:
                item.update(status="skipped", reason=_no_segment_reason(r, p))
            else:
                notes = [*([e["reason"]] if e["reason"] else []), *r["notes"]]
                item.update(status="used", segments=int(r["n"]), reason="; ".join(notes))
            i = index[e["file"]]
            if i in twins:  # only for duplicates: ordinary builds keep their bytes
                item["duplicates"] = twins[i]
                item["reason"] = "; ".join(filter(None, [item["reason"], (
                    f"duplicate: the same audio as {', '.join(twins[i])} (SHA-256 of the "
                    "decoded samples); kept in the same split")]))
        report.append(item)
    counts["files_found"] = len(entries)
    counts["files_skipped"] = sum(e["status"] == "skipped" for e in report)
    counts["files_not_audio"] = sum(e["status"] == "not audio" for e in report)
    if dup_groups:  # only then: ordinary builds keep their bytes
        counts["duplicate_groups"] = len(dup_groups)
        counts["duplicate_files"] = sum(len(g) for g in dup_groups)
    return arrays, counts, report
