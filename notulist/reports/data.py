"""What a report shows, shared by the HTML and DOCX renderers.

``ReportInput`` is everything a report is made from (a transcript with speaker names already applied, the session
manifest, the summary, the session glossary's entries and the audio file). ``build_view`` turns it into a
``ReportView``: plain, already-formatted values (times as mm:ss, metadata rows, transcript lines cut into plain
text and abbreviation pieces, the flagged lines, the summary points with their citations, the abbreviations
found). Renderers only lay the view out; every string in it is untrusted text that they must escape.

Anything in the manifest may be missing; bad links (offsets outside the text, text that does not match, overlaps)
and citations of unknown segments are logged and left out rather than breaking the report.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from notulist.core.model import Link, Segment, Transcript
from notulist.core.times import short_clock
from notulist.summary.model import Summary

log = logging.getLogger(__name__)

AudioMode = Literal["embed", "link"]
AUDIO_MODES: tuple[str, ...] = ("auto", "embed", "link")
# "auto" embeds audio files up to this size and links larger ones (about 25 minutes of 16 kHz mono FLAC).
AUTO_EMBED_MAX_BYTES = 25 * 1024 * 1024

_AUDIO_MIME = {
    ".flac": "audio/flac",
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
    ".m4a": "audio/mp4",
    ".webm": "audio/webm",
}

# Characters XML 1.0 (and so DOCX) cannot hold, and that have no business in a report.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


@dataclass(frozen=True)
class ReportInput:
    """Everything a report is rendered from."""

    transcript: Transcript  # speaker names already applied
    manifest: Mapping[str, Any]
    summary: Summary | None
    glossary_entries: Mapping[str, Mapping[str, Any]]  # the "entries" of glossary.json
    audio_path: Path
    audio_mode: str = "auto"  # auto | embed | link


# --- small helpers -------------------------------------------------------------------------------------------------


def clean_text(value: Any) -> str:
    """``value`` as a string without control characters (None -> '')."""
    if value is None:
        return ""
    return _CONTROL_CHARS.sub("", str(value))


format_time = short_clock  # a moment in a report: ``mm:ss`` (``h:mm:ss`` from one hour on)


def format_duration(seconds: float | None) -> str:
    if seconds is None or not math.isfinite(seconds):
        return ""
    return format_time(seconds)


def format_percent(share: float) -> str:
    return f"{round(share * 100):d}%"


def safe_url(value: Any) -> str | None:
    """``value`` if it is an absolute http(s) URL, else None (never a ``javascript:`` or ``data:`` link)."""
    text = clean_text(value).strip()
    if not text:
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return text


def audio_mime(path: Path) -> str:
    return _AUDIO_MIME.get(path.suffix.lower(), "application/octet-stream")


def resolve_audio_mode(mode: str, audio_path: Path) -> AudioMode:
    """``embed`` or ``link`` for the requested ``mode``; ``auto`` embeds up to ``AUTO_EMBED_MAX_BYTES``.

    A missing audio file cannot be embedded: it is linked (the report says the audio was not found).
    """
    if mode not in AUDIO_MODES:
        raise ValueError(f"audio mode must be one of {', '.join(AUDIO_MODES)}, not {mode!r}")
    if not audio_path.is_file():
        return "link"
    if mode == "auto":
        return "embed" if audio_path.stat().st_size <= AUTO_EMBED_MAX_BYTES else "link"
    return "embed" if mode == "embed" else "link"


def _get(mapping: Any, *keys: str) -> Any:
    """``mapping[k1][k2]...`` or None where any level is missing or not a mapping."""
    value = mapping
    for key in keys:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


# --- the view ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """A run of a line's text; ``entry`` is the key of the abbreviation it links to (None for plain text)."""

    text: str
    entry: str | None = None


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


@dataclass(frozen=True)
class EntryView:
    key: str  # a short, safe id ("g1", ...) for element ids
    entry_id: str
    abbreviation: str
    expansion: str
    description: str
    domain: str
    source: str
    url: str | None
    occurrences: tuple[tuple[str, str], ...]  # (segment id, start label)


