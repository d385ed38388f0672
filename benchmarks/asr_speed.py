"""Recognition speed and accuracy: plain faster-whisper against notulist's pipeline, in one run.

Plain: ``WhisperModel.transcribe(file, language="nl", beam_size=5, vad_filter=True)``, the usual way to use
faster-whisper. notulist: ``notulist transcribe`` as a library call (archive to FLAC, VAD once, batched recognition
with word timestamps, flags, a complete session), first recognition only (no diarization, links, summary or
reports) and then with everything on. Rounds alternate plain / pipeline so machine noise hits both alike; the
median wall time of each is reported with the real-time factor (wall / audio duration), the ratio pipeline/plain,
and the WER of each against the reference transcript (benchmarks.scoring normalisation, jiwer).

    .venv/bin/python -m benchmarks.asr_speed [--rounds 2] [--threads 2] [FILE ...]

Files default to samples/interview_fiod.flac (reference: the .ref.txt beside it).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.scoring import wer
from notulist.core.progress import no_progress
from notulist.diarization.diarize import make_diarizer
from notulist.glossary import load_glossary
from notulist.pipeline.run import PipelineOptions, run_pipeline
from notulist.recognition.model_pool import ModelPool
from notulist.recognition.whisper_model import choose_device, resolve_model
from notulist.summary.summarizer import make_summarizer

REPO = Path(__file__).resolve().parents[1]


def reference_for(path: Path) -> str:
    candidates = [path.with_suffix(".ref.txt"), path.parent / (path.stem + ".ref.txt")]
    for candidate in candidates:
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    raise SystemExit(f"no reference transcript beside {path} (expected {candidates[0].name})")


def pipeline_options(threads: int, models: ModelPool, everything: bool) -> PipelineOptions:
    """Recognition only (no diarization, links, summary or reports), or everything on as ``notulist transcribe``
    does by default; both on the CPU and sharing the plain run's model."""
    if not everything:
        return PipelineOptions(device="cpu", cpu_threads=threads, report_formats=(), models=models)
    return PipelineOptions(
        device="cpu",
        cpu_threads=threads,
        diarizer=make_diarizer(),
        glossary=load_glossary(),
        summarizer=make_summarizer(),
        models=models,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path, default=[REPO / "samples" / "interview_fiod.flac"])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    spec = resolve_model(None)
    models = ModelPool()
    model = models.get(spec, choose_device("cpu"), args.threads)
    asr_only = pipeline_options(args.threads, models, everything=False)
    full = pipeline_options(args.threads, models, everything=True)
    print(f"model: {spec.name}, int8, {args.threads} threads, beam 5, language nl; {args.rounds} rounds")
    for path in args.files:
        reference = reference_for(path)
        times: dict[str, list[float]] = {"plain": [], "pipeline": [], "pipeline+all": []}
        texts: dict[str, str] = {}
        duration = 0.0
        with tempfile.TemporaryDirectory() as tmp:
            for _ in range(args.rounds):
                start = time.perf_counter()
                segments, info = model.transcribe(str(path), language="nl", beam_size=5, vad_filter=True)
                texts["plain"] = " ".join(s.text.strip() for s in segments)
                times["plain"].append(time.perf_counter() - start)
                duration = info.duration
                for name, options in (("pipeline", asr_only), ("pipeline+all", full)):
                    start = time.perf_counter()
                    session = run_pipeline(path, Path(tmp), options, no_progress)
                    times[name].append(time.perf_counter() - start)
                    texts[name] = " ".join(s.text for s in session.transcript().segments)
        plain = statistics.median(times["plain"])
        print(f"\n{path.name}: {duration:.1f} s of audio")
        print(f"{'':14} {'wall s':>8} {'RTF':>7} {'ratio':>7} {'WER':>7}")
        for name, values in times.items():
            wall = statistics.median(values)
            print(
                f"{name:14} {wall:8.1f} {wall / duration:7.3f} {wall / plain:7.2f} {wer(reference, texts[name]):7.3f}"
            )


if __name__ == "__main__":
    main()
