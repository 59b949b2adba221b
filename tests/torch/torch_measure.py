"""What torch itself says about a built module: shapes, params, MACs, and measured fields."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from notegen.engine.results import RF, LayerResult

from torch_modules import Built


@dataclass(frozen=True)
class LeafFigures:
    """torch's figures for the module standing for one engine leaf."""

    output: tuple[int, ...]
    params: int
    macs: int


def conv_linear_macs(module: nn.Module, output: torch.Tensor) -> int:
    """The MAC convention: conv H_out·W_out·C_out·(C_in/groups)·K_h·K_w, linear in·out."""
    if isinstance(module, nn.Conv2d):
        kh, kw = module.kernel_size
        return output[0].numel() * (module.in_channels // module.groups) * kh * kw
    if isinstance(module, nn.Linear):
        return module.in_features * module.out_features
    return 0


def run(built: Built, shape: tuple[int, ...]) -> tuple[tuple[int, ...], list[tuple[LayerResult, LeafFigures]]]:
    """Forward a batch-1 random input; the output shape and each leaf's figures."""
    macs: dict[nn.Module, int] = {}
    outputs: dict[nn.Module, tuple[int, ...]] = {}
    hooks = []

    def count(module: nn.Module, _inputs: tuple, output: torch.Tensor) -> None:
        macs[module] = macs.get(module, 0) + conv_linear_macs(module, output)

    def record(module: nn.Module, _inputs: tuple, output: torch.Tensor) -> None:
        outputs[module] = tuple(output.shape[1:])

    for module in built.module.modules():
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            hooks.append(module.register_forward_hook(count))
    for leaf in built.leaves:
        hooks.append(leaf.register_forward_hook(record))
    try:
        with torch.no_grad():
            out = built.module(torch.randn(1, *shape))
    finally:
        for hook in hooks:
            hook.remove()
    figures = []
    for module, layer in built.leaves.items():
        figures.append((layer, LeafFigures(
            outputs[module],
            sum(p.numel() for p in module.parameters()),
            sum(macs.get(m, 0) for m in module.modules()))))
    return tuple(out.shape[1:]), figures


def gradient_span(probe: nn.Module, shape: tuple[int, ...],
                  unit: tuple[int, int]) -> list[tuple[int, int]] | None:
    """Per axis (h, w), the first and last input pixel with a non-zero gradient of the
    output unit ``unit`` (all channels summed), or None when no pixel reaches it (a unit
    that sees only padding). ``probe`` is a module built with probe=True.
    """
    x = torch.ones(1, *shape, dtype=torch.float64, requires_grad=True)
    probe(x)[0, :, unit[0], unit[1]].sum().backward()
    reached = x.grad[0].abs().sum(dim=0) > 0  # (H, W)
    if not reached.any():
        return None
    spans = []
    for axis in (0, 1):
        hits = torch.nonzero(reached.any(dim=1 - axis)).flatten().tolist()
        spans.append((hits[0], hits[-1]))
    return spans


def field(rf: RF, axis: int, unit: int) -> tuple[float, float]:
    """The engine's field of output unit ``unit`` along ``axis`` (unit 0 is ``rf.span``)."""
    lo, hi = rf.span(axis)
    shift = unit * rf.jump[axis]
    return (lo + shift, hi + shift)


def units_inside(rf: RF, axis: int, n_out: int, n_in: int) -> list[int]:
    """Output units whose whole field lies inside the image along ``axis``.

    Only for these is the gradient span the field itself: a field that hangs over the
    padding is clipped, and the clipped edge may fall in a gap between dilated or strided
    taps, where no gradient arrives although the (clipped) field covers it.
    """
    inside = []
    for u in range(n_out):
        lo, hi = field(rf, axis, u)
        if lo >= 0 and hi <= n_in - 1:
            inside.append(u)
    return inside
