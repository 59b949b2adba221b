"""Read a whole content folder: topics, worked examples, network specs and exam patterns.

Every file is read and checked before anything else happens; the problems of all files are
reported together (Pelican-style), then the build stops once.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, MutableMapping

from notegen.errors import ErrorCollector, NotegenError, SourceError
from notegen.model import Content
from notegen.sources.examples import parse_example
from notegen.sources.patterns import parse_patterns
from notegen.sources.source_file import SourceFileError, decode_source, read_source
from notegen.sources.specs import network_from_data
from notegen.sources.topics import parse_topic
from notegen.sources.titles import check_titles
from notegen.sources.yaml_loc import LocDict, load_yaml


def display_path(path: Path, cwd: Path | None = None) -> str:
    """The path as the user would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(cwd or Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _shown_paths(root: Path, paths: list[Path]) -> dict[Path, str]:
    """display_path for many files under ``root``, resolving the folder once, not each file."""
    shown_root = Path(display_path(root))
    return {p: (shown_root / p.relative_to(root)).as_posix() if shown_root != Path(".")
            else p.relative_to(root).as_posix() for p in paths}


def _read(path: Path, shown: str, errors: ErrorCollector) -> bytes | None:
    try:
        return read_source(path, shown)
    except SourceFileError as exc:
        errors.extend([exc.error])
    return None


def _parse(kind: str, text: str, shown: str, errors: ErrorCollector) -> Any:
    if kind == "topics":
        return parse_topic(text, shown, errors)
    if kind == "examples":
        return parse_example(text, shown, errors)
    if kind == "networks":
        data = load_yaml(text, shown)
        if isinstance(data, LocDict):
            check_titles(data, shown, errors)
        return network_from_data(data, shown, errors=errors)
    return parse_patterns(text, shown, errors)


# The lines that delimit a note's My notes section (notegen/vault/user_sections.py): a source
# line like them would end up in a note and make the writer misread whose text is whose.
RESERVED_MARKER = "%% notegen:user"


def reserved_markers(text: str, shown: str) -> list[SourceError]:
    """An error for every line of a source that holds a My notes marker."""
    if RESERVED_MARKER not in text:
        return []
    return [SourceError(shown, n, f"'{line.strip()}' is the marker notegen puts around a "
                                  "note's My notes section; a source cannot contain it",
                        "remove the line (write your own notes in the note's My notes section)")
            for n, line in enumerate(text.split("\n"), 1) if RESERVED_MARKER in line]


def source_files(root: Path) -> dict[str, list[Path]]:
    """The source files of a content folder, sorted, by kind."""
    return {
        "topics": sorted((root / "topics").glob("*.md")),
        "examples": sorted((root / "examples").glob("*.yaml")) + sorted((root / "examples").glob("*.yml")),
        "networks": sorted((root / "networks").glob("*.yaml")) + sorted((root / "networks").glob("*.yml")),
        "patterns": [p for p in (root / "patterns.yaml",) if p.exists()],
    }


def load_content(root: Path, memo: MutableMapping[str, tuple[str, Any]] | None = None) -> Content:
    """Parse every source under ``root``; raise NotegenError listing every problem found.

    ``memo`` maps a shown path to (sha256 of its bytes, parsed result); a file whose bytes
    are unchanged is not parsed again, and the memo is updated with what was parsed.
    """
    if not root.is_dir():
        raise NotegenError([f"{display_path(root)}: no such content folder "
                            "(it should hold topics/, examples/ and networks/)"])
    memo = {} if memo is None else memo
    errors = ErrorCollector()
    parsed: dict[str, list[Any]] = {"topics": [], "examples": [], "networks": [], "patterns": []}
    seen = set()
    files = source_files(root)
    shown_of = _shown_paths(root, [p for paths in files.values() for p in paths])
    for kind, paths in files.items():
        for path in paths:
            shown = shown_of[path]
            data = _read(path, shown, errors)
            if data is None:
                continue
            seen.add(shown)
            digest = hashlib.sha256(data).hexdigest()
            if shown in memo and memo[shown][0] == digest:
                item = memo[shown][1]
            else:
                try:
                    text = decode_source(data, shown)
                    markers = reserved_markers(text, shown)
                    if markers:
                        errors.extend(markers)
                        continue
                    item = _parse(kind, text, shown, errors)
                except SourceFileError as exc:
                    errors.extend([exc.error])
                    continue
                except NotegenError as exc:  # a YAML syntax error: record it, go on with the others
                    errors.extend(e for e in exc.errors if not isinstance(e, str))
                    continue
                memo[shown] = (digest, item)
            if kind == "patterns":
                parsed[kind].extend(item)
            elif item is not None:
                parsed[kind].append(item)
    for gone in set(memo) - seen:
        del memo[gone]
    errors.raise_if_any()
    return Content(tuple(parsed["topics"]), tuple(parsed["examples"]), tuple(parsed["networks"]),
                   tuple(parsed["patterns"]))


def source_digests(memo: MutableMapping[str, tuple[str, Any]]) -> dict[str, str]:
    """{shown path: sha256} of the sources last loaded with ``memo``."""
    return {path: digest for path, (digest, _) in memo.items()}
