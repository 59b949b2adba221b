"""Flashcards in generated notes and the review history the student adds to them.

Card syntax follows the Obsidian Spaced Repetition plugin (st3v3nmw/obsidian-spaced-repetition,
``src/parser.ts``, default separators):

- single-line: a line containing ``::`` (``:::`` makes it bidirectional); the question is
  the text before the first ``::``;
- multi-line: a run of non-blank lines containing a line that is exactly ``?`` (``??``
  bidirectional); the question is the lines above it, the answer the lines below, up to
  the next blank line.

After a review the plugin stores the schedule as an HTML comment after the card's last
line: on the same line after one space (``Q::A <!--SR:!2026-12-01,3,250-->``), on the
next line (its default), or, with its ``useCalloutsForSchedulingComments`` setting, in a
callout on the lines after the card (``src/question.ts``, ``formatForNote``)::

    Q::A
    > [!sr|card-metadata]
    > <!--SR:!2026-12-01,3,250-->

Bidirectional cards hold one ``!due,interval,ease`` entry per
side in one comment; older plugin versions wrote ``<!--SR:due,interval,ease-->``. The
comment is kept verbatim, whatever its entries.

Here a card's identity is its question with whitespace runs collapsed, so a reworded
answer or re-wrapped question keeps its history; among cards sharing a question, one
with the same answer too is matched first, then the rest in order, so a new card put
before an old one with the same question does not take the old one's history. Headings, fenced code blocks and blank
lines bound a card. Cloze cards are not recognised (generated notes do not use them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

_COMMENT = r"<!--SR:[^\n]*?-->"
_SAME_LINE = re.compile(r" (" + _COMMENT + r")$")
_OWN_LINE = re.compile(r"^" + _COMMENT + r"$")
_CALLOUT = re.compile(r"^> \[!sr\|card-metadata\]\s*$")
_QUOTED = re.compile(r"^>")
_ANY_COMMENT = re.compile(_COMMENT)
_HEADING = re.compile(r"^#{1,6}(\s|$)")
_FENCE = re.compile(r"^\s*(```|~~~)")
_MULTILINE_SEPARATORS = ("?", "??")
_SINGLE_LINE_SEPARATOR = "::"

RETIRED_PREFIX = "- Retired card: "


@dataclass(frozen=True)
class Card:
    """A card found in a note; ``last_line`` indexes the segment's ``split("\\n")`` lines."""

    question: str
    last_line: int
    answer: str = ""

    @property
    def key(self) -> str:
        return question_key(self.question)


@dataclass(frozen=True)
class CardHistory:
    """One card's schedule, lifted out of a note to be carried to its next version:
    the comment (or, ``callout``, the callout's lines) exactly as the plugin wrote it."""

    question: str
    comment: str
    same_line: bool
    answer: str = field(default="", compare=False)
    callout: bool = False

    @property
    def key(self) -> str:
        return question_key(self.question)


def question_key(question: str) -> str:
    return " ".join(question.split())


def _card_text(line: str) -> str:
    """A line without its same-line schedule comment."""
    m = _SAME_LINE.search(line)
    return line[:m.start()] if m else line


def _blocks(lines: Sequence[str]) -> Iterable[list[int]]:
    """Runs of line indexes that can hold cards: split at blank lines and headings,
    with fenced code blocks left out entirely."""
    block: list[int] = []
    in_fence = False
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
            boundary = True
        else:
            boundary = in_fence or line.strip() == "" or bool(_HEADING.match(line))
        if boundary:
            if block:
                yield block
            block = []
        else:
            block.append(i)
    if block:
        yield block


def find_cards(lines: Sequence[str]) -> list[Card]:
    """Cards in ``lines`` in order. Schedule comments, on either line, are looked through,
    so a note yields the same cards before and after the plugin annotates it."""
    cards: list[Card] = []
    hidden = _schedule_lines(lines)
    for block in _blocks(lines):
        text_lines = [i for i in block if i not in hidden]
        question_start = 0  # position in text_lines where a multi-line question may begin
        separator: int | None = None
        for pos, i in enumerate(text_lines):
            body = _card_text(lines[i])
            if _SINGLE_LINE_SEPARATOR in body:
                if separator is not None:  # a single-line card cuts a multi-line one short
                    _close_multiline(cards, lines, text_lines, question_start, separator, pos - 1)
                question, answer = body.split(_SINGLE_LINE_SEPARATOR, 1)
                cards.append(Card(question, i, answer.lstrip(":")))
                question_start, separator = pos + 1, None
            elif separator is None and body.strip() in _MULTILINE_SEPARATORS:
                separator = pos
        if separator is not None:
            _close_multiline(cards, lines, text_lines, question_start, separator, len(text_lines) - 1)
    return cards


