"""Plain-text and subtitle renderings of a transcript: ``transcript.txt``, ``.srt`` and ``.vtt``.

Speaker display names are used where known; times are written as ``notulist.core.times`` says.
"""

from __future__ import annotations

from notulist.core.model import Segment, Transcript
from notulist.core.times import clock, srt_timestamp, vtt_timestamp


def _label(transcript: Transcript, segment: Segment) -> str:
    name = transcript.speaker_name(segment.speaker)
    return f"{name}: " if name else ""


def render_txt(transcript: Transcript) -> str:
    lines = [f"[{clock(s.start)}] {_label(transcript, s)}{s.text}" for s in transcript.segments]
    return "\n".join(lines) + ("\n" if lines else "")


def render_srt(transcript: Transcript) -> str:
    blocks = []
    for number, segment in enumerate(transcript.segments, start=1):
        start, end = srt_timestamp(segment.start), srt_timestamp(segment.end)
        blocks.append(f"{number}\n{start} --> {end}\n{_label(transcript, segment)}{segment.text}\n")
    return "\n".join(blocks)


def render_vtt(transcript: Transcript) -> str:
    blocks = ["WEBVTT\n"]
    for segment in transcript.segments:
        start, end = vtt_timestamp(segment.start), vtt_timestamp(segment.end)
        name = transcript.speaker_name(segment.speaker)
        voice = f"<v {_vtt_escape(name)}>" if name else ""
        blocks.append(f"{segment.id}\n{start} --> {end}\n{voice}{_vtt_escape(segment.text)}\n")
    return "\n".join(blocks)


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("-->", "--&gt;")
