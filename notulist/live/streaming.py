"""Streaming recognition with the LocalAgreement-2 policy (after whisper_streaming, Macháček et al. 2023).

Audio is appended to a rolling buffer. Each step transcribes the whole buffer with a ``WindowRecognizer``
(``notulist.recognition.window_decoder.WindowDecoder``: one Whisper pass sized to the buffer, word timestamps, the
committed text before the buffer as the prompt, the words already committed inside it as the start of the answer) and
commits what this hypothesis and the previous one agree on from their start (``agreed_length``: the common
prefix, carried across a one- or two-word disagreement when the words after it agree again), and after it the
words that are settled: the decoder has heard ``settle_s`` of audio after them (their cross-attention alignment
ends that long before the buffer does), the idea of AlignAtt (SimulStreaming) on the word times the decoder
already gives. The buffer is trimmed at the end of the last committed sentence once it is longer than
``trim_after_s`` (optionally in a pause between committed words when no sentence has ended; at the last committed
word once it is longer than ``max_buffer_s``), so every step costs about the same however long the interview runs.

The state machine is split from the model call so that a caller can run inference on another thread while one
worker owns every piece of mutable state: ``StreamingRecognizer.request()`` snapshots the buffer into an immutable
``InferenceRequest``; ``transcribe_request(recognizer, request)`` touches no state; ``accept(request, words)``
applies the result. Committed words are grouped into live segments ("s0001", ... in commit order) by
``LiveSegmenter``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Protocol

import numpy as np

from notulist.core.audio import SAMPLE_RATE
from notulist.core.model import Segment, Word, segment_id
from notulist.core.text import comparable_word

log = logging.getLogger(__name__)

SENTENCE_END = re.compile(r"[.?!…]['\"”’)]*$")


@dataclass(frozen=True)
class StreamingOptions:
    """The rolling-buffer policy; how a window is decoded is the ``WindowRecognizer``'s business."""

    min_chunk_s: float = 1.0  # least new audio before another step
    # Once the buffer is longer than trim_after_s it is trimmed at the last committed sentence end or, when there is
    # none and pause_s > 0, in the middle of the last pause of at least pause_s between committed words. A step
    # decodes every word in the buffer, so its cost follows the buffer's length; a shorter buffer only shortens the
    # delay when steps are not already waiting for min_chunk_s of new audio (BENCHMARKS.md, "Live").
    trim_after_s: float = 8.0
    pause_s: float = 0.0
    max_buffer_s: float = 15.0  # trim at the last committed word once the buffer is this long (Whisper sees 30 s)
    prompt_chars: int = 200  # committed text before the buffer given as the prompt
    # The words already committed inside the buffer are given to the decoder as the start of its answer, so a step
    # cannot contradict what the screen already shows. (It saves no time: CTranslate2 feeds those words to the
    # decoder one token at a time, as if it were generating them.)
    force_committed: bool = True
    # Settled words (after AlignAtt, Papi et al. 2023, as SimulStreaming uses it): a word whose cross-attention
    # alignment ends at least settle_s before the end of the audio, with probability >= settle_probability, is
    # committed from a single hypothesis, without waiting for the next step to agree (the decoder has already
    # seen settle_s of what follows it). 0 keeps plain LocalAgreement-2. On four recordings 1.5 s lowered both the
    # commit delay and the live WER against LocalAgreement-2 alone (BENCHMARKS.md, "Live").
    settle_s: float = 1.5
    settle_probability: float = 0.5


class WindowRecognizer(Protocol):
    """Recognises one window of 16 kHz mono float32 audio; word times in seconds from the window's start."""

    def decode(self, audio: np.ndarray, prompt: str = "", prefix: str = "") -> list[Word]:
        """``prompt``: text said before the window; ``prefix``: the known start of the window's own text."""
        ...


@dataclass(frozen=True)
class InferenceRequest:
    """A snapshot of the rolling buffer to transcribe; ``offset`` is the session time of its first sample."""

    audio: np.ndarray
    offset: float
    prompt: str
    final: bool = False
    prefix: str = ""

    @property
    def end(self) -> float:
        return self.offset + len(self.audio) / SAMPLE_RATE


PROMPT_COPY_WORDS = 4  # a run of this many prompt words in a hypothesis is a suspected copy


