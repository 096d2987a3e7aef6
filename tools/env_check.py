#!/usr/bin/env python3
"""Prove that the Binder and Colab set-ups alone are complete: build each environment from
scratch and execute every notebook in it.

    python tools/env_check.py binder   # make binder-check
    python tools/env_check.py colab    # make colab-check

binder: a fresh Python 3.12 venv (.venv-binder) gets exactly the pip list of environment.yml,
        then postBuild runs (it installs the course with --no-deps and warms numba's cache);
        every notebook (learner + solutions) is then executed in that venv.
colab:  a fresh venv (.venv-colab; Python 3.13 when present, else 3.12) gets Colab's runtime
        package set (tools/colab-requirements.txt) and NOT the course. Each learner notebook
        then runs from a scratch folder (Colab's /content) in a fresh kernel, so its set-up cell
        clones the course (the repository address from pyproject.toml is redirected to this
        checkout with git's url.<base>.insteadOf; the cell itself is unchanged) and installs it.
        Fails if that install changed the version of anything the runtime already had.
Both print the time each step took.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

try:  # from the repository root (`from tools import ...`), or as a script in tools/
    from tools import course
except ImportError:
    import course

ROOT = Path(__file__).resolve().parent.parent


def _python(versions: list[str]) -> str:
    for v in versions:
        for cand in (shutil.which(f"python{v}"),):
            if cand and subprocess.run([cand, "-c", "import sys"], capture_output=True).returncode == 0:
                return cand
        pyenv = shutil.which("pyenv")
        if pyenv:
            root = subprocess.run([pyenv, "root"], capture_output=True, text=True).stdout.strip()
            found = sorted(Path(root, "versions").glob(f"{v}.*/bin/python3"))
            if found:
                return str(found[-1])
    raise SystemExit(f"no Python {' or '.join(versions)} on this machine")


def _run(cmd, **kw):
    print("   $ " + " ".join(map(str, cmd))[:160], flush=True)
    subprocess.run(cmd, check=True, **kw)


def _venv(path: Path, python: str) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    _run([python, "-m", "venv", str(path)])
    py = path / "bin" / "python"
    _run([py, "-m", "pip", "install", "-q", "--upgrade", "pip"])
    return py


def _freeze(py: Path) -> dict[str, str]:
    out = subprocess.run([py, "-m", "pip", "list", "--format=json"], check=True,
                         capture_output=True, text=True).stdout
    return {p["name"].lower(): p["version"] for p in json.loads(out)}


def execute_parallel(paths: list[str], cwd: str | None = None, jobs: int | None = None) -> None:
    """Execute the first notebook alone (on Colab its set-up cell installs the course, which
    the others then find), then the rest in ``jobs`` processes (``AUDIO_COURSE_CHECK_JOBS``,
    default: the number of cores, at most 2), each notebook in its own fresh kernel."""
    jobs = jobs or max(1, min(2, int(os.environ.get("AUDIO_COURSE_CHECK_JOBS", os.cpu_count() or 1))))
    execute(paths[:1], cwd=cwd)
    rest = paths[1:]
    if jobs == 1 or len(rest) < 2:
        execute(rest, cwd=cwd)
        return
    extra = ["--cwd", cwd] if cwd else []
    procs = [subprocess.Popen([sys.executable, __file__, "_execute", "--serial", *extra,
                               *rest[k::jobs]]) for k in range(jobs)]
    codes = [p.wait() for p in procs]
    if any(codes):
        raise SystemExit(f"a notebook failed (exit codes {codes}): see its error above")


def execute(paths: list[str], cwd: str | None = None) -> None:
    """Run inside the checked environment: execute each notebook in a fresh kernel."""
    import nbformat
    from nbclient import NotebookClient

    for p in paths:
        start = time.perf_counter()
        nb = nbformat.read(p, as_version=4)
        NotebookClient(nb, timeout=900, kernel_name="python3", allow_errors=False,
                       resources={"metadata": {"path": cwd or str(Path(p).parent)}}).execute()
        errors = [o for c in nb.cells for o in c.get("outputs", [])
                  if o.get("output_type") == "stream" and o.get("name") == "stderr"
                  and ("Traceback" in o.get("text", "") or "Warning" in o.get("text", ""))]
        if errors:
            raise SystemExit(f"{p}: stderr shows:\n{errors[0]['text'][-1500:]}")
        print(f"   ok {Path(p).name} ({time.perf_counter() - start:.0f} s)", flush=True)


def notebooks(solutions: bool = True) -> list[str]:
    nbs = course.learner_notebooks(ROOT)
    if solutions:
        nbs += course.solution_notebooks(ROOT)
    return [str(p) for p in nbs]


def binder() -> None:
    import yaml

    t0 = time.perf_counter()
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pins = [d for d in env["dependencies"] if isinstance(d, str)]
    python = [d for d in pins if d.startswith("python=")][0].split("=")[1]
    pip = [d["pip"] for d in env["dependencies"] if isinstance(d, dict)][0]
    print(f"== binder-check: Python {python} venv with environment.yml's {len(pip)} pip packages")
    py = _venv(ROOT / ".venv-binder", _python([python]))
    _run([py, "-m", "pip", "install", "-q", *pip])
    print(f"== [{time.perf_counter() - t0:.0f} s] postBuild")
    env_vars = dict(os.environ, PATH=f"{py.parent}:{os.environ['PATH']}")
    env_vars.pop("NUMBA_CACHE_DIR", None)
    _run(["bash", "postBuild"], cwd=ROOT, env=env_vars)
    print(f"== [{time.perf_counter() - t0:.0f} s] executing every notebook")
    env_vars.update(AUDIO_COURSE_STRICT="1")
    env_vars.pop("MPLBACKEND", None)
    _run([py, __file__, "_execute", *notebooks()], env=env_vars)
    print(f"== binder-check passed in {time.perf_counter() - t0:.0f} s")


def colab() -> None:
    t0 = time.perf_counter()
    py_exe = _python(["3.13", "3.12"])
    print(f"== colab-check: Colab's runtime packages on {py_exe}")
    py = _venv(ROOT / ".venv-colab", py_exe)
    reqs = ROOT / "tools" / "colab-requirements.txt"
    _run([py, "-m", "pip", "install", "-q", "-r", str(reqs)])
    before = _freeze(py)
    repo = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Repository"]
    work = Path(tempfile.mkdtemp(prefix="colab-content-"))
    env_vars = dict(os.environ, GIT_CONFIG_COUNT="1",
                    GIT_CONFIG_KEY_0=f"url.{ROOT.as_uri()}.insteadOf", GIT_CONFIG_VALUE_0=repo,
                    COLAB_RELEASE_TAG="colab-check", AUDIO_COURSE_STRICT="1",
                    PYDEVD_DISABLE_FILE_VALIDATION="1")
    for k in ("MPLBACKEND", "NUMBA_CACHE_DIR", "PYTHONPATH", "VIRTUAL_ENV"):
        env_vars.pop(k, None)
    print(f"== [{time.perf_counter() - t0:.0f} s] every notebook through its set-up cell "
          f"(in {work}; {repo} -> this checkout)")
    _run([py, __file__, "_execute", "--cwd", str(work), *notebooks()],
         env=env_vars, cwd=work)
    after = _freeze(py)
    changed = {k: (before[k], after.get(k)) for k in before if after.get(k) != before[k]}
    added = sorted(set(after) - set(before))
    print(f"   installing the course added {added}")
    if changed:
        raise SystemExit(f"the set-up cell changed packages the runtime already had: {changed}")
    if set(added) - {"audio-dl-course"}:
        print("   (packages the runtime lacked were installed; none was upgraded)")
    print(f"== colab-check passed in {time.perf_counter() - t0:.0f} s")
    shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str]) -> int:
    # the kernels these checks start record no exercise verdict (never the user's progress file)
    os.environ.setdefault("AUDIO_COURSE_PROGRESS", "off")
    if argv[:1] == ["_execute"]:
        serial = argv[1:2] == ["--serial"]
        if serial:
            argv = argv[1:]
        cwd = None
        if argv[1:2] == ["--cwd"]:
            cwd, argv = argv[2], argv[2:]
        (execute if serial else execute_parallel)(argv[1:], cwd=cwd)
        return 0
    if argv[:1] == ["binder"]:
        binder()
        return 0
    if argv[:1] == ["colab"]:
        colab()
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
