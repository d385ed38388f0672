"""A finished or interrupted live recording (a ``.live`` folder) made into a normal session."""

from __future__ import annotations

from pathlib import Path

from notulist.archive.session import Session
from notulist.core.errors import NotulistError
from notulist.core.progress import ProgressHook
from notulist.live.annotations import record_annotations
from notulist.live.recording import CapturedRecording, keep_live_ids, read_captured, remove, seal
from notulist.pipeline.run import PipelineOptions, run_pipeline


def finalize_recording(
    path: Path, sessions_dir: Path, options: PipelineOptions, progress: ProgressHook, recovered: bool = True
) -> Session:
    """Make a session from a finished or interrupted ``.live`` folder; the folder is removed only on success.

    Errors leave the ``.live`` folder as it was and say how to
    try again.
    """
    captured: CapturedRecording = read_captured(path)
    try:
        wav = seal(captured)
        session = run_pipeline(
            wav, sessions_dir, options, progress, postprocess=lambda final: keep_live_ids(final, captured.segments)
        )
    except NotulistError as exc:
        raise _kept(exc, captured.path) from exc
    session.record(
        "live_recording_recovered" if recovered else "live_recording",
        {
            "live_folder": captured.path.name,
            "captured_s": round(captured.duration_s, 3),
            "live_segments": len(captured.segments),
            "source": captured.meta.source,
        },
    )
    record_annotations(session, captured.path, captured.segments)  # pauses, names, details noted while recording
    remove(captured)
    return session


def _kept(exc: NotulistError, path: Path) -> NotulistError:
    """The same error, saying where the recording is kept and how to try again."""
    message = f"{exc} (the recording is kept in {path}: `notulist recover {path}`)"
    try:
        kept = type(exc)(message)
    except TypeError:
        kept = NotulistError(message)
    kept.exit_code = exc.exit_code
    kept.parameters = exc.parameters
    return kept
