"""Attaching the agenda on the upload page of ``notulist serve``: a real server on 127.0.0.1, real Chromium, the real
pipeline (Whisper base, second pass). The agenda is used exactly as ``--context``: archived in the session (hashed,
in the manifest), its abbreviations as hints, its unknown abbreviations in glossary.json and the report. A document
that cannot be read is refused with a Dutch message before anything is uploaded or started; the upload guard
(CSRF token, Origin) applies to the new endpoint as to the others.

The clip and agenda are those of tests/recognition/test_second_pass.py (IAMA is said as a word; base writes it
"Lama" unless told).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA
from serve_support import Server, start_server
from test_report_browser import browser  # noqa: F401 - the module-scoped Chromium fixture

from notulist.archive.session import Session

pytestmark = [pytest.mark.slow, pytest.mark.browser]
NOTE = "Notitie bij het overleg: toets aan het basisbeveiligingsniveau (BBN).\n"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Server]:
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    server = start_server(sessions, "--no-diarize", "--no-summary", "--format", "html", "--threads", "2")
    yield server
    server.stop()


def _sessions(server: Server) -> list[str]:
    return sorted(p.name for p in server.sessions_dir.iterdir() if not p.name.startswith("."))


def test_bad_context_is_refused_before_anything_starts(served: Server) -> None:
    headers = {"Origin": served.origin, "X-CSRF-Token": served.csrf()}
    status, _, body = served.request("POST", "/api/context?name=agenda.xlsx", b"PK\x03\x04", headers)
    assert status == 400 and "onbekend type (.xlsx)" in json.loads(body)["error"]
    status, _, body = served.request("POST", "/api/context?name=agenda.docx", b"geen word", headers)
    assert status == 400 and json.loads(body)["error"].startswith("Contextdocument agenda.docx is geen geldig Word")
    # without the CSRF token, or from another origin, the guard refuses it
    status, _, _ = served.request("POST", "/api/context?name=a.md", b"DPIA", {"Origin": served.origin})
    assert status == 403
    bad_origin = {"Origin": "http://evil.example", "X-CSRF-Token": headers["X-CSRF-Token"]}
    assert served.request("POST", "/api/context?name=a.md", b"DPIA", bad_origin)[0] == 403
    # an id that was never given: refused before the recording is read
    status, _, body = served.request("POST", "/api/upload?name=x.flac&context=0123abcd", b"fLaC", headers)
    assert status == 400 and "voeg de stukken opnieuw toe" in json.loads(body)["error"]
    assert _sessions(served) == [] and not any((served.sessions_dir / ".uploads").glob("*/*"))


def test_upload_with_agenda_in_the_browser(browser: Any, served: Server, tmp_path: Path) -> None:  # noqa: F811
    outside: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.on("request", lambda r: None if r.url.startswith(served.base + "/") else outside.append(r.url))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{served.base}/?token={served.token}")

    # a scan without text is refused with a Dutch message and nothing is uploaded or started
    blank = tmp_path / "scan.pdf"
    blank.write_bytes(_blank_pdf())
    page.get_by_label("Opname:").set_input_files(str(DATA / "context_kis_clip.flac"))
    page.get_by_label("Agenda of stukken bijvoegen").set_input_files([str(blank)])
    page.get_by_role("button", name="Uploaden en transcriberen").click()
    page.wait_for_function("() => document.getElementById('upload-status').textContent.includes('leesbare tekst')")
    assert page.locator("#upload-status").inner_text().startswith("Contextdocument scan.pdf bevat geen leesbare tekst")
    assert _sessions(served) == []

    # the agenda and a note: the session is transcribed with them as context
    note = tmp_path / "notitie.txt"
    note.write_text(NOTE, encoding="utf-8")
    page.get_by_label("Agenda of stukken bijvoegen").set_input_files([str(DATA / "context_kis_agenda.md"), str(note)])
    page.get_by_role("button", name="Uploaden en transcriberen").click()
    done = page.get_by_role("link", name="Klaar: open")
    done.wait_for(timeout=240_000)
    assert errors == [] and outside == []

    (name,) = _sessions(served)
    session = Session(served.sessions_dir / name)
    assert session.problems() == []
    manifest = session.manifest
    assert [c["file"] for c in manifest["context"]] == ["context/context_kis_agenda.md", "context/notitie.txt"]
    assert (session.path / "context" / "notitie.txt").read_text(encoding="utf-8") == NOTE
    assert manifest["files"]["context/context_kis_agenda.md"] == manifest["context"][0]["sha256"]
    assert manifest["options"]["decoding_hints"].startswith("KI&S, DF&A, MJP, IAMA")
    glossary = json.loads((session.path / "glossary.json").read_text(encoding="utf-8"))
    assert [u["abbreviation"] for u in glossary["context"]["unknown_abbreviations"]] == ["BBN"]
    events = [json.loads(line) for line in (session.path / "audit.jsonl").read_text().splitlines()]
    archived = next(e["data"] for e in events if e["event"] == "context_archived")
    assert [d["file"] for d in archived["documents"]] == ["context/context_kis_agenda.md", "context/notitie.txt"]
    transcript = json.loads((session.path / "transcript.json").read_text(encoding="utf-8"))
    linked = {glossary["entries"][link["entry_id"]]["abbreviation"] for link in transcript["links"]}
    assert "IAMA" in linked  # heard with the agenda's help
    assert "Onbekende afkortingen (1)" in (session.path / "report.html").read_text(encoding="utf-8")
    assert not any((served.sessions_dir / ".uploads").glob("*/*"))  # the upload is gone once archived
    context.close()


def _blank_pdf() -> bytes:
    """A one-page PDF without a text layer (as a scan would be)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
