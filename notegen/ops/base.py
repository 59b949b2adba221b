"""The contract every op unit fulfils, and argument coercion shared by all of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from notegen.errors import suggest

# Bounds that keep absurd specs from hanging or exhausting memory; far beyond any real CNN.
MAX_DIM = 1_000_000


class _Required:
    def __repr__(self) -> str:
        return "required"


REQUIRED: Any = _Required()


class OpError(Exception):
    """A bad argument or an impossible shape; the caller adds file, line and layer path."""

    def __init__(self, message: str, hint: str = "", key: str | None = None) -> None:
        super().__init__(message)
        self.message, self.hint, self.key = message, hint, key


@dataclass(frozen=True)
class Arg:
    """One argument: its name, kind (how it is coerced) and default (REQUIRED if none)."""

    name: str
    kind: str
    default: Any = REQUIRED
    doc: str = ""


@dataclass(frozen=True)
class Window:
    """Sliding-window geometry per axis (h, w), for the receptive-field rule.

    ``k`` is the effective kernel d·(k−1)+1, ``s`` the stride, ``p`` the left/top padding.
    """

    k: tuple[int, int]
    s: tuple[int, int]
    p: tuple[int, int]


IDENTITY = "identity"  # the op keeps every unit's field (activations, norms, dropout)
COLLAPSE = "collapse"  # the output is no longer a feature map (gap, flatten, linear)


class OpUnit:
    """Base unit: elementwise, shape-preserving, no params, no MACs."""

    name: str = ""
    args: tuple[Arg, ...] = ()
    summary: str = ""
    needs_map = False  # True: input must be a [C, H, W] feature map

    def resolve(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """Validate ``raw`` arguments, fill defaults, normalise; raise OpError on the first fault."""
        known = {a.name for a in self.args}
        raw = _unalias(raw, known)
        for key in raw:
            if key not in known:
                raise OpError(f"unknown argument '{key}' for {self.name}",
                              suggest(str(key), known, f"{self.name} takes: {_list(known)}"), key)
        out: dict[str, Any] = {}
        for arg in self.args:
            if arg.name in raw and raw[arg.name] is not None:
                out[arg.name] = coerce(arg, raw[arg.name], self.name)
            elif arg.default is REQUIRED:
                raise OpError(f"{self.name} needs '{arg.name}'",
                              f"add {arg.name}: <{arg.kind}> ({arg.doc or arg.kind})", arg.name)
            else:
                out[arg.name] = arg.default
        return self.finish(out)

    def finish(self, args: dict[str, Any]) -> dict[str, Any]:
        """Cross-argument checks and normalisation after per-argument coercion."""
        return args

    def check_input(self, shape: tuple[int, ...]) -> None:
        if self.needs_map and len(shape) != 3:
            raise OpError(f"{self.name} needs a [C, H, W] feature map, got {list(shape)}",
                          "it cannot follow gap, flatten or linear")

    def output(self, a: Mapping[str, Any], shape: tuple[int, ...]) -> tuple[int, ...]:
        return shape

    def params(self, a: Mapping[str, Any], shape: tuple[int, ...]) -> int:
        return 0

    def macs(self, a: Mapping[str, Any], shape: tuple[int, ...], out: tuple[int, ...]) -> int:
        return 0

    def window(self, a: Mapping[str, Any], shape: tuple[int, ...]) -> Window | str:
        return IDENTITY


OPS: dict[str, OpUnit] = {}

# torch's long argument names are accepted for the short ones of the spec language.
ALIASES = {"kernel": "k", "kernel_size": "k", "stride": "s", "padding": "p", "dilation": "d",
           "out_channels": "out", "out_features": "out", "ceil_mode": "ceil", "num_groups": "groups",
           "output_size": "out", "negative_slope": "slope"}


def _unalias(raw: Mapping[str, Any], known: set[str]) -> Mapping[str, Any]:
    if not any(k in ALIASES for k in raw):
        return raw
    out: dict[str, Any] = {}
    for key, value in raw.items():
        short = ALIASES.get(key, key) if ALIASES.get(key) in known else key
        if short in out:
            raise OpError(f"'{key}' and '{short}' give the same argument twice", "keep one of them", key)
        out[short] = value
    return out


def register(unit_cls: type[OpUnit]) -> type[OpUnit]:
    unit = unit_cls()
    assert unit.name and unit.name not in OPS, unit.name
    OPS[unit.name] = unit
    return unit_cls


# --- argument coercion ---------------------------------------------------------------

def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _int(v: Any, what: str, lo: int) -> int:
    if not _is_int(v):
        raise OpError(f"{what} must be a whole number, got {v!r}", f"write e.g. {what}: {max(lo, 1)}")
    if v < lo:
        raise OpError(f"{what} must be at least {lo}, got {v}")
    if v > MAX_DIM:
        raise OpError(f"{what} = {v} is beyond the supported size ({MAX_DIM:,})",
                      "check for a typo")
    return v


def _pair(v: Any, what: str, lo: int) -> tuple[int, int]:
    if isinstance(v, (list, tuple)):
        if len(v) != 2:
            raise OpError(f"{what} must be one number or [h, w], got {list(v)}")
        return (_int(v[0], what, lo), _int(v[1], what, lo))
    n = _int(v, what, lo)
    return (n, n)


def coerce(arg: Arg, v: Any, op: str) -> Any:
    """Coerce one argument value by its kind, or raise OpError naming it."""
    name = arg.name
    try:
        if arg.kind == "int":
            return _int(v, name, 1)
        if arg.kind == "pair":
            return _pair(v, name, 1)
        if arg.kind == "pair0":
            return _pair(v, name, 0)
        if arg.kind == "padding":
            if isinstance(v, str):
                if v not in ("same", "valid"):
                    raise OpError(f"p must be a number, [h, w], 'same' or 'valid', got '{v}'")
                return v
            return _pair(v, name, 0)
        if arg.kind == "bool":
            if not isinstance(v, bool):
                raise OpError(f"{name} must be true or false, got {v!r}")
            return v
        if arg.kind == "prob":
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1:
                raise OpError(f"{name} must be a probability between 0 and 1, got {v!r}")
            return float(v)
        if arg.kind == "float":
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise OpError(f"{name} must be a number, got {v!r}")
            return float(v)
    except OpError as err:
        raise OpError(err.message, err.hint, name) from None
    raise AssertionError(f"unknown argument kind {arg.kind} in {op}")


def _list(names: set[str]) -> str:
    return ", ".join(sorted(names))



