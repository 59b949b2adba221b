"""Terminal reports: the ``inspect`` table, its JSON form, and ``calc`` working."""

from __future__ import annotations

from typing import Any, Sequence

from notegen.engine.results import RF, LayerResult, NetworkResult
from notegen.engine.working import Step
from notegen.render.formatting import count, expr_text, human, sci_text, shape, text_number

CONVENTIONS = ("params: weights + biases (BatchNorm: 2·C; running stats are buffers). "
               "MACs: conv and linear multiply-accumulates only. FLOPs = 2·MACs. "
               "RF: size/jump in input pixels per axis, batch 1.")


def _rf_text(rf: RF | None, field: str) -> str:
    if rf is None:
        return "-"
    h, w = getattr(rf, field)
    return str(h) if h == w else f"{h}×{w}"


def _label(layer: LayerResult) -> str:
    if layer.op in ("block", "repeat") and layer.block:
        return f"{layer.block}×{len(layer.children)}" if layer.op == "repeat" else layer.block
    return layer.op


def inspect_table(result: NetworkResult, depth: int) -> str:
    """A torchinfo-style table collapsed to ``depth``, then totals and conventions."""
    header = ("Layer", "Op", "Output", "Params", "MACs", "RF", "Jump")
    rows = [("  " * l.depth + l.path.rsplit(".", 1)[-1] if l.depth else l.path, _label(l),
             shape(l.output), count(l.params), count(l.macs), _rf_text(l.rf, "size"), _rf_text(l.rf, "jump"))
            for l in result.at_depth(depth)]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    right = {3, 4, 5, 6}

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    rule = "-" * len(line(header))
    out = [f"{result.title}: input {shape(result.input)}", rule, line(header), rule]
    out += [line(r) for r in rows]
    out.append(rule)
    rf = result.receptive_field
    out += [
        f"Output:            {shape(result.output)}",
        f"Params:            {count(result.params)} ({human(result.params)})",
        f"Trainable params:  {count(result.trainable_params)}",
        f"Frozen params:     {count(result.frozen_params)}",
        f"MACs:              {count(result.macs)} ({human(result.macs)})",
        f"FLOPs:             {count(result.flops)} ({sci_text(result.flops)})",
    ]
    if result.macs_per_input is not None:
        out.append(f"MACs per input:    {count(result.macs_per_input)}")
    if rf is not None:
        out.append(f"Receptive field:   {_rf_text(rf, 'size')} px, jump {_rf_text(rf, 'jump')} "
                   "(at the last feature map)")
    out += [rule, CONVENTIONS]
    return "\n".join(out)


def _rf_json(rf: RF | None) -> dict[str, Any] | None:
    if rf is None:
        return None
    return {"size": list(rf.size), "jump": list(rf.jump), "start": list(rf.start)}


def layer_json(layer: LayerResult) -> dict[str, Any]:
    return {
        "name": layer.path, "op": layer.op, "depth": layer.depth, "input": list(layer.input),
        "output": list(layer.output), "params": layer.params, "trainable_params": layer.trainable_params,
        "macs": layer.macs, "flops": layer.flops, "activations": layer.activations,
        "rf": list(layer.rf.size) if layer.rf else None, "jump": list(layer.rf.jump) if layer.rf else None,
        "start": list(layer.rf.start) if layer.rf else None,
        "line": layer.loc.line,
    }


def inspect_json(result: NetworkResult, depth: int | None = None) -> dict[str, Any]:
    rows = result.walk() if depth is None else result.at_depth(depth)
    return {
        "title": result.title, "input": list(result.input), "output": list(result.output),
        "params": result.params, "trainable_params": result.trainable_params,
        "frozen_params": result.frozen_params, "macs": result.macs, "flops": result.flops,
        "macs_per_input": result.macs_per_input,
        "receptive_field": _rf_json(result.receptive_field),
        "conventions": CONVENTIONS,
        "layers": [layer_json(l) for l in rows],
    }


def working_text(title: str, steps: Sequence[Step], result_label: str = "") -> str:
    """Formula, then numbers substituted, then the result — one block per step."""
    out = [title]
    for st in steps:
        lhs = st.label
        pad = " " * (len(lhs) + 1)
        sym, num = expr_text(st.expr), expr_text(st.expr, substitute=True)
        out.append(f"  {lhs} = {sym}")
        if num != sym:
            out.append(f"  {pad}= {num}")
        out.append(f"  {pad}= {text_number(st.value)}")
        if st.note:
            out.append(f"  ({st.note})")
    if result_label:
        out.append(f"  -> {result_label}")
    return "\n".join(out)
