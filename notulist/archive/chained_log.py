"""A hash-chained, optionally Ed25519-signed JSON-lines file kept outside the sessions: the ledger of audit heads
and the destruction register.

Each line is ``{"seq", "time", "prev", ...payload}`` plus, when a signing key is set, ``"key"`` (the sha256 of the
public key) and ``"signature"`` (Ed25519 over the line's canonical JSON without those two). ``prev`` is the sha256
of the previous line, so an entry cannot be changed or removed without breaking every later one; a signature
cannot be made without the key the organisation keeps. Appends hold an exclusive ``flock``: several runs may
anchor at once.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

GENESIS = "0" * 64
SIGNATURE_KEYS = ("key", "signature")


@dataclass(frozen=True)
class LogCheck:
    """What reading a chained log found: its well-formed entries in order, and every problem."""

    entries: tuple[dict[str, Any], ...]
    problems: tuple[str, ...]
    verified: frozenset[int] = frozenset()  # sequence numbers of the entries whose signature was checked
    unsigned_before_signing: int = 0  # entries written before signing was switched on


def _canonical(entry: Mapping[str, Any]) -> bytes:
    unsigned = {k: v for k, v in entry.items() if k not in SIGNATURE_KEYS}
    return json.dumps(unsigned, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _line_hash(line: bytes) -> str:
    return hashlib.sha256(line).hexdigest()


def _require_cryptography() -> None:
    try:
        import cryptography  # noqa: F401
    except ImportError as exc:
        raise ValueError("signing the ledger needs the cryptography package: pip install 'notulist[signing]'") from exc


def _private_key(path: Path):
    _require_cryptography()
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    key = load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return key


def _public_key(path: Path):
    _require_cryptography()
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key

    data = path.read_bytes()
    key = load_pem_private_key(data, password=None) if b"PRIVATE KEY" in data else load_pem_public_key(data)
    if isinstance(key, Ed25519PrivateKey):
        key = key.public_key()
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{path} is not an Ed25519 key")
    return key


def key_id(public_key) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return hashlib.sha256(public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)).hexdigest()[:16]


def append(path: Path, payload: Mapping[str, Any], signing_key: Path | None = None) -> dict[str, Any]:
    """Append one entry under an exclusive lock, flushed to disk; returns the entry as written. The folder must
    exist: a share that is not mounted is an error, not a new local folder."""
    key = _private_key(signing_key) if signing_key else None
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        lines = [line for line in handle.read().split(b"\n") if line]
        entry: dict[str, Any] = {
            **payload,
            "seq": len(lines) + 1,
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
            "prev": _line_hash(lines[-1]) if lines else GENESIS,
        }
        if key is not None:
            entry["key"] = key_id(key.public_key())
            entry["signature"] = base64.b64encode(key.sign(_canonical(entry))).decode("ascii")
        handle.write(json.dumps(entry, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n")
        handle.flush()
        os.fsync(handle.fileno())
    return entry


def check(path: Path, public_key: Path | None = None, unsigned_allowed: int = 0) -> LogCheck:
    """Read and check the whole log: chain, sequence and (with a key) every signature. The first
    ``unsigned_allowed`` entries may be unsigned (written before signing was switched on); no later one may."""
    key = _public_key(public_key) if public_key else None
    entries: list[dict[str, Any]] = []
    problems: list[str] = []
    previous, verified, unsigned_early = GENESIS, set(), 0
    try:
        lines = [line for line in path.read_bytes().split(b"\n") if line] if path.exists() else []
    except OSError as exc:
        return LogCheck((), (f"{path} cannot be read ({exc.strerror or exc})",))
    for number, line in enumerate(lines, start=1):
        try:
            entry = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            entry = None
        if not isinstance(entry, dict):
            problems.append(f"{path.name} line {number} is damaged")
        else:
            if entry.get("prev") != previous or entry.get("seq") != number:
                problems.append(f"{path.name} line {number} does not follow line {number - 1} (chain broken)")
            if key is not None and "signature" not in entry and number <= unsigned_allowed:
                unsigned_early += 1
            elif key is not None:
                problem = _signature_problem(entry, key, f"{path.name} line {number}")
                if problem:
                    problems.append(problem)
                else:
                    verified.add(number)
            entries.append(entry)
        previous = _line_hash(line)
    return LogCheck(tuple(entries), tuple(problems), frozenset(verified), unsigned_early)


def _signature_problem(entry: Mapping[str, Any], key, where: str) -> str | None:
    from cryptography.exceptions import InvalidSignature

    if "signature" not in entry:
        return f"{where} is not signed"
    if entry.get("key") != key_id(key):
        return f"{where} is signed with another key ({entry.get('key')})"
    try:
        key.verify(base64.b64decode(str(entry["signature"])), _canonical(entry))
    except (InvalidSignature, ValueError):
        return f"{where} has a signature that does not match its content"
    return None
