"""helpers.augment against NumPy/SciPy/librosa and against the promises in its docstrings.

Tolerances: SNR and levels 1e-6 dB (float64 arithmetic; float32 signals 1e-3 dB); librosa
wrappers exactly equal (same call); the BS.1770 reference tone within 0.05 LU at 48 kHz.
"""

from __future__ import annotations

import warnings

import librosa
import numpy as np
import pytest
import scipy.signal

from helpers import augment as A

SR = 22050


def _signal(seed=0, n=SR, dtype=np.float64):
    rng = np.random.default_rng(seed)
    t = np.arange(n) / SR
    y = 0.4 * np.sin(2 * np.pi * 330 * t) + 0.05 * rng.standard_normal(n)
    return y.astype(dtype)


# --- pad_or_crop ------------------------------------------------------------------------------
@pytest.mark.parametrize("n,length", [(100, 60), (60, 100), (61, 100), (100, 100), (1, 7)])
@pytest.mark.parametrize("where", ["start", "centre", "random"])
def test_pad_or_crop_length_and_content(n, length, where):
    y = np.arange(1, n + 1, dtype=float)
    out = A.pad_or_crop(y, length, where=where, rng=np.random.default_rng(3))
    assert out.shape == (length,)
    if n >= length:  # a crop is a contiguous run of y
        start = int(out[0]) - 1
        np.testing.assert_array_equal(out, y[start:start + length])
    else:  # a pad keeps all of y, in order, surrounded by zeros only
        nz = np.flatnonzero(out)
        np.testing.assert_array_equal(out[nz], y)
        assert nz[-1] - nz[0] == n - 1
        assert np.all(out[:nz[0]] == 0) and np.all(out[nz[-1] + 1:] == 0)


def test_pad_or_crop_positions():
    y = np.arange(1, 11, dtype=float)
    np.testing.assert_array_equal(A.pad_or_crop(y, 4), [1, 2, 3, 4])
    np.testing.assert_array_equal(A.pad_or_crop(y, 4, where="centre"), [4, 5, 6, 7])
    np.testing.assert_array_equal(A.pad_or_crop(y[:3], 6, where="centre"), [0, 1, 2, 3, 0, 0])
    np.testing.assert_array_equal(A.pad_or_crop(y[:3], 5), [1, 2, 3, 0, 0])


def test_random_crop_reaches_every_offset_and_repeats_with_a_seed():
    y = np.arange(1, 11, dtype=float)
    rng = np.random.default_rng(0)
    starts = {int(A.pad_or_crop(y, 7, where="random", rng=rng)[0]) for _ in range(200)}
    assert starts == {1, 2, 3, 4}
    a = A.pad_or_crop(y, 7, where="random", rng=np.random.default_rng(5))
    b = A.pad_or_crop(y, 7, where="random", rng=np.random.default_rng(5))
    np.testing.assert_array_equal(a, b)


def test_pad_or_crop_rejects_bad_input():
    with pytest.raises(TypeError, match="default_rng"):
        A.pad_or_crop(np.ones(10), 5, where="random")
    with pytest.raises(ValueError, match="where"):
        A.pad_or_crop(np.ones(10), 5, where="middle")
    with pytest.raises(ValueError, match="length"):
        A.pad_or_crop(np.ones(10), 0)
    with pytest.raises(ValueError, match="mono"):
        A.pad_or_crop(np.ones((2, 10)), 5)


# --- gain and noise ---------------------------------------------------------------------------
@pytest.mark.parametrize("db", [-20.0, -6.0, 0.0, 6.0])
def test_gain_db(db):
    y = _signal()
    out = A.gain_db(y, db)
    np.testing.assert_allclose(out, y * 10 ** (db / 20))
    assert 20 * np.log10(np.max(np.abs(out)) / np.max(np.abs(y))) == pytest.approx(db)


