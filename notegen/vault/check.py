"""``notegen check``: is a vault sound the way Obsidian sees it?

Reports, each with the vault-relative path and line:

* links and embeds (``[[...]]``, ``![[...]]``, ``[text](path.md)``) that reach no file,
  or whose ``#Heading`` / ``#^block`` is not in the target note (rules in
  :mod:`notegen.vault.resolve` and :func:`notegen.vault.obsidian.heading_key`);
* orphan notes: no other note links to or embeds them. The home note is exempt: the
  note whose front matter says ``type: home``, or ``Home.md`` at the vault root;
* unused attachments: images (``.png``, ``.svg``, ...) that no note links to or embeds.
  Other attachments (PDFs, data files) are not reported;
* front matter that is not a YAML mapping, ``tags`` / ``aliases`` that are not lists of
  strings, and tags (in front matter or inline ``#tag``) that Obsidian would not accept;
* ``$`` / ``$$`` math, code fences and comments that are opened and never closed.

Links inside code, math and ``%%``/``<!-- -->`` comments are not links (Obsidian does not
render them) and are ignored. Problems that concern a whole file (orphans, unused
attachments) point at line 1.

``check_notes`` is the pure core over (path, text) pairs; ``check_vault`` reads a folder.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import posixpath
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, MutableMapping

from notegen.errors import NotegenError, SourceError
from notegen.vault.front_matter import parse_front_matter
from notegen.vault.markdown_scan import LineProblem, scan_note
from notegen.vault.obsidian import (
    Link, find_block_ids, find_headings, find_inline_tags, find_links, heading_key, links_in_text,
)
from notegen.vault.resolve import VaultIndex

IMAGE_EXTENSIONS = frozenset({".png", ".svg", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".avif"})
# Obsidian's own settings, notegen's build state, Obsidian's trash: never vault content.
IGNORED_FOLDERS = frozenset({".obsidian", ".notegen", ".trash"})


@dataclass(frozen=True, order=True)
class Problem:
    """One finding: vault-relative POSIX ``path``, 1-based ``line``, what is wrong."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"

    def as_dict(self) -> dict[str, str | int]:
        return asdict(self)


@dataclass
class _Note:
    """What the checker needs to know about one note."""

    headings: list[str]
    heading_keys: list[str]
    block_ids: set[str]
    links: list[Link]
    properties: dict | None
    problems: list[LineProblem] = field(default_factory=list)


def _read_note(text: str) -> _Note:
    scanned = scan_note(text)
    links, prose = find_links(scanned)
    headings = find_headings(scanned)
    problems = list(scanned.problems)
    properties = None
    if scanned.front_matter is not None:
        front = parse_front_matter(scanned.front_matter)
        properties = front.values
        problems += front.problems
        links += [link for line, text in front.link_texts for link in links_in_text(text, line)]
    problems += [(tag.line, f"'{tag.written}' is not a valid tag: {tag.problem}")
                 for tag in find_inline_tags(scanned, prose) if tag.problem]
    return _Note(headings, [heading_key(h) for h in headings], find_block_ids(scanned),
                 links, properties, problems)


def check_notes(notes: Mapping[str, str], attachments: Iterable[str] = (),
                memo: MutableMapping[str, _Note] | None = None,
                unread: Iterable[str] = ()) -> list[Problem]:
    """Check a vault given as {note path: text} plus the paths of its other files.

    Paths are vault-relative and POSIX (``topics/Receptive Field.md``). ``memo`` maps a
    note text's sha256 to what was read from it, so unchanged notes are not scanned again;
    it is updated to hold exactly the notes given. ``unread`` are files links may reach
    whose content is not checked (behind a link out of the vault).
    """
    unread = list(unread)
    index = VaultIndex([*notes, *attachments, *unread])
    if memo is None:
        read = {path: _read_note(text) for path, text in notes.items()}
    else:
        digests = {path: hashlib.sha256(text.encode("utf-8")).hexdigest() for path, text in notes.items()}
        fresh = {d: memo[d] if d in memo else _read_note(notes[p]) for p, d in digests.items()}
        memo.clear()
        memo.update(fresh)
        read = {path: fresh[d] for path, d in digests.items()}
    aliases = _alias_index(read)
    problems = [Problem(path, line, message)
                for path, note in read.items() for line, message in note.problems]
    reached: set[str] = set()
    for path, note in read.items():
        for link in note.links:
            target = index.resolve(link.path, path)
            if target is None:
                problems.append(Problem(path, link.line, _broken_message(link, index, aliases)))
                continue
            if target != path:
                reached.add(target)
            if target in read:
                message = _subpath_problem(link, target, read[target])
                if message:
                    problems.append(Problem(path, link.line, message))
    skip = set(unread)
    problems += _unreached(read, [p for p in index.paths if p not in skip], reached)
    return sorted(problems)


def _alias_index(read: Mapping[str, _Note]) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted(read):
        values = (read[path].properties or {}).get("aliases")
        for alias in values if isinstance(values, list) else ():
            if isinstance(alias, str):
                found.setdefault(alias.casefold(), path)
    return found


def _broken_message(link: Link, index: VaultIndex, aliases: Mapping[str, str]) -> str:
    message = f"broken link {link.written}: no note or file '{link.path}' in the vault"
    owner = aliases.get(link.path.casefold())
    if owner:
        stem = posixpath.splitext(posixpath.basename(owner))[0]
        return (f"{message}; '{link.path}' is an alias of '{owner}', and Obsidian does not "
                f"resolve links by alias: write [[{stem}|{link.path}]]")
    same_stem = index.with_stem(posixpath.basename(link.path))
    files = [p for p in same_stem if not p.lower().endswith(".md")]
    if files:
        names = ", ".join(f"'{posixpath.basename(p)}'" for p in files[:3])
        return f"{message}; a link to a file other than a note needs its extension: {names}"
    if same_stem:  # the name is right but the folder part of the link is not
        places = ", ".join(f"'{p}'" for p in same_stem[:3])
        return f"{message}; a note of that name is at {places}"
    return message


