"""Live from the browser: how soon a word shows (provisional) and is committed, against `notulist live` in the same run.

Two runs over the same recording, one after the other in this process:

1. browser: a real `notulist serve` (127.0.0.1) and headless Chromium with the WAV as its fake microphone
   ("Nieuwe opname", record, wait, stop); every message the page receives is timed here through Playwright;
2. baseline: the path of `notulist live --input FILE --realtime` (FileSource at real-time pace, the same live
   worker and preset), in this process, its updates timed the same way.

Delays are measured the same way for both: the words of the final transcript (offline, word timestamps, on the
clock of the captured audio) are aligned (difflib, normalised words) to the text on screen after every message;
a word's delay is the wall time it first matched (provisional or committed; committed only) minus the wall time
its audio ended. The audio clock is mapped to the wall clock by the capture start (browser: the earliest
``status`` message minus the seconds it says were captured; baseline: the replay's start). Only words the live
text got right are timed. Also: p50 per quarter (flat over time?), and the WER of the live text against the final
pass over the same audio.

    python benchmarks/live_browser.py                       # tests/data/interview_25s.flac twice (50 s)
    python benchmarks/live_browser.py --file X.wav --seconds 1200   # a 20-minute run
    python benchmarks/live_browser.py --file X.wav --seconds 1200 --baseline-seconds 300   # a shorter baseline
    python benchmarks/live_browser.py --analyse trace.jsonl SESSION_DIR   # figures again from a --trace

The page loads the live model when it is opened (as a user would fill in the form meanwhile); the browser run
starts recording once the page says the model is ready, as the baseline starts with its model loaded.

The machine's load average is printed before and after: on a shared machine compare the two runs, not the
absolute figures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from notulist.core.audio import SAMPLE_RATE  # noqa: E402
from notulist.core.text import comparable, comparable_word  # noqa: E402

EARLY_S = 0.5  # a word "shown" sooner than this before its end in the audio is a match to an earlier repeat
WINDOW_S = 30.0  # each screen is aligned with the reference words of the last 30 s of audio


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


@dataclass
class Timeline:
    """What was on screen when: (wall time, committed text, provisional text), and the capture start."""

    start: float = float("inf")
    ready: float | None = None  # when the live recognizer was first ready (browser: its status message)
    screens: list[tuple[float, str, str]] = field(default_factory=list)


def delays(reference: list[tuple[str, float]], timeline: Timeline) -> tuple[dict[int, float], dict[int, float]]:
    """Per reference word index: first provisional-or-committed appearance delay, first committed delay.

    Each screen is aligned locally: the reference words that ended in the last ``WINDOW_S`` seconds of audio (and
    up to a second ahead) against the last words on screen, so a looped file's repeats (minutes apart) cannot be
    matched to each other, and a long run stays cheap to analyse."""
    ends = [end for _, end in reference]
    ref = [comparable_word(text) for text, _ in reference]
    first: dict[int, float] = {}
    committed: dict[int, float] = {}
    for at, done, tail in timeline.screens:
        now = at - timeline.start
        lo, hi = bisect_left(ends, now - WINDOW_S), bisect_right(ends, now + 1.0)
        if lo >= hi:
            continue
        keep = 3 * (hi - lo) + 20
        shown_done = [comparable_word(w) for w in done.split()[-keep:]]
        shown = shown_done + [comparable_word(w) for w in tail.split()]
        for words, target in ((shown, first), (shown_done, committed)):
            for block in SequenceMatcher(None, ref[lo:hi], words, autojunk=False).get_matching_blocks():
                for i in range(lo + block.a, lo + block.a + block.size):
                    delay = at - (timeline.start + reference[i][1])
                    if delay > -EARLY_S:  # shown before it was said: a match to an earlier repeat
                        target.setdefault(i, delay)
    return first, committed


def report(name: str, reference: list[tuple[str, float]], timeline: Timeline, live_text: str, final: str) -> dict:
    import jiwer

    first, committed = delays(reference, timeline)
    duration = max((end for _, end in reference), default=0.0)
    quarters = []
    for q in range(4):
        part = [d for i, d in committed.items() if q * duration / 4 <= reference[i][1] <= (q + 1) * duration / 4]
        quarters.append(round(percentile(part, 50), 2))
    result = {
        "run": name,
        "words": len(reference),
        "first_p50": round(percentile(list(first.values()), 50), 2),
        "first_p95": round(percentile(list(first.values()), 95), 2),
        "commit_p50": round(percentile(list(committed.values()), 50), 2),
        "commit_p95": round(percentile(list(committed.values()), 95), 2),
        "commit_p50_by_quarter": quarters,
        "timed_words": len(committed),
        "recognizer_ready_after_s": round(timeline.ready - timeline.start, 2) if timeline.ready else None,
        "first_text_after_s": round(
            next((at for at, done, tail in timeline.screens if (done + tail).strip()), float("nan")) - timeline.start, 2
        ),
        "live_wer_vs_final": round(jiwer.wer(comparable(final), comparable(live_text)), 3),
    }
    print(json.dumps(result), flush=True)
    return result


def final_words(model, audio: np.ndarray) -> list[tuple[str, float]]:
    segments, _ = model.transcribe(audio, language="nl", word_timestamps=True, beam_size=5, vad_filter=True)
    return [(w.word.strip(), float(w.end)) for s in segments for w in (s.words or [])]


def browser_run(
    wav: Path, seconds: float, sessions: Path, latency: str, trace_file: Path | None = None
) -> tuple[Timeline, str, Path]:
    from playwright.sync_api import sync_playwright
    from serve_support import start_server

    server = start_server(
        sessions, "--no-diarize", "--no-summary", "--format", "none", "--threads", "2", "--live-latency", latency
    )
    trace: list[dict] = []

    def received(payload: str | bytes) -> None:
        if isinstance(payload, str):
            trace.append({"at": round(time.monotonic(), 3), **json.loads(payload)})

    try:
        with sync_playwright() as playwright:
            args = [
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--use-fake-ui-for-media-stream",
            ]
            args += ["--use-fake-device-for-media-stream", f"--use-file-for-fake-audio-capture={wav}"]
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=args)
            page = browser.new_page()
            page.on("websocket", lambda ws: ws.on("framereceived", received))
            page.goto(f"{server.base}/live?token={server.token}")
            page.wait_for_selector("#mic option", state="attached", timeout=30_000)
            # the page loads the live model when opened; a user fills in the form meanwhile: start once it is ready
            page.wait_for_selector('#model-state[data-ready="1"]', timeout=900_000)
            page.fill("#title", "benchmark")
            page.click("#record")
            page.wait_for_timeout(seconds * 1000)  # (not time.sleep: Playwright delivers frame events only
            # while it runs, so a sleep would time every message at its end)
            page.click("#stop")
            page.wait_for_url("**/s/**", timeout=1_800_000)
            sid = page.url.rsplit("/s/", 1)[1]
            browser.close()
    finally:
        server.stop()
        if trace_file is not None:
            trace_file.write_text("\n".join(json.dumps(m, ensure_ascii=False) for m in trace) + "\n")
    timeline, live_text = replay_trace(trace)
    return timeline, live_text, sessions / sid


def replay_trace(trace: list[dict]) -> tuple[Timeline, str]:
    """What the page showed when, from the messages it received (each with its arrival time ``at``)."""
    timeline = Timeline()
    lines: dict[str, str] = {}
    state = {"open": "", "prov": ""}
    for message in trace:
        at = message["at"]
        if message["type"] == "status" and message["state"] == "recording" and message["captured_s"] > 0:
            timeline.start = min(timeline.start, at - message["captured_s"])
            if message["model_ready"] and timeline.ready is None:
                timeline.ready = at
        elif message["type"] in ("line", "tail"):
            if message["type"] == "line":
                lines[message["id"]] = message["text"]
            else:
                state["open"], state["prov"] = message["open"], message["provisional"]
            done = " ".join(lines[k] for k in sorted(lines)) + " " + state["open"]
            timeline.screens.append((at, done, state["prov"]))
    return timeline, " ".join(lines[k] for k in sorted(lines))


def baseline_run(wav: Path, model, seconds: float, latency: str) -> tuple[Timeline, str]:
    from notulist.audio.capture import FileSource
    from notulist.live.presets import PRESETS
    from notulist.live.recording import LiveRecording
    from notulist.live.worker import LiveUpdate, LiveWorker
    from notulist.recognition.window_decoder import WindowDecoder

    preset = PRESETS[latency].for_language("nl")
    timeline = Timeline()
    committed: list[str] = []

    def listener(update: LiveUpdate) -> None:
        committed.extend(w.text for w in update.committed)
        provisional = " ".join(w.text for w in update.provisional)
        timeline.screens.append((update.at, " ".join(committed), provisional))

    with tempfile.TemporaryDirectory() as tmp:
        source = FileSource(wav, realtime=True, max_s=seconds)
        recording = LiveRecording.create(Path(tmp), "baseline", SAMPLE_RATE)
        worker = LiveWorker(WindowDecoder(model, preset.window), source, recording, listener, preset.streaming)
        worker.start()
        result = worker.join()
    assert result is not None and source.started_at is not None
    timeline.start = source.started_at
    return timeline, " ".join(s.text for s in result.segments)


def analyse(trace_file: Path, session_path: Path) -> int:
    from notulist.archive.session import Session

    trace = [json.loads(line) for line in trace_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    timeline, live_text = replay_trace(trace)
    final = Session(session_path).machine_transcript()
    reference = [(w.text, w.end) for s in final.segments for w in s.words]
    report("browser", reference, timeline, live_text, " ".join(s.text for s in final.segments))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", type=Path, default=ROOT / "tests" / "data" / "interview_25s.flac")
    parser.add_argument("--seconds", type=float, default=50.0, help="how long to record (the file is looped)")
    parser.add_argument(
        "--baseline-seconds", type=float, help="how long the baseline replays (default: as long as the browser run)"
    )
    parser.add_argument("--live-latency", default="balanced", help="the live preset of both runs (default: balanced)")
    parser.add_argument("--json", type=Path, help="write both results here")
    parser.add_argument("--trace", type=Path, help="write every message the page received here (JSON lines)")
    parser.add_argument("--browser-only", action="store_true", help="skip the baseline run")
    parser.add_argument(
        "--analyse",
        nargs=2,
        type=Path,
        metavar=("TRACE", "SESSION"),
        help="no run: the browser figures again from a --trace file and the session folder that run made",
    )
    args = parser.parse_args(argv)
    if args.analyse:
        return analyse(*args.analyse)

    import soundfile

    from notulist.archive.session import Session
    from notulist.audio.decode import load_for_recognition
    from notulist.recognition.whisper_model import choose_device, load_whisper, resolve_model

    one = load_for_recognition(args.file)
    audio = np.tile(one, int(np.ceil(args.seconds * SAMPLE_RATE / len(one))))[: int(args.seconds * SAMPLE_RATE)]
    print(f"{args.file.name} looped to {args.seconds:.0f} s, preset {args.live_latency}; {load()}", flush=True)
    model = load_whisper(resolve_model(None), choose_device("cpu"), cpu_threads=2)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "microphone.wav"
        soundfile.write(wav, audio, SAMPLE_RATE, subtype="PCM_16")
        sessions = Path(tmp) / "sessions"
        sessions.mkdir()
        timeline, live_text, session_path = browser_run(wav, args.seconds, sessions, args.live_latency, args.trace)
        final = Session(session_path).machine_transcript()
        reference = [(w.text, w.end) for s in final.segments for w in s.words]
        results.append(report("browser", reference, timeline, live_text, " ".join(s.text for s in final.segments)))
        print(load(), flush=True)
        if args.browser_only:
            return 0
        baseline_s = min(args.baseline_seconds or args.seconds, args.seconds)
        timeline, live_text = baseline_run(wav, model, baseline_s, args.live_latency)
        reference = final_words(model, audio[: int(baseline_s * SAMPLE_RATE)])
        results.append(
            report(
                "notulist live --input --realtime", reference, timeline, live_text, " ".join(t for t, _ in reference)
            )
        )
    print(load(), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
