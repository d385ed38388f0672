"""The extractive default: structured Dutch minutes from the transcript itself, every point citing its lines.

Measured against hand labels (tests/data/*.minutes.json) on the reference text of the synthetic recordings and on
real Whisper base output of them (imperfect ASR text).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import DATA, REPO

from notulist.core.model import Flag, Segment, Transcript, segment_id, transcript_from_dict
from notulist.core.progress import Progress, no_progress
from notulist.summary.extractive import ExtractiveSummarizer, find_due, split_sentences
from notulist.summary.model import summary_from_dict, summary_to_dict
from notulist.summary.summarizer import make_summarizer


def _benchmark():
    spec = importlib.util.spec_from_file_location("summary_recall", REPO / "benchmarks" / "summary_recall.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["summary_recall"] = module
    spec.loader.exec_module(module)
    return module


BENCH = _benchmark()


def transcript_of(*lines: tuple[str | None, str], names: dict[str, str] | None = None) -> Transcript:
    segments = tuple(
        Segment(segment_id(i), i * 5.0, i * 5.0 + 4.0, text, speaker=speaker) for i, (speaker, text) in enumerate(lines)
    )
    return Transcript("nl", len(lines) * 5.0, segments, speakers=names or {})


def summarize(transcript: Transcript):
    return ExtractiveSummarizer().summarize(transcript, no_progress)


def _transcripts(name: str) -> list[tuple[str, Transcript]]:
    found = BENCH.cases(name)
    assert found[0][0] == "reference text"
    return found


@pytest.mark.parametrize("name", ["overleg_dpia", "interview_fiod", "heldout_teamoverleg"])
def test_every_labelled_decision_and_action_is_found_with_owner_and_deadline(name):
    reference = BENCH.load_reference(DATA / f"{name}.ref.tsv")
    labels = BENCH.load_labels(DATA / f"{name}.minutes.json")
    for label, transcript in _transcripts(name):
        summary = summarize(transcript)
        score = BENCH.evaluate(summary, transcript, reference, labels)
        assert score.missed == [], f"{name} / {label}: missed {score.missed}"
        assert score.recall == 1.0
        assert score.owners_right == score.owners_expected, f"{name} / {label}: {score.wrong_owner}"
        assert score.dues_right == score.dues_expected, f"{name} / {label}"
        assert score.precision == 1.0, f"{name} / {label}: {[p.text for p in summary.points]}"
        assert score.citations_ok
        ids = {s.id for s in transcript.segments}
        for point in summary.points:
            assert point.segment_ids and set(point.segment_ids) <= ids
            assert point.supported, point  # nothing extractive may be unsupported by its own lines
        assert summary.method == "extractive" and summary.model is None and summary.problems == ()


def test_asr_fixture_of_the_meeting_is_used():
    # Real Whisper base output (tests/data/make_overleg_dpia_asr.py): the test above must not silently run on
    # reference text alone.
    labels = [label for label, _ in _transcripts("overleg_dpia")]
    assert "whisper base + ref speakers" in labels


def test_meeting_minutes_have_the_agenda_topics_and_the_owner_is_the_committing_speaker():
    transcript = BENCH.load_reference(DATA / "overleg_dpia.ref.tsv")
    summary = summarize(transcript)
    topics = [p.text.lower() for p in summary.points if p.kind == "topic"]
    assert any("transcriptietool" in t for t in topics)
    for word in ("dpia", "planning", "rondvraag"):
        assert any(t.startswith(f"de {word}") for t in topics), (word, topics)
    action = next(p for p in summary.points if p.kind == "action")
    assert action.owner == "LID_B"
    assert "werkinstructie" in action.text.lower()
    assert action.due == "voor het volgende overleg"
    assert action.segment_ids == ("s0012", "s0013")  # the question "wie neemt de actie ...?" and "Dat doe ik."
    decision = next(p for p in summary.points if p.kind == "decision" and "pilot" in p.text)
    assert "s0012" in decision.segment_ids  # "Akkoord." confirms it
    assert decision.due == "voor één december"


def test_named_speakers_become_owners_and_third_person_names_are_owners():
    transcript = transcript_of(
        ("S1", "Wie stuurt de notulen rond?"),
        ("S2", "Dat doe ik. Ik zal ze voor vrijdag rondsturen."),
        ("S1", "Prima. Kees gaat de offerte bij de leverancier opvragen voor 12-03."),
        names={"S1": "Anna", "S2": "Bram"},
    )
    summary = summarize(transcript)
    actions = [p for p in summary.points if p.kind == "action"]
    assert [(a.owner, a.due) for a in actions] == [("Bram", "voor vrijdag"), ("Kees", "voor 12-03")]
    assert actions[0].segment_ids == ("s0001", "s0002")
    assert "notulen" in actions[0].text.lower()
    assert all(a.supported for a in actions)


def test_direct_commitment_and_agreement_addressed_to_the_other_speaker():
    transcript = transcript_of(
        ("A", "Ik ga de begroting voor maandag aanpassen."),
        ("B", "Goed, dan heb ik de cijfers nodig."),
        ("A", "We spreken af dat jij de cijfers uiterlijk woensdag aanlevert."),
    )
    summary = summarize(transcript)
    actions = {p.owner: p for p in summary.points if p.kind == "action"}
    assert actions["A"].due == "voor maandag"
    assert actions["A"].text.lower().startswith("de begroting")
    assert actions["B"].due == "uiterlijk woensdag"
    assert actions["B"].segment_ids == ("s0002", "s0003")
    # an agreement that gives someone a task is that person's action, not also a decision (nothing said twice)
    assert not any(p.kind == "decision" for p in summary.points)


def test_open_questions_are_the_unanswered_ones():
    transcript = transcript_of(
        ("A", "Wanneer komt het nieuwe contract?"),
        ("B", "Volgende week, denk ik."),
        ("A", "Wie betaalt de extra licenties eigenlijk?"),
        ("A", "Daar komen we later op terug. Dan sluit ik af."),
        ("B", "Is het budget voor volgend jaar al bekend?"),
    )
    summary = summarize(transcript)
    questions = [p for p in summary.points if p.kind == "question"]
    texts = [q.text for q in questions]
    assert "Wanneer komt het nieuwe contract?" not in texts  # answered by B
    assert "Wie betaalt de extra licenties eigenlijk?" in texts  # the same speaker went on
    assert "Daar komen we later op terug." in texts
    assert "Is het budget voor volgend jaar al bekend?" in texts  # nobody answered: the meeting ended
    assert all(q.supported for q in questions)


def test_flagged_hallucinations_are_never_used():
    segments = (
        Segment("s0001", 0, 4, "We besluiten dat de pilot doorgaat.", speaker="A"),
        Segment(
            "s0002",
            5,
            9,
            "Ik zal de ondertiteling voor vrijdag maken.",
            speaker="B",
            flags=(Flag("phantom_phrase", "known phantom phrase, no_speech_prob 0.9"),),
        ),
    )
    summary = summarize(Transcript("nl", 10, segments))
    assert all("s0002" not in p.segment_ids for p in summary.points)
    assert [p.kind for p in summary.points if p.kind != "topic"] == ["decision"]


def test_asr_slips_in_cue_words_are_repaired():
    sentence = split_sentences(transcript_of(("A", "Ik heb hem klaar voor m'n volkende overleg.")))[0]
    assert find_due(sentence) == "voor m'n volkende overleg"
    transcript = transcript_of(("A", "Dan misleden we dat de pilot doorgaat, op voor larden dat het klaar is."))
    assert [p.kind for p in summarize(transcript).points if p.kind != "topic"] == ["decision"]


def test_without_cues_there_are_no_keyword_topics():
    """Without an agenda or an item being opened, the minutes say less rather than list key words as topics."""
    lines = [("A", f"De btw-aangifte van kwartaal {n} en de facturen van de leverancier.") for n in range(5)]
    lines += [("B", f"Het parkeerbeleid en de fietsenstalling bij gebouw {n} van de gemeente.") for n in range(5)]
    summary = summarize(transcript_of(*lines))
    assert [p for p in summary.points if p.kind == "topic"] == []


def test_empty_transcript_gives_empty_minutes_and_progress_is_reported():
    events: list[Progress] = []
    summary = ExtractiveSummarizer().summarize(Transcript("nl", 0.0, ()), events.append)
    assert summary.points == () and summary.source_transparency == 1.0
    assert events[-1].done == events[-1].total and events[0].stage == "summarize"


def test_summary_json_round_trip_keeps_problems():
    transcript = BENCH.load_reference(DATA / "overleg_dpia.ref.tsv")
    summary = make_summarizer().summarize(transcript, no_progress)
    data = json.loads(json.dumps(summary_to_dict(summary)))
    assert summary_from_dict(data) == summary
    assert set(data) == {"method", "model", "model_info", "points", "source_transparency", "problems"}
    assert set(data["points"][0]) == {
        "kind",
        "text",
        "segment_ids",
        "owner",
        "due",
        "supported",
        "support",
        "doubtful_segments",
        "written_by",
    }
    assert {p["written_by"] for p in data["points"]} == {"extractive"}


def test_fixture_transcript_is_real_asr_output():
    data = json.loads((DATA / "overleg_dpia.asr_refspeakers.transcript.json").read_text(encoding="utf-8"))
    transcript = transcript_from_dict(data)
    assert {s.speaker for s in transcript.segments} == {"S1", "S2", "S3"}
    assert any("werkinstruxie" in s.text for s in transcript.segments)  # Whisper base's own spelling


def test_a_habit_is_not_a_commitment_but_a_promise_with_a_time_is():
    transcript = transcript_of(
        ("A", "Ik lever altijd de facturen en de bonnen aan bij het kantoor."),
        ("A", "Ik stuur de bonnen straks nog naar het kantoor."),
    )
    actions = [p for p in summarize(transcript).points if p.kind == "action"]
    assert [(a.segment_ids, a.owner) for a in actions] == [(("s0002",), "A")]


def test_without_speaker_labels_actions_are_found_but_get_no_owner():
    transcript = transcript_of((None, "Wie schrijft het verslag van deze sessie?"), (None, "Dat doe ik. Voor vrijdag."))
    actions = [p for p in summarize(transcript).points if p.kind == "action"]
    assert [(a.segment_ids, a.owner, a.due) for a in actions] == [(("s0001", "s0002"), None, "Voor vrijdag")]


def test_an_answer_given_to_the_same_speaker_label_still_takes_its_task():
    """Diarization may give the question and "Dat doe ik." to one speaker: the action is not lost."""
    transcript = transcript_of(
        ("A", "Akkoord. Wie neemt de actie om de werkinstructie te schrijven? Dat doe ik."),
        ("B", "Ik heb hem klaar voor het volgende overleg."),
    )
    actions = [p for p in summarize(transcript).points if p.kind == "action"]
    assert [a.text for a in actions] == ["De werkinstructie schrijven"]
    assert actions[0].owner == "A"


def test_owner_is_a_speaker_id_shown_by_its_current_name():
    from notulist.reports.data import ReportInput, build_view

    transcript = transcript_of(("A", "Wie schrijft de brief aan de minister?"), ("B", "Dat doe ik voor vrijdag."))
    summary = summarize(transcript)
    assert [(p.kind, p.owner, p.due) for p in summary.points] == [("action", "B", "voor vrijdag")]
    named = replace(transcript, speakers={"B": "Jan de Boer"})
    view = build_view(ReportInput(named, {}, summary, {}, Path("audio.flac")))
    assert view.summary is not None and view.summary.points[0].owner == "Jan de Boer"


def test_a_doubtful_line_is_not_the_topic_statement_when_a_confident_one_exists():
    segments = (
        Segment("s0001", 0, 3, "Dan de planning.", speaker="A"),
        Segment("s0002", 3, 8, "De pilot bij de directie MKB start in januari met tien teams.", speaker="B"),
        Segment(
            "s0003",
            8,
            12,
            "De pilot bij de direct MKB staat in je laerie met tien teams en de planning.",
            speaker="B",
            flags=(Flag("low_confidence", "5 van 12 woorden onzeker"),),
        ),
    )
    summary = summarize(Transcript("nl", 12.0, segments))
    topics = [p for p in summary.points if p.kind == "topic"]
    assert topics[0].segment_ids == ("s0001", "s0002") and topics[0].supported


# Lines as Whisper base wrote them in the pipeline transcripts of overleg_huisvesting and mt_informatiebeveiliging:
# the cue words survive, the rest is garbled, and the diarization merges voices.
def test_a_request_by_name_answered_in_the_same_voice_belongs_to_the_person_named():
    transcript = transcript_of(
        ("S1", "Lotte, kun jij de training voor en het maart organiseren?"),
        ("S1", "Ja, dat kan ik."),
        names={"S1": "Karel"},
    )
    (action,) = [p for p in summarize(transcript).points if p.kind == "action"]
    assert action.owner == "Lotte" and action.segment_ids == ("s0001", "s0002")
    assert "training" in action.text


def test_garbled_task_lines_still_give_actions():
    transcript = transcript_of(
        ("S1", "Prima, iedereen levert, voor vrijdag zijn voorkeur, voor een vaste thuiswerkdag in, bij Fatima."),
        ("S1", "Maar zorg ervoor dat de seuvres dusk voor in mijn hand ledding heeft."),
        ("S2", "En wie in voor meer te ondernemingsrat?"),
        ("S1", "Dat doe ik zelf volgende week."),
    )
    actions = [(p.segment_ids, p.owner, p.due) for p in summarize(transcript).points if p.kind == "action"]
    assert actions == [
        (("s0001",), None, "voor vrijdag"),  # everyone's
        (("s0002",), None, None),  # the name was lost: no owner rather than a wrong one
        (("s0003", "s0004"), "S1", "volgende week"),
    ]


def test_an_approved_proposal_is_one_decision_even_when_its_confirmation_is_garbled():
    proposal = ("S3", "Kunnen we afspreken dat iedereen twee dagen per week thuis werkt?")
    for confirmation in (
        "Zal doen we het en we even weer een hoed naar de zonger.",
        "Zo doen we het, en we evalueren het na de zomer.",
    ):
        transcript = transcript_of(proposal, ("S1", f"Dat lijkt me een goed voorstel. {confirmation}"))
        decisions = [p for p in summarize(transcript).points if p.kind == "decision"]
        assert len(decisions) == 1 and decisions[0].segment_ids == ("s0001", "s0002"), decisions


def test_a_question_answered_approvingly_is_no_decision():
    transcript = transcript_of(
        ("S2", "Moeten we de juridische afdeling nog laten meekijken naar de voorwaarden?"),
        ("S1", "Ja, dat lijkt me verstandig."),
    )
    assert [p for p in summarize(transcript).points if p.kind == "decision"] == []


def test_answers_and_decisions_of_the_kept_aside_meeting_after_its_first_run():
    """teamoverleg_woo's first run missed these (recall 0.50, one duplicate); general rules found them after."""
    transcript = transcript_of(
        ("S2", "Dan moeten we die vijf eerst afhandelen, anders krijgen we dwangsommen."),
        ("S1", "Mee eens. We spreken af dat de vijf verlopen verzoeken voorrang krijgen boven al het andere werk."),
        ("S3", "Ja, dat lijkt me verstandig. Ik leg de richtlijn volgende week voor aan juridische zaken."),
        ("S1", "Goed. Als juridische zaken akkoord is, gaat de nieuwe richtlijn per één maart in."),
        ("S1", "Daan, maak jij een standaardtekst voor dat bericht?"),
        ("S4", "Komt in orde. Die heb je uiterlijk vrijdag."),
    )
    points = summarize(transcript).points
    decisions = [(p.segment_ids, p.due) for p in points if p.kind == "decision"]
    assert decisions == [(("s0002",), None), (("s0004",), "per één maart")]  # "Mee eens." adds no second one
    actions = [(p.segment_ids, p.owner, p.due) for p in points if p.kind == "action"]
    assert actions == [(("s0003",), "S3", "volgende week"), (("s0005", "s0006"), "S4", "uiterlijk vrijdag")]
    assert "standaardtekst" in next(p.text for p in points if p.owner == "S4")


