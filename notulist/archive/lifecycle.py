"""A session's life after it is made: legal hold, deletion on objection, and retention.

Deletion removes the whole session folder (audio, transcript, every derived file) and leaves a tombstone in the
destruction register, a hash-chained (and, with a key, signed) file outside the sessions: session id, when it was
created and deleted, why, by whom, and the sha256 of each file destroyed, never any content. The register's new
head is anchored in the ledger as well. A session under legal hold cannot be deleted, by hand or by retention.

The folder is first renamed to a hidden ``.NAME.deleting`` (so nothing reads it half removed), then the tombstone
is written, then the folder is removed; a failure to write the tombstone puts the folder back. A removal cut short
(a crash) leaves the ``.deleting`` folder, which ``finish_deletions`` removes later: its tombstone is written.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from notulist.archive import audit
from notulist.archive.ledger import append_anchor
from notulist.archive.session import AUDIT_LOG, Session
from notulist.archive.settings import ArchiveSettings, load_settings
from notulist.archive.verify import session_problems
from notulist.core.errors import SessionError
from notulist.core.hashing import sha256_file

HOLD = "legal_hold"
HOLD_RELEASED = "legal_hold_released"
TOMBSTONE = "tombstone"
REGISTER_HEAD = "register_head"
DELETING_SUFFIX = ".deleting"
LIVE_EVENTS = ("live_recording", "live_recording_recovered")


@dataclass(frozen=True)
class Hold:
    reason: str
    operator: str
    time: str


def current_hold(session: Session) -> Hold | None:
    """The legal hold in force, or None (a later release lifts it)."""
    hold = None
    for event in session.events():
        if event.event == HOLD:
            hold = Hold(str(event.data.get("reason", "")), str(event.data.get("operator", "")), event.time)
        elif event.event == HOLD_RELEASED:
            hold = None
    return hold


def place_hold(session: Session, reason: str, operator: str) -> None:
    if not reason.strip():
        raise SessionError("a legal hold needs a reason (the case or request it serves)")
    session.record(HOLD, {"reason": reason.strip(), "operator": operator})


def release_hold(session: Session, reason: str, operator: str) -> None:
    if current_hold(session) is None:
        raise SessionError(f"{session.path.name} is not under legal hold")
    session.record(HOLD_RELEASED, {"reason": reason.strip(), "operator": operator})


def session_kind(session: Session) -> str:
    """``live`` for a live recording, the meeting template when one was set, else ``recording``."""
    kind = "recording"
    for event in session.events():
        if event.event in LIVE_EVENTS:
            kind = "live"
        elif event.event == "meeting_info" and event.data.get("template"):
            kind = str(event.data["template"])
    return kind


def delete_session(session: Session, reason: str, operator: str, now: datetime | None = None) -> dict[str, Any]:
    """Destroy the session and return its tombstone. Refused for a session under legal hold."""
    if not reason.strip():
        raise SessionError("a deletion needs a reason (the objection or retention rule it follows)")
    hold = current_hold(session)
    if hold is not None:
        raise SessionError(
            f"{session.path.name} is under legal hold since {hold.time} ({hold.reason}): release the hold first"
        )
    settings = load_settings(session.path.parent)
    tombstone = _tombstone(session, reason.strip(), operator, now or datetime.now(UTC))
    deleting = session.path.with_name(f".{session.path.name}{DELETING_SUFFIX}")
    try:
        os.rename(session.path, deleting)
    except OSError as exc:
        raise SessionError(f"cannot delete {session.path} ({exc.strerror or exc}): check its permissions") from exc
    try:
        written = append_anchor(settings, settings.register, tombstone, f"The tombstone of {session.path.name}")
    except SessionError:
        os.rename(deleting, session.path)
        raise
    _anchor_register(settings, written)
    shutil.rmtree(deleting, ignore_errors=True)
    return written


def _tombstone(session: Session, reason: str, operator: str, now: datetime) -> dict[str, Any]:
    files = {p.name: sha256_file(p) for p in sorted(session.path.rglob("*")) if p.is_file() and not p.is_symlink()}
    try:
        created = session.manifest.created
    except SessionError:
        created = ""
    return {
        "kind": TOMBSTONE,
        "session": session.path.name,
        "created": created,
        "deleted": now.isoformat(timespec="seconds"),
        "reason": reason,
        "operator": operator,
        "destroyed": files,
        "audit_head": audit.head_hash(session.path / AUDIT_LOG),
        "verified": not session_problems(session.path),
    }


def _anchor_register(settings: ArchiveSettings, entry: dict[str, Any]) -> None:
    payload = {
        "kind": REGISTER_HEAD,
        "register": settings.register.name,
        "register_seq": entry["seq"],
        "register_head": audit.line_hash((settings.register.read_bytes().rstrip(b"\n").split(b"\n"))[-1]),
    }
    append_anchor(settings, settings.ledger, payload, "The destruction register's new head")


def finish_deletions(sessions_dir: Path) -> list[Path]:
    """Remove ``.deleting`` folders left by a deletion cut short (their tombstones were written first)."""
    settings = load_settings(sessions_dir)
    tombstoned = {entry.get("session") for entry in read_register(settings)}
    finished = []
    for path in sorted(Path(sessions_dir).glob(f".*{DELETING_SUFFIX}")):
        name = path.name[1 : -len(DELETING_SUFFIX)]
        if name in tombstoned:
            shutil.rmtree(path, ignore_errors=True)
            finished.append(path)
    return finished


def read_register(settings: ArchiveSettings) -> list[dict[str, Any]]:
    from notulist.archive import chained_log
    from notulist.archive.ledger import verification_key

    if not settings.register.exists():
        return []
    return [
        e
        for e in chained_log.check(
            settings.register, verification_key(settings), settings.unsigned_register_entries
        ).entries
        if e.get("kind") == TOMBSTONE
    ]


@dataclass(frozen=True)
class Expiry:
    """A session the retention policy says is due, or not yet."""

    session: Session
    kind: str
    created: datetime
    keep_days: int
    expires: datetime | None
    held: bool

    def due(self, now: datetime) -> bool:
        return self.expires is not None and self.expires <= now and not self.held


def retention_plan(sessions_dir: Path) -> list[Expiry]:
    """Every committed session with its kind, retention and expiry date (None: kept until deleted by hand)."""
    settings = load_settings(sessions_dir)
    plan = []
    for path in sorted(Path(sessions_dir).iterdir()) if Path(sessions_dir).is_dir() else []:
        if path.name.startswith(".") or not path.is_dir() or not (path / "manifest.json").is_file():
            continue
        session = Session(path)
        try:
            created = datetime.fromisoformat(session.manifest.created)
            kind, held = session_kind(session), current_hold(session) is not None
        except (SessionError, ValueError):
            continue  # a damaged session is never deleted by a rule: `notulist sessions` shows it
        days = settings.retention_for(kind)
        expires = created + timedelta(days=days) if days > 0 else None
        plan.append(Expiry(session, kind, created, days, expires, held))
    return plan
