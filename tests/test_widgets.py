"""helpers.explorers: the pure views against numpy/scipy/librosa and against the teaching
functions (helpers.stft / spectral / features), helpers.engine's picture-sized STFT, and the
wiring (in-place updates, caches, readouts, the static PNG fallback, clear errors)."""

from __future__ import annotations

import base64
import html
import io
import re

import librosa
import numpy as np
import pytest
import scipy.fft
import scipy.signal
from PIL import Image

from helpers import engine
from helpers import explorers as w
from helpers.explorers import framework, spectrogram
from helpers.validate import format_number, window_samples
from tools import course

SR = 22050


@pytest.fixture(scope="module")
def clip() -> np.ndarray:
    """3 s: a 440 Hz tone, then a 2 kHz tone, plus a little noise (deterministic)."""
    t = np.arange(3 * SR) / SR
    y = 0.5 * np.sin(2 * np.pi * 440 * t) * (t < 1.5) + 0.3 * np.sin(2 * np.pi * 2000 * t) * (t >= 1.5)
    y += 0.01 * np.random.default_rng(1).standard_normal(t.size)
    return y.astype(np.float32)


def _png_size(png: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(png)).size


# ---------------------------------------------------------------------------------------------
# pure compute functions vs independent implementations
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("start, length", [(0.0, 0.005), (1.0, 0.01), (0.5, 2.0), (2.9, 1.0)])
def test_waveform_view_counts_and_values(clip, start, length):
    v = w.waveform_view(clip, SR, start=start, length=length, max_points=1000)
    i0 = round(start * SR)
    i1 = min(clip.size, i0 + round(length * SR))
    assert v["n_samples"] == i1 - i0
    assert v["first_sample"] == i0
    assert f"{i1 - i0} samples" in v["readout"]
    seg = clip[i0:i1]
    if v["block"] == 1:
        np.testing.assert_array_equal(v["values"], seg)
        np.testing.assert_allclose(v["t"], np.arange(i0, i1) / SR)
    else:  # min/max envelope: each block's extremes, checked with a plain loop
        b = v["block"]
        for j in range(0, 5):
            blk = seg[j * b:(j + 1) * b]
            assert v["values"][2 * j] == blk.min() and v["values"][2 * j + 1] == blk.max()
        assert v["values"].min() == seg.min() and v["values"].max() == seg.max()
        assert v["t"].size <= 1000
    assert v["xlim"][0] == pytest.approx(i0 / SR)
    peak = np.abs(clip).max()
    assert v["ylim"] == pytest.approx((-1.05 * peak, 1.05 * peak))


@pytest.mark.parametrize("window", w.WINDOWS)
@pytest.mark.parametrize("freq, length_ms", [(440.0, 50.0), (1000.0, 100.0), (1234.5, 23.0)])
def test_spectrum_view_matches_numpy(window, freq, length_ms):
    v = w.spectrum_view(SR, freq=freq, window=window, length_ms=length_ms, amplitude=0.5)
    n = round(length_ms * SR / 1000)
    assert v["n"] == n and v["delta_f"] == pytest.approx(SR / n)
    win = scipy.signal.get_window(window, n, fftbins=True)
    x = 0.5 * np.sin(2 * np.pi * freq * np.arange(n) / SR) * win
    np.testing.assert_allclose(v["freqs"], np.fft.rfftfreq(n, d=1 / SR))
    np.testing.assert_allclose(v["magnitude"], np.abs(np.fft.rfft(x)), rtol=1e-9, atol=1e-9)
    # the peak bin is the nearest bin to the tone (within half a bin, so the readout is honest)
    assert abs(v["peak_freq"] - freq) <= v["delta_f"] / 2 + 1e-9
    assert f"{v['peak_freq']:.2f} Hz" in v["readout"] and f"{SR / n:.2f} Hz" in v["readout"]
    assert v["magnitude_db"].max() == pytest.approx(0.0)


def test_spectrum_view_on_bin_boxcar_amplitude():
    # 1000 Hz in 100 ms: exactly 100 periods, on bin 100; a boxcar gives |X| = A N / 2 there
    v = w.spectrum_view(SR, freq=1000.0, window="boxcar", length_ms=100.0, amplitude=0.5)
    assert v["peak_bin"] == 100
    assert v["magnitude"][100] == pytest.approx(0.5 * v["n"] / 2, rel=1e-9)


