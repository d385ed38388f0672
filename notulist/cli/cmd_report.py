"""``notulist report SESSION``: render a session's report.html and report.docx again.

For example after naming speakers: the reports then show the names. The old files are replaced atomically and the
re-render is logged in the session's audit log (event ``report_rendered``). Options such as ``--template``,
``--title``, ``--place``, ``--kenmerk`` and ``--status`` describe the meeting; they are logged as ``meeting_info`` and
kept for later renderings. ``--share`` writes ``minutes.docx``: the minutes to send on, without the recording, the
transcript or local paths (hashes in the Verantwoording appendix).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from notulist.cli.meeting_args import add_meeting_arguments, meeting_info_from_args
from notulist.core.report_formats import REPORT_FORMATS, parse_report_formats
from notulist.reports.data import AUDIO_MODES, AUTO_EMBED_MAX_BYTES


def parse_formats(value: str) -> tuple[str, ...]:
    """``"html,docx"`` -> ``("html", "docx")``, ``"none"`` -> ``()``; unknown or no formats are an argparse error."""
    try:
        return parse_report_formats(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="render a session's report.html / report.docx again (e.g. after naming speakers)",
        description="Render report.html and report.docx of a session again from its transcript, speaker names, "
        "summary and glossary. The change is recorded in the session's audit log.",
    )
    parser.add_argument("session", type=Path, help="the session folder")
    parser.add_argument(
        "--format",
        dest="formats",
        type=parse_formats,
        default=REPORT_FORMATS,
        metavar="html,docx",
        help="which reports to render, comma-separated, or 'none' to refresh only the transcript exports "
        "(txt, srt, vtt) (default: html,docx)",
    )
    parser.add_argument(
        "--audio",
        dest="audio_mode",
        choices=AUDIO_MODES,
        default="auto",
        help="embed the audio in report.html, or link to audio.flac beside it (keep the two together); "
        f"auto embeds recordings up to {AUTO_EMBED_MAX_BYTES // (1024 * 1024)} MiB (default: auto)",
    )
    parser.add_argument(
        "--share",
        action="store_true",
        help="also write minutes.docx: the minutes to send on (no audio, no transcript, no local paths)",
    )
    add_meeting_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from notulist.archive.session import Session
    from notulist.reports.meeting import MEETING_INFO
    from notulist.reports.session_files import SHARE_FILE, rerender, share_minutes

    session = Session(args.session)
    formats: tuple[str, ...] = tuple(args.formats)
    meeting = meeting_info_from_args(args)
    if meeting:
        session.record(MEETING_INFO, meeting)
    rerender(
        session,
        event="report_rendered",
        data={"formats": list(formats), "audio_mode": args.audio_mode},
        formats=formats,
        audio_mode=args.audio_mode,
    )
    for name in formats:
        print(session.path / f"report.{name}")
    if not formats:
        print(session.path)
    if args.share:
        session.update({SHARE_FILE: share_minutes(session)}, "minutes_shared", {"file": SHARE_FILE})
        print(session.path / SHARE_FILE)
    return 0
