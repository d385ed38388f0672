"""``notulist recover SESSIONS_DIR_OR_LIVE_DIR``: turn an interrupted live recording into a normal session.

A live recording interrupted by a crash, ``kill -9`` or a power cut leaves a ``*.live`` folder holding the raw
audio captured up to at most about a second before the interruption, and the segments shown live. Recovery runs the
normal offline pipeline on that audio (the session keeps the ids of the segments shown live where the text
matches) and removes the ``.live`` folder once the session exists. Given a sessions folder, it recovers every
interrupted recording in it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from notulist.archive.session import MANIFEST
from notulist.core.errors import SessionError
from notulist.live.recording import (
    find_interrupted,
    is_in_use,
    is_live_dir,
    read_captured,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    from notulist.cli.pipeline_args import add_pipeline_arguments

    parser = subparsers.add_parser(
        "recover",
        help="turn an interrupted live recording into a normal session",
        description="Turn what an interrupted `notulist live` captured (a *.live folder left by a crash, kill or "
        "power cut) into a normal session: full-quality transcript, speakers, summary and reports. Give the "
        "*.live folder, or a sessions folder to recover every interrupted recording in it. Prints each new "
        "session folder. Runs offline.",
    )
    parser.add_argument("path", type=Path, metavar="SESSIONS_OR_LIVE_DIR", help="a *.live folder or a sessions folder")
    parser.add_argument(
        "--sessions-dir",
        type=Path,
        help="where to create the sessions (default: the folder that holds the *.live folder)",
    )
    add_pipeline_arguments(parser)
    parser.set_defaults(func=run)


def targets(path: Path) -> list[Path]:
    """The ``.live`` folders to recover for a path given on the command line."""
    path = Path(path)
    if not path.exists():
        raise SessionError(f"{path} does not exist: give a *.live folder or the sessions folder that holds it")
    if is_live_dir(path):
        if is_in_use(path):
            raise SessionError(f"{path} is still being recorded by a running `notulist live`: stop that one first")
        return [path]
    if (path / MANIFEST).is_file():
        raise SessionError(f"{path} is already a complete session: there is nothing to recover")
    found = find_interrupted(path)
    if not found:
        raise SessionError(f"{path} holds no interrupted live recording (*.live folder): nothing to recover")
    return found


def run(args: argparse.Namespace) -> int:
    from notulist.cli.pipeline_args import options_from_args
    from notulist.cli.progress_bar import ProgressBar
    from notulist.cli.summary_args import report_summary
    from notulist.live.finalize import finalize_recording
    from notulist.reports.session_files import session_summary

    found = targets(args.path)
    options = options_from_args(args)
    status = 0
    for live_dir in found:
        captured = read_captured(live_dir)
        sessions_dir = args.sessions_dir or live_dir.parent
        print(
            f"recovering {live_dir} ({captured.duration_s:.1f} s of audio, {len(captured.segments)} live segments)",
            file=sys.stderr,
        )
        with ProgressBar("recover") as bar:
            session = finalize_recording(live_dir, sessions_dir, options, bar)
        status = max(status, report_summary(session_summary(session), args, session.path))
        print(session.path)
    return status
