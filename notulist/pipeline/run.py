"""The whole of ``notulist transcribe``: a recording in, a committed, auditable session out.

Stages, each behind a small interface so it can be swapped: archive the original (FLAC, hashed) -> voice activity
-> recognition (batched faster-whisper) -> hallucination flags -> diarization + speaker assignment -> optional
post-processing (live mode keeps its segment ids) -> abbreviation links -> summary with citation check -> exports and
reports. Everything is written into a temporary folder that is renamed into place only when complete, so a failure
at any stage leaves no half-written session.
"""

from __future__ import annotations

import platform
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from notulist import __version__
from notulist.archive.session import AUDIO, NewSession, Session, json_bytes, sha256_file
from notulist.audio.decode import SAMPLE_RATE, archive_flac, load_for_recognition
from notulist.audio.vad import speech_regions
from notulist.core.errors import AudioError
from notulist.core.model import Transcript, transcript_to_dict
from notulist.core.progress import Progress, ProgressHook
from notulist.recognition.flags import flag_segments
from notulist.recognition.recognizer import FasterWhisperRecognizer, RecognizerSettings, shared_model
from notulist.recognition.whisper_model import choose_device, resolve_model

if TYPE_CHECKING:  # imported for annotations only: each stage is loaded when a run uses it
    from notulist.diarization.diarize import Diarizer
    from notulist.glossary import Glossary
    from notulist.summary.summarizer import Summarizer

PostProcess = Callable[[Transcript], Transcript]


@dataclass(frozen=True)
class PipelineOptions:
    """Everything a run needs; the command line builds it in ``notulist.cli.pipeline_args``."""

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
            from notulist.diarization.diarize import assign_speakers, rttm_text

            turns = options.diarizer.diarize(audio, regions, progress)
            transcript = assign_speakers(transcript, turns)
            files["speakers.rttm"] = rttm_text(turns, new.name).encode("utf-8")
            diarizer_info = options.diarizer.describe()
        if postprocess is not None:
            transcript = postprocess(transcript)

        glossary_info: dict[str, Any] = {}
        glossary_entries: dict[str, Any] = {}
        if options.glossary is not None:
            from notulist.glossary import entries_snapshot
            from notulist.glossary.linker import link_transcript

            progress(Progress("link abbreviations", 0, 1, "step"))
            transcript = link_transcript(transcript, options.glossary)
            snapshot = entries_snapshot(options.glossary, transcript.links)
            files["glossary.json"] = json_bytes(snapshot)
            glossary_entries = dict(snapshot.get("entries", {}))
            glossary_info = {"version": options.glossary.version, "sha256": options.glossary.sha256}
            progress(Progress("link abbreviations", 1, 1, "step"))

        summary = None
        if options.summarizer is not None:
            from notulist.summary.citations import check_citations
            from notulist.summary.model import summary_to_dict

            summary = check_citations(options.summarizer.summarize(transcript, progress), transcript)
            files["summary.json"] = json_bytes(summary_to_dict(summary))

        transcript = replace(transcript, provenance={**transcript.provenance, "created": created.isoformat()})
        new.write_json("transcript.json", transcript_to_dict(transcript))
        manifest = {
            "tool": "notulist",
            "tool_version": __version__,
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
        from notulist.reports.session_files import derived_files

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
