#!/usr/bin/env python3
"""Notebook housekeeping for the course.

    python tools/nbtool.py check [NOTEBOOK ...]   # hygiene rules (used by the test suite)
    python tools/nbtool.py strip [NOTEBOOK ...]   # remove outputs/execution counts in place
    python tools/nbtool.py run [NOTEBOOK ...]     # execute in place (fails on an error), then strip
    python tools/nbtool.py export NB.ipynb [OUT.py] # notebook -> percent-format text (to edit)
    python tools/nbtool.py build SRC.py OUT.ipynb # percent-format text -> notebook (authoring aid)
    python tools/nbtool.py sync [--check]         # write the repository address (pyproject's
                                                  # [project.urls]) into the set-up cells, the
                                                  # README badges and CITATION.cff
    python tools/nbtool.py figures NB.ipynb DIR   # execute a copy; save every figure as DIR/*.png
    python tools/nbtool.py new NN_name ["Title"]  # a new notebook and its companions (templates),
                                                  # listed in course.toml (docs/extending.md)

Which notebooks there are comes from ``course.toml`` (``tools/course.py``); every learner notebook
gets every rule, and a notebook on disk that ``course.toml`` does not list is a problem.

``check`` also holds the issue-19 rules for learner notebooks: no lecturer's note (they live in
docs/teaching/NN_*.md, see tools/publish.py), no "predict, then run" answer above its question
(``prediction_leaks``), no exercise's answer in a test cell (``test_cell_answers``).

Notebooks are stored with no outputs at all. Key numbers are checked by ``assert`` statements in
cells tagged ``test`` (input hidden, skipped in slides), which nbval runs on both librosa
versions; cells that teach hold no asserts. Learner notebooks (``notebooks/NN_*.ipynb``) hold no
solutions: those are in ``notebooks/solutions/NN_*_solutions.ipynb``, which call
``helpers.exercises.expect_all_correct()`` so a solution that fails its check fails the tests.

Build format (a convenience for writing notebooks as text; the .ipynb is the source of truth):

    # %% [markdown] slide=slide
    # # Title
    # text...
    # %% tags=["solution"] slide=fragment
    print(1 + 1)

``slide`` is one of slide, subslide, fragment, skip, notes, - (default "-").
"""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_BYTES = 96_000  # stripped notebooks are text; a cap keeps them reviewable
MAX_SLIDE_CODE_LINE = 72  # longer code lines are clipped on a 960 px reveal.js slide

try:  # imported from the repository root (tests: `from tools import nbtool`)
    from tools import course as _course
except ImportError:  # run as a script: tools/ is on sys.path
    import course as _course


HIDDEN_TAGS = {"solution", "test"}  # cells whose source is collapsed in JupyterLab
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}
REQUIRED_SECTIONS = ["objectives", "prerequisites", "summary", "references"]
OLD_API = [
    (re.compile(r"\bwaveplot\b"), "librosa.display.waveplot was removed: use waveshow(y, sr=sr)"),
    (re.compile(r"waveshow\([^)]*x_axis\s*="), "waveshow(x_axis=...) fails on librosa 1.0"),
    (re.compile(r"librosa\.load\(\s*[^)=,]+,\s*[0-9]"), "positional sr in librosa.load: use sr="),
    (re.compile(r"librosa\.stft\(\s*[\w.\[\]:]+\s*,\s*(?![a-z_]\w*\s*=)[\w.]+"),
     "positional n_fft/hop in stft: use n_fft=, hop_length="),
    (re.compile(r"waveshow\(\s*[\w.\[\]:]+\s*,\s*(?![a-z_]\w*\s*=)[\w.]+"),
     "positional sr in waveshow: use sr="),
    (re.compile(r"feature\.mfcc\(\s*[a-z_]\w*\s*,"), "positional args in feature.mfcc"),
    (re.compile(r"get_duration\([^)]*filename\s*="), "get_duration(filename=) is now path="),
    (re.compile(r"librosa\.ex\("), "librosa.ex() downloads: use helpers.data.path/fetch"),
]


#: the labels of a lecturer's note ("**Say:**", "Ask the room:", "Answer:", "Expected:"): the
#: notes live in docs/teaching/NN_*.md ("Speaker notes") and tools/publish.py merges them into
#: the slides and the site; in a learner notebook they would show the answers to everyone
NOTE_LABEL_RX = re.compile(r"(?<![\w-])(?:Say|Ask(?: the room)?|Answer|Expected)\s*:")


def lecturer_note_problems(name, cells) -> list[str]:
    """A learner notebook holds no lecturer's note: no cell of slide type "notes", and no
    markdown with a note's labels (Say / Ask / Answer / Expected followed by a colon)."""
    problems = []
    for i, c in enumerate(cells):
        if _slide(c) == "notes":
            problems.append(f"{name}: cell {i} is a speaker-notes cell: lecturer's notes go in "
                            "docs/teaching/NN_*.md, section 'Speaker notes'")
        elif c["cell_type"] == "markdown" and (m := NOTE_LABEL_RX.search(_src(c))):
            problems.append(f"{name}: cell {i} holds a lecturer's note ({m.group(0)!r}): move "
                            "it to docs/teaching/NN_*.md, section 'Speaker notes'")
    return problems


def _src(cell) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


ASSERT_RX = re.compile(r"^\s*assert\b", re.M)


def is_solutions(p: Path) -> bool:
    return p.parent.name == "solutions"


def _tags(cell) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def _slide(cell) -> str | None:
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type")


