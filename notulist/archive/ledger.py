"""The outside anchor: each session's audit head, appended to a hash-chained ledger kept outside the session.

A session alone cannot reveal a consistent rewrite (files, manifest and audit chain all recomputed). The ledger
can: every commit and every update of a session appends ``{"kind": "session_head", "session", "event_seq",
"audit_head"}``, so a session whose audit line at ``event_seq`` no longer hashes to the anchored head was rewritten
after it was anchored. The ledger is as trustworthy as where it lies and who can sign it: on a write-once share, or
signed with an Ed25519 key the organisation keeps away from the machine's users (``archive.toml``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from notulist.archive import audit, chained_log
from notulist.archive.audit import AUDIT_LOG
from notulist.archive.settings import ArchiveSettings, load_settings
from notulist.core.errors import SessionError

if TYPE_CHECKING:
    from notulist.archive.session import Session

SESSION_HEAD = "session_head"


@dataclass(frozen=True)
class AnchorCheck:
    """The session checked against the ledger: which anchor was used, what disagrees, what is not covered yet."""

    ledger: Path
    signed_by: str | None
    anchored: dict[str, Any] | None  # the latest entry for the session
    problems: tuple[str, ...]
    notes: tuple[str, ...]
    absent: bool = False  # the session has no anchor at all (the ledger is missing or never saw it)


def anchor_session(session: Session) -> None:
    """Append the session's current audit head to the ledger; a failure says the session itself is saved."""
    settings = load_settings(session.path.parent)
    lines = audit.read_lines(session.path / AUDIT_LOG)
    payload = {
        "kind": SESSION_HEAD,
        "session": session.path.name,
        "event_seq": len(lines),
        "audit_head": audit.line_hash(lines[-1]) if lines else audit.GENESIS,
    }
    append_anchor(settings, settings.ledger, payload, f"{session.path} is saved, but its anchor")


def append_anchor(settings: ArchiveSettings, path: Path, payload: dict[str, Any], what: str) -> dict[str, Any]:
    try:
        return chained_log.append(path, payload, settings.signing_key)
    except (OSError, ValueError, ImportError) as exc:
        raise SessionError(
            f"{what} could not be written to {path} ({getattr(exc, 'strerror', None) or exc}): make the "
            "ledger writable (archive.toml [anchor]) and run `notulist verify --anchor` on the session"
        ) from exc


def verification_key(settings: ArchiveSettings) -> Path | None:
    return settings.public_key or settings.signing_key


def check_anchor(session_path: Path, ledger: Path | None = None) -> AnchorCheck:
    """The session's audit log against every ledger entry for it (in ``ledger``, else the configured one).

    No ledger at the default place (a session copied elsewhere, or made before ledgers) is a note, not a problem:
    only the session's own checks were made. A ledger that was asked for or configured must exist."""
    settings = load_settings(session_path.parent)
    if ledger is not None:
        settings = replace(settings, ledger=Path(ledger))
    if not settings.ledger.exists():
        if ledger is None and not settings.configured_ledger:
            note = f"no ledger at {settings.ledger}: only the session's own records were checked"
            return AnchorCheck(settings.ledger, None, None, (), (note,))
        return AnchorCheck(settings.ledger, None, None, (f"the ledger {settings.ledger} does not exist",), (), True)
    try:
        log = chained_log.check(settings.ledger, verification_key(settings), settings.unsigned_entries)
    except (OSError, ValueError, ImportError) as exc:
        return AnchorCheck(settings.ledger, None, None, (f"the ledger cannot be read ({exc})",), ())
    mine = [e for e in log.entries if e.get("kind") == SESSION_HEAD and e.get("session") == session_path.name]
    problems = [f"ledger: {problem}" for problem in log.problems]
    if not mine:
        absent = f"the ledger {settings.ledger} holds no anchor for {session_path.name}"
        return AnchorCheck(settings.ledger, None, None, (*problems, absent), (), not problems)
    lines = audit.read_lines(session_path / AUDIT_LOG)
    for entry in mine:
        problems.extend(_entry_problems(entry, lines))
    latest = mine[-1]
    signed_by = str(latest.get("key")) if latest.get("seq") in log.verified else None
    notes = []
    if isinstance(latest.get("event_seq"), int) and latest["event_seq"] < len(lines):
        notes.append(f"audit events {latest['event_seq'] + 1}-{len(lines)} are not anchored yet")
    if verification_key(settings) and signed_by is None and not problems:
        notes.append("this session's anchor was written before the ledger was signed (archive.toml unsigned_entries)")
    return AnchorCheck(settings.ledger, signed_by, latest, tuple(problems), tuple(notes))


def _entry_problems(entry: dict[str, Any], lines: list[bytes]) -> list[str]:
    seq = entry.get("event_seq")
    when = entry.get("time")
    if not isinstance(seq, int) or seq < 0:
        return [f"ledger entry {entry.get('seq')} is damaged"]
    if seq > len(lines):
        return [f"the ledger anchored {seq} audit events on {when}, the session now has {len(lines)} (removed)"]
    head = audit.line_hash(lines[seq - 1]) if seq else audit.GENESIS
    if head != entry.get("audit_head"):
        return [f"audit event {seq} differs from the one anchored in the ledger on {when} (the log was rewritten)"]
    return []
