"""The course website (build/site): every page loads in Chromium and shows what it should.

- every notebook, solution, glossary, teaching and licence page exists and is reachable from
  the landing page (the course map);
- no page shows a Python traceback;
- each notebook page shows its figures (as many images as the executed notebook has PNG
  outputs) and an <audio> player for every sound the notebook plays;
- every internal link resolves: the file exists and, for a #fragment, an element with that id;
- the search page loads and finds a word;
- every explorer (helpers.widgets.*_explorer) has its static PNG in the executed notebook, and
  no page shows a widget's text fallback ("VBox(children=...)") or "No prediction committed";
- every speaker note of the lecturer's guide (docs/teaching/NN_*.md, "Speaker notes") is on
  its notebook's page, folded into a closed "For lecturers" box, and no note text is outside
  those boxes.
"""

from __future__ import annotations

import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import BUILD, ROOT, defects_in, require_build

from tools import course

SITE = BUILD / "site"
EXECUTED = BUILD / "executed"
PAGES = sorted(p for p in SITE.rglob("*.html")
               if "_static" not in p.parts and "_vendor" not in p.parts
               and p.name not in ("genindex.html", "search.html")) if SITE.exists() else []


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag in ("img", "script") and a.get("src"):
            self.links.append(a["src"])
        if tag == "link" and a.get("href"):
            self.links.append(a["href"])


def _parse(path: Path) -> _Links:
    p = _Links()
    p.feed(path.read_text(encoding="utf-8", errors="replace"))
    return p


def broken_links(site: Path) -> list[str]:
    parsed = {p: _parse(p) for p in site.rglob("*.html")
              if "_vendor" not in p.parts and "_static" not in p.parts}
    bad = []
    for page, info in parsed.items():
        for href in info.links:
            parts = urlsplit(href)
            if parts.scheme or href.startswith(("//", "mailto:", "data:", "javascript:")):
                continue
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            where = f"{page.relative_to(site)} -> {href}"
            if not target.exists():
                bad.append(f"{where}: no such file")
            elif parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else _parse(target).ids
                if unquote(parts.fragment) not in ids:
                    bad.append(f"{where}: no element with id {parts.fragment!r}")
    return bad


sys.path.insert(0, str(ROOT / "tools"))
import publish  # noqa: E402


def _notes(rel: Path) -> list[dict]:
    """The guide's speaker notes of a learner notebook's page (solutions have none)."""
    return [] if rel.parent.name == "solutions" else publish.speaker_notes(rel.name)


def _expected_media(rel: Path) -> tuple[int, int]:
    nb_path = EXECUTED / f"{rel}.ipynb"
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    images = audio = 0
    for cell in nb["cells"]:
        if "remove-cell" in cell.get("metadata", {}).get("tags", []):
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            images += "image/png" in data
            audio += "<audio" in "".join(data.get("text/html", ""))
    return images, audio


def test_site_has_every_page():
    require_build(SITE, "site")
    names = {p.relative_to(SITE).as_posix() for p in PAGES}
    wanted = {f"{p.stem}.html" for p in course.learner_notebooks(ROOT)}
    wanted |= {f"solutions/{p.stem}.html" for p in course.solution_notebooks(ROOT)}
    wanted |= {"index.html", "glossary.html", "licences.html"}
    assert wanted <= names, f"missing pages: {sorted(wanted - names)}"
    index = (SITE / "index.html").read_text(encoding="utf-8")
    for p in course.learner_notebooks(ROOT):
        assert f'href="{p.stem}.html"' in index, f"the course map does not link {p.stem}"


