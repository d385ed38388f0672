"""The agenda as the minutes show it: each item with the points said under it, where that can be told.

The items come from the meeting (``--agenda``, or the agenda of a context document); ``notulist.summary.agenda``
finds where the meeting opens each item and which points fall under it. Where it cannot tell, the item stands alone:
the minutes say less rather than put a decision under a guessed item.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from notulist.core.model import Transcript
from notulist.reports.text import clean_text
from notulist.summary.agenda import place_agenda, points_by_item
from notulist.summary.model import Summary


@dataclass(frozen=True)
class AgendaItemView:
    number: int
    text: str
    points: tuple = ()  # the PointViews said under this item

    def __str__(self) -> str:  # an organisation's template that prints ``{{ item }}`` gets the item's text
        return self.text


def agenda_items(
    agenda: Sequence[str], summary: Summary | None, point_views: Sequence, transcript: Transcript
) -> tuple[AgendaItemView, ...]:
    """The agenda items in order; each with its points when the summary's points can be placed under it."""
    items = [text for text in (clean_text(item) for item in agenda) if text.strip()]
    if not items or summary is None or not summary.points or len(point_views) != len(summary.points):
        return tuple(AgendaItemView(number, text) for number, text in enumerate(items, start=1))
    grouped = points_by_item(items, place_agenda(items, transcript), summary.points, transcript)
    return tuple(
        AgendaItemView(number, text, tuple(point_views[i] for i in indices))
        for number, (text, indices) in enumerate(zip(items, grouped, strict=True), start=1)
    )
