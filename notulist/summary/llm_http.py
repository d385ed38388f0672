"""A chat model behind an OpenAI-compatible HTTP endpoint on the user's own network (vLLM, llama.cpp server,
Ollama, TGI all speak ``POST /v1/chat/completions``).

Only the standard library is used. Proxy settings from the environment are ignored on purpose: the transcript goes
straight to the server the user named and nowhere else. A bearer token, when the server wants one, is read from
``$NOTULIST_LLM_API_KEY``.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.request
from collections.abc import Sequence
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


class HttpChatBackend:
    method = "llm-http"

    def __init__(self, url: str, model: str, timeout_s: float = 120.0, temperature: float = 0.0) -> None:
        self.url = completions_url(url)
        self.model = model
        self.info = {"url": self.url}  # the server answers for its model; it does not tell its file's hash
        self.timeout_s = timeout_s
        self.temperature = temperature
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def chat(self, messages: Sequence[Message], max_tokens: int) -> str:
        body = {
            "model": self.model,
            "messages": [dict(m) for m in messages],
            "temperature": self.temperature,
            "max_tokens": max_tokens,
            "stream": False,
        }
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if os.environ.get(API_KEY_ENV):
            headers["Authorization"] = f"Bearer {os.environ[API_KEY_ENV]}"
        request = urllib.request.Request(self.url, data=json.dumps(body).encode("utf-8"), headers=headers)
        try:
            with self._opener.open(request, timeout=self.timeout_s) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:300].decode("utf-8", "replace").strip()
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
