"""Which figures a note gets: one FigureJob (file name, kind, geometry, caption) per figure.

The geometry is computed here, eagerly and without matplotlib; it is also what the cache
key hashes, so a figure is redrawn exactly when what it shows changes.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from notegen.engine.results import NetworkResult
from notegen.render.figures.draw import DRAWING_VERSION
from notegen.render.figures.rf_grid import rf_grid
from notegen.render.figures.rf_growth import rf_growth
from notegen.render.figures.rf_pyramid import rf_pyramid
from notegen.render.figures.sketch import sketch


@dataclass(frozen=True)
class FigureJob:
    filename: str
    kind: str  # sketch | rf-growth | rf-grid | rf-pyramid
    geometry: Any  # the frozen dataclass draw.py turns into the picture
    caption: str


@functools.cache
def _matplotlib_version() -> str:
    # Read from the installed metadata: importing matplotlib just for its version would
    # make every cached build pay for the slow import. Once per process: reading the
    # metadata parses a long e-mail-style file (about 10 ms), and a build hashes thousands
    # of figures.
    try:
        return metadata.version("matplotlib")
    except metadata.PackageNotFoundError:
        return "none"


def figure_key(job: FigureJob) -> str:
    """sha256 of what the figure shows and of the code that draws it."""
    payload = {
        "kind": job.kind,
        "drawing_version": DRAWING_VERSION,
        "matplotlib": _matplotlib_version(),
        "geometry": job.geometry,
    }
    # The same text as json.dumps(dataclasses.asdict(...)), without asdict's deep copy of
    # every nested value: json calls _fields only for the dataclasses it meets.
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=_fields)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _fields(value: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    raise TypeError(f"a figure's geometry cannot hold {type(value).__name__}")


def network_figures(result: NetworkResult, slug: str, *, depth: int | None = None) -> list[FigureJob]:
    """The RF growth chart (when the network has a spatial field) and the network sketch."""
    jobs = []
    growth = rf_growth(result)
    if growth is not None:
        last = growth.points[-1]
        jobs.append(FigureJob(
            f"{slug}-rf-growth.svg", "rf-growth", growth,
            f"Receptive field r and jump j after each layer of {result.title} that changes them; "
            f"the dashed line is the input size. Final r = {last.size[0]}, j = {last.jump[0]}."))
    jobs.append(FigureJob(f"{slug}-sketch.svg", "sketch", sketch(result, depth),
                          f"Block diagram of {result.title}, output shape under each arrow."))
    return jobs


def rf_figures(result: NetworkResult, slug: str) -> list[FigureJob]:
    """The field on the input grid, and the 1-D pyramid when the network is a small chain."""
    jobs = []
    grid = rf_grid(result)
    if grid is not None:
        sizes = ", ".join(str(sq.size[0]) for sq in grid.squares)
        jobs.append(FigureJob(
            f"{slug}-rf-grid.svg", "rf-grid", grid,
            f"The field of the centre output unit on the input, after each layer: r = {sizes}."))
    pyramid = rf_pyramid(result)
    if pyramid is not None:
        jobs.append(FigureJob(
            f"{slug}-rf-pyramid.svg", "rf-pyramid", pyramid,
            f"Every unit, layer by layer, that the centre output unit sees along the width "
            f"(input units {pyramid.field[0]} to {pyramid.field[1]})."))
    return jobs
