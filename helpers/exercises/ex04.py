"""Exercise checks of notebook 04 (decibels).

Each check calls the learner's answer on inputs the notebook never showed (other arrays, other
sample rates, the speech clip, a synthetic mixture), compares it with librosa, and names the
usual mistake when it finds one: 20 log10 on a power (``amplitude_to_db`` where ``power_to_db``
is meant) or 10 log10 on a magnitude, no ``amin`` (``-inf``), ``top_db`` forgotten or applied
at the wrong end, ``ref`` ignored, an STFT that is not scaled to full scale, a figure with no
stated reference. Solutions: ``notebooks/solutions/04_decibels_solutions.ipynb``.
"""

from __future__ import annotations

import functools
import re

import numpy as np

from ._core import Hint, array, call, close, correct, exercise, number, stop_wrong
from ._routes import Forbidden

__all__ = ["check_level_difference", "check_to_db", "check_log_mel", "check_stft_dbfs",
           "check_seed_spectrogram"]

#: 04.2 writes the dB conversion: no ready-made one (librosa's or the course's).
_NO_DB_NAMES = ("librosa.power_to_db", "librosa.amplitude_to_db", "librosa.db_to_power",
                "librosa.db_to_amplitude", "librosa.core.power_to_db",
                "librosa.core.amplitude_to_db", "librosa.perceptual_weighting",
                "librosa.pcen", "helpers")


def _fit(out, exp) -> float:
    """Least-squares factor a in out = a * exp (nan when exp is all zero)."""
    den = float(np.sum(exp * exp))
    return float(np.sum(out * exp) / den) if den > 0 else float("nan")


def _offset(out, exp) -> float:
    """Median of out - exp (a constant shift of every value in dB)."""
    return float(np.median(out - exp))


# ------------------------------------------------------------------------------------------
# Exercise 1: a level difference (a value)
# ------------------------------------------------------------------------------------------
_LOUD, _ECHO = 0.3, 0.012


@exercise("04.1")
def check_level_difference(answer):
    """04, exercise 1: the level of an echo of amplitude 0.012 re the note it repeats
    (amplitude 0.3), in dB, to within 0.1 dB."""
    x = number(answer, what="one number of dB (e.g. -12.3)")
    truth = 20 * np.log10(_ECHO / _LOUD)  # -27.96 dB
    tol = 0.1 + 1e-9
    if abs(x - truth) <= tol:
        return correct(f"The echo is {truth:.2f} dB re the note: a factor of "
                       f"{_LOUD / _ECHO:.0f} in amplitude.")
    if abs(x + truth) <= tol:
        stop_wrong(Hint("right size, wrong sign: the echo is quieter than the note, so its level "
                        "re the note is negative.", mistake="sign"))
    if min(abs(x - truth / 2), abs(x + truth / 2)) <= tol:
        stop_wrong(Hint("that is 10 log10 of the amplitude ratio: 10 log10 is for powers. These "
                        "are amplitudes.",
                        "Power is amplitude squared, and 10 log10(a**2) = 20 log10(a).",
                        "20 * np.log10(echo_amplitude / note_amplitude)",
                        mistake="10-log-for-amplitude"))
    if min(abs(x - truth * np.log(10)), abs(x + truth * np.log(10))) <= 0.5:
        stop_wrong(Hint("that is the natural logarithm (np.log); decibels use log base 10 "
                        "(np.log10).", mistake="natural-log"))
    if min(abs(x - _ECHO / _LOUD), abs(x - _LOUD / _ECHO)) < 1e-6:
        stop_wrong(Hint("that is the amplitude ratio itself; a level difference in dB is a "
                        "logarithm of it.", "Decibels of an amplitude ratio r: 20 log10(r).",
                        mistake="ratio-not-db"))
    if abs(x - truth) <= 1.0:
        stop_wrong(Hint(f"close, but not within the 0.1 dB asked for ({x:+.2f} dB): keep more "
                        "decimals, or check the amplitudes you used.", mistake="precision"))
    stop_wrong(Hint("a level difference in dB compares two amplitudes: 20 log10 of their "
                    "ratio, quieter over louder for 'the echo re the note'.",
                    "Which amplitude is the reference (the one you divide by)?",
                    "20 * np.log10(0.012 / 0.3)", mistake="other"))


