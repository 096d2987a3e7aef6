"""The shipped data matches data/MANIFEST.csv, and helpers.data finds and fetches clips."""

from __future__ import annotations

import csv
import hashlib
import http.server
import shutil
import threading
from pathlib import Path

import pytest
import soundfile as sf

from helpers import data

ROOT = Path(__file__).resolve().parent.parent
ROWS = list(csv.DictReader(open(ROOT / "data" / "MANIFEST.csv", encoding="utf-8")))
LICENCES = {"CC0-1.0", "CC-BY-4.0", "CC-BY-3.0", "public-domain", "MIT"}


def test_manifest_columns_and_licences():
    for row in ROWS:
        for field in ("file", "source", "author", "licence", "sha256", "sample_rate",
                      "duration_s", "channels"):
            assert row[field], f"{row['file']}: empty {field}"
        assert row["licence"] in LICENCES, row


@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_file_matches_manifest(row):
    f = ROOT / "data" / row["file"]
    assert f.is_file(), f"missing {f}"
    assert hashlib.sha256(f.read_bytes()).hexdigest() == row["sha256"]
    info = sf.info(f)
    assert info.samplerate == int(row["sample_rate"])
    assert info.channels == int(row["channels"])
    assert info.frames / info.samplerate == pytest.approx(float(row["duration_s"]), abs=1e-3)


def test_required_material_present():
    kinds = {}
    for row in ROWS:
        kinds.setdefault(row["kind"], []).append(row)
    music = [r for r in kinds["music"] if float(r["duration_s"]) >= 25]
    assert music, "need a ~30 s music excerpt"
    assert kinds["speech"], "need speech"
    synth = " ".join(r["file"] for r in kinds["synthetic"])
    for word in ("tone", "chord", "chirp", "clicks"):
        assert word in synth
    labels = {}
    for r in kinds["labelled"]:
        labels[r["label"]] = labels.get(r["label"], 0) + 1
        assert Path(r["file"]).parent.name == r["label"], "label/clip layout"
    assert len(labels) >= 3 and min(labels.values()) >= 10, labels


def test_data_folder_is_small():
    total = sum(f.stat().st_size for f in (ROOT / "data").rglob("*") if f.is_file())
    assert total < 15e6, f"data/ is {total / 1e6:.1f} MB; keep it under 15 MB"


def test_verify_clean_and_detects_tampering(tmp_path, monkeypatch):
    assert data.verify() == []
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy)
    monkeypatch.setenv("AUDIO_COURSE_DATA", str(copy))
    tone = copy / "synthetic" / "tone_440hz.wav"
    raw = bytearray(tone.read_bytes())
    raw[-10] ^= 0xFF
    tone.write_bytes(bytes(raw))
    (copy / "speech" / "digits_en.wav").unlink()
    sf.write(copy / "stray.wav", [0.0] * 100, 8000)
    problems = data.verify()
    assert any("tone_440hz.wav: sha256" in p for p in problems), problems
    assert any("digits_en.wav: missing" in p for p in problems), problems
    assert any("stray.wav: audio file not in MANIFEST" in p for p in problems), problems


def test_path_finds_clips_independent_of_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert data.path("blues").is_file()
    assert data.path("tone_440hz.wav").name == "tone_440hz.wav"
    assert data.path("instruments/piano/piano_00.flac").is_file()
    assert len(data.list_clips(kind="labelled")) >= 30
    assert all(p.parent.name == "flute" for p in data.list_clips(label="flute"))


def test_path_unknown_name_is_clear():
    with pytest.raises(FileNotFoundError, match="No shipped clip called 'bluez'"):
        data.path("bluez")
    with pytest.raises(ValueError, match="unknown kind"):
        data.list_clips(kind="jazz")


def test_missing_data_dir_message(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDIO_COURSE_DATA", str(tmp_path))
    monkeypatch.setattr(data, "__file__", str(tmp_path / "pkg" / "data.py"))
    with pytest.raises(FileNotFoundError, match="AUDIO_COURSE_DATA"):
        data.data_dir()


# --- optional downloads: pooch with sha256, offline fallback ------------------------------
@pytest.fixture
def local_server(tmp_path):
    """Serve tmp_path/www over HTTP on 127.0.0.1 (stands in for the download host)."""
    www = tmp_path / "www"
    www.mkdir()
    handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=str(www), **k)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield www, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_fetch_downloads_and_checks_hash(local_server, tmp_path, monkeypatch):
    www, base = local_server
    payload = (ROOT / "data" / "synthetic" / "clicks_4hz.wav").read_bytes()
    (www / "x.wav").write_bytes(payload)
    spec = dict(url=f"{base}/x.wav", sha256=hashlib.sha256(payload).hexdigest(),
                fallback="clicks", desc="test")
    monkeypatch.setitem(data.DOWNLOADS, "x", spec)
    monkeypatch.setenv("AUDIO_COURSE_CACHE", str(tmp_path / "cache"))
    got = data.fetch("x")
    assert got.parent == tmp_path / "cache" and got.read_bytes() == payload
    # a corrupted download (hash mismatch) is never returned
    bad = dict(spec, url=f"{base}/x.wav", sha256="0" * 64)
    monkeypatch.setitem(data.DOWNLOADS, "bad", bad)
    with pytest.warns(data.DownloadFallbackWarning):
        assert data.fetch("bad") == data.path("clicks")
    with pytest.raises(ConnectionError, match="Could not download 'bad'"):
        data.fetch("bad", fallback=False)


def test_fetch_offline_falls_back_with_message(monkeypatch, tmp_path):
    monkeypatch.setenv("AUDIO_COURSE_CACHE", str(tmp_path / "cache"))
    spec = dict(data.DOWNLOADS["trumpet"], url="http://127.0.0.1:9/unreachable.ogg")
    monkeypatch.setitem(data.DOWNLOADS, "trumpet", spec)
    with pytest.warns(data.DownloadFallbackWarning, match="works offline"):
        p = data.fetch("trumpet", timeout=2)
    assert p == data.path(spec["fallback"])
    with pytest.raises(ValueError, match="unknown download"):
        data.fetch("nothing")
