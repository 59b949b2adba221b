"""Words for layers and asked quantities, as a student would write them in an exam."""

from __future__ import annotations

from typing import Any

from notegen.engine.results import LayerResult

ASK_WORDS = {"output": "the output shape", "params": "the number of parameters",
             "trainable": "the number of trainable parameters", "macs": "the MACs",
             "flops": "the FLOPs", "rf": "the receptive field", "memory": "the activation memory"}
ASK_TITLES = {"output": "Output shape", "params": "Parameters", "trainable": "Trainable parameters",
              "macs": "MACs (multiply–accumulates)", "flops": "FLOPs", "rf": "Receptive field",
              "memory": "Activation memory"}


def _pair(v: Any, sep: str = "×") -> str:
    if isinstance(v, tuple) and len(v) == 2 and not isinstance(v[0], tuple):
        return str(v[0]) if v[0] == v[1] else f"{v[0]}{sep}{v[1]}"
    return str(v)


def _padding(p: Any) -> str:
    (t, b), (l, r) = p
    if t == b and l == r:
        return _pair((t, l), ", ") if t != l else str(t)
    return f"top {t}, bottom {b}, left {l}, right {r}"


def layer_words(layer: LayerResult) -> str:
    """'conv 3×3, 64 filters, stride 2, padding 1, no bias' and the like."""
    a, op = layer.args, layer.op
    if op == "conv":
        kh, kw = a["k"]
        parts = [f"conv {kh}×{kw}", f"{a['out']} filters"]
        if a["s"] != (1, 1):
            parts.append(f"stride {_pair(a['s'])}")
        if a["p"] != ((0, 0), (0, 0)):
            parts.append(f"padding {_padding(a['p'])}")
        if a["d"] != (1, 1):
            parts.append(f"dilation {_pair(a['d'])}")
        if a["groups"] != 1:
            parts.append(f"{a['groups']} groups")
        if not a["bias"]:
            parts.append("no bias")
        return ", ".join(parts)
    if op in ("maxpool", "avgpool"):
        kh, kw = a["k"]
        parts = [f"{op[:3]} pool {kh}×{kw}", f"stride {_pair(a['s'])}"]
        if a["p"] != ((0, 0), (0, 0)):
            parts.append(f"padding {_padding(a['p'])}")
        if a["ceil"]:
            parts.append("ceil mode")
        return ", ".join(parts)
    if op == "adaptive_avgpool":
        return f"adaptive avg pool to {_pair(a['out'])}"
    if op == "linear":
        outputs = "1 output" if a["out"] == 1 else f"{a['out']} outputs"
        return f"fully connected, {outputs}" + ("" if a["bias"] else ", no bias")
    if op == "gap":
        return "global average pool"
    if op == "bn":
        return "batch norm"
    if op == "gn":
        return f"group norm, {a['groups']} groups"
    if op == "dropout":
        return f"dropout p = {a['p']}"
    if op == "residual":
        return f"residual add ({a.get('shortcut', 'identity')} shortcut)"
    if op == "concat":
        return f"concat of {len(layer.branches)} branches"
    if op == "twin":
        return f"shared-weight encoder on {a['inputs']} inputs (merge: {a['merge']})"
    if op == "seq":
        blocks = {c.block for c in layer.children}
        if len(blocks) == 1 and None not in blocks:
            n = sum(len(c.children) if c.op == "repeat" else 1 for c in layer.children)
            return f"{n} × {blocks.pop()} block"
        return f"sequence of {len(layer.children)} layers"
    if op in ("block", "repeat") and layer.block:
        return f"{layer.block} block" + (f" ×{len(layer.children)}" if op == "repeat" else "")
    return op.replace("_", " ")


def ask_sentence(asks: tuple[str, ...]) -> str:
    words = [ASK_WORDS[a] for a in asks] or ["the loss"]
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]
