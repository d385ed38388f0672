"""The meeting's agenda: read from a context document, and placed in the transcript where the meeting reaches it.

``agenda_from_text`` finds the agenda of a document (an invitation, an agenda): the list items under an "Agenda" /
"Agendapunten" heading (Markdown ``## Agenda``, ``**Agenda**``, ``Agenda:``), or else the first numbered list that
starts at 1. Only the top level counts: sub-items belong to their item. ``place_agenda`` finds, for each item in
order, the sentence where the meeting opens it (its leading word, or half its content words, said after the
previous item's place; a sentence that merely lists several items, as "op de agenda staan ...", opens none).
ASR slips are tolerated by fuzzy word matching. ``points_by_item`` then gives each item the summary points said
between its opening and the next item's; where that is ambiguous (an item in between was not found, or the point is
in the very segment where the item is opened after other talk) the point is left to the besluiten- and actielijst
rather than put under a guessed item.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz

from notulist.core.model import Transcript
from notulist.summary.citations import STOPWORDS
from notulist.summary.model import SummaryPoint
from notulist.summary.sentences import split_sentences

if TYPE_CHECKING:
    from notulist.glossary.documents import ContextDocument

_HEADING = re.compile(
    r"^\s*(?:#{1,6}\s*)?(?:\*\*|__)?\s*(?:agenda(?:punten)?|te bespreken punten)"
    r"\s*(?:\*\*|__)?\s*:?\s*(?:\*\*|__)?\s*$",
    re.IGNORECASE,
)
_OTHER_HEADING = re.compile(r"^\s*(?:#{1,6}\s+\S|(?:\*\*|__)[^*_]+(?:\*\*|__)\s*:?\s*$)")
_ITEM = re.compile(r"^(?P<indent>\s*)(?P<mark>\d{1,2}[.)]|[a-z][.)]|[-*•–·])\s+(?P<text>\S.*)$")
_NUMBERED = re.compile(r"^(?P<indent>\s*)(?P<number>\d{1,2})[.)]\s+(?P<text>\S.*)$")
_MARKUP = re.compile(r"(\*\*|__|\*|_|`)")
_WORD = re.compile(r"\w+", re.UNICODE)
# Items that open or close a meeting: they hold no points, so an unfound one leaves no doubt about its neighbours.
_PROCEDURAL = re.compile(
    r"^(?:opening|sluiting|afsluiting|welkom|vaststell\w* (?:van )?(?:de )?(?:agenda|notulen|verslag)\b)",
    re.IGNORECASE,
)
_CUE = re.compile(
    r"^\W*(?:dan|eerst|allereerst|ten eerste|vervolgens|nu|tot slot|als laatste|(?:ik|we) (?:begin|beginnen) met|"
    r"(?:het )?(?:volgende|laatste) (?:agenda)?punt|over naar|agendapunt)\b",
    re.IGNORECASE,
)
_WORD_MATCH = 85.0
MAX_ITEMS = 30


def _clean(text: str) -> str:
    return " ".join(_MARKUP.sub("", text).split()).strip(" .;:")


def _list_after(lines: Sequence[str]) -> list[str]:
    """The top-level items of the list that follows a heading (list marks, or else short plain lines)."""
    items: list[str] = []
    plain: list[str] = []
    top: int | None = None
    for line in lines:
        if _OTHER_HEADING.match(line):
            break
        if not line.strip():
            if items or plain:
                if items:
                    continue  # a list may hold blank lines between its items
                break
            continue
        item = _ITEM.match(line)
        if item:
            indent = len(item.group("indent").expandtabs(4))
            top = indent if top is None else top
            if indent <= top:
                items.append(_clean(item.group("text")))
            continue
        if items:
            if len(line) - len(line.lstrip()) > (top or 0):
                continue  # a continuation or sub-line of an item
            break
        if len(line.strip()) <= 100:
            plain.append(_clean(line))
    return [i for i in (items or plain) if i][:MAX_ITEMS]


def _numbered_list(lines: Sequence[str]) -> list[str]:
    """The first numbered list that starts at 1 and has at least three items (top level only)."""
    for start, line in enumerate(lines):
        first = _NUMBERED.match(line)
        if not first or first.group("number") != "1":
            continue
        items, expected = [], 1
        for following in lines[start:]:
            numbered = _NUMBERED.match(following)
            if (
                numbered
                and numbered.group("number") == str(expected)
                and numbered.group("indent") == first.group("indent")
            ):
                items.append(_clean(numbered.group("text")))
                expected += 1
            elif following.strip() and not following.startswith((" ", "\t")) and not numbered:
                break
        if len(items) >= 3:
            return items[:MAX_ITEMS]
    return []


def agenda_from_text(text: str) -> tuple[str, ...]:
    """The agenda items a document's text holds, in order; () when it holds no agenda."""
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if _HEADING.match(line):
            items = _list_after(lines[number + 1 :])
            if items:
                return tuple(items)
    return tuple(_numbered_list(lines))


