"""What a report shows, shared by the HTML and DOCX renderers.

``ReportInput`` is everything a report is made from (a transcript with speaker names already applied, the session
manifest, the summary, the session glossary's entries, the audio file, what the user said about the meeting and the
template). ``build_view`` turns it into a ``ReportView``: plain, already-formatted values. The minutes come first
(heading rows, participants with their roles, agenda, decisions, actions, open questions), then the transcript (lines
cut into plain text, abbreviation and uncertain-word pieces), then the appendices: abbreviations, flagged lines,
untranscribed speech and the "Verantwoording" (hashes, models, settings; never a local path). Empty sections are
empty tuples: renderers leave them out. Every string in the view is untrusted text that renderers must escape.

Honest source transparency: a point counts as supported only when its cited lines support it *and* none of them is
doubtful (flagged, or dense with uncertain words). A point whose words its lines do carry but one of them is doubtful
is shown as such ("onderbouwd, maar door onzekere regels", with the lines to re-listen to), not as unsupported: doubt
about a line is not a point the lines do not say.
Anything in the manifest may be missing; bad links and citations of unknown segments are logged and left out.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from notulist.core.model import Transcript
from notulist.reports.agenda_view import AgendaItemView, agenda_items
from notulist.reports.labels import label, labels_for
from notulist.reports.lines import FlagView, LineView, Piece, line_views, valid_links
from notulist.reports.meeting import MeetingInfo
from notulist.reports.minutes_templates import MinutesTemplate, load_template
from notulist.reports.provenance import accountability_rows, model_rows
from notulist.reports.text import clean_text, format_duration, format_percent, format_time, get, safe_url
from notulist.summary.citations import SUPPORT_THRESHOLD
from notulist.summary.model import Summary

__all__ = [
    "AUDIO_MODES",
    "AUTO_EMBED_MAX_BYTES",
    "FlagView",
    "LineView",
    "Piece",
    "ReportInput",
    "ReportView",
    "build_view",
    "clean_text",
    "format_duration",
    "format_percent",
    "format_time",
    "labels_for",
    "resolve_audio_mode",
    "safe_url",
]

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
_MONTHS_NL = "januari februari maart april mei juni juli augustus september oktober november december".split()
_DAYS_NL = "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag".split()


@dataclass(frozen=True)
class ReportInput:
    """Everything a report is rendered from."""

    transcript: Transcript  # speaker names already applied
    manifest: Mapping[str, Any]
    summary: Summary | None
    glossary_entries: Mapping[str, Mapping[str, Any]]  # the "entries" of glossary.json
    audio_path: Path
    audio_mode: str = "auto"  # auto | embed | link
    meeting: MeetingInfo = field(default_factory=MeetingInfo)
    template: str = ""  # '' : the meeting's template, else "verslag"
    template_dir: Path | None = None  # an organisation's own templates
    share: bool = False  # minutes to send on: no audio, no transcript
    unknown_abbreviations: tuple[Mapping[str, Any], ...] = ()  # glossary.json context.unknown_abbreviations


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


# --- the view ------------------------------------------------------------------------------------------------------


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
class UnknownAbbreviationView:
    """An acronym in the context documents that the glossary lacks, with the command that adds it."""

    abbreviation: str
    expansion: str  # '' when no document defines it
    count: int
    documents: str  # the documents it appears in, comma separated
    add: str  # the one-line command


@dataclass(frozen=True)
class Citation:
    segment_id: str
    start: float | None  # None: the segment does not exist in the transcript
    label: str
    doubtful: bool = False


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
    doubt_label: str = ""  # "onzeker: herbeluister regel 00:55" ('' when no cited line is doubtful)
    written_by: str = ""
    ref: str = ""  # its number in the besluitenlijst / actielijst ("B1", "A2"); '' for topics and questions

    @property
    def on_doubtful_lines(self) -> bool:
        """The cited words do carry the point, but a cited line is doubtful: "onderbouwd, maar door onzekere regels"
        (not "NIET ONDERBOUWD (100%)", which would contradict itself, and not settled either)."""
        return bool(self.doubt_label) and self.support >= SUPPORT_THRESHOLD

    @property
    def verdict(self) -> Literal["supported", "doubtful", "unsupported"]:
        """ "supported" (its lines carry it and none is doubtful), "doubtful" (they carry it but one is doubtful:
        re-listen before relying on it) or "unsupported" (its lines do not carry it)."""
        if self.supported:
            return "supported"
        return "doubtful" if self.on_doubtful_lines else "unsupported"


@dataclass(frozen=True)
class SummaryView:
    method: str
    model: str
    points: tuple[PointView, ...]
    supported_count: int  # carried by their lines, none of them doubtful
    source_transparency: float
    source_transparency_label: str
    problems: tuple[str, ...] = ()  # what went wrong while summarising, one sentence each
    doubtful_count: int = 0  # carried by their lines' words, but a cited line is doubtful

    def of_kind(self, kind: str) -> tuple[PointView, ...]:
        return tuple(p for p in self.points if p.kind == kind)


@dataclass(frozen=True)
class Participant:
    speaker_id: str  # '' for someone named only as absent
    name: str
    role: str


@dataclass(frozen=True)
class ReportView:
    title: str
    language: str
    labels: Mapping[str, str]
    metadata: tuple[tuple[str, str], ...]  # the "Verantwoording" rows (provenance; no local paths)
    models: tuple[tuple[str, str], ...]
    speakers: tuple[tuple[str, str], ...]  # (id, display name)
    duration: float
    duration_label: str
    audio_sha256: str
    lines: tuple[LineView, ...]
    flagged: tuple[LineView, ...]  # flagged lines, untranscribed ones excepted (they have their own list)
    entries: tuple[EntryView, ...]
    summary: SummaryView | None
    template: MinutesTemplate = field(default_factory=lambda: load_template("verslag"))
    kind_title: str = ""  # "Verslag", "Besluitenlijst", "Gespreksverslag"
    status: str = ""  # "concept" | "definitief"
    heading: tuple[tuple[str, str], ...] = ()  # date, time, place, kenmerk, status
    participants: tuple[Participant, ...] = ()
    absent: tuple[str, ...] = ()
    agenda: tuple[AgendaItemView, ...] = ()  # each item with the points said under it, where that can be told
    untranscribed: tuple[LineView, ...] = ()
    caution: tuple[LineView, ...] = ()  # lines where the caution was given (interviews)
    uncertain_words: int = 0
    author: str = ""
    share: bool = False
    unknown_abbreviations: tuple[UnknownAbbreviationView, ...] = ()

    def section_points(self, kind: str) -> tuple[PointView, ...]:
        """The points of a minutes section; topics already told under an agenda item are not told twice."""
        if self.summary is None:
            return ()
        told = {p.number for item in self.agenda for p in item.points} if kind == "topic" else set()
        return tuple(p for p in self.summary.of_kind(kind) if p.number not in told)


def _unknown_abbreviations(items: tuple[Mapping[str, Any], ...]) -> tuple[UnknownAbbreviationView, ...]:
    views = []
    for item in items:
        if not isinstance(item, Mapping) or not clean_text(item.get("abbreviation")).strip():
            continue
        count = item.get("count")
        documents = item.get("documents")
        views.append(
            UnknownAbbreviationView(
                abbreviation=clean_text(item.get("abbreviation")),
                expansion=clean_text(item.get("expansion")),
                count=count if isinstance(count, int) and count > 0 else 1,
                documents=", ".join(clean_text(d) for d in documents) if isinstance(documents, list) else "",
                add=clean_text(item.get("add")),
            )
        )
    return tuple(views)


def _entries(
    used: list[str], entries_in: Mapping[str, Mapping[str, Any]], keys: Mapping[str, str], lines: tuple[LineView, ...]
) -> tuple[EntryView, ...]:
    entries: list[EntryView] = []
    for entry_id in used:
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
    return tuple(sorted(entries, key=lambda e: e.abbreviation.lower()))


def _point_view(
    number: int, point: Any, lines: Mapping[str, LineView], labels: Mapping[str, str], names: Mapping[str, str]
) -> PointView:
    citations = []
    for sid in point.segment_ids:
        line = lines.get(sid)
        if line is None:
            log.warning("summary point %d cites unknown segment %s", number, sid)
        citation_label = line.start_label if line is not None else labels["missing_segment"]
        doubtful = line is not None and (line.doubtful or sid in point.doubtful_segments)
        citations.append(Citation(clean_text(sid), line.start if line else None, citation_label, doubtful))
    doubtful_labels = [c.label for c in citations if c.doubtful]
    support = float(point.support) if math.isfinite(point.support) else 0.0
    return PointView(
        number=number,
        kind=clean_text(point.kind),
        kind_label=label(labels, f"kind.{point.kind}", clean_text(point.kind)),
        text=clean_text(point.text),
        citations=tuple(citations),
        owner=clean_text(names.get(point.owner, point.owner) if point.owner else ""),  # a speaker id: its name
        due=clean_text(point.due),
        support=support,
        support_label=format_percent(max(0.0, min(1.0, support))),
        supported=bool(point.supported) and not doubtful_labels,
        doubt_label=labels["doubtful"].format(labels=", ".join(doubtful_labels)) if doubtful_labels else "",
        written_by=clean_text(point.written_by),
    )


_REF_PREFIX = {"decision": "B", "action": "A"}


def _numbered(points: tuple[PointView, ...]) -> tuple[PointView, ...]:
    """Decisions numbered B1, B2, ... and actions A1, A2, ... in their order, as the besluiten- and actielijst."""
    counts: dict[str, int] = {}
    numbered = []
    for point in points:
        prefix = _REF_PREFIX.get(point.kind)
        if prefix:
            counts[prefix] = counts.get(prefix, 0) + 1
            point = replace(point, ref=f"{prefix}{counts[prefix]}")
        numbered.append(point)
    return tuple(numbered)


def _summary_view(
    summary: Summary, lines: Mapping[str, LineView], labels: Mapping[str, str], names: Mapping[str, str]
) -> SummaryView:
    points = _numbered(tuple(_point_view(n, p, lines, labels, names) for n, p in enumerate(summary.points, start=1)))
    supported = sum(p.supported for p in points)
    share = supported / len(points) if points else 1.0
    model = clean_text(summary.model_info.get("name")) if summary.model_info else clean_text(summary.model)
    return SummaryView(
        method=clean_text(summary.method),
        model=model,
        points=points,
        supported_count=supported,
        source_transparency=share,
        source_transparency_label=format_percent(share),
        problems=tuple(clean_text(p) for p in getattr(summary, "problems", ()) if clean_text(p).strip()),
        doubtful_count=sum(p.verdict == "doubtful" for p in points),
    )


def _recorded_at(manifest: Mapping[str, Any], language: str) -> datetime | None:
    """When the recording was made, on the clock of its readers (Dutch minutes: Amsterdam time)."""
    for value in (get(manifest, "recorded"), get(manifest, "audio", "recorded"), get(manifest, "created")):
        if isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                continue
            if moment.tzinfo is not None and language.lower().startswith("nl"):
                return moment.astimezone(ZoneInfo("Europe/Amsterdam"))
            return moment
    return None


def _heading_rows(meeting: MeetingInfo, manifest: Mapping[str, Any], duration: float, labels: Mapping[str, str]):
    """Datum, tijd, plaats, kenmerk and status: the user's words first, the recording's clock otherwise."""
    started = _recorded_at(manifest, "nl" if labels is labels_for("nl") else "en")
    dutch = labels is labels_for("nl")
    date, time = meeting.date, meeting.time
    if started is not None and not date:
        date = (
            f"{_DAYS_NL[started.weekday()]} {started.day} {_MONTHS_NL[started.month - 1]} {started.year}"
            if dutch
            else started.strftime("%A %d %B %Y")
        )
    if started is not None and not time:
        ended = started + timedelta(seconds=duration)
        time = f"{started:%H:%M}" if f"{ended:%H:%M}" == f"{started:%H:%M}" else f"{started:%H:%M}\u2013{ended:%H:%M}"
    status = meeting.status or "concept"
    rows = (
        (labels["metadata_date"], date),
        (labels["metadata_time"], time),
        (labels["metadata_place"], meeting.place),
        (labels["metadata_kenmerk"], meeting.kenmerk),
        (labels["metadata_status"], label(labels, f"status.{status}", status)),
    )
    return tuple((key, clean_text(value)) for key, value in rows if clean_text(value).strip())


def _participants(speakers: tuple[tuple[str, str], ...], meeting: MeetingInfo) -> tuple[Participant, ...]:
    return tuple(Participant(sid, name, clean_text(meeting.roles.get(sid, ""))) for sid, name in speakers)


def _title(meeting: MeetingInfo, manifest: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    """The user's title; else the session's name without its timestamp ("overleg-dpia" -> "Overleg dpia")."""
    if meeting.title:
        return clean_text(meeting.title)
    name = clean_text(get(manifest, "name"))
    slug = re.match(r"^\d{4}-\d{2}-\d{2}T\d{4}_(.+)$", name)
    if slug:  # a session folder name: "2026-11-30T0445_overleg-dpia"
        name = " ".join(slug.group(1).replace("-", " ").replace("_", " ").split())
    name = name or Path(clean_text(get(manifest, "audio", "source_name"))).stem
    return name[:1].upper() + name[1:] if name else labels["report"]


_CAUTION_WORDS = ("niet verplicht", "zwijgrecht", "hoeft geen antwoord", "hoeft u geen", "cautie")


def _caution(lines: tuple[LineView, ...]) -> tuple[LineView, ...]:
    return tuple(line for line in lines if any(w in line.text.lower() for w in _CAUTION_WORDS))


def _link_keys(transcript: Transcript, entries_in: Mapping[str, Mapping[str, Any]]):
    links = valid_links(transcript, entries_in)
    used: list[str] = []
    for segment in transcript.segments:
        for link in links.get(segment.id, ()):
            if link.entry_id not in used:
                used.append(link.entry_id)
    return links, used, {entry_id: f"g{i}" for i, entry_id in enumerate(used, start=1)}


def _cited_by(summary: Summary | None) -> dict[str, list[int]]:
    cited: dict[str, list[int]] = {}
    if summary is not None:
        for number, point in enumerate(summary.points, start=1):
            for sid in point.segment_ids:
                cited.setdefault(sid, []).append(number)
    return cited


def _duration(manifest: Mapping[str, Any], transcript: Transcript) -> float:
    duration = get(manifest, "audio", "duration")
    if not isinstance(duration, (int, float)) or not math.isfinite(duration):
        duration = transcript.duration
    return float(duration)


def build_view(report: ReportInput) -> ReportView:
    """Everything both renderers show, formatted and checked."""
    transcript, meeting, manifest = report.transcript, report.meeting, report.manifest
    labels = labels_for(transcript.language)
    template = load_template(report.template or meeting.template, report.template_dir)
    links, used, keys = _link_keys(transcript, report.glossary_entries or {})
    lines = line_views(transcript, links, keys, _cited_by(report.summary), labels)
    by_id = {line.id: line for line in lines}
    names = {line.speaker_id: line.speaker_name for line in lines if line.speaker_id}
    names.update({sid: clean_text(name) for sid, name in transcript.speakers.items() if name})
    summary = _summary_view(report.summary, by_id, labels, names) if report.summary is not None else None
    duration = _duration(manifest, transcript)
    speaker_order = sorted(
        {line.speaker_id: line.speaker_index for line in lines if line.speaker_id}.items(), key=lambda kv: kv[1]
    )
    speakers = tuple((sid, clean_text(transcript.speaker_name(sid))) for sid, _ in speaker_order)
    status = meeting.status or "concept"
    return ReportView(
        title=_title(meeting, manifest, labels),
        language=clean_text(transcript.language),
        labels=labels,
        metadata=accountability_rows(manifest, duration, transcript, report.summary, labels),
        models=tuple(model_rows(manifest)),
        speakers=speakers,
        duration=duration,
        duration_label=format_duration(duration),
        audio_sha256=clean_text(get(manifest, "audio", "sha256")),
        lines=lines,
        flagged=tuple(line for line in lines if line.flags and not line.untranscribed),
        entries=_entries(used, report.glossary_entries or {}, keys, lines),
        summary=summary,
        template=template,
        kind_title=template.title or label(labels, f"template.{template.base}", template.base),
        status=status,
        heading=_heading_rows(meeting, manifest, duration, labels),
        participants=_participants(speakers, meeting),
        absent=tuple(clean_text(name) for name in meeting.absent),
        agenda=agenda_items(meeting.agenda, report.summary, summary.points if summary else (), transcript),
        untranscribed=tuple(line for line in lines if line.untranscribed),
        caution=_caution(lines),
        uncertain_words=sum(1 for line in lines for piece in line.pieces if piece.uncertain),
        author=clean_text(meeting.author),
        share=report.share,
        unknown_abbreviations=() if report.share else _unknown_abbreviations(report.unknown_abbreviations),
    )
