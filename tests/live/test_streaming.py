"""LocalAgreement-2, the rolling buffer and live segmentation (pure logic: no model)."""

from __future__ import annotations

import numpy as np

from notulist.core.model import Word
from notulist.core.text import comparable_word
from notulist.live.streaming import (
    SAMPLE_RATE,
    HypothesisBuffer,
    LiveSegmenter,
    StreamingOptions,
    StreamingRecognizer,
    agreed_length,
)


def words(*items: tuple[float, float, str]) -> list[Word]:
    return [Word(start, end, text) for start, end, text in items]


def agreement_only(**options) -> StreamingOptions:
    """LocalAgreement-2 alone: no word is committed as settled from a single hypothesis."""
    return StreamingOptions(settle_s=0.0, **options)


def texts(items) -> list[str]:
    return [w.text for w in items]


def test_commits_only_the_common_prefix_of_two_consecutive_hypotheses() -> None:
    buffer = HypothesisBuffer()
    buffer.insert(words((0.0, 0.5, "Goedemorgen."), (0.6, 0.9, "Het"), (1.0, 1.2, "is")), offset=0.0)
    assert buffer.flush() == []  # one hypothesis alone commits nothing
    assert texts(buffer.provisional()) == ["Goedemorgen.", "Het", "is"]

    buffer.insert(words((0.0, 0.5, "Goedemorgen"), (0.6, 0.9, "het"), (1.0, 1.3, "was"), (1.4, 1.8, "dinsdag")), 0.0)
    committed = buffer.flush()
    # case and punctuation do not block agreement; the newest spelling is committed
    assert texts(committed) == ["Goedemorgen", "het"]
    assert texts(buffer.provisional()) == ["was", "dinsdag"]
    assert buffer.last_committed_time == 0.9

    buffer.insert(words((1.0, 1.3, "is"), (1.4, 1.8, "dinsdag")), 0.0)
    assert buffer.flush() == []  # "is" disagrees with "was": nothing more
    buffer.insert(words((1.0, 1.3, "is"), (1.4, 1.8, "dinsdag"), (1.9, 2.3, "veertien")), 0.0)
    assert texts(buffer.flush()) == ["is", "dinsdag"]


def test_words_repeating_the_committed_tail_are_not_committed_twice() -> None:
    buffer = HypothesisBuffer()
    for _ in range(2):
        buffer.insert(words((0.0, 0.4, "ik"), (0.5, 0.9, "ben"), (1.0, 1.5, "rechercheur")), 0.0)
        buffer.flush()
    assert texts(buffer.committed_in_buffer) == ["ik", "ben", "rechercheur"]
    # The next hypothesis (buffer trimmed, offset moved) restates the last words with slightly earlier times.
    again = words((0.0, 0.6, "ben"), (0.65, 1.1, "rechercheur"), (1.2, 1.5, "bij"), (1.6, 1.9, "de"))
    buffer.insert(again, offset=0.85)
    buffer.flush()
    buffer.insert(again, offset=0.85)
    assert texts(buffer.flush()) == ["bij", "de"]


def test_offsets_put_words_on_the_session_clock() -> None:
    buffer = HypothesisBuffer()
    buffer.insert(words((0.1, 0.4, "ja")), offset=30.0)
    buffer.insert(words((0.1, 0.4, "ja")), offset=30.0)
    assert buffer.flush() == []  # the first insert was replaced without a flush: still one hypothesis
    buffer.insert(words((0.1, 0.4, "ja")), offset=30.0)
    committed = buffer.flush()
    assert [(w.start, w.end) for w in committed] == [(30.1, 30.4)]


def seconds(n: float) -> np.ndarray:
    return np.zeros(int(n * SAMPLE_RATE), dtype=np.float32)


def step(recognizer: StreamingRecognizer, hypothesis: list[Word]):
    """One recognition step with a given hypothesis (times relative to the buffer, like Whisper's)."""
    request = recognizer.request()
    relative = [w.shifted(-request.offset) for w in hypothesis]
    return recognizer.accept(request, relative)


