"""Solutions live in notebooks/solutions/, never in the learner notebooks (issue 9).

- every learner notebook 01-06 has a solutions notebook that calls every check the learner
  notebook calls (and ``expect_all_correct()``, so nbval fails on a solution that fails);
- no line of solution code appears in a learner notebook, nor in its HTML export.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from tools import course

ROOT = Path(__file__).resolve().parent.parent
NB_DIR = ROOT / "notebooks"
LEARNER = [r["path"] for r in course.notebooks() if r.get("exercises")]

CHECK_RX = re.compile(r"helpers\.exercises\.(check_\w+)\(")


def _code(nb_path: Path, tag: str | None = None) -> list[str]:
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"
            and (tag is None or tag in c.get("metadata", {}).get("tags", []))]


def solutions_path(learner: Path) -> Path:
    return NB_DIR / "solutions" / f"{learner.stem}_solutions.ipynb"


def significant_lines(code: str) -> list[str]:
    """Lines of solution code that give an answer away (not signatures, imports, check calls,
    comments or placeholders)."""
    out = []
    for ln in code.splitlines():
        s = ln.strip()
        if (len(s) < 12 or s.startswith(("#", "def ", "import ", "from ", "helpers.exercises.",
                                          '"""', "'''", "return None", "print("))
                or CHECK_RX.search(s)):
            continue
        out.append(s)
    return out


def leaked(solution_code: list[str], learner_text: str) -> list[str]:
    return [ln for code in solution_code for ln in significant_lines(code) if ln in learner_text]


@pytest.mark.parametrize("learner", LEARNER, ids=[p.stem for p in LEARNER])
def test_solutions_notebook_covers_every_check(learner):
    sol = solutions_path(learner)
    assert sol.exists(), f"{learner.stem}: no solutions notebook {sol.relative_to(ROOT)}"
    asked = set(CHECK_RX.findall("\n".join(_code(learner))))
    answered = set(CHECK_RX.findall("\n".join(_code(sol))))
    assert asked, f"{learner.stem}: no exercise checks"
    assert asked <= answered, f"{learner.stem}: no solution for {sorted(asked - answered)}"
    assert "expect_all_correct()" in "\n".join(_code(sol))


@pytest.mark.parametrize("learner", LEARNER, ids=[p.stem for p in LEARNER])
def test_no_solution_source_in_learner_notebook_or_export(learner):
    from nbconvert import HTMLExporter

    sol_code = _code(solutions_path(learner), tag="solution")
    assert sol_code, "the solutions notebook tags its solution cells 'solution'"
    text = learner.read_text(encoding="utf-8")
    raw = "\n".join("".join(c["source"]) for c in json.loads(text)["cells"])
    assert leaked(sol_code, raw) == []
    body, _ = HTMLExporter().from_filename(str(learner))
    assert leaked(sol_code, html.unescape(re.sub(r"<[^>]+>", "", body))) == []


def test_leak_detector_finds_a_planted_solution():
    sol = ["def frequency_axis(n, sr):\n    return np.arange(n // 2 + 1) * sr / n\n"]
    learner = "def frequency_axis(n, sr):\n    ...  # your code here\n"
    assert leaked(sol, learner) == []
    assert leaked(sol, learner + "    return np.arange(n // 2 + 1) * sr / n") != []
