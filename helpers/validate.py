"""Input checks shared by every helper: one place that turns learner mistakes into clear errors.

Every public helper calls these before handing data to librosa/numpy, so a learner sees
"n_fft=4096 is longer than the signal (1000 samples) ..." instead of a numba traceback.

Used by: all notebooks (indirectly, through the other helper modules).
"""

from __future__ import annotations

import numbers

import numpy as np
import scipy.signal

#: Highest sample rate accepted (768 kHz is the highest used by audio hardware).
MAX_SR = 1_000_000

__all__ = [
    "check_signal",
    "check_sr",
    "check_positive_int",
    "check_frame_params",
    "check_window",
    "check_mel_params",
    "check_real_array",
    "check_spectrum",
    "window_samples",
    "check_number",
    "check_top_db",
    "check_choice",
    "check_db_ref",
    "format_number",
]


def check_signal(
    y,
    *,
    name: str = "y",
    mono: bool = True,
    min_length: int = 1,
    allow_silent: bool = True,
) -> np.ndarray:
    """Return ``y`` as a float ndarray after checking it is a usable audio signal.

    Raises
    ------
    TypeError
        ``y`` is not array-like of numbers, or holds integers/booleans (convert first).
    ValueError
        ``y`` is empty, shorter than ``min_length``, has NaN/inf values, has the wrong number of
        dimensions (stereo where mono is expected), or is all zeros when ``allow_silent=False``.
    """
    if isinstance(y, (str, bytes)) or y is None:
        raise TypeError(
            f"{name} must be a numpy array of audio samples, got {type(y).__name__}. "
            "Load a file first: y, sr = helpers.load(path)."
        )
    arr = np.asarray(y)
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"{name} must hold numbers, got dtype {arr.dtype}.")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(
            f"{name} is complex ({arr.dtype}); audio signals are real. "
            "Did you pass an STFT instead of the waveform? Use np.abs(...) or the original signal."
        )
    if np.issubdtype(arr.dtype, np.integer) or arr.dtype == np.bool_:
        raise TypeError(
            f"{name} has integer dtype {arr.dtype}; helpers expect floating-point samples in "
            "[-1, 1]. Convert 16-bit PCM with y.astype(np.float32) / 32768, or load the file with "
            "helpers.load(), which returns float32."
        )
    if mono and arr.ndim != 1:
        if _samples_by_channels(arr):
            raise ValueError(
                f"{name} must be a mono signal (1-D array), got shape {arr.shape}: that looks "
                f"like (samples, channels), the layout soundfile.read returns. Down-mix with "
                f"{name}.mean(axis=1) (or take one channel, {name}[:, 0]), or load with "
                "helpers.load(path), which returns mono."
            )
        raise ValueError(
            f"{name} must be a mono signal (1-D array), got shape {arr.shape}. "
            "For stereo (channels, samples) down-mix with y.mean(axis=0), or load with "
            "helpers.load(path, mono=True)."
        )
    if not mono and arr.ndim not in (1, 2):
        raise ValueError(f"{name} must be 1-D (mono) or 2-D (channels, samples), got {arr.shape}.")
    if not mono and _samples_by_channels(arr):
        raise ValueError(
            f"{name} has shape {arr.shape}: that looks like (samples, channels), the layout "
            "soundfile.read returns, but helpers and librosa expect (channels, samples), here "
            f"({arr.shape[1]}, {arr.shape[0]}). Transpose it: {name}.T "
            "(or load with helpers.load(path, mono=False), which returns (channels, samples))."
        )
    n = arr.shape[-1] if arr.ndim else 0
    if arr.ndim == 0 or n == 0:
        raise ValueError(f"{name} is empty (0 samples): there is nothing to analyse.")
    if n < min_length:
        raise ValueError(
            f"{name} has {n} samples but at least {min_length} are needed here. "
            "Use a longer clip or a smaller n_fft / segment length."
        )
    finite = np.isfinite(arr)
    if not finite.all():
        bad = int(arr.size - finite.sum())
        first = int(np.flatnonzero(~finite.ravel())[0])
        raise ValueError(
            f"{name} contains {bad} NaN or infinite value(s) (first at flat index {first}). "
            "Clean it first, e.g. y = np.nan_to_num(y), or find where they came from "
            "(division by zero? log of 0?)."
        )
    if not allow_silent and not np.any(arr):
        raise ValueError(
            f"{name} is all zeros (silence): this step needs a non-silent signal "
            "(e.g. a dB scale relative to the maximum is undefined)."
        )
    if arr.dtype not in (np.float32, np.float64):
        arr = arr.astype(np.float32)
    return arr


