"""The command line: JSON contracts, the calc working, --help everywhere, exit codes."""

from __future__ import annotations

import json

import pytest

from tests.conftest import NETWORKS

COMMANDS = [[], ["build"], ["check"], ["inspect"], ["calc"], ["calc", "conv"], ["calc", "pool"],
            ["calc", "linear"], ["calc", "stack"], ["new"], ["new", "example"], ["init"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "notegen")
def test_every_command_has_help(cli, command) -> None:
    result = cli(*command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_inspect_json_contract(cli) -> None:
    data = json.loads(cli("inspect", NETWORKS / "resnet50.yaml", "--json").output)
    for key in ("title", "input", "output", "params", "trainable_params", "macs", "flops",
                "receptive_field", "layers"):
        assert key in data
    assert data["receptive_field"] == {"size": [427, 427], "jump": [32, 32], "start": [0.0, 0.0]}
    assert data["flops"] == 2 * data["macs"] == 2 * 4_089_184_256
    first = data["layers"][0]
    assert {"name", "op", "output", "params", "macs", "rf", "jump", "start"} <= set(first)
    # conv1: 7×7, 3 -> 64, stride 2, no bias: 7·7·3·64 = 9,408 params; 112·112·9,408 MACs
    assert (first["name"], first["params"], first["macs"], first["rf"]) == ("conv1", 9408, 112 * 112 * 9408, [7, 7])


def test_inspect_depth_collapses_groups(cli) -> None:
    top = cli("inspect", NETWORKS / "resnet18.yaml", "--depth", "0").output
    deep = cli("inspect", NETWORKS / "resnet18.yaml", "--depth", "3").output
    assert "layer1" in top and "conv2" not in top
    assert "conv2" in deep
    assert "11,689,512" in top and "1,814,073,344" in top


def test_calc_conv_shows_formula_numbers_and_result(cli) -> None:
    out = cli("calc", "conv", "--input", "32x64x64", "--k", "3", "--s", "1", "--p", "1", "--out", "64").output
    assert "floor((H_in + 2 · P − K) / S) + 1" in out
    assert "floor((64 + 2 · 1 − 3) / 1) + 1" in out
    assert "3 · 3 · 32 · 64 + 64" in out and "18,496" in out
    assert "150,994,944" in out and "1.51×10^8" in out


def test_calc_pool_ceil_mode_explains_dropped_window(cli) -> None:
    data = json.loads(cli("calc", "pool", "--input", "16x13x13", "--k", "2", "--s", "2", "--p", "1",
                          "--ceil", "--json").output)
    # ceil((13 + 2 − 2)/2) + 1 = 8, but window 8 would start at 7·2 − 1 = 13: torch drops it
    assert data["output"] == [16, 7, 7]
    notes = [s["note"] for s in data["steps"] if s["note"]]
    assert notes and "drops it" in notes[0]


def test_calc_bad_input_is_a_clean_error(cli) -> None:
    result = cli("calc", "conv", "--input", "3x8x8", "--k", "11", "--out", "4")
    assert result.exit_code == 1
    assert "kernel 11 is larger than the padded input 8" in result.output
    assert cli("calc", "conv", "--input", "3by8", "--k", "3", "--out", "4").exit_code == 2


def test_check_reports_problems_with_exit_1(tmp_path, cli) -> None:
    (tmp_path / "Home.md").write_text("---\ntype: home\n---\nSee [[Missing]].\n")
    result = cli("check", tmp_path)
    assert result.exit_code == 1
    assert "Home.md:4: broken link [[Missing]]" in result.output
    data = json.loads(cli("check", tmp_path, "--json").output)
    assert data[0]["path"] == "Home.md" and data[0]["line"] == 4


def test_calc_stack_shows_the_receptive_field_working(cli) -> None:
    out = cli("calc", "stack", "--input", "1x32x32", "conv: {out: 8, k: 3, p: 1}", "maxpool: {k: 2}",
              "conv: {out: 8, k: 3, d: 2}").output
    # r: 1 + 2·1 = 3; 3 + 1·1 = 4 (j becomes 2); k_eff = 2·2 + 1 = 5: 4 + 4·2 = 12
    assert "= 1 + (3 − 1) · 1" in out and "= 3 + (2 − 1) · 1" in out
    assert "= 4 + (2 · (3 − 1) + 1 − 1) · 2" in out
    assert out.rstrip().endswith("receptive field 12 px, jump 2")
    data = json.loads(cli("calc", "stack", "--input", "1x32x32", "conv: {out: 8, k: 3, p: 1}", "--json").output)
    assert data["receptive_field"]["size"] == [3, 3]
