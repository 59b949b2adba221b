"""A student living in the vault while the course is rebuilt around them."""

import os
from pathlib import Path

import pytest

from notegen.errors import NotegenError
from notegen.vault.flashcard_history import find_cards
from notegen.vault.writer import GeneratedFile, write_vault


def note(title: str, body: str) -> str:
    return (f"---\ntags: [cnn]\n---\n# {title}\n\n{body}\n"
            "## My notes\n%% notegen:user begin %%\n%% notegen:user end %%\n")


RF_CARDS = """#flashcards/cnn

Receptive field of two stacked 3x3 convs?::5
Jump after a stride-2 layer?::j doubles

What grows the receptive field
without extra parameters?
?
Dilation
"""


def course_v1() -> list[GeneratedFile]:
    return [
        GeneratedFile("Topics/Receptive Field.md", note("Receptive Field", "r grows by (k-1)j.\n\n" + RF_CARDS).encode()),
        GeneratedFile("Topics/Stride.md", note("Stride", "#flashcards/cnn\n\nStride 2 halves what?::H and W\n").encode()),
        GeneratedFile("Topics/Old Topic.md", note("Old Topic", "Superseded.\n").encode()),
        GeneratedFile("Networks/LeNet.md", note("LeNet", "Two convs, three FCs.\n").encode()),
        GeneratedFile("attachments/rf.svg", b"<svg><rect/></svg>\n"),
    ]


def course_v2() -> list[GeneratedFile]:
    rf = note("Receptive Field", "r grows by (k-1)j.\n\n"
              + RF_CARDS.replace("::j doubles", "::the jump j is multiplied by 2"))
    files = [f for f in course_v1() if f.path not in ("Topics/Old Topic.md", "Topics/Receptive Field.md")]
    return files + [
        GeneratedFile("Topics/Receptive Field.md", rf.encode()),
        GeneratedFile("Topics/Dilation.md", note("Dilation", "k_eff = d(k-1)+1\n").encode()),
    ]


MY_NOTES = "\nExam tip: write r, j per layer in a table.\n\n- ask about **RF of pooling**\n"
SR_A = "<!--SR:!2026-12-01,3,250-->"
SR_B = "<!--SR:!2026-12-03,1,230-->"
SR_C = "<!--SR:!2026-12-05,9,270-->"
OWN_NOTE = "# My summary\n\nMy own words::not generated\n"


def live_as_student(root: Path) -> dict[str, bytes]:
    """The student's edits; returns the vault files they touched, as they left them."""
    rf = root / "Topics/Receptive Field.md"
    text = rf.read_text()
    text = text.replace("%% notegen:user begin %%\n", "%% notegen:user begin %%" + MY_NOTES, 1)
    # Reviews: one comment on the same line (plugin option), two on the next line (default).
    text = text.replace("stacked 3x3 convs?::5\n", f"stacked 3x3 convs?::5 {SR_A}\n")
    text = text.replace("::j doubles\n", f"::j doubles\n{SR_B}\n")
    text = text.replace("?\nDilation\n", f"?\nDilation\n{SR_C}\n")
    rf.write_text(text)
    (root / "Own").mkdir()
    (root / "Own/My summary.md").write_text(OWN_NOTE)
    stride = root / "Topics/Stride.md"
    stride.write_text(stride.read_text().replace("# Stride\n", "# Stride\nI typed this above my notes.\n"))
    return {p: (root / p).read_bytes() for p in ("Topics/Receptive Field.md", "Own/My summary.md", "Topics/Stride.md")}


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def comment_after(text: str, question: str) -> str:
    """The schedule comment attached to the card with ``question`` (same or next line)."""
    lines = text.split("\n")
    card = next(c for c in find_cards(lines) if " ".join(c.question.split()) == question)
    line = lines[card.last_line]
    if "<!--SR:" in line:
        return line[line.index("<!--SR:"):]
    return lines[card.last_line + 1]


def test_rebuild_keeps_everything_the_student_wrote(tmp_path):
    root = tmp_path / "vault"
    first = write_vault(root, course_v1())
    assert len(first.written) == 5
    theirs = live_as_student(root)

    # The edited Stride note stops the build; the error names it and the ways out.
    before = snapshot(root)
    with pytest.raises(NotegenError) as err:
        write_vault(root, course_v2())
    message = err.value.render()
    assert "Topics/Stride.md" in message
    assert "My notes" in message and "--force" in message and ".notegen/backup/Topics/Stride.md" in message
    assert "Topics/Receptive Field.md" not in message  # edits inside My notes are fine
    assert snapshot(root) == before  # nothing was written

    report = write_vault(root, course_v2(), force=True)
    rf = (root / "Topics/Receptive Field.md").read_text()

    # The user section, byte for byte, although the generated part changed.
    assert "%% notegen:user begin %%" + MY_NOTES + "%% notegen:user end %%\n" in rf
    assert "the jump j is multiplied by 2" in rf
    # Each review comment sits under the same question, the reworded one included.
    assert comment_after(rf, "Receptive field of two stacked 3x3 convs?") == SR_A
    assert comment_after(rf, "Jump after a stride-2 layer?") == SR_B
    assert comment_after(rf, "What grows the receptive field without extra parameters?") == SR_C
    assert f"convs?::5 {SR_A}\n" in rf  # and in the position style the student's plugin used

    assert (root / "Own/My summary.md").read_bytes() == theirs["Own/My summary.md"]
    # The edited note: overwritten with the new generation, their version backed up.
    assert (root / ".notegen/backup/Topics/Stride.md").read_bytes() == theirs["Topics/Stride.md"]
    assert "I typed this" not in (root / "Topics/Stride.md").read_text()
    assert not (root / "Topics/Old Topic.md").exists()  # unedited, source gone: removed
    assert (root / "Topics/Dilation.md").exists()

    assert [c.path for c in report.conflicts] == ["Topics/Stride.md"]
    assert sorted(report.written) == ["Topics/Dilation.md", "Topics/Receptive Field.md", "Topics/Stride.md"]
    assert report.removed == ("Topics/Old Topic.md",)
    assert report.user_sections_kept == ("Topics/Receptive Field.md",)
    assert report.flashcard_histories_carried == 3
    assert report.summary_line().startswith(
        "3 written, 2 unchanged, 1 removed, 1 user section kept, 3 flashcard histories carried")

    # Living on: the next rebuild of the same course changes nothing at all.
    settled = snapshot(root)
    again = write_vault(root, course_v2())
    assert snapshot(root) == settled
    assert (len(again.written), len(again.unchanged)) == (0, 5)


def test_unedited_rebuild_keeps_every_mtime(tmp_path):
    root = tmp_path / "vault"
    write_vault(root, course_v1())
    live_as_student(root)
    (root / "Topics/Stride.md").unlink()  # deleting a note is how to regenerate it
    write_vault(root, course_v1())
    past = 1_000_000_000
    for p in root.rglob("*"):
        if p.is_file():
            os.utime(p, (past, past))
    report = write_vault(root, course_v1())
    assert report.written == () and len(report.unchanged) == 5
    assert all(p.stat().st_mtime == past for p in root.rglob("*") if p.is_file())
