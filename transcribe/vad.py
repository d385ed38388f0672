"""Speech regions (Silero VAD, shipped inside faster-whisper) and the recognition windows built from them.

Voice activity is detected once per recording; the regions feed the recogniser (as clip windows), the diarizer
(speaker embeddings are taken over voiced audio only) and the ``outside_speech`` hallucination flag.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from transcribe.audio import SAMPLE_RATE

Region = tuple[float, float]  # (start, end) in seconds


@dataclass(frozen=True)
class VadSettings:
    threshold: float = 0.5
    min_silence_ms: int = 160
    speech_pad_ms: int = 400
    max_window_s: float = 30.0  # Whisper's context
    max_gap_s: float = 2.0  # a longer pause starts a new recognition window


def speech_regions(audio: np.ndarray, settings: VadSettings = VadSettings()) -> list[Region]:
    """Voiced regions of 16 kHz mono ``audio`` in seconds, in order, none longer than ``max_window_s``."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    if audio.size == 0:
        return []
    options = VadOptions(
        threshold=settings.threshold,
        min_silence_duration_ms=settings.min_silence_ms,
        speech_pad_ms=settings.speech_pad_ms,
        max_speech_duration_s=settings.max_window_s,
    )
    return [(r["start"] / SAMPLE_RATE, r["end"] / SAMPLE_RATE) for r in get_speech_timestamps(audio, options)]


def recognition_windows(regions: Sequence[Region], settings: VadSettings = VadSettings()) -> list[Region]:
    """Merge neighbouring speech regions into windows of at most ``max_window_s`` for batched recognition.

    Short pauses stay inside a window (the recogniser keeps its context across them); a pause longer than
    ``max_gap_s`` or a window that would grow past ``max_window_s`` starts a new one.
    """
    windows: list[Region] = []
    for start, end in regions:
        if windows:
            w_start, w_end = windows[-1]
            if start - w_end <= settings.max_gap_s and end - w_start <= settings.max_window_s:
                windows[-1] = (w_start, max(w_end, end))
                continue
        windows.append((start, end))
    return windows


def voiced_fraction(start: float, end: float, regions: Sequence[Region]) -> float:
    """The share of ``[start, end]`` covered by speech regions (0 for an empty span)."""
    if end <= start:
        return 0.0
    covered = sum(max(0.0, min(end, r_end) - max(start, r_start)) for r_start, r_end in regions)
    return min(1.0, covered / (end - start))
