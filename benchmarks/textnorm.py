"""Text normalisation for word error rate: lower case, no punctuation, numbers written out in Dutch words
(num2words), hyphens and abbreviation dots removed, so "14 Oktober" and "veertien oktober" or "btw-aangifte" and
"BTW aangifte" compare equal. Both sides of every comparison go through the same function."""

from __future__ import annotations

import re

from num2words import num2words


def normalise(text: str, language: str = "nl") -> str:
    text = text.lower().replace("&", " en ")
    text = re.sub(r"(?<=\w)\.(?=\w)", "", text)  # A.V.G. -> avg.
    text = re.sub(r"\d+", lambda m: f" {num2words(int(m.group()), lang=language)} ", text)
    text = re.sub(r"[-‐–—/]", " ", text)
    text = re.sub(r"[^\w\s']", " ", text)
    return " ".join(text.split())


def wer(reference: str, hypothesis: str) -> float:
    import jiwer

    return jiwer.wer(normalise(reference), normalise(hypothesis))
