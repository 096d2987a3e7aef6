"""Every notebook converts to a reveal.js slide deck (`jupyter nbconvert --to slides`)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbconvert import SlidesExporter

from tools import course

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = course.learner_notebooks()


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_makes_a_slide_deck(nb_path):
    nb = nbformat.read(nb_path, as_version=4)
    n_slides = sum(
        c.metadata.get("slideshow", {}).get("slide_type") in ("slide", "subslide") for c in nb.cells
    )
    assert n_slides >= 3, "a lecture deck needs several slides"
    html, _ = SlidesExporter().from_notebook_node(nb)
    assert html.count("<section") >= n_slides
    assert "reveal" in html.lower()
