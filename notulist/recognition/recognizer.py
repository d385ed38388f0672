"""Speech recognition with faster-whisper (CTranslate2): a first pass over all speech, then recovery.

The caller loads the ``WhisperModel`` (a ``ModelPool`` shares it between live mode and the final pass). The first
pass decodes either

- ``sequential`` (the default): ``WhisperModel.transcribe`` as plain faster-whisper runs it - Silero VAD removes the
  silences, then one 30 s window after another with temperature fallback, each conditioned on the text before it -
  with the word times aligned afterwards, window by window (``word_alignment``: faster-whisper's own
  word_timestamps would move the windows and change the text); or
- ``batched``: faster-whisper's ``BatchedInferencePipeline`` - the speech packed into chunks of up to 30 s (500 ms
  minimum silence) decoded in batches, without temperature fallback or previous-text conditioning.

Sequential is the default because it is plain faster-whisper's own decoding, so the first pass is not worse than
plain's (and recovery only adds to it); batched was
worse than plain on four of twelve test recordings (by up to 0.10 WER; without conditioning it writes "de kwartal"
for "het derde kwartaal") and better on seven; on 2 CPU cores it took about 0.6-0.8 of the sequential pass's time.
BENCHMARKS.md ("Faithfulness") has the figures.
Each window's text is cut into transcript lines at sentence ends and pauses (``split_sentences``).

No speech lost: the first pass can loop ("Dat sluit aan mei mei mei ...", or one word written over every turn) and
swallow what was said, with or without decoding hints. So the voiced regions that a looping segment overlaps
(compression ratio above 2.4 or an n-gram repeated back to back), or that hold at least 1 s of voiced audio no word
accounts for (``notulist.recognition.coverage``; normal speech leaves none), are decoded twice more: sequentially
with temperature fallback and no previous-text conditioning or hints, and again split at their pauses (each VAD
region on its own). ``choose_candidate`` keeps one of the three by a stated criterion: the first pass stands unless
it loops or another decoding leaves at least 0.5 s fewer voiced seconds without a word; then no loop, fewest
voiced seconds without a word, highest mean word probability. Voiced audio still without words becomes a segment
of its own with the flag ``untranscribed``, so nothing heard is hidden.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from notulist.audio.vad import Region, speech_regions
from notulist.core.audio import SAMPLE_RATE
from notulist.core.model import Flag, Segment, Word, segment_id
from notulist.core.progress import Progress, ProgressHook, Stage
from notulist.recognition.coverage import clip_regions, unheard, unheard_seconds
from notulist.recognition.flags import FlagThresholds, repeated_ngram
from notulist.recognition.word_alignment import transcribe_with_word_times

log = logging.getLogger(__name__)


class Recognizer(Protocol):
    def recognize(self, audio: np.ndarray, progress: ProgressHook) -> tuple[Segment, ...]:
        """Segments (with words) for the speech in 16 kHz mono ``audio``, in time order, ids s0001..."""
        ...


@dataclass(frozen=True)
class RecognizerSettings:
    language: str = "nl"
    beam_size: int = 5
    decoding: str = "sequential"  # the first pass: "sequential" (as plain faster-whisper) or "batched"
    batch_size: int = 8  # windows per batch when decoding is "batched"
    initial_prompt: str | None = None
    hotwords: str | None = None
    max_line_s: float = 12.0  # longer sentences are cut at their longest pause
    min_silence_ms: int = 500  # VAD: a shorter pause does not split speech
    recover: bool = True  # decode suspect windows again (``suspect_windows``), mark what stays wordless
    redo_unheard_s: float = 1.0  # voiced audio this long without a word makes its stretch suspect
    tie_s: float = 0.5  # candidates this close in unheard seconds are judged on word probability
    untranscribed_min_s: float = 1.0  # voiced audio this long still without words becomes an untranscribed segment


DECODINGS = ("sequential", "batched")


class FasterWhisperRecognizer:
    def __init__(self, model, settings: RecognizerSettings = RecognizerSettings()) -> None:
        if settings.decoding not in DECODINGS:
            raise ValueError(f"unknown decoding {settings.decoding!r}: use {' or '.join(DECODINGS)}")
        self.settings = settings
        self.model = model

    def recognize(self, audio: np.ndarray, progress: ProgressHook) -> tuple[Segment, ...]:
        duration = len(audio) / SAMPLE_RATE
        progress(Progress(Stage.RECOGNIZE, 0, duration))  # each decoded window reports as it finishes
        segments = self.first_pass(audio, progress)
        if self.settings.recover:
            segments = self.recover(audio, segments)
        progress(Progress(Stage.RECOGNIZE, duration, duration))
        segments.sort(key=lambda s: (s.start, s.end))
        return tuple(replace(s, id=segment_id(i)) for i, s in enumerate(segments))

    def first_pass(self, audio: np.ndarray, progress: ProgressHook) -> list[Segment]:
        """All speech decoded once (``settings.decoding``), with the decoding hints; lines in time order."""
        settings = self.settings
        options = dict(
            language=settings.language,
            beam_size=settings.beam_size,
            word_timestamps=True,
            vad_filter=True,
            initial_prompt=settings.initial_prompt,
            hotwords=settings.hotwords,
        )
        if settings.decoding == "batched":
            from faster_whisper import BatchedInferencePipeline

            raw_segments, _info = BatchedInferencePipeline(model=self.model).transcribe(
                audio,
                batch_size=settings.batch_size,
                vad_parameters={"min_silence_duration_ms": settings.min_silence_ms},
                **options,
            )
        else:
            del options["word_timestamps"], options["vad_filter"]
            raw_segments = transcribe_with_word_times(self.model, audio, **options)
        return self._segments(raw_segments, 0.0, progress, len(audio) / SAMPLE_RATE)

    def recover(self, audio: np.ndarray, segments: list[Segment]) -> list[Segment]:
        """Suspect windows of ``segments`` decoded again (``suspect_windows``, ``choose_candidate``), and a segment
        flagged ``untranscribed`` for voiced audio still without words."""
        voiced = speech_regions(audio)
        segments, attempts = self._recover(audio, segments, voiced)
        return segments + untranscribed_segments(segments, voiced, attempts, self.settings.untranscribed_min_s)

    def _recover(
        self, audio: np.ndarray, segments: list[Segment], voiced: Sequence[Region]
    ) -> tuple[list[Segment], list[tuple[Region, int]]]:
        """Decode every suspect window again (``suspect_windows``) and keep the best of the results
        (``choose_candidate``); returns the segments and, per window redone, how many decodings it had."""
        attempts: list[tuple[Region, int]] = []
        for start, end in suspect_windows(segments, voiced, self.settings.redo_unheard_s):
            current = [s for s in segments if s.start < end and s.end > start]
            inside = clip_regions(voiced, (start, end))
            candidates = [current, self._sequential(audio, (start, end)), self._sequential(audio, (start, end), inside)]
            best = choose_candidate(candidates, inside, self.settings.tie_s)
            log.info(
                "%.1f-%.1f s decoded again (%s): kept %s",
                start,
                end,
                "loop" if any(looks_looped(s) for s in current) else "voiced audio without words",
                ("first pass", "sequential", "split at pauses")[best],
            )
            kept = set(map(id, current))
            segments = [s for s in segments if id(s) not in kept] + candidates[best]
            attempts.append(((start, end), len(candidates)))
        return segments, attempts

    def _sequential(self, audio: np.ndarray, window: Region, pieces: Sequence[Region] = ()) -> list[Segment]:
        """``window`` decoded on its own, sequentially, with temperature fallback, without decoding hints and without
        conditioning on previous text; with ``pieces`` (voiced regions) each piece on its own (split at pauses)."""
        settings = self.settings
        start = window[0]
        clip = audio[int(start * SAMPLE_RATE) : int(window[1] * SAMPLE_RATE)]
        clips = [round(t - start, 3) for piece in pieces for t in piece]
        raw_segments, _info = self.model.transcribe(
            clip,
            language=settings.language,
            beam_size=settings.beam_size,
            word_timestamps=True,
            condition_on_previous_text=False,
            vad_filter=False,
            clip_timestamps=clips or "0",
        )
        return self._segments(raw_segments, start, lambda _: None)

    def _segments(self, raw_segments, offset: float, progress: ProgressHook, duration: float = 0.0) -> list[Segment]:
        """faster-whisper's segments as transcript lines (``split_sentences``), times moved by ``offset``."""
        segments: list[Segment] = []
        for raw in raw_segments:
            # Word texts keep Whisper's leading space until the line text is built, so "transcriptie" + "-tool"
            # or "btw" + "-aangifte" stay one word.
            spaced = tuple(
                Word(offset + float(w.start), offset + float(w.end), w.word, float(w.probability))
                for w in (raw.words or ())
                if w.word.strip()
            )
            for piece in split_sentences(spaced, self.settings.max_line_s):
                if squeezed(piece):
                    log.info("%.1f s: %d words with no audio behind them left out", piece[0].start, len(piece))
                    continue
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
            if duration:
                progress(Progress(Stage.RECOGNIZE, min(float(raw.end), duration), duration))
        return segments


