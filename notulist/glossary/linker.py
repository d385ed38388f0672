"""Linking abbreviations in transcript segments to glossary meanings, robust to how a recogniser writes them.

What is found, strongest evidence first (each a ``Link`` whose ``surface`` is exactly ``text[char_start:char_end]``):

1. letters spoken one by one: "aa-vee-gee", "bee es en", "DF en A", "A V G" (Dutch letter names, "en" = "&"); also
   a short run with a written single letter whose words sound exactly like the letters of an abbreviation of the
   field spelled out ("bezet K": bee-zet-kaa, BZK);
2. listed spoken variants of acronyms said as words: "woo", "wo-verzoek", "fiod"; and, for the abbreviations of this
   field (the glossary's everyday and domain-document entries) of four letters or more that read as a word, a word
   that is no Dutch word and sounds exactly like that reading ("jama" for IAMA, "anbie" for ANBI);
3. the written abbreviation, case- and dot-normalised, also inside compounds and inflections: "AVG", "A.V.G.",
   "bsn-nummer", "Woo-verzoeken", "RIEC's", "DPIAs";
4. recogniser slips, only where safe: a stray lower-case letter inside capitals ("AfVG"), one letter swapped for a
   letter whose Dutch name rhymes ("BTV" for btw: bee/tee/vee/wee; never one of two equal letters, "STT"), or one
   edit on keys of four letters or more.

Never inside an ordinary word: matching is per token (or hyphen part), a lower-case token that is an ordinary Dutch
word ("om", "wet", "en") is never linked, two-letter keys need capitals or the glossary's own spelling (law
citations such as Sv and Sr only the latter), and a
title-case word ("Nova") only links where the glossary itself writes the abbreviation that way ("Woo").
Between several meanings, context words in the segment and its neighbours decide.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import OSA, Levenshtein

from notulist.core.model import Link, Transcript
from notulist.glossary.model import Glossary, GlossaryEntry, Meaning, from_domain_documents, is_everyday
from notulist.glossary.normalise import (
    AMBIGUOUS_LETTER_NAMES,
    LETTER_NAMES,
    is_dutch_word,
    normalise_key,
    spell_letters,
)
from notulist.glossary.spelled import LETTER_SOUNDS, sound_key, spelled_sounds, word_sound

CONTEXT_SEGMENTS = 2  # neighbouring segments on each side whose words count as context (texts without times)
CONTEXT_SECONDS = 45.0  # or: segments this close in time (a transcript)
MAX_RUN = 8
_TOKEN = re.compile(r"\S+")
_LEAD = "\"'([{«„“‘<*"
_TRAIL = "\"',;:!?)]}»”’>*…"
_DOTTED = re.compile(r"^(?:[A-Za-z]{1,4}\.){2,}[A-Za-z]{0,4}\.?$")
# letters (or Dutch letter names, "Jot") joined by dots: "F.G.Z.R.O.", "K.A.V.", "M.Jot"
_LETTER_CHAIN = re.compile(r"^[A-Z](?:[a-z]{0,3})?(?:\.[A-Z](?:[a-z]{0,3})?)+\.?$")
_SUFFIX = re.compile(r"^(?P<core>.+?)(?:['’](?:s|en|tje|je|ers?)|-(?:s|en))$")
_VOWELS = set("AEIOUY")
# letters whose Dutch names rhyme and are confused by recognisers (bee/cee/dee/gee/pee/tee/vee/wee; ef/es; aa/haa/kaa)
_CONFUSABLE_GROUPS = ("BCDGPTVWE", "FS", "MN", "AHK")


@dataclass(frozen=True)
class _Sub:
    """A token or one hyphen part of it: text and its offsets in the segment text."""

    text: str
    start: int
    end: int
    hyphen_before: bool  # joined to the previous part by a hyphen (no space)


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    key: str
    score: float
    how: str


def _trim(text: str, start: int) -> tuple[str, int, int]:
    end = start + len(text)
    while text and text[0] in _LEAD:
        text, start = text[1:], start + 1
    while text and text[-1] in _TRAIL:
        text, end = text[:-1], end - 1
    if text.endswith(".") and not _DOTTED.match(text):
        text, end = text.rstrip("."), end - (len(text) - len(text.rstrip(".")))
    return text, start, end


def _tokens(text: str, keys: frozenset[str] | dict = frozenset()) -> list[list[_Sub]]:
    """Tokens of a segment, each as its hyphen-separated parts (a token without hyphens is one part). A chain of
    letters joined by dots that is not itself one of ``keys`` ("F.G.Z.R.O.", "M.Jot") is split at its dots like a
    hyphenated chain: a recogniser writes spelled letters so, with the next word's letters run on."""
    tokens = []
    for match in _TOKEN.finditer(text):
        core, start, end = _trim(match.group(), match.start())
        if not core:
            continue
        separator = "-"
        if _LETTER_CHAIN.match(core) and normalise_key(core) not in keys:
            separator, core = ".", core.rstrip(".")
        parts = []
        offset = start
        for i, piece in enumerate(core.split(separator)):
            if piece:
                parts.append(_Sub(piece, offset, offset + len(piece), hyphen_before=i > 0))
            offset += len(piece) + 1
        if parts:
            tokens.append(parts)
    return tokens


