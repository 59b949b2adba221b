"""The shipped specs reproduce the published figures of torchvision's models.

Expected values are from the project's reference sheet (torchvision model metadata
``num_params`` / ``_ops`` and receptive fields confirmed by gradient measurement), not from
this engine's own output.
"""

from __future__ import annotations

import re

import pytest

from notegen.engine import analyze
from notegen.sources.specs import load_spec
from tests.conftest import NETWORKS, ROOT

REFERENCE = {
    # file: (output, params, MACs, RF at last feature map, jump)
    "alexnet.yaml": ((1000,), 61_100_840, 714_188_480, 195, 32),
    "vgg16.yaml": ((1000,), 138_357_544, 15_470_264_320, 212, 32),
    "resnet18.yaml": ((1000,), 11_689_512, 1_814_073_344, 435, 32),
    "resnet50.yaml": ((1000,), 25_557_032, 4_089_184_256, 427, 32),
}

INTERMEDIATE_RF = {
    "vgg16.yaml": {"stage1.convs.0.conv": 3, "stage1.pool": 6, "stage2.pool": 16, "stage3.pool": 44,
                   "stage4.pool": 100, "stage5.convs.2.conv": 196, "stage5.pool": 212},
    "resnet50.yaml": {"conv1": 7, "maxpool": 11, "layer1": 35, "layer2": 91, "layer3": 267, "layer4": 427},
    "resnet18.yaml": {"layer1": 43, "layer2": 99, "layer3": 211, "layer4": 435},
}


@pytest.mark.parametrize("spec", sorted(REFERENCE))
def test_totals_match_reference(spec: str) -> None:
    output, params, macs, rf, jump = REFERENCE[spec]
    r = analyze(load_spec(NETWORKS / spec))
    assert r.output == output
    assert r.params == params
    assert r.macs == macs
    assert r.flops == 2 * macs
    assert r.receptive_field.size == (rf, rf)
    assert r.receptive_field.jump == (jump, jump)


@pytest.mark.parametrize("spec", sorted(INTERMEDIATE_RF))
def test_intermediate_receptive_fields(spec: str) -> None:
    r = analyze(load_spec(NETWORKS / spec))
    for path, size in INTERMEDIATE_RF[spec].items():
        assert r.layer(path).rf.size == (size, size), path


def test_per_layer_figures_add_up_to_totals() -> None:
    for spec in NETWORKS.glob("*.yaml"):
        r = analyze(load_spec(spec))
        leaves = list(r.leaves())
        assert sum(l.params for l in leaves) == r.params, spec.name
        twin_extra = sum(t.macs - t.args["macs_per_input"] for t in r.walk() if t.op == "twin")
        assert sum(l.macs for l in leaves) + twin_extra == r.macs, spec.name


def test_lenet5_by_hand() -> None:
    # C1: 6·(1·5·5)+6 = 156; C3: 16·(6·5·5)+16 = 2,416; F5: 400·120+120 = 48,120;
    # F6: 120·84+84 = 10,164; output: 84·10+10 = 850  -> 61,706.
    r = analyze(load_spec(NETWORKS / "lenet5.yaml"))
    assert [l.params for l in r.leaves() if l.params] == [156, 2416, 48120, 10164, 850]
    assert r.layer("S4").output == (16, 5, 5)
    assert r.params == 61_706


def test_siamese_counts_params_once_and_macs_per_input() -> None:
    r = analyze(load_spec(NETWORKS / "siamese.yaml"))
    twin = r.layer("siamese")
    assert r.macs == 2 * r.macs_per_input == twin.macs
    assert r.params == sum(l.params for l in twin.children)
    assert r.output == (1,)


def _reference_table() -> dict[str, tuple[int, int, int, int]]:
    path = ROOT.parent / "shared" / "reference" / "cnn-reference-figures.md"
    if not path.exists():
        return {}
    rows = {}
    for line in path.read_text().splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 6 and re.match(r"[\d,]+$", cells[2]):
            nums = [int(c.replace(",", "")) for c in cells[2:]]
            rows[cells[0]] = tuple(nums)
    return rows


def test_reference_sheet_when_present() -> None:
    """If the course's reference sheet sits beside the checkout, its table agrees too."""
    table = _reference_table()
    names = {"AlexNet (torchvision)": "alexnet.yaml", "VGG-16": "vgg16.yaml", "ResNet-18": "resnet18.yaml"}
    for name, values in table.items():
        spec = names.get(name) or ("resnet50.yaml" if name.startswith("ResNet-50") else None)
        if spec is None:
            continue
        _, params, macs, rf, jump = REFERENCE[spec]
        assert values == (params, macs, rf, jump), name
