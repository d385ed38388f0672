"""The context of a live recording: keywords and documents (agenda, invitation, case file) given when it starts.

They serve twice, as ``notulist transcribe --keyword/--context`` do: as the hints of recognition (live:
``notulist.live.hints.HintedDecoder``; the final pass: ``hotwords``, and the glossary second pass listens for the
abbreviations they name), and the documents are archived with the session (``context/NAME``). A browser
recording keeps them in its ``.live`` folder (the documents under ``context/``, the keywords as a
``live_context`` annotation), so a recording made into a session after a crash (``notulist recover``,
"Herstellen") gets them as well: ``finalize_recording`` reads them back with ``saved_context``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from notulist.core.errors import NotulistError
from notulist.glossary.context import context_hint_terms, session_context
from notulist.glossary.documents import ContextDocument, document_text
from notulist.live.annotations import Annotations, read_annotations
from notulist.pipeline.run import PipelineOptions

CONTEXT_DIR = "context"
CONTEXT_EVENT = "live_context"


def with_context(
    options: PipelineOptions, keywords: Sequence[str], documents: Sequence[ContextDocument]
) -> PipelineOptions:
    """``options`` with the keywords and documents added to what it already has (its hints, its context)."""
    keywords = [" ".join(k.split()) for k in keywords if k.strip()]
    if not keywords and not documents:
        return options
    from notulist.glossary import load_glossary
    from notulist.glossary.hints import decoding_hints
    from notulist.recognition.second_pass import second_pass_candidates

    glossary = options.glossary if options.glossary is not None else load_glossary([])
    all_keywords = [*keywords, *_hint_list(options.decoding_hints)]
    earlier = list(options.context.documents) if options.context is not None else []
    context = session_context([*earlier, *documents], glossary) if documents or earlier else None
    if context is not None:
        hints = ", ".join(context_hint_terms(context, all_keywords)) or None
    else:
        hints = decoding_hints(glossary, keywords=all_keywords)
    second_pass = options.second_pass
    if second_pass:  # on: listen also for what the keywords and documents name
        terms = context.abbreviations() if context is not None else ()
        second_pass = tuple(second_pass_candidates(glossary, terms, all_keywords))
    recorded = dict(options.recorded)
    recorded["keyword"] = [*(recorded.get("keyword") or []), *keywords]
    recorded["context"] = [*(recorded.get("context") or []), *(d.name for d in documents)]
    return replace(options, decoding_hints=hints, context=context, second_pass=second_pass, recorded=recorded)


def _hint_list(hints: str | None) -> list[str]:
    return [term.strip() for term in (hints or "").split(",") if term.strip()]


def save_context(live_dir: Path, keywords: Sequence[str], documents: Sequence[ContextDocument]) -> None:
    """Keep the keywords and documents in the ``.live`` folder (fsync'ed, like the audio); OSError when the disk
    refuses."""
    if not keywords and not documents:
        return
    folder = Path(live_dir) / CONTEXT_DIR
    folder.mkdir(exist_ok=True)
    for document in documents:
        fd = os.open(folder / document.name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, document.data)
            os.fsync(fd)
        finally:
            os.close(fd)
    listed = [{"file": d.name, "sha256": d.sha256} for d in documents]
    Annotations(live_dir).add(CONTEXT_EVENT, {"keywords": list(keywords), "documents": listed})


def saved_context(live_dir: Path) -> tuple[list[str], list[ContextDocument]]:
    """The keywords and documents a ``.live`` folder keeps (none: two empty lists). A document that cannot be read
    back is left out (the recording matters more than its context)."""
    keywords: list[str] = []
    documents: list[ContextDocument] = []
    for entry in read_annotations(live_dir):
        if entry["event"] != CONTEXT_EVENT:
            continue
        keywords += [str(k) for k in entry.get("keywords") or []]
        for item in entry.get("documents") or []:
            path = Path(live_dir) / CONTEXT_DIR / Path(str(item.get("file") or "")).name
            try:
                data = path.read_bytes()
                text = document_text(path.name, data)
            except (OSError, NotulistError):
                continue
            documents.append(ContextDocument(path.name, data, text, hashlib.sha256(data).hexdigest()))
    return keywords, documents
