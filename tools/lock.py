#!/usr/bin/env python3
"""The lock files: every package pinned, for each environment the course is tested in.

    python tools/lock.py            # make lock: resolve again (needs uv and PyPI), write the locks
    python tools/lock.py --check    # the locks still satisfy pyproject.toml (no network; a test)
    python tools/lock.py --diff VENV   # which packages in VENV differ from its lock (test-latest)

pyproject.toml keeps *ranges* (the package stays installable next to other things); the locks
say which versions inside those ranges the course is tested with. They are resolved by uv
(``uv pip compile --universal``) for every platform and every Python from the floor up, so one
lock serves Python 3.11 (librosa 0.11) and 3.12+ (librosa 1.x) through environment markers.

    locks/lab.txt          the learner's environment (`make lab`): the course + the "lab" extra
    locks/dev.txt          the contributor's (`make test`, `.venv`): the "dev" extra
    locks/test-py312.txt   the librosa 1.x run of `make test` (`.venv-py312`): "test" + "dask"
    environment.yml        Binder (repo2docker): locks/lab.txt as it resolves on Python 3.12,
                           Linux x86_64, pinned exactly (generated, not edited by hand)

Colab is not locked here: the course installs into Colab's own runtime
(tools/colab-requirements.txt lists it, and `make colab-check` runs against it).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
LOCKS = ROOT / "locks"
BINDER_PYTHON = "3.12"


@dataclass(frozen=True)
class Lock:
    name: str
    extras: tuple[str, ...]
    python: str  # the lowest Python the lock resolves for (it covers every newer one)
    purpose: str

    @property
    def path(self) -> Path:
        return LOCKS / f"{self.name}.txt"


TARGETS = (
    Lock("lab", ("lab",), "3.11", "the learner's environment (make lab)"),
    Lock("dev", ("dev",), "3.11", "the contributor's environment (make test, .venv)"),
    Lock("test-py312", ("test", "dask"), "3.12",
         "the librosa 1.x run of make test (.venv-py312)"),
)
# The Python versions each check evaluates a lock on (the ones the course is tested with).
CHECK_PYTHONS = ("3.11", "3.12")


# ---------------------------------------------------------------------------------- pyproject
def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def wanted(extras: tuple[str, ...], project: dict | None = None) -> list[Requirement]:
    """The direct requirements of the course with these extras (self-references expanded)."""
    project = (project or pyproject())["project"]
    me = canonicalize_name(project["name"])
    opt = project.get("optional-dependencies", {})
    out: list[Requirement] = [Requirement(r) for r in project["dependencies"]]
    todo, seen = list(extras), set()
    while todo:
        extra = todo.pop()
        if extra in seen:
            continue
        seen.add(extra)
        if extra not in opt:
            raise SystemExit(f"pyproject.toml has no extra {extra!r}")
        for line in opt[extra]:
            r = Requirement(line)
            if canonicalize_name(r.name) == me:
                todo.extend(r.extras)
            else:
                out.append(r)
    return out


# -------------------------------------------------------------------------------- lock files
def environment(python: str, platform: str = "linux") -> dict[str, str]:
    """A marker environment for CPython ``python`` (e.g. "3.12") on ``platform``."""
    full = f"{python}.99"  # any patch release of that minor version
    return {
        "implementation_name": "cpython", "platform_python_implementation": "CPython",
        "python_version": python, "python_full_version": full, "implementation_version": full,
        "sys_platform": platform, "os_name": "posix", "platform_system": platform.capitalize(),
        "platform_machine": "x86_64", "platform_release": "", "platform_version": "",
        "extra": "",
    }


def read_lock(path: Path, env: dict[str, str]) -> dict[str, str]:
    """Name -> pinned version of every line of a uv lock that applies in ``env``."""
    pins: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-")):
            continue
        req, _, marker = line.partition(";")
        m = re.fullmatch(r"([A-Za-z0-9._-]+)(\[[^\]]*\])?==([^\s]+)", req.strip())
        if not m:
            raise ValueError(f"{path.name}: not a pinned line: {raw!r}")
        if marker.strip() and not Marker(marker.strip()).evaluate(env):
            continue
        pins[canonicalize_name(m.group(1))] = m.group(3)
    return pins


def check(project: dict | None = None, locks_dir: Path | None = None,
          env_yml: Path | None = None) -> list[str]:
    """Every way the locks disagree with pyproject.toml (empty when they agree)."""
    locks_dir = locks_dir or LOCKS
    env_yml = env_yml or ROOT / "environment.yml"
    problems: list[str] = []
    for target in TARGETS:
        path = locks_dir / target.path.name
        if not path.exists():
            problems.append(f"{path.name} is missing: run `make lock`")
            continue
        for py in CHECK_PYTHONS:
            if Version(py) < Version(target.python):
                continue
            pins = read_lock(path, environment(py))
            for req in wanted(target.extras, project):
                if req.marker and not req.marker.evaluate(environment(py)):
                    continue
                name = canonicalize_name(req.name)
                if name not in pins:
                    problems.append(f"{path.name} (Python {py}): {req} is in pyproject.toml "
                                    "but not in the lock: run `make lock`")
                elif not req.specifier.contains(pins[name], prereleases=True):
                    problems.append(f"{path.name} (Python {py}): pins {req.name}=={pins[name]}, "
                                    f"outside pyproject.toml's {req}: run `make lock`")
    lab = locks_dir / "lab.txt"
    if lab.exists():
        expect = binder_yml(lab)
        if not env_yml.exists() or env_yml.read_text(encoding="utf-8") != expect:
            problems.append("environment.yml is not locks/lab.txt on Python "
                            f"{BINDER_PYTHON}: run `make lock`")
    return problems


# ------------------------------------------------------------------------------ environment.yml
def binder_yml(lab: Path) -> str:
    pins = read_lock(lab, environment(BINDER_PYTHON))
    body = "\n".join(f"      - {name}=={version}" for name, version in sorted(pins.items()))
    return (
        "# Binder (repo2docker). GENERATED by `make lock` (tools/lock.py) from locks/lab.txt as it\n"
        f"# resolves on Python {BINDER_PYTHON}, Linux: every package pinned exactly, as repo2docker's\n"
        "# documentation advises. Do not edit: change pyproject.toml, then run `make lock`.\n"
        "# The course package itself is installed by postBuild (with --no-deps).\n"
        "name: audio-dl-course\n"
        "channels:\n"
        "  - conda-forge\n"
        "dependencies:\n"
        f"  - python={BINDER_PYTHON}\n"
        "  - pip\n"
        "  - pip:\n"
        f"{body}\n"
    )


# ------------------------------------------------------------------------------------- resolve
def resolve() -> None:
    uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    if not Path(uv).exists():
        raise SystemExit("uv is not installed: `make lock` installs it into .venv")
    version = subprocess.run([uv, "--version"], capture_output=True, text=True,
                             check=True).stdout.strip()
    LOCKS.mkdir(exist_ok=True)
    for target in TARGETS:
        cmd = [uv, "pip", "compile", "pyproject.toml", "--universal", "--quiet",
               "--python-version", target.python, "--annotation-style", "line",
               "--no-header"]
        for extra in target.extras:
            cmd += ["--extra", extra]
        out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if out.returncode:
            raise SystemExit(f"uv could not resolve {target.name}:\n{out.stderr}")
        header = (f"# {target.path.name}: {target.purpose}.\n"
                  f"# GENERATED by `make lock` (tools/lock.py, {version}); do not edit.\n"
                  f"# Extras {', '.join(target.extras)}; every platform, Python >= {target.python}.\n")
        target.path.write_text(header + out.stdout, encoding="utf-8")
        n = sum(1 for ln in out.stdout.splitlines() if ln and not ln.startswith(("#", " ")))
        print(f"   {target.path.relative_to(ROOT)}: {n} pinned lines")
    (ROOT / "environment.yml").write_text(binder_yml(LOCKS / "lab.txt"), encoding="utf-8")
    print("   environment.yml: locks/lab.txt on Python", BINDER_PYTHON)


def diff(venv: Path, lock: Path) -> list[str]:
    """Packages whose installed version in ``venv`` differs from ``lock`` (for test-latest)."""
    py = venv / "bin" / "python"
    ver = subprocess.run([py, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                         capture_output=True, text=True, check=True).stdout.strip()
    out = subprocess.run([py, "-m", "pip", "list", "--format=json"], capture_output=True,
                         text=True, check=True).stdout
    have = {canonicalize_name(p["name"]): p["version"] for p in json.loads(out)}
    pins = read_lock(lock, environment(ver))
    rows = []
    for name in sorted(set(have) | set(pins)):
        a, b = pins.get(name), have.get(name)
        if a != b and name not in {"pip", "setuptools", "audio-dl-course"}:
            rows.append(f"   {name:28s} lock {a or '-':>12s}   newest {b or '-':>12s}")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--diff", nargs=2, metavar=("VENV", "LOCK"))
    args = ap.parse_args()
    if args.diff:
        rows = diff(Path(args.diff[0]), Path(args.diff[1]))
        print(f"== {len(rows)} packages differ from {args.diff[1]}" + (":" if rows else ""))
        print("\n".join(rows))
        return
    if not args.check:
        resolve()
    problems = check()
    if problems:
        raise SystemExit("locks out of date with pyproject.toml:\n  " + "\n  ".join(problems))
    print("== locks agree with pyproject.toml")


if __name__ == "__main__":
    main()
