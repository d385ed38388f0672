"""A recording uploaded to ``notulist serve`` is streamed to disk and transcribed by the real pipeline (Whisper
base) in a worker thread, its progress followed over server-sent events; the new session is listed and verifies."""

from __future__ import annotations

import http.client
import json
import time
from pathlib import Path

import pytest
from serve_support import start_server
from test_report_data import DATA

from notulist.archive.session import Session
from notulist.web.jobs import STAGES_NL

pytestmark = pytest.mark.slow


def _follow(server, job_id: str) -> list[dict]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
    connection.putrequest("GET", f"/api/jobs/{job_id}/events", skip_host=True)
    connection.putheader("Host", f"127.0.0.1:{server.port}")
    connection.putheader("Cookie", f"notulist_token={server.token}")
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 200 and response.getheader("content-type").startswith("text/event-stream")
    states = []
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        line = response.fp.readline()
        if not line:
            break
        if line.startswith(b"data: "):
            states.append(json.loads(line[6:]))
    connection.close()
    return states


def test_upload_is_transcribed_and_listed(tmp_path: Path) -> None:
    sessions_dir = tmp_path / "sessions"
    sessions_dir.mkdir()
    server = start_server(sessions_dir, "--no-diarize", "--no-summary", "--format", "none")
    try:
        headers = {"Origin": server.origin, "X-CSRF-Token": server.csrf()}
        recording = (DATA / "live_fiod_10s.wav").read_bytes()
        status, _, body = server.request("POST", "/api/upload?name=verhoor%20FIOD.wav", recording, headers)
        assert status == 200, body
        job = json.loads(body)
        states = _follow(server, job["id"])
        final = states[-1]
        assert final["state"] == "done", final
        stages = {s["stage"] for s in states}  # sampled twice a second: short stages may pass unseen
        assert len(stages) >= 3 and stages <= {"wachten", *STAGES_NL.values()}  # named in Dutch
        session = Session(sessions_dir / final["session_id"])
        assert final["session_id"].endswith("_verhoor-fiod")
        assert session.problems() == []
        assert session.manifest["audio"]["source_name"] == "verhoor FIOD.wav"
        assert not any((sessions_dir / ".uploads").iterdir())  # the upload is gone once archived
        status, _, page = server.request("GET", "/?q=FIOD")
        assert status == 200 and final["session_id"].encode() in page

        # a file that is not audio fails in the worker with a clear message, and leaves no session
        status, _, body = server.request("POST", "/api/upload?name=kapot.wav", b"RIFF\\0\\0\\0\\0WAVEgarbage", headers)
        broken = _follow(server, json.loads(body)["id"])[-1]
        assert broken["state"] == "failed" and broken["error"]
        assert sorted(p.name for p in sessions_dir.iterdir() if not p.name.startswith(".")) == [final["session_id"]]
    finally:
        server.stop()


def test_every_stage_has_a_dutch_name() -> None:
    from notulist.core.progress import Stage

    assert set(STAGES_NL) == set(Stage)
