"""Plain-text and subtitle renderings of a transcript: ``transcript.txt``, ``.srt`` and ``.vtt``.

Speaker display names are used where known. Timestamps use faster-whisper's own formatter.
"""

from __future__ import annotations

from faster_whisper.utils import format_timestamp

from notulist.core.model import Segment, Transcript


def _label(transcript: Transcript, segment: Segment) -> str:
    name = transcript.speaker_name(segment.speaker)
    return f"{name}: " if name else ""


def clock(seconds: float) -> str:
    """hh:mm:ss of a time on the session clock."""
    total = max(0, int(seconds))
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def render_txt(transcript: Transcript) -> str:
    lines = [f"[{clock(s.start)}] {_label(transcript, s)}{s.text}" for s in transcript.segments]
    return "\n".join(lines) + ("\n" if lines else "")


def render_srt(transcript: Transcript) -> str:
    blocks = []
    for number, segment in enumerate(transcript.segments, start=1):
        start = format_timestamp(segment.start, always_include_hours=True, decimal_marker=",")
        end = format_timestamp(segment.end, always_include_hours=True, decimal_marker=",")
        blocks.append(f"{number}\n{start} --> {end}\n{_label(transcript, segment)}{segment.text}\n")
    return "\n".join(blocks)


def render_vtt(transcript: Transcript) -> str:
    blocks = ["WEBVTT\n"]
    for segment in transcript.segments:
        start = format_timestamp(segment.start, always_include_hours=True)
        end = format_timestamp(segment.end, always_include_hours=True)
        name = transcript.speaker_name(segment.speaker)
        voice = f"<v {_vtt_escape(name)}>" if name else ""
        blocks.append(f"{segment.id}\n{start} --> {end}\n{voice}{_vtt_escape(segment.text)}\n")
    return "\n".join(blocks)


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("-->", "--&gt;")
