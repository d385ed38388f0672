"""How a time is written, one format per purpose.

- ``clock(s)``: a moment on the session clock in plain text, ``00:02:13`` (hours always shown): transcript.txt,
  the live view and the CLI's messages.
- ``short_clock(s)``: a moment in a report's margin, ``02:13`` (``1:02:13`` from one hour on, or always with
  ``with_hours``): report.html and report.docx.
- ``duration(s)``: a length of time, rounded to the nearest second, ``2:13`` (``1:02:13`` from one hour on): talk
  times in ``notulist speakers``.
- ``srt_timestamp(s)`` / ``vtt_timestamp(s)``: what the subtitle formats demand, ``00:02:13,480`` / ``00:02:13.480``.

Moments are cut to the whole second (a line that starts at 2:13.9 starts in second 2:13); negative and non-finite
values count as 0.
"""

from __future__ import annotations

import math


def _seconds(value: float) -> float:
    return value if math.isfinite(value) and value > 0 else 0.0


def _hms(total: int) -> tuple[int, int, int]:
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    return hours, minutes, seconds


def clock(seconds: float) -> str:
    """``00:02:13``: a moment in plain text."""
    hours, minutes, secs = _hms(int(_seconds(seconds)))
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"


def short_clock(seconds: float, with_hours: bool = False) -> str:
    """``02:13``, or ``1:02:13`` from one hour on (always with ``with_hours``): a moment in a report."""
    hours, minutes, secs = _hms(int(_seconds(seconds)))
    if hours or with_hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}"


def duration(seconds: float) -> str:
    """``2:13``, or ``1:02:13`` from one hour on: a length of time, to the nearest second."""
    hours, minutes, secs = _hms(int(math.floor(_seconds(seconds) + 0.5)))
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _subtitle(seconds: float, marker: str) -> str:
    milliseconds = round(_seconds(seconds) * 1000.0)
    hours, milliseconds = divmod(milliseconds, 3_600_000)
    minutes, milliseconds = divmod(milliseconds, 60_000)
    secs, milliseconds = divmod(milliseconds, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{marker}{milliseconds:03d}"


def srt_timestamp(seconds: float) -> str:
    """``00:02:13,480`` (SubRip)."""
    return _subtitle(seconds, ",")


def vtt_timestamp(seconds: float) -> str:
    """``00:02:13.480`` (WebVTT)."""
    return _subtitle(seconds, ".")
