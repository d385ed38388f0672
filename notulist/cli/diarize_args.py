"""The command-line options of diarization, shared by every command that diarizes (``notulist transcribe``...)."""

from __future__ import annotations

import argparse
from pathlib import Path

from notulist.cli.flags import said_as_flags
from notulist.diarization.diarize import BACKENDS, Diarizer, make_diarizer


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from exc
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a number of speakers: give 1 or more")
    return value


def add_diarization_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("speakers")
    group.add_argument("--no-diarize", action="store_true", help="do not tell speakers apart")
    group.add_argument("--speakers", type=_count, metavar="N", help="the number of speakers, when known")
    group.add_argument("--min-speakers", type=_count, metavar="N", help="at least N speakers")
    group.add_argument("--max-speakers", type=_count, metavar="N", help="at most N speakers")
    group.add_argument(
        "--diarizer",
        choices=BACKENDS,
        default="resemblyzer",
        help="resemblyzer: embedded, needs nothing more (default); pyannote: a local pyannote.audio pipeline",
    )
    group.add_argument(
        "--diarizer-model",
        type=Path,
        metavar="DIR",
        help="the folder of a pyannote pipeline (config.yaml and weights), with --diarizer pyannote",
    )


@said_as_flags()
def diarizer_from_args(args: argparse.Namespace) -> Diarizer | None:
    """The diarizer the options ask for; None with --no-diarize. Bad options raise NotulistError."""
    if getattr(args, "no_diarize", False):
        return None
    return make_diarizer(
        backend=args.diarizer,
        model_dir=args.diarizer_model,
        num_speakers=args.speakers,
        min_speakers=args.min_speakers,
        max_speakers=args.max_speakers,
    )