@pytest.mark.parametrize("snr", [-5.0, 0.0, 10.0, 37.5])
@pytest.mark.parametrize("kind", ["white", "given", "offset_and_silence"])
def test_add_noise_hits_the_snr_exactly(snr, kind):
    rng = np.random.default_rng(11)
    y = _signal(1)
    noise = None
    if kind == "given":
        noise = np.cumsum(rng.standard_normal(y.size + 500))  # brown noise, longer than y
    if kind == "offset_and_silence":
        y = y + 0.3
        y[: y.size // 2] = 0.0
    out = A.add_noise(y, snr, rng=rng, noise=noise)
    measured = 10 * np.log10(np.mean(y ** 2) / np.mean((out - y) ** 2))
    assert measured == pytest.approx(snr, abs=1e-6)
    assert A.snr_db(y, out) == pytest.approx(snr, abs=1e-6)


def test_add_noise_float32_and_seed():
    y = _signal(2, dtype=np.float32)
    a = A.add_noise(y, 12, rng=np.random.default_rng(4))
    b = A.add_noise(y, 12, rng=np.random.default_rng(4))
    assert a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    assert A.snr_db(y.astype(float), a.astype(float)) == pytest.approx(12, abs=1e-3)


def test_add_noise_refuses_what_has_no_snr():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="silent"):
        A.add_noise(np.zeros(100), 10, rng=rng)
    with pytest.raises(ValueError, match="at least as long"):
        A.add_noise(np.ones(100), 10, rng=rng, noise=np.ones(50))
    with pytest.raises(TypeError, match="default_rng"):
        A.add_noise(np.ones(100), 10, rng=0)


# --- time -------------------------------------------------------------------------------------
@pytest.mark.parametrize("k", [0, 3, -3, 9, -12, 20])
def test_time_shift(k):
    y = np.arange(1, 11, dtype=float)
    np.testing.assert_array_equal(A.time_shift(y, k, wrap=True), np.roll(y, k))
    out = A.time_shift(y, k)
    ref = np.zeros(10)
    for i in range(10):
        if 0 <= i + k < 10:
            ref[i + k] = y[i]
    np.testing.assert_array_equal(out, ref)


def test_time_shift_wants_samples():
    with pytest.raises(TypeError, match="whole number"):
        A.time_shift(np.ones(10), 0.5)


@pytest.mark.parametrize("rate", [0.8, 1.0, 1.25])
def test_time_stretch_is_librosa_and_length_policy(rate):
    y = _signal(3)
    out = A.time_stretch(y, rate)
    np.testing.assert_array_equal(out, librosa.effects.time_stretch(y, rate=rate))
    assert abs(out.size - y.size / rate) <= 1


@pytest.mark.parametrize("steps", [-3, 0.5, 4])
def test_pitch_shift_is_librosa_and_keeps_length(steps):
    y = _signal(4)
    out = A.pitch_shift(y, SR, steps)
    np.testing.assert_array_equal(out, librosa.effects.pitch_shift(y, sr=SR, n_steps=steps))
    assert out.size == y.size


def test_pitch_shift_of_float32_is_float64_and_agrees():
    """float32 in goes through the phase vocoder as float64 (librosa 1.0.1 can warn in a kernel
    on float32); it differs from librosa's float32 result by float32 rounding of the phase only
    (under 0.3 % of the peak)."""
    y = _signal(4).astype(np.float32)
    out = A.pitch_shift(y, SR, 3)
    assert out.dtype == np.float64
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the warning this avoids
        ref = librosa.effects.pitch_shift(y, sr=SR, n_steps=3)
    assert np.abs(out - ref).max() < 3e-3 * np.abs(ref).max()


def test_pitch_shift_moves_a_tone_by_the_semitones():
    t = np.arange(SR) / SR
    y = 0.5 * np.sin(2 * np.pi * 440 * t)
    out = A.pitch_shift(y, SR, 12)
    spec = np.abs(np.fft.rfft(out[2048:-2048] * np.hanning(out.size - 4096)))
    f = np.fft.rfftfreq(out.size - 4096, 1 / SR)
    assert f[np.argmax(spec)] == pytest.approx(880, abs=3)


# --- reverb -----------------------------------------------------------------------------------
def test_impulse_response_shipped_and_resampled():
    ir = A.impulse_response(SR)
    assert ir.ndim == 1 and ir.size == int(0.4 * SR)
    assert np.argmax(np.abs(ir)) == 0  # the direct path comes first and is the strongest
    assert np.max(np.abs(ir)) == pytest.approx(0.9, abs=1e-3)
    assert A.impulse_response(16000).size == int(0.4 * 16000)


