"""One progress bar (tqdm, on stderr) for a whole run, fed by the library's single progress hook.

Each stage gets a share of the bar; the bar appears only when the work takes longer than a couple of seconds.
"""

from __future__ import annotations

import sys
from types import TracebackType

from tqdm import tqdm

from notulist.core.progress import Progress, Stage

# Shares of the bar per stage (recognition dominates on a CPU); unknown stages take no share but show their name.
STAGE_WEIGHTS = {
    Stage.ARCHIVE: 2.0,
    Stage.DETECT_SPEECH: 3.0,
    Stage.RECOGNIZE: 70.0,
    Stage.DIARIZE: 12.0,
    Stage.LINK_ABBREVIATIONS: 1.0,
    Stage.SUMMARIZE: 6.0,
    Stage.WRITE_REPORTS: 6.0,
}


class ProgressBar:
    """A ``ProgressHook`` that draws a single bar; use as a context manager."""

    def __init__(self, description: str = "notulist", delay_s: float = 2.0, disable: bool | None = None) -> None:
        total = sum(STAGE_WEIGHTS.values())
        self._bar = tqdm(
            total=total,
            desc=description,
            unit="%",
            delay=delay_s,
            file=sys.stderr,
            disable=disable,
            bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining}",
        )
        self._scale = 100.0 / total
        self._done: dict[str, float] = {}

    def __call__(self, event: Progress) -> None:
        weight = STAGE_WEIGHTS.get(event.stage, 0.0)
        fraction = min(1.0, event.done / event.total) if event.total > 0 else 1.0
        self._done[event.stage] = weight * fraction
        self._bar.set_description_str(str(event.stage), refresh=False)
        self._move_to(min(sum(self._done.values()), self._bar.total))

    def _move_to(self, position: float) -> None:
        # Through update(), so tqdm knows the bar was drawn and ends its line when it closes (a path printed
        # after the bar then starts on a line of its own).
        if position > self._bar.n:
            self._bar.update(position - self._bar.n)
        else:
            self._bar.n = position
            self._bar.refresh()

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc is None:
            self._move_to(self._bar.total)
        self._bar.close()