def test_the_second_rounds_kept_aside_meetings_after_their_first_run():
    """mt_jaarplan_rondvraag and werkoverleg_handhaving's first run missed these exact exchanges (recall 0.50 and
    0.60 on their reference texts); general rules find them now."""
    transcript = transcript_of(
        ("BRAM", "Dan pas ik het aan en stuur ik het uiterlijk woensdag naar het bestuur."),
        ("ELS", "Ik wil eerst weten wat de oorzaken zijn. Wouter, kun jij met de bedrijfsarts een analyse maken?"),
        ("WOUTER", "Ja, dat doe ik. Voor de volgende MT-vergadering heb je hem."),
        (
            "ELS",
            "En in de tussentijd huren we voor drie maanden twee uitzendkrachten in voor het klantcontactcentrum. "
            "Akkoord?",
        ),
        ("BRAM", "Akkoord."),
        ("NADIA", "Akkoord."),
        ("ELS", "Nadia, neem jij de organisatie op je?"),
        ("NADIA", "Ja hoor, dat wil ik wel."),
        ("MARIEKE", "Dat vind ik ook. We gaan een last onder dwangsom opleggen."),
        ("MARIEKE", "Sanne, zet jij het voornemen op papier?"),
        ("SANNE", "Zeker. Dat voornemen gaat binnen tien werkdagen de deur uit."),
    )
    assert _points(transcript, "decision") == [(("s0004", "s0005", "s0006"), None, None), (("s0009",), None, None)]
    assert _points(transcript, "action") == [
        (("s0001",), "BRAM", "uiterlijk woensdag"),
        (("s0002", "s0003"), "WOUTER", "Voor de volgende MT-vergadering"),
        (("s0007", "s0008"), "NADIA", None),
        (("s0010", "s0011"), "SANNE", "binnen tien werkdagen"),
    ]


