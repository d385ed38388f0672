"""``notulist report SESSION``: re-render a real committed session's reports and check its audit trail."""

from __future__ import annotations

import argparse
import io
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import DATA
from docx import Document

import notulist.cli.main
from notulist.archive.session import SPEAKERS_NAMED, NewSession, Session, sha256_file
from notulist.cli.cmd_report import parse_formats


def _session(tmp_path: Path) -> Session:
    manifest = json.loads((DATA / "report_manifest.json").read_text(encoding="utf-8"))
    for key in ("name", "created"):
        manifest.pop(key)
    created = datetime(2026, 10, 14, 10, 0, tzinfo=UTC)
    with NewSession(tmp_path / "sessions", "interview_fiod.wav", created) as new:
        shutil.copy(DATA / "report_clip.flac", new.file("audio.flac"))
        assert sha256_file(new.file("audio.flac")) == manifest["audio"]["sha256"]
        new.log("session_created", {"audio_sha256": manifest["audio"]["sha256"]})
        new.write_bytes("transcript.json", (DATA / "report_transcript.json").read_bytes())
        new.write_bytes("summary.json", (DATA / "report_summary.json").read_bytes())
        new.write_bytes("glossary.json", (DATA / "report_glossary.json").read_bytes())
        return new.commit(manifest)


@pytest.fixture(autouse=True)
def only_the_report_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run ``notulist`` with just this sub-command, so the test does not depend on the others' imports."""
    monkeypatch.setattr(notulist.cli.main, "COMMANDS", ("notulist.cli.cmd_report",))


def main(argv: list[str]) -> int:
    return notulist.cli.main.main(argv)


def test_parse_formats() -> None:
    assert parse_formats("html,docx") == ("html", "docx")
    assert parse_formats(" DOCX , html,docx") == ("docx", "html")
    with pytest.raises(argparse.ArgumentTypeError, match="unknown report format 'pdf'"):
        parse_formats("html,pdf")
    with pytest.raises(argparse.ArgumentTypeError):
        parse_formats(" , ")
    assert parse_formats("none") == ()  # as `notulist transcribe --format none`


def test_report_format_none_refreshes_only_the_exports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = _session(tmp_path)
    assert main(["report", str(session.path), "--format", "none"]) == 0
    assert capsys.readouterr().out.split() == [str(session.path)]
    assert (session.path / "transcript.txt").is_file() and not (session.path / "report.html").exists()
    assert session.events()[-1].data["formats"] == []
    assert session.problems() == []


def test_report_command_rerenders_and_logs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = _session(tmp_path)
    assert not (session.path / "report.html").exists()

    assert main(["report", str(session.path), "--format", "html", "--audio", "link"]) == 0
    assert capsys.readouterr().out.split() == [str(session.path / "report.html")]
    html = (session.path / "report.html").read_text(encoding="utf-8")
    assert 'src="audio.flac"' in html and "base64" not in html
    assert "Pieter de Vries" in html and ">SPEAKER_01<" in html
    assert not (session.path / "report.docx").exists()
    event = session.events()[-1]
    assert event.event == "report_rendered"
    assert event.data["formats"] == ["html"] and event.data["audio_mode"] == "link"
    assert "report.html" in event.data["files"]
    assert session.problems() == []

    # name the second speaker, render both formats again: the reports show the name
    session.record(SPEAKERS_NAMED, {"names": {"SPEAKER_01": "Sandra Jansen"}})
    assert main(["report", str(session.path)]) == 0
    html = (session.path / "report.html").read_text(encoding="utf-8")
    assert "data:audio/flac;base64," in html  # auto: a short recording is embedded
    assert ">Sandra Jansen<" in html and ">SPEAKER_01<" not in html
    document = Document(io.BytesIO((session.path / "report.docx").read_bytes()))
    assert any(p.text.startswith("[00:10] Sandra Jansen: Goedemorgen.") for p in document.paragraphs)
    assert session.events()[-1].data["formats"] == ["html", "docx"]
    assert session.problems() == []


def test_report_command_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(tmp_path)]) == 2
    assert "is not a notulist session" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["report", str(tmp_path), "--format", "pdf"])
    assert exc.value.code == 2
    assert "unknown report format 'pdf'" in capsys.readouterr().err
