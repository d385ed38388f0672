"""Transcript lines as a report shows them: text cut into pieces (plain, abbreviation, uncertain word), flags.

A line's text is cut wherever an abbreviation link or an uncertain word (``Word.uncertain``) begins or ends, so a
renderer can underline the one and shade the other. Words are found in the line's text in order; a word that
cannot be found there (the text was edited) simply is not shaded. Bad links (offsets outside the text, text that
does not match, overlaps, unknown entries) are logged and dropped.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from notulist.core.model import Link, Segment, Transcript
from notulist.reports.labels import label
from notulist.reports.text import clean_text, format_time
from notulist.summary.citations import is_doubtful

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Piece:
    """A run of a line's text; ``entry`` is the key of the abbreviation it links to (None for plain text)."""

    text: str
    entry: str | None = None
    uncertain: bool = False


@dataclass(frozen=True)
class FlagView:
    kind: str
    label: str
    evidence: str


@dataclass(frozen=True)
class LineView:
    id: str
    index: int
    start: float
    end: float
    start_label: str
    end_label: str
    speaker_id: str
    speaker_name: str
    speaker_index: int  # 0.. in order of first appearance, -1 without a speaker
    text: str
    pieces: tuple[Piece, ...]
    flags: tuple[FlagView, ...]
    cited_by: tuple[int, ...]  # 1-based numbers of the summary points that cite this line
    anchor: str  # noScribe-compatible: ts_{start_ms}_{end_ms}_{speaker}
    doubtful: bool = False  # flagged or dense with uncertain words
    untranscribed: bool = False  # voiced audio without words


def valid_links(transcript: Transcript, entries: Mapping[str, Mapping[str, Any]]) -> dict[str, list[Link]]:
    """Links per segment id, sorted and without overlaps; broken links are logged and dropped."""
    texts = {s.id: s.text for s in transcript.segments}
    by_segment: dict[str, list[Link]] = {}
    for link in sorted(transcript.links, key=lambda lk: (lk.segment_id, lk.char_start, -lk.char_end)):
        text = texts.get(link.segment_id)
        where = f"{link.segment_id}:{link.char_start}-{link.char_end}"
        if text is None:
            log.warning("link to unknown segment %s dropped", link.segment_id)
        elif not 0 <= link.char_start < link.char_end <= len(text):
            log.warning("link %s outside the text dropped", where)
        elif text[link.char_start : link.char_end] != link.surface:
            log.warning("link %s does not match its text %r: dropped", where, link.surface)
        elif link.entry_id not in entries:
            log.warning("link to unknown glossary entry %r dropped", link.entry_id)
        else:
            current = by_segment.setdefault(link.segment_id, [])
            if current and link.char_start < current[-1].char_end:
                log.warning("overlapping link %s dropped", where)
                continue
            current.append(link)
    return by_segment


def uncertain_spans(segment: Segment) -> list[tuple[int, int]]:
    """Character spans of the segment's uncertain words in its text."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    lowered = segment.text.lower()
    for word in segment.words:
        needle = word.text.strip().lower()
        if not needle:
            continue
        at = lowered.find(needle, cursor)
        if at < 0:
            continue
        cursor = at + len(needle)
        if getattr(word, "uncertain", False):
            spans.append((at, cursor))
    return spans


def pieces(segment: Segment, links: list[Link], keys: Mapping[str, str]) -> tuple[Piece, ...]:
    """The text cut at every link and uncertain word boundary."""
    text = segment.text
    entry_at: list[str | None] = [None] * len(text)
    doubt_at = [False] * len(text)
    for link in links:
        for i in range(link.char_start, link.char_end):
            entry_at[i] = keys[link.entry_id]
    previous_end = None
    for start, end in uncertain_spans(segment):
        gap_start = start if previous_end is None or text[previous_end:start].strip() else previous_end
        for i in range(gap_start, end):  # neighbouring uncertain words are shaded as one run
            doubt_at[i] = True
        previous_end = end
    result: list[Piece] = []
    begin = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or (entry_at[i], doubt_at[i]) != (entry_at[begin], doubt_at[begin]):
            result.append(Piece(clean_text(text[begin:i]), entry_at[begin], doubt_at[begin]))
            begin = i
    return tuple(p for p in result if p.text)


def anchor(segment: Segment) -> str:
    speaker = re.sub(r"[^A-Za-z0-9_-]", "", segment.speaker or "") or "S"
    return f"ts_{round(segment.start * 1000)}_{round(segment.end * 1000)}_{speaker}"


def line_views(
    transcript: Transcript,
    links: Mapping[str, list[Link]],
    keys: Mapping[str, str],
    cited_by: Mapping[str, list[int]],
    labels: Mapping[str, str],
) -> tuple[LineView, ...]:
    """Every segment as a ``LineView``; speakers numbered in order of first appearance."""
    with_hours = transcript.duration >= 3600
    speaker_order: list[str] = []
    lines: list[LineView] = []
    for index, segment in enumerate(transcript.segments):
        speaker = segment.speaker or ""
        if speaker and speaker not in speaker_order:
            speaker_order.append(speaker)
        flags = tuple(
            FlagView(clean_text(f.kind), label(labels, f"flag.{f.kind}", clean_text(f.kind)), clean_text(f.evidence))
            for f in segment.flags
        )
        lines.append(
            LineView(
                id=clean_text(segment.id),
                index=index,
                start=float(segment.start),
                end=float(segment.end),
                start_label=format_time(segment.start, with_hours),
                end_label=format_time(segment.end, with_hours),
                speaker_id=clean_text(speaker),
                speaker_name=clean_text(transcript.speaker_name(segment.speaker)) if speaker else "",
                speaker_index=speaker_order.index(speaker) if speaker else -1,
                text=clean_text(segment.text),
                pieces=pieces(segment, list(links.get(segment.id, [])), keys),
                flags=flags,
                cited_by=tuple(cited_by.get(segment.id, ())),
                anchor=anchor(segment),
                doubtful=is_doubtful(segment),
                untranscribed=any(f.kind == "untranscribed" for f in segment.flags),
            )
        )
    return tuple(lines)
