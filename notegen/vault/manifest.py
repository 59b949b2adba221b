"""The manifest: which files of the vault notegen generated, and what it generated.

Stored at ``.notegen/manifest.json`` as sorted-key JSON with no timestamps, so two builds
of the same sources write identical bytes. Each entry maps a vault-relative path to the
SHA-256 of the file's *generated form* (for notes: user section emptied, review history
stripped; see :mod:`notegen.vault.note_state`). A file whose current generated form hashes
to its entry is unedited and may be replaced or removed; anything else belongs to the user.

``pending`` lists hashes a build is about to write. It is saved before the first file is
replaced and cleared by the final manifest, so after a killed build the next one still
recognises half-written files as its own rather than as user edits.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from notegen.errors import NotegenError, SourceError

MANIFEST_PATH = ".notegen/manifest.json"
FORMAT_VERSION = 1


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Manifest:
    files: Mapping[str, str] = field(default_factory=dict)
    pending: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

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
        return Manifest(self.files, {p: tuple(sorted(h)) for p, h in pending.items()})


def manifest_bytes(manifest: Manifest) -> bytes:
    data: dict = {"format": FORMAT_VERSION, "files": dict(manifest.files)}
    if manifest.pending:
        data["pending"] = {p: list(h) for p, h in manifest.pending.items()}
    return (json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def parse_manifest(data: bytes, where: str = MANIFEST_PATH) -> Manifest:
    """Read manifest bytes; a damaged or newer manifest is a :class:`NotegenError`."""
    hint = ("delete the file; the next build then adopts every file that still matches what "
            "notegen generates and reports the others")
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NotegenError([SourceError(where, 0, f"manifest is not valid JSON ({exc})", hint)])
    if not isinstance(doc, dict) or not isinstance(doc.get("format"), int):
        raise NotegenError([SourceError(where, 0, "manifest has no format version", hint)])
    if doc["format"] > FORMAT_VERSION:
        raise NotegenError([SourceError(
            where, 0, f"manifest format {doc['format']} was written by a newer notegen "
            f"(this one reads format {FORMAT_VERSION})", "upgrade notegen")])
    files = doc.get("files", {})
    pending = doc.get("pending", {})
    if not (_is_str_map(files) and isinstance(pending, dict)
            and all(isinstance(h, list) and all(isinstance(x, str) for x in h)
                    for h in pending.values())):
        raise NotegenError([SourceError(where, 0, "manifest entries are malformed", hint)])
    return Manifest(dict(files), {p: tuple(h) for p, h in pending.items()})


def load_manifest(root: Path) -> Manifest:
    path = root / MANIFEST_PATH
    if not path.is_file():
        return Manifest()
    return parse_manifest(path.read_bytes())


def _is_str_map(value: object) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items())
