"""``notulist serve`` used as a person would: a real server on 127.0.0.1 and a real headless Chromium.

Open the session from the list, play from a line, correct a line with the keyboard, name a speaker, check a
flagged line, accept and edit summary points, undo, export DOCX (python-docx and LibreOffice read the corrected
text and the names), and a second tab's stale save is refused. No request leaves the app, no script from the
data runs, and ``notulist verify`` passes afterwards.
"""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from serve_support import REPO, Server, start_server
from test_corrections import make_session
from test_report_browser import RECORD_SEEKS, browser  # noqa: F401 - the module-scoped Chromium fixture
from test_report_docx import _soffice

from notulist.archive.corrections import session_view
from notulist.archive.session import Session

pytestmark = [pytest.mark.slow, pytest.mark.browser]
CORRECTED = "Goedemorgen. Ik ben Sandra Jansen, eigenaar van een groothandel in Utrecht."


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Server, Session]]:
    session = make_session(tmp_path / "sessions")
    server = start_server(tmp_path / "sessions")
    yield server, session
    server.stop()


class Tab:
    """A browser tab on the app that fails the test on any request elsewhere, dialog or script error."""

    def __init__(self, context: Any, server: Server) -> None:
        self.server = server
        self.page = context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.add_init_script(RECORD_SEEKS)

    def line_text(self, line_id: str) -> str:
        return self.page.locator(f"#{line_id} .text").inner_text()

    def wait_saved(self, version: int) -> None:
        self.page.wait_for_function("(v) => Number(document.getElementById('version').textContent) >= v", arg=version)


