"""The shape of ``helpers/`` (issue 18): no import cycle between its modules, and no private name
(``_x``) used across modules, except between the modules of one sub-package (``helpers.dataset``
's own modules may share ``_params``; ``helpers.plot`` may not import ``helpers.dataset._x``).

Read from the source with ``ast`` (no import runs): every ``import`` counts, also those inside a
function (a lazy import is still a dependency), and so does ``module._name`` after
``from . import module``. Two planted violations show that the check catches them."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: A known cycle is named by one of its edges (the import that should go); each entry must
#: still be found (a stale entry fails), so these lists can only shrink.
KNOWN_CYCLE_EDGES: dict[tuple[str, str], str] = {}
KNOWN_PRIVATE: dict[str, str] = {}


def _modules(pkg_dir: Path) -> dict[str, Path]:
    """``{"helpers.dataset.build": path, "helpers.dataset": .../__init__.py, ...}``"""
    out = {}
    for f in sorted(pkg_dir.rglob("*.py")):
        parts = list(f.relative_to(pkg_dir.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = f
    return out


def _package(mod: str, path: Path) -> str:
    return mod if path.name == "__init__.py" else mod.rpartition(".")[0]


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def analyse(pkg_dir: Path) -> tuple[dict[str, set[str]], list[str]]:
    """(import graph between the package's modules, private names used across modules)."""
    mods = _modules(pkg_dir)
    top = pkg_dir.name
    subpackages = {m for m, p in mods.items() if p.name == "__init__.py" and m != top}

    def owner(mod: str) -> str | None:  # the sub-package a module belongs to, if any
        for sp in subpackages:
            if mod == sp or mod.startswith(sp + "."):
                return sp
        return None

    graph: dict[str, set[str]] = {m: set() for m in mods}
    private: list[str] = []
    for mod, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        here = _package(mod, path)
        aliases: dict[str, str] = {}  # local name -> module of the package it stands for

        def use(target: str, name: str | None, line: int, mod=mod, path=path):
            if target not in mods:
                return
            if target != mod:
                graph[mod].add(target)
            if name and _private(name) and target != mod and (
                    owner(target) is None or owner(target) != owner(mod)):
                private.append(f"{path.relative_to(pkg_dir.parent)}:{line}: {mod} uses "
                               f"{target}.{name}")

        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name == top or a.name.startswith(top + "."):
                        use(a.name, None, node.lineno)
                        if a.asname:
                            aliases[a.asname] = a.name
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here.split(".")
                    base = base[: len(base) - (node.level - 1)]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                if not (source == top or source.startswith(top + ".")):
                    continue
                for a in node.names:
                    sub = f"{source}.{a.name}"
                    if sub in mods:  # a module: `from . import data`
                        use(sub, None, node.lineno)
                        aliases[a.asname or a.name] = sub
                    else:
                        use(source, a.name, node.lineno)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and node.value.id in aliases and _private(node.attr):
                use(aliases[node.value.id], node.attr, node.lineno)
    return graph, private


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of two or more modules (Tarjan), as sorted lists."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _cycle_text(group: list[str], graph) -> str:
    edges = [f"{a} -> {b}" for a in group for b in sorted(graph[a]) if b in group]
    return ", ".join(edges)


def violations(pkg_dir: Path, known_edges=(), known_private=()) -> list[str]:
    """Every import cycle and cross-module private name, minus the known ones."""
    graph, private = analyse(pkg_dir)
    for a, b in known_edges:
        graph.get(a, set()).discard(b)
    return ([f"import cycle: {_cycle_text(g, graph)}" for g in cycles(graph)]
            + [f"private name across modules: {p}" for p in private
               if p.split(": ", 1)[1] not in known_private])


def test_helpers_have_no_import_cycle_and_no_private_name_across_modules():
    found = violations(ROOT / "helpers", KNOWN_CYCLE_EDGES, KNOWN_PRIVATE)
    assert not found, ("make the name public, or move it into the module that uses it; break "
                       "a cycle by moving what both need into a module of its own:\n"
                       + "\n".join(found))


def test_known_violations_are_still_there():
    graph, private = analyse(ROOT / "helpers")
    in_cycles = {(a, b) for g in cycles(graph) for a in g for b in graph[a] if b in g}
    stale = [e for e in KNOWN_CYCLE_EDGES if e not in in_cycles]
    stale += [k for k in KNOWN_PRIVATE if k not in {p.split(": ", 1)[1] for p in private}]
    assert not stale, f"fixed, remove from KNOWN_*: {stale}"


def test_the_graph_sees_the_imports_that_matter():
    """Not vacuous: edges the package really has are found, lazy ones included."""
    graph, _ = analyse(ROOT / "helpers")
    assert "helpers.dataset.build" in graph["helpers.dataset"]          # from .build import
    assert "helpers.audio" in graph["helpers.dataset.compute"]          # from ..audio import
    assert "helpers.data" in graph["helpers.audio"]                     # lazy, in a function
    assert "helpers.formats" in graph["helpers.data"]


@pytest.fixture
def helpers_copy(tmp_path):
    dst = tmp_path / "helpers"
    shutil.copytree(ROOT / "helpers", dst, ignore=shutil.ignore_patterns("__pycache__"))
    return dst


def test_a_planted_cycle_is_caught(helpers_copy):
    f = helpers_copy / "formats.py"  # formats imports nothing of the course: make it import audio
    f.write_text(f.read_text() + "\n\ndef _later():\n    from .audio import load\n\n"
                 "    return load\n")
    graph, _ = analyse(helpers_copy)
    found = cycles(graph)
    assert any({"helpers.audio", "helpers.formats"} <= set(g) for g in found), found


def test_a_planted_private_import_is_caught(helpers_copy):
    f = helpers_copy / "plot.py"
    f.write_text(f.read_text() + "\n\ndef _later():\n    from .dataset.compute import _features"
                 "\n\n    return _features\n")
    g = helpers_copy / "validate.py"
    g.write_text(g.read_text() + "\n\ndef _other():\n    from . import audio\n\n"
                 "    return audio._resolve\n")
    _, private = analyse(helpers_copy)
    assert any("helpers.plot uses helpers.dataset.compute._features" in p for p in private), private
    assert any("helpers.validate uses helpers.audio._resolve" in p for p in private), private


def test_a_sub_package_may_share_private_names_among_its_modules(helpers_copy):
    _, private = analyse(helpers_copy)
    assert not any(p.split(": ", 1)[1].startswith("helpers.dataset.") for p in private), private
