#!/usr/bin/env python3
"""Publish the course: execute every notebook once, then build slide decks and the website.

    python tools/publish.py execute   # notebooks -> build/executed/ (cached: only what changed)
    python tools/publish.py slides    # build/executed/ -> build/slides/*.slides.html (offline)
    python tools/publish.py site      # build/executed/ + glossary + docs -> build/site/
    python tools/publish.py all       # the three above

Every notebook is executed ONCE (``execute``), and both the slides and the site are made from
those executed copies. The cache key of a notebook is the SHA-256 of its file, of the helpers
package, of data/MANIFEST.csv and of the librosa/Python versions: rebuilding after a text change
re-executes that notebook only.

In the executed copies the explorers keep their static PNG (the live-widget view needs a
running kernel), cells tagged ``test`` are removed from the site (``remove-cell``) and are
skipped in slides, and the set-up cell shows its output only.

The lecturer's speaker notes are not in the notebooks: they are in the lecturer's guide,
``docs/teaching/NN_*.md``, section "Speaker notes", one ``### heading`` per note naming a
heading of the notebook. ``with_notes`` puts each note back as a ``notes`` cell at the end of
that part of the notebook (before the notebook's next heading; ``<!-- after cell: ID -->``
puts it right after that cell): the slides show it in reveal.js's speaker view, the site in
a closed "For lecturers" box. A note whose heading (or cell) is not in the notebook, or is
there twice, stops the build (``NoteAnchorError``).

Everything the pages load is local (reveal.js, require.js, jQuery and MathJax are copied into
``build/*/_vendor`` from the npm registry / the jupyter-server-mathjax wheel and cached in
``build/vendor``), so the slides and the site work offline.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

try:  # from the repository root (`from tools import ...`), or as a script in tools/
    from tools import course
except ImportError:
    import course

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
EXECUTED = BUILD / "executed"
VENDOR_CACHE = BUILD / "vendor"
NPM_PACKAGES = {"reveal.js": "4.0.2", "requirejs": "2.3.7", "jquery": "3.7.1"}
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def learner_notebooks() -> list[Path]:
    return course.learner_notebooks(ROOT)  # course.toml: the one list


def solution_notebooks() -> list[Path]:
    return course.solution_notebooks(ROOT)


# ------------------------------------------------------------------------------------ execute
def _environment_key() -> str:
    h = hashlib.sha256()
    for f in sorted((ROOT / "helpers").rglob("*.py")):
        h.update(f.relative_to(ROOT).as_posix().encode())
        h.update(f.read_bytes())
    h.update((ROOT / "data" / "MANIFEST.csv").read_bytes())
    import librosa

    h.update(f"{sys.version} {librosa.__version__}".encode())
    return h.hexdigest()


def _key(nb_path: Path, env_key: str) -> str:
    return hashlib.sha256(nb_path.read_bytes() + env_key.encode()).hexdigest()


def _target(nb_path: Path) -> Path:
    sub = "solutions" if nb_path.parent.name == "solutions" else ""
    return EXECUTED / sub / nb_path.name


# reveal() on a page nobody could click: "⏳ No prediction committed. The answer: X. why"
NO_PREDICTION = "⏳ No prediction committed. The answer: "


def _static_answer(data: dict) -> None:
    """A static page or slide cannot take a prediction: show reveal()'s verdict as the answer
    ("Answer: X. why"), not as a learner's missing input."""
    plain = "".join(data.get("text/plain", ""))
    if not plain.startswith(NO_PREDICTION):
        return
    rest = plain[len(NO_PREDICTION):]
    data["text/plain"] = "Answer: " + rest
    data["text/html"] = ('<div class="audio-course-check audio-course-answer" '
                         'style="border-left:4px solid #1a7f37;padding:2px 8px;margin:2px 0">'
                         f"<div><b>Answer:</b> {html.escape(rest)}</div></div>")


