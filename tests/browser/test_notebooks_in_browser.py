"""Real-browser test: every notebook runs in JupyterLab in headless Chromium, and its sliders work.

For each ``notebooks/*.ipynb`` (whatever exists; a temporary stripped copy) plus a generated
notebook holding every explorer course.toml lists:

1. open it in JupyterLab, Run All Cells, wait until the kernel has run every code cell;
2. assert every code cell ran and no cell shows a traceback / error (cells tagged
   ``raises-exception`` may);
3. for every explorer (``helpers.explorers``) on the page: it shows exactly one figure (the
   static PNG fallback is not drawn a second time), then press a key on a slider handle and
   assert that the readout text AND the figure change, and that no traceback appears.

``test_a_raising_slider_callback_fails_the_check`` shows that the check catches a slider whose
callback raises. Screenshots of failures go to ``test-artifacts/browser/``.

Skipped (with the reason) when Debian's chromium or Playwright is missing.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest
from browserlab import ARTIFACTS, ROOT, find_chromium

from tools import course

if find_chromium() is None:
    pytest.skip("browser test skipped: no chromium on this machine (sudo apt-get install "
                "chromium)", allow_module_level=True)
try:
    import playwright.sync_api  # noqa: F401
except ImportError:
    pytest.skip("browser test skipped: Playwright is not installed (pip install -e '.[browser]')",
                allow_module_level=True)

pytestmark = pytest.mark.browser

RUN_TIMEOUT_S = 240  # one notebook, all cells
MOVE_TIMEOUT_S = 20  # one slider move -> new readout and figure


def _code(src: str) -> dict:
    return {"cell_type": "code", "metadata": {}, "source": src, "outputs": [],
            "execution_count": None}


def _nb(*cells) -> dict:
    return {"cells": list(cells), "nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                        "language": "python"}}}


_SIGNAL = (
    "import numpy as np\nimport helpers\nimport helpers.explorers\nimport helpers.widgets\n"
    "helpers.setup_notebook(quiet=True)\n"
    "sr = 22050\nt = np.arange(4 * sr) / sr\n"
    "y = (0.4 * np.sin(2 * np.pi * 440 * t) + 0.2 * np.sin(2 * np.pi * 1800 * t) * (t > 2)"
    ").astype(np.float32)"
)
EXTRA_NOTEBOOKS = {
    "zz_all_explorers.ipynb": _nb(
        _code(_SIGNAL),
        *[_code(course.explorer_cell(e)) for e in course.explorers()],  # course.toml's
        # the former name, kept for a release (the notebooks still call it)
        _code("helpers.widgets.stft_explorer(y, sr)"),
    ),
    # with ipympl active (%matplotlib widget) the explorers still send PNG frames: check it
    "zz_ipympl_canvas.ipynb": _nb(
        _code("%matplotlib widget\n" + _SIGNAL),
        _code("helpers.explorers.stft_explorer(y, sr)"),
    ),
    # a slider whose callback raises: the check below must FAIL on this notebook
    "zz_broken_callback.ipynb": _nb(
        _code(_SIGNAL),
        _code("ex = helpers.explorers.stft_explorer(y, sr)\n\n"
              "def broken(**params):\n"
              "    raise RuntimeError('injected failure in a slider callback')\n\n"
              "ex.compute = broken\nex"),
    ),
}

_STATE_JS = """() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell')]
  .map(c => ({
    code: c.classList.contains('jp-CodeCell'),
    prompt: (c.querySelector('.jp-InputArea-prompt') || {textContent: ''}).textContent.trim(),
    stderr: [...c.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
              .map(e => e.textContent),
  }))"""
# what the figure shows: the PNG's (blob) URL, or the pixels of ipympl's canvases
_FIGURE_JS = """f => f.tagName === 'IMG' ? f.getAttribute('src')
                  : [...f.querySelectorAll('canvas')].map(c => c.toDataURL()).join('|')"""
# done waiting: a new readout and a new figure, or an error shown under the figure
_MOVED_JS = """([el, before]) => {
    if (el.querySelector('.audio-course-errors .jp-OutputArea-output')) return true;
    const r = el.querySelector('.audio-course-readout').innerText;
    const s = (""" + _FIGURE_JS + """)(el.querySelector('.audio-course-figure'));
    return r !== before.readout && s !== before.src;
}"""
_ERROR = re.compile(r"Traceback|\b[A-Z]\w*(Error|Exception)\b")


def _cells_meta(nb_path: Path) -> list[dict]:
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    return [c.get("metadata", {}) for c in nb["cells"]]


def _wait(page, js: str, arg=None, timeout_s: float = 30.0):
    page.wait_for_function(js, arg=arg, timeout=timeout_s * 1000, polling=250)


def run_all_cells(page, lab, name: str) -> None:
    page.goto(lab.url(name))
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=60_000)
    n_cells = len(_cells_meta(lab.root / name))
    _wait(page, "n => document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell')"
          ".length >= n", n_cells, 60)
    # the kernel must be up, or JupyterLab may drop the queued executions
    _wait(page, """() => [...document.querySelectorAll('.jp-StatusBar-TextItem')]
                  .some(e => /\\| Idle/.test(e.textContent))""", timeout_s=90)
    started = """() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputArea-prompt')]
                   .some(e => /[*0-9]/.test(e.textContent))"""
    for attempt in range(3):
        page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").first.click()  # focus
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
        try:
            _wait(page, started, timeout_s=15)
            break
        except Exception:  # noqa: BLE001 - nothing started: try the menu again
            if attempt == 2:
                raise
    # finished: nothing queued/running ([*]) and at least one cell has an execution count
    _wait(page, f"""() => {{
        const s = ({_STATE_JS})().filter(c => c.code);
        return s.some(c => /\\d/.test(c.prompt)) && !s.some(c => c.prompt.includes('*'));
    }}""", timeout_s=RUN_TIMEOUT_S)
    time.sleep(1.0)  # let the last outputs and widget views render


def assert_no_errors(page, lab, name: str) -> None:
    meta = _cells_meta(lab.root / name)
    state = page.evaluate(_STATE_JS)
    assert len(state) == len(meta), f"{name}: {len(state)} cells in the page, {len(meta)} in file"
    problems = []
    for i, (cell, md) in enumerate(zip(state, meta, strict=True)):
        if not cell["code"]:
            continue
        hidden = md.get("jupyter", {}).get("source_hidden", False)  # no input prompt shown
        if not hidden and not re.search(r"\d", cell["prompt"]):
            problems.append(f"cell {i} did not run (prompt {cell['prompt']!r}): execution stopped?")
        if "raises-exception" in md.get("tags", []):
            continue
        for text in cell["stderr"]:
            if _ERROR.search(text):
                problems.append(f"cell {i} shows an error:\n{text[-1500:]}")
    assert not problems, f"{name}:\n" + "\n".join(problems)


def check_explorers(page, name: str) -> int:
    """Move a slider in every explorer on the page; return how many explorers were checked."""
    explorers = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .audio-course-explorer")
    count = explorers.count()
    for k in range(count):
        ex = explorers.nth(k)
        ex.scroll_into_view_if_needed()
        figures = ex.locator(".audio-course-figure")
        assert figures.count() == 1, f"{name}: explorer {k} shows {figures.count()} figures"
        output = ex.locator("xpath=ancestor::div[contains(@class,'jp-OutputArea-output')][1]")
        assert output.locator(".jp-RenderedImage").count() == 0, (
            f"{name}: explorer {k}: the figure is drawn twice (widget + static PNG)")
        handles = ex.locator(".noUi-handle")
        assert handles.count() >= 1, f"{name}: explorer {k} has no slider"
        moved, tried = False, []
        for h in range(handles.count()):
            handle = handles.nth(h)
            before = {"readout": ex.locator(".audio-course-readout").inner_text(),
                      "src": figures.first.evaluate(_FIGURE_JS)}
            now = float(handle.get_attribute("aria-valuenow") or 0)
            top = float(handle.get_attribute("aria-valuemax") or 0)
            key = "PageUp" if now < top else "PageDown"
            handle.focus()
            handle.press(key)
            # wait for a new readout + figure, or for an error shown under the figure
            try:
                page.wait_for_function(_MOVED_JS, arg=[ex.element_handle(), before],
                                       timeout=MOVE_TIMEOUT_S * 1000, polling=200)
            except Exception:  # noqa: BLE001 - reported below with what was seen
                pass
            errors = ex.locator(".audio-course-errors .jp-OutputArea-output")
            if errors.count():
                raise AssertionError(f"{name}: explorer {k}: the slider callback raised:\n"
                                     + errors.first.inner_text()[-1500:])
            after = {"readout": ex.locator(".audio-course-readout").inner_text(),
                     "src": figures.first.evaluate(_FIGURE_JS)}
            if after["readout"] != before["readout"] and after["src"] != before["src"]:
                assert "\u26a0" not in after["readout"], f"{name}: {after['readout']}"
                moved = True
                break
            tried.append(f"slider {h} {key}: readout {'changed' if after['readout'] != before['readout'] else 'unchanged'}"
                         f", figure {'changed' if after['src'] != before['src'] else 'unchanged'}")
        assert moved, f"{name}: explorer {k}: no slider move changed readout and figure ({tried})"
    return count


def _screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"{Path(name).stem}.png"
    try:
        page.screenshot(path=str(shot), full_page=True)
    except Exception:  # noqa: BLE001 - a screenshot must not hide the real failure
        pass
    return shot


def check_notebook(browser_context, lab, name: str) -> int:
    page = browser_context.new_page()
    try:
        run_all_cells(page, lab, name)
        assert_no_errors(page, lab, name)
        n = check_explorers(page, name)
        assert_no_errors(page, lab, name)  # nothing went wrong while moving sliders
        if os.environ.get("BROWSER_TEST_SCREENSHOTS") == "1":  # keep a picture of passing runs
            _screenshot(page, name)
        return n
    except Exception:
        shot = _screenshot(page, name)
        print(f"screenshot of the failure: {shot}")
        raise
    finally:
        page.close()
        lab.shutdown_kernels()


ALL_NOTEBOOKS = [p.name for p in course.learner_notebooks(ROOT)] + [
    "zz_all_explorers.ipynb", "zz_ipympl_canvas.ipynb"]
# Half of them here, the other half in test_notebooks_in_browser_b.py: with `--dist loadfile`
# the two files run on two workers at once, each with its own JupyterLab and Chromium.
NOTEBOOKS = ALL_NOTEBOOKS[0::2]


def _explorer_calls(nb_path: Path) -> int:
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    src = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    return len(re.findall(r"\b(\w+)_explorer\(", src))


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_and_sliders_respond(browser_context, lab, name):
    n = check_notebook(browser_context, lab, name)
    # every explorer the notebook creates is on the page, and each had a slider moved
    assert n >= min(1, _explorer_calls(lab.root / name)), f"{name}: no explorer on the page"
    if name == "zz_all_explorers.ipynb":
        want = len(course.explorers()) + 1
        assert n == want, (f"expected course.toml's {want - 1} explorers and "
                           f"widgets.stft_explorer, found {n}")


def test_a_raising_slider_callback_fails_the_check(browser_context, lab):
    with pytest.raises(AssertionError, match="slider callback raised") as failure:
        check_notebook(browser_context, lab, "zz_broken_callback.ipynb")
    assert "injected failure in a slider callback" in str(failure.value)
    print(f"the check failed as it should:\n{str(failure.value)[:400]}")
