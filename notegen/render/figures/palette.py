"""Colours and op categories shared by every figure (pure data, no matplotlib).

Obsidian shows the same SVG on a white and on a near-black (#1e1e1e) page, and the figures
have transparent backgrounds, so nothing may rely on the page colour: boxes get mid-tone
fills with dark text inside, and everything drawn straight on the page (lines, arrows,
labels outside boxes) uses a neutral grey that has about 4:1 contrast on both pages.
"""

from __future__ import annotations

# Text inside filled shapes: dark on every mid-tone fill below.
INK = "#1a1a1a"
# Lines and text on the page itself; (#808080 vs white ≈ 3.9:1, vs #1e1e1e ≈ 4.1:1).
NEUTRAL = "#808080"
# Accent for highlighted lines and dots (a field, a reached unit): mid-tone, seen on both pages.
ACCENT = "#e8743b"
# Units that exist only as padding.
PADDING = "#b0b0b0"

# One mid-tone fill per op category (shade 300-400 of the Material palette: dark
# text on them reads at ≥ 7:1, and they stand out from both page colours).
FILLS: dict[str, str] = {
    "conv": "#64b5f6",
    "pool": "#81c784",
    "norm": "#ffd54f",
    "activation": "#ffb74d",
    "linear": "#ba68c8",
    "reshape": "#4db6ac",
    "dropout": "#bdbdbd",
    "other": "#a1887f",
    "group": "#7986cb",
    "terminal": "#e0e0e0",
    "merge": "#e0e0e0",
}

CATEGORY_NAMES: dict[str, str] = {
    "conv": "convolution",
    "pool": "pooling",
    "norm": "normalisation",
    "activation": "activation",
    "linear": "fully connected",
    "reshape": "reshape / global pool",
    "dropout": "dropout",
    "other": "other",
    "group": "block / stage",
}

# Op kind -> category. Kept as an explicit table (not name matching) so that a new op
# shows up as "other" until it is placed here; tests check every registered op is listed.
OP_CATEGORY: dict[str, str] = {
    "conv": "conv",
    "maxpool": "pool",
    "avgpool": "pool",
    "adaptiveavgpool": "pool",
    "adaptivemaxpool": "pool",
    "gap": "reshape",
    "gmp": "reshape",
    "flatten": "reshape",
    "bn": "norm",
    "ln": "norm",
    "gn": "norm",
    "lrn": "norm",
    "relu": "activation",
    "relu6": "activation",
    "leakyrelu": "activation",
    "gelu": "activation",
    "silu": "activation",
    "sigmoid": "activation",
    "tanh": "activation",
    "softmax": "activation",
    "hardswish": "activation",
    "elu": "activation",
    "linear": "linear",
    "dropout": "dropout",
    "dropout2d": "dropout",
    "identity": "other",
}

# Categories of shape-preserving per-unit ops that a paper sketch writes next to the layer
# before them ("conv 3×3, 64 + BN, ReLU") instead of giving them boxes of their own.
FOLDABLE = frozenset({"norm", "activation", "dropout"})

# Distinct mid-tone outline colours for nested receptive-field squares, innermost first.
SEQUENCE: tuple[str, ...] = (
    "#e8743b", "#19a979", "#5899da", "#bf399e", "#f4b400", "#13a4b4", "#945ecf", "#ed4a7b",
)


def category(op: str) -> str:
    """The colour category of an op kind or group kind."""
    if op in ("block", "repeat", "residual", "concat", "twin"):
        return "group"
    return OP_CATEGORY.get(op, "other")
