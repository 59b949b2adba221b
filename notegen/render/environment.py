"""The jinja2 environment for note templates: filters for numbers, links, math and callouts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Mapping

import jinja2
import yaml

from notegen.render import formatting
from notegen.render.obsidian import escape_table_cell, wikilink


def front_matter(fields: Mapping[str, Any]) -> str:
    """YAML properties between --- lines, in the given key order, empty values dropped."""
    kept = _plain({k: v for k, v in fields.items() if v not in (None, "", [], ())})
    # libyaml's emitter is five times faster and writes the same text, except that it
    # escapes characters outside the BMP (emoji) and a few line separators, which the
    # Python emitter keeps readable: those notes use the Python emitter.
    dumper = _FAST_DUMPER if _fast_safe(kept) else yaml.SafeDumper
    body = yaml.dump(kept, Dumper=dumper, sort_keys=False, allow_unicode=True, width=1000,
                     default_flow_style=False)
    return f"---\n{body}---"


_FAST_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_NOT_FAST = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]")


def _fast_safe(value: Any) -> bool:
    if isinstance(value, str):
        return _NOT_FAST.search(value) is None
    if isinstance(value, dict):
        return all(_fast_safe(k) and _fast_safe(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_fast_safe(v) for v in value)
    return isinstance(value, (int, float, bool)) or value is None


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def yaml_scalar(value: Any) -> str:
    """One YAML value on one line, quoted only if it must be (unicode kept readable)."""
    return yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=1000).strip().removesuffix("\n...").strip()


def callout(text: str) -> str:
    """Prefix every line with '> ' so a block sits inside a callout."""
    return "\n".join(("> " + line) if line.strip() else ">" for line in text.strip("\n").split("\n"))


def make_environment(templates: Path) -> jinja2.Environment:
    """The environment of the project's own templates (``templates/``): full jinja.

    No bytecode cache: jinja's holds compiled Python code, and compiling the templates costs
    a few tens of milliseconds per build that renders anything.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters.update(formatting.FILTERS)
    env.filters.update(
        front_matter=front_matter,
        callout=callout,
        yaml_scalar=yaml_scalar,
        cell=escape_table_cell,
        expr_text=formatting.expr_text,
    )
    env.globals.update(wikilink=wikilink)
    return env