def _numpy_stft_magnitude(y, n_fft, hop, window):
    """Independent STFT: zero padding by n_fft//2 (librosa center=True, pad_mode='constant')."""
    win = scipy.signal.get_window(window, n_fft, fftbins=True)
    yp = np.pad(y.astype(np.float64), n_fft // 2)
    n_frames = 1 + (yp.size - n_fft) // hop
    frames = np.stack([yp[i * hop:i * hop + n_fft] * win for i in range(n_frames)], axis=1)
    return np.abs(np.fft.rfft(frames, axis=0))


@pytest.mark.parametrize("n_fft, hop, window", [(512, 128, "hann"), (2048, 512, "hamming"),
                                                (1024, 1024, "boxcar")])
def test_stft_view_matches_numpy(clip, n_fft, hop, window):
    v = w.stft_view(clip, SR, n_fft=n_fft, hop_length=hop, window=window, top_db=80.0)
    mag = _numpy_stft_magnitude(clip, n_fft, hop, window)
    assert v["shape"] == mag.shape == v["magnitude_db"].shape
    ref_db = 20 * np.log10(np.maximum(mag, 1e-5) / mag.max())
    ref_db = np.maximum(ref_db, -80.0)
    np.testing.assert_allclose(v["magnitude_db"], ref_db, atol=2e-3)  # float32 STFT vs float64
    np.testing.assert_allclose(v["times"], np.arange(mag.shape[1]) * hop / SR)
    np.testing.assert_allclose(v["freqs"], np.fft.rfftfreq(n_fft, d=1 / SR))
    assert v["delta_t"] == hop / SR and v["delta_f"] == SR / n_fft
    x0, x1, f0, f1 = v["extent"]  # cell edges half a frame / half a bin around the centres
    assert x0 == pytest.approx(-hop / SR / 2) and x1 == pytest.approx(v["times"][-1] + hop / SR / 2)
    assert f0 == pytest.approx(-SR / n_fft / 2) and f1 == pytest.approx(SR / 2 + SR / n_fft / 2)
    r = v["readout"]
    assert f"{1000 * hop / SR:.2f} ms" in r and f"{SR / n_fft:.2f} Hz" in r
    assert f"{mag.shape[1]} frames x {mag.shape[0]} bins" in r


@pytest.mark.parametrize("ref", ["max", 1.0, "1.0", 0.01])
@pytest.mark.parametrize("top_db, amin", [(80.0, 1e-5), (40.0, 1e-3), (None, 1e-10)])
def test_db_view_matches_formula(clip, ref, top_db, amin):
    mag = _numpy_stft_magnitude(clip, 1024, 256, "hann")
    v = w.db_view(mag, ref=ref, top_db=top_db, amin=amin)
    ref_value = mag.max() if ref == "max" else float(ref)
    expected = 20 * np.log10(np.maximum(amin, mag)) - 20 * np.log10(max(amin, ref_value))
    if top_db is not None:
        expected = np.maximum(expected, expected.max() - top_db)
    np.testing.assert_allclose(v["db"], expected, atol=1e-4)
    assert v["vmin"] == pytest.approx(expected.min(), abs=1e-4)
    assert v["vmax"] == pytest.approx(expected.max(), abs=1e-4)
    assert ("dB re max" if ref == "max" else f"dB re {float(ref)!r}") in v["label"]
    assert f"{v['vmin']:.1f} dB to {v['vmax']:.1f} dB" in v["readout"]


def test_db_of_maxpooled_equals_maxpool_of_db(clip):
    """The explorer maps a max-pooled |S| to dB: the same picture as pooling the dB image."""
    mag = _numpy_stft_magnitude(clip, 2048, 128, "hann")
    pooled, _ = w.maxpool_image(mag, 100, 120)
    stats = (float(mag.min()), float(mag.max()))
    for ref, top_db in (("max", 80.0), (1.0, 30.0)):
        full = w.db_view(mag, ref=ref, top_db=top_db)
        small = w.db_view(pooled, ref=ref, top_db=top_db, stats=stats)
        np.testing.assert_allclose(small["db"], w.maxpool_image(full["db"], 100, 120)[0], atol=1e-4)
        assert (small["vmin"], small["vmax"]) == pytest.approx((full["vmin"], full["vmax"]))


@pytest.mark.parametrize("n_mfcc, n_mels", [(13, 128), (20, 40), (1, 8)])
def test_mfcc_view_matches_librosa(clip, n_mfcc, n_mels):
    power = np.abs(librosa.stft(y=clip, n_fft=2048, hop_length=512)) ** 2
    v = w.mfcc_view(power, SR, n_fft=2048, n_mfcc=n_mfcc, n_mels=n_mels)
    ref = librosa.feature.mfcc(y=clip, sr=SR, n_mfcc=n_mfcc, n_mels=n_mels, n_fft=2048,
                               hop_length=512)
    assert v["shape"] == ref.shape == (n_mfcc, power.shape[1])
    np.testing.assert_allclose(v["mfcc"], ref, rtol=1e-4, atol=1e-3)
    # and the DCT step itself against scipy on the log-mel matrix
    np.testing.assert_allclose(v["mfcc"], scipy.fft.dct(v["mel_db"], axis=0, norm="ortho")[:n_mfcc],
                               rtol=1e-6, atol=1e-6)
    assert f"MFCC shape ({n_mfcc}, {power.shape[1]})" in v["readout"]


@pytest.mark.parametrize("shape, mr, mc", [((1025, 1292), 256, 720), ((10, 7), 3, 2), ((5, 5), 9, 9)])
def test_maxpool_image_against_loop(shape, mr, mc):
    img = np.random.default_rng(0).standard_normal(shape)
    pooled, (fr, fc) = w.maxpool_image(img, mr, mc)
    assert pooled.shape[0] <= mr and pooled.shape[1] <= mc
    for i in range(pooled.shape[0]):
        for j in (0, pooled.shape[1] - 1):
            assert pooled[i, j] == img[i * fr:(i + 1) * fr, j * fc:(j + 1) * fc].max()
    assert pooled.max() == img.max()
    ext = engine.pooled_extent((0.0, 10.0, 0.0, 5.0), shape, pooled.shape, (fr, fc))
    assert ext[1] == pytest.approx(10.0 * pooled.shape[1] * fc / shape[1])


# ---------------------------------------------------------------------------------------------
# bad inputs: clear errors, table-driven
# ---------------------------------------------------------------------------------------------
_y = np.zeros(4096, dtype=np.float32) + 0.1
BAD = [
    ("waveform_view", ([], SR), {}, ValueError, "empty"),
    ("waveform_view", (np.array([0.0, np.nan, 0.1]), SR), {}, ValueError, "NaN"),
    ("waveform_view", (np.arange(100), SR), {}, TypeError, "integer"),
    ("waveform_view", (np.zeros((2, 100)), SR), {}, ValueError, "mono"),
    ("waveform_view", (_y, 0), {}, ValueError, "sr"),
    ("waveform_view", (_y, SR), {"start": -1.0}, ValueError, "start"),
    ("waveform_view", (_y, SR), {"start": 10.0}, ValueError, "past the end"),
    ("waveform_view", (_y, SR), {"length": 0.0}, ValueError, "length"),
    ("waveform_view", (_y, SR), {"length": "1"}, TypeError, "length"),
    ("spectrum_view", (0,), {}, ValueError, "sr"),
    ("spectrum_view", (SR,), {"freq": 20000.0}, ValueError, "freq"),
    ("spectrum_view", (SR,), {"freq": float("nan")}, ValueError, "finite"),
    ("spectrum_view", (SR,), {"window": "hannn"}, ValueError, "unknown window"),
    ("spectrum_view", (SR,), {"length_ms": 0.01}, ValueError, "length_ms"),
    ("stft_view", (_y, SR), {"n_fft": 8192}, ValueError, "longer than the signal"),
    ("stft_view", (_y, SR), {"hop_length": 0}, ValueError, "hop_length"),
    ("stft_view", (_y, SR), {"n_fft": 512, "hop_length": 1024}, ValueError, "hop_length"),
    ("stft_view", (_y, SR), {"window": "nope"}, ValueError, "unknown window"),
    ("stft_view", (_y, -5), {}, ValueError, "sr"),
    ("stft_view", (np.ones(10, dtype=np.float32), SR), {}, ValueError, "longer than the signal"),
    ("db_view", (np.ones((3, 3)) + 0j,), {}, TypeError, "magnitude"),
    ("db_view", (-np.ones((3, 3)),), {}, ValueError, ">= 0"),
    ("db_view", (np.ones((3, 3)),), {"ref": "loudest"}, ValueError, "ref"),
    ("db_view", (np.ones((3, 3)),), {"ref": 0.0}, ValueError, "ref"),
    ("db_view", (np.ones((3, 3)),), {"amin": 0.0}, ValueError, "amin"),
    ("db_view", (np.ones((3, 3)),), {"top_db": -10.0}, ValueError, "top_db"),
    ("db_view", (np.ones((0, 3)),), {}, ValueError, "empty"),
    ("mfcc_view", (np.ones((1025, 4)), SR), {"n_fft": 2048, "n_mfcc": 40, "n_mels": 20},
     ValueError, "n_mfcc"),
    ("mfcc_view", (np.ones((1025, 4)), SR), {"n_fft": 2048, "fmax": 20000.0}, ValueError, "Nyquist"),
    ("mfcc_view", (np.ones((513, 4)), SR), {"n_fft": 2048}, ValueError, "bins"),
    ("mfcc_view", (np.ones(4), SR), {"n_fft": 2048}, ValueError, "2-D"),
    ("waveform_explorer", ("blues", SR), {}, TypeError, "array"),
    ("spectrum_explorer", (SR,), {"window": "kaiser"}, ValueError, "window"),
    ("stft_explorer", (_y, SR), {"hop_length": 4096, "n_fft": 1024}, ValueError, "hop_length"),
    ("stft_explorer", (_y, SR), {"window": "triang"}, ValueError, "window"),
    ("db_explorer", (_y, SR), {"ref": 3.0}, ValueError, "ref"),
    ("db_explorer", (_y, SR), {"top_db": 0}, ValueError, "top_db"),
    ("mfcc_explorer", (_y, SR), {"n_mfcc": 50, "n_mels": 40}, ValueError, "n_mfcc"),
    ("mfcc_explorer", (np.zeros((2, 4096)), SR), {}, ValueError, "mono"),
]


@pytest.mark.parametrize("func, args, kwargs, exc, fragment", BAD,
                         ids=[f"{b[0]}-{b[4]}-{i}" for i, b in enumerate(BAD)])
def test_bad_inputs_raise_clear_errors(func, args, kwargs, exc, fragment):
    with pytest.raises(exc, match=fragment):
        getattr(w, func)(*args, **kwargs)


# ---------------------------------------------------------------------------------------------
# wiring
# ---------------------------------------------------------------------------------------------
# every explorer of the course (course.toml: its call and a slider move)
EXPLORERS = {e["name"]: (lambda y, e=e: course.make_explorer(e, y, SR), e["move"])
             for e in course.explorers()}


@pytest.mark.parametrize("name", list(EXPLORERS))
def test_explorer_updates_readout_and_figure(clip, name):
    make, move = EXPLORERS[name]
    ex = make(clip)
    before_text, before_png = ex.readout.value, ex.view.value
    assert _png_size(before_png) == (w.FIG_W_PX, ex.height_px)
    assert ex.view.width == str(w.FIG_W_PX)  # fixed size: no jumping
    ex.update(**move)
    assert ex.readout.value != before_text
    assert ex.view.value != before_png
    assert _png_size(ex.view.value) == (w.FIG_W_PX, ex.height_px)
    # moving a slider widget (as the browser does) redraws too
    first = next(iter(ex.controls))
    ctrl = ex.controls[first]
    options = getattr(ctrl, "options", None)
    if options:
        values = [o[1] if isinstance(o, tuple) else o for o in options]
        ctrl.value = values[-1] if ctrl.value != values[-1] else values[0]
    else:
        ctrl.value = (ctrl.min + ctrl.value) / 2 if ctrl.value > ctrl.min else ctrl.max / 2
    assert ex.params()[first] == ctrl.value
    assert ex.last_view["readout"] == ex.readout.value


@pytest.mark.parametrize("name", list(EXPLORERS))
def test_static_png_fallback_in_mimebundle(clip, name):
    ex = EXPLORERS[name][0](clip)
    bundle = ex._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == ex.widget.model_id
    png = base64.b64decode(bundle["image/png"])
    width, height = _png_size(png)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and width == w.FIG_W_PX
    assert height > ex.height_px + 2 * ex.caption_font_px  # a title band and a readout band
    assert bundle["text/plain"].startswith("<")


def static_caption_problems(ex) -> list[str]:
    """What the static image (site, slides, a non-live kernel) lacks: every parameter with its
    value in the title, the readout's text below, text at least 14 px high."""
    title, readout = ex.static_caption()
    problems = []
    for key, c in ex.controls.items():
        name = (c.description or key).split(" (")[0]
        shown = str(framework.option_label(c))
        if f"{name} = " not in title or (shown not in title and format_number(c.value) not in title):
            problems.append(f"title lacks {name} = {shown}: {title!r}")
    plain = " ".join(html.unescape(re.sub(r"<[^>]+>", "", ex.readout.value)).split())
    if not plain or readout != plain:
        problems.append(f"readout missing from the caption: {readout!r}")
    if ex.caption_font_px < 14:
        problems.append(f"caption text {ex.caption_font_px} px < 14 px")
    return problems


@pytest.mark.parametrize("name", list(EXPLORERS))
def test_static_image_carries_its_parameters_and_readout(clip, name):
    ex = EXPLORERS[name][0](clip)
    assert static_caption_problems(ex) == []
    first = next(iter(ex.controls))
    before = ex.static_caption()[0]
    ctrl = ex.controls[first]
    options = getattr(ctrl, "options", None)
    if options:  # a choice: move to another option
        other = next(o for o in options if (o[1] if isinstance(o, tuple) else o) != ctrl.value)
        ex.update(**{first: other[1] if isinstance(other, tuple) else other})
    else:
        ex.update(**{first: ctrl.max if ctrl.value != ctrl.max else ctrl.min})
    assert ex.static_caption()[0] != before and static_caption_problems(ex) == []


def test_the_caption_check_catches_a_static_image_without_its_readout(clip):
    ex = EXPLORERS["stft"][0](clip)
    ex.static_caption = lambda: ("STFT explorer", "")  # a planted fault: no parameters, no readout
    problems = static_caption_problems(ex)
    assert any("title lacks n_fft" in p for p in problems)
    assert any("readout missing" in p for p in problems)


@pytest.mark.parametrize("name, moves", [
    ("spectrum", [dict(window="boxcar"), dict(length_ms=120.0)]),
    ("stft", [dict(hop_divisor=8)]),
    ("db", [dict(ref="1.0", amin=1e-3), dict(top_db=40.0), dict(ref="max", top_db=80.0)]),
    ("mfcc", [dict(n_mels=64), dict(n_mfcc=20), dict(n_mfcc=13, n_mels=128)]),
    ("waveform", [dict(start=1.0, length=0.5), dict(length=0.02), dict(length=2.0)]),
])
def test_blitting_gives_the_same_pixels_as_a_full_draw(clip, name, moves):
    """Blitted updates, including pixels kept for a colourbar / axis and reused when moving
    back to an earlier setting, equal a full redraw."""
    ex = EXPLORERS[name][0](clip)
    for move in moves:
        ex.update(**move)
        blitted = np.asarray(Image.open(io.BytesIO(ex.png())))  # full colour, blitted
        ex.background_dirty = True
        full = np.asarray(Image.open(io.BytesIO(ex.png())))
        np.testing.assert_array_equal(blitted, full)


def test_stft_explorer_matches_pure_function_and_caches(clip, monkeypatch):
    ex = w.stft_explorer(clip, SR, n_fft=1024, hop_length=256, window="hamming")
    ref = w.stft_view(clip, SR, n_fft=1024, hop_length=256, window="hamming")
    assert ex.readout.value == ref["readout"]
    pooled, f = w.maxpool_image(ref["magnitude_db"])
    np.testing.assert_allclose(ex.img.get_array(), pooled, atol=1e-3)  # dB before/after pooling
    assert ex.img.get_extent() == pytest.approx(
        list(engine.pooled_extent(ref["extent"], ref["shape"], pooled.shape, f)))
    ex.update(n_fft=2048)
    calls = []
    monkeypatch.setattr(spectrogram, "stft_view", lambda *a, **k: calls.append(1))
    ex.update(n_fft=1024)  # moving back: from the cache, no recompute
    assert calls == [] and ex.readout.value == ref["readout"]


def test_db_and_mfcc_explorers_do_not_recompute_the_stft(clip, monkeypatch):
    db = w.db_explorer(clip, SR)
    mf = w.mfcc_explorer(clip, SR)

    def boom(*a, **k):
        raise AssertionError("STFT recomputed on a slider move")

    monkeypatch.setattr(librosa, "stft", boom)
    db.update(ref="1.0", top_db=60.0, amin=1e-3)
    mf.update(n_mfcc=30, n_mels=64)
    assert "dB re 1.0" in db.readout.value and "(30, " in mf.readout.value
    assert db.cb.ax.get_ylabel() == "Magnitude (dB re 1.0)"
    lo, hi = db.img.get_clim()
    assert hi - lo == pytest.approx(60.0)


def test_invalid_combination_shows_message_and_keeps_figure(clip):
    ex = w.mfcc_explorer(clip, SR, n_mfcc=13, n_mels=40)
    png = ex.view.value
    assert ex.update(n_mfcc=30, n_mels=20) is None
    assert "n_mfcc=30" in ex.readout.value and "&#9888;" in ex.readout.value
    assert ex.view.value == png
    ex.update(n_mels=40)
    assert "&#9888;" not in ex.readout.value


def test_unexpected_callback_error_is_not_swallowed(clip, monkeypatch):
    ex = w.waveform_explorer(clip, SR)

    def broken(**params):
        raise RuntimeError("injected failure")

    monkeypatch.setattr(ex, "compute", broken)
    with pytest.raises(RuntimeError, match="injected"):  # outside IPython the Output re-raises
        ex.controls["start"].value = 0.5


def test_update_rejects_unknown_parameter(clip):
    ex = w.waveform_explorer(clip, SR)
    with pytest.raises(TypeError, match="unknown parameter"):
        ex.update(n_fft=512)


def test_waveform_explorer_marks_samples_when_zoomed_in(clip):
    ex = w.waveform_explorer(clip, SR, start=0.1, length=0.005)
    assert ex.line.get_marker() == "o" and ex.last_view["n_samples"] == round(0.005 * SR)
    ex.update(length=1.0)
    assert ex.line.get_marker() == "None" and ex.last_view["block"] > 1


def test_figure_is_not_registered_with_pyplot(clip):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    w.stft_explorer(clip, SR)
    assert plt.get_fignums() == before  # the inline backend will not draw it a second time


def test_live_view_is_palette_png_and_export_is_full_colour(clip):
    ex = w.stft_explorer(clip, SR)
    live = Image.open(io.BytesIO(ex.view.value))
    export = Image.open(io.BytesIO(ex.png()))  # the export's figure (without its caption)
    assert live.mode == "P" and export.mode == "RGB"
    static = Image.open(io.BytesIO(base64.b64decode(ex._repr_mimebundle_()["image/png"])))
    assert static.mode == "RGB"
    err = np.abs(np.asarray(live.convert("RGB"), dtype=int) - np.asarray(export, dtype=int))
    assert err.mean() < 4 and err.max() <= 40  # quantisation error, in 8-bit levels


def test_html_export_shows_the_static_figure():
    """nbconvert HTML of an executed explorer cell: with the widget state stripped (as the course
    stores notebooks) the image/png fallback is the figure; with state, the embedded widget."""
    import re

    import nbclient
    import nbconvert
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(
        "import numpy as np, helpers.widgets\n"
        "y = np.sin(np.arange(22050) / 5).astype('float32')\n"
        "helpers.widgets.stft_explorer(y, 22050)")]
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    (out,) = nb.cells[0].outputs
    assert {"application/vnd.jupyter.widget-view+json", "image/png"} <= set(out["data"])
    nb.metadata.pop("widgets", None)
    html, _ = nbconvert.HTMLExporter().from_notebook_node(nb)
    assert len(re.findall(r'<img[^>]+src="data:image/png;base64', html)) == 1


