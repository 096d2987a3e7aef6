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
import threading
import types

__all__ = ["Forbidden", "watch", "scan", "is_course_code", "is_learner_code",
           "is_learner_object", "qualified_name"]


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


def _public(modname: str) -> str:
    """``scipy.fft._basic`` -> ``scipy.fft``: the module path a learner writes (private parts,
    those starting with ``_``, dropped)."""
    return ".".join(p for p in modname.split(".") if not p.startswith("_")) or modname


def qualified_name(obj) -> str:
    """``module.qualname`` of a function or class, for messages, with the module's private
    parts dropped (``scipy.fft.irfft``, not ``scipy.fft._basic.irfft``)."""
    mod = _public(_module_of(obj) or "")
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
            return f"{_public(frame.f_globals.get('__name__'))}.{frame.f_code.co_name}"
        return None


# ------------------------------------------------------------------------ reading the code
_GLOBAL_LOADS = {"LOAD_GLOBAL", "LOAD_NAME", "LOAD_FROM_DICT_OR_GLOBALS"}
_LOCAL_LOADS = {"LOAD_FAST", "LOAD_FAST_CHECK", "LOAD_FAST_AND_CLEAR", "LOAD_DEREF",
                "LOAD_CLASSDEREF", "LOAD_FROM_DICT_OR_DEREF", "LOAD_FAST_BORROW"}
_ATTRS = {"LOAD_ATTR", "LOAD_METHOD", "LOAD_SUPER_ATTR"}
_STORES = {"STORE_FAST", "STORE_NAME", "STORE_DEREF", "STORE_GLOBAL"}


def _codes(code: types.CodeType):
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _codes(const)


def _lookup(name: str, fn, local: dict, *, is_local: bool):
    """A name's value: a local (parameter, variable, cell) only from what this reading saw
    bound to it, never from a global of the same name; a global from the function's globals."""
    if name in local:
        return local[name], True
    if is_local:
        return None, False
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
    if code is getattr(fn, "__code__", None):  # nested code objects have closures of their own
        for name, cell in zip(code.co_freevars, fn.__closure__ or (), strict=False):
            with contextlib.suppress(ValueError):
                closure[name] = cell.cell_contents
    local: dict = dict(closure)
    current, known = None, False
    pending_import = last_const = None
    for ins in dis.get_instructions(code):
        op, arg = ins.opname, ins.argval
        if (op in _GLOBAL_LOADS or op in _LOCAL_LOADS) and isinstance(arg, str):
            current, known = _lookup(arg, fn, local, is_local=op in _LOCAL_LOADS
                                     and op != "LOAD_CLASSDEREF")
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
        if op in _STORES and isinstance(arg, str) and op != "STORE_GLOBAL":
            if known:
                local[arg] = current
            else:  # bound to something this reading cannot know: no longer the import
                local.pop(arg, None)
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
    elif isinstance(obj, type) and is_learner_object(obj):
        yield from list(vars(obj).values())
    elif callable(obj) and not isinstance(obj, (types.FunctionType, types.BuiltinFunctionType,
                                                type)) and is_learner_object(type(obj)):
        yield type(obj)  # an instance of a learner's class with __call__


def is_learner_object(obj) -> bool:
    """True for a function or class the learner wrote (see :func:`is_learner_code`)."""
    code = getattr(obj, "__code__", None)
    if isinstance(code, types.CodeType):
        return is_learner_code(code)
    if isinstance(obj, type):
        if obj.__module__ == "__main__":
            return True
        f = getattr(sys.modules.get(obj.__module__), "__file__", None)
        return f is not None and not _is_library_file(f)
    return False


_PLAIN = (int, float, complex, str, bytes, bool, type(None), range)
_SCAN_LIMIT = 20000
#: what scan() reports when a function reaches more objects than it reads (it fails closed)
TOO_MUCH = "more than the check can read (keep big data out of the function's reach)"


