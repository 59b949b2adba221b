"""The build as a student meets it: committed vault, determinism, safety on bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from notegen.build import build
from notegen.config import BuildOptions
from tests.conftest import ROOT

CONTENT = ROOT / "content"
TEMPLATES = ROOT / "templates"


def tree(root: Path) -> dict[str, bytes]:
    """Every file of a vault but the build cache (an optimisation, not part of the vault)
    and the build lock (it names the process that last held it)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".notegen/cache" not in p.relative_to(root).as_posix()
            and p.relative_to(root).as_posix() != ".notegen/lock"}


def options(out: Path, source: Path = CONTENT, **kw) -> BuildOptions:
    return BuildOptions(source=source, out=out, templates=TEMPLATES, **kw)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("vault") / "vault_out"
    outcome = build(options(out))
    assert outcome.problems == ()
    return out


def test_committed_vault_matches_a_fresh_build(built: Path) -> None:
    committed = tree(ROOT / "vault_out")
    fresh = tree(built)
    assert sorted(committed) == sorted(fresh), "file lists differ: run `notegen build` and commit vault_out/"
    changed = [p for p in fresh if committed[p] != fresh[p]]
    assert changed == [], f"stale committed files: {changed[:5]}"


def test_second_build_changes_no_byte(built: Path, tmp_path: Path) -> None:
    copy = tmp_path / "v"
    shutil.copytree(built, copy)
    before = tree(copy)
    mtimes = {p: p.stat().st_mtime_ns for p in copy.rglob("*.md")}
    outcome = build(options(copy))
    assert tree(copy) == before
    assert outcome.report is None  # the fingerprints matched: nothing was even read
    assert {p: p.stat().st_mtime_ns for p in copy.rglob("*.md")} == mtimes


def test_rebuild_without_the_build_cache_draws_and_writes_nothing(built: Path, tmp_path: Path) -> None:
    copy = tmp_path / "v"
    shutil.copytree(built, copy)
    (copy / ".notegen" / "cache" / "build.json").unlink()
    before = tree(copy)
    outcome = build(options(copy))
    assert outcome.rendered == outcome.notes  # every note rendered again ...
    assert outcome.drawn == 0                 # ... but every figure came from the figure cache
    assert len(outcome.report.written) == 0 and len(outcome.report.unchanged) == len(before) - 1
    assert tree(copy) == before


def test_changing_one_example_rerenders_only_that_note(built: Path, tmp_path: Path) -> None:
    source = tmp_path / "content"
    shutil.copytree(CONTENT, source)
    copy = tmp_path / "v"
    shutil.copytree(built, copy)
    build(options(copy, source))  # the cache now knows this source folder
    example = source / "examples" / "conv-on-64x64x32-input.yaml"
    example.write_text(example.read_text().replace("ask: [output, params, macs, flops]", "ask: [output, params]"))
    outcome = build(options(copy, source))
    assert outcome.rendered_paths == ("Worked Examples/Conv layer on a 64×64×32 input.md",)
    assert outcome.drawn == 0
    assert list(outcome.report.written) == ["Worked Examples/Conv layer on a 64×64×32 input.md"]


def test_two_clean_builds_are_byte_identical(built: Path, tmp_path: Path) -> None:
    other = tmp_path / "again"
    build(options(other))
    assert tree(other) == tree(built)


def test_a_note_the_user_adds_survives_a_rebuild(built: Path, tmp_path: Path) -> None:
    copy = tmp_path / "v"
    shutil.copytree(built, copy)
    mine = copy / "Topics" / "My own summary.md"
    mine.write_text("# Mine\n\nSee [[Receptive Field]].\n")
    build(options(copy, check=False))
    assert mine.read_text() == "# Mine\n\nSee [[Receptive Field]].\n"