def _names(src: str) -> tuple[set[str], set[str], set[str]]:
    """(names a cell defines for later cells, names bound anywhere in it, names it reads),
    IPython magics skipped. Parameters and comprehension variables are bound only inside the
    cell; module-level assignments, loops, imports, defs and classes are what later cells see."""
    import ast

    code = "\n".join("" if ln.lstrip().startswith(("%", "!")) else ln for ln in src.splitlines())
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set(), set(), set()
    scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ListComp, ast.SetComp,
              ast.DictComp, ast.GeneratorExp, ast.ClassDef)
    module, bound, read = set(), set(), set()

    def visit(node, top: bool):
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                read.add(node.id)
            else:
                bound.add(node.id)
                if top:
                    module.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
            if top:
                module.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                name = (alias.asname or alias.name).split(".")[0]
                bound.add(name)
                if top:
                    module.add(name)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
            if top:
                module.add(node.name)
        inner = top and not isinstance(node, scopes)
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(tree, True)
    return module, bound, read


def test_cell_state_leaks(cells) -> list[tuple[int, str, int]]:
    """(teaching cell, name, test cell) for every name a teaching cell reads that only a hidden
    test cell defined: the site, the slides and a reader who skips test cells see it undefined."""
    taught: set[str] = set()
    test_only: dict[str, int] = {}
    leaks = []
    for i, c in enumerate(cells):
        if c["cell_type"] != "code":
            continue
        module, bound, read = _names(_src(c))
        if "test" in _tags(c):
            for n in module - taught:
                test_only.setdefault(n, i)
            continue
        for n in sorted((read - bound) & test_only.keys()):
            if n not in taught:
                leaks.append((i, n, test_only[n]))
        taught |= module
    return leaks


# ------------------------------------------------------------------ predict, then run (issue 19)
#: What else gives away a "predict, then run" answer besides reveal()'s answer itself: key
#: phrases by notebook and by the question's first words. The rule (``prediction_leaks``): no
#: cell above the predict(...) cell (markdown, code or hidden test cell) may hold the answer
#: string of its reveal(...), a number of that answer that neither the question nor another
#: option holds, or one of these phrases (case, markdown marks and spacing ignored).
PREDICTION_KEYS = {
    ("01_waveform", "A 5000 Hz sine"): ["3000 Hz"],
    ("01_waveform", "What does chirp[::3]"): ["turns round", "then falls"],
    ("02_fft_spectrum", "A 0.5-amplitude tone"): ["less than 0.5", "spreads over",
                                                  "shared among"],
    ("02_fft_spectrum", "Compared with no window"): ["wider", "widens", "broader"],
    ("03_stft_spectrogram", "With hop = n_fft"): ["vanish", "vanishes", "drops to zero",
                                                  "invisible", "not at all"],
    ("03_stft_spectrogram", "n_fft stays 2048"): ["hop is not in it", "stays the same",
                                                  "only sets how densely", "same smear"],
    ("04_decibels", "The two components"): ["halved", "halves", "shrinks by half"],
    ("04_decibels", "Shown in dB with ref=np.max"): ["0 dB again", "level cancels"],
    ("05_mfcc", "mfcc(y=y, sr=sr, n_mfcc=40"): ["20 rows", "without a word"],
    ("05_mfcc", "Which two notes"): ["flute notes are closer", "two flute notes"],
    ("06_dataset_for_deep_learning", "A 4.3 s clip"): ["4 segments"],
    ("06_dataset_for_deep_learning", "Random labels per recording"): ["above chance"],
}


def predictions(cells) -> list[dict]:
    """Every helpers.exercises.predict(question, options) assigned to a name, with the first
    later reveal(name, answer, why): cell indices, question, options, answer (None when the
    answer is computed)."""
    import ast

    found = []
    calls = []
    for i, c in enumerate(cells):
        if c["cell_type"] != "code":
            continue
        try:
            tree = ast.parse(_src(c))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                calls.append((i, node))
    def arg(call, k: int, name: str):  # positional or keyword argument, else None
        if len(call.args) > k:
            return call.args[k]
        return next((kw.value for kw in call.keywords if kw.arg == name), None)

    for i, node in calls:
        if node.func.attr != "predict":
            continue
        q, opts = arg(node, 0, "question"), arg(node, 1, "options")
        if not (isinstance(q, ast.Constant) and isinstance(opts, (ast.List, ast.Tuple))):
            continue
        var = None
        tree = ast.parse(_src(cells[i]))
        for st in ast.walk(tree):
            if isinstance(st, ast.Assign) and st.value is node or (
                    isinstance(st, ast.Assign) and ast.dump(st.value) == ast.dump(node)):
                var = st.targets[0].id if isinstance(st.targets[0], ast.Name) else None
        rev = next(((j, r) for j, r in calls if j >= i and r.func.attr == "reveal"
                    and isinstance(arg(r, 0, "prediction"), ast.Name)
                    and arg(r, 0, "prediction").id == var), None)
        answer = None
        given = arg(rev[1], 1, "answer") if rev else None
        if isinstance(given, ast.Constant):
            answer = given.value
        elif isinstance(given, ast.Name):
            # right = "..." assigned in the reveal's cell
            name = given.id
            for st in ast.walk(ast.parse(_src(cells[rev[0]]))):
                if (isinstance(st, ast.Assign) and isinstance(st.targets[0], ast.Name)
                        and st.targets[0].id == name and isinstance(st.value, ast.Constant)):
                    answer = st.value.value
        found.append({"cell": i, "var": var, "question": q.value,
                      "options": [o.value for o in opts.elts if isinstance(o, ast.Constant)],
                      "reveal": rev[0] if rev else None, "answer": answer})
    return found


