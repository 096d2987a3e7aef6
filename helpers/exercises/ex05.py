"""Exercise checks of notebook 05 (MFCCs).

1. ``check_mel_octave(answer)``: a value, the width in mel of the octave 4000 -> 8000 Hz on
   librosa's default (Slaney) mel scale, to 0.1 mel.
2. ``check_mfcc_from_logmel(fn)``: ``fn(L, n_mfcc)``, the orthonormal DCT-II of a log-mel
   matrix along the mel axis, first ``n_mfcc`` rows; run on fresh log-mel matrices.
3. ``check_add_deltas(fn)``: ``fn(C)``, the MFCCs stacked with their deltas and delta-deltas
   as ``librosa.feature.delta`` computes them (width 9, order 1 and order 2).
4. ``check_standardise_coefficients(fn)``: ``fn(C)``, each row standardised over time
   (ddof=0 and ddof=1 both accepted; a constant row must not give NaN).
5. ``check_seed_mfcc_plot(fn)``: ``fn(signal, sample_rate, ax)``, the original tutorial's
   MFCC code fixed: keyword call, a time axis in seconds, coefficient tick values, a unit on
   the colourbar, c0 not dominating the colour scale; run on two fresh signals.

Each named mistake has its own :class:`Hint` with a ``mistake`` id (``tests/test_exercises_05.py``
checks every one).
"""

from __future__ import annotations

import re
import textwrap

import numpy as np
import scipy.fft

from ._core import (
    Hint,
    array,
    call,
    close,
    correct,
    exercise,
    is_placeholder,
    number,
    stop_unanswered,
    stop_wrong,
)

__all__ = ["check_mel_octave", "check_mfcc_from_logmel", "check_add_deltas",
           "check_standardise_coefficients", "check_seed_mfcc_plot"]


# ---------------------------------------------------------------------------------------------
# shared: fresh inputs, and a way to name an error the learner's function raises
# ---------------------------------------------------------------------------------------------
def _fresh_logmel(n_mels: int, n_frames: int, seed: int) -> np.ndarray:
    """A log-mel-like matrix (dB re 1): a smooth random spectral envelope per frame that drifts
    over time, some fine ripple, clipped 80 dB below its maximum like ``power_to_db``."""
    rng = np.random.default_rng(seed)
    m = np.linspace(0, 1, n_mels)[:, None]
    tilt = -40 * m * rng.uniform(0.5, 1.5, n_frames)
    bumps = sum(rng.normal(0, 6, n_frames) * np.cos(np.pi * k * m) for k in range(1, 5))
    ripple = 3 * np.cos(2 * np.pi * m * rng.uniform(8, 20)) * rng.uniform(0, 1, n_frames)
    L = -30 + rng.normal(0, 5, n_frames) + tilt + bumps + ripple + rng.normal(0, 1.5, (n_mels,
                                                                                    n_frames))
    return np.maximum(L, L.max() - 80.0)


