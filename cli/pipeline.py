"""The whole of ``notulist transcribe``: a recording in, a committed, auditable session out.

Stages, each behind a small interface so it can be swapped: archive the original (FLAC, hashed) -> voice activity
-> recognition (batched faster-whisper) -> hallucination flags -> diarization + speaker assignment -> optional
post-processing (live mode keeps its segment ids) -> abbreviation links -> summary with citation check -> exports and
reports. Everything is written into a temporary folder that is renamed into place only when complete, so a failure
at any stage leaves no half-written session.
"""

from __future__ import annotations

import argparse
import json
import platform
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transcribe.audio import SAMPLE_RATE, archive_flac, load_for_recognition
from transcribe.errors import AudioError
from transcribe.flags import flag_segments
from transcribe.model import Transcript, transcript_to_dict
from transcribe.progress import Progress, ProgressHook
from transcribe.recognizer import FasterWhisperRecognizer, RecognizerSettings, shared_model
from transcribe.session import AUDIO, NewSession, Session, json_bytes, sha256_file
from transcribe.vad import speech_regions
from transcribe.whisper_model import choose_device, resolve_model

if TYPE_CHECKING:  # imported for annotations only: each stage is loaded when a run uses it
    from glossary import Glossary
    from summarize.summarizer import Summarizer
    from transcribe.diarize import Diarizer

PostProcess = Callable[[Transcript], Transcript]


@dataclass(frozen=True)
class PipelineOptions:
    """Everything a run needs; built from the command line by ``options_from_args``."""

    model: Path | None = None
    device: str = "auto"
    compute_type: str | None = None
    language: str = "nl"
    beam_size: int = 5
    batch_size: int = 8
    cpu_threads: int = 0
    accept_truncated: bool = False
    diarizer: Diarizer | None = None
    glossary: Glossary | None = None
    decoding_hints: str | None = None
    summarizer: Summarizer | None = None
    report_formats: tuple[str, ...] = ("html", "docx")
    audio_mode: str = "auto"
    recorded: dict[str, Any] = field(default_factory=dict)  # the options as given, for the manifest


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
    asr.add_argument("--batch-size", type=int, default=8, help="windows recognised together (default: 8)")
    asr.add_argument(
        "--threads", type=int, default=0, metavar="N", help="CPU threads for recognition (default: all cores)"
    )
    asr.add_argument(
        "--accept-truncated",
        action="store_true",
        help="transcribe what can be decoded of a truncated file instead of refusing it",
    )
    for add in _argument_adders():
        add(parser)
    out = parser.add_argument_group("reports")
    out.add_argument(
        "--format",
        dest="report_formats",
        default="html,docx",
        help="report formats to write, comma-separated from html,docx, or 'none' (default: html,docx)",
    )
    out.add_argument(
        "--audio",
        dest="audio_mode",
        choices=("auto", "embed", "link"),
        default="auto",
        help="embed the audio in report.html or link to audio.flac beside it (default: auto, by size)",
    )


def _argument_adders() -> list[Callable[[argparse.ArgumentParser], None]]:
    from cli.diarize_args import add_diarization_arguments
    from cli.glossary_args import add_glossary_arguments
    from cli.summary_args import add_summary_arguments

    return [add_diarization_arguments, add_glossary_arguments, add_summary_arguments]


def options_from_args(args: argparse.Namespace) -> PipelineOptions:
    from cli.diarize_args import diarizer_from_args
    from cli.glossary_args import glossary_from_args
    from cli.summary_args import summarizer_from_args

    formats = tuple(f.strip() for f in args.report_formats.split(",") if f.strip() and f.strip() != "none")
    unknown = set(formats) - {"html", "docx"}
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown report format {', '.join(sorted(unknown))}: use html and/or docx")
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
        batch_size=args.batch_size,
        cpu_threads=args.threads,
        accept_truncated=args.accept_truncated,
        diarizer=diarizer_from_args(args),
        glossary=glossary_choice.glossary if glossary_choice.link else None,
        decoding_hints=glossary_choice.hints,
        summarizer=summarizer_from_args(args),
        report_formats=formats,
        audio_mode=args.audio_mode,
        recorded=recorded,
    )


def _sha256_of(path: Path) -> str:
    try:
        return sha256_file(path)
    except OSError as exc:
        raise AudioError(f"cannot read {path} ({exc.strerror or exc}): check the file and its permissions") from exc


