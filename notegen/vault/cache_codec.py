"""The build cache's file format: JSON that can only describe data.

Reading a payload runs no code from the file: it is plain JSON, and the only
objects it can become are the values listed here (the file layout, with its version and
checksums, is in :mod:`notegen.vault.cache`). Every JSON object in the payload is a tag
with exactly one key, so nothing is left to guessing:

=================  ============================================================
``{"()": [...]}``  a tuple (a JSON array is a list)
``{"{}": [[k, v], ...]}``  a dict, in order, keys of any type below
``{"set": [...]}``  a set (saved sorted when its items sort)
``{"Q": [n, d]}``  a ``fractions.Fraction`` (exact: numbers stay numbers)
``{"date": "..."}`` / ``{"datetime": "..."}``  ISO dates (YAML front matter has them)
``{"bytes": "<hex>"}``  bytes (YAML's ``!!binary``)
``{"<Type>": [field, ...]}``  one of the dataclasses in the registry, fields in order
=================  ============================================================

ints stay ints and floats keep every bit (JSON writes ``repr(float)``). A value of any other
type is a programming error and fails the save loudly rather than being approximated.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from fractions import Fraction
from typing import Any, Iterable

FORMAT = "notegen-cache"


class CacheFormatError(ValueError):
    """The bytes are not a cache this version wrote: unreadable, another version, or altered."""


class Codec:
    """Encoder and decoder for a closed set of dataclass types (looked up by class name)."""

    def __init__(self, types: Iterable[type]) -> None:
        self.types: dict[str, type] = {}
        for cls in types:
            if (not dataclasses.is_dataclass(cls) or cls.__name__ in _BUILTIN_TAGS
                    or hasattr(cls, "__post_init__") or hasattr(cls, "__slots__")):
                raise TypeError(f"{cls!r} cannot be a cache type")
            self.types[cls.__name__] = cls
        self.fields = {name: tuple(f.name for f in dataclasses.fields(cls)) for name, cls in self.types.items()}

    # --- encoding ---------------------------------------------------------------------------
    def encode(self, value: Any) -> Any:
        """``value`` as JSON-ready data (lists, dicts of one tag, scalars)."""
        kind = type(value)
        if value is None or kind in (str, int, float, bool):
            return value
        if kind is list:
            return [self.encode(v) for v in value]
        if kind is tuple:
            return {"()": [self.encode(v) for v in value]}
        if isinstance(value, dict):  # LocDict and other dict subclasses become plain dicts
            return {"{}": [[self.encode(k), self.encode(v)] for k, v in value.items()]}
        if isinstance(value, list):  # LocList: a plain list
            return [self.encode(v) for v in value]
        if kind in (set, frozenset):
            items = list(value)
            try:
                items.sort()
            except TypeError:
                pass
            return {"set": [self.encode(v) for v in items]}
        if kind is Fraction:
            return {"Q": [value.numerator, value.denominator]}
        if kind is datetime.datetime:
            return {"datetime": value.isoformat()}
        if kind is datetime.date:
            return {"date": value.isoformat()}
        if kind is bytes:
            return {"bytes": value.hex()}
        name = kind.__name__
        if self.types.get(name) is kind:
            return {name: [self.encode(getattr(value, f)) for f in self.fields[name]]}
        raise TypeError(f"the build cache cannot hold a {kind.__module__}.{kind.__qualname__}")

    def dumps_payload(self, value: Any) -> bytes:
        """``value`` as one line of UTF-8 JSON (JSON escapes every newline in a string)."""
        return json.dumps(self.encode(value), ensure_ascii=False, separators=(",", ":"),
                          allow_nan=True).encode("utf-8")

    # --- decoding ---------------------------------------------------------------------------
    def loads_payload(self, data: bytes) -> Any:
        """The value :meth:`dumps_payload` wrote; CacheFormatError for anything else."""
        try:
            return json.loads(data, object_hook=self._decode_object)
        except (ValueError, TypeError, KeyError, UnicodeDecodeError, RecursionError) as exc:
            raise CacheFormatError(f"the payload does not decode: {exc}") from None

    def _decode_object(self, obj: dict) -> Any:
        if len(obj) != 1:
            raise ValueError("an untagged JSON object")
        for tag, value in obj.items():
            if tag == "()":  # by far the most common tag
                if type(value) is not list:
                    raise ValueError("expected a list")
                return tuple(value)
            builtin = _BUILTIN_TAGS.get(tag)
            if builtin is not None:
                return builtin(value)
            names = self.fields.get(tag)
            if names is None or type(value) is not list or len(value) != len(names):
                raise ValueError(f"unknown or malformed tag {tag!r}")
            # What __init__ would store, without a frozen dataclass's per-field setattr (the
            # registered types have no __post_init__ and no slots: checked in __init__).
            made = object.__new__(self.types[tag])
            made.__dict__.update(zip(names, value))
            return made


def _pairs(value: Any) -> dict:
    if not isinstance(value, list) or not all(isinstance(p, list) and len(p) == 2 for p in value):
        raise ValueError("a dict must be a list of [key, value] pairs")
    return {_hashable(k): v for k, v in value}


def _hashable(key: Any) -> Any:
    if isinstance(key, (list, dict)):
        raise ValueError("a dict key must be a plain value")
    return key


def _list(value: Any) -> list:
    if not isinstance(value, list):
        raise ValueError("expected a list")
    return value


def _fraction(value: Any) -> Fraction:
    if (not isinstance(value, list) or len(value) != 2
            or not all(type(v) is int for v in value) or value[1] == 0):
        raise ValueError("a fraction is [numerator, denominator]")
    return Fraction(value[0], value[1])


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("expected text")
    return value


_BUILTIN_TAGS = {
    "()": lambda v: tuple(_list(v)),
    "{}": _pairs,
    "set": lambda v: {_hashable(x) for x in _list(v)},
    "Q": _fraction,
    "date": lambda v: datetime.date.fromisoformat(_text(v)),
    "datetime": lambda v: datetime.datetime.fromisoformat(_text(v)),
    "bytes": lambda v: bytes.fromhex(_text(v)),
}
