"""Build a real ``torch.nn.Module`` from an engine result, to check the engine against torch.

Only the engine's *resolved op arguments* and each op's input channel/feature count go in;
torch itself then decides every output shape, parameter count and MAC, so a wrong figure in
the engine shows up as a mismatch (or as a shape error in ``forward``).

``probe=True`` builds the variant used to measure receptive fields by back-propagation:
every conv/linear weight 1 and bias 0, max-pools replaced by average pools of the same
geometry, and every elementwise op (activations, norms, dropout) replaced by the identity.
With only non-negative weights no two paths can cancel, so an input pixel has a non-zero
gradient exactly when some path of kernel taps reaches it. GroupNorm is an identity in the
probe because it mixes all positions of a channel (its statistics), which the conventional
receptive field ignores, as it ignores batch statistics.
"""

from __future__ import annotations

from typing import Sequence

import torch
from torch import nn

from notegen.engine.results import LayerResult, NetworkResult

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


class Add(nn.Module):
    """``body(x) + shortcut(x)``; an empty shortcut is the identity."""

    def __init__(self, body: nn.Module, shortcut: nn.Module) -> None:
        super().__init__()
        self.body, self.shortcut = body, shortcut

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x) + self.shortcut(x)


class Concat(nn.Module):
    """Branches on the same input, joined on the channel axis."""

    def __init__(self, branches: Sequence[nn.Module]) -> None:
        super().__init__()
        self.branches = nn.ModuleList(branches)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([branch(x) for branch in self.branches], dim=1)


class Built:
    """A module plus the engine leaf each primitive torch module stands for."""

    def __init__(self, module: nn.Module, leaves: dict[nn.Module, LayerResult]) -> None:
        self.module, self.leaves = module, leaves


def build_module(result: NetworkResult, *, probe: bool = False,
                 layers: Sequence[LayerResult] | None = None) -> Built:
    """The torch module for ``result`` (or for a prefix ``layers`` of its top level), eval mode.

    Eval mode makes batch-1 BatchNorm1d legal and dropout the identity; the probe is float64
    so that long products of small averaging weights cannot underflow to an exact zero.
    """
    leaves: dict[nn.Module, LayerResult] = {}
    module = _sequence(result.layers if layers is None else layers, probe, leaves)
    module.eval()
    if probe:
        module.double()
        module.requires_grad_(False)
    return Built(module, leaves)


def _sequence(layers: Sequence[LayerResult], probe: bool,
              leaves: dict[nn.Module, LayerResult]) -> nn.Sequential:
    seq = nn.Sequential()
    for i, layer in enumerate(layers):
        # module names cannot hold dots; the index keeps repeated names unique
        seq.add_module(f"{i}_{layer.name.replace('.', '_')}", _node(layer, probe, leaves))
    return seq


def _node(layer: LayerResult, probe: bool, leaves: dict[nn.Module, LayerResult]) -> nn.Module:
    if layer.op in ("block", "repeat", "seq"):
        return _sequence(layer.children, probe, leaves)
    if layer.op == "residual":
        body, shortcut = layer.branches
        return Add(_sequence(body, probe, leaves),
                   _sequence(shortcut, probe, leaves) if shortcut else nn.Identity())
    if layer.op == "concat":
        return Concat([_sequence(b, probe, leaves) if b else nn.Identity() for b in layer.branches])
    if layer.op == "twin":
        raise NotImplementedError(f"{layer.path}: twin networks take several inputs; not converted")
    module = _probe_leaf(layer) if probe else _leaf(layer)
    leaves[module] = layer
    return module


def _leaf(layer: LayerResult) -> nn.Module:
    a, op, shape = layer.args, layer.op, layer.input
    if op == "conv":
        return _conv(a, shape[0])
    if op in ("maxpool", "avgpool"):
        cls = nn.MaxPool2d if op == "maxpool" else nn.AvgPool2d
        return cls(a["k"], a["s"], _symmetric(a["p"]), ceil_mode=a["ceil"])
    if op == "adaptive_avgpool":
        return nn.AdaptiveAvgPool2d(a["out"])
    if op == "gap":
        return nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())
    if op == "flatten":
        return nn.Flatten()
    if op == "linear":
        return nn.Linear(shape[0], a["out"], bias=a["bias"])
    if op == "bn":
        return nn.BatchNorm2d(shape[0]) if len(shape) == 3 else nn.BatchNorm1d(shape[0])
    if op == "gn":
        return nn.GroupNorm(a["groups"], shape[0])
    if op == "dropout":
        return nn.Dropout(a["p"])
    if op == "leaky_relu":
        return nn.LeakyReLU(a["slope"])
    if op == "softmax":
        return nn.Softmax(dim=1)  # channels of a map, features of a vector (batch is dim 0)
    if op in ACTIVATIONS:
        return ACTIVATIONS[op]()
    raise NotImplementedError(f"{layer.path}: no torch module for op '{op}'")


def _probe_leaf(layer: LayerResult) -> nn.Module:
    a, op = layer.args, layer.op
    if op == "conv":
        conv = _conv(a, layer.input[0])
        for m in conv.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.ones_(m.weight)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
        return conv
    if op in ("maxpool", "avgpool"):
        return nn.AvgPool2d(a["k"], a["s"], _symmetric(a["p"]), ceil_mode=a["ceil"])
    if op == "adaptive_avgpool":
        return nn.AdaptiveAvgPool2d(a["out"])
    if op in ("gap", "flatten", "linear"):
        raise ValueError(f"{layer.path}: the probe stops at the last feature map")
    return nn.Identity()


def _conv(a: dict, c_in: int) -> nn.Module:
    (top, bottom), (left, right) = a["p"]
    conv = nn.Conv2d(c_in, a["out"], a["k"], a["s"], 0, a["d"], a["groups"], a["bias"])
    if top == bottom and left == right:
        conv.padding = (top, left)
        return conv
    # torch's padding='same' puts the odd pixel on the right/bottom; ZeroPad2d takes
    # (left, right, top, bottom)
    return nn.Sequential(nn.ZeroPad2d((left, right, top, bottom)), conv)


def _symmetric(p: tuple[tuple[int, int], tuple[int, int]]) -> tuple[int, int]:
    (top, bottom), (left, right) = p
    assert top == bottom and left == right, p  # pools only take symmetric padding
    return (top, left)