def _clean_outputs(nb) -> None:
    """Keep what a static page can show: the PNG of each explorer, not its live-widget view;
    reveal()'s answers as answers; tag cells for the site (test cells removed, set-up input
    hidden)."""
    nb.metadata.pop("widgets", None)
    for i, cell in enumerate(nb.cells):
        tags = cell.metadata.setdefault("tags", [])
        if cell.cell_type == "code":
            for out in cell.get("outputs", []):
                data = out.get("data")
                if data and WIDGET_MIME in data and ("image/png" in data or "text/html" in data):
                    data.pop(WIDGET_MIME)
                if data:
                    _static_answer(data)
            if "test" in tags and "remove-cell" not in tags:
                tags.append("remove-cell")
            if (i <= 2 and "setup_notebook" in "".join(cell.source)
                    and "remove-input" not in tags):
                tags.append("remove-input")


def _execute_one(nb_path: Path, env_key: str) -> tuple[Path, str, float]:
    import nbformat
    from nbclient import NotebookClient

    target = _target(nb_path)
    key = _key(nb_path, env_key)
    if target.exists():
        old = nbformat.read(target, as_version=4)
        if old.metadata.get("course", {}).get("executed_key") == key:
            before = json.dumps(old, sort_keys=True)
            _clean_outputs(old)  # idempotent: a change here applies without re-executing
            if json.dumps(old, sort_keys=True) != before:
                nbformat.write(old, target)
            return target, "cached", 0.0
    start = time.perf_counter()
    nb = nbformat.read(nb_path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=False,
                            resources={"metadata": {"path": str(nb_path.parent)}})
    client.execute()
    _clean_outputs(nb)
    nb.metadata.setdefault("course", {})["executed_key"] = key
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    return target, "executed", time.perf_counter() - start


def execute(jobs: int | None = None) -> list[Path]:
    env_key = _environment_key()
    notebooks = learner_notebooks() + solution_notebooks()
    jobs = jobs or min(len(notebooks), os.cpu_count() or 2)
    done = []
    # the longest notebooks first, so the two workers finish together
    notebooks.sort(key=lambda p: -p.stat().st_size)
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(_execute_one, p, env_key): p for p in notebooks}
        for fut in concurrent.futures.as_completed(futures):
            target, status, seconds = fut.result()  # an error in a notebook stops the build
            print(f"   {status:>8} {target.relative_to(ROOT)}"
                  + (f" ({seconds:.0f} s)" if seconds else ""))
            done.append(target)
    return sorted(done)


# ------------------------------------------------------------------------------ speaker notes
TEACHING = ROOT / "docs" / "teaching"
NOTES_SECTION = "## Speaker notes"
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_AFTER = re.compile(r"^<!--\s*after cell:\s*(\S+)\s*-->\s*$")


class NoteAnchorError(ValueError):
    """A speaker note names a heading or cell its notebook does not have (or has twice)."""


def heading_key(text: str) -> str:
    """A heading as notes name it: markdown emphasis, a trailing '(N min)' and spacing do not
    count ('1. A sine wave, sampled *(5 min)*' -> '1. A sine wave, sampled')."""
    text = re.sub(r"[*_]", "", text)
    text = re.sub(r"\s*\((?:about\s+)?[\d\s-]+min\)\s*$", "", text.strip())
    return " ".join(text.split()).lower()


def markdown_headings(source: str) -> list[str]:
    """The heading lines of a markdown cell (outside code fences), without the '#'s."""
    out, fence = [], False
    for line in source.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        elif not fence and (m := _HEADING.match(line)):
            out.append(m.group(2))
    return out


def guide_for(stem: str) -> Path:
    return TEACHING / f"{stem}.md"


def speaker_notes(stem: str, text: str | None = None) -> list[dict]:
    """The notes of notebook ``stem`` from its lecturer's guide, in order:
    [{"heading": ..., "after": cell id or None, "text": markdown relative to notebooks/}]."""
    if text is None:
        path = guide_for(stem)
        if not path.exists():
            return []
        text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    try:
        start = next(i for i, ln in enumerate(lines) if ln.strip() == NOTES_SECTION)
    except StopIteration:
        return []
    notes, cur = [], None
    for line in lines[start + 1:]:
        if line.startswith("## "):
            break
        if line.startswith("### "):
            cur = {"heading": line[4:].strip(), "after": None, "lines": []}
            notes.append(cur)
        elif cur is not None:
            m = _AFTER.match(line.strip())
            if m and not "".join(cur["lines"]).strip():
                cur["after"] = m.group(1)
            else:
                cur["lines"].append(line)
    for n in notes:
        body = "\n".join(n.pop("lines")).strip()
        n["text"] = body.replace("](../../notebooks/", "](")  # links as seen from notebooks/
        if not body:
            raise NoteAnchorError(f"{stem}: the speaker note under '{n['heading']}' is empty")
    return notes


