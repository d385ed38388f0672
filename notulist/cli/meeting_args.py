"""Command-line options that describe the meeting for its minutes: template, title, date, place, kenmerk, status.

Given to ``notulist report``, they are recorded in the session's audit log as a ``meeting_info`` event (later ones
override earlier ones field by field), so every later rendering (after naming speakers, in the web app) keeps them.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from notulist.reports.meeting import STATUSES
from notulist.reports.minutes_templates import BUILT_IN

_TEXT_OPTIONS = (
    ("title", "the title of the minutes (default: the session's name)"),
    ("date", "the date of the meeting as it should appear (default: the recording's date)"),
    ("time", "the time of the meeting, e.g. '10:00-11:30' (default: the recording's start and end)"),
    ("place", "where the meeting took place"),
    ("kenmerk", "the reference (kenmerk) of the minutes"),
    ("author", "who wrote the minutes (the DOCX author; default: no author is claimed)"),
)


def add_meeting_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("minutes (recorded in the session's audit log)")
    group.add_argument(
        "--template",
        help=f"kind of minutes: {', '.join(BUILT_IN)}, or one of your own from --template-dir (default: verslag)",
    )
    group.add_argument(
        "--template-dir",
        type=Path,
        metavar="DIR",
        help="a folder with your organisation's templates (NAME.json, NAME.html.j2, NAME.docx)",
    )
    for name, text in _TEXT_OPTIONS:
        group.add_argument(f"--{name}", help=text)
    group.add_argument("--status", choices=STATUSES, help="concept (default) or definitief")
    group.add_argument("--absent", action="append", metavar="NAME", help="someone who was absent (repeat)")
    group.add_argument("--agenda", action="append", metavar="ITEM", help="an agenda item, in order (repeat)")


def meeting_info_from_args(args: argparse.Namespace) -> dict[str, Any]:
    """The ``meeting_info`` event data the options give (empty when none was given); checks the template."""
    from notulist.reports.minutes_templates import load_template

    data: dict[str, Any] = {}
    for name, _ in _TEXT_OPTIONS:
        value = getattr(args, name, None)
        if value is not None:
            data[name] = value
    for name in ("status", "absent", "agenda"):
        if getattr(args, name, None):
            data[name] = getattr(args, name)
    if args.template_dir is not None:
        data["template_dir"] = str(args.template_dir.resolve())
    if args.template is not None:
        data["template"] = load_template(args.template, args.template_dir).name
    elif args.template_dir is not None:
        load_template("verslag", args.template_dir)  # the folder must exist
    return data
