"""``notulist hold SESSION --reason TEXT`` / ``--release``: a legal hold that stops any deletion of the session."""

from __future__ import annotations

import argparse
from pathlib import Path

from notulist.cli.operator_args import add_operator_argument, operator_from_args


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "hold",
        help="put a session under legal hold (no deletion, not by hand nor by retention), or release it",
        description="Put a session under legal hold: `notulist delete` and `notulist retention --apply` refuse to "
        "remove it until the hold is released. The hold and its release are audit events of the session.",
    )
    parser.add_argument("session", type=Path, help="the session folder")
    parser.add_argument("--reason", required=True, help="the case, request or order the hold (or release) serves")
    parser.add_argument("--release", action="store_true", help="lift the hold")
    add_operator_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from notulist.archive.lifecycle import place_hold, release_hold
    from notulist.archive.session import Session

    session = Session(args.session)
    if args.release:
        release_hold(session, args.reason, operator_from_args(args))
        print(f"{session.path.name}: legal hold released")
    else:
        place_hold(session, args.reason, operator_from_args(args))
        print(f"{session.path.name}: under legal hold ({args.reason.strip()})")
    return 0
