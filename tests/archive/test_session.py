"""The session archive: atomic creation, hash-chained audit log, verification and audited updates."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from notulist.archive import audit
from notulist.archive.session import AUDIO, NewSession, Session, session_name, slugify
from notulist.cli.flags import said_as_flags
from notulist.core.errors import SessionError

CREATED = datetime(2026, 11, 22, 10, 5, tzinfo=UTC)


def make_session(tmp_path: Path, name: str = "Interview FIOD.m4a") -> Session:
    with NewSession(tmp_path, name, CREATED) as new:
        new.write_bytes(AUDIO, b"fLaC fake audio bytes for hashing")
        new.log("session_created", {"audio_sha256": "x"})
        new.write_json("transcript.json", {"language": "nl", "duration": 1.0, "segments": []})
        return new.commit({"audio": {}})


def test_session_name_and_slug():
    assert slugify("Interview FIOD (2)") == "interview-fiod-2"
    assert slugify("Geïnterviewde ñ") == "geinterviewde-n"
    assert slugify("***") == "session"
    assert session_name(CREATED, "/x/Interview FIOD.m4a") == "2026-11-22T1005_interview-fiod"


def test_commit_renames_into_place_and_verifies(tmp_path):
    session = make_session(tmp_path)
    assert session.path == tmp_path / "2026-11-22T1005_interview-fiod"
    assert [p.name for p in tmp_path.iterdir()] == [session.path.name]  # no temporary folder left
    assert session.problems() == []
    assert set(session.manifest["files"]) == {AUDIO, "transcript.json"}


def test_second_session_with_same_name_gets_a_suffix(tmp_path):
    first = make_session(tmp_path)
    second = make_session(tmp_path)
    assert second.path.name == first.path.name + "-2"


def test_failure_leaves_no_half_written_session(tmp_path):
    with pytest.raises(RuntimeError):
        with NewSession(tmp_path, "x.wav", CREATED) as new:
            new.write_bytes(AUDIO, b"abc")
            raise RuntimeError("recogniser crashed")
    assert list(tmp_path.iterdir()) == []


def test_unwritable_sessions_dir_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("")
    with pytest.raises(SessionError, match="cannot write"):
        NewSession(blocker / "sessions", "x.wav", CREATED)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only folders")
def test_read_only_sessions_dir_is_a_clear_error(tmp_path):
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(SessionError, match="--sessions-dir"), said_as_flags():
            NewSession(tmp_path, "x.wav", CREATED)
    finally:
        tmp_path.chmod(0o700)


def test_one_changed_byte_of_audio_is_detected(tmp_path):
    session = make_session(tmp_path)
    data = bytearray((session.path / AUDIO).read_bytes())
    data[5] ^= 0x01
    (session.path / AUDIO).write_bytes(bytes(data))
    assert any(AUDIO in p for p in session.problems())


@pytest.mark.parametrize("how", ["edit", "delete", "truncate", "append"])
def test_audit_log_tampering_is_detected(tmp_path, how):
    session = make_session(tmp_path)
    log_path = session.path / "audit.jsonl"
    lines = log_path.read_text().splitlines()
    if how == "edit":
        record = json.loads(lines[0])
        record["data"]["audio_sha256"] = "y"
        lines[0] = json.dumps(record, sort_keys=True)
    elif how == "delete":
        del lines[0]
    elif how == "truncate":
        lines = lines[:-1]
    else:
        audit.append_event(log_path, "forged", {})
        lines = log_path.read_text().splitlines()
    log_path.write_text("\n".join(lines) + "\n")
    assert session.problems()


def test_update_replaces_files_atomically_and_is_audited(tmp_path):
    session = make_session(tmp_path)
    session.update({"report.html": b"<html>v1</html>"}, "report_rendered", {"formats": ["html"]})
    session.update({"report.html": b"<html>v2</html>"}, "report_rendered", {"formats": ["html"]})
    assert (session.path / "report.html").read_bytes() == b"<html>v2</html>"
    assert session.problems() == []
    assert [e.event for e in session.events()][-2:] == ["report_rendered", "report_rendered"]
    with pytest.raises(SessionError, match="cannot be rewritten"):
        session.update({AUDIO: b"other"}, "x", {})


def test_speaker_names_are_events_applied_on_top(tmp_path):
    with NewSession(tmp_path, "x.wav", CREATED) as new:
        new.write_bytes(AUDIO, b"a")
        transcript = {
            "language": "nl",
            "duration": 2.0,
            "speakers": {"S1": "S1"},
            "segments": [{"id": "s0001", "start": 0, "end": 1, "text": "Hallo", "speaker": "S1"}],
        }
        new.write_json("transcript.json", transcript)
        session = new.commit({})
    session.record("speakers_named", {"names": {"S1": "Interviewer"}})
    assert session.transcript().speaker_name("S1") == "Interviewer"
    assert session.machine_transcript().speaker_name("S1") == "S1"
    assert session.problems() == []


def test_not_a_session(tmp_path):
    with pytest.raises(SessionError, match="not a notulist session"):
        Session(tmp_path)