def plain(text: str) -> str:
    """Text as a page shows it, for comparing a note with a rendered page: no markdown marks,
    straight quotes, single spaces."""
    text = re.sub(r"[*`]", "", html.unescape(re.sub(r"<[^>]+>", " ", text)))
    text = text.translate(str.maketrans({"“": '"', "”": '"', "‘": "'",
                                         "’": "'", " ": " "}))
    return " ".join(text.split())


def note_snippet(note_text: str, words: int = 6) -> str:
    """The first words of a note as any rendering of it shows them (tests look for them)."""
    return " ".join(plain(note_text).split()[:words])


def _cell_text(cell) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


def note_places(cells: list, notes: list[dict], stem: str) -> list[int]:
    """For each note, the index of the cell it goes before (len(cells) = the end)."""
    heads = [markdown_headings(_cell_text(c)) if c.get("cell_type") == "markdown" else []
             for c in cells]
    places = []
    for n in notes:
        key = heading_key(n["heading"])
        hits = [i for i, hs in enumerate(heads) if any(heading_key(h) == key for h in hs)]
        if len(hits) != 1:
            known = "; ".join(h for hs in heads for h in hs)
            what = "is not a heading of" if not hits else f"is {len(hits)} headings of"
            raise NoteAnchorError(
                f"{guide_for(stem).relative_to(ROOT)}: the speaker note '### {n['heading']}' "
                f"{what} notebooks/{stem}.ipynb. Its headings: {known}")
        h = hits[0]
        end = next((i for i in range(h + 1, len(cells)) if heads[i]), len(cells))
        if n["after"]:
            ids = [i for i in range(h, end) if cells[i].get("id") == n["after"]]
            if not ids:
                raise NoteAnchorError(
                    f"{guide_for(stem).relative_to(ROOT)}: the speaker note under "
                    f"'{n['heading']}' goes after cell {n['after']}, which is not in that "
                    f"part of notebooks/{stem}.ipynb")
            places.append(ids[0] + 1)
        else:
            places.append(end)
    return places


def with_notes(nb: dict, stem: str, notes: list[dict] | None = None) -> dict:
    """``nb`` with its speaker notes inserted as markdown cells of slide type "notes" (in
    place; also returned). Notes that share a place keep the guide's order."""
    notes = speaker_notes(stem) if notes is None else notes
    places = note_places(nb["cells"], notes, stem)
    for k in sorted(range(len(notes)), key=lambda k: (places[k], k), reverse=True):
        cell = {"cell_type": "markdown", "id": f"{stem[:20]}-note-{k:02d}".replace("_", "-"),
                "metadata": {"slideshow": {"slide_type": "notes"}, "tags": ["lecturer-note"]},
                "source": notes[k]["text"]}
        nb["cells"].insert(places[k], cell)
    return nb


# ------------------------------------------------------------------------------------- vendor
def _npm_package(name: str, version: str) -> Path:
    """Unpacked npm package (cached in build/vendor), fetched with `npm pack`."""
    dest = VENDOR_CACHE / f"{name}-{version}"
    if (dest / "package.json").exists():
        return dest
    VENDOR_CACHE.mkdir(parents=True, exist_ok=True)
    out = subprocess.run(["npm", "pack", f"{name}@{version}", "--silent"], cwd=VENDOR_CACHE,
                         check=True, capture_output=True, text=True).stdout.strip().splitlines()
    tgz = VENDOR_CACHE / out[-1]
    tmp = VENDOR_CACHE / f".{name}-{version}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    with tarfile.open(tgz) as tf:
        tf.extractall(tmp, filter="data")
    (tmp / "package").rename(dest)
    shutil.rmtree(tmp)
    tgz.unlink()
    return dest


def _mathjax_dir() -> Path:
    import jupyter_server_mathjax

    return Path(jupyter_server_mathjax.__file__).parent / "static"