#: More channels than this in the last axis of a 2-D signal is read as (channels, samples).
MAX_CHANNELS = 16


def _samples_by_channels(arr: np.ndarray) -> bool:
    """True for a 2-D array laid out (samples, channels): few columns, many more rows.

    A (channels, samples) signal has far more samples than channels, so an array whose last
    axis holds at most ``MAX_CHANNELS`` values and is shorter than its first axis is the
    transposed layout (``soundfile.read``'s) and would be processed along the wrong axis.
    """
    return arr.ndim == 2 and arr.shape[1] <= MAX_CHANNELS and arr.shape[0] > arr.shape[1]


def check_sr(sr, *, name: str = "sr") -> int:
    """A sample rate must be a positive, finite number of samples per second (returned as int)."""
    if isinstance(sr, bool) or not isinstance(sr, numbers.Real):
        raise TypeError(f"{name} must be a number of samples per second (e.g. 22050), got {sr!r}.")
    if not np.isfinite(sr) or sr <= 0:
        raise ValueError(f"{name} must be > 0 samples per second (e.g. 22050), got {sr!r}.")
    if float(sr) != int(sr):
        raise ValueError(f"{name} must be a whole number of samples per second, got {sr!r}.")
    if sr > MAX_SR:
        raise ValueError(
            f"{name}={sr!r} is far above any audio sample rate (the highest in use is 768000); "
            "did you pass a number of samples instead of a rate?"
        )
    return int(sr)


