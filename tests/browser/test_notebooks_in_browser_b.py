"""The second half of the real-browser notebook runs (see test_notebooks_in_browser.py): a
separate file so that pytest-xdist (``--dist loadfile``) runs it on another worker, with its
own JupyterLab server and Chromium, in parallel with the first half."""

from __future__ import annotations

import pytest
import test_notebooks_in_browser as first_half

pytestmark = pytest.mark.browser
EXTRA_NOTEBOOKS = first_half.EXTRA_NOTEBOOKS  # the lab fixture copies these too
NOTEBOOKS = first_half.ALL_NOTEBOOKS[1::2]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_and_sliders_respond(browser_context, lab, name):
    first_half.test_notebook_runs_and_sliders_respond(browser_context, lab, name)


def test_the_two_halves_cover_every_notebook():
    assert sorted(first_half.NOTEBOOKS + NOTEBOOKS) == sorted(first_half.ALL_NOTEBOOKS)
