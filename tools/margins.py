"""How far is each named mistake from the right answer? (``make margins``)

A check recognises a mistake by comparing the learner's outputs with the reference's within a
tolerance. If a mistake's output lies within a few tolerances of the reference's, a learner who
makes that mistake may be told "correct" (float32 rounding, another but equivalent formula), or
a right answer may be taken for the mistake. This tool measures it, for every
``FunctionExercise`` in ``helpers/exercises/ex0N.py``:

* distance of one case = the largest ``|mistake - reference| / (atol + rtol * |reference|)``
  over the output's elements (``np.allclose`` holds exactly when it is <= 1; shapes that differ
  are infinitely far);
* a check needs ONE case to tell the mistake from the right answer, so the distance of a seed
  is the largest over that seed's cases;
* ``margin = min over seeds`` of that: the smallest measured distance, in tolerances, over the
  seeds' case sets. The tool fails (exit 1) when a margin is below ``--min`` (default 3), or a
  mistake's ``method`` raises.

The table also shows the closest single case ("closest case", the minimum over all cases; a
case on which the mistake happens to give the right answer, e.g. "assumes 22050 Hz" on a
22050 Hz case, shows 0 there and is fine). Mistakes without a method, or recognised by a crash
(``raises``) or a forbidden route (``uses``), are listed as "not numeric".

Usage: ``python tools/margins.py [--min 3] [ex01 ex03 ...]``.
"""

from __future__ import annotations

import argparse
import importlib
import math
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MIN_MARGIN = 3.0


@dataclass
class Row:
    exercise: str
    mistake: str
    margin: float | None  # None: not numeric
    closest: float | None
    note: str = ""

    def ok(self, minimum: float) -> bool:
        if self.note.startswith("method raised"):
            return False
        return self.margin is None or self.margin >= minimum


def specs_in(module) -> list:
    """The module-level FunctionExercise specs of a check module, in definition order."""
    from helpers.exercises._spec import FunctionExercise

    seen, out = set(), []
    for value in vars(module).values():
        if isinstance(value, FunctionExercise) and id(value) not in seen:
            seen.add(id(value))
            out.append(value)
    return sorted(out, key=lambda s: s.id)


def measure(spec) -> list[Row]:
    """One row per named mistake of ``spec``."""
    refs = spec.reference_outputs()
    cases, seeds = spec.all_cases(), spec.seed_of_cases()
    rows = []
    for m in spec.mistakes:
        if not m.numeric:
            why = ("a crash (raises)" if m.raises else "a forbidden route (uses)" if m.uses
                   else "no method")
            rows.append(Row(spec.id, m.id, None, None, f"not numeric: {why}"))
            continue
        try:
            outs = spec.run(m.method)
        except Exception as err:  # noqa: BLE001 - a spec bug the table reports
            rows.append(Row(spec.id, m.id, None, None,
                            f"method raised {type(err).__name__}: {err}"))
            continue
        per_case = [spec.distance(o, r, c) for o, r, c in zip(outs, refs, cases, strict=True)]
        per_seed: dict[int, float] = {}
        for seed, d in zip(seeds, per_case, strict=True):
            per_seed[seed] = max(per_seed.get(seed, 0.0), d)
        rows.append(Row(spec.id, m.id, min(per_seed.values()), min(per_case)))
    return rows


def _fmt(x: float | None) -> str:
    if x is None:
        return "-"
    if math.isinf(x):
        return "inf"
    return f"{x:.3g}"


def table(rows: list[Row], minimum: float) -> str:
    head = ("exercise", "mistake", "margin", "closest case", "")
    lines = [head]
    for r in rows:
        verdict = r.note or ("ok" if r.ok(minimum) else f"TOO CLOSE (< {minimum:g})")
        if r.note.startswith("method raised"):
            verdict = "FAIL: " + r.note
        lines.append((r.exercise, r.mistake, _fmt(r.margin), _fmt(r.closest), verdict))
    widths = [max(len(line[i]) for line in lines) for i in range(4)]
    out = []
    for k, line in enumerate(lines):
        out.append("  ".join(cell.ljust(w) for cell, w in zip(line[:4], widths, strict=True))
                   + "  " + line[4])
        if k == 0:
            out.append("  ".join("-" * w for w in widths) + "  " + "-" * 10)
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*",
                        help="check modules, ex01 or a dotted name (default: every ex0N)")
    parser.add_argument("--min", type=float, default=MIN_MARGIN,
                        help=f"smallest margin that passes (default {MIN_MARGIN:g})")
    args = parser.parse_args(argv)
    names = args.modules or sorted(p.stem for p in (ROOT / "helpers" / "exercises")
                                   .glob("ex0*.py"))
    rows: list[Row] = []
    for name in names:
        name = name.removesuffix(".py")
        module = importlib.import_module(name if "." in name else f"helpers.exercises.{name}")
        for spec in specs_in(module):
            rows.extend(measure(spec))
    if not rows:
        print("no FunctionExercise specs found")
        return 0
    print(table(rows, args.min))
    bad = [r for r in rows if not r.ok(args.min)]
    numeric = [r for r in rows if r.margin is not None]
    print(f"\n{len(rows)} mistakes in {len({r.exercise for r in rows})} exercises; "
          f"{len(numeric)} measured, {len(bad)} below {args.min:g} tolerances or failing.")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
