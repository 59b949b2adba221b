"""Figures for the notes: receptive-field charts and network sketches as SVG.

Geometry (what to draw) is computed by pure functions in the figure modules
(``sketch``, ``rf_growth``, ``rf_grid``, ``rf_pyramid``); ``draw`` turns it into SVG with
matplotlib, imported only when a figure is actually drawn. See docs/figures.md.
"""

from notegen.render.figures.jobs import FigureJob, figure_key, network_figures, rf_figures
from notegen.render.figures.render import PendingFigures, RenderOutcome, render_figures, start_figures

__all__ = ["FigureJob", "PendingFigures", "RenderOutcome", "figure_key", "network_figures",
           "render_figures", "rf_figures", "start_figures"]
