"""Bad topic, example and pattern sources: every problem named with its file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from notegen.errors import NotegenError
from notegen.plan.vault_plan import plan_vault
from notegen.sources.content import load_content
from tests.conftest import ROOT

CASES = {
    "topics/a.md": ("---\ntitle: A\nflashcards:\n  - q: what does std::move do?\n    a: casts\n---\nx\n", 4,
                    "cannot contain '::'"),
    "topics/b.md": ("---\ntitle: B\nflashcards:\n  - q: Q?\n    a: |\n      one\n\n      two\n---\nx\n", 4,
                    "cannot contain a blank line"),
    "topics/c.md": ("---\ntitle: C\ntags: [Bad Tag!]\n---\nx\n", 3, "'Bad Tag!' is not a valid Obsidian tag"),
    "topics/d.md": ("---\ntitle: D\n", 1, "the front-matter is not closed"),
    "topics/e.md": ("", 0, "'title' is required"),
    "topics/f.md": ("---\n---\nbody\n", 0, "'title' is required"),
    "examples/g.yaml": ("title: G\npattern: Not A Slug\ntopic: Receptive Field\ninput: [3, 8, 8]\n"
                        "layers: [relu]\nask: [output]\n", 2, "must be lowercase words joined by '-'"),
    "examples/h.yaml": ("title: H\npattern: receptive-field\ntopic: Receptive Field\ninput: [3, 8, 8]\n"
                        "layers: [relu]\nask: [outputs]\n", 6, "cannot ask for 'outputs'"),
    "examples/i.yaml": ("title: I\npattern: contrastive-loss\ntopic: Receptive Field\n"
                        "loss: {kind: contrastive, pairs: [{a: [1, 2], b: [1], same: true}]}\n", 4,
                        "a has 2 numbers but b has 1"),
}


def _content_with(tmp_path: Path, name: str, text: str) -> Path:
    source = tmp_path / "content"
    shutil.copytree(ROOT / "content", source)
    (source / name).write_text(text)
    return source


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_source_is_reported_with_its_line(name: str, tmp_path: Path, monkeypatch) -> None:
    text, line, fragment = CASES[name]
    _content_with(tmp_path, name, text)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(NotegenError) as err:
        load_content(Path("content"))
    where = f"content/{name}:{line}:" if line else f"content/{name}:"
    messages = [str(e) for e in err.value.errors]
    assert any(m.startswith(where) and fragment in m for m in messages), messages


def test_two_patterns_with_one_name_are_an_error(tmp_path: Path) -> None:
    source = tmp_path / "content"
    shutil.copytree(ROOT / "content", source)
    with (source / "patterns.yaml").open("a") as f:
        f.write("\n- name: shape-params-flops\n  title: Dup\n  prompt: x\n  topic: Receptive Field\n")
    with pytest.raises(NotegenError, match="exam pattern 'shape-params-flops' is already defined"):
        plan_vault(load_content(source))


@pytest.mark.parametrize("title, says", [("ResNet-50", "already exists"), ("Home", "already exists"),
                                         ("two\nlines", "one line of text")])
def test_new_example_refuses_titles_that_would_not_build(title: str, says: str, tmp_path: Path, cli,
                                                         monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    cli("init")
    result = cli("new", "example", title)
    assert result.exit_code == 1 and says in result.output
