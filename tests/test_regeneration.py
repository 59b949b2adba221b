"""Regeneration end to end: the student lives in the vault, the sources change, `notegen build`
runs again (in process, through the CLI, or as a process killed part-way).

The expected vault is never taken from the build under test: it is a clean build of the new
sources into a fresh folder, with the student's additions then applied to it by this file's
own helpers (``live_in``), which place them where the student and the Spaced Repetition
plugin put them. The rules checked are those of docs/regeneration.md.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import frontmatter
import pytest

from notegen.build import build
from notegen.config import BuildOptions
from notegen.errors import NotegenError
from tests.conftest import ROOT
from tests.regeneration_driver import MANIFEST, run_build

CONTENT = ROOT / "content"
TEMPLATES = ROOT / "templates"
BEGIN, END = "%% notegen:user begin %%", "%% notegen:user end %%"  # docs/regeneration.md

TOPIC = "Topics/Output Size and Parameter Count.md"
TOPIC_SOURCE = "topics/output-size-and-parameter-count.md"
OUTPUT_SIZE_Q = ("Output size of a conv or pooling layer along one axis "
                 "(kernel K, stride S, padding P per side, dilation D)?")  # a multi-line card
MACS_Q = "MACs of a conv layer?"
FLOPS_Q = "How are FLOPs related to MACs?"
# (question, schedule comment, on the card's last line rather than the next one)
REVIEWS = ((OUTPUT_SIZE_Q, "<!--SR:!2026-12-01,3,250-->", False),
           (MACS_Q, "<!--SR:!2026-12-03,1,230-->", True),
           (FLOPS_Q, "<!--SR:!2026-12-05,8,270!2026-12-09,12,290-->", False))
NOTE_REVIEW = ("sr-due: 2026-12-07", "sr-interval: 4", "sr-ease: 250")

RF_EXAMPLE = "Worked Examples/Receptive field of three stacked 3×3 convs.md"
MY_NOTES = {  # what the student types between the markers; odd bytes on purpose
    TOPIC: ("Floor, not round: (64 + 2·1 − 3)/1 + 1 = 64.  \n\n"
            "\tmy own card::kept as I wrote it\n<!--SR:!2026-11-02,4,270-->\n"),
    RF_EXAMPLE: "see [[Receptive Field]]; $r = 1 + 3 \\cdot 2$ ✓\n\n\n",
    # links the student's own notes: `notegen check` reports a note nothing links to
    "Home.md": "Exam on 14 Jan — revise [[Pitfalls]], [[My summary of week 3]] and [[ideas]]\n",
}
OWN_FILES = {
    "Topics/My summary of week 3.md": "# Week 3\n\nSee [[Receptive Field]].\n",
    "Scratch/ideas.md": "---\ntags: [mine]\n---\nno markers here\n",
}

GROUPED = "Worked Examples/Grouped 3×3 conv with 4 groups.md"
GROUPED_FIGURES = ("attachments/grouped-3x3-conv-with-4-groups-a-sketch.svg",
                   "attachments/grouped-3x3-conv-with-4-groups-b-sketch.svg")
ADDED = "Worked Examples/A second look at a 3×3 conv on 32 channels.md"
CONV = "Worked Examples/Conv layer on a 64×64×32 input.md"


# ---- helpers -------------------------------------------------------------------------------

def tree(root: Path, *, cache: bool = False) -> dict[str, bytes]:
    """Every file of a vault, without the build cache unless asked (it is an optimisation)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and (cache or ".notegen/cache" not in p.relative_to(root).as_posix())
            and p.relative_to(root).as_posix() != ".notegen/lock"}  # names its last holder


def options(source: Path, out: Path, **kw) -> BuildOptions:
    return BuildOptions(source=source, out=out, templates=TEMPLATES, **kw)


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path.name}: expected one {old!r}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def edit_note(vault: Path, rel: str, change) -> None:
    note = vault / rel
    note.write_text(change(note.read_text(encoding="utf-8")), encoding="utf-8")


def write_in_my_notes(note: str, text: str) -> str:
    """The note after the student typed ``text`` on the lines after the begin marker."""
    assert note.count(f"\n{BEGIN}\n{END}\n") == 1
    return note.replace(f"\n{BEGIN}\n", f"\n{BEGIN}\n{text}", 1)


