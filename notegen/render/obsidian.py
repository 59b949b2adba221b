"""Small Obsidian markdown helpers: wikilinks, table cells, tags."""

from __future__ import annotations

import re
import unicodedata

# A link target may carry "#Heading" or "#^block"; these break the [[...|...]] syntax.
_TARGET_FORBIDDEN = ("[", "]", "|", "\n", "\r")
_DISPLAY_FORBIDDEN = ("[[", "]]", "|", "\n", "\r")
# A pipe preceded by an even number of backslashes (zero included) is a bare pipe.
_BARE_PIPE = re.compile(r"(?<!\\)((?:\\\\)*)\|")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_NOT_TAG_CHAR = re.compile(r"[^a-z0-9]+")


def wikilink(
    target_file: str,
    display: str | None = None,
    *,
    embed: bool = False,
    in_table: bool = False,
) -> str:
    """``[[target]]``, ``[[target|display]]`` or ``![[target]]``.

    The alias is left out when it equals the target exactly. Inside a markdown table the
    alias pipe must be written ``\\|``, or the table would split the cell there.
    Raises ``ValueError`` for a target or display that would end the link early.
    """
    if not target_file or any(ch in target_file for ch in _TARGET_FORBIDDEN):
        raise ValueError(f"not a valid wikilink target: {target_file!r}")
    if display is not None and any(bad in display for bad in _DISPLAY_FORBIDDEN):
        raise ValueError(f"not a valid wikilink display text: {display!r}")
    bang = "!" if embed else ""
    if display is None or display == target_file:
        return f"{bang}[[{target_file}]]"
    pipe = "\\|" if in_table else "|"
    return f"{bang}[[{target_file}{pipe}{display}]]"


def escape_table_cell(text: str) -> str:
    """``text`` made safe for one cell of a markdown table.

    Every bare ``|`` is escaped (this also turns a wikilink's alias pipe ``[[a|b]]``
    into the ``[[a\\|b]]`` form Obsidian reads inside tables); a pipe already written
    ``\\|`` is left alone. Line breaks become ``<br>``, since a table row is one line.
    """
    escaped = _BARE_PIPE.sub(lambda m: m.group(1) + "\\|", text)
    return _NEWLINE.sub("<br>", escaped)


def slug_tag(text: str) -> str:
    """A tag segment for ``text``: lowercase ``a-z``, ``0-9`` and single ``-``.

    Accents are dropped (``Réseau`` -> ``reseau``) and every other run of characters
    becomes one ``-`` (``1×1 Conv`` -> ``1-1-conv``). Obsidian rejects an all-digit tag
    (``#2024``), so text without a letter raises ``ValueError``.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    slug = _NOT_TAG_CHAR.sub("-", bare).strip("-")
    if not slug or slug.replace("-", "").isdigit():
        raise ValueError(f"no valid tag can be made from {text!r}: it needs a letter")
    return slug
