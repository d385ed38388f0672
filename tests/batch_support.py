"""Recordings and checks shared by the batch tests: short real recordings, a corrupt one, and the rules every
sessions folder must keep after a batch (no hidden leftovers, every session verifies)."""

from __future__ import annotations

import shutil
from pathlib import Path

import soundfile as sf
from conftest import DATA

from notulist.archive.session import Session
from notulist.cli.main import main

FAST = ["--no-diarize", "--no-summary", "--format", "none", "--device", "cpu"]


def make_recordings(folder: Path) -> dict[str, Path]:
    """Three short real recordings (WAV, OGG cut from a FLAC, FLAC in a sub-folder) and a corrupt file."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sub").mkdir(exist_ok=True)
    paths = {
        "wav": folder / "live_fiod_10s.wav",
        "ogg": folder / "overleg_12s.ogg",
        "flac": folder / "sub" / "interview_25s.flac",
        "corrupt": folder / "kapot.flac",
    }
    shutil.copy(DATA / "live_fiod_10s.wav", paths["wav"])
    audio, rate = sf.read(DATA / "diarize_overleg_36s.flac")
    sf.write(paths["ogg"], audio[: 12 * rate], rate, format="OGG", subtype="VORBIS")
    shutil.copy(DATA / "interview_25s.flac", paths["flac"])
    paths["corrupt"].write_bytes(b"fLaC" + bytes(range(256)) * 40)
    (folder / "notities.txt").write_text("not a recording")
    return paths


def transcribe(source: Path, sessions: Path) -> Path:
    assert main(["transcribe", str(source), "--sessions-dir", str(sessions), *FAST]) == 0
    (session,) = [p for p in sessions.iterdir() if not p.name.startswith(".")]
    return session


def assert_clean_sessions_folder(sessions: Path) -> list[Session]:
    """No hidden (half-made) folder is left, and every session verifies."""
    leftovers = [p.name for p in sessions.iterdir() if p.name.startswith(".")]
    assert leftovers == []
    found = [Session(p) for p in sorted(sessions.iterdir())]
    for session in found:
        assert session.problems() == [], session.path
    return found


def by_input(report: dict) -> dict[str, dict]:
    return {Path(entry["input"]).name: entry for entry in report["recordings"]}
