"""Step-by-step working for the exam quantities, as evaluated expression trees.

Each builder returns :class:`Step` objects whose value is the evaluated expression; the
builders check it against the engine's own figure, so the working shown and the number
reported come from one computation and a disagreement is a bug caught at build time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from notegen.engine.expr import Expr, Num, Sym, add, div, evaluate, fn, mul, normal, sub
from notegen.engine.results import RF, LayerResult
from notegen.model import QUANTITIES

FLOAT32_BYTES = 4


@dataclass(frozen=True)
class Step:
    """``lhs = expr = value``; ``lhs`` is TeX, ``label`` plain text, ``note`` an aside."""

    lhs: str
    label: str
    expr: Expr
    value: int | float
    note: str = ""


def _step(lhs: str, label: str, expr: Expr, expected: int | float | None = None, note: str = "") -> Step:
    value = normal(evaluate(expr))
    if expected is not None and value != expected:
        raise AssertionError(f"working for {label} gives {value}, engine gives {expected}")
    return Step(lhs, label, expr, value, note)


def _same_axes(layer: LayerResult) -> bool:
    a = layer.args
    spatial_same = len(layer.input) == 3 and layer.input[1] == layer.input[2]
    return spatial_same and all(
        a[key][0] == a[key][1] for key in ("k", "s", "d", "p") if key in a)


# --- output shape -----------------------------------------------------------------

def output_steps(layer: LayerResult) -> list[Step]:
    """How the output shape follows from the input and the op's arguments."""
    if layer.op in ("conv", "maxpool", "avgpool"):
        axes = (0,) if _same_axes(layer) else (0, 1)
        steps: list[Step] = []
        for axis in axes:
            steps.extend(_window_size_steps(layer, axis, both=len(axes) == 1))
        return steps
    if layer.op == "flatten" and len(layer.input) == 3:
        c, h, w = layer.input
        return [_step("F", "F", mul(Sym("C", c), Sym("H", h), Sym("W", w)), layer.output[0])]
    return []


def _window_size_steps(layer: LayerResult, axis: int, both: bool) -> list[Step]:
    a = layer.args
    n = layer.input[1 + axis]
    name = "H" if axis == 0 else "W"
    lhs = "H_{out} = W_{out}" if both else f"{name}_{{out}}"
    label = "H_out = W_out" if both else f"{name}_out"
    k, s = a["k"][axis], a["s"][axis]
    top, bottom = a["p"][axis]
    d = a.get("d", (1, 1))[axis]
    pad: Expr = mul(Num(2), Sym("P", top)) if top == bottom else add(Sym("P_1", top), Sym("P_2", bottom))
    kernel: Expr = Sym("K", k) if d == 1 else add(mul(Sym("D", d), sub(Sym("K", k), Num(1))), Num(1))
    frac = div(sub(add(Sym(f"{name}_{{in}}", n, name + "_in"), pad), kernel), Sym("S", s))
    ceil_mode = bool(a.get("ceil"))
    expr = add(fn("ceil" if ceil_mode else "floor", frac), Num(1))
    out = layer.output[1 + axis]
    if not ceil_mode or normal(evaluate(expr)) == out:
        return [_step(lhs, label, expr, out)]
    # torch drops a last window that would start in the right padding
    first = _step(lhs, label, expr)
    start = (first.value - 1) * s
    note = (f"ceil mode: the last window would start at ({first.value} − 1)·{s} = {start}, "
            f"which is not inside the input plus left padding ({n} + {top} = {n + top}), so torch drops it")
    return [first, _step(lhs, label, sub(Num(first.value), Num(1)), out, note)]


# --- parameters, MACs, FLOPs ------------------------------------------------------

def params_steps(layer: LayerResult) -> list[Step]:
    a, op = layer.args, layer.op
    if op == "conv":
        kh, kw = a["k"]
        c_in = layer.input[0]
        per = div(Sym("C_{in}", c_in), Sym("g", a["groups"])) if a["groups"] > 1 else Sym("C_{in}", c_in)
        w = mul(Sym("K_h", kh), Sym("K_w", kw), per, Sym("C_{out}", a["out"]))
        expr = add(w, Sym("C_{out}", a["out"])) if a["bias"] else w
        return [_step("\\text{params}", "params", expr, layer.params)]
    if op == "linear":
        w = mul(Sym("F_{in}", layer.input[0]), Sym("F_{out}", a["out"]))
        expr = add(w, Sym("F_{out}", a["out"])) if a["bias"] else w
        return [_step("\\text{params}", "params", expr, layer.params)]
    if op in ("bn", "gn"):
        return [_step("\\text{params}", "params", mul(Num(2), Sym("C", layer.input[0])), layer.params)]
    return []


def macs_steps(layer: LayerResult) -> list[Step]:
    a, op = layer.args, layer.op
    if op == "conv":
        _, ho, wo = layer.output
        kh, kw = a["k"]
        c_in = layer.input[0]
        per = div(Sym("C_{in}", c_in), Sym("g", a["groups"])) if a["groups"] > 1 else Sym("C_{in}", c_in)
        expr = mul(Sym("H_{out}", ho), Sym("W_{out}", wo), Sym("K_h", kh), Sym("K_w", kw), per,
                   Sym("C_{out}", a["out"]))
        return [_step("\\text{MACs}", "MACs", expr, layer.macs)]
    if op == "linear":
        expr = mul(Sym("F_{in}", layer.input[0]), Sym("F_{out}", a["out"]))
        return [_step("\\text{MACs}", "MACs", expr, layer.macs)]
    return []


