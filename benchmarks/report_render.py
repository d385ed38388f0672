"""Report rendering cost on a long session: report.html and report.docx for a 2-hour meeting.

    python benchmarks/report_render.py              # 2 h, 1,440 lines: HTML + DOCX render time and size
    python benchmarks/report_render.py --hours 4    # longer
    python benchmarks/report_render.py --browser    # also: Chromium load time of the HTML and click-to-seek latency

The transcript is the test fixture's six lines (tests/data/report_*.json) repeated with shifted times, ids, links
and flags, so it needs nothing from ../shared. The baseline in the same run is writing transcript.json
(``transcript_to_dict`` + ``json.dumps``) of the same transcript; figures are ratios against it and absolute times.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from notulist.core.model import Link, Segment, segment_id, transcript_from_dict, transcript_to_dict  # noqa: E402
from notulist.reports.data import ReportInput  # noqa: E402
from notulist.reports.docx import render_docx  # noqa: E402
from notulist.reports.html import render_html  # noqa: E402
from notulist.summary.model import Summary, SummaryPoint, summary_from_dict  # noqa: E402

DATA = ROOT / "tests" / "data"


def long_report(hours: float) -> ReportInput:
    base = transcript_from_dict(json.loads((DATA / "report_transcript.json").read_text(encoding="utf-8")))
    manifest = json.loads((DATA / "report_manifest.json").read_text(encoding="utf-8"))
    entries = json.loads((DATA / "report_glossary.json").read_text(encoding="utf-8"))["entries"]
    period = 38.0
    repeats = int(hours * 3600 / period)
    segments: list[Segment] = []
    links: list[Link] = []
    for r in range(repeats):
        for s in base.segments:
            new_id = segment_id(len(segments))
            shift = r * period
            words = tuple(replace(w, start=w.start + shift, end=w.end + shift) for w in s.words)
            segments.append(replace(s, id=new_id, start=s.start + shift, end=s.end + shift, words=words))
            links.extend(replace(lk, segment_id=new_id) for lk in base.links if lk.segment_id == s.id)
    transcript = replace(base, duration=repeats * period, segments=tuple(segments), links=tuple(links))
    base_summary = summary_from_dict(json.loads((DATA / "report_summary.json").read_text(encoding="utf-8")))
    points = tuple(
        SummaryPoint(
            p.kind,
            p.text,
            tuple(segment_id(int(sid[1:]) - 1 + 6 * k * 10) for sid in p.segment_ids),
            p.owner,
            p.due,
            p.support,
            p.supported,
        )
        for k in range(min(20, repeats // 10))
        for p in base_summary.points
    )
    summary = Summary(points, base_summary.method, base_summary.model)
    manifest["audio"]["duration"] = transcript.duration
    return ReportInput(transcript, manifest, summary, entries, Path("/nonexistent/audio.flac"), "link")


def timed(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def browser_figures(html: bytes) -> tuple[float, float]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        path = Path(folder) / "report.html"
        path.write_bytes(html)
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        start = time.perf_counter()
        page.goto(path.as_uri(), wait_until="load")
        load_s = time.perf_counter() - start
        last = page.locator(".line").last
        last.scroll_into_view_if_needed()
        start = time.perf_counter()
        last.locator(".ts").click()
        page.wait_for_function("() => document.querySelector('.line.playing') !== null")
        click_s = time.perf_counter() - start
        browser.close()
    return load_s, click_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=2.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--browser", action="store_true")
    args = parser.parse_args()

    report = long_report(args.hours)
    lines = len(report.transcript.segments)
    base_s, _ = timed(lambda: json.dumps(transcript_to_dict(report.transcript), ensure_ascii=False), args.repeat)
    html_s, html = timed(lambda: render_html(report), args.repeat)
    docx_s, docx = timed(lambda: render_docx(report), args.repeat)
    print(
        f"session: {args.hours:g} h, {lines} lines, {len(report.transcript.links)} links, "
        f"{sum(bool(s.flags) for s in report.transcript.segments)} flagged, "
        f"{len(report.summary.points) if report.summary else 0} summary points"
    )
    print(f"baseline transcript.json: {base_s:.3f} s")
    print(f"report.html: {html_s:.3f} s ({html_s / base_s:.1f}x baseline), {len(html) / 1e6:.2f} MB (audio linked)")
    print(f"report.docx: {docx_s:.3f} s ({docx_s / base_s:.1f}x baseline), {len(docx) / 1e6:.2f} MB")
    if args.browser:
        load_s, click_s = browser_figures(html)
        print(f"chromium: load {load_s:.2f} s, click on the last line to highlight {click_s * 1000:.0f} ms")


if __name__ == "__main__":
    main()
