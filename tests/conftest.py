"""Shared fixtures: synthetic signals with known answers, and a guard that data/ stays untouched."""

from __future__ import annotations

import hashlib
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")  # unit tests draw off-screen; notebooks under nbval keep their inline backend

ROOT = Path(__file__).resolve().parent.parent
SR = 22050


def _tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(folder.rglob("*")):
        if f.is_file() and "__pycache__" not in f.parts:
            h.update(f.relative_to(folder).as_posix().encode())
            h.update(f.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="session", autouse=True)
def data_folder_is_never_written():
    """Nothing the tests do may add, change or remove a file in data/."""
    before = _tree_digest(ROOT / "data")
    yield
    assert _tree_digest(ROOT / "data") == before, "a test wrote into data/"


@pytest.fixture
def sr() -> int:
    return SR


@pytest.fixture
def tone440() -> np.ndarray:
    t = np.arange(SR) / SR
    return (0.5 * np.sin(2 * np.pi * 440.0 * t)).astype(np.float32)


@pytest.fixture
def noise() -> np.ndarray:
    return np.random.default_rng(0).standard_normal(SR).astype(np.float32) * 0.1
