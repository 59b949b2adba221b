import pytest
from hypothesis import given, strategies as st

from notegen.vault import user_sections as us

NOTE = (
    "# Stride\n"
    "\n"
    "## My notes\n"
    "%% notegen:user begin %%\n"
    "%% notegen:user end %%\n"
    "footer\n"
)


def test_an_empty_section_holds_exactly_one_newline():
    section = us.locate(NOTE)
    assert section.content(NOTE) == "\n"
    # Offsets counted by hand: "# Stride\n\n## My notes\n" is 9 + 1 + 12 = 22 characters.
    assert section.line_start == 22
    assert section.start == 22 + len(us.BEGIN)


def test_content_is_everything_between_the_marker_lines():
    text = NOTE.replace(us.BEGIN + "\n", us.BEGIN + "\n  my *own* text\n\n")
    assert us.locate(text).content(text) == "\n  my *own* text\n\n"


def test_a_note_without_markers_has_no_section():
    assert us.locate("# Title\nbody\n") is None


@pytest.mark.parametrize("text", [
    NOTE.replace(us.BEGIN + "\n", ""),                          # begin deleted
    NOTE.replace(us.END + "\n", ""),                            # end deleted
    NOTE + us.BEGIN + "\n",                                     # a second begin
    "%% notegen:user end %%\nx\n%% notegen:user begin %%\n",   # wrong order
    NOTE.replace(us.BEGIN, us.BEGIN + " typed on the marker"),  # marker no longer alone
])
def test_damaged_markers_are_reported(text):
    with pytest.raises(us.MarkersBroken):
        us.locate(text)


def test_empty_resets_only_the_content():
    text = NOTE.replace(us.BEGIN + "\n", us.BEGIN + "\nmine\n")
    assert us.empty(text) == NOTE


# Any text the student can type, as long as no line of it is a marker line; markers
# quoted inside a line are fine.
user_text = st.lists(st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
    st.sampled_from([f"see {us.BEGIN}", f"{us.END}!", "%%", "<!--SR:!2026-01-01,1,250-->"]),
), max_size=8).map("".join).filter(
    lambda t: not {us.BEGIN, us.END} & set(t.split("\n")))


@given(user_text)
def test_any_content_survives_byte_for_byte(content):
    content = "\n" + content + "\n"
    section = us.locate(NOTE)
    written = us.replace_content(NOTE, section, content)
    assert us.locate(written).content(written) == content
    assert us.empty(written) == NOTE
