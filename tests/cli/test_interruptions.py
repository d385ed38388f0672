"""Interrupted runs lose nothing and leave nothing: SIGTERM and SIGHUP are handled like Ctrl+C, folders left by a
SIGKILL are tidied by the next run (a complete one moved into place), and the final rename never overwrites."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import DATA
from test_archive_hostile import make_session

from notulist.archive.session import AUDIO, NewSession, Session

NOTULIST = Path(sys.executable).with_name("notulist")
CREATED = datetime(2026, 11, 22, 10, 5, tzinfo=UTC)


def start_and_wait_for_partial(sessions: Path) -> tuple[subprocess.Popen, Path]:
    process = subprocess.Popen(
        [str(NOTULIST), "transcribe", str(DATA / "interview_25s.flac"), "--sessions-dir", str(sessions)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        partial = list(sessions.glob(".*.partial")) if sessions.is_dir() else []
        if partial and (partial[0] / AUDIO).exists():
            return process, partial[0]
        assert process.poll() is None, process.communicate()
        time.sleep(0.1)
    process.kill()
    pytest.fail("no .partial folder appeared")


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_sigterm_and_sighup_are_handled_like_ctrl_c(tmp_path, signum):
    sessions = tmp_path / "sessions"
    process, partial = start_and_wait_for_partial(sessions)
    process.send_signal(signum)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 128 + signum, err
    assert "interrupted; nothing was written" in err and "Traceback" not in err
    assert list(sessions.iterdir()) == []  # the partial copy of the audio is gone


@pytest.mark.slow
def test_a_killed_run_is_tidied_by_the_next(tmp_path, caplog):
    sessions = tmp_path / "sessions"
    process, partial = start_and_wait_for_partial(sessions)
    process.kill()
    process.communicate(timeout=60)
    assert partial.is_dir()  # SIGKILL cannot be handled: the copy of the audio stays behind
    os.utime(partial, (time.time() - 3600, time.time() - 3600))
    with NewSession(sessions, "volgende.wav", CREATED) as new:
        assert not partial.exists()
        assert new.leftovers == [f"{partial.name}: an unfinished run, removed"]
        new.write_bytes(AUDIO, b"audio")
        session = new.commit({"audio": {}})
    assert any(e.event == "leftovers_tidied" for e in session.events())
    assert "left over from an interrupted run" in caplog.text


def test_a_complete_session_left_hidden_is_moved_into_place_not_removed(tmp_path):
    sessions = tmp_path / "sessions"
    finished = make_session(sessions)
    hidden = finished.path.with_name(f".{finished.path.name}.k1ll3d.partial")  # killed just before its rename
    finished.path.rename(hidden)
    os.utime(hidden, (time.time() - 3600, time.time() - 3600))
    with NewSession(sessions, "volgende.wav", CREATED) as new:
        assert new.leftovers == [f"{hidden.name}: a complete session, moved into place as {finished.path.name}"]
    assert Session(finished.path).problems() == []
    assert not hidden.exists()


def test_a_run_in_progress_is_left_alone(tmp_path):
    sessions = tmp_path / "sessions"
    with NewSession(sessions, "eerste.wav", CREATED) as first:
        os.utime(first.path, (time.time() - 3600, time.time() - 3600))  # old, but still locked by its run
        with NewSession(sessions, "tweede.wav", CREATED) as second:
            assert second.leftovers == [] and first.path.is_dir()


def test_the_final_rename_never_overwrites_and_retries_with_a_new_name(tmp_path, monkeypatch):
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    name = "2026-11-22T1005_interview"
    (sessions / name).symlink_to(tmp_path / "nowhere")  # a dangling link where the session would go
    session = make_session_named(sessions)
    assert session.path.name == f"{name}-2" and (sessions / name).is_symlink()
    # a folder that appears between the name check and the rename (another run) is not overwritten either
    (sessions / f"{name}-3").mkdir()
    (sessions / f"{name}-3" / "theirs.txt").write_text("van een andere run")
    real_lexists = os.path.lexists
    monkeypatch.setattr(os.path, "lexists", lambda p: False if str(p).endswith("-3") else real_lexists(p))
    session = make_session_named(sessions)
    assert session.path.name == f"{name}-4"
    assert (sessions / f"{name}-3" / "theirs.txt").read_text() == "van een andere run"


def make_session_named(sessions: Path) -> Session:
    with NewSession(sessions, "interview.wav", CREATED) as new:
        new.write_bytes(AUDIO, b"audio")
        return new.commit({"audio": {}})


@pytest.mark.slow
def test_sigterm_during_a_live_recording_keeps_what_was_captured(tmp_path):
    """A shutdown during ``notulist live`` stops the recording as Ctrl+C does, and the session is still made."""
    sessions = tmp_path / "sessions"
    clip = DATA / "live_fiod_10s.wav"
    process = subprocess.Popen(
        [str(NOTULIST), "live", "--input", str(clip), "--realtime", "--sessions-dir", str(sessions)]
        + ["--no-diarize", "--no-summary", "--format", "none"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        raw = list(sessions.glob("*.live/audio.s16le")) if sessions.is_dir() else []
        if raw and raw[0].stat().st_size >= 3 * 16_000 * 2:  # three seconds captured
            break
        assert process.poll() is None, process.communicate()
        time.sleep(0.1)
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=180)
    assert process.returncode == 0, err
    session = Session(Path(out.strip().splitlines()[-1]))
    assert session.problems() == []
    assert 3.0 <= session.manifest.audio["duration"] < 10.0  # stopped early, nothing captured was lost
    assert not list(sessions.glob("*.live"))