def check_positive_int(value, name: str, *, minimum: int = 1) -> int:
    """Check an integer parameter such as n_fft, hop_length, n_mels (>= ``minimum``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, numbers.Real) and float(value).is_integer():
            value = int(value)
        else:
            raise TypeError(f"{name} must be a whole number, got {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}.")
    return int(value)


def check_frame_params(
    n_fft, hop_length=None, win_length=None, *, n_samples: int | None = None
) -> tuple[int, int, int]:
    """Check STFT framing parameters; return ``(n_fft, hop_length, win_length)``.

    ``hop_length`` defaults to ``n_fft // 4`` and ``win_length`` to ``n_fft`` (librosa's defaults).
    A hop larger than the window would skip samples entirely, so it is refused.
    """
    n_fft = check_positive_int(n_fft, "n_fft", minimum=2)
    win_length = n_fft if win_length is None else check_positive_int(win_length, "win_length")
    if win_length > n_fft:
        raise ValueError(
            f"win_length={win_length} is larger than n_fft={n_fft}; the window must fit in the "
            "FFT frame. Use win_length <= n_fft."
        )
    hop_length = max(1, n_fft // 4) if hop_length is None else hop_length
    if isinstance(hop_length, numbers.Real) and not isinstance(hop_length, bool) and hop_length <= 0:
        raise ValueError(f"hop_length must be > 0 samples, got {hop_length}.")
    hop_length = check_positive_int(hop_length, "hop_length")
    if hop_length > win_length:
        raise ValueError(
            f"hop_length={hop_length} is larger than the window ({win_length} samples): samples "
            "between frames would be skipped. Use hop_length <= win_length (often n_fft // 4)."
        )
    if n_samples is not None and n_fft > n_samples:
        raise ValueError(
            f"n_fft={n_fft} is longer than the signal ({n_samples} samples). "
            f"Use n_fft <= {n_samples} or a longer clip."
        )
    return n_fft, hop_length, win_length


def check_window(window, n: int = 16):
    """Accept a scipy window name / tuple or an array; raise ValueError for unknown names."""
    if isinstance(window, np.ndarray):
        if window.ndim != 1 or not np.all(np.isfinite(window)):
            raise ValueError("a window array must be 1-D and finite.")
        return window
    try:
        scipy.signal.get_window(window, n, fftbins=True)
    except (ValueError, TypeError) as exc:
        raise ValueError(
            f"unknown window {window!r}. Use a scipy.signal window name such as 'hann', "
            "'hamming', 'blackman', 'boxcar' (rectangular) or ('kaiser', 8.0)."
        ) from exc
    return window


def window_samples(window, n: int) -> np.ndarray:
    """The ``n`` samples (float64) of a window given by scipy name/tuple (periodic, as an STFT
    uses) or as an array, which must then have exactly ``n`` values. Used by spectral, stft, plot.
    """
    window = check_window(window, n)
    if isinstance(window, np.ndarray):
        if window.size != n:
            raise ValueError(f"a window array must have n_fft={n} samples, got {window.size}.")
        return window.astype(np.float64)
    return scipy.signal.get_window(window, n, fftbins=True)


def check_mel_params(sr: int, n_mels=128, fmin=0.0, fmax=None, n_mfcc=None, n_fft=None):
    """Check mel/MFCC parameters; return ``(n_mels, fmin, fmax)`` with fmax defaulted to Nyquist."""
    nyquist = sr / 2
    n_mels = check_positive_int(n_mels, "n_mels")
    fmax = nyquist if fmax is None else fmax
    for label, f in (("fmin", fmin), ("fmax", fmax)):
        if isinstance(f, bool) or not isinstance(f, numbers.Real) or not np.isfinite(f):
            raise TypeError(f"{label} must be a frequency in Hz, got {f!r}.")
    if fmin < 0:
        raise ValueError(f"fmin must be >= 0 Hz, got {fmin}.")
    if fmax > nyquist:
        raise ValueError(
            f"fmax={fmax} Hz is above the Nyquist frequency sr/2 = {nyquist:g} Hz: a signal "
            f"sampled at {sr} Hz holds nothing above {nyquist:g} Hz. Use fmax <= {nyquist:g}."
        )
    if fmin >= fmax:
        raise ValueError(f"fmin={fmin} Hz must be below fmax={fmax} Hz.")
    if n_mfcc is not None:
        n_mfcc = check_positive_int(n_mfcc, "n_mfcc")
        if n_mfcc > n_mels:
            raise ValueError(
                f"n_mfcc={n_mfcc} is larger than n_mels={n_mels}: the DCT of {n_mels} mel bands "
                f"has only {n_mels} coefficients. Use n_mfcc <= n_mels (13-40 is typical)."
            )
    if n_fft is not None and n_mels > n_fft // 2 + 1:
        raise ValueError(
            f"n_mels={n_mels} is more than the {n_fft // 2 + 1} FFT bins of n_fft={n_fft}: some "
            "mel filters would be empty. Use fewer mel bands or a larger n_fft."
        )
    return n_mels, float(fmin), float(fmax)


def check_real_array(a, *, name: str, ndim: int, layout: str) -> np.ndarray:
    """A real, finite, non-empty numeric array with ``ndim`` dimensions (features, spectra...).

    ``layout`` describes the expected axes for the message, e.g. ``"coefficients x frames"``.
    Integers are converted to float64; float arrays are returned as they are.
    """
    if a is None or isinstance(a, (str, bytes)):
        raise TypeError(f"{name} must be a {ndim}-D numeric array ({layout}), got {a!r:.40}.")
    arr = np.asarray(a)
    if arr.dtype == object or arr.dtype == np.bool_ or not np.issubdtype(arr.dtype, np.number) \
            or np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}.")
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D ({layout}), got shape {arr.shape}.")
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}).")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    return arr if np.issubdtype(arr.dtype, np.floating) else arr.astype(np.float64)


def check_spectrum(S, name: str = "S") -> np.ndarray:
    """A magnitude or power array: real, finite, non-negative, not empty (to_db, db_view)."""
    if S is None or isinstance(S, (str, bytes)):
        raise TypeError(f"{name} must be a numpy array (a magnitude or power spectrogram).")
    arr = np.asarray(S)
    if arr.dtype == object or arr.dtype == np.bool_ or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"{name} must hold numbers, got dtype {arr.dtype}.")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(
            f"{name} is complex ({arr.dtype}): that is the STFT itself, not a level. Take the "
            "magnitude first, np.abs(stft) (for kind='amplitude'), or the power, "
            "np.abs(stft) ** 2 (for kind='power')."
        )
    if arr.size == 0:
        raise ValueError(f"{name} is empty: there is nothing to convert to dB.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values; clean it first.")
    if np.any(arr < 0):
        raise ValueError(
            f"{name} has negative values (min {arr.min():.3g}): magnitudes and powers are >= 0, "
            "never negative. Did you pass the waveform? Use np.abs(stft) or np.abs(stft) ** 2."
        )
    return arr if np.issubdtype(arr.dtype, np.floating) else arr.astype(np.float64)


# ---------------------------------------------------------------------------------------------
# the shared message for a dB re max picture of silence (features.to_db, explorers, plot)
# ---------------------------------------------------------------------------------------------
#: One message for "dB re max of silence", everywhere a picture or readout would show it.
SILENT_SIGNAL = (
    "the signal is silent (every sample is 0), so its spectrogram is all zeros and 'dB re max' "
    "is undefined: every bin would read 0 dB, as if the silence were the loudest sound. Check "
    "the clip (helpers.load(...) of the right file? a gain of 0?), or use a fixed reference "
    "such as ref=1.0."
)


def silent_signal_error() -> ValueError:
    """The ValueError raised (or shown in an explorer's readout) for dB re max of silence."""
    return ValueError(SILENT_SIGNAL)


# ---------------------------------------------------------------------------------------------
# numbers a learner types or a slider sends (explorers, features.to_db)
# ---------------------------------------------------------------------------------------------
def format_number(value: float) -> str:
    """A number as the learner typed it: 11025.01 stays 11025.01 (``:g`` would say 11025)."""
    return f"{value:.10g}"


def check_number(value, name: str, *, low=None, high=None, low_open=False, unit="") -> float:
    """A finite real number (not a bool) within ``[low, high]`` (``(low, high]`` with
    ``low_open``); returned as float. ``unit`` goes into the message."""
    u = f" {unit}" if unit else ""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number{' in ' + unit if unit else ''}, got {value!r}.")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}.")
    if low is not None and (value <= low if low_open else value < low):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {format_number(low)}{u}, "
                         f"got {format_number(value)}{u}.")
    if high is not None and value > high:
        raise ValueError(f"{name} must be <= {format_number(high)}{u}, "
                         f"got {format_number(value)}{u}.")
    return value


