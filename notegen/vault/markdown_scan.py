"""Which parts of an Obsidian note are prose, and which are front matter, code, math or comments.

``scan_note`` splits off the front matter, then blanks out everything whose text is not
prose -- fenced and indented code, code spans, ``$...$`` / ``$$...$$`` math, ``%%...%%``
and ``<!-- -->`` comments -- replacing each character with a space but keeping every
newline, so offsets and line numbers in the blanked text are those of the note itself.
Link, tag and heading finders then run over the blanked text and never see a ``[[link]]``
inside code or math.

The rules follow what Obsidian renders, which differs from CommonMark in places:

* front matter counts only when the note's first line is ``---``; it ends at the next
  ``---`` line;
* ``$$`` opens display math anywhere outside code (also mid-line) and may span lines,
  blank lines included; it closes at the next ``$$``;
* ``$`` opens inline math only when the next character is not a space, and closes at the
  next ``$`` in the same paragraph that does not follow a space (pandoc's
  ``tex_math_dollars`` rule; Obsidian too leaves ``$ x$`` and ``$x $`` as plain text).
  ``\\$`` is a literal dollar.
  An unmatched ``$`` before a digit is currency (``$5``) and not an error;
* a code span closes at the next backtick run of the same length in the same paragraph;
  an unmatched run is literal backticks (CommonMark);
* a fence (three or more backticks or tildes, inside a list or quote too) runs to a closing
  fence of the same character at least as long, or to the end of the note.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

LineProblem = tuple[int, str]  # (1-based line, message)


@dataclass(frozen=True)
class Math:
    """One formula: ``tex`` between the delimiters, the line of the opening delimiter."""

    line: int
    tex: str
    display: bool


@dataclass(frozen=True)
class FrontMatter:
    """The YAML between the ``---`` fences; ``first_line`` is the line its text starts on."""

    text: str
    first_line: int


@dataclass(frozen=True)
class ScannedNote:
    """A note split into kinds of text; see the module docstring.

    ``structure`` has front matter and code blocks blanked (headings are read from it, so a
    heading's own math and code stay in its text); ``prose`` additionally has code spans,
    math and comments blanked. ``prose_lines`` marks, per line (index 0 = line 1), whether
    the line is outside front matter, code blocks and display-math blocks.
    """

    text: str
    structure: str
    prose: str
    prose_lines: tuple[bool, ...]
    front_matter: FrontMatter | None
    math: tuple[Math, ...]
    problems: tuple[LineProblem, ...]  # every delimiter left open, math included
    math_problems: tuple[LineProblem, ...]  # only the '$' / '$$' left open
    newlines: tuple[int, ...]

    def line_of(self, offset: int) -> int:
        """The 1-based line holding ``offset``."""
        return bisect.bisect_right(self.newlines, offset - 1) + 1


def blank(segment: str) -> str:
    """``segment`` with every character but newlines turned into a space."""
    if "\n" not in segment:
        return " " * len(segment)
    return _NOT_NEWLINE.sub(" ", segment)


_NOT_NEWLINE = re.compile(r"[^\n]")


def scan_note(text: str) -> ScannedNote:
    """Classify every part of ``text`` (a whole note, front matter included)."""
    newlines = tuple(m.start() for m in re.finditer("\n", text))
    lines = text.split("\n")
    problems: list[LineProblem] = []
    math_problems: list[LineProblem] = []

    front, body_start = _split_front_matter(lines, problems)
    kinds = _line_kinds(lines, body_start, problems)
    structure = "\n".join(
        line if kind in ("prose", "math") else blank(line) for line, kind in zip(lines, kinds))
    prose, math = _mask_inline(structure, problems, math_problems, newlines)
    return ScannedNote(
        text=text, structure=structure, prose=prose,
        prose_lines=tuple(kind == "prose" for kind in kinds),
        front_matter=front, math=tuple(math),
        problems=tuple(sorted(problems + math_problems)),
        math_problems=tuple(sorted(math_problems)), newlines=newlines)


# --- front matter ---------------------------------------------------------------------

_FENCE_DASHES = re.compile(r"---[ \t]*$")


def _split_front_matter(lines: list[str], problems: list[LineProblem]) -> tuple[FrontMatter | None, int]:
    """The front matter and the index of the first body line."""
    if not lines or not _FENCE_DASHES.match(lines[0]):
        return None, 0
    for i in range(1, len(lines)):
        if _FENCE_DASHES.match(lines[i]):
            return FrontMatter("\n".join(lines[1:i]), 2), i + 1
    problems.append((1, "front matter opened with '---' on line 1 is never closed; "
                        "end it with a '---' line"))
    return None, 0


# --- block level: fenced code, indented code, display-math blocks ----------------------

_QUOTE_PREFIX = re.compile(r"^(?:[ \t]*>)*")
_FENCE_OPEN = re.compile(r"^[ \t]*(`{3,}|~{3,})(.*)$")
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_DISPLAY = re.compile(r"\\.|\$\$")


def _indent(line: str) -> int:
    width = 0
    for ch in line:
        if ch == " ":
            width += 1
        elif ch == "\t":
            width += 4 - width % 4
        else:
            break
    return width


def _count_display_delimiters(line: str) -> int:
    return sum(1 for m in _DISPLAY.finditer(line) if m.group() == "$$")


def _line_kinds(lines: list[str], body_start: int, problems: list[LineProblem]) -> list[str]:
    """Per line: ``front``, ``fence`` (a code fence or its content), ``code`` (indented
    code), ``math`` (inside a ``$$`` block that spans lines) or ``prose``."""
    kinds = ["front"] * body_start
    fence: tuple[str, int, int] | None = None  # (char, length, line) of the open fence
    in_math = in_list = False
    prev_blank = True
    for index in range(body_start, len(lines)):
        line = lines[index]
        inner = line[_QUOTE_PREFIX.match(line).end():]
        blank_line = not inner.strip()
        if fence:
            kinds.append("fence")
            close = inner.strip()
            if close and set(close) == {fence[0]} and len(close) >= fence[1]:
                fence = None
            prev_blank = True  # indented code may follow a fence directly
            continue
        if in_math:
            kinds.append("math")
            if _count_display_delimiters(inner) % 2:
                in_math = False
            prev_blank = False
            continue
        if _LIST_ITEM.match(inner):
            in_list = True
        elif not blank_line and _indent(inner) == 0:
            in_list = False
        # Indented code cannot interrupt a paragraph, and inside a list an indented line
        # is the item's continuation, not code (CommonMark 4.4 and 5.2).
        if not blank_line and _indent(inner) >= 4 and not in_list and (
                prev_blank or (kinds and kinds[-1] == "code")):
            kinds.append("code")
            continue
        opened = _FENCE_OPEN.match(inner)
        if opened and not (opened.group(1)[0] == "`" and "`" in opened.group(2)):
            fence = (opened.group(1)[0], len(opened.group(1)), index + 1)
            kinds.append("fence")
            prev_blank = True
            continue
        kinds.append("prose")
        if inner.lstrip().startswith("$$") and _count_display_delimiters(inner) % 2:
            in_math = True
        prev_blank = blank_line
    if fence:
        problems.append((fence[2], f"code fence {fence[0] * fence[1]} opened here is never "
                                   "closed, so the rest of the note is code"))
    return kinds


# --- inline: code spans, then math and comments ------------------------------------------

_CODE_TOKEN = re.compile(r"\\[\\`]|`+")
_MATH_TOKEN = re.compile(r"\\[\\$%<]|\$\$|\$|%%|<!--")
_PARAGRAPH_END = re.compile(r"\n[ \t>]*(?=\n)")
_DISPLAY_CLOSE = re.compile(r"\\.|\$\$", re.S)
# From just after an opening '$': the shortest run up to a '$' that neither follows
# whitespace nor is escaped; '$' after whitespace and '\$' are skipped over.
_INLINE_BODY = re.compile(r"(?:\\.|[^\\$]|(?<=\s)\$)*?(?<!\s)\$", re.S)


class _ParagraphEnds:
    """Where each paragraph ends (a blank line, or the end of the text), found once."""

    def __init__(self, text: str) -> None:
        self._ends = [m.start() for m in _PARAGRAPH_END.finditer(text)] + [len(text)]

    def after(self, offset: int) -> int:
        return self._ends[bisect.bisect_left(self._ends, offset)]


_QUOTE_MARKS = re.compile(r"(?:[ \t]*>)+")
_QUOTE_CONTINUATION = re.compile(r"\n(?:[ \t]*>)+")


def _formula(source: str, start: int, body_start: int, body_end: int) -> str:
    """The TeX between the delimiters. In a quote or callout, every line of a formula
    starts with '>' markers, which belong to the quote and not to the TeX."""
    tex = source[body_start:body_end]
    line_start = source.rfind("\n", 0, start) + 1
    if "\n" in tex and _QUOTE_MARKS.match(source, line_start):
        tex = _QUOTE_CONTINUATION.sub("\n", tex)
    return tex


def _code_spans(text: str) -> list[tuple[int, int]]:
    """Code spans first: their backticks bind tighter than anything else (CommonMark 6.1),
    so a '$' or '%%' inside one never opens or closes math or a comment."""
    spans: list[tuple[int, int]] = []
    if "`" not in text:
        return spans
    paragraph = _ParagraphEnds(text)
    pos = 0
    while (token := _CODE_TOKEN.search(text, pos)) is not None:
        pos = token.end()
        if token.group()[0] == "`":
            run = token.group()
            closer = re.compile(r"(?<!`)" + run + r"(?!`)").search(text, pos, paragraph.after(pos))
            if closer:
                spans.append((token.start(), closer.end()))
                pos = closer.end()
    return spans


def _mask_inline(text: str, problems: list[LineProblem], math_problems: list[LineProblem],
                 newlines: tuple[int, ...]) -> tuple[str, list[Math]]:
    """Blank code spans, math and comments in ``text``; collect the math on the way."""
    def line_of(offset: int) -> int:
        return bisect.bisect_right(newlines, offset - 1) + 1

    source = text
    text = _apply_blanks(text, _code_spans(text))
    paragraph = _ParagraphEnds(text)
    spans: list[tuple[int, int]] = []
    math: list[Math] = []
    pos = 0
    while (token := _MATH_TOKEN.search(text, pos)) is not None:
        start, tok, pos = token.start(), token.group(), token.end()
        if tok[0] == "\\":
            continue
        if tok == "$$":
            closer = next((m for m in _DISPLAY_CLOSE.finditer(text, pos) if m.group() == "$$"), None)
            if closer:
                math.append(Math(line_of(start), _formula(source, start, pos, closer.start()),
                                 True))
                spans.append((start, closer.end()))
                pos = closer.end()
            else:
                math_problems.append((line_of(start), "display math '$$' opened here is never "
                                                      "closed with a second '$$'"))
        elif tok == "$":
            pos = _inline_math(text, source, start, paragraph.after(start + 1), spans, math,
                               math_problems, line_of)
        else:
            close_with = "%%" if tok == "%%" else "-->"
            close_at = text.find(close_with, pos)
            if close_at < 0:
                problems.append((line_of(start), f"comment '{tok}' opened here is never closed "
                                                 f"with '{close_with}', which hides the rest of "
                                                 "the note"))
                close_at = len(text)
            else:
                close_at += len(close_with)
            spans.append((start, close_at))
            pos = close_at
    return _apply_blanks(text, spans), math


def _inline_math(text: str, source: str, start: int, limit: int, spans: list[tuple[int, int]],
                 math: list[Math], problems: list[LineProblem], line_of) -> int:
    """Handle a single ``$`` at ``start`` (its paragraph ends at ``limit``); return where
    scanning resumes."""
    after = text[start + 1:start + 2]
    if not after or after.isspace():
        return start + 1  # '$ ' never opens math: a plain dollar sign
    closer = _INLINE_BODY.match(text, start + 1, limit)
    if closer:
        math.append(Math(line_of(start), _formula(source, start, start + 1, closer.end() - 1),
                         False))
        spans.append((start, closer.end()))
        return closer.end()
    if not after.isdigit():  # '$5' is currency, anything else is math left open
        problems.append((line_of(start), "inline math '$' opened here is never closed in this "
                                         "paragraph; close it, or write '\\$' for a dollar sign"))
    return start + 1


def _apply_blanks(text: str, spans: list[tuple[int, int]]) -> str:
    parts: list[str] = []
    pos = 0
    for start, end in spans:
        parts.append(text[pos:start])
        parts.append(blank(text[start:end]))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)
