"""A chat model from a local Hugging Face directory, run by transformers on torch (the optional extra ``llm-hf``).

Nothing is downloaded: the hub is switched offline and only files in the given directory are read. The model's chat
template is used when its tokenizer has one; otherwise a plain "system / user / assistant" prompt. Generation is
greedy and stops after ``timeout_s`` (transformers' ``max_time``); an answer cut off by the clock is reported as a
timeout.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from notulist.core.errors import ModelError
from notulist.core.hashing import sha256_file
from notulist.summary.llm import LLMError, LLMTimeout, Message

logger = logging.getLogger(__name__)

CHARS_PER_TOKEN = 3


def _plain_prompt(messages: Sequence[Message]) -> str:
    parts = [f"### {m['role'].capitalize()}:\n{m['content']}\n" for m in messages]
    return "\n".join(parts) + "\n### Assistant:\n"


class HfChatBackend:
    method = "llm-hf"

    def __init__(self, directory: Path, timeout_s: float = 120.0, max_new_tokens: int = 1536, device: str = "cpu"):
        directory = Path(directory)
        if not (directory / "config.json").is_file():
            raise ModelError(
                f"{directory} is not a Hugging Face model directory (no config.json): give one with `llm_hf`",
                parameter="llm_hf",
            )
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer
            from transformers.utils import logging as hf_logging
        except ImportError as exc:
            raise ModelError(
                "`llm_hf` needs transformers, which is not installed: run `pip install 'notulist[llm-hf]'`, "
                "or use `llm_url`",
                parameter="llm_hf",
            ) from exc
        hf_logging.disable_progress_bar()  # library code never prints: no download/loading bars
        try:
            self._tokenizer = AutoTokenizer.from_pretrained(str(directory), local_files_only=True)
            self._model = AutoModelForCausalLM.from_pretrained(str(directory), local_files_only=True).to(device)
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"transformers cannot load the model in {directory} ({exc}): check the directory") from exc
        self._model.eval()
        self._torch = torch
        self.device = device
        self.model = directory.name
        weights = sorted(directory.glob("*.safetensors")) or sorted(directory.glob("*.bin"))
        # the weights' hash when they are one file (sharded models: each shard's name is in the manifest anyway)
        self.info = {"file": weights[0].name, "sha256": sha256_file(weights[0])} if len(weights) == 1 else {}
        self.timeout_s = timeout_s
        self.max_new_tokens = max_new_tokens
        config = self._model.config
        self.context_tokens = int(
            getattr(config, "max_position_embeddings", None) or getattr(config, "n_positions", None) or 2048
        )
        logger.info("loaded Hugging Face model %s (context %d tokens)", directory, self.context_tokens)

    @property
    def max_input_chars(self) -> int:
        budget = self.context_tokens - min(self.max_new_tokens, self.context_tokens // 4) - 600
        return max(1000, budget * CHARS_PER_TOKEN)

    def _encode(self, messages: Sequence[Message]):
        tokenizer = self._tokenizer
        if getattr(tokenizer, "chat_template", None):
            encoded = tokenizer.apply_chat_template(
                [dict(m) for m in messages], add_generation_prompt=True, return_tensors="pt", return_dict=True
            )
        else:
            encoded = tokenizer(_plain_prompt(messages), return_tensors="pt")
        return {k: v.to(self.device) for k, v in encoded.items() if k in ("input_ids", "attention_mask")}

    def chat(self, messages: Sequence[Message], max_tokens: int, schema: Mapping[str, Any] | None = None) -> str:
        """The answer (``schema`` is not enforced: transformers' generate has no grammar; the answer is parsed and
        repaired like any other)."""
        inputs = self._encode(messages)
        prompt_tokens = int(inputs["input_ids"].shape[1])
        room = self.context_tokens - prompt_tokens
        if room < 16:
            raise LLMError(
                f"the prompt ({prompt_tokens} tokens) does not fit the context of {self.model} "
                f"({self.context_tokens} tokens)"
            )
        tokenizer = self._tokenizer
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
        started = time.monotonic()
        try:
            with self._torch.inference_mode():
                output = self._model.generate(
                    **inputs,
                    max_new_tokens=min(max_tokens, self.max_new_tokens, room),
                    do_sample=False,
                    max_time=self.timeout_s,
                    pad_token_id=pad,
                )
        except (RuntimeError, ValueError) as exc:
            raise LLMError(f"transformers failed to generate with {self.model}: {exc}") from exc
        if time.monotonic() - started >= self.timeout_s:
            raise LLMTimeout(
                f"{self.model} did not finish its answer within {self.timeout_s:g} s: raise `timeout_s` or use "
                "a smaller model",
                parameter="timeout_s",
            )
        return tokenizer.decode(output[0, prompt_tokens:], skip_special_tokens=True)
