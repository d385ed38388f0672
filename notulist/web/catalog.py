"""The sessions folder as the app sees it: safe lookup of a session by id, the list, and search."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from notulist.archive.corrections import CorrectedView, session_view
from notulist.archive.session import AUDIO, AUDIT_LOG, MANIFEST, Session
from notulist.core.errors import NotulistError

SESSION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,150}")


class NotFound(NotulistError):
    """No session by that id in the sessions folder."""


def resolve_session(sessions_dir: Path, session_id: str) -> Session:
    """The session ``session_id`` inside ``sessions_dir``; anything else (traversal, odd names) is ``NotFound``."""
    if not SESSION_ID.fullmatch(session_id) or ".." in session_id:
        raise NotFound(session_id)
    root = sessions_dir.resolve()
    path = (root / session_id).resolve()
    if path.parent != root or not (path / MANIFEST).is_file():
        raise NotFound(session_id)
    return Session(path)


@dataclass(frozen=True)
class SessionSummary:
    """One row of the sessions list."""

    id: str
    title: str
    date: str
    duration: float
    speakers: tuple[str, ...]
    state: str
    problems: tuple[str, ...] | None  # None: could not be read at all


def _stat_key(session: Session) -> tuple[int, ...]:
    key: list[int] = []
    for name in (MANIFEST, AUDIT_LOG, AUDIO):
        try:
            st = os.stat(session.path / name)
            key += [st.st_mtime_ns, st.st_size]
        except OSError:
            key += [0, 0]
    return tuple(key)


class Verifier:
    """``Session.problems`` remembered per session until one of its files changes (hashing audio takes time)."""

    def __init__(self) -> None:
        self._known: dict[Path, tuple[tuple[int, ...], tuple[str, ...]]] = {}

    def problems(self, session: Session) -> tuple[str, ...]:
        key = _stat_key(session)
        known = self._known.get(session.path)
        if known is None or known[0] != key:
            try:
                found = tuple(session.problems())
            except NotulistError as exc:
                found = (str(exc),)
            known = (key, found)
            self._known[session.path] = known
        return known[1]


def title_of(session: Session, view: CorrectedView) -> str:
    manifest = session.manifest
    return str(view.info.get("title") or manifest.get("audio", {}).get("source_name") or session.path.name)


def summarize(session: Session, verifier: Verifier) -> SessionSummary:
    manifest = session.manifest
    try:
        view = session_view(session)
    except (NotulistError, KeyError, TypeError, ValueError):
        return SessionSummary(session.path.name, session.path.name, "", 0.0, (), "unreadable", None)
    speakers = tuple(sorted({view.transcript.speaker_name(s.speaker) for s in view.transcript.segments if s.speaker}))
    return SessionSummary(
        id=session.path.name,
        title=title_of(session, view),
        date=str(view.info.get("date") or manifest.get("created", ""))[:16].replace("T", " "),
        duration=float(manifest.get("audio", {}).get("duration") or view.transcript.duration),
        speakers=speakers,
        state=str(view.info.get("status") or manifest.get("state") or "complete"),
        problems=verifier.problems(session),
    )


def list_sessions(sessions_dir: Path) -> list[Session]:
    if not sessions_dir.is_dir():
        return []
    found = []
    for path in sorted(sessions_dir.iterdir(), reverse=True):
        if path.name.startswith(".") or not SESSION_ID.fullmatch(path.name) or not (path / MANIFEST).is_file():
            continue
        found.append(Session(path))
    return found


def matches(session: Session, query: str) -> bool:
    """Whether ``query`` occurs (case-insensitive) in the session's title or its corrected transcript."""
    needle = query.casefold()
    try:
        view = session_view(session)
    except (NotulistError, KeyError, TypeError, ValueError):
        return needle in session.path.name.casefold()
    if needle in title_of(session, view).casefold():
        return True
    return any(needle in s.text.casefold() for s in view.transcript.segments)
