"""The engine against real torch modules: random valid specs and the shipped networks.

For each network: parse the spec, analyse it, build the same network with ``torch.nn``
(``torch_modules.build_module``) and compare what torch computes - every node's output
shape and parameters, the totals, conv + linear MACs counted by forward hooks - and the
receptive field measured by back-propagation through a geometry probe.

Receptive fields are compared exactly, never after clipping to the image. The engine's
field of unit u is [start + u·j − (r−1)/2, start + u·j + (r−1)/2]. When that interval lies
inside the image, no path from the unit touches padding (an index left of a map covers
pixels left of 0; one right of a map covers pixels at or beyond the image's right edge, by
the output-size formulas), so the gradient's span must be that interval, to the pixel.
A field that hangs over the border is *not* simply clipped: pixels a floor division
dropped (⌊(n + 2p − k)/s⌋) are in the hull but reached by no path. So two measurements:
  * in the image: units whose whole field fits, with the next unit for the jump;
  * with margins: the probe runs on an image grown by M = a multiple of the total jump J
    on every side (field geometry does not depend on the input size), so unit M/J of the
    grown map is unit 0 of the original, shifted by M pixels, and fits entirely.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")

import yaml  # noqa: E402
from hypothesis import HealthCheck, assume, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from notegen.engine import analyze  # noqa: E402
from notegen.engine.results import RF, NetworkResult  # noqa: E402
from notegen.sources.specs import load_spec, parse_spec  # noqa: E402
from random_specs import network_specs  # noqa: E402
from torch_modules import (  # noqa: E402
    build_module, count_params, feature_map_size, field_spans, field_target, run)

pytestmark = pytest.mark.torch

NETWORKS = Path(__file__).resolve().parents[2] / "content" / "networks"
SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Parameterised blocks, so that random specs also go through block expansion, $args and
# repeat. Both work on any map: a 3×3 conv with padding 1 gives ⌈n/s⌉.
BLOCKS = {
    "unit": {"args": {"out": None, "s": 1},
             "layers": [{"conv": {"out": "$out", "k": 3, "s": "$s", "p": 1, "bias": False}}, "bn", "relu"]},
    "basic": {"args": {"out": None},
              "layers": [{"residual": {
                  "body": [{"conv": {"out": "$out", "k": 3, "p": 1, "bias": False}}, "bn", "relu",
                           {"conv": {"out": "$out", "k": 3, "p": 1, "bias": False}}, "bn"],
                  "shortcut": "auto"}}, "relu"]},
}


@st.composite
def specs(draw: st.DrawFn) -> dict[str, Any]:
    """random_specs' networks, sometimes with a block call where the feature maps end."""
    spec = draw(network_specs())
    if len(spec["input"]) == 3 and draw(st.booleans()):
        layers = spec["layers"]
        end = next((i for i, layer in enumerate(layers)
                    if layer in ("gap", "flatten") or (isinstance(layer, dict) and "gap" in layer)),
                   len(layers))
        name = draw(st.sampled_from(sorted(BLOCKS)))
        args: dict[str, Any] = {"out": draw(st.integers(1, 8))}
        if name == "unit":
            args["s"] = draw(st.sampled_from([1, 2]))
        call: dict[str, Any] = {name: args}
        if draw(st.booleans()):
            call["repeat"] = draw(st.integers(1, 3))
        spec = dict(spec, blocks=BLOCKS, layers=layers[:end] + [call] + layers[end:])
    return spec


def analysed(spec: dict[str, Any]) -> NetworkResult:
    """Through the same door as a user's file: YAML text, parse_spec, analyze."""
    return analyze(parse_spec(yaml.safe_dump(spec, sort_keys=False), "generated.yaml"))


def torch_accepts(result: NetworkResult) -> bool:
    """torch's group_norm refuses a group of a single value ("Expected more than 1 value
    per channel when training", raised in eval mode too), which the engine accepts."""
    return not any(n.op == "gn" and n.input[0] // n.args["groups"] * n.input[1] * n.input[2] == 1
                   for n in result.leaves())


# --- the comparisons -----------------------------------------------------------------------

def assert_figures_match_torch(result: NetworkResult) -> None:
    """Output shape, every node's shape and params, total params and MACs: engine == torch."""
    built = build_module(result)
    measured = run(built, torch.randn((1,) + tuple(result.input)))
    assert tuple(measured.output.shape[1:]) == result.output
    assert [node for node, _ in built.nodes] == list(result.walk())
    for node, module in built.nodes:
        assert measured.shapes[module] == node.output, node.path
        assert count_params(module) == node.params, node.path
    assert count_params(built.module) == result.params
    assert measured.macs == result.macs


def engine_span(rf: RF, axis: int, unit: int, shift: int = 0) -> tuple[float, float]:
    lo, hi = rf.span(axis)
    return (lo + unit * rf.jump[axis] + shift, hi + unit * rf.jump[axis] + shift)


