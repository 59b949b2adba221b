"""User-facing errors: each carries its source location; the CLI prints them and exits 1."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import click


@dataclass(frozen=True)
class SourceError:
    """One problem in a source file, reported as ``path:line: [layer] message (hint)``."""

    path: str
    line: int
    message: str
    hint: str = ""
    layer: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        at = f" [{self.layer}]" if self.layer else ""
        hint = f"\n    hint: {self.hint}" if self.hint else ""
        return f"{where}:{at} {self.message}{hint}"

    def as_dict(self) -> dict:
        return {"path": self.path, "line": self.line, "layer": self.layer,
                "message": self.message, "hint": self.hint}


class NotegenError(click.ClickException):
    """A failure the user can fix; click turns it into a message and exit status 1."""

    exit_code = 1

    def __init__(self, errors: Iterable[SourceError | str], headline: str = "") -> None:
        self.errors = tuple(errors)
        n = len(self.errors)
        self.headline = headline or f"{n} problem{'s' if n != 1 else ''} found"
        super().__init__(self.render())

    def render(self) -> str:
        lines = [str(e) for e in self.errors]
        return "\n".join(lines + [self.headline]) if lines else self.headline

    def format_message(self) -> str:
        return self.render()


class ErrorCollector:
    """Collects every problem of a pass so they are all reported at once (then stop)."""

    def __init__(self) -> None:
        self.errors: list[SourceError] = []

    def add(self, path: str, line: int, message: str, hint: str = "", layer: str = "") -> None:
        self.errors.append(SourceError(path, line, message, hint, layer))

    def extend(self, errors: Iterable[SourceError]) -> None:
        self.errors.extend(errors)

    def raise_if_any(self, headline: str = "") -> None:
        if self.errors:
            raise NotegenError(sorted(set(self.errors), key=_order), headline)


def _order(e: SourceError) -> tuple:
    return (e.path, e.line, e.layer, e.message)


def suggest(word: str, options: set[str], fallback: str) -> str:
    """A 'did you mean' hint for a misspelt name, or ``fallback`` when nothing is close."""
    import difflib

    close = difflib.get_close_matches(word, sorted(options), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else fallback
