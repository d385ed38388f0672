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
from notulist.archive.manifest import Manifest
from notulist.archive.session import AUDIO, NewSession, Session, json_bytes, session_name, sha256_file
from notulist.audio.decode import ArchivedAudio, archive_flac, load_for_recognition
from notulist.audio.vad import speech_regions
from notulist.core.audio import SAMPLE_RATE
from notulist.core.errors import AudioError
from notulist.core.model import Transcript, transcript_to_dict
from notulist.core.progress import Progress, ProgressHook, Stage
from notulist.core.report_formats import REPORT_FORMATS
from notulist.recognition.doubt import DoubtRule, describe, mark_uncertain
from notulist.recognition.flags import flag_segments
from notulist.recognition.model_pool import ModelPool
from notulist.recognition.recognizer import FasterWhisperRecognizer, RecognizerSettings
from notulist.recognition.whisper_model import DeviceChoice, ModelSpec, choose_device, resolve_model

if TYPE_CHECKING:  # imported for annotations only: each stage is loaded when a run uses it
    import numpy as np

    from notulist.diarization.diarize import Diarizer
    from notulist.glossary import Glossary
    from notulist.glossary.context import SessionContext
    from notulist.glossary.spelled import Candidate
    from notulist.reports.meeting import MeetingInfo
    from notulist.summary.model import Summary
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
    decoding: str = "sequential"  # the first recognition pass: "sequential" or "batched" (RecognizerSettings)
    batch_size: int = 8
    cpu_threads: int = 0
    accept_truncated: bool = False
    audio_stream: int | None = None  # which audio stream of a file with several
    diarizer: Diarizer | None = None
    glossary: Glossary | None = None
    decoding_hints: str | None = None
    context: SessionContext | None = None  # the context documents (--context) and what they say
    second_pass: tuple[Candidate, ...] = ()  # abbreviations the glossary second pass listens for; () = off
    summarizer: Summarizer | None = None
    report_formats: tuple[str, ...] = REPORT_FORMATS
    audio_mode: str = "auto"
    meeting: dict[str, Any] = field(default_factory=dict)  # meeting_info the session starts with (template, agenda)
    recorded: dict[str, Any] = field(default_factory=dict)  # the options as given, for the manifest
    models: ModelPool = field(default_factory=ModelPool, compare=False)  # loaded models, shared by its users


def _sha256_of(path: Path) -> str:
    try:
        return sha256_file(path)
    except OSError as exc:
        raise AudioError(f"cannot read {path} ({exc.strerror or exc}): check the file and its permissions") from exc


@dataclass(frozen=True)
class _Run:
    """What one run knows before it starts: the source, the model and device, when it began."""

    source: Path
    source_sha256: str
    spec: ModelSpec
    choice: DeviceChoice
    created: datetime
    options: PipelineOptions
    meeting: dict[str, Any]  # what the minutes start from (meeting_info: template, agenda), see _meeting_data