@pytest.mark.parametrize("name", BENCH.RECORDINGS)
def test_every_tuning_meetings_reference_text_is_complete_and_precise(name):
    reference = BENCH.load_reference(DATA / f"{name}.ref.tsv")
    labels = BENCH.load_labels(DATA / f"{name}.minutes.json")
    summary = summarize(reference)
    score = BENCH.evaluate(summary, reference, reference, labels)
    assert score.missed == [] and score.wrong_owner == [], (score.missed, score.wrong_owner)
    assert score.dues_right == score.dues_expected
    assert score.precision == 1.0, [p.text for p in summary.points]
    assert score.duplicates == 0


def _points(transcript: Transcript, kind: str) -> list[tuple[tuple[str, ...], str | None, str | None]]:
    return [(p.segment_ids, p.owner, p.due) for p in summarize(transcript).points if p.kind == kind]


def test_real_words_next_to_cue_words_are_not_repaired_into_them():
    """ "maand" is not "maart", "voortgang" not "voortaan", "bespreken" not "spreken" (wrong deadlines, decisions)."""
    sentence = split_sentences(transcript_of(("A", "Ik zorg dat het voor het eind van de maand rond is.")))[0]
    assert find_due(sentence) == "voor het eind van de maand"
    agenda = transcript_of(("A", "We hebben drie punten: de voortgang, het budget en de evaluatie."))
    assert _points(agenda, "decision") == []
    assert _points(transcript_of(("A", "Dan bespreken we de planning.")), "decision") == []