def _plain_lower(text: str) -> str:
    return " ".join(re.sub(r"[*`]", "", text).lower().split())


def prediction_keys(stem: str, pred: dict) -> list[str]:
    """What may not appear above a prediction: its answer, the answer's own numbers, and the
    PREDICTION_KEYS phrases of its question."""
    keys = []
    ans = pred["answer"]
    if isinstance(ans, str) and ans.strip():
        keys.append(ans)
        others = " ".join([pred["question"]] + [o for o in pred["options"] if o != ans])
        nums = set(re.findall(r"\d+(?:\.\d+)?", others))
        keys += [n for n in re.findall(r"\d+(?:\.\d+)?", ans) if n not in nums and len(n) >= 3]
    for (s, start), phrases in PREDICTION_KEYS.items():
        if s == stem and pred["question"].startswith(start):
            keys += phrases
    return keys


def prediction_leaks(cells, stem: str) -> list[tuple[int, str, int]]:
    """(predict cell, key, cell above it that holds the key): a prediction answered before it
    is asked."""
    leaks = []
    for pred in predictions(cells):
        above = [_plain_lower(_src(c)) for c in cells[:pred["cell"]]]
        for key in prediction_keys(stem, pred):
            rx = re.compile(r"(?<![\w.])" + re.escape(_plain_lower(key)) + r"(?![\w])")
            for k, text in enumerate(above):
                if rx.search(text):
                    leaks.append((pred["cell"], key, k))
    return leaks


# ------------------------------------------------------------- answer-free test cells (issue 19)
# A cell tagged "test" checks facts; it must not hold an exercise's answer, which a learner can
# read by expanding it. The rule (``test_cell_answers``), by AST:
#   1. a test cell defines no function or class that a solution defines (by name: the answer
#      to a "write f(...)" exercise), and no lambda;
#   2. no expression of a test cell has the form of an exercise's answer. The answers are the
#      whole expressions a cell tagged "solution" of the solutions notebook returns or assigns
#      to `answer`. Forms compare with every variable name as "_" (a called function keeps its
#      name), type conversions dropped (np.asarray(x), x.astype(t), float(x) -> x) and
#      constant arithmetic folded (2**15 -> 32768.0). The same form with the same constants
#      counts from 3 nodes up if it holds a constant, a call or an attribute (so
#      `pcm.astype(np.float32) / 32768` is `x / 2**15`, but `n / sr` is not `n_samples / sr`);
#      the same form with other constants counts from 7 nodes up
#      (`hz_to_mel(400.0) - hz_to_mel(200.0)` is `hz_to_mel(8000.0) - hz_to_mel(4000.0)`).
EXACT_MIN_NODES, FORM_MIN_NODES = 3, 7
#: calls that only change an array's type: dropped when forms are compared
CONVERT = {"asarray", "asanyarray", "array", "astype", "float", "float32", "float64"}


class _AnswerForm(ast.NodeTransformer):
    """Rewrites an expression into its form (see the rule above); ``consts=False`` also
    replaces every constant by the same placeholder."""

    def __init__(self, consts: bool):
        self.consts = consts

    def visit_Name(self, node):
        return ast.Name(id="_", ctx=ast.Load())

    def visit_Call(self, node):
        f = node.func
        node.args = [self.visit(a) for a in node.args]
        node.keywords = [self.visit(k) for k in node.keywords]
        name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", None)
        if name in CONVERT:
            if isinstance(f, ast.Attribute) and name == "astype":
                return self.visit(f.value)
            if node.args:
                return node.args[0]
        if not isinstance(f, ast.Name):  # a called name (len, round) is kept
            node.func = self.visit(f)
        return node

    def visit_BinOp(self, node):
        self.generic_visit(node)
        if isinstance(node.left, ast.Constant) and isinstance(node.right, ast.Constant):
            try:
                value = eval(compile(ast.fix_missing_locations(ast.Expression(node)), "", "eval"))
                return self.visit_Constant(ast.Constant(value))
            except Exception:
                return node
        return node

    def visit_Constant(self, node):
        if not self.consts:
            return ast.Constant("C")
        if isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return ast.Constant(float(node.value))
        return node


def _size(node) -> int:
    import ast

    return sum(isinstance(x, (ast.expr, ast.keyword)) for x in ast.walk(node))


def _forms(node) -> tuple[tuple[str, int], tuple[str, int]]:
    """((exact form, nodes), (form without constants, nodes)) of an expression."""
    import ast
    import copy

    out = []
    for consts in (True, False):
        m = ast.fix_missing_locations(_AnswerForm(consts).visit(ast.Expression(copy.deepcopy(node))))
        out.append((ast.dump(m.body, annotate_fields=False), _size(m.body)))
    return out[0], out[1]


def _parse(src: str):
    import ast

    code = "\n".join("" if ln.lstrip().startswith(("%", "!")) else ln for ln in src.splitlines())
    try:
        return ast.parse(code)
    except SyntaxError:
        return None


def answer_forms(solution_cells) -> tuple[set[str], set[str], set[str]]:
    """The forms (exact, without constants) of the answer expressions of a solutions notebook,
    and the names of the functions its solutions define."""
    import ast

    exact, loose, names = set(), set(), set()
    for c in solution_cells:
        if c["cell_type"] != "code" or "solution" not in _tags(c):
            continue
        tree = _parse(_src(c))
        for st in ast.walk(tree) if tree else []:
            if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(st.name)
            answer = isinstance(st, ast.Return) or (
                isinstance(st, ast.Assign) and any(isinstance(tg, ast.Name) and tg.id == "answer"
                                                   for tg in st.targets))
            if answer and st.value is not None:
                (e, ne), (f, nf) = _forms(st.value)
                if ne >= EXACT_MIN_NODES and re.search(r"Constant|Call|Attribute", e):
                    exact.add(e)
                if nf >= FORM_MIN_NODES:
                    loose.add(f)
    return exact, loose, names


