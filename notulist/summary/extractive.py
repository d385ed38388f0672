"""The embedded default summariser: Dutch minutes taken from the transcript itself.

It needs no model and cannot invent: every point's text is made of the transcript's own words (a sentence, or a
clause cut from one) and cites the segments it came from. One finder per kind of point, run in this order:

- ``find_decisions`` (besluiten, afspraken, "akkoord" after a proposal);
- ``find_actions`` (who does what by when; the owner is the committing speaker, the person addressed or named);
- ``find_questions`` (unanswered questions, "dat moeten we nog uitzoeken");
- ``find_topics`` (the subject and agenda items, only where the meeting names them), last, so that the statement it
  gives each topic is not already a decision, action or open question.

A sentence that became a decision or an action is not used again, and the result is deduplicated (two points on the
same committing line or with the same words are one point), so nothing is said twice. Owners are speaker ids until
the speakers are named; the reports show the current name. Doubtful lines (flagged, or dense with uncertain words)
are avoided where a confident line says the same, and the citation checker marks points that still rest on them.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from rapidfuzz import fuzz

from notulist.core.model import Transcript
from notulist.core.progress import Progress, ProgressHook, Stage
from notulist.summary.citations import check_citations
from notulist.summary.find_actions import find_actions
from notulist.summary.find_decisions import find_decisions
from notulist.summary.find_questions import find_questions
from notulist.summary.find_topics import find_topics
from notulist.summary.minutes_context import Draft, MinutesContext
from notulist.summary.model import Summary, SummaryPoint
from notulist.summary.sentences import find_due, split_sentences

__all__ = ["METHOD", "ExtractiveSummarizer", "find_due", "split_sentences"]

logger = logging.getLogger(__name__)

METHOD = "extractive"
FINDERS = (find_decisions, find_actions, find_questions, find_topics)
_KIND_ORDER = {kind: n for n, kind in enumerate(("topic", "decision", "action", "question"))}
_SAME_WORDS = 90.0


def _same(a: Draft, b: Draft) -> bool:
    """Two drafts that say the same thing: the same committing line, or (nearly) the same words."""
    if a.kind == b.kind == "action" and a.segments[-1] == b.segments[-1]:
        return True
    return fuzz.token_set_ratio(a.text.lower(), b.text.lower()) >= _SAME_WORDS and bool(
        set(a.segments) & set(b.segments)
    )


def merge_drafts(drafts: list[Draft]) -> list[Draft]:
    """Drafts without repeats (the earlier finder's kind wins), in report order: kind, then time."""
    merged: list[Draft] = []
    for draft in drafts:
        twin = next((d for d in merged if _same(d, draft)), None)
        if twin is None:
            merged.append(draft)
            continue
        twin.segments = sorted({*twin.segments, *draft.segments})
        twin.owner = twin.owner or draft.owner
        twin.due = twin.due or draft.due
    merged.sort(key=lambda d: (_KIND_ORDER[d.kind], d.segments[0] if d.segments else 0))
    return [d for d in merged if d.text]


def minutes_points(transcript: Transcript, progress: ProgressHook | None = None) -> tuple[SummaryPoint, ...]:
    """Run every finder on ``transcript`` and return the merged points (not yet checked against their lines)."""
    context = MinutesContext.of(transcript)
    for done, finder in enumerate(FINDERS, start=1):
        finder(context)
        if progress is not None:
            progress(Progress(Stage.SUMMARIZE, done, len(FINDERS) + 1, "steps"))
    ids = [segment.id for segment in transcript.segments]
    return tuple(
        SummaryPoint(
            kind=d.kind,  # type: ignore[arg-type]
            text=d.text,
            segment_ids=tuple(ids[s] for s in d.segments),
            owner=d.owner,
            due=d.due,
            written_by=METHOD,
        )
        for d in merge_drafts(context.drafts)
    )


class ExtractiveSummarizer:
    """Structured Dutch minutes from the transcript's own sentences; no model, nothing invented."""

    def summarize(self, transcript: Transcript, progress: ProgressHook) -> Summary:
        total = len(FINDERS) + 1
        progress(Progress(Stage.SUMMARIZE, 0, total, "steps"))
        points = minutes_points(transcript, progress)
        summary = check_citations(Summary(points=points, method=METHOD), transcript)
        progress(Progress(Stage.SUMMARIZE, total, total, "steps"))
        logger.info("extractive minutes: %d points from %d segments", len(summary.points), len(transcript.segments))
        return replace(summary, model=None)
