"""Network specs (YAML) -> :class:`notegen.model.Network`.

The top level of a spec (title, input, metadata, blocks) is read here; the layer language
itself is :mod:`notegen.sources.layers`. All problems of one file are collected and raised
together, each with its ``file:line`` and layer path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from notegen.errors import ErrorCollector, NotegenError, SourceError, suggest
from notegen.model import Loc, Network, Node
from notegen.ops.base import MAX_DIM
from notegen.sources.fields import TAG_HINT, valid_tag
from notegen.sources.layers import Abort, SpecParser
from notegen.sources.yaml_loc import LocDict, LocList, load_yaml

SPEC_KEYS = ("title", "input", "aliases", "tags", "summary", "topics", "blocks", "layers",
             "source", "notes")


def read_input_shape(value: Any, path: str, line: int, errors: ErrorCollector) -> tuple[int, ...] | None:
    ok = (isinstance(value, list) and len(value) in (1, 3)
          and all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= MAX_DIM for v in value))
    if not ok:
        errors.add(path, line, f"input must be [C, H, W] (or [F] for a vector) of positive whole "
                   f"numbers up to {MAX_DIM:,}, got {value!r}", "e.g. input: [3, 224, 224]")
        return None
    return tuple(value)


def read_str_list(data: LocDict, key: str, path: str, errors: ErrorCollector) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.add(path, data.line_of(key), f"{key} must be a list of text, got {value!r}")
        return ()
    return tuple(value)


def network_from_data(data: Any, path: str, *, allowed: tuple[str, ...] = SPEC_KEYS,
                      title: str | None = None,
                      errors: ErrorCollector | None = None) -> Network | None:
    """Build a Network from loaded YAML; problems go to ``errors`` (None is returned)."""
    errors = errors if errors is not None else ErrorCollector()
    if not isinstance(data, LocDict):
        errors.add(path, getattr(data, "line", 1), "a spec must be a mapping with title, input and layers")
        return None
    start = len(errors.errors)
    for key in data:
        if key not in allowed:
            errors.add(path, data.line_of(key), f"unknown key '{key}'",
                       suggest(str(key), set(allowed), f"allowed keys: {', '.join(allowed)}"))
    title = title if title is not None else data.get("title")
    if not isinstance(title, str) or not title.strip():
        errors.add(path, data.line_of("title"), "title is required and must be text",
                   "add e.g. title: ResNet-50")
    for key in ("input", "layers"):
        if key not in data:
            errors.add(path, data.line, f"'{key}' is required",
                       "e.g. input: [3, 224, 224]" if key == "input" else "add a layers: list")
    shape = read_input_shape(data["input"], path, data.line_of("input"), errors) if "input" in data else None
    parser = SpecParser(path, data.get("blocks"), errors)
    layers: tuple[Node, ...] = ()
    if "layers" in data:
        try:
            layers = parser.layers(data["layers"], data.line_of("layers"), "", {}, (), False)
        except Abort:
            pass
        if not layers and len(errors.errors) == start:
            errors.add(path, data.line_of("layers"), "layers is empty", "give at least one layer")
    summary = data.get("summary", "")
    if not isinstance(summary, str):
        errors.add(path, data.line_of("summary"), "summary must be text")
    aliases = read_str_list(data, "aliases", path, errors)
    tags = read_str_list(data, "tags", path, errors)
    bad = [t for t in tags if not valid_tag(t)]
    if bad:
        errors.add(path, data.line_of("tags"), f"'{bad[0]}' is not a valid Obsidian tag", TAG_HINT)
    topics = read_str_list(data, "topics", path, errors)
    if len(errors.errors) > start or shape is None:
        return None
    extra = {k: data[k] for k in ("source", "notes") if k in data}
    return Network(title.strip(), shape, layers, Loc(path, data.line), aliases, tags,
                   summary if isinstance(summary, str) else "", topics, extra)


def with_lines(data: Any, line: int = 0) -> Any:
    """Plain Python data (from the command line or a template) as line-marked YAML data."""
    if isinstance(data, dict):
        out = LocDict((k, with_lines(v, line)) for k, v in data.items())
        out.line, out.key_lines = line, {k: line for k in data}
        return out
    if isinstance(data, (list, tuple)):
        seq = LocList(with_lines(v, line) for v in data)
        seq.line, seq.item_lines = line, [line] * len(seq)
        return seq
    return data


def network_from_layers(input_shape: Any, layers: Any, title: str, origin: str) -> Network:
    """A network from plain Python data; problems raise NotegenError naming ``origin``."""
    errors = ErrorCollector()
    data = with_lines({"title": title, "input": list(input_shape), "layers": layers})
    network = network_from_data(data, origin, errors=errors)
    errors.raise_if_any(f"{origin}: invalid layer")
    assert network is not None
    return network


def parse_spec(text: str, path: str) -> Network:
    """Parse one network spec, or raise NotegenError listing every problem in it."""
    errors = ErrorCollector()
    network = network_from_data(load_yaml(text, path), path, errors=errors)
    errors.raise_if_any(f"{path}: the spec has errors")
    assert network is not None
    return network


def load_spec(path: str | Path) -> Network:
    """Read and parse a spec file."""
    from notegen.sources.source_file import SourceFileError, read_source_text

    try:  # a regular file of bounded size only; a byte-order mark is dropped
        text = read_source_text(Path(path), str(path))
    except SourceFileError as exc:
        raise NotegenError([exc.error]) from None
    return parse_spec(text, str(path))
