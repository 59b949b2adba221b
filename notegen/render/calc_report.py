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


def stack_text(result: NetworkResult) -> str:
    """A stack layer by layer: each layer's output size and receptive-field working."""
    from notegen.engine.solutions import leaves_with_rf_in
    from notegen.render.describe import layer_words

    rf0 = INPUT_RF if len(result.input) == 3 else None
    out = [f"stack on input {shape(result.input)}  ->  output {shape(result.output)}", ""]
    for layer, rf_in in leaves_with_rf_in(result.layers, rf0):
        work = layer_working(layer, rf_in, ("output", "rf"))
        out.append(f"{layer.path}: {layer_words(layer)}  ->  {shape(layer.output)}")
        for key, steps in work.items():
            out.append(working_text(f"  {SECTIONS[key].split(' (')[0]}", steps))
        out.append("")
    rf = result.receptive_field
    summary = f"Output {shape(result.output)}; params {count(result.params)}; MACs {count(result.macs)}"
    if rf is not None:
        size = str(rf.size[0]) if rf.size[0] == rf.size[1] else f"{rf.size[0]}×{rf.size[1]}"
        jump = str(rf.jump[0]) if rf.jump[0] == rf.jump[1] else f"{rf.jump[0]}×{rf.jump[1]}"
        summary += f"; receptive field {size} px, jump {jump}"
    out.append(summary)
    return "\n".join(out)
