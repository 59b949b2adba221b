"""First mention of a note's title or alias in prose -> wikilink; nothing else changes."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notegen.render.autolink import autolink

TARGETS = {
    "Receptive Field": "Receptive Field",
    "RF": "Receptive Field",
    "Field": "Field",
    "Pooling": "Pooling",
    "Max Pooling": "Max Pooling",
    "Stride": "Stride",
}


def link(markdown: str, **kwargs) -> str:
    return autolink(markdown, TARGETS, **kwargs)


# --- what a mention becomes ------------------------------------------------------------


def test_mention_becomes_a_link_keeping_its_text():
    assert link("The receptive field grows.") == "The [[Receptive Field|receptive field]] grows."


def test_text_equal_to_the_file_name_needs_no_alias():
    assert link("Receptive Field grows.") == "[[Receptive Field]] grows."


def test_matching_ignores_case_and_the_display_keeps_it():
    assert link("RECEPTIVE FIELD") == "[[Receptive Field|RECEPTIVE FIELD]]"


def test_alias_links_to_its_note():
    assert link("The RF grows.") == "The [[Receptive Field|RF]] grows."


def test_only_the_first_mention_is_linked():
    assert link("stride, stride and Stride.") == "[[Stride|stride]], stride and Stride."


def test_one_link_per_note_whichever_phrase_names_it():
    assert link("RF is the receptive field.") == "[[Receptive Field|RF]] is the receptive field."


def test_each_note_gets_its_own_first_link():
    assert link("Stride and pooling; stride and pooling.") == (
        "[[Stride]] and [[Pooling|pooling]]; stride and pooling."
    )


def test_longest_phrase_wins():
    assert link("max pooling, then pooling") == "[[Max Pooling|max pooling]], then [[Pooling|pooling]]"
    assert link("receptive field, then field") == (
        "[[Receptive Field|receptive field]], then [[Field|field]]"
    )


def test_words_of_a_longer_phrase_are_not_linked_even_when_it_is_not():
    # The note itself is "Receptive Field", so the phrase is not linked, yet "field"
    # inside it is not a mention of the note "Field".
    assert link("the receptive field", exclude=["Receptive Field"]) == "the receptive field"
    assert link("[[Receptive Field]] and the receptive field") == (
        "[[Receptive Field]] and the receptive field"
    )


def test_words_spread_over_whitespace_still_match():
    assert link("max  pooling") == "[[Max Pooling|max  pooling]]"


# --- word boundaries and plurals -------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["RFC 2119", "RFs", "poolings", "max-pooling", "pooling-based", "subfield", "stride2"],
)
def test_a_phrase_inside_a_longer_word_is_not_a_mention(text):
    assert link(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(pooling)", "([[Pooling|pooling]])"),
        ("pooling's cost", "[[Pooling|pooling]]'s cost"),
        ("conv/pooling", "conv/[[Pooling|pooling]]"),
        ("pooling.", "[[Pooling|pooling]]."),
        ("- pooling", "- [[Pooling|pooling]]"),
    ],
)
def test_punctuation_ends_a_word(text, expected):
    assert link(text) == expected


def test_a_plural_matches_only_when_listed_as_an_alias():
    targets = {"Pooling": "Pooling", "poolings": "Pooling"}
    assert autolink("two poolings", targets) == "two [[Pooling|poolings]]"


def test_emphasis_markers_are_not_part_of_a_word():
    assert link("_stride_ and **pooling**") == "_[[Stride|stride]]_ and **[[Pooling|pooling]]**"


# --- where links are never made --------------------------------------------------------


def test_not_in_code_spans():
    assert link("`stride` and ``a stride`` then stride") == (
        "`stride` and ``a stride`` then [[Stride|stride]]"
    )


def test_not_in_fenced_or_indented_code():
    text = "```python\nstride = 2\n```\n\n~~~\nstride\n~~~\n\n    stride\n\nstride"
    assert link(text) == (
        "```python\nstride = 2\n```\n\n~~~\nstride\n~~~\n\n    stride\n\n[[Stride|stride]]"
    )


def test_not_in_math():
    text = "$\\text{stride}$ and $$stride$$\n\n$$\nstride\n$$\n\nstride"
    assert link(text) == "$\\text{stride}$ and $$stride$$\n\n$$\nstride\n$$\n\n[[Stride|stride]]"


def test_not_in_headings():
    assert link("# Stride\n\nStride basics\n===\n\nstride") == (
        "# Stride\n\nStride basics\n===\n\n[[Stride|stride]]"
    )


def test_not_in_front_matter():
    text = "---\ntitle: stride\naliases: [pooling]\n---\nstride"
    assert link(text) == "---\ntitle: stride\naliases: [pooling]\n---\n[[Stride|stride]]"


def test_not_in_the_header_of_a_callout():
    assert link("> [!note] Stride\n> stride") == "> [!note] Stride\n> [[Stride|stride]]"
    assert link("> [!tip]- Why pooling\n>\n> pooling") == "> [!tip]- Why pooling\n>\n> [[Pooling|pooling]]"
    assert link("> [!stride]\n> stride") == "> [!stride]\n> [[Stride|stride]]"


def test_not_in_tags():
    assert link("#stride #cnn/pooling stride pooling") == (
        "#stride #cnn/pooling [[Stride|stride]] [[Pooling|pooling]]"
    )


def test_not_in_block_ids():
    assert link("some text ^stride\n\nstride") == "some text ^stride\n\n[[Stride|stride]]"


def test_not_in_comments():
    assert link("%% stride %% stride") == "%% stride %% [[Stride|stride]]"
    assert link("%%\nstride\n\npooling\n%%\n\npooling") == "%%\nstride\n\npooling\n%%\n\n[[Pooling|pooling]]"


def test_an_unclosed_comment_runs_to_the_end():
    assert link("a %% stride\n\nstride") == "a %% stride\n\nstride"


def test_percent_signs_in_code_do_not_open_a_comment():
    assert link("`%%time` stride\n\n```\n%%\n```\n\npooling") == (
        "`%%time` [[Stride|stride]]\n\n```\n%%\n```\n\n[[Pooling|pooling]]"
    )


def test_not_in_html():
    text = "<span>stride</span> <!-- pooling --> a<br>pooling\n\n<div>\nstride\n</div>\n\nstride"
    assert link(text) == (
        "<span>stride</span> <!-- pooling --> a<br>[[Pooling|pooling]]\n\n<div>\nstride\n</div>\n\n[[Stride|stride]]"
    )


def test_not_in_urls_or_email_addresses():
    text = "https://example.org/stride <https://stride.org> www.stride.org stride@example.org stride"
    assert link(text) == (
        "https://example.org/stride <https://stride.org> www.stride.org stride@example.org [[Stride|stride]]"
    )


def test_not_in_markdown_links_or_images():
    assert link("[the stride](https://example.org) ![stride](s.png) stride") == (
        "[the stride](https://example.org) ![stride](s.png) [[Stride|stride]]"
    )


def test_not_glued_to_brackets_or_a_bang():
    # "[[[Stride|stride]]]" and "![[...]]" (an embed) would not read as intended.
    assert link("[stride] !stride stride") == "[stride] !stride [[Stride|stride]]"


def test_not_across_a_line_break():
    # A link cannot span lines; the phrase is not found, and "field" alone is a mention.
    assert link("receptive\nfield") == "receptive\n[[Field|field]]"


def test_not_on_a_line_a_link_pipe_would_turn_into_a_table_header():
    # "[[Stride|stride]] here" above "---|---" would read as a two-column table.
    assert link("stride here\n---|---\nfield") == "stride here\n---|---\n[[Field|field]]"


def test_a_tag_needs_a_space_before_its_hash():
    # "C#" and "x#y" are not tags; "(#stride)" is.
    assert link("(#stride) pooling#stride") == "(#stride) [[Pooling|pooling]]#[[Stride|stride]]"


# --- notes already linked, and the note itself -----------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "[[Stride]] and stride",
        "stride and later [[Stride]]",
        "[[Stride|s]] and stride",
        "![[Stride]] and stride",
        "[[stride]] and stride",
        "[[Stride#Basics|basics]] and stride",
        "[[notes/Stride.md]] and stride",
        "# See [[Stride]]\n\nstride",
        "[s](Stride.md) and stride",
        "| a |\n|---|\n| [[Stride\\|s]] |\n\nstride",
    ],
)
def test_a_note_linked_anywhere_is_not_linked_again(text):
    assert link(text) == text


def test_a_link_inside_code_is_not_a_link():
    assert link("`[[Stride]]` stride") == "`[[Stride]]` [[Stride|stride]]"


def test_a_markdown_link_with_an_escaped_name_counts():
    assert link("[mp](Max%20Pooling.md) max pooling") == "[mp](Max%20Pooling.md) max pooling"


def test_an_embed_of_another_file_does_not_count():
    assert link("![[Stride.svg]] stride") == "![[Stride.svg]] [[Stride|stride]]"


def test_the_note_itself_is_never_linked():
    assert link("stride and pooling", exclude=["Stride"]) == "stride and [[Pooling|pooling]]"
    assert link("stride", exclude=["STRIDE"]) == "stride"


# --- prose in containers and tables ----------------------------------------------------


def test_list_items_and_blockquotes_are_prose():
    text = "- stride\n  1. pooling\n\n> max pooling\n> > receptive field"
    assert link(text) == (
        "- [[Stride|stride]]\n  1. [[Pooling|pooling]]\n\n> [[Max Pooling|max pooling]]\n"
        "> > [[Receptive Field|receptive field]]"
    )


def test_table_cells_are_prose_with_the_alias_pipe_escaped():
    text = "| Term | Meaning |\n|---|---|\n| stride | the receptive field |"
    assert link(text) == (
        "| Term | Meaning |\n|---|---|\n| [[Stride\\|stride]] | the [[Receptive Field\\|receptive field]] |"
    )


def test_a_table_link_without_alias_needs_no_pipe():
    assert link("| Stride |\n|---|\n| x |") == "| [[Stride]] |\n|---|\n| x |"


def test_table_in_a_blockquote_with_escaped_pipes_and_code():
    text = "> | a | b |\n> |---|---|\n> | `x\\|y` \\| stride | pooling |"
    assert link(text) == (
        "> | a | b |\n> |---|---|\n> | `x\\|y` \\| [[Stride\\|stride]] | [[Pooling\\|pooling]] |"
    )


def test_text_beyond_the_header_columns_is_not_a_cell():
    # A bare pipe splits cells even inside a code span (GFM), so "pooling" lands in a
    # third cell of a two-column table, which markdown drops.
    text = "| a | b |\n|---|---|\n| `x|y` stride | pooling |"
    assert link(text) == "| a | b |\n|---|---|\n| `x|y` [[Stride\\|stride]] | pooling |"


# --- the output is the input plus links ------------------------------------------------


def test_everything_else_is_byte_identical():
    text = "a  \r\nstride\t \r\n\r\n```\r\nx\r\n```\r\n\r\n\u00a0pooling \u2014 end"
    assert link(text) == "a  \r\n[[Stride|stride]]\t \r\n\r\n```\r\nx\r\n```\r\n\r\n\u00a0[[Pooling|pooling]] \u2014 end"


def test_no_targets_no_change():
    assert autolink("stride", {}) == "stride"


DOCUMENT = """\
---
title: Stride
---
# Stride and pooling

