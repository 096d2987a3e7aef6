"""Property-based tests (hypothesis): over random signals and parameters, every helper either
returns finite arrays of the documented shape or raises one of the documented exceptions
(TypeError, ValueError, FileNotFoundError) - never anything else.

Example counts are bounded (``max_examples``) so the suite stays fast.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import helpers
from helpers import validate

DOCUMENTED = (TypeError, ValueError, FileNotFoundError)
# The test command runs a fixed, bounded set of examples (same every run). To explore further:
# HYPOTHESIS_EXAMPLES=1000 pytest tests/test_properties.py  (random seeds, more examples)
_EXPLORE = int(os.environ.get("HYPOTHESIS_EXAMPLES", "0"))
SETTINGS = settings(max_examples=_EXPLORE or 60, deadline=None, derandomize=not _EXPLORE,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

finite = st.floats(-1, 1, allow_nan=False, allow_infinity=False, width=32)
any_float = st.floats(allow_nan=True, allow_infinity=True, width=32)
good_signal = arrays(np.float32, st.one_of(st.integers(600, 4000), st.integers(1, 4000)),
                     elements=finite)
bad_signal = st.one_of(
    arrays(np.float32, 0),
    arrays(np.float64, st.integers(1, 300), elements=any_float),
    arrays(np.int16, st.integers(1, 100)),
    arrays(np.float32, st.tuples(st.integers(1, 3), st.integers(1, 200)), elements=finite),
)
# mostly valid input (so the success path is exercised), sometimes invalid
signals = st.one_of(*([good_signal] * 5), bad_signal)


def mostly(good, bad):
    """A strategy drawing from ``good`` about seven times in eight."""
    return st.one_of(*([good] * 7), bad)


rates = mostly(st.sampled_from([None, 8000, 16000, 22050, 44100]),
               st.one_of(st.integers(-10, 96000), st.floats(allow_nan=True)))


def outcome(fn, *args, **kwargs):
    """Call fn; return its result, or None if it raised a documented exception."""
    try:
        out = fn(*args, **kwargs)
    except DOCUMENTED as exc:
        event(f"refused: {type(exc).__name__}")  # see --hypothesis-show-statistics
        return None
    event("returned")
    return out


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
       offset=mostly(st.floats(0, 0.05), st.floats(-1, 0.3)),
       duration=mostly(st.one_of(st.none(), st.floats(0.01, 0.3)), st.floats(-0.1, 0.01)),
       mono=st.booleans())
def test_load_any_wav(tmpdir_module, y, file_sr, sr, offset, duration, mono):
    p = tmpdir_module / "x.wav"
    sf.write(p, y, file_sr, subtype="FLOAT")
    out = outcome(helpers.load, p, sr=sr, offset=offset, duration=duration, mono=mono)
    if out is not None:
        z, got_sr = out
        assert z.dtype == np.float32 and np.isfinite(z).all() and z.size > 0
        assert got_sr == (file_sr if sr is None else int(sr))


# --- spectral, STFT, features, widget compute functions -----------------------------------
from helpers import features, spectral, widgets  # noqa: E402
from helpers import stft as stft_mod  # noqa: E402

windows = mostly(st.sampled_from(["hann", "hamming", "blackman", "boxcar", ("kaiser", 8.0)]),
                 st.sampled_from(["nonsense", 3, None]))
small_sr = mostly(st.sampled_from([8000, 16000, 22050]), st.sampled_from([0, -1, 1.5]))
n_ffts = mostly(st.sampled_from([16, 64, 256, 512]), st.integers(-4, 5000))
hops = mostly(st.sampled_from([4, 16, 64, 128]), st.integers(-4, 5000))


def _finite_arrays(*arrays_):
    for a in arrays_:
        assert np.all(np.isfinite(np.asarray(a))), "non-finite output"


@SETTINGS
@given(y=signals, sr=small_sr, window=windows,
       n_fft=mostly(st.none(), st.integers(-4, 4000)),
       scaling=mostly(st.sampled_from(["magnitude", "power"]), st.just("decibel")))
def test_spectrum(y, sr, window, n_fft, scaling):
    out = outcome(spectral.spectrum, y, sr, window=window, n_fft=n_fft, scaling=scaling)
    if out is not None:
        freqs, values = out
        n = n_fft or np.asarray(y).shape[-1]
        np.testing.assert_array_equal(freqs, np.fft.rfftfreq(n, 1 / sr))
        assert values.shape == freqs.shape and (values >= 0).all()
        _finite_arrays(values)


@SETTINGS
@given(y=signals, sr=small_sr, window=windows, n_fft=n_ffts, hop=hops, center=st.booleans())
def test_stft(y, sr, window, n_fft, hop, center):
    out = outcome(stft_mod.stft, y, sr=sr, n_fft=n_fft, hop_length=hop, window=window,
                  center=center)
    if out is not None:
        freqs, times, S = out
        n = np.asarray(y).shape[-1]
        assert S.shape == (n_fft // 2 + 1, stft_mod.n_frames(n, n_fft=n_fft, hop_length=hop,
                                                              center=center))
        assert freqs.shape[0] == S.shape[0] and times.shape[0] == S.shape[1]
        _finite_arrays(S, freqs, times)


@SETTINGS
@given(S=mostly(arrays(np.float64, st.tuples(st.integers(1, 20), st.integers(1, 20)),
                       elements=st.floats(0, 1e6)),
                arrays(np.float64, st.tuples(st.integers(0, 5), st.integers(0, 5)),
                       elements=st.one_of(st.floats(-1, 1),
                                          st.sampled_from([np.nan, np.inf])))),
       kind=mostly(st.sampled_from(["amplitude", "power"]), st.just("volts")),
       ref=mostly(st.one_of(st.just("max"), st.floats(1e-3, 10)), st.sampled_from([0.0, -1.0])),
       amin=mostly(st.sampled_from([None, 1e-10, 1e-5]), st.sampled_from([0.0, -1.0])),
       top_db=mostly(st.sampled_from([None, 80.0, 120.0]), st.sampled_from([0.0, -5.0])))
def test_to_db(S, kind, ref, amin, top_db):
    out = outcome(features.to_db, S, kind=kind, ref=ref, amin=amin, top_db=top_db)
    if out is not None:
        assert out.shape == S.shape
        _finite_arrays(out)
        if top_db is not None and out.size:
            assert out.max() - out.min() <= top_db + 1e-9


@SETTINGS
@given(y=signals, sr=small_sr, n_mfcc=mostly(st.integers(1, 20), st.integers(-1, 60)),
       n_mels=mostly(st.integers(20, 40), st.integers(-1, 140)),
       n_fft=mostly(st.sampled_from([256, 512]), st.sampled_from([3, 64])),
       fmax=mostly(st.none(), st.floats(0, 20000)))
def test_mfcc(y, sr, n_mfcc, n_mels, n_fft, fmax):
    out = outcome(features.mfcc, y, sr=sr, n_mfcc=n_mfcc, n_mels=n_mels, n_fft=n_fft,
                  hop_length=max(1, n_fft // 4), fmax=fmax)
    if out is not None:
        idx, times, C = out
        assert C.shape == (n_mfcc, times.size) and idx.size == n_mfcc
        _finite_arrays(C)


@SETTINGS
@given(C=arrays(np.float64, st.tuples(st.integers(0, 5), st.integers(0, 30)),
                elements=st.floats(-1e3, 1e3)),
       order=mostly(st.integers(1, 2), st.integers(-1, 3)),
       width=mostly(st.sampled_from([3, 5, 9]), st.integers(-1, 11)))
def test_deltas_and_normalisation(C, order, width):
    out = outcome(features.deltas, C, order=order, width=width)
    if out is not None:
        assert out.shape == C.shape
        _finite_arrays(out)
    norm = outcome(features.normalise_per_coefficient, C)
    if norm is not None:
        Cn, mean, std = norm
        assert Cn.shape == C.shape
        _finite_arrays(Cn, mean, std)


@SETTINGS
@given(y=signals, sr=small_sr, n_fft=n_ffts, hop=hops, window=windows)
def test_widget_stft_view(y, sr, n_fft, hop, window):
    out = outcome(widgets.stft_view, y, sr, n_fft=n_fft, hop_length=hop, window=window)
    if out is not None:
        assert isinstance(out, dict)


@SETTINGS
@given(sr=small_sr, freq=mostly(st.floats(20, 4000), st.floats(-100, 30000)), window=windows,
       length_ms=mostly(st.floats(5, 300), st.floats(-5, 500)))
def test_widget_spectrum_view(sr, freq, window, length_ms):
    out = outcome(widgets.spectrum_view, sr, freq=freq, window=window, length_ms=length_ms)
    if out is not None:
        assert isinstance(out, dict)


@SETTINGS
@given(y=signals, sr=small_sr, start=mostly(st.floats(0, 0.05), st.floats(-1, 2)),
       length=mostly(st.one_of(st.none(), st.floats(0.001, 0.1)), st.floats(-1, 2)))
def test_widget_waveform_view(y, sr, start, length):
    out = outcome(widgets.waveform_view, y, sr, start=start, length=length)
    if out is not None:
        assert isinstance(out, dict)


# --- valid input must succeed (not merely "raise something documented") -------------------
valid_signal = arrays(np.float32, st.integers(1024, 6000), elements=finite)
valid_sr = st.sampled_from([8000, 16000, 22050, 44100])


@SETTINGS
@given(y=valid_signal, sr=valid_sr, n_fft=st.sampled_from([256, 512, 1024]),
       hop_div=st.sampled_from([1, 2, 4, 8]), n_mels=st.integers(8, 40),
       n_mfcc=st.integers(1, 8), window=st.sampled_from(["hann", "hamming", "boxcar"]))
def test_valid_input_always_succeeds(y, sr, n_fft, hop_div, n_mels, n_mfcc, window):
    hop = n_fft // hop_div
    freqs, values = spectral.spectrum(y, sr, window=window)
    assert values.shape == freqs.shape == (y.size // 2 + 1,)
    freqs, times, S = stft_mod.stft(y, sr=sr, n_fft=n_fft, hop_length=hop, window=window)
    assert S.shape == (n_fft // 2 + 1, 1 + y.size // hop)
    if np.any(S):
        db = features.to_db(np.abs(S), kind="amplitude", ref="max")
        assert db.max() <= 1e-4 and db.min() >= -80.0 - 1e-4  # float32 rounding
    else:  # silence has no maximum to be relative to: a clear error, not 0 dB everywhere
        with pytest.raises(ValueError, match="all zeros"):
            features.to_db(np.abs(S), kind="amplitude", ref="max")
        db = features.to_db(np.abs(S), kind="amplitude", ref=1.0)
    _finite_arrays(values, S, db)
    idx, t, C = features.mfcc(y, sr=sr, n_mfcc=n_mfcc, n_mels=n_mels, n_fft=n_fft,
                              hop_length=hop)
    assert C.shape == (n_mfcc, 1 + y.size // hop)
    if C.shape[1] >= 3:
        _finite_arrays(C, features.deltas(C, width=3))
    else:  # a delta needs at least `width` frames: a clear error, not a crash
        with pytest.raises(ValueError, match="frames"):
            features.deltas(C, width=3)
    assert isinstance(widgets.waveform_view(y, sr, start=0.0, length=y.size / sr / 2), dict)
    if np.any(S):
        assert isinstance(widgets.stft_view(y, sr, n_fft=n_fft, hop_length=hop, window=window),
                          dict)
    else:  # the same clear "silent signal" message as features.to_db, not a 0 dB picture
        with pytest.raises(ValueError, match="silent"):
            widgets.stft_view(y, sr, n_fft=n_fft, hop_length=hop, window=window)


# ------------------------------------------------------------------ issue 12: no global state
def _global_state():
    """What a helper must never change for the rest of the session."""
    import warnings

    import matplotlib as mpl
    from threadpoolctl import threadpool_info

    return dict(
        filters=list(warnings.filters),
        errstate=np.geterr(),
        blas=[(i["filepath"], i["num_threads"]) for i in threadpool_info()],
        environ=dict(os.environ),
        rcparams={k: v for k, v in mpl.rcParams.items() if k != "backend"},
        cwd=os.getcwd(),
    )


def test_no_helper_changes_global_state(tmp_path):
    """Every kind of helper call, including parallel ones, leaves warnings filters, numpy's
    error state, BLAS thread limits, the environment, matplotlib's settings and the working
    folder as they were (issue 12: a threaded build left UserWarning turned into errors)."""
    import joblib  # noqa: F401 - importing joblib sets KMP_INIT_AT_FORK once: not ours
    import matplotlib.pyplot as plt

    from helpers import audio, dataset, features, plot, spectral, stft

    before = _global_state()
    y, sr = helpers.load("blues", duration=5.0)
    audio.resample(y, orig_sr=sr, target_sr=8000)
    helpers.play(y, sr)
    spectral.spectrum(y, sr)
    _, _, S = stft.stft(y, sr=sr)
    features.mfcc(y, sr=sr)
    features.to_db(np.abs(S), ref="max")
    plot.waveform(y, sr)
    plot.spectrogram(features.to_db(np.abs(S), ref="max"), sr=sr, hop_length=512, label="dB")
    plt.close("all")
    short = tmp_path / "cut.wav"
    full = helpers.data.path("tone").read_bytes()
    short.write_bytes(full[: len(full) // 2])
    import warnings

    with warnings.catch_warnings(record=True):
        helpers.load(short)  # warns (truncated) without touching the filters
    for prefer in ("threads", "processes"):
        dataset.build_dataset(out_dir=tmp_path / prefer, n_jobs=2, prefer=prefer,
                              progress=False, summary=False)
    after = _global_state()
    for key in before:
        assert after[key] == before[key], f"{key} changed"
