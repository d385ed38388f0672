"""Library messages in command-line words: the parameters they name become the flags that set them.

The library writes a parameter in backquotes (`` `num_speakers` ``, `` `backend=pyannote` ``); ``in_flags`` turns
that into ``--speakers`` or ``--diarizer pyannote``. Backquoted text that names no parameter (a command to run) is
left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from notulist.core.errors import NotulistError

FLAGS: dict[str, str] = {
    "model": "--model",
    "device": "--device",
    "accept_truncated=True": "--accept-truncated",
    "sessions_dir": "--sessions-dir",
    "input_device": "--input-device",
    "list_input_devices()": "`notulist live --list-devices`",
    "FileSource": "--input FILE",
    "num_speakers": "--speakers",
    "min_speakers": "--min-speakers",
    "max_speakers": "--max-speakers",
    "backend": "--diarizer",
    "model_dir": "--diarizer-model",
    "diarizer=None": "--no-diarize",
    "extra_paths": "--glossary",
    "llm_url": "--llm-url",
    "llm_model": "--llm-model",
    "llm_gguf": "--llm-gguf",
    "llm_hf": "--llm-hf",
    "timeout_s": "--llm-timeout",
    "json_mode": "--llm-json",
    "model_sha256": "--llm-sha256",
}

_QUOTED = re.compile(r"`([A-Za-z_][\w.]*(?:\(\))?)(?:=([^`\s]+))?`")


def in_flags(text: str) -> str:
    """``text`` with every backquoted parameter said as its flag."""

    def flag(match: re.Match[str]) -> str:
        name, value = match.group(1), match.group(2)
        whole = name if value is None else f"{name}={value}"
        if whole in FLAGS:
            return FLAGS[whole]
        if value is not None and name in FLAGS:
            return f"{FLAGS[name]} {value}"
        return match.group(0)

    return _QUOTED.sub(flag, text)


def reword(exc: NotulistError) -> NotulistError:
    """The same error, its message in flags (changed in place, so its type and fields stay)."""
    if exc.args and isinstance(exc.args[0], str):
        exc.args = (in_flags(exc.args[0]), *exc.args[1:])
    return exc


@contextmanager
def said_as_flags() -> Iterator[None]:
    """Errors raised inside speak of flags instead of parameters."""
    try:
        yield
    except NotulistError as exc:
        reword(exc)
        raise
