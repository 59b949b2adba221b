"""``check_vault``: links, orphans, front matter, tags and math, as Obsidian reads a vault.

Each rule has a vault that passes and one that fails. Vaults are written to ``tmp_path``;
every note reached from a home note unless the test is about orphans, so that the problem
list holds exactly the problem under test. Line numbers in expected problems are counted
by hand from the note text in the test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notegen.errors import NotegenError
from notegen.vault.check import (
    Problem, check_notes, check_vault, format_problems, problems_as_json,
)
from notegen.vault.markdown_scan import scan_note
from notegen.vault.obsidian import heading_key, tag_problem
from notegen.vault.resolve import VaultIndex
from tests.mathcheck import math_errors

SOUND_VAULT = Path(__file__).parent / "fixtures" / "sound_vault"

Files = dict[str, "str | bytes"]


def write(root: Path, files: Files) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def check(tmp_path: Path) -> Callable[[Files], list[Problem]]:
    """Write a vault with a home note linking to every other note, then check it."""
    def run(files: Files, home: bool = True) -> list[Problem]:
        files = dict(files)
        if home:
            notes = [p[:-3] for p in files if p.endswith(".md") and not p.startswith(".")]
            files["Home.md"] = "# Home\n" + "".join(f"[[{n}]]\n" for n in notes)
        return check_vault(write(tmp_path / "vault", files))
    return run


def messages(problems: list[Problem]) -> list[tuple[str, int, str]]:
    return [(p.path, p.line, p.message) for p in problems]


# --- a sound vault ----------------------------------------------------------------------------

def test_sound_fixture_vault_has_no_problems() -> None:
    assert check_vault(SOUND_VAULT) == []


def test_sound_fixture_vault_math_typesets() -> None:
    notes = sorted(SOUND_VAULT.rglob("*.md"))
    assert len(notes) >= 4
    for note in notes:
        assert math_errors(note.read_text(encoding="utf-8")) == [], note


# --- link resolution --------------------------------------------------------------------------

def test_link_matches_note_name_ignoring_case(check) -> None:
    assert check({"topics/Receptive Field.md": "# RF\n[[home]]\n",
                  "Other.md": "[[receptive field]] [[RECEPTIVE FIELD|rf]]\n"}) == []


def test_alias_does_not_resolve_a_link(check) -> None:
    problems = check({"Receptive Field.md": "---\naliases: [RF]\n---\n# Receptive field\n",
                      "Other.md": "intro\nsee [[RF]]\n"})
    assert messages(problems) == [(
        "Other.md", 2,
        "broken link [[RF]]: no note or file 'RF' in the vault; 'RF' is an alias of "
        "'Receptive Field.md', and Obsidian does not resolve links by alias: write "
        "[[Receptive Field|RF]]")]


def test_link_to_missing_note_is_broken(check) -> None:
    problems = check({"A.md": "# A\n\n[[Pooling layer]]\n"})
    assert messages(problems) == [
        ("A.md", 3, "broken link [[Pooling layer]]: no note or file 'Pooling layer' in the vault")]


def test_path_suffix_link_resolves_and_wrong_folder_does_not(check) -> None:
    problems = check({"course/topics/Conv.md": "# Conv\n",
                      "A.md": "[[topics/Conv]] [[course/topics/conv]] [[/course/topics/Conv]]\n"
                              "[[other/Conv]]\n"})
    assert messages(problems) == [
        ("A.md", 2, "broken link [[other/Conv]]: no note or file 'other/Conv' in the vault; "
                    "a note of that name is at 'course/topics/Conv.md'")]


@pytest.mark.parametrize(("link", "source", "expected"), [
    ("note", "x/A.md", "a/Note.md"),  # shortest path among two 'Note.md'
    ("Note", "b/c/A.md", "b/c/Note.md"),  # the linking note's own folder wins
    ("c/Note", "A.md", "b/c/Note.md"),
    ("./Note", "b/c/A.md", "b/c/Note.md"),
    ("../Note", "b/c/A.md", None),  # there is no b/Note.md
    ("../../a/Note", "b/c/A.md", "a/Note.md"),
    ("Note.md", "A.md", "a/Note.md"),
    ("fig.svg", "A.md", "img/fig.svg"),
    ("fig", "A.md", None),  # attachments need their extension
    ("ote", "A.md", None),  # a suffix must start at a folder boundary
    ("", "b/c/A.md", "b/c/A.md"),  # [[#Heading]]: the note itself
])
def test_resolution_rules(link: str, source: str, expected: str | None) -> None:
    index = VaultIndex(["a/Note.md", "b/c/Note.md", "b/c/A.md", "A.md", "img/fig.svg"])
    assert index.resolve(link, source) == expected


def test_unicode_names_match_in_any_normal_form(check) -> None:
    # 'é' stored decomposed (as macOS writes file names), linked composed.
    problems = check({"Caf\u0065\u0301.md": "# Cafe\n", "A.md": "[[caf\u00e9]]\n"})
    assert problems == []


# --- headings and blocks ----------------------------------------------------------------------

NOTE_WITH_HEADINGS = """\
# Convolution
## Output size: the formula
### Worked example
## Parameters ##
Setext heading
--------------
A rule to cite. ^rule-1
"""


def test_heading_links_match_loosely(check) -> None:
    # Obsidian writes [[Conv#Output size the formula]] for a heading with ':' in it.
    links = ("[[Conv#Output size the formula]] [[conv#output SIZE: the formula]] "
             "[[Conv#Parameters]] [[Conv#Setext heading]] [[Conv#^rule-1]] "
             "[[Conv#Output size the formula#Worked example]]\n")
    assert check({"Conv.md": NOTE_WITH_HEADINGS, "A.md": links}) == []


def test_missing_heading_is_reported_with_closest_heading(check) -> None:
    problems = check({"Conv.md": NOTE_WITH_HEADINGS, "A.md": "# A\n[[Conv#Paramters]]\n"})
    assert messages(problems) == [
        ("A.md", 2, "[[Conv#Paramters]]: 'Conv.md' has no heading 'Paramters' "
                    "(closest: 'Parameters')")]


def test_nested_heading_link_needs_the_order_of_the_note(check) -> None:
    problems = check({"Conv.md": NOTE_WITH_HEADINGS,
                      "A.md": "[[Conv#Worked example#Output size the formula]]\n"})
    assert [p.message for p in problems] == [
        "[[Conv#Worked example#Output size the formula]]: 'Conv.md' has no heading "
        "'Output size the formula' (closest: 'Output size: the formula')"]


def test_heading_with_math_and_code_in_it(check) -> None:
    target = "# Conv\n## Cost $O(k^2)$ per `conv2d` call\n"
    problems = check({"Conv.md": target,
                      "A.md": "[[Conv#Cost $O(k^2)$ per `conv2d` call]]\n[[Conv#Cost]]\n"})
    assert messages(problems) == [
        ("A.md", 2, "[[Conv#Cost]]: 'Conv.md' has no heading 'Cost'")]


def test_heading_inside_code_is_not_a_heading(check) -> None:
    problems = check({"Conv.md": "```\n# Fake\n```\n", "A.md": "[[Conv#Fake]]\n"})
    assert [p.message for p in problems] == ["[[Conv#Fake]]: 'Conv.md' has no heading 'Fake'"]


def test_same_note_heading_and_block_links(check) -> None:
    note = "# Top\n[[#Top]] [[#^here]]\n\n[[#Bottom]] [[#^gone]]\ntext ^here\n"
    assert messages(check({"A.md": note})) == [
        ("A.md", 4, "[[#Bottom]]: 'A.md' has no heading 'Bottom'"),
        ("A.md", 4, "[[#^gone]]: 'A.md' has no block '^gone'"),
    ]


# --- embeds and markdown links ----------------------------------------------------------------

def test_embeds_of_existing_files_pass_and_missing_svg_fails(check) -> None:
    svg = "<svg xmlns='http://www.w3.org/2000/svg'/>"
    problems = check({"figures/conv.svg": svg,
                      "A.md": "![[conv.svg]]\n![[Conv.SVG|200]]\n\n![[pool.svg]]\n"})
    assert messages(problems) == [
        ("A.md", 4, "broken link ![[pool.svg]]: no note or file 'pool.svg' in the vault")]


def test_embed_without_extension_gets_a_hint(check) -> None:
    problems = check({"conv.svg": "<svg/>", "A.md": "![[conv]]\n"})
    assert messages(problems) == [
        ("A.md", 1, "broken link ![[conv]]: no note or file 'conv' in the vault; a link to a "
                    "file other than a note needs its extension: 'conv.svg'"),
        ("conv.svg", 1, "unused attachment: no note links to or embeds it"),
    ]


def test_note_embed_checks_its_heading(check) -> None:
    problems = check({"Conv.md": NOTE_WITH_HEADINGS,
                      "A.md": "![[Conv#Parameters]]\n![[Conv#Biases]]\n"})
    assert messages(problems) == [("A.md", 2, "![[Conv#Biases]]: 'Conv.md' has no heading 'Biases'")]


def test_markdown_links_resolve_like_wikilinks(check) -> None:
    note = ("[ok](Some%20Note.md) [ok](<Some Note.md>) [ok](Some%20Note.md#Part%20Two)\n"
            "![fig](img/f.png \"title\") [web](https://example.com/x.md) [m](mailto:a@b.c)\n"
            "[bad](Missing%20Note.md)\n"
            "[bad heading](Some%20Note.md#Part%203)\n")
    problems = check({"Some Note.md": "# Part Two\n", "img/f.png": b"\x89PNG", "A.md": note})
    assert messages(problems) == [
        ("A.md", 3, "broken link [bad](Missing%20Note.md): no note or file 'Missing Note.md' "
                    "in the vault"),
        ("A.md", 4, "[bad heading](Some%20Note.md#Part%203): 'Some Note.md' has no heading "
                    "'Part 3' (closest: 'Part Two')"),
    ]


def test_links_in_properties_are_links(check) -> None:
    # Obsidian reads "[[Note]]" in a property value as a link: it reaches its target,
    # and a broken one is reported on its line.
    files = {"Home.md": "---\ntype: home\nsee: '[[A]]'\n---\n",
             "A.md": "---\ntopic: x\nrelated:\n  - '[[Home]]'\n  - '[[Gone]]'\n---\n"}
    assert messages(check(files, home=False)) == [
        ("A.md", 5, "broken link [[Gone]]: no note or file 'Gone' in the vault")]


def test_wikilink_with_escaped_pipe_in_a_table(check) -> None:
    note = "| a | b |\n|---|---|\n| [[Conv\\|the conv]] | [[Nope\\|x]] |\n"
    problems = check({"Conv.md": "# Conv\n", "A.md": note})
    assert messages(problems) == [
        ("A.md", 3, "broken link [[Nope\\|x]]: no note or file 'Nope' in the vault")]


@pytest.mark.parametrize("hidden", [
    "`[[Missing]]`",
    "``code with ` and [[Missing]]``",
    "```\n[[Missing]]\n```",
    "~~~~md\n[[Missing]]\n~~~~",
    "- item\n\n  ```\n  [[Missing]]\n  ```",
    "para\n\n    [[Missing]] indented code",
    "$\\text{[[Missing]]}$",
    "$$\n[[Missing]]\n$$",
    "%% [[Missing]] %%",
    "<!-- [[Missing]] -->",
])
def test_links_in_code_math_and_comments_are_ignored(check, hidden: str) -> None:
    assert check({"A.md": f"# A\n\n{hidden}\n"}) == []


def test_link_in_list_continuation_is_still_a_link(check) -> None:
    # Indented by four spaces under a list item: continuation text, not indented code.
    problems = check({"A.md": "- item\n\n    see [[Missing]]\n"})
    assert messages(problems) == [
        ("A.md", 3, "broken link [[Missing]]: no note or file 'Missing' in the vault")]


# --- orphans and attachments ------------------------------------------------------------------

def test_orphan_note_is_reported(check) -> None:
    files = {"Home.md": "---\ntype: home\n---\n[[A]]\n", "A.md": "[[Home]]\n",
             "Lonely.md": "[[A]] [[Lonely]]\n"}  # a self-link does not count
    assert messages(check(files, home=False)) == [
        ("Lonely.md", 1, "orphan note: no other note links to or embeds it")]


def test_home_note_by_type_or_name_is_not_an_orphan(check) -> None:
    assert check({"Start.md": "---\ntype: home\n---\n[[A]]\n", "A.md": "x\n"}, home=False) == []
    assert check({"Home.md": "[[A]]\n", "A.md": "x\n"}, home=False) == []


def test_embed_and_link_in_a_comment(check) -> None:
    # An embed reaches its target; a link hidden in a comment does not.
    files = {"Home.md": "![[A]]\n%% [[B]] %%\n", "A.md": "x\n", "B.md": "y\n"}
    assert messages(check(files, home=False)) == [
        ("B.md", 1, "orphan note: no other note links to or embeds it")]


def test_unused_image_attachment_is_reported(check) -> None:
    files = {"A.md": "![[used.svg]]\n", "used.svg": "<svg/>", "unused.png": b"\x89PNG",
             "data.csv": "a,b\n"}  # only images are expected to be embedded
    assert messages(check(files)) == [
        ("unused.png", 1, "unused attachment: no note links to or embeds it")]


# --- front matter -----------------------------------------------------------------------------

def test_valid_front_matter_passes(check) -> None:
    note = ("---\ntitle: Conv\ntags:\n  - cnn/layer\n  - '#concept'\naliases: [conv, "
            "conv layer]\ntype: topic\n---\n# Conv\n")
    assert check({"A.md": note, "B.md": "---\ntags:\n---\nempty tags are allowed\n"}) == []


def test_invalid_yaml_is_reported_on_its_line(check) -> None:
    # line 1 '---', line 2 'title: ok', line 3 holds the stray ':' value.
    problems = check({"A.md": "---\ntitle: ok\nsummary: a: b\n---\n# A\n"})
    assert [(p.path, p.line) for p in problems] == [("A.md", 3)]
    # libyaml ends the sentence 'in this context', PyYAML's Python parser 'here'.
    assert problems[0].message.startswith(
        "front matter is not valid YAML: mapping values are not allowed")


@pytest.mark.parametrize(("front", "line", "message"), [
    ("- a\n- b", 2, "front matter must be a mapping of 'key: value' lines, not a list"),
    ("tags: cnn", 2, "'tags' must be a list of strings, not a string (write 'tags: [a, b]' "
                     "or one '- item' per line)"),
    ("title: x\naliases: RF", 3, "'aliases' must be a list of strings, not a string "
                                 "(write 'aliases: [a, b]' or one '- item' per line)"),
    ("tags:\n  - cnn\n  - 2024", 4, "'tags' item 2024 is a number, not a string; quote it"),
    ("tags: [cnn, 'deep learning']", 2, "tag 'deep learning' is not a valid Obsidian tag: "
                                        "a tag cannot contain spaces (use '-' or '_', or camelCase)"),
    ("tags: ['1984']", 2, "tag '1984' is not a valid Obsidian tag: a tag needs at least one "
                          "non-digit character"),
    ("aliases: ['']", 2, "an alias cannot be empty"),
    ("title: a\ntitle: b", 3, "front matter key 'title' is given twice (first on line 2)"),
])
def test_front_matter_shape(check, front: str, line: int, message: str) -> None:
    assert messages(check({"A.md": f"---\n{front}\n---\n# A\n"})) == [("A.md", line, message)]


def test_unclosed_front_matter_is_reported(check) -> None:
    assert messages(check({"A.md": "---\ntitle: x\n# A\n"})) == [
        ("A.md", 1, "front matter opened with '---' on line 1 is never closed; end it with a "
                    "'---' line")]


def test_dashes_after_line_one_are_not_front_matter(check) -> None:
    assert check({"A.md": "\n---\nnot: [yaml\n---\n"}) == []


# --- tags -------------------------------------------------------------------------------------

@pytest.mark.parametrize("tag", ["cnn", "cnn/receptive-field", "y1984", "snake_case",
                                 "日本語", "été", "1-2"])
def test_valid_tags(tag: str) -> None:
    assert tag_problem(tag) is None


@pytest.mark.parametrize(("tag", "problem"), [
    ("123", "a tag needs at least one non-digit character"),
    ("a b", "a tag cannot contain spaces (use '-' or '_', or camelCase)"),
    ("c++", "'+' cannot be part of a tag (letters, digits, '_', '-' and '/' only)"),
    ("a.b", "'.' cannot be part of a tag (letters, digits, '_', '-' and '/' only)"),
    ("a//b", "a nested tag cannot have an empty level (no leading, trailing or double '/')"),
    ("/a", "a nested tag cannot have an empty level (no leading, trailing or double '/')"),
    ("a/", "a nested tag cannot have an empty level (no leading, trailing or double '/')"),
    ("", "a tag cannot be empty"),
])
def test_invalid_tags(tag: str, problem: str) -> None:
    assert tag_problem(tag) == problem


def test_inline_tags_in_prose(check) -> None:
    note = ("# Heading #fine\n"
            "#cnn/layer starts a line, ends a sentence #concept.\n"
            "Issue #123 here\n"
            "C #c++ and #a//b\n")
    assert messages(check({"A.md": note})) == [
        ("A.md", 3, "'#123' is not a valid tag: a tag needs at least one non-digit character"),
        # same line: ordered by message
        ("A.md", 4, "'#a//b' is not a valid tag: a nested tag cannot have an empty level "
                    "(no leading, trailing or double '/')"),
        ("A.md", 4, "'#c++' is not a valid tag: '+' cannot be part of a tag, so Obsidian reads "
                    "this as '#c'"),
    ]


def test_hashes_that_are_not_tags_are_ignored(check) -> None:
    note = ("## Heading\n"
            "[[Other#123]] [x](#Heading) https://example.com/page#123 a#123 \\#123\n"
            "`#123` and #! and (#123)\n"
            "```\n#123\n```\n")
    problems = check({"Other.md": "# 123\n", "A.md": note})
    assert problems == []


# --- math -------------------------------------------------------------------------------------

def test_balanced_math_and_dollar_signs_pass(check) -> None:
    note = ("Size $H_{out}$ and\n$$\nr = 5\n$$\nprice $5 or \\$3; `$x` is code.\n"
            "Two on a line: $a$ and $b$, $$c$$.\n")
    assert check({"A.md": note}) == []


def test_unbalanced_math_is_reported(check) -> None:
    note = "# A\n\nopen $x + y here\n\nthen $$ a + b\n"
    assert messages(check({"A.md": note})) == [
        ("A.md", 3, "inline math '$' opened here is never closed in this paragraph; close it, "
                    "or write '\\$' for a dollar sign"),
        ("A.md", 5, "display math '$$' opened here is never closed with a second '$$'"),
    ]


def test_unclosed_fence_and_comment_are_reported(check) -> None:
    assert messages(check({"A.md": "# A\n```python\nx = 1\n"})) == [
        ("A.md", 2, "code fence ``` opened here is never closed, so the rest of the note is code")]
    assert messages(check({"A.md": "# A\n%% draft\n"})) == [
        ("A.md", 2, "comment '%%' opened here is never closed with '%%', which hides the rest "
                    "of the note")]


# --- the IO shell and output forms -------------------------------------------------------------

def test_hidden_folders_are_not_part_of_the_vault(check) -> None:
    files = {".obsidian/workspace.md": "[[Nowhere]] #123\n", ".trash/Old.md": "[[Nowhere]]\n",
             ".notegen/state.md": "$x\n", "sub/.hidden/x.png": b"\x89PNG", "A.md": "x\n"}
    assert check(files) == []


def test_lines_are_counted_the_same_with_crlf(check) -> None:
    problems = check({"A.md": b"---\r\ntitle: x\r\n---\r\n# A\r\n[[Gone]]\r\n"})
    assert messages(problems) == [
        ("A.md", 5, "broken link [[Gone]]: no note or file 'Gone' in the vault")]


def test_note_that_is_not_utf8_is_reported(check) -> None:
    problems = check({"A.md": b"# Caf\xe9\n"})
    assert messages(problems) == [
        ("A.md", 1, "not valid UTF-8 (byte 5); save the note as UTF-8")]


def test_missing_folder_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(NotegenError, match="not a folder"):
        check_vault(tmp_path / "nope")


def test_problems_are_sorted_and_formatted() -> None:
    notes = {"b.md": "[[x]]\n", "a.md": "\n\n[[y]]\n[[z]]\n", "Home.md": "[[a]] [[b]]\n"}
    problems = check_notes(notes)
    assert format_problems(problems) == (
        "a.md:3: broken link [[y]]: no note or file 'y' in the vault\n"
        "a.md:4: broken link [[z]]: no note or file 'z' in the vault\n"
        "b.md:1: broken link [[x]]: no note or file 'x' in the vault")
    assert json.loads(json.dumps(problems_as_json(problems)))[0] == {
        "path": "a.md", "line": 3, "message": "broken link [[y]]: no note or file 'y' in the vault"}


def test_heading_key_rule() -> None:
    assert heading_key("  Output   size: the [formula]|x ") == "output size the formula x"
    assert heading_key("ÉTAPE 1") == heading_key("étape 1")


# Markdown's special characters and multi-character tokens, so random text is mostly syntax.
MARKDOWN_ISH = st.lists(st.sampled_from(list("[]()#$`%<>!-|^\\~=*_/:. \n\taé1") + [
    "---\n", "```\n", "$$", "[[", "]]", "%%", "<!--", "-->", "    ", "> "]), max_size=80).map("".join)


@settings(max_examples=300, deadline=None)
@given(MARKDOWN_ISH)
def test_any_text_scans_to_blanked_text_of_the_same_shape(text: str) -> None:
    scanned = scan_note(text)
    for blanked in (scanned.structure, scanned.prose):
        assert len(blanked) == len(text)
        assert [i for i, ch in enumerate(blanked) if ch == "\n"] == list(scanned.newlines)
        # blanking only ever turns characters into spaces
        assert all(b == t or b == " " for b, t in zip(blanked, text))
    lines = text.count("\n") + 1
    assert all(1 <= m.line <= lines for m in scanned.math)
    problems = check_notes({"Home.md": text, "a/B.md": text}, ["c.svg"])
    assert all(p.path in ("Home.md", "a/B.md", "c.svg") and 1 <= p.line <= lines for p in problems)
    assert problems == sorted(problems)
