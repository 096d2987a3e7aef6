"""Which functions does the learner's own code use? One mechanism for every check.

Some exercises forbid a shortcut: "build the frequency axis yourself, without
``np.fft.rfftfreq``", "write the STFT without ``librosa.stft``", "not with the course's own
helper". A check names what is forbidden (:class:`Forbidden`), and :func:`watch` answers
*"does the learner's code reach one of these?"* in two ways that look only at the learner's
code, never inside a library:

1. **Reading the code** (before it runs). Starting from the learner's function, it follows
   everything that function can name: the globals and attribute chains its byte code loads
   (``np.fft.rfftfreq``, ``F.rfftfreq`` after ``import numpy.fft as F``, a name imported
   earlier with ``from numpy.fft import rfftfreq``), imports inside the function, default
   arguments, closures, and the contents of the containers and wrappers it reaches (a dict or
   list of functions, ``functools.partial``, a bound method, a class's methods). Functions the
   learner wrote are followed in turn; library functions are leaves: what *they* call is never
   looked at.
2. **Watching the calls** (while it runs, with ``sys.setprofile``). Every call made *directly
   from a frame of the learner's code* is compared with the forbidden list. This catches what
   no reading can: ``getattr(np.fft, "rfft" + "freq")``, ``importlib``, ``eval``. A call a
   library makes inside itself has a library frame as its caller, so it is never counted:
   whether ``librosa.fft_frequencies`` calls ``np.fft.rfftfreq`` (librosa 0.11) or
   ``np.arange`` (librosa 1.0) does not change any verdict. Nothing is patched: every module
   attribute stays the object it was.

"The learner's code" is any code whose file is not in the standard library, in an installed
package, or in this course's ``helpers`` package: a notebook cell, a script, a test file.

A forbidden entry is a dotted name. A module or package (``"numpy.fft"``, ``"helpers"``)
forbids everything defined in it; anything else (``"numpy.fft.rfftfreq"``) forbids that one
object, under whatever name it is reached. Names that cannot be imported are ignored, so a
list may name functions that only some library versions have.

Not caught, on purpose: the learner's code calling an *allowed* library function that itself
uses a forbidden one (a check that wants to forbid that lists the allowed function too).
"""

from __future__ import annotations

import builtins
import contextlib
import dis
import functools
import importlib
import inspect
import os
import sys
import sysconfig
import types

__all__ = ["Forbidden", "watch", "scan", "is_course_code", "is_learner_code", "qualified_name"]


# ------------------------------------------------------------------------------ whose code
def _library_roots() -> tuple[str, ...]:
    roots = set()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        with contextlib.suppress(KeyError):
            roots.add(os.path.realpath(sysconfig.get_paths()[key]))
    for p in sys.path:  # site-packages of other environments on the path, e.g. --user
        if p.endswith(("site-packages", "dist-packages")):
            roots.add(os.path.realpath(p))
    return tuple(sorted(roots))


_COURSE_DIR = os.path.realpath(os.path.dirname(os.path.dirname(__file__)))  # helpers/
_LIBRARY_ROOTS = _library_roots()
_LEARNER_CACHE: dict[str, bool] = {}


def _is_library_file(filename: str) -> bool:
    if filename.startswith("<frozen") or filename in ("<built-in>",):
        return True
    path = os.path.realpath(filename) if os.path.isabs(filename) else filename
    if path == _COURSE_DIR or path.startswith(_COURSE_DIR + os.sep):
        return True
    return any(path.startswith(root + os.sep) for root in _LIBRARY_ROOTS)


def is_learner_code(code: types.CodeType) -> bool:
    """True for code the learner wrote (a notebook cell, a script, a test), False for the
    standard library, installed packages and the course's ``helpers``."""
    name = code.co_filename
    known = _LEARNER_CACHE.get(name)
    if known is None:
        known = _LEARNER_CACHE[name] = not _is_library_file(name)
    return known


def _module_of(obj) -> str:
    mod = getattr(obj, "__module__", None)
    if isinstance(obj, types.ModuleType):
        mod = obj.__name__
    return mod if isinstance(mod, str) else ""


def is_course_code(obj) -> bool:
    """True for a function (or class, or module) that this course ships in ``helpers``."""
    mod = _module_of(obj)
    if mod == "helpers" or mod.startswith("helpers."):
        return True
    target = inspect.unwrap(obj) if callable(obj) else obj
    code = getattr(target, "__code__", None)
    if not isinstance(code, types.CodeType):
        return False
    path = os.path.realpath(code.co_filename)
    return path.startswith(_COURSE_DIR + os.sep)


def qualified_name(obj) -> str:
    """``module.qualname`` of a function or class, for messages."""
    mod = _module_of(obj)
    qual = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) or repr(obj)
    if isinstance(obj, types.ModuleType):
        return obj.__name__
    return f"{mod}.{qual}" if mod else str(qual)


