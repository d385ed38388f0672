"""Small, pure text helpers for reports: cleaning untrusted text, times, durations, percentages, safe URLs."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from notulist.core.times import short_clock

# Characters XML 1.0 (and so DOCX) cannot hold, and that have no business in a report.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean_text(value: Any) -> str:
    """``value`` as a string without control characters (None -> '')."""
    if value is None:
        return ""
    return _CONTROL_CHARS.sub("", str(value))


format_time = short_clock  # a moment in a report: ``mm:ss`` (``h:mm:ss`` from one hour on)


def format_duration(seconds: float | None) -> str:
    if seconds is None or not math.isfinite(seconds):
        return ""
    return format_time(seconds)


def format_percent(share: float) -> str:
    return f"{round(share * 100):d}%"


def format_size(size: int) -> str:
    """Bytes as a short Dutch-readable size ("3,4 MB")."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} kB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


def safe_url(value: Any) -> str | None:
    """``value`` if it is an absolute http(s) URL, else None (never a ``javascript:`` or ``data:`` link)."""
    text = clean_text(value).strip()
    if not text:
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return text


def get(mapping: Any, *keys: str) -> Any:
    """``mapping[k1][k2]...`` or None where any level is missing or not a mapping."""
    value = mapping
    for key in keys:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value
