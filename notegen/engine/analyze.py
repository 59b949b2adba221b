"""Walk a network and compute, for every node, shape, params, MACs and receptive field."""

from __future__ import annotations

from typing import Sequence

from notegen.engine.receptive_field import INPUT_RF, JumpMismatch, hull, through
from notegen.engine.results import RF, LayerResult, NetworkResult
from notegen.errors import NotegenError, SourceError
from notegen.model import Concat, Group, Loc, Network, Node, Op, Residual, Twin, child_path
from notegen.ops import OPS, OpError
from notegen.ops.base import COLLAPSE, IDENTITY

Shape = tuple[int, ...]


class AnalysisError(NotegenError):
    """A spec that parses but cannot run: shapes that do not fit, jumps that do not merge."""


def _fail(loc: Loc, path: str, message: str, hint: str = "") -> AnalysisError:
    return AnalysisError([SourceError(loc.path, loc.line, message, hint, path)],
                         f"{loc.path}: the network cannot be computed")


def analyze(network: Network) -> NetworkResult:
    """Figures for ``network``; raises AnalysisError naming the file, line and layer."""
    rf = INPUT_RF if len(network.input) == 3 else None
    layers, shape, _ = _sequence(network.layers, network.input, rf, 0, "")
    params = sum(r.params for r in layers)
    frozen = sum(r.frozen_params for r in layers)
    macs = sum(r.macs for r in layers)
    twins = [r for layer in layers for r in layer.walk() if r.op == "twin"]
    per_input = sum(t.args["macs_per_input"] for t in twins) if twins else None
    return NetworkResult(network.title, network.input, shape, params, frozen, macs,
                         last_feature_map_rf(layers), layers, per_input)


def last_feature_map_rf(results: Sequence[LayerResult]) -> RF | None:
    """The field at the last layer whose output is still a [C, H, W] map."""
    for r in reversed(results):
        if len(r.output) == 3 and r.rf is not None:
            return r.rf
        inner = [c for branch in r.branches for c in branch] if r.op == "twin" else r.children
        if r.op in ("block", "repeat", "seq", "twin"):
            found = last_feature_map_rf(inner)
            if found is not None:
                return found
    return None


def _sequence(nodes: Sequence[Node], shape: Shape, rf: RF | None, depth: int,
              prefix: str) -> tuple[tuple[LayerResult, ...], Shape, RF | None]:
    results = []
    for node in nodes:
        result = _node(node, shape, rf, depth, prefix)
        results.append(result)
        shape, rf = result.output, result.rf
    return tuple(results), shape, rf


def _node(node: Node, shape: Shape, rf: RF | None, depth: int, prefix: str) -> LayerResult:
    path = child_path(prefix, node.name)
    if isinstance(node, Op):
        return _op(node, shape, rf, depth, path)
    if isinstance(node, Group):
        children, out, out_rf = _sequence(node.children, shape, rf, depth + 1, path)
        return _group(node.kind, node, path, depth, shape, out, out_rf, children, block=node.block)
    if isinstance(node, Residual):
        return _residual(node, shape, rf, depth, path)
    if isinstance(node, Concat):
        return _concat(node, shape, rf, depth, path)
    if isinstance(node, Twin):
        return _twin(node, shape, rf, depth, path)
    raise TypeError(node)


def _group(op: str, node: Node, path: str, depth: int, shape: Shape, out: Shape, rf: RF | None,
           children: tuple[LayerResult, ...], *, args: dict | None = None, block: str | None = None,
           branches: tuple = (), macs: int | None = None) -> LayerResult:
    return LayerResult(
        path=path, name=node.name, op=op, depth=depth, input=shape, output=out,
        params=sum(c.params for c in children), frozen_params=sum(c.frozen_params for c in children),
        macs=sum(c.macs for c in children) if macs is None else macs, rf=rf, loc=node.loc,
        args=args or {}, children=children, block=block, branches=branches)


def _op(node: Op, shape: Shape, rf: RF | None, depth: int, path: str) -> LayerResult:
    unit = OPS[node.kind]
    try:
        unit.check_input(shape)
        out = unit.output(node.args, shape)
        params = unit.params(node.args, shape)
        macs = unit.macs(node.args, shape, out)
        window = unit.window(node.args, shape)
    except OpError as err:
        raise _fail(node.loc, path, f"{node.kind} on input {list(shape)}: {err.message}", err.hint) from None
    if window == COLLAPSE or rf is None:
        out_rf = None
    elif window == IDENTITY:
        out_rf = rf
    else:
        out_rf = through(rf, window)
    return LayerResult(path=path, name=node.name, op=node.kind, depth=depth, input=shape, output=out,
                       params=params, frozen_params=params if node.frozen else 0, macs=macs,
                       rf=out_rf, loc=node.loc, args=dict(node.args))


