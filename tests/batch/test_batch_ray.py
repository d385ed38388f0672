"""`notulist batch` on a local Ray instance with 2 workers: the same results as in this process, a worker killed
mid-file (retried once, then reported), nothing half-made left, and Ray listening on loopback only."""

from __future__ import annotations

import json
import os
import signal
import tempfile
import threading
from pathlib import Path

import pytest
from batch_support import FAST, assert_clean_sessions_folder, by_input, make_recordings, transcribe

from notulist.batch import find_recordings, run_batch
from notulist.batch.model import DONE, FAILED
from notulist.batch.ray_backend import RayBackend
from notulist.batch.ray_worker import WORKDIR_PREFIX
from notulist.batch.resume import DoneSessions, options_fingerprint
from notulist.cli.main import build_parser, main
from notulist.cli.pipeline_args import options_from_args

pytestmark = pytest.mark.slow

LOOPBACK_HEX = {"0100007F", "0000000000000000FFFF00000100007F", "00000000000000000000000001000000"}


def test_batch_on_two_ray_workers(tmp_path, capsys):
    paths = make_recordings(tmp_path / "in")
    sessions = tmp_path / "sessions"
    done_before = transcribe(paths["wav"], sessions)
    capsys.readouterr()
    report = tmp_path / "report.json"
    workdirs_before = set(Path(tempfile.gettempdir()).glob(f"{WORKDIR_PREFIX}*"))
    inputs = [str(paths["wav"]), str(paths["ogg"]), str(tmp_path / "in" / "sub"), str(paths["corrupt"])]
    argv = ["batch", *inputs, "--workers", "2", "--sessions-dir", str(sessions), "--report", str(report), *FAST]
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 1, err

    data = json.loads(report.read_text())
    assert data["execution"] == {"backend": "ray-local", "workers": 2, "threads_per_worker": 1, "gpus_per_worker": 0}
    entries = by_input(data)
    assert entries["live_fiod_10s.wav"]["status"] == "skipped"
    assert entries["live_fiod_10s.wav"]["session"] == str(done_before)
    assert entries["kapot.flac"]["status"] == "failed"
    assert entries["kapot.flac"]["error"].startswith(str(paths["corrupt"]))  # the user's path, not the worker's copy
    assert {entries[n]["status"] for n in ("overleg_12s.ogg", "interview_25s.flac")} == {"done"}
    assert {entries[n]["worker"] for n in ("overleg_12s.ogg", "interview_25s.flac")} <= {"worker 1", "worker 2"}
    found = assert_clean_sessions_folder(sessions)
    assert len(found) == 3
    made = [s for s in found if s.path != done_before]
    assert {s.manifest["audio"]["source_name"] for s in made} == {"overleg_12s.ogg", "interview_25s.flac"}
    assert all(s.manifest["models"]["asr"]["compute_type"] == "int8" and s.transcript().segments for s in made)
    assert "2 transcribed, 1 skipped (already done), 1 failed" in out
    assert set(Path(tempfile.gettempdir()).glob(f"{WORKDIR_PREFIX}*")) <= workdirs_before  # workers' copies gone


def test_a_killed_worker_is_replaced_and_its_recording_retried_once_then_reported(tmp_path):
    paths = make_recordings(tmp_path / "in")
    sessions = tmp_path / "sessions"
    options = options_from_args(build_parser().parse_args(["batch", "x", *FAST]))
    recordings, _ = find_recordings([paths["flac"], paths["ogg"]])
    backend = RayBackend.start(options, sessions, workers=2, address=None)
    events, listeners, killed = [], [], set()

    def kill_mid_file(event):
        events.append(event)
        if event.kind != "started":
            return
        if not listeners:
            listeners.extend(_listening_addresses_of_children())
        # the FLAC dies once (then succeeds), the OGG dies on both attempts (then is reported)
        if event.recording.path == paths["ogg"] or event.attempt == 1:
            killed.add(event.worker.pid)
            threading.Timer(1.5, os.kill, (event.worker.pid, signal.SIGKILL)).start()

    done = DoneSessions.scan(sessions, options_fingerprint(options))
    result = run_batch(recordings, backend, done, kill_mid_file)

    flac, ogg = result.outcomes
    assert flac.status == DONE and flac.attempts == 2
    assert ogg.status == FAILED and ogg.attempts == 2 and "worker stopped" in ogg.error
    retried = sorted(e.recording.path.name for e in events if e.kind == "retry")  # the OGG's second death: reported
    assert retried == ["interview_25s.flac", "overleg_12s.ogg"]
    (session,) = assert_clean_sessions_folder(sessions)
    assert session.path == flac.session and session.manifest["audio"]["source_name"] == "interview_25s.flac"
    assert len(killed) == 3 and len({e.worker.pid for e in events if e.kind == "started"}) == 4
    for pid in killed:
        assert not list(Path(tempfile.gettempdir()).glob(f"{WORKDIR_PREFIX}{pid}-*"))
    assert listeners and all(address in LOOPBACK_HEX for address in listeners), listeners


def _listening_addresses_of_children() -> list[str]:
    """The local addresses (hex, as in /proc/net/tcp) of every TCP socket that a process started by this one
    (Ray's GCS, raylet, workers) listens on."""
    children = _descendants(os.getpid())
    inodes = set()
    for pid in children:
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        except OSError:
            continue
    addresses = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # LISTEN
                addresses.append(fields[1].split(":")[0])
    return addresses


def _descendants(root: int) -> set[int]:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found