class Linker:
    """Finds abbreviations of one glossary in text. Build once per glossary; ``link_text`` is pure."""

    def __init__(self, glossary: Glossary, today: dt.date | None = None) -> None:
        self.glossary = glossary
        self.today = today or dt.date.today()
        self.keys = glossary.entries
        self.everyday = frozenset(k for k, e in self.keys.items() if is_everyday(e))
        self.long_keys = [k for k in self.keys if sum(c.isalpha() for c in k) >= 4]
        self.variants: dict[str, list[tuple[tuple[str, ...], str, bool]]] = {}
        for key, entry in self.keys.items():
            for gated, variants in ((False, entry.spoken_variants), (True, entry.context_variants)):
                for variant in variants:
                    words = tuple(variant.split())
                    if words:
                        # a one-word variant that is an ordinary word ("boa") needs context like a gated one
                        gated = gated or (len(words) == 1 and is_dutch_word(words[0]))
                        self.variants.setdefault(words[0], []).append((words, key, gated))
        for options in self.variants.values():
            options.sort(key=lambda item: -len(item[0]))
        self.word_readings = _word_readings(glossary)
        self.spelled_readings = _spelled_readings(glossary)

    # --- matching a single written token ---
    def _case_score(self, core: str, entry: GlossaryEntry) -> float | None:
        canonical = entry.abbreviation.replace(".", "")
        plain = core.replace(".", "")
        letters = [c for c in plain if c.isalpha()]
        if plain == canonical:
            return 1.0
        if len(letters) >= 2 and all(c.isupper() for c in letters):
            return 0.95 if _said_as_letters(entry) else None
        if len(entry.key) < 3 or is_dutch_word(plain):
            return None
        canonical_caps = all(c.isupper() for c in canonical if c.isalpha())
        if plain.islower():
            vowels = sum(c in _VOWELS for c in entry.key)
            return 0.9 if (not canonical_caps or entry.key in self.everyday or vowels <= 1) else None
        if plain[:1].isupper() and plain[1:].islower():
            # "Btw" at a sentence start is btw; "Nova" is a name, not NOVA
            return 0.9 if not canonical_caps else None
        return None

    def _direct(self, core: str) -> tuple[str, float] | None:
        key = normalise_key(core)
        entry = self.keys.get(key)
        if entry is not None:
            score = self._case_score(core, entry)
            if score is not None:
                return key, score
        return None

    def _word(self, text: str) -> tuple[str, float, int] | None:
        """Match one written token or hyphen part; returns (key, score, length of the matched prefix)."""
        found = self._direct(text)
        if found:
            return found[0], found[1], len(text)
        suffix = _SUFFIX.match(text)
        if suffix:
            core = suffix.group("core")
            found = self._direct(core)
            if found:
                return found[0], found[1], len(core)
        if len(text) >= 3 and text[:-1].isupper() and text[-1] == "s":  # "DPIAs", "KPIs"
            found = self._direct(text[:-1])
            if found:
                return found[0], found[1], len(text) - 1
        joined = self._joined(text)
        if joined:
            return joined
        return self._slip(text)

    def _joined(self, text: str) -> tuple[str, float, int] | None:
        """Two abbreviations said "A en B" and written as one: "KI&S&DF&A" -> KI&S (the first; the rest is
        linked as its own token only by a second look, so keep to the first)."""
        if text.count("&") < 2:
            return None
        for cut in [i for i, c in enumerate(text) if c == "&"]:
            first, rest = text[:cut], text[cut + 1 :]
            found = self._direct(first)
            if found and self._direct(rest) and found[1] >= 0.95:
                return found[0], 0.85, len(first)
        return None

    def _slip(self, text: str) -> tuple[str, float, int] | None:
        """Recogniser slips on acronym-looking tokens only (at least two capitals, no other lower case).

        A three-letter token is not read as a rhyming-letter slip by changing one of two equal letters ("STT" is not
        Stb, "WTW" not btw): both wrong slips seen on recordings nobody tuned on were such (an acronym the glossary
        lacked, SDT, written STT), and none of the right ones (BTV, BSM, ESN for btw and BSN) had a doubled letter."""
        if not text.isalpha():
            return None
        upper = [c for c in text if c.isupper()]
        lower = [c for c in text if c.islower()]
        if len(upper) < 2:
            return None
        if len(lower) == 1 and len(upper) >= 3 and text[0].isupper():  # "AfVG" -> AVG
            key = "".join(upper)
            if key in self.keys and len(lower) == 1:
                return key, 0.75, len(text)
            return None
        if lower:
            return None
        key = text
        if len(key) >= 3:
            swaps = set()
            for i, letter in enumerate(key):
                if len(key) == 3 and key.count(letter) > 1:
                    continue  # "STT", "WTW": a doubled letter is the acronym's own spelling, not a slip (docstring)
                for group in _CONFUSABLE_GROUPS:
                    if letter in group:
                        for other in group:
                            if other != letter:
                                candidate = key[:i] + other + key[i + 1 :]
                                if candidate in self.keys and candidate in self.everyday:
                                    swaps.add(candidate)
            if len(key) == 3:  # two letters heard in the wrong order ("BNS"): everyday keys only
                for i in range(2):
                    candidate = key[:i] + key[i + 1] + key[i] + key[i + 2 :]
                    if candidate != key and candidate in self.everyday:
                        swaps.add(candidate)
            if len(swaps) == 1:
                return swaps.pop(), 0.7, len(text)
        if len(key) >= 4:
            close = [k for k in self.long_keys if abs(len(k) - len(key)) <= 1 and OSA.distance(k, key) <= 1]
            if len(close) == 1:
                return close[0], 0.65, len(text)
        return None

    # --- runs of spoken letters and spoken variants ---
    @staticmethod
    def _letter_like(sub: _Sub) -> bool:
        text = sub.text
        low = text.lower()
        if text == "&" or low in LETTER_NAMES:
            return True
        if len(text) == 1 and text.isalpha():
            return True
        return text.isalpha() and text.isupper() and len(text) <= 4

    def _spelled(self, subs: list[_Sub], i: int) -> _Candidate | None:
        if not self._letter_like(subs[i]):
            return None
        best = None
        stop = i
        while stop < len(subs) and stop - i < MAX_RUN and self._letter_like(subs[stop]):
            stop += 1
        for j in range(stop, i + 1, -1):
            run = subs[i:j]
            lower_singles = [s for s in run if len(s.text) == 1 and s.text.islower()]
            if lower_singles and not all(s.hyphen_before for s in run[1:]):
                continue  # "a-v-g" yes, "u a" no
            solid = [s for s in run if s.text.lower() not in AMBIGUOUS_LETTER_NAMES and s.text != "&"]
            if not solid or (len(solid) < 2 and len(run) < 3):
                continue
            if all(s.text.isupper() and len(s.text) > 1 for s in run):
                continue  # "KPI BSN": two written abbreviations, not one spelled
            keys = {k for k in spell_letters([s.text for s in run]) if k in self.keys}
            keys = {k for k in keys if _said_as_letters(self.keys[k])}
            fragment = self._fragment(subs, i, j)
            if fragment and subs[i].hyphen_before:  # inside a longer chain: "N-A" in "D-N-A-F-D-F-N-A"
                keys = {k for k in keys if sum(c.isalpha() for c in k) >= 3}
            elif fragment:  # at a chain's start an everyday two-letter key too: FG in "F.G.Z.R.O." ("FG zodra")
                keys = {k for k in keys if sum(c.isalpha() for c in k) >= 3 or k in self.everyday}
            score = 0.85
            if not keys and len(run) >= 3 and not fragment:  # no guessing inside a longer chain ("Z.R.O")
                keys = self._near_spelled(spell_letters([s.text for s in run]))
                score = 0.6
            if len(keys) == 1:
                best = _Candidate(run[0].start, run[-1].end, keys.pop(), score, "spelled")
                break
        return best

    def _fragment(self, subs: list[_Sub], i: int, j: int) -> bool:
        """True when the run subs[i:j] is hyphen-joined to more spelled letters on either side, or on its left to any
        word ("Kavel-A-L-Algeriet": letters run into a word by the recogniser, not an abbreviation of their own)."""
        before = i > 0 and subs[i].hyphen_before
        after = j < len(subs) and subs[j].hyphen_before and self._letter_like(subs[j])
        return before or after

    def _near_spelled(self, spelled: set[str]) -> set[str]:
        """One letter misheard in a clearly spelled run ("ee vee gee" for aa-vee-gee): unique everyday key only."""
        found = set()
        for text in spelled:
            for key in self.everyday:
                if len(key) == len(text) and Levenshtein.distance(key, text) == 1:
                    found.add(key)
        return found if len(found) == 1 else set()

    def _variant(self, subs: list[_Sub], i: int, context: str) -> _Candidate | None:
        options = self.variants.get(subs[i].text.lower())
        if not options:
            return None
        for words, key, gated in options:
            n = len(words)
            if i + n <= len(subs) and tuple(s.text.lower() for s in subs[i : i + n]) == words:
                if n == 1 and self._direct(subs[i].text):
                    return None  # written the glossary's way: a stronger match below
                if gated and not any(_hits(m, context) for m in self.keys[key].meanings):
                    continue
                return _Candidate(subs[i].start, subs[i + n - 1].end, key, 0.7 if gated else 0.8, "spoken")
        return None

    def _read_as_word(self, subs: list[_Sub], i: int) -> _Candidate | None:
        """A word that sounds exactly like one of ``word_readings`` ("jama", "Iama" for IAMA): not a Dutch word, not
        written in capitals (those are read as written abbreviations), not hyphen-joined to spelled letters ("F-jama";
        "anbie-status" is a compound)."""
        text = subs[i].text
        if not text.isalpha() or text.isupper() or is_dutch_word(text):
            return None
        if (subs[i].hyphen_before and self._letter_like(subs[i - 1])) or (
            i + 1 < len(subs) and subs[i + 1].hyphen_before and self._letter_like(subs[i + 1])
        ):
            return None
        key = self.word_readings.get(sound_key(text))
        return _Candidate(subs[i].start, subs[i].end, key, 0.6, "spoken") if key else None

    def _sounds_spelled(self, subs: list[_Sub], i: int) -> _Candidate | None:
        """A run of two to four words, one of them a written single capital letter and one not a letter at all, that
        sounds exactly like one of ``spelled_readings`` ("bezet K" for bee-zet-kaa, BZK): the letter shows the
        speaker spelled, the word is letter names run together."""
        for j in range(i + 2, min(i + 4, len(subs)) + 1):
            run = [s.text for s in subs[i:j]]
            if not any(len(t) == 1 and t.isupper() for t in run) or all(self._letter_like(s) for s in subs[i:j]):
                continue
            key = self.spelled_readings.get(sound_key(" ".join(LETTER_SOUNDS.get(t, t) for t in run)))
            if key:
                return _Candidate(subs[i].start, subs[j - 1].end, key, 0.6, "spelled")
        return None

    # --- a whole text ---
    def candidates(self, text: str, context: str = "") -> list[_Candidate]:
        tokens = _tokens(text, self.keys)
        subs = [sub for token in tokens for sub in token]
        found: list[_Candidate] = []
        taken: set[int] = set()
        index = 0
        while index < len(subs):
            candidate = (
                self._spelled(subs, index)
                or self._variant(subs, index, context)
                or self._read_as_word(subs, index)
                or self._sounds_spelled(subs, index)
            )
            if candidate is not None:
                found.append(candidate)
                while index < len(subs) and subs[index].start < candidate.end:
                    taken.add(index)
                    index += 1
                continue
            index += 1
        for token in tokens:
            whole_start, whole_end = token[0].start, token[-1].end
            whole = text[whole_start:whole_end]
            if len(token) > 1 and not any(subs.index(s) in taken for s in token):
                match = self._direct(whole)
                if match:
                    found.append(_Candidate(whole_start, whole_end, match[0], match[1], "written"))
                    continue
            for sub in token:
                if subs.index(sub) in taken:
                    continue
                match = self._word(sub.text)
                if match:
                    key, score, length = match
                    found.append(_Candidate(sub.start, sub.start + length, key, score, "written"))
                    rest = sub.text[length + 1 :] if sub.text[length : length + 1] == "&" else ""
                    second = self._direct(rest) if rest else None
                    if second:  # "KI&S&DF&A": the second abbreviation too
                        start = sub.start + length + 1
                        found.append(_Candidate(start, sub.end, second[0], 0.85, "written"))
        found.sort(key=lambda c: c.start)
        return found

    def choose(self, entry: GlossaryEntry, context: str) -> tuple[Meaning, float]:
        """The meaning that fits the context words best; the factor lowers the score when nothing decided it."""
        if len(entry.meanings) == 1:
            return entry.meanings[0], 1.0

        def rank(item: tuple[int, Meaning]) -> tuple[int, bool, int]:
            position, meaning = item
            return (_hits(meaning, context), meaning.valid_on(self.today), -position)

        position, meaning = max(enumerate(entry.meanings), key=rank)
        return meaning, 1.0 if _hits(meaning, context) else 0.8

    def link_text(self, text: str, context: str, segment_id: str, unknown: frozenset[str] = frozenset()) -> list[Link]:
        """Links in ``text``; ``unknown``: keys of acronyms the session's documents use that the glossary lacks
        ("BIO", "SSC-ICT"): such a written token is left alone (not read as a slip for CIO, nor its ICT part)."""
        links = []
        spared = []  # a written token, or hyphen part ("BIO-normen"), that is one of the unknown acronyms
        for token in _tokens(text, self.keys) if unknown else ():
            for start, end in [(token[0].start, token[-1].end), *((sub.start, sub.end) for sub in token)]:
                if _near_unknown(normalise_key(text[start:end]), unknown):
                    spared.append((start, end))
        for candidate in self.candidates(text, context):
            if any(start <= candidate.start and candidate.end <= end for start, end in spared):
                continue
            entry = self.keys[candidate.key]
            meaning, factor = self.choose(entry, context)
            links.append(
                Link(
                    segment_id=segment_id,
                    char_start=candidate.start,
                    char_end=candidate.end,
                    entry_id=meaning.id,
                    surface=text[candidate.start : candidate.end],
                    score=round(candidate.score * factor, 4),
                )
            )
        return links


