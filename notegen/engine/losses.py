"""Metric-learning losses worked by hand: contrastive (pairs) and triplet.

Contrastive (Hadsell, Chopra & LeCun 2006, without the ½ factors):
    L = y·d² + (1 − y)·max(0, m − d)²,  d = ‖a − b‖₂, averaged over the pairs.
Triplet (Schroff et al. 2015, as torch.nn.TripletMarginLoss with p = 2):
    L = max(0, d(a, p) − d(a, n) + m).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from notegen.engine.expr import Expr, Num, Sym, add, div, evaluate, fn, sub
from notegen.engine.working import Step
from notegen.model import LossSpec


@dataclass(frozen=True)
class LossTerm:
    """The working for one pair (or the triplet): distances, then its loss term."""

    label: str
    same: bool | None
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class LossSolution:
    kind: str
    margin: float
    terms: tuple[LossTerm, ...]
    total: Step
    value: float


def _step(lhs: str, label: str, expr: Expr) -> Step:
    return Step(lhs, label, expr, float(evaluate(expr)))


def distance(a: Sequence[float], b: Sequence[float], lhs: str, label: str) -> Step:
    """Euclidean distance with every coordinate difference shown."""
    diffs = [fn("square", sub(Num(x), Num(y))) for x, y in zip(a, b)]
    return _step(lhs, label, fn("sqrt", add(*diffs)))


def solve_loss(spec: LossSpec) -> LossSolution:
    m = Sym("m", spec.margin)
    if spec.kind == "triplet":
        d_ap = distance(spec.anchor, spec.positive, "d(a,p)", "d(a,p)")
        d_an = distance(spec.anchor, spec.negative, "d(a,n)", "d(a,n)")
        loss = _step("L", "L", fn("max", Num(0), add(sub(Sym("d(a,p)", d_ap.value), Sym("d(a,n)", d_an.value)), m)))
        return LossSolution("triplet", spec.margin, (LossTerm("triplet", None, (d_ap, d_an, loss)),), loss, loss.value)
    terms = []
    for i, (a, b, same) in enumerate(spec.pairs, 1):
        d = distance(a, b, f"d_{i}", f"d_{i}")
        ds = Sym(f"d_{i}", d.value)
        if same:
            term = _step(f"L_{i}", f"L_{i}", fn("square", ds))
        else:
            term = _step(f"L_{i}", f"L_{i}", fn("square", fn("max", Num(0), sub(m, ds))))
        terms.append(LossTerm(f"pair {i}", same, (d, term)))
    parts = [Sym(f"L_{i}", t.steps[-1].value) for i, t in enumerate(terms, 1)]
    total = _step("L", "L", div(add(*parts), Num(len(parts))) if len(parts) > 1 else parts[0])
    return LossSolution("contrastive", spec.margin, tuple(terms), total, total.value)
