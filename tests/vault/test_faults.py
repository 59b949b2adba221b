"""Faults are reported, not hidden: a full disk, a read-only folder, a vanished folder, a
cache that cannot be saved. Each gives `path: what failed, what was written, what to do`,
exit status 1 (0 when only the cache failed), no traceback, no temporary file left, and
the next build finishes the job."""

from __future__ import annotations

import errno
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from notegen.build import build
from notegen.cli import main
from notegen.config import BuildOptions
from notegen.vault import atomic, writer
from tests.conftest import ROOT

CONTENT, TEMPLATES = ROOT / "content", ROOT / "templates"
SOURCE = "topics/output-size-and-parameter-count.md"


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.relative_to(root).as_posix().startswith(".notegen/")}


@pytest.fixture
def course(built: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A course whose every topic changed since the vault was built (many files to write)."""
    source = tmp_path / "content"
    shutil.copytree(CONTENT, source)
    for topic in sorted((source / "topics").glob("*.md")):
        topic.write_text(topic.read_text(encoding="utf-8") + "\nRevised.\n", encoding="utf-8")
    shutil.copytree(built, tmp_path / "vault")
    return source, tmp_path / "vault"


def cli_build(source: Path, vault: Path, *extra: str):
    result = CliRunner().invoke(main, ["build", "--source", str(source), "--out", str(vault),
                                       "--templates", str(TEMPLATES), "--no-check", *extra])
    assert "Traceback" not in result.output
    return result


def temp_files(vault: Path) -> list[Path]:
    return [p for p in vault.rglob("*") if atomic.is_temp_name(p.name)]


def finishes_the_job(source: Path, vault: Path, tmp_path: Path) -> None:
    assert cli_build(source, vault).exit_code == 0
    clean = tmp_path / "clean"
    build(BuildOptions(source=source, out=clean, templates=TEMPLATES))
    assert tree(vault) == tree(clean)


def test_a_full_disk_part_way_is_reported_and_the_next_build_finishes(course, tmp_path, monkeypatch):
    source, vault = course
    real_write_all, calls = atomic._write_all, []

    def fills_up(fd: int, data: bytes) -> None:
        calls.append(1)
        if len(calls) > 4:  # the pending manifest and three notes fit, then the disk is full
            atomic.os.write(fd, data[:len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write_all(fd, data)

    monkeypatch.setattr(atomic, "_write_all", fills_up)
    result = cli_build(source, vault, "--quiet")
    assert result.exit_code == 1
    error = next(line for line in result.output.splitlines() if line.startswith("Error: "))
    assert error.startswith("Error: Topics/") and "could not write: No space left on device" in error
    assert "3 files had been written (" in error and "each complete" in error
    assert "free some disk space and build again" in result.output
    assert temp_files(vault) == []
    monkeypatch.undo()
    finishes_the_job(source, vault, tmp_path)


def test_a_read_only_folder_is_reported(course, tmp_path, monkeypatch):
    source, vault = course
    real_create = atomic._create

    def read_only(path: Path) -> int:
        if path.parent.name == "Topics":
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_create(path)

    monkeypatch.setattr(atomic, "_create", read_only)
    result = cli_build(source, vault, "--quiet")
    assert result.exit_code == 1
    assert "could not write: Read-only file system" in result.output
    assert "Error: Topics/" in result.output
    assert "build into a writable folder (--out)" in result.output
    assert temp_files(vault) == []
    monkeypatch.undo()
    finishes_the_job(source, vault, tmp_path)


def test_a_vault_folder_that_vanishes_during_the_build_is_not_recreated(course, monkeypatch):
    source, vault = course
    real_plan = writer.plan_write

    def unplugged(*args, **kwargs):
        plan = real_plan(*args, **kwargs)
        shutil.move(vault, vault.with_name("moved-away"))  # the drive is unplugged
        return plan

    monkeypatch.setattr(writer, "plan_write", unplugged)
    result = cli_build(source, vault)
    assert result.exit_code == 1
    assert "the vault folder disappeared during the build" in result.output
    assert "no note had been written yet" in result.output
    assert not vault.exists()


def test_notes_written_but_cache_not_saved_is_said_and_the_next_build_recovers(
        course, tmp_path, monkeypatch):
    source, vault = course

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("notegen.build.save_cache", disk_full)
    result = cli_build(source, vault)
    assert result.exit_code == 0, result.output
    assert ("the notes are written but the build cache was not saved (No space left on "
            "device), so the next build redoes the work") in " ".join(result.output.split())
    monkeypatch.undo()
    finishes_the_job(source, vault, tmp_path)
    again = cli_build(source, vault).output  # the recovered cache is used: nothing redone
    assert re.search(r": 0 of \d+ notes rendered, 0 of \d+ figures drawn; 0 written,", again)
