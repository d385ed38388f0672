"""Recording in the browser ("Nieuwe opname") in a real headless Chromium with a WAV file as the microphone.

Chromium's fake capture device plays ``tests/data/live_fiod_10s.wav`` (looped) to ``getUserMedia``; a real
``notulist serve`` on 127.0.0.1 runs the live worker with the bundled Whisper model. The socket drop goes through
Playwright's WebSocket routing (the page's socket and the server's socket are both closed, then the page reconnects
by itself); the crash is a SIGKILL of the server process.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from serve_support import Server, start_server

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[2]
CLIP = ROOT / "tests" / "data" / "live_fiod_10s.wav"
CHROMIUM = shutil.which(os.environ.get("NOTULIST_CHROMIUM", "chromium"))
BASE_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--autoplay-policy=no-user-gesture-required",
]
FAST = ("--no-diarize", "--no-summary", "--format", "none")
SLOW_MS = 420_000  # recognition on a busy 2-core machine can be far slower than real time
START_MS = 120_000  # the start call (documents read, folder made) on a busy machine


def _missing(reason: str) -> None:
    if os.environ.get("NOTULIST_REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def playwright() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed: pip install playwright")
    if CHROMIUM is None:
        _missing("chromium not found: apt-get install -y chromium")
    with sync_playwright() as instance:
        yield instance


def launch(playwright: Any, allow_microphone: bool = True, microphone: Path = CLIP) -> Any:
    extra = ["--use-fake-ui-for-media-stream"] if allow_microphone else []
    fake = ["--use-fake-device-for-media-stream", f"--use-file-for-fake-audio-capture={microphone}"]
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[*BASE_ARGS, *fake, *extra])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    running = start_server(sessions, *FAST)
    yield running
    running.stop()


class LivePage:
    """The "Nieuwe opname" page in one tab; page errors fail the test."""

    def __init__(self, browser: Any, server: Server, path: str = "/live") -> None:
        self.context = browser.new_context(viewport={"width": 1100, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.goto(f"{server.base}{path}{'&' if '?' in path else '?'}token={server.token}")

    def start(self, title: str) -> float:
        self.page.wait_for_selector("#mic option", state="attached", timeout=20_000)
        self.page.fill("#title", title)
        self.page.click("#add-participant")
        self.page.fill("#participants li input", "mevrouw Jansen")
        clicked = time.monotonic()  # capture starts on the click, before the server has answered
        self.page.click("#record")
        self.page.wait_for_selector("#recording:not([hidden])", timeout=START_MS)
        return clicked

    def timer(self) -> str:
        return self.page.text_content("#timer") or ""

    def seconds(self) -> int:
        minutes, seconds = self.timer().split(":")[-2:]
        return int(minutes) * 60 + int(seconds)

    def wait_timer(self, seconds: int) -> None:
        until(lambda: self.seconds() >= seconds, 60)

    def stop_and_review(self) -> str:
        self.page.click("#stop")
        self.page.wait_for_url("**/s/**", timeout=SLOW_MS)
        return self.page.url.rsplit("/s/", 1)[1]


def until(condition: Any, timeout_s: float) -> None:
    """Poll ``condition`` (the page's CSP forbids the string evaluation wait_for_function needs)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def events(session: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (session / "audit.jsonl").read_text(encoding="utf-8").splitlines()]


def audio_seconds(session: Path) -> float:
    import soundfile

    info = soundfile.info(str(session / "audio.flac"))
    return info.frames / info.samplerate


def test_record_see_lines_appear_and_stop_to_the_review_page(playwright: Any, server: Server) -> None:
    """End to end. (Clicking an abbreviation live is checked on the recorder's line messages in
    test_live_recorder.py: the bundled model hears "FIOD" in this clip as "fiets" while live.)"""
    browser = launch(playwright)
    live = LivePage(browser, server)
    live.start("Gesprek FIOD")
    # lines come as they are committed; "gesprek" is in the clip's third sentence (:has-text ignores case)
    live.page.wait_for_selector("#live-lines li[data-id]:has-text('gesprek')", timeout=SLOW_MS)
    assert live.page.locator("#lag").inner_text().startswith("achterstand")
    assert live.page.locator("#rec-dot").is_visible()
    sid = live.stop_and_review()
    assert live.errors == []
    session = server.sessions_dir / sid
    info = next(e for e in events(session) if e["event"] == "meeting_info")
    assert info["data"]["title"] == "Gesprek FIOD"
    assert info["data"]["participants"] == [{"name": "mevrouw Jansen", "role": ""}]
    assert "live_recording" in [e["event"] for e in events(session)]
    assert not list(server.sessions_dir.glob("*.live"))
    browser.close()


def test_pause_is_a_gap_and_its_audio_is_not_captured(playwright: Any, server: Server) -> None:
    browser = launch(playwright)
    live = LivePage(browser, server)
    started = live.start("Met pauze")
    live.wait_timer(2)
    live.page.click("#pause")
    paused_at = time.monotonic()
    live.page.wait_for_selector("#live-lines li.gap")
    live.page.wait_for_timeout(4000)
    live.page.click("#pause")  # now "Hervatten"
    paused_s = time.monotonic() - paused_at
    live.page.wait_for_timeout(2000)
    stopped = time.monotonic()
    assert "gepauzeerd" in live.page.inner_text("#live-lines")
    sid = live.stop_and_review()
    assert live.errors == []
    session = server.sessions_dir / sid
    found = events(session)
    paused = next(e for e in found if e["event"] == "recording_paused")
    resumed = next(e for e in found if e["event"] == "recording_resumed")
    assert resumed["data"]["paused_s"] >= 3.5
    assert paused["data"]["at_s"] == resumed["data"]["at_s"] >= 1.5
    # the session's audio is the recording time without the pause (within the socket's last frames)
    expected = stopped - started - paused_s
    assert abs(audio_seconds(session) - expected) < 1.5, (audio_seconds(session), expected)
    browser.close()


def test_socket_drop_is_resent_without_loss(playwright: Any, server: Server) -> None:
    browser = launch(playwright)
    live = LivePage(browser, server)
    sockets: list[Any] = []
    cut = {"on": False}

    def route(ws: Any) -> None:
        if cut["on"]:
            ws.close()
            return
        sockets.append((ws, ws.connect_to_server()))

    live.page.route_web_socket("**/socket", route)
    started = live.start("Verbinding weg")
    live.wait_timer(3)
    cut["on"] = True
    for page_side, server_side in sockets:
        server_side.close()
        page_side.close()
    live.page.wait_for_selector("#conn.bad", timeout=10_000)
    live.page.wait_for_timeout(4000)  # audio captured meanwhile stays in the page
    assert "bewaard in deze pagina" in live.page.text_content("#conn")
    cut["on"] = False
    until(lambda: "bad" not in (live.page.get_attribute("#conn", "class") or ""), 20)
    live.page.wait_for_timeout(1000)
    stopping = time.monotonic()
    sid = live.stop_and_review()
    reviewed = time.monotonic()
    # nothing lost: the session holds the whole time from record to stop, the dropped stretch included. (The page
    # captures until it has handled the stop click, seconds later on a busy machine, so the upper bound is the
    # time until the review page: more audio than wall time would be a resent stretch stored twice.)
    assert stopping - started - 1.5 < audio_seconds(server.sessions_dir / sid) < reviewed - started
    assert live.errors == []
    browser.close()


def test_server_killed_mid_recording_is_recovered(playwright: Any, server: Server) -> None:
    browser = launch(playwright)
    live = LivePage(browser, server)
    live.start("Crash")
    live.wait_timer(5)
    folder = next(server.sessions_dir.glob("*.live"))
    server.process.send_signal(signal.SIGKILL)
    killed = time.monotonic()
    server.process.wait()
    live.page.wait_for_selector("#message:not([hidden])", timeout=30_000)
    assert "notulist serve reageert niet meer" in live.page.text_content("#message")
    raw_s = (folder / "audio.s16le").stat().st_size / 32_000
    assert raw_s >= 4.0
    browser.close()
    # the next `notulist serve` offers the interrupted recording and makes a session of it
    again = start_server(server.sessions_dir, *FAST)
    try:
        browser = launch(playwright)
        page = LivePage(browser, again)
        page.page.click(f'button.recover[data-folder="{folder.name}"]')
        page.page.wait_for_url("**/s/**", timeout=SLOW_MS)
        sid = page.page.url.rsplit("/s/", 1)[1]
        session = again.sessions_dir / sid
        assert abs(audio_seconds(session) - raw_s) < 0.01
        assert "live_recording_recovered" in [e["event"] for e in events(session)]
        assert not folder.exists()
        assert time.monotonic() > killed
        browser.close()
    finally:
        again.stop()


def test_microphone_permission_denied_is_said_in_dutch(playwright: Any, server: Server) -> None:
    browser = launch(playwright, allow_microphone=False)
    live = LivePage(browser, server)
    live.page.wait_for_selector("#message:not([hidden])", timeout=20_000)
    assert "Geen toestemming voor de microfoon" in live.page.text_content("#message")
    live.page.click("#record")
    live.page.wait_for_timeout(500)
    assert live.page.is_hidden("#recording")  # nothing started
    assert not list(server.sessions_dir.glob("*.live"))
    browser.close()


def test_socket_refuses_another_origin_and_no_token(server: Server) -> None:
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    url = f"ws://127.0.0.1:{server.port}/api/live/0000/socket"
    cookie = f"notulist_token={server.token}"
    for headers, origin in (
        ({"Cookie": cookie}, "http://evil.example"),
        ({}, server.origin),
        ({"Cookie": cookie}, None),
    ):
        with pytest.raises(InvalidStatus):
            with connect(url, additional_headers=headers, origin=origin, open_timeout=10):
                pass
    with connect(url, additional_headers={"Cookie": cookie}, origin=server.origin, open_timeout=10) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "error"  # our own origin and token: let in (no such id)


TWO_SPEAKERS = ROOT / "tests" / "data" / "diarize_interview_40s.flac"  # interviewer (FIOD at 9 s), Sandra Jansen
EXPLAINED = {  # the bundled glossary: meaning, description, the start of the source
    "fiod": (
        "Fiscale Inlichtingen- en Opsporingsdienst",
        "de opsporingsdienst van de Belastingdienst",
        "Register van Overheidsorganisaties",
    ),
    "kvk": ("Kamer van Koophandel", "beheert het Handelsregister", "Register van Overheidsorganisaties"),
    "btw": ("belasting over de toegevoegde waarde", "de omzetbelasting", "Wet op de omzetbelasting 1968"),
}
AGENDA = "Agenda verhoor\n1. Opening door de FIOD\n2. Inschrijving bij de KvK\n3. Aangifte btw derde kwartaal\n"


def _stage_names() -> set[str]:
    from notulist.web.jobs import STAGES_NL

    return set(STAGES_NL.values())


def _border_colour(page: Any, selector: str) -> str:
    return page.locator(selector).first.evaluate("el => getComputedStyle(el).borderLeftColor")


def test_click_an_abbreviation_while_recording_goes_on_colours_and_names(playwright: Any, tmp_path: Path) -> None:
    """With a keyword and an agenda attached (FIOD, KvK, btw: without them the bundled model writes "fiets" for
    FIOD) the live text marks abbreviations: click one while recording; the explanation opens and the recording
    goes on (timer, new lines). Two speakers get two colours; naming S2 shows at once; the agenda is archived with
    the session; the final pass's progress is named in Dutch."""
    import soundfile
    from playwright.sync_api import Error as PlaywrightError

    microphone = tmp_path / "interview.wav"
    audio, rate = soundfile.read(str(TWO_SPEAKERS), dtype="int16")
    soundfile.write(str(microphone), audio, rate, subtype="PCM_16")
    agenda = tmp_path / "agenda-verhoor.md"
    agenda.write_text(AGENDA, encoding="utf-8")
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    server = start_server(sessions, "--no-summary", "--format", "none")  # live speaker labels need diarization
    try:
        browser = launch(playwright, microphone=microphone)
        live = LivePage(browser, server)
        live.page.fill("#keywords", "FIOD")
        live.page.set_input_files("#documents", str(agenda))
        live.page.fill("#title", "Verhoor FIOD")
        live.page.screenshot(path=str(tmp_path / "live-setup.png"), full_page=True)
        live.start("Verhoor FIOD")
        assert "FIOD" in live.page.text_content("#hints-list")
        # --- an abbreviation in the live text (FIOD, KvK or btw: all three are said), clicked while recording
        abbreviation = live.page.locator("#live-lines button.abbr").first
        abbreviation.wait_for(timeout=SLOW_MS)
        seconds, lines = live.seconds(), live.page.locator("#live-lines li[data-id]").count()
        said = abbreviation.inner_text()
        abbreviation.click()
        popover = live.page.locator("#popover")
        assert popover.is_visible()
        meaning, description, source = EXPLAINED[said.lower()]
        assert popover.locator("h3").inner_text().lower() == f"{said} — {meaning}".lower()
        assert description in popover.inner_text() and f"Bron: {source}" in popover.inner_text()
        until(lambda: live.page.locator("#live-lines li[data-id]").count() > lines, SLOW_MS / 1000)
        assert live.seconds() >= seconds + 2 and popover.is_visible()  # still recording, still explained
        assert live.page.locator("#rec-dot").is_visible() and live.page.text_content("#pause") == "Pauze"
        live.page.screenshot(path=str(tmp_path / "live-abbreviation.png"))
        live.page.click("#popover button")
        # --- two speakers, two colours; naming S2 takes effect in the live view
        s2 = "#live-lines li[data-speaker='S2']"
        live.page.wait_for_selector(s2, timeout=SLOW_MS)
        assert _border_colour(live.page, "#live-lines li[data-speaker='S1']") != _border_colour(live.page, s2)
        live.page.select_option("#name-label", "S2")
        live.page.fill("#name-value", "mevrouw Jansen")
        live.page.click("#name-form button[type=submit]")
        until(lambda: live.page.locator(f"{s2} .who").first.inner_text() == "mevrouw Jansen (S2)", 20)
        live.page.screenshot(path=str(tmp_path / "live-speakers.png"))
        # --- stop: the final pass names its stages in Dutch, the session keeps the agenda
        live.page.click("#stop")
        shown: set[str] = set()

        def stage_shown() -> bool:
            try:
                text = live.page.locator("#final-status").text_content(timeout=1000) or ""
            except PlaywrightError:  # the review page has opened meanwhile
                return True
            shown.update(name for name in _stage_names() if text.startswith(name))
            return "/s/" in live.page.url

        until(stage_shown, SLOW_MS / 1000)
        live.page.wait_for_url("**/s/**", timeout=SLOW_MS)
        assert shown, "no Dutch stage name was shown during the final pass"
        session = sessions / live.page.url.rsplit("/s/", 1)[1]
        assert (session / "context" / "agenda-verhoor.md").read_text(encoding="utf-8") == AGENDA
        archived = next(e for e in events(session) if e["event"] == "context_archived")
        assert "FIOD" in archived["data"]["hints"]
        assert any(e["event"] == "speakers_named" for e in events(session))
        assert live.errors == []
        browser.close()
    finally:
        server.stop()


def test_an_unreadable_agenda_is_refused_in_dutch_and_nothing_starts(playwright: Any, server: Server) -> None:
    browser = launch(playwright)
    live = LivePage(browser, server)
    live.page.wait_for_selector("#mic option", state="attached", timeout=20_000)
    live.page.set_input_files(
        "#documents", files=[{"name": "stukken.docx", "mimeType": "application/octet-stream", "buffer": b"no zip"}]
    )
    live.page.click("#record")
    live.page.wait_for_selector("#message:not([hidden])", timeout=START_MS)
    assert "Agenda of stukken: contextdocument stukken.docx is geen geldig Word-bestand" in live.page.text_content(
        "#message"
    )
    assert live.page.is_hidden("#recording") and live.page.is_enabled("#record")
    assert not list(server.sessions_dir.glob("*.live"))
    browser.close()
