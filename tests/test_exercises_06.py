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


# --- found by the testers (reader-b, examiner-b) ----------------------------------------------
def test_frames_ceil_of_the_samples_is_named():
    """Examiner: L = ceil(segment_s * sr) was accepted (every case had a whole number of
    samples); 22,049.3 samples at hop 441 with center=True: 50 frames, 51 with ceil."""
    r = ex06.check_frames_per_segment(
        lambda s, sr, n, h, c: 1 + (int(np.ceil(s * sr)) + (n if c else 0) - n) // h)
    assert mistake(r) == "ceil-samples"
    assert any(round(c["segment_s"] * c["sr"], 6) % 1 for c in ex06.EX_1.all_cases())


def test_frames_float_count_is_named():
    r = ex06.check_frames_per_segment(
        lambda s, sr, n, h, c: float(1 + (round(s * sr) + (n if c else 0) - n) // h))
    assert mistake(r) == "not-an-int"
    assert ex06.check_frames_per_segment(  # a NumPy int is an int
        lambda s, sr, n, h, c: np.int64(1 + (round(s * sr) + (n if c else 0) - n) // h))


def test_segments_range_off_by_one_is_named():
    """Examiner: range(0, len(y) - L, step) drops the last segment exactly when
    (len(y) - L) % step == 0, and no case had that remainder."""
    def range_end(y, L, step):
        rows = [y[i:i + L] for i in range(0, len(y) - L, step)]
        return np.array(rows).reshape(-1, L)

    assert mistake(ex06.check_overlapping_segments(range_end)) == "range-end"
    cases = ex06.EX_2.all_cases()
    assert sum((len(c["y"]) - c["L"]) % c["step"] == 0 for c in cases
               if len(c["y"]) >= c["L"]) >= 2 * ex06.EX_2.seeds


def test_segments_flat_empty_array_is_the_short_signal_mistake():
    def flat_empty(y, L, step):
        if len(y) < L:
            return np.array([])
        return np.array([y[i:i + L] for i in range(0, len(y) - L + 1, step)])

    r = ex06.check_overlapping_segments(flat_empty)
    assert mistake(r) == "short-signal" and "(0, L)" in r.text()

    def list_empty(y, L, step):  # a list cannot hold a shape: [] is accepted
        return [y[i:i + L] for i in range(0, len(y) - L + 1, step)]

    assert ex06.check_overlapping_segments(list_empty)


def test_pooled_float32_answer_passes():
    """Examiner: a right answer computed in float32 was rejected (rel. error 4e-6 > 1e-6)."""
    def in_float32(means, stds, counts):
        m, s, c = (np.asarray(x, np.float32) for x in (means, stds, counts))
        N = c.sum()
        mu = (c[:, None] * m).sum(0) / N
        ex2 = (c[:, None] * (s**2 + m**2)).sum(0) / N
        return mu, np.sqrt(ex2 - mu**2)

    assert ex06.check_pooled_stats(in_float32)


@pytest.mark.parametrize("form", ["whole", "within"])
def test_pooled_ddof_1_is_named(form):
    def ddof1(means, stds, counts):
        m, s, n = (np.asarray(a, dtype=float) for a in (means, stds, counts))
        N = n.sum()
        mu = n @ m / N
        if form == "whole":
            var = n @ (s**2 + m**2) / N - mu**2
            return mu, np.sqrt(var * N / (N - 1))
        return mu, np.sqrt(((n - 1) @ s**2 + n @ (m - mu) ** 2) / (N - 1))

    assert mistake(ex06.check_pooled_stats(ddof1)) == "ddof-1"


def test_pooled_message_says_which_part_differs_and_where():
    def std_wrong(means, stds, counts):
        m, s, n = (np.asarray(a, dtype=float) for a in (means, stds, counts))
        mu = n @ m / n.sum()
        return mu, n @ s / n.sum()

    text = ex06.check_pooled_stats(std_wrong).text()
    assert "your std is wrong (your mean is right)" in text and "at index (" in text
    assert "helpers.exercises.case('06.3', " in text


def test_case_gives_the_inputs_of_a_case_to_rerun():
    from helpers.exercises import case

    args = case("06.3", 1)
    assert list(args) == ["means", "stds", "counts"]
    first = ex06.EX_3.all_cases()[1]
    assert np.array_equal(np.asarray(args["means"]), np.asarray(first["means"]))
    args["counts"][0] = -1  # a copy: the check's own case is untouched
    assert np.asarray(ex06.EX_3.all_cases()[1]["counts"])[0] != -1


def test_split_k_files_in_total_gets_its_own_hint():
    """Reader: k files from ALL classes together got 'your draw picked a file twice'."""
    def k_in_total(file_ids, labels, k, seed):
        r = np.random.default_rng(seed)
        return np.isin(file_ids, r.permutation(np.unique(file_ids))[:k])

    r = ex06.check_stratified_split(k_in_total)
    assert mistake(r) == "k-in-total" and "twice" not in r.text()


def _per_class(pick):
    """A split that draws each class's files (sorted) with ``pick(rng, files, k, seed, c)``."""
    def split(file_ids, labels, k, seed):
        rng = np.random.default_rng(seed)
        test = []
        for c in np.unique(labels):
            files = np.unique(file_ids[labels == c])
            test.extend(pick(rng, files, k, seed, c))
        return np.isin(file_ids, test)
    return split


def _rotation(rng, files, k, seed, c):
    return [files[(seed + j) % len(files)] for j in range(k)]


def _consecutive(rng, files, k, seed, c):
    s = rng.integers(len(files))
    return [files[(s + j) % len(files)] for j in range(k)]


def _fresh_generator(rng, files, k, seed, c):
    return np.random.default_rng(seed).choice(files, size=k, replace=False)


def _duplicate_to_next(rng, files, k, seed, c):
    idx = list(rng.integers(len(files), size=k))
    for j in range(1, k):
        while idx[j] in idx[:j]:
            idx[j] = (idx[j] + 1) % len(files)
    return files[idx]


@pytest.mark.parametrize("pick, mid", [
    (_rotation, "correlated-draws"), (_consecutive, "correlated-draws"),
    (_duplicate_to_next, "correlated-draws"), (_fresh_generator, "classes-correlated")])
def test_split_correlated_draws_are_caught(pick, mid):
    """Examiner/reader: each of these passed the per-file frequency check."""
    r = ex06.check_stratified_split(_per_class(pick))
    assert mistake(r) == mid, r.text()


def test_split_segment_weighted_draw_is_named():
    def weighted(file_ids, labels, k, seed):
        rng = np.random.default_rng(seed)
        test = []
        for c in np.unique(labels):
            seg_files = file_ids[labels == c]
            chosen = []
            while len(chosen) < k:
                f = rng.choice(seg_files)
                if f not in chosen:
                    chosen.append(f)
            test.extend(chosen)
        return np.isin(file_ids, test)

    r = ex06.check_stratified_split(weighted)
    assert mistake(r) == "segments-weighted" and "MORE SEGMENTS" in r.text()


def test_split_randomness_false_failure_rate_is_as_stated():
    """The thresholds cost a uniformly random right answer < 1.5e-5 (the comment in ex06)."""
    from itertools import combinations

    from scipy import stats

    R, p = ex06._REPEATS, 2 / 5
    b = stats.binom(R, p)
    sd = np.sqrt(R * p * (1 - p))
    per_file = b.sf(R * p + ex06._FILE_SD * sd) + b.cdf(R * p - ex06._FILE_SD * sd - 1e-9)
    pairs = stats.chi2.sf(ex06._PAIR_CHI2, len(list(combinations(range(5), 2))) - 1)
    b2 = stats.binom(R, p * p)
    sd2 = np.sqrt(R * p * p * (1 - p * p))
    cross = (b2.sf(R * p * p + ex06._CROSS_SD * sd2)
             + b2.cdf(R * p * p - ex06._CROSS_SD * sd2 - 1e-9))
    total = 15 * per_file + 3 * pairs + 75 * cross
    assert total < 1.5e-5
    # and the reference-like answers pass (test_split_other_valid_draws_pass)
