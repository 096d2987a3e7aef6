"""Every slide of every deck fits reveal.js's 960x700 canvas (scrolling is off in the decks).

The deck is opened in headless Chromium; for each slide and sub-slide the test goes there and
measures the section's natural height and width (with all fragments laid out) and every code
block's width: nothing may be taller or wider than the canvas, and no code line may be clipped.
"""

from __future__ import annotations

import re

import pytest

from conftest import BUILD, require_build

SLIDES = BUILD / "slides"
DECKS = sorted(SLIDES.glob("*.slides.html")) if SLIDES.exists() else []

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
    out.push({h: idx.h, v: idx.v, height: s.scrollHeight, width: s.scrollWidth, clipped,
              title: head ? head.textContent.trim() : s.textContent.trim().slice(0, 60)});
  }
  return {W: cfg.width, H: cfg.height, slides: out};
}"""


def measure(page, deck) -> dict:
    page.goto(deck.as_uri())
    page.wait_for_selector(".reveal.ready", state="attached")
    # reveal.js is loaded by require.js (an AMD module, not a global): fetch the instance
    page.evaluate("""() => new Promise(done => require(
        [[...document.scripts].map(s => s.textContent)
           .join('').match(/"([^"]*reveal[.]js[/]dist[/]reveal[.]js)"/)[1]],
        R => { window.Reveal = R; done(); }))""")
    page.wait_for_function("() => !window.MathJax || !MathJax.Hub || "
                           "MathJax.Hub.queue.pending === 0")
    page.wait_for_timeout(300)
    assert "failed to load" not in page.inner_text("body"), f"{deck.name}: a script failed"
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
    return bad


def test_decks_exist():
    require_build(SLIDES, "slides")
    names = {re.sub(r"\.slides$", "", d.stem) for d in DECKS}
    wanted = {p.stem for p in (BUILD.parent / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    assert names == wanted, f"decks missing for {sorted(wanted - names)}"


@pytest.mark.parametrize("deck", DECKS, ids=[d.name.split(".")[0] for d in DECKS])
def test_every_slide_fits_the_canvas(browser_page, deck):
    result = measure(browser_page, deck)
    assert len(result["slides"]) >= 3, "a lecture deck needs several slides"
    source = (BUILD / "executed" / deck.name.replace(".slides.html", ".ipynb")).read_text()
    if "$$" in source:  # formulas: typeset by the deck's local MathJax
        assert browser_page.locator(".MathJax, .MathJax_Display").count() > 0, "no formula"
    bad = problems_of(result)
    assert not bad, f"{deck.name}: {len(bad)} problem(s):\n" + "\n".join(bad)


def test_the_check_catches_an_overflowing_slide():
    fake = {"W": 960, "H": 700, "slides": [
        {"h": 0, "v": 0, "height": 650, "width": 960, "clipped": [], "title": "ok"},
        {"h": 1, "v": 0, "height": 2080, "width": 960, "clipped": [], "title": "mistakes"},
        {"h": 1, "v": 1, "height": 500, "width": 1200, "clipped": ["x" * 90], "title": "wide"},
    ]}
    bad = problems_of(fake)
    assert len(bad) == 3 and "2080 px tall" in bad[0] and "1200 px wide" in bad[1]
