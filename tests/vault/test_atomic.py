import os

import pytest

from notegen.vault import atomic


def test_temp_file_sits_beside_the_target_as_a_hidden_file(tmp_path):
    assert atomic.temp_path(tmp_path / "Topics" / "Stride.md") == tmp_path / "Topics" / ".Stride.md.notegen-tmp"


def test_write_creates_and_replaces_without_leaving_a_temp_file(tmp_path):
    target = tmp_path / "a.md"
    atomic.write_atomic(target, b"one")
    atomic.write_atomic(target, b"two, longer")
    assert target.read_bytes() == b"two, longer"
    assert os.listdir(tmp_path) == ["a.md"]


def test_a_failed_replace_leaves_the_old_file_whole(tmp_path, monkeypatch):
    target = tmp_path / "a.md"
    target.write_bytes(b"old content")

    def killed(src, dst):
        raise KeyboardInterrupt  # stands for the process dying between write and rename

    monkeypatch.setattr(atomic.os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        atomic.write_atomic(target, b"new")
    assert target.read_bytes() == b"old content"
    assert atomic.find_stale_temp_files(tmp_path) == [".a.md.notegen-tmp"]


def test_stale_temp_files_are_found_in_every_folder(tmp_path):
    (tmp_path / "x" / "y").mkdir(parents=True)
    for rel in ["x/.n.md.notegen-tmp", "x/y/.f.svg.notegen-tmp", ".notegen-tmp", "x/keep.md",
                "x/n.md.notegen-tmp"]:
        (tmp_path / rel).write_bytes(b"")
    # '.notegen-tmp' alone and a name without the leading dot are not temp files of ours.
    assert atomic.find_stale_temp_files(tmp_path) == ["x/.n.md.notegen-tmp", "x/y/.f.svg.notegen-tmp"]