def test_cell_answers(cells, solution_cells) -> list[tuple[int, str]]:
    """(test cell, why) for every test cell that holds an answer (see the rule above)."""
    import ast

    exact, loose, names = answer_forms(solution_cells)
    found = []
    for i, c in enumerate(cells):
        if c["cell_type"] != "code" or "test" not in _tags(c):
            continue
        tree = _parse(_src(c))
        if tree is None:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Lambda) or (isinstance(
                    node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                    and node.name in names):
                what = "a lambda" if isinstance(node, ast.Lambda) else \
                    f"{node.name!r}, an exercise's function"
                found.append((i, f"defines {what}"))
        seen = set()
        for node in ast.walk(tree):
            if not isinstance(node, ast.expr):
                continue
            (e, ne), (f, nf) = _forms(node)
            if (ne >= EXACT_MIN_NODES and e in exact) or (nf >= FORM_MIN_NODES and f in loose):
                text = ast.unparse(node)
                if not any(text in s for s in seen):
                    seen.add(text)
                    found.append((i, f"computes an exercise's answer: {text}"))
    return found


#: a font size below matplotlib's "medium" (the course's 11 pt = 14.7 px) in a figure a slide
#: shows: any named size smaller than medium, or a number of points under 10.5
SMALL_FONT_RX = re.compile(
    r"""\b(?:fontsize|size|labelsize|title_fontsize)\s*=\s*(?:["'](?:xx-small|x-small|small|smaller)["']"""
    r"""|(?:[0-9]|10)(?:\.[0-4]\d*)?(?![\d.]))""")


def check_learner_rules(name, cells, stem: str) -> list[str]:
    """Second-round rules for a learner notebook (issues 9, 10, 11, 14)."""
    problems = []
    md = "\n".join(_src(c) for c in cells if c["cell_type"] == "markdown")
    code_all = "\n".join(_src(c) for c in cells if c["cell_type"] == "code")
    if "glossary.md" not in md:
        problems.append(f"{name}: no link to the glossary (glossary.md)")
    for i, c in enumerate(cells):
        tags = _tags(c)
        if "solution" in tags:
            problems.append(f"{name}: cell {i} is a solution: solutions belong in "
                            "notebooks/solutions/")
        if c["cell_type"] != "code":
            continue
        src = _src(c)
        if "test" in tags:
            if not c.get("metadata", {}).get("jupyter", {}).get("source_hidden"):
                problems.append(f"{name}: cell {i} is a test cell but its input is not hidden")
            if _slide(c) != "skip":
                problems.append(f"{name}: cell {i} is a test cell but not skipped in slides")
            continue
        if ASSERT_RX.search(src):
            problems.append(f"{name}: cell {i} teaches but holds an assert: move checks into a "
                            "cell tagged 'test'")
        if _slide(c) != "skip" and SMALL_FONT_RX.search(src):
            problems.append(f"{name}: cell {i}: a font size under 14 px on a slide "
                            f"({SMALL_FONT_RX.search(src).group(0)}): use the default (11 pt)")
        if _slide(c) != "skip":
            for ln in src.splitlines():
                if len(ln) > MAX_SLIDE_CODE_LINE:
                    problems.append(f"{name}: cell {i}: code line of {len(ln)} characters > "
                                    f"{MAX_SLIDE_CODE_LINE} (clipped on slides): {ln[:40]}...")
                    break
    for i, n, j in test_cell_state_leaks(cells):
        problems.append(f"{name}: cell {i} reads {n!r}, which only the hidden test cell {j} "
                        "defines: define it in a teaching cell")
    if stem != "00_overview":
        for k in (1, 2, 3):
            if not re.search(rf"exercise {k}\b", md, re.I):
                problems.append(f"{name}: no 'Exercise {k}' (a ladder needs at least three)")
        if "exercises.predict(" not in code_all or "exercises.reveal(" not in code_all:
            problems.append(f"{name}: no 'predict, then run' question "
                            "(helpers.exercises.predict ... reveal)")
        for pred in predictions(cells):
            if pred["reveal"] is None:
                problems.append(f"{name}: cell {pred['cell']}: predict(...) with no "
                                f"reveal({pred['var']}, ...) after it")
        sol = ROOT / "notebooks" / "solutions" / f"{stem}_solutions.ipynb"
        if sol.exists():
            sol_cells = json.loads(sol.read_text(encoding="utf-8")).get("cells", [])
            for i, why in test_cell_answers(cells, sol_cells):
                problems.append(f"{name}: test cell {i} {why}: a learner who opens it reads "
                                "the answer; check a value instead (or move the computation "
                                "into helpers/exercises)")
        for i, key, k in prediction_leaks(cells, stem):
            problems.append(f"{name}: cell {k} gives away the answer of the prediction in "
                            f"cell {i} ({key!r}) before it is asked: move the prediction up "
                            "or the answer below it")
    return problems


def check_solutions_rules(name, cells) -> list[str]:
    code_all = "\n".join(_src(c) for c in cells if c["cell_type"] == "code")
    problems = []
    if "expect_all_correct()" not in code_all:
        problems.append(f"{name}: a solutions notebook must call "
                        "helpers.exercises.expect_all_correct() in its setup")
    return problems


def check(paths: list[Path]) -> list[str]:
    problems = []
    for p in paths:
        raw = p.read_bytes()
        name = p.relative_to(ROOT) if p.is_relative_to(ROOT) else p
        if len(raw) > MAX_BYTES:
            problems.append(f"{name}: {len(raw)} bytes > cap {MAX_BYTES} (outputs? huge cells?)")
        nb = json.loads(raw)
        ks = nb.get("metadata", {}).get("kernelspec", {}).get("name")
        if ks != "python3":
            problems.append(f"{name}: kernelspec is {ks!r}, must be 'python3'")
        cells = nb.get("cells", [])
        solutions = is_solutions(p)
        text = "\n".join(_src(c) for c in cells if c["cell_type"] == "markdown").lower()
        for section in ([] if solutions else REQUIRED_SECTIONS):
            if section not in text:
                problems.append(f"{name}: no '{section}' section")
        if not solutions and p.name != "00_overview.ipynb" and "exercise" not in text:
            problems.append(f"{name}: no exercises")
        code = [c for c in cells if c["cell_type"] == "code"]
        if code and "setup_notebook" not in _src(code[0]):
            problems.append(f"{name}: first code cell must call helpers.setup_notebook()")
        for i, c in enumerate(cells):
            if c["cell_type"] == "code":
                if c.get("outputs"):
                    problems.append(f"{name}: cell {i} has outputs (run `make strip`)")
                if c.get("execution_count") is not None:
                    problems.append(f"{name}: cell {i} has an execution count (run `make strip`)")
                for rx, why in OLD_API:
                    if rx.search(_src(c)):
                        problems.append(f"{name}: cell {i}: {why}")
            meta = c.get("metadata", {})
            if "nbval-check-output" in meta.get("tags", []):
                problems.append(f"{name}: cell {i} is tagged nbval-check-output; notebooks keep "
                                "no outputs, so check its numbers with assert instead")
            if "solution" in meta.get("tags", []) and not solutions and not meta.get(
                "jupyter", {}).get("source_hidden"):
                problems.append(f"{name}: cell {i} is a solution but not hidden (source_hidden)")
            st = c.get("metadata", {}).get("slideshow", {}).get("slide_type")
            if st not in SLIDE_TYPES:
                problems.append(f"{name}: cell {i} has no slideshow.slide_type metadata")
        if not solutions:
            problems += lecturer_note_problems(name, cells)
        if solutions:
            problems += check_solutions_rules(name, cells)
        else:
            problems += check_learner_rules(name, cells, p.stem)
    return problems


def strip(paths: list[Path]) -> None:
    for p in paths:
        nb = json.loads(p.read_text(encoding="utf-8"))
        for c in nb["cells"]:
            tags = set(c.get("metadata", {}).get("tags", []))
            if "test" in tags or ("solution" in tags and not is_solutions(p)):
                c["metadata"].setdefault("jupyter", {})["source_hidden"] = True
            if c["cell_type"] == "code":
                c.get("metadata", {}).pop("execution", None)  # timestamps: noise in diffs
                c["outputs"], c["execution_count"] = [], None
            c.get("metadata", {}).pop("execution", None)
        nb["metadata"].pop("widgets", None)
        _write(nb, p)


def _write(nb: dict, p: Path) -> None:
    p.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


_MARK = re.compile(r"^# %%(?P<md> \[markdown\])?(?P<rest>.*)$")


def build(src: Path, out: Path) -> None:
    cells, cur = [], None
    for line in src.read_text(encoding="utf-8").splitlines():
        m = _MARK.match(line)
        if m:
            rest = m.group("rest")
            tags = re.search(r"tags=(\[[^\]]*\])", rest)
            slide = re.search(r"slide=([\w-]+)", rest)
            cur = {
                "cell_type": "markdown" if m.group("md") else "code",
                "metadata": {
                    "slideshow": {"slide_type": slide.group(1) if slide else "-"},
                    **({"tags": json.loads(tags.group(1))} if tags else {}),
                },
                "lines": [],
            }
            cells.append(cur)
            continue
        if cur is None:
            continue
        if cur["cell_type"] == "markdown":
            line = line[2:] if line.startswith("# ") else ("" if line == "#" else line)
        cur["lines"].append(line)
    nb_cells = []
    for c in cells:
        lines = c.pop("lines")
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        source = [ln + "\n" for ln in lines[:-1]] + lines[-1:]
        if "test" in c["metadata"].get("tags", []):
            c["metadata"]["jupyter"] = {"source_hidden": True}  # collapsed until clicked
        cell = {"cell_type": c["cell_type"], "metadata": c["metadata"], "source": source}
        if c["cell_type"] == "code":
            cell.update(execution_count=None, outputs=[])
        nb_cells.append(cell)
    metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                       "name": "python3"},
        "language_info": {"name": "python"},
    }
    if out.exists():  # rebuilding an existing notebook keeps its metadata
        metadata = json.loads(out.read_text(encoding="utf-8")).get("metadata", metadata)
    nb = {
        "cells": nb_cells,
        "metadata": metadata,
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    # stable cell ids keep diffs small
    for i, cell in enumerate(nb["cells"]):
        cell["id"] = f"{out.stem[:20]}-{i:03d}".replace("_", "-")
    _write(nb, out)


def export(nb_path: Path) -> str:
    """Notebook -> the percent-format text that ``build`` reads (tags and slide types kept)."""
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    out = []
    for c in nb["cells"]:
        meta = c.get("metadata", {})
        head = "# %%" + (" [markdown]" if c["cell_type"] == "markdown" else "")
        tags = meta.get("tags", [])
        if tags:
            head += " tags=" + json.dumps(tags)
        head += f" slide={meta.get('slideshow', {}).get('slide_type', '-') or '-'}"
        out.append(head)
        src = _src(c)
        if c["cell_type"] == "markdown":
            out += [("# " + ln) if ln else "#" for ln in src.splitlines()]
        else:
            out += src.splitlines()
        out.append("")
    return "\n".join(out)


def figures(p: Path, out_dir: Path) -> list[Path]:
    """Execute a copy of notebook ``p`` (cwd = its folder) and save each PNG output."""
    import base64

    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(p, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(p.parent)}}).execute()
    out_dir.mkdir(parents=True, exist_ok=True)
    saved = []
    for i, c in enumerate(nb.cells):
        for k, o in enumerate(c.get("outputs", [])):
            if o.get("output_type") == "error":
                print(f"cell {i}: {o.get('ename')}: {o.get('evalue')}")
            png = o.get("data", {}).get("image/png") if "data" in o else None
            if png:
                f = out_dir / f"{p.stem[:2]}_cell{i:03d}_{k}.png"
                f.write_bytes(base64.b64decode(png))
                saved.append(f)
    print(f"{len(saved)} figures in {out_dir}")
    return saved


