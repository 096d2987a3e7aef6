"""The one mechanism that decides which functions a learner's code uses (helpers/exercises/_routes).

Every escape route a learner (or an examiner) might take around a forbidden function is caught,
and nothing depends on which library function calls which inside a library: the verdicts are
the same on librosa 0.11 (whose ``fft_frequencies`` calls ``np.fft.rfftfreq``) and librosa 1.x
(whose ``fft_frequencies`` uses ``np.arange``). Nothing is patched.
"""

from __future__ import annotations

import functools
import sys

import librosa
import numpy as np
import numpy.fft as F  # another: a module alias
import pytest
from numpy.fft import rfftfreq as imported_rfftfreq  # an escape route: imported before the check

import helpers.exercises as ex
from helpers.exercises import _routes
from helpers.exercises._routes import Forbidden, scan, watch

AXIS = Forbidden(("numpy.fft.rfftfreq",))
ORIGINAL_ID = id(np.fft.rfftfreq)  # an id, not the object: naming the object would be a route
TOOLS = {"axis": np.fft.rfftfreq}  # a dict of functions
LISTED = [np.abs, np.fft.rfftfreq]
PARTIAL = functools.partial(np.fft.rfftfreq, d=1 / 8000)


def _used(fn, forbidden=AXIS, args=(8, 8000.0)) -> list[str]:
    with watch(fn, forbidden) as used:
        try:
            fn(*args)
        except Exception:  # noqa: BLE001 - the route matters, not whether the answer works
            pass
    return used


def _helper_axis(n, sr):
    return np.fft.rfftfreq(n, d=1 / sr)


def _closure():
    g = np.fft.rfftfreq
    return lambda n, sr: g(n, d=1 / sr)


class _Axis:
    def __call__(self, n, sr):
        return np.fft.rfftfreq(n, d=1 / sr)

    @staticmethod
    def static(n, sr):
        return np.fft.rfftfreq(n, d=1 / sr)


def _import_inside(n, sr):
    from numpy.fft import rfftfreq

    return rfftfreq(n, d=1 / sr)


def _import_module_inside(n, sr):
    import numpy.fft as nf

    return nf.rfftfreq(n, d=1 / sr)


def _default_arg(n, sr, g=np.fft.rfftfreq):
    return g(n, d=1 / sr)


def _kw_default(n, sr, *, g=np.fft.rfftfreq):
    return g(n, d=1 / sr)