def agenda_of_documents(documents: Sequence[ContextDocument]) -> dict[str, Any]:
    """``{"agenda": [...], "agenda_source": NAME}`` from the first context document that holds an agenda; {} if none."""
    for document in documents:
        items = agenda_from_text(document.text)
        if items:
            return {"agenda": list(items), "agenda_source": document.name}
    return {}


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if len(w) >= 3 and w not in STOPWORDS and not w.isdigit()]


def _item_words(item: str) -> tuple[str, list[str]]:
    """(leading word, content words) of an item: "Besluit: doorgang pilot" counts from "doorgang"."""
    body = re.sub(r"^\s*(?:besluit|bespreking|voorstel|mededeling(?:en)?|ter \w+)\s*[:\-–]\s*", "", item, flags=re.I)
    words = _words(body)
    return (words[0] if words else ""), words


def _has(word: str, said: Sequence[str]) -> bool:
    return any(w == word or (len(word) >= 5 and fuzz.ratio(w, word) >= _WORD_MATCH) for w in said)


def _named(item: str, said: Sequence[str]) -> bool:
    """The sentence names the item by its leading word ("Dan de planning" for "Planning pilot MKB")."""
    lead, _ = _item_words(item)
    return len(lead) >= 4 and _has(lead, said)


def _opens(item: str, said: Sequence[str]) -> bool:
    """The sentence names the item, or says at least two and half of its content words."""
    _, words = _item_words(item)
    if _named(item, said):
        return True
    found = sum(_has(w, said) for w in words)
    return found >= 2 and found * 2 >= len(words)


@dataclass(frozen=True)
class AgendaPlace:
    """Where the meeting opens an agenda item: the segment index, and whether the segment says nothing before it."""

    segment: int
    first_in_segment: bool


def place_agenda(agenda: Sequence[str], transcript: Transcript) -> list[AgendaPlace | None]:
    """For each item, where the meeting opens it (in agenda order), or None where it cannot be told."""
    sentences = split_sentences(transcript)
    said = [_words(s.text) for s in sentences]
    listing = {n for n, words in enumerate(said) if sum(_named(item, words) for item in agenda) >= 2}
    places: list[AgendaPlace | None] = []
    after = 0
    for item in agenda:
        mentions = [n for n in range(after, len(sentences)) if n not in listing and _opens(item, said[n])]
        if not mentions:
            places.append(None)
            continue
        # an item is opened with a cue ("Dan de planning", "Ik begin met ...") or a question about it; a mere
        # mention ("dat nemen we op in de werkinstructie") opens it only when nothing better follows
        found = next((n for n in mentions if sentences[n].question or _CUE.match(sentences[n].text)), mentions[0])
        segment = sentences[found].segment
        before = [w for n in range(found) if sentences[n].segment == segment for w in said[n]]
        places.append(AgendaPlace(segment, len(before) <= 1))  # "Dank je. Ik begin met ..." opens it
        after = found + 1
    return places


def points_by_item(
    agenda: Sequence[str], places: Sequence[AgendaPlace | None], points: Sequence[SummaryPoint], transcript: Transcript
) -> list[list[int]]:
    """For each agenda item, the indices of the points said under it (only where that is unambiguous).

    A topic the summariser found that is no agenda item (an opened subject the agenda does not list) ends the item
    before it: what follows is not put under that item."""
    index = {s.id: n for n, s in enumerate(transcript.segments)}
    cited = [sorted(index[i] for i in point.segment_ids if i in index) for point in points]
    placed = {place.segment for place in places if place is not None}
    others = {c[0] for c, point in zip(cited, points, strict=True) if c and point.kind == "topic"} - placed
    grouped: list[list[int]] = [[] for _ in agenda]
    for number, segments in enumerate(cited):
        if segments:
            item = _item_of(segments[0], segments[-1], agenda, places, others)
            if item is not None:
                grouped[item].append(number)
    return grouped


def _item_of(
    first: int, last_cited: int, agenda: Sequence[str], places: Sequence[AgendaPlace | None], others: set[int]
) -> int | None:
    """The agenda item a point (cited segments ``first``..``last_cited``) falls under, or None when that cannot be
    told without guessing."""
    last = None
    for number, place in enumerate(places):
        if place is not None and place.segment <= first:
            last = number
    if last is None:
        return None
    place = places[last]
    assert place is not None
    if any(place.segment < other <= first for other in others):
        return None  # the meeting moved on to a subject the agenda does not name
    if place.segment == last_cited and not place.first_in_segment:
        return None  # the item opens halfway this segment: the point may belong to the one before
    following = next((n for n in range(last + 1, len(agenda)) if places[n] is not None), len(agenda))
    between = [n for n in range(last + 1, following) if not _PROCEDURAL.match(agenda[n])]
    return None if between else last
