"""Advance widths of DejaVu Sans (matplotlib's default font), so layout can size text
without loading a font or matplotlib.

Widths are in em, read from DejaVuSans.ttf (glyph advance / units per em). Browsers that
substitute another sans-serif font get text within a few percent of these widths; the
layout leaves that much room.
"""

from __future__ import annotations

_GROUPS: tuple[tuple[str, float], ...] = (
    ("'", 0.275),
    ('ijl', 0.278),
    ('IJ', 0.295),
    (' ,.·', 0.318),
    ('/:;\\|', 0.337),
    ('f', 0.352),
    ('-', 0.361),
    ('()[]', 0.39),
    ('t', 0.392),
    ('!₀₁₂₃₄₅₆₇₈₉²', 0.401),
    ('r', 0.411),
    ('"', 0.46),
    ('*_`‖–', 0.5),
    ('s', 0.521),
    ('z', 0.525),
    ('?', 0.531),
    ('c', 0.55),
    ('L', 0.557),
    ('F', 0.575),
    ('k', 0.579),
    ('vxy', 0.592),
    ('P', 0.603),
    ('TY', 0.611),
    ('o', 0.612),
    ('a', 0.613),
    ('e', 0.615),
    ('E', 0.632),
    ('hnu', 0.634),
    ('Sbdgpq', 0.635),
    ('$0123456789{}', 0.636),
    ('K', 0.656),
    ('AV', 0.684),
    ('XZ', 0.685),
    ('B', 0.686),
    ('R', 0.695),
    ('C', 0.698),
    ('U', 0.732),
    ('N', 0.748),
    ('H', 0.752),
    ('D', 0.77),
    ('G', 0.775),
    ('&', 0.78),
    ('OQ', 0.787),
    ('w', 0.818),
    ('#+<=>^~×−÷↓', 0.838),
    ('M', 0.863),
    ('●○', 0.873),
    ('□■', 0.945),
    ('%', 0.95),
    ('m', 0.974),
    ('W', 0.989),
    ('@…—', 1.0),
)
WIDTHS: dict[str, float] = {ch: w for chars, w in _GROUPS for ch in chars}
UNKNOWN = 0.8  # em, for a character not in the table
BOLD = 1.1  # DejaVu Sans Bold runs about 10% wider


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Width in inches of one line of ``text`` at ``size`` points."""
    em = sum(WIDTHS.get(ch, UNKNOWN) for ch in text)
    return em * size / 72 * (BOLD if bold else 1.0)
