"""Markdown written in the sources (topic bodies, example questions and discussions) is a
jinja template: it may pull figures from the engine, so no number is typed by hand.

Helpers available inside it:
    net("ResNet-50")                 the NetworkResult of a shipped network
    calc(input=[...], layers=[...])  the NetworkResult of an inline mini-spec
    example("Title")                 the title back (for symmetry; write [[Title]] to link)
"""

from __future__ import annotations

import sys
from typing import Any, Callable, Mapping

import jinja2

from notegen.engine import analyze
from notegen.engine.results import NetworkResult
from notegen.errors import NotegenError, SourceError
from notegen.render import formatting


class SourceTextError(Exception):
    """A problem in source-authored template text, with its line inside that text."""

    def __init__(self, message: str, line: int, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.line, self.hint = message, line, hint


def _helpers(networks: Mapping[str, NetworkResult], titles: set[str]) -> dict[str, Callable[..., Any]]:
    from notegen.sources.specs import network_from_layers

    def net(title: str) -> NetworkResult:
        if title not in networks:
            raise SourceTextError(f"net('{title}'): no network spec has that title", 0,
                                  f"known networks: {', '.join(sorted(networks))}")
        return networks[title]

    def calc(input: list[int], layers: list[Any]) -> NetworkResult:  # noqa: A002 - reads like the spec
        try:
            return analyze(network_from_layers(input, layers, "calc", "calc()"))
        except NotegenError as exc:
            detail = "; ".join(e.message if isinstance(e, SourceError) else str(e) for e in exc.errors)
            raise SourceTextError(f"calc(): {detail}", 0) from None

    def example(title: str) -> str:
        if title not in titles:
            raise SourceTextError(f"example('{title}'): no note has that title", 0)
        return title

    return {"net": net, "calc": calc, "example": example}


class SourceTextRenderer:
    """Renders source-authored markdown templates; one per build."""

    def __init__(self, networks: Mapping[str, NetworkResult], titles: set[str]) -> None:
        self.env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                                      autoescape=False)
        self.env.filters.update(formatting.FILTERS)
        self.env.globals.update(_helpers(networks, titles))

    def render(self, text: str, **context: Any) -> str:
        """Render ``text``; raise SourceTextError with the line (1-based, within ``text``)."""
        if "{" not in text:
            return text
        try:
            return self.env.from_string(text).render(**context)
        except jinja2.TemplateSyntaxError as exc:
            raise SourceTextError(f"template syntax: {exc.message}", exc.lineno or 0,
                                  "check the {{ }} / {% %} tags") from None
        except SourceTextError as exc:
            raise SourceTextError(exc.message, _template_line(), exc.hint) from None
        except (jinja2.UndefinedError, TypeError, ValueError, KeyError, AttributeError,
                ZeroDivisionError) as exc:
            raise SourceTextError(f"template error: {exc}", _template_line()) from None


def _template_line() -> int:
    """The line of the template frame in the exception being handled (jinja keeps it)."""
    tb = sys.exc_info()[2]
    line = 0
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
