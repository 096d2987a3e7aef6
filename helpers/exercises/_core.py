"""The machinery every exercise check shares (the checks themselves live in ``exNN.py``).

A check is one plain function decorated with :func:`exercise`. It receives the learner's answer
(a value, or a small *function* the learner wrote), tests it, and returns a :class:`Result`,
which the notebook shows as a one-line verdict: "✅ Correct", "❌ Not yet" with a hint, or
"⏳ Not answered yet" while the exercise still holds its placeholder. A ``Result`` is truthy
only when correct, so ``assert check(...)`` works in tests; it is never a bare True/False.

Hints come in stages (issue: hints that teach): the first wrong try shows a *nudge* that names
the concept or the specific mistake, the second adds a stronger pointer, and the third and later
tries a worked example on a different case. A stage advances only when the answer CHANGED:
running the check again on the same wrong answer shows the same stage (the answer's
:func:`fingerprint` is compared with the last wrong one's). The state here is therefore a count
of wrong tries per exercise (``_WRONG_TRIES``) and the last wrong answer's fingerprint
(``_LAST_WRONG``); :func:`reset` clears both. The solutions notebooks call
:func:`expect_all_correct`, which makes a check that is not correct raise ``AssertionError``,
so the test suite knows every solution passes its check.

Inside a check, the helpers :func:`call`, :func:`number`, :func:`array` and :func:`stop_wrong`
raise a private ``_Stop`` that the decorator turns into the Result: a check reads top to bottom
as a list of "if this mistake, say that" without nested returns.
"""

from __future__ import annotations

import functools
import html
import re
import textwrap
from dataclasses import dataclass

import numpy as np

from ._routes import Forbidden, is_course_code, is_learner_object, qualified_name, scan, watch

__all__ = [
    "Hint", "Result", "exercise", "reset", "expect_all_correct", "call", "number", "array",
    "stop_wrong", "stop_unanswered", "correct", "wrong", "is_placeholder", "close",
    "predict", "reveal", "Prediction", "fingerprint", "forget_last_answers",
]

#: Every check refuses the checks' own reference functions (the answer key), whatever it forbids.
_ANSWER_KEY = Forbidden(("helpers.exercises",))

_WRONG_TRIES: dict[str, int] = {}
#: Called with (exercise id, status, mistake id) after every verdict outside solutions mode.
#: ``_progress`` adds its ``record`` when it is imported (this module imports no other of the
#: package: no import cycle).
VERDICT_LISTENERS: list = []
_LAST_WRONG: dict[str, str] = {}  # exercise id -> fingerprint of the last wrong answer
_EXPECT_CORRECT = {"on": False}


def reset() -> None:
    """Forget the wrong tries (hints start again at the first stage) and leave solutions mode."""
    _WRONG_TRIES.clear()
    _LAST_WRONG.clear()
    _EXPECT_CORRECT["on"] = False


def forget_last_answers() -> None:
    """Forget which answers were last submitted (the next wrong try counts as a changed one,
    even with the same answer): for tests that step through the hint stages."""
    _LAST_WRONG.clear()


# --------------------------------------------------------------------------------------------
# Fingerprints: did the answer change since the last wrong try?
# --------------------------------------------------------------------------------------------
def fingerprint(answer) -> str:
    """A digest of what an answer *is*: for a function its code (byte code, constants, the
    names it uses, nested code), its defaults and closure values, and the learner's own
    functions it names (a helper the learner edited changes the answer); for a value its
    type, shape, dtype and bytes (arrays) or its repr. Line numbers, the cell it was defined
    in and the object's identity do not count: re-running an unchanged cell gives the same
    fingerprint."""
    import hashlib

    h = hashlib.sha256()
    _feed(h, answer, set(), 0)
    return h.hexdigest()[:20]


