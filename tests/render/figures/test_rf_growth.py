"""Receptive-field growth chart data."""

from __future__ import annotations

from pathlib import Path

from fig_hand_results import Builder, network

from notegen.engine import analyze
from notegen.render.figures.rf_growth import rf_growth
from notegen.sources.specs import load_spec, parse_spec

NETWORKS = Path(__file__).resolve().parents[3] / "content" / "networks"


def test_points_skip_layers_that_leave_the_field_alone():
    text = ("title: t\ninput: [3, 32, 32]\nlayers:\n  - conv: {out: 8, k: 3, p: 1}\n  - relu\n"
            "  - maxpool: {k: 2, s: 2}\n  - conv: {out: 8, k: 3, p: 1}\n  - gap: {}\n")
    g = rf_growth(analyze(parse_spec(text, "t.yaml")))
    # r: 3, then 3 + 1·1 = 4 (j 2), then 4 + 2·2 = 8; relu and gap add no point.
    assert [(p.size[0], p.jump[0]) for p in g.points] == [(3, 1), (4, 2), (8, 2)]
    assert g.log_y  # j = 1 up to the 32 px input: more than a decade


def test_linear_axis_for_values_within_a_decade():
    b = Builder((1, 8, 8))
    b.conv("conv1", 2, 3)  # r 3
    b.conv("conv2", 2, 3)  # r 5; values 1 (j) … 8 (input): under a decade
    g = rf_growth(network("small", (1, 8, 8), b.made))
    assert not g.log_y

def test_log_axis_once_values_span_a_decade():
    b = Builder((3, 224, 224))
    b.conv("conv1", 8, 7, s=2, p=3)  # r 7, j 2
    b.pool("pool", 3, 2, 1)  # r 7 + 2·2 = 11, j 4
    g = rf_growth(network("stem", (3, 224, 224), b.made))
    assert [p.size[0] for p in g.points] == [7, 11]
    assert g.log_y  # 2 … 224
    assert g.outgrows_at is None


def test_stages_and_the_point_where_the_field_outgrows_the_image():
    net = analyze(load_spec(NETWORKS / "resnet18.yaml"))
    g = rf_growth(net)
    assert [s.label for s in g.stages] == ["layer1", "layer2", "layer3", "layer4"]
    # Reference (docs: cnn-reference-figures): ResNet-18 layer1 43, layer4 435, j 32.
    ends = {s.label: g.points[s.last].size[0] for s in g.stages}
    assert ends["layer1"] == 43 and ends["layer4"] == 435
    assert g.points[-1].jump == (32, 32)
    first_big = g.outgrows_at
    assert g.points[first_big].size[0] > 224 >= g.points[first_big - 1].size[0]
    assert g.input_size == (224, 224)


def test_vgg_stage_ends_match_the_reference_fields():
    g = rf_growth(analyze(load_spec(NETWORKS / "vgg16.yaml")))
    # VGG-16 reference: pool1 6, pool2 16, pool3 44, pool4 100, pool5 212.
    assert [g.points[s.last].size[0] for s in g.stages] == [6, 16, 44, 100, 212]
    assert g.tick_labels  # 18 layers change the field: few enough to name each
