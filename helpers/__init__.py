"""Helpers for the course "Audio data for deep learning".

A small, plain package: one module per topic, each function returning data together with its
axes. Notebooks import it as ``import helpers`` (or ``from helpers import ...``).

Modules: ``formats`` (which file types are audio), ``data`` (shipped clips, downloads),
``audio`` (load, play), ``validate`` (input checks), ``spectral`` (DFT/FFT spectrum, 02),
``stft`` (framing, STFT, ISTFT, 03), ``features`` (dB, mel, MFCC, 04/05), ``engine`` (the
framed FFTs and picture-sized images under stft/features and the explorers), ``plot``
(figures), ``explorers`` (slider explorers; ``widgets`` is their former name, kept for a
release), ``dataset`` (a package: features for deep learning, 06), ``exercises`` (self-checks,
one module per notebook), ``warmup`` (compiles librosa's kernels at install time). No import
cycles and no private name used across modules (tests/test_architecture.py). The version is
pyproject.toml's (``__version__``).
"""

from __future__ import annotations

from pathlib import Path

from . import data
from .audio import info, load, play

__all__ = ["__version__", "data", "info", "load", "play", "check_environment", "setup_notebook"]

#: The oldest version of each library the course works with: pyproject.toml's floors
#: (tests/test_environment.py checks they agree). Import name -> version.
MINIMUM_VERSIONS = {
    "numpy": "1.26", "scipy": "1.11", "librosa": "0.11", "matplotlib": "3.8",
    "soundfile": "0.12", "ipywidgets": "7.7", "IPython": "7.34",
}


def _version() -> str:
    """The version written in pyproject.toml (the one place): read from it in a source checkout
    (so an edit shows without reinstalling), else from the installed package's metadata."""
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    try:
        import tomllib

        project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
        if project.get("name") == "audio-dl-course":
            return project["version"]
    except (OSError, KeyError, ValueError):
        pass
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("audio-dl-course")
    except PackageNotFoundError:
        return "0+unknown"


__version__ = _version()


def check_environment(verbose: bool = True) -> dict:
    """Versions of the libraries the course needs, and whether they are supported.

    Used by 00_overview. Returns ``{name: version}``; raises ``RuntimeError`` with the fix when
    something essential is missing or too old.
    """
    import importlib
    import sys

    found, problems = {}, []
    for mod, minimum in MINIMUM_VERSIONS.items():
        try:
            found[mod] = importlib.import_module(mod).__version__
        except ImportError:
            problems.append(f"{mod} is not installed")
            continue
        if _vtuple(found[mod]) < _vtuple(minimum):
            problems.append(f"{mod} {found[mod]} is older than {minimum}")
    found["python"] = sys.version.split()[0]
    found["helpers"] = __version__
    if verbose:
        for k, v in found.items():
            print(f"{k:>11}: {v}")
    if problems:
        raise RuntimeError("The environment is not ready: " + "; ".join(problems) + ". "
                           + _fix_advice())
    return found


def _fix_advice() -> str:
    """How to fix a missing or old library, for the place the kernel runs in."""
    import os
    import sys

    if "google.colab" in sys.modules or os.environ.get("COLAB_RELEASE_TAG"):
        return ("On Colab: run the notebook's first cell again (it installs the course into "
                "this runtime), then Runtime > Restart session and run all cells; if a library "
                "is still missing, `%pip install NAME` in a cell and restart the session.")
    if os.environ.get("BINDER_SERVICE_HOST") or os.environ.get("BINDER_LAUNCH_HOST"):
        return ("On Binder the environment comes from environment.yml: relaunch the Binder "
                "badge; if it persists, the environment file needs the library.")
    return ("Locally: run `make lab` from the course folder (it creates .venv with everything), "
            "or `pip install -e .` in the environment this kernel runs in, then restart it.")


def _vtuple(v: str) -> tuple[int, ...]:
    out = []
    for part in v.split(".")[:3]:
        digits = "".join(ch for ch in part if ch.isdigit())
        out.append(int(digits) if digits else 0)
    return tuple(out)


def setup_notebook(*, quiet: bool = False) -> None:
    """The first call of every notebook: plot defaults, version line, strict warnings in tests.

    When the environment variable ``AUDIO_COURSE_STRICT=1`` is set (the test command sets it),
    DeprecationWarning and FutureWarning raised from notebook code, ``helpers`` or ``librosa``
    become errors, so an outdated API call fails the notebook test instead of scrolling past.
    """
    import os
    import warnings

    import matplotlib as mpl

    from .plot import FONT_SIZE_PT

    mpl.rcParams.update({
        "figure.figsize": (9, 3.2),
        "figure.dpi": 96,
        "font.size": FONT_SIZE_PT,  # 14.7 px: readable on a slide (helpers.plot.small_text)
        "axes.grid": True,
        "axes.axisbelow": True,  # grid lines behind waveform bands and bars
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "image.cmap": "magma",
    })
    if os.environ.get("AUDIO_COURSE_STRICT") == "1":
        for category in (DeprecationWarning, FutureWarning):
            warnings.filterwarnings(
                "error", category=category, module=r"(__main__|helpers|librosa)(\..*)?$"
            )
    if not quiet:
        import librosa

        print(f"helpers {__version__} | librosa {librosa.__version__} | "
              f"Python {__import__('sys').version.split()[0]}")
