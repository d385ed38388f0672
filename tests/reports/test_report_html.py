"""report.html as a file: self-contained, offline, every untrusted string escaped (no browser needed here;
test_report_browser.py drives Chromium on the same reports)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

from test_report_data import DATA, fixture_input

from notulist.core.model import Flag, Link, Segment, Transcript
from notulist.reports.data import ReportInput
from notulist.reports.html import render_html
from notulist.summary.model import Summary, SummaryPoint

PAYLOAD_TEXT = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
PAYLOAD_SPEAKER = "</script><script>window.__pwned = 3</script>"
PAYLOAD_ID = "s1</script><script>window.__pwned = 8</script>"


def hostile_input(audio_path: Path | None = None) -> ReportInput:
    """A report whose every untrusted string tries to run script."""
    text_1 = f"Zie FIOD {PAYLOAD_TEXT} en verder."
    text_2 = '<svg onload="window.__pwned = 9"></svg> &amp; <b>vet</b> &lt;script&gt;'
    segments = (
        Segment(PAYLOAD_ID, 0.5, 4.0, text_1, speaker="SPK<1>", flags=(Flag("repetition<b>", "<script>x</script>"),)),
        Segment("s0002", 4.5, 9.0, text_2, speaker="SPK2"),
    )
    start = text_1.index("FIOD")
    links = (
        Link(PAYLOAD_ID, start, start + 4, "<e>", "FIOD", 1.0),
        Link("s0002", 0, 5, "evil2", "<svg ", 1.0),
    )
    transcript = Transcript(
        language="nl",
        duration=10.0,
        segments=segments,
        speakers={"SPK<1>": PAYLOAD_SPEAKER, "SPK2": '"><img src=x onerror="window.__pwned = 4">'},
        links=links,
    )
    entries = {
        "<e>": {
            "abbreviation": "<b>FIOD</b>",
            "expansion": '<img src=x onerror="window.__pwned = 5">',
            "description": "</script><script>window.__pwned = 6</script>",
            "domain": "<i>d</i>",
            "source": "<a href='javascript:window.__pwned = 7'>bron</a>",
            "url": "javascript:window.__pwned = 10",
        },
        "evil2": {"abbreviation": "svg", "expansion": "x", "url": "https://example.invalid/?q=<script>"},
    }
    summary = Summary(
        points=(
            SummaryPoint(
                "topic", "<script>window.__pwned = 11</script>", (PAYLOAD_ID,), owner="<b>o</b>", supported=True
            ),
            SummaryPoint("action<x>", "punt", ("s0002", "</script>"), due="<i>morgen</i>"),
        ),
        method="<script>m</script>",
        model="</title><script>window.__pwned = 12</script>",
    )
    manifest = {
        "name": "</title><script>window.__pwned = 13</script>",
        "tool_version": '"><script>window.__pwned = 14</script>',
        "audio": {"sha256": "<script>", "source_name": "<img src=x onerror=window.__pwned=15>"},
        "models": {"asr<": {"name": "<script>window.__pwned = 16</script>"}},
    }
    return ReportInput(transcript, manifest, summary, entries, audio_path or DATA / "report_clip.flac", "embed")


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_bodies: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.script_bodies.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.script_bodies[-1] += data


def _parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def test_fixture_report_structure() -> None:
    html = render_html(fixture_input("embed")).decode("utf-8")
    parsed = _parse(html)
    ids = {attrs.get("id") for _, attrs in parsed.tags}
    for needed in ("player", "metadata", "summary", "transcript", "flagged", "abbreviations", "gloss-pop"):
        assert needed in ids
    for sid in ("s0001", "s0002", "s0003", "s0004", "s0005", "s0006"):
        assert f"seg-{sid}" in ids
    names = [attrs.get("name") for tag, attrs in parsed.tags if tag == "a" and attrs.get("name")]
    assert names[0] == "ts_0_9896_SPEAKER_00" and len(names) == 6  # noScribe anchors
    audio = next(attrs for tag, attrs in parsed.tags if tag == "audio")
    flac = (DATA / "report_clip.flac").read_bytes()
    assert audio["src"] == "data:audio/flac;base64," + base64.b64encode(flac).decode("ascii")
    assert hashlib.sha256(flac).hexdigest() in html  # the audio sha256 in the header
    assert "whisper-base" in html and "Pieter de Vries" in html
    abbrs = [attrs for tag, attrs in parsed.tags if tag == "button" and "abbr" in (attrs.get("class") or "")]
    assert len(abbrs) == 3
    flagged_rows = [
        attrs for tag, attrs in parsed.tags if tag == "tr" and (attrs.get("id") or "").startswith("flagged-")
    ]
    assert [r["id"] for r in flagged_rows] == ["flagged-s0003", "flagged-s0005"]
    unsupported = [a for t, a in parsed.tags if t == "li" and "unsupported" in (a.get("class") or "").split()]
    assert [a["id"] for a in unsupported] == ["point-3"]
    assert "67%" in html and "NIET ONDERBOUWD" in html
    segments = json.loads(parsed.script_bodies[0])
    assert segments[5] == {"id": "s0006", "start": 29.569, "end": 37.743}


def test_self_contained_and_offline() -> None:
    html = render_html(fixture_input("embed")).decode("utf-8")
    parsed = _parse(html)
    for tag, attrs in parsed.tags:
        assert tag not in ("link", "iframe", "object", "embed", "img"), tag
        if tag in ("script", "audio", "source", "video"):
            src = attrs.get("src")
            assert src is None or src.startswith("data:"), (tag, src)
    assert "@import" not in html and "url(" not in html
    csp = next(a["content"] for t, a in parsed.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp
    # the one executable script is allowed by its hash; nothing else may run
    executable = [
        body
        for (tag, attrs), body in zip(
            [(t, a) for t, a in parsed.tags if t == "script"], parsed.script_bodies, strict=True
        )
        if attrs.get("type") is None
    ]
    assert len(executable) == 1
    digest = base64.b64encode(hashlib.sha256(executable[0].encode("utf-8")).digest()).decode("ascii")
    assert f"'sha256-{digest}'" in csp


def test_link_mode_references_the_audio_file_by_name() -> None:
    html = render_html(fixture_input("link")).decode("utf-8")
    audio = next(attrs for tag, attrs in _parse(html).tags if tag == "audio")
    assert audio["src"] == "report_clip.flac"
    assert "base64" not in html
    assert '<meta name="audio_source" content="report_clip.flac">' in html


def test_missing_audio_is_said_not_fatal(tmp_path: Path) -> None:
    report = fixture_input("embed")
    html = render_html(ReportInput(report.transcript, report.manifest, None, {}, tmp_path / "audio.flac")).decode()
    assert 'src="audio.flac"' in html
    assert "audio.flac is niet gevonden" in html
    assert "Voor deze sessie is geen samenvatting gemaakt." in html


def test_untrusted_text_is_escaped() -> None:
    html = render_html(hostile_input()).decode("utf-8")
    parsed = _parse(html)
    # only the two scripts of the template exist, and no element carries an event handler or a javascript: link
    assert [a.get("type") for t, a in parsed.tags if t == "script"] == ["application/json", None]
    assert not any(t in ("img", "svg", "b", "i") for t, _ in parsed.tags)
    for tag, attrs in parsed.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert "javascript:" not in (value or "").lower() or name in ("title",), (tag, name, value)
    hrefs = [a["href"] for t, a in parsed.tags if t == "a" and a.get("href")]
    assert not any(h.lower().startswith("javascript") for h in hrefs)
    # the JSON data cannot close its script element, and reads back exactly
    data = json.loads(parsed.script_bodies[0])
    assert data[0]["id"] == PAYLOAD_ID
    assert "</script" not in parsed.script_bodies[0].lower()
    # the text is shown as text
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html
    assert "&lt;/script&gt;&lt;script&gt;window.__pwned = 3&lt;/script&gt;" in html
    assert "&amp;amp; &lt;b&gt;vet&lt;/b&gt; &amp;lt;script&amp;gt;" in html
    assert re.search(r"<title>&lt;/title&gt;&lt;script&gt;window.__pwned = 13", html)


def test_summary_problems_are_shown() -> None:
    from dataclasses import replace

    report = fixture_input("link")
    assert report.summary is not None
    summary = replace(report.summary, problems=("The model timed out after 120 s <script>x</script>",))
    html = render_html(replace(report, summary=summary)).decode("utf-8")
    assert 'id="summary-problems"' in html
    assert "The model timed out after 120 s &lt;script&gt;x&lt;/script&gt;" in html
    assert 'id="summary-problems"' not in render_html(report).decode("utf-8")
