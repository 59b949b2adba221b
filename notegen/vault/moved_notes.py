"""Notes the student moved or renamed in Obsidian, found again by their ``notegen-id``.

Every generated note carries a ``notegen-id`` property made from its source's identity
(``topic/receptive-field``), not its file name. When a note is missing where the build
would write it, the note with that id is looked up where the last build left it (the
manifest's ``ids``), and only if it is not there is the vault searched, once per build.
A note found elsewhere is regenerated *there*, with the student's My notes and schedules,
and no second copy is made.

Links: Obsidian resolves ``[[Name]]`` by file name anywhere in the vault, so a moved note
(same name, other folder) needs nothing. A renamed one does: Obsidian rewrites
``[[Old]]`` to ``[[New]]`` (keeping any ``#heading`` and ``|text``) in the notes linking
to it, so the build writes the same rewrite into every generated note; the linking notes
are then exactly what the build produces, not "edited", and stay so on later builds.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from notegen.vault.manifest import Manifest
from notegen.vault.safe_path import PathGuard

_ID_LINE = re.compile(rb"^notegen-id: *(\S[^\r\n]*?) *$", re.M)
_HEAD = 4096  # the id is in the front matter, at the top of the note
_SKIPPED = frozenset({".notegen", ".obsidian", ".trash", ".git"})


@dataclass(frozen=True)
class Relocation:
    generated: str  # where the build would write the note
    found: str      # where the student keeps it

    @property
    def renamed(self) -> bool:
        return posixpath.basename(self.generated) != posixpath.basename(self.found)


def note_id(content: bytes) -> str | None:
    """The ``notegen-id`` in a note's front matter, if it has one."""
    if not content.startswith(b"---\n"):
        return None
    close = content.find(b"\n---", 4)
    head = content[:close if close >= 0 else _HEAD]
    found = _ID_LINE.search(head)
    return found.group(1).decode("utf-8", "replace") if found else None


class NoteFinder:
    def __init__(self, root: Path, manifest: Manifest, generated: Iterable[str],
                 guard: PathGuard) -> None:
        self.root, self.manifest, self.guard = Path(root), manifest, guard
        self.generated = frozenset(generated)
        self._index: dict[str, list[str]] | None = None

    def find(self, wanted_id: str, path: str) -> str | None:
        """Where the note with ``wanted_id`` is, if not at ``path`` (None: nowhere)."""
        last = self.manifest.path_of(wanted_id)
        if last and last != path and last not in self.generated and self._holds(last, wanted_id):
            return last
        if self._index is None:
            self._index = self._scan()
        places = [p for p in self._index.get(wanted_id, ()) if p != path]
        return places[0] if len(places) == 1 else None  # two copies: neither is taken

    def _holds(self, path: str, wanted_id: str) -> bool:
        if self.guard.problem(path):
            return False
        return _read_id(self.root / path) == wanted_id

    def _scan(self) -> dict[str, list[str]]:
        index: dict[str, list[str]] = {}
        for folder, dirs, names in os.walk(self.root):  # links are not followed
            dirs[:] = sorted(d for d in dirs if d not in _SKIPPED and not d.startswith("."))
            for name in sorted(names):
                if not name.endswith(".md") or name.startswith("."):
                    continue
                full = Path(folder, name)
                rel = full.relative_to(self.root).as_posix()
                if rel in self.generated or full.is_symlink():
                    continue
                found = _read_id(full)
                if found:
                    index.setdefault(found, []).append(rel)
        return index


def _read_id(path: Path) -> str | None:
    try:
        with open(path, "rb") as f:
            return note_id(f.read(_HEAD))
    except OSError:
        return None


def rewrite_links(text: str, renames: Mapping[str, str]) -> str:
    """``text`` with wikilinks and embeds to each old name pointed at its new name."""
    if not renames:
        return text
    names = "|".join(re.escape(old) for old in sorted(renames, key=len, reverse=True))
    # The name ends at ']]', '#', '|' or, inside a table, the escaped '\|'.
    pattern = re.compile(r"(!?\[\[)(" + names + r")(?=[\]|#]|\\\|)")
    return pattern.sub(lambda m: m.group(1) + renames[m.group(2)], text)