def check_top_db(top_db):
    """The one top_db rule (``helpers.features.to_db``, the explorers, ``db_view``): a number of
    dB > 0, or None for no clipping; returned as float or None."""
    if top_db is None:
        return None
    if isinstance(top_db, bool) or not isinstance(top_db, numbers.Real) or not top_db > 0:
        raise ValueError(
            f"top_db must be a number of dB > 0 (e.g. 80) or None for no clipping, got "
            f"{top_db!r}: top_db=0 would clip every value to the maximum (one flat colour)."
        )
    return check_number(top_db, "top_db", unit="dB")


def check_choice(value, name: str, choices):
    """``value`` must be one of ``choices`` (e.g. a window the explorer offers)."""
    if value not in choices:
        raise ValueError(f"unknown {name} {value!r}; choose one of {', '.join(map(repr, choices))}.")
    return value


def check_db_ref(ref):
    """A dB reference as a learner may type it: ``"max"`` (any case) or a number > 0 (also as
    text, "1.0"); returns ``"max"`` or a float."""
    if isinstance(ref, str):
        if ref.strip().lower() == "max":
            return "max"
        try:
            ref = float(ref)
        except ValueError:
            raise ValueError(f"ref must be 'max' or a positive number such as 1.0, got {ref!r}.") from None
    return check_number(ref, "ref", low=0.0, low_open=True)
