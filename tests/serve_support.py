"""A real ``notulist serve`` on 127.0.0.1 for the web app's tests, and raw HTTP requests to it."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    token: str
    sessions_dir: Path
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def origin(self) -> str:
        return self.base

    def request(
        self,
        method: str,
        path: str,
        body: bytes | str | None = None,
        headers: dict[str, str] | None = None,
        cookie: bool = True,
    ) -> tuple[int, dict[str, str], bytes]:
        """One raw request (the Host header and everything else as given); returns status, headers, body."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if cookie:
            sent.setdefault("Cookie", f"notulist_token={self.token}")
        data = body.encode("utf-8") if isinstance(body, str) else body
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in sent.items():
            connection.putheader(name, value)
        if data is not None:
            connection.putheader("Content-Length", str(len(data)))
        connection.endheaders(data)
        response = connection.getresponse()
        result = response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        connection.close()
        return result

    def csrf(self) -> str:
        status, _, body = self.request("GET", "/")
        assert status == 200
        found = re.search(rb'name="csrf-token" content="([0-9a-f]+)"', body)
        assert found
        return found.group(1).decode()

    def edit(self, session_id: str, payload: dict[str, Any], **headers: str) -> tuple[int, Any]:
        sent = {"Origin": self.origin, "X-CSRF-Token": self.csrf(), "Content-Type": "application/json", **headers}
        status, _, body = self.request("POST", f"/api/s/{session_id}/edit", json.dumps(payload), sent)
        return status, json.loads(body) if body.startswith(b"{") else body

    def stop(self) -> None:
        for child in _children(self.process.pid):  # started under strace: stop the server, and strace follows
            os.kill(child, signal.SIGINT)
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (OSError, ValueError):
        return []


def start_server(sessions_dir: Path, *extra: str, prefix: tuple[str, ...] = ()) -> Server:
    """``notulist serve`` on a free loopback port; ``prefix`` runs it under another command (strace)."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    command = [sys.executable, "-m", "notulist.cli.main", "serve", "--sessions-dir", str(sessions_dir)]
    log = sessions_dir.parent / f"serve-{port}.log"
    with open(log, "wb") as output:  # a file, not a pipe: a full pipe would block the server
        process = subprocess.Popen(
            [*prefix, *command, "--port", str(port), "--no-browser", "--operator", "toetser", *extra],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
        )
    token = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and token is None:
        found = re.search(r"\?token=([A-Za-z0-9_-]+)\n", log.read_text(encoding="utf-8", errors="replace"))
        if found:
            token = found.group(1)
        elif process.poll() is not None:
            raise AssertionError(f"notulist serve stopped: {log.read_text(encoding='utf-8', errors='replace')}")
        else:
            time.sleep(0.1)
    assert token, "notulist serve printed no address with a token"
    server = Server(process, port, token, sessions_dir, log)
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.1)
    server.stop()
    raise AssertionError("notulist serve did not start listening")
