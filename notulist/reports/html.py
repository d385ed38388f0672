"""``report.html``: one self-contained, offline file to read, check and replay a session.

Rendered with jinja2 with autoescaping on: transcript text, speaker names, glossary text and summary points are
untrusted and are always escaped; the data the page script reads is embedded with jinja2's ``tojson`` (which
escapes ``<``, ``>``, ``&`` and ``'`` so it cannot close its ``<script>``). The only markup inserted as is are the
static CSS and JS shipped in ``notulist/reports/templates``. A Content-Security-Policy allows that one script (by its
sha256) and nothing from the network, so even a mistake in escaping could not run injected script.

The audio is embedded as a ``data:`` URI (and the page says so at its top: the file then holds the recording) or
linked by its file name (it lies next to the report in the session folder); ``auto`` embeds files up to
``reports.data.AUTO_EMBED_MAX_BYTES``. The template (``verslag``, ``besluitenlijst``, ``gespreksverslag`` or an
organisation's own from its template folder) decides which sections the minutes have and in which order.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from notulist.reports.data import ReportInput, audio_mime, build_view, clean_text, resolve_audio_mode
from notulist.reports.text import format_size

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class AudioSource:
    mode: str  # embed | link
    src: str
    name: str
    notice: str  # shown in the header ('' when the audio plays from inside the file)
    embedded_notice: str = ""  # "this file contains the recording": said at the top of a report that embeds it


def _environment(template_dir: Path | None) -> jinja2.Environment:
    """Templates from the organisation's folder first (when given), then the built-in ones."""
    folders = [str(template_dir)] if template_dir is not None else []
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([*folders, str(TEMPLATES)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
    )


@lru_cache(maxsize=1)
def _static() -> tuple[str, str]:
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    js = (TEMPLATES / "report.js").read_text(encoding="utf-8")
    for name, text in (("report.css", css), ("report.js", js)):
        if "</script" in text.lower() or "</style" in text.lower():
            raise RuntimeError(f"{name} must not contain a closing </script> or </style> tag")
    return css, js


def _csp(js: str) -> str:
    script_hash = base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode("ascii")
    return "; ".join(
        (
            "default-src 'none'",
            f"script-src 'sha256-{script_hash}'",
            "style-src 'unsafe-inline'",
            "img-src data:",
            "media-src data: blob: file: 'self'",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )


def _audio_source(report: ReportInput, labels: Any) -> AudioSource:
    path = Path(report.audio_path)
    mode = resolve_audio_mode(report.audio_mode, path)
    name = clean_text(path.name) or "audio.flac"
    if mode == "embed":
        raw = path.read_bytes()
        data = base64.b64encode(raw).decode("ascii")
        embedded = labels["embedded_audio"].format(size=format_size(len(raw)))
        return AudioSource("embed", f"data:{audio_mime(path)};base64,{data}", name, "", embedded)
    if not path.is_file():
        log.warning("audio %s not found: the report links to it by name", path)
        return AudioSource("link", quote(path.name or "audio.flac"), name, labels["audio_missing"].format(name=name))
    return AudioSource("link", quote(path.name), name, labels["audio_linked"].format(name=name))


def render_html(report: ReportInput) -> bytes:
    """The report as one UTF-8 HTML file."""
    view = build_view(report)
    css, js = _static()
    audio = _audio_source(report, view.labels)
    segments = [{"id": line.id, "start": round(line.start, 3), "end": round(line.end, 3)} for line in view.lines]
    entry_titles = {e.key: e.expansion or e.abbreviation for e in view.entries}
    starts = {line.id: line.start for line in view.lines}
    html = (
        _environment(report.template_dir)
        .get_template(view.template.html)
        .render(
            view=view,
            audio=audio,
            segments=segments,
            entry_titles=entry_titles,
            starts=starts,
            tool_version=clean_text(report.manifest.get("tool_version")) if report.manifest else "",
            css=Markup(css),  # static asset shipped with the package, not data
            js=Markup(js),  # static asset shipped with the package, not data
            csp=_csp(js),
        )
    )
    return html.encode("utf-8")
