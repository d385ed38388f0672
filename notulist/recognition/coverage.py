"""How much of the voiced audio the recognised words account for.

Silero VAD (``notulist.audio.vad``) says where a voice is heard; the words say where something was written. Voiced
time that no word accounts for is speech the transcript may have lost (a recognition loop swallowed it, or the
decoder gave up on it). Word timestamps are approximate and the VAD pads its regions by 0.4 s on each side, so a
word accounts for its own span widened by ``WORD_PAD_S``; a word stretched over seconds (a loop's "mei" over 4 s)
accounts for at most ``MAX_WORD_S`` of them. Uncovered pieces shorter than ``MIN_GAP_S`` are not counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from notulist.audio.vad import Region

WORD_PAD_S = 0.4
MAX_WORD_S = 1.5
MIN_GAP_S = 0.5


def word_spans(spans: Iterable[Region]) -> list[Region]:
    """Word (start, end) spans as the voiced time they account for: capped, widened, merged and sorted."""
    widened = sorted((start - WORD_PAD_S, min(end, start + MAX_WORD_S) + WORD_PAD_S) for start, end in spans)
    merged: list[Region] = []
    for start, end in widened:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def unheard(voiced: Sequence[Region], words: Sequence[Region], min_gap_s: float = MIN_GAP_S) -> list[Region]:
    """The pieces of the ``voiced`` regions (sorted) that no word accounts for, each at least ``min_gap_s`` long.

    ``words`` are raw word spans; pieces are cut at region boundaries (a pause between regions is not speech)."""
    covered = word_spans(words)
    pieces: list[Region] = []
    k = 0
    for start, end in voiced:
        cursor = start
        while k < len(covered) and covered[k][1] <= start:
            k += 1
        j = k
        while j < len(covered) and covered[j][0] < end:
            if covered[j][0] > cursor:
                pieces.append((cursor, covered[j][0]))
            cursor = max(cursor, covered[j][1])
            j += 1
        if cursor < end:
            pieces.append((cursor, end))
    return [(start, end) for start, end in pieces if end - start >= min_gap_s]


def unheard_seconds(voiced: Sequence[Region], words: Sequence[Region], min_gap_s: float = MIN_GAP_S) -> float:
    return sum(end - start for start, end in unheard(voiced, words, min_gap_s))


def stretches(voiced: Sequence[Region], max_gap_s: float = 1.0) -> list[Region]:
    """Voiced regions joined where the pause between them is shorter than ``max_gap_s``: stretches of talk."""
    joined: list[Region] = []
    for start, end in sorted(voiced):
        if joined and start - joined[-1][1] < max_gap_s:
            joined[-1] = (joined[-1][0], max(joined[-1][1], end))
        else:
            joined.append((start, end))
    return joined


def clip_regions(regions: Sequence[Region], window: Region) -> list[Region]:
    """The parts of ``regions`` inside ``window``."""
    start, end = window
    return [(max(start, a), min(end, b)) for a, b in regions if b > start and a < end]
