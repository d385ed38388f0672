"""The one progress hook of notulist.

Library code never prints. Long-running stages report through a ``ProgressHook``: a callable taking a
``Progress`` event. The CLI turns these into a progress bar; tests and other callers may collect or ignore them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class Stage(StrEnum):
    """The stages a run reports progress for, in the order a run goes through them; the value is what a user
    reads (the CLI's progress bar shows it)."""

    ARCHIVE = "archive"
    DETECT_SPEECH = "detect speech"
    RECOGNIZE = "recognize"
    SECOND_PASS = "second pass"
    DIARIZE = "diarize"
    LINK_ABBREVIATIONS = "link abbreviations"
    SUMMARIZE = "summarize"
    WRITE_REPORTS = "write reports"


@dataclass(frozen=True)
class Progress:
    """``done`` of ``total`` units of work in ``stage``; ``unit`` names what is counted ("s" = audio seconds)."""

    stage: Stage
    done: float
    total: float
    unit: str = "s"


ProgressHook = Callable[[Progress], None]


def no_progress(_: Progress) -> None:
    """A hook that ignores every event."""
