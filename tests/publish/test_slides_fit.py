"""Every slide of every deck fits reveal.js's 960x700 canvas and can be read from the back.

The deck is opened in headless Chromium; for each slide and sub-slide the test goes there and
measures the section's natural height and width (with all fragments laid out) and every code
block's width: nothing may be taller or wider than the canvas, and no code line may be clipped.
It also measures the text: prose (paragraphs, list items) is at least MIN_PROSE_PX and any
text at least MIN_TEXT_PX on the canvas (nbconvert's own CSS made prose 12 px), and no slide
shows a widget's text fallback ("VBox(children=...)") or a "No prediction committed" verdict.
Links in a deck lead to another deck or to a page of the built site.
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import pytest
from conftest import BUILD, ROOT, defects_in, require_build

sys.path.insert(0, str(ROOT / "tools"))
import publish  # noqa: E402

from tools import course

SLIDES = BUILD / "slides"
DECKS = sorted(SLIDES.glob("*.slides.html")) if SLIDES.exists() else []
MIN_PROSE_PX = 17  # on the 960x700 canvas; a 1080p projector shows it at 1.5x
MIN_TEXT_PX = 14  # tables, inline code in tables, outputs

MEASURE_JS = """() => {
  const cfg = Reveal.getConfig();
  const out = [];
  for (const s of Reveal.getSlides()) {
    const idx = Reveal.getIndices(s);
    Reveal.slide(idx.h, idx.v);
    const clipped = [...s.querySelectorAll('pre')]
      .filter(p => p.offsetParent !== null && p.scrollWidth > p.clientWidth + 1)
      .map(p => p.textContent.split('\\n').reduce((a, b) => a.length >= b.length ? a : b, ''));
    const head = s.querySelector('h1, h2, h3, h4');
    let minProse = 999, minText = 999, smallest = '';
    const walk = document.createTreeWalker(s, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const el = n.parentElement, t = n.textContent.trim();
      if (!t || el.closest('.MathJax, .MathJax_Display, .MathJax_Preview, script, style')
          || !el.getClientRects().length) continue;
      const px = parseFloat(getComputedStyle(el).fontSize);
      if (px < minText) { minText = px; smallest = t.slice(0, 40); }
      if (el.closest('.jp-MarkdownCell p, .jp-MarkdownCell li') && !el.closest('table, code'))
        minProse = Math.min(minProse, px);
    }
    out.push({h: idx.h, v: idx.v, height: s.scrollHeight, width: s.scrollWidth, clipped,
              minProse, minText, smallest, defects: s.textContent,
              title: head ? head.textContent.replace('\u00b6', '').trim()
                          : s.textContent.trim().slice(0, 60)});
  }
  return {W: cfg.width, H: cfg.height, slides: out};
}"""


MATHJAX_IDLE = ("window.MathJax && MathJax.isReady && MathJax.Hub"
                " && MathJax.Hub.queue.pending === 0 && MathJax.Hub.queue.running === 0")


def wait_until_typeset(page, timeout_ms: int = 30_000) -> bool:
    """Wait until MathJax exists, is idle and shows at least one typeset formula.

    The deck's own script calls ``MathJax.Hub.Rerender`` on every ``slidechanged`` event, so
    after the measuring loop (which visits every slide) the formulas are being re-rendered and
    may be absent for a moment: count them only once that queue has drained again.
    """
    try:
        page.wait_for_function(f"() => ({MATHJAX_IDLE}) && "
                               "document.querySelector('.MathJax, .MathJax_Display') !== null",
                               timeout=timeout_ms)
    except Exception:  # playwright's TimeoutError: the caller's assertion names the problem
        return False
    return True


def measure(page, deck, math: bool = False) -> dict:
    """Open ``deck``, wait until it is laid out (and, when ``math``, typeset), measure it."""
    page.failed_requests.clear()
    page.goto(deck.as_uri())
    page.wait_for_selector(".reveal.ready", state="attached")
    # reveal.js is loaded by require.js (an AMD module, not a global): fetch the instance
    page.evaluate("""() => new Promise(done => require(
        [[...document.scripts].map(s => s.textContent)
           .join('').match(/"([^"]*reveal[.]js[/]dist[/]reveal[.]js)"/)[1]],
        R => { window.Reveal = R; done(); }))""")
    # MathJax loads asynchronously: "no MathJax yet" is not "typeset". A deck with formulas
    # waits until MathJax exists, is idle and has typeset something; one without waits for idle.
    if math:
        wait_until_typeset(page)
    else:
        page.wait_for_function(f"() => !window.MathJax || ({MATHJAX_IDLE})")
    page.wait_for_timeout(300)
    assert "failed to load" not in page.inner_text("body"), f"{deck.name}: a script failed"
    page.wait_for_timeout(500)
    assert not page.failed_requests, f"{deck.name} loads from elsewhere: {page.failed_requests}"
    return page.evaluate(MEASURE_JS)


def problems_of(result: dict) -> list[str]:
    W, H = result["W"], result["H"]
    bad = []
    for s in result["slides"]:
        where = f"slide {s['h']}.{s['v']} ({s['title'][:50]!r})"
        if s["height"] > H:
            bad.append(f"{where}: {s['height']} px tall > {H}")
        if s["width"] > W:
            bad.append(f"{where}: {s['width']} px wide > {W}")
        for line in s["clipped"]:
            bad.append(f"{where}: code line clipped: {line.strip()[:70]!r}")
        if s.get("minProse", 999) < MIN_PROSE_PX:
            bad.append(f"{where}: prose at {s['minProse']:.1f} px < {MIN_PROSE_PX} px")
        if s.get("minText", 999) < MIN_TEXT_PX:
            bad.append(f"{where}: text at {s['minText']:.1f} px < {MIN_TEXT_PX} px: "
                       f"{s.get('smallest', '')!r}")
        for text in defects_in(s.get("defects", "")):
            bad.append(f"{where}: shows {text!r}")
    return bad


def test_decks_exist():
    require_build(SLIDES, "slides")
    names = {re.sub(r"\.slides$", "", d.stem) for d in DECKS}
    wanted = {p.stem for p in course.learner_notebooks(BUILD.parent)}
    assert names == wanted, f"decks missing for {sorted(wanted - names)}"


@pytest.mark.parametrize("deck", DECKS, ids=[d.name.split(".")[0] for d in DECKS])
def test_every_slide_fits_the_canvas(browser_page, deck):
    source = (BUILD / "executed" / deck.name.replace(".slides.html", ".ipynb")).read_text()
    result = measure(browser_page, deck, math="$$" in source)
    assert len(result["slides"]) >= 3, "a lecture deck needs several slides"
    if "$$" in source:  # formulas: typeset by the deck's local MathJax
        assert wait_until_typeset(browser_page), (
            f"{deck.name}: no typeset formula within 30 s of measuring (MathJax idle: "
            f"{browser_page.evaluate(f'() => !!({MATHJAX_IDLE})')})")
    bad = problems_of(result)
    assert not bad, f"{deck.name}: {len(bad)} problem(s):\n" + "\n".join(bad)


def test_the_check_catches_an_overflowing_slide():
    fake = {"W": 960, "H": 700, "slides": [
        {"h": 0, "v": 0, "height": 650, "width": 960, "clipped": [], "title": "ok",
         "minProse": 18, "minText": 15, "defects": "Predict: ..."},
        {"h": 1, "v": 0, "height": 2080, "width": 960, "clipped": [], "title": "mistakes"},
        {"h": 1, "v": 1, "height": 500, "width": 1200, "clipped": ["x" * 90], "title": "wide"},
    ]}
    bad = problems_of(fake)
    assert len(bad) == 3 and "2080 px tall" in bad[0] and "1200 px wide" in bad[1]


def test_the_check_catches_small_text_and_widget_fallbacks():
    fake = {"W": 960, "H": 700, "slides": [
        {"h": 0, "v": 0, "height": 600, "width": 960, "clipped": [], "title": "tiny",
         "minProse": 12.4, "minText": 12.4, "smallest": "Navigation:", "defects": ""},
        {"h": 1, "v": 0, "height": 600, "width": 960, "clipped": [], "title": "widget",
         "minProse": 18, "minText": 15,
         "defects": "VBox(children=(FloatSlider(value=0.0), Output()))"},
    ]}
    bad = problems_of(fake)
    assert len(bad) == 4, bad
    assert "prose at 12.4 px" in bad[0] and "text at 12.4 px" in bad[1]
    assert "'VBox(children'" in bad[2] and "'FloatSlider('" in bad[3]


class _Hrefs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def deck_link_problems(deck) -> list[str]:
    """Links in a deck that lead nowhere (another deck, or a page of build/site)."""
    parser = _Hrefs()
    parser.feed(deck.read_text(encoding="utf-8"))
    bad = []
    for href in parser.hrefs:
        parts = urlsplit(href)
        if parts.scheme or not parts.path or href.startswith(("mailto:", "data:")):
            continue
        target = (deck.parent / unquote(parts.path)).resolve()
        if not target.exists():
            bad.append(f"{href}: no such file")
        elif parts.fragment and target.suffix == ".html":
            if f'id="{unquote(parts.fragment)}"' not in target.read_text(encoding="utf-8"):
                bad.append(f"{href}: no element with id {parts.fragment!r}")
    return bad


@pytest.mark.parametrize("deck", DECKS, ids=[d.name.split(".")[0] for d in DECKS])
def test_deck_links_resolve(deck):
    """The notebooks link each other, the glossary and the solutions as .ipynb/.md files:
    publish.py points them at the decks and the site pages (build/site, built alongside)."""
    if not (BUILD / "site" / "index.html").exists():
        pytest.skip("build/site not built: the decks link into it")
    bad = deck_link_problems(deck)
    assert not bad, f"{deck.name}: {len(bad)} broken link(s):\n" + "\n".join(bad[:30])


def test_deck_link_check_catches_a_broken_link(tmp_path):
    (tmp_path / "a.slides.html").write_text(
        '<a href="b.slides.html">b</a><a href="glossary.md#bin">g</a>'
        '<a href="c.html#x">c</a><a href="https://librosa.org">l</a><a href="#/2">s</a>')
    (tmp_path / "b.slides.html").write_text("b")
    (tmp_path / "c.html").write_text('<h2 id="y">c</h2>')
    bad = deck_link_problems(tmp_path / "a.slides.html")
    assert len(bad) == 2 and "glossary.md#bin: no such file" in bad[0] and "'x'" in bad[1]


@pytest.mark.parametrize("deck", DECKS, ids=[d.name.split(".")[0] for d in DECKS])
def test_deck_carries_the_speaker_notes(deck):
    """Every speaker note of the lecturer's guide (docs/teaching/NN_*.md) reaches the deck's
    speaker view (press S) as an <aside class="notes">, in order, and none is on a slide."""
    stem = deck.name.replace(".slides.html", "")
    notes = publish.speaker_notes(stem)
    text = deck.read_text(encoding="utf-8")
    asides = [publish.plain(a) for a in re.findall(r'<aside class="notes">(.*?)</aside>',
                                                    text, re.S)]
    assert len(asides) == len(notes), (
        f"{deck.name}: {len(asides)} speaker-note blocks, the guide has {len(notes)} notes")
    for aside, note in zip(asides, notes, strict=True):
        assert publish.note_snippet(note["text"]) in aside, (
            f"{deck.name}: the note '{note['heading']}' is not in the speaker view")
    slides = publish.plain(re.sub(r'<aside class="notes">.*?</aside>', "", text, flags=re.S))
    for note in notes:
        assert publish.note_snippet(note["text"], 8) not in slides, (
            f"{deck.name}: the note '{note['heading']}' is shown on a slide")
