"""Which files a batch transcribes: files, folders (walked recursively) and glob patterns."""

from __future__ import annotations

import glob
import logging
from collections.abc import Sequence
from pathlib import Path

from notulist.batch.model import Recording

log = logging.getLogger(__name__)

# Audio and video containers FFmpeg (PyAV) reads. Folders are walked by this list rather than by opening every file:
# FFmpeg also opens images and some text files, and probing a large tree file by file is slow. A file named
# explicitly (or matched by a glob) is always tried, whatever its name.
MEDIA_SUFFIXES = frozenset(
    {
        # audio
        ".wav", ".wave", ".flac", ".mp3", ".m4a", ".m4b", ".aac", ".ogg", ".oga", ".opus", ".wma", ".aif", ".aiff",
        ".aifc", ".amr", ".3ga", ".caf", ".ac3", ".mka", ".spx", ".au", ".mp2",
        # video
        ".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".wmv", ".3gp", ".3g2", ".mts", ".m2ts", ".ts", ".mpg",
        ".mpeg", ".flv", ".ogv", ".mxf",
    }
)  # fmt: skip


def find_recordings(inputs: Sequence[str | Path], exclude: Sequence[Path] = ()) -> tuple[list[Recording], list[str]]:
    """The recordings ``inputs`` name, in order and each once, and the inputs that name nothing.

    Folders are walked recursively for ``MEDIA_SUFFIXES``, skipping hidden files and folders and anything under
    ``exclude`` (the sessions folder: its ``audio.flac`` files are archives, not new recordings).
    """
    excluded = [Path(p).resolve() for p in exclude]
    seen: set[Path] = set()
    found: list[Path] = []
    missing: list[str] = []
    for given in inputs:
        paths = _expand(str(given), excluded)
        if paths is None:
            missing.append(str(given))
            continue
        for path in paths:
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                found.append(path)
    return [Recording(path, probe_duration(path)) for path in found], missing


def _expand(given: str, excluded: list[Path]) -> list[Path] | None:
    path = Path(given).expanduser()
    if path.exists():
        return _walk(path, excluded) if path.is_dir() else [path]
    if not glob.has_magic(given):
        return None
    matches = [Path(m) for m in sorted(glob.glob(str(path), recursive=True))]
    if not matches:
        return None
    return [file for match in matches for file in (_walk(match, excluded) if match.is_dir() else [match])]


def _walk(folder: Path, excluded: list[Path]) -> list[Path]:
    files = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).parts
        if any(part.startswith(".") for part in relative) or path.suffix.lower() not in MEDIA_SUFFIXES:
            continue
        if path.is_file() and not any(path.resolve().is_relative_to(e) for e in excluded):
            files.append(path)
    return files


def probe_duration(path: Path) -> float | None:
    """The duration the container header gives, in seconds; None when it cannot be read (the batch finds out why)."""
    import av

    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if container.duration:
                return container.duration / av.time_base
            for stream in container.streams.audio:
                if stream.duration and stream.time_base:
                    return float(stream.duration * stream.time_base)
    except (av.FFmpegError, OSError, ValueError, UnicodeDecodeError) as exc:
        log.debug("cannot read the duration of %s: %s", path, exc)
    return None
