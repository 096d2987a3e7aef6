"""Exercise checks of 04_decibels: the reference solutions pass, each named mistake fails with
its own id, the reasonable variants pass, and placeholders are "not answered" (never raise)."""

from __future__ import annotations

import librosa
import matplotlib
import numpy as np
import pytest

from helpers import exercises
from helpers.exercises import ex04

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh():
    exercises.reset()
    yield
    exercises.reset()
    plt.close("all")


def mistake(result) -> str:
    assert not result, result.text()
    return result.mistake


# --- Exercise 1 ---------------------------------------------------------------------------
def test_level_difference_right_answers_and_precision():
    truth = 20 * np.log10(0.012 / 0.3)
    for x in (truth, -27.96, -28.0, -27.9, np.float32(truth), -28):
        assert exercises.check_level_difference(x), x
    assert mistake(exercises.check_level_difference(-27.7)) == "precision"
    assert mistake(exercises.check_level_difference(-28.8)) == "precision"


@pytest.mark.parametrize("answer, mid", [
    (27.96, "sign"), (10 * np.log10(0.04), "10-log-for-amplitude"), (13.98, "10-log-for-amplitude"),
    (20 * np.log(0.04), "natural-log"), (0.04, "ratio-not-db"), (25, "ratio-not-db"),
    (-40.0, "other"), ("abc", "not-a-number"),
])
def test_level_difference_mistakes(answer, mid):
    assert mistake(exercises.check_level_difference(answer)) == mid


def test_level_difference_hints_in_stages():
    from tests.conftest import tries  # stages advance on a changed answer: tries() simulates one

    texts = [r.text() for r in tries(exercises.check_level_difference, -40.0)]
    assert "More:" not in texts[0] and "Code:" not in texts[0]
    assert "Code:" in texts[2] and "np.log10" in texts[2]


# --- Exercise 2 ---------------------------------------------------------------------------
def to_db_power(S, ref=1.0, amin=1e-10, top_db=80.0):
    S = np.asarray(S, dtype=float)
    if callable(ref):
        ref = ref(S)
    db = 10 * np.log10(np.maximum(amin, S)) - 10 * np.log10(np.maximum(amin, ref))
    if top_db is not None:
        db = np.maximum(db, db.max() - top_db)
    return db


def to_db_amplitude(S, ref=1.0, amin=1e-5, top_db=80.0):
    S = np.asarray(S, dtype=float)
    if callable(ref):
        ref = ref(S)
    db = 20 * np.log10(np.maximum(amin, S) / ref)
    if top_db is not None:
        db = np.maximum(db, db.max() - top_db)
    return db


def amplitude_via_power(S, ref=1.0, amin=1e-5, top_db=80.0):
    S = np.asarray(S, dtype=float)
    if callable(ref):
        ref = ref(S)
    return to_db_power(S**2, ref=ref**2, amin=amin**2, top_db=top_db)


def _variant(kind="power", *, k=None, log=np.log10, amin_mode="max", ref_mode="ok",
             top_mode="ok", defaults=None):
    """A learner's dB function with one planted mistake."""
    kk = k if k is not None else (10.0 if kind == "power" else 20.0)
    d_amin = 1e-10 if kind == "power" else 1e-5
    d = dict(ref=1.0, amin=d_amin, top_db=80.0) | (defaults or {})

    def fn(S, ref=d["ref"], amin=d["amin"], top_db=d["top_db"]):
        S = np.asarray(S, dtype=float)
        if callable(ref):
            if ref_mode == "no-callable":
                raise TypeError("unsupported operand type(s) for /: 'float' and 'function'")
            ref = ref(S)
        if ref_mode == "ignored":
            ref = 1.0
        a = {"fixed": d_amin}.get(amin_mode, amin)
        if amin_mode == "none":
            x = S / ref
        elif amin_mode == "added":
            x = (S + a) / ref
        elif amin_mode == "after-ref":
            x = np.maximum(a, S / ref)
        else:
            x = np.maximum(a, S) / ref
        if ref_mode == "as-power" and kind == "amplitude":
            db = kk * log(np.maximum(a, S)) - 10 * log(ref)
        else:
            db = kk * log(x)
        if top_db is not None:
            if top_mode == "ignored":
                pass
            elif top_mode == "from-zero":
                db = np.maximum(db, -top_db)
            elif top_mode == "ceiling":
                db = np.minimum(db, db.max() - top_db)
            elif top_mode == "from-floor":
                db = np.maximum(db, db.min() + top_db)
            else:
                db = np.maximum(db, db.max() - top_db)
        return db

    return fn


