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


def _add_template_options(group: argparse._ArgumentGroup) -> None:
    group.add_argument(
        "--template",
        help=f"kind of minutes: {', '.join(BUILT_IN)}, or one of your own from --template-dir (default: verslag); "
        "a language model (--llm-*) gets the instructions of this kind",
    )
    group.add_argument(
        "--template-dir",
        type=Path,
        metavar="DIR",
        help="a folder with your organisation's templates (NAME.json, NAME.html.j2, NAME.docx)",
    )


def add_meeting_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``notulist report``: the template and everything the minutes' heading says."""
    group = parser.add_argument_group("minutes (recorded in the session's audit log)")
    _add_template_options(group)
    for name, text in _TEXT_OPTIONS:
        group.add_argument(f"--{name}", help=text)
    group.add_argument("--status", choices=STATUSES, help="concept (default) or definitief")
    group.add_argument("--absent", action="append", metavar="NAME", help="someone who was absent (repeat)")
    group.add_argument("--agenda", action="append", metavar="ITEM", help="an agenda item, in order (repeat)")


def add_template_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of a new session (``notulist transcribe``, ``live``, ...): the template and the agenda."""
    group = parser.add_argument_group(
        "minutes template (recorded in the session's audit log; change it later with notulist report)"
    )
    _add_template_options(group)
    group.add_argument(
        "--agenda",
        action="append",
        metavar="ITEM",
        help="an agenda item, in order (repeat); default: the agenda of a --context document, when it holds one",
    )


def template_base(args: argparse.Namespace) -> str:
    """The built-in kind the chosen template is (an organisation's template names its base); ``verslag`` if none."""
    from notulist.reports.minutes_templates import load_template

    name = getattr(args, "template", None)
    if not name:
        return "verslag"
    return load_template(name, getattr(args, "template_dir", None)).base


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
    if getattr(args, "template_dir", None) is not None:
        data["template_dir"] = str(args.template_dir.resolve())
    if getattr(args, "template", None) is not None:
        data["template"] = load_template(args.template, args.template_dir).name
    elif args.template_dir is not None:
        load_template("verslag", args.template_dir)  # the folder must exist
    return data


def new_session_meeting_from_args(args: argparse.Namespace) -> dict[str, Any]:
    """The ``meeting_info`` a new session starts with (``--template``, ``--template-dir``, ``--agenda``); checked
    before anything is transcribed, so an unknown template costs no transcription."""
    chosen = argparse.Namespace(
        template=getattr(args, "template", None),
        template_dir=getattr(args, "template_dir", None),
        agenda=getattr(args, "agenda", None),
    )
    return meeting_info_from_args(chosen)