# --------------------------------------------------------------------------------------------
# The repository address lives in pyproject.toml only; `sync` writes it everywhere it is needed.
# --------------------------------------------------------------------------------------------
SETUP_CELL = """\
# Set-up. Locally and on Binder the course is installed; on Colab (or any
# kernel without it) this first fetches and installs it (about a minute).
import importlib.util
import os
import subprocess
import sys

if importlib.util.find_spec("helpers") is None:
    REPO = "{repo}"
    REF = "{ref}"  # the branch these notebooks come from
    if not os.path.isdir("course"):
        subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", REF,
                        REPO, "course"], check=True)
    # installs only what the runtime lacks; upgrades nothing it already has
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-e", "course"],
                         capture_output=True, text=True)
    if pip.returncode:
        raise RuntimeError("installing the course failed:\\n" + pip.stdout + pip.stderr)
    sys.path.insert(0, os.path.abspath("course"))

import helpers

helpers.setup_notebook()"""
BADGES = """\
[![Binder](https://mybinder.org/badge_logo.svg)]({binder})
[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab})"""


def project_home() -> dict:
    import tomllib

    py = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    repo = py["project"]["urls"]["Repository"].rstrip("/")
    ref = py["tool"]["audio-course"]["ref"]
    m = re.fullmatch(r"https://github\.com/([\w.-]+)/([\w.-]+)", repo)
    if not m:
        raise SystemExit(f"[project.urls] Repository must be https://github.com/OWNER/NAME, "
                         f"got {repo!r}")
    owner, name = m.groups()
    first = "notebooks/00_overview.ipynb"
    return dict(
        repo=repo, ref=ref, version=py["project"]["version"],
        binder=f"https://mybinder.org/v2/gh/{owner}/{name}/{ref}?urlpath=lab/tree/{first}",
        colab=f"https://colab.research.google.com/github/{owner}/{name}/blob/{ref}/{first}",
    )


