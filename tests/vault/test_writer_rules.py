"""The writer's rules one by one: manifest, removal, conflicts, adoption, retired cards."""

import hashlib
import json
from pathlib import Path

import pytest

from notegen.errors import NotegenError
from notegen.vault.flashcard_history import find_cards
from notegen.vault.writer import GeneratedFile, WriteReport, plan_write, write_vault

SR = "<!--SR:!2026-12-01,3,250-->"


def note(title: str, body: str = "") -> bytes:
    return (f"# {title}\n\n{body}\n## My notes\n"
            "%% notegen:user begin %%\n%% notegen:user end %%\n").encode()


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def manifest(root: Path) -> dict:
    return json.loads((root / ".notegen/manifest.json").read_text())


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


BASE = [GeneratedFile("A.md", note("A")), GeneratedFile("sub/B.md", note("B")),
        GeneratedFile("img/c.svg", b"<svg/>")]


def test_manifest_holds_the_hash_of_each_generated_file(tmp_path):
    write_vault(tmp_path, BASE)
    # Notes are generated with an empty user section, so their generated form is the
    # content itself and the manifest hash is its plain SHA-256.
    assert manifest(tmp_path) == {"format": 1, "files": {
        f.path: hashlib.sha256(f.content).hexdigest() for f in BASE}}


def test_two_clean_builds_are_byte_identical(tmp_path):
    write_vault(tmp_path / "one", BASE)
    write_vault(tmp_path / "two", list(reversed(BASE)))
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")


def test_plan_write_decides_without_writing(tmp_path):
    write_vault(tmp_path, BASE)
    before = snapshot(tmp_path)
    plan = plan_write(tmp_path, BASE[:1] + [GeneratedFile("new.md", note("New"))])
    assert snapshot(tmp_path) == before
    assert [(a.path, a.kind) for a in plan.actions] == [("A.md", "unchanged"), ("new.md", "create")]
    assert plan.removals == ("img/c.svg", "sub/B.md")


def test_unedited_files_whose_source_is_gone_are_removed_with_their_empty_folders(tmp_path):
    write_vault(tmp_path, BASE)
    (tmp_path / "sub/mine.md").write_text("my own note\n")
    report = write_vault(tmp_path, BASE[:1])
    assert report.removed == ("img/c.svg", "sub/B.md")
    assert not (tmp_path / "img").exists()  # emptied by the removal
    assert (tmp_path / "sub/mine.md").read_text() == "my own note\n"  # never touched
    assert set(manifest(tmp_path)["files"]) == {"A.md"}


@pytest.mark.parametrize("path, change", [
    ("sub/B.md", ("# B\n", "# B\nedited outside\n")),                       # edited body
    ("sub/B.md", ("begin %%\n", "begin %%\nmy notes\n")),                   # holds my notes
    ("sub/B.md", ("\n## My notes", f"\nQ::A\n{SR}\n\n## My notes")),       # my own card
    ("img/c.svg", ("<svg/>", "<svg><!-- mine --></svg>")),                  # edited figure
])
def test_edited_files_whose_source_is_gone_are_kept_and_become_the_students(tmp_path, path, change):
    write_vault(tmp_path, BASE)
    edit(tmp_path / path, *change)
    kept = (tmp_path / path).read_bytes()
    report = write_vault(tmp_path, [f for f in BASE if f.path != path])
    assert report.kept_user_edited == (path,) and report.removed == ()
    assert (tmp_path / path).read_bytes() == kept
    assert path not in manifest(tmp_path)["files"]
    # From now on it is a user file: later builds leave it alone without reporting it.
    assert write_vault(tmp_path, [f for f in BASE if f.path != path]).kept_user_edited == ()
    assert (tmp_path / path).read_bytes() == kept


def test_a_note_whose_markers_were_damaged_is_listed(tmp_path):
    write_vault(tmp_path, BASE)
    edit(tmp_path / "A.md", "%% notegen:user end %%\n", "")
    with pytest.raises(NotegenError) as err:
        write_vault(tmp_path, BASE)
    assert "A.md: its My notes markers were changed or removed" in err.value.render()


def test_a_file_the_student_created_at_a_generated_path_is_a_conflict(tmp_path):
    write_vault(tmp_path, BASE)
    (tmp_path / "New.md").write_text("mine, written before the course had this topic\n")
    files = BASE + [GeneratedFile("New.md", note("New"))]
    with pytest.raises(NotegenError) as err:
        write_vault(tmp_path, files)
    assert "New.md: a file you created is where notegen wants to write" in err.value.render()
    report = write_vault(tmp_path, files, force=True)
    assert (tmp_path / ".notegen/backup/New.md").read_text() == "mine, written before the course had this topic\n"
    assert (tmp_path / "New.md").read_bytes() == note("New")
    assert [c.kind for c in report.conflicts] == ["user-file"]


def test_forcing_twice_never_overwrites_an_earlier_backup(tmp_path):
    write_vault(tmp_path, BASE)
    for words in ["first edit", "second edit"]:
        edit(tmp_path / "A.md", "# A\n", f"# A\n{words}\n")
        write_vault(tmp_path, BASE, force=True)
    assert "first edit" in (tmp_path / ".notegen/backup/A.md").read_text()
    assert "second edit" in (tmp_path / ".notegen/backup/A (2).md").read_text()


