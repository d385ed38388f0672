"""Who may ask: the one-time token (then a cookie), the Host and Origin headers, the CSRF token, and the headers
every answer carries (a Content-Security-Policy without inline script among them).

A pure ASGI middleware, so that it also guards streamed answers (audio, server-sent events).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "notulist_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD"}
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]


@dataclass(frozen=True)
class Guard:
    """The secrets and names the app accepts."""

    token: str
    hosts: frozenset[str]  # acceptable Host header values, with the port
    scheme: str = "http"

    @property
    def origins(self) -> frozenset[str]:
        return frozenset(f"{self.scheme}://{host}" for host in self.hosts)

    @property
    def csrf(self) -> str:
        return hmac.new(self.token.encode(), b"csrf", hashlib.sha256).hexdigest()

    def token_ok(self, value: str | None) -> bool:
        return bool(value) and hmac.compare_digest(value.encode(), self.token.encode())


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """The Host header values a browser sends for the address the app listens on."""
    if host in ("127.0.0.1", "localhost", "::1"):
        names = {"127.0.0.1", "localhost", "[::1]"}
    elif ":" in host:
        names = {f"[{host}]"}
    else:
        names = {host}
    return frozenset(f"{name}:{port}" for name in names)


def _refuse(status: int, message: str) -> Response:
    return PlainTextResponse(message, status_code=status)


class GuardMiddleware:
    def __init__(self, app: ASGIApp, guard: Guard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        refusal = self._check(scope)
        send = _with_headers(send)
        if refusal is not None:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _check(self, scope: Scope) -> Response | None:
        headers = Headers(scope=scope)
        if headers.get("host", "") not in self.guard.hosts:
            return _refuse(400, "Onbekende host: open de app via het adres dat `notulist serve` toonde.")
        origin = headers.get("origin")
        method = scope.get("method", "GET")
        if origin is not None and origin not in self.guard.origins:
            return _refuse(403, "Verzoek van een andere website geweigerd.")
        if headers.get("sec-fetch-site") == "cross-site":
            return _refuse(403, "Verzoek van een andere website geweigerd.")
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        if scope["type"] == "http" and method in SAFE_METHODS and self.guard.token_ok(query.get("token")):
            return _login(scope, query, self.guard.token)
        cookie = HTTPConnection(scope).cookies.get(COOKIE)  # (Request refuses a websocket scope)
        if not self.guard.token_ok(cookie):
            return _refuse(
                401, "Geen toegang: open de app via de link met het toegangsteken die `notulist serve` toonde."
            )
        if scope["type"] == "http" and method not in SAFE_METHODS:
            if origin is None:
                return _refuse(403, "Verzoek zonder herkomst (Origin) geweigerd: gebruik de app in de browser.")
            if not hmac.compare_digest(headers.get(CSRF_HEADER, "").encode(), self.guard.csrf.encode()):
                return _refuse(403, "Verzoek zonder geldig formuliertoken geweigerd: herlaad de pagina.")
        return None


def _login(scope: Scope, query: dict[str, str], token: str) -> Response:
    """Trade the token in the address for a cookie and show the same address without it."""
    rest = urlencode([(k, v) for k, v in query.items() if k != "token"])
    response = RedirectResponse(scope["path"] + (f"?{rest}" if rest else ""), status_code=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/")
    return response


def _with_headers(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            existing = {name.lower() for name, _ in message.get("headers", [])}
            extra: Iterable[tuple[bytes, bytes]] = [h for h in SECURITY_HEADERS if h[0] not in existing]
            message = {**message, "headers": [*message.get("headers", []), *extra]}
        await send(message)

    return wrapped
