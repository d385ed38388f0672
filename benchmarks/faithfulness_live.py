"""The live part of ``benchmarks/faithfulness.py``: a recording replayed through live recognition in 1 s steps (the
``balanced`` preset, the real window decoder, the prompt-copy guard on), and the committed live lines checked with
``unsupported_live_lines`` against the reference and against the final pass."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from notulist.core.audio import SAMPLE_RATE
from notulist.core.model import Segment, Transcript
from notulist.live.presets import BALANCED
from notulist.live.recording import unsupported_live_lines
from notulist.live.streaming import replay
from notulist.recognition.window_decoder import WindowDecoder


def live_lines(model, audio: np.ndarray) -> list[Segment]:
    return replay(WindowDecoder(model, BALANCED.window), audio, BALANCED.streaming)


def live_unsupported(model, audio: np.ndarray, reference: Sequence[Segment], final: Sequence[Segment]) -> dict:
    lines = live_lines(model, audio)
    duration = len(audio) / SAMPLE_RATE
    by_reference = unsupported_live_lines(Transcript("nl", duration, tuple(reference)), lines)
    by_final = unsupported_live_lines(Transcript("nl", duration, tuple(final)), lines)
    neither = [s for s in by_reference if s in by_final]
    return {
        "lines": len(lines),
        "unsupported_by_reference": [s.text for s in by_reference],
        "unsupported_by_final": [s.text for s in by_final],
        "unsupported": len(neither),
        "share": len(neither) / max(len(lines), 1),
        "unsupported_texts": [s.text for s in neither],
        "live_lines": [[round(s.start, 2), round(s.end, 2), s.text] for s in lines],
    }
