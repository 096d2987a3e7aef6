"""From clips to model inputs: fixed length, loudness, and data augmentation, in a few lines each.

Every function takes a mono signal (or a feature array) as a NumPy array, checks it with
``helpers.validate`` (so a wrong input gives a sentence, not a traceback from deep inside
librosa) and returns a new array; nothing is changed in place. Randomness always comes from a
``numpy.random.Generator`` the caller passes (``rng=np.random.default_rng(seed)``), so results
repeat.

``tests/test_augment.py`` checks each one against NumPy, SciPy or librosa, and checks the
promises written in the docstrings (lengths, the measured SNR, levels).

Used by: 07_model_inputs (all of it; the ``augment`` explorer), 08_data_decisions.
"""

from __future__ import annotations

import numbers

import numpy as np
import scipy.signal

from .validate import (
    check_choice,
    check_number,
    check_positive_int,
    check_real_array,
    check_signal,
    check_sr,
)

__all__ = [
    "pad_or_crop",
    "gain_db",
    "power",
    "snr_db",
    "add_noise",
    "time_shift",
    "time_stretch",
    "pitch_shift",
    "impulse_response",
    "reverb",
    "spec_mask",
    "mixup",
    "k_weighting",
    "integrated_loudness",
    "normalise",
    "IR_FILE",
]

#: The impulse response shipped with the course (``data/MANIFEST.csv`` row; made by
#: ``data/make_data.py``): a synthetic small room, 0.4 s, 22,050 Hz, mono.
IR_FILE = "impulse_responses/small_room.flac"

_WHERE = ("start", "centre", "random")


def _check_rng(rng, what: str):
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"{what} needs rng=np.random.default_rng(seed) (a numpy Generator), got {rng!r:.40}; "
            "a fixed seed makes the augmentation repeat from run to run."
        )
    return rng


# --- fixed length -----------------------------------------------------------------------------
def pad_or_crop(y, length, *, where: str = "start", rng=None) -> np.ndarray:
    """Return ``y`` with exactly ``length`` samples: cropped if longer, zero-padded if shorter.

    ``where`` chooses which part is kept (crop) or where the signal sits (pad):
    ``"start"`` keeps ``y[:length]`` / pads zeros at the end; ``"centre"`` keeps the middle /
    pads both sides equally (the extra sample, if odd, at the end); ``"random"`` draws the
    offset uniformly from every possible one with ``rng`` (the random crop of training).
    """
    y = check_signal(y)
    length = check_positive_int(length, "length")
    check_choice(where, "where", _WHERE)
    n = y.size
    spare = abs(n - length)
    if where == "start":
        offset = 0
    elif where == "centre":
        offset = spare // 2
    else:
        offset = int(_check_rng(rng, 'where="random"').integers(0, spare + 1))
    if n >= length:
        return y[offset:offset + length].copy()
    return np.pad(y, (offset, spare - offset))


# --- level ------------------------------------------------------------------------------------
def gain_db(y, db) -> np.ndarray:
    """``y`` multiplied by ``10 ** (db / 20)``: +6 dB doubles the amplitude (may exceed 1)."""
    y = check_signal(y)
    db = check_number(db, "db", low=-200, high=200, unit="dB")
    return y * 10 ** (db / 20)


def power(y) -> float:
    """Mean square of the samples, ``np.mean(y ** 2)`` (the "power" in every SNR here)."""
    y = check_signal(y)
    return float(np.mean(np.square(y, dtype=np.float64)))


def snr_db(clean, noisy) -> float:
    """Measured signal-to-noise ratio in dB: ``10 * log10(power(clean) / power(noisy - clean))``."""
    clean, noisy = check_signal(clean, name="clean"), check_signal(noisy, name="noisy")
    if clean.shape != noisy.shape:
        raise ValueError(f"clean and noisy must have the same length, got {clean.size} and "
                         f"{noisy.size} samples.")
    p_noise = power(noisy - clean)
    if p_noise == 0:
        return float("inf")
    return float(10 * np.log10(power(clean) / p_noise))


