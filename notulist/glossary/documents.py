"""Reading context documents (agenda, invitation, case file, earlier minutes) as plain text, locally.

Plain text and Markdown are read as UTF-8 (Windows-1252 as a fallback), DOCX with python-docx (paragraphs and
table cells), PDF with pypdf (the text layer; a scanned PDF without one gives an error that says so).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from notulist.core.errors import NotulistError

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
SUFFIXES = (*TEXT_SUFFIXES, ".docx", ".pdf")
MAX_BYTES = 50 * 1024 * 1024


class ContextError(NotulistError):
    """A context document is missing, of a kind that cannot be read, or holds no text."""


@dataclass(frozen=True)
class ContextDocument:
    name: str  # the file name as given (no folders)
    data: bytes  # the file as read, archived with the session
    text: str
    sha256: str


def read_document(path: Path) -> ContextDocument:
    """Read one context document; raises ContextError (one Dutch line that says what to do)."""
    path = Path(path)
    _check_type(path.name)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ContextError(f"contextdocument {path.name} is groter dan 50 MB: geef alleen de agenda of notitie")
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise ContextError(f"contextdocument {path} bestaat niet: controleer het pad") from exc
    except OSError as exc:
        raise ContextError(
            f"contextdocument {path} is niet te lezen ({exc.strerror or exc}): controleer het bestand"
        ) from exc
    return document_from_bytes(path.name, data)


def document_from_bytes(name: str, data: bytes) -> ContextDocument:
    """A context document from its bytes (an upload): ``name`` without folders, type by extension, text checked.

    Raises ContextError (one Dutch line) for an unknown type, a file over 50 MB, a broken file or one without text.
    """
    name = Path(name.replace("\\", "/")).name
    _check_type(name)
    if len(data) > MAX_BYTES:
        raise ContextError(f"contextdocument {name} is groter dan 50 MB: geef alleen de agenda of notitie")
    text = document_text(name, data)
    if not text.strip():
        raise ContextError(
            f"contextdocument {name} bevat geen leesbare tekst (een scan zonder tekstlaag?): geef een versie met tekst"
        )
    return ContextDocument(name=name, data=data, text=text, sha256=hashlib.sha256(data).hexdigest())


def unique_names(documents: list[ContextDocument]) -> list[ContextDocument]:
    """The documents with names unique in the session folder: a second NAME.md is archived as NAME-2.md."""
    unique: list[ContextDocument] = []
    names: set[str] = set()
    for document in documents:
        name, number = document.name, 2
        while name in names:
            stem, dot, suffix = document.name.rpartition(".")
            name = f"{stem}-{number}.{suffix}" if dot else f"{document.name}-{number}"
            number += 1
        names.add(name)
        unique.append(ContextDocument(name, document.data, document.text, document.sha256))
    return unique


def _check_type(name: str) -> None:
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ContextError(
            f"contextdocument {name} heeft een onbekend type ({suffix or 'geen extensie'}): "
            "gebruik .txt, .md, .docx of .pdf"
        )


def document_text(name: str, data: bytes) -> str:
    """The text of a document's bytes, chosen by the extension of ``name``."""
    suffix = Path(name).suffix.lower()
    if suffix == ".docx":
        return _docx_text(name, data)
    if suffix == ".pdf":
        return _pdf_text(name, data)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _docx_text(name: str, data: bytes) -> str:
    import io
    import zipfile

    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ContextError(f"contextdocument {name} is geen geldig Word-bestand (.docx): sla het opnieuw op") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def _pdf_text(name: str, data: bytes) -> str:
    import io

    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as exc:  # pragma: no cover - pypdf is a dependency; a stripped install may lack it
        raise ContextError("PDF lezen vraagt het pakket pypdf: installeer het met `pip install pypdf`") from exc
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ContextError(f"contextdocument {name} is beveiligd met een wachtwoord: geef een onbeveiligde versie")
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except PdfReadError as exc:
        raise ContextError(f"contextdocument {name} is geen leesbare PDF: sla het opnieuw op als PDF") from exc