def inside_units(rf: RF, axis: int, n_in: int, n_out: int) -> list[int]:
    """The first unit whose whole field fits in the image, and the next if it fits too."""
    fits = [u for u in range(n_out) if engine_span(rf, axis, u)[0] >= 0
            and engine_span(rf, axis, u)[1] <= n_in - 1]
    return fits[:1] + [u for u in fits[1:2] if u == fits[0] + 1]


def margin(rf: RF, axis: int) -> int:
    """M ≥ the field plus one jump on each side, and a multiple of the jump J, so that unit
    M/J of the grown map is unit 0 of the original shifted by M pixels."""
    j = rf.jump[axis]
    return j * math.ceil((rf.size[axis] + abs(rf.start[axis]) + j + 1) / j)


def assert_field_matches_gradient(result: NetworkResult, *, in_image: bool) -> int:
    """Exact gradient spans of two neighbouring units per axis (size, start and jump).

    ``in_image``: on each axis where a unit's field fits in the image, measure on the
    image's own size; otherwise (and always when ``in_image`` is false) grow the image on
    that axis by a margin. Units inside on both axes touch no padding on any path, so
    every op's two axes stay independent and each axis can be read on its own. Returns
    how many axes were measured on the image's own size.
    """
    rf, target = result.receptive_field, field_target(result.layers)
    probe = build_module(result, probe=True)
    grow, units = [0, 0], [[0, 1], [0, 1]]
    for a in (0, 1):
        fits = inside_units(rf, a, result.input[1 + a], target.output[1 + a]) if in_image else []
        if fits:
            units[a] = fits
        else:
            grow[a] = margin(rf, a)
    if in_image and all(grow):
        return 0  # no field fits in the image on either axis: nothing to read there
    size = (result.input[1] + 2 * grow[0], result.input[2] + 2 * grow[1])
    first = (grow[0] // rf.jump[0], grow[1] // rf.jump[1])
    picks = [tuple(units[a][min(i, len(units[a]) - 1)] for a in (0, 1)) for i in (0, 1)]
    target_module = probe.module_for(target)
    spans = field_spans(probe.module, target_module, size, [(first[0] + u, first[1] + v) for u, v in picks])
    for pick, measured in zip(picks, spans):
        for a in (0, 1):
            assert measured[a] == engine_span(rf, a, pick[a], grow[a]), (a, pick, grow)
    for a in (0, 1):
        if len(units[a]) == 2:  # the jump, read directly off two neighbours
            assert spans[1][a][0] - spans[0][a][0] == rf.jump[a]
    if all(grow):  # a grown map has margin/J more units on each side
        grown = feature_map_size(probe.module, target_module, size)
        assert grown == (target.output[1] + 2 * first[0], target.output[2] + 2 * first[1])
    return sum(1 for g in grow if not g)


# --- random specs --------------------------------------------------------------------------

# Hand-picked cases that random search reaches rarely.
PIXEL_DROPPED = {"title": "dropped pixel", "input": [1, 5, 5], "layers": [
    # 2×2/2 on 5 pixels: units cover [0, 1] and [2, 3]; pixel 4 is dropped by the floor.
    # The 3×3 conv's unit 1 reads units 0-2 of that map, unit 2 being padding: the hull
    # is [0, 5] but only [0, 3] is reached, so no unit fits and only margins can check.
    {"conv": {"out": 2, "k": 2, "s": 2}}, {"conv": {"out": 1, "k": 3, "p": 1}}]}
CEIL_LAST_WINDOW = {"title": "ceil", "input": [2, 5, 6], "layers": [
    # H: ⌈(5 + 2 − 2)/2⌉ + 1 = 4, but window 3 would start at 3·2 = 6 ≥ 5 + 1 (in the
    # right padding), so torch drops it: 3. W: ⌈(6 + 2 − 2)/2⌉ + 1 = 4, 6 < 7 keeps it.
    {"maxpool": {"k": 2, "s": 2, "p": 1, "ceil": True}}]}
EVEN_SAME = {"title": "even same", "input": [2, 7, 6], "layers": [
    # p: same with k = 4, d = 2: 6 pixels of padding, 3 top / 3 bottom; k = 2, d = 1 on
    # the width: 1 pixel, left 0 / right 1 - the asymmetric case.
    {"conv": {"out": 4, "k": [4, 2], "d": [2, 1], "p": "same", "groups": 2}},
    {"concat": [[], [{"maxpool": {"k": 3, "s": 1, "p": 1}}]]}, "gap", {"linear": {"out": 3}}]}
BLOCK_CALLS = {"title": "blocks", "input": [3, 9, 8], "blocks": BLOCKS, "layers": [
    {"unit": {"out": 4, "s": 2}, "repeat": 2}, {"basic": {"out": 6}}, "flatten", {"linear": {"out": 2}}]}


@SETTINGS
@given(specs())
@example(PIXEL_DROPPED)
@example(CEIL_LAST_WINDOW)
@example(EVEN_SAME)
@example(BLOCK_CALLS)
def test_shapes_params_and_macs_match_torch(spec: dict[str, Any]) -> None:
    result = analysed(spec)
    assume(torch_accepts(result))
    assert_figures_match_torch(result)


@SETTINGS
@given(specs())
@example(PIXEL_DROPPED)
@example(EVEN_SAME)
@example(BLOCK_CALLS)
def test_receptive_field_matches_gradient(spec: dict[str, Any]) -> None:
    result = analysed(spec)
    target = field_target(result.layers)
    if len(result.input) == 1:  # a vector network (an MLP) has no feature map
        assert target is None and result.receptive_field is None
        return
    assert target is not None and target.rf == result.receptive_field
    assert_field_matches_gradient(result, in_image=True)
    assert_field_matches_gradient(result, in_image=False)


def test_a_field_over_a_dropped_pixel_is_not_its_clipped_hull() -> None:
    """Why the in-image reading only uses units that fit: the clipped hull of PIXEL_DROPPED's
    unit 1 is [0, 4] (hull [0, 5]: jump 2, r = 6, start 0.5) but its gradient stops at 3."""
    result = analysed(PIXEL_DROPPED)
    rf = result.receptive_field
    assert (rf.size[0], rf.jump[0], rf.start[0]) == (6, 2, 0.5)
    probe = build_module(result, probe=True)
    (spans,) = field_spans(probe.module, probe.module_for(field_target(result.layers)), (5, 5), [(1, 1)])
    assert spans == ((0, 3), (0, 3))
    assert assert_field_matches_gradient(result, in_image=True) == 0  # no unit fits: no reading


def test_layer_paths_are_unique() -> None:
    """Every node has its own dotted path (``NetworkResult.layer(path)`` finds one node).
    A custom shortcut's layers are named like the body's (conv1, bn1), so their paths
    need a segment of their own, as the projection's ``shortcut.conv`` has."""
    result = analysed({"title": "custom shortcut", "input": [1, 4, 4], "layers": [
        {"residual": {"body": [{"conv": {"out": 2, "k": 1}}, "bn"],
                      "shortcut": [{"conv": {"out": 2, "k": 3, "p": 1}}, "bn"]}}]})
    paths = [node.path for node in result.walk()]
    assert len(paths) == len(set(paths)), paths


def test_strided_body_on_one_pixel_map() -> None:
    # torch runs this network: a stride-2 1×1 conv on a 1×1 map gives 1×1 again, so the
    # body keeps the shape, shortcut: auto is the identity, and the sum is [1, 1, 1].
    result = analysed({"title": "stride on one pixel", "input": [1, 1, 1],
                       "layers": [{"residual": {"body": [{"conv": {"out": 1, "k": 1, "s": 2}}]}}]})
    assert result.output == (1, 1, 1)
    assert_figures_match_torch(result)


def test_the_seed_worked_example_in_torch() -> None:
    """The seed notes' example (reference figures): 3×3 conv, stride 1, pad 1, 32 -> 64
    channels on 64×64: 3·3·32·64 + 64 = 18,496 params, 64·64·64·32·9 = 75,497,472 MACs."""
    result = analysed({"title": "seed", "input": [32, 64, 64], "layers": [{"conv": {"out": 64, "k": 3, "p": 1}}]})
    built = build_module(result)
    measured = run(built, torch.randn(1, 32, 64, 64))
    assert (count_params(built.module), measured.macs) == (18_496, 75_497_472)
    assert (result.params, result.macs) == (18_496, 75_497_472)
    assert tuple(measured.output.shape) == (1, 64, 64, 64)


# --- the shipped networks ------------------------------------------------------------------

# cnn-reference-figures.md: torchvision's metadata (num_params, _ops) and receptive fields
# at the last feature map (jump 32 for all four).
REFERENCE = {
    "alexnet": (61_100_840, 714_188_480, 195),
    "vgg16": (138_357_544, 15_470_264_320, 212),
    "resnet18": (11_689_512, 1_814_073_344, 435),
    "resnet50": (25_557_032, 4_089_184_256, 427),
}
SHIPPED = sorted(set(REFERENCE) | {p.stem for p in NETWORKS.glob("*.yaml")})


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_network_matches_torch(name: str) -> None:
    result = analyze(load_spec(NETWORKS / f"{name}.yaml"))
    assert_figures_match_torch(result)
    if result.receptive_field is not None:
        assert_field_matches_gradient(result, in_image=False)


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_shipped_network_in_torch_gives_the_reference_figures(name: str) -> None:
    params, macs, field = REFERENCE[name]
    result = analyze(load_spec(NETWORKS / f"{name}.yaml"))
    built = build_module(result)
    measured = run(built, torch.randn(1, 3, 224, 224))
    assert tuple(measured.output.shape) == (1, 1000)
    assert (count_params(built.module), measured.macs) == (params, macs)
    # measured on the probe: unit 0 of the original image, on an image grown by a margin
    probe = build_module(result, probe=True)
    grow = 32 * math.ceil((field + 64) / 32)
    ((rows, cols),) = field_spans(probe.module, probe.module_for(field_target(result.layers)),
                                  (224 + 2 * grow, 224 + 2 * grow), [(grow // 32, grow // 32)])
    assert rows[1] - rows[0] + 1 == field and cols[1] - cols[0] + 1 == field
