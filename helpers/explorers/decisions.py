"""The decisions explorer (08): what each data decision does to a small classifier's accuracy.

The experiment, one plain function per step (notebook 08 writes each step out first):

    data = family_data()                       # 72 takes -> 432 segments of 0.5 s, mel once
    X = feature_matrix(data["mel"], data["desc"], "mfcc", "fixed")
    fold = make_folds(data, "group", seed=0)   # 3 folds: by segment, by file or by instrument
    acc, confusion = cross_val_accuracy(data, split="group", seed=0)

``decisions_view(data, split=..., standardise=..., ref=..., features=..., augment=...,
test_audio=...)`` runs it for 20 seeds and returns the accuracies (mean, standard error), the
summed confusion matrix and a readout; the explorer caches each setting, so a move back is free.
The seeds only re-deal the same 24 instruments into folds; the noisy and augmented copies are
drawn once (``family_data(seed=8)``).
"""

from __future__ import annotations

import csv
import functools

import numpy as np

from .framework import Explorer, choice_slider

__all__ = ["DecisionsExplorer", "decisions_explorer", "decisions_view", "family_data",
           "feature_matrix", "make_folds", "cross_val_accuracy", "accuracy_of", "SETTINGS"]

SR = 16000            # the families set is stored at 16 kHz
SEGMENT = 8000        # 0.5 s segments
N_FFT, HOP, N_MELS, N_MFCC = 1024, 512, 32, 13
NOISY_SNR_DB = 5.0    # the noisy test audio: white noise 5 dB below the segment's power
AUG_SNR_DB = (0.0, 20.0)   # training augmentation: SNR drawn per copy ...
AUG_GAIN_DB = (-12.0, 12.0)  # ... and a gain
N_FOLDS, N_SEEDS = 3, 20

#: every decision and its options (the first is the baseline)
SETTINGS = {
    "split": ("group", "file", "segment"),
    "standardise": ("train", "all"),
    "ref": ("fixed", "max"),
    "features": ("mfcc", "descriptors", "logmel-mean", "logmel-patch"),
    "augment": ("none", "noise+gain"),
    "test_audio": ("clean", "noisy"),
}


def _mel(segments):
    import librosa

    return librosa.feature.melspectrogram(y=np.asarray(segments, dtype=np.float32), sr=SR,
                                          n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS,
                                          center=False)


def _descriptors(segments):
    """RMS, zero-crossing rate, centroid, bandwidth, roll-off: mean and std over frames."""
    import librosa

    y = np.asarray(segments, dtype=np.float32)
    S = np.abs(librosa.stft(y=y, n_fft=N_FFT, hop_length=HOP, center=False))
    per_frame = [
        librosa.feature.rms(S=S, frame_length=N_FFT, hop_length=HOP, center=False)[:, 0],
        librosa.feature.zero_crossing_rate(y=y, frame_length=N_FFT, hop_length=HOP,
                                           center=False)[:, 0],
        librosa.feature.spectral_centroid(S=S, sr=SR)[:, 0],
        librosa.feature.spectral_bandwidth(S=S, sr=SR)[:, 0],
        librosa.feature.spectral_rolloff(S=S, sr=SR)[:, 0],
    ]
    return np.concatenate([np.stack([f.mean(axis=-1) for f in per_frame], axis=1),
                           np.stack([f.std(axis=-1) for f in per_frame], axis=1)], axis=1)


@functools.lru_cache(maxsize=2)
def family_data(seed: int = 8) -> dict:
    """The families set cut into 0.5 s segments, with mel power and descriptors of the clean,
    the noisy (test) and the augmented (training copy) version of every segment. Cached."""
    import soundfile as sf

    from .. import augment
    from ..data import data_dir

    root = data_dir() / "families"
    with open(root / "metadata.csv", encoding="utf-8", newline="") as fh:
        meta = list(csv.DictReader(fh))
    label_names = sorted({m["label"] for m in meta})
    instruments = sorted({m["instrument"] for m in meta})
    segs, label, file, inst = [], [], [], []
    for i, m in enumerate(meta):
        y, sr = sf.read(root / m["file"], dtype="float32")
        if sr != SR:
            raise ValueError(f"{m['file']}: {sr} Hz, expected {SR} Hz (re-make data/families).")
        n = y.size // SEGMENT
        segs.append(y[: n * SEGMENT].reshape(n, SEGMENT))
        label += [label_names.index(m["label"])] * n
        file += [i] * n
        inst += [instruments.index(m["instrument"])] * n
    segments = np.concatenate(segs)
    rng = np.random.default_rng(seed)
    noisy = np.stack([augment.add_noise(s, NOISY_SNR_DB, rng=rng) for s in segments])
    aug = np.stack([augment.gain_db(augment.add_noise(s, rng.uniform(*AUG_SNR_DB), rng=rng),
                                    rng.uniform(*AUG_GAIN_DB)) for s in segments])
    return dict(segments=segments, label=np.array(label), file=np.array(file),
                instrument=np.array(inst), label_names=label_names, instruments=instruments,
                meta=meta, mel=_mel(segments), mel_noisy=_mel(noisy), mel_aug=_mel(aug),
                desc=_descriptors(segments), desc_noisy=_descriptors(noisy),
                desc_aug=_descriptors(aug))


