"""Text in figures is readable on a slide: at least 14 px (helpers.plot.MIN_TEXT_PX).

Slides show a figure at its own pixel size on reveal.js's 960 x 700 canvas, the same canvas on
which the slide tests want any HTML text >= 14 px. Three things keep figures there, each
checked here and shown to catch a planted fault:
- ``helpers.setup_notebook`` sets matplotlib's base font to 11 pt (14.7 px at the course's 96
  dpi), so every text drawn at "medium" or larger passes;
- ``nbtool check`` refuses a smaller font size written into a learner notebook's slide cell;
- the explorers and the ``helpers.plot`` functions draw nothing smaller.
"""

from __future__ import annotations

import json

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import helpers  # noqa: E402
from helpers import plot as hp  # noqa: E402
from helpers import widgets as w  # noqa: E402
from tools import nbtool  # noqa: E402

SR = 22050


@pytest.fixture
def course_rc():
    with matplotlib.rc_context():
        helpers.setup_notebook(quiet=True)
        yield
    plt.close("all")


def _busy_figure(**text_kw):
    fig, ax = plt.subplots(figsize=(9, 3.2), layout="constrained")
    ax.plot([0, 1], [0, 1], label="a line")
    img = ax.imshow(np.zeros((4, 4)), extent=(0, 1, 0, 1))
    fig.colorbar(img, ax=ax, label="colour (dB)")
    ax.set(xlabel="Time (s)", ylabel="Frequency (Hz)", title="a title")
    ax.legend(title="legend")
    ax.annotate("note", xy=(0.5, 0.5), **text_kw)
    fig.suptitle("suptitle")
    fig.canvas.draw()
    return fig


def test_the_course_defaults_make_every_text_readable(course_rc):
    assert hp.small_text(_busy_figure()) == []


def test_a_small_font_is_caught(course_rc):
    small = hp.small_text(_busy_figure(fontsize=8))
    assert small == [("note", round(8 * 96 / 72, 1))]


@pytest.mark.parametrize("make", [
    lambda y: w.waveform_explorer(y, SR), lambda y: w.spectrum_explorer(),
    lambda y: w.stft_explorer(y, SR), lambda y: w.db_explorer(y, SR),
    lambda y: w.mfcc_explorer(y, SR)], ids=["waveform", "spectrum", "stft", "db", "mfcc"])
def test_explorers_draw_readable_text_whatever_rcparams_say(make):
    y = np.random.default_rng(0).standard_normal(2 * SR).astype(np.float32) * 0.1
    with matplotlib.rc_context({"font.size": 6}):  # a learner's own tiny default
        ex = make(y)
        ex.png()
    assert hp.small_text(ex.fig) == []


def test_plot_helpers_draw_readable_text(course_rc):
    y = (0.3 * np.sin(2 * np.pi * 440 * np.arange(SR) / SR)).astype(np.float32)
    freqs = np.fft.rfftfreq(y.size, 1 / SR)
    S = np.abs(np.random.default_rng(1).standard_normal((129, 40))) + 1e-3
    figs = []
    for draw in (lambda ax: hp.waveform(y, SR, ax=ax, title="w"),
                 lambda ax: hp.spectrum(freqs, np.abs(np.fft.rfft(y)), ax=ax, title="s"),
                 lambda ax: hp.spectrogram(20 * np.log10(S), sr=SR, hop_length=64,
                                           label="dB re max", ax=ax),
                 lambda ax: hp.mfcc(np.random.default_rng(2).standard_normal((13, 40)),
                                    sr=SR, hop_length=512, ax=ax)):
        fig, ax = plt.subplots()
        draw(ax)
        figs.append(fig)
    figs.append(hp.stft_tradeoff(y, SR, n_ffts=(256, 1024))[0])
    for fig in figs:
        fig.canvas.draw()
        assert hp.small_text(fig) == [], fig.axes[0].get_title()


def test_nbtool_refuses_a_small_font_on_a_slide():
    def cell(src, slide="-"):
        return {"cell_type": "code", "execution_count": None, "outputs": [], "source": src,
                "metadata": {"slideshow": {"slide_type": slide}}}

    for bad in ('ax.legend(fontsize=8)', 'ax.set_title("x", fontsize="small")',
                'ax.tick_params(labelsize=9)', 'ax.text(0, 0, "x", size=10.2)'):
        problems = nbtool.check_learner_rules("nb", [cell(bad)], "01_x")
        assert any("font size under 14 px" in p for p in problems), bad
    for fine in ('ax.legend(fontsize="medium")', 'ax.set_title("x", fontsize=12)',
                 'ax.legend()', 'fig.set_size_inches(9, 3)'):
        problems = nbtool.check_learner_rules("nb", [cell(fine)], "01_x")
        assert not any("font size" in p for p in problems), fine
    problems = nbtool.check_learner_rules("nb", [cell('ax.legend(fontsize=8)', "skip")], "01_x")
    assert not any("font size" in p for p in problems), "a cell slides skip may be small"


def test_no_learner_notebook_sets_a_small_font():
    for p in nbtool._course.learner_notebooks(nbtool.ROOT):
        cells = json.loads(p.read_text(encoding="utf-8"))["cells"]
        assert not [x for x in nbtool.check_learner_rules(p.name, cells, p.stem)
                    if "font size" in x], p.name
