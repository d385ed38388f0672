"""A real OpenAI-compatible chat-completions server on 127.0.0.1 that answers scripted replies (tests only)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# a reply: the content, a function of the request body giving it, (content, delay_s) or (HTTP status, raw body)
Reply = str | Callable[[dict], str] | tuple[str, float] | tuple[int, str]


class ScriptedServer:
    """A real chat-completions server: each request gets the next scripted reply and is recorded."""

    def __init__(self, replies: list[Reply]) -> None:
        self.replies = list(replies)
        self.requests: list[dict] = []
        self.paths: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep pytest output clean
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append(body)
                server.paths.append(self.path)
                reply = server.replies.pop(0) if server.replies else "{}"
                status = 200
                if isinstance(reply, tuple) and isinstance(reply[0], str):  # (content, delay_s)
                    time.sleep(reply[1])
                    reply = reply[0]
                if isinstance(reply, tuple):  # (status, body)
                    status, payload = reply
                    data = payload.encode()
                else:
                    content = reply(body) if callable(reply) else reply
                    data = json.dumps(
                        {
                            "id": "x",
                            "object": "chat.completion",
                            "model": body["model"],
                            "choices": [
                                {
                                    "index": 0,
                                    "message": {"role": "assistant", "content": content},
                                    "finish_reason": "stop",
                                }
                            ],
                        }
                    ).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> ScriptedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
