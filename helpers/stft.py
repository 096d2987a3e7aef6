"""The short-time Fourier transform, written out in NumPy so every step can be seen.

``frame_signal`` cuts a signal into overlapping frames, ``stft`` windows each frame and takes its
``rfft`` (the same numbers as ``librosa.stft`` with ``pad_mode="constant"``; the tests check it),
``resolution`` turns ``n_fft``/``hop_length`` into seconds and hertz, ``n_frames`` says how many
frames you will get, and ``istft`` resynthesises a signal (a validated ``librosa.istft``).

Used by: 03_stft_spectrogram (all functions) and the 03 figures in ``helpers.plot``.
"""

from __future__ import annotations

import numpy as np

from .engine import FramedFFT, frame_count
from .validate import check_frame_params, check_signal, check_sr, check_window, window_samples

__all__ = ["frame_signal", "n_frames", "stft", "framed_fft", "resolution", "istft", "PAD_MODES"]

#: ``np.pad`` modes accepted for ``center=True`` (librosa's default is "constant" = zeros).
PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")

#: The frame matrix is materialised (a teaching implementation); refuse more than this.
MAX_FRAME_BYTES = 1 << 30


def _check_pad_mode(pad_mode) -> str:
    if pad_mode not in PAD_MODES:
        raise ValueError(
            f"unknown pad_mode {pad_mode!r}; use one of {', '.join(map(repr, PAD_MODES))} "
            "('constant' pads with zeros, as librosa.stft does by default)."
        )
    return pad_mode


def _check_center(center) -> bool:
    if not isinstance(center, (bool, np.bool_)):
        raise TypeError(f"center must be True or False, got {center!r}.")
    return bool(center)


def n_frames(n_samples: int, *, n_fft: int, hop_length: int, center: bool = True) -> int:
    """Number of STFT frames for a signal of ``n_samples`` samples.

    With ``center=True`` the signal is padded by ``n_fft // 2`` samples on each side, so frame
    ``t`` is centred on sample ``t * hop_length`` and there are
    ``1 + (n_samples + 2 * (n_fft // 2) - n_fft) // hop_length`` frames, which is
    ``1 + n_samples // hop_length`` for an even ``n_fft``. With ``center=False`` only whole frames
    inside the signal count: ``1 + (n_samples - n_fft) // hop_length``.
    """
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)):
        raise TypeError(f"n_samples must be a whole number of samples, got {n_samples!r}.")
    if n_samples < 1:
        raise ValueError(f"n_samples must be >= 1, got {n_samples}.")
    center = _check_center(center)
    n_fft, hop_length, _ = check_frame_params(n_fft, hop_length, n_samples=int(n_samples))
    return frame_count(int(n_samples), n_fft, hop_length, center)


def frame_signal(y, *, frame_length: int, hop_length: int, center: bool = True,
                 pad_mode: str = "constant") -> np.ndarray:
    """Cut ``y`` into overlapping frames; return an array of shape ``(n_frames, frame_length)``.

    Frame ``t`` holds samples ``t * hop_length ... t * hop_length + frame_length - 1`` of the
    (padded, when ``center=True``) signal. The result is a copy, safe to modify.
    """
    y = check_signal(y, name="y")
    center = _check_center(center)
    pad_mode = _check_pad_mode(pad_mode)
    frame_length, hop_length, _ = check_frame_params(frame_length, hop_length,
                                                     n_samples=y.size)
    if center:
        pad = frame_length // 2
        y = np.pad(y, (pad, pad), mode=pad_mode)
    count = frame_count(y.size, frame_length, hop_length, center=False)  # y is padded already
    needed = count * frame_length * 8  # stft() works in float64
    if needed > MAX_FRAME_BYTES:
        raise ValueError(
            f"{count} frames of {frame_length} samples would need {needed / 2**30:.1f} GiB: "
            f"hop_length={hop_length} is very small for a {y.size}-sample signal. Use a larger "
            "hop_length (e.g. n_fft // 4) or a shorter excerpt."
        )
    windows = np.lib.stride_tricks.sliding_window_view(y, frame_length)
    return windows[::hop_length].copy()


