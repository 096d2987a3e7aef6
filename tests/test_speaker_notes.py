"""The lecturer's speaker notes live in the lecturer's guide, not in the learner notebooks.

``docs/teaching/NN_*.md`` has a "Speaker notes" section: one ``### heading`` per note, naming a
heading of notebook NN. ``tools/publish.py`` (``with_notes``) puts each note back at build time,
at the end of that part of the notebook (or right after the cell an ``<!-- after cell: ID -->``
line names), for the deck's speaker view and the site's "For lecturers" boxes. Checked here,
without a build: every note finds exactly one place; a note whose place is gone stops the
build; no learner notebook holds a note (nbtool); a deck made with the notes shows each one in
reveal.js's speaker notes. tests/publish/ checks the built slides and site.
"""

from __future__ import annotations

import copy
import json
import re
import sys
from pathlib import Path

import nbformat
import pytest
from nbconvert import SlidesExporter

from tools import nbtool

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import publish  # noqa: E402

LEARNER = publish.learner_notebooks()


def _nb(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _notes_cells(nb: dict) -> list[int]:
    return [i for i, c in enumerate(nb["cells"])
            if c.get("metadata", {}).get("slideshow", {}).get("slide_type") == "notes"]


@pytest.mark.parametrize("nb_path", LEARNER, ids=[p.stem for p in LEARNER])
def test_every_note_of_the_guide_finds_its_place(nb_path):
    guide = publish.guide_for(nb_path.stem)
    assert guide.exists(), f"{nb_path.stem} has no lecturer's guide docs/teaching/{guide.name}"
    n_headings = len(re.findall(r"(?m)^### ", guide.read_text(encoding="utf-8").split(
        publish.NOTES_SECTION, 1)[1].split("\n## ", 1)[0]))
    notes = publish.speaker_notes(nb_path.stem)
    assert len(notes) == n_headings >= 1, "every ### of 'Speaker notes' is one note"
    nb = publish.with_notes(_nb(nb_path), nb_path.stem)
    where = _notes_cells(nb)
    assert len(where) == len(notes)
    for i, note in zip(where, notes, strict=True):
        assert "".join(nb["cells"][i]["source"]) == note["text"]
        before = nb["cells"][i - 1]
        if note["after"]:
            assert before["id"] == note["after"]
        else:  # the end of the heading's part: the next cell starts another heading, or none
            nxt = nb["cells"][i + 1:]
            nxt = next((c for c in nxt if c["metadata"].get("slideshow", {}).get(
                "slide_type") != "notes"), None)
            assert nxt is None or publish.markdown_headings("".join(nxt["source"])), (
                f"note '{note['heading']}' is not at the end of its part")


def test_learner_notebooks_hold_no_notes_and_a_planted_one_is_caught(tmp_path):
    assert not [p for nb in LEARNER for p in nbtool.lecturer_note_problems(nb.name,
                                                                           _nb(nb)["cells"])]
    nb = _nb(ROOT / "notebooks" / "03_stft_spectrogram.ipynb")
    f = tmp_path / "03_stft_spectrogram.ipynb"
    planted = copy.deepcopy(nb)
    publish.with_notes(planted, "03_stft_spectrogram")  # the notes back as notes cells
    f.write_text(json.dumps(planted))
    found = [p for p in nbtool.check([f]) if "speaker-notes cell" in p]
    assert len(found) == len(publish.speaker_notes("03_stft_spectrogram"))
    for text in ("**Ask the room:** why?", "Ask: \"why?\" Expected: because.",
                 "**Say:** this.", "**Answer:** 3000 Hz."):
        planted = copy.deepcopy(nb)
        md = next(c for c in planted["cells"][5:] if c["cell_type"] == "markdown")
        md["source"] = "".join(md["source"]) + "\n\n" + text
        f.write_text(json.dumps(planted))
        assert any("holds a lecturer's note" in p for p in nbtool.check([f])), text
    # words that only look like labels are not notes
    assert not nbtool.NOTE_LABEL_RX.search("Say what 'cepstral' means. Answer in ms. "
                                           "# Expected peak: A/2")


def _toy() -> dict:
    md = lambda s, i: {"cell_type": "markdown", "id": i, "metadata": {}, "source": s}  # noqa: E731
    return {"cells": [md("# Title *(2 min)*\n\nintro", "t0"), md("text", "t1"),
                      md("## 1. First part (about 5 min)", "a0"), md("body", "a1"),
                      md("more", "a2"), md("## 2. Second part", "b0"), md("end", "b1")],
            "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


GUIDE = """# Guide

## Speaker notes

Intro text.

### 1. First part (about 5 min)

note A

### 1. First part

<!-- after cell: a1 -->

note A2

### Title

note T

## Homework

not a note
"""


def test_notes_go_to_the_end_of_their_part_or_after_their_cell():
    notes = publish.speaker_notes("toy", GUIDE)
    assert [(n["heading"], n["after"], n["text"]) for n in notes] == [
        ("1. First part (about 5 min)", None, "note A"), ("1. First part", "a1", "note A2"),
        ("Title", None, "note T")]
    nb = publish.with_notes(_toy(), "toy", notes)
    order = ["".join(c["source"]) for c in nb["cells"]]
    assert order[:4] == ["# Title *(2 min)*\n\nintro", "text", "note T",
                         "## 1. First part (about 5 min)"]
    assert order[4:9] == ["body", "note A2", "more", "note A", "## 2. Second part"]


@pytest.mark.parametrize("guide, says", [
    (GUIDE.replace("### Title", "### Titel"), "'### Titel' is not a heading of"),
    (GUIDE.replace("after cell: a1", "after cell: b1"), "goes after cell b1"),
    (GUIDE.replace("### Title", "### 2. Second part"), "'### 2. Second part' is not a"),
])
def test_a_note_whose_place_is_gone_stops_the_build(guide, says):
    notes = publish.speaker_notes("toy", guide)
    nb = _toy()
    nb["cells"][5]["source"] = "## 2. The part renamed"  # a heading edited in the notebook
    with pytest.raises(publish.NoteAnchorError, match=re.escape(says)):
        publish.with_notes(nb, "toy", notes)
    twice = _toy()
    twice["cells"][6]["source"] = "### Title"
    with pytest.raises(publish.NoteAnchorError, match="is 2 headings of"):
        publish.with_notes(twice, "toy", publish.speaker_notes("toy", GUIDE))


@pytest.mark.parametrize("nb_path", LEARNER, ids=[p.stem for p in LEARNER])
def test_a_deck_shows_every_note_in_its_speaker_view(nb_path):
    """The deck made the way `make slides` makes it holds each note in an
    <aside class="notes"> (reveal.js's speaker view), and only there."""
    nb = nbformat.from_dict(publish.with_notes(nbformat.read(nb_path, as_version=4),
                                               nb_path.stem))
    html_text, _ = SlidesExporter().from_notebook_node(nb)
    asides = [publish.plain(a) for a in re.findall(
        r'<aside class="notes">(.*?)</aside>', html_text, re.S)]
    notes = publish.speaker_notes(nb_path.stem)
    assert len(asides) == len(notes)
    for aside, note in zip(asides, notes, strict=True):
        assert publish.note_snippet(note["text"]) in aside, note["heading"]
    outside = publish.plain(re.sub(r'<aside class="notes">.*?</aside>', "", html_text,
                                   flags=re.S))
    for note in notes:
        assert publish.note_snippet(note["text"], 8) not in outside, note["heading"]