def test_internal_links_resolve():
    require_build(SITE, "site")
    bad = broken_links(SITE)
    assert not bad, f"{len(bad)} broken link(s):\n" + "\n".join(bad[:40])


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(SITE).as_posix() for p in PAGES])
def test_page_loads_with_figures_and_sound(browser_page, page):
    browser_page.failed_requests.clear()
    browser_page.goto(page.as_uri())
    browser_page.wait_for_load_state("load")
    text = browser_page.inner_text("main") if browser_page.locator("main").count() else \
        browser_page.inner_text("body")
    assert "Traceback (most recent call last)" not in text, f"{page.name} shows a traceback"
    errors = browser_page.evaluate("""() => [...document.querySelectorAll(
        'main .traceback, main .output.stderr, main .output.error')]
        .filter(e => !e.closest('.tag_raises-exception'))  // errors shown on purpose
        .map(e => e.textContent).filter(t => /Error|Exception|Warning/.test(t))""")
    assert not errors, f"{page.name} shows an error or warning output: {errors[0][-800:]}"
    if browser_page.locator("main .math").count():  # formulas: MathJax (local copy) typesets
        # idle is not enough (the first Typeset may not be queued yet): wait for its output too
        browser_page.wait_for_function(
            "() => window.MathJax && MathJax.isReady && MathJax.Hub.queue.pending === 0 && "
            "document.querySelector('.MathJax, .MathJax_Display') !== null", timeout=30_000)
        assert browser_page.locator(".MathJax, .MathJax_Display").count() > 0, (
            f"{page.name}: formulas were not typeset")
        assert "failed to load" not in browser_page.inner_text("body"), f"{page.name}: MathJax"
    assert not browser_page.failed_requests, (
        f"{page.name} loads from elsewhere: {browser_page.failed_requests}")
    shows = defects_in(text)
    assert not shows, f"{page.name} shows {shows}"
    rel = page.relative_to(SITE).with_suffix("")
    if (EXECUTED / f"{rel}.ipynb").exists():  # a notebook's page (not a guide page)
        boxes = browser_page.evaluate("""() => [...document.querySelectorAll(
            'main details.lecturer-notes')].map(d => [d.open, d.textContent])""")
        notes = _notes(rel)
        assert len(boxes) == len(notes), (
            f"{page.name}: {len(boxes)} 'For lecturers' boxes, the guide has {len(notes)} notes")
        assert not any(open_ for open_, _ in boxes), (
            f"{page.name}: a 'For lecturers' box is open on arrival")
        for (_, box), note in zip(boxes, notes, strict=True):
            assert publish.note_snippet(note["text"]) in publish.plain(box), (
                f"{page.name}: the note '{note['heading']}' is not in its box")
        shown = publish.plain(text)  # inner_text: what a reader sees, closed boxes folded
        assert "Ask the room:" not in shown, f"{page.name}: speaker notes shown to learners"
        for note in notes:
            assert publish.note_snippet(note["text"], 8) not in shown, (
                f"{page.name}: the note '{note['heading']}' is shown outside its box")
        n_img, n_audio = _expected_media(rel)
        shown = browser_page.evaluate("""() => [...document.querySelectorAll('main img')]
            .filter(i => i.complete && i.naturalWidth > 0).length""")
        audio = browser_page.locator("main audio").count()
        assert shown >= n_img, f"{page.name}: {shown} images shown, the notebook made {n_img}"
        assert audio >= n_audio, f"{page.name}: {audio} audio players, expected {n_audio}"


def test_search_finds_a_word(browser_page):
    require_build(SITE, "site")
    browser_page.goto((SITE / "search.html").as_uri() + "?q=spectrogram")
    browser_page.wait_for_function(
        "() => document.querySelectorAll('#search-results li, ul.search li').length > 0",
        timeout=30_000)


def test_link_check_catches_a_broken_link(tmp_path):
    (tmp_path / "a.html").write_text('<a href="b.html#x">b</a><a href="c.html">c</a>'
                                     '<a href="https://example.org">e</a>')
    (tmp_path / "b.html").write_text('<p id="y">b</p>')
    bad = broken_links(tmp_path)
    assert len(bad) == 2 and "no element with id 'x'" in bad[0] and "c.html" in bad[1]


EXPLORER_CALL = re.compile(r"helpers\.widgets\.\w+_explorer\(")
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def static_view_problems(nb: dict) -> list[str]:
    """Explorer cells without a PNG, and widget outputs with nothing a static page can show."""
    bad = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code" or "remove-cell" in cell.get("metadata", {}).get(
                "tags", []):  # a test cell may build an explorer to check it: not shown
            continue
        outputs = [o.get("data", {}) for o in cell.get("outputs", [])]
        if EXPLORER_CALL.search("".join(cell["source"])) and not any(
                "image/png" in d for d in outputs):
            bad.append(f"cell {i}: explorer without its static PNG")
        for d in outputs:
            if WIDGET_MIME in d and not ({"image/png", "text/html"} & set(d)):
                bad.append(f"cell {i}: widget output with no static view")
    return bad


@pytest.mark.parametrize("nb_path", sorted(EXECUTED.rglob("*.ipynb")) if EXECUTED.exists()
                         else [], ids=lambda p: p.stem)
def test_explorers_have_their_static_figure(nb_path):
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    bad = static_view_problems(nb)
    assert not bad, f"{nb_path.name}: " + "; ".join(bad)


def test_static_view_check_catches_a_bare_widget():
    nb = {"cells": [
        {"cell_type": "code", "source": ["helpers.widgets.stft_explorer(y, sr)"],
         "outputs": [{"data": {WIDGET_MIME: {}, "text/plain": "VBox(children=...)"}}]},
        {"cell_type": "code", "source": ["helpers.widgets.db_explorer(y, sr)"],
         "outputs": [{"data": {"image/png": "...", "text/plain": "<DbExplorer>"}}]},
        {"cell_type": "code", "source": ["e = helpers.widgets.db_explorer(y, sr)"],
         "metadata": {"tags": ["test", "remove-cell"]}, "outputs": []},
    ]}
    bad = static_view_problems(nb)
    assert bad == ["cell 0: explorer without its static PNG",
                   "cell 0: widget output with no static view"]