# ---------------------------------------------------------------------------------------------
# issue 12: silence, empty mel filters, messages; issue 13: long clips, keyboard controls;
# issue 14 / 10: sliders that show what the text says
# ---------------------------------------------------------------------------------------------
def test_silence_gives_one_message_everywhere():
    import matplotlib.pyplot as plt

    from helpers import features, plot
    from helpers.validate import SILENT_SIGNAL

    silent = np.zeros(SR, dtype=np.float32)
    calls = [
        lambda: w.stft_view(silent, SR),
        lambda: w.stft_view(silent, SR, display_only=True),
        lambda: w.db_view(np.zeros((5, 5))),
        lambda: w.stft_explorer(silent, SR),
        lambda: w.db_explorer(silent, SR),
        lambda: plot.stft_tradeoff(silent, SR),
        lambda: features.to_db(np.zeros((5, 5)), ref="max"),
    ]
    for call in calls:
        with pytest.raises(ValueError) as err:
            call()
        assert str(err.value) == SILENT_SIGNAL
    plt.close("all")
    # a fixed reference is well defined for silence: everything sits on the amin floor
    v = w.db_view(np.zeros((5, 5)), ref=1.0, amin=1e-5)
    assert np.all(v["db"] == -100.0) and v["floor_fraction"] == 1.0


