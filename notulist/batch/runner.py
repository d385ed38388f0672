"""The batch scheduler (one for every backend) and the in-process backend."""

from __future__ import annotations

import logging
import os
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from notulist.batch.jobs import Backend, Job, JobResult
from notulist.batch.model import (
    DONE,
    FAILED,
    NOT_RUN,
    SKIPPED,
    BatchEvent,
    BatchHook,
    BatchResult,
    Outcome,
    Recording,
    WorkerInfo,
    no_events,
)
from notulist.batch.resume import DoneSessions
from notulist.core.errors import NotulistError
from notulist.core.hashing import sha256_file
from notulist.core.progress import Progress
from notulist.pipeline.run import PipelineOptions, run_pipeline

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 2  # a recording whose worker dies is tried once more, then reported
TICK_S = 0.5


class InProcessBackend:
    """One recording after another in this process (the models stay loaded between recordings)."""

    def __init__(self, sessions_dir: Path, options: PipelineOptions, hook: BatchHook = no_events) -> None:
        self._sessions_dir = Path(sessions_dir)
        self._options = options
        self._hook = hook
        self._job: Job | None = None
        self._worker = WorkerInfo("in this process", os.getpid())

    def free_slots(self) -> int:
        return 0 if self._job else 1

    def running(self) -> int:
        return 1 if self._job else 0

    def submit(self, job: Job) -> WorkerInfo:
        self._job = job
        return self._worker

    def collect(self, timeout_s: float) -> list[JobResult]:
        job, self._job = self._job, None
        if job is None:
            return []

        def forward(progress: Progress) -> None:
            self._hook(BatchEvent("progress", job.recording, progress=progress, worker=self._worker))

        started = time.perf_counter()
        try:
            session = run_pipeline(job.recording.path, self._sessions_dir, self._options, forward)
        except NotulistError as exc:
            return [JobResult(job, error=str(exc), wall_s=time.perf_counter() - started, worker=self._worker)]
        except Exception as exc:  # a bug on one recording must not stop a batch of thousands
            log.warning("unexpected error on %s", job.recording.path, exc_info=True)
            error = f"unexpected error ({type(exc).__name__}: {exc}); please report it"
            return [JobResult(job, error=error, wall_s=time.perf_counter() - started, worker=self._worker)]
        duration = session.manifest.get("audio", {}).get("duration")
        return [
            JobResult(job, session.path, audio_s=duration, wall_s=time.perf_counter() - started, worker=self._worker)
        ]

    def close(self) -> None:
        self._job = None


@dataclass
class _State:
    pending: deque[Job] = field(default_factory=deque)
    outcomes: dict[Recording, Outcome] = field(default_factory=dict)
    running: dict[Recording, WorkerInfo] = field(default_factory=dict)
    claimed: dict[str, Recording] = field(default_factory=dict)  # source sha256 -> the recording that makes it
    copies: dict[Recording, Recording] = field(default_factory=dict)  # a second input of the same recording -> first


def run_batch(
    recordings: Sequence[Recording],
    backend: Backend,
    done: DoneSessions,
    hook: BatchHook = no_events,
) -> BatchResult:
    """Transcribe ``recordings`` on ``backend``, skipping those ``done`` already holds; never raises for one file.

    An interrupt (Ctrl+C) stops the batch: running recordings are abandoned (no session is committed for them) and
    they and those not started are reported as not run. The backend is closed in every case.
    """
    state = _State(pending=deque(Job(r, "") for r in recordings))
    interrupted = False
    try:
        while state.pending or backend.running():
            _dispatch(state, backend, done, hook)
            if state.pending and not backend.running() and not backend.free_slots():
                _fail_pending(state, "no worker is left to transcribe it (every worker stopped)", hook)
                break
            for result in backend.collect(TICK_S):
                _settle(state, result, done, hook)
            hook(BatchEvent("tick"))
    except KeyboardInterrupt:
        interrupted = True
    finally:
        backend.close()
    for recording in recordings:
        if recording not in state.outcomes:
            state.outcomes[recording] = Outcome(recording, NOT_RUN, error="the batch was interrupted")
    return BatchResult(tuple(_resolve_copies(recordings, state)), interrupted)


