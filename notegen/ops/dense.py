"""Ops that end the feature map: global average pooling, flatten, and the linear layer."""

from __future__ import annotations

from math import prod
from typing import Any, Mapping

from notegen.ops.base import COLLAPSE, Arg, OpError, OpUnit, register


@register
class GlobalAvgPool(OpUnit):
    name = "gap"
    summary = "global average pooling: [C, H, W] -> [C]"
    needs_map = True

    def output(self, a: Mapping[str, Any], shape: tuple[int, ...]) -> tuple[int, ...]:
        return (shape[0],)

    def window(self, a: Mapping[str, Any], shape: tuple[int, ...]) -> str:
        return COLLAPSE


@register
class Flatten(OpUnit):
    name = "flatten"
    summary = "flatten to a vector: [C, H, W] -> [C·H·W]"

    def output(self, a: Mapping[str, Any], shape: tuple[int, ...]) -> tuple[int, ...]:
        return (prod(shape),)

    def window(self, a: Mapping[str, Any], shape: tuple[int, ...]) -> str:
        return COLLAPSE


@register
class Linear(OpUnit):
    name = "linear"
    summary = "fully connected layer (torch.nn.Linear)"
    args = (Arg("out", "int", doc="output features"), Arg("bias", "bool", True, "learnable bias"))

    def check_input(self, shape: tuple[int, ...]) -> None:
        if len(shape) != 1:
            raise OpError(f"linear needs a vector input, got a {list(shape)} feature map",
                          "add flatten (keeps every value) or gap (one value per channel) before it")

    def output(self, a: Mapping[str, Any], shape: tuple[int, ...]) -> tuple[int, ...]:
        return (a["out"],)

    def params(self, a: Mapping[str, Any], shape: tuple[int, ...]) -> int:
        return shape[0] * a["out"] + (a["out"] if a["bias"] else 0)

    def macs(self, a: Mapping[str, Any], shape: tuple[int, ...], out: tuple[int, ...]) -> int:
        return shape[0] * a["out"]

    def window(self, a: Mapping[str, Any], shape: tuple[int, ...]) -> str:
        return COLLAPSE