def transcribe_request(
    recognizer: WindowRecognizer, request: InferenceRequest, copy_words: int = PROMPT_COPY_WORDS
) -> list[Word]:
    """Run the recogniser on a request; words relative to the start of the request's audio. Touches no state.

    Live says only what it heard: Whisper sometimes answers a window with the committed text it was prompted with
    (a witness's "Nee, dat doet ons administratiekantoor" shown as a copy of her previous line). When a hypothesis
    reproduces ``copy_words`` or more consecutive words of the prompt (or is nothing but prompt words), the window
    is decoded again without the prompt; the copied words stand only when that decoding hears them too, otherwise
    the prompt-free hypothesis is used. ``copy_words`` 0 turns the check off."""
    words = recognizer.decode(request.audio, request.prompt, request.prefix)
    copied = prompt_copy(words, request.prompt, copy_words)
    if not copied:
        return words
    unprompted = recognizer.decode(request.audio, "", request.prefix)
    if _contains(unprompted, copied):
        return words
    log.info("hypothesis copied the prompt (%r) without it being in the audio: decoded without prompt", copied)
    return unprompted


def prompt_copy(words: Sequence[Word], prompt: str, copy_words: int = PROMPT_COPY_WORDS) -> list[str]:
    """The longest run of consecutive prompt words the hypothesis reproduces, when it is suspect (at least
    ``copy_words`` words, or every word of a hypothesis of two or more); else []."""
    if copy_words <= 0 or not prompt.strip() or not words:
        return []
    said = [comparable_word(w.text) for w in words]
    before = [comparable_word(t) for t in prompt.split()]
    match = SequenceMatcher(None, before, said, autojunk=False).find_longest_match(0, len(before), 0, len(said))
    if match.size >= copy_words or (match.size >= 2 and match.size == len(said)):
        return said[match.b : match.b + match.size]
    return []


def _contains(words: Sequence[Word], run: Sequence[str]) -> bool:
    said = [comparable_word(w.text) for w in words]
    return any(said[i : i + len(run)] == list(run) for i in range(len(said) - len(run) + 1))


BRIDGE_WORDS = 2  # a disagreement of at most this many words on either side can be bridged ...
ANCHOR_WORDS = 2  # ... by at least this many agreeing words after it ...
ANCHOR_SHIFT_S = 1.0  # ... that start at about the same time in both hypotheses


def agreed_length(previous: Sequence[Word], new: Sequence[Word]) -> int:
    """How many leading words of ``new`` the two hypotheses agree on (LocalAgreement-2, with short bridges).

    Plain LocalAgreement commits only the common prefix, so one word the recogniser keeps spelling differently (a
    name, the first word after a pause: "Goedenmorgen" / "Goede morgen" / "Proedemorgen") holds back everything
    behind it until the buffer is cut. Here the words are aligned (difflib, on ``comparable_word`` forms) and the
    agreement runs on across a disagreement of at most ``BRIDGE_WORDS`` words when at least ``ANCHOR_WORDS``
    agreeing words follow it at the same place in the audio; the newer spelling of the bridged words is committed.
    """
    a = [comparable_word(w.text) for w in previous]
    b = [comparable_word(w.text) for w in new]
    agreed = 0
    done_a = done_b = 0
    for block in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        if block.size == 0:
            break
        gap_a, gap_b = block.a - done_a, block.b - done_b
        if gap_a or gap_b:
            bridged = (
                gap_a <= BRIDGE_WORDS
                and gap_b <= BRIDGE_WORDS
                and block.size >= ANCHOR_WORDS
                and abs(previous[block.a].start - new[block.b].start) <= ANCHOR_SHIFT_S
            )
            if not bridged:
                break
        agreed = block.b + block.size
        done_a, done_b = block.a + block.size, block.b + block.size
    return agreed