MIN_SQUEEZED_WORDS = 3
MIN_WORD_S = 0.05


def squeezed(words: Sequence[Word]) -> bool:
    """A line of at least three words that the alignment squeezes into less than 0.05 s a word: text with no audio
    behind it. Whisper can write such a line at the very end of the speech, where the last window holds almost no
    audio (with the agenda's hints: "Wat vraagt u van de ADR bij audits ook naar de jama keikt mee voor het
    Algeritmes register.", 16 words at 77.2-77.2 s, repeating lines said before)."""
    return len(words) >= MIN_SQUEEZED_WORDS and words[-1].end - words[0].start < MIN_WORD_S * len(words)


def looks_looped(segment: Segment) -> bool:
    """Whisper's loop signs: gzip compression ratio above 2.4 or an n-gram repeated back to back."""
    return segment.compression_ratio > FlagThresholds().max_compression_ratio or bool(
        repeated_ngram(segment.text.lower().split())
    )


def _spans(segments: Sequence[Segment]) -> list[Region]:
    return [(w.start, w.end) for s in segments for w in s.words]


def suspect_windows(segments: Sequence[Segment], voiced: Sequence[Region], redo_unheard_s: float) -> list[Region]:
    """Where to decode again: the voiced regions that a looping segment overlaps, and those holding a piece of voiced
    audio of at least ``redo_unheard_s`` that no word accounts for (a looping segment outside every region is a
    window of its own); each widened to the whole of every segment it overlaps, overlapping windows joined."""
    suspects = [(s.start, s.end) for s in segments if looks_looped(s)]
    suspects += unheard(voiced, _spans(segments), redo_unheard_s)
    windows = []
    for start, end in suspects:
        regions = [(a, b) for a, b in voiced if a < end and b > start]
        windows.append((min([start, *(a for a, _ in regions)]), max([end, *(b for _, b in regions)])))
    joined: list[Region] = []
    for start, end in sorted(windows):
        touched = [s for s in segments if s.start < end and s.end > start]
        start, end = min([start, *(s.start for s in touched)]), max([end, *(s.end for s in touched)])
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], end))
        else:
            joined.append((start, end))
    return joined


