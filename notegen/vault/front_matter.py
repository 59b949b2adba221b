"""Front matter (Obsidian "properties") as Obsidian needs it: a YAML mapping whose
``tags`` and ``aliases`` are lists of strings, and whose tags are valid tags.

Obsidian also reads ``"[[Note]]"`` in a property value as a link (it shows in backlinks
and is renamed with the note), so the string values holding ``[[`` are handed back for
the link check.

Parsed with PyYAML's C loader, keeping the node tree for line numbers: a vault has
thousands of notes and this runs once per note.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from notegen.vault.markdown_scan import FrontMatter, LineProblem
from notegen.vault.obsidian import tag_problem

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_KINDS = {dict: "a mapping", list: "a list", str: "a string", int: "a number",
          float: "a number", bool: "true/false"}


def _kind(value: Any) -> str:
    return _KINDS.get(type(value), type(value).__name__)


@dataclass(frozen=True)
class Properties:
    """``values``: the front matter as a mapping (None if empty or broken);
    ``link_texts``: (line, string) for every property value that contains ``[[``."""

    values: dict | None
    problems: list[LineProblem] = field(default_factory=list)
    link_texts: list[tuple[int, str]] = field(default_factory=list)


def parse_front_matter(front: FrontMatter) -> Properties:
    """Parse and check the front matter of one note."""
    loader = _Loader(front.text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = front.first_line + (mark.line if mark else 0)
        what = exc.problem or str(exc)
        if exc.context:
            what = f"{exc.context}, {what}"
        return Properties(None, [(line, f"front matter is not valid YAML: {what}")])
    except yaml.YAMLError as exc:
        return Properties(None, [(front.first_line, f"front matter is not valid YAML: {exc}")])
    finally:
        loader.dispose()
    if data is None:
        return Properties(None)
    if not isinstance(data, dict):
        return Properties(None, [(front.first_line, f"front matter must be a mapping of "
                                                    f"'key: value' lines, not {_kind(data)}")])
    lines = _key_lines(node, front.first_line)
    problems = _duplicate_keys(node, front.first_line)
    for key in ("tags", "aliases"):
        problems += _check_string_list(key, data.get(key), lines.get(key), front.first_line)
    links = [(front.first_line + n.start_mark.line, n.value)
             for _, value in node.value for n in _scalars(value) if "[[" in n.value]
    return Properties(data, problems, links)


def _scalars(node: yaml.Node) -> list[yaml.ScalarNode]:
    """Every scalar value at or below ``node`` (mapping keys left out)."""
    if isinstance(node, yaml.ScalarNode):
        return [node]
    if isinstance(node, yaml.SequenceNode):
        return [s for child in node.value for s in _scalars(child)]
    if isinstance(node, yaml.MappingNode):
        return [s for _, child in node.value for s in _scalars(child)]
    return []


def _key_lines(node: yaml.MappingNode, first_line: int) -> dict[Any, tuple[int, yaml.Node]]:
    """Per top-level key: the line of the key and its value node."""
    return {key.value: (first_line + key.start_mark.line, value)
            for key, value in node.value if isinstance(key, yaml.ScalarNode)}


def _duplicate_keys(node: yaml.MappingNode, first_line: int) -> list[LineProblem]:
    # PyYAML keeps the last of two equal keys; Obsidian's YAML parser rejects the file.
    seen: dict[str, int] = {}
    problems: list[LineProblem] = []
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        line = first_line + key.start_mark.line
        if key.value in seen:
            problems.append((line, f"front matter key '{key.value}' is given twice "
                                   f"(first on line {seen[key.value]})"))
        else:
            seen[key.value] = line
    return problems


def _check_string_list(key: str, value: Any, where: tuple[int, yaml.Node] | None,
                       first_line: int) -> list[LineProblem]:
    if value is None or where is None:
        return []  # absent, or 'tags:' with nothing after it, which Obsidian accepts
    line, node = where
    if not isinstance(value, list):
        return [(line, f"'{key}' must be a list of strings, not {_kind(value)} "
                       f"(write '{key}: [a, b]' or one '- item' per line)")]
    problems: list[LineProblem] = []
    for item, item_node in zip(value, node.value):
        item_line = first_line + item_node.start_mark.line
        if not isinstance(item, str):
            problems.append((item_line, f"'{key}' item {item!r} is {_kind(item)}, not a "
                                        f"string; quote it"))
        elif key == "aliases" and not item.strip():
            problems.append((item_line, "an alias cannot be empty"))
        elif key == "tags":
            tag = item[1:] if item.startswith("#") else item
            problem = tag_problem(tag)
            if problem:
                problems.append((item_line, f"tag '{item}' is not a valid Obsidian tag: {problem}"))
    return problems
