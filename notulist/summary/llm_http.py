"""A chat model behind an OpenAI-compatible HTTP endpoint on the user's own network (vLLM, llama.cpp server,
Ollama, TGI all speak ``POST /v1/chat/completions``).

Only the standard library is used. Proxy settings from the environment are ignored on purpose: the transcript goes
straight to the server the user named and nowhere else. A bearer token, when the server wants one, is read from
``$NOTULIST_LLM_API_KEY``. The answer is asked for as JSON following the points schema (``response_format``), in the
form the server accepts (``JSON_MODES``): a server that constrains decoding to it cannot answer with anything else.
"""

from __future__ import annotations

import json
import logging
import os
import re
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from notulist.core.errors import NotulistError
from notulist.summary.llm import LLMError, LLMTimeout, LLMUnavailable, Message

logger = logging.getLogger(__name__)

API_KEY_ENV = "NOTULIST_LLM_API_KEY"


def completions_url(url: str) -> str:
    """``http://host:8000``, ``.../v1`` or the full ``.../v1/chat/completions`` -> the full endpoint."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise NotulistError(
            f"`llm_url` {url!r} is not an http(s) URL: give e.g. http://127.0.0.1:8000/v1", parameter="llm_url"
        )
    base = url.strip().rstrip("/")
    if base.endswith("/chat/completions"):
        return base
    if base.endswith("/v1"):
        return f"{base}/chat/completions"
    return f"{base}/v1/chat/completions"


# How the answer's JSON schema is sent (see README, "Een eigen taalmodel"):
# - json_schema: OpenAI's {"type": "json_schema", "json_schema": {"name", "schema", "strict"}}: vLLM (guided
#   decoding), llama.cpp's llama-server (grammar), Ollama >= 0.5 (structured outputs);
# - json_object: {"type": "json_object", "schema": ...}: llama-cpp-python's server (grammar), llama-server too;
# - off: no response_format (the answer is still parsed, repaired and checked);
# - auto: json_schema, then json_object when the server rejects the first as a bad request, then off.
JSON_MODES = ("auto", "json_schema", "json_object", "off")


def response_format(mode: str, schema: Mapping[str, Any]) -> dict[str, Any] | None:
    """The ``response_format`` of a request in ``mode`` (None for ``off``)."""
    if mode == "json_schema":
        return {"type": "json_schema", "json_schema": {"name": "notulen", "strict": True, "schema": dict(schema)}}
    if mode == "json_object":
        return {"type": "json_object", "schema": dict(schema)}
    return None


def _refuses_format(status: int, detail: str) -> bool:
    """The error is the server refusing the response_format: a bad request naming it (llama-cpp-python's server
    answers such a validation error with HTTP 500, naming ``response_format``)."""
    if "response_format" in detail:
        return status in (400, 422, 500)
    return status in (400, 422) and "schema" in detail


class _Rejected(LLMError):
    """The server refused the request's response_format."""


class HttpChatBackend:
    method = "llm-http"

    def __init__(
        self,
        url: str,
        model: str,
        timeout_s: float = 120.0,
        temperature: float = 0.0,
        json_mode: str = "auto",
        model_sha256: str | None = None,
    ) -> None:
        if json_mode not in JSON_MODES:
            raise NotulistError(f"`json_mode` must be one of {', '.join(JSON_MODES)}", parameter="json_mode")
        if model_sha256 is not None and not re.fullmatch(r"[0-9a-fA-F]{64}", model_sha256):
            raise NotulistError("`model_sha256` must be 64 hex digits (sha256sum MODEL.gguf)", parameter="model_sha256")
        self.url = completions_url(url)
        self.model = model
        # The server does not tell its model file's hash: the operator may state it (sha256sum of the file it
        # serves), recorded as stated. json_mode: how the answers were constrained, once the server accepted a mode.
        self.info: dict[str, Any] = {"url": self.url}
        if model_sha256:
            self.info.update(sha256=model_sha256.lower(), sha256_source="stated by the operator")
        self.timeout_s = timeout_s
        self.temperature = temperature
        self.json_mode = json_mode
        self._modes = ["json_schema", "json_object", "off"] if json_mode == "auto" else [json_mode]
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def chat(self, messages: Sequence[Message], max_tokens: int, schema: Mapping[str, Any] | None = None) -> str:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [dict(m) for m in messages],
            "temperature": self.temperature,
            "max_tokens": max_tokens,
            "stream": False,
        }
        if schema is None:
            return self._answer(self._post(body))
        while True:
            mode = self._modes[0]
            constrained = response_format(mode, schema)
            try:
                raw = self._post({**body, "response_format": constrained} if constrained else body)
            except _Rejected as exc:
                if len(self._modes) == 1:
                    raise LLMError(str(exc)) from None
                logger.info("%s: response_format %s refused, trying the next (%s)", self.url, mode, exc)
                self._modes.pop(0)
                continue
            self._modes = [mode]  # what the server accepted is used from now on
            self.info["json_mode"] = mode
            return self._answer(raw)

    def _post(self, body: Mapping[str, Any]) -> bytes:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if os.environ.get(API_KEY_ENV):
            headers["Authorization"] = f"Bearer {os.environ[API_KEY_ENV]}"
        request = urllib.request.Request(self.url, data=json.dumps(body).encode("utf-8"), headers=headers)
        try:
            with self._opener.open(request, timeout=self.timeout_s) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:300].decode("utf-8", "replace").strip()
            if "response_format" in body and _refuses_format(exc.code, detail):
                raise _Rejected(f"the model server at {self.url} refused the response_format: {detail}") from exc
            raise LLMError(f"the model server at {self.url} answered HTTP {exc.code}: {detail or exc.reason}") from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise self._timeout() from exc
            raise LLMUnavailable(
                f"cannot reach the model server at {self.url} ({exc.reason}): check `llm_url` and that it runs",
                parameter="llm_url",
            ) from exc
        except TimeoutError as exc:
            raise self._timeout() from exc
        except OSError as exc:
            raise LLMError(f"the connection to the model server at {self.url} failed ({exc})") from exc

    def _answer(self, raw: bytes) -> str:
        try:
            data = json.loads(raw)
            choice = data["choices"][0]
            message = choice.get("message") or {}
            content = message.get("content")
            if content is None and message.get("refusal"):
                return str(message["refusal"])
            if choice.get("finish_reason") == "content_filter" and not content:
                return "Sorry, the server's content filter refused this request."
            return str(content or choice.get("text") or "")
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
            snippet = raw[:200].decode("utf-8", "replace")
            raise LLMError(f"the model server at {self.url} gave no chat completion: {snippet!r}") from exc

    def _timeout(self) -> LLMTimeout:
        return LLMTimeout(
            f"the model server at {self.url} did not answer within {self.timeout_s:g} s: "
            "raise `timeout_s` or use a smaller model",
            parameter="timeout_s",
        )