@dataclass
class _Outputs:
    """What the stages after recognition add to the session: files, manifest entries, glossary meanings."""

    files: dict[str, bytes] = field(default_factory=dict)
    diarizer: dict[str, Any] = field(default_factory=dict)
    glossary: dict[str, Any] = field(default_factory=dict)
    glossary_entries: dict[str, Any] = field(default_factory=dict)
    unknown_abbreviations: list[Any] = field(default_factory=list)  # of the context documents (a report appendix)
    context: list[dict[str, Any]] = field(default_factory=list)
    summary: Summary | None = None


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
    run = _Run(
        source=source,
        source_sha256=_sha256_of(source),
        spec=resolve_model(options.model),
        choice=choose_device(options.device, options.compute_type),
        created=datetime.now().astimezone(),
        options=options,
        meeting=_meeting_data(options),
    )
    with NewSession(sessions_dir, source.name, run.created) as new:
        audio_info = _archive(run, new, progress)
        audio = load_for_recognition(new.file(AUDIO), audio_info.get("recognition_channel"))
        if options.diarizer is not None:  # diarize() waits for a warm-up still running
            threading.Thread(target=options.diarizer.warm_up, name="diarizer-warm-up", daemon=True).start()
        regions = _detect_speech(run, audio, progress)
        transcript = _recognize(run, audio, regions, progress)
        outputs = _Outputs()
        transcript = _apply_context(run, new, transcript, audio, outputs, progress)
        transcript = _diarize(run, new, transcript, audio, regions, outputs, progress)
        if postprocess is not None:
            transcript = postprocess(transcript)
        transcript = _link(run, transcript, outputs, progress)
        _summarize(run, transcript, outputs, progress)
        transcript = clamp_to_audio(transcript)
        transcript = replace(transcript, provenance={**transcript.provenance, "created": run.created.isoformat()})
        new.write_json("transcript.json", transcript_to_dict(transcript))
        manifest = _manifest(run, audio_info, outputs)
        meeting = _record_meeting(run, new)
        _write_outputs(run, new, transcript, manifest, outputs, progress, meeting)
        new.log("transcribed", _transcribed_event(run, transcript, outputs.summary))
        return new.commit(manifest)


def _archive(run: _Run, new: NewSession, progress: ProgressHook) -> dict[str, Any]:
    """Archive the original losslessly as ``audio.flac`` and log the session's creation; the manifest's audio entry."""
    progress(Progress(Stage.ARCHIVE, 0, 1, "step"))
    archived = archive_flac(
        run.source,
        new.file(AUDIO),
        accept_truncated=run.options.accept_truncated,
        stream_index=run.options.audio_stream,
    )
    audio_sha256 = sha256_file(new.file(AUDIO))
    new.log(
        "session_created",
        {"audio_sha256": audio_sha256, "source_name": run.source.name, "source_sha256": run.source_sha256},
    )
    progress(Progress(Stage.ARCHIVE, 1, 1, "step"))
    return {
        "file": AUDIO,
        "sha256": audio_sha256,
        "duration": round(archived.duration, 3),
        "sample_rate": archived.sample_rate,
        "channels": archived.channels,
        "bits_per_sample": archived.bits_per_sample,
        "source_name": run.source.name,
        "source_sha256": run.source_sha256,
        "source_sample_format": archived.source_format,
        **_intake(archived),
    }


def _intake(archived: ArchivedAudio) -> dict[str, Any]:
    """How the audio was taken in, when anything was done beyond a plain lossless copy (the manifest says so)."""
    intake: dict[str, Any] = {"stream": archived.stream_index}
    if archived.gain != 1.0:
        intake["gain"] = archived.gain
    if archived.recognition_channel is not None:
        intake["recognition_channel"] = archived.recognition_channel
    if archived.notes:
        intake["notes"] = list(archived.notes)
    return intake


def clamp_to_audio(transcript: Transcript) -> Transcript:
    """No segment or word ends after the audio does (the recogniser's last timestamp can run past it)."""
    end = transcript.duration

    def clamp(item):
        start = min(item.start, end)
        return replace(item, start=start, end=max(start, min(item.end, end)))

    segments = tuple(replace(clamp(s), words=tuple(clamp(w) for w in s.words)) for s in transcript.segments)
    return replace(transcript, segments=segments)


def _detect_speech(run: _Run, audio: np.ndarray, progress: ProgressHook) -> list[tuple[float, float]]:
    duration = len(audio) / SAMPLE_RATE
    progress(Progress(Stage.DETECT_SPEECH, 0, duration))
    regions = speech_regions(audio)
    progress(Progress(Stage.DETECT_SPEECH, duration, duration))
    if not regions:
        raise AudioError(
            f"{run.source} holds no speech that can be heard ({duration:.1f} s of silence or noise): check the "
            "microphone or the file; nothing was saved"
        )
    return regions


