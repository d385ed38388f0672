"""Plain faster-whisper's sequential decoding, with word times aligned afterwards.

``WhisperModel.transcribe(word_timestamps=True)`` does not only add word times: after each 30 s window it moves the
next window's start to the end of the last word it aligned instead of to the window's last timestamp token. The
windows then start elsewhere, each is conditioned on other previous text, and from the first window on the text
differs from plain faster-whisper's (word_timestamps=False). On the context recordings of
benchmarks/context_links.py that cost up to 0.036 WER against plain on four of nine recordings (and gained on four);
it made "the first pass is plain faster-whisper's decoding" untrue.

``transcribe_with_word_times`` decodes as plain faster-whisper does (Silero VAD, then the speech windows one after
another with word_timestamps=False), so the text is plain's, word for word, and then aligns the words of each window
with faster-whisper's own cross-attention alignment (``WhisperModel.add_word_timestamps``) on that window's encoder
output, the way ``transcribe`` would have, and moves the times back onto the recording's clock (the VAD removed the
silences). The cost: one more encoder pass per 30 s window.
"""

from __future__ import annotations

import inspect
import itertools
from collections.abc import Iterator

import numpy as np
from faster_whisper.audio import pad_or_trim
from faster_whisper.tokenizer import Tokenizer
from faster_whisper.transcribe import Word, restore_speech_timestamps
from faster_whisper.vad import VadOptions, collect_chunks, get_speech_timestamps

from notulist.core.audio import SAMPLE_RATE


def transcribe_with_word_times(model, audio: np.ndarray, **options) -> Iterator:
    """faster-whisper's segments of ``audio`` (16 kHz mono) decoded as ``model.transcribe(audio, vad_filter=True,
    word_timestamps=False, **options)`` decodes them, each with its ``words`` filled in, times on the recording's
    clock. Lazy, like ``transcribe``: a window is aligned when its segments are asked for."""
    chunks = get_speech_timestamps(audio, VadOptions())
    if not chunks:
        return
    speech = np.concatenate(collect_chunks(audio, chunks)[0])
    segments, _info = model.transcribe(speech, vad_filter=False, word_timestamps=False, **options)
    features = model.feature_extractor(speech)
    tokenizer = Tokenizer(
        model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language=options.get("language")
    )
    defaults = inspect.signature(model.transcribe).parameters
    punctuation = (defaults["prepend_punctuations"].default, defaults["append_punctuations"].default)
    last_speech = 0.0
    for seek, window in itertools.groupby(segments, key=lambda s: s.seek):
        window = list(window)
        last_speech = _align_window(model, tokenizer, features, seek, window, last_speech, punctuation)
        yield from restore_speech_timestamps(window, chunks, SAMPLE_RATE)


def _align_window(
    model, tokenizer, features: np.ndarray, seek: int, window: list, last_speech: float, punctuation: tuple[str, str]
) -> float:
    """Fill in the words of one window's segments (faster-whisper segments decoded from ``seek``, a frame of
    ``features``), as ``transcribe`` aligns them with its default ``punctuation`` (to prepend, to append); returns
    the end of the last word (``last_speech`` if none)."""
    size = min(model.feature_extractor.nb_max_frames, features.shape[-1] - 1 - seek)
    encoded = model.encode(pad_or_trim(features[:, seek : seek + size]))
    rows = [{"seek": seek, "start": s.start, "end": s.end, "tokens": s.tokens} for s in window]
    model.add_word_timestamps([rows], tokenizer, encoded, size, *punctuation, last_speech_timestamp=last_speech)
    for segment, row in zip(window, rows, strict=True):
        segment.words = [Word(**word) for word in row.get("words", ())]
        if segment.words:
            segment.start, segment.end = segment.words[0].start, segment.words[-1].end
    ends = [w.end for s in window for w in s.words]
    return ends[-1] if ends else last_speech
