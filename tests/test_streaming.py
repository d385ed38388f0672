"""LocalAgreement-2, the rolling buffer and live segmentation (pure logic: no model)."""

from __future__ import annotations

import numpy as np

from transcribe.streaming import (
    SAMPLE_RATE,
    HypothesisBuffer,
    LiveSegmenter,
    StreamingOptions,
    StreamingRecognizer,
    TimedWord,
    normalise_word,
)


def words(*items: tuple[float, float, str]) -> list[TimedWord]:
    return [TimedWord(start, end, text) for start, end, text in items]


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


def step(recognizer: StreamingRecognizer, hypothesis: list[TimedWord]):
    """One recognition step with a given hypothesis (times relative to the buffer, like Whisper's)."""
    request = recognizer.request()
    relative = [w.shifted(-request.offset) for w in hypothesis]
    return recognizer.accept(request, relative)


def test_buffer_is_trimmed_at_the_last_committed_sentence_end() -> None:
    options = StreamingOptions(min_chunk_s=1.0, trim_after_s=5.0, max_buffer_s=20.0)
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
    options = StreamingOptions(trim_after_s=5.0, max_buffer_s=8.0)
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


def test_buffer_length_stays_flat_over_a_long_stream() -> None:
    """An hour of speech, one sentence every 3 s: the buffer never exceeds the maximum."""
    options = StreamingOptions(trim_after_s=6.0, max_buffer_s=12.0)
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
    recognizer = StreamingRecognizer()
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


def test_normalise_word() -> None:
    assert normalise_word("Interview,") == "interview"
    assert normalise_word("btw-aangifte") == "btwaangifte"
    assert normalise_word("…") == ""


def test_a_forced_cut_commits_the_provisional_words_before_it() -> None:
    """A machine falling behind: the buffer passes the maximum before two hypotheses agree."""
    options = StreamingOptions(trim_after_s=5.0, max_buffer_s=8.0)
    recognizer = StreamingRecognizer(options)
    recognizer.insert_audio(seconds(4.0))
    step(recognizer, words((0.5, 1.0, "eerste"), (1.5, 2.0, "woorden")))
    recognizer.insert_audio(seconds(6.0))  # 10 s buffered, the next hypothesis disagrees from the start
    result = step(recognizer, words((0.5, 1.0, "eerst"), (1.5, 2.0, "woord"), (6.0, 6.5, "later")))
    assert texts(result.committed) == ["eerst", "woord"]  # the latest reading of the words before the cut
    assert recognizer.offset == 5.0 and len(recognizer.audio) / SAMPLE_RATE == 5.0
    assert texts(result.provisional) == ["later"]
    assert texts(recognizer.committed) == ["eerst", "woord"]
