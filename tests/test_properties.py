"""Property-based tests (hypothesis): over random signals and parameters, every helper either
returns finite arrays of the documented shape or raises one of the documented exceptions
(TypeError, ValueError, FileNotFoundError) - never anything else.

Example counts are bounded (``max_examples``) so the suite stays fast.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import helpers
from helpers import validate

DOCUMENTED = (TypeError, ValueError, FileNotFoundError)
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

finite = st.floats(-1, 1, allow_nan=False, allow_infinity=False, width=32)
any_float = st.floats(allow_nan=True, allow_infinity=True, width=32)
signals = st.one_of(
    arrays(np.float32, st.integers(0, 3000), elements=finite),
    arrays(np.float64, st.integers(0, 300), elements=any_float),
    arrays(np.int16, st.integers(0, 100)),
    arrays(np.float32, st.tuples(st.integers(1, 3), st.integers(0, 200)), elements=finite),
)
rates = st.one_of(st.integers(-10, 96000), st.floats(allow_nan=True), st.sampled_from([22050]))


def outcome(fn, *args, **kwargs):
    """Call fn; return its result, or None if it raised a documented exception."""
    try:
        return fn(*args, **kwargs)
    except DOCUMENTED:
        return None


@SETTINGS
@given(y=signals, mono=st.booleans(), min_length=st.integers(1, 500))
def test_check_signal(y, mono, min_length):
    out = outcome(validate.check_signal, y, mono=mono, min_length=min_length)
    if out is not None:
        assert np.isfinite(out).all() and out.dtype in (np.float32, np.float64)
        assert out.shape[-1] >= min_length
        assert out.ndim == 1 or (not mono and out.ndim == 2)


@SETTINGS
@given(n_fft=st.integers(-5, 5000), hop=st.one_of(st.none(), st.integers(-5, 5000)),
       win=st.one_of(st.none(), st.integers(-5, 5000)), n=st.integers(1, 5000))
def test_check_frame_params(n_fft, hop, win, n):
    out = outcome(validate.check_frame_params, n_fft, hop, win, n_samples=n)
    if out is not None:
        n_fft_, hop_, win_ = out
        assert 2 <= n_fft_ <= n and 1 <= hop_ <= win_ <= n_fft_


@SETTINGS
@given(sr=st.sampled_from([8000, 16000, 22050, 44100]), n_mels=st.integers(-2, 300),
       fmin=st.floats(-100, 30000), fmax=st.one_of(st.none(), st.floats(-100, 30000)),
       n_mfcc=st.one_of(st.none(), st.integers(-2, 300)))
def test_check_mel_params(sr, n_mels, fmin, fmax, n_mfcc):
    out = outcome(validate.check_mel_params, sr, n_mels, fmin, fmax, n_mfcc)
    if out is not None:
        n_mels_, fmin_, fmax_ = out
        assert 0 <= fmin_ < fmax_ <= sr / 2 and n_mels_ >= 1
        assert n_mfcc is None or n_mfcc <= n_mels_


@pytest.fixture(scope="module")
def tmpdir_module():
    with tempfile.TemporaryDirectory() as d:
        yield Path(d)


@SETTINGS
@given(y=arrays(np.float32, st.integers(0, 2000), elements=st.floats(-1, 1, width=32)),
       file_sr=st.sampled_from([8000, 22050, 44100]), sr=rates,
       offset=st.floats(-1, 0.3), duration=st.one_of(st.none(), st.floats(-0.1, 0.3)),
       mono=st.booleans())
def test_load_any_wav(tmpdir_module, y, file_sr, sr, offset, duration, mono):
    p = tmpdir_module / "x.wav"
    sf.write(p, y, file_sr, subtype="FLOAT")
    out = outcome(helpers.load, p, sr=sr, offset=offset, duration=duration, mono=mono)
    if out is not None:
        z, got_sr = out
        assert z.dtype == np.float32 and np.isfinite(z).all() and z.size > 0
        assert got_sr == (file_sr if sr is None else int(sr))
