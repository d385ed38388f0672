"""A finished or interrupted live recording (a ``.live`` folder) made into a normal session."""

from __future__ import annotations

from pathlib import Path

from notulist.archive.session import Session
from notulist.core.errors import NotulistError
from notulist.core.model import Segment, Transcript
from notulist.core.progress import ProgressHook
from notulist.live.annotations import record_annotations
from notulist.live.context import saved_context
from notulist.live.recording import (
    CapturedRecording,
    keep_live_ids,
    read_captured,
    remove,
    seal,
    unsupported_live_lines,
)
from notulist.pipeline.context import with_context
from notulist.pipeline.run import PipelineOptions, run_pipeline


def finalize_recording(
    path: Path, sessions_dir: Path, options: PipelineOptions, progress: ProgressHook, recovered: bool = True
) -> Session:
    """Make a session from a finished or interrupted ``.live`` folder; the folder is removed only on success.

    Live lines the final pass does not support (``unsupported_live_lines``) are recorded in the audit log as
    ``live_lines_unsupported`` with their ids and texts: what was shown live but, by the full-quality pass, not said.

    The keywords and context documents a browser recording was started with (``notulist.live.context``) are
    added to ``options``: hints for the final pass, the documents archived with the session.

    Errors leave the ``.live`` folder as it was and say how to
    try again.
    """
    captured: CapturedRecording = read_captured(path)
    keywords, documents = saved_context(captured.path)  # given when the recording started
    options = with_context(options, documents, keywords)
    unsupported: list[Segment] = []

    def postprocess(final: Transcript) -> Transcript:
        unsupported.extend(unsupported_live_lines(final, captured.segments))  # live lines checked against final
        return keep_live_ids(final, captured.segments)

    try:
        wav = seal(captured)
        session = run_pipeline(wav, sessions_dir, options, progress, postprocess=postprocess)
    except NotulistError as exc:
        raise _kept(exc, captured.path) from exc
    if unsupported:
        session.record(
            "live_lines_unsupported",
            {
                "ids": [s.id for s in unsupported],
                "lines": [
                    {"id": s.id, "start": round(s.start, 3), "end": round(s.end, 3), "text": s.text}
                    for s in unsupported
                ],
            },
        )
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