def add_noise(y, snr_db, *, rng, noise=None) -> np.ndarray:
    """``y`` plus noise scaled so that ``power(y) / power(added noise)`` is ``snr_db`` dB exactly.

    The noise is white Gaussian noise drawn with ``rng``, or the first ``len(y)`` samples of
    ``noise`` (a recording such as rain or a crowd; it must be at least as long as ``y``). Powers
    are mean squares over the whole clip (silence included), so ``snr_db(y, result)`` returns
    ``snr_db`` to rounding error. A silent ``y`` has no SNR and is refused.
    """
    y = check_signal(y)
    snr = check_number(snr_db, "snr_db", low=-100, high=200, unit="dB")
    _check_rng(rng, "add_noise")
    if noise is None:
        n = rng.standard_normal(y.size)
    else:
        n = check_signal(noise, name="noise", allow_silent=False)
        if n.size < y.size:
            raise ValueError(f"noise has {n.size} samples but y has {y.size}; give a noise "
                             "recording at least as long as the signal (or tile it first).")
        n = np.asarray(n[:y.size], dtype=np.float64)
    p_signal = power(y)
    if p_signal == 0:
        raise ValueError("y is silent (all zeros): a signal-to-noise ratio needs signal power > 0.")
    p_noise = float(np.mean(n ** 2))
    if p_noise == 0:
        raise ValueError("the first len(y) samples of noise are all zeros; choose another part.")
    scale = np.sqrt(p_signal / (p_noise * 10 ** (snr / 10)))
    return (y + scale * n).astype(y.dtype, copy=False)


# --- time -------------------------------------------------------------------------------------
def time_shift(y, n_samples, *, wrap: bool = False) -> np.ndarray:
    """``y`` moved ``n_samples`` later (negative: earlier), same length.

    ``wrap=False`` fills the gap with zeros and drops what falls off the end; ``wrap=True``
    rolls the samples round (``np.roll``), so what falls off one end comes back at the other.
    """
    y = check_signal(y)
    if isinstance(n_samples, bool) or not isinstance(n_samples, numbers.Integral):
        raise TypeError(f"n_samples must be a whole number of samples, got {n_samples!r}; "
                        "for seconds use int(round(seconds * sr)).")
    k = int(n_samples)
    if wrap:
        return np.roll(y, k)
    out = np.zeros_like(y)
    if abs(k) >= y.size:
        return out
    if k >= 0:
        out[k:] = y[:y.size - k]
    else:
        out[:k] = y[-k:]
    return out


def time_stretch(y, rate) -> np.ndarray:
    """``librosa.effects.time_stretch(y, rate=rate)``: faster (rate > 1) or slower, same pitch.

    Length policy (the same for every function here that changes duration): the result is what
    librosa returns, about ``len(y) / rate`` samples; follow it with ``pad_or_crop`` when the
    model needs a fixed length. ``pitch_shift`` keeps ``len(y)``.
    """
    import librosa

    y = check_signal(y, min_length=2048)
    rate = check_number(rate, "rate", low=0.25, high=4.0)
    return librosa.effects.time_stretch(y, rate=rate)


def pitch_shift(y, sr, n_steps) -> np.ndarray:
    """``librosa.effects.pitch_shift(y, sr=sr, n_steps=n_steps)``: up or down by ``n_steps``
    semitones (12 = one octave), same duration; the result has ``len(y)`` samples.

    The clip goes in as float64: with float32 input, librosa 1.0.1's phase vocoder (its numba
    ``phasor``) can warn "invalid value encountered in cast" in a Jupyter kernel; in float64
    there is no cast and no warning (the float32 result is finite and differs only by the
    float32 rounding of the phase, under 0.3 % of the peak)."""
    import librosa

    y = np.asarray(check_signal(y, min_length=2048), dtype=np.float64)
    sr = check_sr(sr)
    n_steps = check_number(n_steps, "n_steps", low=-24, high=24, unit="semitones")
    return librosa.effects.pitch_shift(y, sr=sr, n_steps=n_steps)


# --- reverberation ----------------------------------------------------------------------------
def impulse_response(sr: int = 22050) -> np.ndarray:
    """The course's impulse response (``IR_FILE``), resampled to ``sr``, peak as stored (0.9)."""
    from . import data
    from .audio import load

    sr = check_sr(sr)
    ir, _ = load(data.path(IR_FILE), sr=sr)
    return ir


