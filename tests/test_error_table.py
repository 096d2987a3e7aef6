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
    # issue 21's new messages are in the table, each naming the problem and the fix
    for needle in ("outside the 1,000 to 768,000 Hz", "more than the load budget of 1,024 MB",
                   "duration=", "AUDIO_COURSE_LOAD_BUDGET_MB", "`PermissionError`",
                   "permission denied (it is not corrupt)", "deleted or moved while",
                   "(a symlink loop)", "which does not exist", "not a regular file",
                   "OutOfRangeAudioWarning", "The requested part (0.000 to 5.000 s)",
                   "c/one_hz.wav: ", "loose.wav: ", "b/take_01.wav: ",
                   "a/take_02.wav (label 'a') = c/take_09.wav (label 'c')",
                   "label 'dog' (folder dog/)", "single label folder",
                   "out_dir '<tmp>/hot.wav' is a file", "choose one of 'boxcar', 'hann'",
                   "choose one of 256, 512", "n_mfcc=1 is not offered", "got a Figure",
                   "ax=axes[0]", "weights has 513 columns", "segment_s must be"):
        assert needle in out, needle
    assert "[Errno" not in out  # messages, not OSError's "[Errno 13] ...: 'path'" form
