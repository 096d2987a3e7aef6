"""Progress a learner can see: every verdict of a check, kept in one small local JSON file.

Each time a check runs, its verdict (exercise id, status, time, and the mistake id when wrong)
is appended to ``~/.audio_course/progress.json``; :func:`progress` shows every notebook's
exercises as ✅ (the last verdict was correct), ❌ (tried, not correct yet) or ⏳ (not tried,
or still the placeholder), and says where the file is.

* ``AUDIO_COURSE_PROGRESS`` overrides the place: a file path, or ``off`` to record nothing.
  The test suite points it at a temporary file, so a test never touches the real one.
* The file is never written inside the course's ``data/`` folder, nothing is sent anywhere,
  and the solutions notebooks (``expect_all_correct``) record nothing.
* The file may be deleted at any time: the course starts a new one. A file that cannot be read
  (edited by hand, cut short) is set aside as ``progress.json.bad`` and a new one started.
  Recording never makes a check fail: if the file cannot be written, the verdict still shows.

The list of exercises per notebook comes from the check modules themselves (``ex01`` ...
``ex06``: their declarative specs and their ``check_*`` functions' ``exercise_id``), never
from a copy; notebook titles come from ``course.toml``.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import html
import json
import os
import re
import tempfile
from pathlib import Path

from . import _core

__all__ = ["progress", "progress_path", "record", "exercises_by_notebook", "Progress"]

ENV = "AUDIO_COURSE_PROGRESS"
_OFF = {"off", "0", "no", "none", "false"}
_ROOT = Path(__file__).resolve().parents[2]  # the course checkout (helpers/..)
_KEEP = 2000  # verdicts kept in the file (the oldest go first)
_SYMBOL = {"correct": "✅", "wrong": "❌", "todo": "⏳"}


def default_path() -> Path:
    return Path.home() / ".audio_course" / "progress.json"


def progress_path() -> Path | None:
    """Where verdicts are recorded (None when ``AUDIO_COURSE_PROGRESS=off``). Raises
    ``ValueError`` for a place inside the course's ``data/`` folder."""
    value = os.environ.get(ENV, "").strip()
    if value.lower() in _OFF:
        return None
    path = Path(value).expanduser() if value else default_path()
    data = (_ROOT / "data").resolve()
    resolved = path.resolve()
    if resolved == data or data in resolved.parents:
        raise ValueError(f"{ENV}={value!r} is inside the course's data/ folder; the progress "
                         "file must live elsewhere (the default is ~/.audio_course/).")
    return path


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def _load(path: Path) -> dict:
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {"version": 1, "verdicts": []}
    try:
        data = json.loads(raw)
        if not isinstance(data, dict) or not isinstance(data.get("verdicts"), list):
            raise ValueError("not a progress file")
        return data
    except ValueError:
        with contextlib.suppress(OSError):
            os.replace(path, path.with_name(path.name + ".bad"))
        return {"version": 1, "verdicts": []}


def record(exercise_id: str, status: str, mistake: str = "") -> Path | None:
    """Append one verdict to the progress file (returns its path, or None when off or when it
    could not be written: recording never breaks a check)."""
    try:
        path = progress_path()
    except ValueError:
        return None
    if path is None:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = _load(path)
        entry = {"exercise": exercise_id, "status": status, "time": _now()}
        if mistake:
            entry["mistake"] = mistake
        data["verdicts"] = (data["verdicts"] + [entry])[-_KEEP:]
        data["version"] = 1
        data["note"] = ("Your audio-course exercise verdicts, kept only on this computer. "
                        "Delete this file to start over.")
        fd, tmp = tempfile.mkstemp(prefix=".progress-", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, path)
    except OSError:
        return None
    return path


# ------------------------------------------------------------------------------ the list
def _natural(key: str):
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", key)]


def exercises_by_notebook() -> dict[str, list[tuple[str, str]]]:
    """``{"01": [("01.1", "duration_s"), ...], ...}`` from the check modules: the declarative
    specs they define and the ``exercise_id`` of their ``check_*`` functions."""
    import importlib
    import pkgutil

    from . import _spec

    found: dict[str, dict[str, str]] = {}
    package = Path(__file__).parent
    for info in pkgutil.iter_modules([str(package)]):
        if not re.fullmatch(r"ex\d\d", info.name):
            continue
        module = importlib.import_module(f"{__package__}.{info.name}")
        for name in getattr(module, "__all__", []):
            fn = getattr(module, name, None)
            ex_id = getattr(fn, "exercise_id", None)
            if isinstance(ex_id, str):
                found.setdefault(ex_id, name.removeprefix("check_"))
        for value in vars(module).values():
            if isinstance(value, (_spec.FunctionExercise, _spec.ValueExercise)):
                title = getattr(value, "name", "") or getattr(value, "what", "")
                found.setdefault(value.id, title)
    by_nb: dict[str, list[tuple[str, str]]] = {}
    for ex_id in sorted(found, key=_natural):
        by_nb.setdefault(ex_id.split(".")[0], []).append((ex_id, found[ex_id]))
    return by_nb