def _feed(h, obj, seen: set, depth: int) -> None:  # noqa: C901 - one case per kind of object
    import types

    def put(*parts):
        for p in parts:
            h.update(p if isinstance(p, bytes) else str(p).encode("utf-8", "replace"))
            h.update(b"\x00")

    if depth > 12:
        put("deep")
        return
    if isinstance(obj, (types.FunctionType, types.CodeType, functools.partial,
                        types.MethodType, list, dict, tuple, set)):
        if id(obj) in seen:
            put("seen", type(obj).__name__)
            return
        seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        put("ndarray", obj.dtype.str, obj.shape)
        h.update(np.ascontiguousarray(obj).tobytes() if obj.dtype != object else
                 repr(obj.tolist()).encode())
    elif isinstance(obj, (bool, int, float, complex, str, bytes, type(None), np.generic)):
        put(type(obj).__name__, repr(obj))
    elif obj is Ellipsis:
        put("...")
    elif isinstance(obj, types.CodeType):
        put("code", obj.co_code, obj.co_names, obj.co_argcount, obj.co_kwonlyargcount)
        for const in obj.co_consts:
            _feed(h, const, seen, depth + 1)
    elif isinstance(obj, types.FunctionType):
        put("function")
        _feed(h, obj.__code__, seen, depth + 1)
        _feed(h, obj.__defaults__, seen, depth + 1)
        _feed(h, obj.__kwdefaults__, seen, depth + 1)
        for cell in obj.__closure__ or ():
            try:
                _feed(h, cell.cell_contents, seen, depth + 1)
            except ValueError:  # an empty cell
                put("empty")
        glob = obj.__globals__ or {}
        for name in _global_names(obj.__code__):
            value = glob.get(name)
            if isinstance(value, types.FunctionType) and is_learner_object(value):
                put("global", name)
                _feed(h, value, seen, depth + 1)
    elif isinstance(obj, functools.partial):
        put("partial")
        _feed(h, obj.func, seen, depth + 1)
        _feed(h, obj.args, seen, depth + 1)
        _feed(h, obj.keywords, seen, depth + 1)
    elif isinstance(obj, types.MethodType):
        put("method")
        _feed(h, obj.__func__, seen, depth + 1)
    elif isinstance(obj, (list, tuple)):
        put(type(obj).__name__, len(obj))
        for item in obj[:1000]:
            _feed(h, item, seen, depth + 1)
    elif isinstance(obj, dict):
        put("dict", len(obj))
        for k, v in list(obj.items())[:1000]:
            _feed(h, k, seen, depth + 1)
            _feed(h, v, seen, depth + 1)
    elif isinstance(obj, (set, frozenset)):
        put(type(obj).__name__, sorted(repr(x) for x in obj))
    elif hasattr(obj, "value") and type(obj).__name__ == "Prediction":
        put("prediction", obj.value)
    elif isinstance(obj, type) and is_learner_object(obj):  # a class the learner wrote
        put("class", obj.__qualname__)
        for name, member in sorted(vars(obj).items()):
            if not name.startswith("__") or name in ("__call__", "__init__"):
                put(name)
                _feed(h, getattr(member, "__func__", member), seen, depth + 1)
    elif is_learner_object(type(obj)):  # an instance of it: its class and its attributes
        put("instance")
        _feed(h, type(obj), seen, depth + 1)
        _feed(h, dict(getattr(obj, "__dict__", {})), seen, depth + 1)
    else:
        put(type(obj).__qualname__, _safe_repr(obj))


