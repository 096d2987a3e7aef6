"""Declarative exercise checks: an exercise is data, :func:`check` runs it.

A check used to be a page of ``if this mistake, say that``. Here it is a description: the
reference (the answer key), how to make fresh inputs, the named mistakes (each a *wrong
implementation* plus its staged hint) and a fallback hint. :func:`check` does the rest, the
same way for every exercise::

    def _duration(n_samples, sr):                 # the reference: never shown to the learner
        return n_samples / sr

    def _duration_cases(rng):                     # fresh inputs, every parameter varied
        sr = int(rng.choice([8000, 16000, 44100]))
        return [dict(n_samples=int(rng.integers(1, 10)), sr=sr),
                dict(n_samples=int(rng.integers(10**5, 10**6)), sr=48000)]

    EX_1 = FunctionExercise(
        "01.1", _duration, _duration_cases, output="number",
        mistakes=[
            Mistake("milliseconds", lambda n, sr: 1000 * n / sr,
                    Hint("those are milliseconds ...", "n / sr is already in seconds.",
                         example="a 3000-sample clip at 1000 Hz: 3000 / 1000 = 3 s ...")),
            Mistake("rounded", lambda n, sr: round(n / sr, 2), Hint("..."),
                    detect=lambda out, case, ref: any(close(out, round(ref, d))
                                                      for d in range(5))),
        ],
        fallback=Hint("How many seconds do n samples take ...?"),
        success="n / sr seconds, whatever the rate.")

    def check_duration_s(duration_s):             # what the notebook calls
        return check(EX_1, duration_s)

What :func:`check` does with a :class:`FunctionExercise`
  1. A placeholder (``None``, ``...``, a body of ``...``, ``raise NotImplementedError``) is
     "not answered"; anything else is called through :func:`._core.call`, which refuses the
     course's own functions and the answer key and, with ``forbid=``, the forbidden names (the
     message is the hint of the mistake marked ``uses=True``, or a generic one).
  2. The learner's function runs on every case of every seed: ``cases(rng)`` is called with
     ``seeds`` generators (deterministic per exercise id), and each case's values are passed
     *positionally, in the dict's order* (so the learner may name parameters as they like;
     ``keywords=True`` passes them by name). ``prepare(case)`` may turn a case's parameters
     into the actual arguments (e.g. synthesise a signal); messages name the parameters.
     Inputs are copied for every call, so a function that changes its input changes nothing.
  3. Outputs are compared with the reference's by ``output``: ``"number"`` and ``"array"``
     (NumPy ``allclose`` with ``rtol``/``atol``; lists, tuples, float32 and float64 are the
     same maths, so they pass; shapes must agree; a ``"number"`` may come as ``[x]``),
     ``"tuple"`` (the same, part by part) or ``"exact"`` (numbers: same shape and values;
     labels: ``==``). ``rtol``/``atol`` may be functions of the case. All cases right:
     "correct" with ``success``.
  4. Otherwise the first mistake whose outputs the learner's match *on every case* gives its
     hint: by default "within tolerance of ``method``'s output"; ``detect(output, case,
     ref_output) -> bool`` replaces that test (called for every case, must hold for all).
     A mistake with ``raises`` (a regular expression on ``"TypeName: message"``) is the hint
     for a learner function that raises that error. No mistake: the ``fallback`` hint.
     Either way the message names the first case that failed, with its parameters, what the
     function returned and (``show_expected``) what was expected.

:class:`ValueExercise` checks one value (a number, a label, a choice): ``normalise`` turns the
answer into a comparable form (default for ``kind="number"``: a float; for ``"label"``:
:func:`normalise_label`, so ``"C1"``, ``"c1"`` and ``"$c_1$"`` are the same); ``accept`` says
whether it is right; a mistake's ``method`` is the wrong value, or a zero-argument function
giving it (compared with ``rtol``/``atol`` for numbers, ``==`` after normalising for labels),
or ``detect(answer, None, None)`` decides.

Every mistake's ``hint.mistake`` is its ``id`` (tests and the progress file use it). The margin
tool (``tools/margins.py``, ``make margins``) runs every mistake's ``method`` against the
reference and fails when, on some seed, no case puts it 3 tolerances away;
``tests/conftest.py: spec_cases`` turns a spec into the standard tests (right answer passes,
float32/list variants pass, each mistake is named, placeholders are not answered).
"""

