"""``notulist verify SESSION``: re-hash a session, check it against its outside anchor, report any tampering."""

from __future__ import annotations

import argparse
from pathlib import Path

from notulist.archive.ledger import anchor_session, check_anchor
from notulist.archive.manifest import MANIFEST
from notulist.archive.session import AUDIT_LOG, Session
from notulist.archive.verify import session_notes, session_problems
from notulist.core.errors import SessionError, VerificationError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="check a session against its manifest, audit log and the ledger outside it",
        description="Re-hash every file of a session and check that nothing was changed, removed or added; that "
        "the manifest is the one the hash-chained audit log recorded; and that the audit log is the one anchored "
        "in the ledger outside the session (archive.toml says where; see SECURITY.md for what each check proves). "
        "Exits 0 when everything matches, 3 when anything was changed, removed or added after it was recorded.",
    )
    parser.add_argument("session", type=Path, help="the session folder")
    parser.add_argument(
        "--ledger",
        type=Path,
        metavar="FILE",
        help="check against this ledger (a copy handed to an auditor); default: the one archive.toml names, else "
        "SESSIONS_DIR.ledger.jsonl beside the sessions folder",
    )
    parser.add_argument(
        "--anchor",
        action="store_true",
        help="after a clean check, anchor audit events the ledger does not hold yet (after a failed anchor write)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path = Path(args.session)
    if not path.is_dir():
        raise SessionError(_deleted(path) or f"{path} is not a session folder: give the folder of the session")
    if not (path / MANIFEST).exists() and not (path / AUDIT_LOG).exists():
        raise SessionError(f"{path} is not a notulist session (no {MANIFEST}): give the session folder")
    anchor = check_anchor(path.absolute(), args.ledger)
    anchor_problems = list(anchor.problems)
    if args.anchor and anchor.absent:  # the anchor write failed earlier: the operator anchors it now
        anchor_problems = []
    problems = [*session_problems(path), *anchor_problems]
    if problems:
        for problem in problems:
            print(f"TAMPERED: {problem}")
        _print_anchor(anchor)
        raise VerificationError(f"{path} does not match what was recorded ({len(problems)} problem(s) above)")
    session = Session(path)
    print(f"OK: {len(session.manifest.files)} files and {len(session.events())} audit events of {path} match")
    for note in session_notes(path):
        print(f"NOTE: {note}")
    _print_anchor(anchor)
    if args.anchor and (anchor.anchored is None or anchor.notes):
        anchor_session(session)
        print("ANCHORED: the current audit head was added to the ledger")
    return 0


def _deleted(path: Path) -> str | None:
    """What the destruction register says about a session that is gone, if anything."""
    from notulist.archive.lifecycle import read_register
    from notulist.archive.settings import load_settings

    if not path.parent.is_dir():
        return None
    for tombstone in reversed(read_register(load_settings(path.parent))):
        if tombstone.get("session") == path.name:
            return (
                f"{path.name} was deleted on {tombstone.get('deleted')} by {tombstone.get('operator')} "
                f"({tombstone.get('reason')}): tombstone {tombstone.get('seq')} in the destruction register"
            )
    return None


def _print_anchor(anchor) -> None:
    print(_anchor_line(anchor))
    for note in anchor.notes:
        print(f"NOTE: {note}")


def _anchor_line(anchor) -> str:
    if anchor.anchored is None:
        return f"ANCHOR: none ({anchor.ledger} holds no anchor for this session)" if anchor.problems else "ANCHOR: none"
    signed = f"signed with key {anchor.signed_by}" if anchor.signed_by else "not signed"
    entry = anchor.anchored
    return (
        f"ANCHOR: ledger {anchor.ledger}, entry {entry.get('seq')} of {entry.get('time')} "
        f"(audit event {entry.get('event_seq')}, {signed})"
    )
