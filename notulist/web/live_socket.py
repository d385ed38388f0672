"""Recording in the browser ("Nieuwe opname"): the page, its two JSON calls and the audio socket.

The protocol (one WebSocket per page, ``/api/live/{id}/socket``)
=================================================================

1. The page asks ``POST /api/live/start`` (JSON ``{"title", "participants": [{"name", "role"}], "keywords"?:
   "FIOD, Belastingdienst", "documents"?: [{"name": "agenda.pdf", "data": BASE64}]}``, with the CSRF header like
   every other change) and gets ``{"id"}``; a document that cannot be read (.txt, .md, .docx, .pdf with text) is
   refused with a Dutch ``{"error"}`` and nothing is started. Keywords and documents are hints for the live and the
   final recognition (``notulist.live.context``), and the documents are archived with the session. The server has
   then already created the ``.live`` folder and started the live worker: recording starts at once, Whisper loads
   beside it and catches up.
2. The page opens ``ws://<the app's own address>/api/live/{id}/socket``. The socket passes the app's guard (token
   cookie, Host, Origin) and must carry the app's own Origin: a page from any other site, or a program without the
   token, cannot open it, so nothing else can put audio into a session.
3. Page -> server, every message numbered by one counter ``seq`` (0, 1, 2, ... per recording):

   - audio: a binary message, a 4-byte little-endian unsigned ``seq`` followed by 16 kHz mono signed 16-bit
     little-endian PCM (the page sends 100 ms, 1,600 samples, at a time; at most 5 s in one message);
   - control: a text message, JSON ``{"seq", "type": "pause" | "resume" | "stop" | "name", ...}``; ``name`` carries
     ``"label": "S2", "name": "mevrouw Jansen", "role"?``; ``pause`` may carry ``"reason"``.

   The server handles each ``seq`` once, in order: a message it already has (a resend after a reconnect) is ignored,
   so resending is idempotent; a message that skips one is not handled and answered with ``resend``. The page keeps
   every message until the server acknowledged it and resends the rest after reconnecting.
4. Server -> page, JSON text messages with a ``type``:

   - ``hello`` ``{id, title, next_seq, state, hints}`` (``hints``: the terms recognition listens for, or null),
     then the whole state so far (lines, tail, labels, gaps, status),
     on every (re)connect: the page drops what is below ``next_seq`` and resends the rest;
   - ``ack`` ``{next_seq}``: everything below ``next_seq`` has been received; ``resend`` ``{next_seq}``: resend
     from there;
   - ``line`` ``{id, start, end, speaker, text, links: [{start, end, surface, abbreviation, expansion, description,
     source, url}]}``: a committed line (``start``/``end`` in seconds of recorded audio, ``speaker`` a provisional
     label such as "S1" or null; link offsets index ``text``);
   - ``tail`` ``{open, provisional, start}``: committed words of the line not yet closed, and the provisional words
     after them (rewritten by every step);
   - ``labels`` ``{names: {"S2": {"name", "role"}}}``; ``paused`` ``{at_s}``; ``resumed`` ``{at_s, paused_s}``;
     ``gaps`` ``{gaps: [{at_s, paused_s}]}``;
   - ``status`` ``{state, captured_s, written_s, recognized_s, lag_s, model_ready, model_error}`` every half
     second (``lag_s``: how far recognition is behind the audio; ``model_error``: why there is no live text);
   - ``state`` ``{state}`` (recording, paused, stopping, finalizing, done, failed); ``progress`` ``{stage, stage_en,
     done, total}`` of the final pass (``stage`` named in Dutch as the upload page names it, ``stage_en`` in
     English); ``done`` ``{session}`` (then the page opens ``/s/{session}``);
   - ``error`` ``{code, message}``: a Dutch sentence for the user.

Opening the page starts loading the live model (once per server), so that live text does not wait for it;
``GET /api/live/model`` says ``{ready, error}`` (the page shows it before recording).

Recovery: ``POST /api/live/recover`` ``{"folder"}`` makes an interrupted ``.live`` folder (a crash of an earlier
server) into a session; its progress comes over the same socket.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
import re
from pathlib import Path
from typing import Any

import numpy as np
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from notulist.core.errors import NotulistError
from notulist.glossary.documents import ContextDocument, ContextError, document_from_bytes, unique_names
from notulist.live.recording import read_captured
from notulist.web.i18n import ROLES
from notulist.web.live_recorder import LiveRecorder, LiveRecorders, SequenceGap, StartContext

log = logging.getLogger(__name__)

HEADER = 4  # bytes: the little-endian sequence number before the PCM
MAX_FRAME_BYTES = HEADER + 2 * 16_000 * 5
STATUS_EVERY_S = 0.5
MAX_PARTICIPANTS = 30
MAX_KEYWORDS = 30
MAX_DOCUMENTS = 10
MAX_START_BYTES = 30 * 1024 * 1024  # the start call carries the documents (base64): about 20 MB of files

WORDS: dict[str, tuple[str, str]] = {
    "new": ("Nieuwe opname", "New recording"),
    "mic": ("Microfoon", "Microphone"),
    "level": ("Niveau", "Level"),
    "participants": ("Deelnemers (optioneel)", "Participants (optional)"),
    "keywords": ("Trefwoorden (optioneel)", "Keywords (optional)"),
    "keywords_placeholder": ("bijv. FIOD, btw, Belastingdienst", "e.g. FIOD, VAT, Tax Administration"),
    "documents": ("Agenda of stukken bijvoegen (optioneel)", "Attach agenda or papers (optional)"),
    "context_hint": (
        "Afkortingen en namen die u verwacht, gescheiden door komma's, en de agenda of stukken (.txt, .md, .docx, "
        ".pdf) helpen de herkenning, live en bij de verwerking. De stukken worden bij de sessie bewaard.",
        "Abbreviations and names you expect, separated by commas, and the agenda or papers (.txt, .md, .docx, .pdf) "
        "help recognition, live and in the processing. The papers are kept with the session.",
    ),
    "hints": ("Herkenning let op", "Recognition listens for"),
    "model_loading": (
        "Spraakmodel laden… U kunt al opnemen: de tekst verschijnt zodra het model geladen is.",
        "Loading the speech model… You can already record: the text appears once it is loaded.",
    ),
    "model_ready": ("Spraakmodel geladen: de tekst verschijnt tijdens het opnemen.", "Speech model loaded."),
    "add_participant": ("Deelnemer toevoegen", "Add participant"),
    "record": ("Opnemen", "Record"),
    "pause": ("Pauze", "Pause"),
    "resume": ("Hervatten", "Resume"),
    "stop": ("Stoppen en verwerken", "Stop and process"),
    "lag": ("achterstand", "behind"),
    "loading": ("model laden…", "loading model…"),
    "name_label": ("Spreker benoemen", "Name a speaker"),
    "label": ("Label", "Label"),
    "apply": ("Toepassen", "Apply"),
    "interrupted": ("Onderbroken opnamen", "Interrupted recordings"),
    "interrupted_hint": (
        "Deze opnamen zijn niet afgemaakt (de app stopte tijdens de opname). De audio staat op schijf.",
        "These recordings were not finished (the app stopped while recording). The audio is on disk.",
    ),
    "recover": ("Herstellen", "Recover"),
    "running": ("Lopende opnamen", "Recordings in progress"),
    "open": ("Openen", "Open"),
    "seconds": ("s audio", "s audio"),
    "connection": ("Verbinding", "Connection"),
    "mic_missing": ("Geen microfoon gevonden.", "No microphone found."),
}


def live_words(lang: str) -> dict[str, str]:
    index = 1 if lang == "en" else 0
    return {key: pair[index] for key, pair in WORDS.items()}


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def start_context(keywords: Any, documents: Any) -> StartContext:
    """The keywords (a string: comma- or line-separated) and documents (``[{"name", "data"}]``, data in base64) the
    page gave; a document is read as ``notulist transcribe --context`` reads it (ContextError: said to the user)."""
    words = [k.strip() for k in re.split(r"[,;\n]", str(keywords or "")) if k.strip()][:MAX_KEYWORDS]
    items = documents if isinstance(documents, list) else []
    if len(items) > MAX_DOCUMENTS:
        raise ValueError(f"Geef hoogstens {MAX_DOCUMENTS} documenten.")
    read: list[ContextDocument] = []
    for number, item in enumerate(items, 1):
        name = Path(str(item.get("name") or "") if isinstance(item, dict) else "").name or f"document-{number}"
        name = re.sub(r"[^\w.() -]+", "_", name).strip(" .")[:120] or f"document-{number}"
        try:
            data = base64.b64decode(str(item.get("data") or ""), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError(f"Het document {name} kwam niet goed aan: kies het opnieuw.") from exc
        read.append(document_from_bytes(name, data))
    return StartContext(tuple(words), tuple(unique_names(read)))


def _participants(value: Any) -> list[dict[str, str]]:
    found = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, dict) and str(item.get("name") or "").strip():
            found.append({"name": str(item["name"]).strip()[:120], "role": str(item.get("role") or "").strip()[:60]})
    return found[:MAX_PARTICIPANTS]


class LiveHandlers:
    """The page, the start/recover calls and the socket; ``handlers`` is the app's ``Handlers`` (page rendering)."""

    def __init__(self, handlers: Any) -> None:
        self.handlers = handlers
        self.config = handlers.config
        self.recorders = LiveRecorders(self.config.sessions_dir)

    def routes(self) -> list:
        return [
            Route("/live", self.page),
            Route("/api/live/model", self.model),
            Route("/api/live/start", self.start, methods=["POST"]),
            Route("/api/live/recover", self.recover, methods=["POST"]),
            WebSocketRoute("/api/live/{rid}/socket", self.socket),
        ]

    async def page(self, request: Request) -> Response:
        lang = request.cookies.get("notulist_lang", "nl")
        self.recorders.warmup.start(self.config.pipeline_options())  # a recording is likely: load the model now
        interrupted = await asyncio.to_thread(self._interrupted)
        running = [{"id": r.id, "title": r.title or r.folder.name, "state": r.state} for r in self.recorders.running()]
        return self.handlers.page(
            request,
            "live.html",
            w=live_words(lang),
            interrupted=interrupted,
            running=running,
            attach=request.query_params.get("rec", ""),
            roles=ROLES,
        )

    async def model(self, request: Request) -> Response:
        return JSONResponse(self.recorders.warmup.state())

    def _interrupted(self) -> list[dict[str, Any]]:
        found = []
        for path in self.recorders.interrupted():
            try:
                captured = read_captured(path)
            except NotulistError:
                continue
            found.append({"folder": path.name, "seconds": round(captured.duration_s), "created": captured.meta.created})
        return found

    async def _body(self, request: Request, limit: int = 64 * 1024) -> dict[str, Any]:
        if int(request.headers.get("content-length") or 0) > limit:
            raise ValueError(f"Het verzoek is te groot (hoogstens {limit // (1024 * 1024) or 1} MB).")
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                raise ValueError(f"Het verzoek is te groot (hoogstens {limit // (1024 * 1024) or 1} MB).")
        try:
            data = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ValueError("Het verzoek is geen geldige JSON.") from exc
        if not isinstance(data, dict):
            raise ValueError("Het verzoek is geen geldige JSON.")
        return data

    async def start(self, request: Request) -> Response:
        try:
            data = await self._body(request, MAX_START_BYTES)
            context = await asyncio.to_thread(start_context, data.get("keywords"), data.get("documents"))
        except ValueError as exc:
            return _error(400, str(exc))
        except ContextError as exc:  # a document that cannot be read: nothing is started
            return _error(400, f"Agenda of stukken: {exc}")
        title = str(data.get("title") or "").strip()[:200]
        participants = _participants(data.get("participants"))
        try:
            recorder = await asyncio.to_thread(
                LiveRecorder.start,
                self.config.sessions_dir,
                title,
                participants,
                self.config.pipeline_options(),
                self.config.operator,
                context,
                self.config.live_latency,
            )
        except NotulistError as exc:
            return _error(500, f"De opname kon niet beginnen: {exc}")
        self.recorders.add(recorder)
        return JSONResponse({"id": recorder.id, "folder": recorder.folder.name, "hints": recorder.hints})

    async def recover(self, request: Request) -> Response:
        try:
            data = await self._body(request)
        except ValueError as exc:
            return _error(400, str(exc))
        name = str(data.get("folder") or "")
        folders = {path.name: path for path in await asyncio.to_thread(self.recorders.interrupted)}
        if name not in folders:  # only a folder the app itself listed: no paths from the page
            return _error(404, "Deze onderbroken opname bestaat niet (meer).")
        try:
            recorder = await asyncio.to_thread(
                LiveRecorder.recover,
                self.config.sessions_dir,
                folders[name],
                self.config.pipeline_options(),
                self.config.operator,
            )
        except NotulistError as exc:
            return _error(500, f"Herstellen lukte niet: {exc}")
        self.recorders.add(recorder)
        return JSONResponse({"id": recorder.id})

    async def socket(self, websocket: WebSocket) -> None:
        # the guard checked the token cookie, Host and any Origin; the audio socket also insists on an Origin
        if websocket.headers.get("origin") not in self.config.guard.origins:
            await websocket.close(code=1008)
            return
        recorder = self.recorders.get(websocket.path_params["rid"])
        await websocket.accept()
        if recorder is None:
            await websocket.send_json({"type": "error", "code": "unknown", "message": "Deze opname bestaat niet."})
            await websocket.close(code=4404)
            return
        await Connection(websocket, recorder).serve()


