"""Who spoke when: speaker turns, the diarizer interface, and giving each word and segment its speaker.

A ``Diarizer`` turns 16 kHz mono audio plus the voiced regions found by the VAD into exclusive speaker turns (no two
turns overlap). ``assign_speakers`` then gives each word the speaker of the turn it overlaps most, splits segments where
the speaker changes inside them, and relabels speakers ``S1``, ``S2``, ... in order of first speech. Two backends exist:
the embedded default (Resemblyzer d-vectors clustered with SciPy, needing nothing beyond the default install;
``notulist.diarization.resemblyzer_backend``) and pyannote.audio for organisations that have its weights on disk
(``notulist.diarization.pyannote_backend``, an optional extra). Speaker turns are archived as ``speakers.rttm``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from notulist.core.errors import NotulistError
from notulist.core.model import Segment, Transcript, Word, segment_id
from notulist.core.progress import ProgressHook

BACKENDS = ("resemblyzer", "pyannote")


@dataclass(frozen=True)
class Turn:
    """``speaker`` talks from ``start`` to ``end`` (seconds on the session clock)."""

    start: float
    end: float
    speaker: str


class Diarizer(Protocol):
    def diarize(
        self, audio: np.ndarray, speech: Sequence[tuple[float, float]], progress: ProgressHook
    ) -> tuple[Turn, ...]:
        """Exclusive speaker turns of ``audio`` (16 kHz mono float32) within the voiced regions ``speech``."""
        ...

    def warm_up(self) -> None:
        """Pay any one-time start-up cost now (safe from a background thread while recognition runs)."""
        ...

    def describe(self) -> dict[str, Any]:
        """What the manifest records about this diarizer: name, path and sha256 of its weights, settings."""
        ...


def check_speaker_counts(num_speakers: int | None, min_speakers: int | None, max_speakers: int | None) -> None:
    """Reject impossible speaker counts with a message that says what to give instead."""
    for name, value in (("num_speakers", num_speakers), ("min_speakers", min_speakers), ("max_speakers", max_speakers)):
        if value is not None and value < 1:
            raise NotulistError(f"`{name}={value}` is not a number of speakers: give 1 or more", parameter=name)
    if min_speakers is not None and max_speakers is not None and min_speakers > max_speakers:
        raise NotulistError(
            f"`min_speakers={min_speakers}` is more than `max_speakers={max_speakers}`: give a minimum that is "
            "at most the maximum",
            parameter=("min_speakers", "max_speakers"),
        )


def make_diarizer(
    backend: str = "resemblyzer",
    model_dir: Path | None = None,
    num_speakers: int | None = None,
    min_speakers: int | None = None,
    max_speakers: int | None = None,
) -> Diarizer:
    """The diarizer of ``backend``: "resemblyzer" (embedded default) or "pyannote" (needs ``model_dir``)."""
    check_speaker_counts(num_speakers, min_speakers, max_speakers)
    if backend == "resemblyzer":
        if model_dir is not None:
            raise NotulistError(
                "`model_dir` is only used with `backend=pyannote`: leave it out, or add `backend=pyannote`",
                parameter="model_dir",
            )
        from notulist.diarization.resemblyzer_backend import ResemblyzerDiarizer

        return ResemblyzerDiarizer(num_speakers=num_speakers, min_speakers=min_speakers, max_speakers=max_speakers)
    if backend == "pyannote":
        from notulist.diarization.pyannote_backend import PyannoteDiarizer

        return PyannoteDiarizer(
            model_dir, num_speakers=num_speakers, min_speakers=min_speakers, max_speakers=max_speakers
        )
    raise NotulistError(f"unknown diarizer {backend!r}: use one of {', '.join(BACKENDS)}")


def warm_up() -> None:
    """Pay the embedded diarizer's one-time start-up cost (weights, mel filters, first forward pass) now.

    Safe to call from a background thread while recognition runs, and more than once; ``diarize`` waits for a
    warm-up in progress instead of repeating it.
    """
    from notulist.diarization.resemblyzer_backend import warm_up as _warm_up

    _warm_up()


# --- turns ---------------------------------------------------------------------------------------------------


def speakers_in_order(turns: Iterable[Turn]) -> list[str]:
    """Speaker labels in order of first speech."""
    seen: dict[str, None] = {}
    for turn in sorted(turns, key=lambda t: (t.start, t.end)):
        seen.setdefault(turn.speaker, None)
    return list(seen)


def relabel_turns(turns: Iterable[Turn]) -> tuple[Turn, ...]:
    """Turns sorted by time with speakers renamed S1, S2, ... in order of first speech."""
    ordered = sorted(turns, key=lambda t: (t.start, t.end))
    mapping = {label: f"S{i + 1}" for i, label in enumerate(speakers_in_order(ordered))}
    return tuple(replace(t, speaker=mapping[t.speaker]) for t in ordered)


def exclusive_turns(turns: Iterable[Turn]) -> tuple[Turn, ...]:
    """Turns made exclusive: where turns overlap, the one that started last holds the floor until it ends.

    Touching or overlapping pieces of the same speaker are merged; zero-length turns are dropped.
    """
    ordered = sorted((t for t in turns if t.end > t.start), key=lambda t: (t.start, t.end))
    boundaries = sorted({t.start for t in ordered} | {t.end for t in ordered})
    result: list[Turn] = []
    active: list[Turn] = []
    next_turn = 0
    for a, b in pairwise(boundaries):
        while next_turn < len(ordered) and ordered[next_turn].start <= a:
            active.append(ordered[next_turn])
            next_turn += 1
        active = [t for t in active if t.end > a]
        if not active:
            continue
        speaker = max(active, key=lambda t: (t.start, -t.end)).speaker
        if result and result[-1].speaker == speaker and result[-1].end == a:
            result[-1] = replace(result[-1], end=b)
        else:
            result.append(Turn(a, b, speaker))
    return tuple(result)


def talk_time(turns: Iterable[Turn]) -> dict[str, float]:
    """Seconds of speech per speaker, in order of first speech."""
    turns = list(turns)
    totals = {speaker: 0.0 for speaker in speakers_in_order(turns)}
    for turn in turns:
        totals[turn.speaker] += turn.end - turn.start
    return totals


def rttm_text(turns: Sequence[Turn], uri: str) -> str:
    """Standard RTTM: one ``SPEAKER uri 1 onset duration <NA> <NA> speaker <NA> <NA>`` line per turn."""
    safe_uri = "_".join(uri.split()) or "audio"
    lines = []
    for turn in sorted(turns, key=lambda t: (t.start, t.end)):
        speaker = "_".join(turn.speaker.split()) or "unknown"
        duration = turn.end - turn.start
        lines.append(f"SPEAKER {safe_uri} 1 {turn.start:.3f} {duration:.3f} <NA> <NA> {speaker} <NA> <NA>")
    return "".join(line + "\n" for line in lines)


def turns_from_rttm(text: str) -> tuple[Turn, ...]:
    """The turns of RTTM text (all files in it); malformed lines are an error."""
    turns = []
    for number, line in enumerate(text.splitlines(), 1):
        fields = line.split()
        if not fields or fields[0] != "SPEAKER":
            continue
        try:
            start, duration = float(fields[3]), float(fields[4])
            speaker = fields[7]
        except (IndexError, ValueError) as exc:
            raise NotulistError(f"line {number} of the RTTM is malformed ({line.strip()!r}): fix or remove it") from exc
        turns.append(Turn(start, start + duration, speaker))
    return tuple(sorted(turns, key=lambda t: (t.start, t.end)))


# --- speakers for words and segments ---------------------------------------------------------------------------


def _speaker_of(start: float, end: float, turns: Sequence[Turn], starts: np.ndarray) -> str | None:
    """The speaker whose turns overlap [start, end] most; the nearest turn's when none overlaps."""
    if not turns:
        return None
    overlap: dict[str, float] = {}
    index = int(np.searchsorted(starts, end, side="right"))
    for turn in turns[max(0, index - 64) : index]:  # turns are exclusive and sorted: only recent ones can overlap
        shared = min(end, turn.end) - max(start, turn.start)
        if shared > 0:
            overlap[turn.speaker] = overlap.get(turn.speaker, 0.0) + shared
    if overlap:
        return max(overlap.items(), key=lambda item: item[1])[0]
    middle = (start + end) / 2

    def distance(turn: Turn) -> float:
        return 0.0 if turn.start <= middle <= turn.end else min(abs(turn.start - middle), abs(turn.end - middle))

    candidates = turns[max(0, index - 2) : index + 2]
    return min(candidates, key=distance).speaker


