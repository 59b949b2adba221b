"""Turn figure geometry into SVG bytes with matplotlib; no layout decisions are made here.

matplotlib is imported inside the functions, so importing this module is cheap and a
build whose figures are all cached never loads it. Output is deterministic: text stays
text (``svg.fonttype: none``), ids come from a fixed salt, and no date is written.
"""

from __future__ import annotations

import io
from typing import Any, Callable

# Bump when drawing code changes what a given geometry looks like: it is part of every
# cache key, so stale cached SVGs are redrawn.
DRAWING_VERSION = "1"

SVG_RC: dict[str, Any] = {
    "svg.fonttype": "none",  # labels stay <text>, searchable and crisp at any zoom
    "svg.hashsalt": "notegen",  # ids are hashes of this salt and the content, not random
    "font.family": "sans-serif",
    "font.size": 7.5,
    "axes.linewidth": 0.8,
}
SVG_METADATA = {"Date": None, "Creator": "notegen"}


def _drawers() -> dict[str, Callable[[Any], Any]]:
    from notegen.render.figures import draw_rf, draw_sketch

    return {
        "sketch": draw_sketch.draw_sketch,
        "rf-growth": draw_rf.draw_growth,
        "rf-grid": draw_rf.draw_grid,
        "rf-pyramid": draw_rf.draw_pyramid,
    }


def draw(kind: str, geometry: Any) -> bytes:
    """The SVG of one figure."""
    import matplotlib

    matplotlib.use("Agg")
    from notegen.render.figures.palette import NEUTRAL

    rc = dict(SVG_RC, **{"text.color": NEUTRAL, "axes.edgecolor": NEUTRAL,
                         "axes.labelcolor": NEUTRAL, "xtick.color": NEUTRAL,
                         "ytick.color": NEUTRAL})
    with matplotlib.rc_context(rc):
        figure = _drawers()[kind](geometry)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", transparent=True, metadata=SVG_METADATA)
    return buffer.getvalue()


def draw_job(kind: str, geometry: Any) -> bytes:
    """Process-pool entry point (top level, so it pickles under the spawn start method)."""
    return draw(kind, geometry)
