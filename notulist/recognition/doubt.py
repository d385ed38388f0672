"""Word doubt: which recognised words a reader should not take on trust (``Word.uncertain``).

Whisper's own word probability ranks wrong words fairly well, but a threshold on it alone is imprecise (on the
tuning recordings only 58% of the words under 0.7 are wrong). More signals help: a wrong word is often no word
at all, or a rare one ("klottandel", "Butrecht"); wrong words come in clusters; and they crowd in lines Whisper
itself wrote repetitively. The rule is a logistic score fitted on the tuning recordings with
``benchmarks/faithfulness_doubt.py`` (which also compared the signals, each recording scored by a fit without it;
``benchmarks/faithfulness.py`` measures the rule, also on recordings kept aside until it was frozen)::

    score = sigmoid(bias + a * ln(p) + b * rare + c * ln(p_neighbour) + d * compression)

with ``p`` the word's probability, ``rare`` 1 when the word is not a common Dutch word (Zipf frequency below
``rare_zipf`` in ``wordfreq``'s Dutch list; a number or a known term - a glossary abbreviation, a decoding hint, a
keyword such as a speaker's name, a context document's term - is never rare), ``p_neighbour`` the lower probability
of the words just before and after it in the line, and ``compression`` the gzip compression ratio of the line
(Whisper's loop sign; about 1.2-1.8 for ordinary speech). The segment's average log probability and the word's
length were tried and left out: they added nothing measurable. A word is uncertain when ``score >= threshold``. A
line where at least ``dense_share`` of the words (and at least ``dense_min`` of them) are uncertain gets
``Flag("low_confidence", "<k> van <n> woorden onzeker ...")``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace

from notulist.core.model import Flag, Segment

_TOKEN = re.compile(r"[^\w]+", re.UNICODE)


@dataclass(frozen=True)
class DoubtRule:
    """A logistic score over the signals of ``doubt_features`` (a weight per signal) and the threshold above which
    a word is uncertain; fitted with ``benchmarks/faithfulness_doubt.py``."""

    bias: float = -4.19
    weight_log_p: float = -1.99
    weight_rare: float = 3.07
    weight_neighbour_log_p: float = -0.41
    weight_compression: float = 1.1
    weight_line_log_p: float = 0.0  # tried, not used (BENCHMARKS.md, "Faithfulness")
    weight_letters: float = 0.0  # tried, not used
    rare_zipf: float = 3.5  # wordfreq Zipf frequency (log10 per billion words) below which a word is rare
    threshold: float = 0.25
    dense_share: float = 0.3
    dense_min: int = 2

    def score(self, features: Mapping[str, float]) -> float:
        """sigmoid(bias + the sum of weight_NAME * features[NAME])."""
        z = self.bias + sum(getattr(self, f"weight_{name}") * value for name, value in features.items())
        return 1.0 / (1.0 + math.exp(-z))


def describe(rule: DoubtRule) -> dict[str, object]:
    """The rule as recorded in the manifest under ``word_doubt``."""
    return {
        "rule": (
            "uncertain when sigmoid(bias + weight_log_p*ln(p) + weight_rare*rare + weight_neighbour_log_p*"
            "ln(lower p of the neighbours) + weight_compression*line compression ratio) >= threshold; rare: wordfreq "
            "'nl' Zipf frequency < rare_zipf and not a number, glossary abbreviation, keyword or decoding hint"
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


def doubt_features(segment: Segment, rare: Callable[[str], bool]) -> list[dict[str, float]]:
    """Per word of ``segment`` every signal the doubt rule may weigh (``rare`` from ``rarity_check``): ``log_p`` its
    ln probability, ``rare``, ``neighbour_log_p`` the ln of the lower probability of the words either side (1 at a
    line end), ``line_log_p`` the segment's average token log probability, ``compression`` its gzip compression
    ratio, ``letters`` the word's length in letters and digits."""
    words = segment.words
    features = []
    for i, word in enumerate(words):
        before = words[i - 1].probability if i > 0 else 1.0
        after = words[i + 1].probability if i + 1 < len(words) else 1.0
        features.append(
            {
                "log_p": math.log(max(word.probability, 1e-3)),
                "rare": float(rare(word.text)),
                "neighbour_log_p": math.log(max(min(before, after), 1e-3)),
                "line_log_p": float(segment.avg_logprob),
                "compression": float(segment.compression_ratio),
                "letters": float(sum(len(t) for t in tokens(word.text))),
            }
        )
    return features


def word_scores(segment: Segment, rare: Callable[[str], bool], rule: DoubtRule = DoubtRule()) -> list[float]:
    """The doubt score of each word of one line (``rule.score``; ``rare`` from ``rarity_check``)."""
    return [rule.score(features) for features in doubt_features(segment, rare)]


def _marked(segment: Segment, rare: Callable[[str], bool], rule: DoubtRule) -> Segment:
    scores = word_scores(segment, rare, rule)
    marked = [replace(w, uncertain=score >= rule.threshold) for w, score in zip(segment.words, scores, strict=True)]
    doubted = [w for w in marked if w.uncertain]
    flags = segment.flags
    dense = len(doubted) >= rule.dense_min and len(doubted) >= rule.dense_share * len(marked)
    if dense and not any(f.kind == "low_confidence" for f in flags):
        shown = ", ".join(f"'{w.text}'" for w in doubted[:4]) + (" ..." if len(doubted) > 4 else "")
        evidence = f"{len(doubted)} van {len(marked)} woorden onzeker ({shown})"
        flags = (*flags, Flag("low_confidence", evidence))
    return replace(segment, words=tuple(marked), flags=flags)