def course() -> list[dict]:
    """The notebooks of the course map, from course.toml (the one place they are written)."""
    return _course.notebooks(ROOT)


def duration(minutes: int) -> str:
    """85 -> '85 min', 150 -> '2 h 30 min', 120 -> '2 h' (the course's way of writing times)."""
    if minutes <= 100:
        return f"{minutes} min"
    h, m = divmod(minutes, 60)
    return f"{h} h" + (f" {m} min" if m else "")


def parse_duration(text: str) -> int | None:
    """The first time in ``text`` in minutes ('about 2 h 30 min', '85 minutes'), or None."""
    m = re.search(r"(\d+)\s*h(?:\s*(\d+)\s*min)?|(\d+)\s*min", text)
    if not m:
        return None
    if m.group(3):
        return int(m.group(3))
    return 60 * int(m.group(1)) + int(m.group(2) or 0)


def course_tables() -> dict[str, str]:
    """The generated course-map tables, by where they go."""
    rows = course()
    readme = ["| # | Notebook | You will learn | Time |", "|---|---|---|---|"]
    overview = ["| # | Notebook | You learn | Time |", "|---|---|---|---|"]
    guide = ["| # | Notebook | Self-paced time | Lesson plan |", "|---|---|---|---|"]
    for r in rows:
        t = duration(r["minutes"])
        readme.append(f"| {r['id']} | [{r['title']}](notebooks/{r['stem']}.ipynb) | "
                      f"{r['learn']} | {t} |")
        link = r["short"] if r["id"] == "00" else f"[{r['short']}]({r['stem']}.ipynb)"
        overview.append(f"| {r['id']} | {link} | {r['learn_short']} | {t} |")
        plan = f"[teaching/{r['stem']}.md](teaching/{r['stem']}.md)"
        if r["id"] == "00":
            plan += " (the start of lesson 01)"
        guide.append(f"| {r['id']} | [{r['title']}](../notebooks/{r['stem']}.ipynb) | {t} | "
                     f"{plan} |")
    return {"README.md": "\n".join(readme), "notebooks/00_overview.ipynb": "\n".join(overview),
            "docs/teaching.md": "\n".join(guide)}


_MAP = re.compile(r"(<!-- course-map:start[^>]*-->\n).*?(\n<!-- course-map:end -->)", re.S)


