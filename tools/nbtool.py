#!/usr/bin/env python3
"""Notebook housekeeping for the course.

    python tools/nbtool.py check [NOTEBOOK ...]   # hygiene rules (used by the test suite)
    python tools/nbtool.py strip [NOTEBOOK ...]   # remove outputs/execution counts in place
    python tools/nbtool.py run [NOTEBOOK ...]     # execute in place (fails on an error), then strip

Notebooks are stored with no outputs at all: key numbers are checked by ``assert`` statements in
the cells, which nbval runs.
    python tools/nbtool.py build SRC.py OUT.ipynb # percent-format text -> notebook (authoring aid)

Build format (a convenience for writing notebooks as text; the .ipynb is the source of truth):

    # %% [markdown] slide=slide
    # # Title
    # text...
    # %% tags=["solution"] slide=fragment
    print(1 + 1)

``slide`` is one of slide, subslide, fragment, skip, notes, - (default "-").
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_BYTES = 60_000  # stripped notebooks are text; a cap keeps them reviewable
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}
REQUIRED_SECTIONS = ["objectives", "prerequisites", "summary", "references"]
OLD_API = [
    (re.compile(r"\bwaveplot\b"), "librosa.display.waveplot was removed: use waveshow(y, sr=sr)"),
    (re.compile(r"waveshow\([^)]*x_axis\s*="), "waveshow(x_axis=...) fails on librosa 1.0"),
    (re.compile(r"librosa\.load\(\s*[^)=,]+,\s*[0-9]"), "positional sr in librosa.load: use sr="),
    (re.compile(r"librosa\.stft\(\s*[\w.\[\]:]+\s*,\s*(?![a-z_]\w*\s*=)[\w.]+"),
     "positional n_fft/hop in stft: use n_fft=, hop_length="),
    (re.compile(r"waveshow\(\s*[\w.\[\]:]+\s*,\s*(?![a-z_]\w*\s*=)[\w.]+"),
     "positional sr in waveshow: use sr="),
    (re.compile(r"feature\.mfcc\(\s*[a-z_]\w*\s*,"), "positional args in feature.mfcc"),
    (re.compile(r"get_duration\([^)]*filename\s*="), "get_duration(filename=) is now path="),
    (re.compile(r"librosa\.ex\("), "librosa.ex() downloads: use helpers.data.path/fetch"),
]


def _src(cell) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


def check(paths: list[Path]) -> list[str]:
    problems = []
    for p in paths:
        raw = p.read_bytes()
        name = p.relative_to(ROOT) if p.is_relative_to(ROOT) else p
        if len(raw) > MAX_BYTES:
            problems.append(f"{name}: {len(raw)} bytes > cap {MAX_BYTES} (outputs? huge cells?)")
        nb = json.loads(raw)
        ks = nb.get("metadata", {}).get("kernelspec", {}).get("name")
        if ks != "python3":
            problems.append(f"{name}: kernelspec is {ks!r}, must be 'python3'")
        cells = nb.get("cells", [])
        text = "\n".join(_src(c) for c in cells if c["cell_type"] == "markdown").lower()
        for section in REQUIRED_SECTIONS:
            if section not in text:
                problems.append(f"{name}: no '{section}' section")
        if p.name != "00_overview.ipynb" and "exercise" not in text:
            problems.append(f"{name}: no exercises")
        code = [c for c in cells if c["cell_type"] == "code"]
        if code and "setup_notebook" not in _src(code[0]):
            problems.append(f"{name}: first code cell must call helpers.setup_notebook()")
        for i, c in enumerate(cells):
            if c["cell_type"] == "code":
                if c.get("outputs"):
                    problems.append(f"{name}: cell {i} has outputs (run `make strip`)")
                if c.get("execution_count") is not None:
                    problems.append(f"{name}: cell {i} has an execution count (run `make strip`)")
                for rx, why in OLD_API:
                    if rx.search(_src(c)):
                        problems.append(f"{name}: cell {i}: {why}")
            meta = c.get("metadata", {})
            if "nbval-check-output" in meta.get("tags", []):
                problems.append(f"{name}: cell {i} is tagged nbval-check-output; notebooks keep "
                                "no outputs, so check its numbers with assert instead")
            if "solution" in meta.get("tags", []) and not meta.get("jupyter", {}).get(
                "source_hidden"
            ):
                problems.append(f"{name}: cell {i} is a solution but not hidden (source_hidden)")
            st = c.get("metadata", {}).get("slideshow", {}).get("slide_type")
            if st not in SLIDE_TYPES:
                problems.append(f"{name}: cell {i} has no slideshow.slide_type metadata")
    return problems


def strip(paths: list[Path]) -> None:
    for p in paths:
        nb = json.loads(p.read_text(encoding="utf-8"))
        for c in nb["cells"]:
            if "solution" in c.get("metadata", {}).get("tags", []):
                c["metadata"].setdefault("jupyter", {})["source_hidden"] = True
            if c["cell_type"] == "code":
                c.get("metadata", {}).pop("execution", None)  # timestamps: noise in diffs
                c["outputs"], c["execution_count"] = [], None
            c.get("metadata", {}).pop("execution", None)
        nb["metadata"].pop("widgets", None)
        _write(nb, p)


def _write(nb: dict, p: Path) -> None:
    p.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


_MARK = re.compile(r"^# %%(?P<md> \[markdown\])?(?P<rest>.*)$")


def build(src: Path, out: Path) -> None:
    cells, cur = [], None
    for line in src.read_text(encoding="utf-8").splitlines():
        m = _MARK.match(line)
        if m:
            rest = m.group("rest")
            tags = re.search(r"tags=(\[[^\]]*\])", rest)
            slide = re.search(r"slide=([\w-]+)", rest)
            cur = {
                "cell_type": "markdown" if m.group("md") else "code",
                "metadata": {
                    "slideshow": {"slide_type": slide.group(1) if slide else "-"},
                    **({"tags": json.loads(tags.group(1))} if tags else {}),
                },
                "lines": [],
            }
            cells.append(cur)
            continue
        if cur is None:
            continue
        if cur["cell_type"] == "markdown":
            line = line[2:] if line.startswith("# ") else ("" if line == "#" else line)
        cur["lines"].append(line)
    nb_cells = []
    for c in cells:
        lines = c.pop("lines")
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        source = [ln + "\n" for ln in lines[:-1]] + lines[-1:]
        if "solution" in c["metadata"].get("tags", []):
            c["metadata"]["jupyter"] = {"source_hidden": True}  # collapsed until clicked
        cell = {"cell_type": c["cell_type"], "metadata": c["metadata"], "source": source}
        if c["cell_type"] == "code":
            cell.update(execution_count=None, outputs=[])
        nb_cells.append(cell)
    nb = {
        "cells": nb_cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                           "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    # stable cell ids keep diffs small
    for i, cell in enumerate(nb["cells"]):
        cell["id"] = f"{out.stem[:20]}-{i:03d}".replace("_", "-")
    _write(nb, out)


def _notebooks(args: list[str]) -> list[Path]:
    return [Path(a).resolve() for a in args] or sorted((ROOT / "notebooks").glob("*.ipynb"))


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"check", "strip", "build", "run"}:
        print(__doc__)
        return 2
    cmd, args = argv[0], argv[1:]
    if cmd == "build":
        build(Path(args[0]), Path(args[1]))
        return 0
    paths = _notebooks(args)
    if cmd == "strip":
        strip(paths)
        return 0
    if cmd == "run":
        import subprocess

        for p in paths:
            subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook",
                            "--execute", "--inplace", "--ExecutePreprocessor.timeout=600",
                            str(p)], check=True)
        strip(paths)
        return 0
    problems = check(paths)
    for pr in problems:
        print(pr)
    print(f"{len(paths)} notebooks checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
