"""The embedded default summariser: structured Dutch minutes taken from the transcript itself.

It needs no model and cannot invent: every point's text is made of the transcript's own words (a sentence, or a
clause cut from one) and cites the segments it came from. It finds

- topics: the meeting's subject ("welkom bij het overleg over ..."), the agenda ("op de agenda staan ...") and the
  places where an item is opened ("ik begin met de DPIA", "dan de planning", "volgende punt", "de rondvraag");
  without such cues, blocks of lexically similar segments labelled with their key words;
- decisions and agreements: "we besluiten", "besluiten we", "is besloten", "afgesproken", "spreken we af",
  "akkoord" (a short "Akkoord." confirms the proposal before it), "dat nemen we op", "voortaan", "op voorwaarde
  dat", "dan <werkwoord> we dat ...";
- action items: a speaker who commits ("ik zal ...", "ik ga ... doen", "dat doe ik", "die kan ik ... aanleveren")
  is the owner, and an answer like "dat doe ik" takes its task from the question before it ("wie neemt de actie
  om de werkinstructie te schrijven?"); "Jan gaat ... doen" names Jan; "we spreken af dat u ..." makes the person
  addressed the owner; deadlines ("voor vrijdag", "voor één december", "binnen twee weken", "het volgende
  overleg", 12-03) come from the same lines;
- open questions: questions nobody answered, and "dat moeten we nog uitzoeken", "daar komen we op terug".

Cue words are matched after a fuzzy repair of likely ASR slips (Whisper ``base`` writes "volkende" for "volgende",
"voor larden" for "voorwaarde"); segments flagged as suspected hallucinations are never used.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from math import log, sqrt

from rapidfuzz import fuzz, process

from notulist.core.model import Transcript
from notulist.core.progress import Progress, ProgressHook, Stage
from notulist.summary.citations import STOPWORDS, check_citations, content_words
from notulist.summary.model import Summary, SummaryPoint

logger = logging.getLogger(__name__)

METHOD = "extractive"
# Flags that mean the text was probably never said: such segments are left out of the minutes.
HALLUCINATION_FLAGS = frozenset({"phantom_phrase", "no_speech", "outside_speech", "repetition"})

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
        "volgens voorwaarden besluitvorming acties overleggen agendapunt spreken spraken actief acteur"
    ).split()
    + list(WEEKDAYS)
    + [m for m in MONTHS if len(m) >= 5]
)
_CANON_SET = frozenset(_CANON_WORDS)
_CANON_MATCH = 80.0

# Words too common in speech to name a topic.
_WEAK_WORDS = frozenset(
    "bent doet zitten komt weet denk vind zegt gezegd eigenlijk gewoon goedemorgen goedemiddag goedenavond welkom "
    "klopt natuurlijk misschien precies eerlijk echt graag want omdat waren hebben heeft gaan komen maken moeten "
    "kunnen zullen willen zeggen weten vinden denken staan ligt zien".split()
)
_TOKEN = re.compile(r"\d{1,2}[-/]\d{1,2}(?:[-/]\d{2,4})?|\w+(?:['’]\w+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")

_MONTH = "|".join(MONTHS)
_DAY = "|".join(WEEKDAYS)
_NUM = "|".join(NUMBER_WORDS)
_DUE_PATTERNS = tuple(
    re.compile(p)
    for p in (
        rf"\b(?:voor|vóór|uiterlijk|tegen|op|per|eind|begin|medio|half)?\s?(?:\d{{1,2}} |(?:{_NUM}) )?(?:{_MONTH})"
        rf"(?: \d{{4}})?\b",
        rf"\b(?:voor|vóór|uiterlijk|tegen|op)?\s?(?:aanstaande |volgende |komende )?(?:{_DAY})\b",
        r"\b(?:voor|vóór|uiterlijk|tegen|bij|in|op)?\s?(?:het |de |m'n |mijn |ons |onze )?(?:volgende|volgend|komende) "
        r"(?:overleg|vergadering|bespreking|week|maand|keer|sprint|kwartaal)\b",
        rf"\bbinnen (?:\d+|{_NUM}) (?:dagen|werkdagen|weken|maanden|dag|week|maand)\b",
        r"\b(?:voor |tegen )?(?:het )?(?:eind|einde) van (?:de|deze|volgende|het) (?:week|maand|jaar|kwartaal)\b",
        r"\b(?:uiterlijk |voor )?(?:vandaag|morgen|overmorgen|vanmiddag|vanavond|deze week|deze maand|dit jaar)\b",
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


_COMPOUNDS = frozenset({"voorwaarde", "rondvraag", "afgesproken", "actiepunt"})


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
    """Sentences of the usable segments, in order (segments flagged as hallucinations are left out)."""
    sentences: list[Sentence] = []
    for index, segment in enumerate(transcript.segments):
        if any(flag.kind in HALLUCINATION_FLAGS for flag in segment.flags):
            logger.info("segment %s is flagged (%s): left out of the minutes", segment.id, segment.flags[0].kind)
            continue
        for text in _SENTENCE_END.split(segment.text.strip()):
            if text.strip():
                sentences.append(_sentence(index, text.strip(), segment.speaker))
    return sentences


def find_due(sentence: Sentence) -> str | None:
    """The first deadline said in ``sentence`` (as said), or None."""
    best: tuple[int, str] | None = None
    for pattern in _DUE_PATTERNS:
        match = pattern.search(sentence.norm)
        if match:
            text = sentence.original(match.start() + (len(match.group(0)) - len(match.group(0).lstrip())), match.end())
            if text and (best is None or match.start() < best[0]):
                best = (match.start(), text)
    return best[1] if best else None


def _capitalise(text: str) -> str:
    text = text.strip(" ,;:-")
    return text[:1].upper() + text[1:] if text else text


@dataclass
class _Draft:
    kind: str
    text: str
    segments: list[int]
    owner: str | None = None
    due: str | None = None


class _Minutes:
    def __init__(self, transcript: Transcript) -> None:
        self.transcript = transcript
        self.sentences = split_sentences(transcript)
        self.used: set[int] = set()  # sentences that already became a decision or an action (or its context)
        self.drafts: list[_Draft] = []

    # --- helpers -------------------------------------------------------------------------------------------------
    def speaker_name(self, sentence: Sentence) -> str | None:
        return self.transcript.speaker_name(sentence.speaker) or None

    def previous(self, index: int, other_speaker: bool = True, max_segments: int = 2) -> int | None:
        """The nearest substantive sentence before ``index`` (by another speaker if asked), or None."""
        here = self.sentences[index]
        for j in range(index - 1, -1, -1):
            candidate = self.sentences[j]
            if here.segment - candidate.segment > max_segments:
                return None
            if other_speaker and here.speaker is not None and candidate.speaker == here.speaker:
                continue  # (without speaker labels every other segment may be someone else)
            if other_speaker and candidate.segment == here.segment:
                continue
            if len(content_words(candidate.text)) >= 2:
                return j
        return None

    def due_near(self, indices: Sequence[int]) -> str | None:
        """A deadline said in these sentences or in the next sentence of the same speaker."""
        candidates = list(indices)
        last = max(indices)
        if last + 1 < len(self.sentences) and self.sentences[last + 1].speaker == self.sentences[last].speaker:
            candidates.append(last + 1)
        for j in candidates:
            due = find_due(self.sentences[j])
            if due:
                return due
        return None

    def add(self, kind: str, text: str, indices: Sequence[int], owner: str | None = None, due: str | None = None):
        segments = sorted({self.sentences[i].segment for i in indices})
        self.drafts.append(_Draft(kind, _capitalise(text), segments, owner, due))
        self.used.update(indices)

    # --- topics --------------------------------------------------------------------------------------------------
    _SUBJECT = re.compile(
        r"\b(?:welkom (?:bij|op|met|in) (?:het |de |dit |deze )?|(?:dit|het) (?:gesprek|overleg|interview|verhoor) "
        r"(?:gaat|is) (?:vandaag )?over |we hebben het (?:vandaag )?over )(.+)$"
    )
    _AGENDA = re.compile(
        r"\b(?:op de agenda (?:staan|staat)|de agenda(?:punten)? (?:is|zijn)|we bespreken vandaag|agenda|"
        r"(?:we hebben|er zijn|er staan) (?:vandaag )?(?:\w+ )?(?:punten|onderwerpen|agendapunten)"
        r"(?: op de agenda)?) (.+)$"
    )
    _OPENERS = tuple(
        re.compile(p)
        for p in (
            r"\b(?:ik|we|wij) (?:begin|beginnen|start|starten) (?:met|bij) (.+)$",
            r"^(?:en )?(?:dan|dank|nu|vervolgens|daarna|eerst|allereerst|als eerste|tot slot|ten slotte|als laatste) "
            r"(?:naar |over naar )?((?:de|het) \w+(?: \w+){0,2})$",
            r"\b(?:volgende|eerste|laatste) (?:agendapunt|punt|onderwerp) (?:is )?(.+)$",
            r"\b(?:dan|nu) (?:gaan|komen) we (?:naar|bij|aan) (.+)$",
            r"^(?:en )?(?:dan )?(?:over|door) naar (.+)$",
            r"\b((?:de )?rondvraag)\b",
        )
    )

    def find_topics(self) -> None:
        boundaries: list[tuple[int, str]] = []
        agenda: list[str] = []
        for i, sentence in enumerate(self.sentences):
            subject = self._SUBJECT.search(sentence.norm)
            if subject and not any(d.kind == "topic" for d in self.drafts):
                self.add("topic", sentence.original(subject.start(1), subject.end(1)), [i])
                continue
            listed = self._AGENDA.search(sentence.norm)
            if listed and not agenda:
                items = re.split(r",| en ", sentence.original(listed.start(1), listed.end(1)))
                agenda = [item.strip(" .") for item in items if content_words(item)]
                continue
            for opener in self._OPENERS:
                match = opener.search(sentence.norm)
                if match and content_words(match.group(1)):
                    boundaries.append((i, sentence.original(match.start(1), match.end(1)).strip(" ?.")))
                    break
        for item in agenda:  # agenda items nobody opened with a cue: their first mention after the agenda
            head = content_words(item)[-1]
            if any(fuzz.partial_ratio(head, label.lower()) >= 80 for _, label in boundaries):
                continue
            for i, sentence in enumerate(self.sentences):
                if any(fuzz.ratio(head, w) >= 80 for w in content_words(sentence.text)) and not self._AGENDA.search(
                    sentence.norm
                ):
                    boundaries.append((i, item))
                    break
        boundaries = sorted({self.sentences[i].segment: (i, label) for i, label in reversed(boundaries)}.values())
        if not boundaries:
            boundaries = self.lexical_topics()
        for number, (i, label) in enumerate(boundaries):
            end = boundaries[number + 1][0] if number + 1 < len(boundaries) else len(self.sentences)
            central = self.central_sentence(range(i + 1, end))
            if central is None:
                self.add("topic", label, [i])
            else:
                self.add("topic", f"{_capitalise(label)}: {self.sentences[central].text}", [i, central])
        self.used.clear()  # topic sentences may still hold a decision or an action

    def central_sentence(self, indices: range) -> int | None:
        """The statement that shares most words with the rest of its block (questions and short lines skipped)."""
        counts = Counter(w for j in indices for w in set(content_words(self.sentences[j].text)))
        best, best_score = None, 0.0
        for j in indices:
            sentence = self.sentences[j]
            words = set(content_words(sentence.text))
            if sentence.question or len(words) < 4:
                continue
            score = sum(counts[w] for w in words) / sqrt(len(words))
            if score > best_score:
                best, best_score = j, score
        return best

    def lexical_topics(self, window: int = 3, min_block: int = 4) -> list[tuple[int, str]]:
        """Without cues: TextTiling-like blocks of segments, labelled with their most distinctive words."""
        segments = sorted({s.segment for s in self.sentences})
        if not segments:
            return []
        bags = {
            seg: Counter(w for s in self.sentences if s.segment == seg for w in content_words(s.text))
            for seg in segments
        }
        cuts = [0]
        if len(segments) >= 2 * min_block:
            scores = []
            for gap in range(1, len(segments)):
                left = sum((bags[s] for s in segments[max(0, gap - window) : gap]), Counter())
                right = sum((bags[s] for s in segments[gap : gap + window]), Counter())
                dot = sum(left[w] * right[w] for w in left)
                norm = sqrt(sum(v * v for v in left.values()) * sum(v * v for v in right.values())) or 1.0
                scores.append((dot / norm, gap))
            mean = sum(s for s, _ in scores) / len(scores)
            for score, gap in sorted(scores):
                if (
                    score < mean * 0.5
                    and all(abs(gap - c) >= min_block for c in cuts)
                    and len(segments) - gap >= min_block
                ):
                    cuts.append(gap)
        cuts.sort()
        blocks = [segments[a:b] for a, b in zip(cuts, cuts[1:] + [len(segments)], strict=False)]
        block_words = [sum((bags[s] for s in block), Counter()) for block in blocks]
        result = []
        for block, counter in zip(blocks, block_words, strict=False):
            spread = {w: sum(1 for other in block_words if w in other) for w in counter}
            ranked = sorted(
                (w for w in counter if len(w) >= 4 and w not in _WEAK_WORDS),
                key=lambda w: (-counter[w] * log(1 + len(blocks) / spread[w]), w),
            )
            label = ", ".join(ranked[:3])
            first = next(i for i, s in enumerate(self.sentences) if s.segment == block[0])
            if label:
                result.append((first, label))
        return result

    # --- decisions -----------------------------------------------------------------------------------------------
    _DECISION = tuple(
        re.compile(p)
        for p in (
            r"\b(?:we|wij) (?:besluiten|besloten)\b",
            r"\b(?:besluiten|besloten) (?:we|wij)\b",
            r"\b(?:is|wordt|werd|zijn|hebben) (?:\w+ )?(?:besloten|afgesproken|vastgesteld|goedgekeurd)\b",
            r"\b(?:het|ons) besluit is\b",
            r"\b(?:spreken|spraken) (?:we|wij) af\b",
            r"\b(?:we|wij) (?:spreken|spraken) (?:\w+ )?af\b",
            r"\b(?:we|wij) (?:hebben )?afgesproken\b",
            r"\bde afspraak is\b",
            r"\b(?:we|wij) gaan (?:daarmee |hiermee |ermee )?akkoord\b",
            r"\bakkoord (?:met|dat)\b",
            r"\b(?:dat|dit|die|het) nemen (?:we|wij) (?:op|mee)\b",
            r"\bzo (?:doen|gaan) (?:we|wij) het\b",
            r"\bvoortaan\b",
            r"\bop voorwaarde dat\b",
            r"\b(?:we|wij) (?:kiezen|gaan) (?:\w+ )?voor\b",
            r"\b(?:laten we|we moeten|we zullen) (?:\w+ )?afspreken\b",
            r"^(?:dan|goed,? dan) (?!weten|zien|hopen|denken|vinden|moeten|kunnen|hebben|horen|merken|vragen)\w+en "
            r"(?:we|wij) dat\b",
        )
    )
    _ASSENT = re.compile(r"^(?:ja,? )?(?:akkoord|afgesproken|eens|helemaal mee eens|mee eens|dat is afgesproken)$")
    _PROPOSAL = re.compile(r"\b(?:voorstel|stel (?:ik )?voor|zullen we|laten we|kunnen we|moeten we)\b")
    _ADDRESSEE = re.compile(
        r"\b(?:(?:spreken|spraken) (?:we|wij)|(?:we|wij) (?:spreken|spraken)) af dat (u|jij|je|jullie) (.+)$"
    )

    def find_decisions(self) -> None:
        for i, sentence in enumerate(self.sentences):
            if sentence.question or i in self.used:
                continue
            if self._ASSENT.match(sentence.norm):
                self.assent(i)
                continue
            if not any(p.search(sentence.norm) for p in self._DECISION):
                continue
            indices = [i]
            text = sentence.text
            anaphoric = re.match(r"^(?:\w+ )?(?:dat|dit|die|zo|daar)\b", sentence.norm)
            if anaphoric and len(content_words(sentence.text)) < 5:
                context = self.previous(i, other_speaker=False, max_segments=2)
                while context is not None and self.sentences[context].question and context > 0:
                    context = self.previous(context, other_speaker=False, max_segments=2)
                if context is not None:
                    indices.insert(0, context)
                    text = f"{self.sentences[context].text} {sentence.text}"
            self.add("decision", text, indices, due=find_due(sentence))
            addressed = self._ADDRESSEE.search(sentence.norm)
            if addressed:  # "we spreken af dat u ...": the person addressed owns it; cite where they last spoke
                other = self.addressee(i)
                owner = self.speaker_name(self.sentences[other]) if other is not None else None
                task = sentence.original(addressed.start(2), addressed.end(2)).rstrip(" .")
                cited = [i] if other is None else [other, i]
                self.add("action", task, cited, owner=owner, due=find_due(sentence))
                self.used.discard(other)  # their own words may hold a commitment of their own

    def assent(self, i: int) -> None:
        """A short "Akkoord." confirms the decision or proposal just before it."""
        here = self.sentences[i].segment
        for draft in reversed(self.drafts):
            if draft.kind == "decision" and 0 <= here - draft.segments[-1] <= 2:
                draft.segments = sorted({*draft.segments, here})
                self.used.add(i)
                return
        proposal = self.previous(i)
        if proposal is not None and self._PROPOSAL.search(self.sentences[proposal].norm):
            self.add("decision", self.sentences[proposal].text, [proposal, i], due=find_due(self.sentences[proposal]))

    def addressee(self, i: int) -> int | None:
        """The last sentence, before ``i``, of the person ``i`` speaks to (the previous other speaker)."""
        here = self.sentences[i]
        for j in range(i - 1, -1, -1):
            if self.sentences[j].speaker not in (None, here.speaker):
                return j
        return None

    # --- actions -------------------------------------------------------------------------------------------------
    _VERBS = (
        "zal|ga|neem|pak|zorg|stuur|maak|schrijf|regel|check|controleer|bel|mail|plan|lever|doe|zoek|verstuur|"
        "organiseer|verwerk|bereid|vraag|werk|kijk"
    )
    _COMMIT = re.compile(rf"\bik ({_VERBS})\b(.*)$")
    _COMMIT_INVERTED = re.compile(
        rf"^(?:(?:ja|oké|goed|prima),? )?(?:(dat|die|dit|het|dan|daar|en) )?({_VERBS}) ik\b(.*)$"
    )
    _CAN_DO = re.compile(r"^(?:(?:ja|oké|goed),? )?(?:dat|die|dit|het) (?:kan|wil) ik\b(.*)$")
    _SOON = re.compile(r"\b(?:nog|straks|zo meteen|meteen|direct|even|vandaag|morgen|na afloop)\b")
    _NOT_COMMIT = re.compile(
        r"\bik (?:ga ervan uit|ga (?:door|verder|naar)|maak me|doe mee|zal (?:eerlijk|u|je) |kijk (?:even|naar)|"
        r"werk (?:bij|als|hier|er|al|sinds)|neem aan|vraag me af|doe dat (?:altijd|nooit|zelf))"
    )
    _REQUEST = re.compile(r"^(?:(?:en|dan|maar),? )?(?:kunt|kun|wilt|wil|zou|zoudt) (?:u|je|jij|jullie) (.+?)\??$")
    _WHO = re.compile(r"^(?:en )?wie (.+?)\??$")
    _THIRD = re.compile(
        r"\b([A-Z][\w-]+(?: (?:en|&) [A-Z][\w-]+)?) (gaat|zal|neemt|pakt|zorgt|stuurt|regelt|schrijft|levert|mailt|"
        r"belt|checkt|controleert|organiseert|plant) (.+)$"
    )
    _EVERYONE = re.compile(r"^(?:en )?(?:iedereen|jullie|allemaal|ieder teamlid|elk teamlid|alle deelnemers) \w+")
    _NOT_NAMES = frozenset(
        "dat die dit het de dan wie wat er ik we wij je jij u hij zij ze men iemand niemand iedereen alleen ook nu "
        "toen daar hier ja nee goed prima wanneer hoe waarom welke waar een en maar of als mijn onze ons uw zo".split()
    )

    def task_from(self, j: int) -> str:
        """The task named by a question or request (``j``), as a clause of its own words."""
        sentence = self.sentences[j]
        clause = re.search(r"\bom (.+?) te (\w+)\b", sentence.norm)
        if clause:
            what = sentence.original(clause.start(1), clause.end(1))
            return f"{what} {sentence.original(clause.start(2), clause.end(2))}"
        for pattern in (self._REQUEST, self._WHO):
            match = pattern.match(sentence.norm)
            if match:
                return sentence.original(match.start(match.lastindex or 1), match.end(match.lastindex or 1))
        return sentence.text

    def find_actions(self) -> None:
        for i, sentence in enumerate(self.sentences):
            if i in self.used or sentence.question:
                continue
            owner = self.speaker_name(sentence)
            norm = sentence.norm
            inverted = self._COMMIT_INVERTED.match(norm) or self._CAN_DO.match(norm)
            direct = self._COMMIT.search(norm)
            if inverted and not self._NOT_COMMIT.search(norm):
                rest = inverted.groups()[-1].strip()
                pronoun = inverted.group(1) if inverted.re is self._COMMIT_INVERTED else "dat"
                context = self.previous(i)
                if pronoun in ("dat", "die", "dit", "het") and context is not None:
                    if inverted.re is self._CAN_DO and not self._REQUEST.match(self.sentences[context].norm):
                        continue
                    task = self.task_from(context)
                    if content_words(rest):  # "die kan ik deze week nog aanleveren": keep the how and when
                        said = sentence.original(inverted.start(inverted.lastindex or 0), len(norm)).strip(" .")
                        task = f"{task} ({said})"
                    self.add("action", task, [context, i], owner=owner, due=self.due_near([context, i]))
                elif pronoun not in ("dat", "die", "dit", "het") and len(content_words(rest)) >= 2:
                    self.add("action", sentence.text, [i], owner=owner, due=self.due_near([i]))
                continue
            if (
                direct
                and not self._NOT_COMMIT.search(norm)
                and len(content_words(direct.group(2))) >= 2
                # "ik zal/ga ..." is a commitment; "ik stuur ..." only with a time to it (else it is a habit:
                # "ik lever altijd de facturen aan")
                and (direct.group(1) in ("zal", "ga") or find_due(sentence) or self._SOON.search(norm))
            ):
                start = direct.start(1) if direct.group(1) not in ("zal", "ga") else direct.start(2)
                task = sentence.original(start, len(norm)).strip(" .")
                self.add("action", task, [i], owner=owner, due=self.due_near([i]))
                continue

        for i, sentence in enumerate(self.sentences):  # second pass: someone named, or everyone, takes the task
            if i in self.used or sentence.question:
                continue
            if self._EVERYONE.match(sentence.norm) and find_due(sentence):
                self.add("action", sentence.text, [i], owner=None, due=find_due(sentence))
                continue
            third = self._THIRD.search(sentence.text)
            if third and third.group(1).split()[0].lower() not in self._NOT_NAMES:
                self.add("action", sentence.text, [i], owner=third.group(1), due=self.due_near([i]))
                continue
            named = re.search(r"\bactie(?:punt)? (?:voor|bij) ([A-Z][\w-]+)", sentence.text)
            if named and named.group(1).lower() not in self._NOT_NAMES:
                self.add("action", sentence.text, [i], owner=named.group(1), due=self.due_near([i]))

    # --- open questions ------------------------------------------------------------------------------------------
    _OPEN = re.compile(
        r"\b(?:moeten (?:we|wij) (?:nog )?(?:uitzoeken|navragen|bekijken)|nog (?:uit te zoeken|na te vragen)|"
        r"kom(?:en)? (?:we|ik) (?:\w+ ){0,2}op terug|(?:is|blijft) (?:nog )?(?:onduidelijk|onbekend|een open vraag)|"
        r"weten (?:we|wij) (?:nog )?niet|open vraag|staat nog open)\b"
    )
    _PROCEDURAL = re.compile(
        r"\b(?:rondvraag|hoe staan (?:we|jullie) ervoor|nog (?:iets|vragen|opmerkingen)|begrijpt u dat|"
        r"klopt dat|iedereen|zijn we rond|ben je er|bent u er)\b"
    )

    def find_questions(self) -> None:
        for i, sentence in enumerate(self.sentences):
            if i in self.used:
                continue
            if self._OPEN.search(sentence.norm):
                self.add("question", sentence.text, [i])
                continue
            if not sentence.question or self._PROCEDURAL.search(sentence.norm):
                continue
            if self.answered(i):
                continue
            self.add("question", sentence.text, [i])

    def answered(self, i: int) -> bool:
        """Someone else spoke next without asking back, or the speaker went on to answer it."""
        here = self.sentences[i]
        for j in range(i + 1, len(self.sentences)):
            follow = self.sentences[j]
            if follow.segment == here.segment:
                if not follow.question:
                    return True  # the speaker answered or explained it at once
                continue
            if follow.speaker == here.speaker and here.speaker is not None:
                return False  # the same speaker went on: nobody answered
            return not follow.question or j + 1 < len(self.sentences)
        return False

    # --- result --------------------------------------------------------------------------------------------------
    def points(self) -> tuple[SummaryPoint, ...]:
        merged: list[_Draft] = []
        for draft in self.drafts:
            twin = next(
                (d for d in merged if d.kind == draft.kind == "action" and d.segments[-1] == draft.segments[-1]),
                None,
            )
            if twin is not None:
                twin.segments = sorted({*twin.segments, *draft.segments})
                twin.owner = twin.owner or draft.owner
                twin.due = twin.due or draft.due
                continue
            merged.append(draft)
        order = {kind: n for n, kind in enumerate(("topic", "decision", "action", "question"))}
        merged.sort(key=lambda d: (order[d.kind], d.segments[0] if d.segments else 0))
        ids = [segment.id for segment in self.transcript.segments]
        return tuple(
            SummaryPoint(
                kind=d.kind,  # type: ignore[arg-type]
                text=d.text,
                segment_ids=tuple(ids[s] for s in d.segments),
                owner=d.owner,
                due=d.due,
            )
            for d in merged
            if d.text
        )


class ExtractiveSummarizer:
    """Structured Dutch minutes from the transcript's own sentences; no model, nothing invented."""

    def summarize(self, transcript: Transcript, progress: ProgressHook) -> Summary:
        total = 4
        progress(Progress(Stage.SUMMARIZE, 0, total, "steps"))
        minutes = _Minutes(transcript)
        minutes.find_topics()
        progress(Progress(Stage.SUMMARIZE, 1, total, "steps"))
        minutes.find_decisions()
        progress(Progress(Stage.SUMMARIZE, 2, total, "steps"))
        minutes.find_actions()
        progress(Progress(Stage.SUMMARIZE, 3, total, "steps"))
        minutes.find_questions()
        summary = check_citations(Summary(points=minutes.points(), method=METHOD), transcript)
        progress(Progress(Stage.SUMMARIZE, total, total, "steps"))
        logger.info("extractive minutes: %d points from %d segments", len(summary.points), len(transcript.segments))
        return replace(summary, model=None)
