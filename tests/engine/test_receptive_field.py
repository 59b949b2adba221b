"""Receptive-field propagation, merges and their errors."""

import pytest

from notegen.engine import AnalysisError, analyze
from notegen.sources.specs import network_from_layers


def net(layers, input_shape=(1, 32, 32)):
    return analyze(network_from_layers(list(input_shape), layers, "t", "test"))


def test_three_3x3_convs_give_3_5_7() -> None:
    r = net([{"conv": {"out": 1, "k": 3, "p": 1}}] * 3)
    assert [l.rf.size[0] for l in r.layers] == [3, 5, 7]
    assert all(l.rf.jump == (1, 1) for l in r.layers)


def test_stride_multiplies_jump() -> None:
    # conv3 s2: r=3, j=2; conv3: r = 3 + 2·2 = 7, j=2; pool2: r = 7 + 1·2 = 9, j = 4
    r = net([{"conv": {"out": 1, "k": 3, "s": 2}}, {"conv": {"out": 1, "k": 3}}, {"maxpool": {"k": 2}}])
    assert [(l.rf.size[0], l.rf.jump[0]) for l in r.layers] == [(3, 2), (7, 2), (9, 4)]


def test_dilation_uses_effective_kernel() -> None:
    # d=2: k_eff 5 -> r 5; d=4 next: k_eff 9 -> r = 5 + 8 = 13
    r = net([{"conv": {"out": 1, "k": 3, "d": 2, "p": 2}}, {"conv": {"out": 1, "k": 3, "d": 4, "p": 4}}])
    assert [l.rf.size[0] for l in r.layers] == [5, 13]
    assert r.output == (1, 32, 32)


def test_start_tracks_padding() -> None:
    # k3 p1: first unit centred on pixel 0; k3 p0: centred on pixel 1; then k2 s2 p0 -> 1 + 0.5·1
    r = net([{"conv": {"out": 1, "k": 3, "p": 1}}, {"conv": {"out": 1, "k": 3}}, {"maxpool": {"k": 2}}])
    assert [l.rf.start[0] for l in r.layers] == [0.0, 1.0, 1.5]


def test_asymmetric_kernel_per_axis() -> None:
    r = net([{"conv": {"out": 1, "k": [1, 7], "p": [0, 3]}}, {"conv": {"out": 1, "k": [7, 1], "p": [3, 0]}}])
    assert r.layers[0].rf.size == (1, 7)
    assert r.layers[1].rf.size == (7, 7)


def test_residual_field_is_hull_of_paths() -> None:
    r = net([{"residual": {"body": [{"conv": {"out": 1, "k": 3, "p": 1}}] * 2}}])
    assert r.layers[0].rf.size == (5, 5)
    assert r.layers[0].args["shortcut"] == "identity"


def test_concat_hull_with_identity_branch() -> None:
    r = net([{"concat": [[{"conv": {"out": 4, "k": 5, "p": 2}}], []]}])
    assert r.output == (5, 32, 32)
    assert r.layers[0].rf.size == (5, 5)




def test_jump_mismatch_is_an_error() -> None:
    # both branches give 2×2 maps, but one advances 2 pixels per unit and the other 1
    with pytest.raises(AnalysisError, match=r"different jumps \(1×1, 2×2\)") as err:
        net([{"concat": [[{"conv": {"out": 4, "k": 3}}], [{"conv": {"out": 4, "k": 2, "s": 2}}]]}], (4, 4, 4))
    assert "[concat1]" in str(err.value)


def test_gap_ends_feature_map_and_last_map_field_is_reported() -> None:
    r = net([{"conv": {"out": 8, "k": 3}}, "gap", {"linear": {"out": 2}}])
    assert r.layers[1].rf is None and r.layers[2].rf is None
    assert r.receptive_field.size == (3, 3)


def test_auto_shortcut_projects_with_body_stride() -> None:
    r = net([{"residual": {"body": [{"conv": {"out": 16, "k": 3, "s": 2, "p": 1, "bias": False}}]}}], (8, 32, 32))
    res = r.layers[0]
    body, shortcut = res.branches
    assert res.args["shortcut"] == "projection"
    assert [l.op for l in shortcut] == ["conv", "bn"]
    assert shortcut[0].args["s"] == (2, 2) and shortcut[0].args["k"] == (1, 1)
    # projection: 8·16 weights + BN 2·16
    assert res.params == 3 * 3 * 8 * 16 + 8 * 16 + 2 * 16


def test_frozen_residual_freezes_its_auto_projection() -> None:
    r = analyze(network_from_layers([8, 16, 16], [
        {"residual": {"body": [{"conv": {"out": 16, "k": 3, "s": 2, "p": 1, "bias": False}}]}, "frozen": True},
        "gap", {"linear": {"out": 10}}], "t", "test"))
    # everything but the head (16·10 + 10 = 170) is frozen, the 1×1 projection included
    assert r.trainable_params == 170
    assert r.frozen_params == r.params - 170


def test_jumps_may_differ_on_a_single_unit_axis() -> None:
    # torch runs a stride-2 body on a 1×1 map next to an identity shortcut: one output unit
    r = net([{"residual": {"body": [{"conv": {"out": 1, "k": 1, "s": 2}}]}}], (1, 1, 1))
    assert r.output == (1, 1, 1)
    assert r.layers[0].rf.size == (1, 1)
