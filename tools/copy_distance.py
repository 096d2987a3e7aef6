"""Is an exercise's solution a near-copy of code the learner notebook already shows?

An *apply* or *stretch* exercise asks for transfer: a situation the notebook did not show. If
its solution can be pasted together from a code cell of the learner notebook, with the
variables renamed, it is not transfer. This tool measures, for each apply/stretch exercise,
how much of its solution code appears in the most similar code cell of the learner notebook.

Which cells belong to which exercise: cell metadata (the notebooks' machine-readable marker)::

    "exercise": {"id": "03.2", "level": "warm-up" | "apply" | "stretch"}

on the exercise's code cell(s) in the learner notebook and on its solution code cell(s) in
``notebooks/solutions/NN_*_solutions.ipynb``. The id is the check's exercise id. Several
solution cells with one id are one solution. Cells with an ``exercise`` marker in the learner
notebook (the exercise's own stub) are not compared.

The measure (token shingles, chosen because it survives renaming and reordering of lines and is
fast enough to compare every solution with every cell):

1. **Tokens.** Python's own tokenizer; comments, blank lines and the encoding are dropped.
   Names the code *defines* (assigned variables, parameters, loop targets, functions, classes,
   ``import ... as`` aliases) become ``N``: renaming a variable changes nothing. Names it only
   *uses* (``np``, ``librosa``, ``len``) and attribute names (``.stft``) stay as they are: they
   say what the code does. Numbers become ``0`` and strings ``S``; a line end, an indent and a
   dedent are tokens of their own.
2. **Shingles.** The set of every run of ``K = 6`` consecutive tokens.
3. **Similarity** of a solution to a cell = the share of the solution's shingles that occur in
   the cell (containment, 0 ... 1). Containment, not Jaccard: a solution copied from a few
   lines of a long cell is a copy even though the cell has much more in it.
4. The score of an exercise is its largest similarity over the learner notebook's code cells.

Lines that call a check (``helpers.exercises.check_...(...)``) are not part of a solution, and
learner cells that call a check (the exercise's stub) are not compared.

``THRESHOLD = 0.5``: an apply/stretch solution at or above it shares half of its 6-token runs
with one cell. A copy with the names changed scores 1.0. Calibration on the course's notebooks
(December 2026, before the exercise rewrite, exercises found by their headings): 27 of 29
solutions scored 0.00-0.39; 05.1 (a one-line warm-up) 0.47; 05.2 0.58, the notebook's own DCT
line and a slice, exactly what this test is for. Warm-ups, which may repeat the notebook on
purpose, are reported but never fail.

Usage: ``python tools/copy_distance.py [--threshold 0.5] [01 03 ...]``; exit 1 when an
apply/stretch exercise is at or above the threshold.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import io
import json
import keyword
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
K = 6
THRESHOLD = 0.5
LEVELS = ("warm-up", "apply", "stretch")
CHECKED = ("apply", "stretch")
_SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}


# ------------------------------------------------------------------------------ the measure
def defined_names(code: str) -> set[str]:
    """Names the code binds: assignments, parameters, loop/with/except targets, comprehension
    variables, functions, classes and import aliases."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.alias) and node.asname:
            names.add(node.asname)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


def _cell_source(code: str) -> str:
    """A notebook cell as Python: IPython magics and shell lines are dropped."""
    return "\n".join(line for line in code.splitlines()
                     if not line.lstrip().startswith(("%", "!")))


def tokens(code: str) -> list[str]:
    """The normalised token stream of ``code`` (see the module docstring)."""
    code = _cell_source(code)
    own = defined_names(code)
    out: list[str] = []
    previous = ""
    try:
        for tok in tokenize.generate_tokens(io.StringIO(code).readline):
            if tok.type in _SKIP:
                continue
            if tok.type == tokenize.NAME:
                text = tok.string
                if keyword.iskeyword(text) or previous == ".":
                    out.append(text)
                elif text in own and not hasattr(builtins, text):
                    out.append("N")
                else:
                    out.append(text)
            elif tok.type == tokenize.NUMBER:
                out.append("0")
            elif tok.type == tokenize.STRING or tok.type >= getattr(tokenize, "FSTRING_START",
                                                                    10**6):
                if out and out[-1] == "S":
                    continue  # adjacent strings / f-string parts are one string
                out.append("S")
            elif tok.type == tokenize.NEWLINE:
                out.append(";")
            elif tok.type == tokenize.INDENT:
                out.append("{")
            elif tok.type == tokenize.DEDENT:
                out.append("}")
            else:
                out.append(tok.string)
            previous = tok.string
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass  # a cell that does not tokenize to the end: what was read counts
    return out


def shingles(toks: list[str], k: int = K) -> set[tuple[str, ...]]:
    if len(toks) < k:
        return {tuple(toks)} if toks else set()
    return {tuple(toks[i:i + k]) for i in range(len(toks) - k + 1)}