def review(note: str, question: str, comment: str, same_line: bool) -> str:
    """The note after the plugin stored ``comment`` for the card asking ``question``: after
    the card's last line (the line before the next blank one), on it or on a line of its own."""
    lines = note.split("\n")
    found = [i for i, line in enumerate(lines) if line == question or line.startswith(question + "::")]
    assert len(found) == 1, f"card {question!r} appears {len(found)} times"
    last = found[0]
    while lines[last + 1].strip():
        last += 1
    if same_line:
        lines[last] += " " + comment
    else:
        lines.insert(last + 1, comment)
    return "\n".join(lines)


def review_note(note: str) -> str:
    """The plugin's note review: sr-* lines appended at the end of the front matter."""
    close = note.index("\n---\n", 4)
    return note[:close] + "\n" + "\n".join(NOTE_REVIEW) + note[close:]


def live_in(vault: Path, reviews=REVIEWS) -> None:
    """Everything the student does in a built vault: writing, reviewing, own notes."""
    for rel, text in MY_NOTES.items():
        edit_note(vault, rel, lambda note, text=text: write_in_my_notes(note, text))
    for question, comment, same_line in reviews:
        edit_note(vault, TOPIC, lambda note, q=question, c=comment, s=same_line: review(note, q, c, s))
    edit_note(vault, TOPIC, review_note)
    for rel, text in OWN_FILES.items():
        (vault / rel).parent.mkdir(parents=True, exist_ok=True)
        (vault / rel).write_text(text, encoding="utf-8")


def clean_build(source: Path, out: Path) -> dict[str, bytes]:
    outcome = build(options(source, out))
    assert outcome.problems == ()
    return tree(out)


@dataclass(frozen=True)
class Course:
    source: Path  # the student's copy of content/
    vault: Path   # built from it


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """A clean build of the default course (copied per test: building cold takes seconds)."""
    out = tmp_path_factory.mktemp("base") / "vault"
    build(options(CONTENT, out))
    return out


@pytest.fixture
def course(base: Path, tmp_path: Path) -> Course:
    source, vault = tmp_path / "content", tmp_path / "vault"
    shutil.copytree(CONTENT, source)
    shutil.copytree(base, vault)
    assert build(options(source, vault)).problems == ()  # the vault is now a build of `source`
    return Course(source, vault)


# ---- source changes ------------------------------------------------------------------------

NEW_OUTPUT_SIZE_END = "The floor discards a last window that would run past the padded edge."
NEW_MACS_ANSWER = ("one MAC per weight and per output position: "
                   "$H_{out} W_{out} K_h K_w \\frac{C_{in}}{g} C_{out}$.")


def reword_answers(source: Path) -> None:
    topic = source / TOPIC_SOURCE
    replace_once(topic, "The floor drops a last window that would not fit.", NEW_OUTPUT_SIZE_END)
    replace_once(topic, "$H_{out} W_{out} \\cdot K_h K_w \\frac{C_{in}}{g} \\cdot C_{out}$ — "
                 "one multiply-accumulate per weight per output position.", NEW_MACS_ANSWER)


def replace_grouped_by_a_new_example(source: Path) -> None:
    (source / "examples" / "grouped-conv.yaml").unlink()
    # The topic's prose links the example by title; a link to a missing note is a source error.
    replace_once(source / TOPIC_SOURCE, "[[Grouped 3×3 conv with 4 groups]], ", "")
    copy = (source / "examples" / "conv-on-64x64x32-input.yaml").read_text(encoding="utf-8")
    copy = copy.replace("title: Conv layer on a 64×64×32 input",
                        "title: A second look at a 3×3 conv on 32 channels")
    (source / "examples" / "second-look.yaml").write_text(copy, encoding="utf-8")


def retire_flops_card(source: Path) -> None:
    replace_once(source / TOPIC_SOURCE, "  - q: >-\n      How are FLOPs related to MACs?\n    a: >-\n"
                 "      By the usual convention FLOPs $= 2 \\times$ MACs (a multiply and an add); bias, "
                 "BatchNorm, activations and pooling are ignored. Many tables (torchvision's \"GFLOPS\") "
                 "print MACs under the name FLOPs, so state the convention.\n", "")


# ---- 1. everything the student wrote survives a source change ------------------------------

