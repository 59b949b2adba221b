"""Network sketch: the block diagram a student draws, generated from the result tree.

``sketch(result)`` picks the deepest level of detail that stays readable at the width of
an Obsidian note (about 700 px = 7.3 in at 96 dpi), wraps the flow into rows, and adds
a legend of the colours used. A twin whose encoder is too long for a row is drawn with
one box per copy, and the encoder itself is drawn once underneath.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from notegen.engine.results import LayerResult, NetworkResult
from notegen.render.figures.labels import MERGE_SYMBOL, shape_text
from notegen.render.figures.palette import CATEGORY_NAMES, FILLS
from notegen.render.figures.sketch_items import (
    Item, Lanes, Terminal, build_items, count_boxes, tree_depth,
)
from notegen.render.figures.sketch_layout import (
    FONT, LEFT, RIGHT, SMALL, STUB, TOP, Box, Label, Line, Node, Canvas, gap_after,
    line_height, measure, place, then,
)
from notegen.render.figures.text_metrics import text_width

MAX_WIDTH = 7.3  # inches: 700 px at 96 dpi
MAX_BOXES = 12  # about three rows; beyond this a sketch is searched rather than read
WRAP_GAP = 0.42  # between rows: the return line and its labels
SECTION_GAP = 0.3  # above the drawing of a twin's encoder

MERGE_NAMES = {"add": "add (residual)", "concat": "concatenate channels",
               "l1": "L1 distance |a−b|", "l2": "L2 distance ‖a−b‖"}


@dataclass(frozen=True)
class LegendEntry:
    x: float
    y: float
    key: str  # a category (a filled swatch) or a merge symbol (drawn in a node)
    text: str
    swatch: str  # box | node
    w: float  # swatch width


@dataclass(frozen=True)
class Sketch:
    width: float
    height: float
    depth: int
    boxes: tuple[Box, ...]
    nodes: tuple[Node, ...]
    lines: tuple[Line, ...]
    labels: tuple[Label, ...]
    legend: tuple[LegendEntry, ...]


Row = list[tuple[Item, tuple[int, ...]]]  # items with the shape flowing into each


def flow(result: NetworkResult, items: tuple[Item, ...]) -> tuple[Item, ...]:
    """The items between an input and an output terminal (twins bring their own)."""
    head: tuple[Item, ...] = ()
    if not (items and isinstance(items[0], Lanes) and items[0].kind == "twin"):
        head = (Terminal("input", "x", result.input),)
    tail: tuple[Item, ...] = (Terminal("output", "y", ()),)
    if items and isinstance(items[-1], Lanes) and items[-1].merge == "none":
        tail = ()
    return head + items + tail


def _widest(items: Sequence[Item], shape: tuple[int, ...]) -> float:
    widest = 0.0
    for item in items:
        widest = max(widest, measure(item, shape).w)
        shape = item.output
    return widest


def choose_items(result: NetworkResult, depth: int | None = None, *,
                 fold: bool = True) -> tuple[int, bool, tuple[Item, ...]]:
    """(depth, twins compacted, items): ``depth`` if given, else the deepest that fits.

    Fits means every skip or lane group fits in one row and, when the depth is chosen
    here, at most MAX_BOXES boxes. When nothing fits, the top level is drawn.
    """
    room = MAX_WIDTH - LEFT - RIGHT - STUB
    candidates = [depth] if depth is not None else list(range(tree_depth(result.layers), -1, -1))
    for d in candidates:
        for compact in (False, True):
            items = flow(result, build_items(result.layers, d, fold=fold, compact_twins=compact))
            few = depth is not None or count_boxes(items) <= MAX_BOXES
            if few and _widest(items, result.input) <= room:
                return d, compact, items
    last = candidates[-1]
    return last, True, flow(result, build_items(result.layers, last, fold=fold, compact_twins=True))


def _encoder_flows(result: NetworkResult, depth: int,
                   fold: bool) -> list[tuple[str, tuple[Item, ...], tuple[int, ...]]]:
    """For each twin drawn compact: a caption and its encoder drawn once, in full."""
    flows = []
    for node in result.walk():
        if node.op == "twin" and node.depth < depth:
            encoder: tuple[LayerResult, ...] = node.branches[0] if node.branches else node.children
            items = build_items(encoder, depth, fold=fold)
            head = (Terminal(f"{node.path}.detail.input", "x", node.input),)
            tail = (Terminal(f"{node.path}.detail.output", "f(x)", ()),)
            flows.append((f"encoder f(·) of {node.name}, one set of weights shared by every input",
                          head + items + tail, node.input))
    return flows


def sketch(result: NetworkResult, depth: int | None = None, *, fold: bool = True) -> Sketch:
    """Lay out the sketch of ``result``.

    ``depth``: groups at this depth or deeper are one box (None: chosen automatically);
    ``fold``: norms, activations and dropout are written into the layer box before them.
    """
    chosen, compact, items = choose_items(result, depth, fold=fold)
    cv = Canvas()
    y, right = _place_rows(cv, _rows(items, result.input), TOP)
    if compact:
        for caption, detail, shape in _encoder_flows(result, chosen, fold):
            y += SECTION_GAP
            cv.labels.append(Label(LEFT, y, caption, ha="left", va="top", role="note"))
            y, wide = _place_rows(cv, _rows(detail, shape), y + line_height(SMALL) + 0.1)
            right = max(right, wide)
    legend, y = _legend(cv, y + 0.2)
    width = max(right, max((e.x + e.w + 0.06 + text_width(e.text, SMALL) for e in legend),
                           default=0.0)) + RIGHT
    return Sketch(round(width, 4), round(y + 0.05, 4), chosen, tuple(cv.boxes), tuple(cv.nodes),
                  tuple(cv.lines), tuple(cv.labels), legend)


def _rows(items: Sequence[Item], shape: tuple[int, ...]) -> list[Row]:
    """Greedy line breaking: an item goes to a new row when it would cross the width."""
    rows: list[Row] = [[]]
    x = LEFT
    for item in items:
        w = measure(item, shape).w
        if rows[-1] and x + w + STUB > MAX_WIDTH - RIGHT:
            rows.append([])
            x = LEFT
        rows[-1].append((item, shape))
        x += w + gap_after(item)
        shape = item.output
    return rows


def _place_rows(cv: Canvas, rows: list[Row], top: float) -> tuple[float, float]:
    """Place ``rows`` from ``top`` down; returns (bottom, rightmost x used)."""
    y, right = top, 0.0
    for r, row in enumerate(rows):
        y += max(measure(it, s).up for it, s in row)
        down = max(max(measure(it, s).down for it, s in row), line_height(SMALL) + 0.06)
        x = LEFT
        for i, (item, s) in enumerate(row):
            place(item, x, y, s, cv)
            x += measure(item, s).w
            if i < len(row) - 1:
                x = cv.arrow_after(item, x, y)
        right = max(right, x + STUB)
        if r < len(rows) - 1:
            next_up = max(measure(it, s).up for it, s in rows[r + 1])
            _wrap(cv, x, y, y + down + 0.1, y + down + WRAP_GAP + next_up, row[-1][0])
            y += down + WRAP_GAP
        else:
            y += down
    return y, right


def _wrap(cv: Canvas, x: float, y: float, y_line: float, y_next: float, item: Item) -> None:
    """The return line from the end of one row to the start of the next."""
    points = ((x, y), (x + STUB, y), (x + STUB, y_line), (LEFT - STUB, y_line),
              (LEFT - STUB, y_next), (LEFT, y_next))
    cv.lines.append(Line(points, "wrap"))
    cv.labels.append(Label(x + STUB - 0.04, y_line + 0.04, shape_text(item.output), ha="right"))
    if then(item):
        cv.labels.append(Label(x + STUB - 0.04, y_line - 0.04, ", ".join(then(item)), ha="right",
                               va="bottom", role="note"))


def _legend(cv: Canvas, y: float) -> tuple[tuple[LegendEntry, ...], float]:
    used = {b.category for b in cv.boxes}
    merges = {n.text for n in cv.nodes if n.shape in ("circle", "pill")}
    keys = [(c, CATEGORY_NAMES[c], "box", 0.24) for c in FILLS if c in used and c in CATEGORY_NAMES]
    keys += [(sym, MERGE_NAMES[name], "node", max(0.24, text_width(sym, FONT - 1.5) + 0.1))
             for name, sym in MERGE_SYMBOL.items() if sym in merges]
    entries, x, row_h = [], LEFT, line_height(SMALL) + 0.08
    for key, text, swatch, w in keys:
        span = w + 0.06 + text_width(text, SMALL) + 0.22
        if x + span > MAX_WIDTH - RIGHT and x > LEFT:
            x, y = LEFT, y + row_h
        entries.append(LegendEntry(round(x, 4), round(y, 4), key, text, swatch, round(w, 4)))
        x += span
    return tuple(entries), y + (row_h if entries else 0.0)
