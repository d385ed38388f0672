"""The session folder: the archive of one recording and everything derived from it.

A new session is built in a hidden temporary folder beside its final place and renamed into place only when every
file is written, so a failure never leaves a half-written session. Later changes (speaker names, a new summary or
report) go through ``Session.update``: each file is replaced atomically, the change is appended to the hash-chained
``audit.jsonl`` and ``manifest.json`` is rewritten with the new file hashes and the new head of the audit log.
An update is all or nothing: every new file, the new manifest and the new audit log are first written beside the
old ones, then renamed over them (the audit log last), so a read-only folder or a full disk leaves the session as
it was, and it still verifies.
The machine's transcript (``transcript.json``) is never edited: speaker names are audit events applied on top.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from notulist.archive import audit
from notulist.archive.audit import AUDIT_LOG
from notulist.archive.leftovers import PARTIAL_SUFFIX, lock_folder, tidy_leftovers
from notulist.archive.manifest import MANIFEST, Manifest, manifest_bytes, read_manifest
from notulist.core.errors import SessionError
from notulist.core.files import DISK_FULL, NOT_WRITABLE, write_atomic, write_temporary
from notulist.core.hashing import sha256_file
from notulist.core.model import Transcript, transcript_from_dict

AUDIO = "audio.flac"
TRANSCRIPT = "transcript.json"
CONTEXT_DIR = "context"  # the context documents given with --context, as read
SPEAKERS_NAMED = "speakers_named"
logger = logging.getLogger(__name__)


def slugify(text: str, max_length: int = 40) -> str:
    """A lower-case ASCII slug of ``text`` ("Interview FIOD (2)" -> "interview-fiod-2")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].strip("-") or "session"


def session_name(created: datetime, source_name: str) -> str:
    return f"{created.strftime('%Y-%m-%dT%H%M')}_{slugify(Path(source_name).stem)}"


def json_bytes(data: Any) -> bytes:
    """How every JSON file of a session is written: UTF-8, indented, one trailing newline."""
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _disk_error(exc: OSError, where: Path) -> SessionError:
    """The one-line error for a failed write; nothing was changed when this is raised from an update."""
    if exc.errno in DISK_FULL:
        return SessionError(f"the disk holding {where} is full: free some space and run the command again")
    if exc.errno in NOT_WRITABLE:
        return SessionError(
            f"cannot write to {where}: choose a writable folder with `sessions_dir`", parameter="sessions_dir"
        )
    return SessionError(f"cannot write to {where}: {exc.strerror or exc}")


class NewSession:
    """A session under construction; use as a context manager and call ``commit`` at the end.

    Leaving the ``with`` block without ``commit`` (an error, Ctrl+C, SIGTERM) removes the temporary folder.
    """

    def __init__(self, sessions_dir: Path, source_name: str, created: datetime) -> None:
        self.sessions_dir = Path(sessions_dir)
        self.name = session_name(created, source_name)
        self.created = created
        try:
            self.sessions_dir.mkdir(parents=True, exist_ok=True)
            self.path = Path(tempfile.mkdtemp(dir=self.sessions_dir, prefix=f".{self.name}.", suffix=PARTIAL_SUFFIX))
            self._lock = lock_folder(self.path)
            probe = self.path / ".write-test"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise _disk_error(exc, self.sessions_dir) from exc
        self._committed = False
        self.leftovers = tidy_leftovers(self.sessions_dir)
        for line in self.leftovers:
            logger.warning("left over from an interrupted run in %s: %s", self.sessions_dir, line)
        if self.leftovers:
            self.log("leftovers_tidied", {"folders": self.leftovers})

    def __enter__(self) -> NewSession:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if not self._committed:
            shutil.rmtree(self.path, ignore_errors=True)
        os.close(self._lock)
        if isinstance(exc, OSError) and not isinstance(exc, SessionError):
            raise _disk_error(exc, self.sessions_dir) from exc

    def file(self, name: str) -> Path:
        """Where a file of the session is written before commit."""
        return self.path / name

    def write_bytes(self, name: str, data: bytes) -> None:
        write_atomic(self.path / name, data)

    def write_text(self, name: str, text: str) -> None:
        self.write_bytes(name, text.encode("utf-8"))

    def write_json(self, name: str, data: Any) -> None:
        self.write_bytes(name, json_bytes(data))

    def log(self, event: str, data: Mapping[str, Any]) -> None:
        audit.append_event(self.path / AUDIT_LOG, event, data)

    def commit(self, manifest: Manifest | Mapping[str, Any]) -> Session:
        """Hash every file, write the manifest, and move the session into place. Returns the final session."""
        draft = manifest if isinstance(manifest, Manifest) else Manifest.from_dict(dict(manifest))
        try:
            files = {
                p.name: sha256_file(p)
                for p in sorted(self.path.iterdir())
                if p.is_file() and p.name not in (MANIFEST, AUDIT_LOG) and not p.name.startswith(".")
            }
            files.update(
                {f"{CONTEXT_DIR}/{p.name}": sha256_file(p) for p in sorted(self.path.glob(f"{CONTEXT_DIR}/*"))}
            )
            draft = replace(draft, name=self.name, created=self.created.isoformat(timespec="seconds"), files=files)
            self.log("session_committed", {"files": files, "manifest_sha256": draft.digest()})
            final_manifest = replace(draft, audit_head=audit.head_hash(self.path / AUDIT_LOG))
            self.write_bytes(MANIFEST, manifest_bytes(final_manifest))
            final = self._move_into_place()
        except OSError as exc:
            raise _disk_error(exc, self.sessions_dir) from exc
        self._committed = True
        session = Session(final)
        from notulist.archive.ledger import anchor_session  # the ledger lies outside the session

        anchor_session(session)
        return session

    def _move_into_place(self) -> Path:
        """Rename the finished folder to the first free name; a name taken meanwhile (another run, a dangling
        link) is skipped, never overwritten, so the finished work cannot be lost."""
        for number in range(1, 1000):
            candidate = self.sessions_dir / (self.name if number == 1 else f"{self.name}-{number}")
            if os.path.lexists(candidate):
                continue
            try:
                os.rename(self.path, candidate)
            except OSError as exc:
                if exc.errno in (errno.EEXIST, errno.ENOTEMPTY, errno.ENOTDIR, errno.EISDIR):
                    continue
                raise
            return candidate
        raise SessionError(f"no free name for {self.name} in {self.sessions_dir}: tidy the folder and try again")


