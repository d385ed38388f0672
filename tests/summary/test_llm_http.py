"""The OpenAI-compatible HTTP backend against a real HTTP server on 127.0.0.1 answering scripted replies: good
answers, JSON in prose, malformed JSON, invented citations, a refusal, HTTP errors, a timeout and no server at all.
The session must always get minutes, and every problem must be recorded in the summary."""

from __future__ import annotations

import json
import re
import socket
import time
from pathlib import Path

import pytest
from chat_server_support import ScriptedServer
from conftest import DATA

from notulist.cli.flags import said_as_flags
from notulist.core.errors import NotulistError
from notulist.core.model import Segment, Transcript, segment_id
from notulist.core.progress import Progress, no_progress
from notulist.summary.llm import LLMSummarizer, LLMTimeout, LLMUnavailable
from notulist.summary.llm_http import HttpChatBackend, completions_url
from notulist.summary.summarizer import make_summarizer


def reference_transcript() -> Transcript:
    segments = []
    for index, line in enumerate((DATA / "overleg_dpia.ref.tsv").read_text(encoding="utf-8").splitlines()):
        start, end, speaker, text = line.split("\t", 3)
        segments.append(Segment(segment_id(index), float(start), float(end), text, speaker=speaker))
    return Transcript("nl", segments[-1].end, tuple(segments), speakers={"LID_B": "Fatima"})


TRANSCRIPT = reference_transcript()


def good_answer(**overrides) -> str:
    points = [
        {"kind": "topic", "text": "De DPIA en de bewaartermijn van de opnames", "segment_ids": ["s0002", "s0004"]},
        {
            "kind": "decision",
            "text": "De pilot gaat door op voorwaarde dat de DPIA voor één december is afgerond",
            "segment_ids": ["s0011"],
        },
        {
            "kind": "action",
            "text": "De werkinstructie schrijven",
            "segment_ids": ["s0012", "s0013"],
            "owner": "Fatima",
            "due": "volgende overleg",
        },
    ]
    return json.dumps({"points": points, **overrides}, ensure_ascii=False)


def summarize(server: ScriptedServer, timeout_s: float = 10.0, **kwargs):
    backend = HttpChatBackend(server.url, "qwen-local", timeout_s=timeout_s)
    return LLMSummarizer(backend, **kwargs).summarize(TRANSCRIPT, no_progress)


@pytest.fixture(autouse=True)
def _bogus_proxy(monkeypatch):
    # The transcript must go straight to the server the user named, never through a proxy from the environment.
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)


def test_a_good_answer_becomes_checked_minutes():
    with ScriptedServer(["Hier zijn de notulen:\n```json\n" + good_answer() + "\n```"]) as server:
        summary = summarize(server)
    assert server.paths == ["/v1/chat/completions"]
    request = server.requests[0]
    assert request["model"] == "qwen-local" and request["temperature"] == 0
    prompt = request["messages"][1]["content"]
    assert "[s0001] VOORZITTER: Goedemiddag allemaal." in prompt
    assert "[s0013] Fatima: Dat doe ik." in prompt  # speaker names, not ids
    assert summary.method == "llm-http" and summary.model == "qwen-local"
    assert summary.problems == ()
    assert [p.kind for p in summary.points] == ["topic", "decision", "action"]
    action = summary.points[2]
    assert action.owner == "Fatima" and action.due == "volgende overleg" and action.supported
    assert summary.source_transparency == 1.0


def test_malformed_json_is_retried_with_a_correction():
    broken = '{"points": [{"kind": "topic", "text": "De DPIA", "segment_ids": ["s0002"]'
    with ScriptedServer([broken, good_answer()]) as server:
        summary = summarize(server)
    assert len(server.requests) == 2
    retry = server.requests[1]["messages"]
    assert retry[-2] == {"role": "assistant", "content": broken}
    assert "JSON" in retry[-1]["content"]
    assert summary.method == "llm-http" and len(summary.points) == 3
    assert any("malformed answer" in p for p in summary.problems)
    assert any("usable after 1 retry" in p for p in summary.problems)


def test_malformed_twice_falls_back_to_extractive_minutes():
    with ScriptedServer(["{not json", "still [not json"]) as server:
        summary = summarize(server)
    assert len(server.requests) == 2
    assert summary.method == "llm-http+extractive"
    assert any(p.kind == "action" and p.owner == "Fatima" for p in summary.points)  # from the extractive fallback
    assert all(p.supported for p in summary.points)
    assert any("extractive summariser instead" in p for p in summary.problems)


