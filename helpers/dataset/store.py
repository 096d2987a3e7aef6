"""Crash-safe ``.npz`` writing (deterministic bytes, atomic rename, piece by piece) and reading."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import numpy as np


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

