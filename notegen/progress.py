"""Progress for long builds on stderr: stage lines and a bar, only once a build has run a
second (a quick rebuild stays silent), and the bar only on a terminal."""

from __future__ import annotations

import sys
import time

import click

from notegen.build import Progress

DELAY = 1.0  # builds shorter than this print no progress at all
BAR = 30     # characters


class StageReporter(Progress):
    """``[1.2s] rendering 40 of 1166 notes`` lines, and ``[#####.....] 340/1166 notes``.

    Messages from the first second are held back and the latest is shown once it passes.
    """

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled and sys.stderr is not None
        self.tty = self.enabled and sys.stderr.isatty()
        self.start = time.monotonic()
        self.pending: tuple[float, str] | None = None
        self.shown = False
        self.bar_open = False
        self.last_draw = 0.0

    def _elapsed(self) -> float:
        return time.monotonic() - self.start

    def _flush_pending(self) -> None:
        if self.pending and not self.shown:
            click.echo(f"[{self.pending[0]:4.1f}s] {self.pending[1]}", err=True)
        self.pending, self.shown = None, True

    def _end_bar(self) -> None:
        if self.bar_open:
            click.echo("", err=True)
            self.bar_open = False

    def stage(self, message: str) -> None:
        if not self.enabled:
            return
        elapsed = self._elapsed()
        if elapsed < DELAY:
            self.pending = (elapsed, message)
            return
        self._end_bar()
        self._flush_pending()
        click.echo(f"[{elapsed:4.1f}s] {message}", err=True)

    def count(self, done: int, total: int, what: str) -> None:
        now = self._elapsed()
        if not self.tty or now < DELAY or (now - self.last_draw < 0.1 and done < total):
            return
        self._flush_pending()
        self.last_draw = now
        filled = BAR * done // max(total, 1)
        click.echo(f"\r[{'#' * filled}{'.' * (BAR - filled)}] {done}/{total} {what}", err=True, nl=False)
        self.bar_open = True

    def __enter__(self) -> "StageReporter":
        return self

    def __exit__(self, *exc: object) -> None:
        self._end_bar()
        if self.enabled and self.shown:
            click.echo(f"[{self._elapsed():4.1f}s] done", err=True)
