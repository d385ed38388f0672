"""What the live-mode tests share: the replayed clip and its reference, a `notulist` run in a subprocess that
fails on any network access, and WER against the clip's reference."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import jiwer
import numpy as np

from notulist.audio.decode import load_for_recognition
from notulist.core.text import comparable
from notulist.recognition.whisper_model import cache_dir

ROOT = Path(__file__).resolve().parents[1]
CLIP = ROOT / "tests" / "data" / "live_fiod_10s.wav"
REFERENCE = (ROOT / "tests" / "data" / "live_fiod_10s.ref.txt").read_text(encoding="utf-8")
FAST = ["--no-diarize", "--no-summary", "--format", "none"]
GUARD = (
    "import socket, sys\n"
    "def refuse(*a, **k): raise OSError('network access attempted in a test')\n"
    "socket.socket.connect = refuse; socket.create_connection = refuse; socket.getaddrinfo = refuse\n"
    "from notulist.cli.main import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def notulist_command(*args: str) -> list[str]:
    return [sys.executable, "-c", GUARD, *args]


def environment(home: Path | None = None) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NOTULIST_CACHE_DIR": str(cache_dir()), "HF_HUB_OFFLINE": "1"}
    if home is not None:
        env["HOME"] = str(home)
    return env


def run_notulist(*args: str, home: Path | None = None, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run(
        notulist_command(*args), cwd=ROOT, env=environment(home), capture_output=True, text=True, timeout=timeout
    )


def clip_int16() -> np.ndarray:
    return (np.clip(load_for_recognition(CLIP), -1.0, 32767 / 32768) * 32768).astype(np.int16)


def session_samples(session: Path) -> np.ndarray:
    import soundfile

    samples, rate = soundfile.read(session / "audio.flac", dtype="int16")
    assert rate == 16_000
    return samples


normal = comparable


def wer(text: str) -> float:
    return jiwer.wer(normal(REFERENCE), normal(text))


def feed_fifo_and_hang(fifo: Path, raw: Path) -> subprocess.Popen:
    """A "microphone" behind an ALSA file device: writes ``raw`` into ``fifo`` once, then stays silent without
    closing it (as an unplugged USB device does). Returns once everything is written; kill it when done."""
    feeder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            # O_RDWR: opening never blocks and readers coming and going (device enumeration) cannot break it
            "import fcntl, os, sys, time\nfd = os.open(sys.argv[1], os.O_RDWR)\n"
            "fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)\n"
            "os.write(fd, open(sys.argv[2], 'rb').read())\nprint('fed', flush=True)\ntime.sleep(600)\n",
            str(fifo),
            str(raw),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert feeder.stdout is not None and feeder.stdout.readline().strip() == "fed"
    return feeder
