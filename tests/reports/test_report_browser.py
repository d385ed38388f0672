"""report.html used as a person would: a real headless Chromium (Debian ``chromium``) driven by Playwright.

Clicking a line seeks the audio to its start and highlights it while it plays; abbreviations explain themselves
on click; summary citations and the flagged lines' play buttons seek; the page works with the audio embedded or
beside it, makes no network request, prints, and never runs script that came in with the data.

Needs ``apt-get install -y chromium`` and ``pip install playwright`` (never ``playwright install``). Without them
these tests skip, unless NOTULIST_REQUIRE_BROWSER=1 (CI), where they fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_report_data import DATA, fixture_input
from test_report_html import PAYLOAD_TEXT, hostile_input

from notulist.reports.html import render_html

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path(os.environ.get("NOTULIST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]
# Records every seek the page makes (media events do not bubble, so listen in the capture phase).
RECORD_SEEKS = """
window.__seeks = [];
document.addEventListener('seeked', (e) => window.__seeks.push(e.target.currentTime), true);
"""


def _missing(reason: str) -> None:
    if os.environ.get("NOTULIST_REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed: pip install playwright")
    if not CHROMIUM.is_file():
        _missing(f"{CHROMIUM} not found: apt-get install -y chromium")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class Page:
    """A browser tab on one report, which fails the test on any network request, dialog or page error."""

    def __init__(self, browser: Any, path: Path, bypass_csp: bool = False) -> None:
        self.context = browser.new_context(viewport={"width": 1100, "height": 900}, bypass_csp=bypass_csp)
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("dialog", self._dialog)
        self.page.add_init_script(RECORD_SEEKS)
        self.page.goto(path.as_uri())

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def last_seek(self, after: int = 0) -> float:
        self.page.wait_for_function("(n) => window.__seeks.length > n", arg=after, timeout=10_000)
        return float(self.js("window.__seeks[window.__seeks.length - 1]"))

    def close(self) -> None:
        assert self.requests == [], f"the report tried to reach the network: {self.requests}"
        assert self.errors == [], f"script errors: {self.errors}"
        self.context.close()


@pytest.fixture
def report_page(browser: Any, tmp_path: Path) -> Iterator[Page]:
    path = tmp_path / "report.html"
    path.write_bytes(render_html(fixture_input("embed")))
    page = Page(browser, path)
    yield page
    page.close()


def _wait_until_playing(page: Page, line_id: str) -> None:
    """The highlight follows the player's events, a moment after the seek: wait (10 s at most) for ``line_id``."""
    page.page.wait_for_function(
        "(id) => document.querySelector('.line.playing')?.id === id", arg=line_id, timeout=10_000
    )


def test_click_a_line_plays_it_and_the_highlight_follows_the_audio(report_page: Page, tmp_path: Path) -> None:
    page = report_page
    assert page.js("document.getElementById('player').paused") is True
    page.page.click("#seg-s0004 .text")
    assert page.last_seek() == pytest.approx(17.389, abs=0.05)
    # the audio runs from there and the line is highlighted
    page.page.wait_for_function("() => document.getElementById('player').currentTime > 17.8", timeout=10_000)
    assert page.js("document.getElementById('player').paused") is False
    _wait_until_playing(page, "seg-s0004")
    # clicking the timestamp of another line jumps there
    seeks = page.js("window.__seeks.length")
    page.page.click("#seg-s0002 .ts")
    assert page.last_seek(seeks) == pytest.approx(10.386, abs=0.05)
    _wait_until_playing(page, "seg-s0002")
    # playing across a line boundary moves the highlight: s0001 ends at 9.896, s0002 starts at 10.386
    page.js("(() => { const a = document.getElementById('player'); a.currentTime = 9.5; a.play(); })()")
    page.page.wait_for_function("() => document.querySelector('.line.playing')?.id === 'seg-s0001'", timeout=10_000)
    page.page.wait_for_function("() => document.getElementById('player').currentTime > 10.5", timeout=10_000)
    page.page.wait_for_function("() => document.querySelector('.line.playing')?.id === 'seg-s0002'", timeout=5_000)
    assert page.js("document.querySelectorAll('.line.playing').length") == 1
    page.js("document.getElementById('player').pause()")
    page.page.screenshot(path=str(tmp_path / "playing.png"))


