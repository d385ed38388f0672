"""``notulist transcribe FILE``: a recording in, an archived, auditable session out."""

from __future__ import annotations

import argparse
from pathlib import Path

from notulist.cli.pipeline_args import add_pipeline_arguments, add_sessions_dir_argument, options_from_args
from notulist.cli.progress_bar import ProgressBar
from notulist.cli.summary_args import report_summary
from notulist.pipeline.run import run_pipeline
from notulist.reports.session_files import session_summary


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "transcribe",
        help="transcribe a recording into a new session folder",
        description="Transcribe a recording (any audio or video file FFmpeg can read) into a new session folder "
        "SESSIONS_DIR/<yyyy-mm-ddThhmm>_<name>/ holding the original audio (audio.flac), the transcript "
        "(json, txt, srt, vtt), speakers, abbreviation links, a summary, reports and a tamper-evident audit log. "
        "Prints the session folder as the last line. Runs offline.",
    )
    parser.add_argument("input", type=Path, help="the recording (wav, flac, mp3, m4a, ogg, mp4, ...)")
    add_sessions_dir_argument(parser)
    add_pipeline_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    options = options_from_args(args)
    with ProgressBar("transcribe") as bar:
        session = run_pipeline(args.input, args.sessions_dir, options, bar)
    status = report_summary(session_summary(session), args, session.path)
    print(session.path)
    return status
