"""Hidden ``.NAME.xxxx.partial`` folders left by a run that was killed (SIGKILL, a power cut) before it could
tidy up. Each holds a full copy of the audio, so the next run deals with them: a folder whose session was complete
(killed between writing its manifest and its final rename) is moved into place, never thrown away; anything else
is removed. A folder another run is still writing is locked (``flock`` on the folder) and young, and is left alone.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from pathlib import Path

PARTIAL_SUFFIX = ".partial"
MIN_AGE_S = 60.0  # a folder younger than this may belong to a run that has not locked it yet


def lock_folder(path: Path) -> int:
    """Hold an exclusive lock on ``path`` for as long as the returned descriptor is open."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def _abandoned(path: Path, now: float) -> bool:
    if not path.is_dir() or path.is_symlink() or now - path.stat().st_mtime < MIN_AGE_S:
        return False
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def tidy_leftovers(sessions_dir: Path) -> list[str]:
    """Deal with every abandoned ``.partial`` folder; returns one line per folder saying what was done."""
    from notulist.archive.verify import session_problems

    done = []
    now = time.time()
    for path in sorted(Path(sessions_dir).glob(f".*{PARTIAL_SUFFIX}")):
        try:
            if not _abandoned(path, now):
                continue
            if (path / "manifest.json").is_file() and not session_problems(path):
                done.append(f"{path.name}: a complete session, moved into place as {_move_complete(path)}")
            else:
                shutil.rmtree(path)
                done.append(f"{path.name}: an unfinished run, removed")
        except OSError as exc:
            done.append(f"{path.name}: could not be tidied ({exc.strerror or exc}); remove it by hand")
    return done


def _move_complete(path: Path) -> str:
    from notulist.archive.ledger import anchor_session
    from notulist.archive.manifest import read_manifest
    from notulist.archive.session import Session

    name = read_manifest(path).name or path.name.strip(".").split(".")[0]
    for number in range(1, 1000):
        candidate = path.with_name(name if number == 1 else f"{name}-{number}")
        if os.path.lexists(candidate):
            continue
        os.rename(path, candidate)
        anchor_session(Session(candidate))
        return candidate.name
    raise OSError(f"no free name for {name}")
