"""Exercise checks of 06_dataset_for_deep_learning: the standard tests of every spec, then each
exercise's own right answers written the ways a learner would, and the random split's extra
checks (reproducible, uniformly random over many seeds)."""

from __future__ import annotations

import librosa
import numpy as np
import pytest

from helpers import exercises
from helpers.exercises import ex06
from tests.conftest import mistake, spec_cases, tries

SPECS = [ex06.EX_1, ex06.EX_2, ex06.EX_3, ex06.EX_4]


@pytest.mark.parametrize("case", [c for s in SPECS for c in spec_cases(s)])
def test_spec(case):
    case.run()


def test_every_check_is_exported_with_its_id():
    checks = [ex06.check_frames_per_segment, ex06.check_overlapping_segments,
              ex06.check_pooled_stats, ex06.check_stratified_split]
    assert [c.__name__ for c in checks] == ex06.__all__
    for check, spec in zip(checks, SPECS, strict=True):
        assert getattr(exercises, check.__name__) is check and spec.id.startswith("06.")


def test_no_hint_hands_over_code():
    for spec in SPECS:
        # Hint has no code stage; the fallback (shown when no named mistake matches) ends in a
        # worked example on another case
        assert spec.fallback.example, spec.id


# --- Exercise 1: frames_per_segment ----------------------------------------------------------
def test_frames_right_forms_and_librosa_agrees():
    def frames(segment_s, sr, n_fft, hop, center):
        L = round(segment_s * sr)
        return 1 + (L + (n_fft if center else 0) - n_fft) // hop

    assert ex06.check_frames_per_segment(frames)
    assert ex06.check_frames_per_segment(
        lambda s, sr, n, h, c: librosa.stft(np.zeros(round(s * sr), np.float32), n_fft=n,
                                            hop_length=h, center=c).shape[1])
    for case in ex06.EX_1.all_cases():
        got = librosa.util.frame(np.zeros(round(case["segment_s"] * case["sr"])
                                          + (case["n_fft"] if case["center"] else 0)),
                                 frame_length=case["n_fft"], hop_length=case["hop"]).shape[1]
        assert got == ex06._frames(**case)


def test_frames_hard_coded_and_float_counts():
    assert mistake(ex06.check_frames_per_segment(lambda *a: 46)) == "other"
    r = ex06.check_frames_per_segment(
        lambda s, sr, n, h, c: 1 + (round(s * sr) + (n if c else 0) - n) / h)
    assert mistake(r) in ("other", "partial-frame")


def test_frames_third_stage_is_an_example():
    def center_ignored(segment_s, sr, n_fft, hop, center):
        return 1 + (round(segment_s * sr) - n_fft) // hop

    texts = [r.text() for r in tries(ex06.check_frames_per_segment, center_ignored)]
    assert "Example:" in texts[2] and "L = 10 samples" in texts[2]


# --- Exercise 2: overlapping_segments ---------------------------------------------------------
def test_overlapping_right_forms():
    def with_frame(y, L, step):
        y = np.asarray(y)
        if y.size < L:
            return np.zeros((0, L))
        return librosa.util.frame(y, frame_length=L, hop_length=step, axis=0)

    def with_strides(y, L, step):
        if len(y) < L:
            return []
        return np.lib.stride_tricks.sliding_window_view(np.asarray(y), L)[::step]

    def with_loop(y, L, step):
        return [list(y[i:i + L]) for i in range(0, len(y) - L + 1, step)]

    for fn in (with_frame, with_strides, with_loop):
        assert ex06.check_overlapping_segments(fn), fn.__name__


def test_overlapping_short_signal_and_course_helper():
    def crashes_on_short(y, L, step):
        n = 1 + (len(y) - L) // step
        return np.stack([y[i * step:i * step + L] for i in range(n)])

    assert mistake(ex06.check_overlapping_segments(crashes_on_short)) == "short-signal"
    strides = lambda y, L, step: np.lib.stride_tricks.sliding_window_view(y, L)[::step]  # noqa: E731
    assert mistake(ex06.check_overlapping_segments(strides)) == "short-signal"

    def course(y, L, step):
        from helpers import dataset

        return dataset.cut_segments(np.asarray(y), L, remainder="drop")[0]

    assert mistake(ex06.check_overlapping_segments(course)) == "uses-helper"


