"""Dependency pins agree everywhere (pyproject, environment.yml), Binder files are sane."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _reqs(lines) -> dict[str, Requirement]:
    out = {}
    for line in lines:
        r = Requirement(line)
        out[r.name.lower()] = r
    return out


def _env_pip(text: str) -> list[str]:
    env = yaml.safe_load(text)
    pip = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip) == 1, "environment.yml must have one inline pip: list"
    return pip[0]


def compare(pyproject: dict, env_text: str) -> list[str]:
    """Disagreements between pyproject (deps + lab extra, the ranges) and environment.yml's
    pip list (every package pinned exactly, generated from locks/lab.txt by `make lock`)."""
    want = _reqs(pyproject["project"]["dependencies"]
                 + pyproject["project"]["optional-dependencies"]["lab"])
    pip = _env_pip(env_text)
    bad = [p for p in pip if p.startswith("-") or p.startswith(".") or "://" in p]
    problems = [f"not allowed inline in the pip section: {p}" for p in bad]
    have = _reqs([p for p in pip if p not in bad])
    for name, req in have.items():
        spec = list(req.specifier)
        if len(spec) != 1 or spec[0].operator != "==":
            problems.append(f"{name}: not pinned exactly in environment.yml ({req})")
    for name, req in want.items():
        if name not in have:
            problems.append(f"{name}: in pyproject, missing from environment.yml")
            continue
        pinned = [s.version for s in have[name].specifier if s.operator == "=="]
        if pinned and not req.specifier.contains(pinned[0], prereleases=True):
            problems.append(f"{name}: environment.yml pins {pinned[0]}, outside pyproject's {req}")
    return problems


def test_environment_yml_agrees_with_pyproject():
    assert compare(_pyproject(), (ROOT / "environment.yml").read_text()) == []


def test_compare_detects_a_wrong_pin():
    text = (ROOT / "environment.yml").read_text()
    librosa_pin = re.search(r"- (librosa==\S+)", text).group(1)
    problems = compare(_pyproject(), text.replace(librosa_pin, "librosa==0.10.2"))
    assert any(p.startswith("librosa:") and "outside" in p for p in problems), problems
    problems = compare(_pyproject(), text.replace(librosa_pin, "librosa>=0.11"))
    assert any(p.startswith("librosa:") and "not pinned" in p for p in problems), problems
    tqdm = re.search(r"      - tqdm==\S+\n", text).group(0)
    problems = compare(_pyproject(), text.replace(tqdm, "      - -e .\n"))
    assert any("not allowed" in p for p in problems) and any("tqdm" in p for p in problems)


def test_environment_yml_is_binder_ready():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "conda-forge" in env["channels"]
    assert "python=3.12" in env["dependencies"]


def test_postbuild_installs_package_with_set_e():
    text = (ROOT / "postBuild").read_text()
    assert text.startswith("#!")
    assert re.search(r"^set -e", text, re.M)
    assert re.search(r"pip install .*-e \.", text)
    assert (ROOT / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"


def test_librosa_range_admits_both_supported_versions():
    req = _reqs(_pyproject()["project"]["dependencies"])["librosa"]
    assert "0.11.0" in req.specifier and "1.0.0" in req.specifier


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and "make lab" in readme
    assert re.search(r"^make test$", ci, re.M)
