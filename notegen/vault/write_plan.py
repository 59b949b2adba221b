"""Deciding a vault write: reads the vault and the manifest, writes nothing.

For each generated file the plan says whether it is new, changed, unchanged or in
conflict, and gives the exact final bytes (generated content plus the student's user
section and review history). For each file of the last build that is no longer generated
it says remove (unedited) or keep (edited; it becomes the student's). The rules are
described in ``docs/regeneration.md``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Mapping, Sequence

from notegen.errors import NotegenError, SourceError
from notegen.vault import user_sections
from notegen.vault.atomic import find_stale_temp_files
from notegen.vault.flashcard_history import CardHistory
from notegen.vault.manifest import Manifest, load_manifest, manifest_bytes, sha256, MANIFEST_PATH
from notegen.vault.note_state import MergedNote, NoteState, merge_note, normalise_note, split_note
from notegen.vault.generated_paths import BACKUP_DIR, blocked_by, case_clashes, path_problem
from notegen.vault.moved_notes import NoteFinder, Relocation, note_id, rewrite_links
from notegen.vault.safe_path import LINK_HINT, PathGuard


@dataclass(frozen=True)
class GeneratedFile:
    path: str  # vault-relative POSIX path, e.g. "Topics/Receptive Field.md"
    content: bytes  # as compiled; notes are UTF-8 markdown with an empty user section
    digest: str | None = None  # generated_hash(self) when the caller already knows it

    @property
    def is_note(self) -> bool:
        return self.path.endswith(".md")


ConflictKind = Literal["edited", "user-file"]


@dataclass(frozen=True)
class Conflict:
    """A generated path whose file on disk notegen may not overwrite silently."""

    path: str
    kind: ConflictKind
    backup: str  # where --force saves the student's version
    markers_broken: bool = False

    def as_error(self) -> SourceError:
        force = f"or run `notegen build --force` to overwrite it after saving your version to {self.backup}"
        if self.kind == "user-file":
            return SourceError(self.path, 0, "a file you created is where notegen wants to write a "
                               "generated file", f"rename or move your file, {force}")
        if not self.path.endswith(".md"):
            return SourceError(self.path, 0, "it was edited since it was generated",
                               f"delete it to regenerate it, {force}")
        what = ("its My notes markers were changed or removed" if self.markers_broken
                else "it was edited outside its My notes section since it was generated")
        hint = ("move your text into the My notes section (between the notegen:user markers), "
                f"or delete the note to regenerate it, {force}")
        return SourceError(self.path, 0, what, hint)


@dataclass(frozen=True)
class FileAction:
    path: str
    kind: Literal["create", "update", "unchanged", "overwrite"]  # overwrite: forced, backed up
    content: bytes  # the final bytes
    generated_hash: str  # manifest entry
    user_section_kept: bool = False
    histories_carried: int = 0
    retired: tuple[CardHistory, ...] = ()
    backup: str | None = None  # set for "overwrite" unless an identical backup exists
    backup_content: bytes = b""
    read: bytes | None = None  # the bytes on disk this decision was made from (None: no file)
    generated: bytes = b""  # the compiled file, to merge again if the student saves meanwhile
    accepted: frozenset[str] = frozenset()  # generated-form hashes that count as notegen's


@dataclass(frozen=True)
class WritePlan:
    root: Path
    force: bool
    actions: tuple[FileAction, ...]
    removals: tuple[str, ...]  # generated last time, gone from the sources, unedited
    kept: tuple[str, ...]  # gone from the sources but edited: left alone, dropped from manifest
    conflicts: tuple[Conflict, ...]
    stale_temp_files: tuple[str, ...]
    old_manifest: Manifest
    manifest: Manifest  # the manifest once the write is done
    manifest_changed: bool  # whether that differs from the manifest file on disk
    guard: PathGuard | None = None
    warnings: tuple[str, ...] = ()  # e.g. an untrusted manifest: nothing was removed
    relocations: tuple[Relocation, ...] = ()  # notes the student moved or renamed

    @property
    def writes(self) -> tuple[FileAction, ...]:
        return tuple(a for a in self.actions if a.kind != "unchanged")


def plan_write(root: Path, files: Sequence[GeneratedFile], force: bool = False,
               seen: Mapping[str, tuple[int, int]] | None = None) -> WritePlan:
    """Decide everything a write of ``files`` to ``root`` would do, without writing.

    ``seen`` optionally gives the (size, mtime_ns) each file had right after the last build;
    a file that still has them and is generated as last time is not read again.
    """
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise NotegenError([SourceError(str(root), 0, "the vault folder is a file")])
    guard = PathGuard(root)
    _check_files(root, files, guard)
    old = load_manifest(root)
    warnings = [old.warning] if old.warning else []
    files, relocations, ids = _relocate(root, files, old, guard)
    actions: list[FileAction] = []
    conflicts: list[Conflict] = []
    origins = {r.found: r.generated for r in relocations}
    for file in sorted(files, key=lambda f: f.path):
        action, conflict = _decide(root, file, old, force, seen, origins.get(file.path))
        if conflict:
            conflicts.append(conflict)
        if action:
            actions.append(action)
    generated = {f.path for f in files}
    removals, kept = [], []
    for path in sorted(old.known_paths() - generated):
        verdict = _gone(root, path, old, guard)
        if verdict == "remove" and not old.trusted:
            verdict = "keep"  # an untrusted manifest removes nothing
        if verdict == "remove":
            removals.append(path)
        elif verdict == "keep":
            kept.append(path)
    # With unresolved conflicts nothing will be written, so the manifest stays as it is.
    manifest = (Manifest({a.path: a.generated_hash for a in actions}, {}, ids)
                if not conflicts or force else Manifest(dict(old.files), {}, dict(old.ids)))
    on_disk = root / MANIFEST_PATH
    changed = not on_disk.is_file() or on_disk.read_bytes() != manifest_bytes(manifest)
    return WritePlan(root, force, tuple(actions), tuple(removals), tuple(kept), tuple(conflicts),
                     tuple(find_stale_temp_files(root)), old, manifest, changed, guard,
                     tuple(warnings), relocations)


def _relocate(root: Path, files: Sequence[GeneratedFile], old: Manifest, guard: PathGuard
              ) -> tuple[list[GeneratedFile], tuple[Relocation, ...], dict[str, str]]:
    """The files with each note the student moved or renamed put where they keep it (and,
    after a rename, links to it pointed at its new name); the relocations; {path: id}."""
    finder = NoteFinder(root, old, (f.path for f in files), guard)
    relocations: list[Relocation] = []
    placed: list[tuple[GeneratedFile, str | None]] = []
    for file in files:
        found_id = note_id(file.content) if file.is_note else None
        if found_id and not os.path.lexists(root / file.path):
            found = finder.find(found_id, file.path)
            if found:
                relocations.append(Relocation(file.path, found))
                file = GeneratedFile(found, file.content, file.digest)
        placed.append((file, found_id))
    renames = {_stem(r.generated): _stem(r.found) for r in relocations if r.renamed}
    if renames:
        placed = [(GeneratedFile(f.path, rewrite_links(f.content.decode("utf-8"), renames)
                                 .encode("utf-8")) if f.is_note else f, i) for f, i in placed]
    ids = {f.path: i for f, i in placed if i}
    return [f for f, _ in placed], tuple(relocations), ids


def _stem(path: str) -> str:
    return path.rsplit("/", 1)[-1].removesuffix(".md")


def generated_hash(file: GeneratedFile) -> str:
    if file.digest is not None:
        return file.digest
    if file.is_note:
        return sha256(normalise_note(file.content.decode("utf-8")).encode("utf-8"))
    return sha256(file.content)


def _check_files(root: Path, files: Sequence[GeneratedFile], guard: PathGuard) -> None:
    """Refuse a file set that cannot be written as asked (a compiler or template bug, or a
    link in the vault where a generated file or folder goes)."""
    errors: list[SourceError] = []
    links: set[str] = set()
    seen: set[str] = set()
    free_folders: dict[str, bool] = {}
    for file in files:
        problem = path_problem(file.path)
        if problem:
            errors.append(SourceError(file.path, 0, f"generated path {problem}"))
            continue
        if file.path in seen:
            errors.append(SourceError(file.path, 0, "two generated files have this path"))
        seen.add(file.path)
        if file.is_note:
            errors.extend(_check_note(file))
        unsafe = guard.problem(file.path)
        if unsafe:
            link = guard.link_on_path(file.path)
            if link not in links:  # a linked folder is reported once, not per file
                links.add(link)
                errors.append(SourceError(link or file.path, 0, unsafe.replace(
                    f"lies in {link}/, which is", "is"), LINK_HINT))
            continue
        blocker = blocked_by(root, file.path, free_folders)
        if blocker:
            errors.append(SourceError(file.path, 0, f"cannot be written: {blocker} is in the way",
                                      "move that file or folder out of the vault"))
    for first, second in case_clashes(seen):
        errors.append(SourceError(second, 0, f"differs from {first} only in letter case; "
                                  "on macOS and Windows one would overwrite the other"))
    if errors:
        raise NotegenError(errors, f"{len(errors)} problem(s) with the generated files; nothing was written")


def _check_note(file: GeneratedFile) -> list[SourceError]:
    try:
        text = file.content.decode("utf-8")
    except UnicodeDecodeError:
        return [SourceError(file.path, 0, "generated note is not UTF-8")]
    try:
        if user_sections.locate(text) is not None:
            return []
    except user_sections.MarkersBroken as exc:
        return [SourceError(file.path, 0, f"generated note has a broken user section: {exc}")]
    return [SourceError(file.path, 0, "generated note has no user section",
                        f"every note template must end with '{user_sections.BEGIN}' and "
                        f"'{user_sections.END}' lines")]


def _stat(path: Path) -> tuple[int, int]:
    st = path.stat()
    return (st.st_size, st.st_mtime_ns)


def _decide(root: Path, file: GeneratedFile, old: Manifest, force: bool,
            seen: Mapping[str, tuple[int, int]] | None = None, origin: str | None = None
            ) -> tuple[FileAction | None, Conflict | None]:
    """``origin``: where the last build wrote the note, when the student moved it since."""
    gen_hash = generated_hash(file)
    target = root / file.path
    accepted = old.accepted_hashes(file.path) | {gen_hash}
    if origin:
        accepted |= old.accepted_hashes(origin)
    if not target.exists():
        return FileAction(file.path, "create", file.content, gen_hash, generated=file.content,
                          accepted=accepted), None
    if (old.files.get(file.path) == gen_hash and file.path not in old.pending
            and seen is not None and file.path in seen and _stat(target) == seen[file.path]):
        # Generated exactly as last time and the file untouched since the last build (same
        # size and mtime): it cannot need writing, so it is not even read.
        return FileAction(file.path, "unchanged", file.content, gen_hash), None
    disk = target.read_bytes()
    decided = decide_content(file, disk, accepted)
    if decided is None:
        state = NoteState()
        intact = True
        if file.is_note:
            try:
                split = split_note(disk.decode("utf-8"))
                state, intact = split.state, split.markers_intact
            except UnicodeDecodeError:
                pass
        return _conflict(root, file, old, force, disk, gen_hash, state, intact)
    content, merged = decided
    kept, carried, retired = ((merged.user_section_kept, merged.histories_carried, merged.retired)
                              if merged else (False, 0, ()))
    return FileAction(file.path, "unchanged" if content == disk else "update", content, gen_hash,
                      kept, carried, retired, read=disk, generated=file.content,
                      accepted=accepted), None


def decide_content(file: GeneratedFile, disk: bytes, accepted: frozenset[str]
                   ) -> tuple[bytes, MergedNote | None] | None:
    """The bytes to write over ``disk``: the generated file with the student's part of
    ``disk`` merged in; None when ``disk`` is not an unedited notegen file (its generated
    form hashes to none of ``accepted``)."""
    if not file.is_note:
        return (file.content, None) if sha256(disk) in accepted else None
    try:
        split = split_note(disk.decode("utf-8"))
    except UnicodeDecodeError:
        return None
    if not split.markers_intact or sha256(split.generated.encode("utf-8")) not in accepted:
        return None
    merged = merge_note(file.content.decode("utf-8"), split.state)
    return merged.text.encode("utf-8"), merged


def _conflict(root: Path, file: GeneratedFile, old: Manifest, force: bool, disk: bytes,
              gen_hash: str, state: NoteState, intact: bool
              ) -> tuple[FileAction | None, Conflict]:
    kind: ConflictKind = "edited" if file.path in old.known_paths() else "user-file"
    backup = _backup_path(root, file.path, disk)
    conflict = Conflict(file.path, kind, backup, markers_broken=not intact)
    if not force:
        return None, conflict
    # Forced: the student's version goes to the backup; whatever of their review history
    # and (with intact markers) user section can be found is still carried over.
    if file.is_note:
        merged = merge_note(file.content.decode("utf-8"), state)
        content, kept, carried, retired = (merged.text.encode("utf-8"), merged.user_section_kept,
                                           merged.histories_carried, merged.retired)
    else:
        content, kept, carried, retired = file.content, False, 0, ()
    exists = (root / backup).is_file()
    return FileAction(file.path, "overwrite", content, gen_hash, kept, carried, retired,
                      None if exists else backup, b"" if exists else disk, read=disk,
                      generated=file.content), conflict


def _backup_path(root: Path, path: str, disk: bytes) -> str:
    """``.notegen/backup/<path>``; if that holds a different earlier backup, the first free
    (or identical) ``<name> (n).<ext>`` beside it, so no backup is ever overwritten."""
    candidate = f"{BACKUP_DIR}/{path}"
    stem, dot, ext = candidate.rpartition(".")
    if "/" in ext or not stem or stem.endswith("/"):
        stem, dot, ext = candidate, "", ""
    n = 1
    while True:
        on_disk = root / candidate
        if not on_disk.exists() or (on_disk.is_file() and on_disk.read_bytes() == disk):
            return candidate
        n += 1
        candidate = f"{stem} ({n}){dot}{ext}"


def _gone(root: Path, path: str, old: Manifest, guard: PathGuard
          ) -> Literal["remove", "keep", "absent"]:
    """What to do with a file of an earlier build that is no longer generated."""
    if guard.problem(path):
        return "absent"  # not a plain file of the vault: never read, never removed
    target = root / path
    if not target.is_file():
        return "absent"
    disk = target.read_bytes()
    accepted = old.accepted_hashes(path)
    if not path.endswith(".md"):
        return "remove" if sha256(disk) in accepted else "keep"
    try:
        split = split_note(disk.decode("utf-8"))
    except UnicodeDecodeError:
        return "keep"
    unedited = split.markers_intact and sha256(split.generated.encode("utf-8")) in accepted
    # Notes holding the student's notes or review history are theirs to delete.
    return "remove" if unedited and split.state.is_empty else "keep"
