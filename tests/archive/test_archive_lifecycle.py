"""Legal hold, deletion on objection with a tombstone, retention and the sessions list, on tiny real sessions."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from test_archive_hostile import make_session

from notulist.archive import chained_log
from notulist.archive.lifecycle import delete_session, finish_deletions, read_register
from notulist.archive.session import AUDIT_LOG, Session, sha256_file
from notulist.archive.settings import load_settings
from notulist.cli.main import main


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out + captured.err


@pytest.fixture
def session(tmp_path: Path) -> Session:
    return make_session(tmp_path / "sessions")


def test_delete_removes_everything_and_leaves_a_tombstone_without_content(session, capsys):
    hashes = {p.name: sha256_file(p) for p in session.path.iterdir()}
    reason = "bezwaar betrokkene (AVG art. 21)"
    code, out = run(capsys, "delete", str(session.path), "--reason", reason, "--operator", "J. de Boer")
    assert code == 0, out
    assert not session.path.exists()
    assert [p.name for p in session.path.parent.iterdir()] == []  # nothing left, not even a hidden folder
    settings = load_settings(session.path.parent)
    (tombstone,) = read_register(settings)
    assert tombstone["session"] == session.path.name
    assert tombstone["reason"] == "bezwaar betrokkene (AVG art. 21)" and tombstone["operator"] == "J. de Boer"
    assert tombstone["destroyed"] == hashes and tombstone["verified"] is True
    assert tombstone["created"].startswith("2026-10-14T10:00")
    register_text = settings.register.read_text(encoding="utf-8")
    assert "Goedemorgen" not in register_text and "Pieter" not in register_text  # no content
    # the register's head is anchored in the ledger
    ledger = chained_log.check(settings.ledger)
    assert ledger.problems == () and ledger.entries[-1]["kind"] == "register_head"
    code, out = run(capsys, "sessions", str(session.path.parent))
    assert "deleted" in out and "bezwaar betrokkene" in out
    code, out = run(capsys, "verify", str(session.path))
    assert code == 2 and "was deleted on" in out and "J. de Boer" in out


def test_a_held_session_cannot_be_deleted_until_released(session, capsys):
    assert run(capsys, "hold", str(session.path), "--reason", "WOO-verzoek 2026-118")[0] == 0
    code, out = run(capsys, "delete", str(session.path), "--reason", "bezwaar")
    assert code == 2 and "under legal hold" in out and "WOO-verzoek 2026-118" in out
    assert session.path.is_dir() and run(capsys, "verify", str(session.path))[0] == 0
    code, out = run(capsys, "sessions", str(session.path.parent))
    assert "held" in out and "verifies" in out
    assert run(capsys, "hold", str(session.path), "--reason", "verzoek afgehandeld", "--release")[0] == 0
    assert run(capsys, "delete", str(session.path), "--reason", "bezwaar")[0] == 0


def test_a_tombstone_that_cannot_be_written_keeps_the_session(session, capsys):
    settings = load_settings(session.path.parent)
    settings.register.mkdir()  # the register's place is taken: the tombstone cannot be written
    code, out = run(capsys, "delete", str(session.path), "--reason", "bezwaar")
    assert code == 2 and "tombstone" in out.lower()
    assert session.path.is_dir() and run(capsys, "verify", str(session.path))[0] == 0


def test_an_interrupted_deletion_is_finished_later(session):
    settings = load_settings(session.path.parent)
    delete_session(session, "bezwaar", "test")
    leftover = session.path.with_name(f".{session.path.name}.deleting")  # as if the removal had been cut short
    leftover.mkdir()
    (leftover / "audio.flac").write_bytes(b"x")
    assert finish_deletions(session.path.parent) == [leftover] and not leftover.exists()
    assert len(read_register(settings)) == 1


def test_the_register_is_tamper_evident(session):
    other = make_session(session.path.parent)
    delete_session(session, "bezwaar A", "test")
    delete_session(other, "bezwaar B", "test")
    settings = load_settings(session.path.parent)
    lines = settings.register.read_text().splitlines()
    first = json.loads(lines[0])
    first["reason"] = "op verzoek"
    settings.register.write_text("\n".join([json.dumps(first, sort_keys=True), lines[1]]) + "\n")
    assert any("chain broken" in p for p in chained_log.check(settings.register).problems)


def test_retention_is_a_dry_run_until_applied_and_spares_held_and_tampered_sessions(tmp_path, capsys):
    sessions = tmp_path / "sessions"
    weeks_ago = datetime.now(UTC) - timedelta(days=40)
    expired = make_session(sessions, "[retention]\ndays = 30\n[retention.kinds]\nlive = 10\n", weeks_ago)
    held = make_session(sessions, created=weeks_ago)
    tampered = make_session(sessions, created=weeks_ago)
    make_session(sessions, created=datetime.now(UTC) - timedelta(days=2))
    (tampered.path / "transcript.txt").write_text("vervalst")
    run(capsys, "hold", str(held.path), "--reason", "rechtszaak")
    code, out = run(capsys, "retention", str(sessions))
    assert code == 0 and "2 of 4 sessions due; nothing deleted" in out and "held" in out
    assert expired.path.is_dir()
    code, out = run(capsys, "retention", str(sessions), "--apply")
    assert code == 0, out
    assert not expired.path.exists() and held.path.is_dir() and tampered.path.is_dir()
    assert "skipped" in out and tampered.path.name in out
    (tombstone,) = read_register(load_settings(sessions))
    assert tombstone["reason"] == "retention: recording sessions are kept 30 days"


def test_retention_counts_days_from_creation(tmp_path):
    from notulist.archive.lifecycle import retention_plan

    make_session(tmp_path / "s", "[retention]\ndays = 365\n")
    (item,) = retention_plan(tmp_path / "s")
    assert item.expires == item.created + timedelta(days=365)
    assert not item.due(item.created + timedelta(days=364)) and item.due(item.created + timedelta(days=365))


def test_sessions_lists_states(tmp_path, capsys):
    sessions = tmp_path / "sessions"
    ok = make_session(sessions)
    bad = make_session(sessions)
    (bad.path / AUDIT_LOG).write_bytes(b"kapot\n")
    (sessions / ".2026-11-30T0900_x.abcd.partial").mkdir()
    code, out = run(capsys, "sessions", str(sessions))
    assert code == 3 and "1 session(s) above do not verify" in out
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert "complete" in lines[ok.path.name] and "verifies" in lines[ok.path.name]
    assert "TAMPERED" in lines[bad.path.name] or "damaged" in lines[bad.path.name]
    assert "interrupted" in lines[".2026-11-30T0900_x.abcd.partial"]
    shutil.rmtree(ok.path)  # removed behind the archive's back: no tombstone
    code, out = run(capsys, "sessions", str(sessions))
    assert "MISSING" in {line.split()[0]: line for line in out.splitlines()}[ok.path.name]
    shutil.rmtree(sessions / ".2026-11-30T0900_x.abcd.partial")
