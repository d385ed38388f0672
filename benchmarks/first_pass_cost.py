"""What the sequential first pass's aligned word times cost: three decodings of the same audio, alternating in one
process, median wall time of each.

- previous: ``WhisperModel.transcribe(audio, vad_filter=True, word_timestamps=True)`` (faster-whisper's own word
  times, which move the windows and change the text);
- aligned: ``notulist.recognition.word_alignment.transcribe_with_word_times`` (the default first pass: plain's
  decoding, each window's words aligned afterwards on one more encoder pass);
- plain: ``transcribe(audio, vad_filter=True, word_timestamps=False)``.

    python benchmarks/first_pass_cost.py [--rounds 2] samples/interview_fiod.flac samples/overleg_dpia.flac
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from notulist.recognition.whisper_model import resolve_model  # noqa: E402
from notulist.recognition.word_alignment import transcribe_with_word_times  # noqa: E402


def main() -> int:
    from faster_whisper import WhisperModel
    from faster_whisper.audio import decode_audio

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    model = WhisperModel(str(resolve_model(None).path), device="cpu", compute_type="int8", cpu_threads=2)
    options = {"language": "nl", "beam_size": 5}
    decodings = {
        "previous": lambda audio: model.transcribe(audio, vad_filter=True, word_timestamps=True, **options)[0],
        "aligned": lambda audio: transcribe_with_word_times(model, audio, **options),
        "plain": lambda audio: model.transcribe(audio, vad_filter=True, word_timestamps=False, **options)[0],
    }
    for path in args.files:
        audio = decode_audio(str(path), sampling_rate=16000)
        seconds: dict[str, list[float]] = {name: [] for name in decodings}
        for _ in range(args.rounds):
            for name, decode in decodings.items():
                started = time.perf_counter()
                list(decode(audio))
                seconds[name].append(time.perf_counter() - started)
        median = {name: statistics.median(values) for name, values in seconds.items()}
        print(
            f"{path.name}: previous {median['previous']:.1f} s, aligned {median['aligned']:.1f} s, plain "
            f"{median['plain']:.1f} s; aligned / previous {median['aligned'] / median['previous']:.2f}, "
            f"aligned / plain {median['aligned'] / median['plain']:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