def _subpath_problem(link: Link, target: str, note: _Note) -> str | None:
    if link.block is not None:
        if link.block.casefold() not in note.block_ids:
            return f"{link.written}: '{target}' has no block '^{link.block}'"
        return None
    # '#A#B' means heading B below heading A: each must follow the one before.
    position = -1
    for heading in link.headings:
        key = heading_key(heading)
        position = next((i for i in range(position + 1, len(note.heading_keys))
                         if note.heading_keys[i] == key), -2)
        if position == -2:
            close = difflib.get_close_matches(heading, note.headings, n=1)
            hint = f" (closest: '{close[0]}')" if close else ""
            return f"{link.written}: '{target}' has no heading '{heading}'{hint}"
    return None


def _is_home(path: str, note: _Note) -> bool:
    kind = (note.properties or {}).get("type")
    return path.lower() == "home.md" or (isinstance(kind, str) and kind.lower() == "home")


def _unreached(read: Mapping[str, _Note], paths: Iterable[str], reached: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    for path in paths:
        if path in reached:
            continue
        if path in read:
            if not _is_home(path, read[path]):
                problems.append(Problem(path, 1, "orphan note: no other note links to or "
                                                 "embeds it"))
        elif posixpath.splitext(path)[1].lower() in IMAGE_EXTENSIONS:
            problems.append(Problem(path, 1, "unused attachment: no note links to or embeds it"))
    return problems


# --- the IO shell ----------------------------------------------------------------------------

def read_vault(root: Path) -> tuple[dict[str, str], list[str], list[Problem], list[str]]:
    """Notes ({path: text}), attachment paths, files that could not be read, and the paths
    of files seen behind links that lead out of the vault (named, never read).

    A symbolic link is seen the way Obsidian shows it, so links to the notes behind it
    resolve (no false "broken link"). One that stays inside the vault is read like any
    folder. One that leads out is reported once; the names behind it are listed, since
    links may reach them, but nothing there is opened, and a build never writes there.
    """
    root = Path(root)
    real_root = os.path.realpath(root)
    notes: dict[str, str] = {}
    attachments: list[str] = []
    problems: list[Problem] = []
    outside: list[str] = []
    visited: set[str] = set()

    def walk(folder: str, prefix: str) -> None:
        real = os.path.realpath(folder)
        if real in visited:  # a link loop, or a second name for a folder already read
            return
        visited.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            rel = prefix + entry.name
            # Hidden folders (.obsidian, .trash, .git, ...) are not part of the vault.
            if entry.name.startswith(".") or entry.name in IGNORED_FOLDERS:
                continue
            if entry.is_symlink():
                target = os.path.realpath(entry.path)
                if os.path.commonpath([target, real_root]) != real_root:
                    problems.append(Problem(rel, 1, f"a symbolic link out of the vault (to "
                                    f"{os.readlink(entry.path)}): not checked; a build never "
                                    "writes through it"))
                    outside.extend(_names_behind(entry.path, rel))
                    continue
            if entry.is_dir():
                walk(entry.path, rel + "/")
            elif entry.is_file():
                _read_file(Path(entry.path), rel, notes, attachments, problems)

    walk(str(root), "")
    return notes, attachments, problems, outside


def _read_file(full: Path, rel: str, notes: dict[str, str], attachments: list[str],
               problems: list[Problem]) -> None:
    if not rel.lower().endswith(".md"):
        attachments.append(rel)
        return
    try:
        text = full.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(Problem(rel, 1, f"not valid UTF-8 (byte {exc.start}); "
                                        "save the note as UTF-8"))
        attachments.append(rel)  # still a file that links can reach
        return
    notes[rel] = text.replace("\r\n", "\n").replace("\r", "\n")


_MAX_NAMES_BEHIND_A_LINK = 10_000


def _names_behind(path: str, prefix: str) -> list[str]:
    """File names under a link that leads out of the vault (links there not followed)."""
    if not os.path.isdir(path):
        return [prefix]
    names: list[str] = []
    for folder, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        sub = os.path.relpath(folder, path)
        for name in sorted(files):
            if not name.startswith("."):
                names.append(prefix + "/" + (name if sub == "." else f"{sub}/{name}".replace(os.sep, "/")))
        if len(names) > _MAX_NAMES_BEHIND_A_LINK:
            break
    return names[:_MAX_NAMES_BEHIND_A_LINK]


def check_vault(root: Path, memo: MutableMapping[str, _Note] | None = None) -> list[Problem]:
    """Every problem in the vault folder ``root``, sorted by (path, line)."""
    root = Path(root)
    if not root.is_dir():
        raise NotegenError([SourceError(str(root), 0, "not a folder; give the vault folder "
                                                      "to check")], headline="nothing checked")
    notes, attachments, unreadable, outside = read_vault(root)
    return sorted(unreadable + check_notes(notes, attachments, memo, outside))


def format_problems(problems: Iterable[Problem]) -> str:
    """One ``path:line: message`` line per problem."""
    return "\n".join(str(p) for p in problems)


def problems_as_json(problems: Iterable[Problem]) -> list[dict[str, str | int]]:
    """The problems as a JSON-able list of {path, line, message}."""
    return [p.as_dict() for p in problems]
