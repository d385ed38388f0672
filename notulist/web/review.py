"""What the review page shows, built from the corrected view: lines cut into words (doubt, abbreviations), the
flagged lines, speakers with names and roles, summary points, the audit trail. Plain values only: the template
escapes every string."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from notulist.archive.audit import AuditEvent
from notulist.archive.corrections import CorrectedView
from notulist.core.model import Segment
from notulist.reports.data import format_time
from notulist.web.i18n import FLAG_NAMES


@dataclass(frozen=True)
class Piece:
    text: str
    start: float | None = None  # a word with a time: click plays from there
    uncertain: bool = False
    entry: str | None = None  # glossary entry id of an abbreviation


@dataclass(frozen=True)
class Line:
    id: str
    start: float
    end: float
    time: str
    speaker: str | None
    speaker_name: str
    text: str
    pieces: tuple[Piece, ...]
    flags: tuple[tuple[str, str], ...]  # (Dutch name, evidence)
    checked: str | None
    original: str | None


def _word_pieces(segment: Segment, links: list[Any]) -> tuple[Piece, ...]:
    pieces: list[Piece] = []
    position = 0
    for word in segment.words:
        token = word.text.strip()
        found = segment.text.find(token, position) if token else -1
        entry = None
        if found >= 0:
            end = found + len(token)
            entry = next((k.entry_id for k in links if k.char_start < end and k.char_end > found), None)
            position = end
        pieces.append(Piece(token, word.start, bool(getattr(word, "uncertain", False)), entry))
    return tuple(pieces)


def _pieces(segment: Segment, links: list[Any]) -> tuple[Piece, ...]:
    joined = " ".join(w.text.strip() for w in segment.words)
    if segment.words and joined.split() == segment.text.split():
        return _word_pieces(segment, links)
    return (Piece(segment.text),)


def lines(view: CorrectedView, machine_flags: Mapping[str, Any], lang: str) -> list[Line]:
    names = FLAG_NAMES.get(lang, FLAG_NAMES["nl"])
    by_segment: dict[str, list[Any]] = {}
    for link in view.transcript.links:
        by_segment.setdefault(link.segment_id, []).append(link)
    result = []
    for segment in view.transcript.segments:
        flags = machine_flags.get(segment.id, ())
        result.append(
            Line(
                id=segment.id,
                start=segment.start,
                end=segment.end,
                time=format_time(segment.start),
                speaker=segment.speaker,
                speaker_name=view.transcript.speaker_name(segment.speaker),
                text=segment.text,
                pieces=_pieces(segment, by_segment.get(segment.id, [])),
                flags=tuple((names.get(f.kind, f.kind), f.evidence) for f in flags),
                checked=view.checked.get(segment.id),
                original=view.originals.get(segment.id),
            )
        )
    return result


def speakers(view: CorrectedView) -> list[dict[str, str]]:
    ids = sorted({s.speaker for s in view.transcript.segments if s.speaker} | set(view.transcript.speakers))
    return [{"id": i, "name": view.transcript.speaker_name(i), "role": view.roles.get(i, "")} for i in ids]


def _short(value: Any, limit: int = 90) -> str:
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe(event: AuditEvent) -> str:
    data = event.data
    if "segment_id" in data and "new" in data:
        return f"{data['segment_id']}: {_short(data.get('old'))} → {_short(data.get('new'))}"
    if "segment_id" in data:
        return f"{data['segment_id']}: {_short(data.get('verdict', ''))}"
    if "changes" in data:
        return f"'{_short(data.get('find'))}' → '{_short(data.get('replace'))}' ({len(data['changes'])})"
    if "names" in data:
        return ", ".join(f"{k} = {_short(v, 40)}" for k, v in (data.get("names") or {}).items())
    if "point" in data:
        new = data.get("new")
        return f"{data['point']}" + (f": {_short(new.get('text'))}" if isinstance(new, dict) else "")
    if event.event == "undone":
        return f"#{data.get('seq')} ({_short(data.get('undone_event', ''))})"
    if "files" in data and isinstance(data["files"], dict):
        return ", ".join(sorted(data["files"]))
    return ""


def audit_rows(events: list[AuditEvent], undone: frozenset[int]) -> list[dict[str, Any]]:
    rows = []
    for event in reversed(events):
        rows.append(
            {
                "seq": event.seq,
                "time": event.time.replace("T", " ")[:19],
                "event": event.event,
                "operator": _short(event.data.get("operator", "")),
                "what": _describe(event),
                "undone": event.seq in undone,
            }
        )
    return rows