def stft(y, *, sr: int, n_fft: int = 2048, hop_length: int = 512, window="hann",
         center: bool = True, pad_mode: str = "constant"):
    """From-scratch STFT: frame, multiply by the window, ``np.fft.rfft`` each frame.

    Parameters
    ----------
    y : 1-D float array, sr : sample rate in Hz
    n_fft : frame (= window = FFT) length in samples; ``n_fft / sr`` seconds
    hop_length : samples between the starts of consecutive frames; ``hop_length / sr`` seconds
    window : a ``scipy.signal.get_window`` name/tuple (periodic, ``fftbins=True``) or an array
        of length ``n_fft``
    center, pad_mode : pad ``n_fft // 2`` samples each side so frame ``t`` is centred on
        sample ``t * hop_length`` (librosa's convention, zeros by default)

    Returns
    -------
    freqs : (1 + n_fft // 2,) bin centre frequencies in Hz (``np.fft.rfftfreq(n_fft, 1 / sr)``)
    times : (n_frames,) frame centre times in seconds (``librosa.frames_to_time``)
    S : complex array (1 + n_fft // 2, n_frames), frequency x time like ``librosa.stft``;
        complex64 for float32 input, complex128 for float64. ``np.abs(S)`` is the magnitude,
        ``np.abs(S) ** 2`` the power.

    Computed in float64, 1024 frames at a time (``helpers.engine.FramedFFT``: the frames of
    :func:`frame_signal`, times the window, ``np.fft.rfft``), straight into ``S``: a 10-minute
    clip needs little more memory than ``S`` itself. A result larger than ``MAX_STFT_BYTES``
    (1 GiB) is refused with the fix (a larger hop or a shorter excerpt).
    """
    import librosa

    sr = check_sr(sr)
    y = check_signal(y, name="y")
    out_dtype = np.complex64 if y.dtype == np.float32 else np.complex128
    blocks = framed_fft(y, n_fft=n_fft, hop_length=hop_length, window=window, center=center,
                        pad_mode=pad_mode, out_itemsize=np.dtype(out_dtype).itemsize)
    S = np.empty((n_fft // 2 + 1, blocks.n_frames), dtype=out_dtype)
    for start, X in blocks:
        S[:, start: start + X.shape[0]] = X.T
    freqs = np.fft.rfftfreq(n_fft, d=1.0 / sr)
    # With center=False frame t starts at t * hop, so its centre is n_fft // 2 samples later.
    times = librosa.frames_to_time(np.arange(S.shape[1]), sr=sr, hop_length=hop_length,
                                   n_fft=None if center else n_fft)
    return freqs, times, S


#: ``stft`` returns the whole (bins x frames) matrix: refuse one larger than this.
MAX_STFT_BYTES = 1 << 30


def framed_fft(y, *, n_fft: int, hop_length: int, window="hann", center: bool = True,
               pad_mode: str = "constant", out_itemsize: int = 8, dtype=np.float64,
               block: int = 1024) -> FramedFFT:
    """The checked STFT, a block of frames at a time: iterate for ``(first_frame, X)`` with
    ``X`` of shape ``(frames, 1 + n_fft // 2)`` (complex128; complex64 with
    ``dtype=np.float32``). ``.n_frames`` is the number of frames.

    What :func:`stft`, ``helpers.features.power_spectrogram`` / ``mel_spectrogram`` and the
    explorers use, so a long clip's complex STFT need not be held whole. A result of more than
    ``MAX_STFT_BYTES`` (``out_itemsize`` bytes per cell) is refused with the fix.
    """
    center = _check_center(center)
    pad_mode = _check_pad_mode(pad_mode)
    n_fft, hop_length, _ = check_frame_params(n_fft, hop_length, n_samples=y.size)
    w = window_samples(window, n_fft)
    count = frame_count(y.size, n_fft, hop_length, center)
    needed = count * (n_fft // 2 + 1) * out_itemsize
    if needed > MAX_STFT_BYTES:
        raise ValueError(
            f"the STFT would have {count:,} frames x {n_fft // 2 + 1} bins = "
            f"{needed / 2**30:.1f} GiB: hop_length={hop_length} is very small for a "
            f"{y.size:,}-sample signal. Use a larger hop_length (e.g. n_fft // 4 = "
            f"{max(1, n_fft // 4)}) or a shorter excerpt, e.g. y[:sr * 30]."
        )
    return FramedFFT(y, n_fft=n_fft, hop_length=hop_length, window=w, center=center,
                     pad_mode=pad_mode, dtype=dtype, block=block)


def resolution(sr: int, n_fft: int, hop_length: int) -> dict:
    """What ``n_fft`` and ``hop_length`` mean in seconds and hertz.

    Returns a dict with ``delta_t_s`` (time between frames, ``hop / sr``), ``delta_f_hz``
    (spacing of frequency bins, ``sr / n_fft``), ``window_ms`` (duration of one frame: the time
    smear), ``hop_ms``, ``n_bins`` (``1 + n_fft // 2``) and ``overlap`` (fraction shared by
    consecutive frames).
    """
    sr = check_sr(sr)
    n_fft, hop_length, _ = check_frame_params(n_fft, hop_length)
    return dict(
        delta_t_s=hop_length / sr,
        delta_f_hz=sr / n_fft,
        window_ms=1000.0 * n_fft / sr,
        hop_ms=1000.0 * hop_length / sr,
        n_bins=n_fft // 2 + 1,
        overlap=1.0 - hop_length / n_fft,
    )


def istft(S, *, hop_length: int, n_fft: int | None = None, window="hann", center: bool = True,
          length: int | None = None) -> np.ndarray:
    """Resynthesise a signal from a complex STFT (validated ``librosa.istft``).

    ``S`` must be the complex (frequency x frames) matrix, phase included: a magnitude alone
    does not say how to line the frames up (see Griffin-Lim for estimating a phase). Pass
    ``length=len(y)`` to get exactly the original number of samples back.
    """
    import librosa

    if not isinstance(S, np.ndarray):
        raise TypeError(f"S must be a numpy array (the output of stft), got {type(S).__name__}.")
    if S.ndim != 2:
        raise ValueError(
            f"S must be 2-D (frequency bins x frames), got shape {S.shape}."
        )
    if not np.issubdtype(S.dtype, np.complexfloating):
        raise TypeError(
            f"S is real ({S.dtype}): this looks like a magnitude or power spectrogram. ISTFT "
            "needs the complex STFT (with phase); keep S = stft(...) before np.abs, or estimate "
            "a phase with librosa.griffinlim."
        )
    if not np.all(np.isfinite(S)):
        raise ValueError("S contains NaN or infinite values; fix the manipulation that made them.")
    expected_fft = 2 * (S.shape[0] - 1)
    if n_fft is None:
        n_fft = expected_fft
    n_fft, hop_length, _ = check_frame_params(n_fft, hop_length)
    if n_fft // 2 + 1 != S.shape[0]:
        raise ValueError(
            f"S has {S.shape[0]} frequency bins but n_fft={n_fft} gives {n_fft // 2 + 1}; "
            "use the n_fft the STFT was computed with."
        )
    check_window(window, n_fft)
    center = _check_center(center)
    if length is not None:
        if isinstance(length, bool) or not isinstance(length, (int, np.integer)) or length < 1:
            raise ValueError(f"length must be a positive number of samples, got {length!r}.")
        length = int(length)
    return librosa.istft(S, hop_length=hop_length, n_fft=n_fft, window=window, center=center,
                         length=length)