class HypothesisBuffer:
    """LocalAgreement-2: commit what two consecutive hypotheses agree on from their start (``agreed_length``)."""

    def __init__(self) -> None:
        self.committed_in_buffer: list[Word] = []
        self.buffer: list[Word] = []  # the previous hypothesis, minus what was committed
        self.new: list[Word] = []
        self.last_committed_time = 0.0

    def insert(self, words: Sequence[Word], offset: float) -> None:
        """Take a new hypothesis (times relative to ``offset``); drop words already committed."""
        shifted = [w.shifted(offset) for w in words]
        self.new = [w for w in shifted if w.start > self.last_committed_time - 0.1]
        if self.new and abs(self.new[0].start - self.last_committed_time) < 1.0 and self.committed_in_buffer:
            # The hypothesis may repeat the last committed words (up to 5): remove that overlap.
            longest = min(len(self.committed_in_buffer), len(self.new), 5)
            for n in range(1, longest + 1):
                tail = [comparable_word(w.text) for w in self.committed_in_buffer[-n:]]
                head = [comparable_word(w.text) for w in self.new[:n]]
                if tail == head:
                    del self.new[:n]
                    break

    def flush(self, settled_before: float | None = None, min_probability: float = 0.0) -> list[Word]:
        """Commit the agreement of the new hypothesis with the previous one, and after it the leading words that
        end before ``settled_before`` with at least ``min_probability`` (settled words); keep the rest as
        provisional."""
        agreed = agreed_length(self.buffer, self.new)
        if settled_before is not None:
            while (
                agreed < len(self.new)
                and self.new[agreed].end <= settled_before
                and self.new[agreed].probability >= min_probability
            ):
                agreed += 1
        commit, self.buffer = self.new[:agreed], self.new[agreed:]
        self.new = []
        if commit:
            self.last_committed_time = commit[-1].end
        self.committed_in_buffer.extend(commit)
        return commit

    def pop_committed(self, time: float) -> None:
        while self.committed_in_buffer and self.committed_in_buffer[0].end <= time:
            self.committed_in_buffer.pop(0)

    def provisional(self) -> list[Word]:
        return list(self.buffer)

    def take_before(self, time: float) -> list[Word]:
        """Commit the provisional words that end before ``time`` (the buffer is being cut there)."""
        words = [w for w in self.buffer if w.end <= time]
        self.buffer = [w for w in self.buffer if w.end > time]
        if words:
            self.last_committed_time = words[-1].end
        self.last_committed_time = max(self.last_committed_time, time)
        self.committed_in_buffer.extend(words)
        return words

    def take_all(self) -> list[Word]:
        """At the end of the stream: the remaining provisional words become committed, except a copy.

        No later hypothesis can disagree with these words, so a loop is not caught by agreement: on a window cut off
        mid-sentence Whisper may write its text twice, the copy squeezed into the last instant ("Dat is waar een
        intra-comminitaire levering. Dat is waar een intra-comminitaire levering", the copy at 59.97 s). A run of
        at least ``COPY_MIN_WORDS`` words at the end that repeats, back to back, the words just before it is dropped
        (only provisional words are: committed ones are on screen already)."""
        words, self.buffer = self.buffer, []
        copy = min(repeated_tail([*self.committed_in_buffer, *words]), len(words))
        if copy:
            log.info("end of stream: %d words repeating the words before them dropped", copy)
            words = words[: len(words) - copy]
        if words:
            self.last_committed_time = words[-1].end
        self.committed_in_buffer.extend(words)
        return words


COPY_MIN_WORDS = 3  # "Ja. Ja." is speech; three or more words said twice in a row at the very end are a loop


