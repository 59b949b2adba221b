"""The 1-D pyramid: which units each unit sees, traced to the input."""

from __future__ import annotations

from fig_hand_results import Builder, network
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from notegen.engine import analyze
from notegen.engine.analyze import AnalysisError
from notegen.render.figures.rf_pyramid import rf_pyramid, taps
from notegen.sources.specs import parse_spec


def stride_2_stack():
    # 9 px, two 3×3 stride-2 pad-1 convs: 9 -> 5 -> 3 units;
    # layer 1: r 3, j 2, start 0; layer 2: r 3 + 2·2 = 7, j 4, start 0.
    b = Builder((1, 9, 9))
    b.conv("conv1", 2, 3, s=2, p=1)
    b.conv("conv2", 2, 3, s=2, p=1)
    return network("stride 2", (1, 9, 9), b.made)


def reached(pyr, row):
    return sorted(u.index for u in pyr.rows[row].units if u.reached and u.real)


def test_taps_follow_the_torch_window():
    assert list(taps(0, 3, 2, 1, 1)) == [-1, 0, 1]
    assert list(taps(2, 5, 1, 2, 2)) == [0, 2, 4]  # k = 3, d = 2: k_eff 5, step 2


def test_stride_2_lines_reach_exactly_the_engine_field():
    net = stride_2_stack()
    for unit in range(3):
        pyr = rf_pyramid(net, unit=unit)
        rf = net.layers[-1].rf
        centre = rf.start[1] + unit * rf.jump[1]
        lo, hi = centre - (rf.size[1] - 1) / 2, centre + (rf.size[1] - 1) / 2
        expected = [i for i in range(9) if lo <= i <= hi]
        assert reached(pyr, 0) == expected
    # By hand: unit 1 sees conv1 units 1, 2, 3, which see input 1…7.
    pyr = rf_pyramid(net, unit=1)
    assert reached(pyr, 1) == [1, 2, 3]
    assert reached(pyr, 0) == [1, 2, 3, 4, 5, 6, 7]
    assert pyr.field == (1, 7)


def test_padding_taps_are_drawn_apart_and_lead_nowhere():
    pyr = rf_pyramid(stride_2_stack(), unit=0)
    # Unit 0 sees conv1 units −1 (padding), 0, 1; those see input −1 (padding), 0…3.
    pads = {(link.row, link.lower) for link in pyr.links if link.padding}
    assert pads == {(2, -1), (1, -1)}
    assert not any(link.upper == -1 for link in pyr.links)
    assert reached(pyr, 0) == [0, 1, 2, 3]
    padding_units = [u.index for u in pyr.rows[0].units if not u.real]
    assert -1 in padding_units


def test_dilation_leaves_gaps_in_what_one_layer_sees():
    text = "title: t\ninput: [1, 12, 12]\nlayers:\n  - conv: {out: 1, k: 3, d: 2, p: 2}\n"
    pyr = rf_pyramid(analyze(parse_spec(text, "t.yaml")), unit=5)
    assert reached(pyr, 0) == [3, 5, 7]  # 5·1 − 2 + {0, 2, 4}
    assert pyr.rows[1].detail == "k3 s1 p2 d2"


def test_units_sit_at_the_centre_of_their_field():
    pyr = rf_pyramid(stride_2_stack(), unit=1)
    xs = {u.index: u.x for u in pyr.rows[2].units}
    assert xs[1] == 4.0  # start 0 + 1·4
    assert {u.index: u.x for u in pyr.rows[1].units}[2] == 4.0  # start 0 + 2·2


def test_no_pyramid_for_parallel_paths():
    text = ("title: t\ninput: [4, 8, 8]\nlayers:\n  - residual:\n      body: [{conv: {out: 4, k: 3, p: 1}}]\n"
            "      shortcut: identity\n")
    assert rf_pyramid(analyze(parse_spec(text, "t.yaml"))) is None


def test_identity_layers_add_no_row():
    text = "title: t\ninput: [1, 8, 8]\nlayers:\n  - conv: {out: 2, k: 3}\n  - bn\n  - relu\n  - maxpool: {k: 2}\n"
    pyr = rf_pyramid(analyze(parse_spec(text, "t.yaml")))
    assert [row.label for row in pyr.rows] == ["input", "conv1", "maxpool1"]


@st.composite
def stacks(draw):
    """Chains of convs and pools with k ≥ s and no dilation, so every field is contiguous."""
    layers = []
    for _ in range(draw(st.integers(1, 4))):
        k = draw(st.integers(1, 5))
        s = draw(st.integers(1, min(k, 3)))
        p = draw(st.integers(0, k // 2))
        if draw(st.booleans()) and k > 1:
            layers.append(f"  - maxpool: {{k: {k}, s: {s}, p: {p}}}")
        else:
            layers.append(f"  - conv: {{out: 1, k: {k}, s: {s}, p: {p}}}")
    size = draw(st.integers(24, 40))
    return f"title: t\ninput: [1, {size}, {size}]\nlayers:\n" + "\n".join(layers) + "\n"


@settings(max_examples=60, deadline=None)
@given(stacks(), st.integers(0, 100))
def test_lines_reach_the_engine_field_clipped_to_the_image(text, pick):
    try:
        result = analyze(parse_spec(text, "t.yaml"))
    except AnalysisError:
        assume(False)  # a window larger than its input: not a network
    if rf_pyramid(result) is None:  # the field is wider than the pyramid draws
        assert result.receptive_field.size[1] > 48
        return
    unit = pick % result.layers[-1].output[2]
    pyr = rf_pyramid(result, unit=unit)
    rf = result.layers[-1].rf
    centre = rf.start[1] + unit * rf.jump[1]
    lo, hi = centre - (rf.size[1] - 1) / 2, centre + (rf.size[1] - 1) / 2
    span = [i for i in range(result.input[2]) if lo <= i <= hi]
    seen = reached(pyr, 0)
    assert seen == list(range(seen[0], seen[-1] + 1))  # k ≥ s, no dilation: no gaps
    assert set(seen) <= set(span)
    if not any(link.padding for link in pyr.links):
        assert seen == span
    # Otherwise the span may be larger: a pixel under a padding unit of a later layer is in
    # the theoretical field but feeds no real unit on the path (28 px, conv k3 s2 leaves
    # pixel 27 to no unit; conv k3 s3 p1 then pads where that unit would be).


def test_a_pixel_behind_padding_is_in_the_span_but_not_reached():
    text = ("title: t\ninput: [1, 28, 28]\nlayers:\n  - conv: {out: 1, k: 3, s: 2}\n"
            "  - conv: {out: 1, k: 3, s: 3, p: 1}\n  - conv: {out: 1, k: 5}\n")
    result = analyze(parse_spec(text, "t.yaml"))
    pyr = rf_pyramid(result, unit=0)
    # Sizes 28 -> 13 -> 5 -> 1. Fields: r 3, j 2, start 1; r 3 + 2·2 = 7, j 6, start 1;
    # r 7 + 4·6 = 31, start 1 + 2·6 = 13, so the span is pixels −2..28, clipped 0..27.
    # Layer-2 unit 4 sees layer-1 units 11, 12 and 13 (padding); layer-1 unit 12 sees
    # pixels 24..26, so pixel 27 is in the span yet no line reaches it.
    assert result.layers[-1].rf.size[1] == 31 and result.layers[-1].rf.start[1] == 13
    assert reached(pyr, 0) == list(range(0, 27))
