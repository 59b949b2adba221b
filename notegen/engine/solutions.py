"""Solve a worked example: the engine's figures plus the working for each asked quantity."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Iterator, Sequence

from notegen.engine.analyze import analyze
from notegen.engine.expr import Num, Sym, add, div, mul
from notegen.engine.losses import LossSolution, solve_loss
from notegen.engine.receptive_field import INPUT_RF
from notegen.engine.results import RF, GROUP_OPS, LayerResult, NetworkResult
from notegen.engine.working import (Step, bytes_step, flops_step, total_expr_step, macs_steps, memory_steps, output_steps,
                                    params_steps, rf_steps, total_step, trainable_step)
from notegen.model import Example


@dataclass(frozen=True)
class LayerSteps:
    layer: LayerResult
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class QuantityWorking:
    """How one asked quantity is found: per-layer steps, then the total (if several layers)."""

    quantity: str
    layers: tuple[LayerSteps, ...]
    total: tuple[Step, ...]


@dataclass(frozen=True)
class VariantSolution:
    label: str
    result: NetworkResult
    working: tuple[QuantityWorking, ...]


@dataclass(frozen=True)
class ExampleSolution:
    example: Example
    variants: tuple[VariantSolution, ...]
    ratios: tuple[Step, ...] = ()
    loss: LossSolution | None = None


def leaves_with_rf_in(results: Sequence[LayerResult], rf_in: RF | None) -> Iterator[tuple[LayerResult, RF | None]]:
    """Every primitive layer with the field *before* it, following branches."""
    for r in results:
        if r.op not in GROUP_OPS:
            yield r, rf_in
        elif r.branches:
            for branch in r.branches:
                yield from leaves_with_rf_in(branch, rf_in)
        else:
            yield from leaves_with_rf_in(r.children, rf_in)
        rf_in = r.rf


def _per_layer(result: NetworkResult, build) -> tuple[LayerSteps, ...]:
    rf0 = INPUT_RF if len(result.input) == 3 else None
    out = []
    for layer, rf_in in leaves_with_rf_in(result.layers, rf0):
        steps = build(layer, rf_in)
        if steps:
            out.append(LayerSteps(layer, tuple(steps)))
    return tuple(out)


def _total(lhs: str, label: str, rows: tuple[LayerSteps, ...], attr: str, expected: int) -> tuple[Step, ...]:
    if len(rows) < 2:
        return ()
    return (total_step(lhs, label, [(r.layer.path, getattr(r.layer, attr)) for r in rows], expected),)


def quantity_working(result: NetworkResult, quantity: str) -> QuantityWorking:
    if quantity == "output":
        return QuantityWorking(quantity, _per_layer(result, lambda l, _: output_steps(l)), ())
    if quantity == "params":
        rows = _per_layer(result, lambda l, _: params_steps(l))
        return QuantityWorking(quantity, rows, _total("P", "params", rows, "params", result.params))
    if quantity == "trainable":
        # Counted directly over the layers that still learn; the frozen rest is P - P_train.
        rows = tuple(r for r in _per_layer(result, lambda l, _: params_steps(l)) if r.layer.trainable_params)
        total = _total("P_{train}", "trainable", rows, "trainable_params", result.trainable_params)
        if not rows:
            total = (trainable_step(result.params, result.frozen_params),)
        return QuantityWorking(quantity, rows, total)
    if quantity == "macs":
        rows = _per_layer(result, lambda l, _: macs_steps(l))
        if result.macs_per_input is None:
            return QuantityWorking(quantity, rows, _total("\\text{MACs}", "MACs", rows, "macs", result.macs))
        return QuantityWorking(quantity, rows, _twin_total(result, rows))
    if quantity == "flops":
        return QuantityWorking(quantity, (), (flops_step(result.macs),))
    if quantity == "rf":
        rows = _per_layer(result, lambda l, rf_in: rf_steps(l, rf_in) if rf_in else [])
        return QuantityWorking(quantity, rows, ())
    if quantity == "memory":
        # Every layer's output is kept for the backward pass: count each, then add them up.
        rows = _per_layer(result, lambda l, _: memory_steps(l.output)[:1])
        if len(rows) < 2:
            return QuantityWorking(quantity, (), tuple(memory_steps(result.output)))
        total = total_step("N_{act}", "activations, all layers", [(r.layer.path, r.layer.activations) for r in rows],
                           sum(r.layer.activations for r in rows))
        return QuantityWorking(quantity, rows, (total, bytes_step(total.value)))
    raise ValueError(quantity)


def _twin_total(result: NetworkResult, rows: tuple[LayerSteps, ...]) -> tuple[Step, ...]:
    """Shared weights, separate inputs: the encoder's MACs count once per input."""
    twins = [r for r in result.walk() if r.op == "twin"]
    inside = tuple(r for r in rows if any(r.layer.path.startswith(t.path + ".") for t in twins))
    head = tuple(r for r in rows if r not in inside)
    steps: list[Step] = []
    steps += _total("\\text{MACs}_{enc}", "MACs of the encoder, one input", inside, "macs",
                    result.macs_per_input)
    head_macs = result.macs - sum(t.macs for t in twins)
    steps += _total("\\text{MACs}_{head}", "MACs after the merge", head, "macs", head_macs)
    terms = [mul(Num(t.args["inputs"]), Sym("\\text{MACs}_{enc}", t.args["macs_per_input"], "MACs_enc"))
             for t in twins]
    if head_macs:
        terms.append(Sym("\\text{MACs}_{head}", head_macs, "MACs_head"))
    steps.append(total_expr_step("\\text{MACs}", "MACs", add(*terms), result.macs))
    return tuple(steps)


def _ratio(quantity: str, a: VariantSolution, b: VariantSolution) -> Step | None:
    x, y = getattr(a.result, quantity), getattr(b.result, quantity)
    if not x or not y:
        return None
    name = {"params": "params", "macs": "MACs", "flops": "FLOPs"}[quantity]
    expr = div(Sym(f"\\text{{{name}}}_a", x), Sym(f"\\text{{{name}}}_b", y))
    return Step(f"\\frac{{\\text{{{name}}}_a}}{{\\text{{{name}}}_b}}", f"{name} ratio", expr,
                float(Fraction(x, y)))


def solve(example: Example) -> ExampleSolution:
    """The full solution of one worked example (networks analysed, working built)."""
    if example.loss is not None:
        return ExampleSolution(example, (), (), solve_loss(example.loss))
    variants = []
    for v in example.variants:
        result = analyze(v.network)
        working = tuple(quantity_working(result, q) for q in example.ask)
        variants.append(VariantSolution(v.label, result, working))
    ratios: tuple[Step, ...] = ()
    if len(variants) == 2:
        found = (_ratio(q, variants[0], variants[1]) for q in example.ask if q in ("params", "macs", "flops"))
        ratios = tuple(r for r in found if r is not None)
    return ExampleSolution(example, tuple(variants), ratios)
