"""The shared exercise machinery: verdicts, staged hints, calling the learner's function,
solutions mode, and "predict, then run"."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.exercises import _core as c


@pytest.fixture(autouse=True)
def _fresh():
    c.reset()
    yield
    c.reset()


@c.exercise("99.1")
def check_axis(fn):
    for n, sr in [(8, 8000), (1001, 22050)]:
        out = c.array(c.call(fn, n, sr), ndim=1)
        if out.size == n:
            c.stop_wrong(c.Hint("one value per rfft bin, not per sample.", "n // 2 + 1 bins.",
                                "np.arange(n // 2 + 1) * sr / n", mistake="per-sample"))
        if not c.close(out, np.fft.rfftfreq(n, 1 / sr)):
            c.stop_wrong(c.Hint("bin k is at k * sr / n.", mistake="other"))
    return c.correct("Well done.")


def test_right_answer_is_truthy_and_shows_a_verdict():
    r = check_axis(lambda n, sr: np.arange(n // 2 + 1) * sr / n)
    assert r and r.status == "correct" and "✅" in repr(r) and "✅" in r._repr_html_()


def test_placeholders_are_not_answered_and_never_raise():
    def stub(n, sr):
        ...

    def not_impl(n, sr):
        raise NotImplementedError

    for fn in (None, ..., stub, not_impl):
        r = check_axis(fn)
        assert not r and r.status == "unanswered" and "Not answered" in r.text()


def test_hints_come_in_stages():
    wrong = lambda n, sr: np.zeros(n)  # noqa: E731
    texts = [check_axis(wrong).text() for _ in range(3)]
    assert "Hint:" in texts[0] and "More:" not in texts[0] and "Code:" not in texts[0]
    assert "More:" in texts[1] and "Code:" not in texts[1]
    assert "np.arange(n // 2 + 1)" in texts[2]
    assert check_axis(wrong).mistake == "per-sample"
    c.reset()
    assert "Code:" not in check_axis(wrong).text()


def test_a_raising_function_gets_its_error_and_input_named():
    r = check_axis(lambda n, sr: 1 / 0)
    assert not r and r.mistake == "raised" and "ZeroDivisionError" in r.text()
    assert "(8, 8000)" in r.text()


def test_not_a_function_and_not_a_number():
    assert check_axis(3.0).mistake == "not-a-function"

    @c.exercise("99.2")
    def check_value(answer):
        x = c.number(answer, what="one number of seconds")
        return c.correct() if abs(x - 1.5) < 0.01 else c.wrong("no")

    assert check_value(1.5) and not check_value(2.0)
    assert check_value("abc").mistake == "not-a-number"
    assert check_value([1.5, 2.0]).mistake == "not-a-number"
    assert check_value(float("nan")).mistake == "not-finite"
    assert check_value(None).status == "unanswered"


def test_expect_all_correct_raises_on_a_failing_solution():
    c.expect_all_correct()
    with pytest.raises(AssertionError, match="99.1"):
        check_axis(lambda n, sr: np.zeros(n))
    assert check_axis(lambda n, sr: np.arange(n // 2 + 1) * sr / n)


def test_predict_then_reveal():
    p = c.predict("Which is higher?", ["A", "B"])
    bundle = p._repr_mimebundle_()
    assert "Which is higher?" in bundle["text/html"] and "○ B" in bundle["text/html"]
    assert "application/vnd.jupyter.widget-view+json" in bundle  # live buttons in JupyterLab
    assert p.value is None
    assert c.reveal(p, "A", "Because.").status == "unanswered"
    p.choose("B")
    assert c.reveal(p, "A", "Because.").status == "wrong"
    p.choose("A")
    r = c.reveal(p, "A", "Because.")
    assert r and "Because." in r.text()
    with pytest.raises(ValueError):
        p.choose("C")
    assert c.reveal("a", "A", "plain values work too")