MIN_READING_SOUNDS = 4  # a shorter reading ("rik" for RIEC) is a name or a word too often


def _word_readings(glossary: Glossary) -> dict[str, str]:
    """The sound (``spelled.sound_key``) of each abbreviation of this field (everyday or from the domain documents)
    of four letters or more read as a word ("IAMA" -> "iama"), where that sound has four symbols or more, is no other
    such abbreviation's, and is not how a listed spoken variant or ordinary spelling of the key reads."""
    readings: dict[str, list[str]] = {}
    for key, entry in glossary.entries.items():
        if sum(c.isalpha() for c in key) < 4 or not (is_everyday(entry) or from_domain_documents(entry)):
            continue
        sound = word_sound(entry.abbreviation)
        if sound and len(sound) >= MIN_READING_SOUNDS:
            readings.setdefault(sound, []).append(key)
    return {sound: keys[0] for sound, keys in readings.items() if len(keys) == 1}


def _spelled_readings(glossary: Glossary) -> dict[str, str]:
    """The sound of each abbreviation of this field (everyday or from the domain documents) of three letters or more
    said letter by letter ("BZK" -> the sound of "bee zet kaa"), where no other such abbreviation sounds the same."""
    readings: dict[str, set[str]] = {}
    for key, entry in glossary.entries.items():
        if sum(c.isalpha() for c in key) < 3 or not _said_as_letters(entry):
            continue
        if is_everyday(entry) or from_domain_documents(entry):
            for sound in spelled_sounds(entry.abbreviation):
                readings.setdefault(sound, set()).add(key)
    return {sound: keys.pop() for sound, keys in readings.items() if len(keys) == 1}


