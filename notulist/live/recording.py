"""A live recording on disk: crash-safe while it runs, recoverable after a crash.

While ``notulist live`` runs, ``SESSIONS_DIR/<yyyy-mm-ddThhmm>_<slug>.live/`` holds:

- ``live.json``: sample rate, channels, sample format, when and from what it was recorded (written once, atomically);
- ``audio.s16le``: the captured samples, raw little-endian 16-bit PCM, appended block by block through an
  unbuffered file (so a ``kill -9`` loses nothing already handed to the writer) and fsync'ed at least every
  ``fsync_interval_s`` seconds (so a power cut loses at most about a second). Raw PCM has no header to repair:
  recovery keeps every whole frame;
- ``segments.jsonl``: the live segments shown on screen, one JSON line each, in commit order;
- ``live.lock``: held (``flock``) by the recording process; a ``.live`` folder whose lock is free was interrupted.

When the recording stops, ``seal`` writes ``audio.wav`` from the raw samples and the normal pipeline turns it into a
session (``audio.flac``, transcript, report); the ``.live`` folder is removed only after that succeeded.
``keep_live_ids`` gives the final transcript's segments the ids they had on screen where the text matches.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import time
import wave
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import numpy as np

from notulist.archive.session import json_bytes, session_name
from notulist.core.audio import SAMPLE_RATE
from notulist.core.errors import AudioError, SessionError
from notulist.core.files import DISK_FULL, copy_bytes, fsync_dir, write_atomic
from notulist.core.model import Segment, Transcript, segment_from_dict, segment_id, segment_to_dict
from notulist.core.text import comparable

try:  # POSIX; on Windows the lock is the presence of the process (not checked)
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

LIVE_SUFFIX = ".live"
META = "live.json"
RAW = "audio.s16le"
SEGMENTS = "segments.jsonl"
LOCK = "live.lock"
SEALED = "audio.wav"
SAMPLE_WIDTH = 2


class DiskFullError(SessionError):
    """The disk filled up during a live recording; what was written is kept."""


@dataclass(frozen=True)
class LiveMeta:
    sample_rate: int
    channels: int
    created: str  # ISO 8601, local time
    source: str  # device name or replayed file
    sample_format: str = "s16le"


def _disk_error(exc: OSError, where: Path) -> SessionError:
    if exc.errno in DISK_FULL:
        return DiskFullError(
            f"the disk holding {where} is full: the recording stopped and what was captured is kept; free some "
            f"space and run `notulist recover {where}`"
        )
    return SessionError(f"cannot write the live recording in {where} ({exc.strerror or exc}): check the folder")


class LiveRecording:
    """The writer of one live recording. Not thread-safe: one worker owns it."""

    def __init__(self, path: Path, meta: LiveMeta, fsync_interval_s: float = 0.5) -> None:
        self.path = path
        self.meta = meta
        self.fsync_interval_s = fsync_interval_s
        self.frames_written = 0
        self._lock_fd: int | None = None
        self._raw: int | None = None
        self._segments = None
        self._last_sync = time.monotonic()

    @classmethod
    def create(
        cls,
        sessions_dir: Path,
        source_name: str,
        sample_rate: int,
        channels: int = 1,
        created: datetime | None = None,
        fsync_interval_s: float = 0.5,
    ) -> LiveRecording:
        created = created or datetime.now().astimezone()
        sessions_dir = Path(sessions_dir)
        base = session_name(created, source_name)
        try:
            sessions_dir.mkdir(parents=True, exist_ok=True)
            number = 1
            while True:
                path = sessions_dir / f"{base}{'' if number == 1 else f'-{number}'}{LIVE_SUFFIX}"
                try:
                    path.mkdir()
                    break
                except FileExistsError:
                    number += 1
            meta = LiveMeta(sample_rate, channels, created.isoformat(timespec="seconds"), source_name)
            recording = cls(path, meta, fsync_interval_s)
            recording._open()
        except OSError as exc:
            raise _disk_error(exc, sessions_dir) from exc
        return recording

    def _open(self) -> None:
        self._lock_fd = os.open(self.path / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        if fcntl is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        write_atomic(self.path / META, json_bytes(self.meta.__dict__))
        self._raw = os.open(self.path / RAW, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self._segments = open(self.path / SEGMENTS, "a", encoding="utf-8")  # noqa: SIM115 (closed in close())
        fsync_dir(self.path)
        fsync_dir(self.path.parent)

    @property
    def duration_s(self) -> float:
        return self.frames_written / self.meta.sample_rate

    def append(self, samples: np.ndarray) -> None:
        """Append int16 samples (frames x channels, or mono); straight to the OS, fsync'ed every interval."""
        assert self._raw is not None, "recording is closed"
        data = np.ascontiguousarray(samples, dtype="<i2").tobytes()
        try:
            view = memoryview(data)
            while view:
                written = os.write(self._raw, view)
                view = view[written:]
            now = time.monotonic()
            if now - self._last_sync >= self.fsync_interval_s:
                os.fsync(self._raw)
                self._last_sync = now
        except OSError as exc:
            self._keep_whole_frames()
            raise _disk_error(exc, self.path) from exc
        self.frames_written += len(data) // (SAMPLE_WIDTH * self.meta.channels)

    def _keep_whole_frames(self) -> None:
        """After a failed (partial) write: cut the file back to whole frames, as recovery would."""
        frame = SAMPLE_WIDTH * self.meta.channels
        try:
            size = os.fstat(self._raw).st_size
            os.ftruncate(self._raw, size - size % frame)
            self.frames_written = (size - size % frame) // frame
        except OSError:
            pass

    def add_segment(self, segment: Segment) -> None:
        """Record a segment shown live (one JSON line, flushed)."""
        assert self._segments is not None, "recording is closed"
        try:
            self._segments.write(json.dumps(segment_to_dict(segment), ensure_ascii=False) + "\n")
            self._segments.flush()
        except OSError as exc:
            raise _disk_error(exc, self.path) from exc

    def close(self) -> None:
        """Flush everything to disk and release the lock (the folder stays until its session is made)."""
        if self._raw is not None:
            try:
                os.fsync(self._raw)
            except OSError:
                pass
            os.close(self._raw)
            self._raw = None
        if self._segments is not None:
            try:
                self._segments.close()
            except OSError:
                pass
            self._segments = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # releases the flock
            self._lock_fd = None


