"""Normalising abbreviations as people type them and as a recogniser writes them.

``normalise_key`` folds case, dots and spacing ("A.V.G." -> "AVG", "DF en A" -> "DF&A", "KI & S" -> "KI&S").
``spell_letters`` reads letters spoken one by one with their Dutch names ("aa-vee-gee" -> "AVG").
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from importlib import resources

# Dutch letter names as a recogniser writes them (lowercase). Several spellings per letter.
LETTER_NAMES: dict[str, str] = {
    "aa": "A",
    "bee": "B",
    "cee": "C",
    "see": "C",
    "dee": "D",
    "ee": "E",
    "ef": "F",
    "eff": "F",
    "gee": "G",
    "haa": "H",
    "ie": "I",
    "jee": "J",
    "jot": "J",
    "kaa": "K",
    "ka": "K",
    "el": "L",
    "em": "M",
    "en": "N",
    "oo": "O",
    "pee": "P",
    "kuu": "Q",
    "ku": "Q",
    "er": "R",
    "es": "S",
    "tee": "T",
    "uu": "U",
    "vee": "V",
    "wee": "W",
    "iks": "X",
    "ij": "Y",
    "ypsilon": "Y",
    "zet": "Z",
    "zed": "Z",
}
# Letter names that are also ordinary Dutch words: a run of only these is never read as spelled letters.
AMBIGUOUS_LETTER_NAMES = frozenset({"en", "er", "es", "el", "em", "zet", "wee", "tee", "pee", "oo", "ka", "ij"})

_SPACE_AMP = re.compile(r"\s*&\s*")
_SPACE_EN = re.compile(r"(?<=\w)\s+en\s+(?=\w)", re.IGNORECASE)
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})


def fold(text: str) -> str:
    """NFKC, typographic apostrophes to ASCII, surrounding space removed."""
    return unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).strip()


def normalise_key(term: str) -> str:
    """The lookup key of an abbreviation: upper case, no dots, "&" for a spoken " en " between short parts.

    >>> normalise_key("a.v.g."), normalise_key("DF en A"), normalise_key("KI & S"), normalise_key("Woo")
    ('AVG', 'DF&A', 'KI&S', 'WOO')
    """
    text = fold(term).replace(".", "")
    text = _SPACE_AMP.sub("&", text)
    # " en " stands for "&" only between short all-letter parts ("DF en A", "B en A"), not in names.
    parts = _SPACE_EN.split(text)
    if len(parts) > 1 and all(len(p) <= 4 and " " not in p for p in parts):
        text = "&".join(parts)
    return " ".join(text.split()).upper()


def spell_letters(tokens: list[str]) -> set[str]:
    """Every key a run of spoken letter tokens can stand for ("en" inside a run may be "N" or "&").

    Tokens are letter names ("aa", "vee"), single letters ("A", "v") or short capital chunks ("DF").
    Returns an empty set when a token is none of these.
    """
    options: list[tuple[str, ...]] = []
    for position, token in enumerate(tokens):
        low = token.lower()
        inner = 0 < position < len(tokens) - 1
        if token == "&":
            if not inner:
                return set()
            options.append(("&",))
        elif low == "en" or (token == "N" and inner):
            options.append(("N", "&") if inner else ("N",))  # "K-I-N-S": the recogniser wrote "en" as N
        elif low in LETTER_NAMES:
            options.append((LETTER_NAMES[low],))
        elif len(token) == 1 and token.isalpha():
            options.append((token.upper(),))
        elif token.isalpha() and token.isupper() and len(token) <= 4:
            options.append((token,))
        else:
            return set()
    if len(options) > 12:
        return set()
    return {"".join(choice) for choice in itertools.product(*options)}


def spelled_key(text: str) -> str | None:
    """The key of a whole string of spoken letters ("aa vee gee" -> "AVG"), or None when it is not one."""
    tokens = [t for t in re.split(r"[\s\-]+", fold(text)) if t]
    keys = spell_letters(tokens) if len(tokens) >= 2 else set()
    keys = {k for k in keys if "&" not in k} or keys
    return sorted(keys)[0] if len(keys) == 1 else None


def slug(text: str, max_words: int = 6) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower().replace("&", " en "))
    return "-".join(words[:max_words])


def _load_words() -> frozenset[str]:
    data = resources.files("notulist.glossary") / "data" / "dutch_common_words.txt"
    words = set()
    for line in data.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip().lower()
        if line:
            words.update(line.split())
    return frozenset(words)


DUTCH_WORDS: frozenset[str] = _load_words()


def is_dutch_word(token: str) -> bool:
    """True for an ordinary Dutch word that may equal an abbreviation when lower-cased ("om", "wet", "ons")."""
    return token.lower() in DUTCH_WORDS
