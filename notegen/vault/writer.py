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

import os
from pathlib import Path
from typing import Mapping, Sequence

from notegen.errors import NotegenError, SourceError
from notegen.vault.atomic import fsync_dirs, write_atomic
from notegen.vault.manifest import MANIFEST_PATH, manifest_bytes
from notegen.vault.write_report import RetiredCard, WriteReport, report_from_plan
from notegen.vault.write_plan import (Conflict, FileAction, GeneratedFile, WritePlan,
                                      generated_hash, plan_write)

__all__ = ["GeneratedFile", "WritePlan", "WriteReport", "FileAction", "Conflict", "RetiredCard",
           "plan_write", "write_vault", "generated_hash", "conflict_error"]


def write_vault(root: Path, files: Sequence[GeneratedFile], *, force: bool = False,
                seen: Mapping[str, tuple[int, int]] | None = None) -> WriteReport:
    """Write ``files`` into the vault at ``root``, keeping everything the student added.

    Raises :class:`NotegenError`, writing nothing, when generated files were edited outside
    their user section or user files sit at generated paths (unless ``force``).
    """
    root = Path(root)
    plan = plan_write(root, files, force=force, seen=seen)
    if plan.conflicts and not force:
        raise conflict_error(plan.conflicts)
    try:
        apply_plan(plan)
    except OSError as exc:  # disk full, permissions: the vault is still old-or-new per file
        where = str(exc.filename or root)
        raise NotegenError([SourceError(where, 0, f"could not write: {exc.strerror or exc}",
                                        "fix the cause and build again; every file is whole, "
                                        "and the next build finishes the job")],
                           "the build stopped part-way") from exc
    return report_from_plan(plan)


def conflict_error(conflicts: Sequence[Conflict]) -> NotegenError:
    n = len(conflicts)
    headline = (f"{n} file{'s' if n != 1 else ''} in the vault changed outside notegen's control; "
                "nothing was written")
    return NotegenError([c.as_error() for c in conflicts], headline)


def apply_plan(plan: WritePlan) -> None:
    root = plan.root
    root.mkdir(parents=True, exist_ok=True)
    touched: set[Path] = set()
    for rel in plan.stale_temp_files:
        _remove(root / rel, touched)
    writes = plan.writes
    manifest_file = root / MANIFEST_PATH
    staged = bool(writes or plan.removals)
    if staged:
        pending = plan.old_manifest.with_pending({a.path: a.generated_hash for a in writes})
        _write(manifest_file, manifest_bytes(pending), touched)
        fsync_dirs([manifest_file.parent])
    for action in writes:
        if action.backup:
            _write(root / action.backup, action.backup_content, touched)
    for action in writes:
        _write(root / action.path, action.content, touched)
    for rel in plan.removals:
        _remove(root / rel, touched)
        _prune_empty_folders(root, (root / rel).parent, touched)
    fsync_dirs(touched)
    if plan.manifest_changed or staged:  # staging replaced it with the pending version
        _write(manifest_file, manifest_bytes(plan.manifest), touched)
        fsync_dirs([manifest_file.parent])


def _write(target: Path, data: bytes, touched: set[Path]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, data)
    touched.add(target.parent)


def _remove(target: Path, touched: set[Path]) -> None:
    try:
        target.unlink()
    except FileNotFoundError:
        pass
    touched.add(target.parent)


def _prune_empty_folders(root: Path, folder: Path, touched: set[Path]) -> None:
    """Remove folders left empty by a removal, up to (not including) the vault root."""
    while folder != root and root in folder.parents:
        try:
            os.rmdir(folder)
        except OSError:
            return  # not empty (or already gone): stop climbing
        touched.discard(folder)
        touched.add(folder.parent)
        folder = folder.parent
