"""The agenda of a context document, and the points the minutes put under each item (only where that is clear)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DATA, SAMPLES

from benchmarks.summary_recall import load_reference
from notulist.core.progress import no_progress
from notulist.glossary.documents import read_document
from notulist.reports.agenda_view import agenda_items
from notulist.reports.data import ReportInput, build_view
from notulist.reports.html import render_html
from notulist.reports.meeting import MeetingInfo
from notulist.summary.agenda import agenda_from_text, agenda_of_documents, place_agenda, points_by_item
from notulist.summary.extractive import ExtractiveSummarizer

SAMPLE_AGENDA = (
    "Opening en vaststellen agenda",
    "DPIA transcriptietool",
    "Planning pilot directie MKB (start januari)",
    "Besluit: doorgang pilot, voorwaarde DPIA afgerond voor 1 december",
    "Werkinstructie: wie schrijft hem?",
    "Rondvraag – Woo-verzoeken over dit project",
    "Sluiting",
)


def test_the_sample_agenda_is_read_through_the_context_reader() -> None:
    document = read_document(SAMPLES / "agenda-overleg-dpia.md")
    assert agenda_from_text(document.text) == SAMPLE_AGENDA  # sub-items stay with their item, "Stukken" is no item
    assert agenda_of_documents([document]) == {"agenda": list(SAMPLE_AGENDA), "agenda_source": document.name}


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Uitnodiging\n\nAgenda:\n- Opening\n- **Begroting** 2027\n- Rondvraag\n\nTot dan.",
            ("Opening", "Begroting 2027", "Rondvraag"),
        ),
        ("**Agendapunten**\n1) Verslag vorige keer\n2) Huisvesting\n", ("Verslag vorige keer", "Huisvesting")),
        ("Agenda\nOpening\nVerhuizing\nRondvraag\n\nBijlagen: geen", ("Opening", "Verhuizing", "Rondvraag")),
        ("Wat we doen:\n1. Opening\n2. Stand van zaken\n3. Sluiting\n", ("Opening", "Stand van zaken", "Sluiting")),
        ("Notitie\n\n1. Eerste punt\n2. Tweede punt\n", ()),  # two numbered lines are no agenda without a heading
        ("Het dossier gaat over de agenda van de minister.\n- losse opmerking\n", ()),
        ("## Agenda\n\n## Besluiten\n- iets anders\n", ()),  # an empty agenda heading: no items from elsewhere
    ],
    ids=["dashes", "bold-heading", "plain-lines", "numbered-list", "too-short", "no-heading", "empty"],
)
def test_agenda_shapes(text: str, expected: tuple[str, ...]) -> None:
    assert agenda_from_text(text) == expected


def _grouped(agenda):
    transcript = load_reference(DATA / "overleg_dpia.ref.tsv")
    summary = ExtractiveSummarizer().summarize(transcript, no_progress)
    places = place_agenda(agenda, transcript)
    return places, {
        item: [(summary.points[i].kind, summary.points[i].segment_ids) for i in indices]
        for item, indices in zip(agenda, points_by_item(agenda, places, summary.points, transcript), strict=True)
    }


def test_points_are_put_under_the_item_the_meeting_was_on() -> None:
    places, grouped = _grouped(SAMPLE_AGENDA)
    assert places[0] is None and places[-1] is None  # opening and closing are never named: not placed
    assert places[1] is not None and places[1].segment == 1  # "Ik begin met de DPIA", not the agenda listing
    assert ("decision", ("s0011", "s0012")) in grouped[SAMPLE_AGENDA[3]]  # the pilot goes ahead
    assert [kind for kind, _ in grouped[SAMPLE_AGENDA[4]]] == ["action"]  # the werkinstructie
    assert ("decision", ("s0015",)) in grouped[SAMPLE_AGENDA[5]]  # Woo-verzoeken via the legal team
    assert grouped[SAMPLE_AGENDA[0]] == [] and grouped[SAMPLE_AGENDA[6]] == []


def test_an_item_that_cannot_be_found_makes_its_neighbourhood_ambiguous() -> None:
    agenda = ("DPIA transcriptietool", "Begroting 2027", "Werkinstructie")
    places, grouped = _grouped(agenda)
    assert places[1] is None
    # everything between the DPIA and the werkinstructie might belong to the begroting: left out, not guessed
    assert grouped[agenda[0]] == [] and grouped[agenda[1]] == []
    assert [kind for kind, _ in grouped[agenda[2]]] == ["action"]


def test_without_a_summary_the_agenda_is_only_listed() -> None:
    transcript = load_reference(DATA / "overleg_dpia.ref.tsv")
    items = agenda_items(SAMPLE_AGENDA, None, (), transcript)
    assert [str(item) for item in items] == list(SAMPLE_AGENDA) and all(not item.points for item in items)


def test_the_verslag_shows_each_item_with_its_points_once(tmp_path: Path) -> None:
    transcript = load_reference(DATA / "overleg_dpia.ref.tsv")
    summary = ExtractiveSummarizer().summarize(transcript, no_progress)
    report = ReportInput(
        transcript, {}, summary, {}, tmp_path / "audio.flac", meeting=MeetingInfo(agenda=SAMPLE_AGENDA)
    )
    view = build_view(report)
    werkinstructie = view.agenda[4]
    assert [p.ref for p in werkinstructie.points] == ["A1"]  # numbered as in the actielijst
    shown = {p.number for item in view.agenda for p in item.points}
    assert all(p.number not in shown for p in view.section_points("topic"))  # no topic told twice
    assert [p.ref for p in view.section_points("action")] == ["A1"]  # the actielijst keeps every action
    html = render_html(report).decode("utf-8")
    agenda_html = html[
        html.index('<section id="agenda">') : html.index("</section>", html.index('<section id="agenda">'))
    ]
    assert agenda_html.count('class="points agenda-points"') == 5  # all but opening and closing
    assert "werkinstructie" in agenda_html.lower()


def test_the_docx_verslag_shows_the_agenda_items_with_their_points(tmp_path: Path) -> None:
    import io

    from docx import Document

    from notulist.reports.docx import render_docx

    transcript = load_reference(DATA / "overleg_dpia.ref.tsv")
    summary = ExtractiveSummarizer().summarize(transcript, no_progress)
    report = ReportInput(
        transcript, {}, summary, {}, tmp_path / "audio.flac", meeting=MeetingInfo(agenda=SAMPLE_AGENDA)
    )
    paragraphs = [p.text for p in Document(io.BytesIO(render_docx(report))).paragraphs]
    item = paragraphs.index("5.  Werkinstructie: wie schrijft hem?")
    assert paragraphs[item + 1].startswith("A1\t") and "werkinstructie" in paragraphs[item + 1].lower()
    assert paragraphs[item + 2] == "6.  Rondvraag – Woo-verzoeken over dit project"
    assert paragraphs.index("1.  Opening en vaststellen agenda") + 1 == paragraphs.index("2.  DPIA transcriptietool")
