"""Colours and op categories shared by every figure (pure data, no matplotlib).

Obsidian shows the same SVG on a white and on a near-black (#1e1e1e) page, and the figures
have transparent backgrounds, so nothing may rely on the page colour: boxes get mid-tone
fills with dark text inside, and everything drawn straight on the page (lines, arrows,
labels outside boxes) uses a neutral grey that has about 4:1 contrast on both pages.
"""

from __future__ import annotations

from notegen.engine.results import GROUP_OPS

# Text inside filled shapes: dark on every mid-tone fill below.
INK = "#1a1a1a"
# Lines and text on the page itself: #808080 is 3.9:1 against white and 4.2:1 against #1e1e1e.
NEUTRAL = "#808080"
# Accent for highlighted lines and dots (a field, a reached unit): mid-tone, seen on both pages.
ACCENT = "#e8743b"
# Units that exist only as padding: fainter than NEUTRAL on purpose (2.6:1 / 6.4:1).
PADDING = "#a0a0a0"

# One mid-tone fill per op category (shades 300-400 of the Material palette): INK on
# each has 4.5:1 contrast or more (WCAG AA), and every fill stands apart from both pages.
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
    "adaptive_avgpool": "pool",
    "gap": "reshape",
    "flatten": "reshape",
    "bn": "norm",
    "gn": "norm",
    "relu": "activation",
    "relu6": "activation",
    "leaky_relu": "activation",
    "gelu": "activation",
    "silu": "activation",
    "sigmoid": "activation",
    "tanh": "activation",
    "softmax": "activation",
    "hardswish": "activation",
    "linear": "linear",
    "dropout": "dropout",
    "identity": "other",
}

# Categories of shape-preserving per-unit ops that a paper sketch writes next to the layer
# before them ("conv 3×3, 64 + BN, ReLU") instead of giving them boxes of their own.
FOLDABLE = frozenset({"norm", "activation", "dropout"})

# Distinct outline colours for nested receptive-field squares, innermost first; each has
# about 3:1 contrast or more against both white and #1e1e1e.
SEQUENCE: tuple[str, ...] = (
    "#e8743b", "#19a979", "#5899da", "#bf399e", "#b07d00", "#13a4b4",
    "#945ecf", "#ed4a7b", "#6e9a00", "#a8743c", "#6a7fd0", "#d9534f",
)


def category(op: str) -> str:
    """The colour category of an op kind or group kind."""
    if op in GROUP_OPS:
        return "group"
    return OP_CATEGORY.get(op, "other")
