"""Context documents: reading each kind, finding and ranking terms, hints, unknown abbreviations, glossary add."""

from __future__ import annotations

import io

import pytest

from notulist.glossary import GlossaryError, entries_snapshot, load_glossary
from notulist.glossary.context import context_hint_terms, session_context
from notulist.glossary.documents import ContextError, read_document
from notulist.glossary.hints import MAX_CHARS
from notulist.glossary.user_file import add_entry

AGENDA = """# Afstemmingsoverleg KI&S – DF&A

Aanwezig: Pieter de Groot (voorzitter), Anouk Visser (DF&A)

1. Voortgang MJP 2027 – financiële paragraaf DF&A
2. IAMA nieuw algoritme (RAG-toepassing), melding bij BZK
3. Toetsing aan de Baseline Informatiebeveiliging Overheid (BIO) en het BBN
"""


@pytest.fixture(scope="module")
def glossary():
    return load_glossary()


def _docx_bytes(paragraphs: list[str], cell: str) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Agendapunt"
    table.rows[0].cells[1].text = cell
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pdf_bytes(lines: list[str]) -> bytes:
    """A one-page PDF with a real text layer (Helvetica), built by hand: pypdf only reads."""
    content = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def test_reads_text_markdown_docx_and_pdf(tmp_path):
    (tmp_path / "agenda.md").write_text(AGENDA, encoding="utf-8")
    (tmp_path / "notitie.txt").write_bytes("Overleg met het UWV over de Woo-verzoeken".encode("cp1252"))
    (tmp_path / "uitnodiging.docx").write_bytes(_docx_bytes(["Uitnodiging overleg SZW"], "Begroting DUO"))
    (tmp_path / "verslag.pdf").write_bytes(_pdf_bytes(["Verslag overleg NCSC", "Actie: ADR audit"]))
    assert "IAMA" in read_document(tmp_path / "agenda.md").text
    assert "Woo-verzoeken" in read_document(tmp_path / "notitie.txt").text
    docx_text = read_document(tmp_path / "uitnodiging.docx").text
    assert "SZW" in docx_text and "Begroting DUO" in docx_text  # paragraphs and table cells
    pdf = read_document(tmp_path / "verslag.pdf")
    assert "NCSC" in pdf.text and "ADR audit" in pdf.text
    assert len(pdf.sha256) == 64 and pdf.data == (tmp_path / "verslag.pdf").read_bytes()


def test_bad_documents_give_one_dutch_line(tmp_path):
    (tmp_path / "agenda.odt").write_bytes(b"x")
    (tmp_path / "kapot.docx").write_bytes(b"not a zip")
    (tmp_path / "kapot.pdf").write_bytes(b"%PDF-1.4 rubbish")
    (tmp_path / "leeg.pdf").write_bytes(_pdf_bytes([]))
    messages = []
    for name in ("agenda.odt", "kapot.docx", "kapot.pdf", "leeg.pdf", "bestaat-niet.md"):
        with pytest.raises(ContextError) as caught:
            read_document(tmp_path / name)
        messages.append(str(caught.value))
    assert "gebruik .txt, .md, .docx of .pdf" in messages[0]
    assert "geen geldig Word-bestand" in messages[1]
    assert "PDF" in messages[2]
    assert "geen leesbare tekst" in messages[3]
    assert "bestaat niet" in messages[4]
    assert all("\n" not in m for m in messages)


def test_terms_are_found_and_ranked(tmp_path, glossary):
    (tmp_path / "agenda.md").write_text(AGENDA, encoding="utf-8")
    context = session_context([read_document(tmp_path / "agenda.md")], glossary)
    by_text = {t.text: t for t in context.terms}
    assert by_text["DF&A"].kind == "glossary" and by_text["DF&A"].count == 3
    assert {"KI&S", "MJP", "IAMA", "RAG", "BZK"} <= {t.text for t in context.terms if t.kind == "glossary"}
    assert {t.text for t in context.unknown_abbreviations()} == {"BIO", "BBN"}
    assert by_text["BIO"].expansion == "Baseline Informatiebeveiliging Overheid"
    assert {"Pieter de Groot", "Anouk Visser"} <= {t.text for t in context.terms if t.kind == "name"}
    kinds = [t.kind for t in context.terms]
    assert kinds == sorted(kinds, key=["glossary", "acronym", "name"].index)  # abbreviations before names
    assert context.terms[0].text == "DF&A"  # most mentions first
    assert "2027" not in by_text and "Aanwezig" not in by_text


def test_hints_fit_the_prompt_budget_and_keywords_come_first(tmp_path, glossary):
    many = " ".join(f"Q{a}{b}X" for a in "ABCDEFGH" for b in "JKLMNOPRSTUVW")
    (tmp_path / "dossier.txt").write_text(many + "\n" + AGENDA, encoding="utf-8")
    context = session_context([read_document(tmp_path / "dossier.txt")], glossary)
    terms = context_hint_terms(context, keywords=["FIOD", "df&a"])
    assert terms[:2] == ["FIOD", "df&a"] and "DF&A" not in terms  # one spelling per abbreviation
    assert len(", ".join(terms)) <= MAX_CHARS and len(terms) <= 16


