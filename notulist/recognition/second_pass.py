"""The glossary second pass: decode a line again where it sounds like a spelled abbreviation, and keep the new
text only when the audio supports it.

1. ``glossary.spelled.find_spots`` finds runs of recognised words that sound like one of the session's candidate
   abbreviations said letter by letter or as a word ("even aan" ~ dee-ef-en-aa, DF&A). Candidates, in this order:
   the abbreviations of the context documents, the user's keywords, then the glossary's everyday abbreviations
   and those of the civil-service documents it was built from.
2. The line's audio is decoded again by ``WindowDecoder`` (the live decoder: same model, loop guard included) with
   the candidates of that line as the prompt. Of that decoding only the words said during a spot are kept, in the
   place of the spot's words (``splice``): the rest of the line stays as first written, so a hint cannot rewrite it.
3. The new text is accepted only when (a) it writes a candidate at the spot's place (a word holding it overlaps
   the spot in time), (b) it does not repeat itself (a hypothesis with a repeated n-gram or a gzip ratio above 2.4
   is dropped, and so is one that writes an abbreviation twice where the first text had it at most once:
   ``repeats_abbreviation``), and (c) the model, shown the same audio *without* the hint, scores the new text no
   worse than the first text minus ``margin`` (summed log-probability of its tokens, CTranslate2's forced alignment).
4. A session abbreviation (context documents, keywords) that the hinted recogniser wrote is checked the same way
   (``_swap``): the line is scored with each other session abbreviation of as many letters in its place (not one
   the line already writes elsewhere), and one that fits the audio better by more than ``SWAP_MARGIN`` takes its
   place (the hints can make the recogniser write one agenda abbreviation where another was said); only between
   abbreviations said letter by letter (no lower-case vowel: "KvK" yes, "Woo", read as a word, never for CIO).

Each replacement is returned with both texts and both scores, so the pipeline can record it in the audit log.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher

import numpy as np
from rapidfuzz import fuzz

from notulist.audio.decode import SAMPLE_RATE
from notulist.core.model import Segment, Word
from notulist.glossary.model import Glossary, from_domain_documents, is_everyday
from notulist.glossary.normalise import normalise_key
from notulist.glossary.spelled import Candidate, find_spots, make_candidates, word_core, written_keys
from notulist.recognition.flags import repeated_ngram
from notulist.recognition.window_decoder import FRAMES_PER_S, MAX_FRAMES, WindowDecoder, WindowSettings

# How much log-probability (nats, summed over the line's tokens) the new text may lose against the first, by where
# its abbreviation came from. The session's own documents and keywords make an abbreviation likely before a word is
# heard, so the audio only has to not contradict it; a glossary-wide candidate has to fit the audio better.
# Measured on the tuned recordings of benchmarks/context_links.py: right replacements lost at most 3.0 nats, wrong
# ones at least 8.5 with a context candidate and 0.62 with a glossary one (BENCHMARKS.md, "Context").
MARGIN = {"context": 3.5, "keyword": 3.5, "glossary": 0.0, "written": 5.0}
# "written": a glossary candidate where the recogniser wrote letters that agree with it but for one ("DPA" for DPIA):
# right ones lost 2.2, 2.5 and 6.7 nats on the tuned recordings; no wrong one agreeing with written letters was seen.
MIN_LINE_SIMILARITY = 60.0  # a hinted decoding that rewrites the rest of the line is not a local fix
PAD_S = 0.4  # audio taken before and after a line
# how much better (nats) a line must fit the audio with another session abbreviation in place of the one written:
# on the tuned recordings the right swap (LNV for a written ILT) gained 1.9, the best wrong one lost 0.4
SWAP_MARGIN = 1.0
PLACE_SLACK_S = 0.8  # how far from the spot the abbreviation may land


@dataclass(frozen=True)
class Replacement:
    segment_id: str
    start: float
    end: float
    candidates: tuple[str, ...]  # the abbreviations the new text wrote at a spot
    old_text: str
    new_text: str
    old_score: float
    new_score: float

    def to_dict(self) -> dict:
        return {
            "segment_id": self.segment_id,
            "start": round(self.start, 3),
            "end": round(self.end, 3),
            "abbreviations": list(self.candidates),
            "old": self.old_text,
            "new": self.new_text,
            "old_score": round(self.old_score, 4),
            "new_score": round(self.new_score, 4),
        }


def second_pass_candidates(
    glossary: Glossary, context_terms: Sequence[str] = (), keywords: Sequence[str] = (), with_glossary: bool = True
) -> list[Candidate]:
    """Candidates in rank order: the context's abbreviations, the user's keywords, then the glossary's everyday
    abbreviations and those mined from its domain documents (IAMA, BZK, MJP), of three letters or more (two-letter
    ones sound like too many ordinary words)."""
    terms = [(t, "context") for t in context_terms] + [(k, "keyword") for k in keywords]
    if with_glossary:
        terms += [
            (e.abbreviation, "glossary")
            for e in sorted(glossary.entries.values(), key=lambda e: e.key)
            if (is_everyday(e) or from_domain_documents(e)) and sum(c.isalpha() for c in e.abbreviation) >= 3
        ]
    variants = {key: entry.spoken_variants for key, entry in glossary.entries.items() if entry.spoken_variants}
    return make_candidates(terms, variants)


class SecondPass:
    def __init__(self, model, candidates: Sequence[Candidate], margin: dict[str, float] | None = None) -> None:
        self.model = model
        self.candidates = list(candidates)
        self.sources = {c.abbreviation: c.source for c in self.candidates}
        self.margin = margin or MARGIN
        self.decoder = WindowDecoder(model, WindowSettings(beam_size=5, vad_filter=False, pad_s=1.0))
        self.trace: list[tuple] = []  # (old text, best new text, old score, new score, placed) of every line tried
        self.swap_trace: list[tuple] = []  # (old text, best other text, old score, its score) of every swap check

    def run(self, audio: np.ndarray, segments: Sequence[Segment]) -> tuple[list[Segment], list[Replacement]]:
        """The segments with accepted replacements, and the replacements (in time order)."""
        result: list[Segment] = []
        replaced: list[Replacement] = []
        for segment in segments:
            spots = find_spots([w.text for w in segment.words], self.candidates) if segment.words else []
            for check in (self._redecode, self._swap):
                outcome = check(audio, segment, spots)
                if outcome is not None:
                    segment, replacement = outcome
                    replaced.append(replacement)
            result.append(segment)
        return result, replaced

    def _swap(self, audio: np.ndarray, segment: Segment, _spots=()) -> tuple[Segment, Replacement] | None:
        """A session abbreviation the hinted recogniser wrote, checked against the audio: the line is scored without
        a prompt (``scores``) as written and with each other session abbreviation of as many letters in its place;
        one that fits the audio better by more than ``SWAP_MARGIN`` replaces it (the hint list makes the recogniser
        write ILT where LNV was said). Only as many letters: a shorter one fits any audio better (ILT -> OM gained
        5.9 nats where LNV was said); only abbreviations said letter by letter: "Axie voor de CIO." fitted 2.8 nats
        better as "... de Woo." (one syllable for three letter names)."""
        session = [c.abbreviation for c in self.candidates if c.source in ("context", "keyword")]
        variants = swap_variants(segment.words, session)
        if not variants:  # no session abbreviation written, or no other of as many letters
            return None
        clip, _start = _clip(audio, segment)
        texts = [segment.text] + [join_words([w.text for w in words]) for words, _ in variants]
        old_score, *new_scores = self.scores(clip, texts)
        best = max(range(len(variants)), key=lambda i: new_scores[i])
        self.swap_trace.append((segment.text, texts[best + 1], old_score, new_scores[best]))
        if new_scores[best] <= old_score + SWAP_MARGIN:
            return None
        words, other = variants[best]
        new_segment = replace(segment, text=texts[best + 1], words=words)
        replacement = Replacement(
            segment.id, segment.start, segment.end, (other,), segment.text, new_segment.text, old_score,
            new_scores[best],
        )  # fmt: skip
        return new_segment, replacement

    def proposals(
        self, clip: np.ndarray, offset: float, segment: Segment, spots
    ) -> list[tuple[tuple[Word, ...], list]]:
        """New word sequences for a line: the hinted decoding, and the first words with each spot's candidate put
        in its place; each with the candidates it writes at their spots."""
        hinted = list(dict.fromkeys(s.candidate.abbreviation for s in spots))
        found = []
        decoded = self.decoder.decode(clip, prompt=", ".join(hinted) + ".")
        if decoded:
            words = tuple(Word(offset + w.start, offset + w.end, w.text, w.probability) for w in decoded)
            if fuzz.ratio(segment.text.lower(), join_words([w.text for w in words]).lower()) >= MIN_LINE_SIMILARITY:
                words = splice(segment.words, words, spots)
                found.append((words, _placed(segment, spots, words)))
        for spot in spots:
            before, after = segment.words[: spot.first_word], segment.words[spot.last_word + 1 :]
            last = segment.words[spot.last_word]
            trail = last.text[len(last.text.rstrip(".,;:!?")) :]
            word = Word(segment.words[spot.first_word].start, last.end, spot.candidate.abbreviation + trail, 1.0)
            found.append(((*before, word, *after), [spot.candidate.abbreviation]))
        return [(words, placed) for words, placed in found if placed]

    def _redecode(self, audio: np.ndarray, segment: Segment, spots) -> tuple[Segment, Replacement] | None:
        if not spots:
            return None
        clip, start = _clip(audio, segment)
        proposals = [
            (words, placed)
            for words, placed in self.proposals(clip, start, segment, spots)
            if not repeated_ngram([w.text.lower() for w in words])
            and not repeats_abbreviation([w.text for w in segment.words], [w.text for w in words], placed)
        ]
        if not proposals:
            return None
        texts = [segment.text] + [join_words([w.text for w in words]) for words, _ in proposals]
        old_score, *new_scores = self.scores(clip, texts)
        best = max(range(len(proposals)), key=lambda i: new_scores[i])
        self.trace.append((segment.text, texts[best + 1], old_score, new_scores[best], proposals[best][1]))
        words, placed = proposals[best]
        written = {s.candidate.abbreviation for s in spots if s.written}
        margins = [self._margin(a, a in written) for a in placed]
        if new_scores[best] < old_score - min(margins):
            return None
        new_segment = replace(segment, text=texts[best + 1], words=words, start=words[0].start, end=words[-1].end)
        replacement = Replacement(
            segment.id, new_segment.start, new_segment.end, tuple(placed), segment.text, new_segment.text,
            old_score, new_scores[best],
        )  # fmt: skip
        return new_segment, replacement

    def _margin(self, abbreviation: str, written: bool) -> float:
        source = self.sources[abbreviation]
        return self.margin["written" if written and source == "glossary" else source]

    def scores(self, clip: np.ndarray, texts: Sequence[str]) -> list[float]:
        """Log-probability of each text on ``clip`` (sum over its tokens), with no prompt: the model's own
        judgement of how well the text fits the audio."""
        model = self.model
        features = model.feature_extractor(clip)
        frames = min(features.shape[-1] - 1, MAX_FRAMES)
        size = min(MAX_FRAMES, 2 * int(np.ceil((frames + FRAMES_PER_S) / 2)))
        window = np.zeros((features.shape[0], size), dtype=features.dtype)
        window[:, :frames] = features[:, :frames]
        encoded = model.encode(window)
        tokenizer = self.decoder.tokenizer
        start = [*tokenizer.sot_sequence, tokenizer.no_timestamps]
        scores = []
        for text in texts:
            tokens = tokenizer.encode(" " + text.strip())
            probs = model.model.align(encoded, start, [tokens], frames)[0].text_token_probs
            scores.append(sum(math.log(max(p, 1e-9)) for p in probs))
        return scores


def _clip(audio: np.ndarray, segment: Segment) -> tuple[np.ndarray, float]:
    """A line's audio with ``PAD_S`` on each side, and the time it starts at."""
    start = max(0.0, segment.start - PAD_S)
    end = min(len(audio) / SAMPLE_RATE, segment.end + PAD_S)
    return audio[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)], start


