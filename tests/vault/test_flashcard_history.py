"""Card parsing and schedule comments, checked against the Spaced Repetition plugin's
formats (st3v3nmw/obsidian-spaced-repetition: parser.ts, question.ts, notes data store)."""

from hypothesis import given, strategies as st

from notegen.vault import flashcard_history as fh
from notegen.vault.review_properties import place_review_properties, strip_review_properties

SR1 = "<!--SR:!2026-12-01,3,250-->"
SR2 = "<!--SR:!2026-12-03,1,230!2026-12-05,2,270-->"  # a bidirectional card: one entry per side
LEGACY = "<!--SR:2021-08-11,4,270-->"  # plugin versions before multi-card schedules


def cards_of(text: str) -> list[tuple[str, int]]:
    return [(c.question, c.last_line) for c in fh.find_cards(text.split("\n"))]


def test_single_line_cards_one_per_line():
    text = "#flashcards/cnn\nWhat is a stride?::The step of the kernel\nParams of a 3x3 conv?:::k*k*Cin*Cout + Cout\n"
    assert cards_of(text) == [("What is a stride?", 1), ("Params of a 3x3 conv?", 2)]


def test_multiline_card_question_is_the_lines_above_the_separator():
    text = "intro\n\nWhy residual\nconnections?\n?\nIdentity path\nkeeps gradients\n\nafter\n"
    # lines: 0 intro, 1 '', 2-3 question, 4 '?', 5-6 answer, 7 '', 8 after
    assert cards_of(text) == [("Why residual\nconnections?", 6)]


def test_bidirectional_multiline_separator():
    assert cards_of("GAP\n??\nglobal average pooling\n") == [("GAP", 2)]


def test_headings_and_code_fences_bound_cards():
    text = "## Pooling\nWhat does max pooling add?\n?\ninvariance\n```python\na::b\n```\n"
    assert cards_of(text) == [("What does max pooling add?", 3)]


def test_a_separator_without_both_sides_is_not_a_card():
    assert cards_of("?\nanswer only\n\nquestion only\n?\n") == []


def test_comments_are_looked_through_when_finding_cards():
    plain = "Q1::A1\nQ2\n?\nA2\n"
    annotated = f"Q1::A1 {SR1}\nQ2\n?\nA2\n{SR2}\n"
    assert [c.question for c in fh.find_cards(annotated.split("\n"))] == ["Q1", "Q2"]
    assert fh.strip_histories(annotated)[0] == plain


def test_strip_lifts_next_line_and_same_line_comments():
    text = f"Q1::A1\n{SR1}\nQ2::A2 {SR2}\n\nLong\n?\nanswer\n{LEGACY}\n"
    stripped, histories = fh.strip_histories(text)
    assert stripped == "Q1::A1\nQ2::A2\n\nLong\n?\nanswer\n"
    assert histories == [
        fh.CardHistory("Q1", SR1, same_line=False),
        fh.CardHistory("Q2", SR2, same_line=True),
        fh.CardHistory("Long", LEGACY, same_line=False),
    ]


def test_a_comment_that_follows_no_card_stays():
    text = f"Just prose.\n{SR1}\n"
    assert fh.strip_histories(text) == (text, [])


def test_history_follows_the_question_not_the_answer_or_spacing():
    histories = [fh.CardHistory("What  is a\nstride?", SR1, same_line=False)]
    (out,), placed, leftover = fh.place_histories(["What is a stride?::reworded answer\n"], histories)
    assert out == f"What is a stride?::reworded answer\n{SR1}\n"
    assert (placed, leftover) == (1, [])


def test_cards_sharing_a_question_take_histories_in_order():
    histories = [fh.CardHistory("Q", SR1, False), fh.CardHistory("Q", SR2, True)]
    (out,), placed, _ = fh.place_histories(["Q::first\nQ::second\n"], histories)
    assert out == f"Q::first\n{SR1}\nQ::second {SR2}\n"
    assert placed == 2


def test_histories_of_vanished_questions_are_left_over():
    gone = fh.CardHistory("Old question", SR1, False)
    (out,), placed, leftover = fh.place_histories(["New::card\n"], [gone])
    assert out == "New::card\n" and placed == 0 and leftover == [gone]


def test_retired_line_is_no_card_for_the_plugin_or_for_us():
    line = fh.retired_line(fh.CardHistory("Odd  :: question\nwrapped", SR2, False))
    assert line == f"- Retired card: «Odd : : question wrapped» {SR2}"
    # The plugin's card rules (parser.ts): a line containing '::' is a single-line card; a
    # line that trims to '?' or '??' starts a multi-line answer.
    assert "::" not in line and line.strip() not in ("?", "??")
    assert fh.find_cards(line.split("\n")) == []


def test_retired_lines_are_set_apart_from_the_students_text():
    history = fh.CardHistory("Q", SR1, False)
    # The student's own multi-line card ends the section: a blank line must separate it.
    content = "\nmy card\n?\nmy answer\n"
    out = fh.append_retired(content, [history])
    assert out == content + "\n" + f"- Retired card: «Q» {SR1}\n"
    assert out.startswith(content)  # nothing the student wrote changed
    assert [c.question for c in fh.find_cards(out.split("\n"))] == ["my card"]
    assert fh.append_retired("\n", [history]) == f"\n- Retired card: «Q» {SR1}\n"


