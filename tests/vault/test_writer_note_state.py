"""Splitting a note into generated form + student state, and merging them back."""

from hypothesis import given, strategies as st

from notegen.vault.flashcard_history import CardHistory
from notegen.vault.note_state import NoteState, merge_note, normalise_note, split_note

SR = "<!--SR:!2026-12-01,3,250-->"

GENERATED = """---
tags: [cnn/topic]
---
# Padding

#flashcards/cnn

What padding keeps a 3x3 conv's size?::p = 1

Why pad at all?
?
Keep borders in play

## My notes
%% notegen:user begin %%
%% notegen:user end %%
"""

STUDENT_VERSION = """---
tags: [cnn/topic]
sr-due: 2026-07-01
sr-interval: 3
sr-ease: 269
---
# Padding

#flashcards/cnn

What padding keeps a 3x3 conv's size?::p = 1 <!--SR:!2026-12-01,3,250-->

Why pad at all?
?
Keep borders in play
<!--SR:!2026-12-09,8,270-->

## My notes
%% notegen:user begin %%
Same padding: p = floor(k/2) for odd k.
%% notegen:user end %%
"""


def test_split_separates_generated_form_from_the_students_part():
    split = split_note(STUDENT_VERSION)
    assert split.generated == GENERATED
    assert split.markers_intact
    assert split.state == NoteState(
        "\nSame padding: p = floor(k/2) for odd k.\n",
        (CardHistory("What padding keeps a 3x3 conv's size?", SR, True),
         CardHistory("Why pad at all?", "<!--SR:!2026-12-09,8,270-->", False)),
        ("sr-due: 2026-07-01", "sr-interval: 3", "sr-ease: 269"))


def test_merge_into_the_same_note_restores_the_students_version_exactly():
    merged = merge_note(GENERATED, split_note(STUDENT_VERSION).state)
    assert merged.text == STUDENT_VERSION
    assert (merged.user_section_kept, merged.histories_carried, merged.retired) == (True, 2, ())


def test_cards_inside_the_user_section_are_the_students_own():
    own = STUDENT_VERSION.replace("for odd k.\n", f"for odd k.\nMy card::mine\n{SR}\n")
    split = split_note(own)
    assert len(split.state.histories) == 2  # only the two generated cards
    assert f"My card::mine\n{SR}\n" in split.state.user_content


def test_broken_markers_are_flagged_but_review_data_still_found():
    broken = STUDENT_VERSION.replace("%% notegen:user end %%\n", "")
    split = split_note(broken)
    assert not split.markers_intact
    assert len(split.state.histories) == 2 and split.state.user_content is None


def test_a_whitespace_only_section_counts_as_empty():
    text = GENERATED.replace("begin %%\n", "begin %%\n  \n\n")
    assert split_note(text).state.is_empty
    assert normalise_note(text) == GENERATED


user_content = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="%"),
                       max_size=80).map(lambda t: "\n" + t + "\n")


@given(user_content, st.booleans(), st.booleans(), st.booleans())
def test_split_of_merge_gives_back_generated_form_and_state(content, first, second, props):
    state = NoteState(
        content if content.strip() else None,
        tuple(h for h, keep in [
            (CardHistory("What padding keeps a 3x3 conv's size?", SR, True), first),
            (CardHistory("Why pad at all?", SR, False), second)] if keep),
        ("sr-due: 2026-07-01",) if props else ())
    merged = merge_note(GENERATED, state)
    split = split_note(merged.text)
    assert split.generated == GENERATED
    assert split.state == state
