"""How the live recogniser's settings trade accuracy for latency, on a virtual real-time clock.

Each variant replays a recording through ``StreamingRecognizer`` as a microphone would deliver it: audio "arrives" on
a virtual clock that runs in real time, a step starts as soon as ``min_chunk_s`` of new audio has arrived (or at
once, when the previous step took longer) and transcribes everything that arrived until then, and the clock moves on
by the step's measured compute time. Every committed word gets the delay between the end of its audio and the end of
the step that committed it, as in ``live_latency.py`` but without capture, the recording, speaker labels or the
machine's other load, and in the same process for every variant. A committed word was first shown (provisionally) at
the end of the first step whose hypothesis had the same word starting within 0.5 s of it. Prints per variant: the
WER of the committed text against the reference, first-shown and commit delay p50/p95, the mean and p95 compute
time of one step (and its ratio to the first variant's) and the mean rolling-buffer length.

    python benchmarks/live_settings.py                                # interview_fiod, every variant
    python benchmarks/live_settings.py --variants balanced,low        # some of them

The first variant, ``padded-30s``, is the earliest live path: faster-whisper's own ``transcribe`` over the buffer
(padded to 30 s, greedy, no prefix).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from notulist.core.audio import SAMPLE_RATE  # noqa: E402
from notulist.core.model import Word  # noqa: E402
from notulist.core.text import comparable as normal  # noqa: E402
from notulist.core.text import comparable_word  # noqa: E402  (the live WER's normalisation, as in the replay)
from notulist.live.presets import PRESETS  # noqa: E402
from notulist.live.streaming import (  # noqa: E402
    StreamingOptions,
    StreamingRecognizer,
    WindowRecognizer,
    transcribe_request,
)
from notulist.recognition.whisper_model import choose_device, load_whisper, resolve_model  # noqa: E402
from notulist.recognition.window_decoder import WindowDecoder  # noqa: E402

SAME_WORD_S = 0.5  # a word shown by two steps starting this close is the same word

SHARED = ROOT.parent / "shared" / "audio" / "synthetic"


class PaddedTranscribe:
    """The baseline: faster-whisper's own ``transcribe`` on the buffer (30 s windows, greedy, VAD, no prefix)."""

    def __init__(self, model, language: str = "nl") -> None:
        self.model = model
        self.language = language

    def decode(self, audio: np.ndarray, prompt: str = "", prefix: str = "") -> list[Word]:
        segments, _ = self.model.transcribe(
            audio,
            language=self.language,
            beam_size=1,
            temperature=0.0,
            word_timestamps=True,
            initial_prompt=prompt or None,
            vad_filter=True,
            vad_parameters={"min_silence_duration_ms": 500},
        )
        return [
            Word(float(w.start), float(w.end), w.word.strip(), float(w.probability))
            for s in segments
            for w in s.words or ()
            if w.word.strip()
        ]


def variants(model) -> dict[str, tuple[WindowRecognizer, StreamingOptions]]:
    balanced, low = PRESETS["balanced"], PRESETS["low"]
    pause_trim = replace(balanced.streaming, trim_after_s=3.0, pause_s=0.2)  # the buffer of ``low``
    return {
        "padded-30s": (PaddedTranscribe(model), replace(balanced.streaming, force_committed=False)),
        "window-greedy": (WindowDecoder(model, replace(balanced.window, beam_size=1)), balanced.streaming),
        "balanced": (WindowDecoder(model, balanced.window), balanced.streaming),
        "pause-trim": (WindowDecoder(model, balanced.window), pause_trim),
        "pause-trim-0.5s": (WindowDecoder(model, balanced.window), replace(pause_trim, min_chunk_s=0.5)),
        "low": (WindowDecoder(model, low.window), low.streaming),
        **{
            f"balanced-settle-{s}s": (WindowDecoder(model, balanced.window), replace(balanced.streaming, settle_s=s))
            for s in (0.5, 1.0, 1.5)
        },
        **{
            f"low-settle-{s}s": (WindowDecoder(model, low.window), replace(low.streaming, settle_s=s))
            for s in (0.5, 1.0)
        },
    }


