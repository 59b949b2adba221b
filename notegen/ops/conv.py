"""Convolution: the op with parameters, MACs and a sliding window."""

from __future__ import annotations

from typing import Any, Mapping

from notegen.ops.arithmetic import conv_out, effective_kernel, same_padding
from notegen.ops.base import Arg, OpError, OpUnit, Window, register


@register
class Conv(OpUnit):
    name = "conv"
    summary = "2-D convolution (torch.nn.Conv2d)"
    needs_map = True
    args = (
        Arg("out", "int", doc="output channels"),
        Arg("k", "pair", doc="kernel size, n or [h, w]"),
        Arg("s", "pair", (1, 1), "stride"),
        Arg("p", "padding", (0, 0), "padding: n, [h, w], same or valid"),
        Arg("d", "pair", (1, 1), "dilation"),
        Arg("groups", "int", 1, "groups (C_in for a depthwise conv)"),
        Arg("bias", "bool", True, "learnable bias"),
    )

    def finish(self, a: dict[str, Any]) -> dict[str, Any]:
        p = a["p"]
        if p == "same":
            if a["s"] != (1, 1):
                raise OpError("p: same needs stride 1 (as in torch)",
                              "give the padding as a number instead", "p")
            a["p"] = tuple(same_padding(k, d) for k, d in zip(a["k"], a["d"]))
        elif p == "valid":
            a["p"] = ((0, 0), (0, 0))
        else:
            a["p"] = ((p[0], p[0]), (p[1], p[1]))
        if a["out"] % a["groups"]:
            raise OpError(f"out = {a['out']} is not divisible by groups = {a['groups']}",
                          "output channels must be a multiple of groups", "out")
        return a

    def output(self, a: Mapping[str, Any], shape: tuple[int, ...]) -> tuple[int, ...]:
        c, h, w = shape
        if c % a["groups"]:
            raise OpError(f"input channels {c} are not divisible by groups = {a['groups']}",
                          "C_in and C_out must both be multiples of groups", "groups")
        sizes = []
        for axis, n in enumerate((h, w)):
            k, s, d = a["k"][axis], a["s"][axis], a["d"][axis]
            pad = sum(a["p"][axis])
            size = conv_out(n, k, s, pad, d)
            if size < 1:
                raise OpError(
                    f"kernel {effective_kernel(k, d)} is larger than the padded input "
                    f"{n + pad} ({'H' if axis == 0 else 'W'}), so the output would be empty",
                    "use a smaller kernel or dilation, or more padding", "k")
            sizes.append(size)
        return (a["out"], sizes[0], sizes[1])

    def params(self, a: Mapping[str, Any], shape: tuple[int, ...]) -> int:
        kh, kw = a["k"]
        weights = a["out"] * (shape[0] // a["groups"]) * kh * kw
        return weights + (a["out"] if a["bias"] else 0)

    def macs(self, a: Mapping[str, Any], shape: tuple[int, ...], out: tuple[int, ...]) -> int:
        kh, kw = a["k"]
        return out[1] * out[2] * out[0] * (shape[0] // a["groups"]) * kh * kw

    def window(self, a: Mapping[str, Any], shape: tuple[int, ...]) -> Window:
        return Window(
            k=tuple(effective_kernel(k, d) for k, d in zip(a["k"], a["d"])),
            s=a["s"], p=(a["p"][0][0], a["p"][1][0]))
