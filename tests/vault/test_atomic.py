import errno
import os
import time

import pytest

from notegen.vault import atomic


def test_temp_files_are_hidden_siblings_unique_per_process_and_call(tmp_path):
    target = tmp_path / "Topics" / "Stride.md"
    first, second = atomic.temp_path(target), atomic.temp_path(target)
    assert first != second and first.parent == target.parent
    assert first.name.startswith(f".Stride.md.{os.getpid()}-") and atomic.is_temp_name(first.name)
    assert atomic.temp_owner(first.name) == os.getpid()
    assert atomic.temp_owner(".Stride.md.notegen-tmp") is None  # an older notegen's name


def test_write_creates_and_replaces_without_leaving_a_temp_file(tmp_path):
    target = tmp_path / "a.md"
    atomic.write_atomic(target, b"one")
    atomic.write_atomic(target, b"two, longer")
    assert target.read_bytes() == b"two, longer"
    assert os.listdir(tmp_path) == ["a.md"]


def test_a_failed_replace_leaves_the_old_file_whole_and_no_temp_file(tmp_path, monkeypatch):
    target = tmp_path / "a.md"
    target.write_bytes(b"old content")

    def refused(src, dst):
        raise OSError(errno.EACCES, "Permission denied", str(dst))

    monkeypatch.setattr(atomic.os, "replace", refused)
    with pytest.raises(OSError):
        atomic.write_atomic(target, b"new")
    assert target.read_bytes() == b"old content"
    assert os.listdir(tmp_path) == ["a.md"]


def test_a_link_at_the_target_is_refused_not_written_through(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"theirs")
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "a.md").symlink_to(outside)
    with pytest.raises(OSError) as err:
        atomic.write_atomic(vault / "a.md", b"new")
    assert err.value.errno == errno.ELOOP
    assert outside.read_bytes() == b"theirs" and (vault / "a.md").is_symlink()


def test_only_stale_temp_files_are_found_in_every_folder(tmp_path):
    (tmp_path / "x" / "y").mkdir(parents=True)
    dead = 2 ** 22 + 12345  # above Linux's pid_max default: no such process
    mine = f"x/.live.md.{os.getpid()}-ab12cd34.notegen-tmp"
    for rel in [f"x/.n.md.{dead}-00ff00ff.notegen-tmp", "x/y/.f.svg.notegen-tmp", ".notegen-tmp",
                "x/keep.md", "x/n.md.notegen-tmp", mine]:
        (tmp_path / rel).write_bytes(b"")
    # A live process's fresh temp file is not stale; a dead one's and an old-style one are.
    assert atomic.find_stale_temp_files(tmp_path) == [f"x/.n.md.{dead}-00ff00ff.notegen-tmp",
                                                      "x/y/.f.svg.notegen-tmp"]
    later = time.time() + atomic.STALE_AFTER + 1
    assert mine in atomic.find_stale_temp_files(tmp_path, now=later)
