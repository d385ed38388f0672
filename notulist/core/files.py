"""Writing files so that a failure never leaves a half-written one, and telling a full disk from other errors."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})  # no space left, or the user's quota used up
NOT_WRITABLE = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})


def write_temporary(path: Path, data: bytes) -> Path:
    """``data`` written and fsync'ed to a hidden temporary file beside ``path`` (removed again on any failure), for
    a caller that renames several files into place together."""
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return Path(tmp_name)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file beside it, fsync'ed, and a rename: the old file (or no
    file) survives any failure, and no temporary file is left behind. ``OSError`` goes to the caller, which knows
    what to advise (see ``DISK_FULL`` and ``NOT_WRITABLE``)."""
    temporary = write_temporary(path, data)
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def fsync_dir(path: Path) -> None:
    """Make a folder's entries (new files, renames) durable; best effort where a platform cannot."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def copy_bytes(source: BinaryIO, write: Callable[[bytes], Any], count: int, block_size: int = 1 << 20) -> None:
    """Pass at most ``count`` bytes of ``source`` to ``write`` in blocks (stopping early at its end)."""
    remaining = count
    while remaining > 0:
        block = source.read(min(remaining, block_size))
        if not block:
            break
        write(block)
        remaining -= len(block)