def test_student_writing_reviews_and_own_notes_survive_changed_sources(course: Course,
                                                                       tmp_path: Path) -> None:
    live_in(course.vault)
    lived = tree(course.vault)
    reword_answers(course.source)
    replace_grouped_by_a_new_example(course.source)

    outcome = build(options(course.source, course.vault))
    assert outcome.problems == ()

    fresh = tmp_path / "fresh"
    clean_build(course.source, fresh)
    live_in(fresh)
    assert tree(course.vault) == tree(fresh)  # every byte: notes, reviews, own files, manifest
    note = (course.vault / TOPIC).read_text(encoding="utf-8")
    # the reworded cards kept their schedules, in the style the plugin wrote them
    assert f"{NEW_OUTPUT_SIZE_END}\n<!--SR:!2026-12-01,3,250-->\n" in note
    assert f"{MACS_Q}::{NEW_MACS_ANSWER} <!--SR:!2026-12-03,1,230-->\n" in note
    assert f"\n{BEGIN}\n{MY_NOTES[TOPIC]}{END}\n" in note
    for rel, text in OWN_FILES.items():
        assert (course.vault / rel).read_bytes() == lived[rel] == text.encode()
    assert GROUPED in lived and not (course.vault / GROUPED).exists()  # unedited, source gone
    assert not any((course.vault / p).exists() for p in GROUPED_FIGURES)
    assert (course.vault / ADDED).read_text(encoding="utf-8").count(
        "# A second look at a 3×3 conv on 32 channels\n") == 1
    report = outcome.report
    assert set(report.user_sections_kept) == set(MY_NOTES)
    assert report.flashcard_histories_carried == 3 and report.orphaned_histories == ()
    assert set(report.removed) == {GROUPED, *GROUPED_FIGURES}


def test_a_retired_card_keeps_its_history_in_my_notes(course: Course, tmp_path: Path, cli) -> None:
    live_in(course.vault)
    retire_flops_card(course.source)

    result = cli("build", "--source", course.source, "--out", course.vault, "--templates", TEMPLATES)
    assert result.exit_code == 0, result.output
    assert f"retired card moved to My notes: {TOPIC}: {FLOPS_Q}" in result.output
    assert "1 retired card history kept in My notes" in result.output

    fresh = tmp_path / "fresh"
    clean_build(course.source, fresh)
    live_in(fresh, reviews=REVIEWS[:2])
    # docs/regeneration.md: appended at the end of the section after a blank line
    retired = f"\n- Retired card: «{FLOPS_Q}» {REVIEWS[2][1]}\n"
    edit_note(fresh, TOPIC, lambda note: note.replace(f"{MY_NOTES[TOPIC]}{END}",
                                                      f"{MY_NOTES[TOPIC]}{retired}{END}"))
    assert tree(course.vault) == tree(fresh)

    # From then on the line is the student's text: a build that reads every note again (no
    # build cache) keeps it once and retires nothing more.
    (course.vault / ".notegen" / "cache" / "build.json").unlink()
    outcome = build(options(course.source, course.vault))
    assert outcome.report.orphaned_histories == () and outcome.report.written == ()
    assert tree(course.vault) == tree(fresh)


# ---- 2. a generated note edited outside its My notes section -------------------------------

STUDENT_LINE = "> [!tip] my shortcut: pad = k // 2 keeps the size\n"
NEW_QUESTION = "A 64×64 map with 32 channels"


def edit_outside_my_notes(note: str) -> str:
    """The student adds a callout under the note's first heading (outside the section)."""
    heading = note.index("\n# ") + 1
    line_end = note.index("\n", heading) + 1
    return note[:line_end] + "\n" + STUDENT_LINE + note[line_end:]


