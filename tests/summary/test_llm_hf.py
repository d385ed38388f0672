"""The transformers backend with a tiny, randomly initialised GPT-2 and a word-level tokenizer built here (nothing
is downloaded): the plumbing (loading a local directory, chat template or plain prompt, greedy generation, context
and time limits), not the quality. Its answers are gibberish, so the summariser must report that and fall back."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pytest
from conftest import DATA

pytest.importorskip("transformers")
torch = pytest.importorskip("torch")

from notulist.core.errors import ModelError  # noqa: E402
from notulist.core.model import Segment, Transcript, segment_id  # noqa: E402
from notulist.core.progress import no_progress  # noqa: E402
from notulist.summary.llm import SYSTEM_PROMPT, LLMError, LLMSummarizer, LLMTimeout  # noqa: E402
from notulist.summary.llm_hf import HfChatBackend  # noqa: E402
from notulist.summary.summarizer import make_summarizer  # noqa: E402

CHAT_TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|> {{ m['content'] }} <eos> {% endfor %}"
    "{% if add_generation_prompt %}<|assistant|> {% endif %}"
)


def transcript() -> Transcript:
    segments = []
    for index, line in enumerate((DATA / "overleg_dpia.ref.tsv").read_text(encoding="utf-8").splitlines()):
        start, end, speaker, text = line.split("\t", 3)
        segments.append(Segment(segment_id(index), float(start), float(end), text, speaker=speaker))
    return Transcript("nl", segments[-1].end, tuple(segments))


def build_tiny_model(directory: Path, n_positions: int = 2048, chat_template: str | None = None) -> Path:
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()

    corpus = SYSTEM_PROMPT + " " + " ".join(s.text for s in transcript().segments)
    words = sorted(set(re.findall(r"\w+|[^\w\s]", corpus)))
    specials = ["<unk>", "<pad>", "<eos>", "<|system|>", "<|user|>", "<|assistant|>"]
    vocab = {token: n for n, token in enumerate(specials + words)}
    core = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    core.add_special_tokens(specials)
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=core, unk_token="<unk>", pad_token="<pad>", eos_token="<eos>")
    if chat_template:
        tokenizer.chat_template = chat_template
    torch.manual_seed(0)
    config = GPT2Config(
        vocab_size=len(vocab), n_positions=n_positions, n_embd=32, n_layer=1, n_head=2,
        bos_token_id=vocab["<eos>"], eos_token_id=vocab["<eos>"], pad_token_id=vocab["<pad>"],
    )  # fmt: skip
    GPT2LMHeadModel(config).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny-gpt2"))


@pytest.fixture(scope="module")
def tiny_chat_model(tmp_path_factory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny-gpt2-chat"), chat_template=CHAT_TEMPLATE)


@pytest.mark.slow
def test_backend_generates_text_from_a_local_directory(tiny_model, monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    real_connect = socket.socket.connect

    def local_only(sock, address):  # a hidden download must fail loudly
        if isinstance(address, tuple) and address[0] not in ("127.0.0.1", "::1", "localhost"):
            raise AssertionError(f"network access to {address}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", local_only)
    backend = HfChatBackend(tiny_model, max_new_tokens=12)
    assert backend.method == "llm-hf" and backend.model == tiny_model.name
    assert backend.context_tokens == 2048
    answer = backend.chat(
        [{"role": "system", "content": "Je bent een notulist."}, {"role": "user", "content": "De DPIA"}], 12
    )
    assert isinstance(answer, str) and answer.strip()
    assert len(answer.split()) <= 12
    again = backend.chat(
        [{"role": "system", "content": "Je bent een notulist."}, {"role": "user", "content": "De DPIA"}], 12
    )
    assert again == answer  # greedy: deterministic
    import os

    assert os.environ["HF_HUB_OFFLINE"] == "1"


@pytest.mark.slow
def test_chat_template_is_used_when_the_tokenizer_has_one(tiny_chat_model):
    backend = HfChatBackend(tiny_chat_model, max_new_tokens=8)
    encoded = backend._encode([{"role": "user", "content": "De DPIA"}])
    ids = encoded["input_ids"][0].tolist()
    tokenizer = backend._tokenizer
    assert ids[0] == tokenizer.convert_tokens_to_ids("<|user|>")
    assert ids[-1] == tokenizer.convert_tokens_to_ids("<|assistant|>")
    assert isinstance(backend.chat([{"role": "user", "content": "De DPIA"}], 8), str)


@pytest.mark.slow
def test_gibberish_answers_are_reported_and_the_session_still_gets_minutes(tiny_model):
    summarizer = make_summarizer(llm_hf=tiny_model, timeout_s=60)
    assert isinstance(summarizer, LLMSummarizer)
    summarizer.max_tokens = 24
    summary = summarizer.summarize(transcript(), no_progress)
    assert summary.method == "llm-hf+extractive" and summary.model == tiny_model.name
    assert any("malformed answer" in p or "refused" in p for p in summary.problems)
    assert summary.points and all(p.supported for p in summary.points)
    ids = {s.id for s in transcript().segments}
    assert all(set(p.segment_ids) <= ids for p in summary.points)


@pytest.mark.slow
def test_a_prompt_longer_than_the_context_is_an_error_not_a_crash(tmp_path):
    small = build_tiny_model(tmp_path / "small", n_positions=64)
    backend = HfChatBackend(small, max_new_tokens=8)
    with pytest.raises(LLMError, match="does not fit the context"):
        backend.chat([{"role": "user", "content": " ".join(["De DPIA"] * 80)}], 8)
    summary = LLMSummarizer(backend, max_chunk_chars=backend.max_input_chars, max_tokens=8).summarize(
        transcript(), no_progress
    )
    assert any("does not fit the context" in p for p in summary.problems)
    assert summary.points


@pytest.mark.slow  # imports transformers and tries to load the broken model
def test_missing_or_broken_model_directory_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match="no config.json"):
        HfChatBackend(tmp_path)
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "gpt2"}))
    with pytest.raises(ModelError, match="cannot load"):
        HfChatBackend(tmp_path)


@pytest.mark.slow
def test_generation_stops_at_the_timeout_and_says_so(tiny_model):
    backend = HfChatBackend(tiny_model, timeout_s=1e-4, max_new_tokens=200)
    with pytest.raises(LLMTimeout, match="did not finish its answer within"):
        backend.chat([{"role": "user", "content": "De DPIA"}], 200)