from __future__ import annotations

import contextlib
import copy
import functools
import math
import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from ._core import (
    Hint,
    Result,
    call,
    correct,
    exercise,
    is_placeholder,
    number,
    stop_unanswered,
    stop_wrong,
)
from ._routes import Forbidden

__all__ = ["Mistake", "FunctionExercise", "ValueExercise", "check", "case_inputs", "normalise_label",
           "distance", "as_learner", "variants", "OUTPUTS"]

OUTPUTS = ("array", "number", "tuple", "exact")


@dataclass(frozen=True)
class Mistake:
    """One named mistake: ``method`` is a WRONG implementation with the answer's signature (a
    zero-argument function giving the wrong value, for a :class:`ValueExercise`); ``hint`` is
    what the learner sees. ``detect(output, case, ref_output) -> bool`` (optional) recognises
    it instead of comparing with ``method``'s output; ``raises`` (a regular expression) makes it
    the hint for a function that raises a matching error; ``uses=True`` makes it the hint for a
    function that uses a name in the exercise's ``forbid`` (``{used}`` in the nudge is replaced
    by that name). Tests and the margin tool run ``method``."""

    id: str
    method: Callable | None
    hint: Hint
    detect: Callable | None = None
    raises: str | None = None
    uses: bool = False

    def __post_init__(self):
        if not self.hint.mistake:
            object.__setattr__(self, "hint", replace(self.hint, mistake=self.id))
        elif self.hint.mistake != self.id:
            raise ValueError(f"Mistake {self.id!r} has a hint for {self.hint.mistake!r}")

    @property
    def numeric(self) -> bool:
        """Does ``method`` give an output to measure (not a crash, not a forbidden route)?"""
        return self.method is not None and self.raises is None and not self.uses


def _short(v) -> str:
    if isinstance(v, np.ndarray):
        if v.size <= 6:
            return np.array2string(v, precision=6, separator=", ")
        return f"<array shape {v.shape}, dtype {v.dtype}>"
    if isinstance(v, (float, np.floating)):
        return f"{float(v):.6g}"
    r = repr(v)
    return r if len(r) <= 40 else r[:37] + "..."


def _numeric(x):
    """``x`` as a float64 (or complex128) array, or None when it is not numbers."""
    if isinstance(x, (str, bytes)) or x is None:
        return None
    try:
        a = np.asarray(x)
        if a.dtype == object:
            a = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        return None
    if a.dtype.kind in "biuf":
        return a.astype(np.float64)
    if a.dtype.kind == "c":
        return a.astype(np.complex128)
    return None


def distance(out, ref, *, rtol: float, atol: float) -> float:
    """How far ``out`` is from ``ref`` in tolerances: the largest ``|out - ref| / (atol + rtol *
    |ref|)`` over the elements (``np.allclose`` holds exactly when this is <= 1). ``inf`` when
    the shapes differ or ``out`` is not numbers; NaN where ``ref`` has NaN counts as equal."""
    a, b = _numeric(out), _numeric(ref)
    if a is None or b is None or a.shape != b.shape:
        return math.inf
    if a.size == 0:
        return 0.0
    if np.iscomplexobj(a) and not np.iscomplexobj(b):
        return math.inf  # complex where the reference is real: a named problem, not a near miss
    both_nan = np.isnan(a) & np.isnan(b)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        diff = np.abs(a - b)
        scale = atol + rtol * np.abs(b)
        ratio = np.where(both_nan, 0.0, np.where(diff == 0, 0.0, diff / scale))
    ratio = np.where(np.isnan(ratio), np.inf, ratio)
    return float(np.max(ratio))


def _as_tolerance(value, case) -> float:
    return float(value(case)) if callable(value) else float(value)