def _merge_rf(fields: list[RF | None], node: Node, path: str, out: Shape) -> RF | None:
    if any(f is None for f in fields):
        return None
    try:
        return hull(fields, (out[1] == 1, out[2] == 1))  # type: ignore[arg-type]
    except JumpMismatch as err:
        jumps = ", ".join(f"{j[0]}×{j[1]}" for j in err.jumps)
        raise _fail(node.loc, path, f"the merged paths have different jumps ({jumps})",
                    "every path into an add or concat must downsample by the same total stride") from None


def _projection(node: Residual, shape: Shape, out: Shape, rf: RF | None, body_rf: RF | None) -> tuple[Op, ...]:
    """torchvision's downsample path: 1×1 conv (the body's stride, no bias) then BN."""
    loc = node.loc
    if len(shape) == 1:
        return (Op("linear", {"out": out[0], "bias": False}, "shortcut.linear", loc, node.frozen),)
    stride = (1, 1)
    if rf is not None and body_rf is not None:
        stride = tuple(max(b // a, 1) for a, b in zip(rf.jump, body_rf.jump))
    conv = OPS["conv"].resolve({"out": out[0], "k": 1, "s": list(stride), "bias": False})
    return (Op("conv", conv, "shortcut.conv", loc, node.frozen), Op("bn", {}, "shortcut.bn", loc, node.frozen))


def _residual(node: Residual, shape: Shape, rf: RF | None, depth: int, path: str) -> LayerResult:
    body, out, body_rf = _sequence(node.body, shape, rf, depth + 1, path)
    kind = node.shortcut_kind
    shortcut_nodes = node.shortcut
    if kind == "auto":
        kind = "identity" if out == shape else "projection"
        if kind == "projection":
            shortcut_nodes = _projection(node, shape, out, rf, body_rf)
    # custom shortcut layers are named inside the spec's "shortcut" list: keep that in the path
    sc_prefix = f"{path}.shortcut" if kind == "custom" else path
    shortcut, sc_out, sc_rf = _sequence(shortcut_nodes, shape, rf, depth + 1, sc_prefix)
    if sc_out != out:
        what = "identity shortcut" if not shortcut else "shortcut"
        hint = ("the automatic 1×1 projection (stride = the body's total stride) cannot reach the "
                "body's output size: pad the body so its size is ⌈n / stride⌉, or give the shortcut "
                "layers yourself" if node.shortcut_kind == "auto"
                else "make the body keep the shape, or use shortcut: auto (1×1 projection)")
        raise _fail(node.loc, path, f"cannot add: the body gives {list(out)} but the {what} gives {list(sc_out)}",
                    hint)
    merged = _merge_rf([body_rf, sc_rf], node, path, out)
    return _group("residual", node, path, depth, shape, out, merged, body + shortcut,
                  args={"shortcut": kind}, branches=(body, shortcut))


def _concat(node: Concat, shape: Shape, rf: RF | None, depth: int, path: str) -> LayerResult:
    branches, outs, fields = [], [], []
    for i, nodes in enumerate(node.branches):
        res, out, out_rf = _sequence(nodes, shape, rf, depth + 1, f"{path}.branch{i + 1}")
        branches.append(res)
        outs.append(out)
        fields.append(out_rf)
    ranks = {len(o) for o in outs}
    if len(ranks) > 1 or any(o[1:] != outs[0][1:] for o in outs):
        got = ", ".join(str(list(o)) for o in outs)
        raise _fail(node.loc, path, f"cannot concat branches of shapes {got}: all but the channels must agree",
                    "give every branch the same stride and padding")
    out = (sum(o[0] for o in outs),) + outs[0][1:]
    children = tuple(c for b in branches for c in b)
    merged = _merge_rf(fields, node, path, out)
    return _group("concat", node, path, depth, shape, out, merged, children, branches=tuple(branches))


def _twin(node: Twin, shape: Shape, rf: RF | None, depth: int, path: str) -> LayerResult:
    encoder, emb, enc_rf = _sequence(node.encoder, shape, rf, depth + 1, path)
    per_input = sum(c.macs for c in encoder)
    if node.merge == "l2":
        out, out_rf = (1,), None
    elif node.merge == "concat":
        out, out_rf = (emb[0] * node.inputs,) + emb[1:], enc_rf
    else:  # none: one embedding per input; l1: |a − b| keeps the embedding's shape
        out, out_rf = emb, enc_rf
    args = {"inputs": node.inputs, "merge": node.merge, "macs_per_input": per_input, "embedding": emb}
    return _group("twin", node, path, depth, shape, out, out_rf, encoder, args=args,
                  branches=(encoder,), macs=per_input * node.inputs)