def _placed(segment: Segment, spots, words: Sequence[Word]) -> list[str]:
    """The candidates ``words`` write where their spot was in ``segment``."""
    placed = []
    for spot in spots:
        spot_start = segment.words[spot.first_word].start - PLACE_SLACK_S
        spot_end = segment.words[spot.last_word].end + PLACE_SLACK_S
        key = normalise_key(spot.candidate.abbreviation)
        for word in words:
            if key in written_keys(word.text) and spot_start <= word.start and word.end <= spot_end:
                placed.append(spot.candidate.abbreviation)
                break
    return placed


def swap_variants(words: Sequence[Word], session: Sequence[str]) -> list[tuple[tuple[Word, ...], str]]:
    """The line with each session abbreviation it writes replaced by each other one of as many letters, and the
    one put in; not one that the line already writes elsewhere ("BRP en de BAG" never becomes "BRP en de BRP"), and
    only between abbreviations said letter by letter (``_letter_by_letter``: never "Woo" for CIO)."""
    session = [a for a in session if _letter_by_letter(a)]
    keys = {normalise_key(a): a for a in session}
    texts = [w.text for w in words]
    variants = []
    for i, word in enumerate(words):
        abbreviation = keys.get(normalise_key(core := word_core(word.text)))
        if abbreviation is None:
            continue
        for other in session:
            if other != abbreviation and _letters(other) == _letters(abbreviation):
                new_word = replace(word, text=word.text.replace(core, other, 1))
                new_words = (*words[:i], new_word, *words[i + 1 :])
                if not repeats_abbreviation(texts, [w.text for w in new_words], [other]):
                    variants.append((new_words, other))
    return variants