def run_pipeline(
    source: Path,
    sessions_dir: Path,
    options: PipelineOptions,
    progress: ProgressHook,
    postprocess: PostProcess | None = None,
) -> Session:
    """Transcribe ``source`` into a new session under ``sessions_dir`` and return the committed session."""
    source = Path(source)
    if not source.is_file():
        raise AudioError(f"{source} does not exist or is not a file: check the path of the recording")
    spec = resolve_model(options.model)
    choice = choose_device(options.device, options.compute_type)
    source_sha256 = _sha256_of(source)
    created = datetime.now().astimezone()
    with NewSession(sessions_dir, source.name, created) as new:
        progress(Progress("archive", 0, 1, "step"))
        archived = archive_flac(source, new.file(AUDIO), accept_truncated=options.accept_truncated)
        audio_sha256 = sha256_file(new.file(AUDIO))
        audio_info = {
            "file": AUDIO,
            "sha256": audio_sha256,
            "duration": round(archived.duration, 3),
            "sample_rate": archived.sample_rate,
            "channels": archived.channels,
            "bits_per_sample": archived.bits_per_sample,
            "source_name": source.name,
            "source_sha256": source_sha256,
            "source_sample_format": archived.source_format,
        }
        new.log(
            "session_created",
            {"audio_sha256": audio_sha256, "source_name": source.name, "source_sha256": source_sha256},
        )
        progress(Progress("archive", 1, 1, "step"))

        audio = load_for_recognition(new.file(AUDIO))
        duration = len(audio) / SAMPLE_RATE
        if options.diarizer is not None:  # diarize() waits for a warm-up still running
            threading.Thread(target=options.diarizer.warm_up, name="diarizer-warm-up", daemon=True).start()
        progress(Progress("detect speech", 0, duration))
        regions = speech_regions(audio)
        progress(Progress("detect speech", duration, duration))
        if not regions:
            raise AudioError(
                f"{source} holds no speech that can be heard ({duration:.1f} s of silence or noise): check the "
                "microphone or the file; nothing was saved"
            )

        model = shared_model(spec, choice, options.cpu_threads)
        settings = RecognizerSettings(
            language=options.language,
            beam_size=options.beam_size,
            batch_size=options.batch_size,
            hotwords=options.decoding_hints,
        )
        segments = FasterWhisperRecognizer(model, settings).recognize(audio, progress)
        if not segments:
            raise AudioError(f"no words were recognised in {source}: check the language (--language) and the audio")
        segments = flag_segments(segments, regions)
        transcript = Transcript(
            language=options.language,
            duration=duration,
            segments=segments,
            provenance={"asr_model": spec.name, "asr_model_sha256": spec.sha256},
        )

        files: dict[str, bytes] = {}
        diarizer_info: dict[str, Any] = {}
        if options.diarizer is not None:
            from transcribe.diarize import assign_speakers, rttm_text

            turns = options.diarizer.diarize(audio, regions, progress)
            transcript = assign_speakers(transcript, turns)
            files["speakers.rttm"] = rttm_text(turns, new.name).encode("utf-8")
            diarizer_info = options.diarizer.describe()
        if postprocess is not None:
            transcript = postprocess(transcript)

        glossary_info: dict[str, Any] = {}
        glossary_entries: dict[str, Any] = {}
        if options.glossary is not None:
            from glossary import entries_snapshot
            from glossary.linker import link_transcript

            progress(Progress("link abbreviations", 0, 1, "step"))
            transcript = link_transcript(transcript, options.glossary)
            snapshot = entries_snapshot(options.glossary, transcript.links)
            files["glossary.json"] = json_bytes(snapshot)
            glossary_entries = dict(snapshot.get("entries", {}))
            glossary_info = {"version": options.glossary.version, "sha256": options.glossary.sha256}
            progress(Progress("link abbreviations", 1, 1, "step"))

        summary = None
        if options.summarizer is not None:
            from summarize.citations import check_citations
            from summarize.model import summary_to_dict

            summary = check_citations(options.summarizer.summarize(transcript, progress), transcript)
            files["summary.json"] = json_bytes(summary_to_dict(summary))

        transcript = replace(transcript, provenance={**transcript.provenance, "created": created.isoformat()})
        new.write_json("transcript.json", transcript_to_dict(transcript))
        manifest = {
            "tool": "notulist",
            "tool_version": _tool_version(),
            "audio": audio_info,
            "models": {
                "asr": {
                    "name": spec.name,
                    "path": str(spec.path),
                    "sha256": spec.sha256,
                    "device": choice.device,
                    "compute_type": choice.compute_type,
                },
                **({"diarizer": diarizer_info} if diarizer_info else {}),
                **({"summarizer": {"method": summary.method, "model": summary.model}} if summary else {}),
            },
            "glossary": glossary_info,
            "options": {**options.recorded, "decoding_hints": options.decoding_hints},
            "platform": {"python": platform.python_version(), "machine": platform.machine()},
        }
        from cli.outputs import derived_files

        files.update(
            derived_files(
                transcript,
                {**manifest, "name": new.name, "created": created.isoformat()},
                summary,
                glossary_entries,
                new.file(AUDIO),
                options.report_formats,
                options.audio_mode,
                progress,
            )
        )
        for name, content in files.items():
            new.write_bytes(name, content)
        new.log(
            "transcribed",
            {
                "asr_model_sha256": spec.sha256,
                "segments": len(transcript.segments),
                "flagged_segments": sum(1 for s in transcript.segments if s.flags),
                "speakers": len(transcript.speakers),
                "links": len(transcript.links),
                "summary_points": len(summary.points) if summary else 0,
            },
        )
        return new.commit(manifest)


def _tool_version() -> str:
    from cli.main import tool_version

    return tool_version()
