"""report.docx: its structure read back with python-docx, and a real conversion to PDF by LibreOffice.

The PDF test needs ``soffice`` (Debian: ``apt-get install -y --no-install-recommends libreoffice-writer-nogui``)
and skips without it, unless NOTULIST_REQUIRE_BROWSER=1 (CI), where it fails.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from test_report_data import DATA, fixture_input
from test_report_html import PAYLOAD_SPEAKER, PAYLOAD_TEXT, hostile_input

from notulist.reports.docx import render_docx

TRANSCRIPT_LINES = [
    "[00:00] Pieter de Vries: Goedemorgen. Het is dinsdag veertien oktober, tien uur.",
    "[00:10] SPEAKER_01: Goedemorgen. Ik ben Sandra Jansen,",
    "[00:16] SPEAKER_01: Bedankt voor het kijken.",
    "[00:17] Pieter de Vries: Mevrouw Jansen, u bent hier vrijwillig",
    "[00:24] SPEAKER_01: Ja, dat begrijp ik.",
    "[00:29] Pieter de Vries: Uw onderneming staat sinds 2019 ingeschreven bij de KvK.",
]


def _document(data: bytes):  # -> docx.document.Document
    return Document(io.BytesIO(data))


def test_docx_structure() -> None:
    document = _document(render_docx(fixture_input()))
    paragraphs = document.paragraphs
    headings = [(p.style.name, p.text) for p in paragraphs if p.style.name.startswith(("Title", "Heading"))]
    assert headings == [
        ("Title", "2026-10-14T1000_interview-fiod"),
        ("Heading 1", "Samenvatting"),
        ("Heading 1", "Transcript"),
        ("Heading 1", "Bijlage A. Afkortingen"),
        ("Heading 1", "Bijlage B. Gemarkeerde regels"),
    ]
    assert document.core_properties.title == "2026-10-14T1000_interview-fiod"

    metadata, abbreviations, flagged = document.tables
    rows = {row.cells[0].text: row.cells[1].text for row in metadata.rows}
    assert rows["Audio-sha256"] == fixture_input().manifest["audio"]["sha256"]
    assert rows["Duur"] == "00:38"
    assert rows["Modellen: asr"].startswith("whisper-base (cpu, int8)")
    assert rows["Sprekers"] == "Pieter de Vries (SPEAKER_00), SPEAKER_01"

    texts = [p.text for p in paragraphs]
    start = texts.index("Transcript") + 1
    transcript = texts[start : start + 6]
    for line, expected in zip(transcript, TRANSCRIPT_LINES, strict=True):
        assert line.startswith(expected), (line, expected)
    assert "\u26a0 bekende spookzin" in transcript[2] and "\u26a0 lage zekerheid" in transcript[4]

    summary = [p for p in paragraphs if p.style.name == "List Number"]
    assert len(summary) == 3
    assert summary[0].text.startswith("Onderwerp: Rechercheur Pieter de Vries van de FIOD")
    assert "[00:00] [00:10]" in summary[0].text and "onderbouwd (94%)" in summary[0].text
    assert "[00:29]" in summary[1].text
    assert "NIET ONDERBOUWD (12%)" in summary[2].text and "(eigenaar: Sandra Jansen)" in summary[2].text
    assert any(p.text.startswith("Brontransparantie: 67%") for p in paragraphs)
    # citations are internal links to bookmarks on the transcript lines
    anchors = [h.get(qn("w:anchor")) for h in document.element.body.iter(qn("w:hyperlink"))]
    bookmarks = {b.get(qn("w:name")) for b in document.element.body.iter(qn("w:bookmarkStart"))}
    assert anchors == ["seg_s0001", "seg_s0002", "seg_s0006", "seg_s0005"]
    assert set(anchors) <= bookmarks

    assert [c.text for c in abbreviations.rows[0].cells] == [
        "Afkorting",
        "Voluit",
        "Omschrijving",
        "Bron",
        "Komt voor op",
    ]
    entries = {row.cells[0].text: [c.text for c in row.cells] for row in abbreviations.rows[1:]}
    assert list(entries) == ["btw", "FIOD", "KvK"]
    assert entries["KvK"][1] == "Kamer van Koophandel"
    assert "Handelsregister" in entries["KvK"][2]
    assert "http://www.kvk.nl/" in entries["KvK"][3] and entries["KvK"][4] == "[00:29]"

    assert [row.cells[0].text for row in flagged.rows] == ["Tijd", "[00:16]", "[00:24]"]
    assert flagged.rows[1].cells[2].text == "Bedankt voor het kijken."
    assert "bekende spookzin: known Dutch phantom phrase" in flagged.rows[1].cells[3].text
    assert "lage zekerheid: avg_logprob -1.04 < -1.0" in flagged.rows[2].cells[3].text
    # page numbers in the footer
    footer = document.sections[0].footer._element
    assert any(f.get(qn("w:instr")) == "PAGE" for f in footer.iter(qn("w:fldSimple")))


def test_docx_keeps_untrusted_text_as_text() -> None:
    report = hostile_input()
    document = _document(render_docx(report))
    text = "\n".join(p.text for p in document.paragraphs)
    assert PAYLOAD_TEXT in text
    assert f"{PAYLOAD_SPEAKER}:" in text
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "</script><script>window.__pwned = 6</script>" in cells
    assert "javascript:window.__pwned = 10" not in cells  # an unsafe url is left out
    assert all(h.get(qn("w:anchor")) for h in document.element.body.iter(qn("w:hyperlink")))  # internal links only


def test_docx_without_summary_or_glossary_in_english() -> None:
    base = fixture_input()
    transcript = base.transcript.__class__(
        language="en",
        duration=base.transcript.duration,
        segments=tuple(
            s.__class__(s.id, s.start, s.end, s.text + "\x00\x0b", s.words, s.speaker) for s in base.transcript.segments
        ),
        speakers=base.transcript.speakers,
    )
    report = base.__class__(transcript, {}, None, {}, DATA / "missing.flac")
    document = _document(render_docx(report))
    texts = [p.text for p in document.paragraphs]
    assert "No summary was made for this session." in texts
    assert "No abbreviations from the glossary were found." in texts
    assert "No line was flagged." in texts
    assert "Appendix A. Abbreviations" in texts
    assert all("\x00" not in t and "\x0b" not in t for t in texts)


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        reason = "LibreOffice not installed: apt-get install -y --no-install-recommends libreoffice-writer-nogui"
        if os.environ.get("NOTULIST_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return found


@pytest.mark.slow
def test_docx_converts_to_pdf_with_libreoffice(tmp_path: Path) -> None:
    soffice = _soffice()
    from pypdf import PdfReader

    source = tmp_path / "report.docx"
    source.write_bytes(render_docx(fixture_input()))
    profile = tmp_path / "lo-profile"  # a private profile: parallel runs do not share a lock
    completed = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    pdf = tmp_path / "report.pdf"
    assert completed.returncode == 0 and pdf.is_file(), completed.stderr
    reader = PdfReader(pdf)
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    # the transcript comes first; each appendix starts on a page of its own; appendix B ends the document
    appendix_a = next(i for i, text in enumerate(pages) if text.startswith("Bijlage A. Afkortingen"))
    assert pages[-1].startswith("Bijlage B. Gemarkeerde regels")
    assert appendix_a == len(pages) - 2 and appendix_a >= 1
    body = " ".join(pages[:appendix_a])
    assert body.startswith("2026-10-14T1000_interview-fiod")
    for line in TRANSCRIPT_LINES:
        assert " ".join(line.split()) in body, line
    assert "Brontransparantie: 67%" in body
    assert "Kamer van Koophandel" in pages[appendix_a]
    assert "Bedankt voor het kijken." in pages[-1]
    assert "Pagina 1" in pages[0]  # the footer's page number field was filled in


def test_docx_shows_summary_problems() -> None:
    from dataclasses import replace

    report = fixture_input()
    assert report.summary is not None
    summary = replace(report.summary, problems=("Het model antwoordde niet binnen 120 s.",))
    texts = [p.text for p in _document(render_docx(replace(report, summary=summary))).paragraphs]
    assert "Problemen bij het samenvatten: Het model antwoordde niet binnen 120 s." in texts