def test_buffer_is_trimmed_at_the_last_committed_sentence_end() -> None:
    options = agreement_only(min_chunk_s=1.0, trim_after_s=5.0, max_buffer_s=20.0)
    recognizer = StreamingRecognizer(options)
    recognizer.insert_audio(seconds(6.0))
    hypothesis = words(
        (0.5, 1.0, "Goedemorgen."), (1.5, 2.0, "Het"), (2.1, 2.5, "is"), (3.0, 4.0, "dinsdag."), (4.5, 5.5, "Dit")
    )
    step(recognizer, hypothesis)
    assert recognizer.offset == 0.0  # nothing committed yet: nothing trimmed
    result = step(recognizer, hypothesis)
    assert texts(result.committed) == ["Goedemorgen.", "Het", "is", "dinsdag.", "Dit"]
    assert recognizer.offset == 4.0  # cut at the end of "dinsdag.", the last committed sentence end
    assert result.buffer_s == 2.0
    # the prompt for the next step is the committed text before the buffer
    assert recognizer.prompt() == "Goedemorgen. Het is dinsdag."


def test_buffer_without_sentence_end_is_trimmed_at_the_max_length() -> None:
    options = agreement_only(trim_after_s=5.0, max_buffer_s=8.0, pause_s=0.0)  # no trimming in pauses
    recognizer = StreamingRecognizer(options)
    recognizer.insert_audio(seconds(7.0))
    hypothesis = words((0.5, 1.0, "en"), (1.5, 2.0, "dan"), (2.5, 6.5, "nog"), (6.6, 6.9, "iets"), (7.5, 8.5, "meer"))
    step(recognizer, hypothesis[:4])
    assert recognizer.offset == 0.0
    recognizer.insert_audio(seconds(2.0))
    step(recognizer, hypothesis)
    assert recognizer.offset == 6.9  # at the last committed word: no sentence end to cut at

    # Nothing agreed at all (noise): the buffer still cannot grow past the maximum.
    recognizer = StreamingRecognizer(options)
    recognizer.insert_audio(seconds(9.0))
    step(recognizer, words((1.0, 2.0, "ruis")))
    step(recognizer, words((1.0, 2.0, "geruis")))
    assert len(recognizer.audio) / SAMPLE_RATE <= options.trim_after_s + 1e-6


def test_without_a_sentence_end_the_buffer_is_trimmed_in_the_last_pause_between_committed_words() -> None:
    options = agreement_only(trim_after_s=3.0, max_buffer_s=15.0, pause_s=0.2)
    recognizer = StreamingRecognizer(options)
    recognizer.insert_audio(seconds(5.0))
    hypothesis = words(
        (0.2, 0.6, "en"),
        (0.7, 1.0, "dan"),
        (1.4, 1.9, "zeggen"),
        (2.0, 2.3, "we"),
        (2.9, 3.5, "iets"),
        (3.6, 4.4, "over"),
    )
    step(recognizer, hypothesis[:4])
    step(recognizer, hypothesis)  # "en dan zeggen we" committed; pauses after "dan" (0.4 s) and "we" (0.6 s)
    assert recognizer.offset == 2.6  # the middle of the pause after "we": no word is cut in two
    assert recognizer.prompt() == "en dan zeggen we"
    # a gap shorter than pause_s is no place to cut
    recognizer = StreamingRecognizer(agreement_only(trim_after_s=3.0, max_buffer_s=15.0, pause_s=0.7))
    recognizer.insert_audio(seconds(5.0))
    step(recognizer, hypothesis[:4])
    step(recognizer, hypothesis)
    assert recognizer.offset == 0.0


