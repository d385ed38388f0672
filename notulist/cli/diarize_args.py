"""The command-line options of diarization, shared by every command that diarizes (``notulist transcribe``...)."""

from __future__ import annotations

import argparse
from pathlib import Path

from notulist.cli.arg_types import counting
from notulist.cli.flags import said_as_flags
from notulist.diarization.diarize import BACKENDS, Diarizer, make_diarizer


def add_diarization_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("speakers")
    group.add_argument("--no-diarize", action="store_true", help="do not tell speakers apart")
    group.add_argument("--speakers", type=counting("speakers"), metavar="N", help="the number of speakers, when known")
    group.add_argument("--min-speakers", type=counting("speakers"), metavar="N", help="at least N speakers")
    group.add_argument("--max-speakers", type=counting("speakers"), metavar="N", help="at most N speakers")
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