def vendor(into: Path) -> dict:
    """Copy the JS/CSS the pages need into ``into/_vendor``; return their relative URLs."""
    v = into / "_vendor"
    v.mkdir(parents=True, exist_ok=True)
    reveal = _npm_package("reveal.js", NPM_PACKAGES["reveal.js"])
    for part in ("dist", "plugin"):
        if not (v / "reveal.js" / part).exists():
            shutil.copytree(reveal / part, v / "reveal.js" / part)
    shutil.copy(_npm_package("requirejs", NPM_PACKAGES["requirejs"]) / "require.js",
                v / "require.js")
    shutil.copy(_npm_package("jquery", NPM_PACKAGES["jquery"]) / "dist" / "jquery.min.js",
                v / "jquery.min.js")
    for css in (v / "reveal.js" / "dist" / "theme").glob("*.css"):  # no web fonts offline
        text = css.read_text(encoding="utf-8")
        css.write_text(re.sub(r"@import url\(https?://[^)]*\);?", "", text), encoding="utf-8")
    if not (v / "mathjax").exists():
        shutil.copytree(_mathjax_dir(), v / "mathjax")
    (v / "mermaid-none.mjs").write_text("export default { initialize() {} };\n")
    return {
        "reveal": "_vendor/reveal.js", "require": "_vendor/require.js",
        "jquery": "_vendor/jquery.min.js", "mermaid": "_vendor/mermaid-none.mjs",
        "mathjax": "_vendor/mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe",
    }


# ------------------------------------------------------------------------------------- slides
SLIDES = BUILD / "slides"
# The MathJax wheel ships the STIX web fonts only (no TeX fonts): use them, no font search.
MATHJAX_FONTS = """<script type="text/x-mathjax-config">
MathJax.Hub.Config({"HTML-CSS": {availableFonts: ["STIX-Web"], preferredFont: "STIX-Web",
                                 webFont: "STIX-Web", imageFont: null}});
</script>"""
SLIDE_CSS = MATHJAX_FONTS + """
<style>
/* course slides, sized for a 960x700 canvas seen from the back of a room. nbconvert's own CSS
   makes prose 12 px (0.62em of JupyterLab's 20 px markdown) and code 19 px: set the sizes
   here, in px, so prose is the largest body text (tests/publish/test_slides_fit.py checks
   the minimum sizes on every slide). */
:root { --jp-code-font-size: 16px; --jp-content-font-size1: 18px; --jp-ui-font-size1: 16px; }
.reveal .jp-RenderedHTMLCommon p, .reveal .jp-RenderedHTMLCommon li,
.reveal .jp-RenderedHTMLCommon blockquote { font-size: 18px; line-height: 1.35; }
.reveal .jp-RenderedHTMLCommon li p, .reveal .jp-RenderedHTMLCommon li li { font-size: 1em; }
.reveal .jp-RenderedHTMLCommon table { font-size: 16px; }
.reveal .jp-RenderedHTMLCommon code { font-size: 0.92em; }
.reveal .jp-Cell .jp-InputArea-editor pre { font-size: 16px; line-height: 1.3; }
.reveal .jp-Cell .jp-OutputArea-output pre { font-size: 15px; line-height: 1.3; }
.reveal .jp-Cell .jp-OutputArea-output.jp-RenderedHTMLCommon { font-size: 15px; }
.reveal .jp-RenderedImage img { max-height: 350px; width: auto; max-width: 100%;
                                 margin: 4px 0; }
.reveal .jp-RenderedHTMLCommon p { margin: 0.55em 0; }
.reveal .jp-InputPrompt, .reveal .jp-OutputPrompt { display: none; }
.reveal section { text-align: left; }
.reveal h1 { font-size: 34px; } .reveal h2 { font-size: 28px; } .reveal h3 { font-size: 23px; }
.reveal h4 { font-size: 20px; }
/* the pilcrow anchors JupyterLab adds to headings are for a page, not a projector */
.reveal .jp-InternalAnchorLink { display: none; }
</style>
"""

# Links in a deck: a notebook's deck, else the page of the course website (build/site).
_SLIDE_LINK = re.compile(r'href="(?!https?:|#|mailto:|data:|_vendor/)([^"#]*)(#[^"]*)?"')