# ------------------------------------------------------------------------------- forbidden
def _resolve(dotted: str):
    """(module name, None) for a module; (None, object) for an attribute; (None, None) when it
    does not exist in the installed versions."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        modname = ".".join(parts[:i])
        try:
            obj = importlib.import_module(modname)
        except ImportError:
            continue
        if i == len(parts):
            return modname, None
        try:
            for attr in parts[i:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None, None
        if isinstance(obj, types.ModuleType):
            return obj.__name__, None
        return None, obj
    return None, None


class Forbidden:
    """What a check forbids, by dotted name (a module forbids everything in it). The names are
    imported on first use, not when a check module is imported."""

    def __init__(self, names, hint=None):
        self.names = tuple(names)
        self.hint = hint  # used -> Hint: what the check says when one is used (see call())
        self._resolved = False

    def __repr__(self) -> str:
        return f"Forbidden({self.names!r})"

    def _ready(self) -> None:
        if self._resolved:
            return
        modules, objects, codes, keep = [], {}, {}, []
        for dotted in self.names:
            mod, obj = _resolve(dotted)
            if mod is not None:
                modules.append(mod)
            elif obj is not None:
                keep.append(obj)  # the ids below stay valid while the objects live
                target = inspect.unwrap(obj) if callable(obj) else obj
                keep.append(target)
                objects.setdefault(id(obj), dotted)
                objects.setdefault(id(target), dotted)
                for o in (obj, target):
                    code = getattr(o, "__code__", None)
                    if isinstance(code, types.CodeType):
                        codes.setdefault(code, dotted)
        self._modules, self._objects, self._codes = tuple(modules), objects, codes
        self._keep = keep
        self._resolved = True

    def __add__(self, other: Forbidden) -> Forbidden:
        return Forbidden(self.names + tuple(n for n in other.names if n not in self.names),
                         hint=other.hint or self.hint)

    def _in_modules(self, modname: str) -> str | None:
        for m in self._modules:
            if modname == m or modname.startswith(m + "."):
                return m
        return None

    def match(self, obj) -> str | None:
        """The forbidden name ``obj`` is (or lives in), or None."""
        self._ready()
        try:
            hit = self._objects.get(id(obj))
        except TypeError:
            hit = None
        if hit is not None:
            return hit
        if isinstance(obj, types.ModuleType):
            return self._in_modules(obj.__name__)
        if callable(obj) or isinstance(obj, type):
            mod = self._in_modules(_module_of(obj))
            if mod is not None:
                return qualified_name(obj)
        return None

    def match_frame(self, frame) -> str | None:
        """The forbidden name whose code a new frame runs, or None."""
        self._ready()
        hit = self._codes.get(frame.f_code)
        if hit is not None:
            return hit
        mod = self._in_modules(frame.f_globals.get("__name__", "") or "")
        if mod is not None:
            return f"{frame.f_globals.get('__name__')}.{frame.f_code.co_name}"
        return None


# ------------------------------------------------------------------------ reading the code
_LOADS = {"LOAD_GLOBAL", "LOAD_NAME", "LOAD_DEREF", "LOAD_CLASSDEREF", "LOAD_FAST",
          "LOAD_FAST_CHECK", "LOAD_FAST_AND_CLEAR", "LOAD_FROM_DICT_OR_GLOBALS",
          "LOAD_FROM_DICT_OR_DEREF"}
_ATTRS = {"LOAD_ATTR", "LOAD_METHOD", "LOAD_SUPER_ATTR"}
_STORES = {"STORE_FAST", "STORE_NAME", "STORE_DEREF", "STORE_GLOBAL"}


def _codes(code: types.CodeType):
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _codes(const)


def _lookup(name: str, fn, local: dict):
    if name in local:
        return local[name], True
    glob = getattr(fn, "__globals__", {}) or {}
    if name in glob:
        return glob[name], True
    if hasattr(builtins, name):
        return getattr(builtins, name), True
    return None, False


def _reached_by_code(fn, code: types.CodeType):
    """Objects one code object names: attribute chains from its globals, closure variables and
    the modules it imports (a local bound to an import or a chain is followed too)."""
    closure = {}
    for name, cell in zip(code.co_freevars, getattr(fn, "__closure__", None) or (), strict=False):
        with contextlib.suppress(ValueError):
            closure[name] = cell.cell_contents
    local: dict = dict(closure)
    current, known = None, False
    pending_import = last_const = None
    for ins in dis.get_instructions(code):
        op, arg = ins.opname, ins.argval
        if op in _LOADS and isinstance(arg, str):
            current, known = _lookup(arg, fn, local)
            if known:
                yield current
            continue
        if op in _ATTRS and known and isinstance(arg, str):
            try:
                current = getattr(current, arg)
            except Exception:  # noqa: BLE001 - a property that fails, a missing attribute
                current, known = None, False
                continue
            yield current
            continue
        if op == "LOAD_CONST":
            last_const = arg
            continue
        if op == "IMPORT_NAME" and isinstance(arg, str):
            module = sys.modules.get(arg) or _try_import(arg)
            if module is not None:
                yield module
            # `import a.b` (no from-list) binds the top package a; `from a.b import x` reads a.b
            current = sys.modules.get(arg.split(".")[0]) if last_const is None else module
            pending_import, known = current, current is not None
            continue
        if op == "IMPORT_FROM" and pending_import is not None and isinstance(arg, str):
            current = getattr(pending_import, arg, None)
            if current is None:
                current = sys.modules.get(f"{pending_import.__name__}.{arg}")
            known = current is not None
            if known:
                yield current
                if isinstance(current, types.ModuleType):  # `import a.b.c as d` chains
                    pending_import = current
            continue
        if op in _STORES and isinstance(arg, str) and known:
            local[arg] = current
        current, known = None, False


def _try_import(name: str):
    try:
        return importlib.import_module(name)
    except Exception:  # noqa: BLE001
        return None


def _children(obj):
    """What a reached object leads to without running anything."""
    if isinstance(obj, functools.partial):
        yield obj.func
        yield from obj.args
        yield from (obj.keywords or {}).values()
    elif isinstance(obj, types.MethodType):
        yield obj.__func__
    elif isinstance(obj, dict):
        yield from list(obj.values())[:200]
    elif isinstance(obj, (list, tuple, set, frozenset)):
        yield from list(obj)[:200]
    elif isinstance(obj, (staticmethod, classmethod)):
        yield obj.__func__
    elif isinstance(obj, property):
        yield from (f for f in (obj.fget, obj.fset) if f is not None)
    elif isinstance(obj, type) and _is_learner_object(obj):
        yield from list(vars(obj).values())
    elif callable(obj) and not isinstance(obj, (types.FunctionType, types.BuiltinFunctionType,
                                                type)) and _is_learner_object(type(obj)):
        yield type(obj)  # an instance of a learner's class with __call__


def _is_learner_object(obj) -> bool:
    code = getattr(obj, "__code__", None)
    if isinstance(code, types.CodeType):
        return is_learner_code(code)
    if isinstance(obj, type):
        mod = sys.modules.get(obj.__module__)
        f = getattr(mod, "__file__", None)
        return mod is not None and (f is None or not _is_library_file(f))
    return False


def scan(fn, forbidden: Forbidden) -> list[str]:
    """Forbidden names the learner's function can reach by what its code names (no call)."""
    hits: list[str] = []
    seen: set[int] = set()
    todo = [fn]
    while todo:
        obj = todo.pop()
        if id(obj) in seen or len(seen) > 5000:
            continue
        seen.add(id(obj))
        hit = forbidden.match(obj)
        if hit is not None:
            if hit not in hits:
                hits.append(hit)
            continue
        if isinstance(obj, types.FunctionType) and is_learner_code(obj.__code__):
            for code in _codes(obj.__code__):
                todo.extend(_reached_by_code(obj, code))
            todo.extend(obj.__defaults__ or ())
            todo.extend((obj.__kwdefaults__ or {}).values())
            for cell in obj.__closure__ or ():
                with contextlib.suppress(ValueError):
                    todo.append(cell.cell_contents)
        elif not isinstance(obj, types.ModuleType):
            todo.extend(_children(obj))
    return hits


# ---------------------------------------------------------------------- watching the calls
class _Watcher:
    def __init__(self, forbidden: Forbidden):
        self.forbidden = forbidden
        self.hits: list[str] = []

    def _add(self, hit):
        if hit is not None and hit not in self.hits:
            self.hits.append(hit)

    def __call__(self, frame, event, arg):
        if event == "c_call":
            if is_learner_code(frame.f_code):
                self._add(self.forbidden.match(arg))
        elif event == "call":
            caller = frame.f_back
            if caller is not None and is_learner_code(caller.f_code) \
                    and not is_learner_code(frame.f_code):
                self._add(self.forbidden.match_frame(frame))


@contextlib.contextmanager
def watch(fn, forbidden: Forbidden):
    """``with watch(fn, forbidden) as hits: fn(...)``: ``hits`` lists the forbidden names the
    learner's code names (read before the block) and calls directly (while the block runs)."""
    hits = scan(fn, forbidden)
    watcher = _Watcher(forbidden)
    previous = sys.getprofile()
    sys.setprofile(watcher)
    try:
        yield hits
    finally:
        sys.setprofile(previous)
        for hit in watcher.hits:
            if hit not in hits:
                hits.append(hit)
