"""The engine against real torch.nn modules: shapes, params, MACs and receptive fields.

Random valid specs (see random_specs.py) go through the real pipeline (YAML text ->
parse_spec -> analyze); the engine's resolved ops are rebuilt as torch modules, and torch's
own answers must equal the engine's, leaf by leaf and in total.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import event, given, settings
from hypothesis import strategies as st

from notegen.engine import NetworkResult, analyze
from notegen.sources.specs import load_spec, parse_spec

torch = pytest.importorskip("torch")

from torch_measure import field, gradient_span, run, units_inside  # noqa: E402  (needs torch)
from random_specs import network_specs  # noqa: E402
from torch_modules import build_module  # noqa: E402

pytestmark = pytest.mark.torch

NETWORKS = Path(__file__).resolve().parents[2] / "content" / "networks"


def analyze_spec(spec: dict[str, Any]) -> NetworkResult:
    """Through the same door as a user's file: YAML text, then parse_spec and analyze."""
    return analyze(parse_spec(yaml.safe_dump(spec, sort_keys=False), "generated.yaml"))


def compare_with_torch(result: NetworkResult) -> tuple[list[str], int, int]:
    """Every figure where torch and the engine disagree, and torch's params and MACs."""
    built = build_module(result)
    out_shape, leaves = run(built, result.input)
    problems = []
    assert len(leaves) == sum(1 for _ in result.leaves()), "some engine leaves were not built"
    for layer, fig in leaves:
        engine = (layer.output, layer.params, layer.macs)
        if engine != (fig.output, fig.params, fig.macs):
            problems.append(f"{layer.path} ({layer.op} {dict(layer.args)} on {list(layer.input)}): "
                            f"engine (shape, params, MACs) = {engine}, torch = "
                            f"{(fig.output, fig.params, fig.macs)}")
    params = sum(p.numel() for p in built.module.parameters())
    macs = sum(fig.macs for _, fig in leaves)
    for what, engine, measured in (("output", result.output, out_shape),
                                   ("params", result.params, params),
                                   ("MACs", result.macs, macs)):
        if engine != measured:
            problems.append(f"total {what}: engine {engine}, torch {measured}")
    return problems, params, macs


@settings(max_examples=300, deadline=None)
@given(network_specs())
def test_shapes_params_and_macs_match_torch(spec: dict[str, Any]) -> None:
    result = analyze_spec(spec)
    problems, _, _ = compare_with_torch(result)
    assert problems == [], yaml.safe_dump(spec, sort_keys=False)


@settings(max_examples=300, deadline=None)
@given(network_specs(with_head=False, min_size=16, max_size=64, max_layers=4), st.data())
def test_receptive_field_matches_gradient(spec: dict[str, Any], data: st.DataObject) -> None:
    result = analyze_spec(spec)
    rf = result.receptive_field
    assert rf is not None and rf == result.layers[-1].rf
    probe = build_module(result, probe=True).module
    sizes_in, sizes_out = result.input[1:], result.output[1:]

    # Per axis, a unit whose whole field lies inside the image, preferably with its
    # right/lower neighbour inside too (for the jump); failing that, the centre unit.
    units, neighbours, inside_axes = [], [], []
    for axis in (0, 1):
        inside = units_inside(rf, axis, sizes_out[axis], sizes_in[axis])
        pairs = [u for u in inside if u + 1 in inside]
        u = data.draw(st.sampled_from(pairs or inside or [sizes_out[axis] // 2]),
                      label=f"unit on axis {axis}")
        units.append(u)
        neighbours.append(u + 1 if pairs else u)
        inside_axes.append(bool(inside))
    # With the field inside the image on both axes, every tap of every path lands on a real
    # pixel, so the gradient span is the field itself. Once the field hangs over the padding
    # on one axis, a path can die there entirely (all its taps on that axis in padding),
    # taking its share of the other axis with it: then only containment can be checked.
    exact = all(inside_axes)
    event(("exact field" + (" and jump" if neighbours != units else "")) if exact else "clipped field")

    measured = gradient_span(probe, result.input, (units[0], units[1]))
    if measured is None:
        assert not exact, "a unit whose field is inside the image reaches no pixel"
        event("unit sees only padding")
        return
    moved = gradient_span(probe, result.input, (neighbours[0], neighbours[1]))
    assert moved is not None
    for axis in (0, 1):
        lo, hi = field(rf, axis, units[axis])
        got = measured[axis]
        if exact:
            assert got == (lo, hi), f"axis {axis}, unit {units[axis]}: {rf}"
        else:
            # torch sees only the part of the field inside the image, and (through gaps
            # between strided or dilated taps) maybe less than all of that part
            clipped = (max(lo, 0), min(hi, sizes_in[axis] - 1))
            assert clipped[0] <= got[0] <= got[1] <= clipped[1], f"axis {axis}: {rf}"
        if exact and neighbours[axis] != units[axis]:
            step = tuple(b - a for a, b in zip(got, moved[axis]))
            assert step == (rf.jump[axis], rf.jump[axis]), f"axis {axis}: {rf}"


def test_strided_body_on_one_pixel_map() -> None:
    # torch runs this network: a stride-2 1×1 conv on a 1×1 map gives 1×1 again, so the
    # body keeps the shape, shortcut: auto is the identity, and the sum is [1, 1, 1].
    spec = {"title": "stride on one pixel", "input": [1, 1, 1],
            "layers": [{"residual": {"body": [{"conv": {"out": 1, "k": 1, "s": 2}}]}}]}
    result = analyze_spec(spec)
    assert result.output == (1, 1, 1)
    assert compare_with_torch(result)[0] == []


# torchvision's published figures for these networks (weights metadata ``num_params`` and
# ``_ops``; batch 1, 224×224): params, and conv + linear MACs (what its docs call GFLOPS).
SHIPPED = {
    "alexnet": (61_100_840, 714_188_480),
    "vgg16": (138_357_544, 15_470_264_320),
    "resnet18": (11_689_512, 1_814_073_344),
    "resnet50": (25_557_032, 4_089_184_256),
}


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_networks_match_torch(name: str) -> None:
    result = analyze(load_spec(NETWORKS / f"{name}.yaml"))
    problems, params, macs = compare_with_torch(result)
    assert problems == []
    assert (params, macs) == SHIPPED[name]  # the spec is the torchvision network
    assert result.output == (1000,)