def _fresh_mfcc(n_mfcc: int, n_frames: int, seed: int) -> np.ndarray:
    """MFCC-like rows: a large negative c0, smaller higher coefficients, moving over time."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_frames)
    scales = 60.0 / (1 + np.arange(n_mfcc))
    rows = [rng.normal(0, 1) * s * np.sin(2 * np.pi * t / rng.uniform(6, 40) + rng.uniform(0, 6))
            + rng.normal(0, 0.3 * s, n_frames) for s in scales]
    C = np.array(rows)
    C[0] += -300.0
    return C


def _call_named(fn, rules, *args):
    """Call the learner's function; an error whose text matches a rule's regex is that rule's
    named mistake."""
    return call(fn, *args, known_errors=dict(rules))


# ---------------------------------------------------------------------------------------------
# 1. the mel scale: one octave, in mel
# ---------------------------------------------------------------------------------------------
def _slaney(f: float) -> float:
    return f / (200 / 3) if f < 1000 else 15 + 27 * np.log(f / 1000) / np.log(6.4)


def _htk(f: float) -> float:
    return 2595 * np.log10(1 + f / 700)


@exercise("05.1")
def check_mel_octave(answer):
    """05, exercise 1: how many mel wide is the octave 4000 -> 8000 Hz on the Slaney scale?"""
    x = number(answer, what="one number of mel")
    truth = _slaney(8000) - _slaney(4000)  # 27 ln 2 / ln 6.4 = 10.08 mel
    if abs(x - truth) <= 0.05 + 1e-9:
        return correct(f"{truth:.2f} mel = 27 ln 2 / ln 6.4. Above 1 kHz the Slaney scale is "
                       "logarithmic, so every octave there is the same 10.08 mel wide (and every "
                       "semitone 0.84 mel).")
    if abs(x + truth) <= 0.05:
        stop_wrong(Hint("the sign: the higher frequency has the larger mel value, so the width "
                        "mel(8000) - mel(4000) is positive.", mistake="sign"))
    if abs(x - (_htk(8000) - _htk(4000))) <= 1 or abs(x + _htk(8000) - _htk(4000)) <= 1:
        stop_wrong(Hint("that is the width on the HTK scale (2595 log10(1 + f/700)); this "
                        "exercise asks for librosa's default, the Slaney scale.",
                        "Slaney: linear f / (200/3) below 1 kHz, then 15 + 27 ln(f/1000) / ln 6.4.",
                        "librosa.hz_to_mel(8000.0) - librosa.hz_to_mel(4000.0)  # htk=False",
                        mistake="htk"))
    if abs(x - 4000 / (200 / 3)) <= 0.5:
        stop_wrong(Hint("you used the linear part, f / (200/3), above 1 kHz. The Slaney scale is "
                        "linear only below 1000 Hz (= 15 mel) and logarithmic above.",
                        "Above 1 kHz: m = 15 + 27 ln(f / 1000) / ln 6.4.", mistake="linear"))
    if any(abs(x - v) <= 0.5 for v in (_slaney(8000), _slaney(4000), _htk(8000), _htk(4000))):
        stop_wrong(Hint("that is the mel value of one end of the octave; the question asks for "
                        "the width: mel(8000 Hz) - mel(4000 Hz).", mistake="one-end"))
    if abs(x - 4000) <= 1:
        stop_wrong(Hint("4000 is the width in hertz; convert both ends to mel first, then "
                        "subtract.", mistake="hertz"))
    if abs(x - truth) <= 0.2:
        stop_wrong(Hint(f"close, but the question asks for 0.1 mel: {x:g} is more than 0.05 away."
                        " Compute it with the formula rather than reading it off a plot.",
                        mistake="precision"))
    stop_wrong(Hint("convert 4000 Hz and 8000 Hz to mel on the Slaney scale (librosa's "
                    "default, htk=False), then subtract.",
                    "Above 1 kHz: m = 15 + 27 ln(f / 1000) / ln 6.4.",
                    "librosa.hz_to_mel(8000.0) - librosa.hz_to_mel(4000.0)", mistake="other"))


# ---------------------------------------------------------------------------------------------
# 2. MFCCs from a log-mel matrix: the DCT
# ---------------------------------------------------------------------------------------------
_DCT_CASES = [(40, 57, 13), (128, 31, 20), (26, 26, 13), (64, 1, 5)]


def _dct(L, *, type=2, norm="ortho", axis=0):
    return scipy.fft.dct(L, type=type, norm=norm, axis=axis)


@exercise("05.2")
def check_mfcc_from_logmel(fn):
    """05, exercise 2: ``fn(L, n_mfcc)`` -> orthonormal DCT-II along the mel axis, first rows."""
    for n_mels, n_frames, n_mfcc in _DCT_CASES:
        L = _fresh_logmel(n_mels, n_frames, seed=n_mels * 1000 + n_frames)
        out = array(call(fn, L.copy(), n_mfcc), what="a 2-D array (coefficients, frames)")
        full = _dct(L)
        ref = full[:n_mfcc]
        where = f"(a log-mel matrix of shape {L.shape}, n_mfcc={n_mfcc})"
        # float32 arithmetic (librosa's own dtype for float32 audio) is a correct variant: its
        # rounding is ~1e-7 of the largest value; every named mistake differs by far more
        if out.shape == ref.shape and close(out, ref, rtol=1e-5,
                                            atol=1e-5 * np.abs(ref).max()):
            continue
        scale = {"atol": 1e-6 * np.abs(ref).max(), "rtol": 1e-5}
        if out.shape == ref.shape and close(out, full[1:n_mfcc + 1], **scale):
            stop_wrong(Hint("you left out c0: the MFCCs of a frame start with c0 (its overall "
                            "level). Leaving c0 out is a choice for the colour scale of a plot "
                            "or for a model, not part of computing the coefficients.",
                            "Keep rows 0 .. n_mfcc - 1 of the DCT.", mistake="skipped-c0"))
        if out.shape == ref.shape:
            import librosa

            if close(out, _dct(librosa.power_to_db(L))[:n_mfcc], **scale):
                stop_wrong(Hint("L is already in dB (a LOG-mel matrix): converting it to dB "
                                "again takes the log of a log. Apply the DCT to L as it is.",
                                "The input of this function is the output of power_to_db.",
                                mistake="db-twice"))
        if close(out, L[:n_mfcc], **scale):
            stop_wrong(Hint(f"these are the first {n_mfcc} mel bands, not coefficients: the MFCCs "
                            "come from a DCT of each frame's whole log-mel spectrum.",
                            "Apply the DCT-II to every column (frame), then keep the first rows.",
                            "scipy.fft.dct(L, type=2, norm='ortho', axis=0)[:n_mfcc]",
                            mistake="first-bands"))
        if out.shape == full.shape and close(out, full, **scale):
            stop_wrong(Hint(f"you kept all {n_mels} DCT rows; MFCCs keep only the first n_mfcc "
                            "(the slow ripples of the log spectrum: its spectral envelope).",
                            "Slice the rows: [:n_mfcc].", mistake="all-rows"))
        if out.shape == ref.shape and close(out, full[-n_mfcc:], **scale):
            stop_wrong(Hint("you kept the LAST n_mfcc rows (the fastest ripples); MFCCs are the "
                            "first rows: c0, c1, ... the slowest.", mistake="last-rows"))
        if out.shape == ref.T.shape and n_mfcc != n_frames and close(out, ref.T, **scale):
            stop_wrong(Hint(f"right numbers, transposed: return shape (n_mfcc, frames) = "
                            f"{ref.shape}, like librosa.feature.mfcc.", mistake="transposed"))
        if out.shape == ref.shape and n_frames > 1 and (
                close(out, _dct(L, axis=1)[:n_mfcc], **scale)
                or close(out, _dct(L, axis=-1)[:n_mfcc], **scale)):
            stop_wrong(Hint("the DCT ran along the time axis. Each frame (column) is one log "
                            "spectrum: transform along the mel axis, axis=0.",
                            "scipy.fft.dct works along the last axis unless you say axis=0.",
                            mistake="wrong-axis"))
        if out.shape == ref.shape and close(out, _dct(L, norm=None)[:n_mfcc], **scale):
            stop_wrong(Hint("the scaling: scipy's DCT-II is not orthonormal by default (it "
                            "multiplies by 2), so the values are not librosa's MFCCs and the "
                            "energy is not preserved.",
                            "Ask scipy for the orthonormal scaling, librosa's default for MFCCs.",
                            "scipy.fft.dct(..., norm='ortho')", mistake="no-ortho"))
        for t in (1, 3, 4):
            for norm in ("ortho", None):
                try:
                    alt = _dct(L, type=t, norm=norm)[:n_mfcc]
                except ValueError:  # DCT-I needs more than one point
                    continue
                if out.shape == ref.shape and close(out, alt, **scale):
                    stop_wrong(Hint(f"that is a DCT of type {t}; MFCCs use type 2 (DCT-II), "
                                    "librosa's dct_type=2. (scipy's idct of type 2 is a DCT-III.)",
                                    mistake="dct-type"))
        if out.shape != ref.shape:
            stop_wrong(Hint(f"for {where} expected shape {ref.shape} (n_mfcc, frames), got "
                            f"{out.shape}.", mistake="wrong-shape"))
        stop_wrong(Hint(f"the values differ from the orthonormal DCT-II along the mel axis for "
                        f"{where}.",
                        "c_k = alpha_k * sum_m L[m] cos(pi k (2m + 1) / (2M)), alpha_0 = sqrt(1/M),"
                        " alpha_k = sqrt(2/M): one column (frame) at a time.",
                        "scipy.fft.dct(L, type=2, norm='ortho', axis=0)[:n_mfcc]",
                        mistake="other"))
    return correct("The DCT-II (orthonormal) along the mel axis, first n_mfcc rows: the same "
                   "numbers as librosa.feature.mfcc(S=L, n_mfcc=...), on 4 log-mel matrices you "
                   "had not seen.")


# ---------------------------------------------------------------------------------------------
# 3. deltas and delta-deltas, stacked
# ---------------------------------------------------------------------------------------------
_DELTA_CASES = [(13, 40), (20, 9), (5, 101)]


def _delta(C, *, order=1, width=9, axis=-1):
    import librosa

    return librosa.feature.delta(C, order=order, width=width, axis=axis)


@exercise("05.3")
def check_add_deltas(fn):
    """05, exercise 3: ``fn(C)`` -> ``vstack([C, delta, delta-delta])`` (librosa, width 9)."""
    for n, T in _DELTA_CASES:
        C = _fresh_mfcc(n, T, seed=7 * n + T)
        d1, d2 = _delta(C), _delta(C, order=2)
        ref = np.vstack([C, d1, d2])
        out = array(call(fn, C.copy()), what="a 2-D array (3 * n_mfcc, frames)")
        where = f"MFCCs of shape {C.shape}"
        scale = {"rtol": 1e-5, "atol": 1e-6 * np.abs(ref).max()}
        if out.shape == ref.shape and close(out, ref, **scale):
            continue
        if out.shape == (n, 3 * T):
            stop_wrong(Hint(f"the blocks are side by side in time (shape {out.shape}); stack them "
                            f"as rows, one block under the other: shape {ref.shape}.",
                            "np.vstack (or np.concatenate(..., axis=0)), not np.hstack.",
                            mistake="hstack"))
        if out.shape == (2 * n, T):
            stop_wrong(Hint("only two blocks: keep the MFCCs themselves as the first block, then "
                            "the deltas, then the delta-deltas (3 * n_mfcc rows).",
                            mistake="missing-static"))
        if out.shape != ref.shape:
            stop_wrong(Hint(f"for {where} expected shape {ref.shape} (MFCCs, deltas, "
                            f"delta-deltas as rows; same frames), got {out.shape}.",
                            "np.diff shortens the time axis; librosa.feature.delta keeps it.",
                            mistake="wrong-shape"))
        blocks = [out[:n], out[n:2 * n], out[2 * n:]]
        if close(np.vstack(sorted(blocks, key=lambda b: b.sum())),
                 np.vstack(sorted([C, d1, d2], key=lambda b: b.sum())), **scale):
            stop_wrong(Hint("the right three blocks in the wrong order: MFCCs first, then deltas "
                            "(order 1), then delta-deltas (order 2).", mistake="stack-order"))
        if not close(blocks[0], C, **scale):
            stop_wrong(Hint("the first block must be the MFCCs themselves, unchanged.",
                            mistake="static-changed"))
        if n >= 9 and close(blocks[1], _delta(C, axis=0), **scale):
            stop_wrong(Hint("the deltas run along the coefficient axis: a delta is the change of "
                            "each coefficient over TIME (along the frames, axis=-1, librosa's "
                            "default).", mistake="wrong-axis"))
        if close(blocks[1], d1, **scale) and close(blocks[2], _delta(d1), **scale):
            stop_wrong(Hint("the delta-deltas are the delta applied twice. librosa's order=2 "
                            "fits a parabola to 9 frames and takes its second derivative; the "
                            "delta of the delta (HTK's convention) spans 17 frames and gives "
                            "different numbers. This exercise asks for librosa's.",
                            "Ask librosa for the second-order delta of C itself.",
                            "librosa.feature.delta(C, order=2)", mistake="delta-twice"))
        for w in (3, 5, 7, 11):
            if T >= w and close(blocks[1], _delta(C, width=w), **scale):
                stop_wrong(Hint(f"your deltas use width={w}; this exercise asks for librosa's "
                                "default width=9 (9 frames, about 0.21 s at hop 512 and "
                                "22,050 Hz).", mistake="width"))
        if close(blocks[1], np.gradient(C, axis=1), **scale) or close(
                blocks[1], np.gradient(C, axis=-1) / 2, **scale):
            stop_wrong(Hint("that is a two-point difference (np.gradient): the delta of "
                            "speech/music features is a regression over 9 frames, which smooths "
                            "the noise out.", "librosa.feature.delta(C) (width=9).",
                            mistake="simple-difference"))
        if close(blocks[1][:, 4:-4], d1[:, 4:-4], **scale) and close(
                blocks[2][:, 4:-4], d2[:, 4:-4], **scale):
            stop_wrong(Hint("right in the middle, different in the first and last 4 frames. "
                            "librosa.feature.delta (mode='interp') fits its polynomial to the "
                            "first/last 9 frames there; padding (repeating edge frames) gives "
                            "other numbers.", "Use librosa.feature.delta with its default "
                            "mode.", mistake="edges"))
        stop_wrong(Hint(f"the deltas differ from librosa.feature.delta for {where}.",
                        "Deltas: order=1; delta-deltas: order=2; both width=9, along time.",
                        "np.vstack([C, librosa.feature.delta(C), librosa.feature.delta(C, "
                        "order=2)])", mistake="other"))
    return correct("MFCCs, deltas and delta-deltas stacked as rows (3 * n_mfcc, frames), on 3 "
                   "MFCC matrices you had not seen (including one only 9 frames long).")


# ---------------------------------------------------------------------------------------------
# 4. per-coefficient standardisation
# ---------------------------------------------------------------------------------------------
_STD_CASES = [(13, 40), (39, 6), (12, 12)]


def _zscore(C, axis=1, ddof=0):
    mu = C.mean(axis=axis, keepdims=True)
    sd = C.std(axis=axis, ddof=ddof, keepdims=True)
    return (C - mu) / sd


@exercise("05.4")
def check_standardise_coefficients(fn):
    """05, exercise 4: ``fn(C)`` -> each row (coefficient) standardised over time."""
    keepdims = Hint("the statistics lost their axis: C.mean(axis=1) has shape (n,), which "
                    "NumPy lines up with the LAST axis (frames) of C. Keep one value per row.",
                    "keepdims=True (or mean[:, None]) gives shape (n, 1).", mistake="keepdims")
    rules = [(r"operands could not be broadcast", keepdims)]
    used_ddof1 = False
    smallest_k = 1.0
    for n, T in _STD_CASES:
        C = _fresh_mfcc(n, T, seed=100 + n * T)
        out = _call_named(fn, rules, C.copy())
        if isinstance(out, tuple):
            stop_wrong(Hint("return only the standardised array (not a tuple with the mean and "
                            "std).", mistake="tuple"))
        out = array(out, what="a 2-D array (coefficients, frames)")
        ref = _zscore(C)
        if out.shape != C.shape:
            stop_wrong(Hint(f"the result must keep the shape of C, {C.shape}; got {out.shape}.",
                            mistake="wrong-shape"))
        # 1e-4: float32 arithmetic passes; ddof=0 vs 1 differ by >= 1 % on these short rows
        if close(out, ref, rtol=1e-4, atol=1e-4):
            continue
        if close(out, _zscore(C, ddof=1), rtol=1e-4, atol=1e-4):
            used_ddof1 = True
            continue
        if close(out, _zscore(C, axis=0), rtol=1e-5, atol=1e-6) or close(
                out, _zscore(C, axis=0, ddof=1), rtol=1e-5, atol=1e-6):
            stop_wrong(Hint("you standardised each FRAME across its coefficients (axis=0). Each "
                            "coefficient (row) has its own scale: c0 is hundreds, c12 a few "
                            "units; standardise each row over time, axis=1.",
                            "mean and std with axis=1, keepdims=True.", mistake="wrong-axis"))
        if close(out, (C - C.mean()) / C.std(), rtol=1e-5, atol=1e-6) or close(
                out, (C - C.mean()) / C.std(ddof=1), rtol=1e-5, atol=1e-6):
            stop_wrong(Hint("one mean and one std for the whole matrix leaves c0 as large as "
                            "before relative to the others: use one mean and one std per "
                            "coefficient (row).", mistake="global-stats"))
        mu = C.mean(axis=1, keepdims=True)
        if close(out, C - mu, rtol=1e-5, atol=1e-6):
            stop_wrong(Hint("centred, but not scaled: divide each row by its standard deviation "
                            "as well.", mistake="only-centred"))
        if close(out, (C - mu) / C.var(axis=1, keepdims=True), rtol=1e-5, atol=1e-6):
            stop_wrong(Hint("you divided by the variance; divide by the standard deviation "
                            "(its square root).", mistake="variance"))
        lo, hi = C.min(axis=1, keepdims=True), C.max(axis=1, keepdims=True)
        if close(out, (C - lo) / (hi - lo), rtol=1e-5, atol=1e-6) or close(
                out, 2 * (C - lo) / (hi - lo) - 1, rtol=1e-5, atol=1e-6):
            stop_wrong(Hint("that is min-max scaling: one loud frame sets the scale. This "
                            "exercise asks for standardisation: mean 0 and standard deviation 1 "
                            "per row.", mistake="min-max"))
        # an eps added to the std scales each row by std / (std + eps) <= 1: within 1 % that is a
        # correct standardisation in practice (accepted, with a note); beyond, a named mistake
        k = (out * ref).sum(axis=1) / (ref * ref).sum(axis=1)  # per-row scale vs the answer
        scaled = np.all((k > 0.8) & (k <= 1)) and close(out, ref * k[:, None], rtol=1e-4,
                                                        atol=1e-4)
        if scaled and k.min() >= 0.99:
            smallest_k = min(smallest_k, float(k.min()))
            continue
        if scaled:
            stop_wrong(Hint(f"almost: each row is centred, but its standard deviation comes out "
                            f"as {k.min():.4f} .. {k.max():.4f}, not 1. The small number you add "
                            "to the std (to avoid dividing by 0) is too large for rows with a "
                            "small spread.",
                            "Guard only the rows whose std is 0, or use a tiny eps (1e-8).",
                            "np.where(std > 0, std, 1.0)", mistake="eps-too-large"))
        if n == T and (close(out, (C - C.mean(axis=1)) / C.std(axis=1), rtol=1e-5, atol=1e-6)
                       or close(out, (C - C.mean(axis=0)) / C.std(axis=0), rtol=1e-5,
                                atol=1e-6)):
            stop_wrong(keepdims)
        stop_wrong(Hint(f"for C of shape {C.shape}, each row should end with mean 0 and "
                        "standard deviation 1 over time.",
                        "Subtract each row's mean, divide by each row's std (axis=1).",
                        "(C - C.mean(axis=1, keepdims=True)) / C.std(axis=1, keepdims=True)",
                        mistake="other"))
    # edge case: a coefficient that never changes (e.g. a silent band region)
    C = _fresh_mfcc(13, 30, seed=5)
    C[4] = 7.0
    out = array(_call_named(fn, rules, C.copy()), what="a 2-D array (coefficients, frames)")
    if not np.all(np.isfinite(out)):
        stop_wrong(Hint("one of the rows is constant (std 0), and your function divides by 0 "
                        "there: NaN or inf would poison a network's training. Leave such a row "
                        "centred (all zeros).",
                        "Divide by np.where(std > 0, std, 1.0), or add a tiny eps to std.",
                        mistake="constant-row"))
    if not (np.allclose(out[4], 0, atol=1e-6)):
        stop_wrong(Hint("a constant row should come out as all zeros (centred, nothing to "
                        "scale).", mistake="constant-row"))
    msg = ("Each row has mean 0 and standard deviation 1 over time, checked on 3 matrices you "
           "had not seen and on one with a constant row.")
    if used_ddof1:
        msg += (" You used ddof=1 (the sample standard deviation): accepted. It differs from "
                "ddof=0 (NumPy's and scikit-learn's StandardScaler's default) by a factor "
                "sqrt(T / (T - 1)) for T frames: 10 % at 6 frames, 0.1 % at 500. What matters "
                "is to use the same statistics for training and test data.")
    if smallest_k < 1 - 1e-4:
        msg += (f" Your rows end with a standard deviation of {smallest_k:.4f} .. 1 (the eps you "
                "add to the std): close enough. Guarding only the rows whose std is 0, e.g. "
                "np.where(std > 0, std, 1.0), gives exactly 1.")
    return correct(msg)


# ---------------------------------------------------------------------------------------------
# 5. the original tutorial's MFCC code, fixed
# ---------------------------------------------------------------------------------------------
SEED_CODE = textwrap.dedent("""\
    MFCCs = librosa.feature.mfcc(signal, sample_rate, n_fft=2048, hop_length=512, n_mfcc=13)
    librosa.display.specshow(MFCCs, sr=sample_rate, hop_length=hop_length)
    plt.xlabel("Time")
    plt.ylabel("MFCC coefficients")
    plt.colorbar()""")

_UNIT_RX = re.compile(r"\bdB\b|std|standard|z[\s-]?score|σ|sigma|unitless|a\.u\.", re.I)


def _fresh_signals():
    """Two signals the notebook never shows: spoken digits at 16 kHz, and a synthetic note with
    a moving spectral envelope at 22,050 Hz."""
    from ..audio import load

    digits, sr1 = load("digits", sr=16000, offset=0.3, duration=2.0)
    sr2 = 22050
    t = np.arange(int(1.6 * sr2)) / sr2
    f0 = 220 * 2 ** (t / 1.6)  # one octave up over 1.6 s
    phase = 2 * np.pi * np.cumsum(f0) / sr2
    bright = 0.5 + 0.5 * np.sin(2 * np.pi * 1.2 * t)
    note = sum(np.sin(h * phase) * (1.0 / h) ** (2.5 - 1.5 * bright) for h in range(1, 25))
    note = 0.3 * note / np.max(np.abs(note)) * np.minimum(1, 20 * t)
    noise = np.random.default_rng(5).normal(0, 0.003, t.size)
    return [(digits.astype(np.float32), sr1), ((note + noise).astype(np.float32), sr2)]


def _reference_images(C):
    """What a correct figure may show: the 13 MFCCs, c1..c12, or either standardised per row."""
    def z(X, ddof):
        return (X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, ddof=ddof, keepdims=True)

    return [("all", 0, C), ("drop-c0", 1, C[1:]), ("standardised", 0, z(C, 0)),
            ("standardised", 0, z(C, 1)), ("drop-c0-standardised", 1, z(C[1:], 0)),
            ("drop-c0-standardised", 1, z(C[1:], 1))]


def _colorbar_text(cb) -> str:
    ax = cb.ax
    parts = [ax.get_ylabel(), ax.get_xlabel(), ax.get_title()]
    parts += [t.get_text() for t in ax.get_yticklabels() + ax.get_xticklabels()]
    return " ".join(parts)


def _tick_ints(labels):
    vals = []
    for t in labels:
        m = re.fullmatch(r"\s*c?_?\$?\{?(\d+)\}?\$?\s*", t.get_text().replace("\N{MINUS SIGN}",
                                                                               "-"))
        if m:
            vals.append((int(m.group(1)), t.get_position()[1]))
    return vals


def _drawn_image(ax):
    """The image on ``ax``: specshow/pcolormesh (a QuadMesh) or imshow (an AxesImage), as
    ``(artist, values, x of its right edge, y of its row edges in the order of the rows)``."""
    meshes = [c for c in ax.collections if hasattr(c, "get_coordinates")]
    if meshes:
        img = meshes[-1]
        A = np.asarray(img.get_array(), dtype=float)
        coords = img.get_coordinates()
        if A.ndim == 1:  # older matplotlib flattens the array
            A = A.reshape(coords.shape[0] - 1, coords.shape[1] - 1)
        return img, A, float(coords[0, -1, 0]), np.asarray(coords[:, 0, 1], dtype=float)
    if ax.images:  # imshow: rows equally spaced over the extent; origin says where row 0 is
        img = ax.images[-1]
        A = np.asarray(img.get_array(), dtype=float)
        if A.ndim != 2:
            return None
        left, right, bottom, top = img.get_extent()
        first, last = (top, bottom) if img.origin == "upper" else (bottom, top)
        return img, A, float(right), np.linspace(first, last, A.shape[0] + 1)
    return None


def _row_at(edges, y):
    """Index of the row whose edges enclose ``y`` (edges may run either way), or -1."""
    lo, hi = np.minimum(edges[:-1], edges[1:]), np.maximum(edges[:-1], edges[1:])
    rows = np.flatnonzero((lo <= y) & (y < hi))
    return int(rows[0]) if rows.size else -1


def _check_one_figure(fig, ax, signal, sr):
    import librosa

    drawn = _drawn_image(ax)
    if drawn is None:
        return "nothing-drawn"
    img, A, x_last, edges = drawn
    C = librosa.feature.mfcc(y=signal, sr=sr, n_fft=2048, hop_length=512, n_mfcc=13)
    match = None
    for name, offset, R in _reference_images(C):
        if A.shape == R.shape and np.allclose(A, R, rtol=1e-3, atol=1e-3 * np.abs(R).max()):
            match = (name, offset, R)
            break
    if match is None:
        wrong_sr = librosa.feature.mfcc(y=signal, sr=22050, n_fft=2048, hop_length=512,
                                        n_mfcc=13)
        if sr != 22050 and any(A.shape == R.shape and np.allclose(
                A, R, rtol=1e-3, atol=1e-3 * np.abs(R).max())
                for _, _, R in _reference_images(wrong_sr)):
            return "sr-not-passed"
        if A.shape[0] not in (12, 13):
            return "n-mfcc"
        return "other-data"
    name, offset, R = match
    # time axis in seconds: the image's x coordinates span the signal's duration
    duration = signal.size / sr
    if abs(x_last - duration) > 3 * 512 / sr:
        if abs(x_last - (A.shape[1] - 0.5)) < 1.01:
            return "x-in-frames"
        return "specshow-sr"
    fig.canvas.draw()
    # coefficient tick values: integer labels at the centre of the row they name
    ticks = _tick_ints(ax.get_yticklabels())
    ticks = [(v, y) for v, y in ticks if edges.min() <= y <= edges.max()]
    if len(ticks) < 2:
        return "no-coefficient-ticks"
    for v, y in ticks:
        if _row_at(edges, y) + offset != v:
            return "tick-offset"
    # a colourbar, with a unit
    cb = getattr(img, "colorbar", None)
    if cb is None:
        return "no-colorbar"
    if not _UNIT_RX.search(_colorbar_text(cb)):
        return "colorbar-unit"
    # c0 must not set the colour scale: with c0 left out or every row standardised it cannot;
    # with the raw 13 rows, the colour limits must not stretch to cover c0's values
    if name == "all":
        vmin, vmax = float(img.norm.vmin), float(img.norm.vmax)
        lo, hi = float(R[1:].min()), float(R[1:].max())
        if vmin <= float(np.median(R[0])) <= vmax and vmax - vmin > 1.5 * (hi - lo):
            return "c0-dominates"
    return None


_PLOT_HINTS = {
    "nothing-drawn": Hint(
        "nothing was drawn on the axes the check gave you: your function made a figure of its "
        "own. Draw on `ax`, the axes passed in.",
        "plt.figure() starts a new figure; specshow and colorbar both accept ax=.",
        "librosa.display.specshow(..., ax=ax); ax.figure.colorbar(img, ax=ax)",
        mistake="not-on-ax"),
    "sr-not-passed": Hint(
        "the MFCCs were computed at the default 22,050 Hz, not at `sample_rate` (the check's "
        "first signal is at 16,000 Hz): the mel filters land at the wrong frequencies, silently.",
        "Pass sr=sample_rate to librosa.feature.mfcc.", mistake="sr-not-passed"),
    "n-mfcc": Hint(
        "the image does not have 13 rows (or 12 without c0): compute n_mfcc=13 coefficients, as "
        "the original code does.", mistake="n-mfcc"),
    "other-data": Hint(
        "the image does not show the 13 MFCCs of `signal` (n_fft=2048, hop_length=512), nor "
        "c1..c12, nor those standardised per coefficient.",
        "Compute them with librosa.feature.mfcc(y=..., sr=..., n_fft=2048, hop_length=512, "
        "n_mfcc=13) and pass that matrix (or C[1:]) to specshow.", mistake="other-data"),
    "x-in-frames": Hint(
        "the x axis counts frames, with no tick values: the original's plt.xlabel('Time') names "
        "an axis that has no times on it.",
        "specshow can put seconds on the x axis if you tell it the columns are time frames "
        "(and their sr and hop).",
        "specshow(..., sr=sample_rate, hop_length=512, x_axis='time')", mistake="x-in-frames"),
    "specshow-sr": Hint(
        "the time axis does not match the signal's duration: specshow needs the same sr and "
        "hop_length as the MFCCs (its defaults are 22,050 Hz and 512).",
        "specshow(C, sr=sample_rate, hop_length=512, x_axis='time', ax=ax)",
        mistake="specshow-sr"),
    "no-coefficient-ticks": Hint(
        "the y axis has no tick values, so nobody can tell which row is c1 and which c12 (the "
        "original labelled the axis 'MFCC coefficients' but showed no numbers).",
        "specshow draws row k between k - 0.5 and k + 0.5: put ticks at the row centres.",
        "ax.set_yticks(range(0, 13, 2))  # labels 0, 2, ... 12 (offset them if c0 is dropped)",
        mistake="no-coefficient-ticks"),
    "tick-offset": Hint(
        "the tick labels do not name the rows they sit on: if the image starts at c1 (c0 "
        "dropped), row 0 is c1, so its label must read 1.",
        "ax.set_yticks(rows, labels=[str(r + 1) for r in rows]) when c0 is left out.",
        mistake="tick-offset"),
    "no-colorbar": Hint("there is no colourbar: without it the colours mean nothing.",
                        "specshow returns the image; a figure can draw a colourbar for it.",
                        "img = specshow(...); ax.figure.colorbar(img, ax=ax, label=...)",
                        mistake="no-colorbar"),
    "colorbar-unit": Hint(
        "the colourbar has no unit. MFCC values are weighted sums of dB values (orthonormal "
        "DCT), so their unit is dB; standardised values are in standard deviations.",
        "Give the colourbar a label naming the quantity and its unit.",
        "ax.figure.colorbar(img, ax=ax, label='MFCC value (dB)')", mistake="colorbar-unit"),
    "c0-dominates": Hint(
        "c0 (the overall level, hundreds of dB-units) sets the colour scale, so c1..c12 all "
        "look the same pale colour: the original figure's third fault.",
        "Leave c0 out (plot C[1:] and label the rows from 1), or standardise each row, or set "
        "vmin/vmax from c1..c12.",
        "img = librosa.display.specshow(C[1:], ..., ax=ax)", mistake="c0-dominates"),
}


@exercise("05.5")
def check_seed_mfcc_plot(fn, *, keep_figure: bool = True):
    """05, exercise 5: ``fn(signal, sample_rate, ax)`` computes and draws 13 MFCCs, fixed.

    Runs the learner's function on two fresh signals; the figure of the last one stays open
    (the notebook shows it under the verdict) unless ``keep_figure=False``.
    """
    import matplotlib.pyplot as plt

    if is_placeholder(fn):
        stop_unanswered("Write the function in the cell above, then run this check again.")
    positional = Hint(
        "librosa.feature.mfcc takes keyword arguments only (since librosa 0.10): the original "
        "mfcc(signal, sample_rate, ...) raises TypeError.",
        "Name every argument: y=..., sr=...", mistake="positional-args")
    rules = [(r"positional argument", positional)]
    last = None
    figs = []
    try:
        for signal, sr in _fresh_signals():
            fig, ax = plt.subplots(figsize=(8, 3), layout="constrained")
            figs.append(fig)
            before = set(plt.get_fignums())
            call(fn, signal.copy(), sr, ax, known_errors=dict(rules), allow_none=True)
            problem = _check_one_figure(fig, ax, signal, sr)
            if problem == "nothing-drawn":
                made_own = set(plt.get_fignums()) - before
                for num in made_own:
                    plt.close(num)
                if not made_own and not ax.lines and not ax.images:
                    stop_unanswered("Your function draws nothing yet: write its body.")
            if problem:
                stop_wrong(_PLOT_HINTS[problem])
            last = fig
        return correct("Keyword call, a time axis in seconds, coefficient numbers on the y axis, "
                       "a colourbar with a unit, and c0 no longer sets the colour scale. Below: "
                       "your function on a signal it had not seen (a synthetic note gliding up "
                       "an octave).")
    finally:
        for f in figs:
            if f is not last or not keep_figure:
                plt.close(f)


