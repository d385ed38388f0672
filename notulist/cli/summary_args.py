"""Command-line options that choose the summariser (shared by ``notulist transcribe`` and ``notulist summarize``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from notulist.cli.flags import in_flags, said_as_flags
from notulist.cli.meeting_args import template_base
from notulist.summary.llm_http import JSON_MODES
from notulist.summary.model import Summary
from notulist.summary.summarizer import Summarizer, make_summarizer

DEFAULT_TIMEOUT_S = 120.0
FALLBACK_EXIT_CODE = 4  # the session is complete, but its minutes are not the ones asked for
_FALLBACK_NOTE = "the model gave no usable answer for"  # the Summary problem that says extractive points stand in


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
        "--llm-sha256",
        metavar="HEX",
        help="the sha256 of the model file the --llm-url server runs (sha256sum MODEL.gguf), recorded in "
        "summary.json as stated by you: the server itself does not tell",
    )
    group.add_argument(
        "--llm-json",
        choices=JSON_MODES,
        default="auto",
        help="how --llm-url is asked for JSON minutes that follow notulist's schema: json_schema (OpenAI "
        "response_format: vLLM, llama.cpp llama-server, Ollama >= 0.5), json_object (llama-cpp-python's server), "
        "off, or auto: json_schema, then json_object when the server refuses it, then off (default: auto)",
    )
    group.add_argument(
        "--llm-timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        metavar="SECONDS",
        help=f"how long to wait for one answer of the model (default: {DEFAULT_TIMEOUT_S:g})",
    )
    group.add_argument(
        "--llm-fallback",
        choices=("error", "extractive"),
        default="error",
        help="when the model gives no usable answer (server unreachable, timeouts, malformed answers), the "
        "extractive summariser makes those points instead and the session is kept either way; 'error' then "
        f"exits with status {FALLBACK_EXIT_CODE}, 'extractive' accepts it and exits 0 (default: error)",
    )
    if allow_disable:
        group.add_argument("--no-summary", action="store_true", help="write no minutes (no summary.json)")


@said_as_flags()
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
        template=template_base(args),
        json_mode=getattr(args, "llm_json", "auto"),
        llm_sha256=getattr(args, "llm_sha256", None),
    )


def report_summary(summary: Summary | None, args: argparse.Namespace, session_path: Path) -> int:
    """Tell the user, once, what went wrong with the minutes; the exit status for it.

    Each problem the model had is one warning line. When the extractive summariser had to stand in for the model,
    one line says so and what to do; that is an error (``FALLBACK_EXIT_CODE``) unless ``--llm-fallback
    extractive`` accepted it.
    """
    if summary is None:
        return 0
    notes = [p for p in summary.problems if p.startswith(_FALLBACK_NOTE)]
    for problem in summary.problems:
        if problem not in notes:
            print(f"notulist: warning: {in_flags(problem)}", file=sys.stderr)
    if not summary.method.endswith("+extractive"):
        return 0
    what = notes[0] if notes else "the model gave no usable answer; the extractive summariser made the minutes"
    if getattr(args, "llm_fallback", "error") == "extractive":
        print(f"notulist: warning: {what} (--llm-fallback extractive)", file=sys.stderr)
        return 0
    print(
        f"notulist: error: {what}; the session is kept: run `notulist summarize {session_path}` with the model "
        "again once it answers, or give --llm-fallback extractive to accept extractive points",
        file=sys.stderr,
    )
    return FALLBACK_EXIT_CODE