def _said_as_letters(entry: GlossaryEntry) -> bool:
    """False for a two-letter abbreviation the glossary writes as a capital and a lower-case letter (Sr, Sv: law
    citations, said as the law's name, never "es vee"): capitals or spelled letters there are another abbreviation
    (SG, SVB heard as "SV")."""
    canonical = entry.abbreviation
    return not (len(entry.key) == 2 and canonical[:1].isupper() and canonical[1:].islower())


def _near_unknown(key: str, unknown: frozenset[str]) -> bool:
    """``key`` is one of the session's unknown acronyms, or one letter off one that is a compound ("SSEC-ICT" for the
    documents' SSC-ICT: the same name misheard, not an ICT of its own) or of five letters or more ("SCICT")."""
    if key in unknown:
        return True
    if "-" in key and any("-" in u and Levenshtein.distance(key, u) <= 1 for u in unknown):
        return True
    # hyphens aside, one letter off a long one: "SCICT" for SSC-ICT (not AcICT)
    bare = key.replace("-", "")
    return len(bare) >= 5 and any(Levenshtein.distance(bare, u.replace("-", "")) <= 1 for u in unknown if len(u) >= 5)


def _hits(meaning: Meaning, context: str) -> int:
    count = 0
    for word in meaning.context_words:
        if len(word) >= 5:
            count += word in context
        else:
            count += re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", context) is not None
    return count