def feature_matrix(mel, desc, features: str, ref: str) -> np.ndarray:
    """One row per segment: descriptors, MFCC summary, log-mel band means+stds, or the patch."""
    import librosa

    if features == "descriptors":
        return np.asarray(desc)
    if ref == "max":  # 0 dB = the loudest mel bin of EACH segment (not of the whole batch)
        ref_power = mel.max(axis=(1, 2), keepdims=True)
    else:             # 0 dB = a mel power of 1.0, the same for every segment
        ref_power = 1.0
    log_mel = 10 * np.log10(np.maximum(mel, 1e-10) / ref_power)
    if features == "logmel-patch":
        return log_mel.reshape(len(log_mel), -1)
    if features == "logmel-mean":
        return np.concatenate([log_mel.mean(axis=-1), log_mel.std(axis=-1)], axis=1)
    if features == "mfcc":
        C = librosa.feature.mfcc(S=log_mel, n_mfcc=N_MFCC)
        return np.concatenate([C.mean(axis=-1), C.std(axis=-1)], axis=1)
    raise ValueError(f"features must be one of {SETTINGS['features']}, got {features!r}.")


def make_folds(data, split: str, seed: int) -> np.ndarray:
    """Fold number (0..2) of every segment; each label spread evenly over the folds.

    segment: segments dealt freely; file: all segments of a take in one fold; group: all
    takes of an instrument in one fold (the test instruments are never heard in training).
    For each label in turn, its units (segments, takes or instruments, in sorted order) are
    shuffled by ``np.random.default_rng(seed)`` and dealt round-robin to the folds.
    scikit-learn's ``StratifiedGroupKFold(shuffle=True)`` does the same job, but which
    groups it puts together for a given seed changed between its versions (1.6, Colab's,
    and 1.9 gave other folds), and with it every number of notebook 08's table: dealing the
    folds here makes them the same on every version."""
    y = np.asarray(data["label"])
    if split == "segment":
        units = np.arange(y.size)
    elif split in ("file", "group"):
        units = np.asarray(data["file"] if split == "file" else data["instrument"])
    else:
        raise ValueError(f"split must be one of {SETTINGS['split']}, got {split!r}.")
    rng = np.random.default_rng(seed)
    fold = np.empty(y.size, dtype=int)
    for label in np.unique(y):
        for k, unit in enumerate(rng.permutation(np.unique(units[y == label]))):
            fold[units == unit] = k % N_FOLDS
    return fold


def _fit_predict(X, X_test, X_aug, y, fold, *, standardise, augment):
    """Train on the other folds, predict each fold; return the predicted label per row."""
    from sklearn.linear_model import LogisticRegression

    pred = np.empty_like(y)
    for k in range(N_FOLDS):
        tr, te = fold != k, fold == k
        X_tr, y_tr = X[tr], y[tr]
        if augment == "noise+gain":
            X_tr, y_tr = np.concatenate([X_tr, X_aug[tr]]), np.concatenate([y_tr, y_tr])
        fit_on = X_tr if standardise == "train" else np.concatenate([X_tr, X_test[te]])
        mean, std = fit_on.mean(axis=0), fit_on.std(axis=0) + 1e-8
        model = LogisticRegression(C=0.01, max_iter=300)
        model.fit((X_tr - mean) / std, y_tr)
        pred[te] = model.predict((X_test[te] - mean) / std)
    return pred


def accuracy_of(X, data, *, split="group", seed=0) -> float:
    """Cross-validated accuracy of the baseline model on any feature matrix ``X`` (one row per
    segment, e.g. a control such as pitch alone), with the folds of ``make_folds``."""
    from threadpoolctl import threadpool_limits

    X, y = np.asarray(X, dtype=float), data["label"]
    if X.ndim != 2 or X.shape[0] != y.size:
        raise ValueError(f"X must have one row per segment ({y.size}), got shape {X.shape}.")
    with threadpool_limits(limits=1):
        pred = _fit_predict(X, X, X, y, make_folds(data, split, seed), standardise="train",
                            augment="none")
    return float(np.mean(pred == y))


def cross_val_accuracy(data, *, split="group", standardise="train", ref="fixed",
                       features="mfcc", augment="none", test_audio="clean", seed=0):
    """Accuracy over all segments (each tested once, 3 folds) and the confusion matrix."""
    from threadpoolctl import threadpool_limits

    X = feature_matrix(data["mel"], data["desc"], features, ref)
    X_test = X if test_audio == "clean" else feature_matrix(
        data["mel_noisy"], data["desc_noisy"], features, ref)
    X_aug = feature_matrix(data["mel_aug"], data["desc_aug"], features, ref)
    y = data["label"]
    fold = make_folds(data, split, seed)
    with threadpool_limits(limits=1):  # small matrices: one BLAS thread is fastest and steady
        pred = _fit_predict(X, X_test, X_aug, y, fold, standardise=standardise, augment=augment)
    n = len(data["label_names"])
    confusion = np.zeros((n, n), dtype=int)
    np.add.at(confusion, (y, pred), 1)
    return float(np.mean(pred == y)), confusion


