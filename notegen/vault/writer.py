"""The vault writer: the only code that changes the output folder.

``plan_write`` decides (see :mod:`notegen.vault.write_plan`); ``write_vault`` carries a
plan out in an order that survives being killed at any instant:

1. leftover temporary files of an interrupted build are removed;
2. the manifest is saved with the hashes about to be written marked *pending*;
3. backups (``--force`` only), then new and changed files, each written atomically;
4. files whose sources are gone and that are unedited are removed;
5. folders are fsynced, and the final manifest is written last, atomically.

After a kill, every file is old or new (never partial) and the next build, seeing the
pending hashes, treats the new ones as its own and converges to a clean build's bytes.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Mapping, Sequence

from notegen.errors import NotegenError, SourceError
from notegen.vault.atomic import fsync_dirs, write_atomic
from notegen.vault.last_look import replace_fresh
from notegen.vault.manifest import MANIFEST_PATH, Manifest, manifest_bytes
from notegen.vault.safe_path import PathGuard, UnsafePath
from notegen.vault.write_report import RetiredCard, WriteReport, report_from_plan
from notegen.vault.write_plan import (Conflict, FileAction, GeneratedFile, WritePlan,
                                      decide_content, generated_hash, plan_write)

__all__ = ["GeneratedFile", "WritePlan", "WriteReport", "FileAction", "Conflict", "RetiredCard",
           "plan_write", "write_vault", "generated_hash", "conflict_error"]


def write_vault(root: Path, files: Sequence[GeneratedFile], *, force: bool = False,
                seen: Mapping[str, tuple[int, int]] | None = None) -> WriteReport:
    """Write ``files`` into the vault at ``root``, keeping everything the student added.

    Raises :class:`NotegenError`, writing nothing, when generated files were edited outside
    their user section or user files sit at generated paths (unless ``force``), or when a
    path would lead through a link or out of the vault; and, having written part of the
    plan, when the file system fails (disk full, read-only, a folder gone).
    """
    root = Path(root)
    plan = plan_write(root, files, force=force, seen=seen)
    if plan.conflicts and not force:
        raise conflict_error(plan.conflicts)
    done = Progress()
    try:
        apply_plan(plan, done)
    except UnsafePath:
        raise
    except OSError as exc:  # the vault is still old-or-new per file
        raise fault_error(exc, root, done) from None
    return report_from_plan(plan, done.skipped, done.remerged)


def conflict_error(conflicts: Sequence[Conflict]) -> NotegenError:
    n = len(conflicts)
    headline = (f"{n} file{'s' if n != 1 else ''} in the vault changed outside notegen's control; "
                "nothing was written")
    return NotegenError([c.as_error() for c in conflicts], headline)


class Progress:
    """What an apply got done, for its report or its error message."""

    def __init__(self) -> None:
        self.written: list[str] = []
        self.skipped: list[str] = []  # saved by the student during the build: left as saved
        self.remerged: list[str] = []  # saved during the build: merged again


def apply_plan(plan: WritePlan, done: Progress | None = None) -> None:
    done = done or Progress()
    root, guard = plan.root, plan.guard or PathGuard(plan.root)
    if plan.writes or plan.removals or plan.manifest_changed:
        if root.exists() or not plan.old_manifest.files:
            root.mkdir(parents=True, exist_ok=True)
        else:  # it held a vault when the build began: do not recreate it somewhere else
            raise FileNotFoundError(errno.ENOENT, "the vault folder disappeared during the build",
                                    str(root))
    touched: set[Path] = set()
    for rel in plan.stale_temp_files:
        _remove(guard, rel, touched)
    writes = plan.writes
    manifest_file = guard.check(MANIFEST_PATH)
    staged = bool(writes or plan.removals)
    if staged:
        pending = plan.old_manifest.with_pending({a.path: a.generated_hash for a in writes})
        _write(guard, MANIFEST_PATH, manifest_bytes(pending), touched)
        fsync_dirs([manifest_file.parent])
    for action in writes:
        if action.backup:
            _write(guard, action.backup, action.backup_content, touched)
    for action in writes:
        target = guard.check(action.path)
        _make_folder(guard, target.parent, action.path)
        look = replace_fresh(target, action.content, action.read, _merger(action))
        touched.add(target.parent)
        if look.written is None:
            done.skipped.append(action.path)
        else:
            done.written.append(action.path)
            if look.remerged:
                done.remerged.append(action.path)
    for rel in plan.removals:
        _remove(guard, rel, touched)
        _prune_empty_folders(root, (root / rel).parent, touched)
    fsync_dirs(touched)
    manifest = plan.manifest
    if done.skipped:  # those files are as the student saved them: record what they hold
        files = dict(manifest.files)
        for action in writes:
            if action.path in done.skipped:
                files.pop(action.path, None)
                entry = _entry_on_disk(root / action.path, action, plan.old_manifest)
                if entry:
                    files[action.path] = entry
        manifest = Manifest(files, {}, manifest.ids)
    if plan.manifest_changed or staged:  # staging replaced it with the pending version
        _write(guard, MANIFEST_PATH, manifest_bytes(manifest), touched)
        fsync_dirs([manifest_file.parent])


def fault_error(exc: OSError, root: Path, done: Progress) -> NotegenError:
    """``path: what failed, what was written, what to do`` for a file-system failure."""
    where = str(exc.filename or root)
    try:
        where = Path(where).relative_to(root).as_posix()
    except ValueError:
        pass
    n = len(done.written)
    wrote = (f"{n} file{'s' if n != 1 else ''} had been written ({', '.join(done.written[:3])}"
             f"{', …' if n > 3 else ''}), each complete" if n else "no note had been written yet")
    hint = _FAULT_HINTS.get(exc.errno, "fix the cause and build again")
    return NotegenError([SourceError(where, 0, f"could not write: {exc.strerror or exc}; {wrote}",
                                     f"{hint}; every file in the vault is whole (old or new), "
                                     "and the next build finishes the job")],
                        "the build stopped part-way")


_FAULT_HINTS = {
    errno.ENOSPC: "free some disk space and build again",
    errno.EDQUOT: "free some space in your disk quota and build again",
    errno.EROFS: "the disk is mounted read-only: build into a writable folder (--out)",
    errno.EACCES: "make the folder writable (or build into another folder with --out)",
    errno.EPERM: "make the folder writable (or build into another folder with --out)",
    errno.ENOENT: "a folder was moved or deleted during the build: check the vault folder "
                  "is where it was (an unplugged drive?) and build again",
    errno.ELOOP: "replace the link with a real file or folder; notegen never writes through links",
}


def _merger(action: FileAction):
    """Merge what the student saved during the build with the generated file."""
    if not action.accepted:
        return lambda current: None  # forced overwrites: a new save is left alone
    generated = GeneratedFile(action.path, action.generated, action.generated_hash)

    def merge(current: bytes) -> bytes | None:
        decided = decide_content(generated, current, action.accepted)
        return decided[0] if decided else None
    return merge


def _entry_on_disk(target: Path, action: FileAction, old: Manifest) -> str | None:
    """The manifest entry for a file left as the student saved it: this build's hash if
    its generated form is this build's, else the last build's entry."""
    try:
        disk = target.read_bytes()
    except OSError:
        return old.files.get(action.path)
    if decide_content(GeneratedFile(action.path, action.generated, action.generated_hash),
                      disk, frozenset({action.generated_hash})):
        return action.generated_hash
    return old.files.get(action.path)


def _make_folder(guard: PathGuard, folder: Path, rel: str) -> None:
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        guard.forget(rel.rsplit("/", 1)[0])
        guard.check(rel)  # a link planted while the folder was made is still refused


def _write(guard: PathGuard, rel: str, data: bytes, touched: set[Path]) -> None:
    target = guard.check(rel)
    _make_folder(guard, target.parent, rel)
    write_atomic(target, data)
    touched.add(target.parent)


def _remove(guard: PathGuard, rel: str, touched: set[Path]) -> None:
    target = guard.check(rel)
    try:
        target.unlink()
    except FileNotFoundError:
        pass
    touched.add(target.parent)


def _prune_empty_folders(root: Path, folder: Path, touched: set[Path]) -> None:
    """Remove folders left empty by a removal, up to (not including) the vault root."""
    while folder != root and root in folder.parents:
        if folder.is_symlink():
            return
        try:
            os.rmdir(folder)
        except OSError:
            return  # not empty (or already gone): stop climbing
        touched.discard(folder)
        touched.add(folder.parent)
        folder = folder.parent
