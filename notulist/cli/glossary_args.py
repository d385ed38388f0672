"""The glossary flags of `notulist transcribe` and what they resolve to."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from notulist.glossary import Glossary, load_glossary
from notulist.glossary.context import SessionContext
from notulist.glossary.documents import read_document
from notulist.glossary.spelled import Candidate
from notulist.pipeline.context import context_hints


@dataclass(frozen=True)
class GlossaryChoice:
    glossary: Glossary
    link: bool  # False with --no-links: the glossary is still recorded, no links are made
    hints: str | None  # pass to faster-whisper as `hotwords` (glossary.hints.HINT_PARAMETER) when not None
    context: SessionContext | None = None
    second_pass: tuple[Candidate, ...] = ()


def add_glossary_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("glossary (abbreviations)")
    group.add_argument(
        "--glossary",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="your own glossary YAML on top of the bundled civil-service one (repeatable; later files win); "
        "check it first with `notulist glossary check FILE`",
    )
    group.add_argument(
        "--keyword",
        action="append",
        default=[],
        metavar="TERM",
        help="an abbreviation or name you expect to be said (repeatable); given to the recogniser as a hint "
        "(a measured gain: 11 -> 14 of 17 spoken abbreviations linked on the samples)",
    )
    group.add_argument(
        "--context",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="a document about this meeting: agenda, invitation, case file, earlier minutes (.txt, .md, .docx, "
        ".pdf; repeatable). Read locally; its abbreviations and names become hints for the recogniser, and it is "
        "archived with the session",
    )
    group.add_argument(
        "--no-second-pass",
        action="store_true",
        help="do not decode lines again where they sound like a spelled abbreviation (the glossary second pass)",
    )
    group.add_argument("--no-links", action="store_true", help="do not link abbreviations to the glossary")


def glossary_from_args(args: argparse.Namespace) -> GlossaryChoice:
    """Load the glossary and context documents the flags ask for (raises GlossaryError naming file:line and field
    on a bad glossary file, ContextError on a document that cannot be read)."""
    glossary = load_glossary(getattr(args, "glossary", []) or [])
    keywords = getattr(args, "keyword", []) or []
    documents = [read_document(p) for p in getattr(args, "context", []) or []]
    link = not getattr(args, "no_links", False)
    second_pass = link and not getattr(args, "no_second_pass", False)
    context, hints, candidates = context_hints(glossary, documents, keywords, second_pass)
    return GlossaryChoice(glossary=glossary, link=link, hints=hints, context=context, second_pass=candidates)
