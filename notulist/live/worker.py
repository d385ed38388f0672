"""The live worker: the one thread that owns every piece of mutable live state.

It reads the capture queue, appends every block to the crash-safe ``LiveRecording`` at once, feeds the
``StreamingRecognizer`` and groups committed words into live segments. Whisper runs on a helper thread through
``transcribe_request`` (CTranslate2 releases the GIL), so writing audio never waits for recognition and
at most about a second of audio can be lost to a crash. A failing recognizer never stops the recording.
Given a ``LiveSpeakerLabeler``, the segments a step closes get provisional speaker labels on a helper thread of
their own. The step's committed words are shown at once (the closed segments wait in ``LiveUpdate.unlabeled``);
each segment is recorded and printed once it is labeled, in order. Neither the audio nor the next recognition step
waits for a label (holding the words back for it cost about 0.6 s of median delay; BENCHMARKS.md, "Live").
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from notulist.audio.capture import AudioSource, DeviceLostError, SourceEnded, SourceFailed
from notulist.core.audio import SAMPLE_RATE
from notulist.core.errors import NotulistError
from notulist.core.model import Segment, Word
from notulist.live.loading import decoder_ready
from notulist.live.recording import LiveRecording
from notulist.live.speakers import LiveSpeakerLabeler
from notulist.live.streaming import (
    InferenceRequest,
    LiveSegmenter,
    StreamingOptions,
    StreamingRecognizer,
    WindowRecognizer,
    transcribe_request,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LiveUpdate:
    """What one recognition step changed, for the screen (and for latency measurement)."""

    closed: tuple[Segment, ...]  # segments completed in this step (ids final)
    committed: tuple[Word, ...]  # words committed in this step
    open_words: tuple[Word, ...]  # committed words of the segment still open
    provisional: tuple[Word, ...]  # the uncommitted tail of the latest hypothesis
    captured_s: float
    buffer_s: float
    at: float  # time.monotonic() when the step was applied
    unlabeled: tuple[Segment, ...] = ()  # closed segments still waiting for their speaker label (not in ``closed``)
    recognized_s: float = 0.0  # audio time up to which recognition has run (captured_s - recognized_s = the lag)


@dataclass(frozen=True)
class LiveResult:
    recording: Path
    captured_s: float
    segments: tuple[Segment, ...]
    stop_reason: str  # "ended" (end of input or stop asked) | "device_lost" | "disk_full"
    error: NotulistError | None = None
    recognition_error: str | None = None


LiveListener = Callable[[LiveUpdate], None]


@dataclass
class _Loop:
    """What the worker's loop knows between its steps (owned by the worker thread alone)."""

    unfed: deque[np.ndarray] = field(default_factory=deque)  # written to disk, not yet given to recognition
    pending: tuple[InferenceRequest, Future] | None = None  # the recognition step running now
    ended: bool = False  # the source ended, failed or was stopped
    final_done: bool = False  # the last recognition step is applied
    stop_reason: str = "ended"
    error: NotulistError | None = None
    recognition_error: str | None = None
    last_block: float = field(default_factory=time.monotonic)


