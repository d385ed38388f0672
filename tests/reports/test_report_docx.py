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
    # the minutes first (one section per kind of point), the transcript, then the appendices with the provenance
    assert headings == [
        ("Title", "Interview fiod"),
        ("Heading 1", "Bespreking"),
        ("Heading 1", "Besluitenlijst"),
        ("Heading 1", "Open vragen"),
        ("Heading 1", "Transcript"),
        ("Heading 1", "Bijlage A. Afkortingen"),
        ("Heading 1", "Bijlage B. Gemarkeerde regels"),
        ("Heading 1", "Bijlage C. Verantwoording"),
    ]
    assert document.core_properties.title == "Interview fiod"
    assert paragraphs[0].text.startswith("VERSLAG") and "CONCEPT" in paragraphs[0].text

    heading, abbreviations, flagged, metadata = document.tables
    top = {row.cells[0].text: row.cells[1].text for row in heading.rows}
    assert top["Status"] == "concept" and top["Aanwezig"] == "Pieter de Vries, SPEAKER_01"
    rows = {row.cells[0].text: row.cells[1].text for row in metadata.rows}
    assert rows["Audio-sha256"] == fixture_input().manifest["audio"]["sha256"]
    assert rows["Duur"] == "00:38"
    assert rows["Modellen: asr"].startswith("whisper-base (cpu, int8)")
    assert "/opt/models" not in rows["Modellen: asr"]  # no local paths

    texts = [p.text for p in paragraphs]
    start = texts.index("Transcript") + 2  # after the legend
    transcript = texts[start : start + 6]
    for line, expected in zip(transcript, TRANSCRIPT_LINES, strict=True):
        assert line.startswith(expected), (line, expected)
    assert "\u26a0 bekende spookzin" in transcript[2] and "\u26a0 lage zekerheid" in transcript[4]

    summary = [texts[texts.index(title) + 1] for title in ("Bespreking", "Besluitenlijst", "Open vragen")]
    assert summary[0].startswith("\u2022\tRechercheur Pieter de Vries van de FIOD")
    assert "[00:00] [00:10]" in summary[0] and "onderbouwd (94%)" in summary[0]
    assert summary[1].startswith("B1\t") and "[00:24]" in summary[1]
    assert "NIET ONDERBOUWD (12%)" in summary[1] and "(eigenaar: Sandra Jansen)" in summary[1]
    assert "onzeker: herbeluister regel 00:24" in summary[1]  # it rests on a flagged line
    assert "[00:29]" in summary[2]
    assert any(p.text.startswith("Brontransparantie: 67%") for p in paragraphs)
    # citations are internal links to bookmarks on the transcript lines
    anchors = [h.get(qn("w:anchor")) for h in document.element.body.iter(qn("w:hyperlink"))]
    bookmarks = {b.get(qn("w:name")) for b in document.element.body.iter(qn("w:bookmarkStart"))}
    assert anchors == ["seg_s0001", "seg_s0002", "seg_s0005", "seg_s0006"]
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
    # "pagina x van y" in the footer
    footer = document.sections[0].footer._element
    assert [f.get(qn("w:instr")) for f in footer.iter(qn("w:fldSimple"))] == ["PAGE", "NUMPAGES"]
    assert "pagina" in document.sections[0].footer.paragraphs[0].text
    # Dutch document, true metadata
    lang = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert lang.find(qn("w:lang")).get(qn("w:val")) == "nl-NL"
    assert document.core_properties.language == "nl-NL"
    assert document.core_properties.author == ""  # nobody was named as author
    assert document.core_properties.created.year >= 2026


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
    # empty sections are left out: no appendix of abbreviations or flagged lines, only the accountability
    assert not any("Abbreviations" in t or "Flagged" in t for t in texts)
    assert "Appendix A. Accountability" in texts
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
    # the minutes and transcript come first; each appendix starts on a page of its own; the accountability ends it
    appendix_a = next(i for i, text in enumerate(pages) if text.startswith("Bijlage A. Afkortingen"))
    assert pages[-2].startswith("Bijlage B. Gemarkeerde regels")
    assert pages[-1].startswith("Bijlage C. Verantwoording")
    assert appendix_a == len(pages) - 3 and appendix_a >= 1
    body = " ".join(pages[:appendix_a])
    assert body.startswith("VERSLAG CONCEPT Interview fiod")
    for line in TRANSCRIPT_LINES:
        assert " ".join(line.split()) in body, line
    assert "Brontransparantie: 67%" in body
    assert "Kamer van Koophandel" in pages[appendix_a]
    assert "Bedankt voor het kijken." in pages[-2]
    assert f"pagina 1 van {len(pages)}" in pages[0]  # the footer's fields were filled in


def test_docx_shows_summary_problems() -> None:
    from dataclasses import replace

    report = fixture_input()
    assert report.summary is not None
    summary = replace(report.summary, problems=("Het model antwoordde niet binnen 120 s.",))
    texts = [p.text for p in _document(render_docx(replace(report, summary=summary))).paragraphs]
    assert "Problemen bij het samenvatten: Het model antwoordde niet binnen 120 s." in texts
