"""Moving a finished session from a worker to the sessions folder, whole or not at all.

A worker packs its committed session folder into ``{relative path: bytes}``; the driver writes it into a hidden
``.NAME.*.partial`` folder beside the others (the same naming a session under construction has), checks every hash
against the manifest and the audit chain (``Session.problems``), and only then renames it into place. Anything that
goes wrong, an interrupt included, removes the hidden folder: the sessions folder never holds half a session.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from notulist.archive.session import Session
from notulist.core.errors import SessionError


def pack_session(folder: Path) -> dict[str, bytes]:
    """Every file of a session folder, by its path relative to the folder (POSIX separators)."""
    folder = Path(folder)
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def install_session(sessions_dir: Path, name: str, files: Mapping[str, bytes]) -> Session:
    """Write a packed session into ``sessions_dir`` under ``name`` (``name-2``... when taken) and return it."""
    if not name or name.startswith(".") or "/" in name or "\\" in name:
        raise SessionError(f"a worker sent a session with an unusable name {name!r}")
    sessions_dir = Path(sessions_dir)
    try:
        sessions_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=sessions_dir, prefix=f".{name}.", suffix=".partial"))
    except OSError as exc:
        raise SessionError(f"cannot write to {sessions_dir}: {exc.strerror or exc}") from exc
    try:
        for relative, content in files.items():
            target = staging / _safe_relative(relative)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        problems = Session(staging).problems()
        if problems:
            raise SessionError(f"the session sent by the worker does not verify ({problems[0]}); nothing was saved")
        final = _free_name(sessions_dir, name)
        os.rename(staging, final)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise SessionError(f"cannot write the session into {sessions_dir}: {exc.strerror or exc}") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Session(final)


def _safe_relative(relative: str) -> Path:
    path = PurePosixPath(relative)
    if path.is_absolute() or not path.parts or any(part in ("", ".", "..") for part in path.parts):
        raise SessionError(f"a worker sent a session file with an unusable path {relative!r}")
    return Path(*path.parts)


def _free_name(sessions_dir: Path, name: str) -> Path:
    candidate = sessions_dir / name
    number = 2
    while candidate.exists():
        candidate = sessions_dir / f"{name}-{number}"
        number += 1
    return candidate
