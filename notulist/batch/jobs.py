"""What the scheduler hands a backend and what it gets back; the interface every backend implements."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from notulist.batch.model import Recording, WorkerInfo


@dataclass(frozen=True)
class Job:
    recording: Recording
    source_sha256: str
    attempt: int = 1


@dataclass(frozen=True)
class JobResult:
    """A finished job: a committed session, or an error; ``worker_lost`` when the worker died while on it."""

    job: Job
    session: Path | None = None
    error: str | None = None
    worker_lost: bool = False
    audio_s: float | None = None
    wall_s: float | None = None
    worker: WorkerInfo | None = None


class Backend(Protocol):
    """Runs jobs: in this process, or on Ray actors."""

    def free_slots(self) -> int:
        """How many more jobs can be submitted now."""
        ...

    def running(self) -> int: ...

    def submit(self, job: Job) -> WorkerInfo:
        """Start ``job``; returns who runs it. Raises OSError when the recording cannot be read."""
        ...

    def collect(self, timeout_s: float) -> list[JobResult]:
        """The jobs finished since the last call; waits up to ``timeout_s`` for one when none has."""
        ...

    def close(self) -> None:
        """Stop every worker; a job still running is abandoned (its session is never committed)."""
        ...
