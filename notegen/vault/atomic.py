"""Crash-safe file replacement: every file on disk is either its old or its new content.

A file is written in full to a temporary sibling, flushed and fsynced, then moved over the
target with :func:`os.replace`, which POSIX and Windows both perform atomically within one
folder. A process killed at any instant therefore leaves the target untouched or complete,
plus at worst a stray temporary file, which a later build removes once it is stale
(:func:`find_stale_temp_files`).

The temporary name is unique per process and call, ``.<name>.<pid>-<random>.notegen-tmp``,
and is created with ``O_EXCL | O_NOFOLLOW``: two processes never share one, and a link
planted under that name is never written through. A failed write removes its temporary
file before the error goes up.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
import time
from pathlib import Path
from typing import Iterable

TEMP_SUFFIX = ".notegen-tmp"
STALE_AFTER = 15 * 60  # seconds: a temp file this old belongs to no running write
_SKIPPED_FOLDERS = frozenset({".git", ".obsidian", ".trash"})  # never notegen's
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def temp_path(target: Path) -> Path:
    """A fresh temporary sibling for writing ``target``: unique per process and call."""
    return target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}{TEMP_SUFFIX}")


def is_temp_name(name: str) -> bool:
    return name.startswith(".") and name.endswith(TEMP_SUFFIX) and len(name) > len(TEMP_SUFFIX) + 1


def temp_owner(name: str) -> int | None:
    """The process id in a temporary file's name (None for names of older notegens)."""
    stem = name[:-len(TEMP_SUFFIX)]
    tail = stem.rsplit(".", 1)[-1]
    pid, dash, token = tail.partition("-")
    return int(pid) if dash and pid.isdigit() and token.isalnum() else None


def refuse_link(target: Path) -> None:
    """Raise ``OSError(ELOOP)`` when ``target`` is a symbolic link: notegen replaces files,
    it never writes through or replaces a link the student put there."""
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISLNK(mode):
        raise OSError(errno.ELOOP, "is a symbolic link; notegen does not write through links",
                      str(target))


def write_temp(target: Path, data: bytes) -> Path:
    """``data`` in a new, fsynced temporary sibling of ``target``; its path."""
    tmp = temp_path(target)
    fd = _create(tmp)
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException as exc:
        discard(tmp)
        if isinstance(exc, OSError) and not exc.filename:
            exc.filename = str(target)  # os.write's errors name no file
        raise
    return tmp


def _create(path: Path) -> int:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_BINARY", 0)
    return os.open(path, flags, 0o666)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def write_atomic(target: Path, data: bytes) -> None:
    """Replace ``target`` with ``data`` so that no reader ever sees a partial file.

    The folder entry itself is made durable by :func:`fsync_dirs`, called once per folder
    after a batch, rather than after every file.
    """
    refuse_link(target)
    tmp = write_temp(target, data)
    try:
        os.replace(tmp, target)
    except BaseException:
        discard(tmp)
        raise


def discard(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def fsync_dirs(folders: Iterable[Path]) -> None:
    """Make renames and removals in ``folders`` durable (POSIX only; a no-op elsewhere)."""
    if os.name != "posix":
        return
    for folder in sorted(set(folders)):
        try:
            fd = os.open(folder, os.O_RDONLY | _NOFOLLOW)
        except OSError:
            continue  # folder vanished (pruned after its last file was removed)
        try:
            os.fsync(fd)
        except OSError:
            pass  # some file systems refuse fsync on folders; the rename is still atomic
        finally:
            os.close(fd)


def find_stale_temp_files(root: Path, now: float | None = None) -> list[str]:
    """Vault-relative POSIX paths of temporary files no running write owns: their process
    is gone, or they are older than :data:`STALE_AFTER`. Links are not followed."""
    found: list[str] = []
    if not os.path.isdir(root):
        return found
    now = time.time() if now is None else now
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_FOLDERS)
        for name in sorted(names):
            if is_temp_name(name):
                full = Path(folder, name)
                if _stale(full, temp_owner(name), now):
                    found.append(full.relative_to(root).as_posix())
    return found


def _stale(path: Path, owner: int | None, now: float) -> bool:
    try:
        age = now - os.lstat(path).st_mtime
    except OSError:
        return False
    if age > STALE_AFTER or owner is None:
        return True
    if owner == os.getpid() or os.name != "posix":
        return False  # our own write in progress; elsewhere os.kill would end the process
    try:
        os.kill(owner, 0)
    except ProcessLookupError:
        return True  # its writer died mid-way
    except OSError:
        return False  # alive, under another user
    return False
