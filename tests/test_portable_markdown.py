"""Display math that renderers of Obsidian vaults other than Obsidian read too.

Obsidian accepts ``$$x$$`` on one line and ``$$`` followed by content, but remark-math
(Quartz, many publish tools) reads a ``$$`` line as a fence only when it stands alone: with
content beside it the block is not closed where intended and the rest of the note is
swallowed. The rule: outside code, every line holding ``$$`` is ``$$`` alone (after any
indentation or blockquote markers).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

VAULT = ROOT / "vault_out"
_PREFIX = re.compile(r"^[ \t]*(>[ \t]?)*")  # indentation and blockquote/callout markers
_FENCE = re.compile(r"^[ \t]*(>[ \t]?)*(```|~~~)")
_CODE_SPAN = re.compile(r"`[^`\n]*`")


def bad_fences(text: str) -> list[int]:
    """Line numbers (1-based) of ``$$`` delimiters that share their line with anything."""
    bad, in_code = [], False
    for number, line in enumerate(text.split("\n"), 1):
        if _FENCE.match(line):
            in_code = not in_code
            continue
        if in_code:
            continue
        body = _CODE_SPAN.sub("", line[_PREFIX.match(line).end():]).strip()
        if "$$" in body and body != "$$":
            bad.append(number)
    return bad


@pytest.mark.parametrize("text, bad", [
    ("a\n\n$$\nx = 1\n$$\n", []),
    ("> [!note]\n> $$\n> x\n> $$\n", []),
    ("$$x = 1$$\n", [1]),
    ("$$x = 1,\ny = 2$$\n", [1, 2]),
    ("text $$x$$ more\n", [1]),
    ("```\n$$x$$\n```\n`$$` in code\n", []),
])
def test_the_rule_finds_content_beside_a_fence(text: str, bad: list[int]) -> None:
    assert bad_fences(text) == bad


def test_every_display_math_block_in_the_vault_is_fenced_alone() -> None:
    notes = sorted(VAULT.rglob("*.md"))
    assert len(notes) > 50  # the committed vault, not an empty folder
    offenders = [f"{p.relative_to(VAULT)}:{n}" for p in notes
                 for n in bad_fences(p.read_text(encoding="utf-8"))]
    assert offenders == []
    fences = sum(1 for p in notes for line in p.read_text(encoding="utf-8").split("\n")
                 if line[_PREFIX.match(line).end():].strip() == "$$")
    assert fences > 100 and fences % 2 == 0  # the working callouts are display math too
