"""Test-run layout for pytest-xdist (``--dist loadgroup``), for tests/ and notebooks/ alike.

- every item of one file stays on one worker, in order (nbval needs a notebook's cells in
  sequence; this is what ``--dist loadfile`` did);
- the real-browser tests are split into ``BROWSER_GROUPS`` groups that run on different
  workers, each with its own JupyterLab server and Chromium (module-scoped fixtures are per
  worker), so the slowest part of the suite runs in parallel with the rest.
"""

from __future__ import annotations

import pytest

BROWSER_GROUPS = 2


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    browser = [it for it in items if "browser" in it.path.parts and it.path.parent.name == "browser"]
    for i, item in enumerate(browser):
        item.add_marker(pytest.mark.xdist_group(f"browser-{i % BROWSER_GROUPS}"))
    for item in items:
        if not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(str(item.path)))
