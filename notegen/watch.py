"""``notegen build --watch``: rebuild whenever a source or template changes."""

from __future__ import annotations

from typing import Callable

import click

from notegen.config import BuildOptions
from notegen.errors import NotegenError


def watch_and_build(options: BuildOptions, build_once: Callable[[], bool]) -> None:
    """Build, then wait for changes under the source and template folders and build again.

    A build that fails on a bad source reports it and keeps watching (the vault is left as
    it was); Ctrl-C stops.
    """
    from watchfiles import watch

    def attempt() -> None:
        try:
            build_once()
        except NotegenError as exc:
            click.echo(exc.format_message(), err=True)

    attempt()
    folders = [str(options.source), str(options.templates)]
    click.echo(f"watching {', '.join(folders)} (Ctrl-C to stop)", err=True)
    try:
        for changes in watch(*folders, debounce=300, step=100):
            names = sorted({path.rsplit("/", 1)[-1] for _, path in changes})
            click.echo(f"changed: {', '.join(names[:5])}{' …' if len(names) > 5 else ''}", err=True)
            attempt()
    except KeyboardInterrupt:
        pass
