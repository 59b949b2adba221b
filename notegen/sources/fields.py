"""Checks for the plain fields of sources (text, numbers, lists), reporting file:line."""

from __future__ import annotations

import re
from typing import Any

from notegen.errors import ErrorCollector
from notegen.errors import suggest
from notegen.sources.yaml_loc import LocDict


TAG = re.compile(r"^[\w-]+(/[\w-]+)*$")
TAG_HINT = "use letters, digits, '_', '-' and '/' (for nesting), no spaces, not only digits"


def valid_tag(tag: str) -> bool:
    """Obsidian's tag rule: letters, digits, _ - /, not all digits, no empty / segment."""
    tag = tag.lstrip("#")
    return bool(TAG.match(tag)) and not tag.replace("/", "").isdigit()


class Fields:
    """Typed access to one loaded mapping; every fault is recorded with its line."""

    def __init__(self, data: LocDict, path: str, errors: ErrorCollector, allowed: tuple[str, ...],
                 line_offset: int = 0) -> None:
        self.data, self.path, self.errors, self.offset = data, path, errors, line_offset
        for key in data:
            if key not in allowed:
                self.error(key, f"unknown key '{key}'",
                           suggest(str(key), set(allowed), f"allowed keys: {', '.join(allowed)}"))

    def line(self, key: str | None = None) -> int:
        return (self.data.line_of(key) if key else self.data.line) + self.offset

    def error(self, key: str | None, message: str, hint: str = "") -> None:
        self.errors.add(self.path, self.line(key), message, hint)

    def text(self, key: str, required: bool = False, default: str = "") -> str:
        if key not in self.data or self.data[key] is None:
            if required:
                self.errors.add(self.path, self.line(), f"'{key}' is required", f"add {key}: ...")
            return default
        value = self.data[key]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.error(key, f"{key} must be text, got {value!r}")
            return default
        return value.strip()

    def integer(self, key: str, default: int = 0) -> int:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(key, f"{key} must be a whole number, got {value!r}")
            return default
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            self.error(key, f"{key} must be a list of text, got {value!r}")
            return ()
        return tuple(str(v).strip() for v in value)

    def tags(self, key: str = "tags") -> tuple[str, ...]:
        """Obsidian tags: letters, digits, _ - /, not all digits, no empty / segment."""
        out = []
        for tag in self.texts(key):
            if valid_tag(tag):
                out.append(tag.lstrip("#"))
            else:
                self.error(key, f"'{tag.lstrip('#')}' is not a valid Obsidian tag", TAG_HINT)
        return tuple(out)

    def numbers(self, value: Any, key: str) -> tuple[float, ...]:
        if not isinstance(value, list) or not value or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
            self.error(key, f"{key} must be a non-empty list of numbers, got {value!r}")
            return ()
        return tuple(float(v) for v in value)