@dataclass(frozen=True, eq=False)
class FunctionExercise:
    """An exercise whose answer is a function (see the module docstring for what each field
    does). ``name`` is the function's name in messages (default: the reference's, without a
    leading underscore); ``success`` the message of a correct answer."""

    id: str
    reference: Callable
    cases: Callable[[np.random.Generator], list[dict]]
    mistakes: Sequence[Mistake]
    fallback: Hint
    rtol: float | Callable = 1e-5
    atol: float | Callable = 1e-8
    forbid: Sequence[str] = ()
    output: str = "array"
    seeds: int = 3
    prepare: Callable | None = None
    name: str = ""
    success: str = ""
    keywords: bool = False
    show_expected: bool = True
    allow_none: bool = False
    forbid_hint: Hint | None = None
    changed_input: Hint | None = None
    parts: Sequence[str] = ()
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        _REGISTRY[self.id] = self
        if self.output not in OUTPUTS:
            raise ValueError(f"output must be one of {OUTPUTS}, not {self.output!r}")
        if not self.name:
            object.__setattr__(self, "name", getattr(self.reference, "__name__", "f").lstrip("_"))
        if not self.fallback.mistake:
            object.__setattr__(self, "fallback", replace(self.fallback, mistake="other"))
        ids = [m.id for m in self.mistakes]
        if len(set(ids)) != len(ids):
            raise ValueError(f"{self.id}: mistake ids repeat: {ids}")

    # ---- the inputs ------------------------------------------------------------------------
    def all_cases(self) -> list[dict]:
        """Every case of every seed (the same list on every call)."""
        if "cases" not in self._cache:
            out, seeds = [], []
            for seed in range(self.seeds):
                rng = np.random.default_rng([seed, zlib.crc32(self.id.encode())])
                made = [dict(c) for c in self.cases(rng)]
                if not made:
                    raise ValueError(f"{self.id}: cases(rng) gave no case for seed {seed}")
                out.extend(made)
                seeds.extend([seed] * len(made))
            self._cache["cases"], self._cache["seeds"] = out, seeds
        return self._cache["cases"]

    def seed_of_cases(self) -> list[int]:
        """The seed each case of :meth:`all_cases` was made with."""
        self.all_cases()
        return self._cache["seeds"]

    def arguments(self, case: dict) -> tuple[tuple, dict]:
        """Fresh ``(args, kwargs)`` for one call on ``case`` (``prepare`` runs once per case;
        every call gets its own copy, so a function that changes its input changes nothing)."""
        prepared = self._cache.setdefault("prepared", {})
        key = id(case)
        if key not in prepared or prepared[key][0] is not case:
            prepared[key] = (case, dict(self.prepare(dict(case)) if self.prepare else case))
        values = copy.deepcopy(prepared[key][1])
        return ((), values) if self.keywords else (tuple(values.values()), {})

    def describe(self, case: dict) -> str:
        parts = ", ".join(f"{k}={_short(v)}" for k, v in case.items())
        text = f"{self.name}({parts})"
        if any(not isinstance(v, str) and np.size(v) > 6 for v in case.values()):
            cases = self.all_cases()
            i = next((j for j, c in enumerate(cases) if c is case), None)
            if i is not None:  # arrays too big to print: say how to get this very input
                text += (f" [case {i}: its inputs are "
                         f"helpers.exercises.case({self.id!r}, {i})]")
        return text

    def tolerance(self, case: dict) -> tuple[float, float]:
        return _as_tolerance(self.rtol, case), _as_tolerance(self.atol, case)

    # ---- outputs ---------------------------------------------------------------------------
    def run(self, fn) -> list:
        """``fn``'s raw output on every case (no checking, no watching): for the reference,
        the mistakes, tests and the margin tool."""
        outs = []
        for case in self.all_cases():
            args, kwargs = self.arguments(case)
            outs.append(fn(*args, **kwargs))
        return outs

    def reference_outputs(self) -> list:
        if "ref" not in self._cache:
            self._cache["ref"] = self.run(self.reference)
        return self._cache["ref"]

    def method_outputs(self, mistake: Mistake) -> list | None:
        """The mistake's outputs (None when it has no method, or its method raises)."""
        key = ("mistake", mistake.id)
        if key not in self._cache:
            try:
                self._cache[key] = self.run(mistake.method) if mistake.method else None
            except Exception:  # noqa: BLE001 - a crashing method is not a numeric model
                self._cache[key] = None
        return self._cache[key]

    def distance(self, out, ref, case: dict) -> float:
        """Distance in tolerances (<= 1: the same answer); see :func:`distance`."""
        if self.output == "exact":
            a, b = _numeric(out), _numeric(ref)
            if a is not None and b is not None:  # numbers: same shape, same values
                return 0.0 if a.shape == b.shape and np.array_equal(a, b) else math.inf
            try:
                same = a is None and b is None and bool(out == ref)
            except Exception:  # noqa: BLE001 - a comparison that cannot be made: not equal
                same = False
            return 0.0 if same else math.inf
        rtol, atol = self.tolerance(case)
        if self.output == "number":  # [x] and np.array([x]) are that number too
            a = _numeric(out)
            if a is not None and a.size == 1:
                out = a.reshape(())
        if self.output == "tuple":
            if not isinstance(out, (tuple, list)) or len(out) != len(ref):
                return math.inf
            return max((distance(o, r, rtol=rtol, atol=atol) for o, r in zip(out, ref,
                                                                             strict=True)),
                       default=0.0)
        return distance(out, ref, rtol=rtol, atol=atol)

    def forbidden(self) -> Forbidden | None:
        if not self.forbid:
            return None
        if "forbid" not in self._cache:
            route = next((m for m in self.mistakes if m.uses), None)
            base = route.hint if route else (self.forbid_hint or Hint(
                "your function uses {used}, which this exercise asks you not to use: the point "
                "is to write that step yourself.", mistake="forbidden"))

            def hint(used, base=base):
                return replace(base, nudge=base.nudge.replace("{used}", used[0]))

            names = self.forbid.names if isinstance(self.forbid, Forbidden) else self.forbid
            self._cache["forbid"] = Forbidden(tuple(names), hint=hint)
        return self._cache["forbid"]

    def matches(self, mistake: Mistake, outs: list) -> bool:
        """Do the learner's outputs show this mistake on every case?"""
        cases, refs = self.all_cases(), self.reference_outputs()
        if mistake.detect is not None:
            try:
                return all(bool(mistake.detect(o, c, r))
                           for o, c, r in zip(outs, cases, refs, strict=True))
            except Exception:  # noqa: BLE001 - a detector that cannot read this output
                return False
        if not mistake.numeric:
            return False
        wrong = self.method_outputs(mistake)
        if wrong is None:
            return False
        return all(self.distance(o, w, c) <= 1 for o, w, c in zip(outs, wrong, cases,
                                                                  strict=True))


