"""The context of a live recording: keywords and documents (agenda, invitation, case file) given when it starts.

They serve twice, as ``notulist transcribe --keyword/--context`` do: as the hints of recognition (live:
``notulist.live.hints.HintedDecoder``; the final pass: ``hotwords``, and the glossary second pass listens for the
abbreviations they name), and the documents are archived with the session (``context/NAME``). A browser
recording keeps them in its ``.live`` folder (the documents under ``context/``, the keywords as a
``live_context`` annotation), so a recording made into a session after a crash (``notulist recover``,
"Herstellen") gets them as well: ``finalize_recording`` reads them back with ``saved_context`` and adds them to
the run's options with ``notulist.pipeline.context.with_context`` (as the upload page does).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from notulist.core.errors import NotulistError
from notulist.glossary.documents import ContextDocument, document_text
from notulist.live.annotations import Annotations, read_annotations

CONTEXT_DIR = "context"
CONTEXT_EVENT = "live_context"


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
