"""The report's view model: times, links cut into pieces, citations, metadata, audio mode (pure, fast)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import DATA

from notulist.core.model import Link, Segment, Transcript, transcript_from_dict
from notulist.reports.data import (
    AUTO_EMBED_MAX_BYTES,
    Piece,
    ReportInput,
    build_view,
    clean_text,
    format_time,
    resolve_audio_mode,
    safe_url,
)
from notulist.summary.model import Summary, SummaryPoint, summary_from_dict


def fixture_input(audio_mode: str = "auto") -> ReportInput:
    return ReportInput(
        transcript=transcript_from_dict(json.loads((DATA / "report_transcript.json").read_text(encoding="utf-8"))),
        manifest=json.loads((DATA / "report_manifest.json").read_text(encoding="utf-8")),
        summary=summary_from_dict(json.loads((DATA / "report_summary.json").read_text(encoding="utf-8"))),
        glossary_entries=json.loads((DATA / "report_glossary.json").read_text(encoding="utf-8"))["entries"],
        audio_path=DATA / "report_clip.flac",
        audio_mode=audio_mode,
    )


def test_format_time() -> None:
    assert format_time(0) == "00:00"
    assert format_time(29.569) == "00:29"
    assert format_time(61.99) == "01:01"
    assert format_time(3599.5) == "59:59"
    assert format_time(3600) == "1:00:00"
    assert format_time(3725) == "1:02:05"
    assert format_time(5, with_hours=True) == "0:00:05"
    assert format_time(-3) == "00:00"
    assert format_time(float("nan")) == "00:00"


def test_safe_url_only_allows_http() -> None:
    assert safe_url("https://www.fiod.nl/") == "https://www.fiod.nl/"
    assert safe_url("http://www.kvk.nl/") == "http://www.kvk.nl/"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url(" JavaScript:alert(1)") is None
    assert safe_url("data:text/html,<script>alert(1)</script>") is None
    assert safe_url("www.kvk.nl") is None
    assert safe_url(None) is None
    assert safe_url("") is None


def test_clean_text_removes_control_characters() -> None:
    assert clean_text("a\x00b\x07c\td\ne") == "abc\td\ne"
    assert clean_text(None) == ""


def test_view_of_the_fixture() -> None:
    view = build_view(fixture_input())
    assert [line.id for line in view.lines] == ["s0001", "s0002", "s0003", "s0004", "s0005", "s0006"]
    first = view.lines[0]
    assert first.speaker_name == "Pieter de Vries"
    assert view.lines[1].speaker_name == "SPEAKER_01"  # unnamed speakers keep their id
    assert first.start_label == "00:00" and view.lines[5].start_label == "00:29"
    assert first.anchor == "ts_0_9896_SPEAKER_00"
    assert view.lines[5].anchor == "ts_29569_37743_SPEAKER_00"
    # pieces put the text back together and mark the abbreviations
    for line in view.lines:
        assert "".join(p.text for p in line.pieces) == line.text
    marked = [(p.text, p.entry) for line in view.lines for p in line.pieces if p.entry]
    keys = {e.abbreviation: e.key for e in view.entries}
    assert marked == [("FIOD", keys["FIOD"]), ("KvK", keys["KvK"]), ("btw", keys["btw"])]
    assert [e.abbreviation for e in view.entries] == ["btw", "FIOD", "KvK"]
    kvk = next(e for e in view.entries if e.abbreviation == "KvK")
    assert kvk.expansion == "Kamer van Koophandel" and kvk.occurrences == (("s0006", "00:29"),)
    assert next(e for e in view.entries if e.abbreviation == "btw").url is None
    # flagged lines and their labels (Dutch for a Dutch transcript)
    assert [line.id for line in view.flagged] == ["s0003", "s0005"]
    assert [f.kind for f in view.flagged[0].flags] == ["phantom_phrase", "outside_speech"]
    assert view.flagged[0].flags[0].label == "bekende spookzin"
    # summary: citations resolve to start times; 2 of 3 supported
    assert view.summary is not None
    assert view.summary.supported_count == 2
    assert view.summary.source_transparency_label == "67%"
    assert [c.label for c in view.summary.points[0].citations] == ["00:00", "00:10"]
    assert view.summary.points[2].supported is False and view.summary.points[2].support_label == "12%"
    assert view.lines[4].cited_by == (3,)
    # metadata
    meta = dict(view.metadata)
    assert meta["Audio-sha256"] == fixture_input().manifest["audio"]["sha256"]
    assert meta["Duur"] == "00:38"
    assert dict(view.models)["asr"].startswith("whisper-base (cpu, int8) sha256 d01c3014")


def test_broken_links_and_citations_are_dropped_not_fatal() -> None:
    segment = Segment("s0001", 0.0, 2.0, "De FIOD en de KvK.", speaker="A")
    transcript = Transcript(
        language="en",
        duration=2.0,
        segments=(segment,),
        links=(
            Link("s0001", 3, 7, "fiod", "FIOD", 1.0),
            Link("s0001", 4, 9, "fiod", "IOD e", 1.0),  # overlaps the first
            Link("s0001", 14, 99, "kvk", "KvK", 1.0),  # past the end of the text
            Link("s0009", 0, 2, "kvk", "De", 1.0),  # unknown segment
            Link("s0001", 14, 17, "nope", "KvK", 1.0),  # unknown entry
            Link("s0001", 14, 17, "kvk", "BSN", 1.0),  # the text there is not what the link says
        ),
    )
    summary = Summary(points=(SummaryPoint("topic", "x", ("s0001", "s0404"), supported=True, support=1.0),), method="t")
    report = ReportInput(transcript, {}, summary, {"fiod": {"abbreviation": "FIOD"}, "kvk": {}}, Path("/nonexistent"))
    view = build_view(report)
    assert view.lines[0].pieces == (Piece("De "), Piece("FIOD", "g1"), Piece(" en de KvK."))
    assert view.summary is not None
    citations = view.summary.points[0].citations
    assert citations[1].start is None and citations[1].label == "missing line"  # English labels for "en"
    assert view.title == "Report"  # no manifest at all
    # the "Verantwoording" rows: who wrote the summary is part of it
    assert view.metadata == (("Duration", "00:02"), ("Language", "en"), ("Summary", "t"), ("Lines", "1"))


def test_hours_in_long_recordings() -> None:
    transcript = Transcript("nl", 4000.0, (Segment("s0001", 3700.0, 3702.0, "Laat."),))
    view = build_view(ReportInput(transcript, {}, None, {}, Path("x.flac")))
    assert view.lines[0].start_label == "1:01:40"
    assert view.summary is None


def test_resolve_audio_mode(tmp_path: Path) -> None:
    small = tmp_path / "audio.flac"
    small.write_bytes(b"f" * 1000)
    assert resolve_audio_mode("auto", small) == "embed"
    assert resolve_audio_mode("link", small) == "link"
    assert resolve_audio_mode("embed", small) == "embed"
    big = tmp_path / "big.flac"
    with open(big, "wb") as handle:
        handle.truncate(AUTO_EMBED_MAX_BYTES + 1)  # sparse: no real disk use
    assert resolve_audio_mode("auto", big) == "link"
    assert resolve_audio_mode("embed", big) == "embed"
    assert resolve_audio_mode("embed", tmp_path / "missing.flac") == "link"
    with pytest.raises(ValueError):
        resolve_audio_mode("stream", small)


def test_report_input_is_frozen() -> None:
    report = fixture_input()
    with pytest.raises(AttributeError):
        report.audio_mode = "link"  # type: ignore[misc]
    assert replace(report, audio_mode="link").audio_mode == "link"
