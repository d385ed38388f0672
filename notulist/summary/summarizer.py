"""The summariser stage: a transcript in, minutes (a checked ``Summary``) out.

``make_summarizer`` picks the implementation from what the user gave: an OpenAI-compatible endpoint on their own
network (``llm_url`` + ``llm_model``), a GGUF file (llama-cpp-python), a local Hugging Face directory
(transformers), or, when none is given, the embedded extractive summariser, which needs no model and cannot invent.
Every summariser returns points that cite segment ids, already scored by ``check_citations``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from notulist.core.errors import NotulistError
from notulist.core.model import Transcript
from notulist.core.progress import ProgressHook
from notulist.summary.model import Summary


class Summarizer(Protocol):
    def summarize(self, transcript: Transcript, progress: ProgressHook) -> Summary: ...


def with_agenda(summarizer: Summarizer, agenda: Sequence[str]) -> Summarizer:
    """``summarizer`` told the meeting's agenda where it can use it (a language model's ``verslag`` prompt lists the
    items); the extractive summariser is returned as it is."""
    tell = getattr(summarizer, "with_agenda", None)
    return tell(tuple(agenda)) if agenda and callable(tell) else summarizer


def make_summarizer(
    llm_url: str | None = None,
    llm_model: str | None = None,
    llm_gguf: Path | None = None,
    llm_hf: Path | None = None,
    timeout_s: float = 120.0,
    template: str = "verslag",
    json_mode: str = "auto",
    llm_sha256: str | None = None,
) -> Summarizer:
    """The summariser for these options (extractive when no model is given). Backends load lazily and raise a
    ``NotulistError`` saying what to do when their optional extra or model file is missing."""
    chosen = [name for name, value in (("llm_url", llm_url), ("llm_gguf", llm_gguf), ("llm_hf", llm_hf)) if value]
    if len(chosen) > 1:
        given = " and ".join(f"`{name}`" for name in chosen)
        raise NotulistError(f"give only one language model, not {given}", parameter=chosen)
    if llm_model and not llm_url:
        raise NotulistError(
            "`llm_model` names the model of an `llm_url` server: give `llm_url` too", parameter=("llm_model", "llm_url")
        )
    if llm_url:
        from notulist.summary.llm import LLMSummarizer
        from notulist.summary.llm_http import HttpChatBackend

        if not llm_model:
            raise NotulistError(
                "`llm_url` needs `llm_model` (the model name the server knows)", parameter=("llm_model", "llm_url")
            )
        backend = HttpChatBackend(llm_url, llm_model, timeout_s, json_mode=json_mode, model_sha256=llm_sha256)
        return LLMSummarizer(backend, template=template, constrained=json_mode != "off")
    if llm_gguf:
        from notulist.summary.llm import LLMSummarizer
        from notulist.summary.llm_gguf import GgufChatBackend

        gguf = GgufChatBackend(Path(llm_gguf))  # a grammar from the schema unless json_mode is off
        return LLMSummarizer(gguf, gguf.max_input_chars, template=template, constrained=json_mode != "off")
    if llm_hf:
        from notulist.summary.llm import LLMSummarizer
        from notulist.summary.llm_hf import HfChatBackend

        backend = HfChatBackend(Path(llm_hf), timeout_s=timeout_s)
        return LLMSummarizer(backend, max_chunk_chars=backend.max_input_chars, template=template)
    from notulist.summary.extractive import ExtractiveSummarizer

    return ExtractiveSummarizer()
