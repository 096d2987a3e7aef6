#!/usr/bin/env python3
"""Slider latency as a learner feels it: key press -> new figure painted and kernel idle.

    python benchmarks/browser_latency.py [--moves 16] [--naive-moves 8] [--only stft,db]
                                         [--baseline main] [--no-naive] [--no-ipympl]
                                         [--json out.json]

Starts JupyterLab (this interpreter's environment) on 127.0.0.1 with a token, its own settings
and a temporary folder holding a generated notebook (nothing in the repository is touched), and
drives Debian's Chromium (``/usr/bin/chromium``, headless, through Playwright) in ONE browser
session. The notebook loads the shipped 30 s clip ("blues", 22050 Hz) and creates every explorer
of ``helpers.widgets`` plus a naive equivalent of each, written the usual tutorial way
(``@interact`` + ``librosa.display.specshow``/``waveshow`` + ``plt.show()``); a second notebook
creates the explorers under ``%matplotlib widget`` (ipympl active: the "(ipympl)" rows), and with
``--baseline REF`` a third one imports ``helpers`` as of git revision REF (the "[REF]" rows). The
explorers are measured in turn on every notebook, so all rows see the same machine load.

For every move the page itself records (``performance.now()``, same clock for all):

* the ``keydown`` of a real key press (Playwright -> Chromium input pipeline) on the control,
* every kernel message in and out of the page's WebSocket (decoded from Jupyter's v1 protocol):
  the control's ``comm_msg`` sent, the kernel going busy, the figure bytes arriving, idle,
* every new figure: an ``<img>`` whose ``src`` changed (our PNG widget, the naive cell's output)
  or a ``drawImage`` onto an ipympl canvas, then ``img.decode()`` and the next animation frame
  (painted).

latency = max(last figure painted, kernel idle) - keydown, after 400 ms with no message or
paint. Each move goes to a setting not seen before unless the row says "cached" (the STFT
explorer computes the settings one slider step away in the background after each move, as it
does for a learner, so a step to an unseen neighbour is usually served from its cache once the
400 ms pause has passed; ``benchmarks/sliders.py --cpu`` measures the cold cost of every move). The table gives
p50 / p95 / max per explorer, the breakdown of the median move (frontend until the message
leaves, kernel busy time, figure bytes, decode + paint), the number of figures painted per move
(1 = no double rendering), and naive / ours at p50.

A "held key" row per explorer presses the key 10 times at the keyboard's auto-repeat rate
(33 ms) and reports the time from the LAST key press to the final figure, and how many figures
were painted for the 10 values (fewer than 10 = intermediate values skipped).

Then the keyboard check: every control of every explorer gets ArrowRight/ArrowLeft/ArrowUp/
ArrowDown while focused; it must change its value (or stay at the end of its range) and must
NOT move the notebook's active cell.

Timings depend on the machine: run it on a quiet one (it prints the load average before and
after). Targets (issue 13): p95 <= 100 ms for every explorer, including settings never seen
before; ipympl no slower than the inline PNG path.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
from browserlab import CHROMIUM_FLAGS, find_chromium  # noqa: E402

TARGET_P95_MS = 100.0
QUIET_MS = 400  # a move is over when nothing arrives or paints for this long
VIEWPORT = {"width": 1280, "height": 1000}


# =============================================================================================
# the notebooks
# =============================================================================================
SETUP = """\
import time
import numpy as np
import matplotlib.pyplot as plt
import librosa
import librosa.display
from ipywidgets import interact
import helpers
import helpers.widgets
helpers.setup_notebook(quiet=True)
y, sr = helpers.load("blues")
librosa.feature.mfcc(y=y, sr=sr)  # numba / FFT warm-up, so no move pays for the first call
print(f"blues: {y.size / sr:.1f} s at {sr} Hz")"""

OURS = {
    "waveform": "ex_waveform = helpers.widgets.waveform_explorer(y, sr)\nex_waveform",
    "spectrum": "ex_spectrum = helpers.widgets.spectrum_explorer(sr=22050)\nex_spectrum",
    "stft": "ex_stft = helpers.widgets.stft_explorer(y, sr)\nex_stft",
    "db": "ex_db = helpers.widgets.db_explorer(y, sr)\nex_db",
    "mfcc": "ex_mfcc = helpers.widgets.mfcc_explorer(y, sr)\nex_mfcc",
}

# what a tutorial usually writes: recompute from the signal, a new pyplot figure, plt.show()
NAIVE = {
    "waveform": '''\
@interact(start=(0.0, 29.0, 0.25), length=(0.05, 30.0, 0.05))
def show_waveform(start=0.0, length=30.0):
    plt.figure(figsize=(9, 3.2))
    librosa.display.waveshow(y, sr=sr)
    plt.xlim(start, start + length)
    plt.xlabel("Time (s)")
    plt.show()''',
    "spectrum": '''\
@interact(freq=(20.0, 2000.0, 0.5), length_ms=(5, 500, 1))
def show_spectrum(freq=440.0, length_ms=50):
    n = int(length_ms * 22050 / 1000)
    t = np.arange(n) / 22050
    x = 0.5 * np.sin(2 * np.pi * freq * t) * np.hanning(n)
    X = np.abs(np.fft.rfft(x))
    fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3.2))
    a.plot(t * 1000, x)
    b.plot(np.fft.rfftfreq(n, 1 / 22050), 20 * np.log10(X / X.max() + 1e-12))
    b.set_xlim(0, 2500)
    plt.show()''',
    "stft": '''\
@interact(n_fft=(256, 8192, 256), hop_length=(64, 2048, 64))
def show_stft(n_fft=2048, hop_length=512):
    S = librosa.stft(y=y, n_fft=n_fft, hop_length=hop_length)
    S_db = librosa.amplitude_to_db(np.abs(S), ref=np.max)
    plt.figure(figsize=(9, 3.2))
    librosa.display.specshow(S_db, sr=sr, hop_length=hop_length, x_axis="time", y_axis="hz")
    plt.colorbar(format="%+2.0f dB")
    plt.show()''',
    "db": '''\
@interact(top_db=(10.0, 160.0, 5.0), amin=(1e-6, 1e-2, 1e-4))
def show_db(top_db=80.0, amin=1e-5):
    S = np.abs(librosa.stft(y=y))
    S_db = librosa.amplitude_to_db(S, ref=np.max, amin=amin, top_db=top_db)
    plt.figure(figsize=(9, 3.2))
    librosa.display.specshow(S_db, sr=sr, x_axis="time", y_axis="hz")
    plt.colorbar(format="%+2.0f dB")
    plt.show()''',
    "mfcc": '''\
@interact(n_mfcc=(1, 40), n_mels=(8, 128))
def show_mfcc(n_mfcc=13, n_mels=128):
    M = librosa.feature.melspectrogram(y=y, sr=sr, n_mels=n_mels)
    C = librosa.feature.mfcc(y=y, sr=sr, n_mfcc=n_mfcc, n_mels=n_mels)
    plt.figure(figsize=(9, 4.4))
    plt.subplot(2, 1, 1)
    librosa.display.specshow(librosa.power_to_db(M, ref=np.max), sr=sr, x_axis="time",
                             y_axis="mel")
    plt.colorbar(format="%+2.0f dB")
    plt.subplot(2, 1, 2)
    librosa.display.specshow(C, sr=sr, x_axis="time")
    plt.colorbar()
    plt.show()''',
}

# kernel-side timings the explorers record (helpers.widgets.Explorer.timings), as JSON
TIMINGS = """\
import json
print("TIMINGS" + json.dumps({k: list(getattr(v, "timings", [])) for k, v in globals().items()
                              if k.startswith("ex_") and hasattr(v, "controls")}))"""

# moves: (name, row label, control index, key, count, kind); kind "ours" / "naive" / "ipympl"
# Our explorers: each move goes to a value not seen before (the stft row walks a snake over the
# n_fft x hop grid, so its cache never helps); "cached" moves back and forth.


def _code(src: str, tags=()) -> dict:
    return {"cell_type": "code", "metadata": {"tags": list(tags)}, "source": src, "outputs": [],
            "execution_count": None}


def _nb(cells) -> dict:
    return {"cells": cells, "nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                        "language": "python"}}}


def make_notebooks(folder: Path, names, naive: bool, ipympl: bool, baseline: Path | None
                   ) -> dict:
    """{kind: notebook name}: "inline" (ours + naive), "baseline" (ours, helpers from another
    git revision), "ipympl" (ours under %matplotlib widget)."""
    out = {}

    def write(kind, first, tag, with_naive):
        cells = [_code(first + SETUP)]
        for n in names:
            cells.append(_code(OURS[n], tags=[f"{tag}-{n}"]))
            if with_naive:
                cells.append(_code(NAIVE[n], tags=[f"naive-{n}"]))
        cells.append(_code(TIMINGS, tags=["timings"]))
        out[kind] = f"latency_{kind}.ipynb"
        (folder / out[kind]).write_text(json.dumps(_nb(cells), indent=1), encoding="utf-8")

    write("inline", "", "ours", naive)
    if baseline is not None:
        write("baseline", f"import sys\nsys.path.insert(0, {str(baseline)!r})\n", "ours", False)
    if ipympl:
        write("ipympl", "%matplotlib widget\n", "ours", False)
    return out


# =============================================================================================
# JupyterLab
# =============================================================================================
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def jupyterlab(base: Path):
    root = base / "notebooks"
    settings = base / "settings"
    for ext, name, value in (
        ("notebook-extension", "tracker", {"windowingMode": "none"}),
        ("apputils-extension", "notification", {"fetchNews": "false", "checkForUpdates": False}),
    ):
        d = settings / "@jupyterlab" / ext
        d.mkdir(parents=True, exist_ok=True)
        (d / f"{name}.jupyterlab-settings").write_text(json.dumps(value))
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # the notebook's own (inline) backend
    env.update(JUPYTERLAB_SETTINGS_DIR=str(settings),
               JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"),
               IPYTHONDIR=str(base / "ipython"), JUPYTER_RUNTIME_DIR=str(base / "runtime"),
               PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(
                   os.pathsep),
               AUDIO_COURSE_DATA=env.get("AUDIO_COURSE_DATA", str(ROOT / "data")),
               PYTHONUNBUFFERED="1")
    port, token = _free_port(), secrets.token_hex(16)
    log = base / "jupyterlab.log"
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
           "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
           "--ServerApp.port_retries=0", "--ServerApp.terminals_enabled=False",
           f"--ServerApp.root_dir={root}",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    with open(log, "w") as fh:
        proc = subprocess.Popen(cmd, cwd=base, env=env, stdout=fh, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    with urllib.request.urlopen(
                            f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("JupyterLab did not start:\n" + log.read_text()[-3000:])
                time.sleep(0.5)
            yield port, token
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


# =============================================================================================
# in-page instrumentation
# =============================================================================================
# Installed before JupyterLab's own scripts: wraps WebSocket (log every kernel message, decoded
# from the v1 binary protocol or JSON), CanvasRenderingContext2D.drawImage (ipympl paints), and
# records keydown times in the capture phase.
INIT_JS = r"""
(() => {
  const L = window.__lat = {msgs: [], keys: [], draws: [], figs: []};
  const dec = new TextDecoder();
  function parse(data) {
    try {
      if (typeof data === 'string') {
        const m = JSON.parse(data);
        return {ch: m.channel, h: m.header || {}, p: m.parent_header || {}, c: m.content || {},
                size: data.length, nbuf: (m.buffers || []).length};
      }
      const buf = data instanceof ArrayBuffer ? data : data.buffer;
      const dv = new DataView(buf);
      const n = Number(dv.getBigUint64(0, true));
      const off = [];
      for (let i = 0; i < n; i++) off.push(Number(dv.getBigUint64(8 * (i + 1), true)));
      const part = k => dec.decode(new Uint8Array(buf, off[k], off[k + 1] - off[k]));
      return {ch: part(0), h: JSON.parse(part(1)), p: JSON.parse(part(2)), c: JSON.parse(part(4)),
              size: buf.byteLength, nbuf: Math.max(0, n - 6)};
    } catch (e) { return null; }
  }
  function record(dir, data) {
    const t = performance.now();
    const m = parse(data);
    if (!m) return;
    const d = (m.c && m.c.data) || {};
    L.msgs.push({t, dir, ch: m.ch, type: m.h.msg_type, id: m.h.msg_id, ptype: m.p.msg_type,
                 pid: m.p.msg_id, state: m.c.execution_state, method: d.method,
                 keys: d.state ? Object.keys(d.state) : [], size: m.size, nbuf: m.nbuf});
  }
  const WS = window.WebSocket;
  class LatWS extends WS {
    constructor(...a) {
      super(...a);
      this.addEventListener('message', ev => {
        if (ev.data instanceof Blob) return;  // Jupyter sets binaryType = 'arraybuffer'
        record('in', ev.data);
      });
    }
    send(data) { record('out', data); return super.send(data); }
  }
  window.WebSocket = LatWS;
  const draw = CanvasRenderingContext2D.prototype.drawImage;
  CanvasRenderingContext2D.prototype.drawImage = function (...a) {
    const r = draw.apply(this, a);
    const t = performance.now();
    L.draws.push({t, canvas: this.canvas});
    requestAnimationFrame(() => { const mc = new MessageChannel();
      mc.port1.onmessage = () => L.figs.push({t0: t, decoded: t, painted: performance.now(),
                                              kind: 'canvas', canvas: this.canvas});
      mc.port2.postMessage(0); });
    return r;
  };
  window.addEventListener('keydown', e => L.keys.push({t: e.timeStamp, key: e.key}), true);
})();
"""

# Watch one output element for new figures: an <img> whose src changed or that was added.
WATCH_JS = r"""
(el) => {
  const L = window.__lat;
  if (L.observer) L.observer.disconnect();
  L.figs = [];
  L.root = el;
  const seen = new WeakMap();
  for (const img of el.querySelectorAll('img')) seen.set(img, img.getAttribute('src'));
  const onImg = img => {
    const src = img.getAttribute('src');
    if (!src || seen.get(img) === src) return;
    seen.set(img, src);
    const t0 = performance.now();
    const rec = {t0, kind: 'img', bytes: src.startsWith('data:') ? Math.round(src.length * 3 / 4)
                                                               : null};
    if (src.startsWith('blob:')) fetch(src).then(r => r.blob()).then(b => { rec.bytes = b.size; });
    img.decode().catch(() => null).then(() => {
      rec.decoded = performance.now();
      requestAnimationFrame(() => { const mc = new MessageChannel();
        mc.port1.onmessage = () => { rec.painted = performance.now(); L.figs.push(rec); };
        mc.port2.postMessage(0); });
    });
  };
  L.observer = new MutationObserver(muts => {
    for (const m of muts) {
      if (m.type === 'attributes' && m.target.tagName === 'IMG') onImg(m.target);
      for (const n of m.addedNodes || []) {
        if (n.nodeType !== 1) continue;
        if (n.tagName === 'IMG') onImg(n);
        for (const img of n.querySelectorAll ? n.querySelectorAll('img') : []) onImg(img);
      }
    }
  });
  L.observer.observe(el, {subtree: true, childList: true, attributes: true,
                          attributeFilter: ['src']});
  return true;
}
"""

# After a key press: wait until QUIET ms pass with no message and no paint, then summarise.
SETTLE_JS = r"""
async ([t_from, quiet, timeout, root_is_canvas]) => {
  const L = window.__lat;
  const start = performance.now();
  const inRoot = f => f.kind !== 'canvas' || (L.root && L.root.contains(f.canvas));
  const last = () => {
    const ms = L.msgs.filter(m => m.t >= t_from).map(m => m.t);
    const fs = L.figs.filter(f => f.t0 >= t_from && inRoot(f)).map(f => f.painted);
    return Math.max(t_from, ...ms, ...fs);
  };
  while (true) {
    await new Promise(r => setTimeout(r, 50));
    const now = performance.now();
    const busy = L.msgs.filter(m => m.t >= t_from && m.ch === 'iopub' && m.type === 'status');
    const idle = busy.length && busy[busy.length - 1].state === 'idle';
    if (idle && now - last() > quiet) break;
    const sent = L.msgs.some(m => m.t >= t_from && m.dir === 'out' && m.type === 'comm_msg');
    if (!sent && now - start > 1500) return {noop: true};  // the key changed nothing
    if (now - start > timeout) return {timeout: true};
  }
  const keys = L.keys.filter(k => k.t >= t_from - 1);
  const key = keys.length ? keys[keys.length - 1].t : t_from;
  const msgs = L.msgs.filter(m => m.t >= t_from - 1);
  const out = msgs.filter(m => m.dir === 'out' && m.type === 'comm_msg');
  const statuses = msgs.filter(m => m.ch === 'iopub' && m.type === 'status');
  const busy = statuses.filter(m => m.state === 'busy');
  const idles = statuses.filter(m => m.state === 'idle');
  const figs = L.figs.filter(f => f.t0 >= t_from && inRoot(f)).sort((a, b) => a.painted - b.painted);
  // the message that carried the last figure: the largest kernel message before it arrived
  const lastFig = figs.length ? figs[figs.length - 1] : null;
  const inbound = msgs.filter(m => m.dir === 'in' && (!lastFig || m.t <= lastFig.t0 + 1));
  const carrier = inbound.reduce((a, m) => (!a || m.size > a.size ? m : a), null);
  return {
    key, n_keys: keys.length,
    sent: out.length ? out[0].t - key : null,
    busy: busy.length ? busy[0].t - key : null,
    idle: idles.length ? idles[idles.length - 1].t - key : null,
    kernel_busy_ms: busy.length && idles.length ? idles[idles.length - 1].t - busy[0].t : null,
    fig_arrived: carrier ? carrier.t - key : null,
    fig_msg_bytes: carrier ? carrier.size : null,
    n_figs: figs.length,
    fig_bytes: lastFig ? lastFig.bytes : null,
    decoded: lastFig ? lastFig.decoded - key : null,
    painted: lastFig ? lastFig.painted - key : null,
    decode_paint_ms: lastFig ? lastFig.painted - lastFig.t0 : null,
    latency: Math.max(0, Math.max(lastFig ? lastFig.painted : key, idles.length ? idles[idles.length - 1].t : key) - key),
    n_msgs_in: msgs.filter(m => m.dir === 'in').length,
    n_msgs_out: out.length,
  };
}
"""

ACTIVE_CELL_JS = """() => [...document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell')]
    .findIndex(c => c.classList.contains('jp-mod-active'))"""


# =============================================================================================
# driving the page
# =============================================================================================
def _panel(page):
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")


def run_all(page, port, token, name) -> None:
    ws = Path(name).stem.replace("_", "-")
    page.goto(f"http://127.0.0.1:{port}/lab/workspaces/{ws}/tree/{name}?reset&token={token}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_function("""() => [...document.querySelectorAll('.jp-StatusBar-TextItem')]
                              .some(e => /\\| Idle/.test(e.textContent))""", timeout=90_000)
    import re

    for attempt in range(3):
        _panel(page).locator(".jp-Cell").first.click()
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
        try:
            page.wait_for_function("""() => [...document.querySelectorAll(
                '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputArea-prompt')]
                .some(e => /[*0-9]/.test(e.textContent))""", timeout=15_000)
            break
        except Exception:  # noqa: BLE001
            if attempt == 2:
                raise
    deadline = time.monotonic() + 600
    while True:
        state = page.evaluate("""() => {
            const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
            const p = [...panel.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]
                .map(e => e.textContent);
            const err = [...panel.querySelectorAll(
                '[data-mime-type="application/vnd.jupyter.stderr"]')].map(e => e.textContent)
                .filter(t => /Error|Traceback/.test(t));
            return {done: p.length > 0 && p.every(t => /\\d/.test(t)), err, prompts: p};
        }""")
        if state["err"]:
            raise RuntimeError(f"{name}: a cell failed:\n" + state["err"][0][-2000:])
        if state["done"]:
            break
        if time.monotonic() > deadline:
            shot = Path(tempfile.gettempdir()) / f"{Path(name).stem}-stuck.png"
            page.screenshot(path=str(shot), full_page=True)
            raise RuntimeError(f"{name}: cells did not finish ({state['prompts']}); see {shot}")
        time.sleep(1.0)
    time.sleep(1.5)


def kernel_timings(page, nb_path: Path) -> dict:
    """Run the notebook's last cell: every explorer's ``timings`` (helpers.widgets), as JSON."""
    page.bring_to_front()
    cell = _panel(page).locator(".jp-Notebook .jp-Cell").nth(cell_index(nb_path, "timings"))
    cell.scroll_into_view_if_needed()
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    out = cell.locator(".jp-OutputArea-output", has_text="TIMINGS")
    try:
        out.wait_for(timeout=60_000)
        return json.loads(out.inner_text().split("TIMINGS", 1)[1])
    except Exception:  # noqa: BLE001 - e.g. an old helpers without timings
        return {}


def cell_output(page, index: int):
    return _panel(page).locator(".jp-Notebook .jp-Cell").nth(index).locator(".jp-Cell-outputArea").first


def controls(output):
    """The controls of an explorer (its first row) or of an interact cell, in order."""
    if output.locator(".audio-course-explorer").count():
        return output.locator(".audio-course-explorer > .widget-hbox").first.locator(":scope > *")
    return output.locator(".widget-interact > .widget-inline-hbox")


def focus_control(ctrl) -> str:
    """Focus the element a learner tabs to; return its kind."""
    handle = ctrl.locator(".noUi-handle")
    if handle.count():
        handle.first.focus()
        return "slider"
    sel = ctrl.locator("select")
    if sel.count():
        sel.first.focus()
        return "dropdown"
    buttons = ctrl.locator("button")
    if buttons.count():
        active = ctrl.locator("button.mod-active")
        (active.first if active.count() else buttons.first).focus()
        return "toggle"
    raise RuntimeError("no focusable control")


def control_value(ctrl) -> str:
    return ctrl.evaluate("""c => {
        const h = c.querySelector('.noUi-handle');
        if (h) return h.getAttribute('aria-valuenow') + '|' + (c.querySelector('.widget-readout') || {}).textContent;
        const s = c.querySelector('select'); if (s) return s.value;
        const b = c.querySelector('button.mod-active'); return b ? b.textContent : '';
    }""")


def move(page, output, ctrl_index: int, key: str, count: int = 1, interval_s: float = 0.0,
         timeout_ms: float = 60_000) -> dict:
    ctrl = controls(output).nth(ctrl_index)
    focus_control(ctrl)
    page.evaluate(WATCH_JS, output.element_handle())
    time.sleep(0.05)
    t_from = page.evaluate("() => performance.now()")
    for i in range(count):
        page.keyboard.press(key)
        if interval_s and i < count - 1:
            time.sleep(interval_s)
    r = page.evaluate(SETTLE_JS, [t_from, QUIET_MS, timeout_ms, False])
    if count > 1:
        r["n_keys_sent"] = count
    return r


# the key sequence of each row: list of (control index, key)
def _walk(n_a, n_b, start, moves, valid, a=0, b=1):
    """Greedy walk over a grid (control a options x control b options): each step goes to a
    neighbouring setting not visited yet (so no setting repeats and the cache cannot help)."""
    seq, pos, seen = [], tuple(start), {tuple(start)}
    for _ in range(moves):
        i, j = pos
        steps = [((i, j + 1), (b, "ArrowRight")), ((i, j - 1), (b, "ArrowLeft")),
                 ((i + 1, j), (a, "ArrowRight")), ((i - 1, j), (a, "ArrowLeft"))]
        steps = [(q, s) for q, s in steps if 0 <= q[0] < n_a and 0 <= q[1] < n_b and valid(*q)]
        new = [(q, s) for q, s in steps if q not in seen]
        if not new:  # dead end: jump through visited cells towards any unvisited one
            new = steps
        pos, step = new[0]
        seen.add(pos)
        seq.append(step)
    return seq


def plan(page, output, name: str, moves: int) -> list[tuple[int, str]]:
    if name == "stft":  # n_fft x hop, every setting new
        from helpers import explorers as w

        state = output.evaluate("""e => [...e.querySelectorAll('.noUi-handle')].slice(0, 2)
            .map(h => [Number(h.getAttribute('aria-valuenow')),
                       Number(h.getAttribute('aria-valuemax'))])""")
        (i0, imax), (j0, jmax) = state
        nffts = getattr(w, "N_FFT_OPTIONS", None)
        hops = getattr(w, "HOP_OPTIONS", None)
        # a hop slider in samples (an early release) must stay <= n_fft; a divisor always is
        hop_in_samples = not (hasattr(w, "HOP_FRACTIONS") or hasattr(w, "HOP_DIVISORS"))

        def valid(i, j):
            return not hop_in_samples or hops[j] <= nffts[i]

        return _walk(int(imax) + 1, int(jmax) + 1, (int(i0), int(j0)), moves, valid)
    if name == "db":  # top_db down (new values), then amin
        return [(1, "ArrowLeft")] * (moves // 2) + [(2, "ArrowRight")] * (moves - moves // 2)
    if name == "mfcc":
        return [(0, "ArrowRight")] * (moves // 2) + [(1, "ArrowLeft")] * (moves - moves // 2)
    return [(0, "ArrowRight")] * moves


NAIVE_PLAN = {"waveform": (0, "ArrowRight"), "spectrum": (0, "ArrowRight"),
              "stft": (0, "ArrowRight"), "db": (0, "ArrowLeft"), "mfcc": (0, "ArrowRight")}


def pct(values, q):
    v = sorted(values)
    if not v:
        return float("nan")
    k = (len(v) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def summarise(rows: list[dict]) -> dict:
    done = [r for r in rows if not r.get("timeout") and not r.get("noop")]
    lat = [r["latency"] for r in done]
    med = sorted(done, key=lambda r: r["latency"])[len(done) // 2] if done else {}
    return dict(n=len(lat), p50=pct(lat, 50), p95=pct(lat, 95),
                max=max(lat) if lat else float("nan"),
                timeouts=sum(1 for r in rows if r.get("timeout")),
                figs=statistics.mean(r.get("n_figs", 0) for r in done) if done else 0,
                median_move={k: med.get(k) for k in ("sent", "busy", "kernel_busy_ms",
                                                     "fig_arrived", "fig_msg_bytes",
                                                     "fig_bytes", "decode_paint_ms", "painted",
                                                     "idle")})


def cell_index(nb_path: Path, tag: str) -> int:
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    for i, c in enumerate(nb["cells"]):
        if tag in c.get("metadata", {}).get("tags", []):
            return i
    raise KeyError(tag)


def keyboard_check(page, output, label) -> list[str]:
    """Each control: the arrow keys change its value and never move the notebook's active cell.

    A control at the end of its range may not move one way; it must move the other way."""
    problems = []
    for c in range(controls(output).count()):
        ctrl = controls(output).nth(c)
        changed, moved_cell, kind = set(), [], ""
        for key in ("ArrowRight", "ArrowLeft", "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowDown"):
            kind = focus_control(ctrl)
            before, cell = control_value(ctrl), page.evaluate(ACTIVE_CELL_JS)
            page.keyboard.press(key)
            page.wait_for_timeout(250)
            after, cell_after = control_value(ctrl), page.evaluate(ACTIVE_CELL_JS)
            if cell_after != cell:
                moved_cell.append(f"{key} moved the active cell {cell} -> {cell_after}")
                _panel(page).locator(".jp-Cell").nth(cell).click()  # put it back
            if after != before:
                changed.add(key)
        if moved_cell:
            problems.append(f"{label} control {c} ({kind}): " + ", ".join(moved_cell))
        if not ({"ArrowRight", "ArrowUp"} & changed and {"ArrowLeft", "ArrowDown"} & changed
                or len(changed) >= 2):
            problems.append(f"{label} control {c} ({kind}): arrow keys changed its value only "
                            f"with {sorted(changed) or 'no key'}")
        page.wait_for_timeout(300)
    return problems


def held_plan(output, name: str) -> tuple[int, str, int]:
    """The slider with the most room, and the direction with room: (control, key, presses)."""
    state = output.evaluate("""e => [...e.querySelectorAll(
        '.widget-hbox > .widget-inline-hbox, .widget-interact > .widget-inline-hbox')].map(c => {
            const h = c.querySelector('.noUi-handle');
            return h ? [Number(h.getAttribute('aria-valuenow')), Number(h.getAttribute('aria-valuemin')),
                        Number(h.getAttribute('aria-valuemax')), 0] : null; })""")
    best = None
    for c, st in enumerate(state):
        if st is None:
            continue
        now, lo, hi, _ = st
        for key, room in (("ArrowRight", hi - now), ("ArrowLeft", now - lo)):
            if best is None or room > best[2]:
                best = (c, key, room)
    c, key, room = best
    return c, key, room


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--moves", type=int, default=16, help="moves per explorer (default 16)")
    ap.add_argument("--naive-moves", type=int, default=8, help="moves per naive cell (default 8)")
    ap.add_argument("--only", default="waveform,spectrum,stft,db,mfcc")
    ap.add_argument("--baseline", metavar="GIT_REF",
                    help="also measure helpers/ as of this git revision (e.g. main), interleaved "
                         "with the current code, so both see the same machine load")
    ap.add_argument("--no-naive", action="store_true")
    ap.add_argument("--no-ipympl", action="store_true")
    ap.add_argument("--no-held", action="store_true", help="skip the held-key rows")
    ap.add_argument("--no-keyboard", action="store_true", help="skip the keyboard check")
    ap.add_argument("--json", help="write all measurements here")
    ap.add_argument("--headed", action="store_true", help="show the browser window")
    args = ap.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    chromium = find_chromium()
    if chromium is None:
        print("no chromium: sudo apt-get install chromium (or AUDIO_COURSE_CHROMIUM=/path)")
        return 2
    from playwright.sync_api import sync_playwright

    load0 = os.getloadavg()
    results: dict = {"rows": {}, "conditions": {}, "keyboard": {}, "naive_keyboard": {},
                     "kernel": {}}
    with tempfile.TemporaryDirectory(prefix="latency-") as tmp:
        base = Path(tmp)
        (base / "notebooks").mkdir()
        old = None
        if args.baseline:
            old = base / "baseline"
            old.mkdir()
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.baseline,
                                      "helpers"], check=True, capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        nbs = make_notebooks(base / "notebooks", names, not args.no_naive, not args.no_ipympl,
                             old)
        with jupyterlab(base) as (port, token), sync_playwright() as p:
            ctx = p.chromium.launch_persistent_context(
                str(base / "profile"), executable_path=chromium, headless=not args.headed,
                args=CHROMIUM_FLAGS, viewport=VIEWPORT)
            ctx.set_default_timeout(60_000)
            ctx.add_init_script(INIT_JS)
            pages = {}
            for kind, nb in nbs.items():  # every notebook in its own tab, all cells run
                pages[kind] = page = ctx.new_page()
                t0 = time.perf_counter()
                run_all(page, port, token, nb)
                print(f"{nb}: all cells ran in {time.perf_counter() - t0:.1f} s", flush=True)
            for n in names:  # interleaved: each explorer on every path before the next one
                for kind, nb in nbs.items():
                    page = pages[kind]
                    page.bring_to_front()
                    label = {"inline": n, "baseline": f"{n} [{args.baseline}]",
                             "ipympl": f"{n} (ipympl)"}[kind]
                    measure_explorer(page, base / "notebooks" / nb, n, label, kind, args, results)
            for kind, nb in nbs.items():
                results["kernel"][kind] = kernel_timings(pages[kind], base / "notebooks" / nb)
            ctx.close()
    load1 = os.getloadavg()
    results["conditions"].update(
        cpus=os.cpu_count(), load_before=load0, load_after=load1, viewport=VIEWPORT,
        chromium=chromium, python=sys.version.split()[0], moves=args.moves)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str))
    ok = _report(results, names)
    return 0 if ok else 1


def measure_explorer(page, nb_path, n, label, kind, args, results):
    out = cell_output(page, cell_index(nb_path, f"ours-{n}"))
    out.scroll_into_view_if_needed()
    if kind == "inline" and "output_area_px" not in results["conditions"]:
        results["conditions"]["output_area_px"] = out.evaluate(
            "e => e.getBoundingClientRect().width")
        results["conditions"]["figure_css_px"] = out.evaluate(
            "e => (e.querySelector('.audio-course-figure') || e).getBoundingClientRect().width")
    steps = plan(page, out, n, args.moves)
    rows = [move(page, out, c, k) for c, k in steps]
    results["rows"][label] = rows
    _print_row(label, rows)
    if n == "stft":  # back and forth over the last two settings: from the cache
        c, k = steps[-1]
        back = {"ArrowRight": "ArrowLeft", "ArrowLeft": "ArrowRight"}[k]
        rows = [move(page, out, c, back if i % 2 == 0 else k) for i in range(args.moves)]
        results["rows"][label.replace("stft", "stft cached")] = rows
        _print_row(label.replace("stft", "stft cached"), rows)
    if n == "db":  # amin back to its smallest value (not measured), so top_db shows again
        move(page, out, 2, "Home")
    if not args.no_held and kind != "ipympl":
        c, k, _ = held_plan(out, n)
        r = move(page, out, c, k, count=10, interval_s=0.033)
        results["rows"][label.replace(n, f"{n} held")] = [r]
        if "latency" in r:
            print(f"  {label} held key x10: {r['latency']:.0f} ms after the last press, "
                  f"{r['n_figs']} figures painted", flush=True)
    if not args.no_naive and kind == "inline":
        out_n = cell_output(page, cell_index(nb_path, f"naive-{n}"))
        out_n.scroll_into_view_if_needed()
        c, k = NAIVE_PLAN[n]
        rows = [move(page, out_n, c, k) for _ in range(args.naive_moves)]
        results["rows"][f"{n} naive"] = rows
        _print_row(f"{n} naive", rows)
    if not args.no_keyboard and kind != "baseline":
        probs = keyboard_check(page, out, label)
        results["keyboard"][label] = probs
        print("  keyboard: " + ("OK" if not probs else "; ".join(probs)), flush=True)
        if not args.no_naive and kind == "inline":  # for information: not our controls
            results["naive_keyboard"][n] = keyboard_check(page, out_n, f"{n} naive")


def _print_row(label, rows):
    s = summarise(rows)
    noop = sum(1 for r in rows if r.get("noop"))
    print(f"  {label:<18} p50 {s['p50']:7.0f}  p95 {s['p95']:7.0f}  max {s['max']:7.0f} ms  "
          f"figures/move {s['figs']:.1f}  timeouts {s['timeouts']}  "
          f"load {os.getloadavg()[0]:.1f}"
          + (f"  (no change: {noop} keys at the end of a range)" if noop else ""), flush=True)


def _report(results, names) -> bool:
    rows = results["rows"]
    c = results["conditions"]
    print()
    print(f"conditions: {c['cpus']} CPUs, load average before {c['load_before'][0]:.2f}, after "
          f"{c['load_after'][0]:.2f}; viewport {c['viewport']['width']} px; output area "
          f"{c.get('output_area_px', 0):.0f} px, figure shown {c.get('figure_css_px', 0):.0f} px;"
          f" {c['moves']} moves per row")
    head = (f"{'row':<24}{'p50':>6}{'p95':>6}{'max':>6} {'send':>5}{'kern':>5}{'fig in':>7}"
            f"{'KB':>5}{'paint':>6}{'figs':>5} {'naive/ours':>10} {'base/ours':>9}  target")
    print(head)
    print("-" * len(head))
    ok = True
    base_rows = {k.split(" [")[0]: v for k, v in rows.items() if " [" in k}
    for label, rs in rows.items():
        s = summarise(rs)
        m = s["median_move"]
        naive = rows.get(f"{label} naive")
        ratio = f"{summarise(naive)['p50'] / s['p50']:.1f}x" if naive and s["p50"] > 0 else ""
        before = base_rows.get(label) if " [" not in label else None
        bratio = f"{summarise(before)['p50'] / s['p50']:.1f}x" if before and s["p50"] > 0 else ""
        target = ""
        if not any(w in label for w in ("naive", "held", "[")):
            good = s["p95"] <= TARGET_P95_MS and not s["timeouts"]
            target = "OK" if good else f"MISS (p95 > {TARGET_P95_MS:.0f} ms)"
            ok &= good
        kb = (m.get("fig_bytes") or m.get("fig_msg_bytes") or 0) / 1024

        def f(x):
            return f"{x:.0f}" if isinstance(x, (int, float)) else "-"

        extra = f"  ({rs[0].get('n_keys', 0)} keys)" if "held" in label else ""
        print(f"{label:<24}{s['p50']:6.0f}{s['p95']:6.0f}{s['max']:6.0f} {f(m.get('sent')):>5}"
              f"{f(m.get('kernel_busy_ms')):>5}{f(m.get('fig_arrived')):>7}{kb:5.0f}"
              f"{f(m.get('decode_paint_ms')):>6}{s['figs']:5.1f} {ratio:>10} {bratio:>9}  "
              f"{target}{extra}")
    print("ms from the key press (median move): send = the control's message leaves the page, "
          "kern = kernel busy,\nfig in = figure bytes arrive, KB = figure size, paint = decode + "
          "paint of the figure, figs = figures painted per move.\n'held' rows: 10 presses at "
          "33 ms, latency from the LAST press; figs < 10 = intermediate values skipped.")
    kernels = results.get("kernel", {})
    if any(kernels.values()):
        print("\nkernel side, median per redraw (helpers.widgets Explorer.timings; cpu = CPU time "
              "of the kernel thread, less dependent on other load than wall time):")
    for kind, kern in kernels.items():
        for name, ts in (kern or {}).items():
            if ts:
                med = {k: statistics.median(t[k] for t in ts) for k in ts[0]}
                print(f"  {name[3:] + ('' if kind == 'inline' else f' [{kind}]'):<20} compute "
                      f"{med['compute_ms']:5.1f}  draw {med['draw_ms']:4.1f}  png "
                      f"{med['png_ms']:5.1f} ms (wall)  | cpu "
                      f"{med.get('cpu_ms', float('nan')):5.1f} ms  | png "
                      f"{med['png_bytes'] / 1024:.0f} KB  ({len(ts)} redraws)")
    for label, probs in results.get("keyboard", {}).items():
        if probs:
            ok = False
            print(f"keyboard {label}: " + "; ".join(probs))
    for label, probs in results.get("naive_keyboard", {}).items():
        if probs:
            print(f"(naive {label}, for comparison: " + "; ".join(probs) + ")")
    if results.get("keyboard") and not any(results["keyboard"].values()):
        print("keyboard: every control changes with the arrow keys and keeps the active cell")
    return ok


if __name__ == "__main__":
    sys.exit(main())