def similarity(solution: str, cell: str, k: int = K) -> float:
    """Share of the solution's token ``k``-grams found in the cell (0 ... 1)."""
    s = shingles(tokens(without_checks(solution)), k)
    if not s:
        return 0.0
    return len(s & shingles(tokens(cell), k)) / len(s)


# ------------------------------------------------------------------------------ notebooks
@dataclass
class Exercise:
    id: str
    level: str
    solution: str
    learner_nb: Path
    solution_nb: Path


@dataclass
class Score:
    exercise: Exercise
    similarity: float
    cell: str  # id of the most similar learner cell

    def fails(self, threshold: float) -> bool:
        return self.exercise.level in CHECKED and self.similarity >= threshold


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _src(cell: dict) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


def marker(cell: dict) -> dict | None:
    """The cell's ``exercise`` metadata, validated, or None."""
    m = cell.get("metadata", {}).get("exercise")
    if m is None:
        return None
    if not (isinstance(m, dict) and isinstance(m.get("id"), str)
            and m.get("level") in LEVELS):
        raise ValueError(f"bad exercise marker {m!r}: want {{'id': '03.2', 'level': one of "
                         f"{LEVELS}}}")
    return m


def learner_notebook(solution_nb: Path) -> Path:
    return solution_nb.parent.parent / solution_nb.name.replace("_solutions.ipynb", ".ipynb")


def exercises(solution_nb: Path) -> list[Exercise]:
    """The marked exercises of one solutions notebook (their solution cells joined)."""
    found: dict[str, Exercise] = {}
    for cell in _cells(solution_nb):
        m = marker(cell)
        if cell.get("cell_type") != "code" or m is None:
            continue
        ex = found.setdefault(m["id"], Exercise(m["id"], m["level"], "",
                                                learner_notebook(solution_nb), solution_nb))
        if ex.level != m["level"]:
            raise ValueError(f"{solution_nb.name}: exercise {m['id']} has two levels")
        ex.solution += without_checks(_src(cell)) + "\n"
    return list(found.values())


def _is_check_line(line: str) -> bool:
    return line.lstrip().startswith(("helpers.exercises.", "exercises.check_"))


def without_checks(code: str) -> str:
    """The code without its lines that call a check (the same boilerplate in the exercise
    cell and its solution, not part of the answer)."""
    return "\n".join(line for line in code.splitlines() if not _is_check_line(line))


def learner_cells(nb: Path) -> list[tuple[str, str]]:
    """``(cell id, source)`` of the learner notebook's code cells, without the exercise cells
    (marked ones, and any cell that calls a check: the stub the learner fills in)."""
    return [(c.get("id", str(i)), _src(c)) for i, c in enumerate(_cells(nb))
            if c.get("cell_type") == "code" and marker(c) is None
            and not any(_is_check_line(line) for line in _src(c).splitlines())]


def score(ex: Exercise, cells: list[tuple[str, str]] | None = None) -> Score:
    cells = learner_cells(ex.learner_nb) if cells is None else cells
    s = shingles(tokens(ex.solution))
    best, where = 0.0, ""
    for cell_id, src in cells:
        if not s:
            break
        sim = len(s & shingles(tokens(src))) / len(s)
        if sim > best:
            best, where = sim, cell_id
    return Score(ex, best, where)


def solution_notebooks(ids: list[str] | None = None, folder: Path = NOTEBOOKS) -> list[Path]:
    nbs = sorted((Path(folder) / "solutions").glob("[0-9][0-9]_*_solutions.ipynb"))
    return [p for p in nbs if not ids or p.name[:2] in ids]


def scores(ids: list[str] | None = None, folder: Path = NOTEBOOKS) -> list[Score]:
    """The score of every marked exercise in ``folder``'s solutions notebooks."""
    out = []
    for nb in solution_notebooks(ids, folder):
        cells = learner_cells(learner_notebook(nb))
        out.extend(score(ex, cells) for ex in exercises(nb))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebook ids (default: all)")
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    parser.add_argument("--folder", type=Path, default=NOTEBOOKS,
                        help="the notebooks folder (with solutions/ inside)")
    args = parser.parse_args(argv)
    found = scores(args.notebooks or None, args.folder)
    if not found:
        print("no solution cell carries an 'exercise' marker yet (see this tool's docstring)")
        return 0
    print(f"{'exercise':<9}{'level':<9}{'max similarity':>15}  most similar learner cell")
    for s in found:
        verdict = "COPY?" if s.fails(args.threshold) else ""
        print(f"{s.exercise.id:<9}{s.exercise.level:<9}{s.similarity:>15.2f}  {s.cell}  "
              f"{verdict}")
    bad = [s for s in found if s.fails(args.threshold)]
    print(f"\n{len(found)} exercises; {len(bad)} apply/stretch solutions at or above "
          f"{args.threshold:g} (K = {K} token shingles, containment).")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
