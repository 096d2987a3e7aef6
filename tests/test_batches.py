"""helpers.batches.Batches: every example once per epoch, crops taken from the example, same seed
= same batches, another epoch or seed = another order, augmentation on the fly, clear errors."""

import numpy as np
import pytest

from helpers.batches import Batches


def _data(n=23, frames=40, coeffs=5):
    # every value says where it came from: example i, frame t, coefficient c -> i*1000 + t + c/10
    i, t, c = np.meshgrid(np.arange(n), np.arange(frames), np.arange(coeffs), indexing="ij")
    return (i * 1000 + t + c / 10).astype(np.float32), np.arange(n) % 3


def _epoch(b, k):
    return [(x.copy(), y.copy()) for x, y in b.epoch(k)]


def test_each_example_once_per_epoch_with_its_label():
    X, y = _data()
    b = Batches(X, y, batch_size=5, crop_frames=8, seed=1)
    batches = _epoch(b, 0)
    assert len(batches) == len(b) == 5 and [len(yb) for _, yb in batches] == [5, 5, 5, 5, 3]
    ids = np.concatenate([xb[:, 0, 0] // 1000 for xb, _ in batches]).astype(int)
    assert sorted(ids) == list(range(23))
    labels = np.concatenate([yb for _, yb in batches])
    assert np.array_equal(labels, y[ids])  # the label travels with its example


def test_crops_are_contiguous_frames_of_the_example():
    X, y = _data()
    for xb, _ in Batches(X, y, batch_size=4, crop_frames=8, seed=3).epoch(2):
        assert xb.shape[1:] == (8, 5)
        t = xb[:, :, 0] % 1000
        assert np.all(np.diff(t, axis=1) == 1) and np.all(t[:, -1] <= 39)
        assert np.allclose(xb[:, :, 1] - xb[:, :, 0], 0.1, atol=0.01)


def test_same_seed_same_batches_other_epoch_or_seed_differs():
    X, y = _data()
    one = _epoch(Batches(X, y, batch_size=4, crop_frames=8, seed=7), 0)
    two = _epoch(Batches(X, y, batch_size=4, crop_frames=8, seed=7), 0)
    assert all(np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]) for a, b in zip(one, two, strict=True))
    other_epoch = _epoch(Batches(X, y, batch_size=4, crop_frames=8, seed=7), 1)
    other_seed = _epoch(Batches(X, y, batch_size=4, crop_frames=8, seed=8), 0)
    assert not np.array_equal(one[0][0], other_epoch[0][0])
    assert not np.array_equal(one[0][0], other_seed[0][0])


def test_iterating_twice_gives_the_next_epoch():
    X, y = _data()
    b = Batches(X, y, batch_size=4, crop_frames=8, seed=0)
    first = [x for x, _ in b]
    second = [x for x, _ in b]
    assert np.array_equal(first[0], next(b.epoch(0))[0])
    assert np.array_equal(second[0], next(b.epoch(1))[0])
    assert not np.array_equal(first[0], second[0])


def test_no_shuffle_centre_crop_is_the_stored_order_and_the_middle_frames():
    X, y = _data()  # 40 frames: the middle 6 are frames 17..22
    batches = _epoch(Batches(X, y, batch_size=10, crop_frames=6, shuffle=False, crop="centre"), 5)
    assert np.array_equal(batches[0][0], X[:10, 17:23])
    assert np.array_equal(batches[2][0], X[20:, 17:23])
    assert np.array_equal(batches[0][0], _epoch(Batches(X, y, batch_size=10, crop_frames=6,
                                                        shuffle=False, crop="centre"), 0)[0][0])
    odd = next(Batches(X[:, :9], y, batch_size=3, crop_frames=4, shuffle=False,
                       crop="centre").epoch(0))[0]
    assert np.array_equal(odd[:, :, 0] % 1000, np.tile(np.arange(2, 6), (3, 1)))  # 2 + 4 + 3


def test_windows_cover_every_frame_and_keep_the_example_together():
    X, y = _data()  # 40 frames, windows of 12: starts 0, 12, 24 and a last one at 28
    b = Batches(X, y, batch_size=4, crop_frames=12, shuffle=False, crop="windows")
    assert list(b.window_starts()) == [0, 12, 24, 28]
    batches = _epoch(b, 0)
    xb, yb = batches[0]
    assert xb.shape == (4, 4, 12, 5) and np.array_equal(yb, y[:4])
    for e in range(4):
        for w, s in enumerate(b.window_starts()):
            assert np.array_equal(xb[e, w], X[e, s:s + 12])
    covered = np.unique(np.concatenate([xb[0, w, :, 0] % 1000 for w in range(4)]))
    assert np.array_equal(covered, np.arange(40))
    exact = Batches(X, y, batch_size=4, crop_frames=10, crop="windows")
    assert list(exact.window_starts()) == [0, 10, 20, 30]  # no extra window when it divides
    with pytest.raises(ValueError, match="windows' is for evaluation"):
        Batches(X, y, crop_frames=10, crop="windows", augment=lambda x, rng: x)


