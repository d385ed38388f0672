"""Transcript sentences for the extractive summariser: cue words repaired, deadlines found.

Cue words are matched after a fuzzy repair of likely ASR slips (Whisper ``base`` writes "volkende" for "volgende",
"voor larden" for "voorwaarde"); each ``Sentence`` keeps the transcript's own text and maps its normalised tokens
back to it, so a point is always made of words that were said. Segments flagged as suspected hallucinations are left
out; segments that are otherwise doubtful are kept but marked, so finders can prefer confident lines.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process

from notulist.core.model import Segment, Transcript
from notulist.summary.citations import STOPWORDS, is_doubtful

logger = logging.getLogger(__name__)

# Flags that mean the text was probably never said: such segments are left out of the minutes.
HALLUCINATION_FLAGS = frozenset({"phantom_phrase", "no_speech", "outside_speech", "repetition", "untranscribed"})
# Whisper itself drops a window as silence only when it is also unsure of the words (no_speech_prob above its
# threshold and avg_logprob below -1.0): a line flagged no_speech alone but decoded with confidence was said (a
# synthetic or quiet voice), and is kept as doubtful.
SILENCE_LOGPROB = -1.0

WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
NUMBER_WORDS = (
    "een één twee drie vier vijf zes zeven acht negen tien elf twaalf dertien veertien vijftien zestien zeventien "
    "achttien negentien twintig eenentwintig tweeëntwintig drieëntwintig vierentwintig vijfentwintig zesentwintig "
    "zevenentwintig achtentwintig negenentwintig dertig eenendertig"
).split()
# Words whose ASR misspellings are repaired before the cues are matched; the decoys keep look-alikes apart.
_CANON_WORDS = (
    (
        "besluiten besluit besloten afgesproken afspraak afspreken akkoord actie actiepunt voorwaarde volgende volgend "
        "overleg vergadering rondvraag agenda uiterlijk voortaan vastgesteld goedgekeurd uitzoeken "
        "volgens voorwaarden besluitvorming acties overleggen agendapunt spreken spraken actief acteur "
        # decoys: real words one letter from a cue ("maand" is not "maart")
        "maand maanden voortgang bespreken besproken bespreking maakt markt"
    ).split()
    + list(WEEKDAYS)
    + [m for m in MONTHS if len(m) >= 5]
)
_CANON_SET = frozenset(_CANON_WORDS)
_CANON_MATCH = 80.0

_TOKEN = re.compile(r"\d{1,2}[-/]\d{1,2}(?:[-/]\d{2,4})?|\w+(?:['’]\w+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")

_MONTH = "|".join(MONTHS)
_DAY = "|".join(WEEKDAYS)
_NUM = "|".join(NUMBER_WORDS)
_ORDINAL = (
    "eerste|tweede|derde|vierde|vijfde|zesde|zevende|achtste|negende|tiende|elfde|twaalfde|dertiende|veertiende|"
    "vijftiende|zestiende|zeventiende|achttiende|negentiende|twintigste|eenentwintigste|tweeëntwintigste|"
    "drieëntwintigste|vierentwintigste|vijfentwintigste|zesentwintigste|zevenentwintigste|achtentwintigste|"
    "negenentwintigste|dertigste|eenendertigste"
)
_UNIT = r"(?:dagen|werkdagen|weken|maanden|dag|werkdag|week|maand|jaar|kwartaal)"
# "de volgende MT-vergadering", "het volgende teamoverleg", "de komende stuurgroep": any meeting word
_MEETING = r"(?:\w+ ){0,2}\w*(?:overleg|vergadering|bespreking|bijeenkomst|sessie|stuurgroep|mt|raad|commissie)"
_DUE_PATTERNS = tuple(
    re.compile(p)
    for p in (
        # "vrijdag 12 december", "op dinsdag 3 maart", "uiterlijk 15 januari", "per een maart", "eind mei"
        rf"\b(?:voor|vóór|uiterlijk|tegen|op|per|eind|begin|medio|half)?\s?(?:(?:{_DAY}) )?(?:de )?"
        rf"(?:\d{{1,2}} |(?:{_NUM}) )?(?:{_MONTH})(?: \d{{4}})?\b",
        rf"\b(?:voor|vóór|uiterlijk|tegen|op)?\s?(?:aanstaande |volgende |komende )?(?:{_DAY})\b",
        r"\b(?:voor|vóór|na|uiterlijk|tegen|bij|in|op|tijdens)?\s?(?:het |de |m'n |mijn |ons |onze )?"
        rf"(?:volgende|volgend|komende|eerstvolgende) (?:{_MEETING}|week(?: (?:op )?(?:{_DAY}))?|maand|keer|"
        r"sprint|kwartaal|jaar)\b",
        rf"\b(?:binnen|over) (?:\d+|{_NUM}) {_UNIT}\b",
        r"\b(?:voor |tegen )?(?:het )?(?:eind|einde) van (?:de|deze|volgende|het) (?:dag|week|maand|jaar|kwartaal)\b",
        r"\b(?:in|voor|na|uiterlijk) het (?:eerste|tweede|derde|vierde|laatste) kwartaal\b|\b(?:in |voor )?q[1-4]\b",
        r"\b(?:voor |tegen |uiterlijk )?(?:eind|einde|begin|medio|halverwege) (?:deze|dit|volgende|komende) "
        r"(?:week|maand|jaar|kwartaal)\b",
        r"\b(?:uiterlijk |voor )?(?:vandaag|morgen|overmorgen|vanmiddag|vanavond|deze week|deze maand|dit jaar)\b",
        r"\b(?:voor|vóór|na|tegen|rond|uiterlijk) (?:de |het )?(?:zomer|winter|herfst|lente|voorjaar|najaar|kerst|"
        r"pasen|weekend|vakantie|(?:zomer|kerst|mei|herfst|voorjaars|krokus)vakantie|(?:zomer|kerst)?reces|jaarwisseling)\b",
        r"\b(?:in |voor |uiterlijk )?week \d{1,2}\b",
        # "voor de vijftiende", "uiterlijk de 15e" (a day of the month; not "de tweede variant")
        rf"\b(?:voor|vóór|uiterlijk|tegen|op|per) de (?:{_ORDINAL}|\d{{1,2}}(?:e|ste|de))"
        r"(?: van (?:deze|de|volgende) maand)?(?=$| (?:aan|naar|bij|klaar|af|rond|in|op|de|het|een|is|ligt|en|dan)\b)",
        r"\b(?:zo snel mogelijk|zsm|z s m|per omgaande)\b",
        r"\b(?:voor |uiterlijk |op )?\d{1,2}[-/]\d{1,2}(?:[-/]\d{2,4})?\b",
    )
)


@dataclass(frozen=True)
class Sentence:
    segment: int  # index into transcript.segments
    text: str  # as said (the transcript's own text)
    norm: str  # lower-case canonical tokens joined by single spaces
    starts: tuple[int, ...]  # start of each token in ``norm``
    spans: tuple[tuple[int, int], ...]  # the same token's span in ``text``
    speaker: str | None
    doubtful: bool = False  # its segment is flagged or dense with uncertain words

    @property
    def question(self) -> bool:
        return self.text.rstrip().endswith("?")

    def original(self, norm_start: int, norm_end: int) -> str:
        """The part of ``text`` behind ``norm[norm_start:norm_end]``."""
        covered = [i for i, s in enumerate(self.starts) if norm_start <= s < norm_end]
        if not covered:
            return ""
        return self.text[self.spans[covered[0]][0] : self.spans[covered[-1]][1]]


def _canonical(token: str) -> str:
    if token in _CANON_SET or len(token) < 5 or token in STOPWORDS:
        return token
    match = process.extractOne(token, _CANON_WORDS, scorer=fuzz.ratio, score_cutoff=_CANON_MATCH)
    return match[0] if match else token


_COMPOUNDS = frozenset({"voorwaarde", "rondvraag", "afgesproken", "actiepunt", "vastgesteld"})


def _sentence(segment: int, text: str, speaker: str | None) -> Sentence:
    raw = [(m.group(0).lower().replace("’", "'"), m.span()) for m in _TOKEN.finditer(text)]
    tokens: list[str] = []
    spans: list[tuple[int, int]] = []
    k = 0
    while k < len(raw):
        word, span = raw[k]
        if k + 1 < len(raw):  # Whisper splits compounds ("voor larden" for "voorwaarde"): join them back
            joined = _canonical(word + raw[k + 1][0])
            if joined in _COMPOUNDS and _canonical(word) not in _COMPOUNDS:
                tokens.append(joined)
                spans.append((span[0], raw[k + 1][1][1]))
                k += 2
                continue
        tokens.append(_canonical(word))
        spans.append(span)
        k += 1
    starts, position = [], 0
    for token in tokens:
        starts.append(position)
        position += len(token) + 1
    return Sentence(segment, text, " ".join(tokens), tuple(starts), tuple(spans), speaker)


def split_sentences(transcript: Transcript) -> list[Sentence]:
    """Sentences of the usable segments, in order (segments flagged as hallucinations are left out; other doubtful
    segments, low confidence or dense with uncertain words, are kept and marked ``doubtful``)."""
    sentences: list[Sentence] = []
    for index, segment in enumerate(transcript.segments):
        if never_said(segment):
            logger.info("segment %s is flagged (%s): left out of the minutes", segment.id, segment.flags[0].kind)
            continue
        doubtful = is_doubtful(segment)
        for text in _SENTENCE_END.split(segment.text.strip()):
            if text.strip():
                sentences.append(replace(_sentence(index, text.strip(), segment.speaker), doubtful=doubtful))
    return sentences


def never_said(segment: Segment) -> bool:
    """Flagged as probably never said (a phantom phrase, a repetition, silence), see ``HALLUCINATION_FLAGS``."""
    kinds = {flag.kind for flag in segment.flags} & HALLUCINATION_FLAGS
    if kinds == {"no_speech"} and segment.avg_logprob >= SILENCE_LOGPROB:
        return False
    return bool(kinds)


def clauses(sentence: Sentence) -> list[str]:
    """The normalised clauses of ``sentence`` between its commas ("Ik denk dat je gelijk hebt, dan schuiven we ...":
    the recognition often writes two sentences as one)."""
    parts = [part for part in sentence.text.split(",") if part.strip()]
    return [_sentence(sentence.segment, part.strip(), sentence.speaker).norm for part in parts]


def find_due(sentence: Sentence) -> str | None:
    """The first deadline said in ``sentence`` (as said), or None."""
    best: tuple[int, int, str] | None = None  # the first one said; of those starting there, the longest
    for pattern in _DUE_PATTERNS:
        match = pattern.search(sentence.norm)
        if match:
            start = match.start() + (len(match.group(0)) - len(match.group(0).lstrip()))
            text = sentence.original(start, match.end())
            if text and (best is None or (start, -match.end()) < (best[0], -best[1])):
                best = (start, match.end(), text)
    return best[2] if best else None


def capitalise(text: str) -> str:
    text = text.strip(" ,;:-")
    return text[:1].upper() + text[1:] if text else text
