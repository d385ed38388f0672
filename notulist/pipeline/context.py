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


def with_context(options: PipelineOptions, documents: Sequence[ContextDocument]) -> PipelineOptions:
    """``options`` with ``documents`` as the session's context (added to any the options already have)."""
    if not documents:
        return options
    from notulist.glossary import load_glossary
    from notulist.glossary.context import context_hint_terms, session_context
    from notulist.recognition.second_pass import second_pass_candidates

    recorded = dict(options.recorded)
    glossary = options.glossary or load_glossary([Path(p) for p in recorded.get("glossary") or []])
    keywords = [str(k) for k in recorded.get("keyword") or []]
    earlier = list(options.context.documents) if options.context else []
    context = session_context(unique_names([*earlier, *documents]), glossary)
    second_pass = options.second_pass
    if second_pass:  # on (not --no-second-pass, not --no-links): the documents' abbreviations come first
        second_pass = tuple(second_pass_candidates(glossary, context.abbreviations(), keywords))
    recorded["context"] = [d.name for d in context.documents]
    return replace(
        options,
        context=context,
        decoding_hints=", ".join(context_hint_terms(context, keywords)) or None,
        second_pass=second_pass,
        recorded=recorded,
    )
