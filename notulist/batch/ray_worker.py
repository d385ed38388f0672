"""The Ray actor of a batch: loads the models once, then transcribes one recording per call.

The recording travels to the actor as bytes and is transcribed into a private temporary folder on the actor's
machine; the committed session comes back packed (``transfer.pack_session``) and the driver writes it into the
sessions folder. The actor's folder is removed after every recording; folders left by a killed actor (its process
no longer runs) are removed by the next actor that starts on that machine and by a local batch when it ends.
This module does not import Ray: ``ray_backend`` wraps the class with ``ray.remote``.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from notulist.batch.transfer import pack_session
from notulist.core.errors import NotulistError
from notulist.core.progress import no_progress
from notulist.pipeline.run import PipelineOptions, run_pipeline

WORKDIR_PREFIX = "notulist-batch-worker-"


@dataclass(frozen=True)
class WorkerReply:
    """A packed session (``name``, ``files``) or a one-line ``error``."""

    name: str | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    error: str | None = None
    audio_s: float | None = None
    wall_s: float | None = None


class TranscriptionWorker:
    def __init__(self, options: PipelineOptions) -> None:
        remove_stale_workdirs()
        self._options = options
        self._workdir = Path(tempfile.mkdtemp(prefix=f"{WORKDIR_PREFIX}{os.getpid()}-"))
        self._load_error: str | None = None
        self._device: dict[str, Any] = {}
        try:
            self._device = _load_models(options)
        except NotulistError as exc:
            self._load_error = str(exc)

    def describe(self) -> dict[str, Any]:
        """Where this worker runs and what it loaded (``error`` when the models could not be loaded)."""
        return {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "workdir": str(self._workdir),
            "error": self._load_error,
            **self._device,
        }

    def transcribe(self, name: str, audio: bytes, shown_as: str | None = None) -> WorkerReply:
        """Transcribe one recording (``audio``: the file's bytes; ``name``: its file name); errors name the
        recording as ``shown_as`` (its path on the driver's side) rather than by the worker's temporary copy."""
        if self._load_error:
            return WorkerReply(error=self._load_error)
        job = Path(tempfile.mkdtemp(dir=self._workdir))
        source = job / "input" / Path(name).name
        started = time.perf_counter()
        try:
            source.parent.mkdir()
            source.write_bytes(audio)
            session = run_pipeline(source, job / "sessions", self._options, no_progress)
            files = pack_session(session.path)
            duration = session.manifest.get("audio", {}).get("duration")
            return WorkerReply(session.path.name, files, audio_s=duration, wall_s=time.perf_counter() - started)
        except NotulistError as exc:
            error = str(exc).replace(str(source), shown_as or name)
            return WorkerReply(error=error, wall_s=time.perf_counter() - started)
        finally:
            shutil.rmtree(job, ignore_errors=True)

    def close(self) -> None:
        """Remove this worker's temporary folder (called before the actor is stopped)."""
        shutil.rmtree(self._workdir, ignore_errors=True)


def _load_models(options: PipelineOptions) -> dict[str, Any]:
    """Load Whisper into the options' model pool (kept for the life of the worker) and warm up the diarizer."""
    from notulist.recognition.whisper_model import choose_device, resolve_model

    choice = choose_device(options.device, options.compute_type)
    options.models.get(resolve_model(options.model), choice, options.cpu_threads)
    if options.diarizer is not None:
        options.diarizer.warm_up()
    return {"device": choice.device, "compute_type": choice.compute_type, "threads": options.cpu_threads}


def remove_stale_workdirs(root: Path | None = None) -> list[Path]:
    """Remove the temporary folders of batch workers on this machine whose process no longer runs."""
    root = Path(root or tempfile.gettempdir())
    removed = []
    for folder in root.glob(f"{WORKDIR_PREFIX}*"):
        pid_text = folder.name.removeprefix(WORKDIR_PREFIX).split("-", 1)[0]
        if pid_text.isdigit() and not _running(int(pid_text)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
