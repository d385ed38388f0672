"""The machine-readable report of a batch: every input with its session or its error (JSON)."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from notulist import __version__
from notulist.batch.model import DONE, FAILED, NOT_RUN, SKIPPED, BatchResult, Outcome

REPORT_FORMAT = 1


def report_data(
    result: BatchResult,
    sessions_dir: Path,
    started: datetime,
    finished: datetime,
    execution: Mapping[str, Any],
    options: Mapping[str, Any],
    missing: Sequence[str] = (),
) -> dict[str, Any]:
    """The report as a JSON-ready dict; ``missing`` are inputs that named no file (listed as failed)."""
    wall_s = (finished - started).total_seconds()
    audio_s = sum(o.audio_s or 0.0 for o in result.outcomes if o.status == DONE)
    recordings = [_outcome(o) for o in result.outcomes]
    recordings += [
        {"input": given, "status": FAILED, "error": f"{given} matches no file or folder"} for given in missing
    ]
    return {
        "format": REPORT_FORMAT,
        "tool": "notulist",
        "tool_version": __version__,
        "started": started.isoformat(timespec="seconds"),
        "finished": finished.isoformat(timespec="seconds"),
        "interrupted": result.interrupted,
        "sessions_dir": str(sessions_dir),
        "execution": dict(execution),
        "options": dict(options),
        "totals": {
            "inputs": len(recordings),
            DONE: result.count(DONE),
            SKIPPED: result.count(SKIPPED),
            FAILED: result.count(FAILED) + len(missing),
            NOT_RUN: result.count(NOT_RUN),
            "audio_hours_transcribed": round(audio_s / 3600, 4),
            "wall_seconds": round(wall_s, 1),
            "audio_hours_per_wall_hour": round(audio_s / wall_s, 3) if wall_s > 0 else None,
        },
        "recordings": recordings,
    }


def _outcome(outcome: Outcome) -> dict[str, Any]:
    entry: dict[str, Any] = {"input": str(outcome.recording.path), "status": outcome.status}
    optional = {
        "session": str(outcome.session) if outcome.session else None,
        "error": outcome.error,
        "note": outcome.note,
        "source_sha256": outcome.source_sha256,
        "duration_s": round(outcome.recording.duration_s, 3) if outcome.recording.duration_s else None,
        "wall_s": round(outcome.wall_s, 2) if outcome.wall_s is not None else None,
        "attempts": outcome.attempts or None,
        "worker": outcome.worker,
    }
    entry.update({key: value for key, value in optional.items() if value is not None})
    return entry


def write_report(path: Path, data: Mapping[str, Any]) -> None:
    """Write the report atomically (a reader never sees half of it)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=2)
            handle.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
