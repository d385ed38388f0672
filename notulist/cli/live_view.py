"""The live transcript in the terminal (plain ANSI; simple lines when the output is not a terminal).

Committed segments are printed once, with their time, id and provisional speaker label (``S1``, ``S2``... from
``notulist.live.speakers``; the final session's labels come from the offline diarizer), abbreviations underlined
and explained below the line when a glossary is available. On a terminal the provisional tail (segments still waiting
for their speaker label, the open segment's committed words, then the uncommitted hypothesis in grey) lives on one
status line that is redrawn at every step.
"""

from __future__ import annotations

import logging
import os
import select
import shutil
import sys
import threading
from collections.abc import Sequence
from typing import Any, TextIO

from notulist.core.audio import SAMPLE_RATE
from notulist.core.model import Link, Segment
from notulist.core.times import clock
from notulist.live.abbreviations import AbbreviationMarker
from notulist.live.worker import LiveResult, LiveUpdate

log = logging.getLogger(__name__)

DIM = "\x1b[2m"
BOLD = "\x1b[1m"
UNDERLINE = "\x1b[4m"
RESET = "\x1b[0m"
CLEAR_LINE = "\r\x1b[2K"


class LiveView:
    """A ``LiveListener`` that draws the transcript; thread-safe (the worker calls ``update``)."""

    def __init__(self, out: TextIO | None = None, tty: bool | None = None, marker: AbbreviationMarker | None = None):
        self.out = out or sys.stdout
        self.tty = self.out.isatty() if tty is None else tty
        self.marker = marker
        self._lock = threading.Lock()
        self._status_shown = False
        self._captured_s = 0.0
        self.segments: list[Segment] = []

    def write_line(self, text: str) -> None:
        with self._lock:
            self._clear_status()
            self.out.write(text + "\n")
            self.out.flush()

    def started(self, source: str, recording: str, keys: bool, capture_rate: int | None = None) -> None:
        """The first line; names the device's rate when it records at another rate than 16 kHz (resampled)."""
        stop = "Ctrl+C or q" if keys else "Ctrl+C"
        rate = (
            f" (at {capture_rate / 1000:g} kHz, resampled to 16 kHz)" if capture_rate not in (None, SAMPLE_RATE) else ""
        )
        self.write_line(f"recording from {source}{rate} into {recording} ({stop} to finish)")

    def update(self, update: LiveUpdate) -> None:
        with self._lock:
            self._captured_s = update.captured_s
            self._clear_status()
            for segment in update.closed:
                self.segments.append(segment)
                self.out.write(self._segment_line(segment) + "\n")
            if self.tty:
                self._draw_status(update)
            self.out.flush()

    def finished(self, result: LiveResult) -> None:
        with self._lock:
            self._clear_status()
            self.out.write(
                f"recording stopped after {clock(result.captured_s)} ({len(result.segments)} live segments); "
                "making the full-quality transcript...\n"
            )
            self.out.flush()

    def _segment_line(self, segment: Segment) -> str:
        links = self.marker.links(segment) if self.marker else []
        text = _mark(segment.text, links, self.tty)
        stamp = f"[{clock(segment.start)}] {segment.id}" + (f" {segment.speaker}" if segment.speaker else "")
        line = f"{DIM}{stamp}{RESET}  {text}" if self.tty else f"{stamp}  {text}"
        if links and self.marker is not None:
            notes = "; ".join(dict.fromkeys(self.marker.explain(link) for link in links))
            line += f"\n{' ' * (len(stamp) + 2)}{DIM if self.tty else ''}({notes}){RESET if self.tty else ''}"
        return line

    def _draw_status(self, update: LiveUpdate) -> None:
        committed = [word for segment in update.unlabeled for word in segment.text.split()]  # printed once labeled
        committed += [w.text for w in update.open_words]
        provisional = [w.text for w in update.provisional]
        width = shutil.get_terminal_size((100, 20)).columns
        head = f"{clock(update.captured_s)} > "
        room = max(10, width - len(head) - 2)
        while committed and len(" ".join(committed + provisional)) > room:  # keep the newest words visible
            committed.pop(0)
        while provisional and len(" ".join(committed + provisional)) > room:
            provisional.pop(0)
        self.out.write(f"{DIM}{head}{RESET}{' '.join(committed)} {DIM}{' '.join(provisional)}{RESET}")
        self._status_shown = True

    def _clear_status(self) -> None:
        if self._status_shown:
            self.out.write(CLEAR_LINE)
            self._status_shown = False


def _mark(text: str, links: Sequence[Link], tty: bool) -> str:
    """Underline linked abbreviations on a terminal; elsewhere write them as ``[FIOD]``."""
    pieces: list[str] = []
    position = 0
    for link in sorted(links, key=lambda link: link.char_start):
        if link.char_start < position or link.char_end > len(text):
            continue
        pieces.append(text[position : link.char_start])
        surface = text[link.char_start : link.char_end]
        pieces.append(f"{UNDERLINE}{surface}{RESET}" if tty else f"[{surface}]")
        position = link.char_end
    pieces.append(text[position:])
    return "".join(pieces)


class KeyWatcher:
    """Watches a terminal's stdin for ``q`` without waiting for Enter (POSIX terminals only)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdin
        self.pressed = threading.Event()
        self._saved: Any = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def available(self) -> bool:
        try:
            import termios  # noqa: F401
        except ImportError:
            return False
        return self.stream.isatty()

    def __enter__(self) -> KeyWatcher:
        if not self.available:
            return self
        import termios
        import tty

        fd = self.stream.fileno()
        self._saved = termios.tcgetattr(fd)
        tty.setcbreak(fd)
        self._thread = threading.Thread(target=self._watch, args=(fd,), name="keys", daemon=True)
        self._thread.start()
        return self

    def _watch(self, fd: int) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                key = os.read(fd, 1)
                if key in (b"q", b"Q"):
                    self.pressed.set()
                    return

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=1.0)
        if self._saved is not None:
            import termios

            termios.tcsetattr(self.stream.fileno(), termios.TCSADRAIN, self._saved)
