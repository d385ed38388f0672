"""``report.html``: one self-contained, offline file to read, check and replay a session.

Rendered with jinja2 with autoescaping on: transcript text, speaker names, glossary text and summary points are
untrusted and are always escaped; the data the page script reads is embedded with jinja2's ``tojson`` (which
escapes ``<``, ``>``, ``&`` and ``'`` so it cannot close its ``<script>``). The only markup inserted as is are the
static CSS and JS shipped in ``notulist/reports/templates``. A Content-Security-Policy allows that one script (by its
sha256) and nothing from the network, so even a mistake in escaping could not run injected script.

The audio is embedded as a ``data:`` URI or linked by its file name (it lies next to the report in the session
folder); ``auto`` embeds files up to ``report_data.AUTO_EMBED_MAX_BYTES``.
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

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class AudioSource:
    mode: str  # embed | link
    src: str
    name: str
    notice: str  # shown in the header ('' when the audio plays from inside the file)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
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
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return AudioSource("embed", f"data:{audio_mime(path)};base64,{data}", name, "")
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
        _environment()
        .get_template("report.html.j2")
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
