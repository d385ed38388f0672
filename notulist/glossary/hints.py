"""Decoding hints: a short, session-specific list of glossary abbreviations to show the recogniser.

faster-whisper caps a prompt at about 223 tokens, and a long or generic list makes Whisper insert abbreviations
nobody said. So the list is short: the user's own ``--keyword``s first, then the everyday abbreviations of the
chosen ``--domain`` (hand-written glossary entries only, never the hundreds of register names).
"""

from __future__ import annotations

from collections.abc import Sequence

from notulist.glossary.model import Glossary, is_everyday

MAX_TERMS = 16
MAX_CHARS = 200  # about 80-100 Whisper tokens for Dutch abbreviations; well under the 223-token cap


def domain_terms(glossary: Glossary, domain: str) -> list[str]:
    wanted = {d.strip().lower() for d in domain.split(",") if d.strip()}
    entries = [
        entry
        for entry in glossary.entries.values()
        if is_everyday(entry) and any(m.domain in wanted for m in entry.meanings)
    ]
    # entries with spoken variants are the ones people say aloud; they come first
    entries.sort(key=lambda e: (not e.spoken_variants, e.key))
    return [e.abbreviation for e in entries]


def hint_terms(
    glossary: Glossary,
    domain: str | None = None,
    keywords: Sequence[str] = (),
    include_domain: bool | None = None,
) -> list[str]:
    """The user's keywords (in the glossary's spelling where known), then, only when ``include_domain`` (default
    ``DOMAIN_HINTS``), the everyday abbreviations of ``domain``; at most ``MAX_TERMS`` and ``MAX_CHARS``."""
    terms: list[str] = []
    for keyword in keywords:
        entry = glossary.entry(keyword)
        term = entry.abbreviation if entry else " ".join(keyword.split())
        if term and term not in terms:
            terms.append(term)
    if domain and (DOMAIN_HINTS if include_domain is None else include_domain):
        for term in domain_terms(glossary, domain):
            if term not in terms:
                terms.append(term)
    chosen: list[str] = []
    for term in terms[:MAX_TERMS]:
        if len(", ".join([*chosen, term])) > MAX_CHARS:
            break
        chosen.append(term)
    return chosen


def decoding_hints(
    glossary: Glossary,
    domain: str | None = None,
    keywords: Sequence[str] = (),
    include_domain: bool | None = None,
) -> str | None:
    """The hint string for the recogniser, or None when there is nothing session-specific to say.

    A comma-separated list of abbreviations in their glossary spelling, e.g. "FIOD, btw, KvK, BSN, ICP". Pass it
    to faster-whisper as ``hotwords`` (``HINT_PARAMETER``), and only when it is not None. By default it holds only
    the user's own ``--keyword``s: a ``--domain`` list was measured to insert abbreviations nobody said.
    """
    terms = hint_terms(glossary, domain, keywords, include_domain)
    return ", ".join(terms) if terms else None


# Measured by benchmarks/glossary_links.py --audio (bundled Whisper base, batched, CPU int8, the two synthetic
# recordings, 17 spoken abbreviations). Plain: 11/17 linked right, link precision 1.00, WER 0.186/0.363.
# Keywords only (FIOD, btw, KvK, BSN, ICP | DPIA, FG, AVG, Woo): hotwords 14/17, precision 1.00, WER 0.209/0.368;
# initial_prompt 13/17, 1.00, 0.203/0.363. A --domain list (16 or 8 everyday abbreviations) gave 13/17 but
# inserted an AVG nobody said in all 3 runs on the meeting and a repetition loop (a sentence written three times,
# WER 0.33-0.36) in 2 of 3. Hence: the user's keywords only, as hotwords.
DOMAIN_HINTS = False
HINT_PARAMETER = "hotwords"