class Connection:
    """One page's socket to one recording: receive numbered messages, send the recording's messages."""

    def __init__(self, websocket: WebSocket, recorder: LiveRecorder) -> None:
        self.websocket = websocket
        self.recorder = recorder
        self.subscriber = recorder.channel.subscribe()

    async def serve(self) -> None:
        for message in self.recorder.hello():
            self.subscriber.queue.put_nowait(message)
        tasks = [asyncio.create_task(c) for c in (self._receive(), self._send(), self._tick())]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            self.recorder.channel.unsubscribe(self.subscriber)

    def _say(self, message: dict[str, Any]) -> None:
        self.subscriber.queue.put_nowait(message)

    async def _send(self) -> None:
        try:
            while True:
                await self.websocket.send_text(json.dumps(await self.subscriber.queue.get(), ensure_ascii=False))
        except (WebSocketDisconnect, RuntimeError, OSError):
            return

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(STATUS_EVERY_S)
            self._say(self.recorder.status())

    async def _receive(self) -> None:
        while True:
            try:
                message = await self.websocket.receive()
            except (WebSocketDisconnect, RuntimeError):
                return
            if message["type"] == "websocket.disconnect":
                return
            try:
                if message.get("bytes") is not None:
                    self._audio(message["bytes"])
                elif message.get("text") is not None:
                    await self._control(message["text"])
            except SequenceGap:
                self._say({"type": "resend", "next_seq": self.recorder.next_seq})
                continue
            except ValueError as exc:
                self._say({"type": "error", "code": "protocol", "message": f"Onbruikbaar bericht: {exc}"})
                continue
            self._say({"type": "ack", "next_seq": self.recorder.next_seq})

    def _audio(self, data: bytes) -> None:
        if len(data) < HEADER or len(data) > MAX_FRAME_BYTES or (len(data) - HEADER) % 2:
            raise ValueError("een audiobericht moet een volgnummer en hele 16-bit samples bevatten (hoogstens 5 s)")
        seq = int.from_bytes(data[:HEADER], "little")
        self.recorder.receive_audio(seq, np.frombuffer(data[HEADER:], dtype="<i2").astype(np.int16))

    async def _control(self, text: str) -> None:
        try:
            message = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError("geen geldige JSON") from exc
        if not isinstance(message, dict) or not isinstance(message.get("seq"), int):
            raise ValueError("een stuurbericht heeft een volgnummer (seq) nodig")
        await asyncio.to_thread(self.recorder.receive_control, message["seq"], message)
