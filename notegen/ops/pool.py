"""Pooling: max / average with torch's ceil_mode rule, and adaptive average pooling."""

from __future__ import annotations

from typing import Any, Mapping

from notegen.ops.arithmetic import adaptive_windows, pool_out
from notegen.ops.base import Arg, OpError, OpUnit, Window, register


class _Pool(OpUnit):
    needs_map = True
    args = (
        Arg("k", "pair", doc="window size, n or [h, w]"),
        Arg("s", "pair", None, "stride (defaults to k)"),
        Arg("p", "pair0", (0, 0), "padding on each side"),
        Arg("ceil", "bool", False, "torch ceil_mode"),
    )

    def finish(self, a: dict[str, Any]) -> dict[str, Any]:
        if a["s"] is None:
            a["s"] = a["k"]
        for k, p in zip(a["k"], a["p"]):
            # torch: "pad should be at most half of effective kernel size"
            if p > k // 2:
                raise OpError(f"padding {p} is more than half the window {k}",
                              "torch allows at most k // 2 padding for pooling", "p")
        a["p"] = tuple((p, p) for p in a["p"])
        return a

    def output(self, a: Mapping[str, Any], shape: tuple[int, ...]) -> tuple[int, ...]:
        c, h, w = shape
        sizes = []
        for axis, n in enumerate((h, w)):
            k, s, p = a["k"][axis], a["s"][axis], a["p"][axis][0]
            size = pool_out(n, k, s, p, a["ceil"])
            if size < 1:
                raise OpError(f"window {k} is larger than the padded input {n + 2 * p}",
                              "use a smaller window or pool earlier", "k")
            sizes.append(size)
        return (c, sizes[0], sizes[1])

    def window(self, a: Mapping[str, Any], shape: tuple[int, ...]) -> Window:
        return Window(k=a["k"], s=a["s"], p=(a["p"][0][0], a["p"][1][0]))


@register
class MaxPool(_Pool):
    name = "maxpool"
    summary = "max pooling (torch.nn.MaxPool2d)"


@register
class AvgPool(_Pool):
    name = "avgpool"
    summary = "average pooling (torch.nn.AvgPool2d)"


@register
class AdaptiveAvgPool(OpUnit):
    name = "adaptive_avgpool"
    summary = "adaptive average pooling to a fixed output size (torch.nn.AdaptiveAvgPool2d)"
    needs_map = True
    args = (Arg("out", "pair", doc="output size, n or [h, w]"),)

    def output(self, a: Mapping[str, Any], shape: tuple[int, ...]) -> tuple[int, ...]:
        return (shape[0], a["out"][0], a["out"][1])

    def window(self, a: Mapping[str, Any], shape: tuple[int, ...]) -> Window:
        # The window it really has at this input size: torch's windows are
        # [⌊i·n/o⌋, ⌈(i+1)·n/o⌉). When o divides n they are regular (k = s = n/o); otherwise
        # they vary, and the field is given for the widest window with the floor stride.
        ks, ss = [], []
        for n, o in zip(shape[1:], a["out"]):
            wins = adaptive_windows(n, o)
            ks.append(max(end - start for start, end in wins))
            ss.append(max(n // o, 1))
        return Window(k=tuple(ks), s=tuple(ss), p=(0, 0))