def decisions_view(data, *, split="group", standardise="train", ref="fixed", features="mfcc",
                   augment="none", test_audio="clean", seeds: int = N_SEEDS) -> dict:
    """Accuracy for seeds 0..seeds-1 (mean, standard deviation and standard error of the mean,
    both with ddof=1) and the summed confusion matrix."""
    for name, value in dict(split=split, standardise=standardise, ref=ref, features=features,
                            augment=augment, test_audio=test_audio).items():
        if value not in SETTINGS[name]:
            raise ValueError(f"{name} must be one of {SETTINGS[name]}, got {value!r}.")
    accs, conf = [], 0
    for seed in range(seeds):
        a, c = cross_val_accuracy(data, split=split, standardise=standardise, ref=ref,
                                  features=features, augment=augment, test_audio=test_audio,
                                  seed=seed)
        accs.append(a)
        conf = conf + c
    accs = np.array(accs)
    std = float(accs.std(ddof=1)) if seeds > 1 else 0.0
    se = std / np.sqrt(seeds)
    readout = (f"accuracy {accs.mean():.3f} ± {se:.3f} (mean ± standard error over {seeds} "
               f"seeds, {len(data['label'])} segments of 0.5 s, {N_FOLDS} folds); chance = "
               f"{1 / len(data['label_names']):.2f}")
    return dict(accuracies=accs, mean=float(accs.mean()), std=std, se=se,
                confusion=conf, label_names=data["label_names"], readout=readout)


class DecisionsExplorer(Explorer):
    title = "Data decisions explorer"
    view_function = ("helpers.explorers.decisions.decisions_view(data, split=..., "
                     "standardise=..., ref=..., features=..., augment=..., test_audio=...)")

    def __init__(self, data=None, **settings):
        self.data = family_data() if data is None else data
        self._cache: dict = {}
        controls = {}
        for name, options in SETTINGS.items():
            value = settings.pop(name, options[0])
            controls[name] = choice_slider(list(options), value, name.replace("_", " "))
        if settings:
            raise TypeError(f"unknown setting(s) {sorted(settings)}; choose from {list(SETTINGS)}.")
        super().__init__(controls)

    def build(self, fig):
        names = self.data["label_names"]
        n = len(names)
        self.ax_acc = fig.add_axes((0.08, 0.2, 0.3, 0.7))
        self.ax_acc.set(xlim=(-0.6, 0.6), ylim=(0, 1), xticks=[],
                        ylabel="Accuracy (fraction of segments)")
        self.ax_acc.axhline(1 / n, color="0.5", ls=":", lw=1.0, label="chance")
        (self.dots,) = self.ax_acc.plot([], [], "o", ms=6, label="one seed")
        self.bar = self.ax_acc.errorbar([0], [0.5], yerr=[0.1], fmt="s", color="C3", ms=9,
                                        capsize=8, label="mean ± SE")
        self.ax_acc.legend(loc="upper right", fontsize="small")
        self.ax_cm = fig.add_axes((0.58, 0.25, 0.38, 0.62))
        self.img = self.ax_cm.imshow(np.zeros((n, n)), cmap="Blues", vmin=0, vmax=1)
        self.ax_cm.set(xticks=range(n), yticks=range(n), xlabel="Predicted family",
                       ylabel="True family", title="Confusion (fraction of each true row)")
        self.ax_cm.set_xticklabels(names, fontsize="small", rotation=15)
        self.ax_cm.set_yticklabels(names, fontsize="small")
        self.texts = [[self.ax_cm.text(j, i, "", ha="center", va="center", fontsize="small")
                       for j in range(n)] for i in range(n)]

    def compute(self, **settings):
        key = tuple(sorted(settings.items()))
        if key not in self._cache:
            self._cache[key] = decisions_view(self.data, **settings)
        return self._cache[key]

    def draw(self, v):
        acc = v["accuracies"]
        self.dots.set_data(np.linspace(-0.3, 0.3, acc.size), acc)
        self.bar.remove()
        self.bar = self.ax_acc.errorbar([0], [v["mean"]], yerr=[v["se"]], fmt="s", color="C3",
                                        ms=9, capsize=8)
        rows = v["confusion"] / np.maximum(v["confusion"].sum(axis=1, keepdims=True), 1)
        self.img.set_data(rows)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                self.texts[i][j].set_text(f"{value:.2f}")
                self.texts[i][j].set_color("white" if value > 0.6 else "black")
        self.background_dirty = True


def decisions_explorer(data=None, **settings):
    """Accuracy (20 seeds, mean ± standard error) and confusion matrix of a logistic regression on the
    families set, for each choice of split, standardisation, dB reference, features,
    augmentation and test audio. ``data``: ``family_data()`` (computed once, cached)."""
    return DecisionsExplorer(data, **settings)
