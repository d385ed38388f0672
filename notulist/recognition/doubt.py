"""Word doubt: which recognised words a reader should not take on trust (``Word.uncertain``).

Whisper's own word probability ranks wrong words fairly well, but a threshold on it alone misses many (on the tuning
recordings, words under 0.7 catch 75% of the wrong words at 62% precision). Two more signals help: a wrong word is
often no word at all, or a rare one ("klottandel", "Butrecht"), and wrong words come in clusters. The rule is a
logistic score fitted on the tuning recordings (``benchmarks/faithfulness.py`` measures it, also on recordings kept
aside)::

    score = sigmoid(bias + a * ln(p) + b * rare + c * ln(p_neighbour))

with ``p`` the word's probability, ``rare`` 1 when the word is not a common Dutch word (Zipf frequency below
``rare_zipf`` in ``wordfreq``'s Dutch list; a number, a known term - a glossary abbreviation, a speaker name, a
decoding hint - is never rare) and ``p_neighbour`` the lower probability of the words just before and after it in
the line. A word is uncertain when ``score >= threshold``. A line where at least ``dense_share`` of the words (and at
least ``dense_min`` of them) are uncertain gets ``Flag("low_confidence", "<k> van <n> woorden onzeker ...")``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, replace

from notulist.core.model import Flag, Segment, Word

_TOKEN = re.compile(r"[^\w]+", re.UNICODE)


@dataclass(frozen=True)
class DoubtRule:
    weight_log_probability: float = -2.5
    weight_rare: float = 2.1
    weight_neighbour_log_probability: float = -0.7
    bias: float = -2.7
    rare_zipf: float = 3.5  # wordfreq Zipf frequency (log10 per billion words) below which a word is rare
    threshold: float = 0.35
    dense_share: float = 0.3
    dense_min: int = 2

    def score(self, probability: float, rare: bool, neighbour_probability: float) -> float:
        z = (
            self.bias
            + self.weight_log_probability * math.log(max(probability, 1e-3))
            + self.weight_rare * float(rare)
            + self.weight_neighbour_log_probability * math.log(max(neighbour_probability, 1e-3))
        )
        return 1.0 / (1.0 + math.exp(-z))


def describe(rule: DoubtRule) -> dict[str, object]:
    """The rule as recorded in the manifest under ``word_doubt``."""
    return {
        "rule": (
            "uncertain when sigmoid(bias + a*ln(p) + b*rare + c*ln(p_neighbour)) >= threshold; rare: wordfreq 'nl' "
            "Zipf frequency < rare_zipf and not a number, glossary abbreviation, speaker name or decoding hint"
        ),
        **asdict(rule),
    }


def tokens(text: str) -> list[str]:
    """The comparison forms of a written word: lower case, split at punctuation and hyphens ("btw-aangifte")."""
    return [t for t in _TOKEN.split(text.lower().replace("-", " ")) if t]


def rarity_check(known_terms: Iterable[str], rare_zipf: float) -> Callable[[str], bool]:
    """A function telling whether a written word is rare: any of its parts below ``rare_zipf`` and not known."""
    from wordfreq import zipf_frequency

    known = {t for term in known_terms for t in tokens(term)}

    def rare(text: str) -> bool:
        parts = tokens(text)
        return any(not p.isdigit() and p not in known and zipf_frequency(p, "nl") < rare_zipf for p in parts)

    return rare


def mark_uncertain(
    segments: Sequence[Segment], known_terms: Iterable[str] = (), rule: DoubtRule = DoubtRule()
) -> tuple[Segment, ...]:
    """Every word's ``uncertain`` set by ``rule``; lines dense with doubt get a ``low_confidence`` flag."""
    rare = rarity_check(known_terms, rule.rare_zipf)
    return tuple(_marked(segment, rare, rule) for segment in segments)


def word_scores(words: Sequence[Word], rare: Callable[[str], bool], rule: DoubtRule = DoubtRule()) -> list[float]:
    """The doubt score of each word of one line (``rule.score``; ``rare`` from ``rarity_check``)."""
    scores = []
    for i, word in enumerate(words):
        before = words[i - 1].probability if i > 0 else 1.0
        after = words[i + 1].probability if i + 1 < len(words) else 1.0
        scores.append(rule.score(word.probability, rare(word.text), min(before, after)))
    return scores


def _marked(segment: Segment, rare: Callable[[str], bool], rule: DoubtRule) -> Segment:
    scores = word_scores(segment.words, rare, rule)
    marked = [replace(w, uncertain=score >= rule.threshold) for w, score in zip(segment.words, scores, strict=True)]
    doubted = [w for w in marked if w.uncertain]
    flags = segment.flags
    dense = len(doubted) >= rule.dense_min and len(doubted) >= rule.dense_share * len(marked)
    if dense and not any(f.kind == "low_confidence" for f in flags):
        shown = ", ".join(f"'{w.text}'" for w in doubted[:4]) + (" ..." if len(doubted) > 4 else "")
        evidence = f"{len(doubted)} van {len(marked)} woorden onzeker ({shown})"
        flags = (*flags, Flag("low_confidence", evidence))
    return replace(segment, words=tuple(marked), flags=flags)