def total_step(lhs: str, label: str, parts: Iterable[tuple[str, int]], expected: int) -> Step:
    """``total = a + b + …`` over named per-layer figures."""
    terms = [Sym(f"\\text{{{_tex_escape(name)}}}", value, name) for name, value in parts]
    expr: Expr = add(*terms) if terms else Num(0)
    return _step(lhs, label, expr, expected)


def total_expr_step(lhs: str, label: str, expr: Expr, expected: int) -> Step:
    """A total given as an expression (checked against the engine's figure)."""
    return _step(lhs, label, expr, expected)


def flops_step(macs: int) -> Step:
    return _step("\\text{FLOPs}", "FLOPs", mul(Num(2), Sym("\\text{MACs}", macs, "MACs")), 2 * macs)


def trainable_step(total: int, frozen: int) -> Step:
    expr = sub(Sym("P_{total}", total, "P_total"), Sym("P_{frozen}", frozen, "P_frozen"))
    return _step("P_{train}", "trainable", expr, total - frozen)


def memory_steps(shape: tuple[int, ...]) -> list[Step]:
    """Values in an output of ``shape`` and their float32 bytes."""
    names = ("C", "H", "W") if len(shape) == 3 else ("F",)
    count = mul(*[Sym(n, v) for n, v in zip(names, shape)]) if len(shape) > 1 else Sym("F", shape[0])
    n = normal(evaluate(count))
    return [_step("N_{act}", "activations", count, n), bytes_step(n)]


def bytes_step(n_values: int) -> Step:
    """float32 storage for ``n_values`` activations."""
    return _step("\\text{bytes}", "bytes (float32)", mul(Num(FLOAT32_BYTES), Sym("N_{act}", n_values, "N_act")))


# --- receptive field ----------------------------------------------------------------

def rf_steps(layer: LayerResult, rf_in: RF) -> list[Step]:
    """r and j after a sliding-window op, from the field before it (one axis if symmetric)."""
    if layer.rf is None or layer.op not in ("conv", "maxpool", "avgpool", "adaptive_avgpool"):
        return []
    a = layer.args
    axes = (0,) if _same_axes(layer) and rf_in.size[0] == rf_in.size[1] and rf_in.jump[0] == rf_in.jump[1] else (0, 1)
    steps = []
    for axis in axes:
        sfx = "" if len(axes) == 1 else ("_h" if axis == 0 else "_w")
        if layer.op == "adaptive_avgpool":
            k_eff, s = _adaptive_window(layer, axis)
            kernel: Expr = Sym("K", k_eff)
        else:
            k, d = a["k"][axis], a.get("d", (1, 1))[axis]
            s = a["s"][axis]
            kernel = Sym("K", k) if d == 1 else add(mul(Sym("D", d), sub(Sym("K", k), Num(1))), Num(1))
        r = add(Sym(f"r_{{in}}{sfx}", rf_in.size[axis], "r_in"),
                mul(sub(kernel, Num(1)), Sym(f"j_{{in}}{sfx}", rf_in.jump[axis], "j_in")))
        j = mul(Sym(f"j_{{in}}{sfx}", rf_in.jump[axis], "j_in"), Sym("S", s))
        steps.append(_step(f"r{sfx}", "r" + sfx, r, layer.rf.size[axis]))
        steps.append(_step(f"j{sfx}", "j" + sfx, j, layer.rf.jump[axis]))
    return steps


def _adaptive_window(layer: LayerResult, axis: int) -> tuple[int, int]:
    from notegen.ops import OPS

    w = OPS["adaptive_avgpool"].window(layer.args, layer.input)
    return w.k[axis], w.s[axis]


def _tex_escape(text: str) -> str:
    return text.replace("\\", "\\backslash ").replace("_", "\\_").replace("#", "\\#").replace(
        "&", "\\&").replace("%", "\\%").replace("$", "\\$").replace("{", "\\{").replace("}", "\\}")


def layer_working(layer: LayerResult, rf_in: RF | None, asks: Iterable[str] = QUANTITIES) -> dict[str, list[Step]]:
    """Working for one primitive layer, per asked quantity (empty lists are dropped)."""
    asks = tuple(asks)
    out: dict[str, list[Step]] = {}
    if "output" in asks:
        out["output"] = output_steps(layer)
    if "params" in asks or "trainable" in asks:
        out["params"] = params_steps(layer)
    if "macs" in asks or "flops" in asks:
        out["macs"] = macs_steps(layer)
    if "flops" in asks and layer.macs:
        out["flops"] = [flops_step(layer.macs)]
    if "rf" in asks and rf_in is not None:
        out["rf"] = rf_steps(layer, rf_in)
    if "memory" in asks:
        out["memory"] = memory_steps(layer.output)
    return {k: v for k, v in out.items() if v}