def test_to_db_reference_solutions_and_variants_pass():
    assert exercises.check_to_db(to_db_power, to_db_amplitude)
    assert exercises.check_to_db(to_db_power, amplitude_via_power)
    # float32 output, a list-returning variant
    f32 = lambda S, ref=1.0, amin=1e-10, top_db=80.0: to_db_power(S, ref, amin, top_db).astype(  # noqa: E731
        np.float32)
    assert exercises.check_to_db(f32, to_db_amplitude)


@pytest.mark.parametrize("kind, kw, mid", [
    ("power", dict(k=20.0), "20-log-for-power"),
    ("amplitude", dict(k=10.0), "10-log-for-amplitude"),
    ("power", dict(log=np.log), "natural-log"),
    ("amplitude", dict(log=np.log), "natural-log"),
    ("power", dict(amin_mode="none"), "no-amin"),
    ("amplitude", dict(amin_mode="none"), "no-amin"),
    ("power", dict(amin_mode="added"), "amin-added"),
    ("amplitude", dict(amin_mode="added"), "amin-added"),
    ("power", dict(amin_mode="fixed"), "amin-ignored"),
    ("power", dict(amin_mode="after-ref"), "amin-after-ref"),
    ("power", dict(ref_mode="ignored"), "ref-ignored"),
    ("amplitude", dict(ref_mode="ignored"), "ref-ignored"),
    ("amplitude", dict(ref_mode="as-power"), "ref-wrong"),
    ("power", dict(ref_mode="no-callable"), "ref-callable"),
    ("power", dict(top_mode="ignored"), "no-top-db"),
    ("amplitude", dict(top_mode="ignored"), "no-top-db"),
    ("power", dict(top_mode="from-zero"), "top-db-from-zero"),
    ("power", dict(top_mode="ceiling"), "top-db-wrong-end"),
    ("amplitude", dict(top_mode="from-floor"), "top-db-wrong-end"),
    ("power", dict(defaults=dict(top_db=None)), "defaults"),
    ("amplitude", dict(defaults=dict(amin=1e-10)), "defaults"),
])
def test_to_db_mistakes(kind, kw, mid):
    bad = _variant(kind, **kw)
    args = (bad, to_db_amplitude) if kind == "power" else (to_db_power, bad)
    r = exercises.check_to_db(*args)
    assert mistake(r) == mid, r.text()
    assert ("to_db_power" if kind == "power" else "to_db_amplitude") in r.text()


def test_to_db_sanity_of_the_planted_variants():
    """The _variant factory with no mistake is a right answer (so each case plants one)."""
    assert exercises.check_to_db(_variant("power"), _variant("amplitude"))


def test_to_db_using_librosa_is_named():
    def lib_power(S, ref=1.0, amin=1e-10, top_db=80.0):
        return librosa.power_to_db(S, ref=ref, amin=amin, top_db=top_db)

    def amp_to_db_on_power(S, ref=1.0, amin=1e-10, top_db=80.0):
        # the classic: amplitude_to_db where power is meant
        return librosa.amplitude_to_db(S, ref=ref, amin=amin, top_db=top_db)

    assert mistake(exercises.check_to_db(lib_power, to_db_amplitude)) == "used-librosa"
    assert mistake(exercises.check_to_db(amp_to_db_on_power, to_db_amplitude)) == "used-librosa"
    # the same mistake typed out in NumPy gets the 10-vs-20 hint
    assert mistake(exercises.check_to_db(_variant("power", k=20.0), to_db_amplitude)) \
        == "20-log-for-power"