@dataclass(frozen=True, eq=False)
class ValueExercise:
    """An exercise whose answer is one value: a number (``kind="number"``), a label
    (``"label"``) or anything ``accept`` understands (``"any"``). ``answer`` is a right
    answer (a value or a zero-argument function), for tests; ``what`` names the expected
    answer in messages ("one number of seconds")."""

    id: str
    accept: Callable[[object], bool]
    mistakes: Sequence[Mistake]
    fallback: Hint
    normalise: Callable | None = None
    kind: str = "number"
    answer: object = None
    rtol: float = 1e-3
    atol: float = 0.0
    what: str = "one number"
    success: str | Callable = ""

    def __post_init__(self):
        if self.kind not in ("number", "label", "any"):
            raise ValueError(f"kind must be number, label or any, not {self.kind!r}")
        if not self.fallback.mistake:
            object.__setattr__(self, "fallback", replace(self.fallback, mistake="other"))

    def right_answer(self):
        return self.answer() if callable(self.answer) else self.answer

    def read(self, answer):
        """The answer in comparable form (stops with a hint when it cannot be read)."""
        if self.normalise is not None:
            try:
                return self.normalise(answer)
            except (TypeError, ValueError) as err:
                stop_wrong(Hint(f"could not read {answer!r:.40} as {self.what} ({err}).",
                                mistake="not-understood"))
        if self.kind == "number":
            return number(answer, what=self.what)
        if self.kind == "label":
            return normalise_label(answer)
        return answer

    def near(self, value, wrong) -> bool:
        if self.kind == "number":
            try:
                return bool(abs(float(value) - float(wrong)) <= self.atol
                            + self.rtol * abs(float(wrong)))
            except (TypeError, ValueError):
                return False
        if self.kind == "label":
            return value == normalise_label(wrong)
        return value == wrong

    @staticmethod
    def wrong_value(mistake: Mistake):
        """The wrong answer a mistake stands for (its ``method()``, or ``method`` itself when it
        is a plain value)."""
        return mistake.method() if callable(mistake.method) else mistake.method

    def matches(self, mistake: Mistake, value) -> bool:
        try:
            if mistake.detect is not None:
                return bool(mistake.detect(value, None, None))
            if mistake.method is None:
                return False
            return self.near(value, self.wrong_value(mistake))
        except Exception:  # noqa: BLE001
            return False


