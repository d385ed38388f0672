"""Input devices that refuse 16 kHz, through real PortAudio and ALSA: MicrophoneSource opens them at their own rate
and resamples every block to 16 kHz.

The "microphones" are ALSA ``file`` devices (reading a raw file or a FIFO) configured in a temporary $HOME. Put behind
a ``plug`` whose slave rate is fixed and whose rate converter does not exist, such a device accepts only that rate:
PortAudio's format check and stream opening both fail at 16 kHz, as with a headset that only does 48 kHz. The
recording played at 48 kHz is the test clip upsampled, plus a loud 12 kHz tone that only a proper low-pass
resampler removes (plain decimation folds it onto 4 kHz). Recording runs in a subprocess because PortAudio reads
the ALSA configuration once per process. Needs libportaudio2 (and ALSA); skipped where PortAudio is missing.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import soxr
from live_support import FAST, ROOT, clip_int16, environment, feed_fifo_and_hang, run_notulist, session_samples

from notulist.audio.capture import FALLBACK_RATES, SAMPLE_RATE, InputDevice, candidate_rates
from notulist.cli.flags import in_flags
from notulist.cli.live_view import LiveView

try:
    import sounddevice  # noqa: F401

    HAVE_PORTAUDIO = sys.platform.startswith("linux")
except (ImportError, OSError):
    HAVE_PORTAUDIO = False

needs_portaudio = pytest.mark.skipif(not HAVE_PORTAUDIO, reason="PortAudio (libportaudio2) and ALSA are not available")

RECORDER = """
import json, queue, sys, time
import numpy as np
from notulist.audio.capture import CaptureError, MicrophoneSource, resolve_device

device, max_s, rates, mode, out = sys.argv[1:6]
source = MicrophoneSource(
    resolve_device(device),
    max_s=float(max_s) if max_s else None,
    rates=tuple(int(rate) for rate in rates.split(",")) if rates else None,
)
blocks = queue.Queue()
try:
    source.start(blocks)
except CaptureError as exc:
    json.dump({"error": str(exc)}, open(out + ".json", "w"))
    sys.exit(0)
if mode == "first":  # stop as soon as audio arrives (the device delivers faster than real time)
    items = [blocks.get(timeout=30)]
    source.stop()
elif mode == "silent":  # stop once the device has gone quiet
    items, last = [], -1
    while source.device_frames != last:
        last = source.device_frames
        time.sleep(0.5)
    source.stop()
else:
    items = []
while not items or isinstance(items[-1], np.ndarray):
    items.append(blocks.get(timeout=30))