# ------------------------------------------------------------------------------------------
# Exercise 2: to_db_power and to_db_amplitude in NumPy
# ------------------------------------------------------------------------------------------
def _fresh_values(kind: str) -> np.ndarray:
    """A (6, 9) array of magnitudes (or powers) from 0 (silence) to about 3 (10): values below,
    at and just above amin, and a maximum that is not 1 (so ref and top_db matter)."""
    rng = np.random.default_rng(404)
    a = 10.0 ** rng.uniform(-3.5, 0.4, size=(6, 9))
    a[0, :3] = 0.0
    a[1, :4] = [1e-7, 1e-5, 2e-5, 1e-4]  # below amin, at amin, just above (amplitude)
    a[5, 8] = 3.2
    return a**2 if kind == "power" else a


def _db_spec(kind: str):
    import librosa

    if kind == "power":
        return dict(lib=librosa.power_to_db, k=10.0, amin=1e-10, amin2=1e-6, ref=0.25,
                    name="to_db_power", other="to_db_amplitude", what="power",
                    wrong_k="20-log-for-power")
    return dict(lib=librosa.amplitude_to_db, k=20.0, amin=1e-5, amin2=1e-3, ref=0.5,
                name="to_db_amplitude", other="to_db_power", what="magnitude",
                wrong_k="10-log-for-amplitude")


@functools.cache
def _no_db(name: str) -> Forbidden:
    """What 04.2 forbids, with the hint naming the function being checked (built once)."""
    return Forbidden(_NO_DB_NAMES, hint=lambda used: Hint(
        f"{name} uses {used[0]}, a ready-made dB function; this exercise asks you to write the "
        "three steps yourself with NumPy (raise to amin, log10 relative to ref, clip at "
        "top_db). librosa is what the check compares you with.", mistake="used-librosa"))


def _db_out(fn, name, S, **kw):
    with np.errstate(all="ignore"):
        out = call(fn, S, forbid=_no_db(name), **kw)
    return array(out, what=f"the dB values {name} returns (one per value of S)", shape=S.shape)


