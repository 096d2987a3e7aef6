"""``build_dataset``: scan -> split -> features (streamed to a temporary file) -> standardise ->
one ``.npz``, with a report on every file under the root."""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import json
import os
from pathlib import Path

import numpy as np

from ..audio import os_exc
from ..data import data_dir, shipped_data_dir
from .compute import _audio_sha256_or_error, _extract_for_build
from .params import SPLITS, FeatureParams, _params
from .run import _import_dask_bag, _progress, _results
from .scan import _check_layout, _check_root, _clips_from, scan_folder
from .split import _check_fractions, split_by_file
from .store import ChunkedArray, _remove_stale, _tmp_tag, save_npz


def _check_out_dir(out_dir, root: Path) -> Path:
    if not isinstance(out_dir, (str, os.PathLike)):
        raise TypeError(f"out_dir must be a folder path such as 'outputs', got "
                        f"{type(out_dir).__name__}.")
    out = Path(out_dir).expanduser().resolve()
    forbidden = [root.resolve(), shipped_data_dir()]  # the shipped folder, even when
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
        raise os_exc(
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
        raise os_exc(
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

    **Duplicates**: files whose decoded samples (mono, at ``params.sr``, float32) have the
    same SHA-256 are one recording (not the file bytes, so the same audio saved as WAV and
    FLAC, or under two names, is found); only files whose features are identical can be, so
    only those are decoded again and hashed. Files with the same hash are kept in one split
    (``split_by_file``'s
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
        results = _results(paths, p, backend=backend, n_jobs=n_jobs, prefer=prefer,
                           scheduler=scheduler, func=_extract_for_build)
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
                                         duration_s=r["duration_s"], key=r["features_key"]))
                    n_total += X.shape[0]
                bar.update()
        failed = [(rel[i], r["error"]) for i, r in enumerate(per_file) if "error" in r]
        dup_groups = _duplicate_groups(per_file, lambda idx: _audio_hashes(
            [paths[i] for i in idx], p, backend=backend, n_jobs=n_jobs, scheduler=scheduler))
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
        first = _FirstPass(raw_path=work / "features.f32", per_file=per_file, rel=rel,
                           labels=labels, split=split, entries=entries, dup_groups=dup_groups)
        arrays, counts, report = _assemble(first, p, standardise=standardise)
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


def _duplicate_groups(per_file: list[dict], audio_hashes) -> list[list[int]]:
    """Indices of files with the same decoded audio (same SHA-256), groups of 2 or more, each
    sorted, in the order of their first file.

    Identical audio has identical features, so only files with the same ``key`` (number of
    samples + SHA-256 of the features, see ``compute._extract``) can be duplicates: only
    those are decoded again and their audio hashed (``audio_hashes(indices)`` -> one SHA-256
    or None per index); an ordinary dataset has none, and pays for no audio hash."""
    by_key: dict = {}
    for i, r in enumerate(per_file):
        if "key" in r:
            by_key.setdefault(r["key"], []).append(i)
    candidates = [i for g in by_key.values() if len(g) > 1 for i in g]
    if not candidates:
        return []
    by_hash: dict = {}
    for i, sha in zip(candidates, audio_hashes(candidates), strict=True):
        if sha is not None:  # unreadable since the first pass: not known to be a copy
            by_hash.setdefault(sha, []).append(i)
    return sorted((sorted(g) for g in by_hash.values() if len(g) > 1), key=lambda g: g[0])


def _audio_hashes(paths: list[str], p: FeatureParams, *, backend: str, n_jobs: int,
                  scheduler) -> list:
    """SHA-256 of the decoded audio of ``paths`` (None for a file that cannot be read now),
    on the build's Dask cluster when it has one (the files may be readable only there), else
    on ``n_jobs`` threads here (decoding and hashing release the GIL; no process pool is
    started for what are usually few files)."""
    results = _results(paths, p, backend=backend, n_jobs=n_jobs, prefer="threads",
                       scheduler=scheduler, func=_audio_sha256_or_error)
    with contextlib.closing(results):
        return [r.get("audio_sha256") for r in results]


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


@dataclasses.dataclass(frozen=True)
class _FirstPass:
    """What the feature pass of a build produced, and what the report needs about the files.

    raw_path : the features of every usable file, float32, one file after the other.
    per_file : one record per file (in the order of ``rel``): ``start`` (its first segment in
        ``raw_path``), ``n`` (segments), ``starts_s``, ``counts``, ``notes``, ``duration_s``,
        ``key`` (``compute._extract``'s ``features_key``); or ``error`` (and ``n=0``) for a
        file that could not be used.
    rel, labels, split : per file, its path relative to the root, label index, split (0/1/2).
    entries : ``scan_folder``'s entries (every file under the root).
    dup_groups : indices of files with identical audio (``_duplicate_groups``).
    """

    raw_path: Path
    per_file: list
    rel: list
    labels: np.ndarray
    split: np.ndarray
    entries: list
    dup_groups: list = dataclasses.field(default_factory=list)


def _assemble(first: _FirstPass, p: FeatureParams, *, standardise: bool):
    """Arrays (X as ``ChunkedArray`` over the raw feature file), counts and the report."""
    raw_path, per_file, rel, labels = first.raw_path, first.per_file, first.rel, first.labels
    split, entries, dup_groups = first.split, first.entries, first.dup_groups
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