def test_buffer_length_stays_flat_over_a_long_stream() -> None:
    """An hour of speech, one sentence every 3 s: the buffer never exceeds the maximum."""
    options = agreement_only(trim_after_s=6.0, max_buffer_s=12.0)
    recognizer = StreamingRecognizer(options)
    longest = 0.0
    for _ in range(3600):
        recognizer.insert_audio(seconds(1.0))
        start = recognizer.offset
        hypothesis = []
        t = (int(start) // 3) * 3 + 0.2
        while t + 2.5 < recognizer.audio_end:
            hypothesis += words((t, t + 1.0, "zin"), (t + 1.2, t + 2.5, f"nummer{int(t)}."))
            t += 3.0
        hypothesis = [w for w in hypothesis if w.start >= start]
        step(recognizer, hypothesis)
        longest = max(longest, len(recognizer.audio) / SAMPLE_RATE)
    assert longest <= options.max_buffer_s
    assert len(recognizer.committed) > 2000


def test_final_request_commits_the_provisional_tail() -> None:
    recognizer = StreamingRecognizer(agreement_only())
    recognizer.insert_audio(seconds(2.0))
    step(recognizer, words((0.2, 0.6, "tot"), (0.7, 1.2, "ziens")))
    request = recognizer.request(final=True)
    result = recognizer.accept(request, words((0.2, 0.6, "tot"), (0.7, 1.2, "ziens."), (1.3, 1.6, "dag")))
    assert texts(result.committed) == ["tot", "ziens.", "dag"]
    assert result.provisional == ()


def test_segmenter_closes_at_sentence_ends_pauses_and_length() -> None:
    segmenter = LiveSegmenter(pause_s=1.0, max_words=4)
    closed = segmenter.add(words((0.0, 0.5, "Goedemorgen."), (0.6, 0.9, "Het"), (1.0, 1.2, "is")))
    assert [(s.id, s.text) for s in closed] == [("s0001", "Goedemorgen.")]
    closed = segmenter.add(words((3.0, 3.5, "dinsdag")))  # a 1.8 s pause closes "Het is"
    assert [(s.id, s.text, s.start, s.end) for s in closed] == [("s0002", "Het is", 0.6, 1.2)]
    closed = segmenter.add(words((3.6, 3.8, "een"), (3.9, 4.1, "twee"), (4.2, 4.4, "drie"), (4.5, 4.6, "vier")))
    assert [s.text for s in closed] == ["dinsdag een twee drie"]
    assert [s.text for s in segmenter.finish()] == ["vier"]
    assert [s.id for s in segmenter.segments] == ["s0001", "s0002", "s0003", "s0004"]
    assert segmenter.segments[0].words[0].text == "Goedemorgen."


def test_comparable_word() -> None:
    assert comparable_word("Interview,") == "interview"
    assert comparable_word("btw-aangifte") == "btwaangifte"
    assert comparable_word("…") == ""


def test_a_forced_cut_commits_the_provisional_words_before_it() -> None:
    """A machine falling behind: the buffer passes the maximum before two hypotheses agree."""
    options = agreement_only(trim_after_s=5.0, max_buffer_s=8.0)
    recognizer = StreamingRecognizer(options)
    recognizer.insert_audio(seconds(4.0))
    step(recognizer, words((0.5, 1.0, "eerste"), (1.5, 2.0, "woorden")))
    recognizer.insert_audio(seconds(6.0))  # 10 s buffered, the next hypothesis disagrees from the start
    result = step(recognizer, words((0.5, 1.0, "eerst"), (1.5, 2.0, "woord"), (6.0, 6.5, "later")))
    assert texts(result.committed) == ["eerst", "woord"]  # the latest reading of the words before the cut
    assert recognizer.offset == 5.0 and len(recognizer.audio) / SAMPLE_RATE == 5.0
    assert texts(result.provisional) == ["later"]
    assert texts(recognizer.committed) == ["eerst", "woord"]


def test_a_request_carries_the_committed_words_of_the_buffer_as_prefix() -> None:
    recognizer = StreamingRecognizer(agreement_only(trim_after_s=5.0, max_buffer_s=20.0))
    recognizer.insert_audio(seconds(3.0))
    hypothesis = words((0.2, 0.6, "Goedemorgen."), (0.8, 1.0, "Het"), (1.1, 1.3, "is"), (1.4, 2.9, "dinsdag"))
    assert recognizer.request().prefix == ""  # nothing committed yet
    step(recognizer, hypothesis)
    recognizer.insert_audio(seconds(1.0))
    step(recognizer, hypothesis)  # the second, agreeing hypothesis commits all four words
    recognizer.insert_audio(seconds(1.0))
    request = recognizer.request()
    assert request.prefix == "Goedemorgen. Het is dinsdag"
    assert request.prompt == ""  # no committed text lies before the buffer yet

    without = StreamingRecognizer(agreement_only(force_committed=False))
    without.insert_audio(seconds(3.0))
    step(without, hypothesis)
    step(without, hypothesis)
    assert without.request().prefix == ""


def test_words_of_a_hypothesis_that_restates_the_prefix_are_not_committed_again() -> None:
    """The decoder returns the prefix words with fresh times: they must not be committed twice."""
    recognizer = StreamingRecognizer(agreement_only(trim_after_s=30.0, max_buffer_s=40.0))
    recognizer.insert_audio(seconds(4.0))
    first = words((0.2, 0.6, "Ik"), (0.7, 1.0, "ben"), (1.1, 1.8, "Sandra"))
    step(recognizer, first)
    committed = texts(step(recognizer, first).committed)
    assert committed == ["Ik", "ben", "Sandra"]
    recognizer.insert_audio(seconds(1.0))
    restated = words((0.25, 0.55, "Ik"), (0.7, 1.05, "ben"), (1.1, 1.75, "Sandra"), (1.9, 2.5, "Jansen,"))
    assert step(recognizer, restated).committed == ()
    assert texts(step(recognizer, restated).committed) == ["Jansen,"]


def test_a_short_disagreement_is_bridged_when_the_words_after_it_agree() -> None:
    previous = words((0.0, 0.8, "Vroedenmorgen."), (0.9, 1.0, "Het"), (1.1, 1.2, "is"), (1.3, 1.8, "dinsdag"))
    new = words(
        (0.0, 0.8, "Goedenmorgen."), (0.9, 1.0, "Het"), (1.1, 1.2, "is"), (1.3, 1.8, "dinsdag"), (1.9, 2.2, "14")
    )
    assert agreed_length(previous, new) == 4  # the newer spelling of the first word is committed with the rest
    # One agreeing word after the disagreement is not enough to bridge it ...
    assert (
        agreed_length(words((0.0, 0.5, "was"), (0.6, 0.9, "dinsdag")), words((0.0, 0.5, "is"), (0.6, 0.9, "dinsdag")))
        == 0
    )
    # ... nor is a disagreement of three words ...
    three = words((0.0, 0.3, "a"), (0.3, 0.6, "b"), (0.6, 0.9, "c"), (1.0, 1.2, "het"), (1.3, 1.5, "is"))
    other = words((0.0, 0.3, "x"), (0.3, 0.6, "y"), (0.6, 0.9, "z"), (1.0, 1.2, "het"), (1.3, 1.5, "is"))
    assert agreed_length(three, other) == 0
    # ... nor agreeing words heard at different places in the audio.
    moved = words((0.0, 0.5, "ja"), (3.0, 3.2, "het"), (3.3, 3.5, "is"))
    assert agreed_length(words((0.0, 0.5, "nee"), (0.6, 0.8, "het"), (0.9, 1.1, "is")), moved) == 0
    # The common prefix itself needs no anchor.
    assert agreed_length(words((0.0, 0.5, "ja")), words((0.0, 0.5, "Ja,"), (0.6, 0.9, "zeker"))) == 1


def test_a_word_missing_from_one_hypothesis_is_bridged() -> None:
    previous = words((0.0, 0.3, "ik"), (0.4, 0.6, "lever"), (0.7, 1.0, "de"), (1.1, 1.5, "facturen"), (1.6, 1.9, "aan"))
    new = words((0.0, 0.3, "ik"), (0.4, 0.6, "lever"), (0.7, 1.0, "alleen"), (1.05, 1.2, "de"), (1.25, 1.5, "facturen"))
    assert texts(new[: agreed_length(previous, new)]) == ["ik", "lever", "alleen", "de", "facturen"]


def test_a_step_without_words_keeps_the_previous_hypothesis() -> None:
    recognizer = StreamingRecognizer(agreement_only(trim_after_s=30.0, max_buffer_s=40.0))
    recognizer.insert_audio(seconds(3.0))
    hypothesis = words((0.2, 0.6, "Dat"), (0.7, 1.0, "kan"), (1.1, 1.4, "ik"), (1.5, 2.2, "verklaren."))
    assert step(recognizer, hypothesis).committed == ()
    recognizer.insert_audio(seconds(1.0))
    failed = step(recognizer, [])  # e.g. a hypothesis dropped because it looped
    assert failed.committed == () and texts(failed.provisional) == texts(hypothesis)
    recognizer.insert_audio(seconds(1.0))
    assert texts(step(recognizer, hypothesis).committed) == texts(hypothesis)


def test_the_last_hypothesis_is_committed_at_the_end_even_after_an_empty_step() -> None:
    recognizer = StreamingRecognizer(agreement_only(trim_after_s=30.0, max_buffer_s=40.0))
    recognizer.insert_audio(seconds(3.0))
    step(recognizer, words((0.2, 0.6, "Dank"), (0.7, 1.0, "u"), (1.1, 1.4, "wel.")))
    final = recognizer.request(final=True)
    assert texts(recognizer.accept(final, []).committed) == ["Dank", "u", "wel."]


def test_a_forced_cut_after_failed_steps_commits_the_words_heard_before_it() -> None:
    recognizer = StreamingRecognizer(agreement_only(trim_after_s=4.0, max_buffer_s=8.0))
    recognizer.insert_audio(seconds(4.0))
    step(recognizer, words((0.5, 1.0, "Misschien"), (1.1, 1.4, "zijn"), (1.5, 2.0, "facturen")))
    forced: list[str] = []
    for _ in range(6):  # every later step fails; the buffer passes max_buffer_s and is cut
        recognizer.insert_audio(seconds(1.0))
        forced += texts(step(recognizer, []).committed)
    assert forced == ["Misschien", "zijn", "facturen"]
    assert len(recognizer.audio) / SAMPLE_RATE <= 8.0


def test_the_end_of_the_stream_does_not_commit_a_copy_the_decoder_appended() -> None:
    """The last window of a live replay (cut off at 60 s) came back with its sentence written twice, the copy squeezed
    into the window's last instant; take_all committed both and the screen showed the line twice."""
    recognizer = StreamingRecognizer(agreement_only(trim_after_s=30.0, max_buffer_s=40.0))
    recognizer.insert_audio(seconds(2.5))
    step(recognizer, words((0.46, 0.68, "Dat"), (0.68, 0.96, "waren"), (0.96, 1.44, "intra..")))
    sentence = ["Dat", "is", "waar", "een", "intra", "-comminitaire", "levering."]
    times = [(0.0, 0.68), (0.68, 0.82), (0.82, 0.94), (0.94, 1.1), (1.1, 1.46), (1.46, 1.94), (1.94, 2.44)]
    heard = [Word(a, b, text) for (a, b), text in zip(times, sentence, strict=True)]
    copy = [Word(2.44, 2.44, text.rstrip(".")) for text in sentence]
    final = recognizer.request(final=True)
    result = recognizer.accept(final, heard + copy)
    assert texts(result.committed) == sentence
    assert texts(recognizer.committed) == sentence


def test_the_end_of_the_stream_keeps_a_short_repetition_that_was_said() -> None:
    recognizer = StreamingRecognizer(agreement_only())
    recognizer.insert_audio(seconds(2.0))
    final = recognizer.request(final=True)
    said = words((0.2, 0.5, "Ja."), (0.7, 1.0, "Ja."), (1.1, 1.4, "Prima."))
    assert texts(recognizer.accept(final, said).committed) == ["Ja.", "Ja.", "Prima."]


def test_settled_words_are_committed_from_one_hypothesis_and_the_rest_waits_for_agreement() -> None:
    buffer = HypothesisBuffer()
    hypothesis = [Word(0.0, 0.5, "Goedemorgen", 0.9), Word(0.6, 0.9, "mevrouw", 0.3), Word(1.0, 1.6, "Jansen", 0.9)]
    buffer.insert(hypothesis, offset=0.0)
    # "Goedemorgen" ends 1.5 s before the audio does and is likely: settled; "mevrouw" is not likely enough, and
    # nothing after an unsettled word is committed (a prefix, as with agreement)
    assert texts(buffer.flush(settled_before=1.7, min_probability=0.5)) == ["Goedemorgen"]
    assert texts(buffer.provisional()) == ["mevrouw", "Jansen"]
    buffer.insert([Word(0.6, 0.9, "mevrouw", 0.3), Word(1.0, 1.6, "Jansen", 0.9), Word(1.7, 2.9, "welkom", 0.9)], 0.0)
    # agreement commits "mevrouw Jansen" whatever its probability; "welkom" ends too close to the audio's end (3.0 s)
    assert texts(buffer.flush(settled_before=2.5, min_probability=0.5)) == ["mevrouw", "Jansen"]
    assert texts(buffer.provisional()) == ["welkom"]


def test_without_settle_time_a_single_hypothesis_commits_nothing() -> None:
    streaming = StreamingRecognizer(agreement_only(min_chunk_s=0.5))
    streaming.insert_audio(np.zeros(4 * SAMPLE_RATE, dtype=np.float32))
    request = streaming.request()
    assert streaming.accept(request, words((0.0, 0.5, "Goedemorgen"), (0.6, 0.9, "allemaal"))).committed == ()

    settled = StreamingRecognizer(StreamingOptions(min_chunk_s=0.5, settle_s=1.0))
    settled.insert_audio(np.zeros(4 * SAMPLE_RATE, dtype=np.float32))
    request = settled.request()
    hypothesis = [Word(0.0, 0.5, "Goedemorgen", 0.9), Word(2.6, 3.5, "allemaal", 0.9)]
    assert texts(settled.accept(request, hypothesis).committed) == ["Goedemorgen"]  # "allemaal" ends 0.5 s before 4 s
