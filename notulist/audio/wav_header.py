"""What a WAV file's header says against what the file holds.

FFmpeg believes the ``data`` chunk's size: a recorder that crashed before rewriting its header (a *stale header*)
leaves a file whose header declares seconds while the file holds minutes, and FFmpeg reads only the seconds. A
*streaming* WAV (size fields 0xFFFFFFFF or 0, written before the length was known) is complete and valid. This
module reads the chunk layout so the archive can tell these apart from a truncated file, and writes a copy with
the sizes corrected, so every sample the file holds is archived.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from notulist.core.files import copy_bytes

UNKNOWN_SIZES = (0, 0xFFFFFFFF)
MIN_STALE_S = 0.05  # less than this past the declared end is padding or junk, not lost audio


@dataclass(frozen=True)
class WavLayout:
    data_offset: int  # where the samples begin
    declared_bytes: int  # the data chunk's size field
    actual_bytes: int  # bytes of samples the file really holds after data_offset (up to a following chunk)
    byte_rate: int
    streaming: bool  # the size fields say "unknown"

    @property
    def declared_duration(self) -> float | None:
        return None if self.streaming else self.declared_bytes / self.byte_rate

    @property
    def actual_duration(self) -> float:
        return self.actual_bytes / self.byte_rate

    @property
    def stale(self) -> bool:
        """The file holds more samples than the header declares (and no other chunk follows them)."""
        return not self.streaming and self.actual_duration - self.declared_bytes / self.byte_rate >= MIN_STALE_S


def read_layout(path: Path) -> WavLayout | None:
    """The layout of a RIFF/WAVE file, or None for anything else (or a header too damaged to read)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(12)
            if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
                return None
            size = Path(path).stat().st_size
            byte_rate = 0
            while True:
                chunk = handle.read(8)
                if len(chunk) < 8:
                    return None
                chunk_id, chunk_size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
                if chunk_id == b"fmt ":
                    fmt = handle.read(chunk_size + (chunk_size & 1))
                    byte_rate = struct.unpack("<I", fmt[8:12])[0] if len(fmt) >= 12 else 0
                elif chunk_id == b"data":
                    return _data_layout(handle, chunk_size, size, byte_rate)
                else:
                    handle.seek(chunk_size + (chunk_size & 1), 1)
    except OSError:
        return None


def _data_layout(handle: BinaryIO, declared: int, file_size: int, byte_rate: int) -> WavLayout | None:
    if byte_rate <= 0:
        return None
    offset = handle.tell()
    streaming = declared in UNKNOWN_SIZES
    remaining = file_size - offset
    if streaming or declared >= remaining:
        return WavLayout(offset, declared, remaining, byte_rate, streaming)
    trailing = _chunk_follows(handle, offset + declared + (declared & 1), file_size)
    return WavLayout(offset, declared, declared if trailing else remaining, byte_rate, False)


def _chunk_follows(handle: BinaryIO, position: int, file_size: int) -> bool:
    """Whether a well-formed chunk (LIST, id3 ...) follows the declared data, rather than more samples."""
    handle.seek(position)
    chunk = handle.read(8)
    if len(chunk) < 8:
        return True  # only a pad byte or a few stray bytes: nothing to recover
    if not all(32 <= c < 127 for c in chunk[:4]):
        return False
    return position + 8 + struct.unpack("<I", chunk[4:])[0] <= file_size + 1


def write_repaired(path: Path, layout: WavLayout, target: Path) -> None:
    """A copy of ``path`` whose size fields match the samples it holds."""
    with open(path, "rb") as source, open(target, "wb") as out:
        header = bytearray(source.read(layout.data_offset))
        struct.pack_into("<I", header, 4, min(0xFFFFFFFF, layout.data_offset - 8 + layout.actual_bytes))
        struct.pack_into("<I", header, layout.data_offset - 4, min(0xFFFFFFFF, layout.actual_bytes))
        out.write(header)
        copy_bytes(source, out.write, layout.actual_bytes)
