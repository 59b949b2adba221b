"""The manifest: which files of the vault notegen generated, and what it generated.

Stored at ``.notegen/manifest.json`` as sorted-key JSON with no timestamps, so two builds
of the same sources write identical bytes. Each entry maps a vault-relative path to the
SHA-256 of the file's *generated form* (for notes: user section emptied, review history
stripped; see :mod:`notegen.vault.note_state`). A file whose current generated form hashes
to its entry is unedited and may be replaced or removed; anything else belongs to the user.

``ids`` maps a note's path to its ``notegen-id`` property, so that a note the student
moved or renamed is found again without searching the vault.

``pending`` lists hashes a build is about to write. It is saved before the first file is
replaced and cleared by the final manifest, so after a killed build the next one still
recognises half-written files as its own rather than as user edits.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from notegen.errors import NotegenError, SourceError
from notegen.vault.safe_path import shape_problem

MANIFEST_PATH = ".notegen/manifest.json"
FORMAT_VERSION = 1


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Manifest:
    files: Mapping[str, str] = field(default_factory=dict)
    pending: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    ids: Mapping[str, str] = field(default_factory=dict)  # path -> the note's notegen-id
    trusted: bool = True  # False: damaged; nothing it lists may be removed
    warning: str = ""
    _by_id: dict | None = field(default=None, compare=False, repr=False)

    def accepted_hashes(self, path: str) -> frozenset[str]:
        """Hashes under which ``path`` counts as notegen's own, unedited output."""
        hashes = set(self.pending.get(path, ()))
        if path in self.files:
            hashes.add(self.files[path])
        return frozenset(hashes)

    def known_paths(self) -> frozenset[str]:
        return frozenset(self.files) | frozenset(self.pending)

    def with_pending(self, new: Mapping[str, str]) -> "Manifest":
        """This manifest plus ``new`` hashes about to be written (earlier pending ones kept)."""
        pending = {path: set(hashes) for path, hashes in self.pending.items()}
        for path, digest in new.items():
            pending.setdefault(path, set()).add(digest)
        return Manifest(self.files, {p: tuple(sorted(h)) for p, h in pending.items()}, self.ids)

    def path_of(self, note_id: str) -> str | None:
        """Where the last build left the note with this ``notegen-id``."""
        if self._by_id is None:
            object.__setattr__(self, "_by_id", {i: p for p, i in sorted(self.ids.items())})
        return self._by_id.get(note_id)


def manifest_bytes(manifest: Manifest) -> bytes:
    data: dict = {"format": FORMAT_VERSION, "files": dict(manifest.files)}
    if manifest.pending:
        data["pending"] = {p: list(h) for p, h in manifest.pending.items()}
    if manifest.ids:
        data["ids"] = dict(manifest.ids)
    return (json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def parse_manifest(data: bytes, where: str = MANIFEST_PATH) -> Manifest:
    """Read manifest bytes.

    A manifest comes with the vault, from anyone: one that does not parse, or holds an
    entry of the wrong shape (a path that is absolute, has a '..' part, a hash that is not
    a SHA-256), is *untrusted*: its well-formed entries still let notegen recognise its own
    unedited files, but nothing it lists is ever removed (``Manifest.trusted`` is False and
    ``Manifest.warning`` says why). Only a manifest of a newer format stops the build.
    """
    hint = ("nothing it lists is removed this build; the build then writes a fresh one "
            "(or delete the file yourself)")
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        return _untrusted(where, f"is not valid JSON ({str(exc)[:80]})", hint)
    if not isinstance(doc, dict) or not isinstance(doc.get("format"), int):
        return _untrusted(where, "has no format version", hint)
    if doc["format"] > FORMAT_VERSION:
        raise NotegenError([SourceError(
            where, 0, f"manifest format {doc['format']} was written by a newer notegen "
            f"(this one reads format {FORMAT_VERSION})", "upgrade notegen")])
    files, pending, ids = doc.get("files", {}), doc.get("pending", {}), doc.get("ids", {})
    good_files = {p: h for p, h in _items(files) if _is_hash(h)}
    good_pending = {p: tuple(h) for p, h in _items(pending)
                    if isinstance(h, list) and h and all(_is_hash(x) for x in h)}
    good_ids = {p: i for p, i in _items(ids) if isinstance(i, str) and 0 < len(i) <= 200}
    bad = [p for p in _keys(files) if p not in good_files]
    bad += [p for p in _keys(pending) if p not in good_pending]
    bad += [p for p in _keys(ids) if p not in good_ids]
    manifest = Manifest(good_files, good_pending, good_ids)
    if not (isinstance(files, dict) and isinstance(pending, dict) and isinstance(ids, dict)):
        return _untrusted(where, "has entries of the wrong shape", hint, manifest)
    if bad:
        first = sorted(str(p) for p in bad)[0][:120]
        return _untrusted(where, f"lists {len(bad)} entr{'y' if len(bad) == 1 else 'ies'} that "
                          f"{'is' if len(bad) == 1 else 'are'} not a file inside the vault with a "
                          f"SHA-256 (first: {first!r})", hint, manifest)
    return manifest


def load_manifest(root: Path) -> Manifest:
    path = Path(root) / MANIFEST_PATH
    if os.path.islink(path) or os.path.islink(path.parent):
        return _untrusted(MANIFEST_PATH, "is a symbolic link", "delete the link")
    if not path.is_file():
        return Manifest()
    return parse_manifest(path.read_bytes())


def _untrusted(where: str, what: str, hint: str, partial: Manifest | None = None) -> Manifest:
    base = partial or Manifest()
    return Manifest(base.files, base.pending, base.ids, trusted=False,
                    warning=f"{where}: the manifest {what}; it is not trusted: {hint}")


def _keys(value: object) -> list:
    return list(value) if isinstance(value, dict) else []


def _items(value: object) -> list[tuple[str, object]]:
    """The entries of a manifest map whose key is a plain vault-relative path."""
    if not isinstance(value, dict):
        return []
    return [(k, v) for k, v in value.items()
            if isinstance(k, str) and not shape_problem(k) and not k.startswith(".notegen/")]


def _is_hash(value: object) -> bool:
    return isinstance(value, str) and len(value) == 64 and all(c in _HEX for c in value)


_HEX = frozenset("0123456789abcdef")
