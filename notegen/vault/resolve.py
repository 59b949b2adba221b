"""Which file a link path reaches, the way Obsidian resolves it.

Rules (Obsidian Help, "Internal links"; the tie-break is Obsidian's observed behaviour):

* matching ignores case, and Unicode is compared in NFC form (macOS stores names in NFD);
* ``Note`` reaches ``Note.md``; any other file needs its extension (``figure.svg``);
  ``Note.md`` also reaches ``Note.md``;
* ``folder/Note`` reaches a file whose vault path *ends* with ``folder/Note.md`` at a
  folder boundary, so a link need only be as long as it takes to be unique;
* ``/folder/Note`` is a full path from the vault root; ``./Note`` and ``../Note`` are
  relative to the linking note's folder;
* when several files match, the one in the linking note's folder wins, then the one with
  the shortest path, then the first in sorted order.

Aliases (front-matter ``aliases``) never take part: ``[[Alias]]`` does not resolve.
"""

from __future__ import annotations

import posixpath
import unicodedata
from collections import defaultdict
from typing import Iterable


def _key(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()


class VaultIndex:
    """Every file of a vault by vault-relative POSIX path, indexed for link resolution."""

    def __init__(self, paths: Iterable[str]) -> None:
        self.paths = tuple(sorted(paths))
        self._by_path = {_key(p): p for p in self.paths}
        self._by_name: dict[str, list[str]] = defaultdict(list)
        self._by_stem: dict[str, list[str]] = defaultdict(list)
        for path in self.paths:
            name = _key(posixpath.basename(path))
            self._by_name[name].append(path)
            self._by_stem[posixpath.splitext(name)[0]].append(path)

    def resolve(self, link_path: str, source: str) -> str | None:
        """The vault path ``link_path`` reaches from the note at ``source``, or None."""
        link_path = link_path.strip()
        if not link_path:
            return source
        if link_path.startswith(("./", "../")):
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(source), link_path))
            return None if joined.startswith("..") else self._exact(joined)
        if link_path.startswith("/"):
            return self._exact(link_path.lstrip("/"))
        wanted = _key(link_path)
        name = wanted.rsplit("/", 1)[-1]
        candidates = [
            path
            for suffix, key in ((wanted + ".md", name + ".md"), (wanted, name))
            for path in self._by_name.get(key, ())
            if _key(path) == suffix or _key(path).endswith("/" + suffix)
        ]
        if not candidates:
            return None
        folder = posixpath.dirname(source)
        return min(candidates, key=lambda p: (posixpath.dirname(p) != folder, len(p), p))

    def _exact(self, path: str) -> str | None:
        key = _key(path)
        return self._by_path.get(key + ".md") or self._by_path.get(key)

    def with_stem(self, stem: str) -> list[str]:
        """Files whose name without extension is ``stem`` (for 'did you mean' hints)."""
        return list(self._by_stem.get(_key(stem), ()))