def _check_db_function(fn, kind: str):
    sp = _db_spec(kind)
    lib, k, amin, name = sp["lib"], sp["k"], sp["amin"], sp["name"]

    def H(nudge, more="", code="", *, mistake):  # every hint says which function it is about
        return Hint(nudge if nudge.startswith(name) else f"{name}: {nudge}", more, code,
                    mistake=mistake)

    # the first _db_out call refuses a ready-made dB function (read, then watched: _no_db)
    S = _fresh_values(kind)
    high = S > 1e4 * amin  # well above the floor: the formula alone decides these values

    # 1. the formula, ref=1.0, no clipping
    out = _db_out(fn, name, S, ref=1.0, amin=amin, top_db=None)
    exp = lib(S, ref=1.0, amin=amin, top_db=None)
    if not np.all(np.isfinite(out[high])):
        stop_wrong(H(f"{name} returned inf or nan for ordinary values: check the formula.",
                        mistake="not-finite"))
    if not close(out[high], exp[high], rtol=0, atol=1e-3):
        a = _fit(out[high], exp[high])
        if kind == "power" and abs(a - 2) < 0.01:
            stop_wrong(H(f"{name} doubles every dB value: that is 20 log10 (what "
                            "amplitude_to_db does) applied to a power. A power is already a "
                            "square: 10 log10.",
                            "Power = magnitude**2, and 10 log10(m**2) = 20 log10(m): use 10 for "
                            "power, 20 for magnitude.",
                            "10 * np.log10(np.maximum(amin, S) / ref)", mistake=sp["wrong_k"]))
        if kind == "amplitude" and abs(a - 0.5) < 0.01:
            stop_wrong(H(f"{name} halves every dB value: that is 10 log10 (what power_to_db "
                            "does) applied to a magnitude. Magnitudes take 20 log10.",
                            "10 log10 of the power m**2 equals 20 log10 of the magnitude m.",
                            "20 * np.log10(np.maximum(amin, S) / ref)", mistake=sp["wrong_k"]))
        if abs(a - np.log(10)) < 0.01 or abs(a - 2 * np.log(10)) < 0.02 \
                or abs(a - 0.5 * np.log(10)) < 0.01:
            stop_wrong(H("that is the natural logarithm (np.log); decibels use np.log10.",
                            mistake="natural-log"))
        stop_wrong(H(f"{name}(S, ref=1.0, top_db=None) does not give {k:.0f} log10(S) for "
                        f"ordinary values of S (you are off by up to "
                        f"{np.max(np.abs(out[high] - exp[high])):.2g} dB).",
                        f"A {sp['what']} S is {k:.0f} * log10(S / ref) dB.",
                        f"{k:.0f} * np.log10(np.maximum(amin, S) / ref)", mistake="formula"))

    # 2. the floor: zeros and values below amin
    if not np.all(np.isfinite(out)):
        stop_wrong(H(f"{name} returns -inf (or nan) where S is 0: log10(0) is minus infinity. "
                        "That is what amin is for.",
                        "Raise every value below amin to amin before the logarithm.",
                        "np.maximum(amin, S)", mistake="no-amin"))
    if not close(out, exp, rtol=0, atol=1e-3):
        with np.errstate(all="ignore"):
            added = k * np.log10(S + amin)
        if close(out, added, rtol=0, atol=1e-3):
            stop_wrong(H(f"{name} adds amin (log10(S + amin)); librosa raises values below "
                            "amin to amin instead (np.maximum), so values near amin differ by up "
                            "to 3 dB (6 for magnitudes) and values above it are untouched.",
                            mistake="amin-added"))
        stop_wrong(H(f"{name} gets ordinary values right but not the floor: every value "
                        f"below amin should read {k:.0f} log10(amin / ref) dB "
                        f"({k * np.log10(amin):.0f} dB for ref=1.0).",
                        "Raise S to amin first, then take the logarithm.",
                        "np.maximum(amin, S)", mistake="floor"))
    out2 = _db_out(fn, name, S, ref=1.0, amin=sp["amin2"], top_db=None)
    if not close(out2, lib(S, ref=1.0, amin=sp["amin2"], top_db=None), rtol=0, atol=1e-3):
        stop_wrong(H(f"with amin={sp['amin2']:g}, {name} still puts the floor at the default "
                        "amin: use the amin argument, not a fixed number.",
                        mistake="amin-ignored"))

    # 3. a scalar reference other than 1
    ref = sp["ref"]
    out = _db_out(fn, name, S, ref=ref, amin=amin, top_db=None)
    exp = lib(S, ref=ref, amin=amin, top_db=None)
    if not close(out[high], exp[high], rtol=0, atol=1e-3):
        shift = _offset(out[high], exp[high])
        if close(out, lib(S, ref=1.0, amin=amin, top_db=None), rtol=0, atol=1e-3):
            stop_wrong(H(f"{name} ignores ref: with ref={ref} every value should move by "
                            f"{-k * np.log10(ref):+.2f} dB (0 dB now means S = ref).",
                            "Divide by ref inside the logarithm.",
                            f"{k:.0f} * np.log10(np.maximum(amin, S) / ref)",
                            mistake="ref-ignored"))
        stop_wrong(H(f"with ref={ref}, {name} is off by {shift:+.2f} dB: ref is in the same "
                        f"units as S ({sp['what']}), and S = ref must read 0 dB.",
                        f"{k:.0f} log10(S / ref) = {k:.0f} log10(S) - {k:.0f} log10(ref).",
                        mistake="ref-wrong"))
    if not close(out, exp, rtol=0, atol=1e-3):
        stop_wrong(H(f"with ref={ref} the floor is off: raise S (not S / ref) to amin, then "
                        f"divide by ref, so the floor reads {k:.0f} log10(amin / ref) dB.",
                        mistake="amin-after-ref"))

    # 4. a reference given as a function (ref=np.max), on a 1-D array
    S1 = S[2:4].ravel()
    try:
        with np.errstate(all="ignore"):
            out = fn(S1, ref=np.max, amin=amin, top_db=None)
    except Exception as err:  # noqa: BLE001 (the learner's code)
        stop_wrong(H(f"{name}(S, ref=np.max) raised {type(err).__name__}: ref may be a "
                        "function, applied to S to get the reference value (as in librosa).",
                        "If ref is callable, replace it by ref(S) first.",
                        "if callable(ref): ref = ref(S)", mistake="ref-callable"))
    out = array(out, what=f"the dB values {name} returns", shape=S1.shape)
    if not close(out, lib(S1, ref=np.max, amin=amin, top_db=None), rtol=0, atol=1e-3):
        stop_wrong(H(f"with ref=np.max the loudest value must read 0 dB (it reads "
                        f"{np.max(out):+.2f}): the reference is ref(S), the maximum of S.",
                        "if callable(ref): ref = ref(S)", mistake="ref-callable"))

    # 5. top_db: clip everything more than top_db below the loudest value
    no_clip = lib(S, ref=1.0, amin=amin, top_db=None)
    for top in (30.0, 45.0):
        out = _db_out(fn, name, S, ref=1.0, amin=amin, top_db=top)
        exp = lib(S, ref=1.0, amin=amin, top_db=top)
        if close(out, exp, rtol=0, atol=1e-3):
            continue
        if close(out, no_clip, rtol=0, atol=1e-3):
            stop_wrong(H(f"{name} ignores top_db: with top_db={top:g} nothing may lie more "
                            f"than {top:g} dB below the loudest value.",
                            "Clip from below at (the maximum of the dB values) - top_db.",
                            "np.maximum(db, db.max() - top_db)", mistake="no-top-db"))
        if close(out, np.maximum(no_clip, -top), rtol=0, atol=1e-3):
            stop_wrong(H(f"{name} clips at -top_db, i.e. top_db below 0 dB; top_db counts "
                            "down from the loudest value, which is 0 dB only with ref=np.max "
                            f"(here it is {no_clip.max():+.1f} dB).",
                            "The floor is (the maximum of the dB values) - top_db.",
                            "np.maximum(db, db.max() - top_db)", mistake="top-db-from-zero"))
        wrong_end = [np.minimum(no_clip, no_clip.max() - top),
                     np.minimum(no_clip, no_clip.min() + top),
                     np.maximum(no_clip, no_clip.min() + top)]
        if out.max() < exp.max() - 1e-3 or any(close(out, w, rtol=0, atol=1e-3)
                                               for w in wrong_end):
            stop_wrong(H(f"{name} applies top_db at the wrong end: the loudest values stay "
                            "as they are, and the quiet ones are raised to (max - top_db).",
                            "top_db is a floor measured down from the maximum, not a ceiling, "
                            "and not measured up from the minimum.",
                            "np.maximum(db, db.max() - top_db)", mistake="top-db-wrong-end"))
        stop_wrong(H(f"with top_db={top:g}, the lowest value should be "
                        f"{exp.min():+.2f} dB (the maximum minus top_db); yours is "
                        f"{out.min():+.2f}.", "Clip from below, after the logarithm.",
                        "np.maximum(db, db.max() - top_db)", mistake="top-db"))

    # 6. the defaults are librosa's
    out = _db_out(fn, name, S)
    out_all = _db_out(fn, name, S, top_db=None)  # the default amin shows below the 80 dB clip
    if not (close(out, lib(S), rtol=0, atol=1e-3)
            and close(out_all, lib(S, top_db=None), rtol=0, atol=1e-3)):
        stop_wrong(H(f"{name}(S) with no other arguments should match librosa's defaults: "
                        f"ref=1.0, amin={amin:g}, top_db=80.0.", mistake="defaults"))


