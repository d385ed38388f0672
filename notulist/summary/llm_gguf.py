"""A GGUF chat model run in-process by llama-cpp-python (the optional extra ``llm-gguf``).

llama-cpp-python is not part of the default install (it is built from source, ~9 minutes); without it this backend
raises a ``ModelError`` that says how to install it. The model's own chat template (stored in the GGUF) is used.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from notulist.core.errors import ModelError
from notulist.core.hashing import sha256_file
from notulist.summary.llm import LLMError, Message

logger = logging.getLogger(__name__)

GGUF_MAGIC = b"GGUF"
CHARS_PER_TOKEN = 3  # a cautious average for Dutch text


class GgufChatBackend:
    method = "llm-gguf"

    def __init__(self, path: Path, n_ctx: int = 8192, max_new_tokens: int = 1536, n_threads: int | None = None) -> None:
        path = Path(path)
        if not path.is_file():
            raise ModelError(
                f"{path} is not a file: give the path of a .gguf model file with `llm_gguf`", parameter="llm_gguf"
            )
        with open(path, "rb") as handle:
            if handle.read(4) != GGUF_MAGIC:
                raise ModelError(
                    f"{path} is not a GGUF model file (no GGUF header): give a .gguf file with `llm_gguf`",
                    parameter="llm_gguf",
                )
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise ModelError(
                "`llm_gguf` needs llama-cpp-python, which is not installed: run "
                "`pip install 'notulist[llm-gguf]'` (it compiles for several minutes), or use `llm_url` or `llm_hf`",
                parameter="llm_gguf",
            ) from exc
        self.model = path.name
        self.info = {"file": path.name, "sha256": sha256_file(path)}  # which file wrote the minutes
        self.n_ctx = n_ctx
        self.max_new_tokens = max_new_tokens
        try:
            self._llm = Llama(
                model_path=str(path), n_ctx=n_ctx, n_threads=n_threads or os.cpu_count() or 2, verbose=False
            )
        except (ValueError, RuntimeError, OSError) as exc:
            raise ModelError(f"llama.cpp cannot load {path} ({exc}): check that it is a complete GGUF model") from exc
        logger.info("loaded GGUF model %s (context %d tokens)", path, n_ctx)

    @property
    def max_input_chars(self) -> int:
        prompt_budget = self.n_ctx - self.max_new_tokens - 600  # the instructions take ~600 tokens
        return max(1500, prompt_budget * CHARS_PER_TOKEN)

    def chat(self, messages: Sequence[Message], max_tokens: int, schema: Mapping[str, Any] | None = None) -> str:
        """The answer; with ``schema``, decoding is constrained to it (llama.cpp turns the schema into a grammar)."""
        constrained = {"response_format": {"type": "json_object", "schema": dict(schema)}} if schema else {}
        if schema:
            self.info["json_mode"] = "json_object"
        try:
            response = self._llm.create_chat_completion(
                messages=[dict(m) for m in messages],
                temperature=0.0,
                max_tokens=min(max_tokens, self.max_new_tokens),
                **constrained,
            )
        except (ValueError, RuntimeError) as exc:  # e.g. the prompt is longer than the context
            raise LLMError(f"llama.cpp failed on {self.model}: {exc}") from exc
        return str(response["choices"][0]["message"].get("content") or "")
