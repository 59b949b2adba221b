"""Note-level review schedule: the ``sr-due`` / ``sr-interval`` / ``sr-ease`` properties.

The Spaced Repetition plugin (``src/data-store-algorithm/data-store-in-note-algorithm-osr.ts``)
appends these three lines at the end of a note's YAML front matter, updates them in place
later, and, for a note without front matter, prepends ``---`` / the lines / ``---`` and a
blank line. Stripping undoes exactly that; placing redoes it on the regenerated note.
"""

from __future__ import annotations

import re

_PROPERTY = re.compile(r"^sr-(due|interval|ease):")
_DELIMITER = "---"


def _front_matter_lines(lines: list[str]) -> int | None:
    """Index of the closing ``---`` line, or None when the note has no front matter."""
    if not lines or lines[0] != _DELIMITER:
        return None
    for i in range(1, len(lines)):
        if lines[i] == _DELIMITER:
            return i
    return None


def front_matter_end(text: str) -> int:
    """Offset just past the front matter's closing line (0 without front matter)."""
    lines = text.split("\n")
    close = _front_matter_lines(lines)
    if close is None:
        return 0
    return min(len(text), sum(len(line) + 1 for line in lines[:close + 1]))


def strip_review_properties(text: str) -> tuple[str, tuple[str, ...]]:
    """``text`` without its ``sr-*`` front-matter lines, and those lines in order."""
    lines = text.split("\n")
    close = _front_matter_lines(lines)
    if close is None:
        return text, ()
    props = tuple(line for line in lines[1:close] if _PROPERTY.match(line))
    if not props:
        return text, ()
    rest = [line for line in lines[1:close] if not _PROPERTY.match(line)]
    after = lines[close + 1:]
    if not rest:  # the plugin created this front matter, and a blank line after it
        if after[:1] == [""] and len(after) > 1:
            after = after[1:]
        return "\n".join(after), props
    return "\n".join([_DELIMITER, *rest, _DELIMITER, *after]), props


def place_review_properties(text: str, props: tuple[str, ...]) -> str:
    """``text`` with ``props`` appended to its front matter (created if missing)."""
    if not props:
        return text
    lines = text.split("\n")
    close = _front_matter_lines(lines)
    if close is None:
        return "\n".join([_DELIMITER, *props, _DELIMITER, "", *lines])
    return "\n".join([*lines[:close], *props, *lines[close:]])
