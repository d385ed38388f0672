"""``notulist verify SESSION``: re-hash a session and report any tampering."""

from __future__ import annotations

import argparse
from pathlib import Path

from notulist.archive.session import Session
from notulist.core.errors import VerificationError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="check a session against its manifest and audit log",
        description="Re-hash every file of a session and check the hash chain of its audit log. Exits 0 when "
        "everything matches, 3 when anything was changed, removed or added after it was recorded.",
    )
    parser.add_argument("session", type=Path, help="the session folder")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    session = Session(args.session)
    problems = session.problems()
    if problems:
        for problem in problems:
            print(f"TAMPERED: {problem}")
        raise VerificationError(f"{session.path} does not match its manifest ({len(problems)} problem(s) above)")
    files = session.manifest.get("files", {})
    print(f"OK: {len(files)} files and {len(session.events())} audit events of {session.path} match")
    return 0
