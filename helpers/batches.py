"""Mini-batches for any deep-learning framework, from the course's ``.npz`` or plain arrays.

``Batches`` knows nothing about PyTorch, Keras or JAX: it yields NumPy arrays. It does what a
training loop needs from the data side, and nothing else:

- a new order every epoch (``shuffle=True``), drawn from ``(seed, epoch)``: the same seed gives
  the same batches on every run and machine; another epoch or another seed gives another order;
- ``crop="random"`` (training): a random crop of ``crop_frames`` frames from every example;
  ``crop="centre"`` (validation and test, notebook 07's single test-time crop): the middle
  ``crop_frames`` frames, no randomness; ``crop="windows"`` (test, notebook 07's "whole clip in
  windows"): every example as consecutive windows of ``crop_frames`` frames (the last one ends
  at the last frame), batches of shape (examples, windows, crop_frames, ...), so the model's
  window predictions can be combined into one per example;
- an optional per-example ``augment(x, rng)`` callable, run on the fly (e.g.
  ``helpers.augment.spec_mask``);
- three separate random streams spawned from ``(seed, epoch)`` (``np.random.SeedSequence.spawn``):
  the order, the crops and the augmentation. Switching augmentation on or off therefore leaves
  the order and the crops exactly as they were: an on/off comparison changes one thing;
- clear errors for inputs it cannot use.

The arrays have shape ``(examples, frames, coefficients)``, the layout ``build_dataset`` writes
(``X_train``, ``y_train`` ...). Notebook 08 shows the few lines that wrap it in a PyTorch
``Dataset``/``DataLoader`` or a Keras ``PyDataset`` (not executed in the course).

    batches = Batches.from_npz("outputs/instruments_mfcc.npz", "train", batch_size=16,
                               crop_frames=32, seed=0)
    for epoch in range(3):
        for xb, yb in batches.epoch(epoch):   # xb: (16, 32, 13) float32, yb: (16,) int
            ...
"""

from __future__ import annotations

import numbers
from pathlib import Path

import numpy as np

__all__ = ["Batches", "CROPS"]

CROPS = ("random", "centre", "windows")