class LiveWorker:
    """Run with ``start()``; ``stop()`` asks the source to stop; ``join()`` returns the ``LiveResult``.

    ``paced=True`` (a microphone, a real-time replay): each step transcribes whatever arrived meanwhile.
    ``paced=False`` (a replay as fast as possible): the recognizer gets ``min_chunk_s`` of new audio per step and
    each step is awaited, so the result does not depend on the machine's speed.
    """

    def __init__(
        self,
        decoder: WindowRecognizer,
        source: AudioSource,
        recording: LiveRecording,
        listener: LiveListener | None = None,
        options: StreamingOptions | None = None,
        paced: bool = True,
        stall_s: float = 3.0,
        speakers: LiveSpeakerLabeler | None = None,
    ) -> None:
        self.decoder = decoder
        self.source = source
        self.recording = recording
        self.listener = listener
        self.options = options or StreamingOptions()
        self.paced = paced
        self.stall_s = stall_s
        self.speakers = speakers  # provisional speaker labels (None: segments stay unlabeled)
        self.segments: list[Segment] = []  # the closed segments as recorded and shown
        self._labeling: ThreadPoolExecutor | None = None
        self._labels: deque[tuple[Future, tuple[Segment, ...]]] = deque()  # closed segments being labeled, in order
        self._tail: tuple[tuple[Word, ...], float] = ((), 0.0)  # the latest step's provisional words and buffer
        self._recognized_s = 0.0  # the end of the audio of the latest applied step
        self.blocks: queue.Queue = queue.Queue()
        self.recognizer = StreamingRecognizer(self.options)
        self.segmenter = LiveSegmenter()
        self._thread = threading.Thread(target=self._run_safely, name="live-worker", daemon=True)
        self._result: LiveResult | None = None
        self._crash: BaseException | None = None

    def start(self) -> None:
        if self.speakers is not None:
            self.speakers.start()
        self.source.start(self.blocks)
        self._thread.start()

    def stop(self) -> None:
        self.source.stop()

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def join(self, timeout: float | None = None) -> LiveResult | None:
        self._thread.join(timeout)
        if self._thread.is_alive():
            return None
        if self._crash is not None:
            raise self._crash
        return self._result

    # ------------------------------------------------------------------------------------------ the worker thread

    def _run_safely(self) -> None:
        try:
            self._result = self._run()
        except BaseException as exc:  # surfaced by join(); the recording on disk stays recoverable
            log.exception("live worker failed")
            self._crash = exc
        finally:
            self.recording.close()
            if self.speakers is not None:
                self.speakers.stop()

    def _run(self) -> LiveResult:
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="whisper")
        if self.speakers is not None:
            self._labeling = ThreadPoolExecutor(max_workers=1, thread_name_prefix="speakers")
        loop = _Loop()
        try:
            while not loop.final_done:
                self._take_captured(loop)  # 1. everything captured, written at once
                self._check_stall(loop)
                self._release_labels(block=False)
                self._apply_finished(loop)  # 2. a finished recognition step
                if not loop.final_done:
                    self._start_next(loop, executor)  # 3. the next recognition step
        finally:
            executor.shutdown(wait=True)
            if self._labeling is not None:
                self._labeling.shutdown(wait=True)
        self._release_labels(block=True)
        last = tuple(self.segmenter.finish())
        if last:
            self._deliver(self._label(last), ())
        return LiveResult(
            recording=self.recording.path,
            captured_s=self.recording.duration_s,
            segments=tuple(self.segments),
            stop_reason=loop.stop_reason,
            error=loop.error,
            recognition_error=loop.recognition_error,
        )

    def _take_captured(self, loop: _Loop) -> None:
        """Every block captured so far written to disk and queued for recognition; the source's end noted."""
        try:
            item = self.blocks.get(timeout=0.05 if loop.pending else 0.1)
        except queue.Empty:
            item = None
        while item is not None:
            self._take(item, loop)
            try:
                item = self.blocks.get_nowait()
            except queue.Empty:
                item = None

    def _take(self, item: np.ndarray | SourceFailed | SourceEnded, loop: _Loop) -> None:
        if isinstance(item, np.ndarray):
            # (also after a stall: stopping the device delivers the resampler's last milliseconds)
            if loop.stop_reason != "disk_full":
                try:
                    self.recording.append(item)
                    loop.unfed.append(item)
                    loop.last_block = time.monotonic()
                except NotulistError as exc:
                    loop.error, loop.stop_reason, loop.ended = exc, "disk_full", True
                    self.source.stop()
        elif isinstance(item, SourceFailed):
            if not loop.ended:
                loop.error, loop.stop_reason = item.error, "device_lost"
            loop.ended = True
        elif isinstance(item, SourceEnded):
            loop.ended = True

    def _check_stall(self, loop: _Loop) -> None:
        """A live device that delivers nothing for ``stall_s`` counts as lost; what was captured is kept."""
        if self.source.live and not loop.ended and time.monotonic() - loop.last_block > self.stall_s:
            loop.error = DeviceLostError(
                f"the input device {self.source.name!r} delivered no audio for {self.stall_s:.0f} s "
                "(unplugged or taken by another program): what was captured is kept"
            )
            loop.stop_reason, loop.ended = "device_lost", True
            self.source.stop()

    def _apply_finished(self, loop: _Loop) -> None:
        if loop.pending is None or not loop.pending[1].done():
            return
        request, future = loop.pending
        loop.pending = None
        try:
            words = future.result()
        except Exception as exc:  # keep recording without live text
            log.exception("live recognition failed")
            loop.recognition_error = f"{exc.__class__.__name__}: {exc}"
            words = []
        self._recognized_s = request.end
        self._apply(request, words)
        if request.final:
            loop.final_done = True

    def _start_next(self, loop: _Loop, executor: ThreadPoolExecutor) -> None:
        if loop.pending is not None:
            return
        if not decoder_ready(self.decoder):  # start at once: recording runs while the model loads
            return
        self._feed(loop.unfed)
        if loop.recognition_error is not None:
            self.recognizer.audio = self.recognizer.audio[-SAMPLE_RATE:]  # keep memory flat
            if loop.ended and not loop.unfed:
                loop.final_done = True
            return
        if loop.ended and not loop.unfed:
            request = self.recognizer.request(final=True)
        elif self.recognizer.ready():
            request = self.recognizer.request()
        else:
            return
        future = executor.submit(transcribe_request, self.decoder, request)
        loop.pending = (request, future)
        if not self.paced:
            wait([future])

    def _feed(self, unfed: deque[np.ndarray]) -> None:
        fed = 0
        # paced: all that arrived, but at most one full buffer per step (catching up after the model loaded)
        limit = int((self.options.max_buffer_s if self.paced else self.options.min_chunk_s) * SAMPLE_RATE)
        while unfed and fed < limit:
            block = unfed.popleft()
            self._insert(block)
            fed += len(block)

    def _insert(self, block: np.ndarray) -> None:
        self.recognizer.insert_audio(block)
        if self.speakers is not None:  # the labeler cuts segments from the audio on the recognizer's clock
            self.speakers.add_audio(block)

    def _apply(self, request: InferenceRequest, words: list[Word]) -> None:
        step = self.recognizer.accept(request, words)
        closed = tuple(self.segmenter.add(step.committed))
        self._tail = (step.provisional, step.buffer_s)
        if closed and self._labeling is not None:  # embedding takes up to a few 100 ms: not on this thread
            self._labels.append((self._labeling.submit(self._label, closed), closed))
            closed = ()
        self._deliver(closed, step.committed)

    def _label(self, closed: tuple[Segment, ...]) -> tuple[Segment, ...]:
        """The segments with their provisional speakers (``LiveSpeakerLabeler.label`` never raises)."""
        if self.speakers is None:
            return closed
        return tuple(self.speakers.label(segment) for segment in closed)

    def _release_labels(self, block: bool) -> None:
        """Record and show the closed segments whose labels are done, in order (all of them when ``block``)."""
        while self._labels and (block or self._labels[0][0].done()):
            future, closed = self._labels.popleft()
            try:
                closed = future.result()
            except Exception:  # unlabeled rather than lost
                log.exception("live speaker labeling failed")
            self._deliver(closed, ())

    def _deliver(self, closed: tuple[Segment, ...], committed: tuple[Word, ...]) -> None:
        """Record the closed segments, then tell the listener what changed."""
        for segment in closed:
            self._record_segment(segment)
        if self.listener is None:
            return
        provisional, buffer_s = self._tail
        update = LiveUpdate(
            closed=closed,
            committed=committed,
            open_words=tuple(self.segmenter.open_words),
            provisional=provisional,
            captured_s=self.recording.duration_s,
            buffer_s=buffer_s,
            at=time.monotonic(),
            unlabeled=tuple(segment for _, segments in self._labels for segment in segments),
            recognized_s=self._recognized_s,
        )
        try:
            self.listener(update)
        except Exception:  # the screen must never stop the recording
            log.exception("live listener failed")

    def _record_segment(self, segment: Segment) -> None:
        self.segments.append(segment)
        try:
            self.recording.add_segment(segment)
        except NotulistError as exc:  # the audio matters more; the live text is re-made offline anyway
            log.warning("could not save a live segment: %s", exc)
