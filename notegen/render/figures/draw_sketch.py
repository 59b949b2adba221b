"""Draw a network sketch (see :mod:`sketch`): boxes, merges, arrows, labels, legend."""

from __future__ import annotations

from notegen.render.figures.palette import FILLS, INK, NEUTRAL
from notegen.render.figures.sketch import Sketch
from notegen.render.figures.sketch_layout import FONT, SMALL


def draw_sketch(sk: Sketch):
    from matplotlib.figure import Figure
    from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch
    from matplotlib.path import Path

    fig = Figure(figsize=(sk.width, sk.height))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, sk.width)
    ax.set_ylim(sk.height, 0)  # layout coordinates grow downwards, in inches
    ax.set_axis_off()

    for line in sk.lines:
        width = 1.0 if line.role != "shared" else 0.8
        patch = FancyArrowPatch(path=Path(line.points), arrowstyle="-|>" if line.arrow else "-",
                                mutation_scale=7, color=NEUTRAL, linewidth=width,
                                linestyle="--" if line.dashed else "-", shrinkA=0, shrinkB=0,
                                joinstyle="miter", capstyle="butt")
        ax.add_patch(patch)
    for box in sk.boxes:
        ax.add_patch(FancyBboxPatch((box.x, box.y), box.w, box.h,
                                    boxstyle="round,pad=0,rounding_size=0.06",
                                    facecolor=FILLS.get(box.category, FILLS["other"]),
                                    edgecolor=NEUTRAL if box.group else "none",
                                    linewidth=1.4 if box.group else 0))
        ax.text(box.x + box.w / 2, box.y + box.h / 2, "\n".join(box.lines), ha="center",
                va="center", color=INK, fontsize=FONT, linespacing=1.15,
                fontweight="bold" if box.group else "normal")
    for node in sk.nodes:
        if node.shape == "dot":
            ax.add_patch(Circle((node.x, node.y), node.w / 2, color=NEUTRAL))
            continue
        if node.shape == "circle":
            ax.add_patch(Circle((node.x, node.y), node.w / 2, facecolor=FILLS["merge"],
                                edgecolor=NEUTRAL, linewidth=1.0))
        else:
            ax.add_patch(FancyBboxPatch((node.x - node.w / 2, node.y - node.h / 2), node.w, node.h,
                                        boxstyle=f"round,pad=0,rounding_size={node.h / 2}",
                                        facecolor=FILLS["terminal"], edgecolor=NEUTRAL,
                                        linewidth=0.8))
        ax.text(node.x, node.y, node.text, ha="center", va="center_baseline", color=INK,
                fontsize=FONT + (2 if node.text in ("+", "C") else 0))
    for label in sk.labels:
        ax.text(label.x, label.y, label.text, ha=label.ha, va=label.va, color=NEUTRAL,
                fontsize=SMALL, fontstyle="italic" if label.role == "note" else "normal")
    for entry in sk.legend:
        y = entry.y + 0.06
        ax.add_patch(FancyBboxPatch((entry.x, y - 0.065), entry.w, 0.13,
                                    boxstyle="round,pad=0,rounding_size=0.03",
                                    facecolor=FILLS[entry.key] if entry.swatch == "box" else FILLS["merge"],
                                    edgecolor=NEUTRAL if entry.swatch == "node" else "none",
                                    linewidth=0.6))
        if entry.swatch == "node":
            ax.text(entry.x + entry.w / 2, y, entry.key, ha="center", va="center_baseline",
                    color=INK, fontsize=FONT - 1.5)
        ax.text(entry.x + entry.w + 0.06, y, entry.text, ha="left", va="center_baseline",
                color=NEUTRAL, fontsize=SMALL)
    return fig
