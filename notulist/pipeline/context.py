"""Context documents given after the options were made: an agenda attached in the browser (upload or live page).

``with_context`` gives the run the same context as ``--context`` would: the documents' ranked hint list as
``hotwords`` (the user's keywords first), their abbreviations as the first candidates of the glossary second pass,
the unknown abbreviations for the report, and the documents archived with the session (``run._apply_context``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from notulist.glossary.documents import ContextDocument, unique_names
from notulist.pipeline.run import PipelineOptions


def with_context(
    options: PipelineOptions, documents: Sequence[ContextDocument], keywords: Sequence[str] = ()
) -> PipelineOptions:
    """``options`` with ``documents`` and ``keywords`` added to what it already has (its hints, its context), as
    ``--context`` and ``--keyword`` would have given them; ``options`` itself when both are empty."""
    keywords = [" ".join(k.split()) for k in keywords if k.strip()]
    if not keywords and not documents:
        return options
    from notulist.glossary import load_glossary
    from notulist.glossary.context import context_hint_terms, session_context
    from notulist.glossary.hints import decoding_hints
    from notulist.recognition.second_pass import second_pass_candidates

    recorded = dict(options.recorded)
    glossary = options.glossary or load_glossary([Path(p) for p in recorded.get("glossary") or []])
    all_keywords = [*keywords, *_hint_list(options.decoding_hints)]
    earlier = list(options.context.documents) if options.context is not None else []
    context = session_context(unique_names([*earlier, *documents]), glossary) if documents or earlier else None
    if context is not None:
        hints = ", ".join(context_hint_terms(context, all_keywords)) or None
    else:
        hints = decoding_hints(glossary, keywords=all_keywords)
    second_pass = options.second_pass
    if second_pass:  # on (not --no-second-pass, not --no-links): what the documents and keywords name comes first
        terms = context.abbreviations() if context is not None else ()
        second_pass = tuple(second_pass_candidates(glossary, terms, all_keywords))
    recorded["keyword"] = [*(recorded.get("keyword") or []), *keywords]
    if context is not None:
        recorded["context"] = [d.name for d in context.documents]
    return replace(options, context=context, decoding_hints=hints, second_pass=second_pass, recorded=recorded)


def _hint_list(hints: str | None) -> list[str]:
    return [term.strip() for term in (hints or "").split(",") if term.strip()]
