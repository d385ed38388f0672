"""``notulist batch INPUTS...``: many recordings, one session each, here or on Ray."""

from __future__ import annotations

import argparse
import importlib.util
import logging
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from notulist.batch import InProcessBackend, find_recordings, run_batch
from notulist.batch.model import DONE, FAILED, NOT_RUN, SKIPPED, BatchResult
from notulist.batch.report import report_data, write_report
from notulist.batch.resume import EXECUTION_ONLY, DoneSessions, options_fingerprint
from notulist.cli.arg_types import counting
from notulist.cli.batch_view import BatchView, summary_table
from notulist.cli.pipeline_args import add_pipeline_arguments, options_from_args
from notulist.core.errors import NotulistError
from notulist.pipeline.run import PipelineOptions

EXIT_SOME_FAILED = 1
EXIT_INTERRUPTED = 130
BATCH_FLAGS = ("inputs", "workers", "ray_address", "report")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "batch",
        help="transcribe many recordings (files, folders, globs) into one session each",
        description="Transcribe every recording given (files; folders, walked recursively for audio and video "
        "files; glob patterns such as 'recordings/**/*.m4a') into its own session, exactly as `notulist "
        "transcribe` does, with the same options. Recordings already in the sessions folder with the same "
        "options are skipped, so an interrupted batch can simply be run again. A file that fails is reported "
        "and the batch goes on; the exit status is 1 when any recording failed. Runs in this process one "
        "recording after another, or on Ray: --workers N starts a local Ray instance (loopback only) with N "
        "workers, --ray-address joins an existing cluster (one worker per GPU there).",
    )
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="recordings, folders or glob patterns")
    parser.add_argument(
        "--sessions-dir", type=Path, default=Path("sessions"), help="where session folders are created (./sessions)"
    )
    ray = parser.add_argument_group("running on Ray (pip install 'notulist[ray]')")
    ray.add_argument(
        "--workers",
        type=counting("workers"),
        metavar="N",
        help="start a local Ray instance with N workers that each load the models once (CPU cores are split "
        "between them; one per GPU); with --ray-address: how many workers to start there",
    )
    ray.add_argument(
        "--ray-address",
        metavar="ADDR",
        help="an existing Ray cluster (host:port or ray://host:port); default: one worker per GPU it has",
    )
    parser.add_argument(
        "--report", type=Path, metavar="FILE", help="also write a JSON report: every input, its session or its error"
    )
    add_pipeline_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    options = options_from_args(args)
    options = replace(options, recorded={k: v for k, v in options.recorded.items() if k not in BATCH_FLAGS})
    recordings, missing = find_recordings(args.inputs, exclude=[args.sessions_dir])
    if not recordings and not missing:
        raise NotulistError("no audio or video files were found in the inputs given: check the paths")
    done = DoneSessions.scan(args.sessions_dir, options_fingerprint(options))
    started = datetime.now().astimezone()
    with BatchView(recordings) as view:
        for given in missing:
            view.note(f"  FAILED   {given}: matches no file or folder")
        backend, execution = _backend(args, options, view)
        result = run_batch(recordings, backend, done, view)
    finished = datetime.now().astimezone()
    print(summary_table(result.outcomes, missing))
    print(_totals(result, len(missing)))
    if args.report:
        kept = {k: v for k, v in options.recorded.items() if k not in EXECUTION_ONLY}
        write_report(args.report, report_data(result, args.sessions_dir, started, finished, execution, kept, missing))
        print(f"report: {args.report}")
    if result.interrupted:
        print("notulist: batch interrupted; run the same command again to go on", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_SOME_FAILED if result.failed or missing else 0


def _backend(args: argparse.Namespace, options: PipelineOptions, view: BatchView):
    if args.workers is None and args.ray_address is None:
        return InProcessBackend(args.sessions_dir, options, view), {"backend": "in-process", "workers": 1}
    if importlib.util.find_spec("ray") is None:
        raise NotulistError(
            "--workers and --ray-address need Ray: pip install 'notulist[ray]' (or leave them out to transcribe "
            "here, one recording after another)"
        )
    from notulist.batch.ray_backend import RayBackend

    if not args.verbose:  # Ray's own notices (token authentication...) would break into the progress view
        logging.getLogger("ray").setLevel(logging.ERROR)

    view.note(
        "  starting Ray" + (f" at {args.ray_address}" if args.ray_address else " on this machine (loopback only)")
    )
    backend = RayBackend.start(options, args.sessions_dir, args.workers, args.ray_address)
    view.note(f"  Ray: {backend.plan.describe()}")
    kind = "ray-cluster" if args.ray_address else "ray-local"
    return backend, {
        "backend": kind,
        "workers": backend.plan.count,
        "threads_per_worker": backend.plan.threads,
        "gpus_per_worker": backend.plan.num_gpus,
    }


def _totals(result: BatchResult, missing: int) -> str:
    parts = [f"{result.count(DONE)} transcribed", f"{result.count(SKIPPED)} skipped (already done)"]
    parts.append(f"{result.count(FAILED) + missing} failed")
    if result.count(NOT_RUN):
        parts.append(f"{result.count(NOT_RUN)} not run")
    return ", ".join(parts)
