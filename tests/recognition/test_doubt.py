"""Word doubt: the rule per word, the exemptions, the dense-line flag, and the JSON field."""

from __future__ import annotations

from notulist.core.model import Flag, Segment, Word, segment_from_dict, segment_to_dict
from notulist.recognition.doubt import DoubtRule, describe, mark_uncertain, tokens


def _line(*words: tuple[str, float], flags=()) -> Segment:
    items = tuple(Word(i * 0.5, i * 0.5 + 0.4, text, p) for i, (text, p) in enumerate(words))
    return Segment("s0001", 0.0, items[-1].end, " ".join(t for t, _ in words), items, flags=flags)


def test_a_sure_common_word_is_certain_and_an_unsure_one_uncertain():
    (line,) = mark_uncertain([_line(("ik", 0.98), ("ben", 0.97), ("rechercheur", 0.95), ("bij", 0.3), ("de", 0.9))])
    assert [w.uncertain for w in line.words] == [False, False, False, True, False]


def test_a_rare_word_is_doubted_at_a_probability_a_common_word_passes():
    (line,) = mark_uncertain([_line(("van", 0.99), ("de", 0.99), ("klottandel", 0.75), ("in", 0.99), ("de", 0.75))])
    assert [w.uncertain for w in line.words] == [False, False, True, False, False]


def test_glossary_terms_and_numbers_are_never_rare():
    rule = DoubtRule()
    words = (("de", 0.99), ("FIOD", 0.75), ("en", 0.99), ("DPIA", 0.75), ("in", 0.99), ("2026", 0.75))
    (unknown,) = mark_uncertain([_line(*words)], (), rule)
    (known,) = mark_uncertain([_line(*words)], ("DPIA", "FIOD"), rule)
    assert [w.uncertain for w in unknown.words] == [False, True, False, True, False, False]
    assert not any(w.uncertain for w in known.words)


def test_a_line_dense_with_doubt_gets_low_confidence_with_evidence():
    (line,) = mark_uncertain([_line(("niet", 0.9), ("voor", 0.2), ("licht", 0.3), ("opvragend", 0.4), ("te", 0.9))])
    assert line.flags == (Flag("low_confidence", "3 van 5 woorden onzeker ('voor', 'licht', 'opvragend')"),)
    already = Flag("low_confidence", "avg_logprob -1.20 < -1.0")
    (flagged,) = mark_uncertain([_line(("voor", 0.2), ("licht", 0.3), flags=(already,))])
    assert flagged.flags == (already,)  # one low_confidence per line
    (sparse,) = mark_uncertain([_line(*[("goed", 0.95)] * 9, ("Viet", 0.2))])
    assert sparse.flags == () and sparse.words[-1].uncertain


def test_uncertain_round_trips_through_json_and_defaults_to_false():
    (line,) = mark_uncertain([_line(("ja", 0.99), ("Butrecht", 0.4))])
    data = segment_to_dict(line)
    assert [w["uncertain"] for w in data["words"]] == [False, True]
    assert segment_from_dict(data) == line
    for w in data["words"]:
        del w["uncertain"]
    assert not any(w.uncertain for w in segment_from_dict(data).words)


def test_tokens_and_description():
    assert tokens("btw-aangifte,") == ["btw", "aangifte"]
    assert describe(DoubtRule())["threshold"] == DoubtRule().threshold
