"""The lock files (locks/*.txt, environment.yml) pin what the course is tested with, and agree
with pyproject.toml's ranges (tools/lock.py; README "Locked versions")."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest

from tools import lock

ROOT = Path(__file__).resolve().parent.parent


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_locks_agree_with_pyproject():
    assert lock.check() == []


def test_every_lock_line_is_pinned_and_both_librosa_lines_are_locked():
    for target in lock.TARGETS:
        for py in ("3.11", "3.12"):
            if py < target.python:
                continue
            pins = lock.read_lock(target.path, lock.environment(py))
            assert pins, (target.path, py)
            want = "0.11" if py == "3.11" else "1."
            assert pins["librosa"].startswith(want), (target.name, py, pins["librosa"])


@pytest.fixture
def copy(tmp_path):
    shutil.copytree(ROOT / "locks", tmp_path / "locks")
    shutil.copy(ROOT / "environment.yml", tmp_path / "environment.yml")
    return tmp_path


def _check(copy, project):
    return lock.check(project, copy / "locks", copy / "environment.yml")


def test_a_range_no_longer_satisfied_is_caught(copy):
    project = _pyproject()
    deps = project["project"]["dependencies"]
    deps[:] = [d if not d.startswith("numpy") else "numpy>=9" for d in deps]
    problems = _check(copy, project)
    assert any("numpy" in p and "outside" in p for p in problems), problems
    assert all("make lock" in p for p in problems)


def test_a_dependency_added_without_make_lock_is_caught(copy):
    project = _pyproject()
    project["project"]["optional-dependencies"]["lab"].append("jupytext>=1.16")
    problems = _check(copy, project)
    assert any("jupytext" in p and "lab.txt" in p for p in problems), problems


def test_a_hand_edited_environment_yml_is_caught(copy):
    env = copy / "environment.yml"
    env.write_text(re.sub(r"librosa==\S+", "librosa==1.0.0", env.read_text()))
    assert any("environment.yml" in p for p in _check(copy, _pyproject()))


def test_a_missing_lock_is_caught(copy):
    (copy / "locks" / "dev.txt").unlink()
    assert any("dev.txt is missing" in p for p in _check(copy, _pyproject()))


def test_every_install_path_uses_the_locks():
    make = (ROOT / "Makefile").read_text()
    assert "-r locks/lab.txt" in make and "-r locks/dev.txt" in make
    assert '-e ".[' not in make  # no install resolved from the ranges
    test_sh = (ROOT / "tools" / "test.sh").read_text()
    assert "locks/test-py312.txt" in test_sh and "tools/lock.py --check" in test_sh
    post = (ROOT / "postBuild").read_text()
    assert "--no-deps" in post  # environment.yml (the lock) brings every dependency
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, re.M)
