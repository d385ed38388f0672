"""What ``benchmarks/faithfulness.py`` measures on one transcript against its reference (jiwer alignments).

- ``word_errors``: per recognised word, whether the alignment makes it wrong (a substitution or an insertion; a word
  written as several reference tokens - "2026", "btw-aangifte" - is wrong when any of its tokens is);
- ``line_wers``: each line's own WER (its substitutions, insertions and the deletions just after its words, over the
  reference words aligned to it);
- ``doubt_curve``: precision and recall of a doubt score against the wrong words, threshold by threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import jiwer

from notulist.core.model import Segment
from notulist.core.text import spoken as normalise


@dataclass(frozen=True)
class Alignment:
    wrong: list[bool]  # per recognised word, in transcript order
    line_wer: list[float | None]  # per segment (None: a line without words)


def align(segments: Sequence[Segment], reference: str) -> Alignment:
    tokens: list[str] = []
    owner: list[tuple[int, int]] = []  # (segment index, word index in transcript order) per token
    word_index = 0
    for line, segment in enumerate(segments):
        for word in segment.words:
            for token in normalise(word.text).split():
                tokens.append(token)
                owner.append((line, word_index))
            word_index += 1
    wrong = [False] * word_index
    errors = [0] * len(segments)
    ref_words = [0] * len(segments)
    output = jiwer.process_words(normalise(reference), " ".join(tokens) or "<leeg>")
    for chunk in output.alignments[0]:
        if chunk.type == "delete":
            at = owner[chunk.hyp_start_idx - 1][0] if chunk.hyp_start_idx > 0 and owner else 0
            if owner:
                errors[at] += chunk.ref_end_idx - chunk.ref_start_idx
                ref_words[at] += chunk.ref_end_idx - chunk.ref_start_idx
            continue
        for k in range(chunk.hyp_start_idx, min(chunk.hyp_end_idx, len(owner))):
            line, word = owner[k]
            if chunk.type in ("substitute", "insert"):
                wrong[word] = True
                errors[line] += 1
            if chunk.type != "insert":
                ref_words[line] += 1
    line_wer = [(errors[i] / max(ref_words[i], 1)) if segment.words else None for i, segment in enumerate(segments)]
    return Alignment(wrong, line_wer)


def wer(segments: Sequence[Segment], reference: str) -> float:
    hypothesis = " ".join(s.text for s in segments if s.text)
    return jiwer.wer(normalise(reference), normalise(hypothesis) or "<leeg>")


@dataclass(frozen=True)
class Point:
    threshold: float
    precision: float
    recall: float
    marked: int


def doubt_curve(scores: Sequence[float], wrong: Sequence[bool], thresholds: Sequence[float]) -> list[Point]:
    points = []
    total_wrong = sum(wrong)
    for threshold in thresholds:
        marked = [score >= threshold for score in scores]
        hits = sum(1 for m, w in zip(marked, wrong, strict=True) if m and w)
        points.append(Point(threshold, hits / max(sum(marked), 1), hits / max(total_wrong, 1), sum(marked)))
    return points
