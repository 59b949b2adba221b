"""Draw the receptive-field figures: growth chart, field on the input grid, 1-D pyramid."""

from __future__ import annotations

from notegen.render.figures.palette import ACCENT, NEUTRAL, PADDING, SEQUENCE
from notegen.render.figures.rf_grid import RFGrid
from notegen.render.figures.rf_growth import RFGrowth
from notegen.render.figures.rf_pyramid import RFPyramid
from notegen.render.figures.text_metrics import text_width

JUMP = "#5899da"  # second series colour: mid-tone blue, distinct from ACCENT on both pages
SMALL = 6.5


def _hw(pair: tuple[int, int]) -> str:
    return f"{pair[0]}" if pair[0] == pair[1] else f"{pair[0]}×{pair[1]}"


def _int_ticks(axis) -> None:
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    axis.set_minor_formatter(FuncFormatter(lambda v, _: ""))


def draw_growth(g: RFGrowth):
    from matplotlib.figure import Figure

    n = len(g.points)
    bottom = 0.4
    if g.tick_labels:  # labels slant at 50°: their height is width · sin 50° ≈ 0.77 width
        bottom = 0.25 + 0.77 * max(text_width(p.label, SMALL) for p in g.points)
    top, plot = (0.45 if g.both_axes else 0.3), 2.3  # two legend rows for h and w
    height = bottom + plot + top
    fig = Figure(figsize=(7.2, height))
    ax = fig.add_axes((0.08, bottom / height, 0.9, plot / height))
    ax.patch.set_alpha(0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    xs = list(range(n))
    for i, stage in enumerate(g.stages):
        if i % 2 == 0:
            ax.axvspan(stage.first - 0.5, stage.last + 0.5, color=NEUTRAL, alpha=0.14, linewidth=0)
        ax.text((stage.first + stage.last) / 2, 0.98, stage.label, transform=ax.get_xaxis_transform(),
                ha="center", va="top", fontsize=SMALL, color=NEUTRAL)
    axes = (0, 1) if g.both_axes else (0,)
    for a in axes:
        what = ("height", "width")[a] if g.both_axes else "size"
        suffix = f" ({what})" if g.both_axes else ""
        style = "-" if a == 0 else "--"
        ax.plot(xs, [p.size[a] for p in g.points], style, marker="o", markersize=3.5,
                color=ACCENT, linewidth=1.4, label=f"receptive field r{suffix}")
        ax.plot(xs, [p.jump[a] for p in g.points], style, marker="s", markersize=3,
                color=JUMP, linewidth=1.2, label=f"jump j{suffix}")
        ax.axhline(g.input_size[a], color=NEUTRAL, linestyle=(0, (4, 3) if a == 0 else (1, 2)),
                   linewidth=1, label=f"input {what}: {g.input_size[a]} px")
    last = g.points[-1]
    near_line = 0.75 < last.size[0] / g.input_size[0] < 1.33  # the text would sit on the line
    ax.annotate(f"r = {_hw(last.size)}\nj = {_hw(last.jump)}", (n - 1, last.size[0]),
                xytext=(6, -4 if near_line else 0), textcoords="offset points", ha="left",
                va="top" if near_line else "center", fontsize=SMALL, color=NEUTRAL)
    if g.outgrows_at is not None:
        ax.axvline(g.outgrows_at, color=ACCENT, linewidth=0.8, linestyle=":")
        ax.text(g.outgrows_at, 0.02, " r > input", transform=ax.get_xaxis_transform(),
                ha="left", va="bottom", fontsize=SMALL, color=ACCENT)
    if g.log_y:
        ax.set_yscale("log", base=2)
        _int_ticks(ax.yaxis)
    else:
        ax.set_ylim(bottom=0)
    # room right of the last point for "r = …": 0.6 in of the 6.5 in wide axes
    ax.set_xlim(-0.5, n - 0.5 + 0.6 * n / (6.5 - 0.6))
    ax.set_ylabel("input pixels", fontsize=SMALL)
    if g.tick_labels:
        ax.set_xticks(xs, [p.label for p in g.points], rotation=50, ha="right",
                      rotation_mode="anchor", fontsize=SMALL)
    else:
        ax.set_xticks([])
        ax.set_xlabel(f"the {n} layers that change the field, in execution order", fontsize=SMALL)
    ax.tick_params(labelsize=SMALL, length=2)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=3, frameon=False, fontsize=SMALL,
              labelcolor=NEUTRAL, borderaxespad=0.2, handlelength=2.5)
    return fig


