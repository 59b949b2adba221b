"""Keys for incremental builds: one digest per note of everything it is rendered from.

A note is re-rendered only when its key changes. What goes into a key:
- for every note, the *shared* digest: notegen's code, the templates, every note's title,
  aliases and file name (auto-linking and links depend on them), every network spec (topic
  and example text may quote any network's figures) and the exam patterns;
- a topic: its source file and the titles of its examples, networks and patterns;
- an example: its source file; a network: its spec and its topics; a pattern hub: its
  examples; the home note: every topic file and every pattern's examples.
So changing one example re-renders that example only, and adding or renaming one also
re-renders the notes that list it (all of them, when a new title can be auto-linked).
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import stat
from pathlib import Path
from typing import Iterable, Mapping

from notegen.model import Content
from notegen.plan.vault_plan import VaultPlan

PACKAGE = Path(__file__).resolve().parent.parent


def digest(*parts: object) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(repr(part).encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def folder_digest(folder: Path, pattern: str) -> str:
    """Digest of every matching regular file's path and bytes (sorted, so stable).

    Linked folders are followed once each (a link loop is not followed round); what is not
    a regular file (a FIFO, a device) is skipped, so computing the digest never blocks:
    reading the sources reports those files.
    """
    found: list[tuple[str, str]] = []
    seen: set[tuple[int, int]] = set()
    for top, dirs, files in os.walk(folder, followlinks=True):
        st = os.stat(top)
        if (st.st_dev, st.st_ino) in seen:
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        rel = os.path.relpath(top, folder).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        found += [(prefix + name, os.path.join(top, name)) for name in files if fnmatch.fnmatch(name, pattern)]
    h = hashlib.sha256()
    for rel, full in sorted(found):
        try:
            if not stat.S_ISREG(os.stat(full).st_mode):
                continue
            with open(full, "rb") as f:
                data = f.read()
        except OSError:
            continue  # unreadable: reading the sources says why
        h.update(rel.encode("utf-8") + b"\0")
        h.update(data + b"\0")
    return h.hexdigest()


def code_digest() -> str:
    return folder_digest(PACKAGE, "*.py")


def note_keys(plan: VaultPlan, content: Content, sources: Mapping[str, str], templates: str) -> dict[str, str]:
    """{vault path: key} for every planned note. ``sources`` maps a source path to its digest."""
    path_of = {t.title: t.loc.path for t in content.topics}
    path_of.update({e.title: e.loc.path for e in content.examples})
    path_of.update({n.title: n.loc.path for n in content.networks})
    names = sorted((n.kind, n.title, n.file, n.aliases) for n in plan.notes)
    networks = sorted(sources[n.loc.path] for n in content.networks)
    patterns = sorted(sources[p.loc.path] for p in content.patterns)
    shared = digest(templates, names, networks, patterns)

    def own(title: str) -> str:
        return sources[path_of[title]]

    keys = {}
    for note in plan.notes:
        t = note.title
        if note.kind == "topic":
            extra: Iterable[object] = (own(t), plan.topic_examples.get(t, ()), plan.topic_networks.get(t, ()),
                                       plan.topic_patterns.get(t, ()))
        elif note.kind == "example":
            extra = (own(t),)
        elif note.kind == "network":
            extra = (own(t), plan.network_topics.get(t, ()))
        elif note.kind == "pattern":
            extra = (plan.pattern_examples.get(t, ()),)
        else:
            extra = (sorted(sources[tp.loc.path] for tp in content.topics), sorted(plan.pattern_examples.items()))
        keys[note.path] = digest(shared, note.kind, t, *extra)
    return keys
