"""The derived files of a session: plain-text and subtitle exports and the HTML/DOCX reports.

``derived_files`` renders them for a new session; ``rerender`` renders them again for a committed one (after
speakers were named, a summary rewritten or a report asked for) and records the change in the audit log. What the
user said about the meeting (``meeting_info`` and the roles of ``speakers_named`` events: title, date, place,
kenmerk, status, template) is read from the audit log. ``share_minutes`` renders ``minutes.docx``: the minutes to
send on, without the recording, the transcript or local paths. The machine's ``transcript.json`` and ``audio.flac``
are never rewritten.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from notulist.archive.corrections import session_view
from notulist.archive.session import AUDIO, Session
from notulist.core.model import Transcript
from notulist.core.progress import Progress, ProgressHook, Stage, no_progress
from notulist.core.report_formats import REPORT_FORMATS
from notulist.reports.exports import render_srt, render_txt, render_vtt
from notulist.reports.meeting import MeetingInfo, meeting_from_events
from notulist.summary.model import Summary, summary_from_dict

REPORT_FILES = {"html": "report.html", "docx": "report.docx"}
SHARE_FILE = "minutes.docx"


def derived_files(
    transcript: Transcript,
    manifest: Mapping[str, Any],
    summary: Summary | None,
    glossary_entries: Mapping[str, Mapping[str, Any]],
    audio_path: Path,
    formats: Sequence[str] = REPORT_FORMATS,
    audio_mode: str = "auto",
    progress: ProgressHook = no_progress,
    meeting: MeetingInfo | None = None,
    template_dir: Path | None = None,
    unknown_abbreviations: Sequence[Mapping[str, Any]] = (),
) -> dict[str, bytes]:
    """Every derived file of a session, by file name (the template is the meeting's, else ``verslag``).

    ``unknown_abbreviations`` are glossary.json's ``context.unknown_abbreviations`` (an appendix of the reports).
    """
    files = {
        "transcript.txt": render_txt(transcript).encode("utf-8"),
        "transcript.srt": render_srt(transcript).encode("utf-8"),
        "transcript.vtt": render_vtt(transcript).encode("utf-8"),
    }
    if formats:
        from notulist.reports.data import ReportInput

        report = ReportInput(
            transcript,
            manifest,
            summary,
            glossary_entries,
            audio_path,
            audio_mode,
            meeting=meeting or MeetingInfo(),
            template_dir=template_dir,
            unknown_abbreviations=tuple(unknown_abbreviations),
        )
        for done, fmt in enumerate(formats):
            progress(Progress(Stage.WRITE_REPORTS, done, len(formats), "file"))
            if fmt == "html":
                from notulist.reports.html import render_html

                files[REPORT_FILES[fmt]] = render_html(report)
            elif fmt == "docx":
                from notulist.reports.docx import render_docx

                files[REPORT_FILES[fmt]] = render_docx(report)
        progress(Progress(Stage.WRITE_REPORTS, len(formats), len(formats), "file"))
    return files


def session_summary(session: Session) -> Summary | None:
    if not (session.path / "summary.json").is_file():
        return None
    return summary_from_dict(session.read_json("summary.json"))


def session_glossary_entries(session: Session) -> dict[str, Any]:
    if not (session.path / "glossary.json").is_file():
        return {}
    return dict(session.read_json("glossary.json").get("entries", {}))


def session_unknown_abbreviations(session: Session) -> list[Any]:
    """glossary.json's ``context.unknown_abbreviations`` (acronyms of the context documents the glossary lacks)."""
    if not (session.path / "glossary.json").is_file():
        return []
    context = session.read_json("glossary.json").get("context")
    unknown = context.get("unknown_abbreviations") if isinstance(context, Mapping) else None
    return list(unknown) if isinstance(unknown, list) else []


def session_meeting(session: Session) -> MeetingInfo:
    """What the audit log says about the meeting (``meeting_info`` and speaker roles), later events winning."""
    return meeting_from_events(session.events())


def template_dir_of(data: Mapping[str, Any]) -> Path | None:
    """The organisation's template folder named in an event's data (``template_dir``), if any."""
    folder = data.get("template_dir") if isinstance(data, Mapping) else None
    return Path(folder) if folder else None


def share_minutes(session: Session, template_dir: Path | None = None) -> bytes:
    """``minutes.docx``: the session's minutes to send on (no recording, no transcript, hashes in an appendix)."""
    from notulist.reports.data import ReportInput
    from notulist.reports.docx import render_docx

    meeting = session_meeting(session)
    if template_dir is None and meeting.template_dir:
        template_dir = Path(meeting.template_dir)
    report = ReportInput(
        session.transcript(),
        session.manifest,
        session_summary(session),
        session_glossary_entries(session),
        session.path / AUDIO,
        "link",
        meeting=meeting,
        template_dir=template_dir,
        share=True,
    )
    return render_docx(report)


def rerender(
    session: Session,
    event: str,
    data: Mapping[str, Any],
    formats: Sequence[str] | None = None,
    audio_mode: str = "auto",
    extra_files: Mapping[str, bytes] | None = None,
) -> list[str]:
    """Render the session's exports and reports again from its current state and record ``event``.

    ``formats`` defaults to the reports the session already has. ``extra_files`` (for example a new summary.json)
    are written in the same audited update. Returns the names of the files written.
    """
    if formats is None:
        formats = [fmt for fmt, name in REPORT_FILES.items() if (session.path / name).is_file()]
    files = dict(extra_files or {})
    corrected = session_view(session)  # the machine output with every audited correction applied
    meeting = session_meeting(session)
    # A new summary.json must be rendered, not the one on disk.
    summary = summary_from_dict(json.loads(files["summary.json"])) if "summary.json" in files else corrected.summary
    files.update(
        derived_files(
            corrected.transcript,
            session.manifest,
            summary,
            session_glossary_entries(session),
            session.path / AUDIO,
            formats,
            audio_mode,
            meeting=meeting,
            template_dir=template_dir_of(data) or (Path(meeting.template_dir) if meeting.template_dir else None),
            unknown_abbreviations=session_unknown_abbreviations(session),
        )
    )
    session.update(files, event, data)
    return sorted(files)