def test_snapshot_lists_unknown_abbreviations_with_a_working_add_command(tmp_path, glossary):
    (tmp_path / "agenda.md").write_text(AGENDA, encoding="utf-8")
    context = session_context([read_document(tmp_path / "agenda.md")], glossary)
    snapshot = entries_snapshot(glossary, [], context)
    unknown = {u["abbreviation"]: u for u in snapshot["context"]["unknown_abbreviations"]}
    assert unknown["BIO"]["add"] == (
        'notulist glossary add BIO "Baseline Informatiebeveiliging Overheid" --file mijn-afkortingen.yaml'
    )
    assert snapshot["context"]["documents"][0]["file"] == "context/agenda.md"
    own = tmp_path / "mijn-afkortingen.yaml"
    add_entry(own, "BIO", unknown["BIO"]["expansion"])
    add_entry(own, "BBN", "basisbeveiligingsniveau", spoken=("bee bee en",))
    extended = load_glossary([own])
    assert extended.lookup("BIO")[0].expansion == "Baseline Informatiebeveiliging Overheid"
    assert extended.lookup("bee bee en")[0].abbreviation == "BBN"
    before = own.read_bytes()
    with pytest.raises(GlossaryError, match="already defined"):
        add_entry(own, "BBN", "iets anders")
    assert own.read_bytes() == before  # a refused addition leaves the file as it was


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tussen K-I-N-S-N-D-F-N-A.", [("K-I-N-S", "ki-en-s"), ("D-F-N-A", "df-en-a")]),  # "en" written as N
        ("tussen KI&S&DF&A.", [("KI&S", "ki-en-s"), ("DF&A", "df-en-a")]),  # two said as "A en B", written as one
        ("is D-N-A-F-D-F-N-A heeft", [("D-F-N-A", "df-en-a")]),  # no "N-A" or "F-D" out of a longer chain
        ("de A-V-G en de F-G", [("A-V-G", "avg"), ("F-G", "fg")]),
        # letters joined by dots, with the next word's letters run on: the chain's start is read, nothing guessed
        # inside it (not ZBO for "Z.R.O")
        ("Ik stuur hem naar de F.G.Z.R.O.", [("F.G", "fg")]),
        ("de voortgang van het M.Jot P.", [("M.Jot P", "mjp")]),
        ("een R.A.G. en de A.P.", [("R.A.G.", "rag"), ("A.P.", "ap.autoriteit-persoonsgegevens")]),
        ("J.P. Balkenende en K.A.R.O.K.", []),
        # letters run into words ("bezet KI&S alle algoritmes" said): not an abbreviation of their own
        ("Ja, bezet Kavel-A-L-Algeriet-Mess met Hoge Impact.", []),
        ("het B-S-N-nummer en het Woo-A-V-G-verzoek", [("B-S-N", "bsn"), ("Woo", "woo"), ("A-V-G", "avg")]),
    ],
)
def test_linker_reads_letter_chains_as_the_recogniser_writes_them(glossary, text, expected):
    from notulist.glossary.linker import link_texts

    assert [(link.surface, link.entry_id) for link in link_texts([text], glossary)] == expected


def test_acronyms_of_the_context_that_the_glossary_lacks_are_left_alone(tmp_path, glossary):
    from notulist.glossary.linker import link_texts

    (tmp_path / "uitnodiging.txt").write_text("Onderwerpen: de BIO, het BBN en het SSC-ICT.", encoding="utf-8")
    unknown = session_context([read_document(tmp_path / "uitnodiging.txt")], glossary).unknown_keys()
    assert unknown == {"BIO", "BBN", "SSC-ICT"}
    text = "U bent CISO bij het SSC-ICT en toetst aan de BIO-normen en de BIO; de ICT-afdeling helpt."
    assert [link.surface for link in link_texts([text], glossary)] == ["ICT", "BIO", "BIO", "ICT"]  # BIO as CIO
    assert [link.surface for link in link_texts([text], glossary, unknown=unknown)] == ["ICT"]  # ICT-afdeling
    misheard = "Het draait bij het SSEC-ICT."  # the documents' SSC-ICT one letter off: still not an ICT of its own
    assert link_texts([misheard], glossary, unknown=unknown) == []
    run_on = "Het draait bij het SCICT."  # written without its hyphen and one letter short: not the glossary's AcICT
    assert [link.surface for link in link_texts([run_on], glossary)] == ["SCICT"]
    assert link_texts([run_on], glossary, unknown=unknown) == []
    assert [link.surface for link in link_texts(["Dat toetst de CIO."], glossary, unknown=unknown)] == ["CIO"]
