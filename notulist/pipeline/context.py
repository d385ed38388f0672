"""Context documents given after the options were made: an agenda attached in the browser (upload or live page).

``with_context`` gives the run the same context as ``--context`` would: the documents' ranked hint list as
``hotwords`` (the user's keywords first), their abbreviations as the first candidates of the glossary second pass,
the unknown abbreviations for the report, and the documents archived with the session (``run._apply_context``).
``context_hints`` is that part alone, shared with the command line's ``--context``/``--keyword``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from notulist.glossary.documents import ContextDocument, unique_names
from notulist.pipeline.run import PipelineOptions

if TYPE_CHECKING:
    from notulist.glossary import Glossary
    from notulist.glossary.context import SessionContext
    from notulist.glossary.spelled import Candidate


def with_context(
    options: PipelineOptions, documents: Sequence[ContextDocument], keywords: Sequence[str] = ()
) -> PipelineOptions:
    """``options`` with ``documents`` and ``keywords`` added to what it already has (its hints, its context), as
    ``--context`` and ``--keyword`` would have given them; ``options`` itself when both are empty."""
    keywords = [" ".join(k.split()) for k in keywords if k.strip()]
    if not keywords and not documents:
        return options
    from notulist.glossary import load_glossary

    recorded = dict(options.recorded)
    glossary = options.glossary or load_glossary([Path(p) for p in recorded.get("glossary") or []])
    all_keywords = [*keywords, *_hint_list(options.decoding_hints)]
    earlier = list(options.context.documents) if options.context is not None else []
    listen = bool(options.second_pass)  # the second pass is on (not --no-second-pass, not --no-links)
    context, hints, candidates = context_hints(glossary, [*earlier, *documents], all_keywords, listen)
    recorded["keyword"] = [*(recorded.get("keyword") or []), *keywords]
    if context is not None:
        recorded["context"] = [d.name for d in context.documents]
    second_pass = candidates if listen else options.second_pass
    return replace(options, context=context, decoding_hints=hints, second_pass=second_pass, recorded=recorded)


def context_hints(
    glossary: Glossary, documents: Sequence[ContextDocument], keywords: Sequence[str], second_pass: bool
) -> tuple[SessionContext | None, str | None, tuple[Candidate, ...]]:
    """What the documents and keywords give a run: the session context (None without documents; names made unique),
    the decoding hints (the documents' ranked terms after the keywords, or without documents the glossary's hint
    list after them) and, when ``second_pass``, the glossary second pass's candidates (the documents'
    abbreviations first, then the keywords, then the glossary's)."""
    from notulist.glossary.context import context_hint_terms, session_context
    from notulist.glossary.hints import decoding_hints
    from notulist.recognition.second_pass import second_pass_candidates

    context = session_context(unique_names(list(documents)), glossary) if documents else None
    if context is not None:
        hints = ", ".join(context_hint_terms(context, keywords)) or None
    else:
        hints = decoding_hints(glossary, keywords=keywords)
    candidates: tuple[Candidate, ...] = ()
    if second_pass:
        terms = context.abbreviations() if context is not None else ()
        candidates = tuple(second_pass_candidates(glossary, terms, keywords))
    return context, hints, candidates


def _hint_list(hints: str | None) -> list[str]:
    return [term.strip() for term in (hints or "").split(",") if term.strip()]