class Session:
    """An existing, committed session folder."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if not (self.path / MANIFEST).is_file():
            raise SessionError(f"{self.path} is not a notulist session (no {MANIFEST}): give the session folder")

    @property
    def manifest(self) -> Manifest:
        return read_manifest(self.path)

    def read_json(self, name: str) -> Any:
        try:
            return json.loads((self.path / name).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise SessionError(f"{self.path} has no {name}") from exc
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SessionError(f"{self.path / name} is unreadable ({exc}); run `notulist verify`") from exc

    def events(self) -> list[audit.AuditEvent]:
        return audit.read_events(self.path / AUDIT_LOG)

    def machine_transcript(self) -> Transcript:
        """The transcript exactly as the machine wrote it."""
        return transcript_from_dict(self.read_json(TRANSCRIPT))

    def transcript(self) -> Transcript:
        """The transcript with the audit-logged speaker names applied on top."""
        machine = self.machine_transcript()
        return replace(machine, speakers={**machine.speakers, **self.speaker_names()})

    def speaker_names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for event in self.events():
            if event.event == SPEAKERS_NAMED:
                names.update(event.data.get("names", {}))
        return names

    def update(self, files: Mapping[str, bytes], event: str, data: Mapping[str, Any]) -> None:
        """Replace or add ``files`` and record the change as ``event`` in the audit log, all or nothing."""
        forbidden = {MANIFEST, AUDIT_LOG, AUDIO, TRANSCRIPT} & set(files)
        if forbidden:
            raise SessionError(f"{', '.join(sorted(forbidden))} of a committed session cannot be rewritten")
        bad = [name for name in files if Path(name).name != name or name.startswith(".")]
        if bad:
            raise SessionError(f"{', '.join(bad)} is not a plain file name of a session")
        try:
            lock = lock_folder(self.path)  # one update at a time (the web app and the command line may both write)
        except OSError as exc:
            raise _disk_error(exc, self.path) from exc
        try:
            self._update_locked(files, event, data)
        finally:
            os.close(lock)

    def _update_locked(self, files: Mapping[str, bytes], event: str, data: Mapping[str, Any]) -> None:
        manifest = self.manifest
        hashes = {name: hashlib.sha256(content).hexdigest() for name, content in files.items()}
        manifest = replace(manifest, files={**manifest.files, **hashes})
        lines = audit.read_lines(self.path / AUDIT_LOG)
        line = audit.next_line(lines, event, {**data, "files": hashes, "manifest_sha256": manifest.digest()})
        manifest = replace(manifest, audit_head=audit.line_hash(line))
        log = b"".join(existing + b"\n" for existing in lines) + line + b"\n"
        staged = {**files, MANIFEST: manifest_bytes(manifest), AUDIT_LOG: log}  # the audit log is renamed last
        self._replace_all(staged)
        from notulist.archive.ledger import anchor_session

        anchor_session(self)

    def _replace_all(self, contents: Mapping[str, bytes]) -> None:
        """Write every file beside its target first, then rename them all in order: nothing changes on failure."""
        temporary: dict[str, Path] = {}
        try:
            for name, content in contents.items():
                temporary[name] = write_temporary(self.path / name, content)
            for name, tmp in temporary.items():
                os.replace(tmp, self.path / name)
        except OSError as exc:
            raise _disk_error(exc, self.path) from exc
        finally:
            for tmp in temporary.values():
                tmp.unlink(missing_ok=True)

    def record(self, event: str, data: Mapping[str, Any]) -> None:
        """Record an event that changes no file (for example naming speakers)."""
        self.update({}, event, data)

    def problems(self) -> list[str]:
        """Everything that does not match: files, manifest, audit chain and head (see ``archive.verify``)."""
        from notulist.archive.verify import session_problems

        return session_problems(self.path)