def normalise_label(answer) -> str:
    """A label as the checks compare it: lower case, without spaces, ``$``, ``\\``, braces,
    underscores, backticks and quotes (``"C1"``, ``"c_1"``, ``"$c_1$"`` -> ``"c1"``)."""
    if not isinstance(answer, str):
        answer = str(answer)
    return re.sub(r"[\s$\\{}_`'\"]", "", answer).lower()


# ------------------------------------------------------------------------------ for tests
_LEARNER_FILE = "<learner copy>"


def as_learner(fn, _memo: dict | None = None):
    """A copy of a course function that the checks treat as the learner's (its code claims a
    file outside ``helpers`` and its globals are ``__main__``), with the course functions it
    names copied the same way: tests submit a mistake's ``method`` or the reference through
    the real ``call`` route with it. Never used by a check."""
    import types

    memo = {} if _memo is None else _memo
    if id(fn) in memo:
        return memo[id(fn)]
    if isinstance(fn, functools.partial):
        return functools.partial(as_learner(fn.func, memo), *fn.args, **fn.keywords)
    if not isinstance(fn, types.FunctionType):
        return fn

    def recode(code):
        consts = tuple(recode(c) if isinstance(c, types.CodeType) else c
                       for c in code.co_consts)
        return code.replace(co_filename=_LEARNER_FILE, co_consts=consts)

    key = ("globals", id(fn.__globals__))
    glob = memo.get(key)
    if glob is None:
        glob = memo[key] = {"__name__": "__main__",
                            "__builtins__": fn.__globals__.get("__builtins__")}
    cells = tuple(types.CellType() for _ in fn.__closure__ or ())
    copy_fn = types.FunctionType(recode(fn.__code__), glob, fn.__name__, fn.__defaults__,
                                 cells or None)
    copy_fn.__kwdefaults__ = fn.__kwdefaults__
    memo[id(fn)] = copy_fn
    for new_cell, old_cell in zip(cells, fn.__closure__ or (), strict=True):
        with contextlib.suppress(ValueError):
            new_cell.cell_contents = as_learner(old_cell.cell_contents, memo)
    for name in _names(fn.__code__):
        if name in glob or name not in fn.__globals__:
            continue
        value = fn.__globals__[name]
        glob[name] = value  # first, so a recursive function finds itself
        if isinstance(value, (types.FunctionType, functools.partial)) and str(
                getattr(value, "__module__", "")).startswith("helpers"):
            glob[name] = as_learner(value, memo)
    return copy_fn


