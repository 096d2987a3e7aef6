"""Exercise checks of 04_decibels: the standard tests of every spec (the reference and its
float32/list forms pass, every named mistake is wrong with its own id, placeholders are not
answered), then each exercise's own right answers written the ways a learner would, and wrong
ones the specs do not list."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import exercises
from helpers.exercises import ex04
from helpers.exercises._spec import as_learner
from tests.conftest import mistake, spec_cases, tries

SPECS = [ex04.EX_1, ex04.EX_2, ex04.EX_3, ex04.EX_4, ex04.EX_5]


@pytest.mark.parametrize("case", [c for s in SPECS for c in spec_cases(s)])
def test_spec(case):
    case.run()


def test_every_check_is_exported_with_its_id():
    checks = [ex04.check_level_difference, ex04.check_combined_level, ex04.check_mix_at_snr,
              ex04.check_band_snr, ex04.check_noise_floor]
    assert [c.__name__ for c in checks] == ex04.__all__
    for check, spec in zip(checks, SPECS, strict=True):
        assert getattr(exercises, check.__name__) is check
        assert spec.id.startswith("04.")


# --- Exercise 1 ---------------------------------------------------------------------------
def test_level_difference_right_answers_and_precision():
    truth = 20 * np.log10(0.012 / 0.3)
    for x in (truth, -27.96, -28.0, -27.9, np.float32(truth), -28, "-27.96"):
        assert ex04.check_level_difference(x), x
    assert mistake(ex04.check_level_difference(-27.7)) == "precision"
    assert mistake(ex04.check_level_difference(-28.8)) == "precision"


@pytest.mark.parametrize("answer, mid", [
    (27.96, "sign"), (10 * np.log10(0.04), "10-log-for-amplitude"), (13.98, "10-log-for-amplitude"),
    (20 * np.log(0.04), "natural-log"), (0.04, "ratio-not-db"), (25, "ratio-not-db"),
    (-40.0, "other"), ("abc", "not-a-number"),
])
def test_level_difference_mistakes(answer, mid):
    assert mistake(ex04.check_level_difference(answer)) == mid


def test_level_difference_hints_in_stages_end_with_an_example():
    texts = [r.text() for r in tries(ex04.check_level_difference, -40.0)]
    assert "More:" not in texts[0] and "Example:" not in texts[0]
    assert "Example:" in texts[2] and "-20 dB" in texts[2]
    assert "0.012" not in texts[2], "the example is another case, not this answer"


# --- Exercise 2: combined_level ---------------------------------------------------------
def test_combined_level_other_right_forms():
    import librosa

    assert ex04.check_combined_level(
        lambda levels_db: librosa.power_to_db(np.sum(librosa.db_to_power(np.array(levels_db))),
                                              top_db=None))
    assert ex04.check_combined_level(
        lambda levels_db: 10 * np.log10(sum(10 ** (L / 10) for L in levels_db)))
    # RMS amplitudes added in quadrature: the same maths
    assert ex04.check_combined_level(
        lambda levels_db: 20 * np.log10(np.sqrt(np.sum((10 ** (np.asarray(levels_db) / 20))
                                                       ** 2))))


def test_combined_level_cases_hold_two_equal_sounds_and_vary_their_number():
    cases = ex04.EX_2.all_cases()
    assert {len(c["levels_db"]) for c in cases} == {2, 3, 4, 5}
    assert any(isinstance(c["levels_db"], list) for c in cases)
    assert any(np.isclose(ex04._combined_level(c["levels_db"]) - max(c["levels_db"]),
                          10 * np.log10(2)) for c in cases), "two equal sounds: +3.01 dB"


def test_combined_level_wrong_ones_not_listed():
    r = ex04.check_combined_level(lambda levels_db: 10 * np.log(np.sum(
        np.exp(np.asarray(levels_db) / 10))))  # natural log both ways
    assert mistake(r) == "other"


# --- Exercise 3: mix_at_snr -----------------------------------------------------------------
def test_mix_at_snr_other_right_forms():
    def with_rms(clean, noise, snr_db):
        rms = lambda x: np.sqrt(np.mean(np.square(x)))  # noqa: E731
        return clean + noise * (rms(clean) / rms(noise)) / 10 ** (snr_db / 20)

    assert ex04.check_mix_at_snr(with_rms)
    assert ex04.check_mix_at_snr(
        lambda clean, noise, snr_db: (clean + noise * np.sqrt(
            np.sum(clean**2) / np.sum(noise**2) / 10 ** (snr_db / 10))).astype(np.float32))


def test_mix_at_snr_result_has_the_asked_snr():
    for case in ex04.EX_3.all_cases():
        out = ex04._mix_at_snr(**case)
        snr = 10 * np.log10(np.mean(case["clean"] ** 2)
                            / np.mean((out - case["clean"]) ** 2))
        assert np.isclose(snr, case["snr_db"], atol=1e-9)
    assert {np.sign(c["snr_db"]) for c in ex04.EX_3.all_cases()} == {-1.0, 1.0}


def test_mix_at_snr_variance_or_std_instead_of_mean_power_is_named():
    """The task defines P as the mean of the squared samples: with an offset (DC) a variance
    is not the power (examiner: 0.3 sin + 0.2 asked at 10 dB gave 12.8 dB)."""
    by_var = ex04.check_mix_at_snr(
        lambda clean, noise, snr_db: clean + noise * np.sqrt(np.var(clean) / np.var(noise)
                                                             / 10 ** (snr_db / 10)))
    by_std = ex04.check_mix_at_snr(
        lambda clean, noise, snr_db: clean + np.std(clean) / np.std(noise)
        * 10 ** (-snr_db / 20) * noise)
    assert mistake(by_var) == mistake(by_std) == "variance-not-power"
    assert "mean of the squared samples" in by_var.text()
    offsets = [abs(np.mean(c["clean"])) for c in ex04.EX_3.all_cases()]
    assert sum(o > 0.05 for o in offsets) >= 2 * ex04.EX_3.seeds


def test_mix_at_snr_changing_the_input_in_place_is_named():
    def noise_in_place(clean, noise, snr_db):
        noise *= np.sqrt(np.mean(clean**2) / np.mean(noise**2) / 10 ** (snr_db / 10))
        return clean + noise

    def clean_in_place(clean, noise, snr_db):
        clean += np.sqrt(np.mean(clean**2) / np.mean(noise**2) / 10 ** (snr_db / 10)) * noise
        return clean

    for fn, name in ((noise_in_place, "noise"), (clean_in_place, "clean")):
        r = ex04.check_mix_at_snr(fn)
        assert mistake(r) == "changed-input"
        assert f"changed its input {name!r}" in r.text()


# --- Exercise 4: band_snr -------------------------------------------------------------------
def band_snr(clean, noise, sr, n_fft, f_lo, f_hi):
    import librosa

    freqs = librosa.fft_frequencies(sr=sr, n_fft=n_fft)
    band = (freqs >= f_lo) & (freqs < f_hi)
    P_clean = np.abs(librosa.stft(y=clean, n_fft=n_fft)) ** 2
    P_noise = np.abs(librosa.stft(y=noise, n_fft=n_fft)) ** 2
    return 10 * np.log10(P_clean[band].sum() / P_noise[band].sum())


def test_band_snr_right_forms():
    import librosa

    assert ex04.check_band_snr(band_snr)
    # float32 signals, the axis from np.fft.rfftfreq, power_to_db
    assert ex04.check_band_snr(lambda clean, noise, sr, n_fft, f_lo, f_hi: float(
        librosa.power_to_db(np.sum(np.abs(librosa.stft(y=clean.astype(np.float32), n_fft=n_fft)
                                          [(np.fft.rfftfreq(n_fft, 1 / sr) >= f_lo)
                                           & (np.fft.rfftfreq(n_fft, 1 / sr) < f_hi)])
                                   ** 2), ref=np.sum(np.abs(librosa.stft(
                                       y=noise.astype(np.float32), n_fft=n_fft)[
                                       (np.fft.rfftfreq(n_fft, 1 / sr) >= f_lo)
                                       & (np.fft.rfftfreq(n_fft, 1 / sr) < f_hi)])
                                       ** 2), top_db=None)))
    # the axis written three ways gives exactly k * sr / n_fft on every case (edges on bins)
    for case in ex04.EX_4.all_cases():
        sr, n_fft = case["sr"], case["n_fft"]
        k = np.arange(1 + n_fft // 2) * sr / n_fft
        for axis in (librosa.fft_frequencies(sr=sr, n_fft=n_fft),
                     np.fft.rfftfreq(n_fft, 1 / sr), np.linspace(0, sr / 2, 1 + n_fft // 2)):
            assert np.array_equal(axis, k)


@pytest.mark.parametrize("edges", ["[]", "()", "(]"])
def test_band_snr_wrong_band_edges_are_named(edges):
    """Examiner: `<=` at f_hi, `>` at f_lo were accepted (edges always half-way between bins)."""
    learner = as_learner(ex04._band_snr)
    r = ex04.check_band_snr(lambda clean, noise, sr, n_fft, f_lo, f_hi: learner(
        clean, noise, sr, n_fft, f_lo, f_hi, edges=edges))
    assert mistake(r) == "band-edges"
    on_bins = [c for c in ex04.EX_4.all_cases()
               if (c["f_lo"] * c["n_fft"] / c["sr"]).is_integer()
               and (c["f_hi"] * c["n_fft"] / c["sr"]).is_integer()]
    assert len(on_bins) >= 2 * ex04.EX_4.seeds
    for c in on_bins:
        assert abs(ex04._band_snr(**c, edges=edges) - ex04._band_snr(**c)) > 0.05


def test_band_snr_n_fft_plus_one_spacing_is_rejected_and_its_hint_names_it():
    """(n_fft + 1) shifts the band by one bin: on these cases the same as (f_lo, f_hi], so one
    hint names both causes."""
    learner = as_learner(ex04._band_snr)
    r = ex04.check_band_snr(lambda clean, noise, sr, n_fft, f_lo, f_hi: learner(
        clean, noise, sr, n_fft, f_lo, f_hi, spacing=n_fft + 1))
    assert mistake(r) == "band-edges" and "(n_fft + 1)" in r.text()


def test_band_snr_cases_separate_in_band_from_whole_spectrum():
    for case in ex04.EX_4.all_cases():
        whole = ex04._band_snr(case["clean"], case["noise"], case["sr"], case["n_fft"], 0.0,
                               float(case["sr"]))
        inband = ex04._band_snr(**case)
        assert abs(whole - inband) > 3 and abs(inband) > 2.9
    assert len({c["sr"] for c in ex04.EX_4.all_cases()}) >= 4 and 22050 not in {
        c["sr"] for c in ex04.EX_4.all_cases()}


def test_band_snr_time_domain_snr_is_the_whole_spectrum_mistake():
    r = ex04.check_band_snr(lambda clean, noise, sr, n_fft, f_lo, f_hi: 10 * np.log10(
        np.mean(clean**2) / np.mean(noise**2)))
    assert mistake(r) in ("whole-spectrum", "other")
    assert "outside the band" in r.text() or r.mistake == "other"


# --- Exercise 5: noise_floor_dbfs -----------------------------------------------------------
def test_noise_floor_by_formula_and_by_measurement():
    import librosa

    def by_formula(sigma, n_fft, window):
        w = librosa.filters.get_window(window, n_fft)
        return 10 * np.log10(sigma**2 * np.sum(w**2) / (np.sum(w) / 2) ** 2)

    def measured(sigma, n_fft, window):
        noise = sigma * np.random.default_rng(3).standard_normal(100 * n_fft)
        w = librosa.filters.get_window(window, n_fft)
        X = librosa.stft(y=noise, n_fft=n_fft, window=window, center=False)
        return 10 * np.log10(np.mean((np.abs(X) / (w.sum() / 2)) ** 2))

    assert ex04.check_noise_floor(by_formula)
    assert ex04.check_noise_floor(measured)


def test_noise_floor_measured_as_mean_of_db_is_named():
    import librosa

    def mean_of_db(sigma, n_fft, window):
        noise = sigma * np.random.default_rng(3).standard_normal(100 * n_fft)
        w = librosa.filters.get_window(window, n_fft)
        X = librosa.stft(y=noise, n_fft=n_fft, window=window, center=False)
        return np.mean(librosa.amplitude_to_db(np.abs(X) / (w.sum() / 2), top_db=None))

    assert mistake(ex04.check_noise_floor(mean_of_db)) == "mean-of-db"


def test_noise_floor_drops_3_db_per_doubling_for_every_window():
    for window in ("hann", "hamming", "blackman", "boxcar"):
        a, b = ex04._noise_floor(0.1, 512, window), ex04._noise_floor(0.1, 1024, window)
        assert np.isclose(a - b, 10 * np.log10(2), atol=0.01), window
    assert {c["window"] for c in ex04.EX_5.all_cases()} == {"hann", "hamming", "blackman",
                                                            "boxcar"}


def test_learners_own_parameter_names_work():
    """The checks call positionally: any parameter names pass."""
    assert ex04.check_combined_level(lambda dbs: 10 * np.log10(np.sum(10 ** (np.asarray(dbs)
                                                                           / 10))))
    assert ex04.check_mix_at_snr(lambda s, n, target: s + n * np.sqrt(
        np.mean(s**2) / np.mean(n**2) / 10 ** (target / 10)))
