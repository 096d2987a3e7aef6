"""Exercise checks of 08_data_decisions: the standard tests of every spec, then the answers the
reviewers wrote (a hurried copy of a notebook cell, tolerance matches, in-place updates, float32
arithmetic, ids sorted as text) and what each check says to them."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import exercises
from helpers.exercises import ex08
from tests.conftest import mistake, spec_cases

SPECS = [ex08.EX_1, ex08.EX_2, ex08.EX_3, ex08.EX_4]


@pytest.mark.parametrize("case", [c for s in SPECS for c in spec_cases(s)])
def test_spec(case):
    case.run()


def test_every_check_is_exported_with_its_id():
    checks = [ex08.check_decisions_standardise, ex08.check_decisions_duplicates,
              ex08.check_decisions_band_standardise, ex08.check_decisions_clip_labels]
    assert [c.__name__ for c in checks] == ex08.__all__
    for check, spec in zip(checks, SPECS, strict=True):
        assert getattr(exercises, check.__name__) is check and spec.id.startswith("08.")


# --- 08.1 -------------------------------------------------------------------------------------
def test_standardise_in_place_and_ddof1_are_named():
    def in_place(X_train, X_test):
        X_test -= X_train.mean(axis=0)
        X_test /= X_train.std(axis=0)
        return X_test

    assert mistake(ex08.check_decisions_standardise(in_place)) == "changed-input"
    assert mistake(ex08.check_decisions_standardise(
        lambda a, b: (b - a.mean(0)) / a.std(0, ddof=1))) == "ddof-1"
    assert ex08.check_decisions_standardise(
        lambda a, b: (np.asarray(b) - np.mean(a, axis=0)) / np.std(a, axis=0))


# --- 08.2 -------------------------------------------------------------------------------------
def _loop(X_train, X_test):
    return np.array([any(np.array_equal(t, r) for r in X_train) for t in X_test])


@pytest.mark.parametrize("answer", [
    _loop,
    lambda a, b: (np.asarray(b)[:, None, :] == np.asarray(a)[None]).all(axis=2).any(axis=1),
    lambda a, b: np.array([tuple(r) in set(map(tuple, a)) for r in b]),
])
def test_leaked_rows_right_answers(answer):
    assert ex08.check_decisions_duplicates(answer)


@pytest.mark.parametrize("answer, named", [
    (lambda a, b: np.isclose(b[:, None], a[None]).all(2).any(1), "tolerance"),
    (lambda a, b: np.isclose(b[:, None], a[None], rtol=1e-3, atol=1e-3).all(2).any(1),
     "tolerance"),
    (lambda a, b: np.isin(b, a).all(axis=1), "order-ignored"),
    (lambda a, b: np.isin(b, a).any(axis=1), "any-value"),
])
def test_leaked_rows_tolerance_and_value_matches_are_named(answer, named):
    assert mistake(ex08.check_decisions_duplicates(answer)) == named


def test_leaked_rows_rounding_and_first_copy_only_are_refused():
    rounded = ex08.check_decisions_duplicates(
        lambda a, b: _loop(np.round(a, 2), np.round(b, 2)))
    assert not rounded

    def first_only(a, b):
        out, seen = [], set()
        for r in map(tuple, b):
            out.append(r in set(map(tuple, a)) and r not in seen)
            seen.add(r)
        return np.array(out)

    assert mistake(ex08.check_decisions_duplicates(first_only)) == "first-copy-only"


def test_leaked_rows_failure_names_the_wrong_rows():
    r = ex08.check_decisions_duplicates(lambda a, b: np.isin(b, a).all(axis=1))
    text = r.text()
    assert "wrong at index" in text and "expected False" in text


def test_leaked_rows_cases_plant_every_trap():
    for case in ex08.EX_2.all_cases():
        a, b = case["X_train"], case["X_test"]
        ref = ex08._leaked_rows(a, b)
        close = np.isclose(b[:, None], a[None]).all(2).any(1)
        assert (close & ~ref).any()  # a near-copy np.isclose accepts
        rows, counts = np.unique(b, axis=0, return_counts=True)
        assert (counts > 1).sum() >= 2  # a copy twice, and a repeat not in train
        assert ref.sum() >= 5 and (~ref).sum() >= 5


# --- 08.3 -------------------------------------------------------------------------------------
def test_band_standardise_float32_in_place_ddof1():
    def f32(train, test):
        train, test = np.asarray(train, np.float32), np.asarray(test, np.float32)
        return ((test - train.mean(axis=(0, 2), keepdims=True))
                / train.std(axis=(0, 2), keepdims=True))

    assert ex08.check_decisions_band_standardise(f32)

    def in_place(train, test):
        test -= train.mean(axis=(0, 2), keepdims=True)
        test /= train.std(axis=(0, 2), keepdims=True)
        return test

    assert mistake(ex08.check_decisions_band_standardise(in_place)) == "changed-input"
    assert mistake(ex08.check_decisions_band_standardise(
        lambda a, b: (b - a.mean((0, 2), keepdims=True)) / a.std((0, 2), keepdims=True,
                                                                   ddof=1))) == "ddof-1"


# --- 08.4 -------------------------------------------------------------------------------------
def test_clip_labels_copy_of_07_mean_loop_fails():
    def copy_07(probs, clip_ids, durations, min_confidence):  # notebook 07's mean, per clip
        return np.array([int(np.argmax(probs[clip_ids == c].mean(axis=0)))
                         for c in np.unique(clip_ids)])

    assert not ex08.check_decisions_clip_labels(copy_07)


def _mine(p, i, d, t, order=np.unique):
    out = []
    for c in order(i):
        s = (d[i == c, None] * p[i == c]).sum(0) / d[i == c].sum()
        out.append(int(np.argmax(s)) if s.max() >= t else -1)
    return np.array(out)


def test_clip_labels_right_answer_written_out():
    assert ex08.check_decisions_clip_labels(_mine)


@pytest.mark.parametrize("answer, named", [
    (lambda p, i, d, t: _mine(p, i, np.ones_like(d), t), "unweighted"),
    (lambda p, i, d, t: np.array([int(np.argmax((d[i == c, None] * p[i == c]).sum(0)))
                                  for c in np.unique(i)]), "never-abstains"),
    (lambda p, i, d, t: np.array([int(np.argmax(s)) if s.max() >= t else -1 for s in
                                  [(d[i == c, None] * p[i == c]).sum(0) for c in np.unique(i)]]),
     "not-divided"),
    (lambda p, i, d, t: _mine(p, i, d, t, order=lambda i: sorted(set(i.tolist()), key=str)),
     "ids-as-text"),
    (lambda p, i, d, t: _mine(p, i, d, t, order=lambda i: list(dict.fromkeys(i.tolist()))),
     "first-seen-order"),
])
def test_clip_labels_named_mistakes(answer, named):
    assert mistake(ex08.check_decisions_clip_labels(answer)) == named


def test_clip_labels_cases_need_both_rules():
    for case in ex08.EX_4.all_cases():
        ids = case["clip_ids"]
        assert (ids < 0).any() and (np.abs(ids) < 10).any() and (ids >= 100).any()
        ref = ex08._clip_labels(**case)
        assert (ref == -1).any() and (ref >= 0).any()
        assert not np.array_equal(ex08._unweighted(**case), ref)
        sizes = np.unique(ids, return_counts=True)[1]
        assert sizes.min() < sizes.max()  # clips of different lengths
        assert (case["durations"] < 0.5).any()


def test_hints_hand_over_no_code():
    for spec in SPECS:
        for hint in [spec.fallback] + [m.hint for m in spec.mistakes]:
            for stage in (hint.nudge, hint.more, hint.example):
                for code in ["np.unique(", "probs[clip_ids", "tobytes", "axis=(0, 2)",
                             "keepdims=True", "np.mean(..., axis=0)"]:
                    assert code not in stage, (spec.id, code, stage)
