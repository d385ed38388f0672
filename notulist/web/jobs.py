"""Recordings uploaded in the browser: streamed to disk with a size limit, then transcribed in a worker thread.

The pipeline runs as a library (``notulist.pipeline.run.run_pipeline``) off the request path; its progress events
are kept on the ``Job`` so the page can follow them (server-sent events).

Context documents (an agenda, the case file) are sent first, one request each: each is read and checked at once (a
bad one is refused with a Dutch message before any recording is sent) and kept in memory under an id until the
recording's upload names it; the run then uses them exactly as ``--context`` (``notulist.pipeline.context``).
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

from notulist.core.errors import NotulistError
from notulist.core.progress import Progress, Stage
from notulist.glossary.documents import MAX_BYTES as CONTEXT_MAX_BYTES
from notulist.glossary.documents import ContextDocument, ContextError, document_from_bytes
from notulist.pipeline.context import with_context
from notulist.pipeline.run import PipelineOptions, run_pipeline

AUDIO_SUFFIXES = (".wav", ".flac", ".mp3", ".m4a", ".ogg", ".opus", ".webm", ".mp4", ".aac", ".wma", ".mkv")
UPLOADS = ".uploads"
PENDING_CONTEXT = 32  # context documents kept for uploads still to come; the oldest goes first
PENDING_SECONDS = 3600  # ... and for at most an hour


# The pipeline's stage names as the page shows them.
STAGES_NL = {  # every stage a run reports (tests/web check that none is missing)
    Stage.ARCHIVE: "opname archiveren",
    Stage.DETECT_SPEECH: "spraak zoeken",
    Stage.RECOGNIZE: "spraak herkennen",
    Stage.SECOND_PASS: "afkortingen opnieuw beluisteren",
    Stage.DIARIZE: "sprekers onderscheiden",
    Stage.LINK_ABBREVIATIONS: "afkortingen koppelen",
    Stage.SUMMARIZE: "samenvatten",
    Stage.WRITE_REPORTS: "verslagen schrijven",
}


class UploadError(ValueError):
    """A refused upload; the message is shown to the user."""


def upload_name(name: str) -> str:
    """A safe file name for an uploaded recording (its extension must be an audio one)."""
    base = Path(name.replace("\\", "/")).name
    stem, suffix = Path(base).stem, Path(base).suffix.lower()
    if suffix not in AUDIO_SUFFIXES:
        raise UploadError(f"Dit is geen opname die notulist kent: kies een bestand ({', '.join(AUDIO_SUFFIXES)}).")
    stem = re.sub(r"[^A-Za-z0-9._ -]+", "_", stem).strip(" .") or "opname"
    return f"{stem[:80]}{suffix}"


async def receive_upload(chunks: AsyncIterator[bytes], target: Path, limit: int) -> int:
    """Write the request body to ``target`` chunk by chunk; over ``limit`` bytes the file is removed and refused."""
    size = 0
    try:
        with open(target, "wb") as handle:
            async for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise UploadError(f"Het bestand is groter dan {limit // (1024 * 1024)} MB en is niet opgeslagen.")
                handle.write(chunk)
        if size == 0:
            raise UploadError("Het bestand is leeg.")
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return size


async def receive_bytes(chunks: AsyncIterator[bytes], limit: int) -> bytes:
    """The request body in memory, refused over ``limit`` bytes."""
    parts: list[bytes] = []
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise UploadError(f"Het bestand is groter dan {limit // (1024 * 1024)} MB en is niet opgeslagen.")
        parts.append(chunk)
    return b"".join(parts)


def read_context(name: str, data: bytes) -> ContextDocument:
    """An uploaded context document, read and checked; UploadError with a Dutch sentence when it cannot be used."""
    if not data:
        raise UploadError(f"Het stuk {Path(name).name or '(zonder naam)'} is leeg.")
    try:
        return document_from_bytes(name or "stuk", data)
    except ContextError as exc:
        message = str(exc)
        raise UploadError(message[:1].upper() + message[1:] + ".") from exc


def context_limit(upload_limit: int) -> int:
    return min(CONTEXT_MAX_BYTES, upload_limit)


@dataclass
class Job:
    id: str
    name: str
    stage: str = "wachten"
    done: float = 0.0
    total: float = 0.0
    state: str = "running"  # running | done | failed
    session_id: str | None = None
    error: str | None = None
    changed: float = field(default_factory=time.monotonic)

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "stage": self.stage,
            "done": self.done,
            "total": self.total,
            "state": self.state,
            "session_id": self.session_id,
            "error": self.error,
        }


class Jobs:
    """The transcriptions started from the browser, one worker thread each."""

    def __init__(self, sessions_dir: Path, options: Callable[[], PipelineOptions]) -> None:
        self.sessions_dir = sessions_dir
        self.options = options
        self._jobs: dict[str, Job] = {}
        self._context: dict[str, tuple[float, ContextDocument]] = {}  # id -> (when received, document)
        self._lock = threading.Lock()

    def keep_context(self, document: ContextDocument) -> str:
        """Keep an uploaded context document for the recording's upload; returns its id."""
        key = secrets.token_hex(8)
        with self._lock:
            now = time.monotonic()
            for old in [k for k, (when, _) in self._context.items() if now - when > PENDING_SECONDS]:
                del self._context[old]
            while len(self._context) >= PENDING_CONTEXT:
                del self._context[next(iter(self._context))]
            self._context[key] = (now, document)
        return key

    def context_documents(self, keys: list[str]) -> list[ContextDocument]:
        """The kept documents with these ids (still kept); UploadError when one is unknown or expired."""
        with self._lock:
            missing = [k for k in keys if k not in self._context]
            if missing:
                raise UploadError("Een bijgevoegd stuk is niet meer bekend: voeg de stukken opnieuw toe.")
            return [self._context[k][1] for k in keys]

    def forget_context(self, keys: list[str]) -> None:
        with self._lock:
            for key in keys:
                self._context.pop(key, None)

    def upload_dir(self) -> Path:
        """A new private folder for one upload (the recording keeps its own name: it names the session)."""
        path = self.sessions_dir / UPLOADS / secrets.token_hex(8)
        path.mkdir(parents=True)
        return path

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def start(self, recording: Path, name: str, context: list[ContextDocument] | None = None) -> Job:
        """Transcribe ``recording`` in a worker thread, with ``context`` documents as ``--context`` would."""
        job = Job(id=secrets.token_hex(8), name=name)
        with self._lock:
            self._jobs[job.id] = job
        thread = threading.Thread(
            target=self._run, args=(job, recording, context or []), name=f"transcribe-{job.id}", daemon=True
        )
        thread.start()
        return job

    def _run(self, job: Job, recording: Path, context: list[ContextDocument]) -> None:
        def progress(event: Progress) -> None:
            stage = STAGES_NL.get(event.stage, event.stage)
            job.stage, job.done, job.total, job.changed = stage, event.done, event.total, time.monotonic()

        try:
            options = with_context(self.options(), context)
            session = run_pipeline(recording, self.sessions_dir, options, progress)
            job.session_id, job.state = session.path.name, "done"
        except NotulistError as exc:
            job.error, job.state = str(exc), "failed"
        except Exception as exc:  # noqa: BLE001 - the page must hear of any failure
            job.error, job.state = f"onverwachte fout: {exc}", "failed"
        finally:
            job.changed = time.monotonic()
            recording.unlink(missing_ok=True)
            if recording.parent.parent.name == UPLOADS:
                recording.parent.rmdir()