def _piece_texts(text: str, pieces: Sequence[Sequence[Word]]) -> list[str]:
    """Cut a segment's text where each piece's first word begins, keeping the recogniser's spacing and joins
    ("btw-aangifte"); falls back to joining the words with spaces when a word cannot be found in the text."""
    offsets, cursor = [], 0
    for piece in pieces:
        for number, word in enumerate(piece):
            found = text.find(word.text.strip(), cursor)
            if found < 0:
                return [" ".join(w.text.strip() for w in piece) for piece in pieces]
            if number == 0:
                offsets.append(found)
            cursor = found + len(word.text.strip())
    bounds = [0, *offsets[1:], len(text)]
    return [text[bounds[i] : bounds[i + 1]].strip() for i in range(len(pieces))]


def _split_segment(segment: Segment, turns: Sequence[Turn], starts: np.ndarray) -> list[Segment]:
    if not segment.words:
        return [replace(segment, speaker=_speaker_of(segment.start, segment.end, turns, starts))]
    words = [replace(w, speaker=_speaker_of(w.start, w.end, turns, starts)) for w in segment.words]
    pieces: list[list[Word]] = [[words[0]]]
    for word in words[1:]:
        if word.speaker == pieces[-1][-1].speaker:
            pieces[-1].append(word)
        else:
            pieces.append([word])
    if len(pieces) == 1:
        return [replace(segment, words=tuple(words), speaker=words[0].speaker)]
    result = []
    texts = _piece_texts(segment.text, pieces)
    for i, piece in enumerate(pieces):
        start = segment.start if i == 0 else piece[0].start
        end = segment.end if i == len(pieces) - 1 else piece[-1].end
        result.append(
            replace(
                segment,
                start=min(start, piece[0].start),
                end=max(end, piece[-1].end),
                text=texts[i],
                words=tuple(piece),
                speaker=piece[0].speaker,
            )
        )
    return result


