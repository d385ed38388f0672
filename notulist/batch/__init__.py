"""Many recordings at once: ``notulist batch``.

A batch turns every recording it is given into its own session, exactly as ``notulist transcribe`` would, either in
this process one after another (``InProcessBackend``) or on Ray actors that each load the models once and transcribe
many recordings (``notulist.batch.ray_backend``). ``run_batch`` is the one scheduler for both: it skips recordings
already in the sessions folder with the same options (``resume``), goes on past failures, retries a recording once
when its worker dies, and reports every input with its session or its error.
"""

from notulist.batch.inputs import MEDIA_SUFFIXES, find_recordings
from notulist.batch.model import BatchEvent, BatchHook, BatchResult, Outcome, Recording
from notulist.batch.runner import InProcessBackend, run_batch

__all__ = [
    "MEDIA_SUFFIXES",
    "BatchEvent",
    "BatchHook",
    "BatchResult",
    "InProcessBackend",
    "Outcome",
    "Recording",
    "find_recordings",
    "run_batch",
]