def test_deadlines_by_season_and_by_day_of_next_week():
    for text, due in (
        ("Ja, ik zorg dat de wijziging voor de zomer gepubliceerd is.", "voor de zomer"),
        ("We evalueren het na het zomerreces.", "na het zomerreces"),
        ("Dan stuur ik het rooster volgende week dinsdag rond.", "volgende week dinsdag"),
    ):
        assert find_due(split_sentences(transcript_of(("A", text)))[0]) == due


def test_a_short_yes_with_the_verb_alone_takes_the_task_asked():
    transcript = transcript_of(
        ("S1", "Pieter, kun jij de stuurgroep daarover een notitie sturen?"),
        ("S2", "Ja, doe ik. Die ligt er vrijdag."),
    )
    assert _points(transcript, "action") == [(("s0001", "s0002"), "S2", "vrijdag")]
    assert "notitie" in summarize(transcript).points[0].text


def test_i_take_that_up_answers_the_request_and_its_next_sentence_gives_the_deadline():
    transcript = transcript_of(
        ("S1", "Ruud, regel jij die twee mensen bij het afdelingshoofd?"),
        ("S3", "Ik pak dat op. Ik zorg dat het voor het eind van de maand rond is."),
    )
    (action,) = [p for p in summarize(transcript).points if p.kind == "action"]  # one action, not two
    assert (action.segment_ids, action.owner, action.due) == (("s0001", "s0002"), "S3", "voor het eind van de maand")
    assert action.text == "Regel die twee mensen bij het afdelingshoofd"


