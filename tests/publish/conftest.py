"""Checks of the published course (`make test-publish` builds it first).

They read build/slides/ and build/site/. Without a build they skip, unless
AUDIO_COURSE_PUBLISH=1 (set by tools/publish.sh), where a missing build is a failure.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
from browserlab import CHROMIUM_FLAGS, find_chromium  # noqa: E402

BUILD = ROOT / "build"


def require_build(folder: Path, what: str) -> None:
    if not folder.exists() or not any(folder.iterdir()):
        if os.environ.get("AUDIO_COURSE_PUBLISH") == "1":
            pytest.fail(f"{folder.relative_to(ROOT)} is missing: `make {what}` did not build it")
        pytest.skip(f"{folder.relative_to(ROOT)} not built (run `make {what}`)")


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory):
    if find_chromium() is None:
        pytest.skip("no chromium on this machine (sudo apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(profile), executable_path=find_chromium(), headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 900})
        ctx.set_default_timeout(60_000)
        page = ctx.new_page()
        yield page
        ctx.close()