def test_switching_augmentation_on_leaves_order_and_crops_unchanged():
    X, y = _data(n=50)

    def noise(x, rng):  # draws many numbers: with one shared stream, later crops would move
        return x + 0 * rng.normal(size=(100,) + x.shape).sum(axis=0)

    plain = _epoch(Batches(X, y, batch_size=8, crop_frames=8, seed=4), 3)
    augmented = _epoch(Batches(X, y, batch_size=8, crop_frames=8, seed=4, augment=noise), 3)
    for (xp, yp), (xa, ya) in zip(plain, augmented, strict=True):
        assert np.array_equal(yp, ya) and np.array_equal(xp, xa)


def test_random_crops_use_every_start():
    X, y = _data(n=200, frames=12)
    starts = np.concatenate([xb[:, 0, 0] % 1000 for xb, _ in
                             Batches(X, y, batch_size=50, crop_frames=8).epoch(0)])
    assert set(starts.astype(int)) == set(range(5))  # 12 - 8 + 1 possible starts


def test_drop_last_and_no_labels():
    X, _ = _data()
    b = Batches(X, batch_size=5, drop_last=True)
    out = list(b.epoch(0))
    assert len(out) == len(b) == 4 and all(isinstance(x, np.ndarray) and x.shape == (5, 40, 5)
                                           for x in out)


def test_augment_runs_per_example_and_is_seeded():
    X, y = _data()
    seen = []

    def aug(x, rng):
        seen.append(x.shape)
        return x + rng.normal(size=x.shape)

    a = _epoch(Batches(X, y, batch_size=6, crop_frames=8, augment=aug, seed=2), 0)
    b = _epoch(Batches(X, y, batch_size=6, crop_frames=8, augment=aug, seed=2), 0)
    assert len(seen) == 2 * 23 and set(seen) == {(8, 5)}
    assert np.array_equal(a[0][0], b[0][0])
    plain = _epoch(Batches(X, y, batch_size=6, crop_frames=8, seed=2), 0)
    assert np.array_equal(plain[0][1], a[0][1])  # same order and crops: only the values differ
    assert 0.5 < np.std(a[0][0] - plain[0][0]) < 1.5


def test_from_npz_reads_a_split(tmp_path):
    X, y = _data()
    np.savez(tmp_path / "d.npz", X_train=X, y_train=y, X_test=X[:3], y_test=y[:3])
    b = Batches.from_npz(tmp_path / "d.npz", "test", batch_size=2, shuffle=False)
    xb, yb = next(b.epoch(0))
    assert np.array_equal(xb, X[:2]) and np.array_equal(yb, y[:2])
    with pytest.raises(KeyError, match=r"no split 'val'; it has \['test', 'train'\]"):
        Batches.from_npz(tmp_path / "d.npz", "val")
    with pytest.raises(FileNotFoundError, match="build_dataset"):
        Batches.from_npz(tmp_path / "missing.npz")


@pytest.mark.parametrize("kwargs, exc, fragment", [
    (dict(X=np.zeros((4,))), ValueError, "examples, frames, coefficients"),
    (dict(X=np.zeros((0, 5, 2))), ValueError, "no examples"),
    (dict(X=np.full((2, 5, 2), np.nan)), ValueError, "NaN"),
    (dict(X=np.zeros((4, 5, 2)), y=np.zeros(3)), ValueError, "3 labels but X has 4"),
    (dict(X=np.zeros((4, 5, 2)), crop_frames=6), ValueError, "more than the 5 frames"),
    (dict(X=np.zeros((4, 5, 2)), batch_size=0), ValueError, "batch_size must be >= 1"),
    (dict(X=np.zeros((4, 5, 2)), batch_size=2.5), TypeError, "whole number"),
    (dict(X=np.zeros((4, 5, 2)), augment="noise"), TypeError, "augment must be a function"),
    (dict(X=np.zeros((4, 5, 2)), crop="first"), ValueError, "crop must be one of"),
])
def test_bad_inputs_raise_clear_errors(kwargs, exc, fragment):
    with pytest.raises(exc, match=fragment):
        Batches(**kwargs)


def test_augment_that_changes_the_shape_is_refused():
    X, y = _data()
    b = Batches(X, y, batch_size=4, crop_frames=8, augment=lambda x, rng: x[:-1])
    with pytest.raises(ValueError, match="shape of its input"):
        next(b.epoch(0))
