"""``notulist serve`` on a long session: how fast the review page opens and becomes interactive in Chromium, and
how fast a correction is saved.

    python -m benchmarks.review_app                  # 2 h, 1,134 lines, 3 rounds
    python -m benchmarks.review_app --hours 1 --rounds 5

The session is the test fixture's six real lines repeated with shifted times (``benchmarks.report_render``), with
2 hours of real audio (the fixture clip repeated) as audio.flac, committed like any session. The app is the one
``notulist serve`` builds, served by uvicorn on 127.0.0.1 in a thread; Chromium is driven by Playwright.
Figures per round:
- server: the page's response time (Navigation Timing ``responseEnd - requestStart``: render + transfer);
- interactive: from navigation start until the review script has wired every line (``performance.now()``);
- save: from pressing Enter in a line's editor until the page shows the new version (the audited event written).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import soundfile

from benchmarks.report_render import DATA, long_report
from notulist.archive.session import NewSession, sha256_file
from notulist.core.model import transcript_to_dict
from notulist.summary.model import summary_to_dict

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def build_session(sessions_dir: Path, hours: float) -> tuple[str, int]:
    report = long_report(hours)
    clip, rate = soundfile.read(DATA / "report_clip.flac", dtype="int16")
    repeats = int(np.ceil(report.transcript.duration * rate / len(clip)))
    manifest = dict(report.manifest)
    manifest.pop("name", None)
    manifest.pop("created", None)
    with NewSession(sessions_dir, "lange_vergadering.wav", datetime(2026, 11, 2, 9, 0, tzinfo=UTC)) as new:
        audio = np.tile(clip, repeats)[: int(report.transcript.duration * rate)]
        soundfile.write(new.file("audio.flac"), audio, rate, format="FLAC")
        sha = sha256_file(new.file("audio.flac"))
        manifest["audio"] = {**manifest["audio"], "sha256": sha, "duration": report.transcript.duration}
        new.log("session_created", {"audio_sha256": sha})
        new.write_json("transcript.json", transcript_to_dict(report.transcript))
        new.write_json("summary.json", summary_to_dict(report.summary))
        new.write_json("glossary.json", {"version": "bench", "entries": dict(report.glossary_entries)})
        session = new.commit(manifest)
    return session.path.name, len(report.transcript.segments)


def start_server(sessions_dir: Path) -> tuple[Any, str]:
    """The app as ``notulist serve`` builds it, served by uvicorn in a thread; returns the server and its address."""
    import uvicorn

    from notulist.web.app import AppConfig, create_app
    from notulist.web.security import Guard, allowed_hosts

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    token = secrets.token_urlsafe(32)
    config = AppConfig(sessions_dir.resolve(), Guard(token, allowed_hosts("127.0.0.1", port)), "benchmark")
    server = uvicorn.Server(uvicorn.Config(create_app(config), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, name="review-app", daemon=True).start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}/?token={token}"


def one_round(browser, address: str, session_id: str, line_id: str, number: int) -> dict[str, float]:
    base = address.split("/?token=")[0]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(address)  # the token becomes a cookie
    page.goto(f"{base}/s/{session_id}")
    page.wait_for_function("document.getElementById('review').dataset.ready === '1'", timeout=120_000)
    timing = page.evaluate(
        """() => { const n = performance.getEntriesByType('navigation')[0];
        return {server: n.responseEnd - n.requestStart, interactive: window.__readyAt,
                bytes: n.transferSize}; }"""
    )
    version = int(page.locator("#version").inner_text())
    page.locator(f"#{line_id}").focus()
    page.keyboard.press("e")
    page.locator(f"#{line_id} textarea").fill(f"Verbeterde regel, ronde {number}.")
    start = time.perf_counter()
    page.keyboard.press("Enter")
    page.wait_for_function("(v) => Number(document.getElementById('version').textContent) > v", arg=version)
    timing["save"] = (time.perf_counter() - start) * 1000
    context.close()
    return timing


def cpu_figures(sessions_dir: Path, session_id: str, line_id: str) -> dict[str, float]:
    """CPU milliseconds (this thread) of rendering the review page and of saving one correction, in-process:
    unlike wall times, these hardly move when other work shares the machine."""
    from notulist.archive.session import Session
    from notulist.web.app import AppConfig, Handlers
    from notulist.web.edits import Locks, apply_edit
    from notulist.web.i18n import translator
    from notulist.web.security import Guard

    handlers = Handlers(AppConfig(sessions_dir, Guard("x", frozenset()), "benchmark"))
    session = Session(sessions_dir / session_id)
    handlers.config.transcripts.machine(session)  # the server parses transcript.json once, on the first visit
    start = time.thread_time()
    context = handlers._review_context(session, "nl")
    html = handlers.env.get_template("review.html").render(t=translator("nl"), lang="nl", csrf="x", path="/", **context)
    render = (time.thread_time() - start) * 1000
    start = time.thread_time()
    edit = {"version": len(session.events()), "action": "correct", "segment_id": line_id, "text": "CPU-meting."}
    apply_edit(session, Locks(), edit, "benchmark", handlers.config.transcripts.machine(session))
    save = (time.thread_time() - start) * 1000
    return {"render_cpu": render, "save_cpu": save, "html_kib": len(html.encode()) / 1024}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        sessions_dir = Path(tmp) / "sessions"
        started = time.perf_counter()
        session_id, lines = build_session(sessions_dir, args.hours)
        print(f"session: {lines} lines, {args.hours:g} h of audio, built in {time.perf_counter() - started:.1f} s")
        cpu = cpu_figures(sessions_dir, session_id, f"s{lines // 3:04d}")
        server, address = start_server(sessions_dir)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
                line_id = f"s{lines // 2:04d}"
                rounds = [one_round(browser, address, session_id, line_id, n) for n in range(args.rounds)]
                browser.close()
        finally:
            server.should_exit = True
    print(f"page size {cpu['html_kib']:.0f} KiB; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"CPU ms in-process: page render {cpu['render_cpu']:.0f}, save a correction {cpu['save_cpu']:.0f}")
    print("| round | server ms | interactive ms | save ms |")
    print("|---|---|---|---|")
    for number, r in enumerate(rounds, start=1):
        print(f"| {number} | {r['server']:.0f} | {r['interactive']:.0f} | {r['save']:.0f} |")
    medians = {key: statistics.median(r[key] for r in rounds) for key in ("server", "interactive", "save")}
    print(f"| median | {medians['server']:.0f} | {medians['interactive']:.0f} | {medians['save']:.0f} |")
    print(json.dumps({"lines": lines, **{k: round(v) for k, v in medians.items()}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
