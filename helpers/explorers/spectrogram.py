"""The STFT explorer (03): the time/frequency trade-off with ``n_fft``, the hop and the window."""

from __future__ import annotations

import threading
from collections import OrderedDict

from ..validate import check_choice, check_frame_params, check_signal, check_sr
from .framework import Explorer, choice_slider, image_axes
from .views import WINDOWS, stft_view

__all__ = ["HOP_DIVISORS", "N_FFT_OPTIONS", "StftExplorer", "stft_explorer"]

N_FFT_OPTIONS = (256, 512, 1024, 2048, 4096, 8192)
#: The hop is offered as a fraction of n_fft: the control ``hop_divisor`` holds d and
#: ``hop_length = n_fft // d`` (samples, as everywhere in the course), so it stays valid
#: (<= n_fft) whatever n_fft is; the readout gives it in samples and ms.
#: n_fft/64 keeps every setting of the earlier hop slider (e.g. n_fft=8192, hop_length=128)
#: reachable; the work per move stays bounded (frames at most n_fft / 8 apart are computed).
HOP_DIVISORS = (64, 32, 16, 8, 4, 2, 1)


def _hop_label(d: int) -> str:
    return "n_fft" if d == 1 else f"n_fft/{d}"


def _in_kernel() -> bool:
    """True inside a running Jupyter kernel (where a learner pauses between moves)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return getattr(get_ipython(), "kernel", None) is not None


class StftExplorer(Explorer):
    title = "STFT explorer"
    cache_size = 16
    #: After a move, the settings one slider step away (n_fft and hop) are computed in a
    #: background thread while the learner looks at the figure, so the next step is usually a
    #: cache hit (the FFTs release the GIL; a new move stops the prefetch after the setting in
    #: progress). ``None``: on inside a Jupyter kernel, off elsewhere (tests, scripts).
    prefetch: bool | None = None
    view_function = "helpers.explorers.stft_view(y, sr, n_fft=..., hop_length=..., window=...)"
    range_notes = {"n_fft": "powers of two up to the clip's length",
                   "hop_divisor": "hop_length = n_fft // hop_divisor (or pass hop_length= in "
                                  "samples)"}

    def __init__(self, y, sr, *, n_fft=2048, hop_length=None, window="hann"):
        self.y = check_signal(y, mono=True)
        self.sr = check_sr(sr)
        n_fft, hop_length, _ = check_frame_params(n_fft, hop_length, n_samples=self.y.size)
        window = check_choice(window, "window", WINDOWS)
        d = self._divisor(n_fft, hop_length)
        self._cache: OrderedDict = OrderedDict()
        self._lock = threading.Lock()  # the cache is shared with the prefetch thread
        self._generation = 0  # moves so far: a prefetch of an older move stops
        self._prefetcher = None
        nffts = sorted({n for n in N_FFT_OPTIONS if n <= self.y.size} | {n_fft})
        controls = dict(
            n_fft=choice_slider(nffts, n_fft, "n_fft (samples)"),
            hop_divisor=choice_slider([(_hop_label(k), k) for k in HOP_DIVISORS], d,
                                      "hop_length"),
            window=choice_slider(list(WINDOWS), window, "window"),
        )
        super().__init__(controls)

    @staticmethod
    def _divisor(n_fft, hop_length) -> int:
        for d in HOP_DIVISORS:
            if n_fft // d == hop_length and n_fft % d == 0:
                return d
        offered = ", ".join(str(n_fft // d) for d in HOP_DIVISORS if n_fft % d == 0)
        raise ValueError(
            f"stft_explorer sets the hop as a fraction of n_fft (n_fft/64 ... n_fft), so it stays "
            f"valid when n_fft moves: hop_length={hop_length} is not one of {offered} for "
            f"n_fft={n_fft}. Pick one of them, or call helpers.explorers.stft_view for any hop."
        )

    def update(self, **values):
        """As :meth:`Explorer.update`; ``hop_length=`` (samples) is accepted too."""
        if "hop_length" in values:
            n_fft = values.get("n_fft", self.controls["n_fft"].value)
            values["hop_divisor"] = self._divisor(n_fft, values.pop("hop_length"))
        return super().update(**values)

    def build(self, fig):
        self.ax, self.img, self.cb = image_axes(
            fig, (0.10, 0.18, 0.74, 0.74), (0.855, 0.18, 0.015, 0.74),
            ylabel="Frequency (Hz)", cbar_label="Magnitude (dB re max)")
        self.img.set_clim(-80, 0)
        self.ax.set_xlim(0, self.y.size / self.sr)
        self.ax.set_ylim(0, self.sr / 2)
        self.blit_artists = [self.img]

    def _view(self, key):
        n_fft, hop_length, window = key
        return stft_view(self.y, self.sr, n_fft=n_fft, hop_length=hop_length, window=window,
                         display_only=True)  # the cache holds only the small display image

    def _store(self, key, v):
        with self._lock:
            self._cache[key] = v
            self._cache.move_to_end(key)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)

    def compute(self, n_fft, hop_divisor, window):
        key = (n_fft, n_fft // hop_divisor, window)
        with self._lock:
            self._generation += 1
            v = self._cache.get(key)
            if v is not None:
                self._cache.move_to_end(key)
        if v is None:
            v = self._view(key)
            self._store(key, v)
        return v

    def redraw(self):
        view = super().redraw()
        if view is not None and (self.prefetch if self.prefetch is not None else _in_kernel()):
            self._start_prefetch()
        return view

    def _neighbours(self):
        """The settings one step away on the n_fft and hop sliders."""
        p = self.params()
        out = []
        for name in ("n_fft", "hop_divisor"):
            options = [o[1] if isinstance(o, tuple) else o for o in self.controls[name].options]
            i = options.index(p[name])
            for j in (i + 1, i - 1):
                if 0 <= j < len(options):
                    q = dict(p, **{name: options[j]})
                    out.append((q["n_fft"], q["n_fft"] // q["hop_divisor"], q["window"]))
        return out

    def _start_prefetch(self):
        with self._lock:
            generation = self._generation
            todo = [k for k in self._neighbours() if k not in self._cache]
        if not todo:
            return

        def work():
            for key in todo:
                with self._lock:
                    if generation != self._generation:
                        return  # the learner moved on: the foreground needs the CPU
                    if key in self._cache:
                        continue
                try:
                    v = self._view(key)
                except Exception:  # noqa: BLE001 (a setting the learner may never reach)
                    continue
                self._store(key, v)  # correct whatever happened meanwhile

        self._prefetcher = threading.Thread(target=work, name="stft-prefetch", daemon=True)
        self._prefetcher.start()

    def draw(self, v):
        self.img.set_data(v["display"])
        self.img.set_extent(v["display_extent"])


def stft_explorer(y, sr, *, n_fft: int = 2048, hop_length: int | None = None,
                  window: str = "hann"):
    """The time/frequency trade-off (03): sliders ``n_fft``, hop (``hop_divisor``) and ``window``.

    The hop is a fraction of n_fft (n_fft/64, /32, ..., /2, n_fft; ``hop_length`` in samples sets
    the start, default n_fft // 4), so it stays valid when n_fft moves. Shows ``|STFT|`` in dB
    re max (80 dB range). The readout states the hop in samples, delta-t = hop/sr,
    delta-f = sr/n_fft, frames x bins and the window length in ms. The last 8 settings are
    cached.
    """
    return StftExplorer(y, sr, n_fft=n_fft, hop_length=hop_length, window=window)


