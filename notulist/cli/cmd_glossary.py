"""`notulist glossary lookup TERM` and `notulist glossary check FILE`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from notulist.glossary import Glossary, GlossaryError, load_glossary
from notulist.glossary.loader import merge, parse_file
from notulist.glossary.model import Meaning


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "glossary",
        help="look up abbreviations, check a glossary file",
        description="The civil-service glossary: look up an abbreviation, or validate your own glossary file.",
    )
    actions = parser.add_subparsers(dest="glossary_command", required=True, metavar="ACTION")

    lookup = actions.add_parser(
        "lookup",
        help="show every meaning of an abbreviation, with its source",
        description="Normalised lookup: 'a.v.g.', 'avg', 'AVG' and 'aa vee gee' all find AVG.",
    )
    lookup.add_argument(
        "term",
        nargs="+",
        help="the abbreviation; several words are one spoken term when the glossary knows it (aa vee gee), "
        "otherwise each is looked up (AVG DPIA)",
    )
    lookup.add_argument(
        "--glossary", type=Path, action="append", default=[], metavar="FILE", help="your own glossary on top"
    )
    lookup.set_defaults(func=run_lookup)

    check = actions.add_parser(
        "check",
        help="validate a glossary file",
        description="Validate a glossary YAML file. Exit 0 and a count when it is fine; otherwise one line per "
        "problem (file:line: field: what to fix) and exit 2.",
    )
    check.add_argument("file", type=Path, nargs="+", help="the glossary file(s) to check")
    check.set_defaults(func=run_check)

    add = actions.add_parser(
        "add",
        help="add an abbreviation to your own glossary file",
        description="Append one abbreviation to your own glossary YAML (created when missing) and check the file. "
        "Use it with `notulist transcribe ... --glossary FILE`.",
    )
    add.add_argument("abbreviation", help="the abbreviation as it is written, e.g. BBN")
    add.add_argument("expansion", help='what it stands for, e.g. "basisbeveiligingsniveau"')
    add.add_argument("--file", type=Path, required=True, help="your glossary file, e.g. mijn-afkortingen.yaml")
    add.add_argument("--spoken", action="append", default=[], metavar="TEXT", help="how it is said (repeatable)")
    add.set_defaults(func=run_add)


def _format(meaning: Meaning) -> list[str]:
    lines = [f"{meaning.abbreviation}  {meaning.expansion}    [{meaning.id}]"]
    if meaning.description:
        lines.append(f"    {meaning.description}")
    details = []
    if meaning.domain:
        details.append(f"domain: {meaning.domain}")
    if meaning.organisation:
        details.append(f"organisation: {meaning.organisation}")
    if meaning.valid_from or meaning.valid_until:
        since = meaning.valid_from.isoformat() if meaning.valid_from else "..."
        until = meaning.valid_until.isoformat() if meaning.valid_until else "..."
        details.append(f"valid: {since} to {until}")
    if details:
        lines.append("    " + "; ".join(details))
    if meaning.context_words:
        lines.append("    context: " + ", ".join(meaning.context_words))
    lines.append(f"    source: {meaning.source}")
    if meaning.url:
        lines.append(f"    url: {meaning.url}")
    return lines


def lookup_terms(glossary: Glossary, words: list[str]) -> list[tuple[str, list[Meaning]]]:
    """What to look up for the words given: all of them as one term when that is known ("aa vee gee"), otherwise
    each word on its own ("AVG DPIA" is two abbreviations), with their meanings (empty when unknown)."""
    term = " ".join(" ".join(words).split())
    meanings = glossary.lookup(term)
    if meanings or len(term.split()) < 2:
        return [(term, meanings)]
    return [(word, glossary.lookup(word)) for word in term.split()]


def run_lookup(args: argparse.Namespace) -> int:
    glossary = load_glossary(args.glossary)
    found = lookup_terms(glossary, args.term)
    for number, (term, meanings) in enumerate(found):
        if number:
            print()
        if not meanings:
            print(f"'{term}' is not in the glossary ({len(glossary)} abbreviations, version {glossary.version})")
            continue
        for meaning in meanings:
            print("\n".join(_format(meaning)))
        entry = glossary.entry(meanings[0].abbreviation)
        if entry and entry.spoken_variants:
            print("spoken as: " + ", ".join(entry.spoken_variants + entry.context_variants))
    return 0 if all(meanings for _, meanings in found) else 1


def run_check(args: argparse.Namespace) -> int:
    problems: list[str] = []
    parsed = []
    for path in args.file:
        try:
            parsed.append(parse_file(path))
        except GlossaryError as exc:
            problems.extend(exc.problems)
    if not problems:
        try:
            glossary = merge(parsed)
        except GlossaryError as exc:
            problems.extend(exc.problems)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{len(problems)} problem(s); fix them and run the check again", file=sys.stderr)
        return GlossaryError.exit_code
    entries = sum(len(p.entries) for p in parsed)
    print(f"ok: {entries} abbreviations, {glossary.meaning_count} meanings in {', '.join(map(str, args.file))}")
    return 0


def run_add(args: argparse.Namespace) -> int:
    from notulist.glossary.user_file import add_entry

    add_entry(args.file, args.abbreviation, args.expansion, tuple(args.spoken))
    print(f"{args.abbreviation} toegevoegd aan {args.file}; gebruik het met --glossary {args.file}")
    return 0
