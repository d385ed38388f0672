"""The flags shared by ``notulist transcribe``, ``live`` and ``recover``, turned into ``PipelineOptions``."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from notulist.cli.cmd_report import parse_formats
from notulist.cli.flags import said_as_flags
from notulist.pipeline.run import PipelineOptions


def add_sessions_dir_argument(parser: argparse.ArgumentParser) -> None:
    """``--sessions-dir``, where new sessions go (``notulist transcribe`` and ``notulist live``)."""
    parser.add_argument(
        "--sessions-dir",
        type=Path,
        default=Path("sessions"),
        help="where session folders are created (default: ./sessions)",
    )


def add_pipeline_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags shared by ``notulist transcribe`` and ``notulist live``."""
    asr = parser.add_argument_group("recognition")
    asr.add_argument(
        "--model",
        type=Path,
        metavar="DIR",
        help="a CTranslate2 Whisper model directory (large-v3, a Dutch fine-tune); default: the bundled Whisper base",
    )
    asr.add_argument(
        "--device",
        choices=("auto", "cpu", "cuda"),
        default="auto",
        help="where to run recognition; auto uses a CUDA GPU when CTranslate2 sees one (default: auto)",
    )
    asr.add_argument(
        "--compute-type", metavar="TYPE", help="CTranslate2 compute type (default: int8 on CPU, float16 on CUDA)"
    )
    asr.add_argument("--language", default="nl", help="spoken language code (default: nl)")
    asr.add_argument("--beam-size", type=int, default=5, help="beam size (default: 5)")
    asr.add_argument(
        "--decoding",
        choices=("sequential", "batched"),
        default="sequential",
        help="first recognition pass: sequential (as plain faster-whisper decodes) or batched "
        "(windows decoded together: faster, but sometimes less accurate than plain) (default: sequential)",
    )
    asr.add_argument(
        "--batch-size", type=int, default=8, help="windows recognised together with --decoding batched (default: 8)"
    )
    asr.add_argument(
        "--threads", type=int, default=0, metavar="N", help="CPU threads for recognition (default: all cores)"
    )
    asr.add_argument(
        "--accept-truncated",
        action="store_true",
        help="transcribe what can be decoded of a truncated file instead of refusing it",
    )
    asr.add_argument(
        "--audio-stream",
        type=int,
        metavar="N",
        default=None,
        help="which audio stream of a file with several to transcribe (0 is the first; the error lists them)",
    )
    for add in _argument_adders():
        add(parser)
    out = parser.add_argument_group("reports")
    out.add_argument(
        "--format",
        dest="report_formats",
        default="html,docx",
        type=_checked_formats,
        help="report formats to write, comma-separated from html,docx, or 'none' (default: html,docx)",
    )
    out.add_argument(
        "--audio",
        dest="audio_mode",
        choices=("auto", "embed", "link"),
        default="auto",
        help="embed the audio in report.html or link to audio.flac beside it (default: auto, by size)",
    )


def _checked_formats(value: str) -> str:
    """The ``--format`` value as given (the manifest records it so), once it names known formats."""
    parse_formats(value)
    return value


def _argument_adders() -> list[Callable[[argparse.ArgumentParser], None]]:
    from notulist.cli.diarize_args import add_diarization_arguments
    from notulist.cli.glossary_args import add_glossary_arguments
    from notulist.cli.meeting_args import add_template_arguments
    from notulist.cli.summary_args import add_summary_arguments

    return [add_diarization_arguments, add_glossary_arguments, add_summary_arguments, add_template_arguments]


@said_as_flags()
def options_from_args(args: argparse.Namespace) -> PipelineOptions:
    from notulist.cli.diarize_args import diarizer_from_args
    from notulist.cli.glossary_args import glossary_from_args
    from notulist.cli.meeting_args import new_session_meeting_from_args
    from notulist.cli.summary_args import summarizer_from_args

    formats = parse_formats(args.report_formats)
    glossary_choice = glossary_from_args(args)
    # The options as given, JSON-safe (paths, and lists of them, as strings), for the manifest.
    given = {
        key: value
        for key, value in vars(args).items()
        if key not in ("func", "command", "input", "sessions_dir") and not callable(value)
    }
    recorded = json.loads(json.dumps(given, default=str))
    return PipelineOptions(
        model=args.model,
        device=args.device,
        compute_type=args.compute_type,
        language=args.language,
        beam_size=args.beam_size,
        decoding=args.decoding,
        batch_size=args.batch_size,
        cpu_threads=args.threads,
        accept_truncated=args.accept_truncated,
        audio_stream=getattr(args, "audio_stream", None),
        diarizer=diarizer_from_args(args),
        glossary=glossary_choice.glossary if glossary_choice.link else None,
        decoding_hints=glossary_choice.hints,
        context=glossary_choice.context,
        second_pass=glossary_choice.second_pass,
        summarizer=summarizer_from_args(args),
        report_formats=formats,
        audio_mode=args.audio_mode,
        meeting=new_session_meeting_from_args(args),
        recorded=recorded,
    )
