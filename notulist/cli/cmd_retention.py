"""``notulist retention [SESSIONS_DIR] [--apply]``: which sessions the retention policy says are due."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from notulist.cli.operator_args import add_operator_argument, operator_from_args


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "retention",
        help="show which sessions the retention policy says are due (dry run), --apply deletes them",
        description="Show, for every session, its kind, when it expires under the retention policy of the "
        "sessions folder (SESSIONS_DIR/archive.toml: [retention] days = N, [retention.kinds] live = N) and whether "
        "it is due. Nothing is deleted unless --apply is given; sessions under legal hold and sessions that fail "
        "verification are never deleted by a rule. Each deletion leaves a tombstone like `notulist delete`.",
    )
    parser.add_argument("sessions_dir", type=Path, nargs="?", default=Path("sessions"), metavar="SESSIONS_DIR")
    parser.add_argument("--apply", action="store_true", help="delete the sessions that are due")
    add_operator_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from notulist.archive.lifecycle import delete_session, finish_deletions, retention_plan
    from notulist.archive.verify import session_problems
    from notulist.core.errors import SessionError

    if not args.sessions_dir.is_dir():
        raise SessionError(f"{args.sessions_dir} is not a folder: give the sessions folder")
    finish_deletions(args.sessions_dir)
    now = datetime.now(UTC)
    plan = retention_plan(args.sessions_dir)
    due = [item for item in plan if item.due(now)]
    for item in plan:
        expires = item.expires.date().isoformat() if item.expires else "never (no retention period)"
        state = "DUE" if item.due(now) else ("held" if item.held else "kept")
        print(f"{state:<5} {item.session.path.name}  {item.kind}  expires {expires}")
    if not args.apply:
        print(f"{len(due)} of {len(plan)} sessions due; nothing deleted (dry run: add --apply to delete them)")
        return 0
    deleted = 0
    for item in due:
        if session_problems(item.session.path):
            print(f"skipped {item.session.path.name}: it fails `notulist verify`; look into it first")
            continue
        reason = f"retention: {item.kind} sessions are kept {item.keep_days} days"
        delete_session(item.session, reason, operator_from_args(args), now)
        deleted += 1
    print(f"{deleted} of {len(due)} due sessions deleted; tombstones are in the destruction register")
    return 0
