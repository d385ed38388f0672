"""Human corrections of a session, as audit events applied on top of the untouched machine output.

``transcript.json`` and ``summary.json`` are never rewritten. Every correction is one event appended to the
session's audit log (``Session.record``); ``apply`` replays them over the machine transcript and summary and
returns the corrected view that the review app, the exports and the reports show. Later events override earlier
ones field by field. The event kinds and their data:

- ``line_corrected`` ``{"segment_id", "old", "new"}``: a line's text. The words of a corrected line (their
  timings and doubt) no longer describe the text, so the corrected segment has none; its original stays known.
- ``lines_replaced`` ``{"find", "replace", "changes": [{"segment_id", "old", "new"}, ...]}``: one find-and-replace
  over the transcript, a single event so that one undo takes it back.
- ``line_reassigned`` ``{"segment_id", "old", "new"}``: a line's speaker id.
- ``speakers_named`` ``{"names": {id: name}, "roles"?: {id: role}}``.
- ``flag_checked`` ``{"segment_id", "verdict": "gehoord en juist" | "gecorrigeerd"}``: a person listened to a
  flagged line; it no longer counts as doubtful (its flags move to ``CorrectedView.checked``).
- ``summary_point_accepted`` ``{"point"}``, ``summary_point_edited`` ``{"point", "old", "new"}`` (``new`` and
  ``old`` are point objects as in summary.json), ``summary_point_deleted`` ``{"point", "old"}``,
  ``summary_point_added`` ``{"point", "new"}``. Points are named ``p1``, ``p2`` ... in summary.json order; an added
  point is named ``a<seq>`` after the event that added it. An event that rewrites ``summary.json`` (a new summary)
  starts the summary over: point edits recorded before it no longer apply.
- ``meeting_info`` ``{"title"?, "date"?, "place"?, "kenmerk"?, "status"?, "template"?, "absent"?}``.
- ``undone`` ``{"seq"}``: takes back the event with that sequence number (an ``undone`` too: that is a redo).

The ``version`` of a session is the number of events in its audit log: an edit made against an older version
than the one on disk was made on a stale page and must be refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from notulist.archive.audit import AuditEvent
from notulist.archive.session import Session
from notulist.core.model import Segment, Transcript
from notulist.summary.model import POINT_KINDS, Summary, SummaryPoint, summary_from_dict

LINE_CORRECTED = "line_corrected"
LINES_REPLACED = "lines_replaced"
LINE_REASSIGNED = "line_reassigned"
SPEAKERS_NAMED = "speakers_named"
FLAG_CHECKED = "flag_checked"
POINT_ACCEPTED = "summary_point_accepted"
POINT_EDITED = "summary_point_edited"
POINT_DELETED = "summary_point_deleted"
POINT_ADDED = "summary_point_added"
MEETING_INFO = "meeting_info"
UNDONE = "undone"

VERDICTS = ("gehoord en juist", "gecorrigeerd")
MEETING_FIELDS = ("title", "date", "place", "kenmerk", "status", "template", "absent")
# Events a person can take back with ``undone``.
UNDOABLE = frozenset(
    {
        LINE_CORRECTED,
        LINES_REPLACED,
        LINE_REASSIGNED,
        SPEAKERS_NAMED,
        FLAG_CHECKED,
        POINT_ACCEPTED,
        POINT_EDITED,
        POINT_DELETED,
        POINT_ADDED,
        MEETING_INFO,
        UNDONE,
    }
)


@dataclass(frozen=True)
class CorrectedPoint:
    """A summary point as it stands after the corrections, with its stable id."""

    id: str
    point: SummaryPoint
    accepted: bool = False
    edited: bool = False
    added: bool = False


@dataclass(frozen=True)
class CorrectedView:
    """The machine output with every correction applied."""

    transcript: Transcript  # corrected text, speakers and names; flags of checked lines removed
    summary: Summary | None  # the corrected points, owners by name
    points: tuple[CorrectedPoint, ...] = ()
    originals: Mapping[str, str] = field(default_factory=dict)  # segment id -> machine text, corrected lines only
    reassigned: Mapping[str, str | None] = field(default_factory=dict)  # segment id -> machine speaker id
    checked: Mapping[str, str] = field(default_factory=dict)  # segment id -> verdict
    roles: Mapping[str, str] = field(default_factory=dict)  # speaker id -> role
    info: Mapping[str, Any] = field(default_factory=dict)  # meeting_info, merged
    undone: frozenset[int] = frozenset()  # sequence numbers of events that no longer count
    version: int = 0


def point_from_dict(data: Mapping[str, Any]) -> SummaryPoint:
    """A point from an event's ``new`` object; raises ``ValueError`` when it is not one."""
    kind = data.get("kind")
    text = data.get("text")
    if kind not in POINT_KINDS or not isinstance(text, str) or not text.strip():
        raise ValueError("a summary point needs a kind (topic, decision, action, question) and a text")
    ids = data.get("segment_ids", [])
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise ValueError("segment_ids must be a list of line ids")
    owner, due = data.get("owner"), data.get("due")
    return SummaryPoint(
        kind=kind,
        text=text.strip(),
        segment_ids=tuple(ids),
        owner=owner if isinstance(owner, str) and owner.strip() else None,
        due=due if isinstance(due, str) and due.strip() else None,
        support=float(data.get("support", 0.0) or 0.0),
        supported=bool(data.get("supported", False)),
    )


