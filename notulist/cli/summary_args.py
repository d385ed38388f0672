"""Command-line options that choose the summariser (shared by ``notulist transcribe`` and ``notulist summarize``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from notulist.summary.summarizer import Summarizer, make_summarizer

DEFAULT_TIMEOUT_S = 120.0


def add_summary_arguments(parser: argparse.ArgumentParser, allow_disable: bool = True) -> None:
    group = parser.add_argument_group(
        "minutes",
        "By default the minutes are extracted from the transcript itself (no model, nothing invented). "
        "A local language model can write them instead; every point still cites the lines it came from.",
    )
    group.add_argument(
        "--llm-url",
        metavar="URL",
        help="an OpenAI-compatible server on your own network (vLLM, llama.cpp server, Ollama, TGI), "
        "e.g. http://127.0.0.1:8000/v1; needs --llm-model",
    )
    group.add_argument("--llm-model", metavar="NAME", help="the model name the --llm-url server knows")
    group.add_argument(
        "--llm-gguf", type=Path, metavar="FILE", help="a local GGUF model file (needs the llm-gguf extra)"
    )
    group.add_argument(
        "--llm-hf", type=Path, metavar="DIR", help="a local Hugging Face model directory (needs the llm-hf extra)"
    )
    group.add_argument(
        "--llm-timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        metavar="SECONDS",
        help=f"how long to wait for one answer of the model (default: {DEFAULT_TIMEOUT_S:g})",
    )
    if allow_disable:
        group.add_argument("--no-summary", action="store_true", help="write no minutes (no summary.json)")


def summarizer_from_args(args: argparse.Namespace) -> Summarizer | None:
    """The summariser the options ask for; None with --no-summary."""
    if getattr(args, "no_summary", False):
        return None
    return make_summarizer(
        llm_url=getattr(args, "llm_url", None),
        llm_model=getattr(args, "llm_model", None),
        llm_gguf=getattr(args, "llm_gguf", None),
        llm_hf=getattr(args, "llm_hf", None),
        timeout_s=float(getattr(args, "llm_timeout", DEFAULT_TIMEOUT_S)),
        template=getattr(args, "template", None) or "verslag",
    )
