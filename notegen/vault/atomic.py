"""Crash-safe file replacement: every file on disk is either its old or its new content.

A file is written in full to a temporary sibling (``.<name>.notegen-tmp``), flushed and
fsynced, then moved over the target with :func:`os.replace`, which POSIX and Windows both
perform atomically within one folder. A process killed at any instant therefore leaves
the target untouched or complete, plus at worst a stray temporary file, which the next
build removes (:func:`find_stale_temp_files`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

TEMP_SUFFIX = ".notegen-tmp"


def temp_path(target: Path) -> Path:
    """The temporary sibling used while ``target`` is being written."""
    return target.with_name(f".{target.name}{TEMP_SUFFIX}")


def is_temp_name(name: str) -> bool:
    return name.startswith(".") and name.endswith(TEMP_SUFFIX) and len(name) > len(TEMP_SUFFIX) + 1


def write_atomic(target: Path, data: bytes) -> None:
    """Replace ``target`` with ``data`` so that no reader ever sees a partial file.

    The folder entry itself is made durable by :func:`fsync_dirs`, called once per folder
    after a batch, rather than after every file.
    """
    tmp = temp_path(target)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o666)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, target)


def fsync_dirs(folders: Iterable[Path]) -> None:
    """Make renames and removals in ``folders`` durable (POSIX only; a no-op elsewhere)."""
    if os.name != "posix":
        return
    for folder in sorted(set(folders)):
        try:
            fd = os.open(folder, os.O_RDONLY)
        except OSError:
            continue  # folder vanished (pruned after its last file was removed)
        try:
            os.fsync(fd)
        except OSError:
            pass  # some file systems refuse fsync on folders; the rename is still atomic
        finally:
            os.close(fd)


def find_stale_temp_files(root: Path) -> list[str]:
    """Vault-relative POSIX paths of temporary files left by an interrupted build."""
    found: list[str] = []
    if not root.is_dir():
        return found
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            if is_temp_name(name):
                found.append(Path(folder, name).relative_to(root).as_posix())
    return found