def reverb(y, ir) -> np.ndarray:
    """``y`` convolved with the impulse response ``ir`` (``scipy.signal.fftconvolve``).

    Length policy: the result is trimmed to ``len(y)`` (the tail that rings on after the end
    is dropped, as for a fixed-length model input). Level policy: the result is scaled to the
    RMS of ``y``, so reverberation changes the sound, not the loudness (a silent ``y`` stays
    silent).
    """
    y = check_signal(y)
    ir = check_signal(ir, name="ir", allow_silent=False)
    wet = scipy.signal.fftconvolve(y, ir, mode="full")[:y.size]
    p_dry, p_wet = power(y), float(np.mean(wet ** 2))
    if p_dry == 0 or p_wet == 0:
        return np.zeros_like(y)
    return (wet * np.sqrt(p_dry / p_wet)).astype(y.dtype, copy=False)


# --- on features --------------------------------------------------------------------------------
def spec_mask(S, *, freq_width, time_width, rng, fill: str = "mean") -> np.ndarray:
    """SpecAugment-style masking: one band of ``freq_width`` rows and one band of
    ``time_width`` columns of ``S`` (a log-mel, mel bands x frames) replaced by ``fill``.

    Each band's start is drawn uniformly with ``rng`` from every position where it fits; a width
    of 0 masks nothing. ``fill="mean"`` uses the mean of ``S`` (a log-mel in dB has no natural
    zero), ``"min"`` its minimum, ``"zero"`` 0. (SpecAugment itself also draws each width at
    random up to a maximum, and may use several bands; here the widths are given exactly.)
    """
    S = check_real_array(S, name="S", ndim=2, layout="bands x frames")
    n_f, n_t = S.shape
    fw = check_positive_int(freq_width, "freq_width", minimum=0)
    tw = check_positive_int(time_width, "time_width", minimum=0)
    if fw > n_f or tw > n_t:
        raise ValueError(f"mask widths ({fw} bands, {tw} frames) must fit in S of shape {S.shape} "
                         "(bands x frames).")
    check_choice(fill, "fill", ("mean", "min", "zero"))
    _check_rng(rng, "spec_mask")
    value = {"mean": S.mean(), "min": S.min(), "zero": 0.0}[fill]
    out = np.array(S, dtype=np.float64 if S.dtype != np.float32 else np.float32)
    f0 = int(rng.integers(0, n_f - fw + 1))
    t0 = int(rng.integers(0, n_t - tw + 1))
    out[f0:f0 + fw, :] = value
    out[:, t0:t0 + tw] = value
    return out


def mixup(x1, t1, x2, t2, lam):
    """Mixup: ``(lam * x1 + (1 - lam) * x2, lam * t1 + (1 - lam) * t2)``.

    ``x1, x2``: two examples of the same shape (waveforms or features); ``t1, t2``: their
    targets as one-hot or probability vectors (not class numbers: 0.3 * class 2 means nothing).
    ``lam`` in [0, 1] is usually drawn from a Beta(alpha, alpha) distribution.
    """
    x1, x2 = np.asarray(x1, dtype=float), np.asarray(x2, dtype=float)
    if x1.shape != x2.shape or x1.size == 0:
        raise ValueError(f"x1 and x2 must have the same, non-empty shape, got {x1.shape} and "
                         f"{x2.shape}; bring them to one length first (pad_or_crop).")
    t1 = check_real_array(t1, name="t1", ndim=1, layout="one probability per class")
    t2 = check_real_array(t2, name="t2", ndim=1, layout="one probability per class")
    if t1.shape != t2.shape:
        raise ValueError(f"t1 and t2 must have one entry per class each, got {t1.shape} and "
                         f"{t2.shape}.")
    for name, t in (("t1", t1), ("t2", t2)):
        if np.any(t < 0) or not np.isclose(t.sum(), 1.0):
            raise ValueError(f"{name} must be a one-hot or probability vector (entries >= 0 "
                             f"summing to 1), got {np.round(t, 3).tolist()}.")
    lam = check_number(lam, "lam", low=0.0, high=1.0)
    return lam * x1 + (1 - lam) * x2, lam * t1 + (1 - lam) * t2


