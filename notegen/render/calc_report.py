"""``notegen calc`` output: the working for one layer, as text or JSON."""

from __future__ import annotations

from typing import Any

from notegen.engine.receptive_field import INPUT_RF
from notegen.engine.results import NetworkResult
from notegen.engine.working import layer_working
from notegen.render.formatting import count, expr_tex, expr_text, sci_text, shape
from notegen.render.terminal import working_text

SECTIONS = {"output": "Output size", "params": "Parameters", "macs": "MACs (multiply-accumulates)",
            "flops": "FLOPs", "rf": "Receptive field (of one output unit, from a single input pixel)",
            "memory": "Output activations"}


def _working(result: NetworkResult) -> dict[str, list]:
    layer = result.layers[0]
    rf_in = INPUT_RF if len(layer.input) == 3 else None
    return layer_working(layer, rf_in, ("output", "params", "macs", "flops", "rf", "memory"))


def calc_text(result: NetworkResult) -> str:
    layer = result.layers[0]
    out = [f"{layer.op} on input {shape(layer.input)}  ->  output {shape(layer.output)}", ""]
    for key, steps in _working(result).items():
        out.append(working_text(SECTIONS[key], steps))
        out.append("")
    out.append(f"Output shape {shape(layer.output)}; params {count(layer.params)}; "
               f"MACs {count(layer.macs)}; FLOPs {count(layer.flops)}"
               + (f" (≈ {sci_text(layer.flops)})" if layer.flops else ""))
    return "\n".join(out)


def calc_json(result: NetworkResult) -> dict[str, Any]:
    layer = result.layers[0]
    steps = [
        {"quantity": key, "label": st.label, "formula": expr_text(st.expr),
         "substituted": expr_text(st.expr, True), "value": st.value, "note": st.note,
         "tex": f"{st.lhs} = {expr_tex(st.expr)}", "tex_substituted": expr_tex(st.expr, True)}
        for key, group in _working(result).items() for st in group
    ]
    return {
        "op": layer.op, "args": {k: v for k, v in layer.args.items()}, "input": list(layer.input),
        "output": list(layer.output), "params": layer.params, "macs": layer.macs, "flops": layer.flops,
        "rf": list(layer.rf.size) if layer.rf else None, "jump": list(layer.rf.jump) if layer.rf else None,
        "steps": steps,
    }