audio = [item for item in items if isinstance(item, np.ndarray)]
np.save(out + ".npy", np.concatenate(audio) if audio else np.zeros(0, np.int16))
json.dump(
    {
        "capture_rate": source.capture_rate,
        "frames": source.frames,
        "device_frames": source.device_frames,
        "blocks": [len(block) for block in audio],
        "end": type(items[-1]).__name__,
    },
    open(out + ".json", "w"),
)
"""


@dataclass(frozen=True)
class Recorded:
    audio: np.ndarray
    capture_rate: int
    frames: int
    device_frames: int
    blocks: list[int]
    end: str


def device_config(name: str, infile: Path, rate: int | None) -> str:
    """An ALSA capture device reading raw s16le mono from ``infile``; with ``rate``, it accepts only that rate."""
    raw = (
        f'pcm.{name}_raw {{\n  type file\n  slave.pcm "null"\n  file "/dev/null"\n  infile "{infile}"\n'
        '  format "raw"\n}\n'
    )
    if rate is None:
        return raw.replace(f"pcm.{name}_raw", f"pcm.{name}")
    return raw + (
        f'pcm.{name} {{\n  type plug\n  slave {{ pcm "{name}_raw" rate {rate} }}\n  rate_converter "unavailable"\n'
        f'  hint {{ show on description "{rate} Hz only (test)" }}\n}}\n'
    )


def make_home(tmp_path: Path, *devices: tuple[str, Path, int | None]) -> Path:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    (home / ".asoundrc").write_text("".join(device_config(*device) for device in devices))
    return home


def record(home: Path, device: str, out: Path, max_s: float | None = None, rates=(), mode: str = "max"):
    done = subprocess.run(
        [sys.executable, "-c", RECORDER, device, "" if max_s is None else repr(max_s), ",".join(map(str, rates)), mode]
        + [str(out)],
        cwd=ROOT,
        env=environment(home),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    facts = json.loads(Path(f"{out}.json").read_text())
    if "error" in facts:
        return facts["error"]
    return Recorded(audio=np.load(f"{out}.npy"), **facts)


def recording_at(rate: int) -> np.ndarray:
    """The test clip at ``rate`` with a 12 kHz tone on top (inaudible after a correct resampling to 16 kHz)."""
    speech = soxr.resample(clip_int16().astype(np.float32) / 32768, SAMPLE_RATE, rate)
    tone = 0.2 * np.sin(2 * np.pi * 12_000 * np.arange(len(speech)) / rate)
    return (np.clip(speech + tone, -1.0, 32767 / 32768) * 32768).astype("<i2")


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    n = min(len(a), len(b))
    return float(np.corrcoef(a[:n].astype(np.float64), b[:n].astype(np.float64))[0, 1])


# ---------------------------------------------------------------------------------------------- without PortAudio


def test_rates_are_tried_best_first_without_repeats() -> None:
    def device(rate: float) -> InputDevice:
        return InputDevice(0, "mic", 1, rate, "ALSA", True)

    assert FALLBACK_RATES == (48_000, 44_100)
    assert candidate_rates(device(44_100.0)) == (16_000, 44_100, 48_000)
    assert candidate_rates(device(96_000.0)) == (16_000, 96_000, 48_000, 44_100)
    assert candidate_rates(device(16_000.0)) == (16_000, 48_000, 44_100)
    assert candidate_rates(device(0.0)) == (16_000, 48_000, 44_100)


def test_start_line_names_a_resampled_capture_rate() -> None:
    out = io.StringIO()
    view = LiveView(out, tty=False)
    view.started("USB headset", "sessions/x.live", True, 48_000)
    view.started("mic", "sessions/y.live", False, 16_000)
    view.started("file.wav", "sessions/z.live", False)
    assert out.getvalue().splitlines() == [
        "recording from USB headset (at 48 kHz, resampled to 16 kHz) into sessions/x.live (Ctrl+C or q to finish)",
        "recording from mic into sessions/y.live (Ctrl+C to finish)",
        "recording from file.wav into sessions/z.live (Ctrl+C to finish)",
    ]
    LiveView(out, tty=False).started("mic", "r", True, 44_100)
    assert "(at 44.1 kHz, resampled to 16 kHz)" in out.getvalue()


# ------------------------------------------------------------------------------------------ through real PortAudio


@needs_portaudio
@pytest.mark.slow
def test_48_khz_only_device_is_recorded_and_resampled_to_16_khz(tmp_path: Path) -> None:
    played = recording_at(48_000)
    played.tofile(tmp_path / "mic48.raw")
    home = make_home(tmp_path, ("cap48", tmp_path / "mic48.raw", 48_000))
    duration_s = len(played) / 48_000

    got = record(home, "cap48", tmp_path / "rec", max_s=duration_s)
    assert got.capture_rate == 48_000 and got.end == "SourceEnded"
    assert got.frames == len(got.audio) == round(duration_s * SAMPLE_RATE)  # max_s counts 16 kHz frames, exactly
    assert max(got.blocks) <= 2 * 1_600  # 0.1 s blocks, give or take the resampler's chunking
    expected = soxr.resample(played, 48_000, SAMPLE_RATE)
    assert correlation(got.audio, expected) > 0.99
    assert correlation(got.audio, clip_int16()) > 0.99  # the 12 kHz tone is gone, not folded onto 4 kHz
    assert correlation(played[::3], clip_int16()) < 0.9  # (which is what plain decimation would leave)

    # The same device without a --duration: stopped by the user, the resampler's tail is kept.
    stopped = record(home, "cap48", tmp_path / "stopped", mode="first")
    assert stopped.end == "SourceEnded" and stopped.frames == len(stopped.audio)
    assert abs(len(stopped.audio) - stopped.device_frames / 3) <= 1
    n = min(len(stopped.audio), len(expected)) - 300  # (past the recording the device delivers silence)
    assert correlation(stopped.audio[:n], expected[:n]) > 0.99


@needs_portaudio
@pytest.mark.slow
def test_a_44_1_khz_device_is_opened_at_its_default_rate(tmp_path: Path) -> None:
    played = recording_at(44_100)
    played.tofile(tmp_path / "mic44.raw")
    home = make_home(tmp_path, ("cap44", tmp_path / "mic44.raw", 44_100))
    got = record(home, "cap44", tmp_path / "rec", max_s=3.0)
    assert got.capture_rate == 44_100 and got.frames == len(got.audio) == 48_000
    assert correlation(got.audio, clip_int16()[:48_000]) > 0.99


@needs_portaudio
@pytest.mark.slow
def test_16_khz_device_is_recorded_as_before_bit_exact(tmp_path: Path) -> None:
    samples = clip_int16()
    samples.astype("<i2").tofile(tmp_path / "mic16.raw")
    home = make_home(tmp_path, ("filecap", tmp_path / "mic16.raw", None))
    got = record(home, "filecap", tmp_path / "rec", max_s=len(samples) / SAMPLE_RATE)
    assert got.capture_rate == 16_000 and got.end == "SourceEnded"
    assert np.array_equal(got.audio, samples)
    assert got.device_frames >= len(samples) and got.blocks[:-1] == [1_600] * (len(got.blocks) - 1)


@needs_portaudio
@pytest.mark.slow
def test_no_usable_rate_is_a_clear_error(tmp_path: Path) -> None:
    recording_at(48_000).tofile(tmp_path / "mic48.raw")
    home = make_home(tmp_path, ("cap48", tmp_path / "mic48.raw", 48_000))
    message = in_flags(record(home, "cap48", tmp_path / "rec", max_s=1.0, rates=(16_000, 44_100)))
    assert isinstance(message, str) and "\n" not in message
    assert "'cap48'" in message and "16000, 44100 Hz" in message
    assert "--input-device" in message and "--list-devices" in message


@needs_portaudio
@pytest.mark.slow
def test_device_that_goes_quiet_keeps_the_resampled_tail(tmp_path: Path) -> None:
    """A 48 kHz-only microphone that delivers 3 s and then hangs: stopping it still yields all 3 s at 16 kHz."""
    fifo = tmp_path / "mic.fifo"
    os.mkfifo(fifo)
    played = recording_at(48_000)[: 3 * 48_000]
    played.tofile(tmp_path / "speech.raw")
    home = make_home(tmp_path, ("fifo48", fifo, 48_000))
    feeder = feed_fifo_and_hang(fifo, tmp_path / "speech.raw")
    try:
        started = time.monotonic()
        got = record(home, "fifo48", tmp_path / "rec", mode="silent")
        assert time.monotonic() - started < 60
    finally:
        feeder.kill()
        feeder.wait()
    assert got.capture_rate == 48_000 and got.device_frames == len(played) and got.end == "SourceEnded"
    assert len(got.audio) == got.frames == len(played) // 3  # nothing held back in the resampler
    assert correlation(got.audio, soxr.resample(played, 48_000, SAMPLE_RATE)) > 0.99


@needs_portaudio
@pytest.mark.slow
def test_live_records_from_a_48_khz_only_device(tmp_path: Path) -> None:
    played = recording_at(48_000)
    played.tofile(tmp_path / "mic48.raw")
    home = make_home(tmp_path, ("cap48", tmp_path / "mic48.raw", 48_000))
    sessions = tmp_path / "sessions"
    done = run_notulist(
        "live", "--input-device", "cap48", "--duration", "3", "--sessions-dir", str(sessions), *FAST, home=home
    )
    assert done.returncode == 0, done.stderr
    assert "recording from cap48 (at 48 kHz, resampled to 16 kHz) into" in done.stdout
    archived = session_samples(Path(done.stdout.strip().splitlines()[-1]))
    assert len(archived) == 3 * SAMPLE_RATE
    assert correlation(archived, soxr.resample(played, 48_000, SAMPLE_RATE)) > 0.99
