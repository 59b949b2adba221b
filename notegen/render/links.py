"""Explicit wikilinks written by title in the sources -> links to the real file names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from notegen.render.obsidian import wikilink

_LINK = re.compile(r"(!?)\[\[([^\[\]|#^\\\n]*)((?:#[^\[\]|\n]*)?)(?:(\\?\|)([^\[\]\n]*))?\]\]")
_FENCE = re.compile(r"^\s*(```|~~~)")
_CODE_SPAN = re.compile(r"`[^`\n]*`")


@dataclass(frozen=True)
class UnknownLink:
    target: str
    line: int  # 1-based, within the text given


def resolve_links(text: str, targets: Mapping[str, str], attachments: frozenset[str] = frozenset()
                  ) -> tuple[str, list[UnknownLink]]:
    """Rewrite ``[[Title]]`` / ``[[alias|shown]]`` to the target note's file name.

    ``targets`` maps a lower-cased title or alias to a file name. Links inside code are left
    alone; embeds of attachments pass through; anything else unknown is returned.
    """
    unknown: list[UnknownLink] = []
    out_lines = []
    in_fence = False
    for number, line in enumerate(text.split("\n"), 1):
        if _FENCE.match(line):
            in_fence = not in_fence
        if in_fence or "[[" not in line:
            out_lines.append(line)
            continue
        spans = [m.span() for m in _CODE_SPAN.finditer(line)]
        in_table = line.lstrip().startswith("|")

        def fix(m: re.Match[str]) -> str:
            if any(a <= m.start() < b for a, b in spans):
                return m.group(0)
            bang, target, sub, pipe, shown = m.groups()
            name = target.strip()
            if bang and (name in attachments or "." in name.rsplit("/", 1)[-1]):
                return m.group(0)
            if not name:  # [[#Heading]] within the same note
                return m.group(0)
            file = targets.get(name.casefold())
            if file is None:
                unknown.append(UnknownLink(name, number))
                return m.group(0)
            display = shown if pipe else (None if name == file else name)
            link = wikilink(file + sub, display, embed=bool(bang), in_table=in_table or pipe == "\\|")
            return link

        out_lines.append(_LINK.sub(fix, line))
    return "\n".join(out_lines), unknown
