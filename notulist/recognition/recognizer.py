"""Speech recognition with faster-whisper (CTranslate2), batched over voice-activity windows.

The caller loads the ``WhisperModel`` (a ``ModelPool`` shares it between live mode and the final pass). The
recogniser uses faster-whisper's ``BatchedInferencePipeline``: Silero VAD finds the speech, the speech is packed
into chunks of up to 30 s with the silences between removed, and the chunks are decoded in batches with word
timestamps. Packing with a 500 ms minimum silence measured best of the variants tried (see BENCHMARKS.md): it
matches plain sequential faster-whisper's WER where clip windows with the silences kept lost 0.02-0.03.
Each chunk's text is cut into transcript lines at sentence ends and pauses (``split_sentences``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from notulist.audio.vad import Region
from notulist.core.audio import SAMPLE_RATE
from notulist.core.model import Segment, Word, segment_id
from notulist.core.progress import Progress, ProgressHook, Stage
from notulist.recognition.flags import FlagThresholds, repeated_ngram

log = logging.getLogger(__name__)


class Recognizer(Protocol):
    def recognize(self, audio: np.ndarray, progress: ProgressHook) -> tuple[Segment, ...]:
        """Segments (with words) for the speech in 16 kHz mono ``audio``, in time order, ids s0001..."""
        ...


@dataclass(frozen=True)
class RecognizerSettings:
    language: str = "nl"
    beam_size: int = 5
    batch_size: int = 8
    initial_prompt: str | None = None
    hotwords: str | None = None
    max_line_s: float = 12.0  # longer sentences are cut at their longest pause
    min_silence_ms: int = 500  # VAD: a shorter pause does not split speech


class FasterWhisperRecognizer:
    def __init__(self, model, settings: RecognizerSettings = RecognizerSettings()) -> None:
        from faster_whisper import BatchedInferencePipeline

        self.settings = settings
        self.pipeline = BatchedInferencePipeline(model=model)

    def recognize(self, audio: np.ndarray, progress: ProgressHook) -> tuple[Segment, ...]:
        duration = len(audio) / SAMPLE_RATE
        progress(Progress(Stage.RECOGNIZE, 0, duration))  # each batch of windows reports as it finishes (_decode)
        settings = self.settings
        segments = self._decode(audio, None, settings.hotwords, settings.initial_prompt, progress)
        if settings.hotwords or settings.initial_prompt:
            # Decoding hints can throw Whisper into a repetition loop: decode such stretches again without them.
            looping = _merge([(s.start, s.end) for s in segments if _looks_looped(s)])
            if looping:
                log.warning("decoding hints caused repetition in %d place(s); decoded again without", len(looping))
                kept = [s for s in segments if not any(w0 <= s.start < w1 for w0, w1 in looping)]
                segments = kept + self._decode(audio, looping, None, None, lambda _: None)
        progress(Progress(Stage.RECOGNIZE, duration, duration))
        segments.sort(key=lambda s: (s.start, s.end))
        return tuple(replace(s, id=segment_id(i)) for i, s in enumerate(segments))

    def _decode(
        self,
        audio: np.ndarray,
        windows: Sequence[Region] | None,
        hotwords: str | None,
        initial_prompt: str | None,
        progress: ProgressHook,
    ) -> list[Segment]:
        """Decode all speech (``windows`` None: VAD packing) or just ``windows`` (seconds)."""
        duration = len(audio) / SAMPLE_RATE
        settings = self.settings
        clips = [{"start": start, "end": min(end, duration)} for start, end in windows or ()]
        raw_segments, _info = self.pipeline.transcribe(
            audio,
            language=settings.language,
            beam_size=settings.beam_size,
            batch_size=settings.batch_size,
            word_timestamps=True,
            vad_filter=windows is None,
            vad_parameters={"min_silence_duration_ms": settings.min_silence_ms},
            clip_timestamps=clips or None,
            initial_prompt=initial_prompt,
            hotwords=hotwords,
        )
        segments: list[Segment] = []
        for raw in raw_segments:
            # Word texts keep Whisper's leading space until the line text is built, so "transcriptie" + "-tool"
            # or "btw" + "-aangifte" stay one word.
            spaced = tuple(
                Word(start=float(w.start), end=float(w.end), text=w.word, probability=float(w.probability))
                for w in (raw.words or ())
                if w.word.strip()
            )
            for piece in split_sentences(spaced, settings.max_line_s):
                segments.append(
                    Segment(
                        id="",
                        start=piece[0].start,
                        end=piece[-1].end,
                        text="".join(w.text for w in piece).strip(),
                        words=tuple(replace(w, text=w.text.strip()) for w in piece),
                        avg_logprob=float(raw.avg_logprob),
                        no_speech_prob=float(raw.no_speech_prob),
                        compression_ratio=float(raw.compression_ratio),
                    )
                )
            progress(Progress(Stage.RECOGNIZE, min(float(raw.end), duration), duration))
        return segments


def _merge(spans: Sequence[Region], margin_s: float = 1.0) -> list[Region]:
    """Overlapping or nearly touching spans joined, each widened by ``margin_s`` (max 30 s, Whisper's window)."""
    merged: list[Region] = []
    for start, end in sorted(spans):
        start, end = max(0.0, start - margin_s), end + margin_s
        if merged and start <= merged[-1][1] and end - merged[-1][0] <= 30.0:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, min(end, start + 30.0)))
    return merged


def _looks_looped(segment: Segment) -> bool:
    return segment.compression_ratio > FlagThresholds().max_compression_ratio or bool(
        repeated_ngram(segment.text.lower().split())
    )


SENTENCE_END = (".", "?", "!", "…")
PAUSE_SPLIT_S = 1.0


def split_sentences(words: Sequence[Word], max_line_s: float = 12.0) -> list[tuple[Word, ...]]:
    """Cut a recognition window's words into transcript lines: at sentence ends, at pauses of a second or more,
    and (for run-on text) at the longest pause of any line longer than ``max_line_s``."""
    lines: list[list[Word]] = [[]]
    for i, word in enumerate(words):
        if lines[-1] and word.start - lines[-1][-1].end >= PAUSE_SPLIT_S:
            lines.append([])
        lines[-1].append(word)
        if word.text.rstrip().endswith(SENTENCE_END) and i + 1 < len(words):
            lines.append([])
    result: list[tuple[Word, ...]] = []
    pending = [line for line in lines if line]
    while pending:
        line = pending.pop(0)
        if line[-1].end - line[0].start <= max_line_s or len(line) < 2:
            result.append(tuple(line))
            continue
        cut = max(range(1, len(line)), key=lambda k: (line[k].start - line[k - 1].end, -abs(k - len(line) / 2)))
        pending[:0] = [line[:cut], line[cut:]]
    return result
