"""Obsidian's syntax for links, headings, block ids and tags, read from a scanned note.

Every finder works on :class:`~notegen.vault.markdown_scan.ScannedNote` text in which code,
math and comments are already blanked, so nothing here needs to know about them.

Sources for the rules: Obsidian Help, "Internal links", "Embed files", "Tags" and "Link to
blocks" (help.obsidian.md); where the help is silent, what Obsidian does is noted inline.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import unquote

from notegen.vault.markdown_scan import ScannedNote, blank


@dataclass(frozen=True)
class Link:
    """One internal link or embed.

    ``path`` is the link path as written (``""`` for a link into the same note),
    ``headings`` the ``#Heading#Subheading`` chain, ``block`` the id after ``#^``.
    """

    line: int
    written: str
    path: str
    headings: tuple[str, ...] = ()
    block: str | None = None
    embed: bool = False


# --- links ---------------------------------------------------------------------------------

# Obsidian ends a wikilink at the first ']]' and does not let one span lines.
_WIKILINK = re.compile(r"(!?)\[\[([^\[\]\n]*)\]\]")
_MD_LINK_START = re.compile(r"(!?)\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_TITLE = re.compile(r"""[ \t]*(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\))?[ \t]*\)""")


def _split_subpath(path: str, subpath: str | None) -> tuple[str, tuple[str, ...], str | None]:
    if subpath is None:
        return path, (), None
    if subpath.startswith("^"):
        return path, (), subpath[1:].strip()
    return path, tuple(part.strip() for part in subpath.split("#") if part.strip()), None


def _wikilink(match: re.Match[str], raw: str, line: int) -> Link | None:
    """The link ``match`` found in the blanked prose; ``raw`` is the note text it spans."""
    inner = raw[match.start(2):match.end(2)]
    # The target ends at the first '|'; in a table the pipe is written '\|'.
    target = inner.split("|", 1)[0]
    target = target[:-1] if target.endswith("\\") else target
    path, hash_, subpath = target.partition("#")
    path, headings, block = _split_subpath(path.strip(), subpath if hash_ else None)
    if not path and not headings and block is None:
        return None  # '[[]]' and '[[#]]' render as plain text
    return Link(line, raw[match.start():match.end()], path, headings, block,
                embed=bool(match.group(1)))


def links_in_text(text: str, line: int) -> list[Link]:
    """The wikilinks in a front-matter value that starts on ``line``."""
    return [link for match in _WIKILINK.finditer(text)
            if (link := _wikilink(match, text, line + text.count("\n", 0, match.start())))]


def _md_destination(text: str, start: int) -> tuple[str, int] | None:
    """The destination of a markdown link whose '(' ends at ``start``, and the offset just
    past its ')'; None when this is not a link (CommonMark 6.3 link destination)."""
    pos = start
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    if pos < len(text) and text[pos] == "<":
        close = text.find(">", pos)
        if close < 0 or "\n" in text[pos:close]:
            return None
        dest, pos = text[pos + 1:close], close + 1
    else:
        depth, begin = 0, pos
        while pos < len(text) and not text[pos].isspace():
            if text[pos] == "(":
                depth += 1
            elif text[pos] == ")":
                if depth == 0:
                    break
                depth -= 1
            pos += 1
        dest = text[begin:pos]
    tail = _TITLE.match(text, pos)
    return (dest, tail.end()) if tail else None


def _markdown_link(text: str, raw: str, match: re.Match[str], line: int) -> tuple[Link | None, int]:
    found = _md_destination(text, match.end())
    if found is None:
        return None, match.end()
    dest, end = found
    if not dest or dest.startswith("//") or _SCHEME.match(dest):
        return None, end  # external: http:, mailto:, obsidian:, file:, ...
    raw_path, hash_, raw_sub = dest.partition("#")
    path, headings, block = _split_subpath(unquote(raw_path).strip(),
                                           unquote(raw_sub) if hash_ else None)
    if not path and not headings and block is None:
        return None, end
    return Link(line, raw[match.start():end], path, headings, block,
                embed=bool(match.group(1))), end


def find_links(note: ScannedNote) -> tuple[list[Link], str]:
    """Every internal link in the note's prose, and the prose with the links blanked.

    Wikilinks are found in the prose, so a link inside code or math is no link, but read
    from the note's text, so that math or code inside a link (``[[Note#Cost $O(n)$]]``,
    pointing at the heading ``## Cost $O(n)$``) is kept.
    """
    text = note.prose
    links: list[Link] = []
    spans: list[tuple[int, int]] = []
    for match in _WIKILINK.finditer(text):
        link = _wikilink(match, note.structure, note.line_of(match.start()))
        if link:
            links.append(link)
        spans.append(match.span())
    text = _blank_spans(text, spans)
    spans = []
    pos = 0
    while (match := _MD_LINK_START.search(text, pos)) is not None:
        link, end = _markdown_link(text, note.structure, match, note.line_of(match.start()))
        if link:
            links.append(link)
        if end > match.end():
            spans.append((match.start(), end))
        pos = end
    return links, _blank_spans(text, spans)


def _blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return text
    parts, pos = [], 0
    for start, end in spans:
        parts += [text[pos:start], blank(text[start:end])]
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


# --- headings and block ids ------------------------------------------------------------------

_ATX = re.compile(r"^(?:[ \t]*>)*[ \t]{0,3}#{1,6}(?:[ \t]+(.*?))?[ \t]*$")
_ATX_CLOSE = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")
_SETEXT = re.compile(r"^[ \t]{0,3}(?:=+|-+)[ \t]*$")
_NOT_PARAGRAPH = re.compile(r"^[ \t]*(?:>|[-*+][ \t]|\d{1,9}[.)][ \t]|#{1,6}(?:[ \t]|$)|\|)")
_BLOCK_ID = re.compile(r"\^([A-Za-z0-9-]+)[ \t]*$", re.M)
# Characters Obsidian will not carry in a link's '#subpath'; its link suggester leaves
# them out (a heading "Step 1: pad" is linked as [[Note#Step 1 pad]]).
_HEADING_NOISE = re.compile(r"[#|^:%\[\]\\]+")


def heading_key(heading: str) -> str:
    """The form in which a heading and a link's '#Heading' are compared.

    Obsidian matches heading links loosely; the rule used here: the characters a link
    subpath cannot hold (``# | ^ : % [ ] \\``) become spaces, runs of whitespace become one
    space, the ends are trimmed, and case is ignored (``casefold``).
    """
    return " ".join(_HEADING_NOISE.sub(" ", heading).split()).casefold()


def find_headings(note: ScannedNote) -> list[str]:
    """The text of every ATX (``## Title``) and setext (``Title`` over ``===``) heading."""
    lines = note.structure.split("\n")
    headings: list[str] = []
    for index, line in enumerate(lines):
        if not note.prose_lines[index]:
            continue
        atx = _ATX.match(line)
        if atx:
            text = _ATX_CLOSE.sub("", atx.group(1) or "").strip()
            if text:
                headings.append(text)
        elif _SETEXT.match(line) and index > 0:
            paragraph = _paragraph_above(lines, note.prose_lines, index)
            if paragraph:
                headings.append(paragraph)
    return headings


def _paragraph_above(lines: list[str], prose: tuple[bool, ...], index: int) -> str:
    """The paragraph a setext underline at ``index`` turns into a heading ('' if none)."""
    start = index
    while start > 0 and prose[start - 1] and lines[start - 1].strip() \
            and not _ATX.match(lines[start - 1]):
        start -= 1
    if start == index or _NOT_PARAGRAPH.match(lines[start]):
        return ""
    return " ".join(line.strip() for line in lines[start:index])


def find_block_ids(note: ScannedNote) -> set[str]:
    """Ids of the ``^block-id`` markers at line ends (letters, digits and '-' only)."""
    text = note.prose
    return {m.group(1).casefold() for m in _BLOCK_ID.finditer(text)
            if (m.start() == 0 or text[m.start() - 1] in " \t\n")
            and note.prose_lines[note.line_of(m.start()) - 1]}


# --- tags --------------------------------------------------------------------------------------

# Obsidian Help, "Tags": letters, digits, '_', '-' and '/' (nested tags); at least one
# non-digit; no spaces. Obsidian's parser ends a tag at the first ASCII punctuation mark
# other than those three, or at general punctuation (U+2000-206F, U+2E00-2E7F); anything
# else (letters of any script, emoji) belongs to the tag.
_TAG_BODY = re.compile(r"[^\s!\"#$%&'()*+,.:;<=>?@\[\\\]^`{|}~\u2000-\u206f\u2e00-\u2e7f]*")
# Marks that end a sentence or a bracket: a tag followed by one of these is fine.
_TAG_TERMINATORS = set(".,;:!?)]}'\"") | set("\u2019\u201d\u2026\u2013\u2014\u00bb")
_TAG_CANDIDATE = re.compile(r"(?<!\S)#(?=[^\s#])(\S*)")


@functools.lru_cache(maxsize=4096)
def tag_problem(tag: str) -> str | None:
    """Why ``tag`` (without its '#') is not a valid Obsidian tag, or None if it is."""
    if not tag:
        return "a tag cannot be empty"
    length = _TAG_BODY.match(tag).end()
    if length < len(tag):
        if tag[length].isspace():
            return "a tag cannot contain spaces (use '-' or '_', or camelCase)"
        return f"'{tag[length]}' cannot be part of a tag (letters, digits, '_', '-' and '/' only)"
    if tag.isdigit():
        return "a tag needs at least one non-digit character"
    if tag.startswith("/") or tag.endswith("/") or "//" in tag:
        return "a nested tag cannot have an empty level (no leading, trailing or double '/')"
    return None


@dataclass(frozen=True)
class InlineTag:
    """A ``#tag`` in prose; ``problem`` says why Obsidian would not read it as written."""

    line: int
    written: str  # '#' and the text up to the next space
    tag: str  # what Obsidian reads as the tag
    problem: str | None


def find_inline_tags(note: ScannedNote, text: str) -> list[InlineTag]:
    """Every ``#tag`` in prose ``text`` (the note's prose with links blanked).

    A tag starts at a '#' that begins a line or follows whitespace, so heading markers
    (``## Title``), ``[[Note#Heading]]``, ``[x](#heading)`` and URL fragments are not tags.
    A '#' followed by punctuation (``#!``) is plain text to Obsidian and ignored here.
    """
    found: list[InlineTag] = []
    for match in _TAG_CANDIDATE.finditer(text):
        run = match.group(1)
        length = _TAG_BODY.match(run).end()
        tag, rest = run[:length], run[length:]
        if not tag:
            continue
        problem = tag_problem(tag)
        if problem is None and rest and rest[0] not in _TAG_TERMINATORS:
            problem = f"'{rest[0]}' cannot be part of a tag, so Obsidian reads this as '#{tag}'"
        found.append(InlineTag(note.line_of(match.start()), "#" + run, tag, problem))
    return found
