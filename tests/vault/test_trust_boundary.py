"""Nothing outside the vault, ever: the build played by an attacker who hands over a vault.

Each test builds the default course into a vault, then tampers with it the way a shared
zip or git clone could (a manifest listing paths out of the vault, folders and notes
replaced by links), builds again through the CLI and checks the files outside are as they
were, the exit status and the message, and that no traceback was printed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from notegen.cli import main
from tests.conftest import ROOT

CONTENT, TEMPLATES = ROOT / "content", ROOT / "templates"
MANIFEST = ".notegen/manifest.json"


@pytest.fixture
def vault(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "vault"
    shutil.copytree(built, copy)
    return copy


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output and not isinstance(result.exception, Exception) \
        or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def build_cli(vault: Path) -> tuple[int, str]:
    return run("build", "--source", str(CONTENT), "--out", str(vault), "--templates",
               str(TEMPLATES), "--no-check")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def touch_my_notes(vault: Path, text: str = "revise\n") -> None:
    home = vault / "Home.md"
    home.write_text(home.read_text().replace("%% notegen:user end %%",
                                             f"{text}%% notegen:user end %%"))


def add_to_manifest(vault: Path, entries: dict[str, str]) -> None:
    doc = json.loads((vault / MANIFEST).read_text())
    doc["files"].update(entries)
    (vault / MANIFEST).write_text(json.dumps(doc))


def test_a_manifest_listing_paths_out_of_the_vault_removes_nothing(vault: Path, tmp_path: Path):
    outside = tmp_path / "outside.txt"
    outside.write_text("the student's thesis")
    absolute = tmp_path / "x"
    absolute.write_text("another file")
    # Right hashes, so a writer that trusted the entries would take them for its own files.
    add_to_manifest(vault, {"../outside.txt": sha(outside), str(absolute): sha(absolute)})
    touch_my_notes(vault)  # the vault changed: a real build, not "nothing changed"
    code, out = build_cli(vault)
    assert outside.read_text() == "the student's thesis" and absolute.read_text() == "another file"
    assert code == 0, out
    assert "the manifest lists 2 entries that are not a file inside the vault" in out
    assert "nothing it lists is removed" in out
    assert "../outside.txt" not in json.loads((vault / MANIFEST).read_text())["files"]


def test_a_manifest_that_does_not_parse_removes_nothing(vault: Path):
    gone_source = vault / "Worked Examples" / "Orphan of an old build.md"
    gone_source.write_text("# old\n")
    (vault / MANIFEST).write_text('{"format": 1, "files": {"Worked Examples/Orph')
    code, out = build_cli(vault)
    assert code == 0, out
    assert gone_source.exists() and "is not valid JSON" in out


def test_a_folder_replaced_by_a_link_out_of_the_vault_is_reported_not_written_through(
        vault: Path, tmp_path: Path):
    elsewhere = tmp_path / "elsewhere"
    shutil.move(vault / "Topics", elsewhere)
    before = {p.name: p.read_bytes() for p in elsewhere.iterdir()}
    (vault / "Topics").symlink_to(elsewhere, target_is_directory=True)
    stride = next(p for p in elsewhere.iterdir() if p.name.startswith("Padding"))
    stride.write_text("student rewrote it\n")  # a build writing through would overwrite this
    before[stride.name] = stride.read_bytes()
    code, out = build_cli(vault)
    assert code == 1
    assert f"Topics: is a symbolic link (to {elsewhere})" in out
    assert "never writes through a link" in out and out.count("symbolic link (to") == 1
    assert {p.name: p.read_bytes() for p in elsewhere.iterdir()} == before


def test_a_note_replaced_by_a_link_is_reported_and_its_target_untouched(vault: Path, tmp_path: Path):
    target = tmp_path / "diary.md"
    target.write_text("private\n")
    note = vault / "Topics" / "Receptive Field.md"
    note.unlink()
    note.symlink_to(target)
    code, out = build_cli(vault)
    assert code == 1 and "Topics/Receptive Field.md: is a symbolic link" in out
    assert target.read_text() == "private\n" and note.is_symlink()


def test_a_listed_file_behind_a_linked_folder_is_not_removed(vault: Path, tmp_path: Path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    victim = elsewhere / "notes.md"
    victim.write_text("# mine\n")
    (vault / "Old").symlink_to(elsewhere, target_is_directory=True)
    add_to_manifest(vault, {"Old/notes.md": sha(victim)})  # "generated last time, unedited"
    touch_my_notes(vault)
    code, out = build_cli(vault)
    assert code == 0, out
    assert victim.read_text() == "# mine\n"


def test_the_cache_folder_as_a_link_out_of_the_vault_is_refused(vault: Path, tmp_path: Path):
    elsewhere = tmp_path / "cache"
    shutil.move(vault / ".notegen" / "cache", elsewhere)
    (vault / ".notegen" / "cache").symlink_to(elsewhere, target_is_directory=True)
    before = sorted(os.listdir(elsewhere))
    code, out = build_cli(vault)
    assert code == 1 and ".notegen/cache: is a symbolic link" in out
    assert sorted(os.listdir(elsewhere)) == before


def test_check_sees_a_linked_folder_as_obsidian_does(vault: Path, tmp_path: Path):
    """Links into a folder that is a link out of the vault resolve (no false "broken
    link"); the link itself is reported once, and nothing behind it is read."""
    elsewhere = tmp_path / "shared-notes"
    elsewhere.mkdir()
    (elsewhere / "Lecture 3.md").write_text("# Lecture 3\n\n[[No such note]]\n")
    (vault / "Shared").symlink_to(elsewhere, target_is_directory=True)
    (vault / "Mine.md").write_text("# Mine\n\nsee [[Lecture 3]] and [[Home]]\n")
    touch_my_notes(vault, "[[Mine]]\n")
    code, out = run("check", str(vault))
    assert "broken link" not in out, out
    assert "Shared:1: a symbolic link out of the vault" in out and code == 1
