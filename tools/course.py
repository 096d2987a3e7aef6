"""The course manifest, ``course.toml``: the one place that says which notebooks the course has, in
which order, with which explorers and which exercise module. Everything that needs such a list
reads it from here (tests, ``nbtool``, ``publish``, ``env_check``): a notebook added to
``course.toml`` is checked, tested and published; a notebook on disk that it does not list is an
error (``unlisted``), never silently skipped.

Standard library only, so that any tool can import it (``from tools import course`` from the
repository root, ``import course`` from a script in ``tools/``). Every function takes the
repository root (default: this checkout), so tests can point it at a copy.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: where a notebook's companions live, relative to the repository root
LEARNER = "notebooks/{stem}.ipynb"
SOLUTIONS = "notebooks/solutions/{stem}_solutions.ipynb"
EXERCISES = "helpers/exercises/{module}.py"
GUIDE = "docs/teaching/{stem}.md"


def load(root: Path | None = None) -> dict:
    return tomllib.loads((Path(root or ROOT) / "course.toml").read_text(encoding="utf-8"))


def notebooks(root: Path | None = None) -> list[dict]:
    """The notebooks in course order: ``course.toml``'s fields (``id``, ``stem``, ``title``,
    ``minutes``, ``exercises`` (module name, e.g. ``"ex03"``, absent for 00), ``explorers``
    (names)), plus ``path``, ``solutions`` (path, or None without exercises), ``guide``."""
    root = Path(root or ROOT)
    rows = []
    for r in load(root)["notebook"]:
        r = dict(r)
        r.setdefault("explorers", [])
        r["path"] = root / LEARNER.format(stem=r["stem"])
        r["solutions"] = root / SOLUTIONS.format(stem=r["stem"]) if r.get("exercises") else None
        r["guide"] = root / GUIDE.format(stem=r["stem"])
        rows.append(r)
    return rows


def learner_notebooks(root: Path | None = None) -> list[Path]:
    return [r["path"] for r in notebooks(root)]


def solution_notebooks(root: Path | None = None) -> list[Path]:
    return [r["solutions"] for r in notebooks(root) if r["solutions"] is not None]


def all_notebooks(root: Path | None = None) -> list[Path]:
    """Learner notebooks, then solutions notebooks (what ``nbtool check`` and nbval run)."""
    return learner_notebooks(root) + solution_notebooks(root)


def exercise_modules(root: Path | None = None) -> list[str]:
    """``["helpers.exercises.ex01", ...]`` in course order."""
    return [f"helpers.exercises.{r['exercises']}" for r in notebooks(root) if r.get("exercises")]


def explorers(root: Path | None = None) -> list[dict]:
    """Every explorer, in course order: ``name``, ``notebook`` (id), ``call`` (the expression a
    notebook cell runs, with ``y`` a clip and ``sr`` its rate), ``move`` (a slider change the tests
    make: control name -> new value)."""
    data = load(root)
    table = data.get("explorer", {})
    out = []
    for r in data["notebook"]:
        for name in r.get("explorers", []):
            if name not in table:
                raise KeyError(f"course.toml: notebook {r['id']} lists explorer {name!r}, which "
                               f"has no [explorer.{name}] table")
            out.append(dict(name=name, notebook=r["id"], **table[name]))
    return out


def explorer_module(entry: dict) -> str:
    """The module a notebook imports for an explorer: ``helpers.widgets`` for the call
    ``helpers.widgets.stft_explorer(y, sr)``."""
    return entry["call"].split("(", 1)[0].rsplit(".", 1)[0]


def explorer_cell(entry: dict) -> str:
    """A notebook cell that shows the explorer (``y`` and ``sr`` defined before)."""
    return f"import {explorer_module(entry)}\n\n{entry['call']}"


def make_explorer(entry: dict, y, sr):
    """Run an explorer's ``call`` on ``y``, ``sr`` (what its notebook cell does)."""
    import importlib

    importlib.import_module(explorer_module(entry))
    return eval(entry["call"], {"helpers": importlib.import_module("helpers"), "y": y, "sr": sr})


def unlisted(root: Path | None = None) -> list[str]:
    """Notebooks, solutions and exercise modules on disk that ``course.toml`` does not list (or
    listed files that do not exist): each one a line saying what to do."""
    root = Path(root or ROOT)
    rows = notebooks(root)
    problems = []
    want = {
        "learner notebook": ({r["path"] for r in rows},
                             set((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))),
        "solutions notebook": ({r["solutions"] for r in rows if r["solutions"]},
                               set((root / "notebooks" / "solutions").glob("*.ipynb"))),
        "exercise module": ({root / EXERCISES.format(module=r["exercises"]) for r in rows
                             if r.get("exercises")},
                            set((root / "helpers" / "exercises").glob("ex[0-9][0-9]*.py"))),
    }
    for what, (listed, found) in want.items():
        for p in sorted(found - listed):
            a = "an" if what[0] in "aeiou" else "a"
            problems.append(f"{p.relative_to(root)}: {a} {what} that course.toml does not list "
                            "(add it to its [[notebook]] entry, or `nbtool new` it)")
        for p in sorted(listed - found):
            problems.append(f"{p.relative_to(root)}: course.toml lists this {what}, which does "
                            "not exist")
    seen: set[str] = set()
    for r in rows:
        for key in ("id", "stem"):
            if r[key] in seen:
                problems.append(f"course.toml: {key} {r[key]!r} appears twice")
            seen.add(r[key])
    return problems
