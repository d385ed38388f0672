"""The vocabulary of a batch: recordings, what became of each, and the events a front end can show."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from notulist.core.progress import Progress

DONE = "done"  # a new session was made
SKIPPED = "skipped"  # already in the sessions folder with the same options (or the same recording twice)
FAILED = "failed"  # with a one-line reason
NOT_RUN = "not run"  # the batch was interrupted before or while this recording ran


@dataclass(frozen=True)
class Recording:
    """One input file, with its duration from the container header (None when the header does not say)."""

    path: Path
    duration_s: float | None = None


@dataclass(frozen=True)
class Outcome:
    """What became of one recording."""

    recording: Recording
    status: str
    session: Path | None = None
    error: str | None = None
    note: str | None = None  # why it was skipped
    source_sha256: str | None = None
    audio_s: float | None = None  # the archived duration, for a new session
    wall_s: float | None = None  # time spent transcribing it (the last attempt)
    attempts: int = 0
    worker: str | None = None


@dataclass(frozen=True)
class WorkerInfo:
    """Who transcribes a recording: a label for people and the process id (to watch or stop it)."""

    label: str
    pid: int | None = None


@dataclass(frozen=True)
class BatchEvent:
    """``kind`` is one of: started, progress (a pipeline stage of a running recording), finished (with the outcome),
    retry (its worker died; it runs again), tick (nothing new: time passes)."""

    kind: str
    recording: Recording | None = None
    outcome: Outcome | None = None
    progress: Progress | None = None
    worker: WorkerInfo | None = None
    attempt: int = 1
    detail: str = ""


BatchHook = Callable[[BatchEvent], None]


def no_events(_: BatchEvent) -> None:
    """A hook that ignores every event."""


@dataclass(frozen=True)
class BatchResult:
    outcomes: tuple[Outcome, ...]
    interrupted: bool = False

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def failed(self) -> bool:
        return self.interrupted or any(outcome.status in (FAILED, NOT_RUN) for outcome in self.outcomes)
