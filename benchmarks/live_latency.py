"""Live latency and accuracy: replay an interview in real time through `notulist live`'s path and measure.

For every committed word: the delay between the end of its audio (its end time on the session clock, mapped to the
wall clock of the real-time replay) and the moment it was committed. Reports p50/p95 overall and per quarter of the
replay (does latency grow over a long interview?), the longest rolling buffer, and the WER of the live transcript
and of the offline recognition pass over the same audio (same model; jiwer, lower-cased, punctuation removed).

    python benchmarks/live_latency.py --minutes 2.5           # a quick run (one copy of interview_fiod, 134 s)
    python benchmarks/live_latency.py --minutes 20            # ~9 copies: takes 20 minutes of wall time

Goals (issue 7): p50 <= 2.0 s, p95 <= 4.0 s, no growth over 20 minutes, live WER within 0.05 of the offline pass.
The machine's load is printed: on a shared machine the figures depend on it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from notulist.audio.capture import FileSource  # noqa: E402
from notulist.core.audio import SAMPLE_RATE  # noqa: E402
from notulist.core.text import comparable  # noqa: E402
from notulist.live.presets import PRESETS  # noqa: E402
from notulist.live.recording import LiveRecording  # noqa: E402
from notulist.live.speakers import LiveSpeakerLabeler  # noqa: E402
from notulist.live.worker import LiveUpdate, LiveWorker  # noqa: E402
from notulist.recognition.whisper_model import choose_device, load_whisper, resolve_model  # noqa: E402
from notulist.recognition.window_decoder import WindowDecoder  # noqa: E402

SHARED = ROOT.parent / "shared" / "audio" / "synthetic"


normal = comparable  # the live WER's normalisation


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def offline_words(model, audio: np.ndarray, language: str) -> str:
    """The offline pass's recognition (VAD windows + batched faster-whisper), as `notulist transcribe` runs it."""
    from notulist.core.progress import no_progress
    from notulist.recognition.recognizer import FasterWhisperRecognizer, RecognizerSettings

    segments = FasterWhisperRecognizer(model, RecognizerSettings(language=language)).recognize(audio, no_progress)
    return " ".join(s.text for s in segments)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=2.5, help="length of the replay (whole copies of the file)")
    parser.add_argument("--file", type=Path, default=SHARED / "interview_fiod.wav")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads for Whisper (default 2)")
    parser.add_argument("--device", default="cpu", choices=("cpu", "auto", "cuda"))
    parser.add_argument("--no-offline", action="store_true", help="skip the offline pass (no WER comparison)")
    parser.add_argument("--no-speakers", action="store_true", help="no provisional speaker labels (as --no-diarize)")
    parser.add_argument("--json", type=Path, help="write every word's latency here")
    parser.add_argument("--live-latency", choices=sorted(PRESETS), default="balanced", help="as `notulist live`")
    args = parser.parse_args(argv)
    if not args.file.is_file():
        print(f"{args.file} not found (../shared missing?)", file=sys.stderr)
        return 1

    import jiwer
    import soundfile

    from notulist.audio.decode import load_for_recognition

    one = load_for_recognition(args.file)
    copies = max(1, round(args.minutes * 60 / (len(one) / SAMPLE_RATE)))
    audio = np.concatenate([one] * copies)
    ref_file = args.file.with_suffix("").with_suffix(".ref.txt")
    reference = " ".join([ref_file.read_text(encoding="utf-8")] * copies) if ref_file.is_file() else None
    duration = len(audio) / SAMPLE_RATE
    print(f"replaying {args.file.name} x{copies} = {duration / 60:.1f} min in real time; {load()}", flush=True)

    spec = resolve_model(None)
    choice = choose_device(args.device)
    model = load_whisper(spec, choice, cpu_threads=args.threads)
    options = PRESETS[args.live_latency].streaming
    settings = PRESETS[args.live_latency].window
    decoder = WindowDecoder(model, settings)
    print(
        f"model {spec.name} on {choice.device}/{choice.compute_type}, {args.threads} threads; {options}; {settings}",
        flush=True,
    )

    updates: list[LiveUpdate] = []
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "replay.wav"
        soundfile.write(wav, audio, SAMPLE_RATE, subtype="PCM_16")
        source = FileSource(wav, realtime=True)
        recording = LiveRecording.create(Path(tmp) / "sessions", "bench", SAMPLE_RATE)
        speakers = None if args.no_speakers else LiveSpeakerLabeler()
        worker = LiveWorker(decoder, source, recording, updates.append, options, paced=True, speakers=speakers)
        began = time.monotonic()
        worker.start()
        result = worker.join()
        wall = time.monotonic() - began
    assert result is not None and source.started_at is not None
    latencies: list[tuple[float, float]] = []  # (word end on the session clock, commit delay)
    for update in updates:
        for word in update.committed:
            latencies.append((word.end, update.at - (source.started_at + min(word.end, duration))))
    delays = [d for _, d in latencies]
    print(
        f"\nreplay took {wall:.1f} s for {duration:.1f} s of audio; {len(updates)} steps; "
        f"{len(delays)} words committed; longest rolling buffer {max(u.buffer_s for u in updates):.1f} s; {load()}"
    )
    print(
        f"latency (commit time - end of the word's audio): p50 {percentile(delays, 50):.2f} s, "
        f"p95 {percentile(delays, 95):.2f} s, max {max(delays):.2f} s   [goal p50 <= 2.0, p95 <= 4.0]"
    )
    quarter = duration / 4
    print("per quarter of the replay:")
    for i in range(4):
        part = [d for end, d in latencies if i * quarter <= end < (i + 1) * quarter or (i == 3 and end >= duration)]
        print(
            f"  {i * quarter / 60:5.1f}-{(i + 1) * quarter / 60:5.1f} min: p50 {percentile(part, 50):.2f} s, "
            f"p95 {percentile(part, 95):.2f} s ({len(part)} words)"
        )

    live_text = " ".join(s.text for s in result.segments)
    if reference is not None:
        live_wer = jiwer.wer(normal(reference), normal(live_text))
        print(f"\nWER live {live_wer:.3f}", end="", flush=True)
        if not args.no_offline:
            started = time.monotonic()
            offline = offline_words(model, audio, settings.language)
            offline_s = time.monotonic() - started
            offline_wer = jiwer.wer(normal(reference), normal(offline))
            print(
                f", offline pass {offline_wer:.3f} (took {offline_s:.0f} s), live - offline "
                f"{live_wer - offline_wer:+.3f} [goal <= +0.05]; live vs offline text "
                f"{jiwer.wer(normal(offline), normal(live_text)):.3f}"
            )
        else:
            print()
    if args.json:
        args.json.write_text(json.dumps({"latencies": latencies, "live_text": live_text}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