@dataclass(frozen=True)
class Citation:
    segment_id: str
    start: float | None  # None: the segment does not exist in the transcript
    label: str


@dataclass(frozen=True)
class PointView:
    number: int
    kind: str
    kind_label: str
    text: str
    citations: tuple[Citation, ...]
    owner: str
    due: str
    support: float
    support_label: str
    supported: bool


@dataclass(frozen=True)
class SummaryView:
    method: str
    model: str
    points: tuple[PointView, ...]
    supported_count: int
    source_transparency: float
    source_transparency_label: str
    problems: tuple[str, ...] = ()  # what went wrong while summarising, one sentence each


@dataclass(frozen=True)
class ReportView:
    title: str
    language: str
    labels: Mapping[str, str]
    metadata: tuple[tuple[str, str], ...]
    models: tuple[tuple[str, str], ...]
    speakers: tuple[tuple[str, str], ...]  # (id, display name)
    duration: float
    duration_label: str
    audio_sha256: str
    lines: tuple[LineView, ...]
    flagged: tuple[LineView, ...]
    entries: tuple[EntryView, ...]
    summary: SummaryView | None


_LABELS_EN: dict[str, str] = {
    "summary_problems": "Problems while summarising",
    "report": "Report",
    "metadata": "Session",
    "models": "Models",
    "speakers": "Speakers",
    "summary": "Summary",
    "transcript": "Transcript",
    "abbreviations": "Abbreviations",
    "flagged": "Flagged lines",
    "name": "Session",
    "created": "Created",
    "duration": "Duration",
    "language": "Language",
    "source_name": "Source file",
    "source_sha256": "Source sha256",
    "audio_sha256": "Audio sha256",
    "audio_format": "Audio",
    "tool_version": "notulist version",
    "glossary": "Glossary",
    "segments": "Lines",
    "source_transparency": "Source transparency",
    "supported": "supported",
    "unsupported": "UNSUPPORTED",
    "support": "support",
    "points_supported": "{supported} of {total} summary points are supported by the lines they cite",
    "cites": "cites",
    "missing_segment": "missing line",
    "owner": "owner",
    "due": "due",
    "no_flags": "No line was flagged.",
    "no_abbreviations": "No abbreviations from the glossary were found.",
    "no_summary": "No summary was made for this session.",
    "expansion": "Expansion",
    "description": "Description",
    "domain": "Domain",
    "source": "Source",
    "occurs": "Occurs at",
    "abbreviation": "Abbreviation",
    "time": "Time",
    "speaker": "Speaker",
    "text": "Text",
    "reason": "Reason",
    "play": "Play",
    "close": "Close",
    "follow": "Follow the audio",
    "audio_missing": "The audio file {name} was not found next to this report.",
    "audio_linked": "The audio is not embedded: keep {name} in the same folder as this report.",
    "audit_hint": "Click a line to hear the audio behind it. Flagged lines may contain text the recogniser invented.",
    "method": "method",
    "unknown_speaker": "(unknown)",
    "appendix": "Appendix",
    "page": "Page",
    "kind.topic": "Topic",
    "kind.decision": "Decision",
    "kind.action": "Action",
    "kind.question": "Question",
    "flag.low_confidence": "low confidence",
    "flag.no_speech": "probably no speech",
    "flag.repetition": "repetition",
    "flag.phantom_phrase": "known phantom phrase",
    "flag.outside_speech": "outside detected speech",
}

