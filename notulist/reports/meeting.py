"""What the minutes say about the meeting itself: title, date, place, kenmerk, status, template, who took part.

The user gives these (``notulist report --title ... --role S1=voorzitter``, or the web app); they are recorded in
the session's audit log as ``meeting_info`` and ``speakers_named`` events, later events overriding earlier ones
field by field. ``meeting_from_events`` folds those events into one ``MeetingInfo``; what nobody gave stays empty
and the report leaves it out (or, for the date and time, takes them from the recording).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

MEETING_INFO = "meeting_info"
SPEAKERS_NAMED = "speakers_named"
STATUSES = ("concept", "definitief")
_TEXT_FIELDS = ("title", "date", "time", "place", "kenmerk", "status", "template", "template_dir", "author")


@dataclass(frozen=True)
class MeetingInfo:
    """The meeting as the user described it; every field may be empty."""

    title: str = ""
    date: str = ""  # as the user wrote it ("14 oktober 2026"); empty: the recording's date
    time: str = ""
    place: str = ""
    kenmerk: str = ""
    status: str = ""  # concept | definitief ('' reads as concept)
    template: str = ""
    template_dir: str = ""  # the organisation's template folder the template comes from ('' : built in)
    author: str = ""  # who wrote the minutes (the DOCX author); empty: no author is claimed
    absent: tuple[str, ...] = ()
    roles: Mapping[str, str] = field(default_factory=dict)  # speaker id -> role ("voorzitter", "notulist", ...)
    agenda: tuple[str, ...] = ()


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def merge_meeting_info(info: MeetingInfo, data: Mapping[str, Any]) -> MeetingInfo:
    """``info`` with the fields ``data`` gives (a ``meeting_info`` event's data) put over it."""
    values: dict[str, Any] = {}
    for name in _TEXT_FIELDS:
        if name in data and data[name] is not None:
            values[name] = _text(data[name])
    for name in ("absent", "agenda"):
        items = data.get(name)
        if isinstance(items, (list, tuple)):
            values[name] = tuple(_text(item) for item in items if _text(item))
    return MeetingInfo(**{**info.__dict__, **values})


def merge_roles(info: MeetingInfo, roles: Any) -> MeetingInfo:
    """``info`` with the speaker roles of a ``speakers_named`` event put over it (an empty role removes one)."""
    if not isinstance(roles, Mapping):
        return info
    merged = dict(info.roles)
    for speaker, role in roles.items():
        text = _text(role)
        if text:
            merged[str(speaker)] = text
        else:
            merged.pop(str(speaker), None)
    return MeetingInfo(**{**info.__dict__, "roles": merged})


def meeting_from_events(events: Iterable[Any]) -> MeetingInfo:
    """One ``MeetingInfo`` from audit events (objects with ``.event`` and ``.data``), in log order."""
    info = MeetingInfo()
    for event in events:
        data = getattr(event, "data", None)
        if not isinstance(data, Mapping):
            continue
        if event.event == MEETING_INFO:
            info = merge_meeting_info(info, data)
        elif event.event == SPEAKERS_NAMED:
            info = merge_roles(info, data.get("roles"))
    return info