def assign_speakers(transcript: Transcript, turns: Sequence[Turn]) -> Transcript:
    """Each word gets the speaker it overlaps most, segments are split where the speaker changes.

    Segment ids are renumbered in order; speakers (in turns, words and segments alike) are named S1, S2, ... in
    order of first speech in the turns, and ``speakers`` maps each id to itself (names are applied later, as
    audit events). With no turns the transcript is returned with no speakers.
    """
    ordered = exclusive_turns(turns)
    if not ordered:
        segments = tuple(
            replace(s, id=segment_id(i), speaker=None, words=tuple(replace(w, speaker=None) for w in s.words))
            for i, s in enumerate(transcript.segments)
        )
        return replace(transcript, segments=segments, speakers={})
    mapping = {label: f"S{i + 1}" for i, label in enumerate(speakers_in_order(ordered))}
    relabelled = tuple(replace(t, speaker=mapping[t.speaker]) for t in ordered)
    starts = np.array([t.start for t in relabelled])
    pieces = [piece for segment in transcript.segments for piece in _split_segment(segment, relabelled, starts)]
    segments = tuple(replace(piece, id=segment_id(i)) for i, piece in enumerate(pieces))
    used = {s.speaker for s in segments} | {t.speaker for t in relabelled}
    speakers = {f"S{i + 1}": f"S{i + 1}" for i in range(len(mapping)) if f"S{i + 1}" in used}
    return replace(transcript, segments=segments, speakers=speakers)


def turns_from_transcript(transcript: Transcript) -> tuple[Turn, ...]:
    """Speaker turns implied by a transcript's words (or segments without words), for sessions without RTTM."""
    turns = []
    for segment in transcript.segments:
        if segment.words:
            turns.extend(Turn(w.start, w.end, w.speaker) for w in segment.words if w.speaker and w.end > w.start)
        elif segment.speaker and segment.end > segment.start:
            turns.append(Turn(segment.start, segment.end, segment.speaker))
    return exclusive_turns(turns)


def rename_turns(turns: Iterable[Turn], names: Mapping[str, str]) -> tuple[Turn, ...]:
    """Turns with speaker ids replaced by display names (for an RTTM with names in it)."""
    return tuple(replace(t, speaker=names.get(t.speaker, t.speaker)) for t in turns)
