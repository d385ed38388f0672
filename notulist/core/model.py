"""The transcript data model (frozen dataclasses; times in seconds on the session clock) and its JSON form.

``transcript.json`` mirrors these classes; other tools read it, so the keys are a public contract:
``{"language", "duration", "segments": [{"id", "start", "end", "text", "speaker", "words": [...], "flags": [...]}],
"speakers": {}, "links": [], "provenance": {}}``; every word has ``"uncertain"`` (absent in older sessions: false), and
voiced audio the recogniser could not write is a segment with no text and no words flagged ``untranscribed``.
Changes go through ``dataclasses.replace``, never mutation. Segment ids ("s0001", ...) are stable once assigned:
citations and links refer to them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Word:
    """A recognised word on the session clock (seconds), as Whisper wrote it without the leading space; the one
    word type of offline and live recognition."""

    start: float
    end: float
    text: str
    probability: float = 1.0
    speaker: str | None = None
    uncertain: bool = False  # the word-doubt rule (notulist.recognition.doubt) doubts it; JSON "uncertain"

    def shifted(self, offset: float) -> Word:
        """The same word ``offset`` seconds later (a window's clock moved onto the session clock)."""
        return replace(self, start=self.start + offset, end=self.end + offset)


@dataclass(frozen=True)
class Flag:
    """A reason to doubt a segment (a suspected hallucination or a weak recognition), with its evidence."""

    kind: str  # low_confidence | no_speech | repetition | phantom_phrase | outside_speech | untranscribed
    evidence: str


@dataclass(frozen=True)
class Segment:
    id: str
    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()
    speaker: str | None = None
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    compression_ratio: float = 1.0
    flags: tuple[Flag, ...] = ()


@dataclass(frozen=True)
class Link:
    """An abbreviation found in a segment: ``text[char_start:char_end] == surface`` links to glossary ``entry_id``."""

    segment_id: str
    char_start: int
    char_end: int
    entry_id: str
    surface: str
    score: float


@dataclass(frozen=True)
class Transcript:
    language: str
    duration: float
    segments: tuple[Segment, ...]
    speakers: Mapping[str, str] = field(default_factory=dict)  # speaker id -> display name
    links: tuple[Link, ...] = ()
    provenance: Mapping[str, Any] = field(default_factory=dict)

    def segment(self, segment_id: str) -> Segment:
        for segment in self.segments:
            if segment.id == segment_id:
                return segment
        raise KeyError(segment_id)

    def speaker_name(self, speaker: str | None) -> str:
        """The display name of a speaker id ('' when the segment has no speaker)."""
        if speaker is None:
            return ""
        return self.speakers.get(speaker, speaker)


def segment_id(index: int) -> str:
    """The stable id of the ``index``-th segment (0-based): "s0001", "s0002", ..."""
    return f"s{index + 1:04d}"


def _round(value: float) -> float:
    return round(float(value), 3)


def word_to_dict(word: Word) -> dict[str, Any]:
    return {
        "start": _round(word.start),
        "end": _round(word.end),
        "text": word.text,
        "probability": round(float(word.probability), 4),
        "speaker": word.speaker,
        "uncertain": bool(word.uncertain),
    }


def segment_to_dict(segment: Segment) -> dict[str, Any]:
    return {
        "id": segment.id,
        "start": _round(segment.start),
        "end": _round(segment.end),
        "text": segment.text,
        "speaker": segment.speaker,
        "words": [word_to_dict(w) for w in segment.words],
        "avg_logprob": round(float(segment.avg_logprob), 4),
        "no_speech_prob": round(float(segment.no_speech_prob), 4),
        "compression_ratio": round(float(segment.compression_ratio), 4),
        "flags": [{"kind": f.kind, "evidence": f.evidence} for f in segment.flags],
    }


def link_to_dict(link: Link) -> dict[str, Any]:
    return {
        "segment_id": link.segment_id,
        "char_start": link.char_start,
        "char_end": link.char_end,
        "entry_id": link.entry_id,
        "surface": link.surface,
        "score": round(float(link.score), 4),
    }


def transcript_to_dict(transcript: Transcript) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "language": transcript.language,
        "duration": _round(transcript.duration),
        "segments": [segment_to_dict(s) for s in transcript.segments],
        "speakers": dict(transcript.speakers),
        "links": [link_to_dict(link) for link in transcript.links],
        "provenance": dict(transcript.provenance),
    }


def _words_from(items: Sequence[Mapping[str, Any]]) -> tuple[Word, ...]:
    return tuple(
        Word(
            start=float(w["start"]),
            end=float(w["end"]),
            text=str(w["text"]),
            probability=float(w.get("probability", 1.0)),
            speaker=w.get("speaker"),
            uncertain=bool(w.get("uncertain", False)),
        )
        for w in items
    )


def segment_from_dict(data: Mapping[str, Any]) -> Segment:
    return Segment(
        id=str(data["id"]),
        start=float(data["start"]),
        end=float(data["end"]),
        text=str(data["text"]),
        words=_words_from(data.get("words", ())),
        speaker=data.get("speaker"),
        avg_logprob=float(data.get("avg_logprob", 0.0)),
        no_speech_prob=float(data.get("no_speech_prob", 0.0)),
        compression_ratio=float(data.get("compression_ratio", 1.0)),
        flags=tuple(Flag(str(f["kind"]), str(f.get("evidence", ""))) for f in data.get("flags", ())),
    )


def link_from_dict(data: Mapping[str, Any]) -> Link:
    return Link(
        segment_id=str(data["segment_id"]),
        char_start=int(data["char_start"]),
        char_end=int(data["char_end"]),
        entry_id=str(data["entry_id"]),
        surface=str(data["surface"]),
        score=float(data.get("score", 1.0)),
    )


def transcript_from_dict(data: Mapping[str, Any]) -> Transcript:
    return Transcript(
        language=str(data["language"]),
        duration=float(data["duration"]),
        segments=tuple(segment_from_dict(s) for s in data["segments"]),
        speakers=dict(data.get("speakers", {})),
        links=tuple(link_from_dict(link) for link in data.get("links", ())),
        provenance=dict(data.get("provenance", {})),
    )
