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

# Text a reader must never see on a page or slide: the plain-text repr of a widget (a live
# widget exported without its static fallback), the "widget could not be displayed" notices,
# and reveal()'s "No prediction committed" (publish.py turns it into "Answer: ...").
DEFECT_TEXTS = ("VBox(children", "HBox(children", "interactive(children", "Output(layout",
                "IntSlider(", "FloatSlider(", "Dropdown(options", "RadioButtons(options",
                "A Jupyter widget could not be displayed", "Loading widget...",
                "No prediction committed")


def defects_in(text: str) -> list[str]:
    return [t for t in DEFECT_TEXTS if t in text]


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
        page.failed_requests = []  # everything a page loads must be local (offline course)
        page.on("requestfailed", lambda r: page.failed_requests.append(r.url[:150])
                if r.url.startswith(("http", "file")) else None)
        yield page
        ctx.close()