def test_a_note_edited_outside_my_notes_stops_the_build_until_forced(course: Course, tmp_path: Path,
                                                                       cli) -> None:
    edit_note(course.vault, CONV, lambda note: write_in_my_notes(note, "mine\n"))
    edit_note(course.vault, CONV, edit_outside_my_notes)
    students_version = (course.vault / CONV).read_bytes()
    replace_once(course.source / "examples" / "conv-on-64x64x32-input.yaml",
                 "A feature map of 64×64 pixels with 32 channels", NEW_QUESTION)
    before = tree(course.vault, cache=True)

    args = ("build", "--source", course.source, "--out", course.vault, "--templates", TEMPLATES)
    stopped = cli(*args)
    assert stopped.exit_code == 1
    assert f"{CONV}: it was edited outside its My notes section" in stopped.output
    assert "1 file in the vault changed outside notegen's control; nothing was written" in stopped.output
    assert tree(course.vault, cache=True) == before  # not a byte, not even the build cache
    with pytest.raises(NotegenError):
        build(options(course.source, course.vault))
    assert tree(course.vault, cache=True) == before

    forced = cli(*args, "--force")
    assert forced.exit_code == 0, forced.output
    backup = f".notegen/backup/{CONV}"
    assert f"overwritten: {CONV} (your version: {backup})" in forced.output
    fresh = tmp_path / "fresh"
    clean_build(course.source, fresh)
    edit_note(fresh, CONV, lambda note: write_in_my_notes(note, "mine\n"))  # intact markers: kept
    expected = tree(fresh)
    expected[backup] = students_version
    assert tree(course.vault) == expected
    assert NEW_QUESTION in (course.vault / CONV).read_text(encoding="utf-8")


def test_an_edited_note_whose_output_did_not_change_is_never_overwritten(course: Course, tmp_path: Path,
                                                                         cli) -> None:
    """Observed behaviour: an edit outside My notes is a conflict whether or not the note's
    generated content changes, so every build stops and lists the note (writing nothing)
    until the student moves the text into My notes, deletes the note or forces."""
    vgg = "Networks/VGG-16.md"
    edit_note(course.vault, vgg, edit_outside_my_notes)
    students_version = (course.vault / vgg).read_bytes()
    before = tree(course.vault, cache=True)
    args = ("build", "--source", course.source, "--out", course.vault, "--templates", TEMPLATES)

    unchanged_sources = cli(*args)
    assert unchanged_sources.exit_code == 1
    assert f"{vgg}: it was edited outside its My notes section" in unchanged_sources.output
    assert tree(course.vault, cache=True) == before

    replace_once(course.source / "examples" / "conv-on-64x64x32-input.yaml",
                 "A feature map of 64×64 pixels with 32 channels", NEW_QUESTION)
    other_source_changed = cli(*args)
    assert other_source_changed.exit_code == 1
    assert f"{vgg}:" in other_source_changed.output and CONV not in other_source_changed.output
    assert tree(course.vault, cache=True) == before
    assert (course.vault / vgg).read_bytes() == students_version

    # the first way out: the text moves into My notes, and the build goes through
    edit_note(course.vault, vgg, lambda note: write_in_my_notes(note.replace("\n" + STUDENT_LINE, "", 1),
                                                                STUDENT_LINE))
    resolved = cli(*args)
    assert resolved.exit_code == 0, resolved.output
    fresh = tmp_path / "fresh"
    clean_build(course.source, fresh)
    edit_note(fresh, vgg, lambda note: write_in_my_notes(note, STUDENT_LINE))
    assert tree(course.vault) == tree(fresh)


# ---- 3. a build killed part-way ------------------------------------------------------------

def lenet_first_conv_3x3(source: Path) -> None:
    replace_once(source / "networks" / "lenet5.yaml", "conv: {out: 6, k: 5}", "conv: {out: 6, k: 3}")


def draft_of_the_course(source: Path) -> None:
    """An earlier state of the sources from which building the course rewrites most notes:
    every example's question in draft, LeNet-5 with a 3×3 first conv (two figures differ)
    and one example since dropped (its note and sketch are removed)."""
    for example in sorted((source / "examples").glob("*.yaml")):
        replace_once(example, "question: >-\n  ", "question: >-\n  Draft. ")
    lenet_first_conv_3x3(source)
    dropped = (source / "examples" / "conv-on-64x64x32-input.yaml").read_text(encoding="utf-8")
    dropped = dropped.replace("title: Conv layer on a 64×64×32 input", "title: A dropped example")
    (source / "examples" / "dropped.yaml").write_text(dropped, encoding="utf-8")


