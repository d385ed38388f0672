"""`notulist transcribe` and `notulist verify` end to end, with the real bundled model and no network."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from chat_server_support import ScriptedServer
from conftest import DATA, SAMPLES

from benchmarks.scoring import wer
from notulist.archive.session import Session
from notulist.cli.main import main

pytestmark = pytest.mark.slow

# The first 25 s of samples/interview_fiod (three turns, two speakers).
CLIP_REFERENCE = (
    "Goedemorgen. Het is dinsdag veertien oktober, tien uur. Dit gesprek wordt opgenomen. Mijn naam is Pieter de "
    "Vries en ik ben rechercheur bij de FIOD. Goedemorgen. Ik ben Sandra Jansen, eigenaar van een groothandel in "
    "elektronica in Utrecht. Mevrouw Jansen, u bent hier vrijwillig en u bent niet verplicht om op vragen te "
    "antwoorden. Begrijpt u dat?"
)
FAST = ["--no-summary", "--format", "none"]


def transcribe(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["transcribe", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def clip_session(tmp_path_factory) -> Path:
    """One full run (diarization, links, summary, reports) on the 25 s clip, shared by the tests below."""
    sessions = tmp_path_factory.mktemp("sessions")
    code = main(["transcribe", str(DATA / "interview_25s.flac"), "--sessions-dir", str(sessions), "--device", "cpu"])
    assert code == 0
    (session,) = [p for p in sessions.iterdir()]
    return session


def test_transcribe_prints_the_session_path_last_and_needs_no_network(tmp_path, capsys, no_network):
    code, out, err = transcribe(capsys, str(DATA / "interview_25s.flac"), "--sessions-dir", str(tmp_path))
    assert code == 0, err
    path = Path(out.strip().splitlines()[-1])
    assert path.parent == tmp_path and path.is_dir()
    assert path.name.endswith("_interview-25s")
    assert no_network == []


def test_session_contents(clip_session):
    names = {p.name for p in clip_session.iterdir()}
    expected = {"audio.flac", "manifest.json", "audit.jsonl", "transcript.json", "transcript.txt", "transcript.srt"}
    assert expected | {"transcript.vtt", "speakers.rttm", "summary.json", "report.html", "report.docx"} <= names
    data = json.loads((clip_session / "transcript.json").read_text())
    assert {"language", "duration", "segments", "speakers", "links"} <= set(data)
    assert data["language"] == "nl" and data["duration"] == pytest.approx(25.0, abs=0.05)
    for segment in data["segments"]:
        assert {"id", "start", "end", "text", "speaker", "words", "flags"} <= set(segment)
        assert segment["words"] and {"start", "end", "text", "probability"} <= set(segment["words"][0])
    assert [s["id"] for s in data["segments"]] == [f"s{i:04d}" for i in range(1, len(data["segments"]) + 1)]
    text = " ".join(s["text"] for s in data["segments"])
    assert wer(CLIP_REFERENCE, text) < 0.35, text
    manifest = json.loads((clip_session / "manifest.json").read_text())
    assert manifest["audio"]["sha256"] == manifest["files"]["audio.flac"]
    assert manifest["models"]["asr"]["sha256"]
    assert manifest["models"]["diarizer"]["sha256"] and "resemblyzer" in manifest["models"]["diarizer"]["name"]
    assert data["speakers"] == {"S1": "S1", "S2": "S2"}
    assert manifest["options"]["language"] == "nl"


def test_verify_passes_then_fails_after_one_changed_byte(clip_session, capsys, tmp_path):
    assert main(["verify", str(clip_session)]) == 0
    assert capsys.readouterr().out.startswith("OK")
    copy = tmp_path / "copy"
    shutil.copytree(clip_session, copy)
    audio = bytearray((copy / "audio.flac").read_bytes())
    audio[len(audio) // 2] ^= 0x01
    (copy / "audio.flac").write_bytes(bytes(audio))
    assert main(["verify", str(copy)]) == 3
    out = capsys.readouterr().out
    assert "TAMPERED: audio.flac" in out


def silent_wav(path: Path, seconds: float = 5.0) -> Path:
    sf.write(path, np.zeros(int(seconds * 16_000), dtype=np.int16), 16_000, subtype="PCM_16")
    return path


def corrupt(path: Path) -> Path:
    path.write_bytes(b"RIFF\x00\x00garbage that is not a wav file" * 50)
    return path


def empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


@pytest.mark.parametrize(
    "make_input, extra, message",
    [
        (lambda d: d / "missing.wav", [], "does not exist"),
        (lambda d: corrupt(d / "corrupt.wav"), [], "not a readable audio"),
        (lambda d: empty(d / "empty.m4a"), [], "empty"),
        (lambda d: silent_wav(d / "silence.wav"), [], "no speech"),
        (lambda d: DATA / "interview_25s.flac", ["--model", "/nonexistent/large-v3"], "does not exist"),
        (lambda d: DATA / "interview_25s.flac", ["--template", "notulen-mt"], "geen sjabloon 'notulen-mt'"),
    ],
    ids=["missing", "corrupt", "empty", "silent", "missing-model", "unknown-template"],
)
def test_bad_input_gives_one_line_and_no_session(tmp_path, capsys, make_input, extra, message):
    sessions = tmp_path / "sessions"
    code, out, err = transcribe(capsys, str(make_input(tmp_path)), "--sessions-dir", str(sessions), *FAST, *extra)
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("notulist: error:") and message in lines[0], err
    assert not sessions.exists() or list(sessions.iterdir()) == []


def test_broken_model_dir(tmp_path, capsys):
    broken = tmp_path / "model"
    broken.mkdir()
    (broken / "config.json").write_text("{}")
    (broken / "tokenizer.json").write_text("{}")
    (broken / "model.bin").write_bytes(b"\x00" * 1000)
    sessions = tmp_path / "sessions"
    code, _, err = transcribe(
        capsys, str(DATA / "interview_25s.flac"), "--sessions-dir", str(sessions), "--model", str(broken), *FAST
    )
    assert code != 0 and "cannot load the Whisper model" in err and len(err.strip().splitlines()) == 1
    assert list(sessions.iterdir()) == []


def test_unwritable_sessions_dir(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    code, _, err = transcribe(capsys, str(DATA / "interview_25s.flac"), "--sessions-dir", str(blocker / "s"), *FAST)
    assert code != 0 and "cannot write" in err and len(err.strip().splitlines()) == 1


def test_bundled_sample_gives_a_correct_dutch_transcript(tmp_path, capsys):
    sample = SAMPLES / "interview_fiod.flac"
    code, out, err = transcribe(capsys, str(sample), "--sessions-dir", str(tmp_path), "--no-summary")
    assert code == 0, err
    session = Path(out.strip().splitlines()[-1])
    text = (session / "transcript.txt").read_text()
    reference = (SAMPLES / "interview_fiod.ref.txt").read_text()
    words = " ".join(s["text"] for s in json.loads((session / "transcript.json").read_text())["segments"])
    assert wer(reference, words) < 0.30, text
    assert main(["verify", str(session)]) == 0


def test_user_glossary_and_keywords_are_recorded(tmp_path, capsys):
    code, out, err = transcribe(
        capsys,
        str(DATA / "interview_25s.flac"),
        "--sessions-dir",
        str(tmp_path),
        "--glossary",
        str(SAMPLES / "eigen-afkortingen.yaml"),
        "--keyword",
        "FIOD",
        *FAST,
    )
    assert code == 0, err
    session = Path(out.strip().splitlines()[-1])
    manifest = json.loads((session / "manifest.json").read_text())
    assert manifest["options"]["glossary"] == [str(SAMPLES / "eigen-afkortingen.yaml")]
    assert manifest["options"]["decoding_hints"] == "FIOD"
    assert manifest["glossary"]["sha256"]
    links = json.loads((session / "transcript.json").read_text())["links"]
    assert any(link["entry_id"] == "fiod" for link in links), links
    assert main(["verify", str(session)]) == 0


def test_template_and_agenda_are_chosen_at_transcription(tmp_path, capsys):
    """--template is recorded like `notulist report --template`; a context document's agenda becomes the meeting's."""
    agenda = SAMPLES / "agenda-overleg-dpia.md"
    code, out, err = transcribe(
        capsys,
        str(DATA / "interview_25s.flac"),
        "--sessions-dir",
        str(tmp_path),
        "--no-summary",
        "--no-diarize",
        "--format",
        "html",
        "--template",
        "gespreksverslag",
        "--context",
        str(agenda),
    )
    assert code == 0, err
    session = Path(out.strip().splitlines()[-1])
    (event,) = [e for e in Session(session).events() if e.event == "meeting_info"]
    assert event.data["template"] == "gespreksverslag"
    assert event.data["agenda_source"] == agenda.name
    assert event.data["agenda"][:2] == ["Opening en vaststellen agenda", "DPIA transcriptietool"]
    assert len(event.data["agenda"]) == 7  # the top-level items; sub-items stay with their item
    assert '<p class="kind-title">Gespreksverslag' in (session / "report.html").read_text()
    assert main(["report", str(session), "--template", "verslag", "--format", "html"]) == 0
    html = (session / "report.html").read_text()
    assert '<section id="agenda">' in html and "Planning pilot directie MKB (start januari)" in html
    assert main(["verify", str(session)]) == 0


def test_a_language_model_is_told_the_agenda_of_the_context_document(tmp_path, capsys):
    answer = {"points": [{"kind": "topic", "text": "Opening", "segment_ids": ["s0001"]}]}
    with ScriptedServer([json.dumps(answer)] * 10) as server:
        code, _, err = transcribe(
            capsys,
            str(DATA / "interview_25s.flac"),
            *("--sessions-dir", str(tmp_path), "--no-diarize", "--format", "html"),
            *("--llm-url", server.url, "--llm-model", "m", "--context", str(SAMPLES / "agenda-overleg-dpia.md")),
        )
    asked = server.requests
    assert code == 0, err
    system = asked[0]["messages"][0]["content"]
    assert "1. Opening en vaststellen agenda\n2. DPIA transcriptietool" in system  # the verslag prompt lists it
