"""RF growth chart: receptive-field size r and jump j after each layer of a network."""

from __future__ import annotations

from dataclasses import dataclass

from notegen.engine.results import LayerResult, NetworkResult
from notegen.render.figures.labels import box_title
from notegen.render.figures.rf_path import field_steps, main_path

TICK_LABEL_LIMIT = 24  # beyond this many layers, name the stages instead of the layers
LOG_RATIO = 10  # a log axis once the plotted values span a decade or more


@dataclass(frozen=True)
class RFPoint:
    label: str
    size: tuple[int, int]
    jump: tuple[int, int]


@dataclass(frozen=True)
class Stage:
    """Points ``first``..``last`` (inclusive) come from the top-level group ``label``."""

    first: int
    last: int
    label: str


@dataclass(frozen=True)
class RFGrowth:
    points: tuple[RFPoint, ...]
    stages: tuple[Stage, ...]
    input_size: tuple[int, int]
    log_y: bool
    outgrows_at: int | None  # first point whose field is larger than the image
    tick_labels: bool
    both_axes: bool  # h and w differ somewhere: plot both


def _stage_roots(layers: tuple[LayerResult, ...]) -> tuple[LayerResult, ...]:
    """The nodes whose groups mark stages: the top level, or inside a lone top-level group."""
    while len(layers) == 1 and layers[0].children:
        layer = layers[0]
        layers = layer.branches[0] if layer.op in ("twin", "residual") else layer.children
    return layers


def _short_labels(root: LayerResult) -> dict[str, str]:
    """Axis labels: a path inside a stage without the stage (its band names it) and without
    residual / twin names (``layer1.0.add.conv2`` -> ``0.conv2``)."""
    out: dict[str, str] = {}

    def visit(node: LayerResult, names: tuple[str, ...]) -> None:
        if node.op not in ("residual", "twin"):
            names = names + (node.name,)
        out[node.path] = ".".join(names) if names else node.name
        for child in node.children:
            visit(child, names)

    if root.children:
        for child in root.children:
            visit(child, ())
        out[root.path] = root.name
    else:
        visit(root, ())
    return out


def rf_growth(result: NetworkResult) -> RFGrowth | None:
    """The chart's data, or None when no layer has a spatial field."""
    steps = field_steps(result.layers)
    if not steps:
        return None
    owner: dict[str, int] = {}
    labels: dict[str, str] = {}
    roots = _stage_roots(result.layers)
    for i, root in enumerate(roots):
        labels.update(_short_labels(root))
        for node in main_path((root,)):
            owner[node.path] = i
    points = tuple(RFPoint(labels.get(layer.path, layer.path), rf.size, rf.jump)
                   for layer, rf in steps)
    stages: list[Stage] = []
    for i, (layer, _) in enumerate(steps):
        root = owner.get(layer.path)
        if root is None or not roots[root].children:
            continue
        if stages and stages[-1].label == box_title(roots[root]) and stages[-1].last == i - 1:
            stages[-1] = Stage(stages[-1].first, i, stages[-1].label)
        else:
            stages.append(Stage(i, i, box_title(roots[root])))
    h, w = result.input[1], result.input[2]
    values = [v for p in points for v in (*p.size, *p.jump)] + [h, w]
    outgrows = next((i for i, p in enumerate(points) if p.size[0] > h or p.size[1] > w), None)
    return RFGrowth(points, tuple(stages), (h, w), max(values) >= LOG_RATIO * min(values),
                    outgrows, len(points) <= TICK_LABEL_LIMIT,
                    any(p.size[0] != p.size[1] or p.jump[0] != p.jump[1] for p in points) or h != w)
