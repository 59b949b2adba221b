"""Obsidian markdown helpers: wikilinks, table cells, tags."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notegen.render.obsidian import escape_table_cell, slug_tag, wikilink


def test_plain_wikilink():
    assert wikilink("Receptive Field") == "[[Receptive Field]]"


def test_wikilink_with_display_text():
    assert wikilink("Receptive Field", "RF") == "[[Receptive Field|RF]]"


def test_display_equal_to_target_is_left_out():
    assert wikilink("Pooling", "Pooling") == "[[Pooling]]"


def test_display_differing_only_in_case_is_kept():
    assert wikilink("Pooling", "pooling") == "[[Pooling|pooling]]"


def test_embed():
    assert wikilink("rf-growth.svg", embed=True) == "![[rf-growth.svg]]"
    assert wikilink("rf-growth.svg", "400", embed=True) == "![[rf-growth.svg|400]]"


def test_alias_pipe_is_escaped_inside_a_table():
    assert wikilink("Receptive Field", "RF", in_table=True) == "[[Receptive Field\\|RF]]"
    assert wikilink("Pooling", in_table=True) == "[[Pooling]]"


def test_heading_target_is_allowed():
    assert wikilink("Pooling#Max pooling", "max pooling") == "[[Pooling#Max pooling|max pooling]]"


@pytest.mark.parametrize("target", ["", "a|b", "a]]", "a[b", "a\nb"])
def test_target_that_would_break_the_link_is_rejected(target):
    with pytest.raises(ValueError):
        wikilink(target)


@pytest.mark.parametrize("display", ["a|b", "a]]b", "[[a", "a\nb"])
def test_display_that_would_break_the_link_is_rejected(display):
    with pytest.raises(ValueError):
        wikilink("Pooling", display)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a | b", "a \\| b"),
        ("[[Receptive Field|RF]]", "[[Receptive Field\\|RF]]"),
        ("already \\| escaped", "already \\| escaped"),
        # "\\|" is an escaped backslash followed by a bare pipe
        ("x \\\\| y", "x \\\\\\| y"),
        ("line\nbreak\r\nand\rmore", "line<br>break<br>and<br>more"),
        ("no special characters", "no special characters"),
    ],
)
def test_escape_table_cell(text, expected):
    assert escape_table_cell(text) == expected


def test_escaping_a_cell_twice_changes_nothing_more():
    once = escape_table_cell("a | [[b|c]]\nd")
    assert escape_table_cell(once) == once == "a \\| [[b\\|c]]<br>d"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Receptive Field", "receptive-field"),
        ("1×1 Conv", "1-1-conv"),
        ("Réseau", "reseau"),
        ("Straße", "strasse"),
        ("ResNet-50", "resnet-50"),
        ("  --C++ / CUDA--", "c-cuda"),
        ("exam", "exam"),
    ],
)
def test_slug_tag(text, expected):
    assert slug_tag(text) == expected


@pytest.mark.parametrize("text", ["", "2024", "50 / 50", "×→"])
def test_text_without_a_letter_gives_no_tag(text):
    # Obsidian does not accept a tag made of digits only, e.g. #2024.
    with pytest.raises(ValueError):
        slug_tag(text)


@given(st.text())
def test_any_slug_is_a_valid_tag_segment(text):
    try:
        slug = slug_tag(text)
    except ValueError:
        return
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)
    assert re.search(r"[a-z]", slug)
