"""Shared bits of the browser test (imported by conftest.py and the test module)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"

# Without the background-networking flags Chromium's connections are refused in the sandbox.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def find_chromium() -> str | None:
    """Debian's chromium; AUDIO_COURSE_CHROMIUM=/path picks another, =none skips the test."""
    env = os.environ.get("AUDIO_COURSE_CHROMIUM")
    if env is not None:
        return None if env.lower() in ("", "none") else env
    for cand in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if cand and os.access(cand, os.X_OK):
            return cand
    return None