@exercise("04.2")
def check_to_db(to_db_power, to_db_amplitude):
    """04, exercise 2: ``to_db_power(S, ref, amin, top_db)`` and ``to_db_amplitude(...)`` written
    with NumPy give librosa's ``power_to_db`` / ``amplitude_to_db`` on fresh arrays (zeros,
    values around amin, ref=0.25/0.5/np.max, top_db None/30/45/80)."""
    _check_db_function(to_db_power, "power")
    _check_db_function(to_db_amplitude, "amplitude")
    return correct("Both match librosa on arrays with zeros, other references and other "
                   "top_db values: power -> 10 log10, magnitude -> 20 log10.")


# ------------------------------------------------------------------------------------------
# Exercise 3: a log-mel spectrogram of other clips
# ------------------------------------------------------------------------------------------
_MEL = dict(n_fft=1024, hop_length=256, n_mels=64)


def _test_signals():
    """Clips the notebook did not analyse: the speech clip, a synthetic mixture at 16 kHz and a
    copy of it 40 dB quieter."""
    from ..audio import load

    speech, sr = load("speech", duration=2.5)
    sr2 = 16000
    t = np.arange(int(1.5 * sr2)) / sr2
    rng = np.random.default_rng(4)
    mix = (0.3 * np.sin(2 * np.pi * 300 * t) + 0.02 * np.sin(2 * np.pi * 2500 * t)
           + 0.002 * rng.standard_normal(t.size)).astype(np.float32)
    return [(speech, sr), (mix, sr2), (0.01 * mix, sr2)]