# --- Exercise 3: pooled_stats ---------------------------------------------------------------
def test_pooled_stats_equals_the_statistics_of_all_frames():
    rng = np.random.default_rng(0)
    parts = [rng.normal(rng.normal(0, 5, 4), rng.uniform(1, 3, 4), size=(int(n), 4))
             for n in rng.integers(10, 200, size=6)]
    mean, std = ex06._pooled_stats([p.mean(0) for p in parts], [p.std(0) for p in parts],
                                   [len(p) for p in parts])
    everything = np.concatenate(parts)
    assert np.allclose(mean, everything.mean(0)) and np.allclose(std, everything.std(0))


def test_pooled_stats_right_forms():
    def by_variance_decomposition(means, stds, counts):
        m, s, n = np.asarray(means), np.asarray(stds), np.asarray(counts, dtype=float)
        mu = n @ m / n.sum()
        within = n @ s**2 / n.sum()
        between = n @ (m - mu) ** 2 / n.sum()
        return mu, np.sqrt(within + between)

    assert ex06.check_pooled_stats(by_variance_decomposition)
    assert ex06.check_pooled_stats(
        lambda means, stds, counts: [np.asarray(x, dtype=np.float32)
                                     for x in by_variance_decomposition(means, stds, counts)])


# --- Exercise 4: stratified_split -----------------------------------------------------------
def stratified_split(file_ids, labels, k, seed):
    rng = np.random.default_rng(seed)
    test = []
    for c in np.unique(labels):
        files = np.unique(file_ids[labels == c])
        test.extend(rng.permutation(files)[:k])
    return np.isin(file_ids, test)


def test_split_other_valid_draws_pass():
    assert ex06.check_stratified_split(stratified_split)

    def by_choice_in_label_order(file_ids, labels, k, seed):
        rng = np.random.default_rng(seed)
        mask = np.zeros(len(file_ids), dtype=bool)
        for c in sorted(set(labels.tolist())):
            files = sorted(set(file_ids[labels == c].tolist()))
            for f in rng.choice(files, size=k, replace=False):
                mask |= file_ids == f
        return mask

    assert ex06.check_stratified_split(by_choice_in_label_order)


def test_split_randomness_mistakes():
    def unseeded(file_ids, labels, k, seed):
        return stratified_split(file_ids, labels, k, None)

    def first_files(file_ids, labels, k, seed):
        return np.isin(file_ids, [f for c in np.unique(labels)
                                  for f in np.unique(file_ids[labels == c])[:k]])

    def biased(file_ids, labels, k, seed):  # the first file always, the rest at random
        rng = np.random.default_rng(seed)
        test = []
        for c in np.unique(labels):
            files = np.unique(file_ids[labels == c])
            test.extend([files[0], *rng.choice(files[1:], size=k - 1, replace=False)])
        return np.isin(file_ids, test)

    assert mistake(ex06.check_stratified_split(unseeded)) == "not-reproducible"
    assert mistake(ex06.check_stratified_split(first_files)) == "not-random"
    assert mistake(ex06.check_stratified_split(biased)) == "not-random"


def test_split_does_not_change_its_inputs_and_0_1_is_not_a_mask():
    def ints(file_ids, labels, k, seed):
        return stratified_split(file_ids, labels, k, seed).astype(int)

    assert mistake(ex06.check_stratified_split(ints)) == "not-a-mask"

    def sorts_in_place(file_ids, labels, k, seed):
        out = stratified_split(file_ids, labels, k, seed)
        file_ids.sort()
        return out

    assert ex06.check_stratified_split(sorts_in_place), "the check passes copies"


def test_split_cases_vary_classes_k_and_seeds():
    cases = ex06.EX_4.all_cases()
    assert {c["k"] for c in cases} == {1, 2, 3}
    assert len({c["seed"] for c in cases}) > 5
    assert len({np.unique(c["labels"]).size for c in cases}) >= 3


def test_learners_own_parameter_names_work():
    assert ex06.check_frames_per_segment(
        lambda dur, rate, win, step, centred: 1 + (round(dur * rate) + (win if centred else 0)
                                                   - win) // step)
    assert ex06.check_overlapping_segments(
        lambda x, size, hop: np.array([x[i:i + size] for i in range(0, len(x) - size + 1, hop)]
                                      ).reshape(-1, size))
