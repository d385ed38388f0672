"""The citation checker: each point scored against the lines it cites; invented citations dropped and reported."""

from __future__ import annotations

from notulist.core.model import Segment, Transcript
from notulist.summary.citations import check_citations, content_words, normalise_segment_id
from notulist.summary.model import Summary, SummaryPoint

TRANSCRIPT = Transcript(
    "nl",
    20.0,
    (
        Segment(
            "s0001", 0, 5, "Dan besluiten we dat de pilot doorgaat, op voorwaarde dat de DPIA klaar is.", speaker="S1"
        ),
        Segment("s0002", 5, 9, "Wie neemt de actie om de werkinstruxie te schrijven?", speaker="S3"),
        Segment("s0003", 9, 12, "Dat doe ik. Ik heb hem klaar voor het volgende overleg.", speaker="S2"),
    ),
    speakers={"S2": "Fatima"},
)


def check(*points: SummaryPoint) -> Summary:
    return check_citations(Summary(points=points, method="test"), TRANSCRIPT)


def test_a_point_said_in_its_cited_lines_is_supported():
    result = check(SummaryPoint("decision", "De pilot gaat door als de DPIA klaar is.", ("s0001",)))
    point = result.points[0]
    assert point.supported and point.support >= 0.75
    assert result.source_transparency == 1.0 and result.problems == ()


def test_asr_spelling_and_inflection_still_count_as_support():
    point = check(SummaryPoint("action", "Werkinstructie schrijven", ("s0002", "s0003"), owner="Fatima")).points[0]
    assert point.support == 1.0 and point.supported


def test_invented_content_is_unsupported():
    point = check(SummaryPoint("decision", "Het budget wordt verdubbeld en de directeur vertrekt.", ("s0001",)))
    assert not point.points[0].supported
    assert point.points[0].support < 0.3
    assert point.source_transparency == 0.0


def test_citing_the_wrong_line_is_unsupported():
    point = check(SummaryPoint("decision", "De pilot gaat door als de DPIA klaar is.", ("s0002",))).points[0]
    assert not point.supported


def test_owner_and_deadline_must_be_said_in_the_cited_lines():
    right = check(
        SummaryPoint("action", "Werkinstructie schrijven", ("s0002", "s0003"), owner="Fatima", due="volgende overleg")
    )
    wrong_owner = check(SummaryPoint("action", "Werkinstructie schrijven", ("s0002", "s0003"), owner="Karel"))
    wrong_due = check(SummaryPoint("action", "Werkinstructie schrijven", ("s0002", "s0003"), due="voor kerst"))
    assert right.points[0].support == 1.0
    assert wrong_owner.points[0].support == 0.5
    assert wrong_due.points[0].support == 0.5
    assert check(SummaryPoint("action", "Werkinstructie schrijven", ("s0002", "s0003"), owner="S2")).points[0].supported


def test_unknown_citations_are_dropped_and_reported_and_no_citation_scores_zero():
    result = check(
        SummaryPoint("decision", "De pilot gaat door.", ("s0001", "s0099", "[s3]")),
        SummaryPoint("topic", "De pilot", ("s0042",)),
        SummaryPoint("topic", "De pilot", ()),
    )
    first, second, third = result.points
    assert first.segment_ids == ("s0001", "s0003")  # "[s3]" is a spelling of s0003
    assert second.segment_ids == () and second.support == 0.0 and not second.supported
    assert third.support == 0.0
    assert len(result.problems) == 2
    assert "s0099" in result.problems[0] and "dropped" in result.problems[0]
    assert "s0042" in result.problems[1]
    assert result.source_transparency == 1 / 3
    assert check_citations(result, TRANSCRIPT) == result  # idempotent: checking again changes nothing


def test_helpers():
    assert content_words("Dat doe ik, voor het volgende overleg!") == ["volgende", "overleg"]
    assert normalise_segment_id("s1") == "s0001"
    assert normalise_segment_id(12) == "s0012"
    assert normalise_segment_id("[s0007]") == "s0007"
    assert normalise_segment_id("segment seven") is None


def test_a_name_the_cited_line_does_not_hold_is_not_supported_whatever_else_it_shares():
    """What SmolLM2 wrote (in-process, with the grammar): the interviewer's line with the interviewee's name in it."""
    line = (
        "Goedemorgen. Het is dinsdag veertien oktober, tien uur. Dit gesprek wordt opgenomen. Mijn naam is Pieter "
        "de Vries en ik ben rechercheur bij de FIOD."
    )
    transcript = Transcript("nl", 10, (Segment("s0001", 0, 10, line, speaker="S1"),), speakers={"S1": "Pieter"})
    invented = (
        "interviewer: goedemorgen. het is dinsdag veertien oktober, tien uur. dit gesprek wordt opgenomen. mijn "
        "naam is Sandra Jansen, eigenaar van een groothandel in elektronica in Utrecht."
    )
    faithful = "Het gesprek met Pieter de Vries van de FIOD wordt opgenomen op dinsdag veertien oktober."
    spoken_by = "Pieter opent het gesprek om tien uur."  # the name is the cited line's speaker
    summary = Summary(
        points=tuple(SummaryPoint("topic", text, ("s0001",)) for text in (invented, faithful, spoken_by)),
        method="test",
    )
    checked = check_citations(summary, transcript)
    assert [p.supported for p in checked.points] == [False, True, True]