ROUTES = {
    "direct": lambda n, sr: np.fft.rfftfreq(n, d=1 / sr),
    "name imported earlier": lambda n, sr: imported_rfftfreq(n, d=1 / sr),
    "module alias": lambda n, sr: F.rfftfreq(n, d=1 / sr),
    "default argument": _default_arg,
    "keyword-only default": _kw_default,
    "dict of functions": lambda n, sr: TOOLS["axis"](n, d=1 / sr),
    "list of functions": lambda n, sr: LISTED[1](n, d=1 / sr),
    "functools.partial": lambda n, sr: PARTIAL(n),
    "partial made inside": lambda n, sr: functools.partial(np.fft.rfftfreq, d=1 / sr)(n),
    "closure": _closure(),
    "own helper function": lambda n, sr: _helper_axis(n, sr),
    "callable object": _Axis(),
    "static method": lambda n, sr: _Axis.static(n, sr),
    "import inside": _import_inside,
    "import module inside": _import_module_inside,
}
# Only watching the calls can see these (nothing in the code names the function).
DYNAMIC = {
    "getattr": lambda n, sr: getattr(np.fft, "rfft" + "freq")(n, d=1 / sr),
    "eval": lambda n, sr: eval("np.fft.rfft" + "freq")(n, d=1 / sr),
    "importlib": lambda n, sr: getattr(  # noqa: B009
        __import__("importlib").import_module("numpy.fft"), "rfftfreq")(n, d=1 / sr),
}
ALLOWED = {
    "the definition": lambda n, sr: np.arange(n // 2 + 1) * sr / n,
    "another numpy.fft function": lambda n, sr: np.abs(np.fft.fftfreq(n, 1 / sr)[: n // 2 + 1]),
    "a variable named rfftfreq": lambda n, sr: (lambda rfftfreq: rfftfreq)(
        np.arange(n // 2 + 1) * sr / n),
}


@pytest.mark.parametrize("fn", ROUTES.values(), ids=ROUTES.keys())
def test_every_route_is_read_from_the_code(fn):
    assert scan(fn, AXIS) == ["numpy.fft.rfftfreq"]
    assert _used(fn) == ["numpy.fft.rfftfreq"]


@pytest.mark.parametrize("fn", DYNAMIC.values(), ids=DYNAMIC.keys())
def test_dynamic_routes_are_caught_while_running(fn):
    assert scan(fn, AXIS) == []  # no reading of code can see these ...
    assert _used(fn) == ["numpy.fft.rfftfreq"]  # ... the calls show them


@pytest.mark.parametrize("fn", ALLOWED.values(), ids=ALLOWED.keys())
def test_allowed_code_is_not_flagged(fn):
    assert _used(fn) == []


def test_what_a_library_calls_inside_itself_never_counts():
    """librosa.fft_frequencies calls np.fft.rfftfreq in 0.11 and np.arange in 1.x: forbidding
    rfftfreq alone must give the same (empty) answer on both."""
    fn = lambda n, sr: librosa.fft_frequencies(sr=sr, n_fft=n)  # noqa: E731
    assert _used(fn) == []
    assert _used(fn, Forbidden(("librosa.fft_frequencies",))) == ["librosa.fft_frequencies"]
    # the 02.1 check lists librosa's axis by name, so the verdict is the same on every version
    r = ex.check_frequency_axis(fn)
    assert not r and r.mistake == "used-rfftfreq", r.text()


def test_nothing_is_patched_and_the_profiler_is_restored():
    seen = []

    def fn(n, sr):
        seen.append(id(getattr(np.fft, "rfftfreq")) == ORIGINAL_ID)  # noqa: B009 - no call
        raise ValueError("the learner's bug")

    before = sys.getprofile()
    assert _used(fn) == []
    assert seen == [True] and id(np.fft.rfftfreq) == ORIGINAL_ID
    assert sys.getprofile() is before


def test_a_module_name_forbids_everything_in_it():
    spectrum = Forbidden(("numpy.fft", "scipy.fft"))
    used = _used(lambda n, sr: np.fft.rfft(np.ones(n)), spectrum)
    assert used and all(u.startswith("numpy.fft") for u in used), used
    used = _used(lambda n, sr: __import__("scipy.fft").fft.rfft(np.ones(n)), spectrum)
    assert used and all(u.startswith("scipy.fft") for u in used), used
    assert _used(lambda n, sr: np.cumsum(np.ones(n)), spectrum) == []
    course = Forbidden(("helpers",))
    assert _used(lambda n, sr: __import__("helpers.spectral").spectral.spectrum(np.ones(64), sr),
                 course, args=(8, 8000))
    assert _used(lambda n, sr: np.ones(n), course) == []


def test_names_missing_from_the_installed_versions_are_ignored():
    assert _used(ROUTES["direct"], Forbidden(("librosa.no_such_function", "no_such_pkg.x"))) == []


def test_learner_code_is_told_from_library_code():
    assert _routes.is_learner_code(test_learner_code_is_told_from_library_code.__code__)
    assert not _routes.is_learner_code(np.fft.rfftfreq.__code__)
    assert not _routes.is_learner_code(ex.check_frequency_axis.__wrapped__.__code__)
    assert _routes.is_course_code(ex.check_frequency_axis)
    assert not _routes.is_course_code(ROUTES["direct"])


def test_the_answer_key_is_refused_in_every_check():
    from helpers.exercises import ex02

    r = ex.check_frequency_axis(ex02._bins)  # the reference itself
    assert not r and r.mistake == "course-function", r.text()
    r = ex.check_frequency_axis(lambda n, sr: ex02._bins(n, sr))  # wrapped in a lambda
    assert not r and r.mistake == "course-function", r.text()
    r = ex.check_frequency_axis(functools.partial(ex02._bins))
    assert not r and r.mistake == "course-function", r.text()


def test_no_check_module_patches_a_library():
    """The old spies replaced module attributes (np.fft.rfftfreq, librosa.stft, ...)."""
    import inspect

    for mod in (ex.ex01, ex.ex02, ex.ex03, ex.ex04, ex.ex05, ex.ex06, ex._core):
        src = inspect.getsource(mod)
        assert "setattr(" not in src and "sys.setprofile" not in src, mod.__name__


# ------------------------------------------------------------------- found by an examiner
G_RFFTFREQ = np.fft.rfftfreq  # a notebook global that shares its name with learners' locals


def test_a_local_that_shares_a_globals_name_is_not_that_global():
    """A learner's local variable, parameter, comprehension variable or nested def named like a
    forbidden global is the learner's own, not the global (false positives found by review)."""
    rfftfreq = np.fft.rfftfreq  # noqa: F841 - the module-level name below is what matters
    ns = {"np": np, "rfftfreq": np.fft.rfftfreq, "stft": librosa.stft}
    exec(
        "def local(n, sr):\n    rfftfreq = np.arange(n // 2 + 1) * sr / n\n    return rfftfreq\n"
        "def nested(n, sr):\n    def rfftfreq(n, d):\n        return np.arange(n // 2 + 1) / (n * d)\n"
        "    return rfftfreq(n, 1 / sr)\n"
        "def comp(n, sr):\n    return [rfftfreq for rfftfreq in np.arange(n // 2 + 1) * sr / n]\n"
        "def param(n, sr, rfftfreq=None):\n    return np.arange(n // 2 + 1) * sr / n\n"
        "def cheat(n, sr):\n    return rfftfreq(n, 1 / sr)\n", ns)
    for name in ("local", "nested", "comp", "param"):
        assert _used(ns[name]) == [], name
        assert ex.check_frequency_axis(ns[name]), name
    assert _used(ns["cheat"]) == ["numpy.fft.rfftfreq"]


def test_routes_through_threads_trampolines_and_a_switched_off_watch():
    import concurrent.futures
    import importlib

    def lookup():
        return getattr(importlib.import_module("numpy.fft"), "rfft" + "freq")

    def in_thread(n, sr):
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(lookup(), n, 1 / sr).result()

    def vectorized(n, sr):
        return np.vectorize(lookup(), otypes=[object])(n, 1 / sr)[()]

    def dispatched(n, sr):
        return functools.singledispatch(lookup())(n, 1 / sr)

    def switched_off(n, sr):
        sys.setprofile(None)
        return lookup()(n, 1 / sr)

    for fn in (in_thread, vectorized, dispatched):
        assert _used(fn) == ["numpy.fft.rfftfreq"], fn.__name__
    assert _used(switched_off) == [_routes.TAMPERED]
    r = ex.check_frequency_axis(switched_off)
    assert not r and r.mistake == "used-rfftfreq", r.text()


def test_a_spoofed_file_name_does_not_make_notebook_code_a_library():
    ns = {"np": np, "__name__": "__main__"}
    exec(compile("def f(n, sr):\n    return np.fft.rfftfreq(n, d=1 / sr)\n",
                 np.__file__, "exec"), ns)
    assert _used(ns["f"]) == ["numpy.fft.rfftfreq"]


def test_a_lazy_result_of_the_learners_own_class_is_refused():
    class Lazy:
        def __init__(self, n, sr):
            self.n, self.sr = n, sr

        def __array__(self, dtype=None, copy=None):
            return getattr(np.fft, "rfft" + "freq")(self.n, 1 / self.sr)

    r = ex.check_frequency_axis(lambda n, sr: Lazy(n, sr))
    assert not r and r.mistake == "own-class", r.text()


def test_too_much_to_read_fails_closed():
    junk = [[object() for _ in range(200)] for _ in range(150)]

    def f(n, sr, _j=junk):
        return np.arange(n // 2 + 1) * sr / n

    assert scan(f, AXIS) == [_routes.TOO_MUCH]
    big_data = np.zeros((1000, 1000))  # arrays and numbers are data: not counted
    numbers = list(range(10000))

    def g(n, sr, _d=big_data, _l=numbers):
        return np.arange(n // 2 + 1) * sr / n

    assert scan(g, AXIS) == []


def test_library_functions_that_compute_the_same_thing_are_listed():
    import scipy.signal

    periodogram = lambda n, sr: scipy.signal.periodogram(np.zeros(n), fs=sr)[0]  # noqa: E731
    r = ex.check_frequency_axis(periodogram)
    assert not r and r.mistake == "used-rfftfreq", r.text()

    def rms_frames(n, f, h, c=True):
        return librosa.feature.rms(y=np.zeros(n), frame_length=f, hop_length=h,
                                   center=c).shape[-1]

    r = ex.check_n_frames(rms_frames)
    assert not r and r.mistake == "used-library", r.text()

