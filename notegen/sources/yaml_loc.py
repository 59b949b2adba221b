"""YAML loading that remembers where every entry came from.

Mappings load as :class:`LocDict` and sequences as :class:`LocList`; both know their own
line and the line of each key or item (PyYAML node marks, made 1-based), so that every error
can name ``file:line``. Duplicate keys, which PyYAML silently lets the last one win, are errors.

A course folder comes from anyone, so the size of what a file may become is bounded before
any Python object is built: the file is composed into its node graph (libyaml, where an alias
is one shared node, so a "billion laughs" file stays small), the graph is measured without
recursion — nodes after alias expansion and nesting depth — and only a graph within
:data:`MAX_NODES` and :data:`MAX_DEPTH` is constructed.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from notegen.errors import NotegenError, SourceError


class LocDict(dict):
    """A dict with ``line`` (of the mapping) and ``key_lines`` (line of each key)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line = 0
        self.key_lines: dict = {}

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class LocList(list):
    """A list with ``line`` (of the sequence) and ``item_lines`` (line of each item)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.line = 0
        self.item_lines: list = []

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when available
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LocDict:
    loader.flatten_mapping(node)
    result = LocDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark)
        if key in result:
            raise _DuplicateKey(key, key_node.start_mark.line + 1, result.key_lines[key])
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LocList:
    result = LocList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


# Bounds far above any course file (the largest spec is a few thousand nodes, a dozen deep),
# and low enough that building the data and every recursive reader after it stay small.
MAX_NODES = 200_000   # nodes once every alias is expanded
MAX_DEPTH = 64        # nested mappings and lists


class _TooBig(Exception):
    def __init__(self, line: int, message: str, hint: str) -> None:
        super().__init__(message)
        self.line, self.message, self.hint = line, message, hint


def _measure(root: Node) -> None:
    """Raise _TooBig if ``root`` expands to more than MAX_NODES nodes or nests deeper than
    MAX_DEPTH. Iterative, and each shared (aliased) node is measured once."""
    size: dict[int, int] = {}
    height: dict[int, int] = {}
    stack: list[tuple[Node, int]] = [(root, 1)]  # (node, depth from the top; 0 once entered)
    while stack:
        node, depth = stack.pop()
        done = depth == 0
        key = id(node)
        if key in size:
            continue
        if not isinstance(node, (MappingNode, SequenceNode)):
            size[key], height[key] = 1, 0
            continue
        children = ([n for pair in node.value for n in pair] if isinstance(node, MappingNode)
                    else node.value)
        if not done:
            if key in height:  # entered and not finished: the node contains itself
                raise _TooBig(node.start_mark.line + 1, "an alias refers to the mapping or list "
                              "it is inside, so the data never ends", "remove the recursive alias")
            if depth > MAX_DEPTH:
                raise _too_deep(node)
            height[key] = -1
            stack.append((node, 0))
            stack.extend((child, depth + 1) for child in children if id(child) not in size)
            continue
        size[key] = 1 + sum(size[id(c)] for c in children)
        height[key] = 1 + max((height[id(c)] for c in children), default=0)
        if size[key] > MAX_NODES:
            raise _TooBig(node.start_mark.line + 1,
                          f"this entry expands to more than {MAX_NODES:,} values (aliases '*' "
                          "repeat what their anchor '&' holds)",
                          "a course file needs no such size: write the entries out, or use "
                          "blocks and repeat in a spec")
        if height[key] > MAX_DEPTH:  # deep through an alias met first at a shallow place
            raise _too_deep(node)


def _too_deep(node: Node) -> _TooBig:
    return _TooBig(node.start_mark.line + 1, f"mappings and lists nest more than {MAX_DEPTH} deep here",
                   "flatten the structure: no course file nests this deep")


def _load_bounded(text: str) -> Any:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _measure(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


class _DuplicateKey(Exception):
    def __init__(self, key: Any, line: int, first_line: int) -> None:
        super().__init__(key)
        self.key, self.line, self.first_line = key, line, first_line


def load_yaml(text: str, path: str) -> Any:
    """Parse ``text`` (from ``path``) or raise a NotegenError naming the file and line."""
    try:
        return _load_bounded(text)
    except _TooBig as big:
        raise NotegenError([SourceError(path, big.line, big.message, big.hint)]) from None
    except RecursionError:  # only the pure-Python parser (no libyaml) composes by recursion
        raise NotegenError([SourceError(path, 0, "mappings and lists nest too deeply",
                                        "flatten the structure")]) from None
    except _DuplicateKey as dup:
        raise NotegenError([SourceError(
            path, dup.line, f"duplicate key '{dup.key}' (first given on line {dup.first_line})",
            "remove one of the two; YAML keeps only the last")]) from None
    except yaml.MarkedYAMLError as exc:
        raise NotegenError([_syntax_error(exc, path)]) from None
    except yaml.YAMLError as exc:
        raise NotegenError([SourceError(path, 0, f"YAML error: {exc}")]) from None


def _syntax_error(exc: yaml.MarkedYAMLError, path: str) -> SourceError:
    """Point at where the broken construct starts, which is where the fix goes."""
    problem = exc.problem or "cannot be parsed"
    if exc.context_mark is not None and exc.context:
        line = exc.context_mark.line + 1
        found = f" (noticed on line {exc.problem_mark.line + 1})" if exc.problem_mark else ""
        message = f"YAML syntax error {exc.context}: {problem}{found}"
    else:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        message = f"YAML syntax error: {problem}"
    if "maximum nesting depth" in problem:  # libyaml's own bound (1000), met before ours
        return SourceError(path, line, f"mappings and lists nest more than {MAX_DEPTH} deep",
                           "flatten the structure: no course file nests this deep")
    if "mapping values are not allowed" in problem:
        hint = ("a bare op such as '- relu' cannot take keys like repeat or name on the next lines: "
                "write '- relu: {}' instead; otherwise check the indentation")
    else:
        hint = "check the indentation and that every '{', '[' and quote is closed"
    return SourceError(path, line, message, hint)
