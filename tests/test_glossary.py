"""The glossary (notebooks/glossary.md) defines each term where the course first uses it.

Rules, in course order (00, 01, ... 06; markdown cells; the header of each notebook (title,
objectives, prerequisites, time; tagged ``objectives``) is a preview and does not count as a use, nor do References lists and the titles of
links to other notebooks):
- the first cell that uses a glossary term links to the term's entry (glossary.md#anchor), and
  it is in the notebook the entry is filed under;
- every glossary link in a notebook points at an existing entry;
- every notebook links to the glossary;
- a word with two meanings (``*Qualify:*``) is always used with one of its qualifiers;
- the words a learner without signal-processing background stumbled over (issue 14) are either
  defined in the glossary or not used at all.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tools import course

ROOT = Path(__file__).resolve().parent.parent
NB_DIR = ROOT / "notebooks"
GLOSSARY = NB_DIR / "glossary.md"
COURSE = course.learner_notebooks()


# Words a learner with Python but no DSP background could not explain (issue 14): if the course
# uses one, the glossary must define it.
MUST_DEFINE_IF_USED = {
    "frequency": r"frequenc(y|ies)", "period": r"periods?", "bin": r"bins?", "DC": r"DC",
    "phase": r"phases?", "negative frequency": r"negative[\s-]+frequenc(y|ies)",
    "harmonic": r"harmonics?", "partial": r"partials", "envelope": r"envelopes?",
    "frame": r"frames?", "stationary": r"stationary", "low-pass filter": r"low[\s-]*pass",
    "anti-aliasing filter": r"anti[\s-]*aliasing", "transition band": r"transition[\s-]+band",
    "periodic Hann": r"periodic[\s-]+Hann", "win_length": r"win_length",
    "transient": r"transients?", "window gain": r"window(')?s?[\s-]+gain", "RMS": r"RMS",
    "semitone": r"semitones?", "HTK": r"HTK", "lifter": r"lifter(ing)?",
    "Savitzky-Golay": r"Savitzky[\s-]+Golay", "NNLS": r"NNLS",
    "diagonal covariance": r"diagonal[\s-]+covariance", "GIL": r"GIL", "BLAS": r"BLAS",
    "pickling": r"pickl(e|ed|ing)",
    # found by the third round of learner run-throughs (issue 20)
    "energy": r"energy", "basis": r"bas(is|es)", "complex conjugate": r"complex[\s-]+conjugates?",
    "estimator": r"estimators?", "Welch": r"Welch('s)?", "Blackman": r"Blackman",
    "inverse FFT": r"inverse[\s-]+FFT", "least squares": r"least[\s-]+squares",
    "Griffin-Lim": r"Griffin[\s-]+Lim", "vocoder": r"vocoders?", "GTZAN": r"GTZAN",
    "consistent phase": r"consistent[\s-]+phase", "in phase": r"in[\s-]+phase",
    "summed squared windows": r"summed[\s-]+squared[\s-]+windows?",
    "front end": r"front[\s-]+ends?", "log energy": r"log[\s-]+energy",
    "mastering": r"master(ed|ing)?", "radian": r"radians?", "real cepstrum": r"real[\s-]+cepstrum",
    "complex number": r"complex[\s-]+numbers?", "pitch": r"pitch(es)?", "beats": r"beats",
    "seed": r"seeds?",
}
MIN_ENTRIES = 40


@dataclass
class Entry:
    term: str
    notebook: str  # "00" ... "06"
    anchor: str
    forms: list[str]
    qualifiers: list[str] = field(default_factory=list)
    body: str = ""


def slug(term: str) -> str:
    s = term.strip().lower()
    s = re.sub(r"[^\w\s-]", "", s)
    return re.sub(r"\s+", "-", s)


def parse_glossary(text: str) -> list[Entry]:
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    entries, nb, cur = [], None, None
    for line in text.splitlines():
        m2 = re.match(r"^## (\d\d)\b", line)
        m3 = re.match(r"^### (.+?)\s*$", line)
        if m2:
            nb, cur = m2.group(1), None
        elif m3:
            assert nb is not None, f"term {m3.group(1)!r} before any '## NN' section"
            term = m3.group(1)
            cur = Entry(term=term, notebook=nb, anchor=slug(term), forms=[term])
            entries.append(cur)
        elif cur is not None:
            also = re.match(r"^\*Also:\*\s*(.+)$", line)
            qual = re.match(r"^\*Qualify:\*\s*(.+)$", line)
            if also:
                cur.forms += [f.strip() for f in also.group(1).split(",") if f.strip()]
            elif qual:
                cur.qualifiers += [f.strip() for f in qual.group(1).split(",") if f.strip()]
            else:
                cur.body += line + "\n"
    return entries


def term_regex(form: str) -> re.Pattern:
    words = [re.escape(w) for w in re.split(r"[\s-]+", form.strip())]
    pattern = r"(?<![\w-])" + r"[\s-]+".join(words) + r"(?![\w-])"
    case_sensitive = sum(ch.isupper() for ch in form) >= 2
    return re.compile(pattern, 0 if case_sensitive else re.I)


@dataclass
class Cell:
    nb: str  # "00" ...
    stem: str
    index: int
    text: str  # link targets removed, link texts kept
    links: list[str]
    tags: list[str]


def _cells() -> list[Cell]:
    out = []
    for p in COURSE:
        nb = json.loads(p.read_text(encoding="utf-8"))
        for i, c in enumerate(nb["cells"]):
            if c["cell_type"] != "markdown":
                continue
            src = "".join(c["source"])
            src = re.sub(r"<!--.*?-->", "", src, flags=re.S)
            # a References list cites titles; it is not where the course uses a word
            src = re.split(r"^#+ References\b", src, maxsplit=1, flags=re.M)[0]
            links = re.findall(r"\]\(([^)\s]+)\)", src)
            # the title in a link to another notebook ("next: [03 STFT spectrogram](...)")
            # names that notebook; it does not use its words
            src = re.sub(r"\[[^\]]*\]\((?!glossary)[^)\s]*\.ipynb[^)]*\)", "[notebook]", src)
            text = re.sub(r"\]\([^)]*\)", "]", src)
            text = re.sub(r"\\[A-Za-z]+", " ", text)  # LaTeX commands: $\Delta t$ is no "delta"
            out.append(Cell(p.stem[:2], p.stem, i, text, links,
                            c.get("metadata", {}).get("tags", [])))
    return out


ENTRIES = parse_glossary(GLOSSARY.read_text(encoding="utf-8"))
CELLS = _cells()


def _uses(cell: Cell) -> bool:
    return "objectives" not in cell.tags


def test_glossary_format():
    anchors = [e.anchor for e in ENTRIES]
    assert len(anchors) == len(set(anchors)), "two glossary entries share an anchor"
    for e in ENTRIES:
        assert e.body.strip(), f"glossary entry {e.term!r} has no definition"
        assert e.term == e.term.strip() and not e.term.endswith("."), e.term
    assert len(ENTRIES) >= MIN_ENTRIES, f"only {len(ENTRIES)} glossary entries"


def test_objectives_tag_only_on_previews():
    """Only a notebook's header (the markdown before its first code cell) or 00's course map
    may be tagged 'objectives'."""
    for p in COURSE:
        cells = json.loads(p.read_text(encoding="utf-8"))["cells"]
        first_code = next(i for i, c in enumerate(cells) if c["cell_type"] == "code")
        for i, c in enumerate(cells):
            if "objectives" in c.get("metadata", {}).get("tags", []):
                assert i < first_code or p.stem.startswith("00"), (
                    f"{p.stem} cell {i}: only the header before the first code cell (or 00's "
                    "course map) may be tagged 'objectives'")


def test_every_notebook_links_to_glossary():
    for p in COURSE:
        assert "glossary.md" in p.read_text(encoding="utf-8"), f"{p.stem}: no glossary link"


def test_glossary_links_resolve():
    anchors = {e.anchor for e in ENTRIES}
    for c in CELLS:
        for link in c.links:
            if link.startswith("glossary.md#"):
                assert link.split("#", 1)[1] in anchors, (
                    f"{c.stem} cell {c.index}: link {link} has no glossary entry")


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.anchor for e in ENTRIES])
def test_term_defined_where_first_used(entry):
    rxs = [term_regex(f) for f in entry.forms]
    first = next((c for c in CELLS if _uses(c) and any(rx.search(c.text) for rx in rxs)), None)
    if first is None:
        pytest.skip(f"{entry.term!r} is not used in any notebook's markdown")
    target = f"glossary.md#{entry.anchor}"
    assert target in first.links, (
        f"{entry.term!r} is first used in {first.stem} cell {first.index} without a link to "
        f"its definition ({target}): define it there, or move its first use")
    assert first.nb == entry.notebook, (
        f"{entry.term!r} is first used in {first.stem}, but the glossary files it under "
        f"{entry.notebook}")


def test_words_with_two_meanings_are_qualified():
    for e in ENTRIES:
        if not e.qualifiers:
            continue
        quals = "|".join(re.escape(q) for q in e.qualifiers)
        for form in e.forms:
            rx = term_regex(form)
            for c in CELLS:
                for m in rx.finditer(c.text):
                    before = c.text[max(0, m.start() - 40):m.start()]
                    assert re.search(rf"(?:{quals})[\s*_`-]*$", before, re.I), (
                        f"{c.stem} cell {c.index}: '{m.group(0)}' has two meanings in this "
                        f"course; write one of: {', '.join(e.qualifiers)} {form}")


@pytest.mark.parametrize("word", sorted(MUST_DEFINE_IF_USED))
def test_hard_words_are_defined_or_avoided(word):
    rx = re.compile(r"(?<![\w-])" + MUST_DEFINE_IF_USED[word] + r"(?![\w-])",
                    0 if sum(ch.isupper() for ch in word) >= 2 else re.I)
    used = [c for c in CELLS if rx.search(c.text)]
    if not used:
        pytest.skip(f"{word!r} is not used")
    defined = any(rx.fullmatch(f) for e in ENTRIES for f in e.forms)
    assert defined, (f"{word!r} is used ({used[0].stem} cell {used[0].index}) but the glossary "
                     "does not define it")


def test_parser_and_rules_catch_mistakes():
    """The rules above can fail: a synthetic glossary and cells exercise each one."""
    g = parse_glossary("## 01 W\n### bin\n*Also:* bins\nA frequency slot.\n"
                       "### envelope\n*Qualify:* amplitude, spectral\nTwo meanings.\n")
    assert [e.anchor for e in g] == ["bin", "envelope"]
    assert g[0].forms == ["bin", "bins"] and g[1].qualifiers == ["amplitude", "spectral"]
    assert term_regex("bins").search("the bins of") and not term_regex("bin").search("binary")
    assert term_regex("DC").search("the DC bin") and not term_regex("DC").search("a dc offset")
    assert term_regex("low-pass filter").search("a low pass\nfilter")
    assert slug("Savitzky-Golay") == "savitzky-golay" and slug("periodic Hann") == "periodic-hann"


def test_references_and_notebook_titles_are_not_uses(tmp_path, monkeypatch):
    nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source":
                     "See [02 FFT spectrum](02_fft_spectrum.ipynb); a [bin](glossary.md#bin)."
                     "\n## References\n- Smith, *Mathematics of the DFT*"}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "01_x.ipynb").write_text(json.dumps(nb))
    monkeypatch.setattr(sys.modules[__name__], "COURSE", [tmp_path / "01_x.ipynb"])
    (cell,) = _cells()
    assert "FFT" not in cell.text and "DFT" not in cell.text and "bin" in cell.text
    assert "glossary.md#bin" in cell.links
