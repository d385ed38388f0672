"""``notulist summarize SESSION``: rewrites summary.json in an audited update and refreshes the reports; the
summariser options shared with ``notulist transcribe``."""

from __future__ import annotations

import argparse
import json
import socket
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
import soundfile
from chat_server_support import ScriptedServer
from conftest import DATA

from notulist.archive.session import NewSession, Session, sha256_file
from notulist.cli import cmd_summarize
from notulist.cli.summary_args import FALLBACK_EXIT_CODE, add_summary_arguments, summarizer_from_args
from notulist.core.errors import NotulistError
from notulist.core.model import Segment, Transcript, segment_id, transcript_to_dict
from notulist.summary.extractive import ExtractiveSummarizer
from notulist.summary.llm import LLMSummarizer


def make_session(tmp_path: Path) -> Session:
    segments = []
    for index, line in enumerate((DATA / "overleg_dpia.ref.tsv").read_text(encoding="utf-8").splitlines()):
        start, end, speaker, text = line.split("\t", 3)
        segments.append(Segment(segment_id(index), float(start), float(end), text, speaker=speaker))
    transcript = Transcript("nl", 103.0, tuple(segments), speakers={s: s for s in ("VOORZITTER", "LID_B", "LID_C")})
    with NewSession(tmp_path / "sessions", "overleg_dpia.wav", datetime(2026, 11, 22, 14, 0)) as new:
        soundfile.write(new.file("audio.flac"), np.zeros(16000, dtype=np.float32), 16000, format="FLAC")
        sha = sha256_file(new.file("audio.flac"))
        new.log("session_created", {"audio_sha256": sha})
        new.write_json("transcript.json", transcript_to_dict(transcript))
        new.write_text("report.html", "<html>old report</html>")
        session = new.commit({"audio": {"sha256": sha, "duration": 1.0}})
    session.record("speakers_named", {"names": {"LID_B": "Fatima"}})
    return session


def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="notulist")
    cmd_summarize.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_summarize_writes_summary_json_with_audit_event_and_refreshes_the_report(tmp_path, capsys):
    session = make_session(tmp_path)
    assert run_cli(["summarize", str(session.path)]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == str(session.path / "summary.json")
    assert "by extractive" in err and "source transparency 100%" in err
    summary = json.loads((session.path / "summary.json").read_text(encoding="utf-8"))
    assert summary["method"] == "extractive" and summary["problems"] == []
    action = next(p for p in summary["points"] if p["kind"] == "action")
    assert action["owner"] == "Fatima"  # the audit-logged speaker name, not the machine's label
    events = [e for e in session.events() if e.event == "summary_written"]
    assert len(events) == 1 and events[0].data["method"] == "extractive"
    assert "summary.json" in events[0].data["files"] and "report.html" in events[0].data["files"]
    report = (session.path / "report.html").read_text(encoding="utf-8")
    assert "old report" not in report and "werkinstructie" in report.lower()
    assert session.problems() == []  # manifest hashes and audit chain are in step
    assert json.loads((session.path / "transcript.json").read_text())["segments"][12]["speaker"] == "LID_B"


def unreachable_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def test_an_unreachable_model_still_gives_minutes_and_says_so(tmp_path, capsys):
    session = make_session(tmp_path)
    url = unreachable_url()
    accept = ["--llm-fallback", "extractive"]
    code = run_cli(["summarize", str(session.path), "--llm-url", url, "--llm-model", "m", *accept])
    assert code == 0
    _, err = capsys.readouterr()
    assert "notulist: warning:" in err and "cannot reach the model server" in err
    summary = json.loads((session.path / "summary.json").read_text(encoding="utf-8"))
    assert summary["method"] == "llm-http+extractive" and summary["model"] == "m"
    assert any("cannot reach" in p for p in summary["problems"])
    assert summary["points"]
    assert session.problems() == []


def test_an_unreachable_model_is_an_error_unless_a_fallback_was_asked_for(tmp_path, capsys):
    session = make_session(tmp_path)
    code = run_cli(["summarize", str(session.path), "--llm-url", unreachable_url(), "--llm-model", "m"])
    assert code == FALLBACK_EXIT_CODE != 0
    out, err = capsys.readouterr()
    assert out.strip() == str(session.path / "summary.json")  # the session is kept, with extractive points
    said = [line for line in err.splitlines() if line.startswith("notulist:") and "extractive" in line]
    assert len(said) == 1 and said[0].startswith("notulist: error:"), err
    assert "--llm-fallback extractive" in said[0] and f"notulist summarize {session.path}" in said[0]
    assert json.loads((session.path / "summary.json").read_text(encoding="utf-8"))["points"]
    assert session.problems() == []


def test_counts_in_the_summary_line_agree_in_number():
    assert cmd_summarize.counted(1, "decision") == "1 decision"
    assert cmd_summarize.counted(0, "decision") == "0 decisions"
    assert cmd_summarize.counted(2, "open question") == "2 open questions"


def test_summary_options():
    parser = argparse.ArgumentParser()
    add_summary_arguments(parser)
    assert isinstance(summarizer_from_args(parser.parse_args([])), ExtractiveSummarizer)
    assert summarizer_from_args(parser.parse_args(["--no-summary"])) is None
    chosen = summarizer_from_args(
        parser.parse_args(["--llm-url", "http://10.1.2.3:8080", "--llm-model", "llama", "--llm-timeout", "7.5"])
    )
    assert isinstance(chosen, LLMSummarizer)
    assert chosen.backend.url == "http://10.1.2.3:8080/v1/chat/completions" and chosen.backend.timeout_s == 7.5
    with pytest.raises(NotulistError, match="--llm-model"):
        summarizer_from_args(parser.parse_args(["--llm-model", "llama"]))
    summarize_parser = argparse.ArgumentParser()
    add_summary_arguments(summarize_parser, allow_disable=False)
    with pytest.raises(SystemExit):
        summarize_parser.parse_args(["--no-summary"])


def test_a_model_gets_the_instructions_of_the_sessions_template(tmp_path, capsys):
    answer = {"points": [{"kind": "decision", "text": "De pilot gaat door", "segment_ids": ["s0011"]}]}
    session = make_session(tmp_path)
    session.record("meeting_info", {"template": "besluitenlijst"})  # as `notulist transcribe --template` does
    with ScriptedServer([json.dumps(answer)] * 10) as server:
        assert run_cli(["summarize", str(session.path), "--llm-url", server.url, "--llm-model", "m"]) == 0
        session.record("meeting_info", {"template": "verslag", "agenda": ["Opening", "DPIA", "Rondvraag"]})
        assert run_cli(["summarize", str(session.path), "--llm-url", server.url, "--llm-model", "m"]) == 0
    asked = server.requests
    system = asked[0]["messages"][0]["content"]
    assert "Noteer alleen de besluiten en de acties" in system  # TEMPLATE_PROMPTS["besluitenlijst"]
    assert "1. Opening\n2. DPIA\n3. Rondvraag" in asked[-1]["messages"][0]["content"]  # the verslag lists the agenda
    summary = json.loads((session.path / "summary.json").read_text(encoding="utf-8"))
    assert summary["model_info"]["json_mode"] == "json_schema"
