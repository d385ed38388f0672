"""Prompt, JSON repair, validation, chunking and merging of the LLM summariser (pure functions)."""

from __future__ import annotations

import pytest

from notulist.core.model import Segment, Transcript, segment_id
from notulist.summary.llm import build_messages, chunk_segments, extract_json, merge_points, parse_points
from notulist.summary.model import SummaryPoint

TRANSCRIPT = Transcript(
    "nl",
    30.0,
    tuple(
        Segment(segment_id(i), i * 3.0, i * 3.0 + 2.5, f"Zin nummer {i} over de planning.", speaker="S1")
        for i in range(10)
    ),
    speakers={"S1": "Anna"},
)
KNOWN = [s.id for s in TRANSCRIPT.segments]


def test_prompt_numbers_segments_with_speaker_names():
    messages = build_messages(TRANSCRIPT, TRANSCRIPT.segments[:2])
    assert messages[0]["role"] == "system" and "segment_ids" in messages[0]["content"]
    assert "[s0001] Anna: Zin nummer 0 over de planning.\n[s0002] Anna: Zin nummer 1" in messages[1]["content"]


@pytest.mark.parametrize(
    "answer",
    [
        '{"points": [{"kind": "topic", "text": "Planning", "segment_ids": ["s0001"]}]}',
        'Notulen:\n```json\n{"points": [{"kind": "topic", "text": "Planning", "segment_ids": ["s1"]}]}\n```',
        'Natuurlijk! {"points": [{"kind": "topic", "text": "Planning", "segment_ids": ["s0001"]}]} Succes.',
        '```\n[{"kind": "onderwerp", "text": "Planning", "segments": "s1"}]\n```',
    ],
)
def test_json_is_dug_out_of_fences_and_prose(answer):
    points, problems = parse_points(extract_json(answer), KNOWN)
    assert points == [SummaryPoint("topic", "Planning", ("s0001",))]
    assert problems == []


def test_no_json_raises():
    with pytest.raises(ValueError):
        extract_json("Ik kan daar helaas niet bij helpen.")
    with pytest.raises(ValueError):
        parse_points({"answer": "nothing"}, KNOWN)


def test_dutch_keys_grouped_answers_and_bad_items():
    payload = {
        "besluiten": [{"text": "Pilot gaat door", "segment_ids": ["s0003", 4]}],
        "acties": [
            {
                "text": "Werkinstructie schrijven",
                "segment_ids": ["[s0005]"],
                "eigenaar": "Fatima",
                "deadline": "vrijdag",
            }
        ],
        "vragen": ["Wie betaalt?"],
    }
    points, problems = parse_points(payload, KNOWN)
    assert points[0] == SummaryPoint("decision", "Pilot gaat door", ("s0003", "s0004"))
    assert points[1] == SummaryPoint("action", "Werkinstructie schrijven", ("s0005",), owner="Fatima", due="vrijdag")
    assert points[2].kind == "question" and points[2].segment_ids == ()
    assert problems == ["1 point(s) from the model cite no segment and are marked unsupported"]
    points, problems = parse_points(
        {
            "points": [
                {"kind": "gossip", "text": "x"},
                42,
                {"kind": "topic", "text": ""},
                {"kind": "action", "text": "Doen", "segment_ids": ["s0001"], "owner": "null", "due": ""},
            ]
        },
        KNOWN,
    )
    assert points == [SummaryPoint("action", "Doen", ("s0001",))]
    assert problems == ["3 item(s) of the model's answer were not valid points and were left out"]


def test_chunks_hold_whole_segments_within_the_budget():
    chunks = chunk_segments(TRANSCRIPT, 120)
    assert [s for chunk in chunks for s in chunk] == list(TRANSCRIPT.segments)
    assert len(chunks) > 2
    for chunk in chunks:
        assert sum(len(f"[{s.id}] Anna: {s.text}") + 1 for s in chunk) <= 120
    assert chunk_segments(TRANSCRIPT, 10) == [(s,) for s in TRANSCRIPT.segments]  # a long segment goes alone


