"""One recording made in the browser, on the server: the same live worker as ``notulist live``, fed by the socket.

A ``LiveRecorder`` owns a ``.live`` folder (``LiveRecording``: the audio on disk within a second), a
``PushedSource`` that the audio socket feeds, a ``LiveWorker`` (streaming recognition, live speaker labels) whose
model loads beside the recording (``LoadingDecoder``: recording starts at once), and the state the page shows:
committed lines with their abbreviation links, the provisional tail, the names given to speaker labels, pauses.
Every change is published as one JSON message (``notulist.web.live_socket`` documents them) to the connected pages;
a page that (re)connects gets the whole state first. When the recording stops (or the worker ends by itself: the
disk is full), ``finalize_recording`` makes the full-quality session, with its progress published.

``LiveRecorders`` is the app's set of them: started, found again by id, and the interrupted ``.live`` folders
(left by a crash of an earlier server) that can be made into sessions.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from notulist.audio.pushed import PushedSource
from notulist.core.errors import NotulistError
from notulist.core.model import Segment, Word
from notulist.core.progress import Progress
from notulist.glossary.documents import ContextDocument
from notulist.live.annotations import Annotations
from notulist.live.context import save_context
from notulist.live.finalize import finalize_recording
from notulist.live.hints import HintedDecoder
from notulist.live.loading import LoadingDecoder
from notulist.live.presets import PRESETS
from notulist.live.recording import DiskFullError, LiveRecording, find_interrupted, read_captured, remove
from notulist.live.speakers import LiveSpeakerLabeler
from notulist.live.worker import LiveResult, LiveUpdate, LiveWorker
from notulist.pipeline.context import with_context
from notulist.pipeline.run import PipelineOptions
from notulist.web.jobs import STAGES_NL

log = logging.getLogger(__name__)

ACTIVE = ("recording", "paused")


@dataclass(frozen=True)
class StartContext:
    """What the page gave for recognition: keywords and context documents (agenda, case file)."""

    keywords: tuple[str, ...] = ()
    documents: tuple[ContextDocument, ...] = ()


class SequenceGap(ValueError):
    """A message arrived before one it follows: the page must resend from ``next_seq``."""


@dataclass
class Subscriber:
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue


@dataclass
class Channel:
    """The messages of one recording to every page following it (thread-safe)."""

    subscribers: list[Subscriber] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def subscribe(self) -> Subscriber:
        subscriber = Subscriber(asyncio.get_running_loop(), asyncio.Queue())
        with self.lock:
            self.subscribers.append(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        with self.lock:
            if subscriber in self.subscribers:
                self.subscribers.remove(subscriber)

    def publish(self, message: dict[str, Any]) -> None:
        with self.lock:
            targets = list(self.subscribers)
        for target in targets:
            try:
                target.loop.call_soon_threadsafe(target.queue.put_nowait, message)
            except RuntimeError:  # that page's loop is gone
                self.unsubscribe(target)


def progress_message(event: Progress) -> dict[str, Any]:
    """The final pass's progress for the page: the stage named in Dutch as the upload page names it (``stage``),
    and in English (``stage_en``) for a page in English."""
    return {
        "type": "progress",
        "stage": STAGES_NL.get(event.stage, str(event.stage)),
        "stage_en": str(event.stage),
        "done": event.done,
        "total": event.total,
    }


def _words_text(words: tuple[Word, ...] | list[Word]) -> str:
    return " ".join(w.text for w in words)


class LiveRecorder:
    """A browser recording (``start``) or an interrupted one being made into a session (``recover``)."""

    def __init__(self, rid: str, title: str, folder: Path, operator: str) -> None:
        self.id = rid
        self.title = title
        self.folder = folder
        self.operator = operator
        self.state = "recording"  # recording | paused | stopping | finalizing | done | failed
        self.channel = Channel()
        self.lines: dict[str, dict[str, Any]] = {}
        self.tail: dict[str, Any] = {"type": "tail", "open": "", "provisional": "", "start": None}
        self.names: dict[str, dict[str, str]] = {}
        self.gaps: list[dict[str, Any]] = []
        self.progress: dict[str, Any] | None = None
        self.session_id: str | None = None
        self.error: str | None = None
        self.hints: str | None = None  # what live recognition is told to expect (keywords, context documents)
        self.next_seq = 0
        self.recognized_s = 0.0
        self.started = time.monotonic()
        self.source: PushedSource | None = None
        self.worker: LiveWorker | None = None
        self.decoder: LoadingDecoder | None = None
        self.recording: LiveRecording | None = None
        self.annotations = Annotations(folder)
        self._marker: Any = None
        self._paused_at: float | None = None
        self._lock = threading.RLock()

    # ------------------------------------------------------------------------------------------------ starting

    @classmethod
    def start(
        cls,
        sessions_dir: Path,
        title: str,
        participants: list[dict[str, str]],
        options: PipelineOptions,
        operator: str,
        context: StartContext | None = None,
        latency: str = "balanced",
    ) -> LiveRecorder:
        """Create the ``.live`` folder and start recording at once; the model loads beside it. ``context``: the
        keywords and documents given for this recording, kept in the folder (the final pass archives the documents)
        and given to live recognition as hints, the same hints the final pass gets. ``latency``: the live preset."""
        from notulist.live.abbreviations import AbbreviationMarker
        from notulist.recognition.whisper_model import choose_device, resolve_model
        from notulist.recognition.window_decoder import WindowDecoder

        context = context or StartContext()
        slug = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()[:40] or "opname"
        recording = LiveRecording.create(sessions_dir, slug, 16_000)
        recorder = cls(secrets.token_hex(8), title, recording.path, operator)
        recorder.recording = recording
        details = {"title": title, "operator": operator} if title else {"operator": operator}
        if participants:
            details["participants"] = participants
        recorder.annotations.add("meeting_info", details)
        save_context(recording.path, context.keywords, context.documents)
        hints = recorder.hints = with_context(options, context.documents, context.keywords).decoding_hints
        preset = PRESETS[latency].for_language(options.language)

        def load() -> HintedDecoder:  # beside the recording: the glossary, then the model (no lines before it)
            recorder._marker = AbbreviationMarker.create(options.glossary)
            device = choose_device(options.device, options.compute_type)
            model = options.models.get(resolve_model(options.model), device, options.cpu_threads)
            return HintedDecoder(WindowDecoder(model, preset.window), hints)

        recorder.decoder = LoadingDecoder(load)
        recorder.source = PushedSource("browser")
        speakers = LiveSpeakerLabeler() if options.diarizer is not None else None
        recorder.worker = LiveWorker(
            recorder.decoder, recorder.source, recording, recorder._on_update, preset.streaming, True, speakers=speakers
        )
        recorder.worker.start()
        threading.Thread(
            target=recorder._await_end, args=(sessions_dir, options), name=f"live-{recorder.id}", daemon=True
        ).start()
        return recorder

    @classmethod
    def recover(cls, sessions_dir: Path, folder: Path, options: PipelineOptions, operator: str) -> LiveRecorder:
        """Make an interrupted ``.live`` folder into a session, with its progress published like a stop."""
        recorder = cls(secrets.token_hex(8), folder.name, folder, operator)
        recorder.state = "finalizing"
        captured = read_captured(folder)
        recorder.lines = {s.id: recorder._line(s, with_links=False) for s in captured.segments}
        threading.Thread(
            target=recorder._finalize, args=(sessions_dir, options, True), name=f"recover-{recorder.id}", daemon=True
        ).start()
        return recorder

    # ------------------------------------------------------------------------------------------ from the page

    def _in_order(self, seq: int) -> bool:
        """True for the next message; False for one already received (a resend); SequenceGap for a skip."""
        if seq < self.next_seq:
            return False
        if seq > self.next_seq:
            raise SequenceGap(f"expected message {self.next_seq}, got {seq}")
        self.next_seq += 1
        return True

    def receive_audio(self, seq: int, samples: np.ndarray) -> None:
        with self._lock:
            if not self._in_order(seq):
                return
            if self.state == "recording" and self.source is not None and not self.source.ended:
                self.source.push(samples)
            # audio sent while paused or after stop was never meant to be recorded: dropped

    def receive_control(self, seq: int, message: dict[str, Any]) -> None:
        with self._lock:
            if not self._in_order(seq):
                return
            kind = message.get("type")
            if kind == "pause":
                self._pause(str(message.get("reason") or ""))
            elif kind == "resume":
                self._resume()
            elif kind == "stop":
                self.stop()
            elif kind == "name":
                self._name(message)

    def _pause(self, reason: str) -> None:
        if self.state != "recording" or self.source is None:
            return
        self.state, self._paused_at = "paused", time.monotonic()
        at = round(self.source.pushed_s, 3)
        data = {"at_s": at, "operator": self.operator, **({"reason": reason} if reason else {})}
        self._note("recording_paused", data)
        self.gaps.append({"at_s": at, "paused_s": None})
        self.channel.publish({"type": "paused", "at_s": at})

    def _resume(self) -> None:
        if self.state != "paused" or self.source is None:
            return
        paused_s = round(time.monotonic() - (self._paused_at or time.monotonic()), 3)
        self.state, self._paused_at = "recording", None
        at = round(self.source.pushed_s, 3)
        self._note("recording_resumed", {"at_s": at, "paused_s": paused_s, "operator": self.operator})
        if self.gaps:
            self.gaps[-1]["paused_s"] = paused_s
        self.channel.publish({"type": "resumed", "at_s": at, "paused_s": paused_s})

    def _name(self, message: dict[str, Any]) -> None:
        label = str(message.get("label") or "")
        if not re.fullmatch(r"S\d{1,3}", label):
            return
        name, role = str(message.get("name") or "").strip()[:120], str(message.get("role") or "").strip()[:60]
        self._note("live_speaker_named", {"label": label, "name": name, "role": role, "operator": self.operator})
        self.names[label] = {"name": name, "role": role}
        self.channel.publish({"type": "labels", "names": self.names})

    def stop(self) -> None:
        with self._lock:
            if self.state in ACTIVE and self.source is not None:
                if self.state == "paused":
                    self._resume_quietly()
                self.state = "stopping"
                self.source.stop()
                self.channel.publish({"type": "state", "state": self.state})

    def _resume_quietly(self) -> None:
        """Stopping while paused ends the pause in the record (the paused stretch stays uncaptured)."""
        self._resume()

    def _note(self, event: str, data: dict[str, Any]) -> None:
        try:
            self.annotations.add(event, data)
        except OSError as exc:  # the audio matters more; said on the page
            self._fail_softly(f"Kon de gebeurtenis '{event}' niet opslaan ({exc.strerror or exc}).")

    def _fail_softly(self, message: str) -> None:
        self.channel.publish({"type": "error", "code": "note", "message": message})

    # --------------------------------------------------------------------------------- from the worker thread

    def _on_update(self, update: LiveUpdate) -> None:
        self.recognized_s = update.recognized_s
        for segment in update.closed:
            line = self._line(segment, with_links=True)
            self.lines[segment.id] = line
            self.channel.publish(line)
        pending = [*(w for s in update.unlabeled for w in s.words), *update.open_words]
        first = pending[0].start if pending else (update.provisional[0].start if update.provisional else None)
        self.tail = {
            "type": "tail",
            "open": _words_text(pending),
            "provisional": _words_text(update.provisional),
            "start": first,
        }
        self.channel.publish(self.tail)

    def _line(self, segment: Segment, with_links: bool) -> dict[str, Any]:
        return {
            "type": "line",
            "id": segment.id,
            "start": round(segment.start, 2),
            "end": round(segment.end, 2),
            "speaker": segment.speaker,
            "text": segment.text,
            "links": self._links(segment) if with_links else [],
        }

    def _links(self, segment: Segment) -> list[dict[str, Any]]:
        if self._marker is None:
            return []
        found = []
        for link in self._marker.links(segment):
            try:
                meaning = self._marker.glossary.meaning(link.entry_id)
            except Exception:  # noqa: BLE001 - a link without its explanation is still marked
                meaning = None
            found.append(
                {
                    "start": link.char_start,
                    "end": link.char_end,
                    "surface": link.surface,
                    "abbreviation": getattr(meaning, "abbreviation", link.surface),
                    "expansion": getattr(meaning, "expansion", ""),
                    "description": getattr(meaning, "description", ""),
                    "source": getattr(meaning, "source", ""),
                    "url": getattr(meaning, "url", ""),
                }
            )
        return found

    def _await_end(self, sessions_dir: Path, options: PipelineOptions) -> None:
        """Wait for the worker (stopped by the page, or ended by a full disk), then make the session."""
        assert self.worker is not None
        try:
            result = self.worker.join()
        except Exception as exc:  # noqa: BLE001 - the recording on disk stays recoverable
            result = None
            self.error = f"De opname is onverwacht gestopt ({exc}). Wat is opgenomen staat op schijf."
            self.channel.publish({"type": "error", "code": "worker", "message": self.error})
        if result is not None and not self._said_how_it_ended(result):
            return
        self._finalize(sessions_dir, options, False)

    def _said_how_it_ended(self, result: LiveResult) -> bool:
        """Say a failure; False when nothing was captured (the empty folder goes, there is no session to make)."""
        if result.captured_s == 0:
            remove(read_captured(self.folder))
            self._set_failed("Er is niets opgenomen: er kwam geen geluid binnen van de microfoon.")
            return False
        if isinstance(result.error, DiskFullError):
            message = "De schijf is vol: de opname is gestopt. Wat is opgenomen blijft bewaard; maak ruimte vrij."
            self.channel.publish({"type": "error", "code": "disk_full", "message": message})
        elif result.error is not None:
            self.channel.publish({"type": "error", "code": "stopped", "message": f"De opname stopte: {result.error}"})
        return True

    def _finalize(self, sessions_dir: Path, options: PipelineOptions, recovered: bool) -> None:
        with self._lock:
            self.state = "finalizing"
        self.channel.publish({"type": "state", "state": self.state})

        def progress(event: Progress) -> None:
            self.progress = progress_message(event)
            self.channel.publish(self.progress)

        try:
            session = finalize_recording(self.folder, sessions_dir, options, progress, recovered=recovered)
        except NotulistError as exc:
            self._set_failed(
                f"Verwerken mislukt: {exc}. De opname blijft bewaard; probeer het opnieuw met 'Herstellen' "
                "op de pagina Nieuwe opname."
            )
            return
        except Exception as exc:  # noqa: BLE001 - the page must hear of any failure
            log.exception("finalizing a browser recording failed")
            self._set_failed(f"Verwerken mislukt (onverwachte fout: {exc}). De opname blijft bewaard.")
            return
        self.session_id, self.state = session.path.name, "done"
        self.channel.publish({"type": "done", "session": self.session_id})

    def _set_failed(self, message: str) -> None:
        self.error, self.state = message, "failed"
        self.channel.publish({"type": "error", "code": "failed", "message": message})
        self.channel.publish({"type": "state", "state": self.state})

    # ---------------------------------------------------------------------------------------------- for pages

    def status(self) -> dict[str, Any]:
        """Timer, lag and state (sent every half second)."""
        captured = self.source.pushed_s if self.source is not None else 0.0
        written = self.recording.duration_s if self.recording is not None else 0.0
        ready = self.decoder.ready() if self.decoder is not None else True
        return {
            "type": "status",
            "state": self.state,
            "captured_s": round(captured, 2),
            "written_s": round(written, 2),
            "recognized_s": round(self.recognized_s, 2),
            "lag_s": round(max(0.0, captured - self.recognized_s), 2) if self.state in ACTIVE else 0.0,
            "model_ready": ready,
            "model_error": None if self.decoder is None or self.decoder.error is None else str(self.decoder.error),
        }

    def hello(self) -> list[dict[str, Any]]:
        """Everything a page needs on (re)connecting, in order."""
        with self._lock:
            messages: list[dict[str, Any]] = [
                {
                    "type": "hello",
                    "id": self.id,
                    "title": self.title,
                    "next_seq": self.next_seq,
                    "state": self.state,
                    "hints": self.hints,
                },
                *self.lines.values(),
                self.tail,
                {"type": "labels", "names": self.names},
                {"type": "gaps", "gaps": self.gaps},
                self.status(),
            ]
            if self.progress is not None:
                messages.append(self.progress)
            if self.error is not None:
                messages.append({"type": "error", "code": "failed", "message": self.error})
            if self.session_id is not None:
                messages.append({"type": "done", "session": self.session_id})
        return messages


class ModelWarmup:
    """Loads the live model into the app's pool once, when the "Nieuwe opname" page is first opened, so that the
    live text of the first recording does not wait for it (the recording itself never waits: ``LoadingDecoder``)."""

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.done = threading.Event()
        self.error: str | None = None

    def start(self, options: PipelineOptions) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._load, args=(options,), name="live-warm-up", daemon=True)
                self._thread.start()

    def _load(self, options: PipelineOptions) -> None:
        from notulist.recognition.whisper_model import choose_device, resolve_model

        try:
            device = choose_device(options.device, options.compute_type)
            options.models.get(resolve_model(options.model), device, options.cpu_threads)
        except Exception as exc:  # noqa: BLE001 - said on the page; a recording then says it again
            log.exception("loading the live model failed")
            self.error = str(exc)
        finally:
            self.done.set()

    def state(self) -> dict[str, Any]:
        return {"ready": self.done.is_set() and self.error is None, "error": self.error}


class LiveRecorders:
    """The recordings of one ``notulist serve``."""

    def __init__(self, sessions_dir: Path) -> None:
        self.sessions_dir = sessions_dir
        self.warmup = ModelWarmup()
        self._recorders: dict[str, LiveRecorder] = {}
        self._lock = threading.Lock()

    def get(self, rid: str) -> LiveRecorder | None:
        with self._lock:
            return self._recorders.get(rid)

    def add(self, recorder: LiveRecorder) -> LiveRecorder:
        with self._lock:
            self._recorders[recorder.id] = recorder
        return recorder

    def running(self) -> list[LiveRecorder]:
        with self._lock:
            return [r for r in self._recorders.values() if r.state in (*ACTIVE, "stopping", "finalizing")]

    def interrupted(self) -> list[Path]:
        """``.live`` folders of recordings whose process is gone (not the ones this server is making)."""
        with self._lock:
            ours = {r.folder.name for r in self._recorders.values() if r.state not in ("done", "failed")}
        return [path for path in find_interrupted(self.sessions_dir) if path.name not in ours]
