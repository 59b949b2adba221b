"""A note on disk = what notegen generated + what the student added to it.

:func:`split_note` separates the two: the *generated form* (user section emptied, card
schedule comments and ``sr-*`` properties removed) and a :class:`NoteState` holding the
student's part. :func:`merge_note` puts a state into a freshly generated note. They are
inverses: splitting a merged note gives back the generated note's form and the state
(plus any retired-card lines added to the user section).

A note is cut into its front matter, the body before the user section, the user section
and the body after it; cards are only looked for in the two body parts.
"""

from __future__ import annotations

from dataclasses import dataclass

from notegen.vault import flashcard_history as cards
from notegen.vault import user_sections
from notegen.vault.review_properties import (front_matter_end, place_review_properties,
                                             strip_review_properties)


@dataclass(frozen=True)
class NoteState:
    """The student's additions to one note."""

    user_content: str | None = None  # the user section's content, when not blank
    histories: tuple[cards.CardHistory, ...] = ()
    review_properties: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return self.user_content is None and not self.histories and not self.review_properties


@dataclass(frozen=True)
class SplitNote:
    generated: str  # the generated form; with broken markers, only review data is removed
    state: NoteState
    markers_intact: bool


@dataclass(frozen=True)
class MergedNote:
    text: str
    user_section_kept: bool
    histories_carried: int
    retired: tuple[cards.CardHistory, ...]


def split_note(text: str) -> SplitNote:
    text, props = strip_review_properties(text)
    try:
        section = user_sections.locate(text)
        intact = True
    except user_sections.MarkersBroken:
        section, intact = None, False
    head = front_matter_end(text)
    if section is None:
        body, histories = cards.strip_histories(text[head:])
        return SplitNote(text[:head] + body, NoteState(None, tuple(histories), props), intact)
    before, found_before = cards.strip_histories(text[head:section.line_start])
    after, found_after = cards.strip_histories(text[section.line_end:])
    content = section.content(text)
    generated = (text[:head] + before + text[section.line_start:section.start]
                 + user_sections.EMPTY + text[section.end:section.line_end] + after)
    state = NoteState(None if user_sections.is_blank(content) else content,
                      tuple(found_before + found_after), props)
    return SplitNote(generated, state, intact)


def normalise_note(text: str) -> str:
    """The generated form of ``text``: what the manifest hashes."""
    if "<!--SR:" not in text and "sr-" not in text:
        # No review data anywhere: only a filled user section could differ (fast path for
        # freshly compiled notes, which is what most calls see).
        try:
            section = user_sections.locate(text)
        except user_sections.MarkersBroken:
            section = None
        if section is not None and section.content(text) == user_sections.EMPTY:
            return text
    return split_note(text).generated


def merge_note(generated: str, state: NoteState) -> MergedNote:
    """``generated`` with the student's state put back.

    ``generated`` must have an intact user section (:func:`user_sections.locate`); the
    histories of cards it no longer has are appended to that section.
    """
    section = user_sections.locate(generated)
    if section is None:
        raise ValueError("a generated note needs a user section")
    head = front_matter_end(generated)
    segments = [generated[head:section.line_start], generated[section.line_end:]]
    (before, after), carried, leftover = cards.place_histories(segments, state.histories)
    content = state.user_content if state.user_content is not None else section.content(generated)
    content = cards.append_retired(content, leftover)
    text = (generated[:head] + before + generated[section.line_start:section.start]
            + content + generated[section.end:section.line_end] + after)
    return MergedNote(place_review_properties(text, state.review_properties),
                      state.user_content is not None, carried, tuple(leftover))
