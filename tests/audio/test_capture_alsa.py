"""The real PortAudio path without a microphone: ALSA ``file`` devices configured in a temporary $HOME.

A device reading a raw 16 kHz mono s16le file stands in for a microphone (it delivers faster than real time, so the
recording is stopped with --duration); a device reading a FIFO that stops being written stands in for a microphone
that is unplugged. Needs the system package libportaudio2 (and ALSA); skipped where PortAudio is missing.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import jiwer
import numpy as np
import pytest
from live_support import (
    FAST,
    GUARD,
    REFERENCE,
    ROOT,
    clip_int16,
    environment,
    feed_fifo_and_hang,
    normal,
    run_notulist,
    session_samples,
)

try:
    import sounddevice  # noqa: F401

    HAVE_PORTAUDIO = sys.platform.startswith("linux")
except (ImportError, OSError):
    HAVE_PORTAUDIO = False

pytestmark = [
    pytest.mark.slow,  # each test records through PortAudio in a subprocess
    pytest.mark.skipif(not HAVE_PORTAUDIO, reason="PortAudio (libportaudio2) and ALSA are not available"),
]


def asoundrc(home: Path, name: str, infile: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / ".asoundrc").write_text(
        f'pcm.{name} {{\n    type file\n    slave.pcm "null"\n    file "/dev/null"\n    infile "{infile}"\n'
        f'    format "raw"\n    hint {{ show on description "Capture from raw file (test)" }}\n}}\n'
    )


def test_records_a_known_file_through_portaudio(tmp_path: Path) -> None:
    raw = tmp_path / "input_16k_mono_s16le.raw"
    samples = clip_int16()
    samples.astype("<i2").tofile(raw)
    home = tmp_path / "home"
    asoundrc(home, "filecap", raw)

    listed = run_notulist("live", "--list-devices", home=home)
    assert listed.returncode == 0, listed.stderr
    assert re.search(r"^\*?\s*\d+\s+filecap\s+\(ALSA", listed.stdout, flags=re.MULTILINE), listed.stdout

    sessions = tmp_path / "sessions"
    duration = f"{len(samples) / 16_000:.4f}"
    done = run_notulist(
        "live", "--input-device", "filecap", "--duration", duration, "--sessions-dir", str(sessions), *FAST, home=home
    )
    assert done.returncode == 0, done.stderr
    assert "recording from filecap" in done.stdout
    session = Path(done.stdout.strip().splitlines()[-1])
    assert np.array_equal(session_samples(session), samples)  # bit-exact through PortAudio and the archive
    live_text = " ".join(re.findall(r"^\[\d\d:\d\d:\d\d\] s\d{4}  (.*)$", done.stdout, flags=re.MULTILINE))
    assert jiwer.wer(normal(REFERENCE), normal(live_text)) < 0.5, live_text
    transcript = json.loads((session / "transcript.json").read_text(encoding="utf-8"))
    final_text = " ".join(s["text"] for s in transcript["segments"])
    assert jiwer.wer(normal(REFERENCE), normal(final_text)) < 0.4, final_text
    assert not list(sessions.glob("*.live"))


def test_device_that_stops_delivering_keeps_what_was_captured(tmp_path: Path) -> None:
    fifo = tmp_path / "mic.fifo"
    os.mkfifo(fifo)
    home = tmp_path / "home"
    asoundrc(home, "fifocap", fifo)
    captured_s = 4.0
    samples = clip_int16()[: int(captured_s * 16_000)]
    samples.astype("<i2").tofile(tmp_path / "speech.raw")
    # The "microphone": delivers 4 s, then goes silent without closing (as an unplugged USB device does).
    feeder = feed_fifo_and_hang(fifo, tmp_path / "speech.raw")
    try:
        sessions = tmp_path / "sessions"
        started = time.monotonic()
        done = run_notulist("live", "--input-device", "fifocap", "--sessions-dir", str(sessions), *FAST, home=home)
        assert time.monotonic() - started < 600
    finally:
        feeder.kill()
        feeder.wait()
    assert done.returncode == 2, done.stdout + done.stderr
    assert "delivered no audio" in done.stderr and "what was captured is kept" in done.stderr
    session = Path(done.stdout.strip().splitlines()[-1])
    assert np.array_equal(session_samples(session), samples)


def test_no_input_device_is_a_clear_error(tmp_path: Path) -> None:
    home = tmp_path / "empty-home"
    home.mkdir()
    (home / ".asoundrc").write_text("# no devices\n")
    done = run_notulist("live", "--sessions-dir", str(tmp_path / "s"), home=home)
    if "no audio input device found" not in done.stderr and done.returncode == 0:
        pytest.skip("this machine has a real input device")
    assert done.returncode == 2
    assert "no audio input device found" in done.stderr and "--input FILE" in done.stderr
    listed = run_notulist("live", "--list-devices", home=home)
    assert listed.returncode == 1 and "no audio input devices found" in listed.stderr
    unknown = run_notulist("live", "--input-device", "Blue Yeti", "--sessions-dir", str(tmp_path / "s"), home=home)
    assert unknown.returncode == 2 and "no audio input device found" in unknown.stderr


def test_missing_portaudio_names_the_package_to_install(tmp_path: Path) -> None:
    """As on a machine without libportaudio2: the library lookup finds nothing."""
    code = (
        "import ctypes.util, sys\n"
        "real = ctypes.util.find_library\n"
        "ctypes.util.find_library = lambda name: None if 'portaudio' in name else real(name)\n" + GUARD
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "live", "--list-devices"],
        cwd=ROOT,
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2
    assert "libportaudio2" in done.stderr and "Traceback" not in done.stderr