@dataclass(frozen=True)
class CapturedRecording:
    """What a ``.live`` folder holds: its metadata, the whole frames captured, and the live segments."""

    path: Path
    meta: LiveMeta
    frames: int
    segments: tuple[Segment, ...]

    @property
    def duration_s(self) -> float:
        return self.frames / self.meta.sample_rate


def is_live_dir(path: Path) -> bool:
    return path.is_dir() and path.name.endswith(LIVE_SUFFIX) and (path / RAW).exists()


def is_in_use(path: Path) -> bool:
    """Whether a recording process still holds the folder's lock."""
    if fcntl is None or not (path / LOCK).exists():
        return False
    fd = os.open(path / LOCK, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def find_interrupted(sessions_dir: Path) -> list[Path]:
    """``.live`` folders in ``sessions_dir`` whose recording process is gone (a crash, a kill, a power cut)."""
    sessions_dir = Path(sessions_dir)
    if not sessions_dir.is_dir():
        return []
    return sorted(p for p in sessions_dir.iterdir() if is_live_dir(p) and not is_in_use(p))


def read_captured(path: Path) -> CapturedRecording:
    """Read a ``.live`` folder; a damaged last segment line (cut by a crash) is ignored."""
    path = Path(path)
    if not is_live_dir(path):
        raise AudioError(f"{path} is not a live recording folder (no {RAW}): give a *.live folder or a sessions dir")
    try:
        data = json.loads((path / META).read_text(encoding="utf-8"))
        meta = LiveMeta(**data)
    except (OSError, json.JSONDecodeError, TypeError) as exc:
        log.warning("live metadata of %s unreadable (%s): assuming 16 kHz mono", path, exc)
        meta = LiveMeta(SAMPLE_RATE, 1, datetime.fromtimestamp((path / RAW).stat().st_mtime).isoformat(), path.name)
    frames = (path / RAW).stat().st_size // (SAMPLE_WIDTH * meta.channels)
    segments: list[Segment] = []
    if (path / SEGMENTS).exists():
        for line in (path / SEGMENTS).read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                segments.append(segment_from_dict(json.loads(line)))
            except (json.JSONDecodeError, KeyError, TypeError, ValueError):
                log.warning("ignoring a damaged live segment line in %s", path / SEGMENTS)
    return CapturedRecording(path, meta, frames, tuple(segments))


def seal(captured: CapturedRecording) -> Path:
    """Write ``audio.wav`` (whole frames of the raw capture) beside it and return its path."""
    if captured.frames == 0:
        raise AudioError(f"{captured.path} holds no audio: nothing was captured, so there is nothing to recover")
    frame = SAMPLE_WIDTH * captured.meta.channels
    target = captured.path / f"{source_name(captured)}.wav"
    tmp = captured.path / f".{SEALED}.tmp"
    try:
        with open(captured.path / RAW, "rb") as raw, wave.open(str(tmp), "wb") as out:
            out.setnchannels(captured.meta.channels)
            out.setsampwidth(SAMPLE_WIDTH)
            out.setframerate(captured.meta.sample_rate)
            copy_bytes(raw, out.writeframesraw, captured.frames * frame)
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _disk_error(exc, captured.path) from exc
    return target


def remove(captured: CapturedRecording) -> None:
    """Delete a ``.live`` folder once its session exists."""
    shutil.rmtree(captured.path, ignore_errors=True)


def source_name(captured: CapturedRecording) -> str:
    """The name the session gets: the live folder's slug ("2026-11-22T1940_live-interview" -> "live-interview")."""
    stem = captured.path.name[: -len(LIVE_SUFFIX)]
    return re.sub(r"^\d{4}-\d{2}-\d{2}T\d{4}_", "", stem) or "live"


# ---------------------------------------------------------------------------------------------- keeping live ids

MATCH_THRESHOLD = 85.0  # rapidfuzz ratio (0-100) of the normalised texts
_ID = re.compile(r"^s(\d+)$")


def _overlaps(a: Segment, b: Segment, slack_s: float = 1.0) -> bool:
    return a.start < b.end + slack_s and b.start < a.end + slack_s


def keep_live_ids(final: Transcript, live_segments: Sequence[Segment]) -> Transcript:
    """Give final segments the id of the live segment whose text they match; fresh ids to the rest.

    A final segment keeps a live id when a not yet used live segment overlaps it in time (1 s slack) and their
    normalised texts are at least ``MATCH_THRESHOLD`` similar (rapidfuzz ratio; the best such live segment wins).
    Every other final segment gets a fresh id after the highest live id, in time order, so no id shown live is
    ever reused for different text. Segments stay in time order; links follow their segments.
    """
    from rapidfuzz import fuzz

    numbers = [int(m.group(1)) for s in live_segments if (m := _ID.match(s.id))]
    next_number = max(numbers, default=0)
    used: set[str] = set()
    renamed: dict[str, str] = {}
    segments: list[Segment] = []
    kept = 0
    live_texts = [(s, comparable(s.text)) for s in live_segments]
    for segment in sorted(final.segments, key=lambda s: (s.start, s.end)):
        text = comparable(segment.text)
        best: tuple[float, str] | None = None
        for live, live_text in live_texts:
            if live.id in used or not _overlaps(segment, live):
                continue
            score = fuzz.ratio(text, live_text)
            if score >= MATCH_THRESHOLD and (best is None or score > best[0]):
                best = (score, live.id)
        if best is not None:
            new_id = best[1]
            used.add(new_id)
            kept += 1
        else:
            new_id = segment_id(next_number)
            next_number += 1
        renamed[segment.id] = new_id
        segments.append(replace(segment, id=new_id))
    links = tuple(replace(link, segment_id=renamed.get(link.segment_id, link.segment_id)) for link in final.links)
    provenance = {**final.provenance, "live": {"live_segments": len(live_segments), "ids_kept": kept}}
    return replace(final, segments=tuple(segments), links=links, provenance=provenance)


SUPPORT_THRESHOLD = 60.0  # rapidfuzz partial ratio (0-100) of a live line within the final text around it
SUPPORT_SLACK_S = 1.0


def unsupported_live_lines(final: Transcript, live_segments: Sequence[Segment]) -> list[Segment]:
    """The live lines the final pass does not support: lines whose normalised text is not found (rapidfuzz
    partial ratio below ``SUPPORT_THRESHOLD``) in the final text said from ``SUPPORT_SLACK_S`` before the line to as
    long after it. Live text is a preview from short windows; a line the full-quality pass cannot find near it was
    probably never said (a hypothesis that copied its prompt), and is marked as such in the audit log."""
    from rapidfuzz import fuzz

    unsupported = []
    for live in live_segments:
        text = comparable(live.text)
        if not text:
            continue
        around = " ".join(
            comparable(s.text)
            for s in final.segments
            if s.start < live.end + SUPPORT_SLACK_S and live.start - SUPPORT_SLACK_S < s.end
        )
        if fuzz.partial_ratio(text, around) < SUPPORT_THRESHOLD:
            unsupported.append(live)
    return unsupported
