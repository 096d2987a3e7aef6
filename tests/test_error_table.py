"""tools/error_table.py: every common mistake ends in a documented exception with a message."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_mistake_gets_a_documented_error(capsys):
    spec = importlib.util.spec_from_file_location("error_table", ROOT / "tools" / "error_table.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.main() == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    rows = [ln for ln in out.splitlines() if ln.startswith("| ") and "---" not in ln][1:]
    assert len(rows) >= 25
    for row in rows:
        message = row.rsplit("|", 2)[-2].strip()
        assert len(message) > 20, f"message too terse: {row}"
    # issue 12's new messages are in the table
    for needle in ("declares 44100 frames", "looks like (samples, channels)", "y.T",
                   "b/take_01.wav: ", 'pip install "audio-dl-course[dask]"',
                   "np.fft.fftfreq's order", "n_fft=2048 gives 1025", "all 520 values NaN",
                   "TruncatedAudioWarning", "is very small"):
        assert needle in out, needle