def point_to_dict(point: SummaryPoint) -> dict[str, Any]:
    return {
        "kind": point.kind,
        "text": point.text,
        "segment_ids": list(point.segment_ids),
        "owner": point.owner,
        "due": point.due,
        "supported": point.supported,
        "support": point.support,
    }


def cancelled(events: Sequence[AuditEvent]) -> frozenset[int]:
    """The sequence numbers taken back by ``undone`` events (an undone ``undone`` restores its target)."""
    by_seq = {e.seq: e for e in events}
    gone: set[int] = set()
    for event in reversed(events):
        if event.event != UNDONE or event.seq in gone:
            continue
        target = by_seq.get(event.data.get("seq"))
        if target is not None and target.seq < event.seq and target.event in UNDOABLE:
            gone.add(target.seq)
    return frozenset(gone)


def _summary_start(events: Sequence[AuditEvent]) -> int:
    """The sequence number of the last event that wrote summary.json (0: none after the session was created)."""
    start = 0
    for event in events:
        if event.event != "session_committed" and "summary.json" in (event.data.get("files") or {}):
            start = event.seq
    return start


@dataclass
class _State:
    texts: dict[str, str] = field(default_factory=dict)
    speakers: dict[str, str | None] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    checked: dict[str, str] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)
    accepted: set[str] = field(default_factory=set)
    edited: dict[str, SummaryPoint] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    added: dict[str, SummaryPoint] = field(default_factory=dict)


def _apply_transcript_event(state: _State, event: AuditEvent) -> None:
    data = event.data
    if event.event == LINE_CORRECTED:
        state.texts[str(data["segment_id"])] = str(data["new"])
    elif event.event == LINES_REPLACED:
        for change in data.get("changes", ()):
            state.texts[str(change["segment_id"])] = str(change["new"])
    elif event.event == LINE_REASSIGNED:
        state.speakers[str(data["segment_id"])] = data.get("new")
    elif event.event == SPEAKERS_NAMED:
        state.names.update({str(k): str(v) for k, v in (data.get("names") or {}).items()})
        state.roles.update({str(k): str(v) for k, v in (data.get("roles") or {}).items()})
    elif event.event == FLAG_CHECKED:
        state.checked[str(data["segment_id"])] = str(data.get("verdict", VERDICTS[0]))
    elif event.event == MEETING_INFO:
        state.info.update({k: v for k, v in data.items() if k in MEETING_FIELDS})


def _apply_point_event(state: _State, event: AuditEvent) -> None:
    point_id = str(event.data.get("point", ""))
    try:
        if event.event == POINT_ACCEPTED:
            state.accepted.add(point_id)
        elif event.event == POINT_EDITED:
            state.edited[point_id] = point_from_dict(event.data["new"])
        elif event.event == POINT_DELETED:
            state.deleted.add(point_id)
        elif event.event == POINT_ADDED:
            state.added[point_id] = point_from_dict(event.data["new"])
    except (KeyError, TypeError, ValueError):
        return  # a malformed point event changes nothing


