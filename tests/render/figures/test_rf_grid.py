"""Nested field squares on the input grid."""

from __future__ import annotations

from fig_hand_results import Builder, network

from notegen.engine import analyze
from notegen.render.figures.rf_grid import rf_grid
from notegen.sources.specs import parse_spec


def three_3x3(size: int = 9):
    b = Builder((1, size, size))
    for i in (1, 2, 3):
        b.conv(f"conv{i}", 4, 3, p=1)
        b.same("relu", f"relu{i}")
    return network("three 3x3", (1, size, size), b.made)


def test_three_stride_1_convs_give_squares_3_5_7_around_one_centre():
    grid = rf_grid(three_3x3())
    # r = 1 + 2 + 2 + 2 layer by layer; relus do not change the field, so no square.
    assert [sq.size for sq in grid.squares] == [(3, 3), (5, 5), (7, 7)]
    assert [sq.label for sq in grid.squares] == ["conv1", "conv2", "conv3"]
    # 9×9 output (same padding), centre unit 4; stride 1 keeps every centre on pixel 4.
    assert {sq.centre for sq in grid.squares} == {(4.0, 4.0)}
    # jump 1: the next unit's field starts one pixel to the right; no dots for j = 1.
    assert grid.neighbour == (4.0, 5.0)
    assert grid.unit_centres == ()


def test_squares_are_nested_with_a_stride_2_pool():
    # 32 px: conv3 p1 (r3 j1), pool2 s2 (r4 j2, start 0.5), conv3 p1 (r8), conv3 p1 (r12).
    b = Builder((3, 32, 32))
    b.conv("conv1", 8, 3, p=1)
    b.pool("pool", 2)
    b.conv("conv2", 8, 3, p=1)
    b.conv("conv3", 8, 3, p=1)
    grid = rf_grid(network("pool stack", (3, 32, 32), b.made))
    assert [sq.size[1] for sq in grid.squares] == [3, 4, 8, 12]
    # Output 16 wide, centre unit 7 at 0.5 + 7·2 = 14.5, spanning 14.5 ± 6.
    outer = grid.squares[-1]
    assert outer.centre == (14.5, 14.5)
    for inner, around in zip(grid.squares, grid.squares[1:]):
        for a in (0, 1):
            assert around.centre[a] - around.size[a] / 2 <= inner.centre[a] - inner.size[a] / 2
            assert inner.centre[a] + inner.size[a] / 2 <= around.centre[a] + around.size[a] / 2
    # Jump 2: output-unit centres are 2 px apart and cover the outer field.
    xs = sorted({x for _, x in grid.unit_centres})
    assert xs == [8.5 + 2 * i for i in range(7)]  # 14.5 − 6 … 14.5 + 6
    assert grid.neighbour == (14.5, 16.5)


def test_view_holds_the_fields_and_crops_a_large_image():
    grid = rf_grid(three_3x3(size=64))
    y0, y1, x0, x1 = grid.view
    # outer field [28.5, 35.5] around centre 32 (64 px, centre unit 31 → 31.0)
    outer = grid.squares[-1]
    assert outer.centre == (31.0, 31.0)
    assert x0 <= 31 - 3.5 and x1 >= 31 + 3.5 + 1  # the neighbour's field too
    assert x1 - x0 < 64 and grid.cells


def test_from_a_parsed_spec():
    text = "title: t\ninput: [3, 16, 16]\nlayers:\n  - conv: {out: 4, k: 5, s: 2, p: 2}\n  - conv: {out: 4, k: 3, p: 1}\n"
    grid = rf_grid(analyze(parse_spec(text, "t.yaml")))
    # r: 1 + 4·1 = 5, then 5 + 2·2 = 9; j = 2 after the first layer.
    assert [sq.size for sq in grid.squares] == [(5, 5), (9, 9)]
    assert grid.jump == (2, 2)


def test_no_grid_without_a_feature_map():
    b = Builder((3, 8, 8))
    b.collapse("flatten", "flatten", (192,))
    assert rf_grid(network("flat", (3, 8, 8), b.made)) is None
