"""Obsidian habits: a generated note the student moves or renames keeps being that note."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from notegen.cli import main
from tests.conftest import ROOT

CONTENT, TEMPLATES = ROOT / "content", ROOT / "templates"
NOTE = "Topics/Receptive Field.md"
SOURCE = "topics/receptive-field.md"
END = "%% notegen:user end %%"
MINE = "my own worked example of the jump\n"


@pytest.fixture
def course(built: Path, tmp_path: Path) -> tuple[Path, Path]:
    shutil.copytree(CONTENT, tmp_path / "content")
    shutil.copytree(built, tmp_path / "vault")
    assert (tmp_path / "content" / SOURCE).is_file()
    return tmp_path / "content", tmp_path / "vault"


def cli_build(source: Path, vault: Path):
    result = CliRunner().invoke(main, ["build", "--source", str(source), "--out", str(vault),
                                       "--templates", str(TEMPLATES)])
    assert "Traceback" not in result.output
    return result


def live_in(vault: Path) -> None:
    """My notes text and a reviewed card in the note, as the student leaves them."""
    note = vault / NOTE
    text = note.read_text(encoding="utf-8").replace(END, MINE + END)
    question = next(line for line in text.splitlines() if "::" in line)
    text = text.replace(question + "\n", question + "\n<!--SR:!2026-12-01,3,250-->\n", 1)
    note.write_text(text, encoding="utf-8")


def change_source(source: Path) -> None:
    path = source / SOURCE
    path.write_text(path.read_text(encoding="utf-8") + "\nA sentence added to the source.\n",
                    encoding="utf-8")


def test_every_generated_note_has_a_stable_id_from_its_source(built: Path):
    notes = sorted(built.rglob("*.md"))
    ids = [next(line for line in p.read_text(encoding="utf-8").splitlines()
                if line.startswith("notegen-id: ")) for p in notes]
    assert len(set(ids)) == len(notes)
    assert "notegen-id: topic/receptive-field" in (built / NOTE).read_text(encoding="utf-8")


def test_a_moved_note_is_regenerated_where_the_student_put_it(course):
    source, vault = course
    live_in(vault)
    (vault / "Exam prep").mkdir()
    moved = vault / "Exam prep" / "Receptive Field.md"
    shutil.move(vault / NOTE, moved)
    change_source(source)
    result = cli_build(source, vault)
    assert result.exit_code == 0, result.output
    assert "moved by you: Topics/Receptive Field.md -> Exam prep/Receptive Field.md" in result.output
    assert not (vault / NOTE).exists()  # no second copy
    text = moved.read_text(encoding="utf-8")
    assert "A sentence added to the source." in text
    assert MINE + END in text and "<!--SR:!2026-12-01,3,250-->" in text
    # The next build finds it through the manifest and changes nothing.
    change_source(source)
    again = cli_build(source, vault)
    assert again.exit_code == 0 and not (vault / NOTE).exists()
    assert moved.read_text(encoding="utf-8").count("A sentence added to the source.") == 2


def test_a_renamed_note_is_recognised_and_the_links_obsidian_rewrote_are_kept(course):
    source, vault = course
    live_in(vault)
    renamed = vault / "Topics" / "RF cheat sheet.md"
    shutil.move(vault / NOTE, renamed)
    # What Obsidian does on a rename: every link to the note now names the new file.
    linking = []
    for note in sorted(vault.rglob("*.md")):
        text = note.read_text(encoding="utf-8")
        new = (text.replace("[[Receptive Field]]", "[[RF cheat sheet]]")
               .replace("[[Receptive Field|", "[[RF cheat sheet|")
               .replace("[[Receptive Field#", "[[RF cheat sheet#")
               .replace("[[Receptive Field\\|", "[[RF cheat sheet\\|"))  # in a table
        if new != text:
            linking.append(note.name)
            note.write_text(new, encoding="utf-8")
    assert len(linking) > 3
    change_source(source)
    result = cli_build(source, vault)
    assert result.exit_code == 0, result.output  # linking notes not taken for edits, no broken link
    assert ("renamed by you: Topics/Receptive Field.md -> Topics/RF cheat sheet.md"
            in " ".join(result.output.split()))
    assert "edited outside" not in result.output
    assert not (vault / NOTE).exists()
    text = renamed.read_text(encoding="utf-8")
    assert "A sentence added to the source." in text and MINE + END in text
    home = (vault / "Home.md").read_text(encoding="utf-8")
    assert "[[RF cheat sheet" in home and "[[Receptive Field]]" not in home