def scan(fn, forbidden: Forbidden) -> list[str]:
    """Forbidden names the learner's function can reach by what its code names (no call)."""
    import numpy as np

    hits: list[str] = []
    seen: set[int] = set()
    todo = [fn]
    while todo:
        obj = todo.pop()
        if isinstance(obj, _PLAIN) or isinstance(obj, (np.ndarray, np.generic)):
            continue  # data, not code
        if id(obj) in seen:
            continue
        if len(seen) >= _SCAN_LIMIT:  # fail closed: what was not read may hide a route
            hits.append(TOO_MUCH)
            break
        seen.add(id(obj))
        hit = forbidden.match(obj)
        if hit is not None:
            if hit not in hits:
                hits.append(hit)
            continue
        if isinstance(obj, types.FunctionType) and _is_learner_function(obj):
            todo.extend(obj.__defaults__ or ())
            todo.extend((obj.__kwdefaults__ or {}).values())
            for cell in obj.__closure__ or ():
                with contextlib.suppress(ValueError):
                    todo.append(cell.cell_contents)
            for code in _codes(obj.__code__):  # pushed last, so read first
                todo.extend(_reached_by_code(obj, code))
        elif not isinstance(obj, types.ModuleType):
            todo.extend(_children(obj))
    return hits


def _is_learner_function(fn) -> bool:
    """Learner code by its file, or by its module: a function whose globals are ``__main__``
    (a notebook's) is the learner's whatever file name its code object claims."""
    if is_learner_code(fn.__code__):
        return True
    return (getattr(fn, "__globals__", {}) or {}).get("__name__") == "__main__"


def _is_learner_frame(frame) -> bool:
    return is_learner_code(frame.f_code) or frame.f_globals.get("__name__") == "__main__"


# ---------------------------------------------------------------------- watching the calls
#: Library code that only passes a callable on (calls what it was given): a forbidden call made
#: from these frames counts as the learner's when the learner's code is below them on the stack.
_TRAMPOLINES = ("functools", "concurrent.futures", "threading", "multiprocessing", "operator",
                "itertools", "asyncio", "contextlib", "numpy.lib._function_base_impl",
                "numpy.lib._shape_base_impl", "numpy.lib.function_base", "numpy.lib.shape_base",
                "queue", "sched", "runpy", "code", "codeop")
_setprofile, _getprofile = sys.setprofile, sys.getprofile  # the learner may replace sys's
_thread_setprofile = threading.setprofile
TAMPERED = "sys.setprofile (it switched off the check's watch)"


def _is_trampoline(frame) -> bool:
    name = frame.f_globals.get("__name__", "") or ""
    return any(name == t or name.startswith(t + ".") for t in _TRAMPOLINES)


class _Watcher:
    def __init__(self, forbidden: Forbidden, main_thread: int):
        self.forbidden = forbidden
        self.main_thread = main_thread
        self.hits: list[str] = []

    def _add(self, hit):
        if hit is not None and hit not in self.hits:
            self.hits.append(hit)

    def _from_learner(self, caller) -> bool:
        """Is ``caller`` the learner's code, or only trampolines between it and the learner's
        code (or, in a thread the learner started, between it and the thread's start)?"""
        frame = caller
        while frame is not None:
            if _is_learner_frame(frame):
                return True
            if not _is_trampoline(frame):
                return False
            frame = frame.f_back
        return threading.get_ident() != self.main_thread  # a worker thread's whole stack

    def __call__(self, frame, event, arg):
        if event == "c_call":
            if self._from_learner(frame):
                self._add(self.forbidden.match(arg))
        elif event == "call":
            caller = frame.f_back
            if frame.f_globals.get("__name__") == __name__:
                return  # this module's own frames (the end of the watch itself)
            if not _is_learner_frame(frame) and self._from_learner(caller):
                self._add(self.forbidden.match_frame(frame))


@contextlib.contextmanager
def watch(fn, forbidden: Forbidden, *, read: bool = True):
    """``with watch(fn, forbidden) as hits: fn(...)``: ``hits`` lists the forbidden names the
    learner's code names (read before the block, unless ``read=False`` because the caller has
    just done that with :func:`scan`) and calls directly (while the block runs), in this
    thread and in threads started inside the block."""
    hits = scan(fn, forbidden) if read else []
    watcher = _Watcher(forbidden, threading.get_ident())
    previous = _getprofile()
    previous_threads = getattr(threading, "getprofile", lambda: None)()
    _thread_setprofile(watcher)
    _setprofile(watcher)
    try:
        yield hits
    finally:
        tampered = _getprofile() is not watcher
        _setprofile(previous)
        _thread_setprofile(previous_threads)
        if tampered:
            watcher._add(TAMPERED)
        for hit in watcher.hits:
            if hit not in hits:
                hits.append(hit)
