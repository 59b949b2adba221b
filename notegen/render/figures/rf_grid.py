"""RF on the input: the field of one output unit after each layer, as nested squares.

Pixel i has its centre at coordinate i (the engine's convention), so the field of a unit
centred at c with size r covers pixels c − (r−1)/2 … c + (r−1)/2, i.e. the square
[c − r/2, c + r/2] in continuous coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass

from notegen.engine.results import NetworkResult
from notegen.render.figures.palette import SEQUENCE
from notegen.render.figures.rf_path import field_steps

CELL_LIMIT = 48  # draw individual pixel cells only while the view is at most this wide
DOT_LIMIT = 400  # the output-unit centres are dotted only while there are few of them
MARGIN = 0.5  # context around the outermost field, as a fraction of its size (at least 2 px)


@dataclass(frozen=True)
class FieldSquare:
    label: str  # layer path
    size: tuple[int, int]  # (h, w)
    centre: tuple[float, float]  # (y, x) in input pixel coordinates
    jump: tuple[int, int]


@dataclass(frozen=True)
class RFGrid:
    input_hw: tuple[int, int]
    view: tuple[float, float, float, float]  # y0, y1, x0, x1 (continuous coordinates)
    cells: bool
    squares: tuple[FieldSquare, ...]  # innermost (first layer) first
    unit_centres: tuple[tuple[float, float], ...]  # the last layer's units (when j > 1)
    neighbour: tuple[float, float] | None  # centre of the next unit along the width
    jump: tuple[int, int]  # of the last layer


def _nearest(start: float, jump: int, n: int, target: float) -> int:
    """Index of the unit (of ``n``) whose centre start + i·jump is nearest ``target``."""
    i = int((target - start) / jump + 0.5) if target >= start else -int((start - target) / jump + 0.5)
    return min(max(i, 0), n - 1)


def rf_grid(result: NetworkResult) -> RFGrid | None:
    """The figure's data for the centre unit of the last feature map, or None without one."""
    steps = field_steps(result.layers)
    if not steps or len(result.input) != 3:
        return None
    if len(steps) > len(SEQUENCE):
        # one colour per square: keep evenly spaced layers, always the first and the last
        n = len(SEQUENCE)
        steps = [steps[round(i * (len(steps) - 1) / (n - 1))] for i in range(n)]
    last, last_rf = steps[-1]
    n_out = last.output[1:3]
    unit = tuple((n - 1) // 2 for n in n_out)
    centre = tuple(last_rf.start[a] + unit[a] * last_rf.jump[a] for a in (0, 1))
    squares = []
    for layer, rf in steps:
        own = tuple(_nearest(rf.start[a], rf.jump[a], layer.output[1 + a], centre[a]) for a in (0, 1))
        squares.append(FieldSquare(layer.path, rf.size,
                                   tuple(rf.start[a] + own[a] * rf.jump[a] for a in (0, 1)),
                                   rf.jump))
    h, w = result.input[1], result.input[2]
    outer = squares[-1]
    jh, jw = last_rf.jump
    neighbour = (centre[0], centre[1] + jw) if unit[1] + 1 < n_out[1] else None
    view = _view((h, w), outer, neighbour)
    dots: list[tuple[float, float]] = []
    rows = [last_rf.start[0] + i * jh for i in range(n_out[0])
            if abs(last_rf.start[0] + i * jh - outer.centre[0]) <= outer.size[0] / 2]
    cols = [last_rf.start[1] + i * jw for i in range(n_out[1])
            if abs(last_rf.start[1] + i * jw - outer.centre[1]) <= outer.size[1] / 2]
    if len(rows) * len(cols) <= DOT_LIMIT and (jh > 1 or jw > 1):
        dots = [(y, x) for y in rows for x in cols]
    cells = max(view[1] - view[0], view[3] - view[2]) <= CELL_LIMIT
    return RFGrid((h, w), view, cells, tuple(squares), tuple(dots), neighbour, last_rf.jump)


def _view(hw: tuple[int, int], outer: FieldSquare,
          neighbour: tuple[float, float] | None) -> tuple[float, float, float, float]:
    """The window shown: the outermost field (and its neighbour's) with some context,
    no further than the image edge where the image is larger (whole pixels)."""
    bounds = []
    for a in (0, 1):
        margin = max(2.0, round(MARGIN * outer.size[a]))
        lo = outer.centre[a] - outer.size[a] / 2
        hi = outer.centre[a] + outer.size[a] / 2 + (neighbour[a] - outer.centre[a] if neighbour else 0)
        lo = min(lo, max(lo - margin, -0.5))
        hi = max(hi, min(hi + margin, hw[a] - 0.5))
        bounds.append((lo - 0.5, hi + 0.5))
    return (bounds[0][0], bounds[0][1], bounds[1][0], bounds[1][1])
