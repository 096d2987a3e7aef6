"""Notebooks are stored stripped, small, with kernelspec python3 and the course template."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from tools import nbtool

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = nbtool._course.learner_notebooks(ROOT)


def test_all_notebooks_pass_hygiene():
    assert NOTEBOOKS
    assert nbtool.check(NOTEBOOKS) == []


def test_course_map_notebooks_exist():
    names = {p.stem for p in NOTEBOOKS}
    assert "00_overview" in names


def test_hygiene_catches_outputs_kernel_and_old_api(tmp_path):
    nb = json.loads(NOTEBOOKS[0].read_text())
    bad = copy.deepcopy(nb)
    code = [c for c in bad["cells"] if c["cell_type"] == "code"]
    code[-1]["outputs"] = [{"output_type": "display_data", "data": {"image/png": "AAAA"},
                            "metadata": {}}]
    code[-1]["source"] = ["librosa.display.waveplot(y, sr=sr)\n"]
    bad["metadata"]["kernelspec"]["name"] = "myenv"
    f = tmp_path / "bad.ipynb"
    f.write_text(json.dumps(bad))
    problems = "\n".join(nbtool.check([f]))
    assert "has outputs" in problems
    assert "kernelspec" in problems
    assert "waveplot" in problems
    big = copy.deepcopy(nb)
    big["cells"][0]["source"] = ["x" * (nbtool.MAX_BYTES + 1)]
    f.write_text(json.dumps(big))
    assert any("cap" in p for p in nbtool.check([f]))


def test_hygiene_refuses_check_output_tags_and_stale_counts(tmp_path):
    nb = json.loads(NOTEBOOKS[0].read_text())
    bad = copy.deepcopy(nb)
    code = [c for c in bad["cells"] if c["cell_type"] == "code"]
    code[-1]["metadata"]["tags"] = ["nbval-check-output"]
    code[-1]["execution_count"] = 3
    f = tmp_path / "bad.ipynb"
    f.write_text(json.dumps(bad))
    problems = "\n".join(nbtool.check([f]))
    assert "nbval-check-output" in problems and "execution count" in problems
    nbtool.strip([f])
    stripped = json.loads(f.read_text())
    assert all(not c.get("outputs") and c.get("execution_count") is None
               for c in stripped["cells"] if c["cell_type"] == "code")


def test_a_teaching_cell_may_not_read_a_name_only_a_test_cell_defines(tmp_path):
    """Hidden test cells are not shown on the site, the slides or to a reader who skips them:
    a name they define must not be needed by a teaching cell (the check catches a planted one)."""
    def cell(src, tags=()):
        meta = {"slideshow": {"slide_type": "skip" if "test" in tags else "-"},
                "tags": list(tags)}
        if "test" in tags:
            meta["jupyter"] = {"source_hidden": True}
        return {"cell_type": "code", "execution_count": None, "metadata": meta,
                "outputs": [], "source": src}

    cells = [cell("import numpy as np\nx = np.arange(3)"),
             cell("f_axis = np.linspace(0, 1, 5)\nassert x.size == 3", ["test"]),
             cell("def g(f_axis):\n    return f_axis\n[k for k in range(3)]"),  # binds its own
             cell("print(f_axis.max())")]
    leaks = nbtool.test_cell_state_leaks(cells)
    assert leaks == [(3, "f_axis", 1)]
    cells.insert(1, cell("f_axis = np.linspace(0, 1, 5)"))  # defined where it is taught: fine
    assert nbtool.test_cell_state_leaks(cells) == []
    for p in NOTEBOOKS:
        nb = json.loads(p.read_text())
        assert nbtool.test_cell_state_leaks(nb["cells"]) == [], p.name
