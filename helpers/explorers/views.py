"""The explorers' pure views: data in, a dict out with the arrays, their axes / image extent in
seconds and hertz, and the readout text. No widgets, no figures.

Each view calls the teaching functions a learner calls (``helpers.spectral.spectrum``,
``helpers.stft.stft`` / ``n_frames``, ``helpers.features.to_db`` / ``mel_basis`` /
``mfcc_from_log_mel``) and, for what only a picture needs, ``helpers.engine`` (a max-pooled,
picture-sized magnitude image; a waveform's min/max envelope). ``tests/test_widgets.py`` checks
every view against the teaching functions and against numpy / librosa.

Spectrogram pictures are computed for the picture (``helpers.engine.magnitude_image``): ``|S|``
is max-pooled to at most ``MAX_IMAGE_COLS`` x ``MAX_IMAGE_ROWS`` cells (the axes' size in
pixels, so nothing visible is lost; max-pooling keeps narrow peaks visible), and where many
heavily overlapping frames fall into one column only every k-th is computed (frames at most
n_fft / 8 apart). Very long clips cap the FFT work at ``helpers.engine.FFT_BUDGET`` samples and
the readout says which frames were analysed. The numbers in the readouts (shapes, frame counts)
are those of the full STFT.

A silent signal has no "dB re max" picture: ``stft_view`` and ``db_view`` (ref="max") raise the
one message ``helpers.validate.SILENT_SIGNAL``, as ``helpers.features.to_db`` does.
"""

from __future__ import annotations

import numpy as np

from .. import engine
from ..features import mel_basis, mfcc_from_log_mel, to_db
from ..spectral import spectrum
from ..stft import n_frames, stft
from ..validate import (
    check_db_ref,
    check_frame_params,
    check_mel_params,
    check_number,
    check_positive_int,
    check_signal,
    check_spectrum,
    check_sr,
    check_top_db,
    check_window,
    format_number,
    silent_signal_error,
    window_samples,
)
from .framework import MAX_IMAGE_COLS, MAX_IMAGE_ROWS

__all__ = [
    "WINDOWS",
    "db_view",
    "maxpool_image",
    "mfcc_view",
    "spectrum_view",
    "stft_view",
    "waveform_view",
]

#: Windows offered by the spectrum and STFT explorers (scipy.signal names).
WINDOWS = ("boxcar", "hann", "hamming", "blackman")


def maxpool_image(img: np.ndarray, max_rows: int = MAX_IMAGE_ROWS, max_cols: int = MAX_IMAGE_COLS):
    """Shrink a (rows, cols) image for display by taking the maximum over blocks.

    Returns ``(pooled, (row_factor, col_factor))``; ``helpers.engine.pooled_extent`` gives its
    extent. The maximum is kept, so a narrow peak stays visible (``helpers.engine.maxpool``
    with the explorers' picture size)."""
    return engine.maxpool(img, max_rows, max_cols)