# --- round trip: placing then stripping gives back the note and the histories ----------

question = st.text("abc xyz?", min_size=1, max_size=12).filter(lambda q: q.strip() not in ("", "?", "??"))
answer = st.text("def uvw", min_size=1, max_size=12).filter(lambda a: a.strip() not in ("", "?", "??"))
comment = st.sampled_from([SR1, SR2, LEGACY])


@st.composite
def note_with_histories(draw):
    blocks, histories = [], []
    for _ in range(draw(st.integers(1, 6))):
        q, a = draw(question), draw(answer)
        blocks.append(f"{q}::{a}" if draw(st.booleans()) else f"{q}\n?\n{a}")
        if draw(st.booleans()):
            histories.append(fh.CardHistory(q, draw(comment), draw(st.booleans())))
    return "\n\n".join(blocks) + "\n", histories


@given(note_with_histories())
def test_place_then_strip_is_the_identity(case):
    text, histories = case
    (placed_text,), placed, leftover = fh.place_histories([text], histories)
    stripped, found = fh.strip_histories(placed_text)
    assert stripped == text
    assert placed == len(histories) and leftover == []
    # Cards are matched on the whitespace-normalised question, so compare on that.
    as_keys = lambda hs: sorted((h.key, h.comment, h.same_line) for h in hs)  # noqa: E731
    assert as_keys(found) == as_keys(histories)


# --- note-level review: sr-* front-matter properties ----------------------------------

PROPS = ("sr-due: 2026-07-01", "sr-interval: 3", "sr-ease: 269")


def test_review_properties_go_to_the_end_of_existing_front_matter():
    text = "---\ntags: [flashcards/cnn]\n---\n# Note\n"
    placed = place_review_properties(text, PROPS)
    assert placed == "---\ntags: [flashcards/cnn]\nsr-due: 2026-07-01\nsr-interval: 3\nsr-ease: 269\n---\n# Note\n"
    assert strip_review_properties(placed) == (text, PROPS)


def test_front_matter_the_plugin_created_is_removed_whole():
    # The plugin prepends '---', the three lines, '---' and a blank line to a note without
    # front matter (data-store-in-note-algorithm-osr.ts, noteSetSchedule).
    plugin_wrote = "---\nsr-due: 2026-07-01\nsr-interval: 3\nsr-ease: 269\n---\n\n# Note\n"
    assert strip_review_properties(plugin_wrote) == ("# Note\n", PROPS)
    assert place_review_properties("# Note\n", PROPS) == plugin_wrote


def test_other_properties_are_not_review_properties():
    text = "---\nsr-duel: no\naliases: [sr-due: x]\n---\nbody\n"
    assert strip_review_properties(text) == (text, ())


# The plugin's third placement (useCalloutsForSchedulingComments): a callout after the card,
# as its question.ts formatForNote writes it: header line (with a trailing space), then the
# comment on a quoted line.
CALLOUT = "> [!sr|card-metadata] \n>  " + SR2


def test_a_schedule_callout_after_a_card_is_carried_verbatim():
    reviewed = f"What does GAP do?::averages each channel\n{CALLOUT}\nnext paragraph\n"
    generated, histories = fh.strip_histories(reviewed)
    assert generated == "What does GAP do?::averages each channel\nnext paragraph\n"
    assert [(h.question, h.comment, h.callout) for h in histories] == [
        ("What does GAP do?", CALLOUT, True)]
    # Regenerated with a reworded answer: the callout follows the card, byte for byte.
    (placed,), carried, leftover = fh.place_histories(
        ["What does GAP do?::averages each channel to one number\nnext paragraph\n"], histories)
    assert placed == f"What does GAP do?::averages each channel to one number\n{CALLOUT}\nnext paragraph\n"
    assert (carried, leftover) == (1, [])


def test_a_callout_does_not_lengthen_a_multiline_answer():
    text = f"Why 1x1 convs?\n?\nto mix channels\n{CALLOUT}\n"
    assert cards_of(text) == [("Why 1x1 convs?", 2)]


def test_a_retired_callout_history_keeps_its_comment():
    history = fh.CardHistory("Gone?", CALLOUT, False, "x", callout=True)
    assert fh.retired_line(history) == f"- Retired card: «Gone?» {SR2}"


def test_a_new_card_put_before_an_old_one_with_the_same_question_does_not_take_its_history():
    old = f"Stride of the stem?::2 (ResNet)\n{SR1}\n"
    _, histories = fh.strip_histories(old)
    new = "Stride of the stem?::4 (ViT patchify)\nStride of the stem?::2 (ResNet)\n"
    (placed,), carried, _ = fh.place_histories([new], histories)
    assert placed == f"Stride of the stem?::4 (ViT patchify)\nStride of the stem?::2 (ResNet)\n{SR1}\n"
    # With no answer the same, the histories go in order, as before.
    reworded = "Stride of the stem?::two\nStride of the stem?::four\n"
    (placed,), _, _ = fh.place_histories([reworded], histories)
    assert placed == f"Stride of the stem?::two\n{SR1}\nStride of the stem?::four\n"
