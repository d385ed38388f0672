"""Where recognised words sound like an abbreviation said letter by letter ("kan je" for "ka-ie-en-es", KI&S).

Whisper ``base`` writes a spelled abbreviation as ordinary words: "even aan" for DF&A (dee-ef-en-aa), "errage" for
RAG (er-aa-gee), "janna" for IAMA, or as a wrong abbreviation ("MEP" for MJP). This module compares the *sound* of
short runs of recognised words with the sound of each candidate abbreviation, spelled with Dutch letter names and,
for abbreviations people say as a word, read as a word. A run that sounds close enough is a *spot*: a place where
the glossary second pass (``notulist.recognition.second_pass``) decodes the audio again with the candidate as hint.

The sound key is deliberately coarse (Dutch spelling folded to one symbol per sound: ie -> i, aa -> a, v/w/f -> f,
z -> s, c/k -> k, d at the end of a word -> t, j -> i, doubled letters once), and similarity is rapidfuzz's indel
ratio of the two keys. A spot is only a question: the second pass decides with the audio.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from notulist.glossary.normalise import is_dutch_word, normalise_key

LETTER_SOUNDS = {
    "A": "aa", "B": "bee", "C": "see", "D": "dee", "E": "ee", "F": "ef", "G": "gee", "H": "haa", "I": "ie",
    "J": "jee", "K": "kaa", "L": "el", "M": "em", "N": "en", "O": "oo", "P": "pee", "Q": "kuu", "R": "er",
    "S": "es", "T": "tee", "U": "uu", "V": "vee", "W": "wee", "X": "iks", "Y": "ei", "Z": "zet", "&": "en",
}  # fmt: skip
_FOLDS = (
    ("ij", "y"), ("ei", "y"), ("ie", "i"), ("oe", "U"), ("ee", "e"), ("aa", "a"), ("oo", "o"), ("uu", "u"),
    ("ch", "g"), ("ph", "f"), ("dt", "t"), ("c", "k"), ("q", "k"), ("x", "ks"), ("z", "s"), ("v", "f"),
    ("w", "f"), ("j", "i"), ("h", ""),
)  # fmt: skip
# indel ratio (0-100) between sound keys from which a run is a spot, by where the candidate came from: the session's
# own documents and keywords are likely, the glossary's everyday list is only a fallback (BENCHMARKS.md, "Context")
MIN_SIMILARITY = {"context": 70.0, "keyword": 70.0, "glossary": 85.0}
MAX_RUN_WORDS = 4
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def sound_key(text: str) -> str:
    """A coarse key for how Dutch ``text`` sounds: "even aan" -> "efenan", "dee ef en aa" -> "defena"."""
    words = []
    for word in _WORD.findall(text.lower()):
        word = re.sub(r"d\b", "t", word.replace("-", "").replace("'", ""))
        for old, new in _FOLDS:
            word = word.replace(old, new)
        words.append(re.sub(r"(.)\1+", r"\1", word))
    return re.sub(r"(.)\1+", r"\1", "".join(words))


def spelled_sounds(abbreviation: str) -> list[str]:
    """The sound keys of an abbreviation said letter by letter: "KI&S" -> sound of "kaa ie en es" (J also as the
    Flemish "jot")."""
    names = [LETTER_SOUNDS.get(c.upper(), "") for c in abbreviation if c.isalpha() or c == "&"]
    sounds = [sound_key(" ".join(names))]
    if "jee" in names:
        sounds.append(sound_key(" ".join("jot" if n == "jee" else n for n in names)))
    return sounds


def word_sound(abbreviation: str) -> str | None:
    """The sound key of an abbreviation read as a word ("IAMA" -> "iama"), when it can be said as one (a vowel
    in it, three letters or more, no "&")."""
    letters = [c for c in abbreviation if c.isalpha()]
    if len(letters) < 3 or "&" in abbreviation or not any(c.lower() in "aeiouy" for c in letters):
        return None
    return sound_key("".join(letters))


@dataclass(frozen=True)
class Candidate:
    abbreviation: str
    source: str  # "context", "keyword" or "glossary"
    sounds: tuple[str, ...]


def make_candidates(terms: Sequence[tuple[str, str]], spoken_variants: dict[str, Sequence[str]]) -> list[Candidate]:
    """Candidates from (abbreviation, source) pairs in rank order, first mention wins."""
    seen: set[str] = set()
    result = []
    for abbreviation, source in terms:
        key = normalise_key(abbreviation)
        if not key or key in seen:
            continue
        seen.add(key)
        sounds = [*spelled_sounds(abbreviation), word_sound(abbreviation)]
        sounds += [sound_key(v) for v in spoken_variants.get(key, ())]
        result.append(Candidate(abbreviation, source, tuple(dict.fromkeys(s for s in sounds if s))))
    return result


@dataclass(frozen=True)
class Spot:
    first_word: int
    last_word: int  # inclusive
    candidate: Candidate
    similarity: float
    written: bool = False  # the recogniser wrote letters here that agree with the candidate but for one ("DPA")


def _written_slip(token: str, candidate: Candidate) -> bool:
    """A wrong abbreviation one letter off, for the session's own candidates only: same length ("MEP" for MJP) or one
    letter more or less ("APE" for AP). (With the glossary's list as candidates this turned a heard "DPA", said
    DPIA, into "DBA" on the recordings kept aside: a written abbreviation is only questioned by the session.)"""
    key = normalise_key(candidate.abbreviation)
    if candidate.source == "glossary" or not token.isupper() or token == key or len(token) < 2:
        return False
    return Levenshtein.distance(token, key) == 1 and (len(token) == len(key) >= 3 or len(key) >= 2)


def _written_letters(run: Sequence[str]) -> str:
    """The letters of a run written as a chain of capitals ("K.A.R.O.K.", which Whisper's words split as "K" ".A"
    ".R" ..., "F-G", "DPA"); '' for other runs."""
    joined = "".join(run)
    if not re.fullmatch(r"(?:[A-Z][.&-]?){2,}", joined):
        return ""
    return "".join(c for c in joined if c.isalpha())


def _word_sounds(candidate: Candidate) -> tuple[str, ...]:
    """A candidate's sounds but those of its letters spelled out: how it sounds read as a word or said as listed.
    A glossary candidate (no session evidence for it) stands for a single written word only so ("jama" for IAMA):
    on the context recordings every one-word spot of a glossary candidate spelled out was wrong ("heeft" FTE, "vier"
    AWIR, "later" ATR, "aanweer" AWR, said "aanvragen", which the model scored 3.3 nats better as AWR)."""
    spelled = set(spelled_sounds(candidate.abbreviation))
    return tuple(s for s in candidate.sounds if s not in spelled)


def _acronym_among_words(run: Sequence[str]) -> str:
    """The letters of the one acronym (two capitals or more) in a run whose other words are ordinary Dutch words ("de
    ECR"): the recogniser heard those letters, so a candidate must fit them but for one, whatever its source ("de ECR"
    sounds a little like ADR, said was "de EC er"). '' for other runs."""
    acronyms = [t for t in run if re.fullmatch(r"[A-Z]{2,}", t)]
    if len(acronyms) != 1 or len(run) < 2 or not all(is_dutch_word(t) for t in run if t not in acronyms):
        return ""
    return acronyms[0]


def _agrees(letters: str, candidate: Candidate) -> bool:
    """The written letters are the candidate's but for one; for a glossary candidate (no session evidence for it) not
    one letter fewer: a recogniser drops a letter said ("DPA" for DPIA) more often than it writes one nobody said
    ("MAPI", said MKB, is no MAP)."""
    key = "".join(c for c in normalise_key(candidate.abbreviation) if c.isalpha())
    if candidate.source == "glossary" and len(key) < len(letters):
        return False
    return Levenshtein.distance(letters, key) <= 1


PUNCTUATION = ".,;:!?\"'()"


def word_core(text: str) -> str:
    """A written word without the punctuation around it."""
    return text.strip(PUNCTUATION)


def written_keys(text: str) -> set[str]:
    """The abbreviation keys a written word may hold: the whole and its hyphen parts ("RAG-pilot" -> RAG-PILOT, RAG,
    PILOT)."""
    core = word_core(text)
    return {normalise_key(core), *(normalise_key(p) for p in core.split("-"))}


def find_spots(words: Sequence[str], candidates: Sequence[Candidate], min_similarity: dict | None = None):
    """Non-overlapping spots in a line's ``words``, best first: runs of 1-4 words that sound like a candidate."""
    thresholds = min_similarity or MIN_SIMILARITY
    tokens = [word_core(w) for w in words]
    keys = {normalise_key(c.abbreviation) for c in candidates}
    found: list[Spot] = []
    for first in range(len(tokens)):
        for last in range(first, min(first + MAX_RUN_WORDS, len(tokens))):
            run = tokens[first : last + 1]
            if normalise_key("".join(run)) in keys or any(keys & written_keys(t) for t in run):
                break  # the abbreviation is already written here (also as Whisper's words "R" ".A" ".G.")
            heard = sound_key(" ".join(run))
            if len(heard) < 3 or (len(run) == 1 and is_dutch_word(run[0]) and len(heard) < 5):
                continue
            ordinary = all(is_dutch_word(t) for t in run)
            letters = _written_letters(run) or _acronym_among_words(run)
            for candidate in candidates:
                if ordinary and candidate.source == "glossary":
                    continue  # only the session's own candidates may stand where ordinary words were heard
                agrees = bool(letters) and _agrees(letters, candidate)
                if letters and not agrees and (candidate.source == "glossary" or len(run) > 1):
                    continue  # written letters ("K.A.R.O.K.", "de ECR") were heard as letters: a guess must fit them
                if len(run) == 1 and _written_slip(run[0], candidate):
                    found.append(Spot(first, last, candidate, 100.0))
                    continue
                sounds = candidate.sounds
                if candidate.source == "glossary" and len(run) == 1 and not letters:
                    sounds = _word_sounds(candidate)  # one word for three letter names: "aanweer" is no AWR
                for sound in sounds:
                    if not 0.7 <= len(heard) / len(sound) <= 1.45:
                        continue
                    similarity = fuzz.ratio(heard, sound)
                    if similarity >= thresholds[candidate.source]:
                        found.append(Spot(first, last, candidate, similarity, agrees))
    found.sort(key=lambda s: (-s.similarity, s.last_word - s.first_word))
    chosen: list[Spot] = []
    for spot in found:
        if all(spot.last_word < other.first_word or spot.first_word > other.last_word for other in chosen):
            chosen.append(spot)
    return sorted(chosen, key=lambda s: s.first_word)
