"""Markdown written in the sources (topic bodies, example questions and discussions) is a
jinja template: it may pull figures from the engine, so no number is typed by hand.

Helpers available inside it:
    net("ResNet-50")                 the NetworkResult of a shipped network
    calc(input=[...], layers=[...])  the NetworkResult of an inline mini-spec
    example("Title")                 the title back (for symmetry; write [[Title]] to link)

A course folder comes from anyone, so this text is data, not code: it is rendered in jinja's
immutable sandbox (no attribute starting with ``_``, no method that changes a value), with no
template loader (``include``, ``import``, ``extends`` and ``from`` are refused before
rendering), and products that would build huge strings or lists are refused. The project's
own templates (``templates/``) are trusted and use the full environment of
:mod:`notegen.render.environment`.
"""

from __future__ import annotations

import sys
from typing import Any, Callable, Mapping

import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

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


# Longest string or list a '*' or '**' in source text may make (a paragraph, not a bomb).
MAX_PRODUCT = 100_000
_LOADING_TAGS = {nodes.Include: "include", nodes.Import: "import", nodes.FromImport: "from ... import",
                 nodes.Extends: "extends"}
SANDBOX_HINT = ("text in a source may use {{ }} with net(), calc(), example(), the number "
                "filters and plain values; it cannot reach Python internals or other files")


class _SourceEnvironment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > 64 and not (
                isinstance(left, (int, float)) and abs(left) <= 1):
            raise SecurityError(f"the power {right} is too large")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and \
                        len(seq) * times > MAX_PRODUCT:
                    raise SecurityError(f"'*' would make {len(seq) * times:,} items")
        return super().call_binop(context, operator, left, right)


class SourceTextRenderer:
    """Renders source-authored markdown templates; one per build."""

    def __init__(self, networks: Mapping[str, NetworkResult], titles: set[str]) -> None:
        self.env = _SourceEnvironment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                                      autoescape=False)
        self.env.filters.update(formatting.FILTERS)
        self.env.globals.update(_helpers(networks, titles))
        self.templates: dict[str, jinja2.Template] = {}

    def _compiled(self, text: str) -> jinja2.Template:
        """Each distinct text is compiled once (compiling costs far more than rendering)."""
        template = self.templates.get(text)
        if template is None:
            tree = self.env.parse(text)
            if "{%" in text:
                _refuse_loading(tree)
            template = self.templates[text] = self.env.from_string(tree)
        return template

    def render(self, text: str, **context: Any) -> str:
        """Render ``text``; raise SourceTextError with the line (1-based, within ``text``)."""
        if "{" not in text:
            return text
        try:
            return self._compiled(text).render(**context)
        except jinja2.TemplateSyntaxError as exc:
            raise SourceTextError(f"template syntax: {exc.message}", exc.lineno or 0,
                                  "check the {{ }} / {% %} tags") from None
        except SourceTextError as exc:
            raise SourceTextError(exc.message, exc.line or _template_line(), exc.hint) from None
        except SecurityError as exc:
            raise SourceTextError(f"not allowed in source text: {exc}", _template_line(),
                                  SANDBOX_HINT) from None
        except RecursionError:
            raise SourceTextError("the {{ }} expression is nested too deeply", _deep_line(text),
                                  "split it into smaller expressions") from None
        except (jinja2.UndefinedError, TypeError, ValueError, KeyError, AttributeError,
                ZeroDivisionError, OverflowError) as exc:
            raise SourceTextError(f"template error: {exc}", _template_line()) from None


def _deep_line(text: str, limit: int = 100) -> int:
    """The line where brackets first nest ``limit`` deep (where the fix goes)."""
    depth = 0
    for i, ch in enumerate(text):
        depth += (ch in "([{") - (ch in ")]}")
        if depth > limit:
            return text.count("\n", 0, i) + 1
    return 0


def _refuse_loading(tree: nodes.Template) -> None:
    """Source text has no template loader: say so at the tag, not as jinja's TypeError."""
    for kind, tag in _LOADING_TAGS.items():
        for node in tree.find_all(kind):
            raise SourceTextError(f"'{{% {tag} %}}' is not allowed in source text", node.lineno,
                                  SANDBOX_HINT)


def _template_line() -> int:
    """The line of the template frame in the exception being handled (jinja keeps it)."""
    tb = sys.exc_info()[2]
    line = 0
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