def test_to_db_wrong_shape_and_placeholders():
    assert mistake(exercises.check_to_db(lambda S, **kw: to_db_power(S, **kw).ravel(),
                                         to_db_amplitude)) == "wrong-shape"

    def stub(S, ref=1.0, amin=1e-10, top_db=80.0):
        ...  # your code here

    for args in [(None, None), (stub, stub), (to_db_power, stub), (to_db_power, None)]:
        r = exercises.check_to_db(*args)
        assert r.status == "unanswered", r.text()


# --- Exercise 3 ---------------------------------------------------------------------------
def log_mel(y, sr):
    M = librosa.feature.melspectrogram(y=y, sr=sr, n_fft=1024, hop_length=256, n_mels=64)
    return librosa.power_to_db(M, ref=1.0, top_db=None)


def log_mel_by_hand(y, sr):
    P = np.abs(librosa.stft(y=y, n_fft=1024, hop_length=256)) ** 2
    M = librosa.filters.mel(sr=sr, n_fft=1024, n_mels=64) @ P
    return 10 * np.log10(np.maximum(1e-10, M))


def log_mel_float32(y, sr):
    return log_mel(y, sr).astype(np.float32)


def test_log_mel_right_answers():
    assert exercises.check_log_mel(log_mel)
    assert exercises.check_log_mel(log_mel_by_hand)
    assert exercises.check_log_mel(log_mel_float32)
    assert exercises.check_log_mel(lambda y, sr: log_mel(y, sr).tolist())
    # any fixed reference (section 4: standardisation removes the constant)
    assert exercises.check_log_mel(lambda y, sr: librosa.power_to_db(
        _mel(y, sr), ref=1000.0, top_db=None))


def test_log_mel_mistakes_are_named_whatever_fixed_reference_is_used():
    r = exercises.check_log_mel(lambda y, sr: librosa.power_to_db(_mel(y, sr), ref=100.0))
    assert mistake(r) == "top-db", r.text()  # librosa's default top_db=80, with ref=100
    r = exercises.check_log_mel(lambda y, sr: librosa.amplitude_to_db(_mel(y, sr), ref=100.0,
                                                                      top_db=None))
    assert mistake(r) == "amplitude_to_db-on-power", r.text()
    r = exercises.check_log_mel(lambda y, sr: librosa.power_to_db(
        _mel(y, sr, power=1.0), ref=100.0, top_db=None))
    assert mistake(r) == "mel-of-magnitude", r.text()
    r = exercises.check_log_mel(lambda y, sr: librosa.power_to_db(librosa.feature.melspectrogram(
        y=y, sr=22050, n_fft=1024, hop_length=256, n_mels=64), ref=100.0, top_db=None))
    assert mistake(r) == "sr-ignored", r.text()
    r = exercises.check_log_mel(lambda y, sr: librosa.power_to_db(_mel(y, sr), ref=1000.0,
                                                                  top_db=None))
    assert r and "30.0 dB lower" in r.text(), r.text()


def test_log_mel_a_reference_that_changes_per_clip_is_named():
    refs = iter([1.0, 3.0, 7.0])
    r = exercises.check_log_mel(lambda y, sr: librosa.power_to_db(
        _mel(y, sr), ref=next(refs), top_db=None))
    assert mistake(r) == "ref-per-example", r.text()


def _mel(y, sr, **kw):
    return librosa.feature.melspectrogram(y=y, sr=sr, n_fft=1024, hop_length=256, n_mels=64,
                                          **kw)