def test_a_task_put_as_a_statement_asked_back_is_a_request():
    transcript = transcript_of(
        ("S1", "Henk, jij stelt samen met Marloes de offerteaanvraag op?"),
        ("S2", "Ja, komt goed. Volgende week heb je een concept."),
    )
    assert _points(transcript, "action") == [(("s0001", "s0002"), "S2", "Volgende week")]
    same_voice = transcript_of(
        ("S1", "Henk, jij stelt samen met Marloes de offerteaanvraag op?"), ("S1", "Ja, komt goed.")
    )
    assert [owner for _, owner, _ in _points(same_voice, "action")] == ["Henk"]  # merged voices: the person named


def test_an_offer_accepted_by_another_speaker_is_the_offerers_task():
    transcript = transcript_of(
        ("S2", "Dat zou ik wel doen. Ik kan een nieuwe tekst voorstellen."),
        ("S1", "Graag. Dan zie ik die tekst uiterlijk 1 maart tegemoet."),
    )
    (action,) = [p for p in summarize(transcript).points if p.kind == "action"]
    assert (action.segment_ids, action.owner, action.due) == (("s0001", "s0002"), "S2", "uiterlijk 1 maart")
    assert action.text == "Een nieuwe tekst voorstellen"
    for offer, reply in (
        ("Ik kan dat niet beoordelen.", "Goed."),  # no offer
        ("Ik kan een nieuwe tekst voorstellen.", "Is dat nodig?"),  # not accepted
    ):
        assert _points(transcript_of(("S2", offer), ("S1", reply)), "action") == []