@exercise("04.3")
def check_log_mel(fn):
    """04, exercise 3: ``log_mel(y, sr)``: a network input: 64 mel bands of power (n_fft=1024,
    hop_length=256) in dB re one fixed reference (any constant), floor ``amin=1e-10``, no
    per-example ``top_db`` clipping; checked on the speech clip, a synthetic mixture at 16 kHz and a copy of it 40 dB
    quieter (which must read 40 dB lower, not the same)."""
    import librosa

    def db(M, **kw):
        kw.setdefault("ref", 1.0)
        kw.setdefault("top_db", None)
        return librosa.power_to_db(M, **kw)

    offsets: list[float] = []  # dB between the answer and ref=1.0: any one constant passes
    seen: list = []
    for y, sr in _test_signals():
        with np.errstate(all="ignore"):
            out = call(fn, y, sr)
        mel = librosa.feature.melspectrogram(y=y, sr=sr, **_MEL)
        exp = db(mel)
        out = array(out, what="the log-mel spectrogram (mel bands x frames)", ndim=2)
        where = f"(checked on a {y.size}-sample clip at {sr} Hz, peak {np.abs(y).max():.3f})"
        if out.shape != exp.shape:
            stop_wrong(Hint(f"for a clip of {y.size} samples the result should have shape "
                            f"{exp.shape} (64 bands, one column per hop of 256 samples); yours "
                            f"is {out.shape}.",
                            "Pass n_fft=1024, hop_length=256, n_mels=64 to "
                            "librosa.feature.melspectrogram (as keywords).", mistake="shape"))
        if close(out, exp, rtol=0, atol=0.01):
            offsets.append(0.0)
        else:
            shift = float(np.median(out - exp))  # another fixed reference: a constant in dB
            if close(out - shift, exp, rtol=0, atol=0.01):
                offsets.append(shift)
        if len(offsets) == len(seen) + 1:
            seen.append(y)
            if max(offsets) - min(offsets) <= 0.01:
                continue
            if not close(out, db(mel, ref=np.max), rtol=0, atol=0.01):
                stop_wrong(Hint(
                    "your reference changes from one clip to the next: each clip's values are "
                    "shifted by a different number of dB. A network input needs one fixed "
                    "reference for every example.", mistake="ref-per-example"), where)
        if out.min() >= 0:
            stop_wrong(Hint("these are not decibels (nothing is negative): convert the mel power "
                            "to dB.", mistake="not-db"), where)
        for kw in ({"ref": np.max}, {"ref": np.max, "top_db": 80.0},
                   {"ref": np.max, "top_db": 60.0}):
            if close(out, db(mel, **kw), rtol=0, atol=0.01):
                stop_wrong(Hint(
                    "your values are dB re this clip's own maximum (ref=np.max): every example "
                    "is divided by its own loudest value, so a sound 40 dB quieter gives the "
                    "same numbers and the network can no longer tell loud from quiet. A "
                    "network input needs one fixed reference for every example.",
                    "Keep power_to_db's fixed ref=1.0: standardisation later removes the "
                    "constant anyway.", mistake="ref-max"), where)
        def near(a, b):  # equal up to one constant in dB (another fixed reference)
            return close(a - float(np.median(a - b)), b, rtol=0, atol=0.01)

        for top in (80.0, 60.0):
            if near(out, db(mel, top_db=top)):
                stop_wrong(Hint(
                    f"you clip {top:.0f} dB below this clip's own loudest value (top_db={top:.0f}"
                    + (", librosa's default" if top == 80 else "") + "): a floor that moves with "
                    "each example. The exercise asks for the fixed floor amin alone.",
                    "top_db=None", mistake="top-db"), where)
        loud = exp > exp.max() - 25  # far above every floor
        if abs(_fit(out[loud] - out[loud].mean(), exp[loud] - exp[loud].mean()) - 2) < 0.02:
            stop_wrong(Hint("every dB value is doubled: amplitude_to_db squares its input, but a "
                            "mel spectrogram is already a power (power=2.0 by default).",
                            "Power (and a mel spectrogram) -> power_to_db; magnitude -> "
                            "amplitude_to_db.", mistake="amplitude_to_db-on-power"), where)
        mag_mel = librosa.feature.melspectrogram(y=y, sr=sr, power=1.0, **_MEL)
        if near(out, db(mag_mel)) or near(
                out, librosa.amplitude_to_db(mag_mel, ref=1.0, top_db=None)):
            stop_wrong(Hint("you made a mel spectrogram of magnitudes (power=1.0): the log-mel "
                            "spectrogram sums powers (the default power=2.0) and takes "
                            "power_to_db.", mistake="mel-of-magnitude"), where)
        if sr != 22050:
            mel22 = librosa.feature.melspectrogram(y=y, sr=22050, **_MEL)
            if near(out, db(mel22)):
                stop_wrong(Hint(f"for a clip at {sr} Hz your mel bands are those of 22050 Hz: "
                                "pass the sample rate your function is given (sr=sr) to the "
                                "mel spectrogram.", mistake="sr-ignored"), where)
        stop_wrong(Hint("the values differ from power_to_db(mel, ref=1.0, amin=1e-10, "
                        "top_db=None) of librosa.feature.melspectrogram with the stated "
                        "settings.", mistake="other"), where)
    return correct("64 mel bands in dB with one fixed reference and the fixed floor amin"
                   + (f" (your values read {abs(offsets[0]):.1f} dB "
                      f"{'lower' if offsets[0] < 0 else 'higher'} than with ref=1.0: any "
                      "constant works)" if abs(offsets[0]) > 0.01 else "") + ": the 40 dB quieter copy reads "
                   "40 dB lower, so loudness stays in the input (a later standardisation "
                   "removes the constant, not the differences).")


