"""Word error rate against a reference, both sides in ``notulist.core.text.spoken`` form (numbers in words, no
punctuation), so "14 Oktober" and "veertien oktober" or "btw-aangifte" and "BTW aangifte" compare equal."""

from __future__ import annotations

from notulist.core.text import spoken


def wer(reference: str, hypothesis: str) -> float:
    import jiwer

    return jiwer.wer(spoken(reference), spoken(hypothesis))
