"""One build at a time per vault: an exclusive lock on ``.notegen/lock``.

The lock is an ``flock``/``LockFileEx`` lock held through the ``filelock`` library, so the
operating system releases it when the process ends, however it ends: a lock file left by
a killed build is simply taken by the next one. The file holds the holder's process id,
for the message a second build prints. A second build waits :data:`WAIT` seconds, then
stops with exit status 1 ("another build is running").

Taking the lock is also where notegen's own state folders are checked: ``.notegen/`` and
the folders under it must be real folders of the vault, not links out of it.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from filelock import FileLock, Timeout

from notegen.errors import NotegenError, SourceError
from notegen.vault.safe_path import LINK_HINT, PathGuard

LOCK_PATH = ".notegen/lock"
WAIT = 2.0  # seconds a second build waits for the first
STATE_FOLDERS = (".notegen", ".notegen/cache", ".notegen/cache/figures", ".notegen/backup")


@contextmanager
def build_lock(root: Path, wait: float | None = None) -> Iterator[None]:
    root = Path(root)
    wait = WAIT if wait is None else wait
    check_state_folders(root)
    path = root / LOCK_PATH
    created = not os.path.lexists(root)  # a failed first build leaves no vault folder behind
    lock = FileLock(path, timeout=wait, is_singleton=False, thread_local=False)
    try:
        root.joinpath(".notegen").mkdir(parents=True, exist_ok=True)
        lock.acquire()
    except Timeout:
        holder = _holder(path)
        raise NotegenError([SourceError(
            LOCK_PATH, 0, f"another build is running ({holder}holds {root / LOCK_PATH})",
            "wait for it to finish (a --watch build keeps it only while it rebuilds), or stop "
            "it; a killed build's lock is released by the system")],
            "nothing was written") from None
    except OSError as exc:
        raise NotegenError([SourceError(
            str(exc.filename or path), 0, f"could not take the build lock: {exc.strerror or exc}",
            "the vault folder must be writable (build into another folder with --out)")],
            "nothing was written") from None
    try:
        _note_holder(path)
        yield
    except BaseException:
        lock.release()
        if created:
            _remove_empty_state(root, path)
        raise
    else:
        lock.release()


def _remove_empty_state(root: Path, path: Path) -> None:
    """Undo what taking the lock created, when the build that created the vault folder
    failed before writing anything else into it."""
    try:
        if {p.name for p in root.iterdir()} == {".notegen"} and \
                {p.name for p in path.parent.iterdir()} <= {"lock"}:
            path.unlink(missing_ok=True)
            path.parent.rmdir()
            root.rmdir()
    except OSError:
        pass  # something else appeared meanwhile: leave it


def check_state_folders(root: Path) -> None:
    guard = PathGuard(root)
    for folder in STATE_FOLDERS:
        problem = guard.problem(folder)
        if problem:
            raise NotegenError([SourceError(folder, 0, problem, LINK_HINT)], "nothing was written")


def _note_holder(path: Path) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return  # the lock holds all the same; the pid is only for the message
    try:
        os.write(fd, f"{os.getpid()}\n".encode())
    finally:
        os.close(fd)


def _holder(path: Path) -> str:
    try:
        with open(path, "rb") as f:
            pid = f.read(32).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return f"process {pid} " if pid.isdigit() else ""
