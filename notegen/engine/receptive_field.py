"""Receptive-field propagation (per axis) and the hull where paths merge.

The rule (Araujo et al., "Computing Receptive Fields of Convolutional Neural Networks",
Distill 2019; Dang Ha The Hien's "guide to receptive field arithmetic"):
    r <- r + (k_eff − 1)·j,   start <- start + ((k_eff − 1)/2 − p_left)·j,   j <- j·s
with k_eff = d·(k − 1) + 1 and input pixel i centred at coordinate i.
"""

from __future__ import annotations

from typing import Sequence

from notegen.engine.results import RF
from notegen.ops import Window

INPUT_RF = RF(size=(1, 1), jump=(1, 1), start=(0.0, 0.0))


def through(rf: RF, w: Window) -> RF:
    """The field after one sliding-window op."""
    size, jump, start = [], [], []
    for axis in (0, 1):
        r, j, c = rf.size[axis], rf.jump[axis], rf.start[axis]
        k, s, p = w.k[axis], w.s[axis], w.p[axis]
        size.append(r + (k - 1) * j)
        start.append(c + ((k - 1) / 2 - p) * j)
        jump.append(j * s)
    return RF(tuple(size), tuple(jump), tuple(start))


class JumpMismatch(Exception):
    """Merged paths advance at different rates, so no single field describes the output."""

    def __init__(self, jumps: list[tuple[int, int]]) -> None:
        super().__init__(jumps)
        self.jumps = jumps


def hull(fields: Sequence[RF], single: tuple[bool, bool] = (False, False)) -> RF:
    """The smallest field covering every path's field of the first output unit.

    On an axis where the merged output has a single unit (``single``), the jump between
    units is never used, so paths may disagree on it (a stride-2 body on a 1-pixel map
    next to an identity shortcut, as torch allows); the largest is kept.
    """
    jump = []
    for axis in (0, 1):
        jumps = {f.jump[axis] for f in fields}
        if len(jumps) > 1 and not single[axis]:
            raise JumpMismatch(sorted({f.jump for f in fields}))
        jump.append(max(jumps))
    size, start = [], []
    for axis in (0, 1):
        lo = min(f.span(axis)[0] for f in fields)
        hi = max(f.span(axis)[1] for f in fields)
        size.append(int(round(hi - lo)) + 1)
        start.append((lo + hi) / 2)
    return RF(tuple(size), tuple(jump), tuple(start))
