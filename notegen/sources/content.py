"""Read a whole content folder: topics, worked examples, network specs and exam patterns.

Every file is read and checked before anything else happens; the problems of all files are
reported together (Pelican-style), then the build stops once.
"""

from __future__ import annotations

from pathlib import Path

from notegen.errors import ErrorCollector, NotegenError
from notegen.model import Content, Example, Network, Topic
from notegen.sources.examples import parse_example
from notegen.sources.patterns import parse_patterns
from notegen.sources.specs import network_from_data
from notegen.sources.topics import parse_topic
from notegen.sources.yaml_loc import load_yaml


def display_path(path: Path) -> str:
    """The path as the user would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _read(path: Path, errors: ErrorCollector) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        errors.add(display_path(path), 0, "the file is not UTF-8 text", "save it as UTF-8")
    except OSError as exc:
        errors.add(display_path(path), 0, f"cannot read the file: {exc.strerror}")
    return None


def source_files(root: Path) -> dict[str, list[Path]]:
    """The source files of a content folder, sorted, by kind."""
    return {
        "topics": sorted((root / "topics").glob("*.md")),
        "examples": sorted((root / "examples").glob("*.yaml")) + sorted((root / "examples").glob("*.yml")),
        "networks": sorted((root / "networks").glob("*.yaml")) + sorted((root / "networks").glob("*.yml")),
        "patterns": [p for p in (root / "patterns.yaml",) if p.exists()],
    }


def load_content(root: Path) -> Content:
    """Parse every source under ``root``; raise NotegenError listing every problem found."""
    if not root.is_dir():
        raise NotegenError([f"{display_path(root)}: no such content folder "
                            "(it should hold topics/, examples/ and networks/)"])
    errors = ErrorCollector()
    files = source_files(root)
    topics: list[Topic] = []
    examples: list[Example] = []
    networks: list[Network] = []
    patterns = []
    for kind, paths in files.items():
        for path in paths:
            text = _read(path, errors)
            if text is None:
                continue
            shown = display_path(path)
            try:
                if kind == "topics":
                    item = parse_topic(text, shown, errors)
                    topics += [item] if item else []
                elif kind == "examples":
                    item = parse_example(text, shown, errors)
                    examples += [item] if item else []
                elif kind == "networks":
                    net = network_from_data(load_yaml(text, shown), shown, errors=errors)
                    networks += [net] if net else []
                else:
                    patterns += parse_patterns(text, shown, errors)
            except NotegenError as exc:  # a YAML syntax error: record it, go on with the others
                errors.extend(e for e in exc.errors if not isinstance(e, str))
    errors.raise_if_any()
    return Content(tuple(topics), tuple(examples), tuple(networks), tuple(patterns))
