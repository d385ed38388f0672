"""The append-only, hash-chained audit log of a session (``audit.jsonl``).

Each line is a JSON object ``{"seq", "time", "event", "data", "prev"}`` where ``prev`` is the sha256 of the
previous line's bytes (64 zeros for the first line). Changing, removing or reordering any line breaks the chain,
and the manifest records the hash of the last line, so truncating the log is detected too.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from notulist.core.errors import SessionError

AUDIT_LOG = "audit.jsonl"  # the file name of a session's audit log

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEvent:
    seq: int
    time: str
    event: str
    data: Mapping[str, Any]
    prev: str


def line_hash(line: bytes) -> str:
    return hashlib.sha256(line.rstrip(b"\n")).hexdigest()


def read_lines(path: Path) -> list[bytes]:
    if not path.exists():
        return []
    return [line for line in path.read_bytes().split(b"\n") if line]


def head_hash(path: Path) -> str:
    """The sha256 of the last line, or the genesis hash for an empty log."""
    lines = read_lines(path)
    return line_hash(lines[-1]) if lines else GENESIS


def next_line(lines: list[bytes], event: str, data: Mapping[str, Any]) -> bytes:
    """The line that records ``event`` after ``lines`` (not written yet); its hash is the log's next head."""
    record = {
        "seq": len(lines) + 1,
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "event": event,
        "data": dict(data),
        "prev": line_hash(lines[-1]) if lines else GENESIS,
    }
    return json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")


def append_event(path: Path, event: str, data: Mapping[str, Any]) -> str:
    """Append one event, flushed to disk; returns the new head hash."""
    line = next_line(read_lines(path), event, data)
    with open(path, "ab") as handle:
        handle.write(line + b"\n")
        handle.flush()
        os.fsync(handle.fileno())
    return line_hash(line)


def parse_line(line: bytes) -> dict[str, Any] | None:
    """One line as a record, or None when it is not a well-formed audit record."""
    try:
        record = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(record, dict) or not isinstance(record.get("data"), dict):
        return None
    if not isinstance(record.get("event"), str) or not isinstance(record.get("seq"), int):
        return None
    return record


def read_events(path: Path) -> list[AuditEvent]:
    """Every event; a damaged line is a ``SessionError`` (``notulist verify`` says more)."""
    events = []
    for number, line in enumerate(read_lines(path), start=1):
        record = parse_line(line)
        if record is None:
            raise SessionError(f"{path} line {number} is damaged: run `notulist verify` on the session")
        events.append(
            AuditEvent(record["seq"], str(record.get("time")), record["event"], record["data"], record.get("prev"))
        )
    return events


def chain_problems(path: Path) -> list[str]:
    """Every break in the hash chain, as human-readable lines (empty when the log is intact)."""
    problems: list[str] = []
    previous = GENESIS
    for number, line in enumerate(read_lines(path), start=1):
        record = parse_line(line)
        if record is None:
            problems.append(f"audit.jsonl line {number} is damaged (not a valid audit record)")
        else:
            if record.get("prev") != previous:
                problems.append(f"audit.jsonl line {number} does not follow line {number - 1} (hash chain broken)")
            if record.get("seq") != number:
                problems.append(f"audit.jsonl line {number} has sequence number {record.get('seq')}")
        previous = line_hash(line)
    return problems
