"""SVG output: deterministic, text as text, transparent, no date."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from notegen.engine import analyze
from notegen.render.figures import network_figures, rf_figures
from notegen.render.figures.draw import draw
from notegen.sources.specs import load_spec, parse_spec

NETWORKS = Path(__file__).resolve().parents[3] / "content" / "networks"
SVG = "{http://www.w3.org/2000/svg}"
STACK = ("title: Three convs\ninput: [1, 9, 9]\nlayers:\n  - conv: {out: 2, k: 3, p: 1}\n"
         "  - relu\n  - conv: {out: 2, k: 3, s: 2, p: 1}\n  - conv: {out: 2, k: 3, p: 1}\n")


def jobs():
    stack = analyze(parse_spec(STACK, "stack.yaml"))
    basic = analyze(load_spec(NETWORKS / "basic-block.yaml"))
    return {job.kind: job for job in network_figures(basic, "basic") + rf_figures(stack, "stack")}


@pytest.fixture(scope="module")
def svgs():
    return {kind: draw(job.kind, job.geometry) for kind, job in jobs().items()}


def texts(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def test_every_kind_is_drawn(svgs):
    assert set(svgs) == {"sketch", "rf-growth", "rf-grid", "rf-pyramid"}


def test_two_renders_are_byte_identical(svgs):
    for kind, job in jobs().items():
        assert draw(job.kind, job.geometry) == svgs[kind], kind


def test_labels_are_text_elements_not_glyph_paths(svgs):
    sketch_texts = texts(svgs["sketch"])
    assert "conv 3×3" in sketch_texts and "identity" in sketch_texts
    assert "64×56×56" in sketch_texts
    assert any("r = 3" in t for t in texts(svgs["rf-grid"]))
    for svg in svgs.values():
        assert b'id="DejaVuSans' not in svg  # glyphs would be defined as paths


def test_no_date_and_a_fixed_creator(svgs):
    for svg in svgs.values():
        assert b"<dc:date>" not in svg
        assert b"<dc:creator>" not in svg or b"notegen" in svg


def test_background_is_transparent(svgs):
    for svg in svgs.values():
        root = ET.fromstring(svg)
        figure_patch = root.find(f".//{SVG}g[@id='patch_1']/{SVG}path")
        assert figure_patch is not None and "fill: none" in figure_patch.get("style", "")
        assert b"#ffffff" not in svg.lower()


def test_importing_the_figures_package_does_not_load_matplotlib():
    code = ("import sys, notegen.render.figures as f; from notegen.engine import analyze; "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