@dataclass(frozen=True)
class Replay:
    text: str  # the committed words
    latencies: list[float]  # per committed word: end of the committing step - end of the word's audio
    first: list[float]  # per committed word: end of the first step whose hypothesis showed it - end of its audio
    steps: list[float]  # compute time of each step
    buffers: list[float]  # rolling-buffer length at each step


def replay(recognizer: WindowRecognizer, options: StreamingOptions, audio: np.ndarray) -> Replay:
    """Stream ``audio`` on a virtual real-time clock that each step advances by its compute time."""
    streaming = StreamingRecognizer(options)
    duration = len(audio) / SAMPLE_RATE
    clock = fed = 0.0
    words: list[str] = []
    latencies: list[float] = []
    first: list[float] = []
    shown: dict[str, list[tuple[float, float]]] = {}  # word -> (its start, when first shown) per occurrence
    steps: list[float] = []
    buffers: list[float] = []
    while True:
        arrived = min(duration, clock)
        if arrived > fed:
            streaming.insert_audio(audio[round(fed * SAMPLE_RATE) : round(arrived * SAMPLE_RATE)])
            fed = arrived
        final = fed >= duration
        if not final and not streaming.ready():
            clock = max(clock, fed + options.min_chunk_s - streaming.unprocessed_s() + 1e-3)  # wait for audio
            continue
        request = streaming.request(final=final)
        started = time.perf_counter()
        hypothesis = transcribe_request(recognizer, request)
        spent = time.perf_counter() - started
        clock += spent
        steps.append(spent)
        buffers.append(len(request.audio) / SAMPLE_RATE)
        for word in hypothesis:
            occurrences = shown.setdefault(comparable_word(word.text), [])
            start = request.offset + word.start
            if not any(abs(start - earlier) <= SAME_WORD_S for earlier, _ in occurrences):
                occurrences.append((start, clock))
        for word in streaming.accept(request, hypothesis).committed:
            latencies.append(clock - word.end)
            seen = [
                at for start, at in shown.get(comparable_word(word.text), []) if abs(start - word.start) <= SAME_WORD_S
            ]
            first.append(min(seen, default=clock) - word.end)
            words.append(word.text)
        if final:
            return Replay(" ".join(words), latencies, first, steps, buffers)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", type=Path, default=SHARED / "interview_fiod.wav")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--variants", default="padded-30s,window-greedy,balanced,pause-trim,pause-trim-0.5s,low")
    args = parser.parse_args(argv)
    reference_file = args.file.with_suffix("").with_suffix(".ref.txt")
    if not args.file.is_file() or not reference_file.is_file():
        print(f"{args.file} or its .ref.txt not found (../shared missing?)", file=sys.stderr)
        return 1
    import jiwer

    from notulist.audio.decode import load_for_recognition

    audio = load_for_recognition(args.file)
    reference = normal(reference_file.read_text(encoding="utf-8"))
    model = load_whisper(resolve_model(None), choose_device("cpu"), cpu_threads=args.threads)
    table = variants(model)
    print(
        f"{args.file.name}: {len(audio) / SAMPLE_RATE:.0f} s on a virtual real-time clock, Whisper base int8, "
        f"{args.threads} threads"
    )
    baseline: float | None = None
    for name in args.variants.split(","):
        recognizer, options = table[name]
        result = replay(recognizer, options, audio)
        mean = float(np.mean(result.steps))
        baseline = mean if baseline is None else baseline
        print(
            f"{name:22s} WER {jiwer.wer(reference, normal(result.text)):.3f}  first shown p50 "
            f"{np.percentile(result.first, 50):.2f} s, p95 {np.percentile(result.first, 95):.2f} s;  commit p50 "
            f"{np.percentile(result.latencies, 50):.2f} s, p95 {np.percentile(result.latencies, 95):.2f} s;  step mean "
            f"{mean:.2f} s (x{mean / baseline:.2f}), p95 {np.percentile(result.steps, 95):.2f} s;  "
            f"mean buffer {np.mean(result.buffers):.1f} s",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
