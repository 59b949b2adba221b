"""Network sketch: the block diagram a student draws, generated from the result tree.

``sketch(result)`` picks the deepest level of detail that stays readable at the width of
an Obsidian note (about 700 px = 7.3 in at 96 dpi), wraps the flow into rows, and adds
a legend of the colours used.
"""

from __future__ import annotations

from dataclasses import dataclass

from notegen.engine.results import NetworkResult
from notegen.render.figures.labels import MERGE_SYMBOL
from notegen.render.figures.palette import CATEGORY_NAMES, FILLS
from notegen.render.figures.sketch_items import (
    Item, Lanes, Skip, Terminal, Unit, build_items, count_boxes, tree_depth,
)
from notegen.render.figures.sketch_layout import (
    LEFT, RIGHT, SMALL, STUB, TOP, Box, Label, Line, Node, _Canvas, gap, line_height,
    measure, place, text_width,
)

MAX_WIDTH = 7.2  # inches: 700 px at 96 dpi, less a little for the note's margins
MAX_BOXES = 18  # beyond this a sketch stops being read and starts being searched
WRAP_GAP = 0.42  # between rows: the return line and its shape label

MERGE_NAMES = {"add": "add (residual)", "concat": "concatenate channels",
               "l1": "L1 distance", "l2": "L2 distance"}


@dataclass(frozen=True)
class LegendEntry:
    x: float
    y: float
    key: str  # a category (a filled swatch) or a merge symbol (drawn in a node)
    text: str
    swatch: str  # box | node


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


def flow(result: NetworkResult, items: tuple[Item, ...]) -> tuple[Item, ...]:
    """The items between an input and an output terminal (twins bring their own)."""
    head: tuple[Item, ...] = ()
    if not (items and isinstance(items[0], Lanes) and items[0].kind == "twin"):
        head = (Terminal("input", "input", result.input),)
    tail: tuple[Item, ...] = (Terminal("output", "output", ()),)
    if items and isinstance(items[-1], Lanes) and items[-1].merge == "none":
        tail = ()
    return head + items + tail


def _widest(items: tuple[Item, ...], shape: tuple[int, ...]) -> float:
    widest = 0.0
    for item in items:
        widest = max(widest, measure(item, shape).w)
        shape = item.output
    return widest


def choose_items(result: NetworkResult, depth: int | None = None) -> tuple[int, tuple[Item, ...]]:
    """The level of detail to draw: ``depth`` if given, else the deepest that fits.

    Fits means every skip or lane group fits in one row and there are at most
    MAX_BOXES boxes. Twin encoders too long for a row are drawn as one box each first.
    """
    room = MAX_WIDTH - LEFT - RIGHT - STUB
    full = tree_depth(result.layers)
    candidates = [depth] if depth is not None else list(range(full, -1, -1))
    fallback: tuple[int, tuple[Item, ...]] | None = None
    for d in candidates:
        for compact in (False, True):
            items = flow(result, build_items(result.layers, d, compact_twins=compact))
            if fallback is None or (depth is None and d == 0 and not compact):
                fallback = (d, items)
            if _widest(items, result.input) <= room and (
                    depth is not None or count_boxes(items) <= MAX_BOXES):
                return d, items
    assert fallback is not None
    return fallback


def sketch(result: NetworkResult, depth: int | None = None) -> Sketch:
    """Lay out the sketch of ``result`` (``depth`` None: chosen automatically)."""
    chosen, items = choose_items(result, depth)
    cv = _Canvas()
    rows = _rows(items, result.input)
    y, right, shape = TOP, 0.0, result.input
    for r, row in enumerate(rows):
        up = max(measure(it, s).up for it, s in row)
        down = max(max(measure(it, s).down for it, s in row), line_height(SMALL) + 0.06)
        y += up
        x = LEFT
        for i, (item, s) in enumerate(row):
            place(item, x, y, s, cv)
            x += measure(item, s).w
            if i < len(row) - 1:
                cv.arrow(x, x + gap(item.output), y, item.output)
                x += gap(item.output)
        right = max(right, x + STUB)
        if r < len(rows) - 1:
            nxt = rows[r + 1]
            next_up = max(measure(it, s).up for it, s in nxt)
            _wrap(cv, x, y, y + down + 0.1, y + down + WRAP_GAP + next_up, row[-1][0].output)
            y += down + WRAP_GAP
        else:
            y += down
    legend, y = _legend(cv, y + 0.2)
    return Sketch(round(max(right, _legend_right(legend)) + RIGHT, 4), round(y + 0.05, 4),
                  chosen, tuple(cv.boxes), tuple(cv.nodes), tuple(cv.lines),
                  tuple(cv.labels), legend)


def _rows(items: tuple[Item, ...], shape: tuple[int, ...]):
    """Greedy line breaking: an item goes to a new row when it would cross the width."""
    rows: list[list[tuple[Item, tuple[int, ...]]]] = [[]]
    x = LEFT
    for item in items:
        w = measure(item, shape).w
        if rows[-1] and x + w + STUB > MAX_WIDTH - RIGHT:
            rows.append([])
            x = LEFT
        rows[-1].append((item, shape))
        x += w + gap(item.output)
        shape = item.output
    return rows


def _wrap(cv: _Canvas, x: float, y: float, y_line: float, y_next: float,
          shape: tuple[int, ...]) -> None:
    """The return line from the end of one row to the start of the next."""
    points = ((x, y), (x + STUB, y), (x + STUB, y_line), (LEFT - STUB, y_line),
              (LEFT - STUB, y_next), (LEFT, y_next))
    cv.lines.append(Line(points, "wrap"))
    from notegen.render.figures.labels import shape_text

    cv.labels.append(Label(x + STUB - 0.04, y_line + 0.04, shape_text(shape), ha="right"))


def _legend(cv: _Canvas, y: float) -> tuple[tuple[LegendEntry, ...], float]:
    used = {b.category for b in cv.boxes}
    merges = {n.text for n in cv.nodes if n.shape in ("circle", "pill") and n.text in MERGE_SYMBOL.values()}
    keys = [(c, CATEGORY_NAMES[c], "box") for c in FILLS if c in used and c in CATEGORY_NAMES]
    keys += [(sym, MERGE_NAMES[name], "node") for name, sym in MERGE_SYMBOL.items() if sym in merges]
    entries, x, row_h = [], LEFT, line_height(SMALL) + 0.06
    for key, text, swatch in keys:
        w = 0.3 + text_width(text, SMALL) + 0.18
        if x + w > MAX_WIDTH - RIGHT and x > LEFT:
            x, y = LEFT, y + row_h
        entries.append(LegendEntry(round(x, 4), round(y, 4), key, text, swatch))
        x += w
    return tuple(entries), y + (row_h if entries else 0.0)


def _legend_right(entries: tuple[LegendEntry, ...]) -> float:
    return max((e.x + 0.3 + text_width(e.text, SMALL) for e in entries), default=0.0)