def repeated_tail(words: Sequence[Word], min_words: int = COPY_MIN_WORDS) -> int:
    """How many words at the end of ``words`` repeat the words just before them (``comparable_word`` forms), the
    longest such run of at least ``min_words``; 0 when there is none."""
    said = [comparable_word(w.text) for w in words]
    for n in range(len(said) // 2, min_words - 1, -1):
        if said[-n:] == said[-2 * n : -n]:
            return n
    return 0


@dataclass(frozen=True)
class StepResult:
    committed: tuple[Word, ...]
    provisional: tuple[Word, ...]
    buffer_s: float  # length of the rolling buffer after trimming


class StreamingRecognizer:
    """The rolling buffer and the hypothesis buffer of one stream (not thread-safe: one owner)."""

    def __init__(self, options: StreamingOptions | None = None) -> None:
        self.options = options or StreamingOptions()
        self.audio = np.zeros(0, dtype=np.float32)
        self.offset = 0.0  # session time of self.audio[0]
        self.hypothesis = HypothesisBuffer()
        self.committed: list[Word] = []
        self._requested_until = 0.0  # session time up to which audio has been sent to the model
        self.forced: list[Word] = []  # committed by a forced cut, not yet reported

    @property
    def audio_end(self) -> float:
        return self.offset + len(self.audio) / SAMPLE_RATE

    def insert_audio(self, samples: np.ndarray) -> None:
        """Append 16 kHz mono audio (float32 in [-1, 1], or int16)."""
        if samples.dtype == np.int16:
            samples = samples.astype(np.float32) / 32768.0
        self.audio = np.concatenate([self.audio, samples.astype(np.float32, copy=False)])

    def unprocessed_s(self) -> float:
        return self.audio_end - max(self._requested_until, self.offset)

    def ready(self) -> bool:
        return self.unprocessed_s() >= self.options.min_chunk_s

    def request(self, final: bool = False) -> InferenceRequest:
        self._requested_until = self.audio_end
        prefix = ""
        if self.options.force_committed:
            prefix = " ".join(w.text for w in self.hypothesis.committed_in_buffer if w.start >= self.offset)
        return InferenceRequest(self.audio.copy(), self.offset, self.prompt(), final, prefix)

    def prompt(self) -> str:
        """The committed text that lies before the buffer (its last ``prompt_chars`` characters)."""
        parts: list[str] = []
        length = 0
        for word in reversed(self.committed):
            if word.end > self.offset:
                continue
            if length + len(word.text) + 1 > self.options.prompt_chars:
                break
            parts.append(word.text)
            length += len(word.text) + 1
        return " ".join(reversed(parts))

    def accept(self, request: InferenceRequest, words: Sequence[Word]) -> StepResult:
        """Apply a hypothesis for ``request``; returns what was committed and the provisional tail.

        A step that produced no words at all (the recogniser dropped a looping hypothesis, or heard no speech) leaves
        the previous hypothesis in place: the next step is compared with it, and a forced cut or the end of the stream
        commits its words rather than losing them.
        """
        committed: list[Word] = []
        if words:
            self.hypothesis.insert(words, request.offset)
            settle = self.options.settle_s
            settled_before = request.end - settle if settle > 0 else None
            committed = self.hypothesis.flush(settled_before, self.options.settle_probability)
        if request.final:
            committed += self.hypothesis.take_all()
        self.committed.extend(committed)
        self._trim()
        committed += self.forced
        self.forced = []
        return StepResult(tuple(committed), tuple(self.hypothesis.provisional()), len(self.audio) / SAMPLE_RATE)

    def _trim(self) -> None:
        length = len(self.audio) / SAMPLE_RATE
        in_buffer = [w for w in self.hypothesis.committed_in_buffer if w.end > self.offset]
        if length > self.options.trim_after_s:
            ends = [w.end for w in in_buffer if SENTENCE_END.search(w.text)]
            if not ends and self.options.pause_s > 0:
                following = in_buffer[1:] + self.hypothesis.buffer[:1]
                pauses = zip(in_buffer, following, strict=False)  # no provisional word: one pair fewer
                ends = [(a.end + b.start) / 2 for a, b in pauses if b.start - a.end >= self.options.pause_s]
            if ends:
                self._cut(ends[-1])
                return
        if length > self.options.max_buffer_s and in_buffer:
            self._cut(in_buffer[-1].end)
        if len(self.audio) / SAMPLE_RATE > self.options.max_buffer_s:
            # Nothing agreed for a long time (noise, a slow machine falling behind): keep latency flat by keeping
            # only the newest part; provisional words before the cut are committed as they stand.
            cut = self.audio_end - self.options.trim_after_s
            log.info(
                "nothing agreed in %.1f s of buffer: cutting at %.1f s, %d provisional words kept",
                len(self.audio) / SAMPLE_RATE,
                cut,
                sum(1 for w in self.hypothesis.buffer if w.end <= cut),
            )
            self._cut(cut, force=True)

    def _cut(self, time: float, force: bool = False) -> list[Word]:
        if time <= self.offset:
            return []
        forced: list[Word] = []
        if force:
            forced = self.hypothesis.take_before(time)
            self.committed.extend(forced)
            self.forced.extend(forced)
        drop = min(int(round((time - self.offset) * SAMPLE_RATE)), len(self.audio))
        self.audio = self.audio[drop:]
        self.offset += drop / SAMPLE_RATE
        self.hypothesis.pop_committed(self.offset)
        return forced


@dataclass
class LiveSegmenter:
    """Groups committed words into segments: at a sentence end, a pause, or a length limit."""

    pause_s: float = 1.2
    max_words: int = 40
    segments: list[Segment] = field(default_factory=list)
    open_words: list[Word] = field(default_factory=list)

    def add(self, words: Sequence[Word]) -> list[Segment]:
        """Add committed words; returns the segments this closed."""
        closed: list[Segment] = []
        for word in words:
            if self.open_words and word.start - self.open_words[-1].end > self.pause_s:
                closed.append(self._close())
            self.open_words.append(word)
            if SENTENCE_END.search(word.text) or len(self.open_words) >= self.max_words:
                closed.append(self._close())
        return closed

    def finish(self) -> list[Segment]:
        return [self._close()] if self.open_words else []

    def _close(self) -> Segment:
        words = self.open_words
        self.open_words = []
        probability = float(np.mean([w.probability for w in words]))
        segment = Segment(
            id=segment_id(len(self.segments)),
            start=words[0].start,
            end=words[-1].end,
            text=" ".join(w.text for w in words),
            words=tuple(Word(w.start, w.end, w.text, w.probability) for w in words),
            avg_logprob=float(np.log(max(probability, 1e-6))),
        )
        self.segments.append(segment)
        return segment


def replay(
    recognizer: WindowRecognizer, audio: np.ndarray, options: StreamingOptions, step_s: float = 1.0
) -> list[Segment]:
    """The committed live lines for a whole recording, fed in ``step_s`` steps as fast as recognition goes (no
    clock): how the benchmarks and tests see what live mode would have shown."""
    streaming, segmenter = StreamingRecognizer(options), LiveSegmenter()
    step = int(step_s * SAMPLE_RATE)
    lines: list[Segment] = []
    for start in range(0, len(audio), step):
        streaming.insert_audio(audio[start : start + step])
        final = start + step >= len(audio)
        if final or streaming.ready():
            request = streaming.request(final=final)
            lines += segmenter.add(streaming.accept(request, transcribe_request(recognizer, request)).committed)
    return lines + segmenter.finish()