def _context(chromium: Any, server: Server, outside: list[str]) -> Any:
    """A browser context that notes every request not to the app (routing would break downloads)."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.on("request", lambda r: None if r.url.startswith(server.base + "/") else outside.append(r.url))
    return context


def _verify(session: Session) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "notulist.cli.main", "verify", str(session.path)],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_review_correct_name_approve_export(browser: Any, served: tuple[Server, Session], tmp_path: Path) -> None:  # noqa: F811
    server, session = served
    outside: list[str] = []
    context = _context(browser, server, outside)
    tab = Tab(context, server)
    page = tab.page
    page.goto(f"{server.base}/?token={server.token}")
    assert page.url == f"{server.base}/"
    page.get_by_role("link", name="interview_fiod.wav").click()
    page.wait_for_selector("#lines .line")
    version = int(page.locator("#version").inner_text())

    # play from a line: the audio seeks there and the line is highlighted
    page.locator("#s0004 .time").click()
    page.wait_for_function("() => window.__seeks.length > 0 && Math.abs(window.__seeks.at(-1) - 17.37) < 0.3")
    page.wait_for_function("() => document.querySelector('.line.playing')?.id === 's0004'")
    page.keyboard.press("k")  # pause

    # correct a line with the keyboard alone: focus, e, type, Enter
    page.locator("#s0002").focus()
    page.keyboard.press("e")
    page.locator("#s0002 textarea").fill(CORRECTED)
    page.keyboard.press("Enter")
    tab.wait_saved(version + 1)
    assert tab.line_text("s0002") == CORRECTED
    assert (
        "Goedemorgen. Ik ben Sandra Jansen, eigenaar van een groothandel in elektronica"
        in page.locator("#s0002 .orig").inner_text()
    )

    # the next flagged line (n), marked heard-and-correct (c)
    page.keyboard.press("n")
    page.wait_for_function("() => document.activeElement?.id === 's0003'")
    page.keyboard.press("c")
    tab.wait_saved(version + 2)
    assert "gehoord en juist" in page.locator("#s0003 .check-state").inner_text()

    # name the second speaker with a role
    page.get_by_label("Naam SPEAKER_01").fill("Sandra Jansen")
    page.get_by_label("Rol SPEAKER_01").fill("geïnterviewde")
    with page.expect_navigation():
        page.locator("#names-form button[type=submit]").click()
    assert page.locator("#s0002 .who").inner_text() == "Sandra Jansen"

    # the summary: accept the first point, edit the second
    with page.expect_navigation():
        page.locator('[data-point="p1"] [data-pact="point_accept"]').click()
    assert "accepted" in (page.locator('[data-point="p1"]').get_attribute("class") or "")
    page.locator('[data-point="p2"] [data-pact="point_edit"]').click()
    page.locator('[data-point="p2"] textarea').fill("De btw-aangifte wordt besproken; KvK-inschrijving sinds 2019.")
    with page.expect_navigation():
        page.locator('[data-point="p2"] button[type=submit]').click()
    assert page.locator('[data-point="p2"] .ptext').inner_text().startswith("De btw-aangifte wordt besproken;")

    # abbreviations explain themselves
    page.locator("#s0001 .abbr").first.click()
    assert "Fiscale Inlichtingen- en Opsporingsdienst" in page.locator("#popover").inner_text()
    page.keyboard.press("Escape")

    # export DOCX: the corrected text and the names are in it
    page.locator('[data-export="docx"]').click()  # right after a line had the focus: nothing may shift under it
    page.wait_for_selector("#download-docx:not([hidden])", timeout=60_000)
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")  # the link has the focus
    docx_path = tmp_path / "export.docx"
    download_info.value.save_as(docx_path)
    text = "\n".join(p.text for p in Document(io.BytesIO(docx_path.read_bytes())).paragraphs)
    assert CORRECTED in text and "Sandra Jansen" in text and "SPEAKER_01" not in text
    soffice = _soffice()
    subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless", "--norestore"]
        + ["--convert-to", "pdf", "--outdir", str(tmp_path), str(docx_path)],
        capture_output=True,
        timeout=180,
        check=True,
    )
    from pypdf import PdfReader

    pdf_text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(tmp_path / "export.pdf").pages)
    assert "groothandel in Utrecht" in pdf_text and "Sandra Jansen" in pdf_text

    page.wait_for_selector("#verify.ok")  # the page checks the session after every export
    assert "in orde" in page.locator("#verify").inner_text()
    view = session_view(session)
    assert view.transcript.segment("s0002").text == CORRECTED
    assert view.roles == {"SPEAKER_01": "geïnterviewde"} and view.points[0].accepted
    assert all(e.data.get("operator") == "toetser" for e in session.events()[-6:])
    assert tab.errors == [] and tab.dialogs == [] and outside == []
    context.close()
    _verify(session)


def test_undo_english_and_a_stale_tab(browser: Any, served: tuple[Server, Session]) -> None:  # noqa: F811
    server, session = served
    outside: list[str] = []
    context = _context(browser, server, outside)
    first, second = Tab(context, server), Tab(context, server)
    first.page.goto(f"{server.base}/s/{session.path.name}?token={server.token}")
    second.page.goto(f"{server.base}/s/{session.path.name}")
    version = int(first.page.locator("#version").inner_text())

    first.page.locator("#s0005").focus()
    first.page.keyboard.press("e")
    first.page.locator("#s0005 textarea").fill("Ja, dat begrijp ik.")
    first.page.keyboard.press("Enter")
    first.wait_saved(version + 1)

    # the second tab still shows the old version: its save is refused and it says to reload
    second.page.locator("#s0006").focus()
    second.page.keyboard.press("e")
    second.page.locator("#s0006 textarea").fill("Iets anders.")
    second.page.keyboard.press("Enter")
    second.page.wait_for_selector("#toast.error")
    assert "herlaad de pagina" in second.page.locator("#toast").inner_text()
    assert len(session.events()) == version + 1

    # undo (u) takes the correction back
    first.page.locator("#s0005").focus()
    with first.page.expect_navigation():
        first.page.keyboard.press("u")
    assert first.line_text("s0005") == "Ja, dat begrijp ik. Mijn adviseur heeft het mij uitgelegd."
    assert session.events()[-1].event == "undone"

    # English on request
    first.page.get_by_role("link", name="English").click()
    assert first.page.locator("#transcript-h").inner_text() == "Transcript"
    assert first.page.locator("#summary-h").inner_text() == "Summary"
    assert first.errors == [] and second.errors == [] and outside == []
    context.close()
    _verify(session)