def _names(code) -> list[str]:
    import types

    names = list(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names.extend(_names(const))
    return names


def _float32(out):
    if isinstance(out, tuple):
        return tuple(_float32(o) for o in out)
    a = np.asarray(out)
    if a.dtype.kind not in "fc":
        return out
    small = np.complex64 if a.dtype.kind == "c" else np.float32
    return small(out) if a.ndim == 0 else a.astype(small)


def _as_list(out):
    if isinstance(out, tuple):
        return tuple(_as_list(o) for o in out)
    return np.asarray(out).tolist() if np.ndim(out) else out


def variants(spec: FunctionExercise) -> dict[str, Callable]:
    """The right answer in forms that are the same maths (each must pass): the reference as the
    learner would submit it, its output as float32 (complex64), and as (nested) lists.

    When the reference itself uses a name the exercise forbids (it may: it is the answer key),
    the variants replay the reference's outputs in the order the check asks for them instead
    of calling it."""
    from ._routes import scan

    ref = spec.reference
    forbid = spec.forbidden()
    replay = forbid is not None and bool(scan(as_learner(ref), forbid))
    outputs = spec.reference_outputs() if replay else None

    def form(convert):
        if replay:
            state = {"i": 0}

            def replayed(*args, **kwargs):
                out = outputs[state["i"] % len(outputs)]
                state["i"] += 1
                return convert(out)

            return as_learner(replayed)

        def converted(*args, **kwargs):
            return convert(ref(*args, **kwargs))

        return as_learner(converted)

    found = {"reference": form(lambda out: out) if replay else as_learner(ref)}
    if spec.output in ("array", "number", "tuple"):
        found["float32"] = form(_float32)
    if spec.output in ("array", "tuple"):
        found["list"] = form(_as_list)
    return found


# ------------------------------------------------------------------------------ running
def _check_function(spec: FunctionExercise, fn) -> Result:
    forbid = spec.forbidden()
    known = {m.raises: m.hint for m in spec.mistakes if m.raises}
    cases = spec.all_cases()
    outs = []
    for case in cases:
        args, kwargs = spec.arguments(case)
        before = copy.deepcopy((args, kwargs)) if spec.changed_input else None
        outs.append(call(fn, *args, known_errors=known, allow_none=spec.allow_none,
                         forbid=forbid, case_text=spec.describe(case), **kwargs))
        if before is not None:
            changed = _changed(before, (args, kwargs), case)
            if changed:
                stop_wrong(spec.changed_input, message=(
                    f"For {spec.describe(case)} your function changed its input "
                    f"{changed!r} (the caller's array is not the same after the call)."))
    refs = spec.reference_outputs()
    dists = [spec.distance(o, r, c) for o, r, c in zip(outs, refs, cases, strict=True)]
    if all(d <= 1 for d in dists):
        return correct(spec.success)
    bad = next(i for i, d in enumerate(dists) if d > 1)
    message = _mismatch(spec, cases[bad], outs[bad], refs[bad])
    for mistake in spec.mistakes:
        if spec.matches(mistake, outs):
            stop_wrong(mistake.hint, message=message)
    stop_wrong(spec.fallback, message=message)


def _changed(before, after, case: dict) -> str:
    """The name of the first argument whose values the call changed ('' when none)."""
    (args0, kw0), (args1, kw1) = before, after
    names = list(case) if args0 else list(kw0)
    old = list(args0) + list(kw0.values())
    new = list(args1) + list(kw1.values())
    for name, a, b in zip(names, old, new, strict=False):
        x, y = _numeric(a), _numeric(b)
        if x is not None and y is not None and (
                x.shape != y.shape or not np.array_equal(x, y, equal_nan=True)):
            return name
    return ""


def _mismatch(spec: FunctionExercise, case, out, ref) -> str:
    """"For f(a=1, b=2) your function returned ...; expected ...": the first failing case."""
    if (spec.output == "tuple" and spec.parts and isinstance(out, (tuple, list))
            and len(out) == len(ref) == len(spec.parts)):
        rtol, atol = spec.tolerance(case)
        for name, o, r in zip(spec.parts, out, ref, strict=True):
            if distance(o, r, rtol=rtol, atol=atol) <= 1:
                continue
            a, b = _numeric(o), _numeric(r)
            same = [p for p, oo, rr in zip(spec.parts, out, ref, strict=True)
                    if distance(oo, rr, rtol=rtol, atol=atol) <= 1]
            text = f"For {spec.describe(case)} your {name} is wrong"
            text += f" (your {', '.join(same)} is right)" if same else ""
            if a is None or b is None or a.shape != b.shape:
                got = "not numbers" if a is None else f"shape {a.shape}"
                return f"{text}: {got}, expected shape {np.shape(r)}."
            with np.errstate(invalid="ignore"):
                off = ~np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=True)
            i = np.unravel_index(int(np.argmax(off)), a.shape) if a.ndim else ()
            where = f" at index {tuple(int(k) for k in i)}" if a.ndim else ""
            return (f"{text}:{where} it holds {float(np.real(a[i])):.7g}, expected "
                    f"{float(np.real(b[i])):.7g}.")
    text = f"For {spec.describe(case)} your function returned {_short(_show(out))}"
    a, b = _numeric(out), _numeric(ref)
    if spec.output in ("array", "number") and a is not None and b is not None:
        if a.shape != b.shape:
            return f"{text}: shape {a.shape}, expected shape {b.shape}."
        if np.iscomplexobj(a) and not np.iscomplexobj(b):
            return f"{text}: complex numbers, expected real ones (magnitudes?)."
        if a.ndim and a.size > 6 and spec.show_expected:
            rtol, atol = spec.tolerance(case)
            with np.errstate(invalid="ignore"):
                off = ~np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=True)
            i = np.unravel_index(int(np.argmax(off)), a.shape)
            return (f"{text}; at index {tuple(int(k) for k in i)} it holds {a[i]:.6g}, "
                    f"expected {b[i]:.6g}.")
    if (spec.output == "exact" and spec.show_expected and a is not None and b is not None
            and a.shape == b.shape and a.ndim == 1 and a.size > 6):
        off = np.flatnonzero(a != b)  # which entries are wrong, not only the whole array
        more = f" and {off.size - 8} more" if off.size > 8 else ""
        oa, ob = np.asarray(out), np.asarray(ref)  # as given (True/False, not 1.0/0.0)
        wrong = ", ".join(f"{int(i)} ({oa[i].item()!r}, expected {ob[i].item()!r})"
                          for i in off[:8])
        return f"{text}; wrong at index {wrong}{more}."
    if spec.show_expected:
        return f"{text}, expected {_short(_show(ref))}."
    return text + "."