def repeats_abbreviation(first: Sequence[str], new: Sequence[str], abbreviations: Sequence[str]) -> bool:
    """Whether the words ``new`` write one of ``abbreviations`` twice or more where the words ``first`` had it at most
    once. The model, shown a line without a prompt, scores an abbreviation it has just read higher than another one
    said: "BRP en de BRP" fitted the audio of "BRP en de BAG" 7.5 nats better."""
    for abbreviation in abbreviations:
        key = normalise_key(abbreviation)
        if sum(key in written_keys(t) for t in new) >= 2 > sum(key in written_keys(t) for t in first):
            return True
    return False


def splice(first: Sequence[Word], hinted: Sequence[Word], spots) -> tuple[Word, ...]:
    """The first decoding's words with the hinted decoding's words only at the spots. The two are compared word by
    word (``difflib``, lower case without punctuation); in a stretch where they differ that is aligned with a spot's
    words, those words give way to the hinted words said during the spot (overlapping it in time), in their place;
    every other word stays as first written, so a hint cannot rewrite the rest of the line nor write a spot's
    abbreviation somewhere else in it ("de wPIA, dat loopt een metovolgen." with the hinted "de DPIA. Natuur en
    met de volgende." becomes "de DPIA. dat loopt een metovolgen.")."""
    matcher = SequenceMatcher(a=[_bare(w.text) for w in first], b=[_bare(w.text) for w in hinted], autojunk=False)
    result: list[Word] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        aligned = any(s.first_word <= max(i1, i2 - 1) and i1 <= s.last_word + (i1 == i2) for s in spots)
        if tag == "equal" or not aligned:
            result.extend(first[i1:i2])
        else:
            result.extend(_stretch(first, range(i1, i2), hinted[j1:j2], spots))
    return tuple(result)


