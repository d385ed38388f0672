"""``notulist delete SESSION --reason TEXT``: destroy a session (an objection, the end of its retention)."""

from __future__ import annotations

import argparse
from pathlib import Path

from notulist.cli.operator_args import add_operator_argument, operator_from_args


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "delete",
        help="delete a session: audio, transcript and every derived file; a tombstone is kept",
        description="Delete a session folder entirely (the audio, the transcript, reports and every other file) "
        "and write a tombstone to the destruction register beside the sessions folder: session id, when it was "
        "created and deleted, the reason, the operator and the sha256 of every file destroyed, never any content. "
        "Refused for a session under legal hold. Files already copied elsewhere (backups, e-mail) are not reached.",
    )
    parser.add_argument("session", type=Path, help="the session folder")
    parser.add_argument("--reason", required=True, help="why (the objection, request or retention rule)")
    add_operator_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from notulist.archive.lifecycle import delete_session, finish_deletions
    from notulist.archive.session import Session
    from notulist.archive.settings import load_settings

    session = Session(args.session)
    finish_deletions(session.path.parent)
    tombstone = delete_session(session, args.reason, operator_from_args(args))
    register_path = load_settings(session.path.parent).register
    print(
        f"deleted {tombstone['session']}: {len(tombstone['destroyed'])} files destroyed; "
        f"tombstone {tombstone['seq']} in {register_path}"
    )
    return 0
