"""``notulist sessions [SESSIONS_DIR]``: every session with its state and the result of verifying it."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sessions",
        help="list the sessions of a folder: state (complete, live, interrupted, held, deleted) and verification",
        description="List every session of a sessions folder with its state: complete, held (legal hold), live "
        "(a recording running now), interrupted (a live recording or a transcription that stopped: `notulist "
        "recover` or run it again), deleted (a tombstone in the destruction register), MISSING (anchored in the "
        "ledger but gone without a tombstone); and whether it verifies. Exits 3 when any session does not verify "
        "or is missing.",
    )
    parser.add_argument("sessions_dir", type=Path, nargs="?", default=Path("sessions"), metavar="SESSIONS_DIR")
    parser.add_argument("--no-verify", action="store_true", help="skip re-hashing (fast, for large archives)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from notulist.archive.settings import load_settings
    from notulist.core.errors import SessionError, VerificationError

    folder = args.sessions_dir
    if not folder.is_dir():
        raise SessionError(f"{folder} is not a folder: give the sessions folder")
    rows = _folder_rows(folder, not args.no_verify)
    rows += _register_rows(load_settings(folder), {name for name, _, _ in rows} | {p.name for p in folder.iterdir()})
    if not rows:
        print(f"{folder}: no sessions")
    width = max((len(name) for name, _, _ in rows), default=0)
    for name, state, detail in rows:
        print(f"{name:<{width}}  {state:<11}  {detail}")
    failing = [name for name, state, detail in rows if state in ("MISSING", "damaged") or detail.startswith("TAMPERED")]
    if failing:
        raise VerificationError(f"{len(failing)} session(s) above do not verify or are missing: run `notulist verify`")
    return 0


def _folder_rows(folder: Path, verify: bool) -> list[tuple[str, str, str]]:
    from notulist.archive.lifecycle import DELETING_SUFFIX
    from notulist.archive.session import PARTIAL_SUFFIX
    from notulist.live.recording import is_in_use, is_live_dir

    rows = []
    for path in sorted(folder.iterdir()):
        if is_live_dir(path):
            rows.append((path.name, "live" if is_in_use(path) else "interrupted", "recover with `notulist recover`"))
        elif path.name.endswith(PARTIAL_SUFFIX):
            rows.append((path.name, "interrupted", "an unfinished transcription; removed by the next run"))
        elif path.name.endswith(DELETING_SUFFIX):
            rows.append((path.name, "deleted", "removal unfinished; finished by the next delete or retention run"))
        elif path.is_dir() and not path.name.startswith("."):
            rows.append(_committed(path, verify))
    return rows


def _register_rows(settings, present: set[str]) -> list[tuple[str, str, str]]:
    """Deleted sessions (tombstones), and sessions the ledger anchored that are gone without one."""
    from notulist.archive.lifecycle import read_register

    rows = []
    for tombstone in read_register(settings):
        rows.append(
            (str(tombstone.get("session")), "deleted", f"{tombstone.get('deleted')}: {tombstone.get('reason')}")
        )
    deleted = {name for name, _, _ in rows}
    for name in sorted(anchored_sessions(settings) - present - deleted):
        rows.append((name, "MISSING", "anchored in the ledger, but gone without a tombstone"))
    return rows


def anchored_sessions(settings) -> set[str]:
    """Every session the ledger ever anchored."""
    from notulist.archive import chained_log
    from notulist.archive.ledger import SESSION_HEAD

    if not settings.ledger.exists():
        return set()
    entries = chained_log.check(settings.ledger).entries
    return {str(e.get("session")) for e in entries if e.get("kind") == SESSION_HEAD}


def _committed(path: Path, verify: bool) -> tuple[str, str, str]:
    from notulist.archive.ledger import check_anchor
    from notulist.archive.lifecycle import current_hold
    from notulist.archive.session import Session
    from notulist.archive.verify import session_problems
    from notulist.core.errors import SessionError

    try:
        session = Session(path)
        state = "held" if current_hold(session) else "complete"
    except SessionError:
        return path.name, "damaged", "not a readable session: run `notulist verify` on it"
    if not verify:
        return path.name, state, "not verified"
    problems = [*session_problems(path), *check_anchor(path.absolute()).problems]
    result = (
        "verifies"
        if not problems
        else f"TAMPERED: {problems[0]}" + (f" (+{len(problems) - 1})" if len(problems) > 1 else "")
    )
    return path.name, state, result
