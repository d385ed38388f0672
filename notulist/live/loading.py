"""Start at once: the recognizer loads on a thread of its own while the recording already runs.

Loading Whisper (and building the window decoder) takes seconds; a recording that waited for it would lose the
first words of the interview. ``LoadingDecoder`` starts the load at construction and is a ``WindowRecognizer``
once ``ready()``; the live worker writes every captured block to disk from the first moment and only starts
recognition steps when the decoder is ready, then catches up on the audio that arrived meanwhile.
A failed load is kept as ``error`` and raised by ``decode`` (the worker keeps recording without live text).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import numpy as np

from notulist.core.model import Word
from notulist.live.streaming import WindowRecognizer

log = logging.getLogger(__name__)


class LoadingDecoder:
    """A ``WindowRecognizer`` built by ``factory`` on a background thread."""

    def __init__(self, factory: Callable[[], WindowRecognizer]) -> None:
        self._factory = factory
        self._decoder: WindowRecognizer | None = None
        self.error: BaseException | None = None
        self.started = time.monotonic()
        self.load_s: float | None = None  # how long the load took, once done
        self._done = threading.Event()
        threading.Thread(target=self._load, name="live-model-load", daemon=True).start()

    def _load(self) -> None:
        try:
            self._decoder = self._factory()
        except BaseException as exc:  # said by decode(); the recording goes on
            log.exception("loading the live recognizer failed")
            self.error = exc
        finally:
            self.load_s = time.monotonic() - self.started
            self._done.set()

    def ready(self) -> bool:
        """The load has finished (successfully or not: ``decode`` then raises its error)."""
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    def decode(self, audio: np.ndarray, prompt: str = "", prefix: str = "") -> list[Word]:
        self._done.wait()
        if self._decoder is None:
            raise RuntimeError(f"the live recognizer could not be loaded: {self.error}")
        return self._decoder.decode(audio, prompt, prefix)


def decoder_ready(decoder: object) -> bool:
    """Whether recognition steps may start: a ``LoadingDecoder`` once loaded, any other decoder at once."""
    ready = getattr(decoder, "ready", None)
    return ready() if callable(ready) else True