def _global_names(code) -> list[str]:
    import types

    names = list(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names.extend(_global_names(const))
    return names


def _safe_repr(obj) -> str:
    try:
        r = repr(obj)
    except Exception:  # noqa: BLE001 - a learner's object whose repr fails
        return "<no repr>"
    return re.sub(r" at 0x[0-9a-fA-F]+", "", r)  # an address is identity, not content


def expect_all_correct(on: bool = True) -> None:
    """Solutions notebooks: from now on a check that is not correct raises ``AssertionError``."""
    _EXPECT_CORRECT["on"] = bool(on)


@dataclass(frozen=True)
class Hint:
    """A hint in three stages: ``nudge`` (concept or named mistake, no code), ``more`` (a
    stronger pointer), and from the third changed try on ``example``: a worked example on a
    DIFFERENT case plus the line of reasoning, never the answer to this exercise. (There is no
    code stage: a hint that shows the answer's code lets Shift-Enter hand the answer out.)"""

    nudge: str
    more: str = ""
    mistake: str = ""  # a short id of the mistake this hint is for (tests look it up)
    example: str = ""

    def stages(self, tries: int) -> list[str]:
        return [text for _, text in self.labelled(tries)]

    def labelled(self, tries: int) -> list[tuple[str, str]]:
        """``(label, text)`` of the stages shown after ``tries`` wrong tries."""
        parts = [("Hint", self.nudge)]
        if tries >= 2 and self.more:
            parts.append(("More", self.more))
        if tries >= 3 and self.example:
            parts.append(("Example", self.example))
        return parts


class Result:
    """The outcome of one check; shows itself as a verdict in the notebook."""

    def __init__(self, exercise_id: str, status: str, message: str = "", *,
                 hint: Hint | None = None, tries: int = 0, head: str | None = None):
        assert status in {"correct", "wrong", "unanswered"}
        self.head = head
        self.exercise = exercise_id
        self.status = status
        self.message = message
        self.hint = hint
        self.tries = tries

    def __bool__(self) -> bool:
        return self.status == "correct"

    @property
    def mistake(self) -> str:
        """The id of the named mistake for a wrong answer ("" when the hint names none)."""
        return self.hint.mistake if self.hint else ""

    @property
    def shown_hints(self) -> list[str]:
        return self.hint.stages(self.tries) if self.hint else []

    @property
    def more_hints_available(self) -> bool:
        return bool(self.hint) and len(self.hint.stages(99)) > len(self.shown_hints)

    def _head(self) -> str:
        head = self.head or {"correct": "✅ Correct.", "wrong": "❌ Not yet.",
                             "unanswered": "⏳ Not answered yet."}[self.status]
        return f"{head} {self.message}".rstrip()

    def _stages(self) -> list[tuple[str, str]]:
        return self.hint.labelled(self.tries) if self.hint else []

    def _footer(self) -> str:
        if self.status == "wrong" and self.more_hints_available:
            return "(Change your answer and run the check again for a more detailed hint.)"
        return ""

    def text(self) -> str:
        """Plain-text verdict (what ``print``, slides and tests see)."""
        lines = [self._head()] + [f"{label}: {h}" for label, h in self._stages()]
        if self._footer():
            lines.append(self._footer())
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        colour = {"correct": "#1a7f37", "wrong": "#b35900", "unanswered": "#57606a"}[self.status]
        rows = [html.escape(self._head())]
        for label, h in self._stages():
            if label == "Example":
                rows.append("<b>Example:</b><pre style='white-space:pre-wrap;margin:0'>"
                            f"{html.escape(h)}</pre>")
            else:
                rows.append(f"<b>{label}:</b> {html.escape(h)}")
        if self._footer():
            rows.append(html.escape(self._footer()))
        return (f'<div class="audio-course-check" style="border-left:4px solid {colour};'
                f'padding:2px 8px;margin:2px 0">' + "".join(f"<div>{r}</div>" for r in rows)
                + "</div>")


class _Stop(Exception):
    def __init__(self, result: Result):
        super().__init__(result.text())
        self.result = result


_CURRENT: dict[str, str] = {}


def _current() -> str:
    return _CURRENT.get("id", "?")


def correct(message: str = "") -> Result:
    return Result(_current(), "correct", message)


def wrong(hint: Hint | str, message: str = "") -> Result:
    """A wrong-answer Result; counts the try when the answer changed since the last wrong one
    (its fingerprint), so the hint's later stages appear after a real new attempt, not after
    re-running the same cell."""
    if isinstance(hint, str):
        hint = Hint(hint)
    ex = _current()
    fp = _CURRENT.get("fingerprint")
    if fp is None or _WRONG_TRIES.get(ex, 0) == 0 or _LAST_WRONG.get(ex) != fp:
        _WRONG_TRIES[ex] = _WRONG_TRIES.get(ex, 0) + 1
    if fp is not None:
        _LAST_WRONG[ex] = fp
    return Result(ex, "wrong", message, hint=hint, tries=_WRONG_TRIES[ex])


def stop_wrong(hint: Hint | str, message: str = ""):
    """Raise out of the check with a wrong-answer Result."""
    raise _Stop(wrong(hint, message))


def stop_unanswered(what: str = "") -> None:
    raise _Stop(Result(_current(), "unanswered", what or
                       "Replace the placeholder with your code and run the cell again."))


def exercise(exercise_id: str):
    """Decorator for a check: ``@exercise("02.1")`` (notebook 02, exercise 1)."""

    def deco(check):
        @functools.wraps(check)
        def wrapper(*args, **kwargs):
            previous = dict(_CURRENT)
            _CURRENT["id"] = exercise_id
            try:
                _CURRENT["fingerprint"] = fingerprint((args, kwargs))
            except Exception:  # noqa: BLE001 - an answer that cannot be read: count every try
                _CURRENT["fingerprint"] = None
            try:
                result = check(*args, **kwargs)
            except _Stop as stop:
                result = stop.result
            finally:
                _CURRENT.clear()
                _CURRENT.update(previous)
            if not isinstance(result, Result):
                raise TypeError(f"check {check.__name__} returned {result!r}, not a Result")
            if not _EXPECT_CORRECT["on"]:  # the solutions notebooks record nothing
                for listener in VERDICT_LISTENERS:  # _progress.record, registered by _progress
                    listener(exercise_id, result.status, result.mistake)
            if _EXPECT_CORRECT["on"] and not result:
                raise AssertionError(f"exercise {exercise_id} ({check.__name__}): "
                                     f"{result.text()}")
            return result

        wrapper.exercise_id = exercise_id
        return wrapper

    return deco


def is_placeholder(answer) -> bool:
    """``None`` and ``...`` are what an exercise cell holds before the learner answers."""
    return answer is None or answer is Ellipsis


def _fmt_args(args, kwargs) -> str:
    def short(v):
        if isinstance(v, np.ndarray):
            return f"<array shape {v.shape}, dtype {v.dtype}>"
        r = repr(v)
        return r if len(r) <= 40 else r[:37] + "..."

    parts = [short(a) for a in args] + [f"{k}={short(v)}" for k, v in kwargs.items()]
    return ", ".join(parts)


def call(fn, *args, known_errors: dict | None = None, allow_none: bool = False,
         forbid=None, case_text: str | None = None, **kwargs):
    """Call the learner's function on one input the check chose; stop with a clear verdict when
    the function is still a placeholder, raises, or returns nothing.

    ``forbid`` (a :class:`~._routes.Forbidden` with a ``hint``) stops with that hint when the
    learner's code names a forbidden function (read before the call, which then does not run)
    or calls one (watched during the call, even if the function then raises).

    ``known_errors`` maps a regular expression on the error message to the :class:`Hint` for
    that mistake (e.g. ``{"No mappable": Hint(...)}``); ``allow_none`` accepts a function that
    draws and returns nothing; ``case_text`` names the input in messages (default: the
    arguments' values)."""
    if is_placeholder(fn):
        stop_unanswered("Write the function in the cell above, then run this check again.")
    if not callable(fn):
        stop_wrong(Hint(f"this exercise wants a function (def name(...): ...), got a "
                        f"{type(fn).__name__}; the check calls it on inputs of its own.",
                        mistake="not-a-function"))
    if is_course_code(fn) or is_course_code(getattr(fn, "func", None)):
        stop_wrong(Hint(f"that is {qualified_name(fn)}, a function the course ships (the "
                        "answer key or a helper): the check wants a function you wrote.",
                        mistake="course-function"))
    rules = _ANSWER_KEY if forbid is None else forbid + _ANSWER_KEY
    used = scan(fn, rules)
    if not used:
        try:
            with watch(fn, rules, read=False) as used:  # read just above
                out = fn(*args, **kwargs)
        except NotImplementedError:
            if used:
                _stop_used(used, forbid)
            stop_unanswered("Your function still raises NotImplementedError: write its body.")
        except Exception as err:  # the learner's code failed: show where, without a traceback
            if used:
                _stop_used(used, forbid)
            _stop_raised(err, case_text or f"({_fmt_args(args, kwargs)})", known_errors)
    if used:
        _stop_used(used, forbid)
    if is_learner_object(type(out)):
        stop_wrong(Hint(f"your function returned an object of your own class "
                        f"{type(out).__name__}: return plain numbers, lists or NumPy arrays "
                        "(the check converts them itself).", mistake="own-class"))
    if is_placeholder(out) and not (allow_none and out is None):
        stop_unanswered("Your function returns nothing yet: finish it with `return ...`.")
    return out


def _stop_used(used: list[str], forbid) -> None:
    key = [u for u in used if u.startswith("helpers.exercises")]
    if key or forbid is None or forbid.hint is None:
        stop_wrong(Hint(f"your function uses {(key or used)[0]}, part of the course's own "
                        "answer key: the check wants a function you wrote.",
                        mistake="course-function"))
    stop_wrong(forbid.hint(used))


def _stop_raised(err, case_text: str, known_errors) -> None:
    import re

    msg = textwrap.shorten(f"{type(err).__name__}: {err}", 300)
    for pattern, hint in (known_errors or {}).items():
        if re.search(pattern, f"{type(err).__name__}: {err}"):
            stop_wrong(hint, message=f"Your function raised {msg} on {case_text}.")
    stop_wrong(Hint(f"your function raised {msg} when the check called it with "
                    f"{case_text}. Run it yourself on that input.",
                    mistake="raised"))


def number(answer, *, what: str = "one number") -> float:
    """The answer as one float (placeholder -> not answered; anything else -> a clear hint)."""
    if is_placeholder(answer):
        stop_unanswered()
    try:
        a = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        stop_wrong(Hint(f"give {what}, not {type(answer).__name__} {answer!r:.40}.",
                        mistake="not-a-number"))
    if a.size != 1:
        stop_wrong(Hint(f"give {what}; got {a.size} values.", mistake="not-a-number"))
    x = float(a.reshape(()))
    if not np.isfinite(x):
        stop_wrong(Hint(f"give {what}; got {x}.", mistake="not-finite"))
    return x


def array(answer, *, what: str = "an array of numbers", shape=None, ndim=None) -> np.ndarray:
    """The answer as a float array, with shape/ndim checked when given."""
    if is_placeholder(answer):
        stop_unanswered()
    if np.iscomplexobj(answer):
        stop_wrong(Hint("the values are complex numbers: take np.abs(...) for magnitudes.",
                        mistake="complex"))
    try:
        a = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        stop_wrong(Hint(f"give {what}; got {type(answer).__name__}.", mistake="not-an-array"))
    if ndim is not None and a.ndim != ndim:
        stop_wrong(Hint(f"give {what} with {ndim} dimension(s); got shape {a.shape}.",
                        mistake="wrong-shape"))
    if shape is not None and a.shape != tuple(shape):
        stop_wrong(Hint(f"give {what} of shape {tuple(shape)}; got shape {a.shape}.",
                        mistake="wrong-shape"))
    return a


def close(a, b, *, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    """``np.allclose`` that answers False (instead of raising) for mismatched shapes/types."""
    try:
        a = np.asarray(a, dtype=float)
        b = np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    if a.shape != b.shape:
        return False
    return bool(np.allclose(a, b, rtol=rtol, atol=atol))


# --------------------------------------------------------------------------------------------
# "Predict, then run": the learner commits a choice before the cell that shows the answer.
# --------------------------------------------------------------------------------------------


class Prediction:
    """A committed choice: made with a widget (``predict``) or given as a plain value."""

    def __init__(self, question: str, options: list[str]):
        self.question = question
        self.options = list(options)
        self.widget = None
        self._box = None
        self._value = None

    def choose(self, option: str) -> None:
        """Commit a choice without the widget (a console, or a test)."""
        if option not in self.options:
            raise ValueError(f"choose one of {self.options}, got {option!r}")
        if self.widget is not None:
            self.widget.value = option
        self._value = option

    @property
    def value(self):
        if self.widget is not None:
            return self.widget.value
        return self._value

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        """The live radio buttons where a widget front-end runs (JupyterLab, Colab); the
        question and its options as HTML/text in exports, slides and the website."""
        items = " &nbsp; ".join(f"○ {html.escape(o)}" for o in self.options)
        data = {
            "text/plain": f"Predict: {self.question}\n"
                          + "\n".join(f"  - {o}" for o in self.options),
            "text/html": f"<div class='audio-course-predict'><b>Predict:</b> "
                         f"{html.escape(self.question)}<br>{items}</div>",
        }
        model_id = getattr(self._box, "model_id", None)
        if model_id:
            data["application/vnd.jupyter.widget-view+json"] = {
                "version_major": 2, "version_minor": 0, "model_id": model_id}
        return data


def predict(question: str, options) -> Prediction:
    """Show a question with radio buttons; the choice is read later by :func:`reveal`.

    Nothing is selected at first. Without a widget front-end (a plain console, the tests) the
    prediction stays empty and ``reveal`` says so instead of failing.
    """
    p = Prediction(question, list(options))
    try:
        import ipywidgets as widgets

        p.widget = widgets.RadioButtons(options=p.options, value=None, description="",
                                        layout=widgets.Layout(width="auto"))
        p._box = widgets.VBox([widgets.HTML(f"<b>Predict:</b> {html.escape(question)}"),
                               p.widget])
    except Exception:  # no ipywidgets: a plain value can still be set with p.choose(...)
        p.widget = None
    return p


def reveal(prediction, answer: str, why: str) -> Result:
    """Compare a prediction (a :class:`Prediction`, an option string, or None) with the answer
    and explain. Returns a Result-like verdict that never raises for an empty prediction."""
    value = prediction.value if isinstance(prediction, Prediction) else prediction
    ex = "predict"
    if is_placeholder(value) or value == "":
        return Result(ex, "unanswered", f"The answer: {answer}. {why}",
                      head="⏳ No prediction committed.")
    if str(value).strip().lower() == str(answer).strip().lower():
        return Result(ex, "correct", f"You predicted {value!r}. {why}", head="✅ Right.")
    return Result(ex, "wrong", f"You predicted {value!r}; the answer is {answer!r}. {why}",
                  head="🤔 Not quite.")