def _dispatch(state: _State, backend: Backend, done: DoneSessions, hook: BatchHook) -> None:
    while state.pending and backend.free_slots() > 0:
        job = state.pending.popleft()
        recording = job.recording
        sha = job.source_sha256 or _hash(recording, state, hook)
        if sha is None:
            continue
        existing = done.get(sha)
        if job.attempt == 1 and existing is not None:
            _finish(state, Outcome(recording, SKIPPED, existing, note="already transcribed", source_sha256=sha), hook)
            continue
        first = state.claimed.setdefault(sha, recording)
        if first != recording:
            state.copies[recording] = first
            note = f"same recording as {first.path}"
            _finish(state, Outcome(recording, SKIPPED, note=note, source_sha256=sha), hook)
            continue
        job = replace(job, source_sha256=sha)
        try:
            worker = backend.submit(job)
        except OSError as exc:
            reason = f"cannot read {recording.path} ({exc.strerror or exc}): check the file and its permissions"
            _finish(state, Outcome(recording, FAILED, error=reason, source_sha256=sha), hook)
            continue
        state.running[recording] = worker
        hook(BatchEvent("started", recording, worker=worker, attempt=job.attempt))


def _fail_pending(state: _State, reason: str, hook: BatchHook) -> None:
    while state.pending:
        job = state.pending.popleft()
        _finish(state, Outcome(job.recording, FAILED, error=reason, attempts=job.attempt - 1), hook)


def _hash(recording: Recording, state: _State, hook: BatchHook) -> str | None:
    try:
        return sha256_file(recording.path)
    except OSError as exc:
        reason = f"cannot read {recording.path} ({exc.strerror or exc}): check the file and its permissions"
        _finish(state, Outcome(recording, FAILED, error=reason), hook)
        return None


def _settle(state: _State, result: JobResult, done: DoneSessions, hook: BatchHook) -> None:
    job = result.job
    state.running.pop(job.recording, None)
    worker = result.worker.label if result.worker else None
    if result.worker_lost and job.attempt < MAX_ATTEMPTS:
        state.pending.appendleft(replace(job, attempt=job.attempt + 1))
        hook(BatchEvent("retry", job.recording, worker=result.worker, attempt=job.attempt, detail=result.error or ""))
        return
    base = Outcome(job.recording, FAILED, source_sha256=job.source_sha256, attempts=job.attempt, worker=worker)
    if result.session is None:
        outcome = replace(base, error=result.error or "failed for an unknown reason", wall_s=result.wall_s)
    else:
        done.add(job.source_sha256, result.session)
        outcome = replace(base, status=DONE, session=result.session, audio_s=result.audio_s, wall_s=result.wall_s)
    _finish(state, outcome, hook)


def _finish(state: _State, outcome: Outcome, hook: BatchHook) -> None:
    state.outcomes[outcome.recording] = outcome
    hook(BatchEvent("finished", outcome.recording, outcome=outcome, attempt=max(outcome.attempts, 1)))


def _resolve_copies(recordings: Sequence[Recording], state: _State) -> list[Outcome]:
    """A recording skipped as a copy of another takes that one's session (or its failure)."""
    resolved = []
    for recording in recordings:
        outcome = state.outcomes[recording]
        first = state.copies.get(recording)
        if first is not None and outcome.status == SKIPPED:
            original = state.outcomes[first]
            if original.status == DONE:
                outcome = replace(outcome, session=original.session)
            else:
                outcome = replace(outcome, status=original.status, error=f"same recording as {first.path}")
        resolved.append(outcome)
    return resolved
