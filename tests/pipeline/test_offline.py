"""Nothing leaves the machine: a whole default run, traced with ``strace``, connects to nothing but local sockets.

The socket-blocking fixture in conftest.py cannot see native code (onnxruntime sends its telemetry from C++), so
these tests watch the ``connect`` system calls of the process and all its threads and children instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA

from notulist.core.offline import OFFLINE_ENVIRONMENT

NOTULIST = Path(sys.executable).with_name("notulist")
CONNECT = re.compile(r"connect\(\d+, \{sa_family=(?P<family>AF_\w+)(?P<rest>.*)")
LOCAL_FAMILIES = {"AF_UNIX", "AF_LOCAL", "AF_NETLINK"}
LOOPBACK = re.compile(r'inet_addr\("127\.|inet_pton\(AF_INET6, "::1"|inet_pton\(AF_INET6, "::ffff:127\.')
# A name look-up is the first step of any connection out, even when it goes through a local resolver
# (systemd-resolved on 127.0.0.53, nscd or resolved's socket): notulist has no name to look up.
NAME_LOOKUP = re.compile(r"htons\(53\)|/nscd/socket|/systemd/resolve/")


def _strace() -> str:
    found = shutil.which("strace")
    if found is None:
        if os.environ.get("NOTULIST_REQUIRE_BROWSER") == "1":  # CI: this check must run, not skip
            pytest.fail("strace is not installed: run scripts/setup.sh --test as root")
        pytest.skip("strace is not installed (scripts/setup.sh --test installs it)")
    return found


def outside_connections(trace: str) -> list[str]:
    """Every traced connect() to anything but a local socket or the loopback address, and every name look-up."""
    outside = []
    for line in trace.splitlines():
        match = CONNECT.search(line)
        if not match:
            continue
        local = match["family"] in LOCAL_FAMILIES or LOOPBACK.search(match["rest"])
        if not local or NAME_LOOKUP.search(match["rest"]):
            outside.append(line.strip())
    return outside


def traced_run(command: list[str], tmp_path: Path, env: dict[str, str]) -> tuple[subprocess.CompletedProcess, str]:
    log = tmp_path / "connect.trace"
    result = subprocess.run(
        [_strace(), "-f", "-qq", "-e", "trace=connect", "-o", str(log), *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return result, log.read_text()


def _environment_without_overrides() -> dict[str, str]:
    """The environment with none of the switches set: notulist itself must set them."""
    return {k: v for k, v in os.environ.items() if k not in OFFLINE_ENVIRONMENT}


def test_importing_notulist_switches_telemetry_off():
    import notulist  # noqa: F401  (conftest imports it already; the switches are set at import)

    assert os.environ["ORT_DISABLE_TELEMETRY"] == "1"
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert os.environ["PYANNOTE_METRICS_ENABLED"] == "0"
    assert os.environ["RAY_USAGE_STATS_ENABLED"] == "0"


@pytest.mark.slow
def test_the_trace_sees_a_native_connection(tmp_path):
    """The check itself works: a native connect() to a documentation address and a DNS query to a local resolver
    are reported (UDP: nothing is sent), a loopback connection is not."""
    udp = "import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.connect"
    script = f"{udp}(('127.0.0.1', 8000)); {udp}(('127.0.0.53', 53)); {udp}(('192.0.2.1', 443))"
    result, trace = traced_run([sys.executable, "-c", script], tmp_path, dict(os.environ))
    assert result.returncode == 0, result.stderr
    outside = outside_connections(trace)
    assert len(outside) == 2 and "127.0.0.53" in outside[0] and "192.0.2.1" in outside[1]


@pytest.mark.slow
def test_a_full_default_run_connects_nowhere(tmp_path):
    """``notulist transcribe`` with every default stage (VAD, Whisper, diarization, glossary, summary, reports) on
    25 s of speech: onnxruntime reported home about 10 s into such runs before its telemetry was switched off."""
    sessions = tmp_path / "sessions"
    command = [str(NOTULIST), "transcribe", str(DATA / "interview_25s.flac"), "--sessions-dir", str(sessions)]
    result, trace = traced_run(command, tmp_path, _environment_without_overrides())
    assert result.returncode == 0, result.stderr[-2000:]
    assert Path(result.stdout.strip().splitlines()[-1]).is_dir()
    assert outside_connections(trace) == []


@pytest.mark.slow
def test_live_mode_connects_nowhere(tmp_path):
    """``notulist live`` replaying 20 s of an interview: streaming recognition, then the final session."""
    import numpy as np
    import soundfile as sf

    clip, rate = sf.read(DATA / "live_fiod_10s.wav", dtype="int16")
    replay = tmp_path / "replay.wav"
    sf.write(replay, np.concatenate([clip, clip]), rate, subtype="PCM_16")
    sessions = tmp_path / "sessions"
    command = [str(NOTULIST), "live", "--input", str(replay), "--sessions-dir", str(sessions), "--no-diarize"]
    result, trace = traced_run(
        [*command, "--no-summary", "--format", "none"], tmp_path, _environment_without_overrides()
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert outside_connections(trace) == []


@pytest.mark.slow
def test_the_review_app_connects_nowhere(tmp_path, monkeypatch):
    """``notulist serve`` answering its pages and API (sessions, review page, audio, verification, an audited edit,
    a DOCX export): its process and threads connect to nothing but loopback."""
    from serve_support import start_server
    from test_corrections import make_session

    sessions = tmp_path / "sessions"
    session = make_session(sessions)
    log = tmp_path / "connect.trace"
    for name in OFFLINE_ENVIRONMENT:  # none of the switches set: notulist itself must set them
        monkeypatch.delenv(name, raising=False)
    server = start_server(sessions, prefix=(_strace(), "-f", "-qq", "-e", "trace=connect,bind", "-o", str(log)))
    try:
        sid = session.path.name
        for path in ("/", f"/s/{sid}", f"/s/{sid}/audio", f"/api/s/{sid}/verify", "/live"):
            status, _, _ = server.request("GET", path)
            assert status == 200, path
        segment = session.machine_transcript().segments[0]
        edit = {"version": len(session.events()), "action": "correct", "segment_id": segment.id}
        status, answer = server.edit(sid, {**edit, "text": segment.text + " (nagekeken)"})
        assert status == 200, answer
        headers = {"Origin": server.origin, "X-CSRF-Token": server.csrf(), "Content-Type": "application/json"}
        status, _, body = server.request("POST", f"/api/s/{sid}/export", '{"format": "docx"}', headers)
        assert status == 200, body
    finally:
        server.stop()
    trace = log.read_text()
    # the trace sees the server itself: its one listening socket, bound on loopback
    bound = r'bind\(\d+, \{sa_family=AF_INET, sin_port=htons\(\d+\), sin_addr=inet_addr\("127\.0\.0\.1"\)'
    assert re.search(bound, trace), trace
    assert outside_connections(trace) == []