def _recognize(run: _Run, audio: np.ndarray, regions: list[tuple[float, float]], progress: ProgressHook) -> Transcript:
    options = run.options
    progress(Progress(Stage.RECOGNIZE, 0, len(audio) / SAMPLE_RATE))  # loading the model is part of recognition
    model = options.models.get(run.spec, run.choice, options.cpu_threads)
    settings = RecognizerSettings(
        language=options.language,
        beam_size=options.beam_size,
        decoding=options.decoding,
        batch_size=options.batch_size,
        hotwords=options.decoding_hints,
    )
    segments = FasterWhisperRecognizer(model, settings).recognize(audio, progress)
    if not segments:
        raise AudioError(f"no words were recognised in {run.source}: check the language and the audio")
    return Transcript(
        language=options.language,
        duration=len(audio) / SAMPLE_RATE,
        segments=mark_uncertain(flag_segments(segments, regions), _known_terms(options), DoubtRule()),
        provenance={"asr_model": run.spec.name, "asr_model_sha256": run.spec.sha256},
    )


def _apply_context(
    run: _Run, new: NewSession, transcript: Transcript, audio: np.ndarray, outputs: _Outputs, progress: ProgressHook
) -> Transcript:
    """Archive the context documents as ``context/NAME`` and run the glossary second pass (audit: each replacement
    with both texts)."""
    options = run.options
    if options.context is not None:
        from notulist.archive.session import CONTEXT_DIR

        new.file(CONTEXT_DIR).mkdir(exist_ok=True)
        for document in options.context.documents:
            new.write_bytes(f"{CONTEXT_DIR}/{document.name}", document.data)
            entry = {"file": f"{CONTEXT_DIR}/{document.name}", "sha256": document.sha256, "bytes": len(document.data)}
            outputs.context.append(entry)
        new.log("context_archived", {"documents": outputs.context, "hints": options.decoding_hints})
    if not options.second_pass or options.glossary is None:
        return transcript
    from notulist.recognition.second_pass import SecondPass

    progress(Progress(Stage.SECOND_PASS, 0, 1, "step"))
    model = options.models.get(run.spec, run.choice, options.cpu_threads)
    segments, replaced = SecondPass(model, options.second_pass).run(audio, transcript.segments)
    for replacement in replaced:
        new.log("abbreviation_redecoded", replacement.to_dict())
    progress(Progress(Stage.SECOND_PASS, 1, 1, "step"))
    return replace(transcript, segments=tuple(segments)) if replaced else transcript


def _known_terms(options: PipelineOptions) -> list[str]:
    """Words the word-doubt rule must not call rare: the glossary's abbreviations and the decoding hints."""
    entries = options.glossary.entries.values() if options.glossary is not None else ()
    glossary = [term for e in entries for term in (e.abbreviation, *e.spoken_variants)]
    return glossary + (options.decoding_hints or "").replace(",", " ").split()


def _diarize(
    run: _Run,
    new: NewSession,
    transcript: Transcript,
    audio: np.ndarray,
    regions: list[tuple[float, float]],
    outputs: _Outputs,
    progress: ProgressHook,
) -> Transcript:
    diarizer = run.options.diarizer
    if diarizer is None:
        return transcript
    from notulist.diarization.diarize import assign_speakers, rttm_text

    turns = diarizer.diarize(audio, regions, progress)
    outputs.files["speakers.rttm"] = rttm_text(turns, new.name).encode("utf-8")
    outputs.diarizer = diarizer.describe()
    return assign_speakers(transcript, turns)


def _link(run: _Run, transcript: Transcript, outputs: _Outputs, progress: ProgressHook) -> Transcript:
    glossary = run.options.glossary
    if glossary is None:
        return transcript
    from notulist.glossary import entries_snapshot
    from notulist.glossary.linker import link_transcript

    progress(Progress(Stage.LINK_ABBREVIATIONS, 0, 1, "step"))
    context = run.options.context
    transcript = link_transcript(transcript, glossary, context.unknown_keys() if context else frozenset())
    snapshot = entries_snapshot(glossary, transcript.links, run.options.context)
    outputs.files["glossary.json"] = json_bytes(snapshot)
    outputs.glossary_entries = dict(snapshot.get("entries", {}))
    outputs.unknown_abbreviations = list(snapshot.get("context", {}).get("unknown_abbreviations", []))
    outputs.glossary = {"version": glossary.version, "sha256": glossary.sha256}
    progress(Progress(Stage.LINK_ABBREVIATIONS, 1, 1, "step"))
    return transcript


