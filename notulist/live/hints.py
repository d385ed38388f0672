"""The session's hints in live recognition: the same list the final pass gives Whisper as ``hotwords``.

The final pass passes the decoding hints (the user's keywords, the abbreviations and names of the context
documents: ``PipelineOptions.decoding_hints``) to faster-whisper as ``hotwords``, which puts them in the previous-
text prompt before the text said earlier. A live step decodes its window with the committed text before it as the
prompt and the words already committed inside it as the start of its answer; faster-whisper leaves ``hotwords``
out whenever an answer start is given, so ``HintedDecoder`` puts the hints in front of the live prompt itself (the
same tokens in the same place) on every step. Without them the bundled model writes "fiets" for a spoken FIOD.

A hint list can be copied as well as heard: on a quiet or unclear window Whisper may answer with the list itself
("FIOD, btw, KvK, BSN"). A hypothesis that reproduces ``PROMPT_COPY_WORDS`` consecutive hint words (or is nothing
but hint words) is decoded again without the hints and stands only when that decoding hears the same words, as the
prompt-copy guard of ``notulist.live.streaming`` does for the committed text (which still applies on top: its
prompt-free decoding keeps the hints, so a heard hint word is never taken for a copy of the committed text).
"""

from __future__ import annotations

import logging

import numpy as np

from notulist.core.model import Word
from notulist.core.text import comparable_word
from notulist.live.streaming import PROMPT_COPY_WORDS, WindowRecognizer, prompt_copy

log = logging.getLogger(__name__)


class HintedDecoder:
    """A ``WindowRecognizer`` that shows ``decoder`` the session's ``hints`` (comma-separated) on every window."""

    def __init__(self, decoder: WindowRecognizer, hints: str | None, copy_words: int = PROMPT_COPY_WORDS) -> None:
        self.decoder = decoder
        self.hints = " ".join((hints or "").split())
        self.copy_words = copy_words

    def decode(self, audio: np.ndarray, prompt: str = "", prefix: str = "") -> list[Word]:
        if not self.hints:
            return self.decoder.decode(audio, prompt, prefix)
        words = self.decoder.decode(audio, hinted_prompt(self.hints, prompt), prefix)
        copied = prompt_copy(words, self.hints.replace(",", " "), self.copy_words)
        if not copied:
            return words
        plain = self.decoder.decode(audio, prompt, prefix)
        said = [comparable_word(w.text) for w in plain]
        if any(said[i : i + len(copied)] == copied for i in range(len(said) - len(copied) + 1)):
            return words
        log.info("hypothesis copied the hints (%r) without them being in the audio: decoded without hints", copied)
        return plain


def hinted_prompt(hints: str, prompt: str) -> str:
    """The hints, then the text said before the window (faster-whisper's order for ``hotwords``)."""
    return f"{hints} {prompt.strip()}".strip()
