"""Fixtures for the real-browser test: a throw-away JupyterLab server and headless Chromium.

JupyterLab runs from this interpreter's environment on 127.0.0.1 and a free port, with a token,
its own settings/workspace folders, and a temporary copy of the notebooks (outputs stripped), so
nothing in the repository is touched. Chromium is Debian's ``/usr/bin/chromium`` driven by
Playwright (``executable_path``); the flags below keep it from phoning home, which the sandbox
refuses anyway.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from browserlab import CHROMIUM_FLAGS, ROOT, find_chromium

from tools import course


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_settings(settings: Path) -> None:
    """Lab settings for a test run: every cell in the DOM, no news / update checks."""
    (settings / "@jupyterlab" / "notebook-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
        json.dumps({"windowingMode": "none"}))
    (settings / "@jupyterlab" / "apputils-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
     ).write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))


def stripped_copy(src: Path, dst: Path) -> None:
    """Copy a notebook without outputs, so every output seen in the browser is from this run."""
    nb = json.loads(src.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    dst.write_text(json.dumps(nb, indent=1), encoding="utf-8")


class Lab:
    def __init__(self, root: Path, port: int, token: str, proc: subprocess.Popen, log: Path):
        self.root, self.port, self.token, self.proc, self.log = root, port, token, proc, log

    def url(self, notebook: str) -> str:
        """A fresh workspace per notebook: only this notebook is open, nothing is restored."""
        ws = Path(notebook).stem.replace("_", "-")
        return (f"http://127.0.0.1:{self.port}/lab/workspaces/{ws}/tree/{notebook}"
                f"?reset&token={self.token}")

    def _api(self, path: str, method: str = "GET"):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}/api/{path}", method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=10) as r:
            body = r.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """Stop every kernel (one notebook at a time keeps memory low on a 2-core machine)."""
        for session in self._api("sessions"):
            self._api(f"sessions/{session['id']}", method="DELETE")


@pytest.fixture(scope="module")
def lab(tmp_path_factory, request) -> Lab:
    base = tmp_path_factory.mktemp("lab")
    root = base / "notebooks"
    root.mkdir()
    for nb in course.learner_notebooks(ROOT):  # course.toml's list
        stripped_copy(nb, root / nb.name)
    extra = getattr(request.module, "EXTRA_NOTEBOOKS", {})
    for name, nb in extra.items():
        (root / name).write_text(json.dumps(nb, indent=1), encoding="utf-8")
    settings = base / "settings"
    _write_settings(settings)
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # the kernel must use the notebook's own (inline) backend
    env.update(
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"),
        IPYTHONDIR=str(base / "ipython"),
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
        PYTHONUNBUFFERED="1",
    )
    port, token = _free_port(), secrets.token_hex(16)
    log = base / "jupyterlab.log"
    cmd = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
        "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
        "--ServerApp.port_retries=0", "--ServerApp.terminals_enabled=False",
        f"--ServerApp.root_dir={root}", "--LabApp.check_for_updates_class="
        "jupyterlab.NeverCheckForUpdate",
    ] + (["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])
    fh = open(log, "w")  # noqa: SIM115 - closed in the finaliser
    proc = subprocess.Popen(cmd, cwd=base, env=env, stdout=fh, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    status = f"http://127.0.0.1:{port}/api/status?token={token}"
    while True:
        try:
            with urllib.request.urlopen(status, timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            fh.close()
            pytest.fail(f"JupyterLab did not start; its log:\n{log.read_text()[-3000:]}")
        time.sleep(0.5)
    yield Lab(root, port, token, proc, log)
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    fh.close()


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")  # a fresh --user-data-dir
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(profile), executable_path=find_chromium(), headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 1000},
        )
        ctx.set_default_timeout(30_000)
        yield ctx
        ctx.close()
