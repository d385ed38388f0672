"""`notulist live` end to end with the real bundled model: replay, kill -9 in the middle, recover.

Each command runs in a subprocess (as a user runs it) with every network connection refused.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from live_support import (
    CLIP,
    FAST,
    ROOT,
    clip_int16,
    environment,
    normal,
    notulist_command,
    run_notulist,
    session_samples,
    wer,
)
from rapidfuzz import fuzz

from notulist.live.recording import LiveRecording, find_interrupted, read_captured

pytestmark = pytest.mark.slow  # each test runs `notulist live` in a subprocess


def test_replayed_interview_becomes_a_session_that_keeps_live_ids(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    # An earlier recording was interrupted: this run must say so and turn it into a session too.
    earlier = LiveRecording.create(sessions, "eerder", 16_000)
    earlier.append(clip_int16()[: 16_000 * 4])
    earlier.close()

    done = run_notulist("live", "--input", str(CLIP), "--sessions-dir", str(sessions), *FAST)
    assert done.returncode == 0, done.stderr
    assert "interrupted live recording" in done.stderr and earlier.path.name in done.stderr
    lines = done.stdout.strip().splitlines()
    session = Path(lines[-1])
    live = dict(re.findall(r"^\[\d\d:\d\d:\d\d\] (s\d{4})  (.*)$", done.stdout, flags=re.MULTILINE))
    assert list(live)[:2] == ["s0001", "s0002"], done.stdout
    assert wer(" ".join(live.values())) < 0.5  # the live text is about right

    # The archived audio is exactly what was replayed.
    assert np.array_equal(session_samples(session), clip_int16())
    transcript = json.loads((session / "transcript.json").read_text(encoding="utf-8"))
    segments = transcript["segments"]
    assert wer(" ".join(s["text"] for s in segments)) < 0.4
    assert [s["start"] for s in segments] == sorted(s["start"] for s in segments)
    ids = [s["id"] for s in segments]
    assert len(set(ids)) == len(ids)
    kept = [s for s in segments if s["id"] in live]
    assert kept, f"no final segment kept a live id: live {live}, final {ids}"
    for segment in kept:  # "where the text matches": at least 85 % similar
        assert fuzz.ratio(normal(segment["text"]), normal(live[segment["id"]])) >= 85
    highest_live = max(int(i[1:]) for i in live)
    assert all(int(i[1:]) > highest_live for i in ids if i not in live)
    assert transcript["provenance"]["live"]["ids_kept"] == len(kept)
    events = [json.loads(line)["event"] for line in (session / "audit.jsonl").read_text().splitlines()]
    assert events[-1] == "live_recording"

    # Both recordings are now sessions; no .live folder is left behind.
    assert find_interrupted(sessions) == []
    assert not list(sessions.glob("*.live"))
    recovered = [p for p in sessions.iterdir() if p.name.endswith("_eerder")]
    assert len(recovered) == 1
    assert np.array_equal(session_samples(recovered[0]), clip_int16()[: 16_000 * 4])
    verify = run_notulist("verify", str(session))
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_kill_9_in_the_middle_loses_at_most_the_last_second(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    child = subprocess.Popen(
        notulist_command(
            "live", "--input", str(CLIP), "--realtime", "--live-latency", "low", "--sessions-dir", str(sessions), *FAST
        ),
        cwd=ROOT,
        env=environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert child.stdout is not None
        first = child.stdout.readline()
        assert first.startswith("recording from"), first
        started = time.monotonic()
        time.sleep(6.0)
        elapsed = time.monotonic() - started
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    (live_dir,) = find_interrupted(sessions)
    captured = read_captured(live_dir)
    assert captured.duration_s >= elapsed - 1.0, (captured.duration_s, elapsed)
    assert captured.duration_s < elapsed + 1.0
    raw = np.fromfile(live_dir / "audio.s16le", dtype="<i2")[: captured.frames]
    assert np.array_equal(raw, clip_int16()[: captured.frames])

    done = run_notulist("recover", str(live_dir), *FAST)
    assert done.returncode == 0, done.stderr
    session = Path(done.stdout.strip().splitlines()[-1])
    assert np.array_equal(session_samples(session), raw)
    assert not live_dir.exists()
    transcript = json.loads((session / "transcript.json").read_text(encoding="utf-8"))
    assert transcript["segments"] and transcript["segments"][-1]["end"] <= captured.duration_s + 0.5
    events = [json.loads(line) for line in (session / "audit.jsonl").read_text().splitlines()]
    assert events[-1]["event"] == "live_recording_recovered"
    assert events[-1]["data"]["captured_s"] == pytest.approx(captured.duration_s, abs=0.001)

    again = run_notulist("recover", str(sessions), *FAST)
    assert again.returncode == 2 and "nothing to recover" in again.stderr


def test_clear_errors_for_bad_arguments(tmp_path: Path) -> None:
    done = run_notulist("live", "--realtime", "--sessions-dir", str(tmp_path))
    assert done.returncode == 2 and "--input FILE" in done.stderr
    done = run_notulist("live", "--live-latency", "instant", "--sessions-dir", str(tmp_path))
    assert done.returncode == 2 and "invalid choice" in done.stderr and "balanced" in done.stderr
    done = run_notulist("recover", str(tmp_path / "nowhere"))
    assert done.returncode == 2 and "does not exist" in done.stderr