# ------------------------------------------------------------------------------------------
# Exercise 4: dB re full scale of a scaled STFT
# ------------------------------------------------------------------------------------------
def _stft_dbfs_reference(y, n_fft):
    import librosa

    w = librosa.filters.get_window("hann", n_fft)
    X = np.abs(librosa.stft(y=y, n_fft=n_fft))
    return X, w, librosa.amplitude_to_db(X / (w.sum() / 2), ref=1.0, top_db=None)


def _dbfs_signals():
    from ..audio import load

    sr = 16000
    t = np.arange(sr) / sr
    out = []
    for amp, n_fft, k in [(0.25, 1024, 37), (0.8, 512, 21)]:  # sines centred on bin k
        out.append((amp * np.sin(2 * np.pi * (k * sr / n_fft) * t), n_fft))
    speech, _ = load("speech", duration=3.0)
    out.append((speech, 2048))
    return out


@exercise("04.4")
def check_stft_dbfs(fn):
    """04, exercise 4: ``stft_dbfs(y, n_fft)``: |STFT| (Hann, hop n_fft // 4) in dB re full
    scale, so a sine of amplitude A centred on a bin reads 20 log10(A). Checked on two sines
    (amplitudes 0.25 and 0.8, n_fft 1024 and 512) and on the speech clip (n_fft 2048)."""
    for y, n_fft in _dbfs_signals():
        X, w, exp = _stft_dbfs_reference(y, n_fft)
        with np.errstate(all="ignore"):
            out = call(fn, y, n_fft)
        out = array(out, what="the dB values (bins x frames)", ndim=2)
        if out.shape != exp.shape:
            stop_wrong(Hint(f"with n_fft={n_fft} the result should have shape {exp.shape} "
                            f"(1 + n_fft // 2 bins, hop n_fft // 4); yours is {out.shape}.",
                            "Keep librosa's default hop (n_fft // 4) and window (Hann).",
                            mistake="shape"))
        top = exp > exp.max() - 60  # compare the top 60 dB: any top_db >= 60 (or None) is fine
        if close(out[top], exp[top], rtol=0, atol=0.05):
            continue
        if abs(out.max()) < 1e-3:
            stop_wrong(Hint("the loudest bin reads 0 dB: that is dB re max (ref=np.max), which "
                            "hides the level. dB re full scale keeps ref=1.0 and scales |X| so "
                            "that a full-scale sine reads 1.", mistake="ref-max"))
        loud = top & (exp > -45)  # doubled or halved, these stay above any floor
        a = _fit(out[loud], exp[loud])
        if abs(a - 0.5) < 0.01:
            stop_wrong(Hint("every dB value is halved: that is power_to_db on a magnitude "
                            "(10 log10 |X|). Magnitudes take amplitude_to_db (20 log10).",
                            mistake="power_to_db-on-magnitude"))
        if abs(a - 2) < 0.02:
            stop_wrong(Hint("every dB value is doubled: that is amplitude_to_db on a power "
                            "(20 log10 |X|**2). Powers take power_to_db (10 log10).",
                            mistake="amplitude_to_db-on-power"))
        shift = _offset(out[top], exp[top])
        gain = 20 * np.log10(w.sum() / 2)
        if abs(shift - gain) < 0.1:
            stop_wrong(Hint(f"every value is {shift:+.1f} dB too high: |X| is not scaled, so "
                            "ref=1.0 means 'a magnitude of 1', not full scale (the original "
                            "tutorial's mistake).",
                            "A sine of amplitude A gives a peak |X| of A * sum(w) / 2: divide "
                            "|X| by sum(w) / 2.", "np.abs(X) / (w.sum() / 2)",
                            mistake="unscaled"))
        if abs(shift + 20 * np.log10(2)) < 0.1:
            stop_wrong(Hint("every value is 6 dB too low: you divided by sum(w) (or n_fft / 2); a "
                            "sine of amplitude A peaks at A * sum(w) / 2, half of that.",
                            mistake="scaled-by-window-sum"))
        if abs(shift + 20 * np.log10(4)) < 0.1:
            stop_wrong(Hint("every value is 12 dB too low: you divided by n_fft; a Hann window "
                            "sums to n_fft / 2, and a sine of amplitude A peaks at "
                            "A * sum(w) / 2.", mistake="scaled-by-n"))
        stop_wrong(Hint(f"with n_fft={n_fft} your values differ from the reference by up to "
                        f"{np.max(np.abs(out[top] - exp[top])):.1f} dB.",
                        "amplitude_to_db of |X| / (sum(w) / 2), with ref=1.0 (w: the Hann "
                        "window of n_fft samples).", mistake="other"))
    from ..audio import load

    speech, _ = load("speech")  # the whole clip, as the exercise asks
    peak = float(_stft_dbfs_reference(speech, 2048)[2].max())
    return correct("A sine of amplitude A reads 20 log10(A) dBFS at any n_fft, and the speech "
                   f"clip's loudest bin is at {peak:.1f} dBFS (n_fft=2048): compare with yours.")


