"""The layers a receptive field grows through, in execution order along the main path.

A residual contributes its body and then its merge (whose field is the hull of both
paths); a concat contributes only its merge, since its branches run side by side; a twin
contributes its encoder. Shortcut layers are left out: their smaller field is not the one
the next layer sees.
"""

from __future__ import annotations

from typing import Iterator, Sequence

from notegen.engine.results import RF, LayerResult


def main_path(layers: Sequence[LayerResult]) -> Iterator[LayerResult]:
    for node in layers:
        if node.op == "residual":
            yield from main_path(node.branches[0] if node.branches else ())
            yield node
        elif node.op == "concat":
            yield node
        elif node.op == "twin":
            yield from main_path(node.branches[0] if node.branches else node.children)
        elif node.children:
            yield from main_path(node.children)
        else:
            yield node


def field_steps(layers: Sequence[LayerResult]) -> list[tuple[LayerResult, RF]]:
    """Main-path layers that change the field (r, j or centre), with the field after each.

    Layers that leave it unchanged (activations, norms, 1×1 stride-1 convs without
    padding) add nothing to a field figure; the walk stops at the first layer whose output
    is no longer a feature map.
    """
    steps: list[tuple[LayerResult, RF]] = []
    previous = RF((1, 1), (1, 1), (0.0, 0.0))
    for layer in main_path(layers):
        if layer.rf is None:
            break
        if layer.rf != previous:
            steps.append((layer, layer.rf))
            previous = layer.rf
    return steps