_LABELS_NL: dict[str, str] = {
    "summary_problems": "Problemen bij het samenvatten",
    "report": "Verslag",
    "metadata": "Sessie",
    "models": "Modellen",
    "speakers": "Sprekers",
    "summary": "Samenvatting",
    "transcript": "Transcript",
    "abbreviations": "Afkortingen",
    "flagged": "Gemarkeerde regels",
    "name": "Sessie",
    "created": "Aangemaakt",
    "duration": "Duur",
    "language": "Taal",
    "source_name": "Bronbestand",
    "source_sha256": "Bron-sha256",
    "audio_sha256": "Audio-sha256",
    "audio_format": "Audio",
    "tool_version": "notulist-versie",
    "glossary": "Woordenlijst",
    "segments": "Regels",
    "source_transparency": "Brontransparantie",
    "supported": "onderbouwd",
    "unsupported": "NIET ONDERBOUWD",
    "support": "onderbouwing",
    "points_supported": "{supported} van {total} samenvattingspunten worden gedragen door de regels die ze aanhalen",
    "cites": "bron",
    "missing_segment": "regel ontbreekt",
    "owner": "eigenaar",
    "due": "uiterlijk",
    "no_flags": "Er is geen regel gemarkeerd.",
    "no_abbreviations": "Er zijn geen afkortingen uit de woordenlijst gevonden.",
    "no_summary": "Voor deze sessie is geen samenvatting gemaakt.",
    "expansion": "Voluit",
    "description": "Omschrijving",
    "domain": "Domein",
    "source": "Bron",
    "occurs": "Komt voor op",
    "abbreviation": "Afkorting",
    "time": "Tijd",
    "speaker": "Spreker",
    "text": "Tekst",
    "reason": "Reden",
    "play": "Afspelen",
    "close": "Sluiten",
    "follow": "Audio volgen",
    "audio_missing": "Het audiobestand {name} is niet gevonden naast dit verslag.",
    "audio_linked": "De audio zit niet in dit bestand: bewaar {name} in dezelfde map als dit verslag.",
    "audit_hint": "Klik op een regel om de audio erachter te horen. Gemarkeerde regels kunnen tekst bevatten die de "
    "herkenner heeft verzonnen.",
    "method": "methode",
    "unknown_speaker": "(onbekend)",
    "appendix": "Bijlage",
    "page": "Pagina",
    "kind.topic": "Onderwerp",
    "kind.decision": "Besluit",
    "kind.action": "Actie",
    "kind.question": "Vraag",
    "flag.low_confidence": "lage zekerheid",
    "flag.no_speech": "waarschijnlijk geen spraak",
    "flag.repetition": "herhaling",
    "flag.phantom_phrase": "bekende spookzin",
    "flag.outside_speech": "buiten gedetecteerde spraak",
}


def labels_for(language: str) -> Mapping[str, str]:
    """Report labels in the transcript's language (Dutch for ``nl``, English otherwise)."""
    return _LABELS_NL if language.lower().startswith("nl") else _LABELS_EN


def _label(labels: Mapping[str, str], key: str, fallback: str) -> str:
    return labels.get(key, fallback.replace("_", " "))


def _valid_links(transcript: Transcript, entries: Mapping[str, Mapping[str, Any]]) -> dict[str, list[Link]]:
    """Links per segment id, sorted and without overlaps; broken links are logged and dropped."""
    texts = {s.id: s.text for s in transcript.segments}
    by_segment: dict[str, list[Link]] = {}
    for link in sorted(transcript.links, key=lambda lk: (lk.segment_id, lk.char_start, -lk.char_end)):
        text = texts.get(link.segment_id)
        if text is None:
            log.warning("link to unknown segment %s dropped", link.segment_id)
            continue
        if not 0 <= link.char_start < link.char_end <= len(text):
            log.warning("link %s:%d-%d outside the text dropped", link.segment_id, link.char_start, link.char_end)
            continue
        if text[link.char_start : link.char_end] != link.surface:
            log.warning(
                "link %s:%d-%d does not match its text %r: dropped",
                link.segment_id,
                link.char_start,
                link.char_end,
                link.surface,
            )
            continue
        if link.entry_id not in entries:
            log.warning("link to unknown glossary entry %r dropped", link.entry_id)
            continue
        current = by_segment.setdefault(link.segment_id, [])
        if current and link.char_start < current[-1].char_end:
            log.warning("overlapping link %s:%d-%d dropped", link.segment_id, link.char_start, link.char_end)
            continue
        current.append(link)
    return by_segment


