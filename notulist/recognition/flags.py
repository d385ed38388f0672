"""Hallucination and low-confidence flags, each with the evidence that raised it.

Thresholds follow Whisper's own failure signals (``avg_logprob < -1.0``, ``compression_ratio > 2.4``,
``no_speech_prob > 0.6`` where the words are unsure too or little of the line is voiced) plus two checks of our own:
known Dutch phantom phrases that Whisper writes over silence or music (flagged only as whole segments and only with
supporting evidence), and text placed where the voice activity detector heard no voice. The recogniser raises
``untranscribed`` itself (voiced audio left without words, ``notulist.recognition.recognizer``) and
``notulist.recognition.doubt`` adds ``low_confidence`` to lines dense with uncertain words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from notulist.audio.vad import Region, voiced_fraction
from notulist.core.model import Flag, Segment
from notulist.core.text import comparable

PHANTOM_PHRASES = (
    "ondertitels ingediend door de amara org gemeenschap",
    "ondertiteling door de amara org gemeenschap",
    "ondertiteld door de amara org gemeenschap",
    "bedankt voor het kijken",
    "dank u wel voor het kijken",
    "dank je wel voor het kijken",
    "tv gelderland 2021",
    "muziek",
    "applaus",
)


@dataclass(frozen=True)
class FlagThresholds:
    min_avg_logprob: float = -1.0
    min_mean_word_probability: float = 0.5
    max_no_speech_prob: float = 0.6
    # Whisper computes no_speech_prob once per 30 s window and gives it to every line of that window: a line is
    # flagged only when, as in Whisper's own silence rule, its words are unsure too, or the VAD heard voice in less
    # than this share of it (confident lines over voiced audio were speech: 75 of 75 in 19 recordings, BENCHMARKS.md)
    no_speech_max_voiced_fraction: float = 0.5
    max_compression_ratio: float = 2.4
    min_voiced_fraction: float = 0.2
    phantom_min_no_speech_prob: float = 0.3
    phantom_max_voiced_fraction: float = 0.5
    min_repeats: int = 3  # an n-gram of 2+ words said this many times in a row
    min_word_repeats: int = 5  # a single word said this many times in a row


def repeated_ngram(words: Sequence[str], thresholds: FlagThresholds = FlagThresholds()) -> tuple[str, int] | None:
    """The longest run of an n-gram repeated back to back, if it is long enough to be suspicious."""
    for n in range(1, 6):
        needed = thresholds.min_word_repeats if n == 1 else thresholds.min_repeats
        for i in range(len(words) - n * needed + 1):
            gram = words[i : i + n]
            count = 1
            while words[i + count * n : i + (count + 1) * n] == gram:
                count += 1
            if count >= needed:
                return " ".join(gram), count
    return None


def segment_flags(
    segment: Segment, speech: Sequence[Region], thresholds: FlagThresholds = FlagThresholds()
) -> tuple[Flag, ...]:
    flags: list[Flag] = []
    voiced = voiced_fraction(segment.start, segment.end, speech)
    mean_probability = sum(w.probability for w in segment.words) / len(segment.words) if segment.words else None
    if segment.avg_logprob < thresholds.min_avg_logprob:
        flags.append(
            Flag("low_confidence", f"avg_logprob {segment.avg_logprob:.2f} < {thresholds.min_avg_logprob:.1f}")
        )
    elif mean_probability is not None and mean_probability < thresholds.min_mean_word_probability:
        flags.append(
            Flag(
                "low_confidence",
                f"mean word probability {mean_probability:.2f} < {thresholds.min_mean_word_probability:.2f}",
            )
        )
    if segment.no_speech_prob > thresholds.max_no_speech_prob and (
        segment.avg_logprob < thresholds.min_avg_logprob or voiced < thresholds.no_speech_max_voiced_fraction
    ):
        flags.append(Flag("no_speech", _no_speech_evidence(segment, voiced, thresholds)))
    words = comparable(segment.text).split()
    repeated = repeated_ngram(words, thresholds)
    if segment.compression_ratio > thresholds.max_compression_ratio:
        flags.append(
            Flag(
                "repetition",
                f"compression_ratio {segment.compression_ratio:.2f} > {thresholds.max_compression_ratio:.1f}",
            )
        )
    elif repeated:
        flags.append(Flag("repetition", f"'{repeated[0]}' repeated {repeated[1]} times in a row"))
    normalised = " ".join(words)
    if normalised in PHANTOM_PHRASES:
        evidence = []
        if segment.no_speech_prob >= thresholds.phantom_min_no_speech_prob:
            evidence.append(f"no_speech_prob {segment.no_speech_prob:.2f}")
        if voiced <= thresholds.phantom_max_voiced_fraction:
            evidence.append(f"only {voiced:.0%} voiced")
        if segment.avg_logprob < thresholds.min_avg_logprob:
            evidence.append(f"avg_logprob {segment.avg_logprob:.2f}")
        if evidence:
            flags.append(
                Flag("phantom_phrase", f"known phantom phrase '{segment.text.strip()}'; " + ", ".join(evidence))
            )
    if voiced < thresholds.min_voiced_fraction:
        flags.append(
            Flag("outside_speech", f"only {voiced:.0%} of {segment.start:.2f}-{segment.end:.2f} s has voice activity")
        )
    return tuple(flags)


def _no_speech_evidence(segment: Segment, voiced: float, thresholds: FlagThresholds) -> str:
    evidence = f"no_speech_prob {segment.no_speech_prob:.2f} > {thresholds.max_no_speech_prob:.1f}"
    if segment.avg_logprob < thresholds.min_avg_logprob:
        return f"{evidence}, avg_logprob {segment.avg_logprob:.2f}"
    return f"{evidence}, only {voiced:.0%} voiced"


RECOGNIZER_FLAGS = ("untranscribed",)  # raised by the recogniser itself, kept as they are


def flag_segments(
    segments: Sequence[Segment], speech: Sequence[Region], thresholds: FlagThresholds = FlagThresholds()
) -> tuple[Segment, ...]:
    """Every segment's flags computed afresh; an empty segment (voiced audio the recogniser could not
    write, ``untranscribed``) keeps the recogniser's own flags only."""
    return tuple(
        replace(
            s,
            flags=tuple(f for f in s.flags if f.kind in RECOGNIZER_FLAGS)
            + (segment_flags(s, speech, thresholds) if s.words or s.text else ()),
        )
        for s in segments
    )
