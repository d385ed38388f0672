"""Open questions: questions nobody answered, and "dat moeten we nog uitzoeken", "daar komen we op terug"."""

from __future__ import annotations

import re

from notulist.summary.minutes_context import MinutesContext

_OPEN = re.compile(
    r"\b(?:moeten (?:we|wij) (?:nog )?(?:uitzoeken|navragen|bekijken)|nog (?:uit te zoeken|na te vragen)|"
    r"kom(?:en)? (?:we|ik) (?:\w+ ){0,2}op terug|(?:is|blijft) (?:nog )?(?:onduidelijk|onbekend|een open vraag)|"
    r"weten (?:we|wij) (?:nog )?niet|open vraag|staat nog open)\b"
)
_PROCEDURAL = re.compile(
    r"\b(?:rondvraag|hoe staan (?:we|jullie) ervoor|nog (?:iets|vragen|opmerkingen)|begrijpt u dat|"
    r"klopt dat|iedereen|zijn we rond|ben je er|bent u er)\b"
)


def answered(context: MinutesContext, i: int) -> bool:
    """Someone else spoke next without asking back, or the speaker went on to answer it."""
    here = context.sentences[i]
    for j in range(i + 1, len(context.sentences)):
        follow = context.sentences[j]
        if follow.segment == here.segment:
            if not follow.question:
                return True  # the speaker answered or explained it at once
            continue
        if follow.speaker == here.speaker and here.speaker is not None:
            return False  # the same speaker went on: nobody answered
        return not follow.question or j + 1 < len(context.sentences)
    return False


def _asked_before(context: MinutesContext, i: int) -> int | None:
    """The question "Dat weten we nog niet." answers (asked by someone else just before), if any."""
    if not re.match(r"^(?:\w+,? )?(?:dat|daar|dit|het)\b", context.sentences[i].norm):
        return None
    asked = context.previous(i, other_speaker=True, max_segments=1)
    return asked if asked is not None and context.sentences[asked].question else None


def find_questions(context: MinutesContext) -> None:
    for i, sentence in enumerate(context.sentences):
        if i in context.used:
            continue
        if _OPEN.search(sentence.norm):
            asked = _asked_before(context, i)
            if asked is None:
                context.add("question", sentence.text, [i])
            else:  # the question itself, and that it is still open
                context.add("question", f"{context.sentences[asked].text} {sentence.text}", [asked, i])
        elif sentence.question and not _PROCEDURAL.search(sentence.norm) and not answered(context, i):
            context.add("question", sentence.text, [i])