def waveform_view(y, sr, *, start: float = 0.0, length: float | None = None,
                  max_points: int = 1600, peak: float | None = None) -> dict:
    """The part of a waveform from ``start`` to ``start + length`` seconds, ready to plot (01).

    When more than ``max_points`` samples are in view, the line is a min/max envelope (for each
    block of samples its minimum and maximum, drawn as a vertical stroke), which looks exactly
    like the full line at screen resolution. The y limits are the whole clip's peak, so zooming
    never rescales the amplitude axis (``peak``: the clip's peak, if already known).

    Returns dict: ``t`` (s), ``values``, ``xlim`` (s), ``ylim``, ``n_samples`` (samples in view),
    ``first_sample``, ``block`` (samples per envelope point, 1 = raw samples), ``readout``.
    """
    y = check_signal(y, mono=True)
    sr = check_sr(sr)
    duration = y.size / sr
    start = check_number(start, "start", low=0.0, unit="s")
    if start >= duration:
        raise ValueError(f"start={start:g} s is past the end of the clip ({duration:.3f} s long).")
    length = duration if length is None else check_number(length, "length", low=0.0,
                                                            low_open=True, unit="s")
    max_points = check_positive_int(max_points, "max_points", minimum=4)
    i0 = int(round(start * sr))
    i0 = min(i0, y.size - 1)
    i1 = min(y.size, i0 + max(1, int(round(length * sr))))
    seg = y[i0:i1]
    n = seg.size
    if n <= max_points:
        block = 1
        t = (i0 + np.arange(n)) / sr
        values = seg
    else:
        block = -(-n // (max_points // 2))
        lo, hi = engine.block_minmax(seg, block)  # a short last block on its own
        tb = (i0 + np.arange(lo.size) * block) / sr
        t = np.repeat(tb, 2)
        values = np.empty(t.size, dtype=seg.dtype)
        values[0::2], values[1::2] = lo, hi
    peak = (peak if peak is not None else max(float(y.max()), -float(y.min()))) or 1.0
    t0 = i0 / sr
    xlim = (t0, t0 + max(length, 1.0 / sr))
    end_note = " (clip ends here)" if i0 + int(round(length * sr)) > y.size else ""
    readout = (
        f"Showing {t0:.3f} s to {i1 / sr:.3f} s{end_note}: <b>{n} samples</b> "
        f"(sr = {sr} Hz, one sample = {1000 / sr:.4f} ms)"
        + (f"; drawn as a min/max envelope of {block}-sample blocks" if block > 1
           else "; every sample drawn" + (" (dots)" if n <= 200 else ""))
    )
    return dict(t=t, values=values, xlim=xlim, ylim=(-1.05 * peak, 1.05 * peak), n_samples=n,
                first_sample=i0, block=block, readout=readout)


def spectrum_view(sr: int = 22050, *, freq: float = 440.0, window: str = "hann",
                  length_ms: float = 50.0, amplitude: float = 0.5) -> dict:
    """Spectrum of a synthetic tone: ``amplitude * sin(2 pi freq t)`` for ``length_ms`` (02).

    The segment (``N = round(length_ms * sr / 1000)`` samples) goes through
    ``helpers.spectral.spectrum(..., window=window, normalize=False)``: times the window
    (scipy's periodic window), ``np.fft.rfft``, magnitude; the frequency axis is
    ``np.fft.rfftfreq(N, 1 / sr)``, so the bin spacing is ``delta_f = sr / N``.

    Returns dict: ``t`` (s), ``segment`` (windowed samples), ``freqs`` (Hz), ``magnitude``,
    ``magnitude_db`` (dB re max: the peak bin is 0 dB), ``peak_freq`` (Hz, from rfftfreq), ``peak_bin``,
    ``delta_f`` (Hz), ``n`` (samples), ``readout``.
    """
    sr = check_sr(sr)
    freq = check_number(freq, "freq", low=0.0, low_open=True, unit="Hz")
    if freq > sr / 2:
        raise ValueError(f"freq must be <= {format_number(sr / 2)} Hz (the Nyquist frequency sr / 2: a "
                         f"sampled signal holds nothing above it), got {format_number(freq)} Hz.")
    length_ms = check_number(length_ms, "length_ms", low=0.0, low_open=True, unit="ms")
    amplitude = check_number(amplitude, "amplitude", low=0.0, low_open=True)
    check_window(window)
    n = int(round(length_ms * sr / 1000))
    if n < 2:
        raise ValueError(
            f"length_ms={length_ms:g} ms is only {n} sample(s) at sr={sr} Hz; use at least "
            f"{2000 / sr:.2f} ms."
        )
    t = np.arange(n) / sr
    tone = amplitude * np.sin(2 * np.pi * freq * t)
    # the spectrum 02 teaches: |rfft(window * tone)| on np.fft.rfftfreq(N, 1 / sr)
    freqs, magnitude = spectrum(tone, sr, window=window, normalize=False)
    segment = tone * window_samples(window, n)
    k = int(np.argmax(magnitude))
    top = magnitude[k] if magnitude[k] > 0 else 1.0
    magnitude_db = 20 * np.log10(np.maximum(magnitude, top * 1e-10) / top)
    delta_f = sr / n
    readout = (
        f"N = {n} samples ({1000 * n / sr:.1f} ms), window = {window} | "
        f"bin spacing <b>&Delta;f = sr/N = {delta_f:.2f} Hz</b> | "
        f"<b>peak at {freqs[k]:.2f} Hz</b> (bin {k} of np.fft.rfftfreq) for a {freq:g} Hz tone "
        f"(error {freqs[k] - freq:+.2f} Hz)"
    )
    return dict(t=t, segment=segment, freqs=freqs, magnitude=magnitude,
                magnitude_db=magnitude_db, peak_freq=float(freqs[k]), peak_bin=k,
                delta_f=delta_f, n=n, readout=readout)


def _stft_readout(sr, n_fft, hop_length, window, shape, note: str = "") -> str:
    return (
        f"window {window}, n_fft = {n_fft} samples = <b>{1000 * n_fft / sr:.1f} ms</b> | "
        f"hop = {hop_length} samples: <b>&Delta;t = hop/sr = {1000 * hop_length / sr:.2f} ms</b> | "
        f"<b>&Delta;f = sr/n_fft = {sr / n_fft:.2f} Hz</b> | "
        f"<b>{shape[1]} frames x {shape[0]} bins</b> (array shape {shape})" + note
    )


def sampled_note(r: dict, hop_length: int, sr: int) -> str:
    """Readout note for a long clip whose frames were sampled (``engine.magnitude_image``)."""
    if not r["sampled"]:
        return ""
    return (f" | long clip: the picture analyses every {r['step']}th frame "
            f"(one every {1000 * r['step'] * hop_length / sr:.0f} ms)")


def _spectrogram_extent(frames, n_bins, sr, hop_length, n_fft):
    """imshow extent for frames centred at n*hop/sr and bins at k*sr/n_fft (edges half a cell out)."""
    dt, df = hop_length / sr, sr / n_fft
    return (-dt / 2, (frames - 0.5) * dt, -df / 2, (n_bins - 0.5) * df)


#: stft_view returns the full-resolution dB array up to this many cells (32 MB of float32: every
#: setting of a 30 s clip at 22050 Hz with hop >= n_fft / 16); beyond it, a picture-sized one.
MAX_FULL_CELLS = 1 << 23
MAX_FULL_COLS = 2048


def stft_view(y, sr, *, n_fft: int = 2048, hop_length: int = 512, window: str = "hann",
              top_db: float | None = 80.0, display_only: bool = False) -> dict:
    """STFT magnitude in dB re max, with its time/frequency axes and extent (03).

    ``helpers.stft.stft`` (centred frames, as ``librosa.stft``): frame ``n`` is centred at
    ``n * hop_length / sr`` seconds; bin ``k`` is at ``k * sr / n_fft`` Hz; then
    ``helpers.features.to_db(|S|, ref="max", top_db=top_db)``.

    Returns dict: ``magnitude_db`` (bins x frames, dB re max, floor ``-top_db``), ``times`` (s),
    ``freqs`` (Hz), ``extent`` (for ``imshow(origin="lower")``), ``delta_t`` (s), ``delta_f``
    (Hz), ``window_ms``, ``shape`` (of the full STFT), ``frames_per_column``, ``readout``.

    Long clips: when the full array would have more than ``MAX_FULL_CELLS`` cells (e.g. 10
    minutes at n_fft=8192, hop=128), ``magnitude_db`` keeps every bin but at most
    ``MAX_FULL_COLS`` columns, each the maximum over ``frames_per_column`` frames (``times``
    are the columns' first frames), computed batch by batch in float32
    (``helpers.engine.magnitude_image``): time and memory stay bounded.

    ``display_only=True`` (the explorer) returns only a picture-sized image, max-pooled from
    ``|S|`` *before* the dB mapping (dB is monotonic, so this equals pooling the dB image):
    ``display`` / ``display_extent``.

    A silent signal raises ``ValueError`` (``helpers.validate.SILENT_SIGNAL``): dB re max of
    all zeros is undefined.
    """
    y = check_signal(y, mono=True)
    sr = check_sr(sr)
    n_fft, hop_length, _ = check_frame_params(n_fft, hop_length, n_samples=y.size)
    window = check_window(window)
    top_db = check_top_db(top_db)
    n_bins = n_fft // 2 + 1
    frames = n_frames(y.size, n_fft=n_fft, hop_length=hop_length)
    shape = (n_bins, frames)
    extent = _spectrogram_extent(frames, n_bins, sr, hop_length, n_fft)
    out = dict(freqs=np.fft.rfftfreq(n_fft, d=1.0 / sr), extent=extent,
               delta_t=hop_length / sr, delta_f=sr / n_fft, window_ms=1000 * n_fft / sr,
               shape=shape, frames_per_column=1)
    if not display_only and frames * n_bins <= MAX_FULL_CELLS:
        if not np.any(y):
            raise silent_signal_error()
        _, out["times"], S = stft(y, sr=sr, n_fft=n_fft, hop_length=hop_length, window=window)
        out["magnitude_db"] = to_db(np.abs(S), ref="max", top_db=top_db)
        out["readout"] = _stft_readout(sr, n_fft, hop_length, window, shape)
        return out
    r = engine.magnitude_image(y, n_fft=n_fft, hop_length=hop_length,
                               window=window_samples(window, n_fft),
                               max_rows=MAX_IMAGE_ROWS if display_only else None,
                               max_cols=MAX_IMAGE_COLS if display_only else MAX_FULL_COLS)
    if not r["hi"] > 0:
        raise silent_signal_error()
    db = to_db(r["image"], ref=r["hi"], top_db=top_db)
    out["readout"] = _stft_readout(sr, n_fft, hop_length, window, shape,
                                   sampled_note(r, hop_length, sr))
    out["frames_per_column"] = r["frames_per_cell"]
    if display_only:
        out["display"], out["display_extent"] = db, engine.image_extent(r, sr, hop_length, n_fft)
    else:
        out["magnitude_db"] = db
        out["times"] = np.arange(db.shape[1]) * r["frames_per_cell"] * hop_length / sr
        out["extent"] = engine.image_extent(r, sr, hop_length, n_fft)
    return out


def db_view(magnitude, *, ref="max", top_db: float | None = 80.0, amin: float = 1e-5,
            stats: tuple[float, float] | None = None) -> dict:
    """Magnitude -> dB (``helpers.features.to_db``, the numbers of ``librosa.amplitude_to_db``)
    with the reference stated (04).

    ``ref="max"``: 0 dB is the loudest bin ("dB re max"); ``ref=1.0``: 0 dB is a magnitude of 1.0
    ("dB re 1.0"). ``amin`` is the smallest magnitude considered: everything quieter sits on a
    floor of ``20 log10(amin / ref)`` dB. librosa divides by ``max(amin, ref)``, so a ``ref``
    below ``amin`` makes ``amin`` the 0 dB level (the readout and label say so). ``top_db``
    clips everything more than ``top_db`` below the loudest value (``None`` = no clipping).

    ``stats=(min, max)`` of the full-resolution magnitude may be given when ``magnitude`` is a
    max-pooled display copy, so the readout still reports the true range (dB is monotonic).

    Returns dict: ``db``, ``vmin``/``vmax`` (dB range of the values), ``ref_value`` (what 0 dB
    is, a magnitude), ``floor`` (dB), ``floor_fraction`` (of the cells of ``magnitude`` at the
    floor), ``label`` (colourbar label with the reference), ``readout``.

    dB re max of a silent (all-zero) magnitude raises ``ValueError``
    (``helpers.validate.SILENT_SIGNAL``).
    """
    magnitude = check_spectrum(magnitude, name="magnitude")
    ref = check_db_ref(ref)
    amin = check_number(amin, "amin", low=0.0, low_open=True)
    top_db = check_top_db(top_db)
    lo, hi = stats if stats is not None else (float(magnitude.min()), float(magnitude.max()))
    if ref == "max" and not hi > 0:
        raise silent_signal_error()
    asked = hi if ref == "max" else ref
    ref_value = max(amin, asked)  # what librosa divides by
    db = to_db(magnitude, kind="amplitude", ref=ref_value, amin=amin, top_db=top_db)

    def level(value):  # dB of one magnitude, as to_db maps it
        return 20 * np.log10(max(amin, value)) - 20 * np.log10(ref_value)

    vmax, vmin, floor = level(hi), level(lo), level(0.0)
    clip_level = None if top_db is None else vmax - top_db
    if clip_level is not None:
        vmin = max(vmin, clip_level)
    if asked < amin:
        name = f"dB re {amin:g}"
        ref_text = (f"<b>{name}</b>: 0 dB = amin = {amin:g}, not ref = {asked:.4g}: librosa "
                    "divides by max(amin, ref), so a ref below amin is replaced by amin")
    elif ref == "max":
        name = "dB re max"
        ref_text = f"<b>{name}</b>: 0 dB = the loudest bin (|S| = {hi:.4g})"
    else:
        name = f"dB re {ref!r}"
        ref_text = f"<b>{name}</b>: 0 dB = a magnitude |S| of {ref!r}"
    clip = (f"top_db = {format_number(top_db)}: nothing below {clip_level:.1f} dB"
            if top_db is not None else "no top_db clipping")
    at_floor = float(np.count_nonzero(magnitude <= amin)) / magnitude.size
    if clip_level is not None and floor <= clip_level:
        floor_text = "under the top_db clip: not shown"
    else:
        what = "of the picture sits" if stats else "of the cells sit"
        floor_text = f"<b>{at_floor:.0%} {what} on it</b>"
    # two lines at most in the explorer, so the figure below does not move
    readout = (
        f"{ref_text} | <b>shown: {vmin:.1f} dB to {vmax:.1f} dB</b> | {clip} | "
        f"amin = {amin:g}: floor 20&middot;log10(amin/ref) = {floor:.1f} dB, {floor_text}"
    )
    return dict(db=db, vmin=float(vmin), vmax=float(vmax), ref_value=float(ref_value),
                floor=float(floor), floor_fraction=at_floor, label=f"Magnitude ({name})",
                readout=readout)


def mfcc_view(power, sr, *, n_fft: int, n_mfcc: int = 13, n_mels: int = 128, fmin: float = 0.0,
              fmax: float | None = None) -> dict:
    """Mel power spectrogram (dB re 1.0) and MFCCs from a power spectrogram ``|S|**2`` (05).

    The steps of ``helpers.features.mfcc``: ``mel_basis`` (the cached ``mel_filterbank``) times
    the power -> ``to_db(kind="power", ref=1.0, top_db=80)`` -> ``mfcc_from_log_mel`` (DCT-II,
    orthonormal, first ``n_mfcc`` rows); the same numbers as ``librosa.feature.mfcc(y=..., sr=sr,
    n_mfcc=n_mfcc, n_mels=n_mels, n_fft=n_fft, hop_length=...)``. A setting where some mel
    filters would hold no FFT bin (e.g. n_fft=256 with n_mels=128) raises the ValueError of
    ``helpers.features.mel_filterbank`` (librosa only warns and returns rows of zeros).

    Returns dict: ``mel_db`` (n_mels x frames), ``mfcc`` (n_mfcc x frames), ``shape``,
    ``readout``.
    """
    sr = check_sr(sr)
    power = np.asarray(power)
    if power.ndim != 2 or power.size == 0:
        raise ValueError(f"power must be a 2-D (bins, frames) array, got shape {power.shape}.")
    n_fft = check_positive_int(n_fft, "n_fft", minimum=2)
    if power.shape[0] != n_fft // 2 + 1:
        raise ValueError(
            f"power has {power.shape[0]} frequency bins but n_fft={n_fft} gives {n_fft // 2 + 1}."
        )
    n_mels, fmin, fmax = check_mel_params(sr, n_mels=n_mels, fmin=fmin, fmax=fmax,
                                          n_mfcc=n_mfcc, n_fft=n_fft)
    # each filter touches few bins: the sparse product is ~10x faster than the dense one
    # (in the power's precision: no float64 copy of a float32 spectrogram)
    basis = mel_basis(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax, sparse=True,
                      dtype=np.float32 if power.dtype == np.float32 else np.float64)
    mel_db = to_db(basis @ power, kind="power", ref=1.0, top_db=80.0)
    mfcc = mfcc_from_log_mel(mel_db, n_mfcc=n_mfcc)
    readout = (
        f"{n_mels} mel bands -> DCT -> keep the first {n_mfcc}: <b>MFCC shape {mfcc.shape}</b> "
        f"= (n_mfcc, frames) | log-mel shape {mel_db.shape} = (n_mels, frames)"
    )
    return dict(mel_db=mel_db, mfcc=mfcc, shape=mfcc.shape, readout=readout)
