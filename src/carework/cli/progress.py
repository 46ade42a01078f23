"""A progress bar for checks that take more than about a second — on a person's terminal only.

It is drawn whenever standard error is a terminal, wherever standard output goes (`carework check > 结果.txt` still
shows it); never in a CI log or a dumb terminal, and never on a redirected standard error. The bar appears only once a run has lasted `DELAY` seconds, so a city-sized check stays silent, and it is drawn on
standard error and removed when the run ends. It redraws only when the pipeline reports progress (no thread of its
own), so it never runs while the process pool forks.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

#: Seconds a run must last before the bar appears.
DELAY = 1.0


def wanted() -> bool:
    """Whether a bar may be drawn: standard error is a terminal, not CI's, not a dumb one. It is drawn and removed
    before any output is written, so a document on standard output (JSON, a file) is never mixed with it."""
    return (sys.stderr.isatty() and not os.environ.get("CI") and os.environ.get("GITHUB_ACTIONS") != "true"
            and os.environ.get("TERM") != "dumb")


class ProgressBar:
    """Called as `bar(done, total)` by the pipeline; draws a rich bar after DELAY seconds."""

    def __init__(self, label: str, delay: float = DELAY) -> None:
        self.label = label
        self.delay = delay
        self.started = time.monotonic()
        self._bar: Any = None
        self._task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            if time.monotonic() - self.started < self.delay or done >= total:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(TextColumn(self.label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                                 console=Console(file=sys.stderr), transient=True, auto_refresh=False)
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=total)
        self._bar.update(self._task, completed=done, total=total)
        self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


@contextmanager
def progress_bar(enabled: bool, label: str) -> Iterator[ProgressBar | None]:
    """A ProgressBar when `enabled`, else None; the bar is removed however the run ends."""
    if not enabled:
        yield None
        return
    bar = ProgressBar(label)
    try:
        yield bar
    finally:
        bar.close()
