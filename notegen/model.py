"""The source model: plain frozen dataclasses, no IO.

Readers in :mod:`notegen.sources` turn YAML and markdown into these; the engine and
everything downstream only ever sees these types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Union


@dataclass(frozen=True, order=True)
class Loc:
    """Where a source entry starts: the file and its 1-based line."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


def child_path(prefix: str, name: str) -> str:
    """A node's dotted, torch-style path (``layer1.0.conv1``) under its parent's."""
    return f"{prefix}.{name}" if prefix else name


@dataclass(frozen=True)
class Op:
    """One primitive op (conv, bn, relu, linear, ...) with its resolved arguments.

    ``args`` holds the op's arguments with defaults filled in and every spatial
    argument normalised to an ``(h, w)`` tuple; see :mod:`notegen.engine.ops`.
    """

    kind: str
    args: Mapping[str, Any]
    name: str
    loc: Loc
    frozen: bool = False


@dataclass(frozen=True)
class Group:
    """A named run of layers shown as one unit: a block call or a ``repeat``.

    ``kind`` is ``"block"`` (``block`` names the block) or ``"repeat"``.
    """

    kind: str
    name: str
    children: tuple["Node", ...]
    loc: Loc
    block: str | None = None


@dataclass(frozen=True)
class Residual:
    """output = body(x) + shortcut(x). An empty ``shortcut`` is the identity."""

    name: str
    body: tuple["Node", ...]
    shortcut: tuple["Node", ...]
    loc: Loc
    shortcut_kind: str = "identity"  # identity | projection | custom | auto
    frozen: bool = False  # an auto projection shortcut inherits it


@dataclass(frozen=True)
class Concat:
    """Branches on the same input, joined on channels; an empty branch is the identity."""

    name: str
    branches: tuple[tuple["Node", ...], ...]
    loc: Loc


@dataclass(frozen=True)
class Twin:
    """One encoder applied to ``inputs`` inputs with shared weights (Siamese / triplet).

    Params are counted once; MACs once per input. ``merge`` says how the embeddings
    meet: ``none`` (output is one embedding), ``l1`` (|a-b|), ``l2`` (Euclidean
    distance, output [1]) or ``concat`` (embeddings side by side).
    """

    name: str
    encoder: tuple["Node", ...]
    inputs: int
    merge: str
    loc: Loc


Node = Union[Op, Group, Residual, Concat, Twin]


@dataclass(frozen=True)
class Network:
    """A parsed network spec (or the network of a worked example)."""

    title: str
    input: tuple[int, ...]
    layers: tuple[Node, ...]
    loc: Loc
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    summary: str = ""
    topics: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Card:
    """A flashcard: question and answer (markdown; the answer may span lines)."""

    question: str
    answer: str
    loc: Loc


@dataclass(frozen=True)
class Topic:
    """A topic outline: front-matter fields plus the markdown body (a jinja template)."""

    title: str
    body: str
    loc: Loc
    body_line: int
    aliases: tuple[str, ...] = ()
    section: int = 0
    order: int = 0
    summary: str = ""
    tags: tuple[str, ...] = ()
    networks: tuple[str, ...] = ()
    cards: tuple[Card, ...] = ()
    cssclasses: tuple[str, ...] = ()


@dataclass(frozen=True)
class Variant:
    """One network of a worked example (an example compares several, or has one)."""

    label: str
    network: Network


@dataclass(frozen=True)
class LossSpec:
    """A loss computed by hand: contrastive (pairs) or triplet (anchor/positive/negative)."""

    kind: str
    margin: float
    pairs: tuple[tuple[tuple[float, ...], tuple[float, ...], bool], ...] = ()
    anchor: tuple[float, ...] = ()
    positive: tuple[float, ...] = ()
    negative: tuple[float, ...] = ()


# What a worked example may ask for (its ``ask`` list).
QUANTITIES = ("output", "params", "trainable", "macs", "flops", "rf", "memory")


@dataclass(frozen=True)
class Example:
    """A worked example: a question, what is asked, and the network(s) or loss behind it."""

    title: str
    pattern: str
    topic: str
    ask: tuple[str, ...]
    loc: Loc
    question: str = ""
    discussion: str = ""
    variants: tuple[Variant, ...] = ()
    loss: LossSpec | None = None
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    key_lines: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Pattern:
    """An exam pattern: a kind of question, its checklist, and the topic it belongs to."""

    name: str
    title: str
    prompt: str
    topic: str
    checklist: tuple[str, ...]
    loc: Loc


@dataclass(frozen=True)
class Content:
    """Everything read from a content folder."""

    topics: tuple[Topic, ...]
    examples: tuple[Example, ...]
    networks: tuple[Network, ...]
    patterns: tuple[Pattern, ...]
