"""An audio source fed from outside: blocks pushed by a caller (the browser's audio socket) instead of a device.

``PushedSource`` implements ``AudioSource`` for the live worker: ``push`` puts a 16 kHz mono int16 block into the
worker's queue (it must already be in that format; the browser resamples before sending), ``stop`` ends the stream,
``fail`` ends it with an error. It is not a device that can stall: a dropped connection or a pause simply delivers
nothing for a while, so ``live`` is false and the worker does not call the silence a lost device.
"""

from __future__ import annotations

import queue
import threading

import numpy as np

from notulist.audio.capture import CaptureError, SourceEnded, SourceFailed
from notulist.core.audio import SAMPLE_RATE


class PushedSource:
    """Blocks handed over by ``push``; ``pushed_frames`` counts every sample pushed so far."""

    live = False
    sample_rate = SAMPLE_RATE

    def __init__(self, name: str) -> None:
        self.name = name
        self.pushed_frames = 0
        self._blocks: queue.Queue | None = None
        self._ended = False
        self._lock = threading.Lock()

    @property
    def pushed_s(self) -> float:
        return self.pushed_frames / self.sample_rate

    @property
    def ended(self) -> bool:
        return self._ended

    def start(self, blocks: queue.Queue) -> None:
        self._blocks = blocks

    def push(self, samples: np.ndarray) -> None:
        """Hand over one block of int16 mono 16 kHz samples; refused (``CaptureError``) after the end."""
        if samples.dtype != np.int16 or samples.ndim != 1:
            raise ValueError("a pushed block must be one-dimensional int16 samples")
        with self._lock:
            if self._ended or self._blocks is None:
                raise CaptureError("the recording has stopped: no more audio is accepted")
            self._blocks.put(samples)
            self.pushed_frames += len(samples)

    def stop(self) -> None:
        self._end(SourceEnded())

    def fail(self, error: CaptureError) -> None:
        self._end(SourceFailed(error))

    def _end(self, item: SourceEnded | SourceFailed) -> None:
        with self._lock:
            if self._ended:
                return
            self._ended = True
            if self._blocks is not None:
                self._blocks.put(item)