def _show(v):
    a = _numeric(v)
    return a if isinstance(v, (list, tuple)) and a is not None else v


def _check_value(spec: ValueExercise, answer) -> Result:
    if is_placeholder(answer) or (isinstance(answer, str) and not answer.strip()):
        stop_unanswered()
    value = spec.read(answer)
    if spec.accept(value):
        msg = spec.success(value) if callable(spec.success) else spec.success
        return correct(msg)
    for mistake in spec.mistakes:
        if spec.matches(mistake, value):
            stop_wrong(mistake.hint)
    stop_wrong(spec.fallback)


@functools.cache
def _runner(spec):
    body = _check_function if isinstance(spec, FunctionExercise) else _check_value

    def run_check(answer):
        return body(spec, answer)

    run_check.__name__ = run_check.__qualname__ = f"check({spec.id})"
    return exercise(spec.id)(run_check)


_REGISTRY: dict[str, FunctionExercise | ValueExercise] = {}


def case_inputs(spec: FunctionExercise, number: int) -> dict:
    """A copy of the inputs of case ``number`` of ``spec``, as the learner's function gets them
    (``helpers.exercises.case`` finds the spec by its id)."""
    chosen = spec.all_cases()[number]
    return copy.deepcopy(dict(spec.prepare(dict(chosen)) if spec.prepare else chosen))


def check(spec: FunctionExercise | ValueExercise, answer) -> Result:
    """Run an exercise spec on the learner's answer: ``def check_2(fn): return check(EX_2,
    fn)``. Returns the :class:`~._core.Result` (raises in solutions mode when not correct)."""
    if not isinstance(spec, (FunctionExercise, ValueExercise)):
        raise TypeError(f"check() wants a FunctionExercise or ValueExercise, got {spec!r}")
    _REGISTRY.setdefault(spec.id, spec)
    return _runner(spec)(answer)