def _int(value, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number, got {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}.")
    return int(value)


class Batches:
    """Shuffled, cropped, optionally augmented mini-batches of ``X`` (and ``y``).

    X : array (examples, frames, coefficients) (or (examples, frames)).
    y : labels, one per example, or None (then batches are ``xb`` alone).
    batch_size : examples per batch; the last batch of an epoch is smaller unless ``drop_last``.
    crop_frames : frames per example in a batch (<= the frames of X); None keeps every frame.
    crop : "random" (a random start per example and epoch), "centre" (the middle frames) or
        "windows" (all windows of ``crop_frames`` frames, an extra axis after the first).
    augment : None or a callable ``augment(x, rng) -> x`` applied to each cropped example
        (training only: not with ``crop="windows"``).
    shuffle : a new order each epoch (False: the stored order, for validation and test).
    seed : the seed every random choice derives from, with the epoch number.
    """

    def __init__(self, X, y=None, *, batch_size: int = 32, crop_frames: int | None = None,
                 crop: str = "random", augment=None, shuffle: bool = True, seed: int = 0,
                 drop_last: bool = False):
        X = np.asarray(X)
        if X.ndim not in (2, 3) or not np.issubdtype(X.dtype, np.number):
            raise ValueError(f"X must be a numeric array (examples, frames, coefficients), got "
                             f"shape {X.shape} and dtype {X.dtype}.")
        if X.shape[0] == 0:
            raise ValueError("X has no examples (shape[0] == 0): nothing to batch.")
        if not np.all(np.isfinite(X)):
            raise ValueError("X holds NaN or infinite values; fix the features first "
                             "(a log of 0? a division by a zero standard deviation?).")
        if y is not None:
            y = np.asarray(y)
            if y.shape[:1] != X.shape[:1]:
                raise ValueError(f"y has {y.shape[0] if y.ndim else 0} labels but X has "
                                 f"{X.shape[0]} examples: one label per example.")
        self.X, self.y = X, y
        self.batch_size = _int(batch_size, "batch_size", 1)
        frames = X.shape[1]
        if crop_frames is not None:
            crop_frames = _int(crop_frames, "crop_frames", 1)
            if crop_frames > frames:
                raise ValueError(f"crop_frames={crop_frames} is more than the {frames} frames "
                                 "of each example; pad the examples or crop fewer frames.")
        self.crop_frames = crop_frames
        if augment is not None and not callable(augment):
            raise TypeError(f"augment must be a function augment(x, rng) -> x, got {augment!r}.")
        if crop not in CROPS:
            raise ValueError(f"crop must be one of {CROPS}, got {crop!r}.")
        if crop == "windows" and augment is not None:
            raise ValueError("crop='windows' is for evaluation; augmentation belongs to training "
                             "batches (crop='random').")
        self.augment, self.crop = augment, crop
        self.shuffle = bool(shuffle)
        self.seed = _int(seed, "seed", 0)
        self.drop_last = bool(drop_last)
        self._next_epoch = 0

    @classmethod
    def from_npz(cls, path, split: str = "train", **kwargs) -> Batches:
        """Batches of ``X_<split>`` / ``y_<split>`` from a ``.npz`` written by ``build_dataset``."""
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"No file {str(path)!r}; build one with "
                                    "helpers.dataset.build_dataset().")
        with np.load(path, allow_pickle=False) as z:
            if f"X_{split}" not in z.files:
                have = sorted(k[2:] for k in z.files if k.startswith("X_"))
                raise KeyError(f"{path.name} has no split {split!r}; it has {have}.")
            X, y = z[f"X_{split}"], z[f"y_{split}"] if f"y_{split}" in z.files else None
        return cls(X, y, **kwargs)

    def window_starts(self) -> np.ndarray:
        """First frame of each window for ``crop="windows"``: steps of ``crop_frames``, plus a
        last window that ends at the last frame, so every frame is in some window."""
        frames = self.X.shape[1]
        crop = self.crop_frames or frames
        starts = list(range(0, frames - crop + 1, crop))
        if starts[-1] != frames - crop:
            starts.append(frames - crop)
        return np.array(starts)

    def __len__(self) -> int:
        """Batches per epoch."""
        n = self.X.shape[0]
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def epoch(self, number: int):
        """The batches of epoch ``number`` (the same every time it is asked for)."""
        number = _int(number, "epoch", 0)
        # one stream each for the order, the crops and the augmentation
        order_rng, crop_rng, aug_rng = (np.random.default_rng(s) for s in
                                        np.random.SeedSequence([self.seed, number]).spawn(3))
        n, frames = self.X.shape[0], self.X.shape[1]
        order = order_rng.permutation(n) if self.shuffle else np.arange(n)
        crop = self.crop_frames or frames
        for b in range(len(self)):
            idx = order[b * self.batch_size:(b + 1) * self.batch_size]
            if self.crop == "windows":
                starts = self.window_starts()
                xb = np.stack([np.stack([self.X[i, s:s + crop] for s in starts]) for i in idx])
                yield (xb, self.y[idx]) if self.y is not None else xb
                continue
            if self.crop == "random":
                starts = crop_rng.integers(0, frames - crop + 1, size=idx.size)
            else:  # centre: the middle frames (the earlier one when the margin is odd)
                starts = np.full(idx.size, (frames - crop) // 2)
            xb = np.stack([self.X[i, s:s + crop] for i, s in zip(idx, starts, strict=True)])
            if self.augment is not None:
                xb = np.stack([np.asarray(self.augment(x, aug_rng)) for x in xb])
                if xb.shape[1:] != (crop, *self.X.shape[2:]):
                    raise ValueError(f"augment changed an example's shape to {xb.shape[1:]}; "
                                     "it must return an array the shape of its input.")
            yield (xb, self.y[idx]) if self.y is not None else xb

    def __iter__(self):
        """Each ``for`` loop over the object is the next epoch (0, 1, 2 ...)."""
        number, self._next_epoch = self._next_epoch, self._next_epoch + 1
        return self.epoch(number)

    def __repr__(self) -> str:
        return (f"Batches({self.X.shape[0]} examples, batch_size={self.batch_size}, "
                f"crop_frames={self.crop_frames}, crop={self.crop!r}, shuffle={self.shuffle}, "
                f"seed={self.seed})")
