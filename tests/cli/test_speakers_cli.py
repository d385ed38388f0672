"""``notulist speakers SESSION``: list a real committed session's speakers, name them, reject bad names."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import DATA

import notulist.cli.main
from notulist.archive.session import SPEAKERS_NAMED, NewSession, Session, sha256_file
from notulist.cli.cmd_speakers import parse_names
from notulist.core.errors import NotulistError
from notulist.core.model import transcript_from_dict, transcript_to_dict
from notulist.diarization.diarize import Turn, assign_speakers, rttm_text, turns_from_transcript


def _session(tmp_path: Path, with_speakers: bool = True) -> Session:
    """A committed session of the 38 s report clip, its speakers relabelled S1/S2 as the diarizer leaves them."""
    manifest = json.loads((DATA / "report_manifest.json").read_text(encoding="utf-8"))
    for key in ("name", "created"):
        manifest.pop(key)
    original = transcript_from_dict(json.loads((DATA / "report_transcript.json").read_text(encoding="utf-8")))
    original = replace(original, speakers={})
    turns = turns_from_transcript(original)
    transcript = assign_speakers(original, turns if with_speakers else ())
    created = datetime(2026, 10, 14, 10, 0, tzinfo=UTC)
    with NewSession(tmp_path / "sessions", "interview_fiod.wav", created) as new:
        shutil.copy(DATA / "report_clip.flac", new.file("audio.flac"))
        new.log("session_created", {"audio_sha256": manifest["audio"]["sha256"]})
        new.write_json("transcript.json", transcript_to_dict(transcript))
        if with_speakers:
            segment_turns = [Turn(s.start, s.end, s.speaker) for s in transcript.segments]
            new.write_text("speakers.rttm", rttm_text(segment_turns, "interview_fiod"))
        return new.commit(manifest)


@pytest.fixture(autouse=True)
def only_the_speakers_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(notulist.cli.main, "COMMANDS", ("notulist.cli.cmd_speakers",))


def test_parse_names() -> None:
    known = ["S1", "S2"]
    assert parse_names(["S1=Interviewer", "S2= Geïnterviewde  B. "], known) == {
        "S1": "Interviewer",
        "S2": "Geïnterviewde B.",
    }
    assert parse_names(["S1=Mr. A=B"], known) == {"S1": "Mr. A=B"}
    for bad, message in (
        (["S3=Iemand"], "no speaker 'S3'"),
        (["S1="], "empty name"),
        (["S1=   "], "empty name"),
        (["Interviewer"], "not ID=NAME"),
        (["S1=A", "S1=B"], "two names"),
    ):
        with pytest.raises(NotulistError, match=message):
            parse_names(bad, known)


def test_list_speakers_with_talk_time(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = _session(tmp_path)
    assert notulist.cli.main.main(["speakers", str(session.path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["id", "name", "talk", "time"]
    # from speakers.rttm: S1 9.896 + 6.811 + 8.174 s, S2 5.933 + 1.040 + 4.229 s (the words alone add up to less)
    assert [line.split()[0] for line in lines[1:]] == ["S1", "S2"]
    s1, s2 = (line.split()[-1] for line in lines[1:])
    assert (s1, s2) == ("0:25", "0:11")
    (session.path / "speakers.rttm").unlink()  # without it, the words' own times
    assert notulist.cli.main.main(["speakers", str(session.path)]) == 0
    assert [line.split()[-1] for line in capsys.readouterr().out.splitlines()[1:]] == ["0:22", "0:10"]


def test_naming_speakers_is_audited_and_rerenders_the_outputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = _session(tmp_path)
    machine_sha = sha256_file(session.path / "transcript.json")
    code = notulist.cli.main.main(
        ["speakers", str(session.path), "--name", "S1=Interviewer", "--name", "S2=Geïnterviewde"]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "Interviewer" in out and "Geïnterviewde" in out

    named = [e for e in session.events() if e.event == SPEAKERS_NAMED]
    assert [e.data["names"] for e in named] == [{"S1": "Interviewer", "S2": "Geïnterviewde"}]
    assert session.events()[-1].data["reason"] == SPEAKERS_NAMED
    # the machine transcript keeps its labels; the outputs use the names
    assert sha256_file(session.path / "transcript.json") == machine_sha
    assert set(session.machine_transcript().speakers) == {"S1", "S2"}
    assert session.transcript().speakers == {"S1": "Interviewer", "S2": "Geïnterviewde"}
    text = (session.path / "transcript.txt").read_text(encoding="utf-8")
    assert "Interviewer" in text and "Geïnterviewde" in text
    assert "Geïnterviewde" in (session.path / "transcript.srt").read_text(encoding="utf-8")
    assert session.problems() == []

    # renaming one speaker later keeps the other name
    assert notulist.cli.main.main(["speakers", str(session.path), "--name", "S2=Mevrouw Jansen"]) == 0
    assert session.transcript().speakers == {"S1": "Interviewer", "S2": "Mevrouw Jansen"}
    assert "Mevrouw Jansen" in (session.path / "transcript.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["S9=Iemand", "S1=", "S1"])
def test_bad_names_are_refused_and_nothing_is_logged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    session = _session(tmp_path)
    before = (session.path / "audit.jsonl").read_bytes()
    assert notulist.cli.main.main(["speakers", str(session.path), "--name", name]) == 2
    err = capsys.readouterr().err
    assert err.startswith("notulist: error: --name") and len(err.strip().splitlines()) == 1
    assert (session.path / "audit.jsonl").read_bytes() == before


def test_session_without_speakers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = _session(tmp_path, with_speakers=False)
    assert notulist.cli.main.main(["speakers", str(session.path)]) == 0
    assert "no speakers" in capsys.readouterr().out
    assert notulist.cli.main.main(["speakers", str(session.path), "--name", "S1=Iemand"]) == 2
    assert "no speaker 'S1'" in capsys.readouterr().err


def test_not_a_session(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert notulist.cli.main.main(["speakers", str(tmp_path)]) == 2
    assert "is not a notulist session" in capsys.readouterr().err