# ------------------------------------------------------------------------------------------
# Exercise 5: the original tutorial's dB figure, done right
# ------------------------------------------------------------------------------------------
def _seed_signals():
    from ..audio import load

    sr = 16000
    t = np.arange(2 * sr) / sr
    y = 0.02 * np.sin(2 * np.pi * 440 * t) + 0.0005 * np.sin(2 * np.pi * 3000 * t)
    y[sr:sr + 40] += 0.05  # a click
    speech, sr2 = load("speech", duration=2.0)
    return [(y, sr, 1024, 256), (0.1 * speech, sr2, 2048, 512)]


_FS_WORDS = re.compile(r"dBFS|full[\s-]*scale|re\.?\s*1(\.0)?\b", re.I)
_MAX_WORDS = re.compile(r"\bmax|\bpeak|\bloudest|\bhighest|\blargest", re.I)


_SEED_ERRORS = {
    r"No mappable was found": Hint(
        "plt.colorbar() does not know which image to describe when you drew on an `ax`.",
        "specshow returns the image it drew: keep it and give it to the figure's colourbar.",
        "img = librosa.display.specshow(..., ax=ax); ax.figure.colorbar(img, ax=ax, "
        "format='%+2.0f dB', label='dB re max')",
        mistake="colorbar-no-mappable"),
    r"takes \d+ positional argument": Hint(
        "librosa's functions take keyword arguments after the first one (librosa >= 0.10).",
        "Write sr=..., n_fft=..., hop_length=... by name.",
        "librosa.stft(y=y, n_fft=n_fft, hop_length=hop_length)",
        mistake="positional-arguments"),
}


