"""What the engine returns: numbers only, never formatted strings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping

from notegen.model import Loc


GROUP_OPS = ("block", "repeat", "seq", "residual", "concat", "twin")


@dataclass(frozen=True)
class RF:
    """Receptive field of one output unit, per axis (h, w), in input pixels.

    ``size`` is r, ``jump`` is j (the effective stride: input pixels between two
    neighbouring output units), ``start`` the centre of the first output unit's field
    in input pixel coordinates (pixel i has its centre at i; may be negative when the
    field hangs over the left/top padding, and a half-integer for even kernels).
    """

    size: tuple[int, int]
    jump: tuple[int, int]
    start: tuple[float, float]

    def span(self, axis: int) -> tuple[float, float]:
        """First and last input pixel (as coordinates) of the first unit's field."""
        half = (self.size[axis] - 1) / 2
        return (self.start[axis] - half, self.start[axis] + half)


@dataclass(frozen=True)
class LayerResult:
    """Figures for one node of the network tree (an op, or a group as a whole).

    ``path`` is the dotted torch-style name (``layer1.0.conv1``); ``op`` the op kind
    or ``block`` / ``repeat`` / ``seq`` / ``residual`` / ``concat`` / ``twin``; ``depth`` is 0
    for top-level layers. ``params`` counts all parameters, ``frozen_params`` the
    non-trainable part. ``macs`` follows the conv/linear-only convention.
    ``rf`` is the field after this layer, or None once the output is no longer a
    feature map (after gap / flatten / linear). ``args`` are the op's resolved
    arguments (empty for groups). ``block`` names the block for block calls.
    """

    path: str
    name: str
    op: str
    depth: int
    input: tuple[int, ...]
    output: tuple[int, ...]
    params: int
    frozen_params: int
    macs: int
    rf: RF | None
    loc: Loc
    args: Mapping[str, Any] = field(default_factory=dict)
    children: tuple["LayerResult", ...] = ()
    block: str | None = None
    # residual: ((body...), (shortcut...)) - an empty shortcut is the identity;
    # concat: one tuple per branch (empty = identity branch); twin: ((encoder...),).
    # ``children`` is always these concatenated, so ``walk`` needs no special case.
    branches: tuple[tuple["LayerResult", ...], ...] = ()

    @property
    def trainable_params(self) -> int:
        return self.params - self.frozen_params

    @property
    def flops(self) -> int:
        return 2 * self.macs

    @property
    def activations(self) -> int:
        """Number of values in this layer's output (batch 1)."""
        n = 1
        for d in self.output:
            n *= d
        return n

    @property
    def is_group(self) -> bool:
        return bool(self.children) or self.op in GROUP_OPS

    def walk(self) -> Iterator["LayerResult"]:
        """This node, then every descendant, in source order (pre-order)."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class NetworkResult:
    """Totals and the per-layer tree for one network."""

    title: str
    input: tuple[int, ...]
    output: tuple[int, ...]
    params: int
    frozen_params: int
    macs: int
    receptive_field: RF | None  # at the last layer whose output is still a feature map
    layers: tuple[LayerResult, ...]
    macs_per_input: int | None = None  # twin networks: the shared encoder's MACs for one input

    @property
    def trainable_params(self) -> int:
        return self.params - self.frozen_params

    @property
    def flops(self) -> int:
        return 2 * self.macs

    def walk(self) -> Iterator[LayerResult]:
        for layer in self.layers:
            yield from layer.walk()

    def leaves(self) -> Iterator[LayerResult]:
        """Primitive ops only, in execution order."""
        for layer in self.walk():
            if not layer.children and layer.op not in GROUP_OPS:
                yield layer

    def layer(self, path: str) -> LayerResult:
        """The node with this dotted path (or plain name at top level)."""
        for layer in self.walk():
            if layer.path == path:
                return layer
        raise KeyError(path)

    def at_depth(self, depth: int) -> Iterator[LayerResult]:
        """Rows for a table collapsed to ``depth``: a group deeper than that is one row."""
        def rec(node: LayerResult) -> Iterator[LayerResult]:
            yield node
            if node.depth < depth:
                for child in node.children:
                    yield from rec(child)

        for layer in self.layers:
            yield from rec(layer)
