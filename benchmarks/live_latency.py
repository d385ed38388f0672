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
from notulist.live.worker import LiveResult, LiveUpdate, LiveWorker  # noqa: E402
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


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=2.5, help="length of the replay (whole copies of the file)")
    parser.add_argument("--file", type=Path, default=SHARED / "interview_fiod.wav")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads for Whisper (default 2)")
    parser.add_argument("--device", default="cpu", choices=("cpu", "auto", "cuda"))
    parser.add_argument("--no-offline", action="store_true", help="skip the offline pass (no WER comparison)")
    parser.add_argument("--no-speakers", action="store_true", help="no provisional speaker labels (as --no-diarize)")
    parser.add_argument("--json", type=Path, help="write every word's latency here")
    parser.add_argument("--live-latency", choices=sorted(PRESETS), default="balanced", help="as `notulist live`")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    if not args.file.is_file():
        print(f"{args.file} not found (../shared missing?)", file=sys.stderr)
        return 1
    audio, reference = replay_audio(args.file, args.minutes)
    duration = len(audio) / SAMPLE_RATE
    spec = resolve_model(None)
    choice = choose_device(args.device)
    model = load_whisper(spec, choice, cpu_threads=args.threads)
    preset = PRESETS[args.live_latency]
    print(
        f"model {spec.name} on {choice.device}/{choice.compute_type}, {args.threads} threads; {preset.streaming}; "
        f"{preset.window}",
        flush=True,
    )
    updates, result, started_at, wall = replay(audio, WindowDecoder(model, preset.window), preset, args.no_speakers)
    latencies = [  # (word end on the session clock, commit delay)
        (word.end, update.at - (started_at + min(word.end, duration)))
        for update in updates
        for word in update.committed
    ]
    delays = [d for _, d in latencies]
    print(
        f"\nreplay took {wall:.1f} s for {duration:.1f} s of audio; {len(updates)} steps; "
        f"{len(delays)} words committed; longest rolling buffer {max(u.buffer_s for u in updates):.1f} s; {load()}"
    )
    print_latencies(latencies, duration)
    live_text = " ".join(s.text for s in result.segments)
    if reference is not None:
        offline = None if args.no_offline else (model, audio, preset.window.language)
        print_accuracy(reference, live_text, offline)
    if args.json:
        args.json.write_text(json.dumps({"latencies": latencies, "live_text": live_text}, ensure_ascii=False))
    return 0


def replay_audio(file: Path, minutes: float) -> tuple[np.ndarray, str | None]:
    """Whole copies of ``file`` for about ``minutes``, and its reference text as often (None without one)."""
    from notulist.audio.decode import load_for_recognition

    one = load_for_recognition(file)
    copies = max(1, round(minutes * 60 / (len(one) / SAMPLE_RATE)))
    audio = np.concatenate([one] * copies)
    ref_file = file.with_suffix("").with_suffix(".ref.txt")
    reference = " ".join([ref_file.read_text(encoding="utf-8")] * copies) if ref_file.is_file() else None
    print(
        f"replaying {file.name} x{copies} = {len(audio) / SAMPLE_RATE / 60:.1f} min in real time; {load()}", flush=True
    )
    return audio, reference


def replay(
    audio: np.ndarray, decoder: WindowDecoder, preset, no_speakers: bool
) -> tuple[list[LiveUpdate], LiveResult, float, float]:
    """The live path over ``audio`` at real-time pace: its updates, result, start time and wall time."""
    import soundfile

    updates: list[LiveUpdate] = []
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "replay.wav"
        soundfile.write(wav, audio, SAMPLE_RATE, subtype="PCM_16")
        source = FileSource(wav, realtime=True)
        recording = LiveRecording.create(Path(tmp) / "sessions", "bench", SAMPLE_RATE)
        speakers = None if no_speakers else LiveSpeakerLabeler()
        worker = LiveWorker(decoder, source, recording, updates.append, preset.streaming, paced=True, speakers=speakers)
        began = time.monotonic()
        worker.start()
        result = worker.join()
        wall = time.monotonic() - began
    assert result is not None and source.started_at is not None
    return updates, result, source.started_at, wall


def print_latencies(latencies: list[tuple[float, float]], duration: float) -> None:
    delays = [d for _, d in latencies]
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


def print_accuracy(reference: str, live_text: str, offline: tuple | None) -> None:
    """The live WER, and (``offline`` = model, audio, language) the offline pass's beside it."""
    import jiwer

    live_wer = jiwer.wer(normal(reference), normal(live_text))
    print(f"\nWER live {live_wer:.3f}", end="", flush=True)
    if offline is None:
        print()
        return
    started = time.monotonic()
    offline_text = offline_words(*offline)
    offline_s = time.monotonic() - started
    offline_wer = jiwer.wer(normal(reference), normal(offline_text))
    print(
        f", offline pass {offline_wer:.3f} (took {offline_s:.0f} s), live - offline "
        f"{live_wer - offline_wer:+.3f} [goal <= +0.05]; live vs offline text "
        f"{jiwer.wer(normal(offline_text), normal(live_text)):.3f}"
    )


if __name__ == "__main__":
    sys.exit(main())
