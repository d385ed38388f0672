"""One edit from the review page, checked and recorded as an audit event (``notulist.archive.corrections``).

``apply_edit`` refuses anything malformed with ``EditError`` (a Dutch message for the page) and an edit made on a
stale page with ``StaleVersion``; either way nothing is written. A lock per session keeps the version check and
the append together when two tabs save at the same moment.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from notulist.archive import corrections as c
from notulist.archive.session import Session

MAX_TEXT = 5000
SPEAKER_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")
POINT_ID = re.compile(r"(p|a)[0-9]{1,6}")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class EditError(ValueError):
    """A malformed edit; the message is shown to the user."""


class StaleVersion(Exception):
    """The page was made from an older version of the session."""


@dataclass
class Locks:
    """One lock per session folder."""

    _locks: dict[str, threading.Lock] = field(default_factory=dict)
    _guard: threading.Lock = field(default_factory=threading.Lock)

    def of(self, session: Session) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(str(session.path), threading.Lock())


def _text(data: Mapping[str, Any], key: str, allow_empty: bool = False, limit: int = MAX_TEXT) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise EditError(f"Het veld '{key}' ontbreekt of is geen tekst.")
    value = _CONTROL.sub("", value).strip()
    if not value and not allow_empty:
        raise EditError(f"Het veld '{key}' is leeg.")
    if len(value) > limit:
        raise EditError(f"Het veld '{key}' is te lang (hoogstens {limit} tekens).")
    return value


def _segment(view: c.CorrectedView, data: Mapping[str, Any]) -> Any:
    segment_id = data.get("segment_id")
    for segment in view.transcript.segments:
        if segment.id == segment_id:
            return segment
    raise EditError("Deze regel bestaat niet in de sessie.")


def _point(view: c.CorrectedView, data: Mapping[str, Any]) -> c.CorrectedPoint:
    point_id = data.get("point")
    for point in view.points:
        if point.id == point_id:
            return point
    raise EditError("Dit samenvattingspunt bestaat niet (meer).")


def _speaker(data: Mapping[str, Any], key: str = "speaker") -> str:
    value = data.get(key)
    if not isinstance(value, str) or not SPEAKER_ID.fullmatch(value):
        raise EditError("Kies een bestaande spreker (of een code van letters, cijfers, _ en -).")
    return value


def _correct(view: c.CorrectedView, data: Mapping[str, Any]) -> tuple[str, dict]:
    segment = _segment(view, data)
    new = _text(data, "text", allow_empty=True)
    if new == segment.text:
        raise EditError("De tekst is niet veranderd.")
    return c.LINE_CORRECTED, {"segment_id": segment.id, "old": segment.text, "new": new}


def _reassign(view: c.CorrectedView, data: Mapping[str, Any]) -> tuple[str, dict]:
    segment = _segment(view, data)
    new = _speaker(data)
    if new == segment.speaker:
        raise EditError("Deze regel hoort al bij die spreker.")
    return c.LINE_REASSIGNED, {"segment_id": segment.id, "old": segment.speaker, "new": new}


def _name(view: c.CorrectedView, data: Mapping[str, Any]) -> tuple[str, dict]:
    names, roles = data.get("names") or {}, data.get("roles") or {}
    if not isinstance(names, dict) or not isinstance(roles, dict) or not (names or roles):
        raise EditError("Geef per spreker een naam en eventueel een rol.")
    known = {s.speaker for s in view.transcript.segments if s.speaker} | set(view.transcript.speakers)
    for speaker in [*names, *roles]:
        if speaker not in known:
            raise EditError("Onbekende spreker.")
    clean_names = {k: _text(names, k, limit=120) for k in names}
    clean_roles = {k: _text(roles, k, allow_empty=True, limit=80) for k in roles}
    result: dict[str, Any] = {"names": clean_names}
    if clean_roles:
        result["roles"] = clean_roles
    return c.SPEAKERS_NAMED, result


def _check(view: c.CorrectedView, data: Mapping[str, Any]) -> tuple[str, dict]:
    segment = _segment(view, data)
    verdict = data.get("verdict")
    if verdict not in c.VERDICTS:
        raise EditError("Kies 'gehoord en juist' of 'gecorrigeerd'.")
    return c.FLAG_CHECKED, {"segment_id": segment.id, "verdict": verdict}


def _replace(view: c.CorrectedView, data: Mapping[str, Any]) -> tuple[str, dict]:
    find = _text(data, "find", limit=200)
    replacement = _text(data, "replace", allow_empty=True, limit=200)
    changes = c.find_replace(view.transcript, find, replacement, bool(data.get("ignore_case")))
    if not changes:
        raise EditError("De gezochte tekst komt in geen enkele regel voor.")
    return c.LINES_REPLACED, {"find": find, "replace": replacement, "changes": changes}


def _point_fields(data: Mapping[str, Any], base: Mapping[str, Any]) -> dict[str, Any]:
    new = dict(base)
    new["text"] = _text(data, "text", limit=2000)
    if "kind" in data:
        new["kind"] = data["kind"]
    if "owner" in data:
        new["owner"] = _text(data, "owner", allow_empty=True, limit=120) or None
    if "segment_ids" in data:
        new["segment_ids"] = data["segment_ids"]
    try:
        return c.point_to_dict(c.point_from_dict(new))
    except ValueError as exc:
        raise EditError("Een punt heeft een soort (onderwerp, besluit, actie, vraag) en een tekst nodig.") from exc


def _point_edit(view: c.CorrectedView, data: Mapping[str, Any]) -> tuple[str, dict]:
    point = _point(view, data)
    old = c.point_to_dict(point.point)
    return c.POINT_EDITED, {"point": point.id, "old": old, "new": _point_fields(data, old)}


def _point_add(view: c.CorrectedView, data: Mapping[str, Any]) -> tuple[str, dict]:
    new = _point_fields(data, {"kind": "topic", "segment_ids": []})
    known = {s.id for s in view.transcript.segments}
    if any(i not in known for i in new["segment_ids"]):
        raise EditError("Een aangehaalde regel bestaat niet in de sessie.")
    return c.POINT_ADDED, {"point": f"a{view.version + 1}", "new": new}


def _point_simple(event: str) -> Any:
    def build(view: c.CorrectedView, data: Mapping[str, Any]) -> tuple[str, dict]:
        point = _point(view, data)
        return event, {"point": point.id, "old": c.point_to_dict(point.point)}

    return build


def _info(view: c.CorrectedView, data: Mapping[str, Any]) -> tuple[str, dict]:
    result: dict[str, Any] = {}
    for key in ("title", "date", "place", "kenmerk"):
        if key in data:
            result[key] = _text(data, key, allow_empty=True, limit=200)
    if "status" in data:
        if data["status"] not in ("concept", "definitief"):
            raise EditError("De status is 'concept' of 'definitief'.")
        result["status"] = data["status"]
    if not result:
        raise EditError("Er is niets om op te slaan.")
    return c.MEETING_INFO, result


def _undo(view: c.CorrectedView, events: list) -> tuple[str, dict]:
    last = c.last_undoable(events)
    if last is None:
        raise EditError("Er is niets om ongedaan te maken.")
    return c.UNDONE, {"seq": last.seq, "undone_event": last.event}


ACTIONS = {
    "correct": _correct,
    "reassign": _reassign,
    "name": _name,
    "check": _check,
    "replace": _replace,
    "point_accept": _point_simple(c.POINT_ACCEPTED),
    "point_delete": _point_simple(c.POINT_DELETED),
    "point_edit": _point_edit,
    "point_add": _point_add,
    "info": _info,
}


def apply_edit(session: Session, locks: Locks, data: Any, operator: str) -> c.CorrectedView:
    """Check ``data`` (``{"version", "action", ...}``) and record it; returns the new corrected view."""
    if not isinstance(data, dict):
        raise EditError("Het verzoek is geen geldig JSON-object.")
    action = data.get("action")
    if action != "undo" and action not in ACTIONS:
        raise EditError("Onbekende bewerking.")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise EditError("Het versienummer ontbreekt: herlaad de pagina.")
    with locks.of(session):
        events = session.events()
        if version != len(events):
            raise StaleVersion()
        view = c.session_view(session)
        event, payload = _undo(view, events) if action == "undo" else ACTIONS[action](view, data)
        session.record(event, {**payload, "operator": operator})
        return c.session_view(session)
