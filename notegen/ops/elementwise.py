"""Shape-preserving ops: normalisation, dropout and activations."""

from __future__ import annotations

from typing import Any, Mapping

from notegen.ops.base import Arg, OpError, OpUnit, register


@register
class BatchNorm(OpUnit):
    name = "bn"
    summary = "batch normalisation: γ and β per channel (running stats are buffers)"

    def params(self, a: Mapping[str, Any], shape: tuple[int, ...]) -> int:
        return 2 * shape[0]


@register
class GroupNorm(OpUnit):
    name = "gn"
    summary = "group normalisation (groups = 1 normalises over C, H, W like LayerNorm)"
    needs_map = True
    args = (Arg("groups", "int", doc="number of channel groups"),)

    def output(self, a: Mapping[str, Any], shape: tuple[int, ...]) -> tuple[int, ...]:
        if shape[0] % a["groups"]:
            raise OpError(f"{shape[0]} channels are not divisible by groups = {a['groups']}",
                          "choose a number of groups that divides the channels", "groups")
        if shape[0] // a["groups"] * shape[1] * shape[2] == 1:
            # torch refuses to normalise a group of a single value (its variance is undefined)
            raise OpError(f"each of the {a['groups']} groups holds a single value on a "
                          f"{shape[1]}×{shape[2]} map", "use fewer groups, or normalise earlier", "groups")
        return shape

    def params(self, a: Mapping[str, Any], shape: tuple[int, ...]) -> int:
        return 2 * shape[0]


@register
class Dropout(OpUnit):
    name = "dropout"
    summary = "dropout (no parameters; identity at inference)"
    args = (Arg("p", "prob", 0.5, "drop probability"),)


@register
class LeakyReLU(OpUnit):
    name = "leaky_relu"
    summary = "leaky ReLU"
    args = (Arg("slope", "float", 0.01, "negative slope"),)


def _activation(op: str, text: str) -> None:
    register(type(op.title().replace("_", ""), (OpUnit,), {"name": op, "summary": text}))


for _op, _text in (("relu", "ReLU"), ("relu6", "ReLU capped at 6"), ("sigmoid", "logistic sigmoid"),
                   ("tanh", "tanh"), ("gelu", "GELU"), ("silu", "SiLU / swish"),
                   ("hardswish", "hard swish"), ("softmax", "softmax over channels/features"),
                   ("identity", "identity (placeholder)")):
    _activation(_op, _text)
