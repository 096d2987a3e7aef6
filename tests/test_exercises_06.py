"""Exercise checks of 06_dataset_for_deep_learning: the reference solutions pass, each common
mistake fails with its own mistake id, reasonable variants pass, placeholders never raise, and
the references the checks use agree with librosa and helpers.dataset."""

from __future__ import annotations

import math

import numpy as np
import pytest

from helpers import dataset as ds
from helpers import exercises as ex
from helpers.exercises import ex06


@pytest.fixture(autouse=True)
def _fresh():
    ex.reset()
    yield
    ex.reset()


def _placeholders(nargs):
    def stub(*args):
        ...

    def not_impl(*args):
        raise NotImplementedError

    return [None, ..., stub, not_impl]


@pytest.mark.parametrize("check", [ex.check_frames_per_segment, ex.check_split_mask,
                                   ex.check_standardise, ex.check_segment])
def test_placeholders_are_not_answered(check):
    for fn in _placeholders(0):
        r = check(fn)
        assert not r and r.status == "unanswered", r.text()


# ------------------------------------------------------------------------------------------
# 06.1 frames per segment
# ------------------------------------------------------------------------------------------
def frames_ok(segment_s, sr, n_fft, hop, center):
    L = int(round(segment_s * sr))
    if center:
        L += 2 * (n_fft // 2)
    return 1 + (L - n_fft) // hop


def test_reference_formula_matches_librosa():
    """The check's reference is what librosa.stft really gives, on every setting it uses."""
    import librosa

    for segment_s, sr, n_fft, hop, center in ex06.FRAME_CASES:
        L = int(round(segment_s * sr))
        S = librosa.stft(np.zeros(L, np.float32) + 0.1, n_fft=n_fft, hop_length=hop,
                         center=center)
        assert S.shape[1] == ex06.frames_reference(segment_s, sr, n_fft, hop, center)
        if not center:
            p = ds.FeatureParams(sr=sr, segment_s=segment_s, n_fft=n_fft, hop_length=hop)
            assert p.frames_per_segment == S.shape[1]


def test_frames_right_answer_and_variants():
    assert ex.check_frames_per_segment(frames_ok)
    # center=True written as 1 + L // hop (the same for even n_fft); float results
    assert ex.check_frames_per_segment(
        lambda s, sr, n, h, c: 1 + round(s * sr) // h if c else 1 + (round(s * sr) - n) // h)
    assert ex.check_frames_per_segment(lambda *a: float(frames_ok(*a)))
    assert ex.check_frames_per_segment(lambda *a: np.int64(frames_ok(*a)))
    assert ex.check_frames_per_segment(
        lambda s, sr, n, h, c: 1 + math.floor((round(s * sr) + (n if c else 0) - n) / h))


@pytest.mark.parametrize("wrong, mistake", [
    (lambda s, sr, n, h, c: 1 + (round(s * sr) - n) // h, "center-ignored"),
    (lambda s, sr, n, h, c: 1 + round(s * sr) // h, "center-ignored"),
    (lambda s, sr, n, h, c: math.ceil(round(s * sr) / h) if c else frames_ok(s, sr, n, h, c),
     "ceil"),
    (lambda s, sr, n, h, c: math.ceil(round(s * sr) / h), "ceil"),
    (lambda s, sr, n, h, c: frames_ok(int(s * sr) / sr, sr, n, h, c), "truncated-samples"),
    (lambda s, sr, n, h, c: frames_ok(s, sr, n, h, c) - 1, "first-frame-missed"),
    (lambda s, sr, n, h, c: 1 + (round(s * sr) + (n // 2 if c else 0) - n) // h,
     "one-side-padding"),
    (lambda s, sr, n, h, c: 1 + math.ceil((round(s * sr) + (n if c else 0) - n) / h),
     "partial-frame"),
    (lambda s, sr, n, h, c: 1 + (round(s * sr) + (n if c else 0) - n) / h, "not-whole"),
    (lambda *a: 46, "hard-coded"),
    (lambda *a: "46", "hard-coded"),  # a string of digits counts as the number 46
    (lambda *a: [1, 2], "not-a-number"),
    (lambda s, sr, n, h, c: 1 / 0, "raised"),
    (lambda s, sr, n, h, c: frames_ok(s, sr, n, h, c) + 7, "other"),
])
def test_frames_mistakes_are_named(wrong, mistake):
    r = ex.check_frames_per_segment(wrong)
    assert not r and r.mistake == mistake, r.text()


def test_frames_hints_come_in_stages_without_the_solution_first():
    wrong = lambda s, sr, n, h, c: 1 + (round(s * sr) - n) // h  # noqa: E731
    from tests.conftest import tries  # stages advance on a changed answer: tries() simulates one

    first, _, third = (r.text() for r in tries(ex.check_frames_per_segment, wrong))
    assert "n_fft // 2" in first and "Code:" not in first
    assert "Code:" in third


# ------------------------------------------------------------------------------------------
# 06.2 split by file
# ------------------------------------------------------------------------------------------
def split_ok(file_ids, test_fraction, seed):
    files = np.unique(file_ids)
    k = round(test_fraction * files.size)
    rng = np.random.default_rng(seed)
    return np.isin(file_ids, rng.choice(files, size=k, replace=False))


def split_permutation(file_ids, test_fraction, seed):
    files = np.unique(file_ids)
    k = int(test_fraction * files.size)  # floor: a reasonable variant
    test = np.random.default_rng(seed).permutation(files)[:k]
    return np.array([f in set(test.tolist()) for f in file_ids])


def split_legacy_rng(file_ids, test_fraction, seed):
    np.random.seed(seed)  # noqa: NPY002  (the legacy API a learner may use)
    files = sorted(set(file_ids.tolist()))
    k = math.ceil(test_fraction * len(files) - 1e-9)
    test = np.random.choice(files, size=k, replace=False)  # noqa: NPY002
    return np.isin(file_ids, test)


@pytest.mark.parametrize("fn", [split_ok, split_permutation, split_legacy_rng])
def test_split_right_answers(fn):
    r = ex.check_split_mask(fn)
    assert r, r.text()


def split_by_segment(file_ids, test_fraction, seed):
    rng = np.random.default_rng(seed)
    n_test = round(test_fraction * len(file_ids))
    mask = np.zeros(len(file_ids), bool)
    mask[rng.permutation(len(file_ids))[:n_test]] = True
    return mask


def split_positions_as_files(file_ids, test_fraction, seed):
    files = np.unique(file_ids)
    k = round(test_fraction * files.size)
    test = np.random.default_rng(seed).choice(files.size, size=k, replace=False)
    return np.isin(np.arange(len(file_ids)), test)  # positions, not file ids


def split_first_files(file_ids, test_fraction, seed):
    files = np.unique(file_ids)
    return np.isin(file_ids, files[: round(test_fraction * files.size)])


def split_unseeded(file_ids, test_fraction, seed):
    return split_ok(file_ids, test_fraction, None)


def split_in_place(file_ids, test_fraction, seed):
    np.random.default_rng(seed).shuffle(file_ids)
    return split_ok(file_ids, test_fraction, seed)


def split_fraction_of_segments(file_ids, test_fraction, seed):
    """Adds whole files until the test split holds test_fraction of the SEGMENTS."""
    files = np.random.default_rng(seed).permutation(np.unique(file_ids))
    mask = np.zeros(len(file_ids), bool)
    for f in files:
        if mask.mean() >= test_fraction:
            break
        mask |= file_ids == f
    return mask


@pytest.mark.parametrize("wrong, mistake", [
    (split_by_segment, "leakage"),
    (split_positions_as_files, "leakage"),
    (lambda ids, f, s: ~split_ok(ids, f, s), "inverted"),
    (lambda ids, f, s: split_ok(ids, f, s).astype(int), "not-boolean"),
    (lambda ids, f, s: np.flatnonzero(split_ok(ids, f, s)), "indices"),
    (lambda ids, f, s: np.random.default_rng(s).random(np.unique(ids).size) < f, "per-file"),
    (lambda ids, f, s: split_ok(ids, f, s)[:-1], "wrong-length"),
    (split_first_files, "not-random"),
    (split_unseeded, "not-reproducible"),
    (split_in_place, "modified-input"),
    (split_fraction_of_segments, "test-count"),
    (lambda ids, f, s: split_ok(ids, 0.5, s), "test-count"),
    (lambda ids, f, s: np.zeros(len(ids), bool), "test-count"),
])
def test_split_mistakes_are_named(wrong, mistake):
    r = ex.check_split_mask(wrong)
    assert not r and r.mistake == mistake, r.text()


def test_split_cases_are_fresh_and_leak_prone():
    """Files of several segments, interleaved and with non-consecutive ids, so that a segment
    shuffle leaks and a position-for-file mix-up is caught."""
    for ids, fraction in ex06._split_cases():
        counts = np.unique(ids, return_counts=True)[1]
        assert counts.min() >= 1 and counts.max() >= 3 and 0 < fraction < 1
    ids_a = ex06._split_cases()[0][0]
    assert not np.array_equal(ids_a, np.sort(ids_a))
    assert not np.array_equal(np.unique(ids_a), np.arange(np.unique(ids_a).size))


# ------------------------------------------------------------------------------------------
# 06.3 standardise
# ------------------------------------------------------------------------------------------
def std_ok(X_train, X_test):
    mean, std = X_train.mean(axis=(0, 1)), X_train.std(axis=(0, 1))
    return (X_train - mean) / std, (X_test - mean) / std


def std_helper(X_train, X_test):
    mean, std = ds.fit_standardiser(X_train)
    return (X_train - mean) / std, (X_test - mean) / std


def std_ddof1(X_train, X_test):
    mean, std = X_train.mean(axis=(0, 1)), X_train.std(axis=(0, 1), ddof=1)
    return (X_train - mean) / std, (X_test - mean) / std


def std_reshape(X_train, X_test):
    flat = X_train.reshape(-1, X_train.shape[-1])
    mean, std = flat.mean(axis=0), flat.std(axis=0)
    return [(X_train - mean) / std, (X_test - mean) / std]


@pytest.mark.parametrize("fn", [std_ok, std_helper, std_reshape])
def test_standardise_right_answers(fn):
    r = ex.check_standardise(fn)
    assert r and "ddof=1" not in r.text(), r.text()


def test_standardise_ddof1_passes_and_is_explained():
    r = ex.check_standardise(std_ddof1)
    assert r and "ddof=1" in r.text() and "sqrt(n / (n - 1))" in r.text()


def _each_own(X_train, X_test):
    z = [(X - X.mean(axis=(0, 1))) / X.std(axis=(0, 1)) for X in (X_train, X_test)]
    return z[0], z[1]


def _all_data(X_train, X_test):
    a = np.concatenate([X_train, X_test])
    m, s = a.mean(axis=(0, 1)), a.std(axis=(0, 1))
    return (X_train - m) / s, (X_test - m) / s


def _axis(ax, keep=False):
    def fn(X_train, X_test):
        m = X_train.mean(axis=ax, keepdims=keep)
        s = X_train.std(axis=ax, keepdims=keep)
        return (X_train - m) / s, (X_test - m) / s
    return fn


def _per_segment(X_train, X_test):
    z = [(X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True)
         for X in (X_train, X_test)]
    return z[0], z[1]


def _in_place(X_train, X_test):
    m, s = X_train.mean(axis=(0, 1)), X_train.std(axis=(0, 1))
    X_train -= m
    X_train /= s
    return X_train, (X_test - m) / s


@pytest.mark.parametrize("wrong, mistake", [
    (_each_own, "test-statistics"),
    (_all_data, "all-data"),
    (_axis(0), "per-frame-position"),
    (_axis(None), "one-global"),
    (_per_segment, "per-segment"),
    (lambda a, b: (lambda m, v: ((a - m) / v, (b - m) / v))(a.mean(axis=(0, 1)),
                                                            a.var(axis=(0, 1))), "variance"),
    (lambda a, b: (a / a.std(axis=(0, 1)), b / a.std(axis=(0, 1))), "not-centred"),
    (lambda a, b: (a - a.mean(axis=(0, 1)), b - a.mean(axis=(0, 1))), "not-scaled"),
    (lambda a, b: (std_ok(a, b)[0], b), "test-not-transformed"),
    (lambda a, b: std_ok(a, b)[1], "return-both"),
    (_in_place, "modified-input"),
    (lambda a, b: (std_ok(a, b)[0][:, :, :2], std_ok(a, b)[1]), "wrong-shape"),
    (lambda a, b: (np.zeros_like(a), np.zeros_like(b)), "other"),
    (_axis((0, 2), keep=True), "other"),  # one mean per frame position
    # statistics that kept the segment axis do not broadcast onto X_test: named
    (_axis(2, keep=True), "kept-segment-axis"),
    (_axis(1, keep=True), "kept-segment-axis"),
])
def test_standardise_mistakes_are_named(wrong, mistake):
    r = ex.check_standardise(wrong)
    assert not r and r.mistake == mistake, r.text()


def test_standardise_cases_tell_the_mistakes_apart():
    """On every case the mistakes give results that differ from the right one (else a check
    could pass a wrong method by coincidence); the tiny case separates ddof=0 from ddof=1."""
    for X_tr, X_te in ex06._standardise_cases():
        ok = std_ok(X_tr.astype(float), X_te.astype(float))
        for mistake, w_tr, w_te, _ in ex06._std_wrong(X_tr, X_te):
            assert not (np.allclose(w_tr, ok[0], atol=1e-3) and np.allclose(w_te, ok[1],
                                                                           atol=1e-3)), mistake
    X_tr, X_te = ex06._standardise_cases()[-1]
    assert not np.allclose(std_ok(X_tr, X_te)[1], std_ddof1(X_tr, X_te)[1], atol=1e-3)


# ------------------------------------------------------------------------------------------
# 06.4 segments with a pad/drop rule
# ------------------------------------------------------------------------------------------
def segment_ok(y, L, remainder, min_fill):
    n_full, rest = divmod(len(y), L)
    segs = [y[i * L:(i + 1) * L] for i in range(n_full)]
    if rest and remainder == "pad" and rest >= min_fill * L:
        segs.append(np.concatenate([y[n_full * L:], np.zeros(L - rest, y.dtype)]))
    return np.array(segs).reshape(len(segs), L)


def segment_pad_fn(y, L, remainder, min_fill):
    n_full, rest = divmod(y.size, L)
    keep = remainder == "pad" and rest > 0 and rest / L >= min_fill
    if keep:
        y = np.pad(y, (0, L - rest))
    return y[: (n_full + keep) * L].reshape(-1, L)


def test_segment_reference_is_cut_segments():
    rng = np.random.default_rng(0)
    for n, L, remainder, min_fill in ex06.SEGMENT_CASES:
        y = rng.normal(size=n).astype(np.float32)
        want = ds.cut_segments(y, L, remainder=remainder, min_fill=min_fill)[0]
        assert np.array_equal(ex06.segment_reference(y, L, remainder, min_fill), want)


@pytest.mark.parametrize("fn", [segment_ok, segment_pad_fn,
                                lambda y, L, r, m: list(segment_ok(y, L, r, m)) or
                                np.zeros((0, L))])
def test_segment_right_answers(fn):
    r = ex.check_segment(fn)
    assert r, r.text()


def _seg_rule(pad_when):
    def fn(y, L, remainder, min_fill):
        n_full, rest = divmod(y.size, L)
        segs = list(y[: n_full * L].reshape(n_full, L))
        if pad_when(rest, L, remainder, min_fill):
            segs.append(np.r_[y[n_full * L:], np.zeros(L - rest, y.dtype)])
        return np.array(segs).reshape(len(segs), L)
    return fn


def _seg_front_pad(y, L, remainder, min_fill):
    out = segment_ok(y, L, remainder, min_fill)
    n_full, rest = divmod(y.size, L)
    if out.shape[0] > n_full:
        out[n_full] = np.r_[np.zeros(L - rest, y.dtype), y[n_full * L:]]
    return out


def _seg_wrap(y, L, remainder, min_fill):
    out = segment_ok(y, L, remainder, min_fill)
    n_full, rest = divmod(y.size, L)
    if out.shape[0] > n_full:
        out[n_full] = np.resize(y[n_full * L:], L)  # repeats the audio instead of zeros
    return out


def _seg_overlap(y, L, remainder, min_fill):
    n = segment_ok(y, L, remainder, min_fill).shape[0]
    hop = L // 2
    padded = np.r_[y, np.zeros(n * L, y.dtype)]
    return np.stack([padded[i * hop: i * hop + L] for i in range(n)]) if n else np.zeros((0, L))


def _seg_uses_helper(y, L, remainder, min_fill):
    return ds.cut_segments(y, L, remainder=remainder, min_fill=min_fill)[0]


@pytest.mark.parametrize("wrong, mistake", [
    (_seg_rule(lambda rest, L, r, m: False), "no-pad"),
    (_seg_rule(lambda rest, L, r, m: rest > 0), "ignores-rule"),
    (_seg_rule(lambda rest, L, r, m: r == "pad" and rest > 0), "ignores-rule"),
    (_seg_rule(lambda rest, L, r, m: r == "pad" and rest > m * L), "min-fill-boundary"),
    (_seg_rule(lambda rest, L, r, m: r == "pad" and (rest >= m * L or rest == 0)),
     "empty-segment"),
    (lambda y, L, r, m: list(segment_ok(y, L, r, m)), "empty-shape"),
    (lambda y, L, r, m: segment_ok(y, L, r, m).ravel(), "wrong-shape"),
    (_seg_front_pad, "padding"),
    (_seg_wrap, "padding"),
    (_seg_overlap, "content"),
    (_seg_uses_helper, "uses-helper"),
    (lambda y, L, r, m: [y[i:i + L] for i in range(0, len(y), L)], "wrong-shape"),
])
def test_segment_mistakes_are_named(wrong, mistake):
    r = ex.check_segment(wrong)
    assert not r and r.mistake == mistake, r.text()


def test_segment_check_restores_the_helper():
    real = ds.cut_segments
    ex.check_segment(_seg_uses_helper)
    ex.check_segment(lambda *a: 1 / 0)
    assert ds.cut_segments is real


def test_solutions_mode_raises_on_a_wrong_answer():
    ex.expect_all_correct()
    with pytest.raises(AssertionError, match="06.3"):
        ex.check_standardise(_each_own)
    assert ex.check_standardise(std_ok)