if record not in _core.VERDICT_LISTENERS:
    _core.VERDICT_LISTENERS.append(record)


def _titles() -> dict[str, str]:
    try:
        import tomllib

        course = tomllib.loads((_ROOT / "course.toml").read_text(encoding="utf-8"))
        return {nb["id"]: nb.get("title", "") for nb in course.get("notebook", [])}
    except (OSError, ValueError, KeyError, ImportError):
        return {}


# ------------------------------------------------------------------------------ the view
class Progress:
    """What :func:`progress` shows: text in a console, a table in Jupyter."""

    def __init__(self, rows: dict[str, list[dict]], titles: dict[str, str], path, note=""):
        self.rows, self.titles, self.path, self.note = rows, titles, path, note

    def status(self, exercise_id: str) -> str:
        for rows in self.rows.values():
            for r in rows:
                if r["id"] == exercise_id:
                    return r["state"]
        raise KeyError(exercise_id)

    def _where(self) -> str:
        if self.note:
            return self.note
        return (f"Saved on this computer only, in {self.path}. You may delete that file at any "
                "time to start over.")

    def _count(self, rows) -> str:
        n = {s: sum(r["state"] == s for r in rows) for s in _SYMBOL}
        return f"{_SYMBOL['correct']} {n['correct']} · {_SYMBOL['wrong']} {n['wrong']} · " \
               f"{_SYMBOL['todo']} {n['todo']}"

    def text(self) -> str:
        lines = []
        for nb, rows in self.rows.items():
            lines.append(f"{nb} {self.titles.get(nb, '')}: {self._count(rows)}".rstrip())
            for r in rows:
                when = f"  ({r['time'][:16].replace('T', ' ')} UTC)" if r["time"] else ""
                lines.append(f"  {_SYMBOL[r['state']]} {r['id']:<6} {r['name']}{when}")
        lines.append(self._where())
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        parts = ["<div class='audio-course-progress'>"]
        for nb, rows in self.rows.items():
            parts.append(f"<p style='margin:4px 0'><b>{html.escape(nb)} "
                         f"{html.escape(self.titles.get(nb, ''))}</b> {self._count(rows)}</p>")
            parts.append("<table style='margin:0 0 6px 12px'>")
            for r in rows:
                when = r["time"][:16].replace("T", " ") + " UTC" if r["time"] else ""
                parts.append(f"<tr><td>{_SYMBOL[r['state']]}</td><td>{html.escape(r['id'])}"
                             f"</td><td><code>{html.escape(r['name'])}</code></td>"
                             f"<td style='color:#57606a'>{html.escape(when)}</td></tr>")
            parts.append("</table>")
        parts.append(f"<p style='color:#57606a'>{html.escape(self._where())}</p></div>")
        return "".join(parts)


def _notebook_id(notebook) -> str:
    if isinstance(notebook, int):
        return f"{notebook:02d}"
    m = re.match(r"\s*(\d{1,2})", str(notebook))
    if not m:
        raise ValueError(f"progress() wants a notebook like '03' or 3, not {notebook!r}")
    return f"{int(m.group(1)):02d}"


def progress(notebook=None) -> Progress:
    """Every notebook's exercises with ✅ / ❌ / ⏳ (``progress("03")``: one notebook)."""
    listing = exercises_by_notebook()
    if notebook is not None:
        nb = _notebook_id(notebook)
        if nb not in listing:
            raise ValueError(f"notebook {nb} has no exercises; these do: {', '.join(listing)}")
        listing = {nb: listing[nb]}
    note = ""
    try:
        path = progress_path()
    except ValueError as err:
        path, note = None, f"Progress is not saved: {err}"
    if path is None and not note:
        note = f"Progress is not being saved ({ENV}=off)."
    last: dict[str, dict] = {}
    if path is not None and path.exists():
        for v in _load(path)["verdicts"]:
            if isinstance(v, dict) and v.get("status") in ("correct", "wrong"):
                last[v.get("exercise")] = v
    rows = {nb: [{"id": ex_id, "name": name,
                  "state": last[ex_id]["status"] if ex_id in last else "todo",
                  "time": last[ex_id].get("time", "") if ex_id in last else ""}
                 for ex_id, name in items]
            for nb, items in listing.items()}
    return Progress(rows, _titles(), path, note)