def _pieces(text: str, links: list[Link], keys: Mapping[str, str]) -> tuple[Piece, ...]:
    pieces: list[Piece] = []
    position = 0
    for link in links:
        if link.char_start > position:
            pieces.append(Piece(clean_text(text[position : link.char_start])))
        pieces.append(Piece(clean_text(text[link.char_start : link.char_end]), keys[link.entry_id]))
        position = link.char_end
    if position < len(text):
        pieces.append(Piece(clean_text(text[position:])))
    return tuple(pieces)


def _anchor(segment: Segment) -> str:
    speaker = re.sub(r"[^A-Za-z0-9_-]", "", segment.speaker or "") or "S"
    return f"ts_{round(segment.start * 1000)}_{round(segment.end * 1000)}_{speaker}"


def _metadata(manifest: Mapping[str, Any], transcript: Transcript, labels: Mapping[str, str]) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []

    def add(key: str, value: Any) -> None:
        text = clean_text(value).strip()
        if text:
            rows.append((labels[key], text))

    duration = _get(manifest, "audio", "duration")
    if not isinstance(duration, (int, float)):
        duration = transcript.duration
    add("name", _get(manifest, "name"))
    add("created", _get(manifest, "created"))
    add("duration", format_duration(float(duration)))
    add("language", transcript.language)
    add("source_name", _get(manifest, "audio", "source_name"))
    add("source_sha256", _get(manifest, "audio", "source_sha256"))
    add("audio_sha256", _get(manifest, "audio", "sha256"))
    rate, channels = _get(manifest, "audio", "sample_rate"), _get(manifest, "audio", "channels")
    if rate or channels:
        add(
            "audio_format",
            ", ".join(p for p in (f"{rate} Hz" if rate else "", f"{channels} ch" if channels else "") if p),
        )
    glossary = _get(manifest, "glossary")
    if isinstance(glossary, Mapping):
        add("glossary", " ".join(clean_text(glossary.get(k)) for k in ("version", "sha256") if glossary.get(k)))
    add("tool_version", _get(manifest, "tool_version"))
    add("segments", str(len(transcript.segments)))
    return rows


def _models(manifest: Mapping[str, Any]) -> list[tuple[str, str]]:
    models = _get(manifest, "models")
    if not isinstance(models, Mapping):
        return []
    rows: list[tuple[str, str]] = []
    for role, spec in models.items():
        if isinstance(spec, Mapping):
            parts = [clean_text(spec.get("name"))]
            extras = [clean_text(spec.get(k)) for k in ("device", "compute_type") if spec.get(k) not in (None, "")]
            if extras:
                parts.append(f"({', '.join(extras)})")
            if spec.get("sha256"):
                parts.append(f"sha256 {clean_text(spec.get('sha256'))}")
            if spec.get("path"):
                parts.append(clean_text(spec.get("path")))
            rows.append((clean_text(role), " ".join(p for p in parts if p)))
        elif spec is not None:
            rows.append((clean_text(role), clean_text(spec)))
    return rows


def _summary_view(
    summary: Summary, starts: Mapping[str, float], labels: Mapping[str, str], with_hours: bool
) -> SummaryView:
    points: list[PointView] = []
    for number, point in enumerate(summary.points, start=1):
        citations = []
        for sid in point.segment_ids:
            start = starts.get(sid)
            if start is None:
                log.warning("summary point %d cites unknown segment %s", number, sid)
            label = format_time(start, with_hours) if start is not None else labels["missing_segment"]
            citations.append(Citation(clean_text(sid), start, label))
        support = float(point.support) if math.isfinite(point.support) else 0.0
        points.append(
            PointView(
                number=number,
                kind=clean_text(point.kind),
                kind_label=_label(labels, f"kind.{point.kind}", clean_text(point.kind)),
                text=clean_text(point.text),
                citations=tuple(citations),
                owner=clean_text(point.owner),
                due=clean_text(point.due),
                support=support,
                support_label=format_percent(max(0.0, min(1.0, support))),
                supported=bool(point.supported),
            )
        )
    supported = sum(p.supported for p in points)
    return SummaryView(
        method=clean_text(summary.method),
        model=clean_text(summary.model),
        points=tuple(points),
        supported_count=supported,
        source_transparency=summary.source_transparency,
        source_transparency_label=format_percent(summary.source_transparency),
        problems=tuple(clean_text(p) for p in getattr(summary, "problems", ()) if clean_text(p).strip()),
    )