@pytest.mark.parametrize("fn, mid", [
    (lambda y, sr: librosa.amplitude_to_db(_mel(y, sr), ref=1.0, top_db=None),
     "amplitude_to_db-on-power"),
    (lambda y, sr: librosa.power_to_db(_mel(y, sr, power=1.0), top_db=None), "mel-of-magnitude"),
    (lambda y, sr: librosa.power_to_db(_mel(y, sr), ref=np.max, top_db=None), "ref-max"),
    (lambda y, sr: librosa.power_to_db(_mel(y, sr), ref=np.max), "ref-max"),
    (lambda y, sr: librosa.power_to_db(_mel(y, sr), ref=np.max, top_db=60), "ref-max"),
    (lambda y, sr: librosa.power_to_db(_mel(y, sr)), "top-db"),  # librosa's default top_db=80
    (lambda y, sr: librosa.power_to_db(_mel(y, sr), top_db=60), "top-db"),
    (lambda y, sr: _mel(y, sr), "not-db"),
    (lambda y, sr: librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=sr),
                                       top_db=None), "shape"),
    (lambda y, sr: librosa.power_to_db(librosa.feature.melspectrogram(
        y=y, sr=22050, n_fft=1024, hop_length=256, n_mels=64), top_db=None), "sr-ignored"),
])
def test_log_mel_mistakes(fn, mid):
    assert mistake(exercises.check_log_mel(fn)) == mid


def test_log_mel_quieter_copy_is_what_separates_a_fixed_reference():
    """The check's 40 dB quieter copy is what makes ref=np.max fail: on one clip alone a
    per-example reference could not be told from a fixed one by the shape of the values."""
    sigs = ex04._test_signals()
    (mix, sr), (quiet, _) = sigs[1], sigs[2]
    a, b = log_mel(mix, sr), log_mel(quiet, sr)
    high = a > a.max() - 40
    assert np.allclose(a[high] - b[high], 40, atol=0.05)


# --- Exercise 4 ---------------------------------------------------------------------------
def stft_dbfs(y, n_fft):
    X = librosa.stft(y=y, n_fft=n_fft)
    w = librosa.filters.get_window("hann", n_fft)
    return librosa.amplitude_to_db(np.abs(X) / (w.sum() / 2), ref=1.0, top_db=None)


def stft_dbfs_numpy_window(y, n_fft):  # np.hanning (symmetric) and the default top_db=80
    X = np.abs(librosa.stft(y=y, n_fft=n_fft))
    return librosa.amplitude_to_db(X / (np.hanning(n_fft).sum() / 2))


def stft_dbfs_power(y, n_fft):  # power in, power_to_db: the same numbers
    P = np.abs(librosa.stft(y=y, n_fft=n_fft)) ** 2
    return librosa.power_to_db(P / (n_fft / 4) ** 2, top_db=None)


def test_stft_dbfs_right_answers_and_variants():
    for fn in (stft_dbfs, stft_dbfs_numpy_window, stft_dbfs_power):
        assert exercises.check_stft_dbfs(fn), fn.__name__


def test_stft_dbfs_reads_the_sine_level():
    """The fact the exercise rests on: a sine of amplitude A centred on a bin reads 20 log10 A."""
    for y, n_fft in ex04._dbfs_signals()[:2]:
        amp = np.abs(y).max()
        assert np.isclose(stft_dbfs(y, n_fft).max(), 20 * np.log10(amp), atol=0.01)


def _X(y, n_fft):
    return np.abs(librosa.stft(y=y, n_fft=n_fft))


