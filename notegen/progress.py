"""Progress for long builds: stage messages on stderr, only once a build has run a second."""

from __future__ import annotations

import sys
import time

import click

DELAY = 1.0  # builds shorter than this print no progress at all


class StageReporter:
    """Prints ``[1.2s] rendering 40 of 1166 notes`` lines once the build passes ``DELAY``.

    Messages from the first second are held back and the latest is shown when it passes, so
    a quick rebuild stays silent and a slow one says what it is doing.
    """

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled and sys.stderr is not None
        self.start = time.monotonic()
        self.pending: tuple[float, str] | None = None
        self.shown = False

    def stage(self, message: str) -> None:
        if not self.enabled:
            return
        elapsed = time.monotonic() - self.start
        if elapsed < DELAY:
            self.pending = (elapsed, message)
            return
        if self.pending and not self.shown:
            click.echo(f"[{self.pending[0]:4.1f}s] {self.pending[1]}", err=True)
        self.pending, self.shown = None, True
        click.echo(f"[{elapsed:4.1f}s] {message}", err=True)

    def __enter__(self) -> "StageReporter":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled and self.shown:
            click.echo(f"[{time.monotonic() - self.start:4.1f}s] done", err=True)
