"""Citation checking: how well do the lines a summary point cites support what the point says?

Each point's content words (Dutch stop words left out) are looked up in the words of the segments it cites; a word
counts as found when it is there exactly or, to survive ASR spelling slips and inflection ("verwijderd" /
"verwijderen", "werkinstruxie"), when rapidfuzz's ``ratio`` with some cited word reaches ``WORD_MATCH``. ``support``
is the share of the point's content words found. An owner must be a speaker of a cited segment or be named in it,
and a deadline must be said in it; each one that is not halves the support, and so do names and numbers in the
point's text (a capitalised word inside a sentence, a figure) that no cited line holds or names as its speaker: a
model that puts "Sandra Jansen" in the line where "Pieter de Vries" introduces himself has invented, whatever the
other words share. A point with no valid citation scores 0.
A point is ``supported`` when ``support >= SUPPORT_THRESHOLD`` and none of its cited lines is *doubtful*: a line is
doubtful when it carries any flag (a suspected hallucination, low confidence, untranscribed speech) or when at least
``DENSE_DOUBT`` of its words are marked ``uncertain``. Such a line does not settle anything: the point keeps its score
but names the doubtful lines (``doubtful_segments``) so the report can say "onzeker: herbeluister regel 00:55" and,
where the score does reach the threshold, that its lines carry it but are doubtful (not that it is unsupported).
Citations of segments that do not exist are dropped and recorded in the summary's ``problems``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from rapidfuzz import fuzz, process

from notulist.core.model import Segment, Transcript
from notulist.summary.model import Summary, SummaryPoint

logger = logging.getLogger(__name__)

SUPPORT_THRESHOLD = 0.5
WORD_MATCH = 80.0
# A line with at least this share of uncertain words (and at least two of them) is doubtful even without a flag.
DENSE_DOUBT = 0.3

STOPWORDS = frozenset(
    """
    aan al alle alleen als alsof altijd ben bij binnen daar daarna daarom dan dat de der deze die dit doch doen door
    dus een eens en er ge geen geweest had heb hebben heeft hem het hier hij hoe hun iemand iets ik in is ja je jij
    jou jouw jullie kan kon kunnen maar me meer men met mij mijn mn m'n moet moeten na naar nee niet niets nog nu of
    om omdat ons onze ook op over reeds s t te tegen toch toen tot u uit uw van veel voor waar want was wat we wel
    werd wie wij wil worden wordt zal ze zei zelf zich zij zijn zo zonder zou zullen even heel echter hebt hun hare
    haar hen waren wezen zeer gaan gaat ga dus oké ok eh uh uhm hè nou goed prima dank bedankt alstublieft doe doet
    the a an and or of to in is are be it that this for on with as at by from was were will would can could should
    """.split()
)

_WORD = re.compile(r"[\w']+", re.UNICODE)
_ID = re.compile(r"^\[?\s*s?0*(\d+)\s*\]?$", re.IGNORECASE)


def words(text: str) -> list[str]:
    """Lower-case word tokens of ``text`` (letters, digits, apostrophes)."""
    return [w.strip("'") for w in _WORD.findall(text.lower()) if w.strip("'")]


def content_words(text: str) -> list[str]:
    """The words of ``text`` that carry meaning: no stop words, no one-letter tokens."""
    return [w for w in words(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


def normalise_segment_id(raw: object, known: Iterable[str] = ()) -> str | None:
    """``"s0001"``, ``"[s0001]"``, ``"s1"``, ``"1"`` or ``1`` -> ``"s0001"``; None when it is not a segment id."""
    text = str(raw).strip()
    known_set = set(known)
    if text in known_set:
        return text
    match = _ID.match(text)
    if not match:
        return None
    return f"s{int(match.group(1)):04d}"


def is_doubtful(segment: Segment) -> bool:
    """A flagged line, or one dense with uncertain words: re-listen before relying on it."""
    if segment.flags:
        return True
    uncertain = sum(1 for word in segment.words if getattr(word, "uncertain", False))
    return uncertain >= 2 and uncertain >= DENSE_DOUBT * len(segment.words)


def _found(word: str, vocabulary: set[str], choices: Sequence[str]) -> bool:
    if word in vocabulary:
        return True
    if not choices or len(word) < 4:
        return False
    return process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=WORD_MATCH) is not None


def _owner_supported(owner: str, cited: Sequence[Segment], transcript: Transcript, text: str) -> bool:
    wanted = owner.strip().lower()
    for segment in cited:
        if segment.speaker is None:
            continue
        if wanted in (segment.speaker.lower(), transcript.speaker_name(segment.speaker).lower()):
            return True
    owner_words = content_words(owner)
    return bool(owner_words) and fuzz.partial_ratio(" ".join(owner_words), text.lower()) >= WORD_MATCH


_NAME_OR_NUMBER = re.compile(r"(?<![.!?:]\s)(?<!^)\b([A-Z][\w-]*[a-z][\w-]*|\w*\d\w*)\b")


def _names_and_numbers(text: str) -> list[str]:
    """Capitalised words inside a sentence ("Sandra", "Utrecht"; not the first word, not "IV"-style initials after
    a full stop) and figures, lower-cased."""
    return [m.group(1).lower() for m in _NAME_OR_NUMBER.finditer(text.strip())]


def _speaker_words(cited: Sequence[Segment], transcript: Transcript) -> set[str]:
    found: set[str] = set()
    for segment in cited:
        if segment.speaker:
            found.update(words(f"{segment.speaker} {transcript.speaker_name(segment.speaker) or ''}"))
    return found


def support_score(point: SummaryPoint, cited: Sequence[Segment], transcript: Transcript) -> float:
    """0..1: how much of ``point`` the ``cited`` segments support (0 when nothing valid is cited)."""
    if not cited:
        return 0.0
    text = " ".join(segment.text for segment in cited)
    cited_words = words(text)
    vocabulary = set(cited_words)
    choices = sorted(vocabulary)
    wanted = content_words(point.text)
    if wanted:
        score = sum(_found(w, vocabulary, choices) for w in wanted) / len(wanted)
    else:  # nothing but stop words ("Akkoord."): compare the text as a whole
        score = fuzz.partial_ratio(point.text.lower(), text.lower()) / 100.0
    if point.owner and not _owner_supported(point.owner, cited, transcript, text):
        score /= 2
    names = _names_and_numbers(point.text)
    if names:
        known = vocabulary | _speaker_words(cited, transcript)
        known_choices = sorted(known)
        if any(not _found(w, known, known_choices) for w in names):
            score /= 2
    if point.due:
        due_words = content_words(point.due) or words(point.due)
        if due_words and sum(_found(w, vocabulary, choices) for w in due_words) / len(due_words) < 0.5:
            score /= 2
    return round(score, 4)


def check_citations(summary: Summary, transcript: Transcript, threshold: float = SUPPORT_THRESHOLD) -> Summary:
    """Set ``support`` and ``supported`` on every point; drop citations of unknown segments and record that."""
    by_id = {segment.id: segment for segment in transcript.segments}
    problems = list(summary.problems)
    points: list[SummaryPoint] = []
    for number, point in enumerate(summary.points, start=1):
        valid: list[str] = []
        unknown: list[str] = []
        for raw in point.segment_ids:
            normalised = normalise_segment_id(raw, by_id)
            if normalised in by_id and normalised not in valid:
                valid.append(normalised)
            elif normalised not in by_id:
                unknown.append(str(raw))
        if unknown:
            message = (
                f"point {number} ({point.kind}) cited {', '.join(unknown)}, which "
                f"{'does' if len(unknown) == 1 else 'do'} not exist in the transcript; "
                f"{'the citation was' if len(unknown) == 1 else 'those citations were'} dropped"
            )
            logger.warning(message)
            problems.append(message)
        cited = [by_id[i] for i in valid]
        score = support_score(replace(point, segment_ids=tuple(valid)), cited, transcript)
        doubtful = tuple(segment.id for segment in cited if is_doubtful(segment))
        points.append(
            replace(
                point,
                segment_ids=tuple(valid),
                support=score,
                supported=score >= threshold and not doubtful,
                doubtful_segments=doubtful,
            )
        )
    return replace(summary, points=tuple(points), problems=tuple(dict.fromkeys(problems)))
