"""Feature settings: every parameter that shapes the features, saved as JSON with the data."""

from __future__ import annotations

import dataclasses
import numbers

import numpy as np

from ..validate import check_mel_params, check_positive_int, check_sr

FEATURES = ("mfcc", "logmel")
SPLITS = ("train", "val", "test")
TOP_DB = 80.0  # librosa.power_to_db's default, which librosa.feature.mfcc uses


# ---------------------------------------------------------------------------------------------
# parameters
# ---------------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class FeatureParams:
    """Every setting that shapes the features; saved as JSON next to the arrays.

    sr : samples per second every clip is resampled to (22,050 Hz).
    segment_s : segment length in seconds (1.0 s = 22,050 samples at 22,050 Hz).
    remainder : ``"pad"`` (zero-pad the last partial segment when it covers >= ``min_fill``
        of a segment) or ``"drop"`` (drop every partial segment).
    feature : ``"mfcc"`` (``n_mfcc`` coefficients) or ``"logmel"`` (``n_mels`` bands in
        dB re 1.0, i.e. relative to a mel-band power of 1 in full-scale units).
    n_fft, hop_length : frame and hop in samples (2048 = 92.9 ms, 441 = 20 ms at 22,050 Hz).
    Fixed (recorded too): ``center=False``, Hann window, power spectrogram, ``power_to_db``
    with ``ref=1.0`` and librosa's default ``top_db=80`` dB applied per segment.
    """

    sr: int = 22050
    segment_s: float = 1.0
    remainder: str = "pad"
    min_fill: float = 0.5
    feature: str = "mfcc"
    n_mfcc: int = 13
    n_mels: int = 128
    n_fft: int = 2048
    hop_length: int = 441
    fmin: float = 0.0
    fmax: float | None = None

    def __post_init__(self):
        sr = check_sr(self.sr)
        seg = self.segment_s
        if isinstance(seg, bool) or not isinstance(seg, numbers.Real) or not np.isfinite(seg):
            raise TypeError(f"segment_s must be a number of seconds, got {seg!r}.")
        if seg <= 0:
            raise ValueError(
                f"segment_s must be > 0 seconds, got {seg}. Typical values: 1.0 to 3.0 s."
            )
        if self.remainder not in ("pad", "drop"):
            raise ValueError(
                f"remainder must be 'pad' or 'drop', got {self.remainder!r}: what to do with the "
                "last partial segment of a clip."
            )
        if not (isinstance(self.min_fill, numbers.Real) and 0 < self.min_fill <= 1):
            raise ValueError(f"min_fill must be in (0, 1], got {self.min_fill!r}.")
        if self.feature not in FEATURES:
            raise ValueError(
                f"unknown feature {self.feature!r}; choose one of {', '.join(FEATURES)}."
            )
        n_fft = check_positive_int(self.n_fft, "n_fft", minimum=2)
        hop = check_positive_int(self.hop_length, "hop_length")
        if hop > n_fft:
            raise ValueError(
                f"hop_length={hop} is larger than n_fft={n_fft}: samples between frames would be "
                "skipped. Use hop_length <= n_fft."
            )
        check_mel_params(sr, self.n_mels, self.fmin, self.fmax,
                         n_mfcc=self.n_mfcc if self.feature == "mfcc" else None, n_fft=n_fft)
        if self.segment_samples < n_fft:
            raise ValueError(
                f"segment_s={seg} s is {self.segment_samples} samples, shorter than one FFT frame "
                f"(n_fft={n_fft} samples = {n_fft / sr * 1000:.1f} ms). Use longer segments or a "
                "smaller n_fft."
            )

    @property
    def segment_samples(self) -> int:
        """Segment length in samples (``round(segment_s * sr)``)."""
        return int(round(self.segment_s * self.sr))

    @property
    def frames_per_segment(self) -> int:
        """STFT frames per segment with ``center=False``: ``1 + (L - n_fft) // hop``."""
        return 1 + (self.segment_samples - self.n_fft) // self.hop_length

    @property
    def n_coefficients(self) -> int:
        return self.n_mfcc if self.feature == "mfcc" else self.n_mels

    def as_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d.update(segment_samples=self.segment_samples, frames_per_segment=self.frames_per_segment,
                 center=False, window="hann", power=2.0, ref=1.0, top_db=TOP_DB)
        return d


def _params(params) -> FeatureParams:
    if params is None:
        return FeatureParams()
    if isinstance(params, dict):
        return FeatureParams(**params)
    if not isinstance(params, FeatureParams):
        raise TypeError(f"params must be a FeatureParams or a dict, got {type(params).__name__}.")
    return params

