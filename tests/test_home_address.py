"""The repository address is written once (pyproject's [project.urls]); README badges, the
notebooks' set-up cells and CITATION.cff are generated from it by `nbtool sync` (issue 11)."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

from tools import nbtool

ROOT = Path(__file__).resolve().parent.parent
GENERATED = {"README.md", "CITATION.cff"}


def _repo() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Repository"]


def test_generated_files_agree_with_pyproject():
    assert nbtool.sync(check_only=True) == []


def test_the_address_is_written_nowhere_else():
    owner_name = _repo().split("github.com/", 1)[1]
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    found = []
    for f in files:
        p = ROOT / f
        if f == "pyproject.toml" or f in GENERATED or not p.is_file():
            continue
        if owner_name in p.read_text(encoding="utf-8", errors="ignore"):
            found.append(f)
    # notebooks carry the generated set-up cell (checked by the sync test above); nothing
    # else may name the address
    stray = [f for f in found if not f.endswith(".ipynb")]
    assert stray == [], f"the repository address is written by hand in {stray}"


def test_badges_and_setup_cell_follow_the_home():
    home = nbtool.project_home()
    cell = nbtool.SETUP_CELL.format(**home)
    assert f'REPO = "{home["repo"]}"' in cell and f'REF = "{home["ref"]}"' in cell
    assert f"/blob/{home['ref']}/notebooks/00_overview.ipynb" in home["colab"]
    compile(cell.replace("helpers.setup_notebook()", "pass"), "setup-cell", "exec")
