"""Turn a labelled folder of clips into arrays a network can learn from (notebook 06).

The pipeline, one plain function per step::

    files, labels, names = find_clips(root)            # label/clip.wav layout
    params = FeatureParams(segment_s=1.0)              # every setting, recorded with the data
    per_file = extract_files(files, params)            # load once, segment, MFCC / log-mel
    split = split_by_file(labels, (0.7, 0.15, 0.15))   # by FILE, never by segment
    mean, std = fit_standardiser(X_train)              # training statistics only
    save_npz(path, arrays)                             # deterministic bytes, atomic rename

``build_dataset`` runs all of it and writes one ``.npz``; ``load_dataset`` reads it back.

Segmenting policy (never silent): a clip of ``n`` samples gives ``n // L`` full segments of
``L`` samples; the remainder (and a clip shorter than one segment) is **padded** with zeros at
the end when ``remainder="pad"`` and it covers at least ``min_fill`` of a segment, otherwise it
is **dropped**. Every padded segment, dropped remainder and padded/dropped sample is counted.

Framing uses ``center=False``: every STFT frame lies entirely inside its segment, so a segment of
``L`` samples always has ``1 + (L - n_fft) // hop_length`` frames and no frame mixes two segments
or sees artificial padding. That is what makes the fast path exact: the clip is loaded once,
its mel spectrogram is computed once for the whole clip and sliced per segment (when ``L`` is a
multiple of the hop), or for all segments stacked in one batched pass (otherwise), with the mel
filterbank built once per setting, instead of one ``librosa.load`` + ``librosa.feature.mfcc``
call per segment. ``features_per_segment`` (plain librosa, one call per segment) is the
reference the tests compare against.

Used by: 06_dataset_for_deep_learning, benchmarks/extract.py.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import json
import numbers
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from .validate import check_mel_params, check_positive_int, check_signal, check_sr

__all__ = [
    "AUDIO_SUFFIXES",
    "FEATURES",
    "SPLITS",
    "FeatureParams",
    "find_clips",
    "cut_segments",
    "features_per_segment",
    "features_whole_clip",
    "extract_file",
    "extract_files",
    "extract_files_dask",
    "split_by_file",
    "fit_standardiser",
    "build_dataset",
    "save_npz",
    "load_dataset",
]

AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".mp3")
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
# 1. find the clips
# ---------------------------------------------------------------------------------------------
def find_clips(root=None) -> tuple[list[Path], np.ndarray, list[str]]:
    """Walk a labelled folder ``root/label/clip.wav``; return ``files, labels, label_names``.

    ``root`` defaults to the shipped labelled set (``helpers.data.labelled_dir()``). Files and
    labels are sorted, so the result does not depend on the file system's listing order.
    ``labels[i]`` is the index of ``files[i]``'s folder in ``label_names``.
    """
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
    label_dirs = sorted(d for d in root.iterdir() if d.is_dir() and not d.name.startswith("."))
    per_label = {
        d.name: sorted(f for f in d.iterdir()
                       if f.is_file() and f.suffix.lower() in AUDIO_SUFFIXES)
        for d in label_dirs
    }
    if not any(per_label.values()):
        loose = [f.name for f in root.iterdir() if f.suffix.lower() in AUDIO_SUFFIXES]
        hint = (f" It holds audio files directly ({loose[0]!r}...): move them into one "
                "sub-folder per label." if loose else "")
        raise ValueError(
            f"No audio ({', '.join(AUDIO_SUFFIXES)}) found in label sub-folders of {str(root)!r}."
            f"{hint} Expected root/label/clip.wav."
        )
    empty = [name for name, fs in per_label.items() if not fs]
    if empty:
        raise ValueError(
            f"Label folder(s) {empty} in {str(root)!r} hold no audio clips. Add clips or remove "
            "the empty folder(s): a class without examples cannot be learned or split."
        )
    names = sorted(per_label)
    files = [f for name in names for f in per_label[name]]
    labels = np.array([i for i, name in enumerate(names) for _ in per_label[name]], dtype=np.int64)
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
    n_full, rest = divmod(y.size, L)
    keep_rest = rest > 0 and remainder == "pad" and rest >= min_fill * L
    n = n_full + int(keep_rest)
    segments = np.zeros((n, L), dtype=y.dtype)
    segments[:n_full] = y[: n_full * L].reshape(n_full, L)
    if keep_rest:
        segments[n_full, :rest] = y[n_full * L:]
    counts = dict(
        full=n_full,
        padded=int(keep_rest),
        dropped=int(rest > 0 and not keep_rest),
        pad_samples=int(L - rest) if keep_rest else 0,
        dropped_samples=0 if keep_rest else int(rest),
    )
    return segments, np.arange(n, dtype=np.int64) * L, counts


# ---------------------------------------------------------------------------------------------
# 3. features: slow per-segment reference and the fast whole-clip version
# ---------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=8)
def _mel_basis(sr: int, n_fft: int, n_mels: int, fmin: float, fmax) -> np.ndarray:
    """librosa's mel filterbank (n_mels, 1 + n_fft // 2), built once per setting: building it
    costs about as much as the STFT of a 3 s segment, and librosa rebuilds it on every call."""
    import librosa

    basis = librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax)
    basis.setflags(write=False)
    return basis


@functools.lru_cache(maxsize=8)
def _hann(n_fft: int) -> np.ndarray:
    import scipy.signal

    w = scipy.signal.get_window("hann", n_fft, fftbins=True).astype(np.float32)
    w.setflags(write=False)
    return w


def _mel_power_frames(y, p: FeatureParams, block: int = 128) -> np.ndarray:
    """Mel power ``(..., frames, n_mels)`` of ``y`` (``(..., samples)``), ``center=False``.

    The same numbers as ``librosa.feature.melspectrogram(center=False)`` (transposed), computed
    in one pass: frames are a strided view (no copy), times the Hann window, a real FFT,
    ``|X|^2``, and a matrix product with the cached filterbank, ``block`` frames at a time so
    the temporaries stay in the CPU cache.
    """
    import scipy.fft

    frames = np.lib.stride_tricks.sliding_window_view(y, p.n_fft, axis=-1)[..., :: p.hop_length, :]
    basis_t = _mel_basis(p.sr, p.n_fft, p.n_mels, p.fmin, p.fmax).T
    window = _hann(p.n_fft)
    out = np.empty(frames.shape[:-1] + (p.n_mels,), dtype=np.float32)
    for lead in np.ndindex(frames.shape[:-2]):
        fr, dst = frames[lead], out[lead]
        for i in range(0, fr.shape[0], block):
            spec = scipy.fft.rfft(fr[i: i + block] * window, axis=-1)
            power = np.square(spec.real)
            power += np.square(spec.imag)
            np.matmul(power, basis_t, out=dst[i: i + block])
    return out


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
    ``counts`` of ``cut_segments``. When the segment length is a multiple of the hop, the mel
    spectrogram of the (padded) whole clip is computed once and sliced at each segment's first
    frame; otherwise all segments are stacked and framed in one batched pass. Then dB
    (``top_db=80`` per segment, as the reference does) and the DCT run on all segments at once.
    Matches ``features_per_segment`` to float32 rounding: observed <= 1e-3 on values up to ~600
    (MFCC) or dB (log-mel); the tests allow an absolute 1e-2.
    """
    import scipy.fft

    p = _params(params)
    L, hop, F = p.segment_samples, p.hop_length, p.frames_per_segment
    segments, starts, counts = cut_segments(y, L, remainder=p.remainder, min_fill=p.min_fill)
    n = segments.shape[0]
    if n == 0:
        return np.zeros((0, F, p.n_coefficients), np.float32), starts, counts
    if L % hop == 0:  # frames of the whole clip, sliced at each segment's first frame
        mel_all = _mel_power_frames(segments.reshape(-1), p)  # (frames of the clip, n_mels)
        mel = np.stack([mel_all[s: s + F] for s in starts // hop])
    else:  # segment starts fall between hops: frame all segments at once instead
        mel = _mel_power_frames(segments, p)  # (n, F, n_mels)
    db = 10.0 * np.log10(np.maximum(mel, 1e-10))
    db = np.maximum(db, db.max(axis=(1, 2), keepdims=True) - TOP_DB)
    if p.feature == "mfcc":
        db = scipy.fft.dct(db, axis=-1, type=2, norm="ortho")[..., : p.n_mfcc]
    return np.ascontiguousarray(db, dtype=np.float32), starts, counts


def extract_file(path, params=None, *, method: str = "whole") -> dict:
    """The per-file job (same function for serial, joblib and Dask): load, segment, features.

    Returns ``{"path", "X" (segments, frames, coefficients), "starts_s", "counts",
    "duration_s"}``. ``method="per-segment"`` uses the slow reference instead.
    """
    from .audio import load

    p = _params(params)
    y, _ = load(path, sr=p.sr, mono=True)
    if method == "whole":
        X, starts, counts = features_whole_clip(y, p)
    elif method == "per-segment":
        segs, starts, counts = cut_segments(y, p.segment_samples, remainder=p.remainder,
                                            min_fill=p.min_fill)
        X = features_per_segment(segs, p) if len(segs) else np.zeros(
            (0, p.frames_per_segment, p.n_coefficients), np.float32)
    else:
        raise ValueError(f"method must be 'whole' or 'per-segment', got {method!r}.")
    return dict(path=str(path), X=X, starts_s=starts / p.sr, counts=counts,
                duration_s=y.size / p.sr)


def extract_files(files, params=None, *, n_jobs: int = -1, prefer: str = "threads",
                  progress: bool = True, method: str = "whole") -> list[dict]:
    """``extract_file`` on every file, in parallel on all cores (joblib), in file order.

    ``n_jobs=-1`` uses every core, ``1`` runs serially. ``prefer="threads"`` (default) starts
    instantly and scales because decoding, FFT and matrix products release the GIL;
    ``"processes"`` (joblib's loky) also parallelises the Python parts but first spends a few
    seconds starting workers that import librosa: worth it for thousands of files. Matrix
    products use one BLAS thread per job, so the bytes do not depend on ``n_jobs`` or ``prefer``
    (several BLAS threads may sum in another order). A tqdm bar counts finished files.
    """
    from joblib import Parallel, delayed, parallel_config
    from threadpoolctl import threadpool_limits
    from tqdm.auto import tqdm

    p = _params(params)
    files = [str(f) for f in files]
    if not files:
        raise ValueError("no files to extract: the list is empty.")
    if prefer not in ("threads", "processes"):
        raise ValueError(f"prefer must be 'threads' or 'processes', got {prefer!r}.")
    config = (parallel_config(backend="loky", inner_max_num_threads=1) if prefer == "processes"
              else parallel_config(backend="threading"))
    bar = tqdm(total=len(files), unit="file", desc="features", disable=not progress)
    out = []
    try:
        with threadpool_limits(limits=1), config:
            if n_jobs == 1:
                jobs = (extract_file(f, p, method=method) for f in files)
            else:
                jobs = Parallel(n_jobs=n_jobs, return_as="generator")(
                    delayed(extract_file)(f, p, method=method) for f in files)
            for r in jobs:
                out.append(r)
                bar.update()
    finally:
        bar.close()
    return out


def extract_files_dask(files, params=None, *, npartitions: int | None = None) -> list[dict]:
    """``extract_file`` on every file with ``dask.bag``: unchanged code, any Dask scheduler.

    With a ``dask.distributed.Client`` active (a ``LocalCluster`` here, or a real cluster via
    ``Client("tcp://scheduler:8786")``) the work runs on its workers; the files must be readable
    from the workers (shared or object storage). Results come back in file order. Worker
    processes started by Dask's nanny already use one BLAS thread (OPENBLAS/OMP_NUM_THREADS=1).
    """
    import dask.bag as db

    p = _params(params)
    files = [str(f) for f in files]
    if not files:
        raise ValueError("no files to extract: the list is empty.")
    from threadpoolctl import threadpool_limits

    bag = db.from_sequence(files, npartitions=npartitions or min(len(files), 32))
    with threadpool_limits(limits=1):  # one BLAS thread, as in extract_files (same bytes)
        return bag.map(extract_file, params=p).compute()


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


def split_by_file(labels, fractions=(0.7, 0.15, 0.15), *, seed: int = 0) -> np.ndarray:
    """Assign each FILE to a split (0 train, 1 val, 2 test), stratified by label.

    All segments of a file go to that file's split, so no recording is on both sides (no
    leakage). Per class, files are shuffled with ``numpy.random.default_rng(seed)`` and
    ``round(fraction * n)`` files go to val and test, the rest to train.
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError("labels must be a non-empty 1-D array with one label per file.")
    fr = _check_fractions(fractions)
    rng = np.random.default_rng(seed)
    split = np.empty(labels.size, dtype=np.int64)
    for lab in np.unique(labels):
        idx = np.flatnonzero(labels == lab)
        n = idx.size
        n_val, n_test = int(round(fr[1] * n)), int(round(fr[2] * n))
        if n_val < 1 or n_test < 1 or n - n_val - n_test < 1:
            raise ValueError(
                f"label {lab.item()!r} has only {n} file(s): with fractions {fr} that gives "
                f"{n - n_val - n_test} train / {n_val} val / {n_test} test files. Every split "
                "needs at least one file per class: add files or change the fractions."
            )
        perm = idx[rng.permutation(n)]
        split[perm[:n_val]] = 1
        split[perm[n_val: n_val + n_test]] = 2
        split[perm[n_val + n_test:]] = 0
    return split


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
def save_npz(path, arrays: dict) -> Path:
    """Write ``arrays`` to ``path`` as an uncompressed ``.npz``: byte-identical for equal input
    (fixed zip timestamps, sorted names) and atomic (temp file in the same folder, then rename),
    so a crash never leaves a half-written dataset. Readable with ``np.load(path)``."""
    path = Path(path)
    if path.suffix != ".npz":
        raise ValueError(f"the output file must end in .npz, got {path.name!r}.")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED) as zf:
                for name in sorted(arrays):
                    buf = io.BytesIO()
                    np.lib.format.write_array(buf, np.asarray(arrays[name]), allow_pickle=False)
                    info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
                    info.external_attr = 0o644 << 16
                    zf.writestr(info, buf.getvalue())
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it private (0600); a dataset is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def load_dataset(path) -> dict:
    """Read a dataset written by ``build_dataset``: arrays, plus ``params`` and ``counts`` dicts
    and ``label_names`` as a list. No pickle involved."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No dataset file {str(path)!r}; build one with "
                                "helpers.dataset.build_dataset().")
    with np.load(path, allow_pickle=False) as z:
        out = {k: z[k] for k in z.files}
    out["params"] = json.loads(str(out.pop("params_json")))
    out["counts"] = json.loads(str(out.pop("counts_json")))
    out["label_names"] = [str(s) for s in out["label_names"]]
    return out


def _check_out_dir(out_dir, root: Path) -> Path:
    from .data import data_dir

    out = Path(out_dir).expanduser().resolve()
    forbidden = [root.resolve()]
    try:
        forbidden.append(data_dir().resolve())
    except FileNotFoundError:
        pass
    for f in forbidden:
        if out == f or out.is_relative_to(f):
            raise ValueError(
                f"out_dir {str(out)!r} is inside {str(f)!r}: never write outputs into data/ or "
                "next to the input clips. Use e.g. out_dir='outputs'."
            )
    return out


def build_dataset(root=None, params=None, *, out_dir="outputs", name: str | None = None,
                  fractions=(0.7, 0.15, 0.15), seed: int = 0, standardise: bool = True,
                  n_jobs: int = -1, prefer: str = "threads", backend: str = "joblib",
                  progress: bool = True) -> dict:
    """Folder of labelled clips -> one ``.npz`` in ``out_dir``; returns a summary dict.

    Steps: ``find_clips`` -> ``split_by_file`` -> per-file features (``backend="joblib"`` on
    ``n_jobs`` cores with ``prefer`` threads or processes, ``"dask"`` on the active Dask client/scheduler, ``"serial"``) ->
    standardise with training statistics -> ``save_npz``. The file holds, for each split
    ``s`` in train/val/test: ``X_s`` (segments, frames, coefficients), ``y_s`` (label index),
    ``file_s`` (index into ``files``), ``start_s_s`` (segment start, seconds); and ``files``,
    ``file_labels``, ``file_split``, ``label_names``, ``mean``, ``std``, ``params_json``,
    ``counts_json``. Same inputs -> byte-identical file.
    """
    p = _params(params)
    _check_fractions(fractions)
    if name is not None and (not isinstance(name, str) or not name or Path(name).name != name
                             or name.startswith(".")):
        raise ValueError(f"name must be a plain file name without folders, e.g. "
                         f"'instruments_mfcc', got {name!r}; choose the folder with out_dir.")
    files, labels, names = find_clips(root)
    root_path = files[0].parent.parent
    out = _check_out_dir(out_dir, root_path)
    split = split_by_file(labels, fractions, seed=seed)
    if backend == "joblib":
        per_file = extract_files(files, p, n_jobs=n_jobs, prefer=prefer, progress=progress)
    elif backend == "serial":
        per_file = extract_files(files, p, n_jobs=1, progress=progress)
    elif backend == "dask":
        per_file = extract_files_dask(files, p)
    else:
        raise ValueError(f"backend must be 'joblib', 'dask' or 'serial', got {backend!r}.")

    counts = {k: 0 for k in ("files", "segments", "full", "padded", "dropped", "pad_samples",
                             "dropped_samples", "files_without_segments")}
    for r in per_file:
        counts["files"] += 1
        counts["segments"] += r["X"].shape[0]
        counts["files_without_segments"] += int(r["X"].shape[0] == 0)
        for k in ("full", "padded", "dropped", "pad_samples", "dropped_samples"):
            counts[k] += r["counts"][k]
    arrays = {}
    for s_idx, s_name in enumerate(SPLITS):
        chosen = [i for i in range(len(files)) if split[i] == s_idx]
        X = [per_file[i]["X"] for i in chosen]
        arrays[f"X_{s_name}"] = (np.concatenate(X) if X else
                                 np.zeros((0, p.frames_per_segment, p.n_coefficients), np.float32))
        arrays[f"y_{s_name}"] = np.concatenate(
            [np.full(per_file[i]["X"].shape[0], labels[i], np.int64) for i in chosen])
        arrays[f"file_{s_name}"] = np.concatenate(
            [np.full(per_file[i]["X"].shape[0], i, np.int64) for i in chosen])
        arrays[f"start_s_{s_name}"] = np.concatenate([per_file[i]["starts_s"] for i in chosen])
        counts[f"segments_{s_name}"] = int(arrays[f"X_{s_name}"].shape[0])
        if arrays[f"X_{s_name}"].shape[0] == 0:
            raise ValueError(f"the {s_name} split has no segments (all its files were shorter "
                             "than a segment and dropped). Use remainder='pad' or shorter segments.")
    if standardise:
        mean, std = fit_standardiser(arrays["X_train"])
        for s_name in SPLITS:
            arrays[f"X_{s_name}"] = ((arrays[f"X_{s_name}"] - mean) / std).astype(np.float32)
    else:
        mean = np.zeros(p.n_coefficients, np.float32)
        std = np.ones(p.n_coefficients, np.float32)
    meta = dict(p.as_dict(), fractions=list(map(float, fractions)), seed=seed,
                standardised=bool(standardise),
                standardisation=("X = (raw - mean) / std per coefficient; mean, std over all "
                                 "frames of all training segments" if standardise else "none"),
                layout="X_split: (segments, frames, coefficients); split by file")
    arrays.update(
        files=np.array([f.relative_to(root_path).as_posix() for f in files]),
        file_labels=labels, file_split=split, label_names=np.array(names),
        mean=mean, std=std,
        params_json=np.array(json.dumps(meta, sort_keys=True)),
        counts_json=np.array(json.dumps(counts, sort_keys=True)),
    )
    name = name or f"{root_path.name}_{p.feature}"
    path = save_npz(out / f"{name}.npz", arrays)  # name was checked at the start
    return dict(path=path, counts=counts, params=meta, label_names=names,
                shapes={s: arrays[f"X_{s}"].shape for s in SPLITS})
