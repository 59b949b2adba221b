"""What a note title may hold: every title is written into Obsidian links as ``[[name|title]]``.

Obsidian reads ``|`` (display text), ``[`` / ``]`` (the link's brackets), ``#`` (a heading)
and ``^`` (a block id) inside a link, so a title or alias holding one cannot be linked to by
its own words; the file-name rule of :mod:`notegen.plan.names` could only hide that. Such a
title is a source error.
"""

from __future__ import annotations

from notegen.errors import ErrorCollector

LINK_BREAKING = "|[]#^"
TITLE_HINT = ("Obsidian reads | [ ] # ^ inside a link: reword the title, e.g. 'Conv 3×3 - "
              "stride 2' rather than 'Conv 3×3 | stride 2', or '(1)' rather than '[1]'")


def title_problem(title: str, what: str = "title") -> str | None:
    """Why ``title`` cannot be a note's title or alias, or None."""
    found = "".join(dict.fromkeys(ch for ch in title if ch in LINK_BREAKING))
    if not found:
        return None
    return (f"the {what} '{title}' holds {' '.join(repr(ch) for ch in found)}, which Obsidian "
            "cannot keep in a link")


def check_titles(data: dict, path: str, errors: ErrorCollector) -> None:
    """Report the ``title`` and ``aliases`` of a loaded source mapping that break links."""
    title = data.get("title")
    if isinstance(title, str) and (problem := title_problem(title.strip())):
        errors.add(path, data.line_of("title"), problem, TITLE_HINT)
    aliases = data.get("aliases")
    for alias in aliases if isinstance(aliases, list) else ():
        if isinstance(alias, str) and (problem := title_problem(alias.strip(), "alias")):
            errors.add(path, data.line_of("aliases"), problem, TITLE_HINT)
