"""The reports' appendix "Onbekende afkortingen": acronyms of the context documents that the glossary lacks, each with
the one-line command that adds it (from glossary.json's ``context.unknown_abbreviations``, made here from a real
agenda by the glossary code), in the HTML and the DOCX report; left out when there are none and in shared minutes."""

from __future__ import annotations

import dataclasses
import io
import re

import pytest
from docx import Document
from test_report_data import fixture_input

from notulist.glossary import entries_snapshot, load_glossary
from notulist.glossary.context import session_context
from notulist.glossary.documents import read_document
from notulist.reports.docx import render_docx
from notulist.reports.html import render_html

AGENDA = """# Overleg informatiebeveiliging

1. Baseline Informatiebeveiliging Overheid (BIO): stand van zaken, ook bij het SSC-ICT
2. Het basisbeveiligingsniveau (BBN) van de nieuwe dienst; de BIO-audit
3. Rondvraag: <script>window.__pwned = 1</script> ZQX
"""


@pytest.fixture(scope="module")
def unknown(tmp_path_factory) -> tuple[dict, ...]:
    folder = tmp_path_factory.mktemp("context")
    (folder / "agenda.md").write_text(AGENDA, encoding="utf-8")
    glossary = load_glossary()
    context = session_context([read_document(folder / "agenda.md")], glossary)
    return tuple(entries_snapshot(glossary, [], context)["context"]["unknown_abbreviations"])


def _with(unknown, **changes):
    return dataclasses.replace(fixture_input(), unknown_abbreviations=unknown, **changes)


def test_docx_has_the_appendix_before_the_accountability(unknown) -> None:
    assert {u["abbreviation"] for u in unknown} >= {"BIO", "BBN", "SSC-ICT"}
    document = Document(io.BytesIO(render_docx(_with(unknown))))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading 1")]
    assert headings[-2:] == ["Bijlage C. Onbekende afkortingen", "Bijlage D. Verantwoording"]
    table = document.tables[-2]
    header = [c.text for c in table.rows[0].cells]
    assert header == ["Afkorting", "Voluit", "Aantal", "In", "Toevoegen met"]
    rows = {row.cells[0].text: [c.text for c in row.cells] for row in table.rows[1:]}
    assert rows["BIO"][1] == "Baseline Informatiebeveiliging Overheid"
    assert rows["BIO"][2] == "2" and rows["BIO"][3] == "agenda.md"
    assert rows["BBN"][4] == 'notulist glossary add BBN "basisbeveiligingsniveau" --file mijn-afkortingen.yaml'
    command = table.rows[1].cells[4].paragraphs[0].runs[0]
    assert command.font.name == "Courier New"  # the command to copy, in a monospaced font


def test_docx_leaves_it_out_when_empty_and_in_shared_minutes(unknown) -> None:
    for report in (_with(()), _with(unknown, share=True)):
        texts = [p.text for p in Document(io.BytesIO(render_docx(report))).paragraphs]
        assert not any("Onbekende afkortingen" in t for t in texts)


def test_html_appendix_escapes_and_is_english_for_english_reports(unknown) -> None:
    hostile = ({"abbreviation": "<b>X1</b>", "expansion": "<img src=x onerror=alert(1)>", "count": 1, "add": "a&b"},)
    page = render_html(_with(unknown + hostile)).decode("utf-8")
    section = re.search(r'<section id="unknown-abbreviations".*?</section>', page, re.S).group(0)
    assert f"<h2>Onbekende afkortingen ({len(unknown) + 1})</h2>" in section
    assert "<td><strong>BBN</strong></td>" in section
    assert "notulist glossary add BBN &#34;basisbeveiligingsniveau&#34; --file mijn-afkortingen.yaml" in section
    assert "&lt;b&gt;X1&lt;/b&gt;" in section and "<img" not in section and "a&amp;b" in section
    assert page.index('id="unknown-abbreviations"') < page.index('id="metadata"')

    base = fixture_input()
    english = dataclasses.replace(base.transcript, language="en")
    page = render_html(_with(unknown, transcript=english)).decode("utf-8")
    assert "<h2>Unknown abbreviations (" in page and ">Add with</th>" in page


def test_html_leaves_it_out_when_empty() -> None:
    page = render_html(_with(())).decode("utf-8")
    assert 'id="unknown-abbreviations"' not in page and "Onbekende afkortingen" not in page