def _slide_href(match: re.Match) -> str:
    path, frag = match.group(1), match.group(2) or ""
    if not path:
        return match.group(0)
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if path.endswith(".ipynb") and "/" not in path and (ROOT / "notebooks" / path).exists():
        return f'href="{stem}.slides.html{frag}"'
    site = re.sub(r"^(\.\./)?docs/", "", re.sub(r"^\.\./", "", path)) \
        if path.startswith("../") else path
    if site.endswith((".ipynb", ".md")):
        site = site.rsplit(".", 1)[0] + ".html"
    return f'href="../site/{site}{frag}"'


def _slide_title(html_text: str, fallback: str) -> str:
    m = re.search(r"<h1[^>]*>(.*?)</h1>", html_text, re.S)
    text = re.sub(r"<[^>]+>", "", m.group(1)).replace("¶", "").strip() if m else fallback
    return html.escape(html.unescape(text), quote=False) + " · slides"


def slides() -> list[Path]:
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    SLIDES.mkdir(parents=True, exist_ok=True)
    urls = vendor(SLIDES)
    c = Config()
    c.SlidesExporter.reveal_url_prefix = urls["reveal"]
    c.SlidesExporter.require_js_url = urls["require"]
    c.SlidesExporter.jquery_url = urls["jquery"]
    c.SlidesExporter.mermaid_js_url = urls["mermaid"]
    c.SlidesExporter.mathjax_url = urls["mathjax"]
    c.SlidesExporter.reveal_scroll = False
    c.SlidesExporter.exclude_input_prompt = True
    c.SlidesExporter.exclude_output_prompt = True
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = {"test", "remove-cell"}
    c.TagRemovePreprocessor.remove_input_tags = {"remove-input"}
    exporter = SlidesExporter(config=c)
    out = []
    import nbformat

    for nb_path in sorted(EXECUTED.glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.from_dict(with_notes(nbformat.read(nb_path, as_version=4),
                                           nb_path.stem))
        text, _ = exporter.from_notebook_node(nb)
        text = text.replace("</head>", SLIDE_CSS + "</head>", 1)
        # nbconvert does not let mermaid's address be configured: use the local stub
        text = re.sub(r"https://cdnjs\.cloudflare\.com/ajax/libs/mermaid/[^'\"]*",
                      urls["mermaid"], text)
        title = _slide_title(text.split("<body", 1)[-1], nb_path.stem)
        text = re.sub(r"<title>.*?</title>", "<title>" + title.replace("\\", "\\\\")
                      + "</title>", text, count=1, flags=re.S)
        head, sep, rest = text.partition("<body")
        text = head + sep + _SLIDE_LINK.sub(_slide_href, rest)
        target = SLIDES / f"{nb_path.stem}.slides.html"
        target.write_text(text, encoding="utf-8")
        out.append(target)
        print(f"   slides {target.relative_to(ROOT)}")
    return out


# --------------------------------------------------------------------------------------- site
SITE_SRC = BUILD / "site-src"
SITE = BUILD / "site"


def _rewrite_links(text: str) -> str:
    """Links that leave the notebooks folder point at the site's own copies."""
    text = text.replace("../README.md#data-and-licences", "licences.md")
    text = text.replace("../LICENSE-CONTENT.md", "licences.md")
    text = re.sub(r"\]\(\.\./docs/teaching/", "](teaching/", text)
    text = re.sub(r"\]\(\.\./docs/teaching\.md", "](teaching.md", text)
    return text


LECTURER_NOTES = '<details class="lecturer-notes">\n<summary>For lecturers</summary>\n\n{}\n\n</details>'


def _stage_notebook(src: Path, dst: Path) -> None:
    """A notebook as the site shows it: links into the site, and the speaker notes (from the
    lecturer's guide, see ``with_notes``) folded into closed "For lecturers" boxes (the answers
    to the questions a lecturer asks the room are in them)."""
    nb = json.loads(src.read_text(encoding="utf-8"))
    if src.parent.name != "solutions":
        with_notes(nb, src.stem)
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            text = _rewrite_links("".join(cell["source"]))
            if cell["metadata"].get("slideshow", {}).get("slide_type") == "notes":
                text = LECTURER_NOTES.format(text.strip())
            cell["source"] = text
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text(json.dumps(nb), encoding="utf-8")


def _index_page() -> str:
    """The landing page: README's introduction and course map, then the navigation."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    intro = readme.split("<!-- badges:end -->", 1)[1].split("\n## ", 1)[0].strip()
    section = re.search(r"\n## Course map\n(.*?)(?=\n## )", readme, re.S).group(1)
    table = "\n".join(ln for ln in section.splitlines() if ln.startswith("|"))
    course_map = table.replace("](notebooks/", "](") + (
        "\n\nTimes include the exercises. Every technical word is defined where the course "
        "first uses it and collected in the [glossary](glossary.md). The exercise solutions "
        "are on their own pages (left), and lecturers find lesson plans in the "
        "[lecturer's guide](teaching.md).")
    learner = [p.stem for p in learner_notebooks()]
    solutions = [p.stem for p in solution_notebooks()]
    teaching = ["teaching"] if (ROOT / "docs" / "teaching.md").exists() else []
    teaching += [f"teaching/{p.stem}" for p in sorted((ROOT / "docs" / "teaching").glob("*.md"))]
    toc = "\n".join
    return f"""# Audio data for deep learning

{intro}

## Course map

{course_map}

```{{toctree}}
:caption: Course
:maxdepth: 1
:hidden:

{toc(learner)}
glossary
```

```{{toctree}}
:caption: Exercise solutions
:maxdepth: 1
:hidden:

{toc("solutions/" + s for s in solutions)}
```

```{{toctree}}
:caption: For lecturers
:maxdepth: 1
:hidden:

{toc(teaching + ["licences"])}
```
"""


def stage_site() -> Path:
    shutil.rmtree(SITE_SRC, ignore_errors=True)
    SITE_SRC.mkdir(parents=True)
    conf_src = ROOT / "docs" / "site"
    for f in conf_src.iterdir():
        if f.is_file():
            shutil.copy(f, SITE_SRC / f.name)
        elif f.name == "_static":
            shutil.copytree(f, SITE_SRC / "_static")
    for nb in [EXECUTED / p.name for p in learner_notebooks()]:
        _stage_notebook(nb, SITE_SRC / nb.name)
    for nb in [EXECUTED / "solutions" / p.name for p in solution_notebooks()]:
        _stage_notebook(nb, SITE_SRC / "solutions" / nb.name)
    gl = (ROOT / "notebooks" / "glossary.md").read_text(encoding="utf-8")
    (SITE_SRC / "glossary.md").write_text(_rewrite_links(gl), encoding="utf-8")
    teaching = ROOT / "docs" / "teaching.md"
    if teaching.exists():
        (SITE_SRC / "teaching.md").write_text(
            teaching.read_text(encoding="utf-8").replace("](../notebooks/", "]("),
            encoding="utf-8")
    if (ROOT / "docs" / "teaching").is_dir():
        (SITE_SRC / "teaching").mkdir()
        for f in sorted((ROOT / "docs" / "teaching").glob("*.md")):
            (SITE_SRC / "teaching" / f.name).write_text(
                f.read_text(encoding="utf-8").replace("](../../notebooks/", "](../"),
                encoding="utf-8")
    (SITE_SRC / "index.md").write_text(_index_page(), encoding="utf-8")
    lic = (ROOT / "LICENSE-CONTENT.md").read_text(encoding="utf-8")
    lic = re.sub(r"\[`([^`]+)`\]\([^)]+\)", r"`\1`", lic)  # files are in the repository
    (SITE_SRC / "licences.md").write_text(lic, encoding="utf-8")
    return SITE_SRC


def site() -> Path:
    stage_site()
    shutil.rmtree(SITE, ignore_errors=True)
    static = SITE_SRC / "_static" / "_vendor" / "mathjax"
    shutil.copytree(_mathjax_dir(), static, dirs_exist_ok=True)
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", "--keep-going",
           "-j", "auto", str(SITE_SRC), str(SITE)]
    subprocess.run(cmd, check=True)
    print(f"   site {SITE.relative_to(ROOT)}/index.html")
    return SITE


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"execute", "slides", "site", "all"}:
        print(__doc__)
        return 2
    start = time.perf_counter()
    print("== executing notebooks (only those changed since the last build)")
    execute()
    if argv[0] in ("slides", "all"):
        print("== slides")
        slides()
    if argv[0] in ("site", "all"):
        print("== site")
        site()
    print(f"== done in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
