"""Every op the spec language knows has a colour category and a display name."""

from __future__ import annotations

from notegen.ops import OPS
from notegen.render.figures.labels import DISPLAY, op_lines, shape_text
from notegen.render.figures.palette import CATEGORY_NAMES, FILLS, OP_CATEGORY, category


def test_every_registered_op_has_a_category_and_a_name():
    assert sorted(set(OPS) - set(OP_CATEGORY)) == []
    assert sorted(set(OPS) - set(DISPLAY)) == []
    assert set(OP_CATEGORY.values()) <= set(FILLS) and set(CATEGORY_NAMES) <= set(FILLS)


def test_groups_share_one_colour():
    assert {category(op) for op in ("block", "repeat", "seq", "residual", "concat", "twin")} == {"group"}


def test_labels():
    assert shape_text((64, 56, 56)) == "64×56×56" and shape_text((1000,)) == "1000"
    conv = OPS["conv"].resolve({"out": 64, "k": 3, "s": 2, "p": 1})
    assert op_lines("conv", conv) == ("conv 3×3", "64, /2")
    dilated = OPS["conv"].resolve({"out": 8, "k": [3, 5], "d": 2, "groups": 4})
    assert op_lines("conv", dilated) == ("conv 3×5", "8, d2, g4")
    assert op_lines("relu", {}) == ("ReLU",)


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    def luminance(colour: str) -> float:
        rgb = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


PAGES = ("#ffffff", "#1e1e1e")  # Obsidian's light and dark note backgrounds


def test_colours_read_on_the_light_and_the_dark_page():
    from notegen.render.figures.palette import INK, NEUTRAL, SEQUENCE

    assert contrast("#000000", "#ffffff") == 21.0  # the formula itself
    for page in PAGES:
        assert contrast(NEUTRAL, page) >= 3.9
        assert all(contrast(c, page) >= 2.99 for c in SEQUENCE)
    assert all(contrast(INK, fill) >= 4.5 for fill in FILLS.values())
