"""The Starlette app behind ``notulist serve``: the sessions list, the review page, and a small JSON API.

Every request passes ``GuardMiddleware`` (token cookie, Host, Origin, CSRF, security headers). Pages are jinja2
templates with autoescape; the scripts are static ES modules (no inline script: the CSP forbids it).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from notulist.archive.corrections import session_view
from notulist.archive.session import AUDIO, Session
from notulist.core.errors import NotulistError
from notulist.pipeline.run import PipelineOptions
from notulist.reports.data import format_time
from notulist.reports.session_files import rerender, session_glossary_entries
from notulist.web import review
from notulist.web.catalog import (
    NotFound,
    Transcripts,
    Verifier,
    list_sessions,
    matches,
    resolve_session,
    summarize,
    title_of,
)
from notulist.web.edits import EditError, Locks, StaleVersion, apply_edit
from notulist.web.i18n import KINDS, LANGUAGES, ROLES, STATES, translator
from notulist.web.jobs import Jobs, UploadError, context_limit, read_context, receive_bytes, receive_upload, upload_name
from notulist.web.live_socket import LiveHandlers
from notulist.web.security import Guard, GuardMiddleware

STATIC = Path(__file__).parent / "static"
DOWNLOADS = {
    "report.html": "text/html",
    "report.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "transcript.txt": "text/plain",
    "transcript.srt": "text/plain",
    "transcript.vtt": "text/vtt",
}
MB = 1024 * 1024
AUDIO_CHUNK = MB // 2
STALE = "De sessie is intussen gewijzigd (in een ander tabblad of door iemand anders): herlaad de pagina."


@dataclass
class AppConfig:
    sessions_dir: Path
    guard: Guard
    operator: str
    pipeline_options: Callable[[], PipelineOptions] = PipelineOptions
    max_upload_bytes: int = 2048 * MB
    live_latency: str = "balanced"  # the live preset of browser recordings (notulist.live.presets)
    locks: Locks = field(default_factory=Locks)
    verifier: Verifier = field(default_factory=Verifier)
    transcripts: Transcripts = field(default_factory=Transcripts)


def _lang(request: Request) -> str:
    lang = request.cookies.get("notulist_lang", "nl")
    return lang if lang in LANGUAGES else "nl"


def _templates() -> Environment:
    env = Environment(loader=PackageLoader("notulist.web", "templates"), autoescape=select_autoescape(default=True))
    env.filters["clock"] = format_time
    return env


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


class Handlers:
    def __init__(self, config: AppConfig) -> None:
        self.config = config
        self.env = _templates()
        self.jobs = Jobs(config.sessions_dir, config.pipeline_options)

    def page(self, request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
        lang = _lang(request)
        html = self.env.get_template(name).render(
            t=translator(lang), lang=lang, csrf=self.config.guard.csrf, path=request.url.path, **values
        )
        return HTMLResponse(html, status_code=status)

    def session(self, request: Request) -> Session:
        return resolve_session(self.config.sessions_dir, request.path_params["sid"])

    async def sessions(self, request: Request) -> Response:
        query = request.query_params.get("q", "").strip()[:200]

        def build() -> list[Any]:
            found = list_sessions(self.config.sessions_dir)
            if query:
                found = [s for s in found if matches(s, query, self.config.transcripts)]
            return [summarize(s, self.config.verifier, self.config.transcripts) for s in found]

        rows = await asyncio.to_thread(build)
        states = STATES[_lang(request)]
        return self.page(
            request, "sessions.html", rows=rows, query=query, states=states, max_mb=self.config.max_upload_bytes // MB
        )

    async def language(self, request: Request) -> Response:
        lang = request.path_params["lang"]
        target = request.query_params.get("next", "/")
        if not target.startswith("/") or target.startswith("//") or "\\" in target:
            target = "/"
        response = RedirectResponse(target, status_code=303)
        if lang in LANGUAGES:
            response.set_cookie("notulist_lang", lang, httponly=True, samesite="strict", path="/")
        return response

    async def review_page(self, request: Request) -> Response:
        lang = _lang(request)
        try:
            session = self.session(request)
        except NotFound:
            return self.page(request, "error.html", 404, message=translator(lang)("not_found"))
        context = await asyncio.to_thread(self._review_context, session, lang)
        return self.page(request, "review.html", **context)

    def _review_context(self, session: Session, lang: str) -> dict[str, Any]:
        machine = self.config.transcripts.machine(session)
        view = session_view(session, machine)
        events = session.events()
        glossary = session_glossary_entries(session)
        return {
            "sid": session.path.name,
            "title": title_of(session, view),
            "view": view,
            "lines": review.lines(view, {s.id: s.flags for s in machine.segments if s.flags}, lang),
            "speakers": review.speakers(view),
            "roles": ROLES,
            "kinds": KINDS[lang],
            "audit": review.audit_rows(events, view.undone),
            "glossary": {
                key: {k: str(entry.get(k) or "") for k in ("abbreviation", "expansion", "description", "source")}
                for key, entry in glossary.items()
            },
            "has_audio": (session.path / AUDIO).is_file(),
            "states": STATES[lang],
        }

    async def verify(self, request: Request) -> Response:
        try:
            session = self.session(request)
        except NotFound:
            return _error(404, "Deze sessie bestaat niet.")
        problems = await asyncio.to_thread(self.config.verifier.problems, session)
        return JSONResponse({"problems": list(problems)})

    async def audio(self, request: Request) -> Response:
        try:
            session = self.session(request)
        except NotFound:
            return _error(404, "Deze sessie bestaat niet.")
        return await asyncio.to_thread(audio_range, session.path / AUDIO, request.headers.get("range"))

    async def download(self, request: Request) -> Response:
        name = request.path_params["name"]
        try:
            session = self.session(request)
        except NotFound:
            return _error(404, "Deze sessie bestaat niet.")
        if name not in DOWNLOADS or not (session.path / name).is_file():
            return _error(404, "Dit bestand bestaat niet in de sessie: exporteer het eerst.")
        filename = f"{session.path.name}_{name}"
        return FileResponse(session.path / name, media_type=DOWNLOADS[name], filename=filename)

    async def _json(self, request: Request) -> Any:
        if int(request.headers.get("content-length") or 0) > MB:
            raise EditError("Het verzoek is te groot.")
        try:
            return json.loads(await request.body())
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise EditError("Het verzoek is geen geldige JSON.") from exc

    async def edit(self, request: Request) -> Response:
        try:
            session = self.session(request)
            data = await self._json(request)
            machine = await asyncio.to_thread(self.config.transcripts.machine, session)
            view = await asyncio.to_thread(apply_edit, session, self.config.locks, data, self.config.operator, machine)
        except NotFound:
            return _error(404, "Deze sessie bestaat niet.")
        except StaleVersion:
            return _error(409, STALE)
        except EditError as exc:
            return _error(400, str(exc))
        except NotulistError as exc:
            return _error(500, f"Opslaan mislukt: {exc}")
        return JSONResponse(self._state(view, _lang(request)))

    def _state(self, view: Any, lang: str) -> dict[str, Any]:
        return {
            "version": view.version,
            "lines": [
                {
                    "id": s.id,
                    "text": s.text,
                    "speaker": s.speaker,
                    "speaker_name": view.transcript.speaker_name(s.speaker),
                    "original": view.originals.get(s.id),
                    "checked": view.checked.get(s.id),
                }
                for s in view.transcript.segments
            ],
        }

    async def export(self, request: Request) -> Response:
        try:
            session = self.session(request)
            data = await self._json(request)
        except NotFound:
            return _error(404, "Deze sessie bestaat niet.")
        except EditError as exc:
            return _error(400, str(exc))
        fmt = data.get("format") if isinstance(data, dict) else None
        if fmt not in ("html", "docx"):
            return _error(400, "Kies HTML of DOCX.")

        def render() -> int:
            with self.config.locks.of(session):
                data_ = {"formats": [fmt], "audio_mode": "link", "operator": self.config.operator}
                rerender(session, "report_rendered", data_, formats=[fmt], audio_mode="link")
                return len(session.events())

        try:
            version = await asyncio.to_thread(render)
        except NotulistError as exc:
            return _error(500, f"Exporteren mislukt: {exc}")
        name = f"report.{fmt}"
        return JSONResponse({"version": version, "url": f"/s/{session.path.name}/files/{name}"})

    async def context_upload(self, request: Request) -> Response:
        """One context document (agenda, case file) for the recording uploaded next: read and checked now."""
        try:
            data = await receive_bytes(request.stream(), context_limit(self.config.max_upload_bytes))
            document = await asyncio.to_thread(read_context, request.query_params.get("name", ""), data)
        except UploadError as exc:
            return _error(413 if "groter" in str(exc) else 400, str(exc))
        return JSONResponse({"id": self.jobs.keep_context(document), "name": document.name})

    async def upload(self, request: Request) -> Response:
        context_ids = [k for k in request.query_params.get("context", "").split(",") if k]
        try:
            context = self.jobs.context_documents(context_ids)  # before the recording is received
            name = upload_name(request.query_params.get("name", ""))
            declared = int(request.headers.get("content-length") or 0)
            if declared > self.config.max_upload_bytes:
                raise UploadError(f"Het bestand is groter dan {self.config.max_upload_bytes // MB} MB.")
            folder = await asyncio.to_thread(self.jobs.upload_dir)
            target = folder / name
            try:
                await receive_upload(request.stream(), target, self.config.max_upload_bytes)
            except BaseException:
                folder.rmdir()
                raise
        except UploadError as exc:
            return _error(413 if "groter" in str(exc) else 400, str(exc))
        self.jobs.forget_context(context_ids)
        job = self.jobs.start(target, name, context)
        return JSONResponse(job.as_dict())

    async def job_events(self, request: Request) -> Response:
        job = self.jobs.get(request.path_params["jid"])
        if job is None:
            return _error(404, "Deze taak bestaat niet.")

        async def stream() -> Any:
            last = None
            while True:
                current = json.dumps(job.as_dict())
                if current != last:
                    yield f"data: {current}\n\n"
                    last = current
                if job.state != "running" or await request.is_disconnected():
                    return
                await asyncio.sleep(0.5)

        return StreamingResponse(stream(), media_type="text/event-stream")


def audio_range(path: Path, header: str | None) -> Response:
    """The audio, or the part of it a Range header asks for, at most ``AUDIO_CHUNK`` bytes at a time.

    An open range ("bytes=N-") gets one chunk, not the rest of the file: a streamed answer the browser stops reading
    would keep its connection busy, and a browser has only six per host.
    """
    size = path.stat().st_size
    found = re.fullmatch(r"bytes=(\d*)-(\d*)", (header or "").strip())
    if found is None or not (found.group(1) or found.group(2)):
        return FileResponse(path, media_type="audio/flac", headers={"accept-ranges": "bytes"})
    first, last = found.group(1), found.group(2)
    start = int(first) if first else max(0, size - int(last))
    end = min(size - 1, int(last) if first and last else size - 1, start + AUDIO_CHUNK - 1)
    if start >= size or end < start:
        return Response(status_code=416, headers={"content-range": f"bytes */{size}"})
    with open(path, "rb") as handle:
        handle.seek(start)
        data = handle.read(end - start + 1)
    headers = {"content-range": f"bytes {start}-{end}/{size}", "accept-ranges": "bytes"}
    return Response(data, status_code=206, media_type="audio/flac", headers=headers)


def create_app(config: AppConfig) -> Starlette:
    h = Handlers(config)
    routes = [
        *LiveHandlers(h).routes(),  # recording in the browser (live_socket.py)
        Route("/", h.sessions),
        Route("/lang/{lang}", h.language),
        Route("/s/{sid}", h.review_page),
        Route("/s/{sid}/audio", h.audio),
        Route("/api/s/{sid}/verify", h.verify),
        Route("/s/{sid}/files/{name}", h.download),
        Route("/api/s/{sid}/edit", h.edit, methods=["POST"]),
        Route("/api/s/{sid}/export", h.export, methods=["POST"]),
        Route("/api/upload", h.upload, methods=["POST"]),
        Route("/api/context", h.context_upload, methods=["POST"]),
        Route("/api/jobs/{jid}/events", h.job_events),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes)
    app.add_middleware(GuardMiddleware, guard=config.guard)
    return app