BAD_SOURCES = {
    "examples/zz-bad.yaml": ("title: Broken\npattern: receptive-field\ntopic: Receptive Field\n"
                             "input: [3, 8, 8]\nlayers:\n  - conv: {out: 4, k: 11}\nask: [output]\n",
                             6, "kernel 11 is larger than the padded input 8"),
    "examples/zz-topic.yaml": ("title: Lost\npattern: receptive-field\ntopic: Recepive Field\n"
                               "input: [3, 8, 8]\nlayers: [relu]\nask: [output]\n",
                               3, "topic 'Recepive Field' does not exist"),
    "examples/zz-yaml.yaml": ("title: Bad yaml\npattern: [unclosed\n", 2, "YAML syntax error"),
    "topics/zz-bad.md": ("---\ntitle: Bad topic\nflashcards: 3\n---\nBody {{ net('Nope').params }}\n",
                         3, "flashcards must be a list"),
    "topics/zz-link.md": ("---\ntitle: Linking topic\n---\nIntro line.\n\nSee [[No Such Note]].\n",
                          6, "link to 'No Such Note'"),
    "topics/zz-jinja.md": ("---\ntitle: Jinja topic\n---\nLine one.\n{{ net('Nope').params }}\n",
                           5, "net('Nope'): no network spec has that title"),
    "networks/zz-net.yaml": ("title: Net\ninput: [3, 32, 32]\nlayers:\n  - conv: {out: 8, k: 3, groups: 2}\n",
                             4, "not divisible by groups"),
}


@pytest.mark.parametrize("name", sorted(BAD_SOURCES))
def test_bad_source_reports_file_line_and_leaves_vault_untouched(name: str, built: Path, tmp_path: Path,
                                                                 cli) -> None:
    source = tmp_path / "content"
    shutil.copytree(CONTENT, source)
    text, line, fragment = BAD_SOURCES[name]
    (source / name).write_text(text)
    vault = tmp_path / "vault"
    shutil.copytree(built, vault)
    before = tree(vault)
    result = cli("build", "--source", source, "--out", vault, "--templates", TEMPLATES)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"{name.split('/')[0]}/{name.split('/')[1]}:{line}:" in result.output, result.output
    assert fragment in result.output, result.output
    assert tree(vault) == before


def test_default_content_is_used_in_an_empty_folder(tmp_path: Path, cli, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("build", "--no-check")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "vault_out" / "Home.md").exists()
    assert (tmp_path / "vault_out" / "Topics" / "Receptive Field.md").exists()


def test_new_example_skeleton_builds_as_it_is(tmp_path: Path, cli, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli("init").exit_code == 0
    result = cli("new", "example", "My 5×5 conv", "--pattern", "receptive-field")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "content" / "examples" / "my-5x5-conv.yaml").exists()
    result = cli("build")
    assert result.exit_code == 0, result.output
    note = (tmp_path / "vault_out" / "Worked Examples" / "My 5×5 conv.md").read_text()
    assert "exam-pattern/receptive-field" in note and "18{,}496" in note


def test_new_example_rejects_unknown_pattern(tmp_path: Path, cli, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    cli("init")
    result = cli("new", "example", "X", "--pattern", "recptive-field")
    assert result.exit_code == 1
    assert "did you mean 'receptive-field'" in result.output


def test_an_unlinked_note_of_the_student_warns_but_does_not_fail_the_build(built: Path, tmp_path: Path,
                                                                            cli) -> None:
    copy = tmp_path / "v"
    shutil.copytree(built, copy)
    (copy / "Topics" / "Draft.md").write_text("# Draft\n\nnot linked yet\n")
    result = cli("build", "--out", copy, "--templates", TEMPLATES, "--source", CONTENT)
    assert result.exit_code == 0
    assert "Topics/Draft.md:1: orphan note" in result.output  # reported all the same
    assert cli("check", copy).exit_code == 1  # the standalone check stays strict


def test_a_link_the_student_writes_in_my_notes_warns_but_does_not_fail(built: Path, tmp_path: Path,
                                                                       cli) -> None:
    copy = tmp_path / "v"
    shutil.copytree(built, copy)
    note = copy / "Topics" / "Receptive Field.md"
    text = note.read_text()
    note.write_text(text.replace("%% notegen:user begin %%\n", "%% notegen:user begin %%\nsee [[Future Note]]\n"))
    result = cli("build", "--out", copy, "--templates", TEMPLATES, "--source", CONTENT)
    assert result.exit_code == 0, result.output
    assert "broken link [[Future Note]]" in result.output
    assert "see [[Future Note]]" in note.read_text()


def test_a_lost_manifest_is_not_hidden_by_the_fast_path(built: Path, tmp_path: Path) -> None:
    copy = tmp_path / "v"
    shutil.copytree(built, copy)
    manifest = copy / ".notegen" / "manifest.json"
    before = manifest.read_bytes()
    manifest.unlink()
    outcome = build(options(copy))
    assert outcome.report is not None  # a real build ran ...
    assert manifest.read_bytes() == before  # ... and wrote the same manifest again