def _replay(events: Sequence[AuditEvent], gone: frozenset[int]) -> _State:
    state = _State()
    summary_start = _summary_start(events)
    for event in events:
        if event.seq in gone:
            continue
        _apply_transcript_event(state, event)
        if event.seq > summary_start:
            _apply_point_event(state, event)
    return state


def _corrected_segment(segment: Segment, state: _State) -> Segment:
    changes: dict[str, Any] = {}
    if segment.id in state.texts and state.texts[segment.id] != segment.text:
        changes.update(text=state.texts[segment.id], words=())
    if segment.id in state.speakers:
        speaker = state.speakers[segment.id]
        changes["speaker"] = speaker
        if "words" not in changes:
            changes["words"] = tuple(replace(w, speaker=speaker) for w in segment.words)
    if segment.id in state.checked:
        changes["flags"] = ()
    return replace(segment, **changes) if changes else segment


def _corrected_points(summary: Summary, state: _State, names: Mapping[str, str]) -> tuple[CorrectedPoint, ...]:
    points: list[CorrectedPoint] = []
    machine = [(f"p{i}", p) for i, p in enumerate(summary.points, start=1)]
    for point_id, point in [*machine, *state.added.items()]:
        if point_id in state.deleted:
            continue
        current = state.edited.get(point_id, point)
        if current.owner in names:
            current = replace(current, owner=names[current.owner])
        points.append(
            CorrectedPoint(
                id=point_id,
                point=current,
                accepted=point_id in state.accepted,
                edited=point_id in state.edited,
                added=point_id in state.added,
            )
        )
    return tuple(points)


def apply(machine: Transcript, summary: Summary | None, events: Sequence[AuditEvent]) -> CorrectedView:
    """The corrected view of a session: ``machine`` transcript and ``summary`` with ``events`` applied."""
    gone = cancelled(events)
    state = _replay(events, gone)
    known = {s.id: s for s in machine.segments}
    names = {**machine.speakers, **state.names}
    transcript = replace(
        machine,
        segments=tuple(_corrected_segment(s, state) for s in machine.segments),
        speakers=names,
        links=tuple(link for link in machine.links if link.segment_id not in _changed_text(machine, state)),
    )
    points = _corrected_points(summary, state, names) if summary is not None else ()
    return CorrectedView(
        transcript=transcript,
        summary=replace(summary, points=tuple(p.point for p in points)) if summary is not None else None,
        points=points,
        originals={i: known[i].text for i in _changed_text(machine, state)},
        reassigned={i: known[i].speaker for i, s in state.speakers.items() if i in known and s != known[i].speaker},
        checked={i: v for i, v in state.checked.items() if i in known},
        roles=dict(state.roles),
        info=dict(state.info),
        undone=gone,
        version=len(events),
    )


def _changed_text(machine: Transcript, state: _State) -> set[str]:
    return {s.id for s in machine.segments if s.id in state.texts and state.texts[s.id] != s.text}


def find_replace(transcript: Transcript, find: str, replacement: str, ignore_case: bool = False) -> list[dict]:
    """The changes a find-and-replace makes to the (corrected) ``transcript``: ``[{"segment_id", "old", "new"}]``."""
    if not find:
        raise ValueError("the text to find is empty")
    changes = []
    for segment in transcript.segments:
        new = _replace_all(segment.text, find, replacement, ignore_case)
        if new != segment.text:
            changes.append({"segment_id": segment.id, "old": segment.text, "new": new})
    return changes


def _replace_all(text: str, find: str, replacement: str, ignore_case: bool) -> str:
    if not ignore_case:
        return text.replace(find, replacement)
    return re.sub(re.escape(find), lambda _m: replacement, text, flags=re.IGNORECASE)


def last_undoable(events: Iterable[AuditEvent]) -> AuditEvent | None:
    """The most recent correction still in force (what "undo" takes back), or None."""
    events = list(events)
    gone = cancelled(events)
    for event in reversed(events):
        if event.event in UNDOABLE - {UNDONE} and event.seq not in gone:
            return event
    return None


def session_view(session: Session) -> CorrectedView:
    """The corrected view of a committed session, from its files and audit log."""
    summary = None
    if (session.path / "summary.json").is_file():
        summary = summary_from_dict(session.read_json("summary.json"))
    return apply(session.machine_transcript(), summary, session.events())
