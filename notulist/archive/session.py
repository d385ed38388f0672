"""The session folder: the archive of one recording and everything derived from it.

A new session is built in a hidden temporary folder beside its final place and renamed into place only when every
file is written, so a failure never leaves a half-written session. Later changes (speaker names, a new summary or
report) go through ``Session.update``: each file is replaced atomically, the change is appended to the hash-chained
``audit.jsonl`` and ``manifest.json`` is rewritten with the new file hashes and the new head of the audit log.
The machine's transcript (``transcript.json``) is never edited: speaker names are audit events applied on top.
"""

from __future__ import annotations

import hashlib
import json
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
from notulist.core.errors import SessionError
from notulist.core.files import DISK_FULL, NOT_WRITABLE, write_atomic
from notulist.core.hashing import sha256_file
from notulist.core.model import Transcript, transcript_from_dict

MANIFEST = "manifest.json"
AUDIT_LOG = "audit.jsonl"
AUDIO = "audio.flac"
TRANSCRIPT = "transcript.json"
CONTEXT_DIR = "context"  # the context documents given with --context, as read
SPEAKERS_NAMED = "speakers_named"


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
    if exc.errno in DISK_FULL:
        return SessionError(f"the disk holding {where} is full: free some space and run the command again")
    if exc.errno in NOT_WRITABLE:
        return SessionError(
            f"cannot write to {where}: choose a writable folder with `sessions_dir`", parameter="sessions_dir"
        )
    return SessionError(f"cannot write to {where}: {exc.strerror or exc}")


class NewSession:
    """A session under construction; use as a context manager and call ``commit`` at the end.

    Leaving the ``with`` block without ``commit`` (an error, Ctrl+C) removes the temporary folder.
    """

    def __init__(self, sessions_dir: Path, source_name: str, created: datetime) -> None:
        self.sessions_dir = Path(sessions_dir)
        self.name = session_name(created, source_name)
        self.created = created
        try:
            self.sessions_dir.mkdir(parents=True, exist_ok=True)
            self.path = Path(tempfile.mkdtemp(dir=self.sessions_dir, prefix=f".{self.name}.", suffix=".partial"))
            probe = self.path / ".write-test"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise _disk_error(exc, self.sessions_dir) from exc
        self._committed = False

    def __enter__(self) -> NewSession:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if not self._committed:
            shutil.rmtree(self.path, ignore_errors=True)
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

    def commit(self, manifest: Mapping[str, Any]) -> Session:
        """Hash every file, write the manifest, and move the session into place. Returns the final session."""
        try:
            files = {
                p.name: sha256_file(p)
                for p in sorted(self.path.iterdir())
                if p.is_file() and p.name not in (MANIFEST, AUDIT_LOG) and not p.name.startswith(".")
            }
            files.update(
                {f"{CONTEXT_DIR}/{p.name}": sha256_file(p) for p in sorted(self.path.glob(f"{CONTEXT_DIR}/*"))}
            )
            self.log("session_committed", {"files": files})
            full = {
                **manifest,
                "name": self.name,
                "created": self.created.isoformat(timespec="seconds"),
                "files": files,
                "audit_head": audit.head_hash(self.path / AUDIT_LOG),
            }
            self.write_json(MANIFEST, full)
            final = self._free_name()
            os.rename(self.path, final)
        except OSError as exc:
            raise _disk_error(exc, self.sessions_dir) from exc
        self._committed = True
        return Session(final)

    def _free_name(self) -> Path:
        candidate = self.sessions_dir / self.name
        number = 2
        while candidate.exists():
            candidate = self.sessions_dir / f"{self.name}-{number}"
            number += 1
        return candidate


class Session:
    """An existing, committed session folder."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if not (self.path / MANIFEST).is_file():
            raise SessionError(f"{self.path} is not a notulist session (no {MANIFEST}): give the session folder")

    @property
    def manifest(self) -> dict[str, Any]:
        try:
            return json.loads((self.path / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise SessionError(f"{self.path / MANIFEST} is unreadable ({exc}); run `notulist verify`") from exc

    def read_json(self, name: str) -> Any:
        try:
            return json.loads((self.path / name).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise SessionError(f"{self.path} has no {name}") from exc
        except (OSError, json.JSONDecodeError) as exc:
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
        """Replace or add ``files`` atomically and record the change as ``event`` in the audit log."""
        forbidden = {MANIFEST, AUDIT_LOG, AUDIO, TRANSCRIPT} & set(files)
        if forbidden:
            raise SessionError(f"{', '.join(sorted(forbidden))} of a committed session cannot be rewritten")
        try:
            for name, content in files.items():
                write_atomic(self.path / name, content)
            hashes = {name: hashlib.sha256(content).hexdigest() for name, content in files.items()}
            head = audit.append_event(self.path / AUDIT_LOG, event, {**data, "files": hashes})
            manifest = self.manifest
            manifest["files"] = {**manifest.get("files", {}), **hashes}
            manifest["audit_head"] = head
            write_atomic(self.path / MANIFEST, json_bytes(manifest))
        except OSError as exc:
            raise _disk_error(exc, self.path) from exc

    def record(self, event: str, data: Mapping[str, Any]) -> None:
        """Record an event that changes no file (for example naming speakers)."""
        self.update({}, event, data)

    def problems(self) -> list[str]:
        """Everything that does not match: file hashes, the audio hash, the audit chain and its head."""
        problems: list[str] = []
        manifest = self.manifest
        recorded = dict(manifest.get("files", {}))
        audio_sha = manifest.get("audio", {}).get("sha256")
        # Each file is hashed once: recordings can be hundreds of megabytes.
        actual = {
            name: sha256_file(self.path / name)
            for name in {*recorded, *([AUDIO] if audio_sha else [])}
            if (self.path / name).is_file()
        }
        for name, expected in sorted(recorded.items()):
            if name not in actual:
                problems.append(f"{name} is missing")
            elif actual[name] != expected:
                problems.append(f"{name} was changed after it was written (sha256 differs from manifest)")
        if audio_sha and AUDIO in actual and actual[AUDIO] != audio_sha:
            if not any(p.startswith(AUDIO) for p in problems):
                problems.append(f"{AUDIO} does not match the audio sha256 in the manifest")
        problems.extend(audit.chain_problems(self.path / AUDIT_LOG))
        if audit.head_hash(self.path / AUDIT_LOG) != manifest.get("audit_head"):
            problems.append("audit.jsonl does not end where the manifest says (lines removed or added)")
        created = [e for e in self.events() if e.event == "session_created"]
        if created and audio_sha and created[0].data.get("audio_sha256") != audio_sha:
            problems.append("the manifest's audio sha256 differs from the one logged when the session was created")
        return problems