def test_reverb_matches_scipy_and_keeps_length_and_rms():
    y = _signal(5)
    ir = A.impulse_response(SR)
    out = A.reverb(y, ir)
    ref = scipy.signal.fftconvolve(y, ir)[: y.size]
    assert out.size == y.size
    np.testing.assert_allclose(out / np.sqrt(np.mean(out ** 2)), ref / np.sqrt(np.mean(ref ** 2)),
                               atol=1e-9)
    assert np.sqrt(np.mean(out ** 2)) == pytest.approx(np.sqrt(np.mean(y ** 2)), rel=1e-9)
    # an impulse through the room is the room (scaled)
    imp = np.zeros(SR)
    imp[0] = 1.0
    got = A.reverb(imp, ir)[: ir.size]
    np.testing.assert_allclose(got / got[0], ir / ir[0], atol=1e-6)
    np.testing.assert_array_equal(A.reverb(np.zeros(100), ir), np.zeros(100))


# --- SpecAugment and mixup --------------------------------------------------------------------
@pytest.mark.parametrize("fw,tw", [(0, 0), (5, 0), (0, 7), (8, 10), (64, 1)])
@pytest.mark.parametrize("fill", ["mean", "min", "zero"])
def test_spec_mask_masks_one_band_of_each_width(fw, tw, fill):
    rng = np.random.default_rng(8)
    S = rng.normal(-40, 10, size=(64, 90))
    before = S.copy()
    out = A.spec_mask(S, freq_width=fw, time_width=tw, rng=np.random.default_rng(1), fill=fill)
    value = {"mean": S.mean(), "min": S.min(), "zero": 0.0}[fill]
    # the starts are uniform over every position where the band fits (rows first, then columns)
    draw = np.random.default_rng(1)
    f0, t0 = int(draw.integers(0, 64 - fw + 1)), int(draw.integers(0, 90 - tw + 1))
    expected = S.copy()
    expected[f0:f0 + fw, :] = value
    expected[:, t0:t0 + tw] = value
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_array_equal(S, before)  # the input is not modified


def test_spec_mask_refuses_too_wide():
    with pytest.raises(ValueError, match="fit"):
        A.spec_mask(np.zeros((10, 20)), freq_width=11, time_width=0, rng=np.random.default_rng())


@pytest.mark.parametrize("lam", [0.0, 0.3, 1.0])
def test_mixup(lam):
    x1, x2 = np.ones((4, 5)), np.zeros((4, 5))
    t1, t2 = np.array([1.0, 0, 0]), np.array([0, 0, 1.0])
    x, t = A.mixup(x1, t1, x2, t2, lam)
    np.testing.assert_allclose(x, lam)
    np.testing.assert_allclose(t, [lam, 0, 1 - lam])
    assert t.sum() == pytest.approx(1.0)


def test_mixup_wants_probability_targets():
    with pytest.raises(ValueError, match="one-hot"):
        A.mixup(np.ones(3), np.array([2.0]), np.ones(3), np.array([0.0]), 0.5)
    with pytest.raises(ValueError, match="same"):
        A.mixup(np.ones(3), np.array([1.0, 0]), np.ones(4), np.array([0, 1.0]), 0.5)


# --- loudness ---------------------------------------------------------------------------------
def test_k_weighting_matches_bs1770_table_at_48k():
    (b1, a1), (b2, a2) = A.k_weighting(48000)
    np.testing.assert_allclose(b1, [1.53512485958697, -2.69169618940638, 1.19839281085285],
                               atol=2e-4)
    np.testing.assert_allclose(a1, [1.0, -1.69065929318241, 0.73248077421585], atol=2e-4)
    np.testing.assert_allclose(b2, [1.0, -2.0, 1.0])
    np.testing.assert_allclose(a2, [1.0, -1.99004745483398, 0.99007225036621], atol=2e-5)


def test_reference_tone_reads_minus_3_01_lufs():
    # BS.1770: a 0 dBFS 997 Hz sine in one channel reads -3.01 LKFS
    for sr, tol in ((48000, 0.05), (44100, 0.05), (22050, 0.1)):
        t = np.arange(3 * sr) / sr
        assert A.integrated_loudness(np.sin(2 * np.pi * 997 * t), sr) == pytest.approx(-3.01,
                                                                                        abs=tol)


