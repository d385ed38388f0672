"""What happened during a live recording besides the audio: pauses, speaker names, the meeting's details.

A recording made in the browser (``notulist serve``, "Nieuwe opname") notes these in ``annotations.jsonl`` inside
its ``.live`` folder, one JSON object a line, flushed and fsync'ed as they happen, so a crash keeps them with the
audio. When the folder becomes a session (``finalize_recording``, also after ``notulist recover``) they become
audit events of the session:

- ``{"event": "recording_paused", "at_s": 42.1, "wall": "...", "operator"?}`` and ``recording_resumed`` (same
  fields, plus ``paused_s``): ``at_s`` is the position in the recorded audio (the paused stretch was never captured,
  so the audio has no gap; the events say where it was and how long it lasted);
- ``{"event": "meeting_info", "title"?, "participants"?: [{"name", "role"}]}`` (recorded as ``meeting_info``);
- ``{"event": "live_speaker_named", "label": "S2", "name": "mevrouw Jansen", "role"?}``: a name given to a live
  speaker label. The final pass labels speakers anew, so each live label is carried over to the final speaker
  whose lines overlap the live label's lines most, and recorded as ``speakers_named``.
"""

from __future__ import annotations

import json
import logging
import os
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from notulist.archive.session import Session
from notulist.core.model import Segment

log = logging.getLogger(__name__)

ANNOTATIONS = "annotations.jsonl"
SESSION_EVENTS = ("recording_paused", "recording_resumed", "meeting_info")


class Annotations:
    """Appends annotations to one ``.live`` folder (thread-safe enough for one writer at a time)."""

    def __init__(self, live_dir: Path) -> None:
        self.path = Path(live_dir) / ANNOTATIONS

    def add(self, event: str, data: Mapping[str, Any]) -> dict[str, Any]:
        """Append one annotation (with the wall-clock time) and return it; OSError when the disk refuses."""
        entry = {"event": event, **data, "wall": datetime.now().astimezone().isoformat(timespec="seconds")}
        line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)
        return entry


def read_annotations(live_dir: Path) -> list[dict[str, Any]]:
    """The annotations of a ``.live`` folder in order; a line cut by a crash is skipped."""
    path = Path(live_dir) / ANNOTATIONS
    if not path.is_file():
        return []
    found = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            log.warning("ignoring a damaged annotation line in %s", path)
            continue
        if isinstance(entry, dict) and isinstance(entry.get("event"), str):
            found.append(entry)
    return found


def record_annotations(session: Session, live_dir: Path, live_segments: Sequence[Segment]) -> None:
    """Turn a ``.live`` folder's annotations into the session's audit events (see the module docstring)."""
    entries = read_annotations(live_dir)
    for entry in entries:
        if entry["event"] in SESSION_EVENTS:
            session.record(entry["event"], {k: v for k, v in entry.items() if k != "event"})
    named = [e for e in entries if e["event"] == "live_speaker_named" and isinstance(e.get("label"), str)]
    if named:
        names, roles = carried_names(named, live_segments, session.machine_transcript().segments)
        if names:
            session.record("speakers_named", {"names": names, "roles": roles, "from_live": True})


def carried_names(
    named: Sequence[Mapping[str, Any]], live: Sequence[Segment], final: Sequence[Segment]
) -> tuple[dict[str, str], dict[str, str]]:
    """The live names moved to final speaker ids: each live label to the final speaker overlapping it most."""
    overlap: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for a in live:
        for b in final:
            if a.speaker and b.speaker:
                shared = min(a.end, b.end) - max(a.start, b.start)
                if shared > 0:
                    overlap[a.speaker][b.speaker] += shared
    names: dict[str, str] = {}
    roles: dict[str, str] = {}
    for entry in named:  # later names win
        counts = overlap.get(entry["label"])
        if not counts:
            continue
        target = max(counts, key=counts.__getitem__)
        if str(entry.get("name") or "").strip():
            names[target] = str(entry["name"]).strip()
        if str(entry.get("role") or "").strip():
            roles[target] = str(entry["role"]).strip()
    return names, roles
