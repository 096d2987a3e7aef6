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

Duplicates (leakage): files whose decoded audio (mono, resampled to ``params.sr``, float32:
the samples the features are computed from) has the same SHA-256 are one recording: the report
lists them, ``split_by_file`` keeps them in one split, and ``errors="raise"`` refuses the same
audio under two labels. (``build_dataset`` hashes the audio of the files whose features are
identical, the only ones that can be copies; ``extract_file`` returns every file's hash.)

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

Modules, one job each: ``params`` (``FeatureParams``), ``scan`` (the folder, the labels),
``compute`` (segments and features of one clip, ``extract_file``), ``run`` (joblib and Dask
executors), ``split`` (split by file, standardiser), ``store`` (``save_npz``, ``load_dataset``),
``build`` (``build_dataset``). Import from ``helpers.dataset``: the names below are the API.

Used by: 06_dataset_for_deep_learning, benchmarks/extract.py.
"""

from __future__ import annotations

from ..formats import AUDIO_SUFFIXES
from .build import build_dataset
from .compute import (
    cut_segments,
    extract_file,
    features_per_segment,
    features_whole_clip,
    segment_plan,
)
from .params import FEATURES, SPLITS, TOP_DB, FeatureParams
from .run import DASK_INSTALL, dask_worker_config, extract_files, extract_files_dask
from .run import _loky_running as _loky_running  # tests: no process pool outlives a build
from .run import _shutdown_loky as _shutdown_loky
from .scan import find_clips, scan_folder
from .split import fit_standardiser, split_by_file
from .store import ChunkedArray, load_dataset, save_npz

__all__ = [
    "AUDIO_SUFFIXES",
    "DASK_INSTALL",
    "FEATURES",
    "SPLITS",
    "TOP_DB",
    "ChunkedArray",
    "FeatureParams",
    "scan_folder",
    "find_clips",
    "cut_segments",
    "segment_plan",
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