# --- loudness -----------------------------------------------------------------------------------
def k_weighting(sr: int):
    """The two K-weighting biquads of ITU-R BS.1770 at sample rate ``sr``, as ``[(b, a), (b, a)]``:
    a +4 dB high shelf above ~1.5 kHz (the head) and a high-pass at ~38 Hz (RLB curve).

    The standard gives coefficients for 48 kHz only; these are the analogue prototypes'
    parameters (as fitted by pyloudnorm) recomputed for ``sr`` with the Audio EQ Cookbook; at
    48 kHz they match the standard's table to 4 decimals.
    """
    sr = check_sr(sr)

    def shelf(g_db, fc, q):
        a = 10 ** (g_db / 40)
        w0 = 2 * np.pi * fc / sr
        alpha, c = np.sin(w0) / (2 * q), np.cos(w0)
        b = [a * ((a + 1) + (a - 1) * c + 2 * np.sqrt(a) * alpha),
             -2 * a * ((a - 1) + (a + 1) * c),
             a * ((a + 1) + (a - 1) * c - 2 * np.sqrt(a) * alpha)]
        den = [(a + 1) - (a - 1) * c + 2 * np.sqrt(a) * alpha,
               2 * ((a - 1) - (a + 1) * c),
               (a + 1) - (a - 1) * c - 2 * np.sqrt(a) * alpha]
        return np.array(b) / den[0], np.array(den) / den[0]

    def highpass(fc, q):
        w0 = 2 * np.pi * fc / sr
        alpha, c = np.sin(w0) / (2 * q), np.cos(w0)
        den = [1 + alpha, -2 * c, 1 - alpha]
        return np.array([1.0, -2.0, 1.0]), np.array(den) / den[0]  # numerator as in BS.1770

    return [shelf(4.0, 1500.0, 0.7071752369554193),
            highpass(38.13547087613982, 0.5003270373253953)]


def integrated_loudness(y, sr: int) -> float:
    """Integrated loudness of a mono signal in LUFS, following ITU-R BS.1770-4.

    Steps: K-weighting filter; mean square in 400 ms blocks overlapping by 75 %; blocks below
    -70 LUFS dropped (absolute gate), then blocks more than 10 LU below the mean of the rest
    dropped (relative gate); ``-0.691 + 10 * log10(mean square of the blocks kept)``. A clip
    shorter than 400 ms is measured as one block. Not a certified meter: for stereo or 5.1 the
    standard also weights and sums the channels. Returns ``-inf`` when every block is gated out.
    """
    y = check_signal(y)
    sr = check_sr(sr)
    z = np.asarray(y, dtype=np.float64)
    for b, a in k_weighting(sr):
        z = scipy.signal.lfilter(b, a, z)
    block, step = int(round(0.4 * sr)), int(round(0.1 * sr))
    if z.size <= block:
        ms = np.array([np.mean(z ** 2)])
    else:
        starts = np.arange(0, z.size - block + 1, step)
        sq = np.concatenate([[0.0], np.cumsum(z ** 2)])
        ms = (sq[starts + block] - sq[starts]) / block
    with np.errstate(divide="ignore"):
        level = -0.691 + 10 * np.log10(ms)
    kept = ms[level > -70.0]
    if kept.size == 0:
        return float("-inf")
    relative = -0.691 + 10 * np.log10(kept.mean()) - 10.0
    with np.errstate(divide="ignore"):
        kept = kept[-0.691 + 10 * np.log10(kept) > relative]
    return float(-0.691 + 10 * np.log10(kept.mean()))


def normalise(y, *, method: str = "peak", target_db, sr: int | None = None) -> np.ndarray:
    """``y`` scaled by one gain so that its level is ``target_db``.

    ``method="peak"``: the largest ``|sample|`` becomes ``10 ** (target_db / 20)`` (dBFS);
    ``"rms"``: ``20 * log10(rms)`` becomes ``target_db`` (dBFS, may push peaks above 1);
    ``"lufs"``: ``integrated_loudness(y, sr)`` becomes ``target_db`` LUFS (needs ``sr``).
    A silent signal has no level to scale and is refused.
    """
    y = check_signal(y, allow_silent=False)
    check_choice(method, "method", ("peak", "rms", "lufs"))
    target = check_number(target_db, "target_db", low=-120, high=40, unit="dB")
    if method == "peak":
        level = 20 * np.log10(np.max(np.abs(y)))
    elif method == "rms":
        level = 10 * np.log10(power(y))
    else:
        if sr is None:
            raise TypeError('method="lufs" needs the sample rate: normalise(y, method="lufs", '
                            "target_db=-23, sr=sr).")
        level = integrated_loudness(y, sr)
        if not np.isfinite(level):
            raise ValueError("the clip is quieter than -70 LUFS everywhere (all blocks gated "
                             "out); it has no integrated loudness to normalise.")
    return (y * 10 ** ((target - level) / 20)).astype(y.dtype, copy=False)
