"""Hostile tests of the session archive: every tampering the session itself can reveal is caught by ``verify``
(exit 3, one line per problem, never a traceback); consistent rewrites are caught by the ledger outside the
session; a failed update (full disk, read-only folder) leaves a session that still verifies.

Sessions are tiny and built without the model: the real 38 s report clip and its transcript."""

from __future__ import annotations

import json
import resource
import shutil
import signal
import subprocess
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import DATA

from notulist.archive import audit
from notulist.archive.manifest import MANIFEST, content_digest, manifest_bytes, read_manifest
from notulist.archive.session import AUDIT_LOG, NewSession, Session, sha256_file
from notulist.archive.settings import load_settings
from notulist.cli.main import main
from notulist.core.errors import SessionError

CREATED = datetime(2026, 10, 14, 10, 0, tzinfo=UTC)


def make_session(sessions: Path, archive_toml: str | None = None, created: datetime = CREATED) -> Session:
    manifest = json.loads((DATA / "report_manifest.json").read_text(encoding="utf-8"))
    for key in ("name", "created", "files", "audit_head"):
        manifest.pop(key, None)
    sessions.mkdir(parents=True, exist_ok=True)
    if archive_toml is not None:
        (sessions / "archive.toml").write_text(archive_toml, encoding="utf-8")
    with NewSession(sessions, "interview_fiod.wav", created) as new:
        shutil.copy(DATA / "report_clip.flac", new.file("audio.flac"))
        new.log("session_created", {"audio_sha256": manifest["audio"]["sha256"]})
        shutil.copy(DATA / "report_transcript.json", new.file("transcript.json"))
        new.write_text("transcript.txt", "[00:00:01] S1: Goedemorgen.\n")
        return new.commit(manifest)


