"""The terminal view of ``notulist batch``: one progress bar for the whole batch, a line per finished file, and
the summary table at the end."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from types import TracebackType
from typing import TextIO

from tqdm import tqdm

from notulist.batch.model import DONE, FAILED, NOT_RUN, SKIPPED, BatchEvent, Outcome, Recording


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class BatchView:
    """A ``BatchHook`` drawing the batch's progress on stderr; use as a context manager."""

    def __init__(self, recordings: Sequence[Recording], disable: bool | None = None, stream: TextIO | None = None):
        self._durations = {r: r.duration_s for r in recordings}
        known = [d for d in self._durations.values() if d]
        self._mean_s = sum(known) / len(known) if known else None
        self._counts = {DONE: 0, SKIPPED: 0, FAILED: 0, NOT_RUN: 0}
        self._running: dict[Recording, str] = {}
        self._audio_done_s = 0.0
        self._first_start: float | None = None
        self._stream = stream or sys.stderr
        self._bar = tqdm(
            total=len(recordings),
            file=self._stream,
            disable=disable,
            dynamic_ncols=True,
            bar_format="{desc} {n_fmt}/{total_fmt} |{bar}| {elapsed} {postfix}",
        )

    def __call__(self, event: BatchEvent) -> None:
        if event.kind == "started" and event.recording is not None:
            self._first_start = self._first_start or time.monotonic()
            self._running[event.recording] = "started"
        elif event.kind == "progress" and event.recording is not None and event.progress is not None:
            p = event.progress
            share = f" {100 * p.done / p.total:.0f}%" if p.total > 0 and p.unit == "s" else ""
            self._running[event.recording] = f"{p.stage}{share}"
        elif event.kind == "retry" and event.recording is not None:
            self._running.pop(event.recording, None)
            self._write(f"  retry    {event.recording.path.name}: {event.detail}; trying once more")
        elif event.kind == "finished" and event.outcome is not None:
            self._finished(event.outcome)
        self._refresh()

    def _finished(self, outcome: Outcome) -> None:
        self._running.pop(outcome.recording, None)
        self._counts[outcome.status] = self._counts.get(outcome.status, 0) + 1
        if outcome.status == DONE:
            self._audio_done_s += outcome.audio_s or outcome.recording.duration_s or 0.0
        self._bar.update(1)
        self._write(file_line(outcome))

    def _refresh(self) -> None:
        if self._running:
            names = [f"{r.path.name} ({state})" for r, state in list(self._running.items())[:2]]
            more = f" +{len(self._running) - 2}" if len(self._running) > 2 else ""
            self._bar.set_description_str(", ".join(names) + more, refresh=False)
        else:
            self._bar.set_description_str("batch", refresh=False)
        self._bar.set_postfix_str(self.status_line(), refresh=False)
        self._bar.refresh()

    def status_line(self) -> str:
        """Files done/running/failed/skipped/left, audio hours transcribed, throughput and time left."""
        c = self._counts
        left = self._bar.total - self._bar.n - len(self._running)
        parts = [f"done {c[DONE]}", f"running {len(self._running)}", f"failed {c[FAILED]}"]
        parts += [f"skipped {c[SKIPPED]}", f"left {left}", f"{self._audio_done_s / 3600:.2f} h audio"]
        elapsed = time.monotonic() - self._first_start if self._first_start else 0.0
        if self._audio_done_s > 0 and elapsed > 0:
            speed = self._audio_done_s / elapsed
            remaining = self._remaining_audio_s(left)
            parts.append(f"{speed:.1f} h audio per hour")
            if remaining is not None:
                parts.append(f"about {_clock(remaining / speed)} left")
        return " · ".join(parts)

    def _remaining_audio_s(self, left: int) -> float | None:
        if self._mean_s is None:
            return None
        running = sum(self._durations.get(r) or self._mean_s for r in self._running)
        return running + left * self._mean_s

    def note(self, line: str) -> None:
        """A line above the bar (what the batch is doing before the first file starts)."""
        self._write(line)

    def _write(self, line: str) -> None:
        tqdm.write(line, file=self._stream)

    def __enter__(self) -> BatchView:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._bar.close()


def file_line(outcome: Outcome) -> str:
    """One line per finished recording, as the batch goes."""
    name = outcome.recording.path.name
    if outcome.status == DONE:
        audio = _clock(outcome.audio_s or outcome.recording.duration_s)
        return f"  done     {name} ({audio} audio in {outcome.wall_s or 0:.1f} s) -> {outcome.session}"
    if outcome.status == SKIPPED:
        where = f": {outcome.session}" if outcome.session else ""
        return f"  skipped  {name}, {outcome.note}{where}"
    return f"  {outcome.status.upper():8} {name}: {outcome.error}"


def summary_table(outcomes: Sequence[Outcome], missing: Sequence[str] = ()) -> str:
    """The table printed when the batch ends: every input, its status, and its session or its error."""
    rows = [("status", "input", "audio", "time", "session / error")]
    for o in outcomes:
        result = str(o.session) if o.session else (o.error or o.note or "")
        wall = f"{o.wall_s:.1f} s" if o.wall_s is not None and o.status == DONE else ""
        audio = _clock(o.audio_s or o.recording.duration_s) if o.recording.duration_s or o.audio_s else ""
        rows.append((o.status, str(o.recording.path), audio, wall, result))
    rows += [(FAILED, given, "", "", f"{given} matches no file or folder") for given in missing]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)) + "  " + row[4]
        for row in rows
    ]
    return "\n".join(line.rstrip() for line in lines)
