"""1-D RF pyramid: the units of each layer as dots, and every line one output unit's
field is made of, traced back to the input.

Unit u of a layer with effective kernel k_eff = d·(k−1)+1, stride s, left padding p sees
units u·s − p, u·s − p + d, …, u·s − p + k_eff − 1 of the layer below (torch's
indexing). Taps below 0 or past the last unit land in padding: they are drawn, but lead no
further. Dots sit at the centre of their own field in input coordinates (start + u·j), so
each row lines up with the input row beneath it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from notegen.engine.results import RF, LayerResult, NetworkResult
from notegen.ops import OPS, Window

MAX_FIELD = 48  # input units; a wider field is drawn as the growth chart instead


@dataclass(frozen=True)
class PyramidUnit:
    index: int
    x: float
    real: bool  # False: a padding position of the layer above
    reached: bool  # part of the chosen output unit's field


@dataclass(frozen=True)
class PyramidRow:
    label: str  # layer path ("input" for the input row)
    detail: str  # "k3 s2 p1" etc.
    size: int  # field r after this row's layer, along the axis
    jump: int
    units: tuple[PyramidUnit, ...]


@dataclass(frozen=True)
class PyramidLink:
    row: int  # the upper row; the link goes down to row - 1
    upper: int  # unit index in the upper row
    lower: int  # unit index in the lower row (may be a padding index)
    padding: bool


@dataclass(frozen=True)
class RFPyramid:
    axis: int  # 0 = height, 1 = width
    rows: tuple[PyramidRow, ...]  # input first
    links: tuple[PyramidLink, ...]
    field: tuple[int, int]  # first and last input unit reached


@dataclass(frozen=True)
class _Layer:
    layer: LayerResult
    rf: RF
    k: int  # effective kernel
    s: int
    p: int  # left/top padding
    d: int
    pad_right: int
    n: int  # output units along the axis


def plain_chain(result: NetworkResult) -> list[LayerResult] | None:
    """The primitive ops in order, or None if the network has parallel paths."""
    if any(node.op in ("residual", "concat", "twin") for node in result.walk()):
        return None
    return list(result.leaves())


def _windows(chain: Sequence[LayerResult], axis: int) -> list[_Layer]:
    """The sliding-window layers of ``chain`` up to the last feature map, per the op registry."""
    out: list[_Layer] = []
    for layer in chain:
        if layer.rf is None or len(layer.output) != 3:
            break
        window = OPS[layer.op].window(layer.args, layer.input)
        if not isinstance(window, Window):
            continue  # identity: the field is unchanged, the row would repeat the one below
        pads = layer.args.get("p")  # ((top, bottom), (left, right)) for conv and pools
        right = pads[axis][1] if isinstance(pads, tuple) and isinstance(pads[axis], tuple) else 0
        out.append(_Layer(layer, layer.rf, window.k[axis], window.s[axis], window.p[axis],
                          layer.args.get("d", (1, 1))[axis], right, layer.output[1 + axis]))
    return out


def taps(u: int, k: int, s: int, p: int, d: int) -> range:
    """Indices of the lower-layer units that unit ``u`` sees."""
    first = u * s - p
    return range(first, first + k, d)


def _trace(layers: list[_Layer], sizes: list[int], unit: int) -> tuple[list[set[int]], list[PyramidLink]]:
    """Units reached in each row (input first) from ``unit`` of the top row, and the links."""
    reached: list[set[int]] = [set() for _ in sizes]
    reached[-1] = {unit}
    links: list[PyramidLink] = []
    for row in range(len(layers), 0, -1):
        lay = layers[row - 1]
        for v in sorted(reached[row]):
            if not 0 <= v < sizes[row]:
                continue  # padding: it has no inputs
            for t in taps(v, lay.k, lay.s, lay.p, lay.d):
                links.append(PyramidLink(row, v, t, not 0 <= t < sizes[row - 1]))
                reached[row - 1].add(t)
    return reached, links


def _row(r: int, layers: list[_Layer], n: int, start: float, jump: int, reached: set[int],
         x_range: tuple[float, float], axis: int) -> PyramidRow:
    """Row ``r``: its real units, and the padding the layer above adds, within ``x_range``."""
    above = layers[r] if r < len(layers) else None
    first = min([-above.p if above else 0, *reached])
    last = max([n - 1 + (above.pad_right if above else 0), *reached])
    units = tuple(PyramidUnit(i, start + i * jump, 0 <= i < n, i in reached)
                  for i in range(first, last + 1)
                  if x_range[0] <= start + i * jump <= x_range[1])
    if r == 0:
        return PyramidRow("input", f"{n} px", 1, jump, units)
    lay = layers[r - 1]
    detail = f"k{(lay.k - 1) // lay.d + 1} s{lay.s} p{lay.p}" + (f" d{lay.d}" if lay.d != 1 else "")
    return PyramidRow(lay.layer.path, detail, lay.rf.size[axis], jump, units)


def rf_pyramid(result: NetworkResult, axis: int = 1, unit: int | None = None) -> RFPyramid | None:
    """The pyramid for output unit ``unit`` (default: the centre one) along ``axis``.

    None for networks with parallel paths, fields wider than MAX_FIELD, or a unit that
    sees only padding.
    """
    chain = plain_chain(result)
    if chain is None or len(result.input) != 3:
        return None
    layers = _windows(chain, axis)
    if not layers or layers[-1].rf.size[axis] > MAX_FIELD:
        return None
    u = (layers[-1].n - 1) // 2 if unit is None else unit
    sizes = [result.input[1 + axis]] + [lay.n for lay in layers]
    starts = [0.0] + [lay.rf.start[axis] for lay in layers]
    jumps = [1] + [lay.rf.jump[axis] for lay in layers]
    reached, links = _trace(layers, sizes, u)
    real = [i for i in reached[0] if 0 <= i < sizes[0]]
    if not real:
        return None
    xs = [starts[r] + i * jumps[r] for r in range(len(sizes)) for i in reached[r]]
    x_range = (min(xs) - 1, max(xs) + 1)  # one input unit of context either side
    rows = tuple(_row(r, layers, n, starts[r], jumps[r], reached[r], x_range, axis)
                 for r, n in enumerate(sizes))
    return RFPyramid(axis, rows, tuple(links), (min(real), max(real)))
