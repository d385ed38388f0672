"""Entry point of the ``notulist`` command.

Each sub-command lives in its own ``cli/cmd_*.py`` module exposing ``register(subparsers)``, which adds its parser
and sets ``func`` to a callable ``(args) -> int``. Errors a user can fix (``NotulistError``) are printed as one line
on stderr with a non-zero exit; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import signal
import sys
import threading

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
    "notulist.cli.cmd_sessions",
    "notulist.cli.cmd_hold",
    "notulist.cli.cmd_delete",
    "notulist.cli.cmd_retention",
    "notulist.cli.cmd_batch",
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


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP (a shutdown, a closed terminal): handled exactly like Ctrl+C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _stop(signum: int, frame: object) -> None:
    raise Stopped(signum)


def _stop_like_ctrl_c() -> dict[int, object]:
    """Install the handlers; returns the previous ones (a caller running ``main`` in-process gets them back)."""
    if threading.current_thread() is not threading.main_thread():
        return {}  # only the main thread may handle signals
    return {signum: signal.signal(signum, _stop) for signum in (signal.SIGTERM, signal.SIGHUP)}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    previous = _stop_like_ctrl_c()
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    if not args.verbose:  # the commands report the minutes' problems themselves, once (cli/summary_args.py)
        logging.getLogger("notulist.summary").setLevel(logging.ERROR)
    try:
        return int(args.func(args) or 0)
    except NotulistError as exc:
        print(f"notulist: error: {in_flags(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt as exc:
        print("notulist: interrupted; nothing was written", file=sys.stderr)
        return 128 + getattr(exc, "signum", signal.SIGINT)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


if __name__ == "__main__":
    sys.exit(main())
