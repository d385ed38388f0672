"""What a session's context documents say about the words to expect: abbreviations, names, and hints from them.

From the agenda, the invitation or a case file (read by ``glossary.documents``) this finds

- the glossary's abbreviations (written as the glossary writes them, or in capitals: "MJP", "KI&S", "Woo-verzoek"),
- other acronyms the glossary does not know ("BBN", "SSC-ICT"): these become the session's *onbekende afkortingen*,
  each with a one-line command that adds it to the user's own glossary,
- names of people and organisations (capitalised word groups such as "Pieter de Groot", "Rijnstraat").

Terms are ranked (abbreviations before names; more mentions first; first mention breaks ties) and the top of the list
becomes the recogniser's hint string, kept within ``hints.MAX_CHARS`` (Whisper caps a prompt at about 223 tokens).
The same ranked abbreviations are the first candidates of the glossary second pass.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from notulist.glossary.documents import ContextDocument
from notulist.glossary.hints import MAX_CHARS, MAX_TERMS
from notulist.glossary.model import Glossary
from notulist.glossary.normalise import fold, is_dutch_word, normalise_key

# a token with at least two capitals ("MJP", "KvK", "KI&S", "SSC-ICT"), or a capitalised word (for the glossary's
# own title-case spellings such as "Woo")
_ACRONYM = re.compile(r"(?<![\w&])[A-Z][A-Za-z0-9]*(?:[&-][A-Z][A-Za-z0-9]*)*(?![\w&])")
_TUSSEN = r"(?:van|de|der|den|het|ter|te|ten|in|'t|el|al|von|du|la|le)"
_NAME = re.compile(
    rf"(?<![\w-])[A-Z][a-zà-ÿ]+(?:[- ](?:{_TUSSEN} ){{0,3}}[A-Z][a-zà-ÿ]+)+(?![\w-])|"  # two or more words
    r"(?<=[a-zà-ÿ,] )[A-Z][a-zà-ÿ]{2,}(?![\w-])"  # one capitalised word inside a sentence
)
_DEFINED_AFTER = r"\(\s*{abbr}\s*\)"  # "Baseline Informatiebeveiliging Overheid (BIO)"
ROMAN = frozenset({"II", "III", "IV", "VI", "VII", "VIII", "IX", "XI", "XII"})
NAME_STOPWORDS = frozenset(
    "agenda bijlage datum plaats aanwezig afwezig deelnemers voorzitter leden stukken rondvraag opening sluiting "
    "onderwerpen gespreksonderwerpen uitnodiging besluit besluitvorming actie acties notulen verslag geachte beste "
    "met vriendelijke groet namens graag maandag dinsdag woensdag donderdag vrijdag zaterdag zondag januari "
    "februari maart april mei juni juli augustus september oktober november december teams".split()
)


@dataclass(frozen=True)
class ContextTerm:
    text: str  # as the hint shows it: the glossary's spelling for known abbreviations
    kind: str  # "glossary" (a glossary abbreviation), "acronym" (unknown to the glossary) or "name"
    count: int  # mentions over all documents
    first: int  # order of first mention (documents in the order given)
    documents: tuple[str, ...]
    expansion: str = ""  # for an unknown acronym: the words it abbreviates when the document defines it


@dataclass(frozen=True)
class SessionContext:
    documents: tuple[ContextDocument, ...]
    terms: tuple[ContextTerm, ...]  # ranked

    def abbreviations(self) -> list[str]:
        """Glossary abbreviations first, then unknown acronyms, each in rank order."""
        return [t.text for t in self.terms if t.kind == "glossary"] + [
            t.text for t in self.terms if t.kind == "acronym"
        ]

    def unknown_abbreviations(self) -> list[ContextTerm]:
        return [t for t in self.terms if t.kind == "acronym"]

    def unknown_keys(self) -> frozenset[str]:
        """Keys of the unknown acronyms, for the linker to leave alone (``linker.link_texts(unknown=...)``)."""
        return frozenset(normalise_key(t.text) for t in self.unknown_abbreviations())


def _rank(term: ContextTerm) -> tuple[int, int, int]:
    kind = {"glossary": 0, "acronym": 1, "name": 2}[term.kind]
    return (kind, -term.count, term.first)


def _abbreviation_in(token: str, glossary: Glossary) -> tuple[str, str] | None:
    """(spelling, kind) when ``token`` is an abbreviation: the glossary's entry, else an unknown acronym."""
    capitals = sum(c.isupper() for c in token)
    entry = glossary.entry(token)
    if entry is not None and (capitals >= 2 or token == entry.abbreviation):
        return entry.abbreviation, "glossary"
    if capitals >= 2 and token.upper() not in ROMAN and sum(c.isalpha() for c in token) <= 10:
        if token.isupper() or sum(c.islower() for c in token) <= 2:  # "KvK" yes, "McDonald" no
            return token, "acronym"
    return None