def build_view(report: ReportInput) -> ReportView:
    """Everything both renderers show, formatted and checked."""
    transcript = report.transcript
    labels = labels_for(transcript.language)
    entries_in = report.glossary_entries or {}
    with_hours = transcript.duration >= 3600

    links = _valid_links(transcript, entries_in)
    used_entries: list[str] = []
    for segment in transcript.segments:
        for link in links.get(segment.id, ()):
            if link.entry_id not in used_entries:
                used_entries.append(link.entry_id)
    keys = {entry_id: f"g{i}" for i, entry_id in enumerate(used_entries, start=1)}

    cited_by: dict[str, list[int]] = {}
    if report.summary is not None:
        for number, point in enumerate(report.summary.points, start=1):
            for sid in point.segment_ids:
                cited_by.setdefault(sid, []).append(number)

    speaker_order: list[str] = []
    lines: list[LineView] = []
    for index, segment in enumerate(transcript.segments):
        speaker = segment.speaker or ""
        if speaker and speaker not in speaker_order:
            speaker_order.append(speaker)
        flags = tuple(
            FlagView(clean_text(f.kind), _label(labels, f"flag.{f.kind}", clean_text(f.kind)), clean_text(f.evidence))
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
                pieces=_pieces(segment.text, links.get(segment.id, []), keys),
                flags=flags,
                cited_by=tuple(cited_by.get(segment.id, ())),
                anchor=_anchor(segment),
            )
        )

    entries: list[EntryView] = []
    for entry_id in used_entries:
        entry = entries_in[entry_id]
        occurrences = tuple(
            (line.id, line.start_label) for line in lines if any(p.entry == keys[entry_id] for p in line.pieces)
        )
        entries.append(
            EntryView(
                key=keys[entry_id],
                entry_id=clean_text(entry_id),
                abbreviation=clean_text(entry.get("abbreviation")) or clean_text(entry_id),
                expansion=clean_text(entry.get("expansion")),
                description=clean_text(entry.get("description")),
                domain=clean_text(entry.get("domain")),
                source=clean_text(entry.get("source")),
                url=safe_url(entry.get("url")),
                occurrences=occurrences,
            )
        )
    entries.sort(key=lambda e: e.abbreviation.lower())

    starts = {s.id: float(s.start) for s in transcript.segments}
    summary = _summary_view(report.summary, starts, labels, with_hours) if report.summary is not None else None

    duration = _get(report.manifest, "audio", "duration")
    if not isinstance(duration, (int, float)) or not math.isfinite(duration):
        duration = transcript.duration
    title = clean_text(_get(report.manifest, "name")) or clean_text(_get(report.manifest, "audio", "source_name"))
    speakers = tuple((clean_text(s), clean_text(transcript.speaker_name(s))) for s in speaker_order)
    return ReportView(
        title=title or labels["report"],
        language=clean_text(transcript.language),
        labels=labels,
        metadata=tuple(_metadata(report.manifest, transcript, labels)),
        models=tuple(_models(report.manifest)),
        speakers=speakers,
        duration=float(duration),
        duration_label=format_duration(float(duration)),
        audio_sha256=clean_text(_get(report.manifest, "audio", "sha256")),
        lines=tuple(lines),
        flagged=tuple(line for line in lines if line.flags),
        entries=tuple(entries),
        summary=summary,
    )
