"""The civil-service glossary: file format and loading, the bundled glossary, the abbreviation linker, hints.

Entry points used by the pipeline: ``load_glossary``, ``entries_snapshot``, ``glossary.linker.link_transcript``,
``glossary.hints.decoding_hints``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from notulist.core.model import Link
from notulist.glossary.context import SessionContext, context_snapshot
from notulist.glossary.errors import GlossaryError
from notulist.glossary.loader import load_glossary
from notulist.glossary.model import Glossary, GlossaryEntry, Meaning

__all__ = ["Glossary", "GlossaryEntry", "GlossaryError", "Meaning", "entries_snapshot", "load_glossary"]


def meaning_to_dict(meaning: Meaning) -> dict[str, Any]:
    return {
        "abbreviation": meaning.abbreviation,
        "expansion": meaning.expansion,
        "description": meaning.description,
        "domain": meaning.domain,
        "source": meaning.source,
        "url": meaning.url,
    }


def entries_snapshot(
    glossary: Glossary, links: Sequence[Link], context: SessionContext | None = None
) -> dict[str, Any]:
    """What a session stores as glossary.json: the glossary's version and hash, every meaning the links use, and
    (with context documents) the abbreviations found in them that the glossary does not know."""
    used = sorted({link.entry_id for link in links})
    snapshot: dict[str, Any] = {
        "version": glossary.version,
        "sha256": glossary.sha256,
        "entries": {entry_id: meaning_to_dict(glossary.meaning(entry_id)) for entry_id in used},
    }
    if context is not None:
        snapshot["context"] = context_snapshot(context)
    return snapshot
