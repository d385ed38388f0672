"""Entry point of the ``notulist`` command.

Each sub-command lives in its own ``cli/cmd_*.py`` module exposing ``register(subparsers)``, which adds its parser
and sets ``func`` to a callable ``(args) -> int``. Errors a user can fix (``NotulistError``) are printed as one line
on stderr with a non-zero exit; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from notulist import __version__
from notulist.cli.flags import in_flags
from notulist.core.errors import NotulistError

COMMANDS = (
    "notulist.cli.cmd_transcribe",
    "notulist.cli.cmd_verify",
    "notulist.cli.cmd_report",
    "notulist.cli.cmd_summarize",
    "notulist.cli.cmd_glossary",
    "notulist.cli.cmd_speakers",
    "notulist.cli.cmd_live",
    "notulist.cli.cmd_recover",
    "notulist.cli.cmd_serve",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="notulist",
        description="Offline transcription and minutes for interviews and meetings (Dutch first). "
        "Nothing is sent over the network.",
    )
    parser.add_argument("--version", action="version", version=f"notulist {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens to stderr")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_name in COMMANDS:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    if not args.verbose:  # the commands report the minutes' problems themselves, once (cli/summary_args.py)
        logging.getLogger("notulist.summary").setLevel(logging.ERROR)
    try:
        return int(args.func(args) or 0)
    except NotulistError as exc:
        print(f"notulist: error: {in_flags(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("notulist: interrupted; nothing was written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