def test_invented_citations_are_dropped_reported_and_unsupported():
    answer = json.dumps(
        {
            "points": [
                {"kind": "decision", "text": "De pilot gaat door", "segment_ids": ["s0011", "s0099"]},
                {"kind": "decision", "text": "Het budget wordt verdubbeld", "segment_ids": ["s0077"]},
                {"kind": "action", "text": "De directeur belt de minister", "segment_ids": ["s0003"], "owner": "Piet"},
            ]
        }
    )
    with ScriptedServer([answer]) as server:
        summary = summarize(server)
    first, second, third = summary.points
    assert first.segment_ids == ("s0011",) and first.supported
    assert second.segment_ids == () and second.support == 0.0 and not second.supported
    assert not third.supported  # a real segment, but it says nothing of the kind
    assert any("s0099" in p and "dropped" in p for p in summary.problems)
    assert any("s0077" in p for p in summary.problems)
    assert summary.source_transparency == pytest.approx(1 / 3)


def test_a_refusal_is_reported_and_the_minutes_are_extractive():
    refusal = "Sorry, ik kan hier niet bij helpen."
    with ScriptedServer([refusal, refusal]) as server:
        summary = summarize(server)
    assert summary.method == "llm-http+extractive"
    assert any("refused" in p for p in summary.problems)
    assert summary.points and all(p.supported for p in summary.points)


def test_a_timeout_is_reported_and_not_retried():
    with ScriptedServer([(good_answer(), 3.0)]) as server:
        started = time.monotonic()
        summary = summarize(server, timeout_s=0.5)
        elapsed = time.monotonic() - started
    assert len(server.requests) == 1
    assert elapsed < 2.5
    assert summary.method == "llm-http+extractive"
    assert any("did not answer within 0.5 s" in p for p in summary.problems)
    with ScriptedServer([(good_answer(), 3.0)]) as server:
        with pytest.raises(LLMTimeout):
            HttpChatBackend(server.url, "m", timeout_s=0.3).chat([{"role": "user", "content": "hallo"}], 10)


def test_http_errors_are_reported():
    with ScriptedServer([(404, '{"error": "model qwen-local not found"}')]) as server:
        summary = summarize(server)
    assert any("HTTP 404" in p and "not found" in p for p in summary.problems)
    assert summary.method == "llm-http+extractive"


def test_no_server_stops_asking_after_the_first_chunk():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    backend = HttpChatBackend(f"http://127.0.0.1:{port}", "m", timeout_s=2)
    with pytest.raises(LLMUnavailable):
        backend.chat([{"role": "user", "content": "hallo"}], 10)
    summary = LLMSummarizer(backend, max_chunk_chars=600).summarize(TRANSCRIPT, no_progress)
    assert sum("cannot reach the model server" in p for p in summary.problems) == 1
    assert summary.method == "llm-http+extractive" and summary.points


def test_long_transcripts_are_chunked_and_merged_without_losing_citations():
    def per_chunk(body: dict) -> str:
        ids = re.findall(r"\[(s\d{4})\]", body["messages"][1]["content"])
        return json.dumps(
            {
                "points": [
                    {"kind": "topic", "text": "Projectoverleg over de transcriptietool", "segment_ids": [ids[0]]},
                    {"kind": "decision", "text": f"Besproken in {ids[0]} tot {ids[-1]}", "segment_ids": ids[-1:]},
                ]
            }
        )

    events: list[Progress] = []
    with ScriptedServer([per_chunk] * 20) as server:
        backend = HttpChatBackend(server.url, "m")
        summary = LLMSummarizer(backend, max_chunk_chars=500).summarize(TRANSCRIPT, events.append)
    chunks = len(server.requests)
    assert chunks >= 3
    prompts = [re.findall(r"\[(s\d{4})\]", r["messages"][1]["content"]) for r in server.requests]
    assert [i for ids in prompts for i in ids] == [s.id for s in TRANSCRIPT.segments]  # every segment once, in order
    topics = [p for p in summary.points if p.kind == "topic"]
    assert len(topics) == 1 and topics[0].segment_ids == tuple(ids[0] for ids in prompts)  # merged, all citations
    assert [p.segment_ids for p in summary.points if p.kind == "decision"] == [(ids[-1],) for ids in prompts]
    assert events[-1] == Progress("summarize", chunks, chunks, "chunks")


def test_url_forms_and_option_errors():
    assert completions_url("http://10.0.0.5:8000") == "http://10.0.0.5:8000/v1/chat/completions"
    assert completions_url("http://10.0.0.5:8000/v1/") == "http://10.0.0.5:8000/v1/chat/completions"
    assert completions_url("http://h/v1/chat/completions") == "http://h/v1/chat/completions"
    with pytest.raises(NotulistError, match="not an http"):
        completions_url("10.0.0.5:8000")
    with pytest.raises(NotulistError, match="--llm-model"), said_as_flags():
        make_summarizer(llm_url="http://127.0.0.1:8000")
    with pytest.raises(NotulistError, match="only one"):
        make_summarizer(llm_url="http://127.0.0.1:8000", llm_model="m", llm_hf=Path("x"))
    summarizer = make_summarizer(llm_url="http://127.0.0.1:8000", llm_model="m", timeout_s=5)
    assert isinstance(summarizer, LLMSummarizer) and summarizer.backend.timeout_s == 5