def test_force_still_carries_the_user_section_and_reviews(tmp_path):
    files = [GeneratedFile("A.md", note("A", "Q::A\n"))]
    write_vault(tmp_path, files)
    edit(tmp_path / "A.md", "Q::A\n", f"Q::A\n{SR}\nstray edit\n")
    edit(tmp_path / "A.md", "begin %%\n", "begin %%\nkeep me\n")
    write_vault(tmp_path, files, force=True)
    text = (tmp_path / "A.md").read_text()
    assert f"Q::A\n{SR}\n" in text and "keep me\n" in text and "stray edit" not in text


def test_a_lost_manifest_is_rebuilt_by_adopting_matching_files(tmp_path):
    write_vault(tmp_path, BASE)
    edit(tmp_path / "A.md", "begin %%\n", "begin %%\nmy notes\n")
    (tmp_path / ".notegen/manifest.json").unlink()
    report = write_vault(tmp_path, BASE)
    assert report.conflicts == () and len(report.unchanged) == 3
    assert "my notes" in (tmp_path / "A.md").read_text()
    assert set(manifest(tmp_path)["files"]) == {f.path for f in BASE}


def test_a_deleted_note_is_regenerated(tmp_path):
    write_vault(tmp_path, BASE)
    (tmp_path / "sub/B.md").unlink()
    assert write_vault(tmp_path, BASE).written == ("sub/B.md",)
    assert (tmp_path / "sub/B.md").read_bytes() == note("B")


def test_history_of_a_removed_card_moves_into_my_notes(tmp_path):
    cards = "#flashcards/cnn\n\nKept question?::yes\nDropped question?::gone soon\n"
    write_vault(tmp_path, [GeneratedFile("A.md", note("A", cards))])
    edit(tmp_path / "A.md", "gone soon\n", f"gone soon\n{SR}\n")
    edit(tmp_path / "A.md", "begin %%\n", "begin %%\nmine\n")
    smaller = [GeneratedFile("A.md", note("A", "#flashcards/cnn\n\nKept question?::yes\n"))]
    report = write_vault(tmp_path, smaller)
    text = (tmp_path / "A.md").read_text()
    assert text.endswith("%% notegen:user begin %%\nmine\n\n"
                         f"- Retired card: «Dropped question?» {SR}\n%% notegen:user end %%\n")
    assert [(r.path, r.question) for r in report.orphaned_histories] == [("A.md", "Dropped question?")]
    assert "1 retired card history kept in My notes" in report.summary_line()
    assert [c.question for c in find_cards(text.split("\n"))] == ["Kept question?"]
    # Kept for good: a further rebuild neither duplicates nor drops it.
    again = write_vault(tmp_path, smaller)
    assert again.orphaned_histories == () and (tmp_path / "A.md").read_text() == text


def test_leftover_temp_files_are_cleaned(tmp_path):
    write_vault(tmp_path, BASE)
    for rel in ["sub/.B.md.notegen-tmp", ".notegen/.manifest.json.notegen-tmp"]:
        (tmp_path / rel).write_bytes(b"half a fi")
    report = write_vault(tmp_path, BASE)
    assert report.temp_files_removed == (".notegen/.manifest.json.notegen-tmp", "sub/.B.md.notegen-tmp")
    assert not list(tmp_path.rglob("*.notegen-tmp"))


@pytest.mark.parametrize("files, says", [
    ([GeneratedFile("A.md", note("A")), GeneratedFile("A.md", note("A"))], "two generated files have this path"),
    ([GeneratedFile("../A.md", note("A"))], "'..'"),
    ([GeneratedFile("/abs.md", note("A"))], "absolute"),
    ([GeneratedFile(".notegen/x.md", note("A"))], "inside .notegen/"),
    ([GeneratedFile("a.md", note("a")), GeneratedFile("A.md", note("A"))], "only in letter case"),
    ([GeneratedFile("A.md", b"# A\nno section\n")], "no user section"),
    ([GeneratedFile("A.md", b"\xff\xfe")], "not UTF-8"),
])
def test_an_unwritable_file_set_is_refused_before_anything_is_written(tmp_path, files, says):
    with pytest.raises(NotegenError) as err:
        write_vault(tmp_path / "vault", files)
    assert says in err.value.render()
    assert not (tmp_path / "vault").exists()


def test_a_folder_in_the_way_is_reported(tmp_path):
    (tmp_path / "A.md").mkdir()
    with pytest.raises(NotegenError) as err:
        write_vault(tmp_path, BASE)
    assert "A.md: cannot be written: A.md is in the way" in err.value.render()


def test_summary_line_counts_in_words():
    report = WriteReport(written=("a",) * 12, unchanged=("b",) * 230, removed=("c",),
                         user_sections_kept=("d",) * 3, flashcard_histories_carried=5)
    assert report.summary_line() == (
        "12 written, 230 unchanged, 1 removed, 3 user sections kept, 5 flashcard histories carried")


def test_a_write_that_fails_part_way_is_reported_without_a_traceback(tmp_path, monkeypatch):
    def disk_full(target, data):
        raise OSError(28, "No space left on device", str(target))

    monkeypatch.setattr("notegen.vault.writer.write_atomic", disk_full)
    with pytest.raises(NotegenError) as err:
        write_vault(tmp_path, BASE)
    assert "could not write: No space left on device" in err.value.render()
