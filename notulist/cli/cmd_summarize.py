"""``notulist summarize SESSION``: (re)write a session's minutes (summary.json) and refresh its reports.

The summary is written in one audited update together with the re-rendered exports and reports (event
``summary_written``). Problems the model had (timeouts, refusals, malformed answers, invented citations) are printed
as warnings and kept in summary.json.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from notulist.cli.summary_args import add_summary_arguments, report_summary, summarizer_from_args

EVENT = "summary_written"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "summarize",
        help="write a session's minutes again (topics, decisions, actions, open questions)",
        description="Write the minutes of a session again: topics, decisions, action items (owner, deadline) and "
        "open questions, each citing the transcript lines it came from and checked against them. Extractive by "
        "default; --llm-url/--llm-gguf/--llm-hf use a local language model, given the instructions of the session's "
        "template (notulist transcribe/report --template). Refreshes the reports. Runs offline.",
    )
    parser.add_argument("session", type=Path, help="the session folder")
    add_summary_arguments(parser, allow_disable=False)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from notulist.archive.session import Session, json_bytes
    from notulist.cli.progress_bar import ProgressBar
    from notulist.reports.session_files import rerender, session_meeting
    from notulist.summary.citations import check_citations
    from notulist.summary.model import summary_to_dict
    from notulist.summary.summarizer import with_agenda

    session = Session(args.session)
    transcript = session.transcript()
    meeting = session_meeting(session)  # a model gets the instructions of the session's template
    args.template = meeting.template or None
    args.template_dir = Path(meeting.template_dir) if meeting.template_dir else None
    summarizer = summarizer_from_args(args)
    if summarizer is None:  # not reachable: summarize has no --no-summary
        return 0
    summarizer = with_agenda(summarizer, meeting.agenda)  # a model's verslag prompt lists the agenda items
    with ProgressBar("summarize") as bar:
        summary = check_citations(summarizer.summarize(transcript, bar), transcript)
    content = json_bytes(summary_to_dict(summary))
    rerender(
        session,
        EVENT,
        {
            "method": summary.method,
            "model": summary.model,
            "points": len(summary.points),
            "source_transparency": round(summary.source_transparency, 4),
            "problems": list(summary.problems),
        },
        extra_files={"summary.json": content},
    )
    status = report_summary(summary, args, session.path)
    kinds = {kind: sum(p.kind == kind for p in summary.points) for kind in ("topic", "decision", "action", "question")}
    print(
        f"{counted(len(summary.points), 'point')} ({counted(kinds['topic'], 'topic')}, "
        f"{counted(kinds['decision'], 'decision')}, {counted(kinds['action'], 'action')}, "
        f"{counted(kinds['question'], 'open question')}) by {summary.method}"
        f"{' (' + summary.model + ')' if summary.model else ''}; "
        f"source transparency {summary.source_transparency:.0%}",
        file=sys.stderr,
    )
    print(session.path / "summary.json")
    return status


def counted(number: int, noun: str) -> str:
    """``1 decision``, ``2 decisions``, ``0 decisions``."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
