"""Speech regions (Silero VAD, shipped inside faster-whisper).

The regions tell whether a recording holds any speech at all, feed the diarizer (speaker embeddings are taken over
voiced audio only) and the ``outside_speech`` hallucination flag. (The recogniser packs speech with the same VAD
model, tuned for recognition.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from notulist.core.audio import SAMPLE_RATE

Region = tuple[float, float]  # (start, end) in seconds


@dataclass(frozen=True)
class VadSettings:
    threshold: float = 0.5
    min_silence_ms: int = 160
    speech_pad_ms: int = 400
    max_region_s: float = 30.0


def speech_regions(audio: np.ndarray, settings: VadSettings = VadSettings()) -> list[Region]:
    """Voiced regions of 16 kHz mono ``audio`` in seconds, in order, none longer than ``max_region_s``."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    if audio.size == 0:
        return []
    options = VadOptions(
        threshold=settings.threshold,
        min_silence_duration_ms=settings.min_silence_ms,
        speech_pad_ms=settings.speech_pad_ms,
        max_speech_duration_s=settings.max_region_s,
    )
    return [(r["start"] / SAMPLE_RATE, r["end"] / SAMPLE_RATE) for r in get_speech_timestamps(audio, options)]


def voiced_fraction(start: float, end: float, regions: Sequence[Region]) -> float:
    """The share of ``[start, end]`` covered by speech regions (0 for an empty span)."""
    if end <= start:
        return 0.0
    covered = sum(max(0.0, min(end, r_end) - max(start, r_start)) for r_start, r_end in regions)
    return min(1.0, covered / (end - start))
