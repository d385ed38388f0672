"""``manifest.json``: what a session holds, typed, and the one place that reads and writes it.

The manifest names every file of the session with its sha256, describes the audio and the models, and ends with
``audit_head``, the hash of the last line of ``audit.jsonl``. Each write of the manifest goes with an audit event
that records ``manifest_sha256``, the digest of the manifest's content without ``audit_head`` (which can only be
known once that event is written), so the audit chain covers every field: an edited manifest no longer matches it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from notulist.core.errors import SessionError

MANIFEST = "manifest.json"
HEAD_KEY = "audit_head"
_HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class Manifest(Mapping[str, Any]):
    """A session's manifest. Reads by key (``manifest["audio"]["sha256"]``) still work: it is a read-only mapping
    over ``to_dict()``, for readers written before it was typed."""

    tool: str = "notulist"
    tool_version: str = ""
    name: str = ""
    created: str = ""
    audio: Mapping[str, Any] = field(default_factory=dict)
    models: Mapping[str, Any] = field(default_factory=dict)
    glossary: Mapping[str, Any] = field(default_factory=dict)
    context: list[Any] = field(default_factory=list)  # the context documents given (name, sha256, ...), when any
    options: Mapping[str, Any] = field(default_factory=dict)
    platform: Mapping[str, Any] = field(default_factory=dict)
    word_doubt: Mapping[str, Any] = field(default_factory=dict)
    files: Mapping[str, str] = field(default_factory=dict)
    audit_head: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)  # keys this version does not know, kept as they were

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name == "extra" or (item.name in ("word_doubt", "context") and not value):
                continue
            data[item.name] = dict(value) if isinstance(value, Mapping) else value
        data.update(self.extra)
        return data

    def digest(self) -> str:
        """The sha256 the audit log records for this manifest (its content without ``audit_head``)."""
        return content_digest(self.to_dict())

    @classmethod
    def from_dict(cls, data: Any) -> Manifest:
        """A manifest from parsed JSON; ``ValueError`` saying what is wrong when it is not one."""
        if not isinstance(data, dict):
            raise ValueError("it is not a JSON object")
        known = {item.name for item in fields(cls)} - {"extra"}
        values = {key: value for key, value in data.items() if key in known}
        if not isinstance(values.get("context", []), list):
            raise ValueError("'context' is not a list")
        for key in ("audio", "models", "glossary", "options", "platform", "word_doubt", "files"):
            if not isinstance(values.get(key, {}), dict):
                raise ValueError(f"{key!r} is not an object")
        for key in ("tool", "tool_version", "name", "created", HEAD_KEY):
            if not isinstance(values.get(key, ""), str):
                raise ValueError(f"{key!r} is not a string")
        for name, digest in values.get("files", {}).items():
            if not _is_sha256(digest):
                raise ValueError(f"the sha256 of {name!r} is not a sha256")
        extra = {key: value for key, value in data.items() if key not in known}
        return cls(**values, extra=extra)

    def __getitem__(self, key: str) -> Any:
        return self.to_dict()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.to_dict())

    def __len__(self) -> int:
        return len(self.to_dict())


def _is_sha256(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 64 and set(value) <= _HEX


def content_digest(data: Mapping[str, Any]) -> str:
    """sha256 of the canonical JSON of a manifest's content, ``audit_head`` left out."""
    content = {key: value for key, value in data.items() if key != HEAD_KEY}
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def manifest_bytes(manifest: Manifest) -> bytes:
    """How ``manifest.json`` is written: UTF-8, indented, one trailing newline."""
    return (json.dumps(manifest.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def read_raw(folder: Path) -> dict[str, Any]:
    """The parsed ``manifest.json`` of ``folder``; ``ValueError`` when it cannot be read or is not JSON."""
    try:
        data = json.loads((Path(folder) / MANIFEST).read_bytes().decode("utf-8"))
    except OSError as exc:
        raise ValueError(f"it cannot be read ({exc.strerror or exc})") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"it is not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise ValueError("it is not a JSON object")
    return data


def read_manifest(folder: Path) -> Manifest:
    """The manifest of the session in ``folder``; a damaged one is a ``SessionError``."""
    try:
        return Manifest.from_dict(read_raw(folder))
    except ValueError as exc:
        raise SessionError(
            f"{Path(folder) / MANIFEST} is damaged ({exc}): run `notulist verify` on the session"
        ) from exc