def test_the_answer_is_asked_for_as_json_following_the_points_schema():
    with ScriptedServer([good_answer()]) as server:
        summary = summarize(server)
    constrained = server.requests[0]["response_format"]
    assert constrained["type"] == "json_schema" and constrained["json_schema"]["strict"] is True
    schema = constrained["json_schema"]["schema"]
    point = schema["properties"]["points"]["items"]
    assert point["properties"]["kind"]["enum"] == ["topic", "decision", "action", "question"]
    # only the lines of this chunk can be cited
    assert point["properties"]["segment_ids"]["items"]["enum"] == [s.id for s in TRANSCRIPT.segments]
    assert summary.model_info is not None and summary.model_info["json_mode"] == "json_schema"


def test_a_server_that_refuses_json_schema_gets_json_object_then_nothing():
    refused = (
        422,
        '{"detail":[{"loc":["body","response_format","type"],"msg":"Input should be \'text\' or \'json_object\'"}]}',
    )
    with ScriptedServer([refused] + [good_answer()] * 8) as server:
        summary = summarize(server, max_chunk_chars=600)  # several chunks: the accepted form is kept
    assert [r.get("response_format", {}).get("type") for r in server.requests][:3] == [
        "json_schema",
        "json_object",
        "json_object",
    ]
    assert server.requests[1]["response_format"]["schema"]["required"] == ["points"]
    assert summary.model_info["json_mode"] == "json_object"
    assert not any("422" in p for p in summary.problems)
    # llama-cpp-python's server answers its validation error with HTTP 500, naming the response_format
    server_error = (
        500,
        '{"error":{"message":"loc: (body, response_format, type): Input should be text or json_object"}}',
    )
    with ScriptedServer([server_error, (400, '{"error": "unknown field schema"}'), good_answer()]) as server:
        summary = summarize(server)
    assert "response_format" not in server.requests[2] and summary.model_info["json_mode"] == "off"


def test_a_bad_request_that_is_not_about_the_format_is_an_error_not_a_downgrade():
    with ScriptedServer([(400, '{"error": "context length exceeded"}')] * 4) as server:
        summary = summarize(server)
    assert all(r["response_format"]["type"] == "json_schema" for r in server.requests)
    assert any("HTTP 400" in p for p in summary.problems) and summary.method == "llm-http+extractive"


def test_json_mode_off_sends_no_response_format():
    with ScriptedServer([good_answer()]) as server:
        backend = HttpChatBackend(server.url, "qwen-local", timeout_s=10, json_mode="off")
        LLMSummarizer(backend, constrained=False).summarize(TRANSCRIPT, no_progress)
    assert "response_format" not in server.requests[0]
    with pytest.raises(NotulistError, match="json_mode"):
        HttpChatBackend(server.url, "m", json_mode="grammar")


def test_the_agenda_reaches_the_model_and_takes_its_share_of_the_chunk_budget():
    agenda = ["Opening", "DPIA transcriptietool " + "x" * 80, "Planning pilot", "Rondvraag"]
    with ScriptedServer([good_answer()] * 20) as server:
        backend = HttpChatBackend(server.url, "m")
        plain = LLMSummarizer(backend, max_chunk_chars=900)
        plain.summarize(TRANSCRIPT, no_progress)
        without = len(server.requests)
        told = plain.with_agenda(agenda)
        assert plain.agenda == () and told.backend is backend  # a copy: the first summariser is unchanged
        told.summarize(TRANSCRIPT, no_progress)
    requests = server.requests[without:]
    system = requests[0]["messages"][0]["content"]
    assert "1. Opening\n2. DPIA transcriptietool" in system and "4. Rondvraag" in system
    assert "1. Opening" not in server.requests[0]["messages"][0]["content"]
    for request in requests:  # the segments of each chunk fit in what the agenda leaves of the budget
        lines = request["messages"][1]["content"].split("\n\n")[0].removeprefix("Segmenten:\n")
        assert len(lines) <= told.chunk_chars < 900
    assert len(requests) > without  # so the transcript went in more chunks


def test_the_extractive_summariser_is_not_told_the_agenda():
    from notulist.summary.summarizer import with_agenda

    extractive = make_summarizer()
    assert with_agenda(extractive, ["Opening"]) is extractive
