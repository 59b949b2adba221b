"""Note file names: legal on every desktop file system and safe inside Obsidian links.

A name is the file's stem (no ``.md``). Obsidian resolves ``[[Name]]`` case-insensitively,
and macOS/Windows file systems are case-insensitive too, so two notes whose names differ
only in case (or only in Unicode normalisation form) would overwrite each other.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Sequence

MAX_CHARS = 120
# ext4/APFS/NTFS limit a name to 255 bytes (or UTF-16 units); staying well under leaves room
# for the " (n)" suffix, ".md" and the ".tmp" of an atomic write.
MAX_BYTES = 200
UNTITLED = "Untitled"

# Arrows first, so "A -> B" reads "A → B" rather than "A - › B".
_ARROWS = (("<->", "↔"), ("->", "→"), ("<-", "←"), ("=>", "⇒"))
# Windows forbids <>:"/\|?* ; Obsidian reads # (heading), ^ (block), [ ] and | inside links.
_SUBSTITUTES = {
    ":": " - ",
    "/": "-",
    "\\": "-",
    "|": "-",
    "?": "",
    "*": "×",  # in this course "3*3" is a kernel size
    '"': "'",
    "<": "‹",
    ">": "›",
    "#": "",
    "^": "",
    "[": "(",
    "]": ")",
}
_TRANSLATE = str.maketrans(_SUBSTITUTES)
_SPACES = re.compile(r"\s+")
_JOINERS = frozenset("\u200c\u200d")
# Device names Windows reserves whatever the extension ("CON.md", "com1.txt"),
# including the superscript-digit forms it also treats as COM/LPT ports.
_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"]
    + [f"{port}{n}" for port in ("COM", "LPT") for n in "123456789¹²³"]
)


def safe_filename(title: str) -> str:
    """The file name (without ``.md``) for a note called ``title``.

    Readable substitutes replace characters a file system or an Obsidian link cannot hold
    (``a: b`` -> ``a - b``, ``conv/pool`` -> ``conv-pool``, ``3*3`` -> ``3×3``,
    ``Why?`` -> ``Why``); other Unicode (``×``, ``→``) is kept. The result is NFC,
    has single spaces, no leading dot (hidden files), no trailing dot or space (Windows),
    is not a Windows device name and is capped at :data:`MAX_CHARS` characters /
    :data:`MAX_BYTES` UTF-8 bytes. An empty result becomes ``Untitled``.
    """
    name = unicodedata.normalize("NFC", title)
    for arrow, symbol in _ARROWS:
        name = name.replace(arrow, symbol)
    name = name.translate(_TRANSLATE)
    name = "".join(" " if ch.isspace() else ch for ch in name if ch.isspace() or _printable(ch))
    # Again: dropping a character can leave a letter and a combining mark side by side.
    name = unicodedata.normalize("NFC", name)
    name = _SPACES.sub(" ", name).strip(" ").lstrip(".").strip(" ")
    name = _trim(_cap(name))
    if not name:
        return UNTITLED
    return _trim(_cap(_unreserve(name)))


def _printable(ch: str) -> bool:
    """Control characters and lone surrogates (not encodable) go, and so do invisible
    format characters (bidi overrides can make a name display as another); the joiners
    emoji sequences need stay."""
    category = unicodedata.category(ch)
    return category not in ("Cc", "Cs") and (category != "Cf" or ch in _JOINERS)


def _trim(name: str) -> str:
    """Windows drops trailing dots and spaces, so two names could silently merge."""
    return name.rstrip(". ")


def _cap(name: str) -> str:
    """Cut to the length limits on a character boundary, never splitting a base letter
    from its combining marks or a zero-width-joiner sequence."""
    end = min(len(name), MAX_CHARS)
    while len(name[:end].encode("utf-8")) > MAX_BYTES:
        end -= 1
    while 0 < end < len(name) and _joins_previous(name[end - 1], name[end]):
        end -= 1
    return name[:end]


def _joins_previous(before: str, ch: str) -> bool:
    """Whether ``ch`` belongs to the same visible character as ``before``: a combining
    mark or variation selector (category M), or either side of a zero-width joiner."""
    return unicodedata.category(ch).startswith("M") or "\u200d" in (before, ch)


def _unreserve(name: str) -> str:
    stem, dot, rest = name.partition(".")
    if stem.rstrip(" ").upper() in _RESERVED:
        return f"{stem.rstrip(' ')}_{dot}{rest}"
    return name


def name_key(name: str) -> str:
    """The identity of a name for Obsidian and case-insensitive file systems."""
    return unicodedata.normalize("NFC", name).casefold()


def assign_names(titles: Sequence[str]) -> dict[str, str]:
    """A unique file name for each title, keyed by title.

    Names are unique case-insensitively and after NFC normalisation. A title whose safe
    name is taken keeps its own name if it is the first to want it; later ones get
    `` (2)``, `` (3)``, ... in the given order, skipping any name another title has as
    its own. Raises ``ValueError`` naming the titles that are identical
    case-insensitively, since no file name could tell them apart.
    """
    duplicates = _duplicate_titles(titles)
    if duplicates:
        listed = "; ".join(" = ".join(repr(t) for t in group) for group in duplicates)
        raise ValueError(f"note titles differ only in case or Unicode form: {listed}")

    bases = {title: safe_filename(title) for title in titles}
    names: dict[str, str] = {}
    taken: set[str] = set()
    clashing: list[str] = []
    for title in titles:
        key = name_key(bases[title])
        if key in taken:
            clashing.append(title)
        else:
            taken.add(key)
            names[title] = bases[title]
    for title in clashing:
        n = 2
        while name_key(candidate := f"{bases[title]} ({n})") in taken:
            n += 1
        taken.add(name_key(candidate))
        names[title] = candidate
    return {title: names[title] for title in titles}  # in the given order


def _duplicate_titles(titles: Sequence[str]) -> list[list[str]]:
    groups: dict[str, list[str]] = {}
    for title in titles:
        groups.setdefault(name_key(title), []).append(title)
    return [group for group in groups.values() if len(group) > 1]


def slugify(title: str) -> str:
    """A lowercase ASCII slug for attachment and source file names: ``Conv on 64×64`` ->
    ``conv-on-64x64``. Not unique by itself: callers derive it from unique titles."""
    text = unicodedata.normalize("NFKD", title.casefold().replace("×", "x"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80] or "note"
