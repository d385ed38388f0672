"""The one text normaliser: how two texts are compared.

``comparable`` is the form used wherever texts are matched (live and final lines, repeated phrases, word error
rate): lower case, every run of punctuation a single space. ``comparable_word`` is the same for one word, with
nothing left between its parts ("Interview," -> "interview", "btw-aangifte" -> "btwaangifte"). ``spoken`` adds what
scoring against a reference needs: numbers written out in words (num2words, a test extra), abbreviation dots and
hyphens dropped, so "14 Oktober" and "veertien oktober" or "btw-aangifte" and "BTW aangifte" compare equal.
"""

from __future__ import annotations

import re

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def comparable(text: str) -> str:
    """Lower case, punctuation as space, spaces collapsed: ``"Goedemorgen, mevrouw!"`` -> ``"goedemorgen mevrouw"``."""
    return " ".join(_NON_WORD.sub(" ", text.lower()).split())


def comparable_word(text: str) -> str:
    """One word in comparable form, nothing between its parts: ``"Interview,"`` -> ``"interview"``."""
    return _NON_WORD.sub("", text.lower())


def spoken(text: str, language: str = "nl") -> str:
    """The form a word error rate is measured on: numbers in words, no abbreviation dots, hyphens or punctuation
    (apostrophes kept: "zo'n")."""
    from num2words import num2words

    text = text.lower().replace("&", " en ")
    text = re.sub(r"(?<=\w)\.(?=\w)", "", text)  # A.V.G. -> avg.
    text = re.sub(r"\d+", lambda m: f" {num2words(int(m.group()), lang=language)} ", text)
    text = re.sub(r"[-‐–—/]", " ", text)
    text = re.sub(r"[^\w\s']", " ", text)
    return " ".join(text.split())