def _summarize(run: _Run, transcript: Transcript, outputs: _Outputs, progress: ProgressHook) -> None:
    if run.options.summarizer is None:
        return
    from notulist.summary.citations import check_citations
    from notulist.summary.model import summary_to_dict
    from notulist.summary.summarizer import with_agenda

    summarizer = with_agenda(run.options.summarizer, tuple(run.meeting.get("agenda") or ()))
    outputs.summary = check_citations(summarizer.summarize(transcript, progress), transcript)
    outputs.files["summary.json"] = json_bytes(summary_to_dict(outputs.summary))


def _meeting_data(options: PipelineOptions) -> dict[str, Any]:
    """What the session's minutes start from (``meeting_info``): the user's template and agenda, the agenda taken from
    a context document when the user gave none."""
    data = dict(options.meeting)
    if "agenda" not in data and options.context is not None:
        from notulist.summary.agenda import agenda_of_documents

        data.update(agenda_of_documents(options.context.documents))
    return data


def _manifest(run: _Run, audio_info: dict[str, Any], outputs: _Outputs) -> Manifest:
    summary = outputs.summary
    return Manifest(
        tool_version=__version__,
        name=session_name(run.created, run.source.name),
        created=run.created.isoformat(timespec="seconds"),
        audio=audio_info,
        models={
            "asr": {
                "name": run.spec.name,
                "path": str(run.spec.path),
                "sha256": run.spec.sha256,
                "files": dict(run.spec.files),
                "device": run.choice.device,
                "compute_type": run.choice.compute_type,
            },
            **({"diarizer": outputs.diarizer} if outputs.diarizer else {}),
            **({"summarizer": {"method": summary.method, "model": summary.model}} if summary else {}),
        },
        glossary=outputs.glossary,
        context=outputs.context,
        word_doubt=describe(DoubtRule()),
        options={**run.options.recorded, "decoding_hints": run.options.decoding_hints},
        platform={"python": platform.python_version(), "machine": platform.machine()},
    )


def _record_meeting(run: _Run, new: NewSession) -> MeetingInfo:
    """Log what the session's minutes start from (``meeting_info``); later ``notulist report`` options override it."""
    from notulist.reports.meeting import MEETING_INFO, MeetingInfo, merge_meeting_info

    if run.meeting:
        new.log(MEETING_INFO, run.meeting)
    return merge_meeting_info(MeetingInfo(), run.meeting)


def _write_outputs(
    run: _Run,
    new: NewSession,
    transcript: Transcript,
    manifest: Manifest,
    outputs: _Outputs,
    progress: ProgressHook,
    meeting: MeetingInfo | None = None,
) -> None:
    """Write the stage files, the exports and the reports into the new session."""
    from notulist.reports.session_files import derived_files

    files = dict(outputs.files)
    files.update(
        derived_files(
            transcript,
            replace(manifest, name=new.name).to_dict(),
            outputs.summary,
            outputs.glossary_entries,
            new.file(AUDIO),
            run.options.report_formats,
            run.options.audio_mode,
            progress,
            meeting=meeting,
            template_dir=Path(meeting.template_dir) if meeting and meeting.template_dir else None,
            unknown_abbreviations=outputs.unknown_abbreviations,
        )
    )
    for name, content in files.items():
        new.write_bytes(name, content)


def _transcribed_event(run: _Run, transcript: Transcript, summary: Summary | None) -> dict[str, Any]:
    return {
        "asr_model_sha256": run.spec.sha256,
        "segments": len(transcript.segments),
        "flagged_segments": sum(1 for s in transcript.segments if s.flags),
        "speakers": len(transcript.speakers),
        "links": len(transcript.links),
        "summary_points": len(summary.points) if summary else 0,
    }