def link_texts(
    texts: Sequence[str],
    glossary: Glossary,
    ids: Sequence[str] | None = None,
    times: Sequence[tuple[float, float]] | None = None,
    linker: Linker | None = None,
    unknown: frozenset[str] = frozenset(),
) -> list[Link]:
    """Link a sequence of consecutive texts (segments). Context for choosing a meaning: the segments within
    ``CONTEXT_SECONDS`` when ``times`` are given, else ``CONTEXT_SEGMENTS`` neighbours on each side. A caller that
    links again and again with one glossary (the live view) builds its ``Linker`` once and passes it. ``unknown``:
    see ``Linker.link_text``."""
    linker = linker if linker is not None else Linker(glossary)
    ids = ids or [str(i) for i in range(len(texts))]
    lowered = [t.lower() for t in texts]
    links: list[Link] = []
    for i, text in enumerate(texts):
        if times is not None:
            start, end = times[i]
            near = [
                lowered[j]
                for j, (other_start, other_end) in enumerate(times)
                if other_end >= start - CONTEXT_SECONDS and other_start <= end + CONTEXT_SECONDS
            ]
            window = " ".join(near)
        else:
            window = " ".join(lowered[max(0, i - CONTEXT_SEGMENTS) : i + CONTEXT_SEGMENTS + 1])
        links.extend(linker.link_text(text, window, ids[i], unknown))
    return links


def link_transcript(transcript: Transcript, glossary: Glossary, unknown: frozenset[str] = frozenset()) -> Transcript:
    """The transcript with ``links`` replaced by the abbreviations found in its segments (``unknown``: see
    ``Linker.link_text``)."""
    segments = transcript.segments
    links = link_texts(
        [s.text for s in segments],
        glossary,
        [s.id for s in segments],
        [(s.start, s.end) for s in segments],
        unknown=unknown,
    )
    return dataclasses.replace(transcript, links=tuple(links))
