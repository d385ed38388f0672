"""How a sessions folder is kept: where its anchors lie, whether they are signed, how long sessions are kept.

Read from ``SESSIONS_DIR/archive.toml`` (optional; every key has a default)::

    [anchor]
    ledger = "/mnt/worm/notulist-ledger.jsonl"     # default: <sessions_dir>.ledger.jsonl beside the folder
    register = "/mnt/worm/destroyed.jsonl"        # default: <sessions_dir>.destroyed.jsonl beside the folder
    signing_key = "/etc/notulist/ledger-ed25519.pem"   # Ed25519 private key (PEM): each entry is signed
    public_key = "/etc/notulist/ledger-ed25519.pub"    # to check signatures where the private key is not kept
    unsigned_entries = 0     # when signing is switched on for an existing ledger: how many entries came before
    unsigned_register_entries = 0                      # the same for the destruction register

    [retention]          # days a session is kept after it was created; 0 or absent: kept until deleted by hand
    days = 365
    [retention.kinds]    # per kind of session: "recording" (a file), "live", or a meeting template name
    live = 90

Relative paths are taken from the sessions folder.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from notulist.core.errors import SessionError

SETTINGS_FILE = "archive.toml"


@dataclass(frozen=True)
class ArchiveSettings:
    sessions_dir: Path
    ledger: Path
    register: Path
    signing_key: Path | None = None
    public_key: Path | None = None
    retention_days: int = 0
    retention_by_kind: Mapping[str, int] = field(default_factory=dict)
    configured_ledger: bool = False  # the ledger's place was chosen in archive.toml
    unsigned_entries: int = 0  # ledger entries written before signing was switched on
    unsigned_register_entries: int = 0  # the same for the destruction register

    def retention_for(self, kind: str) -> int:
        """Days a session of ``kind`` is kept (0: no limit)."""
        return int(self.retention_by_kind.get(kind, self.retention_days))


def load_settings(sessions_dir: Path) -> ArchiveSettings:
    sessions_dir = Path(sessions_dir).absolute()
    data = _read(sessions_dir / SETTINGS_FILE)
    anchor = _table(data, "anchor")
    retention = _table(data, "retention")

    def path(key: str, default: Path | None) -> Path | None:
        value = anchor.get(key)
        return default if value is None else sessions_dir / Path(str(value)).expanduser()

    kinds = _table(retention, "kinds")
    try:
        days = int(retention.get("days", 0))
        by_kind = {str(kind): int(value) for kind, value in kinds.items()}
    except (TypeError, ValueError) as exc:
        raise SessionError(f"{sessions_dir / SETTINGS_FILE}: retention days must be whole numbers") from exc
    return ArchiveSettings(
        sessions_dir=sessions_dir,
        ledger=path("ledger", sessions_dir.with_name(sessions_dir.name + ".ledger.jsonl")),
        register=path("register", sessions_dir.with_name(sessions_dir.name + ".destroyed.jsonl")),
        signing_key=path("signing_key", None),
        public_key=path("public_key", None),
        retention_days=days,
        retention_by_kind=by_kind,
        configured_ledger="ledger" in anchor,
        unsigned_entries=_whole(anchor.get("unsigned_entries", 0), "unsigned_entries"),
        unsigned_register_entries=_whole(anchor.get("unsigned_register_entries", 0), "unsigned_register_entries"),
    )


def _whole(value: Any, key: str) -> int:
    if not isinstance(value, int) or value < 0:
        raise SessionError(f"{key} in {SETTINGS_FILE} must be a whole number of 0 or more")
    return value


def _read(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SessionError(f"{path} cannot be read ({exc}): correct the archive settings") from exc


def _table(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise SessionError(f"[{key}] in {SETTINGS_FILE} must be a table")
    return value
