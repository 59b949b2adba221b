"""Real ``torch.nn`` modules for an analysed network, and measurements taken on them.

The engine's figures are checked against torch itself. :func:`build_module` walks the
``LayerResult`` tree of a :class:`NetworkResult` - leaves from their resolved ``args`` and
input shape, residual / concat / twin nodes from their ``branches`` - and returns a module
for a batch of one, with the module of every node. Only the resolved arguments and
each op's input channel count go in: torch decides every output shape, parameter and MAC.
:func:`count_params` and :func:`run` measure the module; :func:`field_spans` measures a
receptive field by back-propagation.

``build_module(result, probe=True)`` gives the *geometry probe* used for receptive fields: the
same sliding windows with one channel, every conv weight 1 and no bias, max-pools as
average pools of the same geometry, norms / activations / dropout as the identity and a
concat as a sum. A unit's field is where the gradient of its output is non-zero; with
non-negative weights and a positive input no two paths cancel, so the pixels reached are
exactly the pixels connected to the unit. Channels cannot change that set (each output
channel of a conv reads the same window of its input channels, and GroupNorm's statistics
are ignored by the receptive field as batch statistics are), so one channel gives the
spans of the full network at a fraction of the cost - cheap enough for ResNet-50 on a
1,000-pixel image. It runs in float64 so that long products of averaging weights cannot
underflow to an exact zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import torch
from torch import nn

from notegen.engine.results import LayerResult, NetworkResult

SEQUENTIAL_GROUPS = ("block", "repeat", "seq")

ACTIVATIONS = {
    "relu": nn.ReLU,
    "relu6": nn.ReLU6,
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "gelu": nn.GELU,
    "silu": nn.SiLU,
    "hardswish": nn.Hardswish,
    "identity": nn.Identity,
}

Span = tuple[int, int]


class Residual(nn.Module):
    """body(x) + shortcut(x); an empty shortcut is the identity."""

    def __init__(self, body: nn.Module, shortcut: nn.Module) -> None:
        super().__init__()
        self.body, self.shortcut = body, shortcut

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x) + self.shortcut(x)


class Concat(nn.Module):
    """Branches on the same input joined on channels (summed in the one-channel probe)."""

    def __init__(self, branches: Sequence[nn.Module], join: str = "cat") -> None:
        super().__init__()
        self.branches = nn.ModuleList(branches)
        self.join = join

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        outs = [branch(x) for branch in self.branches]
        if self.join == "sum":
            return torch.stack(outs).sum(0)
        return torch.cat(outs, dim=1)


class Twin(nn.Module):
    """One encoder run once per input with shared weights. Every input is ``x`` here: the
    cross-check is about shapes and counts, not values."""

    def __init__(self, encoder: nn.Module, inputs: int, merge: str) -> None:
        super().__init__()
        self.encoder, self.inputs, self.merge = encoder, inputs, merge

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        embs = [self.encoder(x) for _ in range(self.inputs)]
        if self.merge == "l1":
            return (embs[0] - embs[1]).abs()
        if self.merge == "l2":
            return (embs[0] - embs[1]).flatten(1).norm(dim=1, keepdim=True)
        if self.merge == "concat":
            return torch.cat(embs, dim=1)
        return embs[0]


class Built:
    """A built network: the module (eval mode), every node of the result tree with its
    module (pre-order, as ``NetworkResult.walk``), and the engine leaf each primitive module
    stands for. Nodes are matched by identity, not by path, so a check stays meaningful
    even if two nodes were to share a path."""

    def __init__(self, module: nn.Module, nodes: list[tuple[LayerResult, nn.Module]]) -> None:
        self.module, self.nodes = module, nodes
        self.leaves = {m: node for node, m in nodes if not node.is_group}

    def module_for(self, node: LayerResult) -> nn.Module:
        return next(m for n, m in self.nodes if n is node)


def build_module(result: NetworkResult, *, probe: bool = False) -> Built:
    """The network as torch modules; the input is ``(1, *result.input)`` (``(1, 1, H, W)``
    for the probe). Eval mode: batch-1 BatchNorm1d is legal and dropout the identity."""
    nodes: list[tuple[LayerResult, nn.Module]] = []
    module = _sequence(result.layers, nodes, probe)
    module.eval()
    if probe:
        module.double()
        for m in module.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.ones_(m.weight)
    return Built(module, nodes)


def _sequence(layers: Iterable[LayerResult], nodes: list[tuple[LayerResult, nn.Module]],
              probe: bool) -> nn.Sequential:
    seq = nn.Sequential()
    for i, node in enumerate(layers):
        at = len(nodes)
        nodes.append((node, nn.Identity()))  # placeholder keeps pre-order
        module = _node(node, nodes, probe)
        nodes[at] = (node, module)
        # torch-style names where they are valid and unique, for readable summaries
        name = node.name if node.name.isidentifier() and node.name not in seq._modules else str(i)
        seq.add_module(name, module)
    return seq


def _node(node: LayerResult, nodes: list[tuple[LayerResult, nn.Module]], probe: bool) -> nn.Module:
    if node.op in SEQUENTIAL_GROUPS:
        return _sequence(node.children, nodes, probe)
    if node.op == "residual":
        body, shortcut = node.branches
        return Residual(_sequence(body, nodes, probe), _sequence(shortcut, nodes, probe))
    if node.op == "concat":
        branches = [_sequence(b, nodes, probe) for b in node.branches]
        return Concat(branches, "sum" if probe else "cat")
    if node.op == "twin":
        (encoder,) = node.branches
        # the probe needs one pass of the encoder and no merge: a field lives on the map
        inputs, merge = (1, "none") if probe else (node.args["inputs"], node.args["merge"])
        return Twin(_sequence(encoder, nodes, probe), inputs, merge)
    return probe_leaf(node) if probe else leaf(node)


def _conv(a: Mapping, c_in: int, c_out: int, groups: int, bias: bool) -> nn.Module:
    (top, bottom), (left, right) = a["p"]
    geometry = dict(kernel_size=a["k"], stride=a["s"], dilation=a["d"], groups=groups, bias=bias)
    if top == bottom and left == right:
        return nn.Conv2d(c_in, c_out, padding=(top, left), **geometry)
    # padding='same' with an even (dilated) kernel: torch puts the odd pixel at the
    # bottom / right. nn.ZeroPad2d takes (left, right, top, bottom).
    return nn.Sequential(nn.ZeroPad2d((left, right, top, bottom)),
                         nn.Conv2d(c_in, c_out, padding=0, **geometry))


def _pool_args(a: Mapping) -> dict:
    (ph, _), (pw, _) = a["p"]  # pools take symmetric padding only
    return dict(kernel_size=a["k"], stride=a["s"], padding=(ph, pw), ceil_mode=a["ceil"])


def leaf(node: LayerResult) -> nn.Module:
    """The torch module of one primitive op."""
    op, a, shape = node.op, node.args, node.input
    if op == "conv":
        return _conv(a, shape[0], a["out"], a["groups"], a["bias"])
    if op == "maxpool":
        return nn.MaxPool2d(**_pool_args(a))
    if op == "avgpool":
        return nn.AvgPool2d(**_pool_args(a))
    if op == "adaptive_avgpool":
        return nn.AdaptiveAvgPool2d(a["out"])
    if op == "gap":
        return nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(1))
    if op == "flatten":
        return nn.Flatten(1)
    if op == "linear":
        return nn.Linear(shape[0], a["out"], bias=a["bias"])
    if op == "bn":
        return nn.BatchNorm2d(shape[0]) if len(shape) == 3 else nn.BatchNorm1d(shape[0])
    if op == "gn":
        return nn.GroupNorm(a["groups"], shape[0])
    if op == "dropout":
        return nn.Dropout(a["p"])
    if op == "leaky_relu":
        return nn.LeakyReLU(a.get("slope", 0.01))
    if op == "softmax":
        return nn.Softmax(dim=1)  # channels of a map, features of a vector
    if op in ACTIVATIONS:
        return ACTIVATIONS[op]()
    raise NotImplementedError(f"{node.path}: no torch module for op '{op}'")


def probe_leaf(node: LayerResult) -> nn.Module:
    """One op of the geometry probe (see the module docstring)."""
    op, a, shape = node.op, node.args, node.input
    if op == "conv":
        return _conv(a, 1, 1, 1, False)
    if op in ("maxpool", "avgpool"):
        return nn.AvgPool2d(**_pool_args(a))
    if op == "adaptive_avgpool":
        # At the spec's input size torch's windows are [⌊i·n/o⌋, ⌈(i+1)·n/o⌉); when o
        # divides n that is a plain k = s = n/o pool which, unlike the adaptive op, keeps
        # its geometry on the larger images the field measurement feeds the probe.
        sizes = shape[1:]
        if any(n % o for n, o in zip(sizes, a["out"])):
            raise ValueError(f"{node.path}: adaptive pooling {list(sizes)} -> {list(a['out'])} has "
                             "windows of different sizes; no fixed-geometry probe exists")
        k = tuple(n // o for n, o in zip(sizes, a["out"]))
        return nn.AvgPool2d(kernel_size=k, stride=k)
    # Shape-keeping ops do not move a field; ops after the last feature map never run.
    return nn.Identity()


# --- measurements ----------------------------------------------------------------------

def count_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


@dataclass(frozen=True)
class Run:
    """What one forward pass measured: conv + linear MACs, the output shape of every
    watched module (no batch axis; one that runs twice, a twin's encoder, keeps its last)
    and the output."""

    macs: int
    shapes: dict[nn.Module, tuple[int, ...]]
    output: torch.Tensor


def run(built: Built, x: torch.Tensor) -> Run:
    """One forward pass with hooks on every node's module. MACs follow the engine's
    convention, counted from what torch computed: conv = (output elements)·(C_in/groups)·
    K_h·K_w, i.e. H_out·W_out·C_out·(C_in/groups)·K_h·K_w; linear = (output elements)·in."""
    macs = 0
    shapes: dict[nn.Module, tuple[int, ...]] = {}

    def conv_hook(m: nn.Conv2d, _inp: tuple, out: torch.Tensor) -> None:
        nonlocal macs
        kh, kw = m.kernel_size
        macs += out.numel() * (m.in_channels // m.groups) * kh * kw

    def linear_hook(m: nn.Linear, _inp: tuple, out: torch.Tensor) -> None:
        nonlocal macs
        macs += out.numel() * m.in_features

    def shape_hook(m: nn.Module, _inp: tuple, out: torch.Tensor) -> None:
        shapes[m] = tuple(out.shape[1:])

    handles = [m.register_forward_hook(shape_hook) for _, m in built.nodes]
    for m in built.module.modules():
        if isinstance(m, nn.Conv2d):
            handles.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, nn.Linear):
            handles.append(m.register_forward_hook(linear_hook))
    try:
        with torch.no_grad():
            y = built.module(x)
    finally:
        for h in handles:
            h.remove()
    return Run(macs, shapes, y)


def field_target(layers: Sequence[LayerResult]) -> LayerResult | None:
    """The last node whose output is still a [C, H, W] map, looking inside plain groups and
    twins (a block or an encoder ending in gap + linear still has its last map inside)."""
    for node in reversed(layers):
        if len(node.output) == 3:
            return node
        if node.op in SEQUENTIAL_GROUPS or node.op == "twin":
            found = field_target(node.children)
            if found is not None:
                return found
    return None


class _Reached(Exception):
    """Stops the probe's forward pass once the target node has produced its output."""


def _forward_to(probe: nn.Module, target: nn.Module, x: torch.Tensor) -> torch.Tensor:
    captured: list[torch.Tensor] = []

    def stop(_m: nn.Module, _inp: tuple, out: torch.Tensor) -> None:
        captured.append(out)
        raise _Reached

    handle = target.register_forward_hook(stop)
    try:
        probe(x)
    except _Reached:
        pass
    finally:
        handle.remove()
    if not captured:
        raise RuntimeError("the target node did not run")
    return captured[0]


def feature_map_size(probe: nn.Module, target: nn.Module, size: tuple[int, int]) -> tuple[int, int]:
    """(H, W) of the target's output when the probe runs on a ``size`` image."""
    with torch.no_grad():
        out = _forward_to(probe, target, torch.ones((1, 1) + tuple(size), dtype=torch.float64))
    return (out.shape[2], out.shape[3])


def field_spans(probe: nn.Module, target: nn.Module, size: tuple[int, int],
                units: Sequence[tuple[int, int]]) -> list[tuple[Span, Span]]:
    """Input rows and columns (first, last) with a non-zero gradient, for each unit (i, j).

    ``probe`` comes from ``build_module(..., probe=True)`` and runs on a ``size`` = (H, W) image of
    ones; ``target`` is the module whose output holds the units. The gradient of the sum
    over channels at (i, j) is taken, so every branch of a concat counts. Every op acts on
    the two axes separately, so the row span depends only on i and the column span only on j.
    """
    x = torch.ones((1, 1) + tuple(size), dtype=torch.float64, requires_grad=True)
    out = _forward_to(probe, target, x)
    spans = []
    for n, (i, j) in enumerate(units):
        (grad,) = torch.autograd.grad(out[0, :, i, j].sum(), x, retain_graph=n + 1 < len(units))
        reached = grad[0, 0] != 0
        rows = torch.nonzero(reached.any(dim=1)).flatten()
        cols = torch.nonzero(reached.any(dim=0)).flatten()
        spans.append(((int(rows[0]), int(rows[-1])), (int(cols[0]), int(cols[-1]))))
    return spans
