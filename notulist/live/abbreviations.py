"""Glossary abbreviations in live lines, for both front ends (the terminal view and the browser's live page).

The glossary linker runs on each committed segment with the one before it as context; a linker is built once for
the whole recording. Without a glossary (or when it fails to load) live mode goes on without marking.
"""

from __future__ import annotations

import logging
from typing import Any

from notulist.core.model import Link, Segment

log = logging.getLogger(__name__)


class AbbreviationMarker:
    """Finds glossary abbreviations in live segments (the glossary linker, when the glossary package is there)."""

    def __init__(self, glossary: Any) -> None:
        from notulist.glossary.linker import Linker, link_texts

        self.glossary = glossary
        self._link_texts = link_texts
        self._linker = Linker(glossary)  # built once for the whole recording
        self._previous: Segment | None = None

    @classmethod
    def create(cls, glossary: Any = None) -> AbbreviationMarker | None:
        try:
            if glossary is None:
                from notulist.glossary import load_glossary

                glossary = load_glossary()
            return cls(glossary)
        except Exception as exc:  # the live view works without abbreviations
            log.info("no abbreviation marking in the live view: %s", exc)
            return None

    def links(self, segment: Segment) -> list[Link]:
        texts = [segment.text] if self._previous is None else [self._previous.text, segment.text]
        ids = [segment.id] if self._previous is None else [self._previous.id, segment.id]
        self._previous = segment
        try:
            return [
                link
                for link in self._link_texts(texts, self.glossary, ids, linker=self._linker)
                if link.segment_id == segment.id
            ]
        except Exception as exc:
            log.info("abbreviation linking failed for %s: %s", segment.id, exc)
            return []

    def explain(self, link: Link) -> str:
        try:
            meaning = self.glossary.meaning(link.entry_id)
            return f"{link.surface} = {meaning.expansion}"
        except Exception:
            return link.surface
