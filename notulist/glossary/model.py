"""The glossary data model (frozen dataclasses).

One ``GlossaryEntry`` per abbreviation (its normalised ``key`` groups spellings such as "AVG", "A.V.G." and "avg");
each entry has one or more ``Meaning``s. A ``Meaning.id`` identifies one meaning of one abbreviation and is what a
``notulist.core.model.Link`` points at (``entry_id``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from notulist.glossary.normalise import normalise_key


@dataclass(frozen=True)
class Meaning:
    id: str
    abbreviation: str
    expansion: str
    description: str = ""
    domain: str = ""
    organisation: str = ""
    context_words: tuple[str, ...] = ()
    source: str = ""
    url: str = ""
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None

    def valid_on(self, day: dt.date) -> bool:
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_until is None or day < self.valid_until


@dataclass(frozen=True)
class GlossaryEntry:
    abbreviation: str
    meanings: tuple[Meaning, ...]
    spoken_variants: tuple[str, ...] = ()
    # spoken variants that are also ordinary words or names ("pia"): linked only when a context word is near
    context_variants: tuple[str, ...] = ()
    origin: str = ""  # "file:line" where the entry was defined (for error messages and `glossary lookup`)

    @property
    def key(self) -> str:
        return normalise_key(self.abbreviation)


@dataclass(frozen=True)
class Glossary:
    entries: Mapping[str, GlossaryEntry]  # normalised key -> entry
    version: str
    sha256: str  # over the bytes of every file that made it, in load order
    files: tuple[str, ...] = ()
    _meanings: Mapping[str, Meaning] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self._meanings:
            index = {m.id: m for e in self.entries.values() for m in e.meanings}
            object.__setattr__(self, "_meanings", index)

    def __len__(self) -> int:
        return len(self.entries)

    def meaning(self, meaning_id: str) -> Meaning:
        return self._meanings[meaning_id]

    def entry(self, term: str) -> GlossaryEntry | None:
        return self.entries.get(normalise_key(term))

    def lookup(self, term: str) -> list[Meaning]:
        """Every meaning of ``term`` after normalisation ("a.v.g.", "Avg", "AVG" all find AVG); also tries the
        spoken variants ("woo" -> Woo) and letters spoken one by one ("aa vee gee")."""
        from notulist.glossary.normalise import spelled_key

        entry = self.entry(term)
        if entry is None:
            spelled = spelled_key(term)
            entry = self.entries.get(spelled) if spelled else None
        if entry is None:
            wanted = " ".join(term.lower().split())
            for candidate in self.entries.values():
                if wanted in candidate.spoken_variants:
                    entry = candidate
                    break
        return list(entry.meanings) if entry else []

    @property
    def meaning_count(self) -> int:
        return len(self._meanings)


_GENERATED_SOURCE = re.compile(
    r"^(Register van Overheidsorganisaties, |Ministerie van Financiën, Vaststellingsbesluit)|, regel \d+$"
)


def is_everyday(entry: GlossaryEntry) -> bool:
    """A hand-written entry (at least one meaning not copied from a register or mined from a document).

    Such entries are the abbreviations people say aloud at work; they get decoding-hint slots, and their
    lower-case spelling ("bsn", "kvk") is linked.
    """
    return any(not _GENERATED_SOURCE.search(m.source) for m in entry.meanings)


def from_domain_documents(entry: GlossaryEntry) -> bool:
    """An entry mined from the civil-service documents the glossary was built from ("seed ..." sources): the
    abbreviations of this product's own field (IAMA, MJP, BZK), beyond the hand-written everyday list."""
    return any(m.source.startswith("seed ") for m in entry.meanings)
