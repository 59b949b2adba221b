"""The result tree cut down to what a sketch shows: boxes, skips and parallel lanes.

A node deeper than the chosen ``depth`` (or any primitive op) becomes one box; a group
above it is opened: a block or repeat is replaced by its children, a residual becomes a
body with a skip around it, a concat or twin becomes parallel lanes that meet in a merge.
With ``fold`` a norm / activation / dropout right after a primitive op is written into
that op's box, as on paper ("conv 3×3, 64" then "BN, ReLU").
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence, Union

from notegen.engine.results import LayerResult
from notegen.render.figures.labels import DISPLAY, group_lines, op_lines
from notegen.render.figures.palette import FOLDABLE, category

HOSTS = frozenset({"conv", "pool", "linear"})  # boxes that take folded ops as a third line


@dataclass(frozen=True)
class Unit:
    """One box: a primitive op (plus the ops folded into it) or a collapsed group."""

    path: str
    lines: tuple[str, ...]
    category: str
    output: tuple[int, ...]
    group: bool = False
    folded: tuple[str, ...] = ()  # ops written in the box, on a line of their own
    then: tuple[str, ...] = ()  # ops written over the arrow that leaves the box

    @property
    def text(self) -> tuple[str, ...]:
        return self.lines + ((", ".join(self.folded),) if self.folded else ())


@dataclass(frozen=True)
class Terminal:
    """The network's input or output, drawn as a pill; ``output`` labels the arrow after it."""

    path: str
    text: str
    output: tuple[int, ...]


@dataclass(frozen=True)
class Skip:
    """A residual: ``body`` on the main line, ``shortcut`` on an arc around it (empty = identity)."""

    path: str
    body: tuple["Item", ...]
    shortcut: tuple["Item", ...]
    output: tuple[int, ...]
    then: tuple[str, ...] = ()  # ops after the merge, written over the next arrow ("ReLU")


@dataclass(frozen=True)
class Lanes:
    """Parallel paths joined by a merge: concat branches, or the copies of a twin encoder.

    Twin lanes start at their own input (``inputs`` names them) and share weights.
    ``merge`` is a key of ``labels.MERGE_SYMBOL``, or ``none`` (each lane ends on its own).
    """

    path: str
    kind: str  # concat | twin
    lanes: tuple[tuple["Item", ...], ...]
    merge: str
    output: tuple[int, ...]
    inputs: tuple[str, ...] = ()
    then: tuple[str, ...] = ()


Item = Union[Unit, Terminal, Skip, Lanes]


def tree_depth(layers: Sequence[LayerResult]) -> int:
    """The depth at which every group is open (1 + the deepest node's depth)."""
    deepest = -1
    for layer in layers:
        for node in layer.walk():
            deepest = max(deepest, node.depth)
    return deepest + 1


def build_items(layers: Sequence[LayerResult], depth: int, *, fold: bool = True,
                compact_twins: bool = False) -> tuple[Item, ...]:
    """The flow items for ``layers`` with groups at ``depth`` or deeper shown as one box.

    ``compact_twins`` draws each copy of a twin's encoder as a single box, the usual
    paper sketch of a Siamese network when the encoder is too long for one row.
    """
    out: list[Item] = []
    for node in layers:
        if node.is_group and node.depth < depth:
            out.extend(_open(node, depth, fold, compact_twins))
        elif node.is_group:
            out.append(Unit(node.path, group_lines(node), "group", node.output, group=True))
        else:
            _append_op(out, node, fold)
    return tuple(out)


def _open(node: LayerResult, depth: int, fold: bool, compact: bool) -> list[Item]:
    def sub(nodes: Sequence[LayerResult]) -> tuple[Item, ...]:
        return build_items(nodes, depth, fold=fold, compact_twins=compact)

    if node.op == "residual":
        body, shortcut = (tuple(node.branches) + ((), ()))[:2]
        return [Skip(node.path, sub(body), sub(shortcut), node.output)]
    if node.op == "concat":
        return [Lanes(node.path, "concat", tuple(sub(b) for b in node.branches), "concat",
                      node.output)]
    if node.op == "twin":
        encoder = node.branches[0] if node.branches else node.children
        n = int(node.args.get("inputs", 2))
        if compact:
            lane: tuple[Item, ...] = (Unit(f"{node.path}.encoder", _encoder_lines(encoder),
                                           "group", encoder[-1].output if encoder else node.input,
                                           group=True),)
        else:
            lane = sub(encoder)
        names = tuple(f"x{_subscript(i + 1)}" for i in range(n))
        return [Lanes(node.path, "twin", (lane,) * n, str(node.args.get("merge", "none")),
                      node.output, inputs=names)]
    return list(sub(node.children))


def _append_op(out: list[Item], node: LayerResult, fold: bool) -> None:
    kind = category(node.op)
    last = out[-1] if out else None
    name = DISPLAY.get(node.op, node.op)
    if fold and kind in FOLDABLE and isinstance(last, (Unit, Skip, Lanes)) and node.output == last.output:
        if isinstance(last, Unit) and last.category in HOSTS and not last.then:
            out[-1] = replace(last, folded=last.folded + (name,))
        else:
            # No layer box to write it in (after a merge, a stage, a flatten): on paper it
            # goes over the arrow.
            out[-1] = replace(last, then=last.then + (name,))
        return
    out.append(Unit(node.path, op_lines(node.op, node.args), kind, node.output))


def _encoder_lines(encoder: Sequence[LayerResult]) -> tuple[str, ...]:
    """``encoder f(·)`` and what it is made of: ``3 conv, 2 pool, 1 fc``."""
    counts: dict[str, int] = {}
    for top in encoder:
        for node in top.walk():
            if not node.is_group and category(node.op) in ("conv", "pool", "linear"):
                word = {"conv": "conv", "pool": "pool", "linear": "fc"}[category(node.op)]
                counts[word] = counts.get(word, 0) + 1
    made_of = ", ".join(f"{n} {word}" for word, n in counts.items())
    return ("encoder f(·)", made_of) if made_of else ("encoder f(·)",)


def _subscript(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def count_boxes(items: Sequence[Item]) -> int:
    """Boxes a sketch of ``items`` draws (terminals and merges not counted)."""
    n = 0
    for item in items:
        if isinstance(item, Unit):
            n += 1
        elif isinstance(item, Skip):
            n += count_boxes(item.body) + count_boxes(item.shortcut)
        elif isinstance(item, Lanes):
            n += sum(count_boxes(lane) for lane in item.lanes)
    return n
