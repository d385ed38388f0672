"""How the live recogniser's settings trade accuracy for step time, independent of the machine's pace.

Feeds a recording to ``StreamingRecognizer`` in fixed 1 s steps as fast as possible (every step is awaited, so the
text does not depend on the machine's speed) and prints, per variant: the WER of the committed text against the
reference, the mean and p95 time of one recognition step and the mean rolling-buffer length. The baseline is the
earlier live path: ``WhisperModel.transcribe`` over the buffer (padded to 30 s, greedy, no prefix), run in the same
process on the same steps. Step time sets the live latency: a word is committed after two steps that both heard it.

    python benchmarks/live_settings.py                       # interview_fiod, all variants (about 15 minutes)
    python benchmarks/live_settings.py --variants current    # one variant
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.live_latency import normal  # noqa: E402  (the live WER's normalisation, as in the replay)
from transcribe.streaming import (  # noqa: E402
    SAMPLE_RATE,
    StreamingOptions,
    StreamingRecognizer,
    TimedWord,
    WindowRecognizer,
    transcribe_request,
)
from transcribe.whisper_model import choose_device, load_whisper, resolve_model  # noqa: E402
from transcribe.window_decoder import WindowDecoder, WindowSettings  # noqa: E402

SHARED = ROOT.parent / "shared" / "audio" / "synthetic"


class PaddedTranscribe:
    """The baseline: faster-whisper's own ``transcribe`` on the buffer (30 s windows, greedy, VAD, no prefix)."""

    def __init__(self, model, language: str = "nl") -> None:
        self.model = model
        self.language = language

    def decode(self, audio: np.ndarray, prompt: str = "", prefix: str = "") -> list[TimedWord]:
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
            TimedWord(float(w.start), float(w.end), w.word.strip(), float(w.probability))
            for s in segments
            for w in s.words or ()
            if w.word.strip()
        ]


def variants(model) -> dict[str, tuple[WindowRecognizer, StreamingOptions]]:
    return {
        "padded-30s": (PaddedTranscribe(model), StreamingOptions(force_committed=False)),
        "window-greedy": (WindowDecoder(model, WindowSettings(beam_size=1)), StreamingOptions(force_committed=False)),
        "window-beam3": (WindowDecoder(model, WindowSettings(beam_size=3)), StreamingOptions(force_committed=False)),
        "current": (WindowDecoder(model, WindowSettings()), StreamingOptions()),  # beam 3, committed words as prefix
        "current-trim12": (WindowDecoder(model, WindowSettings()), StreamingOptions(trim_after_s=12, max_buffer_s=20)),
    }


def run(recognizer: WindowRecognizer, options: StreamingOptions, audio: np.ndarray) -> tuple[str, list[float], float]:
    streaming = StreamingRecognizer(options)
    step = SAMPLE_RATE  # 1 s of new audio per step
    committed: list[TimedWord] = []
    times: list[float] = []
    buffers: list[float] = []
    for first in range(0, len(audio), step):
        streaming.insert_audio(audio[first : first + step])
        request = streaming.request(final=first + step >= len(audio))
        started = time.perf_counter()
        words = transcribe_request(recognizer, request)
        times.append(time.perf_counter() - started)
        buffers.append(len(request.audio) / SAMPLE_RATE)
        committed.extend(streaming.accept(request, words).committed)
    return " ".join(w.text for w in committed), times, float(np.mean(buffers))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", type=Path, default=SHARED / "interview_fiod.wav")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--variants", default="padded-30s,window-greedy,window-beam3,current,current-trim12")
    args = parser.parse_args(argv)
    reference_file = args.file.with_suffix("").with_suffix(".ref.txt")
    if not args.file.is_file() or not reference_file.is_file():
        print(f"{args.file} or its .ref.txt not found (../shared missing?)", file=sys.stderr)
        return 1
    import jiwer

    from transcribe.audio import load_for_recognition

    audio = load_for_recognition(args.file)
    reference = normal(reference_file.read_text(encoding="utf-8"))
    model = load_whisper(resolve_model(None), choose_device("cpu"), cpu_threads=args.threads)
    table = variants(model)
    print(f"{args.file.name}: {len(audio) / SAMPLE_RATE:.0f} s in 1 s steps, Whisper base int8, {args.threads} threads")
    baseline: float | None = None
    for name in args.variants.split(","):
        recognizer, options = table[name]
        text, times, buffer_s = run(recognizer, options, audio)
        mean = float(np.mean(times))
        baseline = mean if baseline is None else baseline
        print(
            f"{name:15s} WER {jiwer.wer(reference, normal(text)):.3f}  step mean {mean:.2f} s "
            f"(x{mean / baseline:.2f} of {args.variants.split(',')[0]}), p95 {np.percentile(times, 95):.2f} s; "
            f"mean buffer {buffer_s:.1f} s",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