def _sync_course_map(check_only: bool) -> list[str]:
    stale = []
    for rel, table in course_tables().items():
        p = ROOT / rel
        if p.suffix == ".ipynb":
            nb = json.loads(p.read_text(encoding="utf-8"))
            hits = [c for c in nb["cells"] if "<!-- course-map:start" in _src(c)]
            if len(hits) != 1:
                stale.append(f"{rel} (no course-map markers)")
                continue
            old = _src(hits[0])
            new = _MAP.sub(lambda m, t=table: m.group(1) + t + m.group(2), old)
            if new != old:
                stale.append(rel)
                if not check_only:
                    lines = new.split("\n")
                    hits[0]["source"] = [ln + "\n" for ln in lines[:-1]] + [lines[-1]]
                    _write(nb, p)
            continue
        old = p.read_text(encoding="utf-8")
        if "<!-- course-map:start" not in old:
            stale.append(f"{rel} (no course-map markers)")
            continue
        new = _MAP.sub(lambda m, t=table: m.group(1) + t + m.group(2), old)
        if new != old:
            stale.append(rel)
            if not check_only:
                p.write_text(new, encoding="utf-8")
    return stale


def sync(check_only: bool = False) -> list[str]:
    """Write the set-up cell into every notebook, the README badges and CITATION.cff from
    pyproject.toml; with ``check_only`` report what is out of date instead."""
    home = project_home()
    cell = SETUP_CELL.format(**home)
    stale = []
    for p in _notebooks([]):
        nb = json.loads(p.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        if not code:
            continue
        if _src(code[0]) != cell:
            stale.append(str(p.relative_to(ROOT)))
            if not check_only:
                code[0]["source"] = [ln + "\n" for ln in cell.split("\n")[:-1]] + \
                    [cell.split("\n")[-1]]
                code[0]["metadata"]["slideshow"] = {"slide_type": "skip"}
                code[0]["metadata"].setdefault("tags", [])
                if "setup" not in code[0]["metadata"]["tags"]:
                    code[0]["metadata"]["tags"].append("setup")
                _write(nb, p)
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    new = re.sub(r"(<!-- badges:start -->\n)(?:.*?\n)?(<!-- badges:end -->)",
                 lambda m: m.group(1) + BADGES.format(**home) + "\n" + m.group(2), text,
                 flags=re.S)
    if "<!-- badges:start -->" not in text or new != text:
        stale.append("README.md")
        if not check_only:
            readme.write_text(new, encoding="utf-8")
    cff = ROOT / "CITATION.cff"
    text = cff.read_text(encoding="utf-8")
    new = re.sub(r'(?m)^repository-code: .*$', f'repository-code: "{home["repo"]}"', text)
    new = re.sub(r'(?m)^version: .*$', f'version: "{home["version"]}"', new)
    if new != text:
        stale.append("CITATION.cff")
        if not check_only:
            cff.write_text(new, encoding="utf-8")
    return stale + _sync_course_map(check_only)


def _notebooks(args: list[str]) -> list[Path]:
    if args:
        return [Path(a).resolve() for a in args]
    return _course.all_notebooks(ROOT)


def manifest_problems() -> list[str]:
    """Files course.toml should list and does not (or lists and are missing): a notebook nobody
    listed would otherwise escape every rule and test."""
    return _course.unlisted(ROOT)


# --------------------------------------------------------------------------------------------
# `nbtool new NN_name`: a notebook and its companions from tools/templates/, listed in course.toml
# --------------------------------------------------------------------------------------------
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


def _render(template: str, values: dict) -> str:
    def fill(m):
        if m.group(1) not in values:
            raise KeyError(f"template placeholder {{{{{m.group(1)}}}}} has no value")
        return values[m.group(1)]

    return _PLACEHOLDER.sub(fill, template)


_EXERCISE_MARK = re.compile(r"#! exercise (?P<id>\d\d\.\d+) (?P<level>warm-up|apply|stretch)\n")


def _finish_new_notebook(nb_path: Path) -> None:
    """The first code cell becomes the course's set-up cell (what `sync` writes); a template's
    ``#! exercise NN.k level`` first line becomes the cell's ``exercise`` metadata (what the
    copy-distance tool reads)."""
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    cell = SETUP_CELL.format(**project_home())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    code[0]["source"] = [ln + "\n" for ln in cell.split("\n")[:-1]] + [cell.split("\n")[-1]]
    for c in code:
        m = _EXERCISE_MARK.match(_src(c))
        if m:
            c["source"] = c["source"][1:]
            c["metadata"]["exercise"] = {"id": m["id"], "level": m["level"]}
    _write(nb, nb_path)


def new(stem: str, title: str | None = None, *, minutes: int = 90,
        explorer: str | None = None) -> dict[str, list[Path]]:
    """Create notebook ``stem`` (``NN_name``) with its solutions notebook, exercise module (four
    declarative example exercises), explorer module, lecturer's guide page and course.toml entry,
    from tools/templates/; regenerate the course-map tables; point the previous last notebook's
    navigation at it. All or nothing: on any error every file is put back as it was.
    Returns ``{"created": [...], "updated": [...]}``."""
    import tempfile

    m = re.fullmatch(r"(\d\d)_([a-z][a-z0-9_]*)", stem)
    if not m:
        raise SystemExit(f"the name must be NN_name (two digits, lower-case words with _), e.g. "
                         f"07_chroma; got {stem!r}")
    nid, name = m.groups()
    rows = course()
    if any(r["id"] == nid or r["stem"] == stem for r in rows):
        raise SystemExit(f"course.toml already has notebook {nid}")
    if rows and int(nid) <= int(rows[-1]["id"]):
        raise SystemExit(f"a new notebook comes after {rows[-1]['id']}: choose a higher number")
    explorer = explorer or name
    if not re.fullmatch(r"[a-z][a-z0-9_]*", explorer):
        raise SystemExit(f"explorer name {explorer!r}: lower-case letters, digits and _")
    prev = rows[-1]
    values = dict(id=nid, stem=stem, name=name, title=title or name.replace("_", " ").capitalize(),
                  minutes=str(int(minutes)), time=duration(int(minutes)), prev_id=prev["id"],
                  prev_stem=prev["stem"], prev_title=prev["title"], ex=f"ex{nid}",
                  explorer=explorer, Explorer="".join(w.title() for w in explorer.split("_")))
    templates = ROOT / "tools" / "templates"
    made = {
        "notebook.py.tmpl": ROOT / _course.LEARNER.format(stem=stem),
        "solutions.py.tmpl": ROOT / _course.SOLUTIONS.format(stem=stem),
        "exercises.py.tmpl": ROOT / _course.EXERCISES.format(module=values["ex"]),
        "explorer.py.tmpl": ROOT / "helpers" / "explorers" / f"{explorer}.py",
        "guide.md.tmpl": ROOT / _course.GUIDE.format(stem=stem),
    }
    taken = [p for p in made.values() if p.exists()]
    if taken:
        raise SystemExit(f"already there: {', '.join(str(p.relative_to(ROOT)) for p in taken)}")
    toml = ROOT / "course.toml"
    touched = [toml, prev["path"], *(ROOT / rel for rel in course_tables())]
    before = {p: p.read_bytes() for p in touched}
    created: list[Path] = []
    try:
        for tmpl, out in made.items():
            text = _render((templates / tmpl).read_text(encoding="utf-8"), values)
            out.parent.mkdir(parents=True, exist_ok=True)
            created.append(out)
            if out.suffix == ".ipynb":
                with tempfile.TemporaryDirectory() as tmp:
                    src = Path(tmp) / "nb.py"
                    src.write_text(text, encoding="utf-8")
                    build(src, out)
                _finish_new_notebook(out)
            else:
                out.write_text(text, encoding="utf-8")
        entry = _render((templates / "manifest.toml.tmpl").read_text(encoding="utf-8"), values)
        table = _render((templates / "explorer.toml.tmpl").read_text(encoding="utf-8"), values)
        text = toml.read_text(encoding="utf-8")
        cut = text.find("\n# Explorers:")
        text = (text[: cut + 1] + entry + text[cut + 1:]) if cut >= 0 else text + "\n" + entry
        toml.write_text(text.rstrip("\n") + "\n" + table, encoding="utf-8")
        _course.notebooks(ROOT)  # parses
        nav = prev["path"].read_text(encoding="utf-8")
        if " · last notebook · " in nav:
            prev["path"].write_text(nav.replace(
                " · last notebook · ", f" · next → [{nid} {values['title']}]({stem}.ipynb) · "),
                encoding="utf-8")
        _sync_course_map(check_only=False)
    except BaseException:
        for p in created:
            p.unlink(missing_ok=True)
        for p, data in before.items():
            p.write_bytes(data)
        raise
    updated = [p for p in touched if p.read_bytes() != before[p]]
    return {"created": created, "updated": updated}


def new_main(args: list[str]) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="nbtool.py new", description=new.__doc__.split("\n\n")[0])
    ap.add_argument("stem", help="NN_name, e.g. 07_chroma")
    ap.add_argument("title", nargs="?", help='the title, e.g. "Chroma features"')
    ap.add_argument("--minutes", type=int, default=90, help="self-paced time (course.toml)")
    ap.add_argument("--explorer", help="the explorer's name (default: the notebook's name)")
    a = ap.parse_args(args)
    out = new(a.stem, a.title, minutes=a.minutes, explorer=a.explorer)
    for what, paths in out.items():
        for p in paths:
            print(f"{what:>8}: {p.relative_to(ROOT)}")
    print("Next: replace every TODO(teacher) and the example exercises (docs/extending.md), then "
          "`python tools/nbtool.py check` and `make test`.")
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"check", "strip", "build", "run", "export", "figures",
                                   "sync", "new"}:
        print(__doc__)
        return 2
    cmd, args = argv[0], argv[1:]
    if cmd == "export":
        text = export(Path(args[0]))
        if len(args) > 1:
            Path(args[1]).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return 0
    if cmd == "build":
        build(Path(args[0]), Path(args[1]))
        return 0
    if cmd == "sync":
        stale = sync(check_only="--check" in args)
        if "--check" in args:
            for f in stale:
                print(f"{f}: out of date with pyproject.toml (run `python tools/nbtool.py sync`)")
            return 1 if stale else 0
        print(f"updated {len(stale)} file(s)")
        return 0
    if cmd == "new":
        return new_main(args)
    if cmd == "figures":
        figures(Path(args[0]).resolve(), Path(args[1]))
        return 0
    paths = _notebooks(args)
    if cmd == "strip":
        strip(paths)
        return 0
    if cmd == "run":
        import subprocess

        for p in paths:
            subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook",
                            "--execute", "--inplace", "--ExecutePreprocessor.timeout=600",
                            str(p)], check=True)
        strip(paths)
        return 0
    problems = check(paths) + ([] if args else manifest_problems())
    for pr in problems:
        print(pr)
    print(f"{len(paths)} notebooks checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