def _abbreviations(text: str, glossary: Glossary) -> list[tuple[str, str]]:
    found = []
    for match in _ACRONYM.finditer(fold(text)):
        token = match.group()
        whole = _abbreviation_in(token, glossary)
        if whole is not None and (whole[1] == "glossary" or "-" not in token):
            found.append(whole)
            continue
        # hyphenated: "LLM-project", "Woo-verzoek" (a known part), "SSC-ICT" (unknown as a whole, a known part)
        parts = [(part, _abbreviation_in(part, glossary)) for part in token.split("-") if part]
        all_acronyms = whole is not None and all(kind is not None for _, kind in parts)
        for _part, kind in parts:
            if kind is not None and (kind[1] == "glossary" or not all_acronyms):
                found.append(kind)
        if all_acronyms:
            found.append(whole)
    return found


def _names(text: str) -> list[str]:
    names = []
    for match in _NAME.finditer(fold(text)):
        name = " ".join(match.group().split())
        words = [w for w in re.split(r"[ -]", name) if w[:1].isupper()]
        if any(w.lower() in NAME_STOPWORDS for w in words):
            continue
        if len(words) == 1 and is_dutch_word(words[0]):
            continue
        names.append(name)
    return names


def _expansion(text: str, abbreviation: str) -> str:
    """The words before "(ABBR)" whose initials spell it, if the document defines it that way."""
    match = re.search(r"((?:[\wÀ-ÿ-]+\s+){1,8})" + _DEFINED_AFTER.format(abbr=re.escape(abbreviation)), text)
    if not match:
        return ""
    words = match.group(1).split()
    letters = [c for c in abbreviation.upper() if c.isalpha()]
    small = ("en", "van", "de", "der", "het", "voor")
    for size in range(1, len(words) + 1):  # the shortest run of words that spells it
        chosen = words[-size:]
        initials = [w[0].upper() for w in chosen if w.lower() not in small]
        if initials == letters and chosen[0].lower() not in small:
            return " ".join(chosen)
    for size in range(1, min(3, len(words)) + 1):  # a compound: "basisbeveiligingsniveau (BBN)"
        chosen = words[-size:]
        if chosen[0].lower() in small or chosen[0][0].upper() != letters[0]:
            continue
        rest = iter("".join(chosen).upper())
        if all(letter in rest for letter in letters):  # the letters in order
            return " ".join(chosen)
    return ""


def session_context(documents: Sequence[ContextDocument], glossary: Glossary) -> SessionContext:
    """Find and rank the terms of ``documents``."""
    counts: dict[tuple[str, str], list] = {}  # (text, kind) -> [count, first, documents, expansion]
    order = 0
    for document in documents:
        found = _abbreviations(document.text, glossary) + [(n, "name") for n in _names(document.text)]
        for text, kind in found:
            record = counts.setdefault((text, kind), [0, order, [], ""])
            order += 1
            record[0] += 1
            if document.name not in record[2]:
                record[2].append(document.name)
            if kind == "acronym" and not record[3]:
                record[3] = _expansion(document.text, text)
    abbreviation_keys = {normalise_key(text) for text, kind in counts if kind != "name"}
    terms = [
        ContextTerm(text, kind, count, first, tuple(names), expansion)
        for (text, kind), (count, first, names, expansion) in counts.items()
        if kind != "name" or normalise_key(text) not in abbreviation_keys
    ]
    terms.sort(key=_rank)
    return SessionContext(documents=tuple(documents), terms=tuple(terms))


def context_hint_terms(
    context: SessionContext | None, keywords: Sequence[str] = (), max_terms: int = MAX_TERMS, max_chars: int = MAX_CHARS
) -> list[str]:
    """The user's keywords, then the context's ranked terms; at most ``max_terms`` and ``max_chars`` together."""
    terms: list[str] = []
    seen: set[str] = set()
    for term in [*keywords, *(t.text for t in (context.terms if context else ()))]:
        key = normalise_key(term)
        if key and key not in seen:
            seen.add(key)
            terms.append(" ".join(term.split()))
    chosen: list[str] = []
    for term in terms[:max_terms]:
        if len(", ".join([*chosen, term])) > max_chars:
            continue
        chosen.append(term)
    return chosen


def add_command(term: ContextTerm, glossary_file: str = "mijn-afkortingen.yaml") -> str:
    """The one line that adds an unknown abbreviation to the user's own glossary."""
    expansion = term.expansion or "VOLUIT GESCHREVEN"
    return f'notulist glossary add {term.text} "{expansion}" --file {glossary_file}'


def context_snapshot(context: SessionContext) -> dict:
    """glossary.json's "context": the documents, the ranked terms, and the unknown abbreviations ("onbekende
    afkortingen") each with the command that adds it to the user's glossary."""
    return {
        "documents": [{"file": f"context/{d.name}", "sha256": d.sha256} for d in context.documents],
        "terms": [{"text": t.text, "kind": t.kind, "count": t.count} for t in context.terms],
        "unknown_abbreviations": [
            {
                "abbreviation": t.text,
                "expansion": t.expansion,
                "count": t.count,
                "documents": list(t.documents),
                "add": add_command(t),
            }
            for t in context.unknown_abbreviations()
        ],
    }
