"""Bad specs: exit status 1, no traceback, the file and line of the entry, the layer path."""

from __future__ import annotations

import textwrap

import pytest

HEAD = "title: T\ninput: [3, 32, 32]\n"

CASES = {
    # name: (spec text, expected line, expected fragments)
    "yaml syntax": (HEAD + "layers:\n  - conv: {out: 8, k: 3\n  - relu\n", 4,
                    ["YAML syntax error while parsing a flow mapping", "noticed on line 6"]),
    "bare op with sibling keys": (HEAD + "layers:\n  - relu\n    repeat: 2\n", 5,
                                  ["mapping values are not allowed", "write '- relu: {}' instead"]),
    "unknown op suggests": (HEAD + "layers:\n  - conv: {out: 8, k: 3}\n  - rleu\n", 5,
                            ["unknown op or block 'rleu'", "did you mean 'relu'"]),
    "unknown top key suggests": ("title: T\ninput: [3, 32, 32]\nlayer:\n  - relu\n", 3,
                                 ["unknown key 'layer'", "did you mean 'layers'"]),
    "unknown arg suggests": (HEAD + "layers:\n  - conv: {out: 8, k: 3, grups: 2}\n", 4,
                             ["unknown argument 'grups' for conv", "did you mean 'groups'", "[conv1]"]),
    "missing arg": (HEAD + "layers:\n  - relu\n  - conv: {k: 3}\n", 5, ["conv needs 'out'", "[conv1]"]),
    "wrong type": (HEAD + "layers:\n  - conv:\n      out: 8\n      k: three\n", 6,
                   ["k must be a whole number, got 'three'"]),
    "kernel too large": (HEAD + "layers:\n  - conv: {out: 8, k: 3, s: 2}\n  - conv: {out: 8, k: 19}\n", 5,
                         ["kernel 19 is larger than the padded input 15", "[conv2]"]),
    "groups indivisible": (HEAD + "layers:\n  - conv: {out: 8, k: 3, groups: 2}\n", 4,
                           ["input channels 3 are not divisible by groups = 2", "[conv1]"]),
    "out not divisible by groups": ("title: T\ninput: [4, 8, 8]\nlayers:\n  - conv: {out: 6, k: 1, groups: 4}\n", 4,
                                    ["out = 6 is not divisible by groups = 4"]),
    "residual mismatch": (HEAD + "layers:\n  - residual:\n      body:\n        - conv: {out: 8, k: 3}\n"
                          "      shortcut: identity\n    name: block\n", 4,
                          ["cannot add: the body gives [8, 30, 30] but the identity shortcut gives [3, 32, 32]",
                           "[block]"]),
    "concat mismatch": (HEAD + "layers:\n  - concat:\n      - [{conv: {out: 4, k: 3}}]\n      - []\n", 4,
                        ["cannot concat branches of shapes [4, 30, 30], [3, 32, 32]"]),
    "unknown block": (HEAD + "blocks:\n  unit:\n    layers: [relu]\nlayers:\n  - unti\n", 7,
                      ["unknown op or block 'unti'", "did you mean 'unit'"]),
    "recursive block": (HEAD + "blocks:\n  a:\n    layers: [b]\n  b:\n    layers: [a]\nlayers:\n  - a\n", 7,
                        ["recursive block reference: a -> b -> a"]),
    "missing block arg": (HEAD + "blocks:\n  unit:\n    args: {width: null}\n    layers:\n"
                          "      - conv: {out: $width, k: 1}\nlayers:\n  - unit\n", 9,
                          ["block 'unit' needs argument 'width'"]),
    "absurd repeat": (HEAD + "layers:\n  - relu: {}\n    repeat: 100000000\n", 4,
                      ["repeat must be a whole number from 1 to 1000"]),
    "exploding nested repeats": (HEAD + "blocks:\n  a:\n    layers:\n      - relu: {}\n        repeat: 1000\n"
                                 "  b:\n    layers:\n      - a: {}\n        repeat: 1000\nlayers:\n  - b: {}\n    repeat: 1000\n",
                                 6, ["expands to more than 200,000 layers"]),
    "absurd size": ("title: T\ninput: [3, 99999999, 32]\nlayers: [relu]\n", 2,
                    ["input must be [C, H, W]"]),
    "duplicate key": (HEAD + "layers:\n  - conv: {out: 8, out: 9, k: 3}\n", 4, ["duplicate key 'out'"]),
    "linear on a map": (HEAD + "layers:\n  - linear: {out: 10}\n", 4,
                        ["linear needs a vector input", "add flatten"]),
    "same padding with stride": (HEAD + "layers:\n  - conv: {out: 8, k: 3, s: 2, p: same}\n", 4,
                                 ["p: same needs stride 1"]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_spec_reports_file_line_and_exits_1(name: str, tmp_path, cli) -> None:
    text, line, fragments = CASES[name]
    spec = tmp_path / "bad.yaml"
    spec.write_text(text)
    result = cli("inspect", spec)
    assert result.exit_code == 1, result.output
    out = result.output
    assert "Traceback" not in out
    assert f"{spec}:{line}:" in out, out
    for fragment in fragments:
        assert fragment in out, out


def test_every_problem_of_a_file_is_reported_at_once(tmp_path, cli) -> None:
    spec = tmp_path / "two.yaml"
    spec.write_text(HEAD + "layers:\n  - conv: {out: 8}\n  - poool\n")
    out = cli("inspect", spec).output
    assert f"{spec}:4:" in out and f"{spec}:5:" in out


def test_missing_file_is_a_clean_error(tmp_path, cli) -> None:
    result = cli("inspect", tmp_path / "nope.yaml")
    assert result.exit_code == 1
    assert "cannot read the file" in result.output


def test_errors_inside_blocks_name_the_call_path(tmp_path, cli) -> None:
    spec = tmp_path / "b.yaml"
    spec.write_text(textwrap.dedent("""\
        title: T
        input: [3, 8, 8]
        blocks:
          unit:
            args: {k: 3}
            layers:
              - conv: {out: 4, k: $k}
        layers:
          - unit: {k: 9}
            name: stem
        """))
    out = cli("inspect", spec).output
    assert f"{spec}:7:" in out and "[stem.conv1]" in out and "kernel 9 is larger than the padded input 8" in out
