"""Argument types shared by the sub-commands."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def counting(what: str) -> Callable[[str], int]:
    """An argparse type for a whole number of ``what`` (speakers, workers): 1 or more, else a one-line error."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from exc
        if value < 1:
            raise argparse.ArgumentTypeError(f"{value} is not a number of {what}: give 1 or more")
        return value

    return parse