def test_loudness_gates_silence_and_scales_with_gain():
    t = np.arange(3 * SR) / SR
    tone = 0.1 * np.sin(2 * np.pi * 997 * t)
    with_silence = np.concatenate([tone, np.zeros(6 * SR)])
    # the gates ignore the silence (6 s of it after 3 s of tone): within 0.3 LU of the tone
    # alone (blocks straddling the edge count, a little quieter), while an ungated mean square
    # would drop by 10 * log10(3 / 9) = -4.8 dB
    gated = A.integrated_loudness(with_silence, SR)
    assert gated == pytest.approx(A.integrated_loudness(tone, SR), abs=0.3)
    ungated = A.integrated_loudness(tone, SR) + 10 * np.log10(3 / 9)
    assert gated > ungated + 4
    assert A.integrated_loudness(2 * tone, SR) - A.integrated_loudness(tone, SR) == \
        pytest.approx(20 * np.log10(2), abs=1e-6)
    assert A.integrated_loudness(np.zeros(SR), SR) == float("-inf")


@pytest.mark.parametrize("method,target", [("peak", -1.0), ("rms", -20.0), ("lufs", -23.0)])
def test_normalise_reaches_its_target(method, target):
    y = _signal(6) * 0.3
    out = A.normalise(y, method=method, target_db=target, sr=SR)
    level = {"peak": 20 * np.log10(np.max(np.abs(out))),
             "rms": 10 * np.log10(np.mean(out ** 2)),
             "lufs": A.integrated_loudness(out, SR)}[method]
    assert level == pytest.approx(target, abs=1e-6)
    ratio = out / y  # one gain for the whole clip
    np.testing.assert_allclose(ratio, ratio[0])


def test_normalise_refuses_silence_and_lufs_without_sr():
    with pytest.raises(ValueError, match="zeros"):
        A.normalise(np.zeros(100), target_db=-1)
    with pytest.raises(TypeError, match="sample rate"):
        A.normalise(np.ones(100), method="lufs", target_db=-23)
    with pytest.raises(ValueError, match="method"):
        A.normalise(np.ones(100), method="ebu", target_db=-23)


# --- the augment explorer's view computes through these functions --------------------------
def test_augment_view_matches_the_teaching_chain():
    from helpers.explorers.augment import augment_explorer, augment_view, augment_waveform

    y = _signal(9, n=3 * SR).astype(np.float32)
    x, stretched = augment_waveform(y, SR, snr_db=12.0, rate=1.25, n_steps=2.0)
    ref = librosa.effects.time_stretch(  # pitch_shift works in float64 (its docstring)
        librosa.effects.pitch_shift(y.astype(np.float64), sr=SR, n_steps=2.0), rate=1.25)
    assert stretched == ref.size
    clean = A.pad_or_crop(ref, y.size)
    assert A.snr_db(clean.astype(float), x.astype(float)) == pytest.approx(12.0, abs=1e-3)
    v = augment_view(y, SR, snr_db=12.0, rate=1.25, n_steps=2.0, freq_width=5, time_width=9)
    mel = librosa.power_to_db(librosa.feature.melspectrogram(
        y=v["y"], sr=SR, n_fft=1024, hop_length=256, n_mels=64), ref=1.0)
    masked = v["log_mel"] != mel
    assert masked.all(axis=1).sum() == 5 and masked.all(axis=0).sum() == 9
    np.testing.assert_allclose(v["log_mel"][~masked], mel[~masked], atol=1e-4)
    assert "12 dB SNR" in v["readout"] and "padded" in v["readout"]
    ex = augment_explorer(y, SR)  # every move well under a second on a 3 s clip
    for move in (dict(n_steps=-5.0), dict(rate=0.8), dict(snr_db=0.0), dict(time_width=30)):
        ex.update(**move)
        assert ex.timings[-1]["cpu_ms"] < 1000, (move, ex.timings[-1])
    assert ex.player.value[:4] == b"RIFF"


def test_augment_explorer_blitting_equals_a_full_draw():
    import io

    from PIL import Image

    from helpers.explorers.augment import augment_explorer

    ex = augment_explorer(_signal(10, n=3 * SR).astype(np.float32), SR)
    for move in (dict(snr_db=0.0), dict(freq_width=10, time_width=40),
                 dict(rate=1.5, n_steps=-4.0)):
        ex.update(**move)
        blitted = np.asarray(Image.open(io.BytesIO(ex.png())))
        ex.background_dirty = True
        np.testing.assert_array_equal(blitted, np.asarray(Image.open(io.BytesIO(ex.png()))))