def test_merge_joins_repeated_points_and_keeps_all_citations():
    order = {sid: n for n, sid in enumerate(KNOWN)}
    merged = merge_points(
        [
            SummaryPoint("action", "Werkinstructie schrijven", ("s0009",), owner="Fatima"),
            SummaryPoint("topic", "De planning van de pilot", ("s0002",)),
            SummaryPoint("topic", "Planning van de pilot", ("s0007", "s0002"), due=None),
            SummaryPoint("decision", "Pilot gaat door", ("s0004",)),
        ],
        order,
    )
    assert [p.kind for p in merged] == ["topic", "decision", "action"]
    assert merged[0].segment_ids == ("s0002", "s0007")


def test_an_answer_cut_off_by_the_token_limit_keeps_its_whole_points():
    from notulist.summary.llm import salvage_points

    # SmolLM2-135M through llama-cpp-python's server, grammar-constrained, cut off at 400 tokens
    cut = (
        '{ "points": [{"kind":"topic","text":"Goed punt", "segment_ids":["s0012"], "owner":"LID_C", '
        '"due":"december 23, 2024"},{"kind":"action","text":"Dat doe ik", "segment_ids":["s00'
    )
    assert salvage_points(cut) == {
        "points": [
            {
                "kind": "topic",
                "text": "Goed punt",
                "segment_ids": ["s0012"],
                "owner": "LID_C",
                "due": "december 23, 2024",
            }
        ]
    }
    assert salvage_points('{"points": [{"kind": "top') is None
    from notulist.core.model import Segment, Transcript
    from notulist.summary.llm import LLMSummarizer  # the summariser keeps them, and says the answer was cut off

    class Cut:
        method, model = "llm-test", "cut-model"

        def chat(self, messages, max_tokens, schema=None):
            return cut

    transcript = Transcript("nl", 60.0, tuple(Segment(f"s{n:04d}", n, n + 1, "Goed punt.", "S1") for n in range(1, 14)))
    summary = LLMSummarizer(Cut(), retries=0).summarize(transcript, lambda progress: None)
    assert [p.text for p in summary.points] == ["Goed punt"] and summary.points[0].written_by == "cut-model"
    assert any("cut off" in problem for problem in summary.problems)
    assert salvage_points("Sorry, ik kan dat niet.") is None


def test_the_verslag_prompt_lists_the_agenda_and_is_unchanged_without_one():
    from notulist.summary.llm import SYSTEM_PROMPT, TEMPLATE_PROMPTS, system_prompt

    assert system_prompt("verslag") == f"{SYSTEM_PROMPT}\n{TEMPLATE_PROMPTS['verslag']}"  # as before agendas
    assert build_messages(TRANSCRIPT, TRANSCRIPT.segments[:2], "verslag", ()) == build_messages(
        TRANSCRIPT, TRANSCRIPT.segments[:2]
    )
    agenda = ["Opening en vaststellen agenda", "DPIA transcriptietool", "Planning pilot directie MKB", "Rondvraag"]
    system = build_messages(TRANSCRIPT, TRANSCRIPT.segments[:2], "verslag", agenda)[0]["content"]
    assert system.startswith(system_prompt("verslag"))
    listed = "1. Opening en vaststellen agenda\n2. DPIA transcriptietool\n3. Planning pilot directie MKB\n4. Rondvraag"
    assert listed in system
    assert "agendapunt" in system.split("4. Rondvraag")[1]  # how to attribute a topic to its item
    for template in ("besluitenlijst", "gespreksverslag"):  # no topics per item there: their prompt is unchanged
        assert system_prompt(template, agenda) == system_prompt(template)


def test_a_long_agenda_is_bounded_in_the_prompt():
    from notulist.summary.llm import AGENDA_ITEM_CHARS, AGENDA_MAX_ITEMS, agenda_prompt

    agenda = [f"Punt {n} " + "met een heel lange omschrijving " * 10 for n in range(40)]
    listed = [line for line in agenda_prompt(agenda).splitlines() if line[:1].isdigit()]
    assert len(listed) == AGENDA_MAX_ITEMS
    assert all(len(line.split(". ", 1)[1]) <= AGENDA_ITEM_CHARS for line in listed)
    assert listed[0].endswith("…") and agenda_prompt(["", "  "]) == ""
