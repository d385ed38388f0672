"""``--operator``: who does an archive action (recorded in the audit log, the ledger and the register)."""

from __future__ import annotations

import argparse
import getpass


def add_operator_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--operator",
        metavar="NAME",
        default=None,
        help="who does this (recorded; default: the login name)",
    )


def operator_from_args(args: argparse.Namespace) -> str:
    if args.operator and args.operator.strip():
        return args.operator.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