def draw_grid(g: RFGrid):
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    y0, y1, x0, x1 = g.view
    scale = min(4.0 / (x1 - x0), 4.0 / (y1 - y0), 0.4)  # inches per pixel
    gw, gh = (x1 - x0) * scale, (y1 - y0) * scale
    side = 2.3  # the list of layers to the right
    rows = len(g.squares) + 1
    fig = Figure(figsize=(gw + side + 0.2, max(gh, 0.25 * rows + 0.2) + 0.2))
    fw, fh = fig.get_size_inches()
    ax = fig.add_axes((0.1 / fw, 1 - (gh + 0.1) / fh, gw / fw, gh / fh))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y1, y0)  # image rows grow downwards
    ax.set_aspect("equal")
    ax.set_axis_off()
    h, w = g.input_hw
    ax.add_patch(Rectangle((-0.5, -0.5), w, h, facecolor=NEUTRAL, alpha=0.15, edgecolor="none"))
    ax.add_patch(Rectangle((-0.5, -0.5), w, h, facecolor="none", edgecolor=NEUTRAL, linewidth=1.2))
    if g.cells:
        lo_x, hi_x = max(-0.5, x0), min(w - 0.5, x1)
        lo_y, hi_y = max(-0.5, y0), min(h - 0.5, y1)
        for i in range(1, w):
            if x0 < i - 0.5 < x1:
                ax.plot([i - 0.5] * 2, [lo_y, hi_y], color=NEUTRAL, linewidth=0.3, alpha=0.7)
        for i in range(1, h):
            if y0 < i - 0.5 < y1:
                ax.plot([lo_x, hi_x], [i - 0.5] * 2, color=NEUTRAL, linewidth=0.3, alpha=0.7)
    if g.unit_centres:
        ax.plot([x for _, x in g.unit_centres], [y for y, _ in g.unit_centres], "o",
                color=NEUTRAL, markersize=1.8, zorder=1)
    entries = []
    previous = 0.0
    for i, sq in enumerate(g.squares):
        colour = SEQUENCE[i % len(SEQUENCE)]
        (sh, sw), (cy, cx) = sq.size, sq.centre
        ax.add_patch(Rectangle((cx - sw / 2, cy - sh / 2), sw, sh, facecolor="none",
                               edgecolor=colour, linewidth=2))
        size = _hw(sq.size)
        if (sh - previous) / 2 * scale >= 0.13:  # room in the band to the next square in
            ax.text(cx - sw / 2 + 0.05 / scale, cy - sh / 2 + 0.04 / scale, size, ha="left",
                    va="top", fontsize=SMALL + 0.5, color=colour, fontweight="bold")
        previous = sh
        entries.append((colour, "-", f"{sq.label}: r = {size}, j = {_hw(sq.jump)}"))
    outer = g.squares[-1]
    cy, cx = outer.centre
    ax.plot([cx], [cy], "o", color=ACCENT, markersize=4)
    if g.neighbour is not None:
        ny, nx = g.neighbour
        colour = SEQUENCE[(len(g.squares) - 1) % len(SEQUENCE)]
        oh, ow = outer.size
        ax.add_patch(Rectangle((nx - ow / 2, ny - oh / 2), ow, oh, facecolor="none",
                               edgecolor=colour, linewidth=1.2, linestyle=(0, (3, 2))))
        ax.plot([nx], [ny], "o", markerfacecolor="none", markeredgecolor=ACCENT, markersize=4)
        entries.append((colour, "--", f"next output unit: shifted j = {g.jump[1]} px"))
    if g.unit_centres:
        entries.append((NEUTRAL, ".", "centres of the output units"))
    for i, (colour, style, text) in enumerate(entries):
        fy = fh - 0.2 - 0.25 * i
        lx = gw + 0.3
        if style == ".":
            fig.add_artist(_dot(fig, (lx + 0.12) / fw, fy / fh, colour))
        else:
            fig.add_artist(_dash(fig, lx / fw, (lx + 0.25) / fw, fy / fh, colour, style))
        fig.text((lx + 0.35) / fw, fy / fh, text, color=NEUTRAL, fontsize=SMALL, va="center")
    return fig