def test_then_we_do_something_to_a_thing_is_a_decision_but_running_the_meeting_is_not():
    decided = transcript_of(("S1", "Ik denk dat je gelijk hebt. Dan schuiven we de livegang op naar één april."))
    assert _points(decided, "decision") == [(("s0001",), None, "één april")]
    for procedural in (
        "Dan bespreken we de planning.",
        "Dan nemen we het volgende punt.",
        "Goed, dan gaan we de rondvraag doen.",
    ):
        assert _points(transcript_of(("S1", procedural)), "decision") == [], procedural


def test_an_assent_that_says_what_is_agreed_is_the_decision():
    transcript = transcript_of(
        ("S3", "Ik wil de opleidingen graag in twee rondes geven, eerst de sleutelgebruikers en daarna de rest."),
        ("S2", "Lijkt me goed."),
        ("S1", "Afgesproken, we trainen eerst de sleutelgebruikers."),
    )
    assert _points(transcript, "decision") == [(("s0003",), None, None)]
    assert _points(transcript_of(("S1", "Akkoord, dan de rondvraag.")), "decision") == []


def test_so_we_do_it_accepts_the_proposal_a_short_exchange_ago_not_the_answer_before_it():
    transcript = transcript_of(
        ("S2", "Ik stel voor dat we een extern bureau vragen om de regeling te evalueren."),
        ("S3", "Is daar geld voor?"),
        ("S2", "Ja, dat zit in het programmabudget."),
        ("S1", "Prima, zo doen we het."),
    )
    (decision,) = [p for p in summarize(transcript).points if p.kind == "decision"]
    assert decision.segment_ids == ("s0001", "s0004") and decision.text.startswith("Ik stel voor")