def _close_multiline(cards: list[Card], lines: Sequence[str], text_lines: list[int],
                     start: int, separator: int, last: int) -> None:
    if start < separator < last:  # both sides must be non-empty
        question = "\n".join(lines[i] for i in text_lines[start:separator])
        answer = "\n".join(_card_text(lines[i]) for i in text_lines[separator + 1:last + 1])
        cards.append(Card(question, text_lines[last], answer))


def _schedule_lines(lines: Sequence[str]) -> set[int]:
    """Indexes of schedule lines: own-line comments and the lines of SR callouts."""
    hidden: set[int] = set()
    i = 0
    while i < len(lines):
        if _OWN_LINE.match(lines[i]):
            hidden.add(i)
        elif _CALLOUT.match(lines[i]):
            hidden.add(i)
            while i + 1 < len(lines) and _QUOTED.match(lines[i + 1]) and not _CALLOUT.match(lines[i + 1]):
                i += 1
                hidden.add(i)
        i += 1
    return hidden


def _callout_end(lines: Sequence[str], start: int) -> int:
    """One past the last line of the SR callout starting at ``start``."""
    end = start + 1
    while end < len(lines) and _QUOTED.match(lines[end]) and not _CALLOUT.match(lines[end]):
        end += 1
    return end


def strip_histories(segment: str) -> tuple[str, list[CardHistory]]:
    """``segment`` without the schedule comments that belong to its cards, and those comments.

    A comment that follows no card stays in the text: it is not the plugin's doing.
    """
    lines = segment.split("\n")
    histories: list[CardHistory] = []
    drop: set[int] = set()
    for card in find_cards(lines):
        line = lines[card.last_line]
        same = _SAME_LINE.search(line)
        after = card.last_line + 1
        if same:
            lines[card.last_line] = line[:same.start()]
            histories.append(CardHistory(card.question, same.group(1), True, card.answer))
        elif after < len(lines) and _OWN_LINE.match(lines[after]):
            drop.add(after)
            histories.append(CardHistory(card.question, lines[after], False, card.answer))
        elif after < len(lines) and _CALLOUT.match(lines[after]):
            end = _callout_end(lines, after)
            drop.update(range(after, end))
            histories.append(CardHistory(card.question, "\n".join(lines[after:end]), False,
                                         card.answer, callout=True))
    kept = [line for i, line in enumerate(lines) if i not in drop]
    return "\n".join(kept), histories


def place_histories(segments: Sequence[str], histories: Iterable[CardHistory]
                    ) -> tuple[list[str], int, list[CardHistory]]:
    """Attach each history to a card with the same question key across ``segments``.

    Among cards sharing a question, a history goes first to the card with the same
    answer as well, then the rest in order. Returns the new segments, how many histories
    were placed, and those whose question no longer exists.
    """
    pending = list(histories)
    split = [segment.split("\n") for segment in segments]
    found = [(n, card) for n, lines in enumerate(split) for card in find_cards(lines)]
    chosen: dict[int, CardHistory] = {}  # index in found -> its history
    taken: set[int] = set()  # indexes in pending
    for exact in (True, False):
        for f, (_, card) in enumerate(found):
            if f in chosen:
                continue
            for h, history in enumerate(pending):
                if h not in taken and history.key == card.key and (
                        not exact or answer_key(history.answer) == answer_key(card.answer)):
                    chosen[f] = history
                    taken.add(h)
                    break
    for f in sorted(chosen, reverse=True):  # back to front: insertions keep indexes valid
        n, card = found[f]
        history, lines = chosen[f], split[n]
        if history.same_line:
            lines[card.last_line] += " " + history.comment
        else:
            lines[card.last_line + 1:card.last_line + 1] = history.comment.split("\n")
    leftover = [h for i, h in enumerate(pending) if i not in taken]
    return ["\n".join(lines) for lines in split], len(chosen), leftover


def answer_key(answer: str) -> str:
    return " ".join(answer.split())


def retired_line(history: CardHistory) -> str:
    """A user-section line keeping the history of a card that is no longer generated.

    It holds no ``::`` and is never a lone ``?``, so neither the plugin nor
    :func:`find_cards` takes it for a card.
    """
    shown = question_key(history.question).replace("::", ": :")
    comment = (" ".join(_ANY_COMMENT.findall(history.comment)) if history.callout
               else history.comment)
    return f"{RETIRED_PREFIX}«{shown}» {comment}"


def append_retired(content: str, histories: Sequence[CardHistory]) -> str:
    """User-section ``content`` with one retired line per history appended after a blank
    line, so the lines cannot join a multi-line card the student wrote above them."""
    if not histories:
        return content
    if content.strip() and not content.endswith("\n\n"):
        content += "\n"  # only ever appended to: the student's bytes stay as they are
    return content + "".join(retired_line(h) + "\n" for h in histories)
