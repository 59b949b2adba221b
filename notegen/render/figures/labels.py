"""Short texts written on figures: tensor shapes and what a box stands for.

These are the figure-sized counterparts of the note tables: a sketch box has room for
about fifteen characters a line and three lines.
"""

from __future__ import annotations

from typing import Any, Mapping

from notegen.engine.results import LayerResult

# How a sketch names each op kind; kinds not listed are shown as written in the spec.
DISPLAY: dict[str, str] = {
    "conv": "conv",
    "maxpool": "max pool",
    "avgpool": "avg pool",
    "adaptive_avgpool": "adaptive avg pool",
    "gap": "global avg pool",
    "flatten": "flatten",
    "bn": "BN",
    "gn": "GroupNorm",
    "relu": "ReLU",
    "relu6": "ReLU6",
    "leaky_relu": "LeakyReLU",
    "gelu": "GELU",
    "silu": "SiLU",
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "softmax": "softmax",
    "hardswish": "hardswish",
    "linear": "fc",
    "dropout": "dropout",
    "identity": "identity",
}

MERGE_SYMBOL: dict[str, str] = {
    "add": "+",
    "concat": "C",
    "l1": "|a−b|",
    "l2": "‖a−b‖",
}


def shape_text(shape: tuple[int, ...]) -> str:
    """``(64, 56, 56)`` -> ``64×56×56`` (torch order C×H×W); a vector is its length."""
    return "×".join(str(n) for n in shape)


def _pair_text(pair: Any) -> str:
    if isinstance(pair, (tuple, list)) and len(pair) == 2:
        return str(pair[0]) if pair[0] == pair[1] else f"{pair[0]}×{pair[1]}"
    return str(pair)


def _kernel_text(k: Any) -> str:
    if isinstance(k, (tuple, list)) and len(k) == 2:
        return f"{k[0]}×{k[1]}"
    return f"{k}×{k}"


def _is_one(v: Any) -> bool:
    return v in (1, (1, 1), [1, 1], None)


def op_lines(op: str, args: Mapping[str, Any]) -> tuple[str, ...]:
    """One or two lines naming a primitive op and its key arguments.

    ``conv`` k=3 out=64 s=2 -> ``("conv 3×3", "64, /2")``: kernel with the name, then
    output width, stride (as the factor it divides the map by), dilation and groups.
    """
    name = DISPLAY.get(op, op)
    first = f"{name} {_kernel_text(args['k'])}" if "k" in args else name
    details: list[str] = []
    if "out" in args:
        details.append(_pair_text(args["out"]) if op != "adaptive_avgpool" else
                       "to " + _kernel_text(args["out"]))
    if not _is_one(args.get("s")) and "k" in args:
        details.append(f"/{_pair_text(args['s'])}")
    if not _is_one(args.get("d")):
        details.append(f"d{_pair_text(args['d'])}")
    groups = args.get("groups", 1)
    if groups not in (1, None):
        details.append(f"g{groups}")
    if "p" in args and isinstance(args["p"], (int, float)) and 0 < args["p"] < 1:
        details.append(f"p={args['p']:g}")
    return (first, ", ".join(details)) if details else (first,)


def downsampling(layer: LayerResult) -> str:
    """``/2`` when a node shrinks its feature map by a whole factor, else empty."""
    if len(layer.input) == 3 and len(layer.output) == 3 and layer.output[1] < layer.input[1]:
        factor, rest = divmod(layer.input[1], layer.output[1])
        if rest == 0:
            return f"/{factor}"
    return ""


def box_title(layer: LayerResult) -> str:
    """A group's name for its box; below the top level with its parent's (``layer1.0``)."""
    parts = layer.path.split(".")
    if layer.op in ("residual", "concat") and len(parts) > 2:
        parts = parts[:-1]  # the add inside a block call: name it by the call (layer1.0)
    if layer.depth > 0 or layer.name.isdigit():
        return ".".join(parts[-2:])
    return layer.name


def _blocks(layer: LayerResult) -> list[str]:
    """Names of the block calls inside ``layer`` (not looking inside a block)."""
    found: list[str] = []
    for child in layer.children:
        if child.op == "block":
            found.append(child.block or child.name)
        elif child.children:
            found.extend(_blocks(child))
    return found


def group_lines(layer: LayerResult) -> tuple[str, ...]:
    """Lines for a group drawn as one box: its name, what it holds, its output channels
    and how much it shrinks the map."""
    detail = ""
    if layer.op == "block":
        detail = layer.block or "block"
    elif layer.op in ("repeat", "seq"):
        blocks = _blocks(layer)
        if blocks and len(set(blocks)) == 1:
            detail = f"{len(blocks)}× {blocks[0]}"
        elif layer.op == "repeat":
            detail = f"{len(layer.children)}× {layer.children[0].op if layer.children else ''}"
        else:
            detail = f"{len(layer.children)} parts"
    elif layer.op == "residual":
        detail = "residual"
    elif layer.op == "concat":
        detail = f"concat, {len(layer.branches)} branches"
    elif layer.op == "twin":
        detail = f"twin ×{layer.args.get('inputs', 2)}"
    size = [f"{layer.output[0]} ch"] if len(layer.output) == 3 else []
    size += [downsampling(layer)] if downsampling(layer) else []
    return tuple(line for line in (box_title(layer), detail, ", ".join(size)) if line)
