"""Where each part of a network sketch goes: pure layout in inches, y growing downwards.

Flow runs left to right along a baseline; residual skips are arcs above their body,
parallel lanes are stacked one above the other between a split and a merge, and a
sequence too long for the width wraps into rows joined by a return line. Text is sized
from a table of glyph widths (:mod:`text_metrics`), so the layout is plain arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from notegen.render.figures.labels import MERGE_SYMBOL, shape_text
from notegen.render.figures.sketch_items import Item, Lanes, Skip, Terminal, Unit
from notegen.render.figures.text_metrics import text_width

FONT = 7.5  # pt, text in boxes
SMALL = 6.5  # pt, text on the page (shapes, notes)
BOX_H = 0.56
BOX_MIN_W = 0.72
BOX_PAD = 0.08
TERMINAL_H = 0.28
GAP_MIN = 0.3
GAP_PAD = 0.16  # clear space around a label under an arrow
NODE_D = 0.26
SPLIT_LEAD = 0.2
ARC_CLEAR = 0.14
LANE_GAP = 0.2
TWIN_GAP = 0.36
STUB = 0.12  # length of the wrap line's stubs
LABEL_DROP = 0.04  # shape labels hang this far under their arrow
LEFT, RIGHT, TOP = 0.3, 0.1, 0.1


def line_height(size: float) -> float:
    return size * 1.3 / 72


@dataclass(frozen=True)
class Box:
    x: float  # left
    y: float  # top
    w: float
    h: float
    lines: tuple[str, ...]
    category: str
    path: str
    group: bool = False


@dataclass(frozen=True)
class Node:
    """A merge point, split dot or terminal pill, centred at (x, y)."""

    x: float
    y: float
    w: float
    h: float
    text: str
    shape: str  # circle | pill | dot
    path: str = ""


@dataclass(frozen=True)
class Line:
    points: tuple[tuple[float, float], ...]
    role: str  # flow | skip | shared | wrap
    arrow: bool = True
    dashed: bool = False
    path: str = ""


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    ha: str = "center"
    va: str = "top"
    role: str = "shape"  # shape | note


@dataclass(frozen=True)
class Ext:
    w: float
    up: float
    down: float


class Canvas:
    """Collects the primitives placed so far."""

    def __init__(self) -> None:
        self.boxes: list[Box] = []
        self.nodes: list[Node] = []
        self.lines: list[Line] = []
        self.labels: list[Label] = []

    def arrow(self, x0: float, x1: float, y: float, shape: tuple[int, ...] | None,
              above: tuple[str, ...] = ()) -> None:
        self.lines.append(Line(((x0, y), (x1, y)), "flow"))
        if shape is not None:
            self.labels.append(Label((x0 + x1) / 2, y + LABEL_DROP, shape_text(shape)))
        if above:
            self.labels.append(Label((x0 + x1) / 2, y - LABEL_DROP, ", ".join(above),
                                     va="bottom", role="note"))

    def arrow_after(self, item: Item, x: float, y: float) -> float:
        """The labelled arrow that leaves ``item`` at ``x``; returns where it ends."""
        end = x + gap_after(item)
        self.arrow(x, end, y, item.output, then(item))
        return end


def then(item: Item) -> tuple[str, ...]:
    return () if isinstance(item, Terminal) else item.then


def gap(shape: tuple[int, ...]) -> float:
    """Arrow length for a shape written under it."""
    return max(GAP_MIN, text_width(shape_text(shape), SMALL) + GAP_PAD)


def gap_after(item: Item) -> float:
    """Arrow length after ``item``: room for its output shape and any op written above."""
    return max(gap(item.output), text_width(", ".join(then(item)), SMALL) + GAP_PAD)


def _merge_text(item: Lanes) -> str:
    return MERGE_SYMBOL.get(item.merge, item.merge)


def _twin_lane(item: Lanes, i: int, lane: tuple[Item, ...], shape: tuple[int, ...]) -> tuple[Item, ...]:
    head: tuple[Item, ...] = (Terminal(f"{item.path}.input{i}", item.inputs[i], shape),)
    tail: tuple[Item, ...] = ()
    if item.merge == "none":
        out = lane[-1].output if lane else shape
        tail = (Terminal(f"{item.path}.output{i}", f"f({item.inputs[i]})", out),)
    return head + lane + tail


def _lanes_of(item: Lanes, shape: tuple[int, ...]) -> tuple[tuple[Item, ...], ...]:
    if item.kind == "twin":
        return tuple(_twin_lane(item, i, lane, shape) for i, lane in enumerate(item.lanes))
    return item.lanes


def measure(item: Item, shape: tuple[int, ...]) -> Ext:
    """Size of ``item`` given the shape flowing into it (needed for identity paths)."""
    if isinstance(item, Unit):
        w = max(BOX_MIN_W, max(text_width(t, FONT, bold=item.group) for t in item.text)
                + 2 * BOX_PAD)
        return Ext(w, BOX_H / 2, BOX_H / 2)
    if isinstance(item, Terminal):
        return Ext(text_width(item.text, FONT) + 0.2, TERMINAL_H / 2, TERMINAL_H / 2)
    if isinstance(item, Skip):
        return _skip_plan(item, shape).ext
    return _lanes_plan(item, shape).ext


def measure_seq(items: Sequence[Item], shape: tuple[int, ...]) -> Ext:
    w, up, down = 0.0, 0.0, line_height(SMALL) + LABEL_DROP
    for i, item in enumerate(items):
        ext = measure(item, shape)
        w += ext.w + (gap_after(item) if i < len(items) - 1 else 0.0)
        up, down = max(up, ext.up), max(down, ext.down)
        shape = item.output
    return Ext(w, up, down)


@dataclass(frozen=True)
class SkipPlan:
    ext: Ext
    node_x: float  # merge centre, from the item's left edge
    arc: float  # height of the arc above the baseline
    shortcut: Ext


def _skip_plan(item: Skip, shape: tuple[int, ...]) -> SkipPlan:
    body = measure_seq(item.body, shape) if item.body else Ext(0.0, BOX_H / 2, BOX_H / 2)
    short = measure_seq(item.shortcut, shape) if item.shortcut else Ext(0.0, 0.0, 0.0)
    xc = SPLIT_LEAD + body.w + (gap_after(item.body[-1]) if item.body else GAP_MIN) + NODE_D / 2
    if item.shortcut:
        xc = max(xc, short.w + 2 * SPLIT_LEAD)
        arc = body.up + ARC_CLEAR + short.down
        up = arc + short.up
    else:
        arc = body.up + ARC_CLEAR
        up = arc + line_height(SMALL) + 0.04  # room for "identity" over the arc
    return SkipPlan(Ext(xc + NODE_D / 2, up, max(body.down, NODE_D / 2)), xc, arc, short)


@dataclass(frozen=True)
class LanesPlan:
    ext: Ext
    baselines: tuple[float, ...]  # of each lane, relative to the item's baseline
    lanes: tuple[Ext, ...]
    node_x: float  # merge centre, from the item's left edge (0 when the lanes do not join)
    node_w: float
    lead: float  # from the split to where the lanes start


def _joins(item: Lanes) -> bool:
    """Whether the lanes meet in a merge (a twin with merge: none keeps them apart)."""
    return not (item.kind == "twin" and item.merge == "none")


def _lanes_plan(item: Lanes, shape: tuple[int, ...]) -> LanesPlan:
    lanes = _lanes_of(item, shape)
    exts = tuple(measure_seq(lane, shape) if lane else Ext(0.0, 0.1, line_height(SMALL) + 0.08)
                 for lane in lanes)
    spacing = TWIN_GAP if item.kind == "twin" else LANE_GAP
    total = sum(e.up + e.down for e in exts) + spacing * (len(exts) - 1)
    ys, y = [], -total / 2
    for e in exts:
        ys.append(y + e.up)
        y += e.up + e.down + spacing
    lead = 0.0 if item.kind == "twin" else SPLIT_LEAD
    if not _joins(item):
        return LanesPlan(Ext(max(e.w for e in exts), total / 2, total / 2), tuple(ys), exts,
                         0.0, 0.0, lead)
    node_w = max(NODE_D, text_width(_merge_text(item), FONT) + 0.14)
    reach = max(e.w + (gap_after(lane[-1]) if lane else gap(shape)) for e, lane in zip(exts, lanes))
    xc = lead + reach + node_w / 2
    return LanesPlan(Ext(xc + node_w / 2, total / 2, total / 2), tuple(ys), exts, xc, node_w, lead)


def place(item: Item, x: float, y: float, shape: tuple[int, ...], cv: Canvas) -> None:
    """Draw ``item`` with its left edge at ``x`` and its baseline at ``y``."""
    if isinstance(item, Unit):
        ext = measure(item, shape)
        cv.boxes.append(Box(x, y - BOX_H / 2, ext.w, BOX_H, item.text, item.category,
                            item.path, item.group))
    elif isinstance(item, Terminal):
        ext = measure(item, shape)
        cv.nodes.append(Node(x + ext.w / 2, y, ext.w, TERMINAL_H, item.text, "pill", item.path))
    elif isinstance(item, Skip):
        _place_skip(item, x, y, shape, cv)
    else:
        _place_lanes(item, x, y, shape, cv)


def place_seq(items: Sequence[Item], x: float, y: float, shape: tuple[int, ...],
              cv: Canvas) -> float:
    """Place ``items`` joined by labelled arrows; returns the x where the last one ends."""
    for i, item in enumerate(items):
        place(item, x, y, shape, cv)
        x += measure(item, shape).w
        shape = item.output
        if i < len(items) - 1:
            x = cv.arrow_after(item, x, y)
    return x


def _place_skip(item: Skip, x: float, y: float, shape: tuple[int, ...], cv: Canvas) -> None:
    plan = _skip_plan(item, shape)
    xc = x + plan.node_x
    cv.nodes.append(Node(x, y, 0.06, 0.06, "", "dot", item.path))
    if item.body:
        cv.arrow(x, x + SPLIT_LEAD, y, None)
        end = place_seq(item.body, x + SPLIT_LEAD, y, shape, cv)
        cv.arrow(end, xc - NODE_D / 2, y, item.body[-1].output, then(item.body[-1]))
    else:
        cv.arrow(x, xc - NODE_D / 2, y, None)
    cv.nodes.append(Node(xc, y, NODE_D, NODE_D, MERGE_SYMBOL["add"], "circle", item.path))
    top = y - plan.arc
    if item.shortcut:
        sx = x + (xc - x - plan.shortcut.w) / 2
        cv.lines.append(Line(((x, y), (x, top), (sx, top)), "skip", path=item.path))
        send = place_seq(item.shortcut, sx, top, shape, cv)
        cv.lines.append(Line(((send, top), (xc, top), (xc, y - NODE_D / 2)), "skip", path=item.path))
    else:
        cv.lines.append(Line(((x, y), (x, top), (xc, top), (xc, y - NODE_D / 2)), "skip",
                             path=item.path))
        cv.labels.append(Label((x + xc) / 2, top - 0.03, "identity", va="bottom", role="note"))


def _place_lanes(item: Lanes, x: float, y: float, shape: tuple[int, ...], cv: Canvas) -> None:
    plan = _lanes_plan(item, shape)
    lanes = _lanes_of(item, shape)
    xc, node_w = x + plan.node_x, plan.node_w
    if item.kind == "concat":
        cv.nodes.append(Node(x, y, 0.06, 0.06, "", "dot", item.path))
    for lane, rel in zip(lanes, plan.baselines):
        ly = y + rel
        start = x + plan.lead
        if item.kind == "concat":
            points = ((x, y), (x, ly), (start, ly)) if lane else ((x, y), (x, ly))
            cv.lines.append(Line(points, "flow", arrow=bool(lane), path=item.path))
        end = place_seq(lane, start, ly, shape, cv) if lane else x
        if not _joins(item):
            continue
        out = lane[-1].output if lane else shape
        level = abs(ly - y) < 1e-9  # the middle lane runs straight into the merge
        if level:
            seg, points = xc - node_w / 2, ((end, ly), (xc - node_w / 2, y))
        else:
            tip = (xc, y + (NODE_D / 2 if ly > y else -NODE_D / 2))
            seg, points = xc, ((end, ly), (xc, ly), tip)
        cv.lines.append(Line(points, "flow", path=item.path))
        at = end + min(gap(out), seg - end) / 2 if lane else (x + seg) / 2  # identity: mid-lane
        cv.labels.append(Label(at, ly + LABEL_DROP, shape_text(out)))
    if _joins(item):
        kind = "circle" if item.merge == "concat" else "pill"
        cv.nodes.append(Node(xc, y, node_w, NODE_D, _merge_text(item), kind, item.path))
    if item.kind == "twin":
        _shared_weights(item, lanes, x, y, plan, shape, cv)


def _shared_weights(item: Lanes, lanes: tuple[tuple[Item, ...], ...], x: float, y: float,
                    plan: LanesPlan, shape: tuple[int, ...], cv: Canvas) -> None:
    """A dashed link between neighbouring copies of the encoder: their weights are one."""
    if not item.lanes or not item.lanes[0]:
        return
    head = measure(lanes[0][0], shape).w + gap(shape)  # the input pill and its arrow
    mx = x + head + measure_seq(item.lanes[0], shape).w / 2
    for i in range(len(lanes) - 1):
        y0 = y + plan.baselines[i] + plan.lanes[i].down
        y1 = y + plan.baselines[i + 1] - plan.lanes[i + 1].up
        cv.lines.append(Line(((mx, y0), (mx, y1)), "shared", arrow=False, dashed=True,
                             path=item.path))
        cv.labels.append(Label(mx + 0.06, (y0 + y1) / 2, "shared weights", ha="left",
                               va="center", role="note"))
