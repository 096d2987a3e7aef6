"""course.toml is the one list of notebooks, solutions, exercise modules and explorers, and
pyproject.toml the one place of the version and the library floors (issue 18): what is on disk,
in the notebooks and in ``helpers`` agrees with them, and a file nobody listed is caught."""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import shutil
import tomllib

import pytest

import helpers
from tools import course, nbtool

ROOT = course.ROOT


def _code(path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


def test_every_notebook_solution_and_exercise_module_on_disk_is_listed():
    assert course.unlisted() == []


def test_an_unlisted_notebook_or_exercise_module_is_caught(tmp_path):
    for rel in ("course.toml", "notebooks", "helpers/exercises"):
        src, dst = ROOT / rel, tmp_path / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if src.is_dir() else shutil.copy)(src, dst)
    assert course.unlisted(tmp_path) == []
    rows = course.notebooks(tmp_path)
    nn = f"{int(rows[-1]['id']) + 1:02d}"  # a number no notebook has
    shutil.copy(rows[1]["path"], tmp_path / f"notebooks/{nn}_planted.ipynb")
    (tmp_path / f"helpers/exercises/ex{nn}.py").write_text("")
    rows[-1]["solutions"].unlink()
    problems = "\n".join(course.unlisted(tmp_path))
    assert f"notebooks/{nn}_planted.ipynb: a learner notebook that course.toml does not list" \
        in problems
    assert f"helpers/exercises/ex{nn}.py: an exercise module" in problems
    assert f"{rows[-1]['stem']}_solutions.ipynb: course.toml lists this solutions notebook" \
        in problems


def test_nbtool_check_reports_an_unlisted_notebook(monkeypatch, tmp_path):
    shutil.copy(ROOT / "course.toml", tmp_path / "course.toml")
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    shutil.copytree(ROOT / "helpers" / "exercises", tmp_path / "helpers" / "exercises")
    shutil.copy(tmp_path / "notebooks/02_fft_spectrum.ipynb", tmp_path / "notebooks/99_x.ipynb")
    monkeypatch.setattr(nbtool, "ROOT", tmp_path)
    assert any("99_x.ipynb" in p for p in nbtool.manifest_problems())


def test_exercise_modules_are_the_listed_ones():
    found = {f"helpers.exercises.{m.name}" for m in pkgutil.iter_modules(
        importlib.import_module("helpers.exercises").__path__) if re.fullmatch(r"ex\d\d", m.name)}
    assert found == set(course.exercise_modules())
    ex = importlib.import_module("helpers.exercises")
    for name in course.exercise_modules():  # the package exposes each module's checks
        mod = importlib.import_module(name)
        assert set(mod.__all__) <= set(dir(ex)), name


@pytest.mark.parametrize("row", course.notebooks(), ids=lambda r: r["id"])
def test_explorers_listed_are_the_explorers_the_notebook_runs(row):
    code = _code(row["path"])
    used = set(re.findall(r"\b(\w+)_explorer\(", code))
    listed = {e["name"] for e in course.explorers() if e["notebook"] == row["id"]}
    calls = {e["call"].split("(")[0].rsplit(".", 1)[-1].removesuffix("_explorer")
             for e in course.explorers() if e["notebook"] == row["id"]}
    assert used == calls, f"{row['stem']} runs {sorted(used)}; course.toml lists {sorted(listed)}"


def test_explorer_tables_are_complete_and_used():
    data = course.load()
    listed = [n for r in data["notebook"] for n in r.get("explorers", [])]
    assert sorted(listed) == sorted(data.get("explorer", {})), "an [explorer.X] no notebook lists"
    for e in course.explorers():
        assert set(e) >= {"name", "notebook", "call", "move"} and e["move"], e


def test_solutions_notebooks_exist_exactly_for_notebooks_with_exercises():
    for r in course.notebooks():
        assert (r["solutions"] is not None) == bool(r.get("exercises")), r["id"]
        if r["solutions"]:
            assert r["solutions"].is_file(), r["solutions"]


# ---------------------------------------------------------------- version and library floors
def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_version_is_written_once():
    assert helpers.__version__ == _pyproject()["project"]["version"]
    init = (ROOT / "helpers" / "__init__.py").read_text(encoding="utf-8")
    assert not re.search(r"__version__\s*=\s*['\"]", init), "a version literal in helpers"


def test_minimum_versions_are_pyprojects_floors():
    floors = {}
    for req in _pyproject()["project"]["dependencies"]:
        m = re.match(r"([A-Za-z0-9_.-]+).*?>=\s*([\d.]+)", req)
        if m:
            floors[m.group(1).lower()] = m.group(2)
    assert helpers.MINIMUM_VERSIONS, "nothing checked"
    for mod, minimum in helpers.MINIMUM_VERSIONS.items():
        assert floors.get(mod.lower()) == minimum, (
            f"helpers checks {mod} >= {minimum}; pyproject.toml says {floors.get(mod.lower())}")


def test_check_environment_refuses_a_library_below_its_floor(monkeypatch):
    monkeypatch.setitem(helpers.MINIMUM_VERSIONS, "numpy", "99.0")
    with pytest.raises(RuntimeError, match=r"numpy .* is older than 99\.0"):
        helpers.check_environment(verbose=False)



def _teacher_todos(root) -> list[str]:
    """Where a ``TODO(teacher)`` from ``nbtool new``'s templates is still in a listed file."""
    files = [root / "course.toml", root / "notebooks" / "glossary.md"]
    for row in course.notebooks(root):
        files += [row["path"], row["guide"]] + ([row["solutions"]] if row["solutions"] else [])
        if row.get("exercises"):
            files.append(root / "helpers" / "exercises" / f"{row['exercises']}.py")
    for entry in course.explorers(root):
        files.append(root / (course.explorer_module(entry).replace(".", "/") + ".py"))
        files.append(root / "helpers" / "explorers" / f"{entry['name']}.py")
    return sorted({f.relative_to(root).as_posix() for f in files
                   if f.exists() and "TODO(teacher)" in f.read_text(encoding="utf-8")})


def test_no_template_placeholder_is_left_in_a_listed_notebook():
    """A notebook made by ``nbtool new`` is finished only when the teacher has replaced every
    ``TODO(teacher)`` of the templates (notebook, solutions, checks, explorer, guide, manifest)."""
    assert _teacher_todos(ROOT) == []


@pytest.mark.parametrize("planted", ["notebooks/01_waveform.ipynb", "helpers/explorers/mfcc.py",
                                     "docs/teaching/03_stft_spectrogram.md"])
def test_the_placeholder_check_finds_a_planted_placeholder(tmp_path, planted):
    for rel in ("course.toml", "notebooks", "helpers/exercises", "helpers/explorers",
                "docs/teaching"):
        src, dst = ROOT / rel, tmp_path / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if src.is_dir() else shutil.copy)(src, dst)
    before = _teacher_todos(tmp_path)
    target = tmp_path / planted
    target.write_text(target.read_text(encoding="utf-8").replace("e", "TODO(teacher)", 1),
                      encoding="utf-8")
    assert _teacher_todos(tmp_path) == sorted(set(before) | {planted})