def choose_candidate(candidates: Sequence[Sequence[Segment]], voiced: Sequence[Region], tie_s: float) -> int:
    """The index of the decoding to keep for a window (the first pass is candidate 0).

    The criterion: the first pass stands unless it loops or another decoding leaves at least ``tie_s`` fewer voiced
    seconds without a word (``coverage.unheard_seconds``). Otherwise, among the other decodings, one without a
    looping segment beats one with; then the fewest voiced seconds without a word wins, candidates within ``tie_s``
    of that counting as equal; then the highest mean word probability (the earlier candidate on an exact tie)."""
    looped = [any(looks_looped(s) for s in c) for c in candidates]
    missing = [unheard_seconds(voiced, _spans(c)) for c in candidates]
    others = range(1, len(candidates))
    if not looped[0] and not any(missing[i] <= missing[0] - tie_s for i in others):
        return 0
    pool = [i for i in others if not looped[i]] or list(others)
    least = min(missing[i] for i in pool)
    contenders = [i for i in pool if missing[i] <= least + tie_s]

    def mean_probability(i: int) -> float:
        words = [w.probability for s in candidates[i] for w in s.words]
        return sum(words) / len(words) if words else 0.0

    return max(contenders, key=lambda i: (mean_probability(i), -i))


def untranscribed_segments(
    segments: Sequence[Segment], voiced: Sequence[Region], attempts: Sequence[tuple[Region, int]], min_s: float
) -> list[Segment]:
    """A segment with no words and an ``untranscribed`` flag for every voiced piece of at least ``min_s`` that no
    word accounts for after recovery; the evidence gives its voiced seconds and how often it was decoded."""
    result = []
    for start, end in unheard(voiced, _spans(segments), min_s):
        tries = max((n for (a, b), n in attempts if a < end and b > start), default=1)
        evidence = f"{end - start:.1f} s stem zonder woorden na {tries} {'poging' if tries == 1 else 'pogingen'}"
        result.append(Segment(id="", start=start, end=end, text="", flags=(Flag("untranscribed", evidence),)))
    return result


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
