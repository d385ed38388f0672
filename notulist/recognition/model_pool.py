"""Loaded Whisper models, shared by whoever holds the pool: bounded, and safe to use from several threads.

A run (``PipelineOptions.models``), a live recording and its final pass, or a batch of files each hold one
``ModelPool``; a model is loaded the first time it is asked for and reused after that. At most ``capacity`` models
stay loaded: asking for another one drops the least recently used.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from notulist.recognition.whisper_model import DeviceChoice, ModelSpec, load_whisper

ModelKey = tuple[str, str, str, int]


class ModelPool:
    """Whisper models by (model path, device, compute type, CPU threads); use ``get``."""

    def __init__(self, capacity: int = 2) -> None:
        if capacity < 1:
            raise ValueError("a model pool holds at least one model")
        self.capacity = capacity
        self._models: OrderedDict[ModelKey, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, spec: ModelSpec, choice: DeviceChoice, cpu_threads: int = 0) -> Any:  # -> WhisperModel
        """The model for ``spec`` on ``choice``, loaded once; a second caller waits for a load in progress."""
        key = (str(spec.path), choice.device, choice.compute_type, cpu_threads)
        with self._lock:
            if key in self._models:
                self._models.move_to_end(key)
                return self._models[key]
            model = load_whisper(spec, choice, cpu_threads=cpu_threads)
            self._models[key] = model
            while len(self._models) > self.capacity:
                self._models.popitem(last=False)
            return model

    def __reduce__(self):
        """A pool sent to another process (a batch worker) arrives empty: models and locks stay where they are."""
        return (ModelPool, (self.capacity,))

    def __len__(self) -> int:
        with self._lock:
            return len(self._models)
