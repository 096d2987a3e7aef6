"""Notebooks are stored stripped, small, with kernelspec python3 and the course template."""

from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("nbtool", ROOT / "tools" / "nbtool.py")
nbtool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(nbtool)
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


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
