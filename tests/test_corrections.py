"""Corrections as audit events over the untouched machine transcript and summary (notulist.archive.corrections)."""

from __future__ import annotations

import io
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from docx import Document
from test_report_data import DATA

from notulist.archive import corrections as c
from notulist.archive.session import NewSession, Session, sha256_file
from notulist.reports.session_files import rerender


def make_session(sessions_dir: Path, source_name: str = "interview_fiod.wav") -> Session:
    """A committed session from the report fixtures (a real 38 s recording, its transcript, summary, glossary)."""
    manifest = json.loads((DATA / "report_manifest.json").read_text(encoding="utf-8"))
    for key in ("name", "created"):
        manifest.pop(key)
    with NewSession(sessions_dir, source_name, datetime(2026, 10, 14, 10, 0, tzinfo=UTC)) as new:
        shutil.copy(DATA / "report_clip.flac", new.file("audio.flac"))
        assert sha256_file(new.file("audio.flac")) == manifest["audio"]["sha256"]
        new.log("session_created", {"audio_sha256": manifest["audio"]["sha256"]})
        for name in ("transcript", "summary", "glossary"):
            new.write_bytes(f"{name}.json", (DATA / f"report_{name}.json").read_bytes())
        return new.commit(manifest)


@pytest.fixture
def session(tmp_path: Path) -> Session:
    return make_session(tmp_path / "sessions")


def test_no_events_is_the_machine_output(session: Session) -> None:
    view = c.session_view(session)
    machine = session.machine_transcript()
    assert [s.text for s in view.transcript.segments] == [s.text for s in machine.segments]
    assert view.originals == {} and view.checked == {} and view.version == len(session.events())
    assert [p.id for p in view.points] == ["p1", "p2", "p3"]
    assert view.summary is not None and view.summary.points[0].text.startswith("Rechercheur Pieter")


def test_line_corrected_reassigned_named_and_checked(session: Session) -> None:
    machine = session.machine_transcript()
    line = machine.segments[1]
    session.record(c.LINE_CORRECTED, {"segment_id": line.id, "old": line.text, "new": "Goedemorgen, meneer."})
    session.record(c.LINE_REASSIGNED, {"segment_id": line.id, "old": line.speaker, "new": "SPEAKER_00"})
    session.record(c.SPEAKERS_NAMED, {"names": {"SPEAKER_01": "Sandra Jansen"}, "roles": {"SPEAKER_01": "verdachte"}})
    flagged = next(s for s in machine.segments if s.flags)
    session.record(c.FLAG_CHECKED, {"segment_id": flagged.id, "verdict": "gehoord en juist"})

    view = c.session_view(session)
    corrected = view.transcript.segment(line.id)
    assert corrected.text == "Goedemorgen, meneer." and corrected.words == () and corrected.speaker == "SPEAKER_00"
    assert view.originals == {line.id: line.text}
    assert view.reassigned == {line.id: line.speaker}
    assert view.transcript.speakers["SPEAKER_01"] == "Sandra Jansen" and view.roles == {"SPEAKER_01": "verdachte"}
    assert view.transcript.segment(flagged.id).flags == () and view.checked == {flagged.id: "gehoord en juist"}
    # the owner of a point follows the speaker's name; the machine files are untouched
    assert session.machine_transcript() == machine
    assert session.problems() == []
    assert view.version == len(session.events())


