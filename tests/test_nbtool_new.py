"""``nbtool new`` (docs/extending.md): a throw-away notebook with one explorer and four exercises,
made from the templates in a temporary copy of the repository, passes ``nbtool check``, the
sync check and the tests that read course.toml; its Python (checks + explorer) is under 300
lines; and a ``new`` that fails half-way leaves nothing behind. Every file is made inside a
``TemporaryDirectory``, removed whatever happens (the real repository is never written)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tools import course, nbtool

ROOT = course.ROOT
COPY = ["course.toml", "pyproject.toml", "README.md", "CITATION.cff", "notebooks", "docs",
        "helpers", "tools", "tests"]
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "build")


@contextlib.contextmanager
def repo_copy():
    with tempfile.TemporaryDirectory(prefix="nbtool-new-") as tmp:
        root = Path(tmp)
        for rel in COPY:
            src = ROOT / rel
            if src.is_dir():
                shutil.copytree(src, root / rel, ignore=IGNORE)
            else:
                shutil.copy(src, root / rel)
        (root / "data").symlink_to(ROOT / "data")  # the clips, read only
        yield root


def _run(root: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root), "MPLBACKEND": "Agg"}
    return subprocess.run([sys.executable, *args], cwd=root, env=env, capture_output=True,
                          text=True, timeout=timeout)


def _ok(r: subprocess.CompletedProcess) -> str:
    return f"exit {r.returncode}\n{r.stdout[-4000:]}\n{r.stderr[-4000:]}"


_SOLUTIONS_RUN = r"""
import json, sys
from pathlib import Path
import matplotlib
matplotlib.use("Agg")
import helpers
nb = json.loads(Path(sys.argv[1]).read_text())
ns = {}
for cell in nb["cells"]:
    if cell["cell_type"] == "code":
        exec("".join(cell["source"]), ns)  # expect_all_correct(): a wrong solution raises
print("solutions ok")
"""


@pytest.mark.slow
def test_a_new_notebook_passes_the_structural_checks_and_the_manifest_tests():
    with repo_copy() as root:
        nn = f"{int(course.notebooks(root)[-1]['id']) + 1:02d}"
        stem, ex = f"{nn}_tryout", f"ex{nn}"
        r = _run(root, "tools/nbtool.py", "new", stem, "Try-out", "--minutes", "75")
        assert r.returncode == 0, _ok(r)
        made = [f"notebooks/{stem}.ipynb", f"notebooks/solutions/{stem}_solutions.ipynb",
                f"helpers/exercises/{ex}.py", "helpers/explorers/tryout.py",
                f"docs/teaching/{stem}.md"]
        for rel in made:
            assert (root / rel).is_file() and rel in r.stdout, rel
        row = course.notebooks(root)[-1]
        assert (row["stem"], row["exercises"], row["explorers"], row["minutes"]) == (
            stem, ex, ["tryout"], 75)
        python = [root / f"helpers/exercises/{ex}.py", root / "helpers/explorers/tryout.py"]
        lines = sum(len(p.read_text().splitlines()) for p in python)
        assert lines < 300, f"the new notebook's Python is {lines} lines"

        for args in (["tools/nbtool.py", "check"], ["tools/nbtool.py", "sync", "--check"],
                     ["tools/margins.py", ex], ["tools/copy_distance.py", nn]):
            r = _run(root, *args)
            assert r.returncode == 0, f"{' '.join(args)}: {_ok(r)}"
        assert f"{nn}.4" in r.stdout and "stretch" in r.stdout, _ok(r)  # the markers are read
        r = _run(root, "-c", _SOLUTIONS_RUN, f"notebooks/solutions/{stem}_solutions.ipynb")
        assert r.returncode == 0 and "solutions ok" in r.stdout, _ok(r)
        pytest_args = ["-m", "pytest", "-q", "-p", "no:cacheprovider"]
        r = _run(root, *pytest_args, "tests/test_manifest.py", "tests/test_course_map.py",
                 "tests/test_architecture.py", "tests/test_notebooks_hygiene.py",
                 "tests/test_exercise_specs.py", "tests/test_glossary.py",
                 "--deselect", "tests/test_manifest.py::"
                 "test_no_template_placeholder_is_left_in_a_listed_notebook")
        assert r.returncode == 0, _ok(r)
        # ... and the skeleton is not finished: its TODO(teacher) texts are what that test finds
        r = _run(root, *pytest_args, "tests/test_manifest.py", "-k", "placeholder_is_left")
        assert r.returncode == 1 and "1 failed" in r.stdout and "course.toml" in r.stdout, _ok(r)
        collected = _run(root, *pytest_args, "--collect-only", "tests/test_exercise_specs.py")
        for k in (1, 2, 3, 4):  # the four exercises get the standard spec tests
            assert f"[{nn}.{k}-right" in collected.stdout, _ok(collected)
        r = _run(root, *pytest_args, "-k", "tryout", "tests/test_solutions.py",
                 "tests/test_widgets.py", "tests/test_slides.py")
        assert r.returncode == 0 and " passed" in r.stdout, _ok(r)


def test_a_failing_new_leaves_nothing_behind(monkeypatch):
    with repo_copy() as root:
        before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()
                  and "__pycache__" not in p.parts}
        monkeypatch.setattr(nbtool, "ROOT", root)

        def broken(check_only):
            raise RuntimeError("injected failure after every file was written")

        monkeypatch.setattr(nbtool, "_sync_course_map", broken)
        with pytest.raises(RuntimeError, match="injected failure"):
            nbtool.new("98_broken", "Broken")
        after = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()
                 and "__pycache__" not in p.parts}
        assert sorted(after) == sorted(before), sorted(set(after) ^ set(before))
        assert [p for p in before if after[p] != before[p]] == []


def test_new_refuses_a_bad_name_or_an_existing_notebook(monkeypatch):
    with repo_copy() as root:
        monkeypatch.setattr(nbtool, "ROOT", root)
        for bad in ("7_x", "07-chroma", "07_Chroma", course.notebooks(root)[-1]["stem"], "01_x"):
            with pytest.raises(SystemExit):
                nbtool.new(bad)
        assert course.unlisted(root) == []