def verify(session: Session, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["verify", str(session.path)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out + captured.err


def edit_manifest(session: Session, change) -> None:
    data = json.loads((session.path / MANIFEST).read_text(encoding="utf-8"))
    change(data)
    (session.path / MANIFEST).write_text(json.dumps(data, indent=2), encoding="utf-8")


@pytest.fixture
def session(tmp_path: Path) -> Session:
    return make_session(tmp_path / "sessions")


def test_an_intact_session_verifies_and_names_its_anchor(session, capsys):
    code, out = verify(session, capsys)
    assert code == 0, out
    assert "ANCHOR: ledger" in out and "sessions.ledger.jsonl" in out and "not signed" in out
    assert out.startswith("OK: 3 files")


@pytest.mark.parametrize(
    "change",
    [
        lambda m: m["audio"].update(duration=999.0),
        lambda m: m["audio"].update(source_name="vervalst.wav"),
        lambda m: m["models"]["asr"].update(sha256="0" * 64),
        lambda m: m.update(created="2020-01-01T00:00:00+00:00"),
        lambda m: m["options"].update(language="en"),
        lambda m: m.update(extra_key="added"),
    ],
    ids=["duration", "source-name", "model-hash", "created", "options", "added-key"],
)
def test_any_edit_of_the_manifest_is_caught(session, capsys, change):
    edit_manifest(session, change)
    code, out = verify(session, capsys)
    assert code == 3
    assert "manifest.json was changed after it was written" in out


def test_a_transcript_edited_with_its_manifest_hash_updated_is_caught(session, capsys):
    path = session.path / "transcript.json"
    original = path.read_bytes()
    path.write_bytes(original.replace(b"Pieter de Vries", b"Paul de Vries"))
    assert path.read_bytes() != original
    edit_manifest(session, lambda m: m["files"].update({"transcript.json": sha256_file(path)}))
    code, out = verify(session, capsys)
    assert code == 3
    assert "sha256 of transcript.json differs from the one in the audit log" in out


def test_a_file_deleted_with_its_manifest_entry_is_caught(session, capsys):
    (session.path / "transcript.txt").unlink()
    edit_manifest(session, lambda m: m["files"].pop("transcript.txt"))
    code, out = verify(session, capsys)
    assert code == 3
    assert "transcript.txt was recorded in the audit log but is gone from the manifest" in out


@pytest.mark.parametrize("name", ["notes.txt", ".hidden", "subfolder"])
def test_an_added_file_or_folder_is_caught(session, capsys, name):
    target = session.path / name
    if name == "subfolder":
        target.mkdir()
    else:
        target.write_text("toegevoegd")
    code, out = verify(session, capsys)
    assert code == 3
    assert f"{name} was added" in out


def test_a_missing_or_changed_file_is_caught(session, capsys):
    (session.path / "transcript.txt").write_text("anders")
    data = bytearray((session.path / "audio.flac").read_bytes())
    data[-10] ^= 1
    (session.path / "audio.flac").write_bytes(bytes(data))
    code, out = verify(session, capsys)
    assert code == 3
    assert "transcript.txt was changed" in out and "audio.flac was changed" in out
    (session.path / "transcript.txt").unlink()
    code, out = verify(session, capsys)
    assert "transcript.txt is missing" in out


@pytest.mark.parametrize(
    "damage",
    [b"not json at all", b"[1, 2, 3]", b'{"seq": 9}', b"\xff\xfe binary"],
    ids=["text", "json-list", "half-record", "binary"],
)
def test_a_damaged_audit_line_is_tampering_not_a_traceback(session, capsys, damage):
    log = session.path / AUDIT_LOG
    lines = log.read_bytes().split(b"\n")
    lines[1] = damage
    log.write_bytes(b"\n".join(lines))
    code, out = verify(session, capsys)
    assert code == 3
    assert "audit.jsonl line 2 is damaged" in out
    # other commands refuse with one line that says what to do
    assert main(["speakers", str(session.path), "--name", "SPEAKER_00=A"]) == 2
    assert "run `notulist verify`" in capsys.readouterr().err


@pytest.mark.parametrize("content", [b"{ broken", b"[]", b'{"files": "x"}', b"\x00\x01"], ids=str)
def test_an_unreadable_manifest_is_tampering(session, capsys, content):
    (session.path / MANIFEST).write_bytes(content)
    code, out = verify(session, capsys)
    assert code == 3
    assert "manifest.json is damaged" in out


def test_a_removed_manifest_is_tampering(session, capsys):
    (session.path / MANIFEST).unlink()
    code, out = verify(session, capsys)
    assert code == 3


def test_removed_audit_lines_are_caught(session, capsys):
    log = session.path / AUDIT_LOG
    log.write_bytes(b"\n".join(log.read_bytes().split(b"\n")[:-2]) + b"\n")
    code, out = verify(session, capsys)
    assert code == 3
    assert "does not end where the manifest says" in out


def rewrite_consistently(session: Session) -> None:
    """What an insider with write access can do: change the transcript and recompute every hash and the chain."""
    transcript = session.path / "transcript.json"
    transcript.write_bytes(transcript.read_bytes().replace(b"Pieter", b"Paul"))
    log = session.path / AUDIT_LOG
    records = [json.loads(line) for line in audit.read_lines(log)]
    manifest = read_manifest(session.path)
    files = {**manifest.files, "transcript.json": sha256_file(transcript)}
    manifest = replace(manifest, files=files)
    lines: list[bytes] = []
    for record in records:
        if "files" in record["data"]:
            record["data"]["files"] = {k: files[k] for k in record["data"]["files"]}
        if "manifest_sha256" in record["data"]:
            record["data"]["manifest_sha256"] = content_digest(manifest.to_dict())
        record["prev"] = audit.line_hash(lines[-1]) if lines else audit.GENESIS
        lines.append(json.dumps(record, ensure_ascii=False, sort_keys=True).encode())
    log.write_bytes(b"\n".join(lines) + b"\n")
    manifest = replace(manifest, audit_head=audit.line_hash(lines[-1]))
    (session.path / MANIFEST).write_bytes(manifest_bytes(manifest))


def test_a_consistent_rewrite_passes_the_session_but_not_the_ledger(session, capsys):
    rewrite_consistently(session)
    assert session.problems() == []  # the session alone cannot tell
    code, out = verify(session, capsys)
    assert code == 3
    assert "differs from the one anchored in the ledger" in out


def test_a_session_missing_from_the_ledger_is_caught(session, capsys):
    """A session slipped in under a name the ledger never saw (or one whose anchor write failed)."""
    renamed = Session(session.path.rename(session.path.with_name("2026-10-14T1000_ander-gesprek")))
    code, out = verify(renamed, capsys)
    assert code == 3
    assert "holds no anchor for 2026-10-14T1000_ander-gesprek" in out
    # the operator who knows why (a failed anchor write) anchors it explicitly, and it verifies from then on
    assert main(["verify", str(renamed.path), "--anchor"]) == 0
    assert "ANCHORED" in capsys.readouterr().out
    assert verify(renamed, capsys)[0] == 0


def test_a_copy_without_its_ledger_is_checked_on_its_own_and_says_so(session, capsys, tmp_path):
    copy = tmp_path / "auditor" / session.path.name
    shutil.copytree(session.path, copy)
    code, out = verify(Session(copy), capsys)
    assert code == 0, out
    assert "ANCHOR: none" in out and "only the session's own records were checked" in out
    ledger = load_settings(session.path.parent).ledger
    assert main(["verify", str(copy), "--ledger", str(ledger)]) == 0
    assert f"ANCHOR: ledger {ledger}" in capsys.readouterr().out


def ed25519_key(tmp_path: Path) -> Path:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    key = tmp_path / "ledger-key.pem"
    pem = Ed25519PrivateKey.generate().private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    key.write_bytes(pem)
    return key


def test_a_signed_ledger_names_its_key_and_catches_a_forged_entry(tmp_path, capsys):
    key = ed25519_key(tmp_path)
    session = make_session(tmp_path / "sessions", f'[anchor]\nsigning_key = "{key}"\n')
    code, out = verify(session, capsys)
    assert code == 0, out
    assert "signed with key" in out
    # an insider rewrites the session and re-anchors it without the key: the chain still links, the signature fails
    rewrite_consistently(session)
    ledger = load_settings(session.path.parent).ledger
    entries = [json.loads(line) for line in ledger.read_text().splitlines()]
    entries[-1]["audit_head"] = audit.head_hash(session.path / AUDIT_LOG)
    ledger.write_text("".join(json.dumps(e, sort_keys=True) + "\n" for e in entries))
    code, out = verify(session, capsys)
    assert code == 3
    assert "signature that does not match" in out


def _full_disk(limit: int):
    """Writes past ``limit`` bytes per file fail with EFBIG, as a full disk fails them (RLIMIT_FSIZE)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    return lambda: (resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard)), signal.signal(signal.SIGXFSZ, previous))


def test_a_failed_update_on_a_full_disk_leaves_a_session_that_verifies(session, capsys):
    before = {p.name: p.read_bytes() for p in session.path.iterdir()}
    audit_size = (session.path / AUDIT_LOG).stat().st_size
    restore = _full_disk(audit_size + 100)  # the new files fit, the longer audit log does not
    try:
        with pytest.raises(SessionError):
            session.update({"summary.json": b"{}"}, "summary_made", {"operator": "test"})
    finally:
        restore()
    assert {p.name: p.read_bytes() for p in session.path.iterdir()} == before
    assert verify(session, capsys)[0] == 0


def test_naming_speakers_in_a_read_only_folder_fails_cleanly(session, capsys):
    if subprocess.run(["chattr", "+i", str(session.path)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not supported here")
    try:
        code = main(["speakers", str(session.path), "--name", "SPEAKER_00=Mevrouw Jansen"])
        err = capsys.readouterr().err
    finally:
        subprocess.run(["chattr", "-i", str(session.path)], check=True)
    assert code == 2 and "cannot write" in err
    assert verify(session, capsys)[0] == 0
    assert not any(e.event == "speakers_named" for e in session.events())


def test_an_update_is_audited_with_the_manifest_digest_and_anchored(session, capsys):
    session.update({"summary.json": b"{}"}, "summary_made", {"operator": "test"})
    last = session.events()[-1]
    assert last.data["files"] == {"summary.json": sha256_file(session.path / "summary.json")}
    assert last.data["manifest_sha256"] == session.manifest.digest()
    code, out = verify(session, capsys)
    assert code == 0, out
    assert "audit event 3" in out


def test_concurrent_updates_all_land_and_the_session_verifies(session, capsys):
    import threading

    def write(tag: str) -> None:
        for number in range(8):
            session.update({f"{tag}.json": f"{number}".encode()}, "note_written", {"by": tag})

    threads = [threading.Thread(target=write, args=(tag,)) for tag in ("web", "cli")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(e.event == "note_written" for e in session.events()) == 16
    assert verify(session, capsys)[0] == 0


def test_an_older_session_without_a_manifest_digest_is_noted_not_failed(session):
    from notulist.archive.verify import session_notes, session_problems

    log = session.path / AUDIT_LOG
    lines: list[bytes] = []
    for line in audit.read_lines(log):
        record = json.loads(line)
        record["data"].pop("manifest_sha256", None)
        record["prev"] = audit.line_hash(lines[-1]) if lines else audit.GENESIS
        lines.append(json.dumps(record, ensure_ascii=False, sort_keys=True).encode())
    log.write_bytes(b"\n".join(lines) + b"\n")
    manifest = replace(read_manifest(session.path), audit_head=audit.line_hash(lines[-1]))
    (session.path / MANIFEST).write_bytes(manifest_bytes(manifest))
    assert session_problems(session.path) == []
    assert "no digest of the manifest" in session_notes(session.path)[0]


def test_switching_signing_on_later_and_a_stripped_signature(tmp_path, capsys):
    sessions = tmp_path / "sessions"
    before = make_session(sessions)  # anchored unsigned
    key = ed25519_key(tmp_path)
    (sessions / "archive.toml").write_text(f'[anchor]\nsigning_key = "{key}"\n', encoding="utf-8")
    after = make_session(sessions)
    code, out = verify(before, capsys)
    assert (
        code == 3 and "ledger.jsonl line 1 is not signed" in out
    )  # the operator has not said which entries predate it
    (sessions / "archive.toml").write_text(f'[anchor]\nsigning_key = "{key}"\nunsigned_entries = 1\n', "utf-8")
    code, out = verify(before, capsys)
    assert code == 0 and "written before the ledger was signed" in out
    assert verify(after, capsys)[0] == 0
    # stripping the signature of a later entry (to forge it) is caught
    ledger = load_settings(sessions).ledger
    entries = [json.loads(line) for line in ledger.read_text().splitlines()]
    for field in ("signature", "key"):
        entries[1].pop(field)
    ledger.write_text("".join(json.dumps(e, sort_keys=True) + "\n" for e in entries))
    code, out = verify(after, capsys)
    assert code == 3 and "ledger.jsonl line 2 is not signed" in out


def test_a_ledger_on_a_share_that_is_not_mounted_is_an_error_not_a_local_folder(tmp_path, capsys):
    share = tmp_path / "worm"  # not there
    sessions = tmp_path / "sessions"
    with pytest.raises(SessionError, match="is saved, but its anchor could not be written"):
        make_session(sessions, f'[anchor]\nledger = "{share}/ledger.jsonl"\n')
    assert not share.exists()
    (session_path,) = [p for p in sessions.iterdir() if p.is_dir()]
    code, out = verify(Session(session_path), capsys)
    assert code == 3 and "does not exist" in out  # a configured ledger must be there
    share.mkdir()
    assert main(["verify", str(session_path), "--anchor"]) == 0
    assert verify(Session(session_path), capsys)[0] == 0
