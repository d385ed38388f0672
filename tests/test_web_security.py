"""``notulist serve`` against hostile requests: a real server (uvicorn) on 127.0.0.1, raw HTTP requests.

No token, a wrong Host (DNS rebinding), a foreign Origin (CSRF), a missing CSRF token, traversal in session ids
and file names, an oversized or non-audio upload, malformed and stale edits, and markup in every text field:
each is refused with a Dutch message or shown as text, and the session still verifies.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from serve_support import REPO, Server, start_server
from test_corrections import make_session

from notulist.archive.session import Session

pytestmark = pytest.mark.slow
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Session]]:
    sessions_dir = tmp_path_factory.mktemp("serve") / "sessions"
    session = make_session(sessions_dir)
    server = start_server(sessions_dir, "--max-upload-mb", "1")
    yield server, session
    server.stop()


def test_every_request_needs_the_token(served: tuple[Server, Session]) -> None:
    server, session = served
    sid = session.path.name
    for path in ("/", f"/s/{sid}", f"/s/{sid}/audio", "/static/app.css", f"/s/{sid}/files/transcript.txt"):
        status, _, body = server.request("GET", path, cookie=False)
        assert status == 401 and "toegangsteken" in body.decode()
        status, _, _ = server.request("GET", path, headers={"Cookie": "notulist_token=wrong"}, cookie=False)
        assert status == 401
    status, headers, _ = server.request("GET", "/?token=wrong", cookie=False)
    assert status == 401
    # the token in the address becomes a strict, HttpOnly cookie and leaves the address
    status, headers, _ = server.request("GET", f"/s/{sid}?token={server.token}", cookie=False)
    assert status == 303 and headers["location"] == f"/s/{sid}"
    cookie = headers["set-cookie"]
    assert f"notulist_token={server.token}" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    status, _, _ = server.request("POST", f"/api/s/{sid}/edit", "{}", {"Origin": server.origin}, cookie=False)
    assert status == 401


def test_host_and_origin_are_checked(served: tuple[Server, Session]) -> None:
    server, session = served
    for host in ("evil.example", f"evil.example:{server.port}", f"127.0.0.1:{server.port + 1}"):
        status, _, body = server.request("GET", "/", headers={"Host": host})
        assert status == 400 and "Onbekende host" in body.decode()
    status, _, _ = server.request("GET", "/", headers={"Host": f"localhost:{server.port}"})
    assert status == 200
    status, _, _ = server.request("GET", "/", headers={"Origin": "http://evil.example"})
    assert status == 403
    status, _, _ = server.request("GET", "/", headers={"Sec-Fetch-Site": "cross-site"})
    assert status == 403

    before = len(session.events())
    payload = json.dumps({"version": before, "action": "info", "title": "x"})
    csrf = server.csrf()
    sid = session.path.name
    for headers in (
        {"Origin": "http://evil.example", "X-CSRF-Token": csrf},  # another site
        {"Origin": "null", "X-CSRF-Token": csrf},
        {"X-CSRF-Token": csrf},  # no Origin
        {"Origin": server.origin},  # no CSRF token
        {"Origin": server.origin, "X-CSRF-Token": "0" * 64},
    ):
        status, _, body = server.request("POST", f"/api/s/{sid}/edit", payload, headers)
        assert status == 403 and "geweigerd" in body.decode()
    assert len(session.events()) == before


def test_security_headers_and_no_inline_script(served: tuple[Server, Session]) -> None:
    server, session = served
    for path in ("/", f"/s/{session.path.name}"):
        status, headers, body = server.request("GET", path)
        assert status == 200
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
        scripts = re.findall(rb"<script([^>]*)>", body)
        assert scripts and all(b"src=" in attrs or b'type="application/json"' in attrs for attrs in scripts)
        assert b"http://" not in body and b"https://" not in body  # nothing from elsewhere


@pytest.mark.parametrize(
    "path",
    [
        "/s/..",
        "/s/%2e%2e",
        "/s/..%2F..%2Fetc",
        "/s/.uploads",
        "/s/%2Fetc%2Fpasswd",
        "/s/a%00b",
        "/api/s/..%2Fsessions/edit",
    ],
)
def test_traversal_in_session_ids(served: tuple[Server, Session], path: str) -> None:
    server, _ = served
    method = "POST" if path.startswith("/api") else "GET"
    headers = {"Origin": server.origin, "X-CSRF-Token": server.csrf()}
    status, _, body = server.request(method, path, "{}" if method == "POST" else None, headers)
    assert status == 404, body


def test_only_known_files_are_served(served: tuple[Server, Session]) -> None:
    server, session = served
    sid = session.path.name
    for name in ("manifest.json", "audit.jsonl", "..%2Fmanifest.json", "report.pdf"):
        status, _, _ = server.request("GET", f"/s/{sid}/files/{name}")
        assert status == 404
    status, _, body = server.request("GET", f"/s/{sid}/files/report.html")
    assert status == 404 and "exporteer" in json.loads(body)["error"]
    headers = {"Origin": server.origin, "X-CSRF-Token": server.csrf()}
    status, _, body = server.request("POST", f"/api/s/{sid}/export", '{"format": "html"}', headers)
    assert status == 200 and json.loads(body)["url"] == f"/s/{sid}/files/report.html"
    status, headers, body = server.request("GET", f"/s/{sid}/files/report.html")
    assert status == 200 and "attachment" in headers["content-disposition"] and b"Goedemorgen" in body
    status, headers, body = server.request("GET", f"/s/{sid}/audio", headers={"Range": "bytes=0-99"})
    assert status == 206 and len(body) == 100 and body.startswith(b"fLaC")


def test_uploads_are_limited(served: tuple[Server, Session]) -> None:
    server, _ = served
    headers = {"Origin": server.origin, "X-CSRF-Token": server.csrf()}
    big = b"\0" * (1024 * 1024 + 10)
    status, _, body = server.request("POST", "/api/upload?name=groot.wav", big, headers)
    assert status == 413 and "groter dan 1 MB" in json.loads(body)["error"]
    status, _, body = server.request("POST", "/api/upload?name=notities.exe", b"MZ...", headers)
    assert status == 400 and "geen opname" in json.loads(body)["error"]
    status, _, body = server.request("POST", "/api/upload?name=..%2F..%2Fx.wav", b"", headers)
    assert status == 400 and "leeg" in json.loads(body)["error"]
    uploads = server.sessions_dir / ".uploads"
    assert not uploads.exists() or list(uploads.iterdir()) == []
    assert not (server.sessions_dir.parent / "x.wav").exists()


def test_malformed_and_stale_edits_change_nothing(served: tuple[Server, Session]) -> None:
    server, session = served
    sid = session.path.name
    version = len(session.events())
    bad = [
        {"version": version, "action": "drop_tables"},
        {"action": "correct", "segment_id": "s0001", "text": "x"},
        {"version": version, "action": "correct", "segment_id": "s9999", "text": "x"},
        {"version": version, "action": "correct", "segment_id": "s0001", "text": "x" * 6000},
        {"version": version, "action": "reassign", "segment_id": "s0001", "speaker": "../x"},
        {"version": version, "action": "check", "segment_id": "s0003", "verdict": "prima"},
        {"version": version, "action": "point_edit", "point": "p99", "text": "x"},
        {"version": version, "action": "name", "names": {"NIEMAND": "x"}},
        {"version": version, "action": "info", "status": "gewist"},
        [1, 2, 3],
    ]
    for payload in bad:
        status, answer = server.edit(sid, payload)  # type: ignore[arg-type]
        assert status == 400 and answer["error"], payload
    headers = {"Origin": server.origin, "X-CSRF-Token": server.csrf()}
    status, _, body = server.request("POST", f"/api/s/{sid}/edit", "{not json", headers)
    assert status == 400 and "JSON" in json.loads(body)["error"]
    assert len(session.events()) == version

    # two tabs save against the same version: the second is told to reload
    first = server.edit(sid, {"version": version, "action": "correct", "segment_id": "s0002", "text": "Eerste."})
    second = server.edit(sid, {"version": version, "action": "correct", "segment_id": "s0002", "text": "Tweede."})
    assert first[0] == 200 and first[1]["version"] == version + 1
    assert second[0] == 409 and "herlaad de pagina" in second[1]["error"]
    assert len(session.events()) == version + 1 and session.problems() == []


def test_markup_in_every_text_field_is_shown_as_text(served: tuple[Server, Session]) -> None:
    server, session = served
    sid = session.path.name

    def edit(payload: dict) -> None:
        status, answer = server.edit(sid, {"version": len(session.events()), **payload})
        assert status == 200, answer

    edit({"action": "correct", "segment_id": "s0001", "text": HOSTILE})
    edit({"action": "name", "names": {"SPEAKER_01": HOSTILE}, "roles": {"SPEAKER_01": HOSTILE}})
    edit({"action": "point_edit", "point": "p1", "text": HOSTILE, "owner": HOSTILE})
    edit({"action": "point_add", "kind": "action", "text": HOSTILE, "owner": HOSTILE, "segment_ids": ["s0001"]})
    edit({"action": "replace", "find": "KvK", "replace": HOSTILE})
    edit({"action": "info", "title": HOSTILE})
    for path in ("/", f"/s/{sid}", f"/?q={'%3Cscript'}"):
        status, _, body = server.request("GET", path)
        assert status == 200
        assert b"<script>alert" not in body and b"<img src=x" not in body
    status, _, body = server.request("GET", f"/s/{sid}")
    assert body.count(b"&lt;script&gt;alert(") >= 5
    verify = subprocess.run(
        [sys.executable, "-m", "notulist.cli.main", "verify", str(session.path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_remote_host_needs_an_explicit_flag(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "notulist.cli.main", "serve", "--sessions-dir", str(tmp_path), "--host", "0.0.0.0"],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert run.returncode == 2 and "--allow-remote" in run.stderr and len(run.stderr.strip().splitlines()) == 1
