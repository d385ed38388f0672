"""Topics: the meeting's subject and its agenda items, only where the meeting names them.

The subject ("welkom bij het overleg over ..."), the agenda ("op de agenda staan ...") and the places where an item
is opened ("ik begin met de DPIA", "dan de planning", "volgende punt", "de rondvraag") mark the topics. Each topic
carries the statement that best sums up its stretch of the meeting, never a sentence that already is a decision or an
action, and a confident line rather than a doubtful one. Without such cues there are no topics: a list of key words
("communautaire, duitsland, intra") helps no secretary, so the extractive minutes say less rather than invent
structure (an agenda given by the user or a language model does better).
"""

from __future__ import annotations

import re
from collections import Counter
from math import sqrt

from rapidfuzz import fuzz

from notulist.summary.citations import content_words
from notulist.summary.minutes_context import MinutesContext
from notulist.summary.sentences import capitalise

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


def _cues(context: MinutesContext) -> tuple[list[tuple[int, str]], list[str], int | None]:
    """Where items are opened (sentence, label), the agenda as listed, and the subject sentence."""
    boundaries: list[tuple[int, str]] = []
    agenda: list[str] = []
    subject: int | None = None
    for i, sentence in enumerate(context.sentences):
        if subject is None and _SUBJECT.search(sentence.norm):
            subject = i
            continue
        listed = _AGENDA.search(sentence.norm)
        if listed and not agenda:
            items = re.split(r",| en ", sentence.original(listed.start(1), listed.end(1)))
            agenda = [item.strip(" .") for item in items if content_words(item)]
            continue
        for opener in _OPENERS:
            match = opener.search(sentence.norm)
            if match and content_words(match.group(1)):
                boundaries.append((i, sentence.original(match.start(1), match.end(1)).strip(" ?.")))
                break
    return boundaries, agenda, subject


def _agenda_items(context: MinutesContext, boundaries: list[tuple[int, str]], agenda: list[str]):
    """Agenda items nobody opened with a cue: their first mention after the agenda."""
    for item in agenda:
        head = content_words(item)[-1]
        if any(fuzz.partial_ratio(head, label.lower()) >= 80 for _, label in boundaries):
            continue
        for i, sentence in enumerate(context.sentences):
            words = content_words(sentence.text)
            if any(fuzz.ratio(head, w) >= 80 for w in words) and not _AGENDA.search(sentence.norm):
                boundaries.append((i, item))
                break
    return sorted({context.sentences[i].segment: (i, label) for i, label in reversed(boundaries)}.values())


def central_sentence(context: MinutesContext, indices: range) -> int | None:
    """The statement that shares most words with the rest of its stretch: no question, no short line, nothing
    already used for a decision or action, and a confident line whenever there is one."""
    counts = Counter(w for j in indices for w in set(content_words(context.sentences[j].text)))
    ranked: list[tuple[bool, float, int]] = []
    for j in indices:
        sentence = context.sentences[j]
        words = set(content_words(sentence.text))
        if sentence.question or len(words) < 4 or j in context.used:
            continue
        ranked.append((not sentence.doubtful, sum(counts[w] for w in words) / sqrt(len(words)), -j))
    return -max(ranked)[2] if ranked else None


def find_topics(context: MinutesContext) -> None:
    boundaries, agenda, subject = _cues(context)
    if subject is not None:
        sentence = context.sentences[subject]
        match = _SUBJECT.search(sentence.norm)
        assert match is not None
        context.drafts.append(_topic(context, sentence.original(match.start(1), match.end(1)), [subject]))
    boundaries = _agenda_items(context, boundaries, agenda)
    for number, (i, label) in enumerate(boundaries):
        end = boundaries[number + 1][0] if number + 1 < len(boundaries) else len(context.sentences)
        central = central_sentence(context, range(i + 1, end))
        if central is None:
            context.drafts.append(_topic(context, label, [i]))
        else:
            text = f"{capitalise(label)}: {context.sentences[central].text}"
            context.drafts.append(_topic(context, text, [i, central]))


def _topic(context: MinutesContext, text: str, indices: list[int]):
    from notulist.summary.minutes_context import Draft

    return Draft("topic", capitalise(text), sorted({context.sentences[i].segment for i in indices}))