def assert_whole(vault: Path, old: dict[str, bytes], new: dict[str, bytes]) -> None:
    """After a kill: every file is complete and is either its old or its new version."""
    now = tree(vault)
    for rel, data in now.items():
        name = rel.rsplit("/", 1)[-1]
        if name.startswith(".") and name.endswith(".notegen-tmp"):
            continue  # an interrupted write's temporary file; the next build removes it
        if rel == MANIFEST:
            json.loads(data)
            continue
        assert data in (old.get(rel), new.get(rel)), f"{rel} is neither its old nor its new version"
        if rel.endswith(".md") and rel not in OWN_FILES:
            text = data.decode("utf-8")
            frontmatter.loads(text)
            assert text.endswith(f"\n{END}\n"), f"{rel} is cut short"
        if rel.endswith(".svg"):
            assert data.endswith(b"</svg>\n"), f"{rel} is cut short"
    vanished = sorted(set(old) & set(new) - set(now))
    assert vanished == []


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL and process groups are POSIX")
def test_a_build_killed_at_any_moment_leaves_whole_files_and_converges(base: Path, tmp_path: Path) -> None:
    draft, source = tmp_path / "draft", tmp_path / "content"
    shutil.copytree(CONTENT, draft)
    shutil.copytree(CONTENT, source)
    draft_of_the_course(draft)
    start = tmp_path / "start"
    shutil.copytree(base, start)
    assert build(options(draft, start)).problems == ()
    live_in(start)
    old = tree(start)

    fresh = tmp_path / "fresh"
    clean_build(source, fresh)
    live_in(fresh)
    expected = tree(fresh)
    changed = [rel for rel in expected if old.get(rel) != expected[rel]]
    assert len(changed) > 30 and any(rel.endswith(".svg") for rel in changed)

    # One uninterrupted run, timed by the files it wrote: every changed file is written after
    # the pending manifest and before the final one.
    measured = tmp_path / "measured"
    shutil.copytree(start, measured)
    began = time.time()
    assert run_build(source, measured, TEMPLATES) == 0
    ended = time.time() - began
    assert tree(measured) == expected  # uninterrupted, the CLI build converges too
    first_write = min((measured / rel).stat().st_mtime for rel in changed) - began
    last_write = (measured / MANIFEST).stat().st_mtime - began
    window = max(last_write - first_write, 0.0)
    kills = [dict(kill_at=first_write / 2),                    # reading and rendering
             dict(kill_after_pending=0.0),                     # the first files are being replaced
             dict(kill_after_pending=window * 0.3),
             dict(kill_after_pending=window * 0.6),
             dict(kill_after_pending=(last_write + ended) / 2 - first_write)]  # checking the vault
    statuses = []
    for n, kill in enumerate(kills):
        vault = tmp_path / f"killed-{n}"
        shutil.copytree(start, vault)
        statuses.append(run_build(source, vault, TEMPLATES, **kill))
        assert_whole(vault, old, expected)
        assert build(options(source, vault)).problems == ()
        assert tree(vault) == expected, f"no convergence after kill {kill}"
    assert statuses[0] == -signal.SIGKILL, "the build ended before the first kill: nothing was tested"


# ---- 4. what one changed network spec redraws and rewrites ---------------------------------

def test_changing_one_network_redraws_only_its_figures(base: Path, course: Course, tmp_path: Path) -> None:
    lenet_first_conv_3x3(course.source)
    outcome = build(options(course.source, course.vault))

    # By hand, C1 5×5 -> 3×3 on 1×32×32: C1 gives 6×30×30 instead of 6×28×28, so the sketch
    # changes; with r <- r + (k - 1)·j, j <- j·s the field after C1, S2 (2/2), C3 (5×5),
    # S4 (2/2) is 3, 4, 4 + 4·2 = 12, 12 + 1·2 = 14 instead of 5, 6, 14, 16, so the RF growth
    # chart changes. Nothing else draws LeNet-5 (its worked example has its own layers).
    # Every note is rendered again (each note's key holds every spec's digest, as prose may
    # quote any network: notegen/plan/incremental.py), but only changed bytes are written.
    assert outcome.drawn == 2
    fresh = tmp_path / "fresh"
    new = clean_build(course.source, fresh)
    old = tree(base)
    differ = {rel for rel in new if old.get(rel) != new[rel]} - {MANIFEST}
    assert {rel for rel in differ if rel.endswith(".svg")} == {"attachments/lenet-5-sketch.svg",
                                                                "attachments/lenet-5-rf-growth.svg"}
    assert set(outcome.report.written) == differ  # exactly the files whose bytes change
    assert tree(course.vault) == new
    embedding = {rel for rel, data in new.items()
                 if rel.endswith(".md") and b"![[lenet-5-sketch.svg]]" in data}
    assert "Networks/LeNet-5.md" in embedding and any(rel.startswith("Topics/") for rel in embedding)
    assert embedding <= set(outcome.rendered_paths)