def _stretch(first: Sequence[Word], stretch: range, hinted: Sequence[Word], spots) -> list[Word]:
    """The first words of ``stretch``, each spot's words among them replaced by the hinted words said during that
    spot; where the stretch holds no first word (the hinted decoding inserted words), the hinted words said during
    a spot."""

    def during(spot) -> list[Word]:
        start, end = first[spot.first_word].start, first[spot.last_word].end
        return [w for w in hinted if w.start < end and start < w.end]

    if not stretch:
        return [w for w in hinted if any(w in during(s) for s in spots)]
    words: list[Word] = []
    for i in stretch:
        spot = next((s for s in spots if s.first_word <= i <= s.last_word), None)
        if spot is None:
            words.append(first[i])
        elif i == max(spot.first_word, stretch.start):  # once per spot
            words.extend(w for w in during(spot) if w not in words)
    return words


def _letter_by_letter(abbreviation: str) -> bool:
    """No lower-case vowel: said letter by letter ("CIO", "KvK"), unlike "Woo", "DigiD" or "SaaS", read as words."""
    return not any(c in "aeiouy" for c in abbreviation)


def _letters(abbreviation: str) -> int:
    return sum(c.isalpha() for c in abbreviation)


def _bare(text: str) -> str:
    return word_core(text).lower()


_ATTACHED = tuple("-&.,;:!?)]}'’")


def join_words(texts: Sequence[str]) -> str:
    """Words back into a line: no space before a word that continues the previous one ("DF" "&A", "RAG" "-pilot")."""
    line = ""
    for text in texts:
        line += text if not line or text.startswith(_ATTACHED) else " " + text
    return line
