"""One build at a time, and no save lost: the lock, and the student saving during a build.

The student is played by code that saves a note the way Obsidian does: read it, change
the My notes section, write the file in place.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import watchfiles
from click.testing import CliRunner
from filelock import FileLock

from notegen.build import build
from notegen.cli import main
from notegen.config import BuildOptions
from notegen.vault import last_look, lock, writer
from notegen.watch import watch_and_build
from tests.conftest import ROOT

CONTENT, TEMPLATES = ROOT / "content", ROOT / "templates"
NOTE = "Topics/Output Size and Parameter Count.md"
SOURCE = "topics/output-size-and-parameter-count.md"
END = "%% notegen:user end %%"
BEGIN = "%% notegen:user begin %%"


@pytest.fixture
def course(built: Path, tmp_path: Path) -> tuple[Path, Path]:
    shutil.copytree(CONTENT, tmp_path / "content")
    shutil.copytree(built, tmp_path / "vault")
    return tmp_path / "content", tmp_path / "vault"


def my_notes(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text[text.index(BEGIN) + len(BEGIN):text.index(END)]


def save_my_notes(path: Path, content: str) -> None:
    """An editor's save: the file as last loaded, with the student's new My notes,
    rewritten in place (same file, truncated)."""
    with open(path, "r+b") as f:
        text = f.read().decode("utf-8")
        start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
        f.seek(0)
        f.write((text[:start] + "\n" + content + text[end:]).encode("utf-8"))
        f.truncate()


def edit_source(source: Path, n: int) -> None:
    path = source / SOURCE
    path.write_text(path.read_text(encoding="utf-8") + f"\nEdit number {n}.\n", encoding="utf-8")


def cli_build(source: Path, vault: Path):
    result = CliRunner().invoke(main, ["build", "--source", str(source), "--out", str(vault),
                                       "--templates", str(TEMPLATES), "--no-check"])
    assert "Traceback" not in result.output
    return result


def test_a_second_build_waits_briefly_then_stops_with_exit_1(course, monkeypatch):
    source, vault = course
    monkeypatch.setattr(lock, "WAIT", 0.2)
    held = FileLock(vault / lock.LOCK_PATH, is_singleton=False, thread_local=False)
    held.acquire()
    (vault / lock.LOCK_PATH).write_text("4242\n")
    edit_source(source, 1)
    try:
        started = time.monotonic()
        result = cli_build(source, vault)
        waited = time.monotonic() - started
    finally:
        held.release()
    assert result.exit_code == 1
    assert "another build is running (process 4242 holds" in result.output
    assert "Edit number 1." not in (vault / NOTE).read_text(encoding="utf-8")
    assert waited >= 0.2
    assert cli_build(source, vault).exit_code == 0  # released: the next build goes through
    assert "Edit number 1." in (vault / NOTE).read_text(encoding="utf-8")


def test_the_lock_of_a_killed_build_is_recovered(course):
    source, vault = course
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from filelock import FileLock; "
         "FileLock(sys.argv[1]).acquire(); print('held', flush=True); time.sleep(60)",
         str(vault / lock.LOCK_PATH)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(10)
    assert (vault / lock.LOCK_PATH).exists()  # the file stays; the system dropped the lock
    edit_source(source, 2)
    assert cli_build(source, vault).exit_code == 0
    assert "Edit number 2." in (vault / NOTE).read_text(encoding="utf-8")


def test_a_save_made_while_the_build_runs_is_merged_not_lost(course, monkeypatch):
    """The write step is slowed; the student saves My notes during it, once before the
    writer's last look at the note and once inside the instant between that look and the
    rename. Both saves end up in the note, with the new generated text."""
    source, vault = course
    note = vault / NOTE
    save_my_notes(note, "first draft\n")
    edit_source(source, 3)
    real_write_temp, real_replace_fresh = last_look.write_temp, writer.replace_fresh
    window_saves = ["saved between the look and the rename\n"]

    def student_saves_before_the_last_look(target, *args, **kwargs):
        if target == note:
            save_my_notes(note, "saved before the last look\n")
        return real_replace_fresh(target, *args, **kwargs)

    def slow_write_temp(target: Path, data: bytes) -> Path:
        time.sleep(0.01)
        if target == note and window_saves:
            save_my_notes(note, window_saves.pop())
        return real_write_temp(target, data)

    monkeypatch.setattr(writer, "replace_fresh", student_saves_before_the_last_look)
    monkeypatch.setattr(last_look, "write_temp", slow_write_temp)
    result = cli_build(source, vault)
    assert result.exit_code == 0, result.output
    text = note.read_text(encoding="utf-8")
    assert "Edit number 3." in text
    # The second save happened last: it is what the student has, byte for byte.
    assert my_notes(note) == "\nsaved between the look and the rename\n"
    assert "saved during the build merged again" in result.output


def test_a_student_saving_all_through_a_slowed_build_loses_nothing(course, monkeypatch):
    source, vault = course
    note = vault / NOTE
    edit_source(source, 4)
    real_write_temp = last_look.write_temp

    def slow_write_temp(target: Path, data: bytes) -> Path:
        time.sleep(0.002)
        return real_write_temp(target, data)

    monkeypatch.setattr(last_look, "write_temp", slow_write_temp)
    last = autosaving(note, lambda: cli_build(source, vault))
    assert my_notes(note) == f"\n{last}\n"
    assert "Edit number 4." in note.read_text(encoding="utf-8")


def test_watch_under_rapid_source_edits_and_an_autosaving_student_loses_nothing(course, monkeypatch):
    source, vault = course
    note = vault / NOTE
    edits = 6

    def rapid_edits(*paths, **kwargs):
        for n in range(edits):
            edit_source(source, 100 + n)
            yield {(watchfiles.Change.modified, str(source / SOURCE))}

    monkeypatch.setattr(watchfiles, "watch", rapid_edits)
    options = BuildOptions(source=source, out=vault, templates=TEMPLATES, check=False)
    outcomes = []
    last = autosaving(note, lambda: watch_and_build(
        options, lambda: outcomes.append(build(options)) or True))
    assert len(outcomes) == edits + 1
    assert my_notes(note) == f"\n{last}\n"
    assert "Edit number 100." in note.read_text(encoding="utf-8")


def autosaving(note: Path, work) -> str:
    """Run ``work`` while the student saves My notes every couple of milliseconds (a new
    line each time, at most 2000 saves); the last thing they saved."""
    stop = threading.Event()
    saved: list[str] = []

    def student() -> None:
        for n in range(2000):
            if stop.is_set():
                break
            text = f"autosave {n}"
            save_my_notes(note, text + "\n")
            saved.append(text)
            time.sleep(0.002)

    thread = threading.Thread(target=student)
    thread.start()
    try:
        work()
    finally:
        stop.set()
        thread.join(30)
    assert len(saved) > 3  # the student really did save during the build
    return saved[-1]