@pytest.mark.parametrize("n_fft, n_mels", [(256, 128), (256, 80), (512, 200)])
def test_empty_mel_filters_refused_like_features(clip, n_fft, n_mels):
    import warnings

    from helpers import features

    power = np.abs(librosa.stft(y=clip, n_fft=n_fft, hop_length=n_fft // 4)) ** 2
    with pytest.raises(ValueError) as ours:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # not librosa's "Empty filters" warning first
            w.mfcc_view(power, SR, n_fft=n_fft, n_mels=n_mels)
    with pytest.raises(ValueError) as theirs:
        features.mel_filterbank(sr=SR, n_fft=n_fft, n_mels=n_mels)
    assert str(ours.value) == str(theirs.value)
    assert "mel filters would be empty" in str(ours.value)
    with pytest.raises(ValueError, match="mel filters would be empty"):
        w.mfcc_explorer(clip, SR, n_fft=n_fft, hop_length=n_fft // 4, n_mels=n_mels)


def test_mfcc_explorer_says_when_mel_filters_are_empty(clip):
    ex = w.mfcc_explorer(clip, SR, n_fft=256, hop_length=64, n_mels=40)
    assert ex.update(n_mels=100) is None
    assert "mel filters would be empty" in ex.readout.value and "&#9888;" in ex.readout.value


def test_top_db_zero_is_refused_by_widgets_and_features_alike():
    from helpers import features

    mag = np.ones((4, 4))
    for call in (lambda: w.db_view(mag, top_db=0), lambda: features.to_db(mag, top_db=0),
                 lambda: w.stft_view(np.ones(4096, np.float32), SR, top_db=0)):
        with pytest.raises(ValueError, match=r"top_db must be a number of dB > 0"):
            call()
    # None (no clipping) and small positive values are fine in both
    assert w.db_view(mag, top_db=None)["vmin"] == features.to_db(mag, top_db=None).min()
    features.to_db(mag, top_db=0.5)


@pytest.mark.parametrize("call, text", [
    (lambda: w.db_view(np.ones((3, 3)), amin=0.0), "amin must be > 0, got 0."),
    (lambda: w.spectrum_view(SR, freq=11025.01), "freq must be <= 11025 Hz (the Nyquist "
     "frequency sr / 2: a sampled signal holds nothing above it), got 11025.01 Hz."),
    (lambda: w.spectrum_view(SR, length_ms=-2.5), "length_ms must be > 0 ms, got -2.5 ms."),
])
def test_messages_show_the_real_value_without_stray_spaces(call, text):
    with pytest.raises(ValueError) as err:
        call()
    assert str(err.value) == text


def test_db_view_with_ref_below_amin_says_amin_is_0_db(clip):
    mag = _numpy_stft_magnitude(clip, 1024, 256, "hann")
    v = w.db_view(mag, ref=1e-7, amin=1e-5, top_db=None)
    expected = librosa.amplitude_to_db(mag, ref=1e-7, amin=1e-5, top_db=None)
    np.testing.assert_allclose(v["db"], expected, atol=1e-4)
    assert v["ref_value"] == 1e-5 and "0 dB = amin = 1e-05" in v["readout"]
    assert v["label"] == "Magnitude (dB re 1e-05)" and "1e-07" in v["readout"]
    assert v["vmax"] == pytest.approx(expected.max(), abs=1e-4)


def test_every_control_is_a_slider(clip):
    """Sliders change with the arrow keys; a Dropdown / ToggleButtons lets JupyterLab take
    ArrowUp/ArrowDown and move the active cell (checked in the browser by
    benchmarks/browser_latency.py)."""
    import ipywidgets as W

    for name, (make, _) in EXPLORERS.items():
        for key, ctrl in make(clip).controls.items():
            assert isinstance(ctrl, (W.FloatSlider, W.IntSlider, W.SelectionSlider)), (name, key)


def test_stft_explorer_hop_stays_valid_when_n_fft_moves(clip):
    ex = w.stft_explorer(clip, SR, n_fft=2048, hop_length=512)
    assert ex.controls["hop_divisor"].value == 4 and ex.controls["hop_divisor"].label == "n_fft/4"
    for n_fft in (256, 512, 8192, 1024):
        v = ex.update(n_fft=n_fft)
        assert v is not None and f"hop = {n_fft // 4} samples" in ex.readout.value
    ex.update(hop_divisor=1)  # hop_length = n_fft: the largest, still valid
    assert "hop = 1024 samples" in ex.readout.value
    ex.update(n_fft=2048, hop_length=128)  # samples are accepted when they are a fraction
    assert ex.controls["hop_divisor"].value == 16
    with pytest.raises(ValueError, match="hop as a fraction of n_fft"):
        ex.update(hop_length=300)
    ex.update(n_fft=8192, hop_length=128)  # the earlier slider's costliest setting: n_fft/64
    assert ex.controls["hop_divisor"].value == 64 and "hop = 128 samples" in ex.readout.value
    with pytest.raises(ValueError, match="32, 64, 128, 256, 512, 1024, 2048"):
        w.stft_explorer(clip, SR, n_fft=2048, hop_length=300)


def test_spectrum_explorer_time_axis_fits_the_segment():
    ex = w.spectrum_explorer(SR, length_ms=50.0)
    assert ex.ax_t.get_xlim() == pytest.approx((0.0, 1000 * round(0.05 * SR) / SR))
    ex.update(length_ms=300.0)
    assert ex.ax_t.get_xlim()[1] == pytest.approx(300.0, abs=0.05)
    line_x = ex.line_t.get_xdata()
    assert line_x[-1] >= 0.99 * ex.ax_t.get_xlim()[1]  # the drawn segment fills the axis


def test_mfcc_panel_rows_fit_and_c0_does_not_set_the_colour_scale(clip):
    ex = w.mfcc_explorer(clip, SR, n_mfcc=13)
    v = ex.last_view
    assert ex.ax_mfcc.get_ylim() == pytest.approx((0.5, 12.5))  # 12 rows c1..c12, no empty band
    assert ex.img_mfcc.get_array().shape[0] == 12
    np.testing.assert_allclose(ex.img_mfcc.get_array(), v["mfcc"][1:])
    lo, hi = ex.img_mfcc.get_clim()
    assert hi == -lo and hi < np.abs(v["mfcc"][0]).min()  # c0 would be off the scale
    assert "c0" in ex.readout.value and "MFCC shape (13, " in ex.readout.value
    ex.update(n_mfcc=30)
    assert ex.ax_mfcc.get_ylim() == pytest.approx((0.5, 29.5))


def test_db_explorer_amin_changes_the_picture():
    """The amin floor must rise above the top_db clip within the slider's range (it did not:
    1e-10 .. 1e-2 all gave the same picture on the course clips)."""
    import helpers

    y, sr = helpers.load("blues", duration=5.0)
    ex = w.db_explorer(y, sr, ref="1.0", amin=1e-5)
    assert "under the top_db clip: not shown" in ex.readout.value  # the default floor
    pngs, fractions = set(), []
    for amin in w.AMIN_OPTIONS:
        v = ex.update(amin=amin)
        pngs.add(ex.view.value)
        fractions.append(v["floor_fraction"])
        assert v["vmin"] == pytest.approx(max(v["floor"], v["vmax"] - 80.0), abs=0.05)
    assert len(pngs) >= 4  # at least four visibly different pictures
    assert fractions == sorted(fractions) and fractions[-1] > 0.5
    assert "of the picture sits on it" in ex.readout.value


def test_explorer_records_where_the_time_goes(clip):
    ex = w.stft_explorer(clip, SR)
    ex.update(n_fft=1024)
    t = ex.timings[-1]
    assert set(t) == {"compute_ms", "draw_ms", "png_ms", "png_bytes", "cpu_ms"}
    assert t["png_bytes"] == len(ex.view.value) and t["compute_ms"] > 0


# --- long clips: bounded work, the same picture where it matters ------------------------------
def _clicks(seconds, sr=SR, every=0.5):
    y = 0.05 * np.sin(2 * np.pi * 220 * np.arange(int(seconds * sr)) / sr)
    y[::int(every * sr)] += 0.9
    return y.astype(np.float32)


def test_display_image_equals_maxpool_of_the_full_stft(clip):
    """Below the frame-skip threshold the explorer's picture is exactly the max-pooled |S|."""
    for n_fft, hop in ((512, 128), (2048, 512), (8192, 2048)):
        full = np.abs(librosa.stft(y=clip, n_fft=n_fft, hop_length=hop))
        r = engine.magnitude_image(clip, n_fft=n_fft, hop_length=hop,
                                   window=window_samples("hann", n_fft),
                                   max_rows=w.MAX_IMAGE_ROWS, max_cols=w.MAX_IMAGE_COLS)
        assert r["step"] == 1
        pooled, f = w.maxpool_image(full)
        np.testing.assert_allclose(r["image"], pooled, rtol=1e-4, atol=1e-4 * full.max())
        assert (r["n_bins"], r["n_frames"]) == full.shape and r["hi"] == pytest.approx(full.max())


def test_skipped_frames_keep_every_click_within_half_a_db():
    """Frames at most n_fft / 8 apart: each click (and the steady tone) reaches its full-STFT
    level within 0.4 dB in the picture, at most one column away; nothing gets brighter."""
    from scipy.ndimage import maximum_filter1d

    y = _clicks(40.0)  # 40 s: 1723 frames at hop 512 > 640 columns, every 2nd frame computed
    n_fft, hop = 8192, 512
    full = np.abs(librosa.stft(y=y, n_fft=n_fft, hop_length=hop))
    r = engine.magnitude_image(y, n_fft=n_fft, hop_length=hop,
                               window=window_samples("hann", n_fft),
                               max_rows=w.MAX_IMAGE_ROWS, max_cols=w.MAX_IMAGE_COLS)
    assert r["step"] == 2 and not r["sampled"]
    ref = engine.block_max(engine.block_max(full.T, r["frames_per_cell"], 0), r["rows_per_cell"], 1).T
    shown = ref > ref.max() * 1e-4  # the 80 dB the picture shows (float32 noise below)
    img = r["image"]
    assert np.all(20 * np.log10(img[shown]) <= 20 * np.log10(ref[shown]) + 0.01)
    # where the full picture peaks in time (a click, or the steady tone), the picture reaches it
    peaks = shown & (ref >= maximum_filter1d(ref, 3, axis=1))
    near = maximum_filter1d(img, 3, axis=1)
    loss = 20 * np.log10(ref[peaks]) - 20 * np.log10(near[peaks])
    assert peaks.sum() > 1000 and loss.max() < 0.4


def test_stft_view_on_a_long_clip_is_bounded_in_time_and_memory():
    import time
    import tracemalloc

    y = _clicks(180.0)  # 3 minutes; at n_fft=8192, hop=128: 31 008 frames x 4097 bins (1 GB)
    tracemalloc.start()
    t0 = time.perf_counter()
    v = w.stft_view(y, SR, n_fft=8192, hop_length=128)
    elapsed = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert v["shape"] == (4097, 1 + y.size // 128)
    assert v["magnitude_db"].shape == (v["freqs"].size, v["times"].size)
    assert v["freqs"].size == 4097 and w.MAX_FULL_COLS / 2 < v["times"].size <= w.MAX_FULL_COLS
    assert peak < 200e6, f"peak {peak / 1e6:.0f} MB"
    assert elapsed < 5.0  # ~0.3 s on a quiet 2-core machine
    # the clicks (every 0.5 s) all stand out in the reduced picture
    col_max = v["magnitude_db"].max(axis=0)
    assert np.sum(col_max > -20) >= 300


def test_very_long_clip_samples_frames_and_says_so(monkeypatch):
    monkeypatch.setattr(engine, "FFT_BUDGET", 1 << 20)
    y = _clicks(30.0)
    v = w.stft_view(y, SR, n_fft=4096, hop_length=256, display_only=True)
    assert "long clip: the picture analyses every" in v["readout"]
    assert v["display"].shape[1] <= w.MAX_IMAGE_COLS


def test_stft_tradeoff_long_clip_is_bounded_and_short_clip_unchanged(monkeypatch, clip):
    import matplotlib.pyplot as plt

    from helpers import plot

    fig, rows = plot.stft_tradeoff(clip, SR)  # short: every cell drawn, as before
    assert "long clip" not in fig.axes[0].get_title()
    assert [r["hop_length"] for r in rows] == [64, 512, 2048]
    plt.close(fig)
    monkeypatch.setattr(plot, "TRADEOFF_FULL_CELLS", 10_000)
    fig, rows = plot.stft_tradeoff(clip, SR)
    assert all("long clip" in ax.get_title() for ax in fig.axes if ax.get_title())
    mesh = fig.axes[0].collections[0]
    assert mesh.get_array().size <= 512 * 1024
    assert fig.axes[0].get_xlim() == pytest.approx((0, clip.size / SR))
    plt.close(fig)


def test_mfcc_explorer_on_a_long_clip_keeps_exact_frames():
    y = _clicks(240.0)  # 4 minutes: 10 336 frames > 4 x 640: every k-th frame kept
    ex = w.mfcc_explorer(y, SR)
    assert ex.step > 1 and ex.power.shape[1] <= 2 * w.MAX_IMAGE_COLS + 1
    assert f"MFCC shape (13, {1 + y.size // 512})" in ex.readout.value
    full = np.abs(librosa.stft(y=y, n_fft=2048, hop_length=512)) ** 2
    np.testing.assert_allclose(ex.power, full[:, ::ex.step], rtol=1e-4, atol=1e-6 * full.max())


# --- each explorer shows the teaching functions' numbers --------------------------------------
# The explorers call helpers.explorers.views, which call helpers.stft / spectral / features (and
# helpers.engine for picture-sized work). Each test moves an explorer, then recomputes what it
# draws with the teaching function a learner calls, independently of the explorer's code path.
def test_waveform_explorer_draws_the_samples_and_their_block_extremes(clip):
    ex = w.waveform_explorer(clip, SR)
    ex.update(start=1.0, length=0.02)  # 441 samples: drawn one by one
    i0 = int(round(1.0 * SR))
    t, values = ex.line.get_data()
    np.testing.assert_array_equal(values, clip[i0:i0 + 441])
    np.testing.assert_allclose(t, (i0 + np.arange(441)) / SR)
    assert ex.line.get_visible() and not ex.envelope.get_visible()
    ex.update(start=0.5, length=2.0)  # 44 100 samples: a min/max outline of blocks
    v = ex.last_view
    seg = clip[int(0.5 * SR): int(0.5 * SR) + 44100]
    xy = ex.envelope.get_xy()
    n = xy.shape[0] // 2
    block = v["block"]
    tops = [seg[k * block:(k + 1) * block].max() for k in range(n)]
    bottoms = [seg[k * block:(k + 1) * block].min() for k in range(n)][::-1]
    np.testing.assert_array_equal(xy[:n, 1], tops)
    np.testing.assert_array_equal(xy[n:2 * n, 1], bottoms)
    assert ex.envelope.get_visible() and not ex.line.get_visible()


@pytest.mark.parametrize("window", ["boxcar", "blackman"])
def test_spectrum_explorer_shows_helpers_spectral_spectrum(window):
    from helpers import spectral

    ex = w.spectrum_explorer(SR, window=window)
    ex.update(freq=1234.5, length_ms=37.0)
    n = int(round(37.0 * SR / 1000))
    tone = 0.5 * np.sin(2 * np.pi * 1234.5 * np.arange(n) / SR)
    freqs, mag = spectral.spectrum(tone, SR, window=window, normalize=False)
    f_drawn, db_drawn = ex.line_f.get_data()
    np.testing.assert_array_equal(f_drawn, freqs)
    np.testing.assert_allclose(db_drawn, 20 * np.log10(np.maximum(mag, mag.max() * 1e-10)
                                                       / mag.max()), atol=1e-9)
    assert ex.peak.get_xdata()[0] == freqs[np.argmax(mag)]


def test_stft_explorer_shows_helpers_stft_in_db(clip):
    from helpers import features, stft

    ex = w.stft_explorer(clip, SR)
    ex.update(n_fft=1024, hop_divisor=8, window="hamming")
    _, _, S = stft.stft(clip.astype(np.float64), sr=SR, n_fft=1024, hop_length=128,
                        window="hamming")
    db = features.to_db(np.abs(S), ref="max", top_db=80.0)
    pooled, f = engine.maxpool(db, w.MAX_IMAGE_ROWS, w.MAX_IMAGE_COLS)
    np.testing.assert_allclose(ex.img.get_array(), pooled, atol=2e-3)  # float32 picture
    assert f"<b>{S.shape[1]} frames x {S.shape[0]} bins</b>" in ex.readout.value


def test_db_explorer_shows_helpers_features_to_db(clip):
    from helpers import features, stft

    ex = w.db_explorer(clip, SR)
    ex.update(ref="1.0", top_db=50.0, amin=1e-2)
    _, _, S = stft.stft(clip.astype(np.float64), sr=SR, n_fft=2048, hop_length=512)
    pooled, _ = engine.maxpool(np.abs(S), w.MAX_IMAGE_ROWS, w.MAX_IMAGE_COLS)
    expected = features.to_db(pooled, kind="amplitude", ref=1.0, amin=1e-2, top_db=50.0)
    np.testing.assert_allclose(ex.img.get_array(), expected, atol=2e-3)
    assert ex.img.get_clim() == pytest.approx((expected.min(), expected.max()), abs=2e-3)


def test_mfcc_explorer_shows_helpers_features_mfcc(clip):
    from helpers import features

    ex = w.mfcc_explorer(clip, SR)
    ex.update(n_mfcc=20, n_mels=40)
    _, _, C = features.mfcc(clip.astype(np.float64), sr=SR, n_mfcc=20, n_mels=40)
    _, _, M = features.mel_spectrogram(clip.astype(np.float64), sr=SR, n_mels=40)
    v = ex.last_view
    np.testing.assert_allclose(v["mel_db"], features.to_db(M, kind="power", ref=1.0), atol=1e-3)
    np.testing.assert_allclose(v["mfcc"], C, atol=5e-3)
    np.testing.assert_array_equal(ex.img_mfcc.get_array(), v["mfcc"][1:])  # c1 .. c19 drawn


def test_widgets_is_the_explorers_under_their_old_name():
    from helpers import widgets

    for name in ("waveform_explorer", "spectrum_explorer", "stft_explorer", "db_explorer",
                 "mfcc_explorer", "stft_view", "db_view", "Explorer"):
        assert getattr(widgets, name) is getattr(w, name)


def test_no_explorer_module_imports_a_private_name_of_another():
    """Layering: only public names cross modules in helpers/explorers, engine and the teaching
    modules (a private name may change without notice)."""
    import ast
    import pathlib

    import helpers

    root = pathlib.Path(helpers.__file__).parent
    files = [*root.glob("explorers/*.py"), root / "engine.py", root / "stft.py",
             root / "spectral.py", root / "features.py", root / "widgets.py"]
    bad = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level > 0:
                bad += [f"{path.name}: {node.module}.{a.name}" for a in node.names
                        if a.name.startswith("_") and not a.name.startswith("__")]
    assert not bad, bad


def test_stft_explorer_prefetches_the_next_steps_with_the_same_numbers(clip, monkeypatch):
    ex = w.stft_explorer(clip, SR, n_fft=1024, hop_length=256)
    assert ex._prefetcher is None  # outside a kernel: no background thread (tests stay serial)
    ex.prefetch = True
    ex.update(n_fft=2048)
    ex._prefetcher.join(timeout=30)
    # one step on either slider: n_fft 1024 / 4096 (hop n_fft/4), hop n_fft/8 and n_fft/2
    for key in ((1024, 256, "hann"), (4096, 1024, "hann"), (2048, 256, "hann"),
                (2048, 1024, "hann")):
        assert key in ex._cache, key
    ref = w.stft_view(clip, SR, n_fft=4096, hop_length=1024, display_only=True)
    np.testing.assert_array_equal(ex._cache[(4096, 1024, "hann")]["display"], ref["display"])
    calls = []
    monkeypatch.setattr(spectrogram, "stft_view", lambda *a, **k: calls.append(1))
    ex.prefetch = False
    ex.update(n_fft=4096)  # served by the prefetch: nothing computed in the foreground
    assert calls == [] and ex.readout.value == ref["readout"]