def test_click_an_abbreviation_shows_its_explanation(report_page: Page, tmp_path: Path) -> None:
    page = report_page
    popover = page.page.locator("#gloss-pop")
    assert not popover.is_visible()
    page.page.locator("#seg-s0006 .abbr", has_text="KvK").click()
    assert popover.is_visible()
    text = popover.inner_text()
    assert "Kamer van Koophandel" in text
    assert "Handelsregister" in text
    assert "Register van Overheidsorganisaties" in text  # the source
    assert page.js("window.__seeks.length") == 0  # explaining is not playing
    assert page.js("document.getElementById('player').paused") is True
    box = popover.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 40
    shot = tmp_path / "abbreviation.png"
    page.page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    if os.environ.get("NOTULIST_SCREENSHOT_DIR"):
        shutil.copy(shot, Path(os.environ["NOTULIST_SCREENSHOT_DIR"]) / "report_abbreviation.png")
    # another abbreviation replaces the explanation; Escape and the close button close it
    page.page.locator("#seg-s0006 .abbr", has_text="btw").click()
    assert "toegevoegde waarde" in popover.inner_text()
    page.page.keyboard.press("Escape")
    assert not popover.is_visible()
    page.page.locator("#seg-s0001 .abbr", has_text="FIOD").click()
    assert "Opsporingsdienst" in popover.inner_text()
    page.page.click("#gloss-close")
    assert not popover.is_visible()


def test_summary_citations_and_flagged_lines_play(report_page: Page) -> None:
    page = report_page
    point = page.page.locator("#point-3")
    assert "unsupported" in (point.get_attribute("class") or "")
    assert "NIET ONDERBOUWD" in point.inner_text()
    assert "67%" in page.page.locator("#source-transparency").inner_text()
    point.locator("button.cite").click()
    assert page.last_seek() == pytest.approx(24.770, abs=0.05)
    _wait_until_playing(page, "seg-s0005")
    seeks = page.js("window.__seeks.length")
    page.page.click("#flagged-s0003 button.play")
    assert page.last_seek(seeks) == pytest.approx(16.330, abs=0.05)
    _wait_until_playing(page, "seg-s0003")
    flagged_line = page.page.locator("#seg-s0003")
    assert "bekende spookzin" in flagged_line.inner_text()
    assert "phantom phrase" in page.page.locator("#flagged-s0003").inner_text()  # the evidence
    page.js("document.getElementById('player').pause()")


def test_linked_audio_beside_the_report_plays(browser: Any, tmp_path: Path) -> None:
    shutil.copy(DATA / "report_clip.flac", tmp_path / "report_clip.flac")
    path = tmp_path / "report.html"
    path.write_bytes(render_html(fixture_input("link")))
    page = Page(browser, path)
    try:
        page.page.click("#seg-s0006 .text")
        assert page.last_seek() == pytest.approx(29.569, abs=0.05)
        page.page.wait_for_function("() => document.getElementById('player').currentTime > 30.0", timeout=10_000)
        assert page.js("document.getElementById('player').duration") == pytest.approx(38.0, abs=0.1)
        page.js("document.getElementById('player').pause()")
    finally:
        page.close()


def test_print_layout(report_page: Page, tmp_path: Path) -> None:
    page = report_page
    page.page.emulate_media(media="print")
    assert not page.page.locator(".player").is_visible()
    assert page.page.locator("#seg-s0006").is_visible()
    assert page.js("getComputedStyle(document.querySelector('.top')).position") == "static"
    pdf = page.page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    from pypdf import PdfReader

    (tmp_path / "print.pdf").write_bytes(pdf)
    reader = PdfReader(tmp_path / "print.pdf")
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert len(reader.pages) >= 2  # flagged lines and abbreviations start on their own page
    assert "Uw onderneming staat sinds 2019" in text and "Kamer van Koophandel" in text


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "escaping-alone"])
def test_script_in_the_data_never_runs(browser: Any, tmp_path: Path, bypass_csp: bool) -> None:
    path = tmp_path / "report.html"
    path.write_bytes(render_html(hostile_input()))
    page = Page(browser, path, bypass_csp=bypass_csp)
    try:
        for selector in (".abbr", ".ts", ".cite", ".play", ".line .text"):
            for element in page.page.locator(selector).all():
                element.click()
        page.page.wait_for_timeout(300)
        assert page.js("typeof window.__pwned") == "undefined"
        assert page.dialogs == []
        body = page.page.locator("body").inner_text()
        assert PAYLOAD_TEXT in body  # shown as text
        assert "</script><script>window.__pwned = 3</script>" in body  # the speaker name
        assert page.js("document.querySelectorAll('img, svg, iframe').length") == 0
        # the page script itself still works on this data
        assert page.js("window.__seeks.length") > 0
        page.page.locator(".abbr").first.click()
        assert "</script><script>window.__pwned = 6</script>" in page.page.locator("#gloss-pop").inner_text()
        page.js("document.getElementById('player').pause()")
    finally:
        page.close()
