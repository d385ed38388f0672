"""One Whisper pass over a short window of audio, sized to the window: the recogniser of live mode.

``WhisperModel.transcribe`` pads every window to Whisper's 30 s before the encoder and, with word timestamps,
runs a second padded 30 s window over whatever follows the last word. For a rolling live buffer of 3-15 s that
is most of the cost of a step: on 2 CPU cores the base encoder takes about 1.6 s for 30 s and about 60 ms per
second of real audio. CTranslate2's Whisper encoder accepts shorter input, so this decoder

1. keeps only the speech (Silero VAD, optional; times are mapped back to the window afterwards),
2. encodes the log-mel features of that speech plus ``pad_s`` of silence (the model decodes the end of a window
   better when it sees a little silence after it; with no padding at all it tends to loop),
3. decodes once (beam search, no timestamp tokens), with the committed text before the window as the prompt and at most
   ``tokens_per_s`` tokens per second of audio (a loop cannot run on to 448 tokens),
4. aligns the words with faster-whisper's cross-attention word timing.

What a step costs on 2 CPU cores (Whisper ``base``, int8): the encoder about 60 ms per second of window, the decoder
about 100 ms plus 10-15 ms for every token of the window's text (the committed prefix included: CTranslate2 forces
the text after ``<|notimestamps|>`` through the decoder one token at a time), the word alignment about 100 ms.
A shorter buffer is therefore the main lever on the step time (``StreamingOptions.trim_after_s``).

A hypothesis that loops (gzip compression ratio above 2.4) or that Whisper itself calls non-speech is dropped:
live mode simply waits for the next, longer window, and the offline pass redoes everything at full quality.
The figures behind ``pad_s`` are in BENCHMARKS.md ("Live").

This uses faster-whisper's own building blocks (``encode``, ``get_prompt``, ``add_word_timestamps``, the VAD),
which is why faster-whisper is pinned to one version in pyproject.toml.
"""

from __future__ import annotations

import logging
import zlib
from dataclasses import dataclass

import numpy as np
from faster_whisper.tokenizer import Tokenizer
from faster_whisper.transcribe import get_suppressed_tokens
from faster_whisper.vad import SpeechTimestampsMap, VadOptions, collect_chunks, get_speech_timestamps

from notulist.core.audio import SAMPLE_RATE
from notulist.core.model import Word

log = logging.getLogger(__name__)

FRAMES_PER_S = 100  # log-mel frames per second
MAX_FRAMES = 3000  # Whisper's 30 s
PREPEND_PUNCTUATION = "\"'“¿([{-"
APPEND_PUNCTUATION = "\"'.。,，!！?？:：”)]}、"


@dataclass(frozen=True)
class WindowSettings:
    language: str = "nl"
    beam_size: int = 3  # beam 2 or greedy: 0.9x / 0.8x the step time at a higher WER (BENCHMARKS.md, "Live")
    pad_s: float = 2.0  # silence after the speech given to the encoder
    tokens_per_s: float = 8.0  # decoding budget (Dutch speech needs about 4-6)
    vad_filter: bool = True
    min_silence_ms: int = 500
    no_speech_threshold: float = 0.6
    log_prob_threshold: float = -1.0
    compression_ratio_threshold: float = 2.4


class WindowDecoder:
    """A ``WindowRecognizer`` over one loaded ``faster_whisper.WhisperModel``; use it from one thread at a time."""

    def __init__(self, model, settings: WindowSettings | None = None) -> None:
        self.model = model
        self.settings = settings or WindowSettings()
        self.tokenizer = Tokenizer(
            model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language=self.settings.language
        )
        self.suppress_tokens = get_suppressed_tokens(self.tokenizer, [-1])
        self.vad_options = VadOptions(min_silence_duration_ms=self.settings.min_silence_ms)

    def decode(self, audio: np.ndarray, prompt: str = "", prefix: str = "") -> list[Word]:
        """Words of 16 kHz mono float32 ``audio``. ``prompt``: the text said just before it; ``prefix``: the
        known start of its own text, which the decoder takes as given and continues (both may be empty)."""
        timeline = None
        if self.settings.vad_filter:
            chunks = get_speech_timestamps(audio, self.vad_options)
            if not chunks:
                return []
            pieces, _ = collect_chunks(audio, chunks)
            audio = np.concatenate(pieces)
            timeline = SpeechTimestampsMap(chunks, SAMPLE_RATE)
        if len(audio) < SAMPLE_RATE // 10:
            return []
        features = self.model.feature_extractor(audio)
        frames = min(features.shape[-1] - 1, MAX_FRAMES)  # the extractor adds one frame of its own padding
        size = min(MAX_FRAMES, 2 * int(np.ceil((frames + self.settings.pad_s * FRAMES_PER_S) / 2)))  # even
        window = np.zeros((features.shape[0], size), dtype=features.dtype)
        window[:, :frames] = features[:, :frames]
        encoded = self.model.encode(window)

        tokens = self._generate(encoded, prompt, prefix, frames / FRAMES_PER_S)
        if not tokens:
            return []
        segment = {"seek": 0, "start": 0.0, "end": frames / FRAMES_PER_S, "tokens": tokens}
        nested = [[segment]]
        self.model.add_word_timestamps(
            nested, self.tokenizer, encoded, frames, PREPEND_PUNCTUATION, APPEND_PUNCTUATION, 0.0
        )
        words: list[Word] = []
        for word in segment.get("words", ()):
            text = word["word"].strip()
            if not text:
                continue
            start, end = float(word["start"]), float(word["end"])
            if timeline is not None:
                chunk = timeline.get_chunk_index((start + end) / 2)
                start = timeline.get_original_time(start, chunk)
                end = timeline.get_original_time(end, chunk)
            words.append(Word(start, end, text, float(word["probability"])))
        return words

    def _generate(self, encoded, prompt: str, prefix: str, duration_s: float) -> list[int]:
        settings = self.settings
        tokenizer = self.tokenizer
        previous = tokenizer.encode(" " + prompt.strip()) if prompt.strip() else []
        prompt_tokens = self.model.get_prompt(tokenizer, previous, without_timestamps=True, prefix=prefix or None)
        budget = int(settings.tokens_per_s * duration_s) + 10
        result = self.model.model.generate(
            encoded,
            [prompt_tokens],
            beam_size=settings.beam_size,
            max_length=min(self.model.max_length, len(prompt_tokens) + budget),
            return_scores=True,
            return_no_speech_prob=True,
            suppress_blank=True,
            suppress_tokens=self.suppress_tokens,
        )[0]
        generated = result.sequences_ids[0]
        tokens = [t for t in generated if t < tokenizer.eot]
        if not tokens:
            return []
        avg_logprob = result.scores[0] * len(generated) / (len(generated) + 1)  # the score is per token
        if result.no_speech_prob > settings.no_speech_threshold and avg_logprob < settings.log_prob_threshold:
            log.debug("window dropped: no speech (p=%.2f)", result.no_speech_prob)
            return []
        text = tokenizer.decode(tokens).strip().encode("utf-8")
        if text and len(text) / len(zlib.compress(text)) > settings.compression_ratio_threshold:
            log.debug("window dropped: the hypothesis repeats itself")
            return []
        return tokens