Stride sets the jump; `stride` in code is not prose.

> [!note] Receptive field
> The receptive field grows with max pooling.

| Layer | Effect |
|---|---|
| pool | pooling halves the map |
| conv | field of view |

%% RF here is a comment %%
"""


def test_a_whole_note():
    assert link(DOCUMENT, exclude=["Stride"]) == DOCUMENT.replace(
        "> The receptive field grows with max pooling.",
        "> The [[Receptive Field|receptive field]] grows with [[Max Pooling|max pooling]].",
    ).replace(
        "| pool | pooling halves", "| pool | [[Pooling\\|pooling]] halves"
    ).replace(
        "| conv | field of view", "| conv | [[Field\\|field]] of view"
    )


def test_linking_twice_is_linking_once():
    once = link(DOCUMENT)
    assert once != DOCUMENT
    assert link(once) == once


# --- bad targets -----------------------------------------------------------------------


def test_a_phrase_naming_two_notes_is_an_error():
    with pytest.raises(ValueError, match="'rf'"):
        autolink("x", {"RF": "Receptive Field", "rf": "Radio Frequency"})


@pytest.mark.parametrize("targets", [{" ": "X"}, {"a|b": "X"}, {"[x]": "X"}, {"x": "a|b"}])
def test_a_phrase_or_file_name_that_cannot_be_linked_is_an_error(targets):
    with pytest.raises(ValueError):
        autolink("x", targets)


# --- properties over generated notes ---------------------------------------------------

_FRAGMENTS = [
    "stride", "Stride", "receptive field", "max pooling", "pooling", "RF", "field",
    " ", "\n", "\n\n", "\r\n", "\t", "    ", "`", "$", "$$", "[[", "]]", "|", "\\|", "#",
    "%%", "> ", "- ", "1. ", "[!note] ", "---\n", "```\n", "*", "_", "<span>", "</span>",
    "<br>", "[", "]", "(", ")", "!", "\\", "|---|\n", "-", "https://x.org/", "^id", "&amp;",
]
_WIKILINK = re.compile(r"!?\[\[([^\[\]|\n]*?)(?:\\?\|([^\[\]\n]*?))?\]\]")


def _unlink(text: str) -> str:
    return _WIKILINK.sub(lambda m: m.group(2) if m.group(2) is not None else m.group(1), text)


@settings(max_examples=300)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=40).map("".join))
def test_generated_notes_change_only_by_links_and_settle_after_one_pass(text):
    once = link(text)
    assert _unlink(once) == _unlink(text)
    assert link(once) == once


@given(st.text())
def test_any_text_is_accepted(text):
    assert _unlink(link(text)) == _unlink(text)


def test_an_all_capitals_alias_matches_only_as_written() -> None:
    # "gap" (generalisation gap) is a word; "GAP" (global average pooling) is the alias
    targets = {"GAP": "Classifier Heads"}
    assert autolink("the gap shrinks; GAP pools", targets) == "the gap shrinks; [[Classifier Heads|GAP]] pools"