def test_a_line_flagged_no_speech_but_decoded_with_confidence_is_kept_as_doubtful():
    """Whisper drops a window as silence only when it is also unsure of its words (avg_logprob < -1.0)."""
    no_speech = (Flag("no_speech", "no_speech_prob 0.71 > 0.6"),)
    said = "Goed, dan doen we dat zo, de dossiers worden met de hand nagelopen."
    for logprob, kept in ((-0.46, True), (-1.3, False)):
        segment = Segment("s0001", 0, 5, said, speaker="S1", flags=no_speech, avg_logprob=logprob)
        sentences = split_sentences(Transcript("nl", 5, (segment,)))
        assert [s.doubtful for s in sentences] == ([True] if kept else [])


def test_cues_after_a_comma_where_the_recognition_joined_two_sentences():
    joined = transcript_of(("S1", "Ik denk dat je je gelijk hebt, dan schrijven we de lieve gang op naar 1 april."))
    assert _points(joined, "decision") == [(("s0001",), None, "1 april")]
    transcript = transcript_of(
        ("S1", "Ruud, regel jij dit twee mensen bij het afgeeling sloft?"),
        ("S2", "Ik pak dat op, ik mor, dat het voor het eind van de maand rond is."),
    )
    (action,) = [p for p in summarize(transcript).points if p.kind == "action"]
    assert action.text.startswith("Regel dit twee mensen") and action.segment_ids == ("s0001", "s0002")
    assert action.due == "voor het eind van de maand"


def test_a_request_after_two_words_still_names_the_person_asked():
    transcript = transcript_of(
        ("S1", "Klopt, Peter, kun jij de stuurgroep daarover een notitie sturen?"), ("S1", "Ja, dat kan ik.")
    )
    assert [(p.owner, p.segment_ids) for p in summarize(transcript).points if p.kind == "action"] == [
        ("Peter", ("s0001", "s0002"))
    ]


def test_taking_effect_on_a_date_is_a_decision_even_when_its_per_is_glued_to_a_word():
    for said in (
        "Goed, als jullie die ze zakken pakkort is, gaat een nieuwe richtlijnper een maart in.",
        "De nieuwe regeling treedt op 1 juli in.",
    ):
        assert len(_points(transcript_of(("S1", said)), "decision")) == 1, said
    assert _points(transcript_of(("S1", "Hij gaat in maart in op de vragen.")), "decision") == []


def test_a_task_assigned_to_a_name_without_its_question_mark_is_answered_by_komt_goed():
    transcript = transcript_of(
        ("S1", "Henk, je stelt samen met maar luister of er ten vragen op."),
        ("S4", "Ja, komt goed."),
        ("S4", "Volgende week heb je een concept."),
    )
    assert _points(transcript, "action") == [(("s0001", "s0002"), "S4", "Volgende week")]
    unnamed = transcript_of(("S1", "Je stelt samen met Marloes de offerteaanvraag op."), ("S4", "Ja, komt goed."))
    assert _points(unnamed, "action") == []  # a statement to no one named is no request


def test_kept_aside_run_with_no_meetings_set_apart_says_so(capsys, monkeypatch):
    monkeypatch.setattr(BENCH, "KEPT_ASIDE", ())
    assert BENCH.main(["--kept-aside"]) == 0
    assert "no meetings are kept aside" in capsys.readouterr().out