@pytest.mark.parametrize("fn, mid", [
    (lambda y, n: librosa.amplitude_to_db(_X(y, n)), "unscaled"),
    (lambda y, n: librosa.amplitude_to_db(_X(y, n), ref=np.max), "ref-max"),
    (lambda y, n: librosa.power_to_db(_X(y, n) / (n / 4)), "power_to_db-on-magnitude"),
    (lambda y, n: librosa.amplitude_to_db((_X(y, n) / (n / 4)) ** 2, top_db=None),
     "amplitude_to_db-on-power"),
    (lambda y, n: librosa.amplitude_to_db(_X(y, n) / (n / 2)), "scaled-by-window-sum"),
    (lambda y, n: librosa.amplitude_to_db(_X(y, n) / n), "scaled-by-n"),
    (lambda y, n: librosa.amplitude_to_db(
        np.abs(librosa.stft(y=y, n_fft=n, hop_length=n // 2)) / (n / 4)), "shape"),
    (lambda y, n: librosa.amplitude_to_db(_X(y, n) / (n / 4)) + 1.0, "other"),
])
def test_stft_dbfs_mistakes(fn, mid):
    assert mistake(exercises.check_stft_dbfs(fn)) == mid


# --- Exercise 5 ---------------------------------------------------------------------------
def show_spectrogram_db(y, sr, n_fft, hop_length, ax):
    X = librosa.stft(y=y, n_fft=n_fft, hop_length=hop_length)
    S_db = librosa.amplitude_to_db(np.abs(X), ref=np.max)
    img = librosa.display.specshow(S_db, sr=sr, hop_length=hop_length, x_axis="time",
                                   y_axis="log", ax=ax)
    ax.figure.colorbar(img, ax=ax, format="%+2.0f dB", label="dB re max")
    return S_db


def show_dbfs(y, sr, n_fft, hop_length, ax):  # variant: dB re full scale, linear axis, plt
    X = np.abs(librosa.stft(y=y, n_fft=n_fft, hop_length=hop_length))
    S_db = librosa.power_to_db((X / (n_fft / 4)) ** 2, top_db=None)
    img = librosa.display.specshow(S_db, sr=sr, hop_length=hop_length, x_axis="s",
                                   y_axis="linear", ax=ax)
    plt.colorbar(img, label="Magnitude (dBFS)")
    return S_db


def _seed_like(*, ref=np.max, kind="amplitude", axes=True, colorbar="dB re max", draw=True,
               fmt="%+2.0f dB"):
    def fn(y, sr, n_fft, hop_length, ax):
        X = np.abs(librosa.stft(y=y, n_fft=n_fft, hop_length=hop_length))
        if kind == "amplitude":
            S_db = librosa.amplitude_to_db(X, ref=ref)
        elif kind == "power-on-mag":
            S_db = librosa.power_to_db(X, ref=ref)
        else:
            S_db = librosa.amplitude_to_db(X**2, ref=ref)
        if not draw:
            return S_db
        kw = dict(x_axis="time", y_axis="log") if axes else {}
        img = librosa.display.specshow(S_db, sr=sr, hop_length=hop_length, ax=ax, **kw)
        if colorbar is not None:
            ax.figure.colorbar(img, ax=ax, format=fmt, label=colorbar)
        return S_db

    return fn


def test_seed_spectrogram_right_answers():
    assert exercises.check_seed_spectrogram(show_spectrogram_db)
    assert exercises.check_seed_spectrogram(show_dbfs)
    assert exercises.check_seed_spectrogram(_seed_like(colorbar="Magnitude (dB re max)"))
    assert not plt.get_fignums(), "the check closes its figures"


@pytest.mark.parametrize("fn, mid", [
    (_seed_like(ref=1.0), "no-reference"),  # the original code's values
    (_seed_like(kind="power-on-mag"), "power_to_db-on-magnitude"),
    (_seed_like(kind="amp-on-power"), "amplitude_to_db-on-power"),
    (_seed_like(draw=False), "not-drawn"),
    (_seed_like(axes=False), "no-axes"),
    (_seed_like(colorbar=None), "no-colorbar"),
    (_seed_like(colorbar=""), "colorbar-no-reference"),  # the original: format="%+2.0f dB" only
    (_seed_like(colorbar="dB"), "colorbar-no-reference"),
    (_seed_like(colorbar="dB re full scale"), "label-wrong-reference"),
    (lambda y, sr, n_fft, hop_length, ax: np.zeros((3, 3)), "shape"),
])
def test_seed_spectrogram_mistakes(fn, mid):
    assert mistake(exercises.check_seed_spectrogram(fn)) == mid
    assert not plt.get_fignums(), "the check closes its figures, also on a wrong answer"


def _plt_colorbar_after_ax(y, sr, n_fft, hop_length, ax):
    """A learner's version: draws on ax, then calls plt.colorbar() without the image."""
    import librosa.display

    S_db = librosa.amplitude_to_db(np.abs(librosa.stft(y=y, n_fft=n_fft,
                                                       hop_length=hop_length)), ref=np.max)
    librosa.display.specshow(S_db, sr=sr, hop_length=hop_length, x_axis="time",
                             y_axis="log", ax=ax)
    plt.colorbar(format="%+2.0f dB", label="dB re max")
    return S_db


def _positional_stft(y, sr, n_fft, hop_length, ax):
    import librosa

    return librosa.amplitude_to_db(np.abs(librosa.stft(y, n_fft, hop_length)), ref=np.max)


def test_seed_spectrogram_library_errors_get_their_own_hint():
    r = exercises.check_seed_spectrogram(_plt_colorbar_after_ax)
    assert mistake(r) == "colorbar-no-mappable" and "No mappable" in r.text()
    assert mistake(exercises.check_seed_spectrogram(_positional_stft)) == "positional-arguments"
    plt.close("all")


def test_function_checks_placeholders_never_raise():
    def stub(*args):
        ...  # your code here

    def not_impl(*args):
        raise NotImplementedError

    for check in (exercises.check_log_mel, exercises.check_stft_dbfs,
                  exercises.check_seed_spectrogram):
        for fn in (None, ..., stub, not_impl):
            r = check(fn)
            assert r.status == "unanswered" and "Not answered" in r.text(), r.text()
    assert exercises.check_level_difference(None).status == "unanswered"
    assert not plt.get_fignums()


def test_a_raising_function_is_reported_with_its_input():
    r = exercises.check_log_mel(lambda y, sr: 1 / 0)
    assert mistake(r) == "raised" and "ZeroDivisionError" in r.text()


def test_solutions_mode_raises_on_a_wrong_answer():
    exercises.expect_all_correct()
    with pytest.raises(AssertionError, match="04.4"):
        exercises.check_stft_dbfs(_seed_like)  # wrong signature: raises inside, not correct
    assert exercises.check_stft_dbfs(stft_dbfs)


# ------------------------------------------------------------ second review: found as a learner
_power_db_alias = librosa.power_to_db  # bound in an earlier cell, called under another name


def test_to_db_library_function_under_another_name_is_named():
    def aliased(S, ref=1.0, amin=1e-10, top_db=80.0):
        return _power_db_alias(S, ref=ref, amin=amin, top_db=top_db)

    assert mistake(exercises.check_to_db(aliased, to_db_amplitude)) == "used-librosa"


def test_log_mel_more_named_mistakes():
    # a mel spectrogram of magnitudes through amplitude_to_db (the display of section 7)
    r = exercises.check_log_mel(
        lambda y, sr: librosa.amplitude_to_db(_mel(y, sr, power=1.0), ref=1.0, top_db=None))
    assert mistake(r) == "mel-of-magnitude"
    # the sample rate it was given, ignored (librosa's default 22050 Hz used instead)
    r = exercises.check_log_mel(
        lambda y, sr: librosa.power_to_db(_mel(y, 22050), ref=1.0, top_db=None))
    assert mistake(r) == "sr-ignored"


def _seed_no_sr_hop(y, sr, n_fft, hop_length, ax):
    """dB re max and a labelled colourbar, but specshow without sr= and hop_length=."""
    S_db = librosa.amplitude_to_db(np.abs(librosa.stft(y=y, n_fft=n_fft, hop_length=hop_length)),
                                   ref=np.max)
    img = librosa.display.specshow(S_db, x_axis="time", y_axis="log", ax=ax)
    ax.figure.colorbar(img, ax=ax, label="dB re max")
    return S_db


def test_seed_spectrogram_axes_must_match_the_signal():
    assert mistake(exercises.check_seed_spectrogram(_seed_no_sr_hop)) == "specshow-defaults"


@pytest.mark.parametrize("label", ["dB re peak", "dB re loudest bin", "dB (0 dB = maximum)",
                                   "Magnitude (dB re max)"])
def test_seed_spectrogram_other_words_for_the_maximum_pass(label):
    assert exercises.check_seed_spectrogram(_seed_like(colorbar=label))