def _dash(fig, x0: float, x1: float, y: float, colour: str, style: str):
    from matplotlib.lines import Line2D

    return Line2D([x0, x1], [y, y], transform=fig.transFigure, color=colour, linewidth=2,
                  linestyle="--" if style == "--" else "-")


def _dot(fig, x: float, y: float, colour: str):
    from matplotlib.lines import Line2D

    return Line2D([x], [y], transform=fig.transFigure, color=colour, marker="o", markersize=2.2,
                  linestyle="none")


def draw_pyramid(p: RFPyramid):
    from matplotlib.figure import Figure

    xs = [u.x for row in p.rows for u in row.units]
    lo, hi = min(xs), max(xs)
    scale = min(0.3, 4.4 / max(hi - lo, 1))  # inches per input pixel
    row_h = 0.5
    left, right = 1.2, 0.6
    field_text = f"field of the top unit: input units {p.field[0]} to {p.field[1]}"
    keys = (("o", ACCENT, ACCENT, "in the field"), ("o", "none", NEUTRAL, "not in it"),
            ("s", "none", PADDING, "padding"))
    legend_w = text_width(field_text, SMALL) + 0.3 + sum(text_width(k[3], SMALL) + 0.35 for k in keys)
    width = max(left + (hi - lo) * scale + right + 0.2, legend_w + 0.3)
    height = row_h * (len(p.rows) - 1) + 0.9
    fig = Figure(figsize=(width, height))
    ax = fig.add_axes((0, 0, 1, 1))
    x_left = lo - left / scale
    ax.set_xlim(x_left, x_left + width / scale)
    ax.set_ylim(-0.55 / row_h, (height - 0.35) / row_h)
    ax.set_axis_off()
    pos = {(r, u.index): u.x for r, row in enumerate(p.rows) for u in row.units}
    for link in p.links:
        upper = pos.get((link.row, link.upper))
        lower = pos.get((link.row - 1, link.lower))
        if upper is None or lower is None:
            continue
        ax.plot([upper, lower], [link.row, link.row - 1], color=PADDING if link.padding else ACCENT,
                linewidth=0.7 if link.padding else 0.9, linestyle="--" if link.padding else "-",
                alpha=0.9)
    for r, row in enumerate(p.rows):
        real = [u for u in row.units if u.real]
        pad = [u for u in row.units if not u.real]
        hit = [u.x for u in real if u.reached]
        miss = [u.x for u in real if not u.reached]
        ax.plot(miss, [r] * len(miss), "o", markersize=4, markerfacecolor="none",
                markeredgecolor=NEUTRAL, markeredgewidth=0.8)
        ax.plot(hit, [r] * len(hit), "o", markersize=4.5, color=ACCENT)
        ax.plot([u.x for u in pad], [r] * len(pad), "s", markersize=3.5, markerfacecolor="none",
                markeredgecolor=PADDING, markeredgewidth=0.8)
        ax.text(lo - 0.15 / scale, r, f"{row.label}\n{row.detail}", ha="right", va="center",
                fontsize=SMALL, color=NEUTRAL, linespacing=1.1)
        ax.text(hi + 0.15 / scale, r, f"r = {row.size}\nj = {row.jump}", ha="left", va="center",
                fontsize=SMALL, color=NEUTRAL, linespacing=1.1)
    y = -0.32 / row_h
    ax.text(x_left + 0.15 / scale, y, field_text, ha="left", va="center", fontsize=SMALL,
            color=NEUTRAL)
    x = x_left + (0.15 + text_width(field_text, SMALL) + 0.3) / scale
    for marker, face, edge, what in keys:
        ax.plot([x], [y], marker, markersize=4, markerfacecolor=face, markeredgecolor=edge,
                markeredgewidth=0.8)
        ax.text(x + 0.1 / scale, y, what, ha="left", va="center", fontsize=SMALL, color=NEUTRAL)
        x += (text_width(what, SMALL) + 0.35) / scale
    return fig