def test_find_replace_is_one_event_and_one_undo(session: Session) -> None:
    view = c.session_view(session)
    changes = c.find_replace(view.transcript, "fiod", "FIOD-ECD", ignore_case=True)
    assert changes and all("FIOD-ECD" in ch["new"] for ch in changes)
    session.record(c.LINES_REPLACED, {"find": "fiod", "replace": "FIOD-ECD", "changes": changes})
    after = c.session_view(session)
    assert all("FIOD-ECD" in after.transcript.segment(ch["segment_id"]).text for ch in changes)
    # the corrected lines lose their abbreviation links (the offsets no longer match the text)
    assert not any(link.segment_id in after.originals for link in after.transcript.links)

    undo = c.last_undoable(session.events())
    assert undo is not None and undo.event == c.LINES_REPLACED
    session.record(c.UNDONE, {"seq": undo.seq})
    back = c.session_view(session)
    assert [s.text for s in back.transcript.segments] == [s.text for s in view.transcript.segments]
    assert undo.seq in back.undone
    # nothing else to undo; undoing the undo is a redo
    assert c.last_undoable(session.events()) is None
    session.record(c.UNDONE, {"seq": session.events()[-1].seq})
    assert c.session_view(session).originals == after.originals
    with pytest.raises(ValueError):
        c.find_replace(view.transcript, "", "x")


def test_summary_points_accept_edit_delete_add(session: Session) -> None:
    session.record(c.SPEAKERS_NAMED, {"names": {"SPEAKER_01": "Mevrouw Jansen"}})
    view = c.session_view(session)
    first = view.points[0]
    session.record(c.POINT_ACCEPTED, {"point": "p1"})
    new = {**c.point_to_dict(first.point), "text": "De FIOD verhoort mevrouw Jansen."}
    session.record(c.POINT_EDITED, {"point": "p1", "old": c.point_to_dict(first.point), "new": new})
    session.record(c.POINT_DELETED, {"point": "p2", "old": c.point_to_dict(view.points[1].point)})
    added = {"kind": "action", "text": "Stukken opvragen", "segment_ids": ["s0006"], "owner": "SPEAKER_01"}
    session.record(c.POINT_ADDED, {"point": "a0", "new": added})
    seq = session.events()[-1].seq
    session.record(c.POINT_ADDED, {"point": f"a{seq}", "new": {"kind": "nonsense", "text": ""}})  # ignored

    after = c.session_view(session)
    assert [p.id for p in after.points] == ["p1", "p3", "a0"]
    assert after.points[0].accepted and after.points[0].edited
    assert after.points[0].point.text == "De FIOD verhoort mevrouw Jansen."
    assert after.points[2].added and after.points[2].point.owner == "Mevrouw Jansen"
    assert after.summary is not None and len(after.summary.points) == 3

    # a new summary.json starts the summary over
    session.update({"summary.json": (DATA / "report_summary.json").read_bytes()}, "summary_written", {})
    assert [p.id for p in c.session_view(session).points] == ["p1", "p2", "p3"]
    assert session.problems() == []


def test_point_from_dict_refuses_bad_points() -> None:
    with pytest.raises(ValueError):
        c.point_from_dict({"kind": "topic", "text": "  "})
    with pytest.raises(ValueError):
        c.point_from_dict({"kind": "topic", "text": "x", "segment_ids": "s0001"})
    point = c.point_from_dict({"kind": "decision", "text": " Besluit ", "owner": " "})
    assert point.text == "Besluit" and point.owner is None


def test_rerendered_reports_show_the_corrected_view(session: Session) -> None:
    machine = session.machine_transcript()
    line = machine.segments[3]
    session.record(c.LINE_CORRECTED, {"segment_id": line.id, "old": line.text, "new": "Dit is de verbeterde regel."})
    session.record(c.SPEAKERS_NAMED, {"names": {"SPEAKER_01": "Sandra Jansen"}})
    rerender(session, "report_rendered", {"formats": ["html", "docx"]}, formats=["html", "docx"])
    html = (session.path / "report.html").read_text(encoding="utf-8")
    assert "Dit is de verbeterde regel." in html and line.text not in html
    text = "\n".join(p.text for p in Document(io.BytesIO((session.path / "report.docx").read_bytes())).paragraphs)
    assert "Dit is de verbeterde regel." in text and "Sandra Jansen" in text
    assert "Dit is de verbeterde regel." in (session.path / "transcript.txt").read_text(encoding="utf-8")
    assert session.problems() == []
