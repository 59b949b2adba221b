"""Note file names: legal everywhere, safe in Obsidian links, unique ignoring case."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notegen.plan.names import MAX_BYTES, MAX_CHARS, assign_names, name_key, safe_filename


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Conv: basics", "Conv - basics"),
        ("conv/pool", "conv-pool"),
        ("conv\\pool", "conv-pool"),
        ("train | test", "train - test"),
        ("Why residual?", "Why residual"),
        ("3*3 kernel", "3×3 kernel"),
        ('The "same" padding', "The 'same' padding"),
        ("a<b>c", "a‹b›c"),
        ("#Params [draft] ^x", "Params (draft) x"),
    ],
)
def test_characters_windows_or_obsidian_reject_get_readable_substitutes(title, expected):
    assert safe_filename(title) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Conv -> ReLU", "Conv → ReLU"),
        ("grad <- loss", "grad ← loss"),
        ("a <-> b", "a ↔ b"),
        ("if => then", "if ⇒ then"),
    ],
)
def test_ascii_arrows_become_arrow_symbols(title, expected):
    assert safe_filename(title) == expected


def test_unicode_symbols_are_kept():
    assert safe_filename("1×1 Conv → ReLU") == "1×1 Conv → ReLU"


def test_control_and_bidi_characters_go_and_whitespace_collapses():
    # \t and \n are whitespace (-> space), \x00 and \x7f are controls, U+202E is a bidi override.
    assert safe_filename("  a\tb\nc\x00d\x7f  e\u202ef  ") == "a b cd ef"


def test_a_lone_surrogate_is_dropped():
    assert safe_filename("a\ud800b") == "ab"


def test_no_leading_dot_and_no_trailing_dot_or_space():
    assert safe_filename(".hidden note") == "hidden note"
    assert safe_filename("Etc. ") == "Etc"
    assert safe_filename("Why?.") == "Why"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("CON", "CON_"),
        ("nul", "nul_"),
        ("Aux.notes", "Aux_.notes"),
        ("LPT9", "LPT9_"),
        ("COM¹", "COM¹_"),
    ],
)
def test_windows_device_names_are_changed(title, expected):
    assert safe_filename(title) == expected


def test_a_changed_device_name_still_fits_the_limit():
    # Cut to "CON." + 116 "a" (120), "_" after the stem makes 121, cut again to 120.
    assert safe_filename("CON." + "a" * 200) == "CON_." + "a" * 115


def test_dropping_a_control_character_does_not_leave_the_name_decomposed():
    assert safe_filename("e\x00\u0301") == "\u00e9"


@pytest.mark.parametrize("title", ["CONV", "Console", "COM10", "auxiliary loss"])
def test_names_that_only_start_like_a_device_are_kept(title):
    assert safe_filename(title) == title


@pytest.mark.parametrize("title", ["", "???", " . "])
def test_a_title_with_nothing_usable_becomes_untitled(title):
    assert safe_filename(title) == "Untitled"


def test_result_is_nfc():
    assert safe_filename("e\u0301cole") == "\u00e9cole"


def test_long_ascii_title_is_cut_to_the_character_limit():
    assert safe_filename("a" * 300) == "a" * MAX_CHARS


def test_multibyte_title_is_cut_to_the_byte_limit_on_a_character_boundary():
    # U+1F600 is 4 bytes in UTF-8: 200 bytes hold 50 of them.
    assert safe_filename("\U0001F600" * 100) == "\U0001F600" * 50


def test_cut_never_separates_a_letter_from_its_combining_mark():
    # "q" + U+0307 has no precomposed form. After the leading "a", pairs sit at (1, 2),
    # (3, 4), ...; the 120-character cut would fall between q (119) and its mark (120),
    # so the pair is dropped whole: "a" + 59 pairs = 119 characters.
    assert safe_filename("a" + "q\u0307" * 70) == "a" + "q\u0307" * 59


_FORBIDDEN = set('<>:"/\\|?*#^[]')


@given(st.text())
def test_any_title_gives_a_legal_stable_name(title):
    name = safe_filename(title)
    assert name
    assert not _FORBIDDEN & set(name)
    assert not any(unicodedata.category(ch) == "Cc" for ch in name)
    assert not name.startswith(".") and name[-1] not in ". "
    assert "  " not in name
    assert len(name) <= MAX_CHARS and len(name.encode("utf-8")) <= MAX_BYTES
    assert unicodedata.is_normalized("NFC", name)
    stem = name.split(".")[0].rstrip(" ").upper()
    assert not re.fullmatch(r"CON|PRN|AUX|NUL|COM[1-9¹²³]|LPT[1-9¹²³]", stem)
    assert safe_filename(name) == name


def test_distinct_names_are_kept():
    assert assign_names(["Pooling", "Stride"]) == {"Pooling": "Pooling", "Stride": "Stride"}


def test_names_that_clash_after_cleaning_get_numbered_in_order():
    # All three clean to "Why"; the first keeps it.
    assert assign_names(["Why?", "Why", "Why."]) == {
        "Why?": "Why",
        "Why": "Why (2)",
        "Why.": "Why (3)",
    }


def test_numbering_follows_the_given_order():
    assert assign_names(["Why", "Why?"]) == {"Why": "Why", "Why?": "Why (2)"}


def test_names_clash_ignoring_case():
    assert assign_names(["Pooling?", "pooling"]) == {"Pooling?": "Pooling", "pooling": "pooling (2)"}


def test_names_clash_after_nfc_normalisation():
    # "école?" cleans to NFC "école"; the decomposed title normalises to the same name.
    assert assign_names(["\u00e9cole?", "e\u0301cole"]) == {
        "\u00e9cole?": "\u00e9cole",
        "e\u0301cole": "\u00e9cole (2)",
    }


def test_a_number_suffix_skips_a_name_another_title_owns():
    assert assign_names(["Why?", "Why", "Why (2)"]) == {
        "Why?": "Why",
        "Why": "Why (3)",
        "Why (2)": "Why (2)",
    }


def test_titles_equal_ignoring_case_are_an_error_naming_them():
    with pytest.raises(ValueError) as error:
        assign_names(["Pooling", "Stride", "POOLING", "stride", "Padding"])
    message = str(error.value)
    assert "'Pooling' = 'POOLING'" in message
    assert "'Stride' = 'stride'" in message
    assert "Padding" not in message


def test_identical_titles_are_an_error():
    with pytest.raises(ValueError, match="'Pooling' = 'Pooling'"):
        assign_names(["Pooling", "Pooling"])


def test_titles_equal_after_nfc_are_an_error():
    with pytest.raises(ValueError):
        assign_names(["\u00e9cole", "E\u0301COLE"])


@given(
    st.lists(
        st.text(alphabet="aA?:. *\u00e9E\u0301", max_size=6),
        max_size=12,
        unique_by=lambda title: unicodedata.normalize("NFC", title).casefold(),
    )
)
def test_assigned_names_are_unique_and_start_with_the_safe_name(titles):
    names = assign_names(titles)
    assert list(names) == titles
    assert len({name_key(name) for name in names.values()}) == len(titles)
    for title, name in names.items():
        assert name == safe_filename(title) or re.fullmatch(
            re.escape(safe_filename(title)) + r" \([2-9]\d*\)", name
        )
