"""Batch throughput: in this process against Ray with 1 and 2 workers, on the same recordings, in one run.

Each configuration transcribes the same recordings into a fresh sessions folder through ``run_batch`` (the library
behind ``notulist batch``). Reported per configuration:

- startup: loading the model in this process, or starting a local Ray instance and its actors (each loads the
  model once);
- throughput: audio hours transcribed per wall-clock hour, over the whole batch after startup (and with startup);
- per-recording overhead: the time a worker slot spends on a recording outside ``run_pipeline`` itself
  (wall after startup x workers - the sum of the pipeline times, over the recordings): hashing, scheduling, sending
  the audio to the worker, packing the session, writing and verifying it in the sessions folder;
- the load average of the machine before and after, since other work shares it.

The recordings are copies of short real recordings, each made distinct by a few samples of silence at the end (a
batch skips a second copy of the same file).

    nice -n 10 .venv/bin/python -m benchmarks.batch_throughput [--copies 2] [--threads 2] [FILE ...]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from notulist.batch import InProcessBackend, run_batch
from notulist.batch.inputs import find_recordings
from notulist.batch.model import DONE, BatchResult
from notulist.batch.resume import DoneSessions
from notulist.cli.main import build_parser
from notulist.cli.pipeline_args import options_from_args
from notulist.pipeline.run import PipelineOptions
from notulist.recognition.whisper_model import choose_device, resolve_model

REPO = Path(__file__).resolve().parents[1]
DEFAULT_FILES = [REPO / "tests/data" / n for n in ("interview_25s.flac", "diarize_interview_40s.flac")] + [
    REPO / "tests/data/diarize_overleg_36s.flac"
]
PIPELINE = ["--no-diarize", "--no-summary", "--format", "none", "--device", "cpu"]


def make_inputs(files: list[Path], copies: int, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for copy in range(copies):
        for path in files:
            audio, rate = sf.read(path, dtype="int16", always_2d=True)
            padded = np.concatenate([audio, np.zeros((copy + 1, audio.shape[1]), dtype=audio.dtype)])
            target = folder / f"{path.stem}-{copy + 1}.flac"
            sf.write(target, padded, rate, subtype="PCM_16")
            made.append(target)
    return made


def run_in_process(inputs: list[Path], options: PipelineOptions, sessions: Path) -> dict:
    started = time.perf_counter()
    options.models.get(resolve_model(options.model), choose_device(options.device), options.cpu_threads)
    ready = time.perf_counter()
    result = run_batch(find_recordings(inputs)[0], InProcessBackend(sessions, options), DoneSessions({}))
    return _figures("in-process", 1, result, started, ready, time.perf_counter())


def run_on_ray(inputs: list[Path], options: PipelineOptions, sessions: Path, workers: int) -> dict:
    from notulist.batch.ray_backend import RayBackend

    started = time.perf_counter()
    backend = RayBackend.start(options, sessions, workers=workers, address=None)
    ready = time.perf_counter()
    result = run_batch(find_recordings(inputs)[0], backend, DoneSessions({}))
    return _figures(f"Ray, {workers} worker(s), {backend.plan.threads} thread(s) each", workers, result, started, ready,
                    time.perf_counter())  # fmt: skip


def _figures(name: str, workers: int, result: BatchResult, started: float, ready: float, ended: float) -> dict:
    done = [o for o in result.outcomes if o.status == DONE]
    if len(done) != len(result.outcomes):
        raise SystemExit(f"{name}: not every recording was transcribed: {result.outcomes}")
    audio_s = sum(o.audio_s or 0.0 for o in done)
    pipeline_s = sum(o.wall_s or 0.0 for o in done)
    work_s = ended - ready
    return {
        "name": name,
        "recordings": len(done),
        "audio_s": audio_s,
        "startup_s": ready - started,
        "work_s": work_s,
        "throughput": audio_s / work_s,
        "throughput_with_startup": audio_s / (ended - started),
        "overhead_s": (work_s * workers - pipeline_s) / len(done),
        "pipeline_median_s": statistics.median(o.wall_s or 0.0 for o in done),
        "load": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, default=DEFAULT_FILES)
    parser.add_argument("--copies", type=int, default=2, help="distinct copies of each file (default: 2)")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2, help="CPU threads in all (default: all)")
    args = parser.parse_args()
    options = options_from_args(build_parser().parse_args(["batch", "x", *PIPELINE, "--threads", str(args.threads)]))
    rows = []
    with tempfile.TemporaryDirectory(prefix="notulist-batch-bench-") as tmp:
        inputs = make_inputs(args.files, args.copies, Path(tmp) / "in")
        print(f"{len(inputs)} recordings, load average before: {os.getloadavg()[0]:.1f}", flush=True)
        rows.append(run_in_process(inputs, options, Path(tmp) / "s0"))
        print(rows[-1], flush=True)
        for workers in (1, 2):
            ray_options = options if workers == 1 else _threads(options, 0)  # 0: the cores split between workers
            rows.append(run_on_ray(inputs, ray_options, Path(tmp) / f"s{workers}", workers))
            print(rows[-1], flush=True)
    print_table(rows)


def _threads(options: PipelineOptions, threads: int) -> PipelineOptions:
    from dataclasses import replace

    return replace(options, cpu_threads=threads)


def print_table(rows: list[dict]) -> None:
    base = rows[0]["throughput"]
    print("\n| configuration | recordings (audio) | startup s | wall s after startup | audio h per wall h | "
          "vs in-process | with startup | overhead per recording s | median pipeline s | load avg |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['name']} | {r['recordings']} ({r['audio_s']:.0f} s) | {r['startup_s']:.1f} | {r['work_s']:.1f} | "
            f"{r['throughput']:.2f} | {r['throughput'] / base:.2f} | {r['throughput_with_startup']:.2f} | "
            f"{r['overhead_s']:.2f} | {r['pipeline_median_s']:.1f} | {r['load']:.1f} |"
        )


if __name__ == "__main__":
    main()
