"""Network sketch layout: boxes, skips, lanes, depth and wrapping."""

from __future__ import annotations

from pathlib import Path

import pytest
from fig_hand_results import Builder, network

from notegen.engine import analyze
from notegen.render.figures.sketch import MAX_BOXES, MAX_WIDTH, sketch
from notegen.sources.specs import load_spec, parse_spec

NETWORKS = Path(__file__).resolve().parents[3] / "content" / "networks"


def two_residuals():
    """stem conv, an identity residual (conv, bn, relu, conv, bn), relu, and a residual
    whose shortcut is a 1×1 stride-2 projection."""
    b = Builder((8, 16, 16))
    b.conv("stem", 8, 3, p=1)
    start = b.shape
    inner = b.child("res1")
    inner.conv("conv1", 8, 3, p=1)
    inner.same("bn", "bn1")
    inner.same("relu", "relu1")
    inner.conv("conv2", 8, 3, p=1)
    inner.same("bn", "bn2")
    b.group("residual", "res1", inner, start, branches=(tuple(inner.made), ()))
    b.same("relu", "relu")
    start = b.shape
    body = b.child("res2")
    body.conv("conv1", 16, 3, s=2, p=1)
    short = b.child("res2")
    short.conv("proj", 16, 1, s=2)
    b.group("residual", "res2", body, start, branches=(tuple(body.made), tuple(short.made)))
    return network("two residuals", (8, 16, 16), b.made)


def nested_stages():
    """conv, stage[b1[conv, relu], b2[conv, relu]], gap, linear: depths 0, 1, 2."""
    b = Builder((3, 8, 8))
    b.conv("conv", 4, 3, p=1)
    start = b.shape
    stage = b.child("stage")
    for name in ("b1", "b2"):
        inner = stage.child(name)
        inner.conv("conv", 4, 3, p=1)
        inner.same("relu", "relu")
        stage.group("block", name, inner, stage.shape, block="unit")
    b.group("block", "stage", stage, start, block="stage")
    b.collapse("gap", "gap", (4,))
    b.collapse("linear", "fc", (10,), out=10, bias=True)
    return network("nested", (3, 8, 8), b.made)


def box_paths(sk):
    return [box.path for box in sk.boxes]


def test_residual_arcs_span_exactly_their_body_boxes():
    sk = sketch(two_residuals())
    # bn and relu are folded into the conv boxes before them
    expected = {"res1": {"res1.conv1", "res1.conv2"}, "res2": {"res2.conv1"}}
    for path, body in expected.items():
        arcs = [line for line in sk.lines if line.role == "skip" and line.path == path]
        xs = [x for line in arcs for x, _ in line.points]
        lo, hi = min(xs), max(xs)
        baseline = arcs[0].points[0][1]  # the arc leaves the main line at the split
        on_line = {b.path for b in sk.boxes
                   if abs(b.y + b.h / 2 - baseline) < 1e-9 and lo < b.x + b.w / 2 < hi}
        assert on_line == body
        inside = [b for b in sk.boxes if b.path in body]
        assert all(lo < b.x and b.x + b.w < hi for b in inside)  # whole boxes, not centres only
        # the arc passes above every body box
        top = min(y for line in arcs for _, y in line.points)
        assert all(top < b.y for b in inside)


def test_projection_shortcut_sits_on_the_arc_and_identity_is_labelled():
    sk = sketch(two_residuals())
    proj = next(b for b in sk.boxes if b.path == "res2.proj")
    body = next(b for b in sk.boxes if b.path == "res2.conv1")
    assert proj.y + proj.h < body.y  # above the body
    arc_y = min(y for line in sk.lines if line.path == "res2" for _, y in line.points)
    assert abs(arc_y - (proj.y + proj.h / 2)) < 1e-9
    assert [lab.text for lab in sk.labels if lab.role == "note"].count("identity") == 1


def concat_net():
    b = Builder((8, 8, 8))
    start = b.shape
    one = b.child("cat.branch1")
    one.conv("conv", 4, 1)
    two = b.child("cat.branch2")
    two.conv("conv", 4, 1)
    two.conv("conv3", 4, 3, p=1)
    b.group("concat", "cat", one, start, branches=((), tuple(one.made), tuple(two.made)),
            output=(16, 8, 8))
    return network("concat", (8, 8, 8), b.made)