@exercise("04.5")
def check_seed_spectrogram(fn):
    """04, exercise 5: ``show_spectrogram_db(y, sr, n_fft, hop_length, ax)`` returns the dB
    array with a stated reference (re max, or re full scale on a scaled STFT) and draws it on
    ``ax`` with a time axis, a frequency axis in Hz and a colourbar naming the reference."""
    import librosa
    import matplotlib.pyplot as plt

    for y, sr, n_fft, hop in _seed_signals():
        X = np.abs(librosa.stft(y=y, n_fft=n_fft, hop_length=hop))
        w = librosa.filters.get_window("hann", n_fft)
        re_max = librosa.amplitude_to_db(X, ref=np.max, top_db=None)
        re_fs = librosa.amplitude_to_db(X / (w.sum() / 2), ref=1.0, top_db=None)
        seed = librosa.amplitude_to_db(X)
        fig, ax = plt.subplots()
        try:
            with np.errstate(all="ignore"):
                out = call(fn, y, sr, n_fft, hop, ax, known_errors=_SEED_ERRORS)
            out = array(out, what="the dB array your function shows", ndim=2)
            if out.shape != X.shape:
                stop_wrong(Hint(f"with n_fft={n_fft}, hop_length={hop} the dB array should have "
                                f"shape {X.shape}; yours is {out.shape}.", mistake="shape"))
            top = re_max > -40  # top_db of 40 dB or more (or None) is fine
            loud = re_max > -30  # doubled, still above an 80 dB clip
            if close(out[top], re_max[top], rtol=0, atol=0.05):
                kind = "max"
            elif close(out[top], re_fs[top], rtol=0, atol=0.05):
                kind = "fs"
            elif close(out[top], seed[top], rtol=0, atol=0.05):
                stop_wrong(Hint("that is still the original code's dB: ref=1.0 on an unscaled "
                                "STFT, so 0 dB means 'a magnitude of 1', which says nothing "
                                "about the sound.",
                                "State a reference: ref=np.max (dB re max), or scale |X| by "
                                "sum(w) / 2 and keep ref=1.0 (dB re full scale).",
                                mistake="no-reference"))
            elif abs(_fit(out[loud], re_max[loud]) - 0.5) < 0.01:
                stop_wrong(Hint("the dB values are halved: power_to_db on a magnitude.",
                                mistake="power_to_db-on-magnitude"))
            elif abs(_fit(out[loud], re_max[loud]) - 2) < 0.02:
                stop_wrong(Hint("the dB values are doubled: amplitude_to_db on a power.",
                                mistake="amplitude_to_db-on-power"))
            else:
                stop_wrong(Hint("the values are neither dB re max of |X| nor dB re full scale "
                                "of the scaled |X|.", mistake="other"))
            meshes = [m for m in list(ax.collections) + list(ax.images) if hasattr(m, "get_array")
                      and m.get_array() is not None]
            if not meshes:
                stop_wrong(Hint("nothing is drawn on the ax the check passed in: draw with "
                                "librosa.display.specshow(..., ax=ax).", mistake="not-drawn"))
            img = meshes[-1]
            if not ("time" in ax.get_xlabel().lower() or "(s)" in ax.get_xlabel()) \
                    or "hz" not in ax.get_ylabel().lower():
                stop_wrong(Hint("the axes have no time and frequency scale: specshow draws none "
                                "unless you ask for them (the original code's second fault).",
                                "Pass x_axis='time' and y_axis='log' (or 'linear') to specshow.",
                                mistake="no-axes"))
            x_hi, y_hi = ax.get_xlim()[1], ax.get_ylim()[1]
            if abs(x_hi - y.size / sr) > 2 * hop / sr or abs(y_hi - sr / 2) > 0.05 * sr / 2:
                stop_wrong(Hint(
                    f"the axes do not match a {y.size / sr:g} s clip at {sr} Hz (the time axis "
                    f"ends at {x_hi:.2f} s, the frequency axis at {y_hi:.0f} Hz): specshow "
                    "assumes sr=22050 and hop_length=512 unless you pass them.",
                    "specshow(..., sr=sr, hop_length=hop_length, x_axis='time', ...)",
                    mistake="specshow-defaults"))
            cb = getattr(img, "colorbar", None)
            if cb is None:
                stop_wrong(Hint("there is no colourbar for the image: nobody can read the dB "
                                "values.", "fig.colorbar(img, ax=ax, label=...)",
                                mistake="no-colorbar"))
            label = cb.ax.get_ylabel() + " " + cb.ax.get_xlabel()
            words = _MAX_WORDS if kind == "max" else _FS_WORDS
            other = _FS_WORDS if kind == "max" else _MAX_WORDS
            if not label.strip() or "db" not in label.lower() or not words.search(label):
                if label.strip() and other.search(label):
                    stop_wrong(Hint(f"the colourbar says {label.strip()!r}, but your values are "
                                    f"dB re {'max' if kind == 'max' else 'full scale'}.",
                                    mistake="label-wrong-reference"))
                stop_wrong(Hint("the colourbar does not say what 0 dB is (the original code's "
                                "'%+2.0f dB' names the unit, not the reference).",
                                "Label it, e.g. label='dB re max' (or 'dB re full scale').",
                                mistake="colorbar-no-reference"))
        finally:
            plt.close(fig)
    return correct("dB with a stated reference, a time axis, a frequency axis in Hz and a "
                   "colourbar that says what 0 dB is, on a synthetic clip and on speech.")
