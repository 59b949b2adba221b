"""What the default vault must contain: the whole syllabus, engine figures, math that typesets."""

from __future__ import annotations

import re
from pathlib import Path

import frontmatter
import pytest

from notegen.build import build
from notegen.config import BuildOptions
from notegen.engine import analyze
from notegen.render.formatting import count
from notegen.sources.content import load_content
from tests.conftest import ROOT
from tests.mathcheck import math_errors

# Every section of the course notes (and the two requests at their top) -> the note covering it.
SYLLABUS = {
    1: "Topics/Output Size and Parameter Count.md",
    2: "Topics/Padding, Stride and Dilation.md",
    3: "Topics/Receptive Field.md",
    4: "Topics/Pooling and Downsampling.md",
    5: "Topics/Residual and Bottleneck Blocks.md",
    6: "Topics/Normalization in CNNs.md",
    7: "Topics/Classifier Heads and Losses.md",
    8: "Topics/Why CNNs Work.md",
    9: "Topics/Siamese Networks and Metric Learning.md",
    10: "Topics/Quick Justifications.md",
    11: "Topics/Exam Checklists.md",
    12: "Topics/Speed Answers.md",
    13: "Worked Examples/Conv layer on a 64×64×32 input.md",
    14: "Topics/Pitfalls.md",
}
REQUESTS = {
    "add using covnets with small datasets": "Topics/ConvNets with Small Datasets.md",
    "explain what i need to know do sketch networks": "Topics/How to Sketch a Network.md",
}
SEED = ROOT.parent / "shared" / "seed"


@pytest.fixture(scope="module")
def vault(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("content") / "vault"
    build(BuildOptions(source=ROOT / "content", out=out, templates=ROOT / "templates"))
    return out


@pytest.mark.parametrize("section", sorted(SYLLABUS))
def test_every_section_of_the_notes_has_a_note(vault: Path, section: int) -> None:
    note = vault / SYLLABUS[section]
    assert note.exists(), SYLLABUS[section]
    if SYLLABUS[section].startswith("Topics/"):
        assert frontmatter.load(note).get("section") == section


@pytest.mark.parametrize("request_text", sorted(REQUESTS))
def test_both_extra_requests_have_a_note(vault: Path, request_text: str) -> None:
    assert (vault / REQUESTS[request_text]).exists()


def test_mapping_covers_every_heading_of_the_seed_notes() -> None:
    files = sorted(SEED.glob("*.txt")) if SEED.is_dir() else []
    headings = {int(m.group(1)) for f in files for m in re.finditer(r"^## (\d+)\)", f.read_text(), re.M)}
    assert headings <= set(SYLLABUS), headings - set(SYLLABUS)
    text = " ".join(f.read_text() for f in files)
    for request_text in REQUESTS:
        assert not files or request_text in text


def test_the_notes_arithmetic_error_is_corrected(vault: Path) -> None:
    note = (vault / SYLLABUS[13]).read_text()
    # 2·64·64·3·3·32·64 = 150,994,944: about 1.5e8, not the notes' 1.5e9
    assert "150{,}994{,}944" in note and "1.51 \\times 10^{8}" in note
    assert "10^{9}" not in note.split("## Discussion")[0]


def _examples():
    return load_content(ROOT / "content").examples


@pytest.mark.parametrize("example", _examples(), ids=lambda e: e.title)
def test_example_figures_match_the_engine(vault: Path, example) -> None:
    note = frontmatter.load(vault / "Worked Examples" / f"{example.title}.md")
    if example.loss is not None:
        return
    result = analyze(example.variants[0].network)
    expected = {"params": result.params, "macs": result.macs, "flops": result.flops,
                "trainable_params": result.trainable_params,
                "rf": result.receptive_field.size[0] if result.receptive_field else None}
    for key, value in expected.items():
        if key in note.metadata:
            assert note[key] == value, key
    answers = "\n".join(line for line in note.content.splitlines() if "**Answer:**" in line)
    for variant in example.variants:
        r = analyze(variant.network)
        for ask, figure in (("params", r.params), ("macs", r.macs), ("flops", r.flops)):
            if ask in example.ask:
                assert count(figure) in answers, (variant.label, ask)


def test_every_note_has_math_that_typesets(vault: Path) -> None:
    failures = {}
    for note in sorted(vault.rglob("*.md")):
        errors = math_errors(note.read_text())
        if errors:
            failures[note.relative_to(vault).as_posix()] = errors[:3]
    assert failures == {}


def test_every_topic_is_linked_from_home(vault: Path) -> None:
    home = (vault / "Home.md").read_text()
    for topic in (vault / "Topics").glob("*.md"):
        assert f"[[{topic.stem}" in home, topic.stem
