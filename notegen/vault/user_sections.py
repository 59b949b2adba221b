"""The user section of a generated note: text the student owns, kept across rebuilds.

Every generated note ends with::

    ## My notes
    %% notegen:user begin %%
    %% notegen:user end %%

``%% ... %%`` is an Obsidian comment, so the markers are invisible in reading view. The
section's *content* is every character after the begin marker up to the start of the
end-marker line; an empty section's content is ``"\\n"``. The markers must each stand
alone on their own line, once each, begin before end; anything else means the student
edited the note outside the section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BEGIN = "%% notegen:user begin %%"
END = "%% notegen:user end %%"
EMPTY = "\n"

_BEGIN_LINE = re.compile(r"^" + re.escape(BEGIN) + r"$", re.M)
_END_LINE = re.compile(r"^" + re.escape(END) + r"$", re.M)


class MarkersBroken(ValueError):
    """The note has marker lines, but not exactly one begin followed by one end."""


@dataclass(frozen=True)
class UserSection:
    """Offsets into a note: ``line_start`` is where the begin-marker line starts,
    ``start`` is just after the begin marker, ``end`` where the end-marker line starts,
    ``line_end`` just after the end marker."""

    line_start: int
    start: int
    end: int
    line_end: int

    def content(self, text: str) -> str:
        return text[self.start:self.end]


def locate(text: str) -> UserSection | None:
    """The user section of ``text``, None if it has no markers at all.

    Raises :class:`MarkersBroken` when the markers are not one intact pair.
    """
    # Fast path (plain string search; every build calls this for every note): one marker
    # of each, each alone on its line, begin before end.
    b, e = text.find(BEGIN), text.find(END)
    if (b >= 0 and e > b and text.count(BEGIN) == 1 and text.count(END) == 1
            and _alone(text, b, len(BEGIN)) and _alone(text, e, len(END))):
        return UserSection(b, b + len(BEGIN), e, e + len(END))
    begins = list(_BEGIN_LINE.finditer(text))
    ends = list(_END_LINE.finditer(text))
    if not begins and not ends:
        if BEGIN in text or END in text:
            raise MarkersBroken("a user-section marker is not on a line of its own")
        return None
    if len(begins) != 1 or len(ends) != 1 or ends[0].start() < begins[0].end():
        raise MarkersBroken(
            f"expected one '{BEGIN}' line followed by one '{END}' line, "
            f"found {len(begins)} and {len(ends)}")
    b, e = begins[0], ends[0]
    return UserSection(b.start(), b.end(), e.start(), e.end())


def _alone(text: str, at: int, length: int) -> bool:
    end = at + length
    return (at == 0 or text[at - 1] == "\n") and (end == len(text) or text[end] == "\n")


def is_blank(content: str) -> bool:
    return content.strip() == ""


def replace_content(text: str, section: UserSection, content: str) -> str:
    """``text`` with the section's content replaced (``content`` must end with a newline)."""
    if not content.endswith("\n"):
        raise ValueError("user-section content must end with a newline")
    return text[:section.start] + content + text[section.end:]


def empty(text: str) -> str:
    """``text`` with its user section emptied; unchanged when it has none."""
    section = locate(text)
    return text if section is None else replace_content(text, section, EMPTY)