def test_concat_draws_branches_side_by_side():
    sk = sketch(concat_net(), fold=False)
    lanes = {}
    for box in sk.boxes:
        lanes.setdefault(box.path.split(".")[1], []).append(box)
    assert set(lanes) == {"branch1", "branch2"}
    (first_1, *_), (first_2, second_2) = lanes["branch1"], lanes["branch2"]
    assert first_1.x == first_2.x  # both branches start together after the split
    assert second_2.y == first_2.y  # a branch is one row
    assert first_1.y + first_1.h <= first_2.y or first_2.y + first_2.h <= first_1.y
    # the identity branch is a line from the split straight to the merge, shape labelled
    merge = next(n for n in sk.nodes if n.text == "C")
    assert merge.x > second_2.x + second_2.w
    assert any(lab.text == "8×8×8" for lab in sk.labels)
    assert any(lab.text == "16×8×8" for lab in sk.labels)  # after the merge


@pytest.mark.parametrize("depth, fold, boxes", [
    (0, False, ["conv", "stage", "gap", "fc"]),
    (1, False, ["conv", "stage.b1", "stage.b2", "gap", "fc"]),
    (2, False, ["conv", "stage.b1.conv", "stage.b1.relu", "stage.b2.conv", "stage.b2.relu",
                "gap", "fc"]),
    (2, True, ["conv", "stage.b1.conv", "stage.b2.conv", "gap", "fc"]),  # relus folded
])
def test_box_count_by_depth(depth, fold, boxes):
    sk = sketch(nested_stages(), depth, fold=fold)
    assert box_paths(sk) == boxes
    assert sk.depth == depth


def test_folded_ops_are_written_in_the_box():
    sk = sketch(nested_stages(), 2)
    conv = next(b for b in sk.boxes if b.path == "stage.b1.conv")
    assert conv.lines == ("conv 3×3", "4", "ReLU")
    stage = sketch(nested_stages(), 0).boxes[1]
    assert stage.group and stage.lines == ("stage", "stage", "4 ch")


def test_auto_depth_collapses_a_deep_net_to_stages():
    sk = sketch(analyze(load_spec(NETWORKS / "resnet50.yaml")))
    # conv1 (+BN, ReLU), maxpool, layer1-4, avgpool, fc; opening the stages would give
    # 3 + 2 + 2 + 2 block boxes + 4 = 13 > MAX_BOXES.
    assert sk.depth == 0
    assert box_paths(sk) == ["conv1", "maxpool", "layer1", "layer2", "layer3", "layer4",
                             "avgpool", "fc"]


def test_auto_depth_opens_a_single_block_completely():
    sk = sketch(analyze(load_spec(NETWORKS / "basic-block.yaml")))
    assert box_paths(sk) == ["add.conv1", "add.conv2"]
    assert [line.path for line in sk.lines if line.role == "skip"] == ["add"]
    # the ReLU after the addition has no box of its own: it is written over the arrow
    assert any(lab.text == "ReLU" and lab.va == "bottom" for lab in sk.labels)


def test_siamese_twin_has_one_encoder_box_per_input_with_shared_weights():
    sk = sketch(analyze(load_spec(NETWORKS / "siamese.yaml")))
    copies = [b for b in sk.boxes if b.path == "siamese.encoder"]
    assert len(copies) == 2 and copies[0].x == copies[1].x and copies[0].y < copies[1].y
    shared = [line for line in sk.lines if line.role == "shared"]
    assert len(shared) == 1 and shared[0].dashed
    (x0, y0), (x1, y1) = shared[0].points
    assert y0 == copies[0].y + copies[0].h and y1 == copies[1].y  # joins the two copies
    assert any(n.text == "‖a−b‖" for n in sk.nodes)
    # the encoder itself is drawn once underneath, every layer of it
    assert {"siamese.conv1", "siamese.conv3", "siamese.embed"} <= set(box_paths(sk))


def overlaps(a, b):
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h


@pytest.mark.parametrize("spec", sorted(p.name for p in NETWORKS.glob("*.yaml")))
def test_every_content_network_fits_the_note_width_without_overlaps(spec):
    sk = sketch(analyze(load_spec(NETWORKS / spec)))
    assert sk.width <= MAX_WIDTH + 0.01
    assert len(sk.boxes) <= MAX_BOXES or sk.depth == 0
    for i, a in enumerate(sk.boxes):
        assert 0 <= a.x and a.x + a.w <= sk.width and 0 <= a.y and a.y + a.h <= sk.height
        for b in sk.boxes[i + 1:]:
            assert not overlaps(a, b), (a.path, b.path)


def test_a_long_chain_wraps_into_rows():
    layers = "\n".join("  - conv: {out: 8, k: 3, p: 1}" for _ in range(10))
    net = analyze(parse_spec(f"title: t\ninput: [8, 32, 32]\nlayers:\n{layers}\n", "t.yaml"))
    sk = sketch(net)
    rows = sorted({round(b.y, 6) for b in sk.boxes})
    assert len(sk.boxes) == 10 and len(rows) >= 2
    assert sum(1 for line in sk.lines if line.role == "wrap") == len(rows) - 1
