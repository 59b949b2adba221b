"""The first mention of another note's title or alias in prose becomes a wikilink.

``autolink(markdown, targets)`` returns the input with only those substitutions: the
prose is located with markdown-it-py and the links are spliced in at source offsets, so
every other byte comes back unchanged.

Prose is the inline text of paragraphs (in lists, blockquotes and callouts too) and of
table cells. Never prose: front-matter, headings, code (fenced, indented, spans), math
(``$...$``, ``$$...$$``), links of any kind (wikilinks, embeds, markdown links, ``<...>``
autolinks, bare URLs and e-mail addresses), HTML (blocks, tags and what an inline tag
encloses), entities, backslash escapes, ``#tags``, ``^block-ids``, Obsidian comments
``%% ... %%`` and the header line of a callout (``> [!note] Title``).

Matching: case-insensitive, whole words; a phrase must not touch a letter or digit, nor
a hyphen joined to one ("pooling" is not found in "max-pooling"). ``_`` counts as markup
(``_pooling_`` is emphasis). Inflections are not guessed: "poolings" matches only when it
is listed as an alias. Scanning goes left to right and, at one position, the longest
phrase wins; a phrase that is found but not linked (the note itself, or a note already
linked) still covers its words, so "Field" is not linked inside "receptive field".
Each target note is linked once; a note already linked anywhere in the document
(``[[Note]]``, ``[[Note|x]]``, ``![[Note]]``, ``[x](Note.md)``) is not linked again, which
also makes the function idempotent. Link targets are compared the way Obsidian resolves
them: case-insensitively, by file name without folder, ``#heading`` or ``.md``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Callable, Iterable, Mapping
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from notegen.plan.names import name_key
from notegen.render.obsidian import wikilink
from notegen.render.prose_offsets import (Lines as _Lines, complement as _complement, inside as _inside,
                                            map_spans as _map, merge_spans as _merge,
                                            paragraph_pieces as _paragraph_pieces, row_cells as _row_cells,
                                            Piece, Span)


_SPANS = "notegen.autolink.spans"  # env keys the inline rules below write to
_MENTIONS = "notegen.autolink.mentions"
# Inline rules whose text is prose; every other rule (code, math, links, html, ...) is not.
_PROSE_RULES = frozenset({"text", "newline", "emphasis", "strikethrough"})
_OPAQUE_BLOCKS = frozenset(
    {"front_matter", "fence", "code_block", "math_block", "math_block_label", "html_block"}
)
_WORD = r"[^\W_]"
_WIKILINK = re.compile(r"(!?)\[\[([^\[\]\n]+)\]\]")
_CALLOUT = re.compile(r"\[![^\]\n]+\][+-]?")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_PLAIN_SYNTAX = re.compile(
    r"(?i:\b(?:[a-z][a-z0-9+.-]*://|www\.|mailto:)[^\s<>]*)"  # bare URL
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail address
    r"|(?<![^\s(\"'])#[\w/-]+"  # tag: "#" after a space or an opening mark, not "C#"
    r"|(?<!\S)\^[A-Za-z0-9-]+[ \t]*$",  # block id
    re.MULTILINE,
)
# Every inline rule that is not prose starts at one of these characters: math '$', escape
# '\\', code '`', wikilink / link '[', image '!', autolink / HTML '<', entity '&'.
_MAY_HOLD_SYNTAX = re.compile(r"[$\\`\[!<&]").search
_HTML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^>]*?(/?)>\Z")
_VOID_TAGS = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()
)
# A link must not be glued to "[" or "]" (it would read as [[[...]]]), to "!" (an embed)
# or to "\" (escaping its first bracket).
_NO_LINK_BEFORE = frozenset("[!\\")
_NO_LINK_AFTER = frozenset("]")


def autolink(markdown: str, targets: Mapping[str, str], *, exclude: Iterable[str] = ()) -> str:
    """Link the first prose mention of each target note.

    ``targets`` maps a phrase (a note's title or alias) to the file name of its note;
    ``exclude`` holds file names never linked (the note being written). A mention keeps
    its text as the display: ``receptive field`` -> ``[[Receptive Field|receptive field]]``;
    the alias is dropped when the text is the file name exactly; inside a table cell the
    alias pipe is written ``\\|``. Raises ``ValueError`` when a phrase is blank or could
    not sit in a link, or when one phrase (ignoring case) names two different notes.
    """
    if not targets:
        return markdown
    files, written, pattern = _compile(tuple(targets.items()))
    prose, mentions = _scan(markdown)
    done = {name_key(name) for name in exclude} | mentions
    replacements: list[tuple[int, int, str]] = []
    for start, end, in_table in prose:
        for match in pattern.finditer(markdown, start, end):
            key = _phrase_key(match.group())
            file = files.get(key)
            if file is None or name_key(file) in done or not _can_link(markdown, *match.span()):
                continue
            if _is_acronym(written[key]) and match.group() != written[key]:
                continue  # "GAP" the pooling, not the "gap" between two errors
            done.add(name_key(file))
            link = wikilink(file, match.group(), in_table=in_table)
            replacements.append((match.start(), match.end(), link))
    return _splice(markdown, replacements)


# --- phrases -------------------------------------------------------------------------


def _phrase_key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def _is_acronym(phrase: str) -> bool:
    """An all-capitals alias (GAP, RF, BN, CNN) only matches as written: its lower-case
    spelling is usually an ordinary word."""
    letters = [ch for ch in phrase if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


@functools.lru_cache(maxsize=16)
def _compile(targets: tuple[tuple[str, str], ...]
             ) -> tuple[dict[str, str], dict[str, str], re.Pattern[str]]:
    """Phrase key -> file name, phrase key -> phrase as written, and the regex of all
    phrases; built once per target set (a build links every note against the same targets)."""
    lookup = _phrase_lookup(targets)
    files = {key: file for key, (_, file) in lookup.items()}
    written = {key: phrase for key, (phrase, _) in lookup.items()}
    return files, written, _phrase_pattern(tuple(phrase for phrase, _ in lookup.values()))


def _phrase_lookup(targets: Iterable[tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """phrase key -> (phrase as written, file name); validates the mapping."""
    lookup: dict[str, tuple[str, str]] = {}
    problems: list[str] = []
    for phrase, file in sorted(targets):
        key = _phrase_key(phrase)
        if not key or any(bad in phrase for bad in ("|", "[", "]")):
            problems.append(f"phrase {phrase!r} cannot be linked")
        elif key in lookup and lookup[key][1] != file:
            problems.append(f"phrase {phrase!r} names both {lookup[key][1]!r} and {file!r}")
        else:
            wikilink(file)  # raises on a file name that cannot be a link target
            lookup.setdefault(key, (" ".join(phrase.split()), file))
    if problems:
        raise ValueError("; ".join(problems))
    return lookup


def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for every phrase, shaped as a trie so a position costs one branch per
    character rather than one attempt per phrase; a phrase's end is an optional group,
    so a longer phrase wins over its prefix unless it fails the word boundary."""
    trie: dict[str, dict] = {}
    for phrase in phrases:
        node = trie
        for unit in _units(phrase):
            node = node.setdefault(unit, {})
        node[""] = {}
    return re.compile(
        rf"(?<!{_WORD})(?<!{_WORD}-){_trie_regex(trie)}(?!{_WORD})(?!-{_WORD})", re.IGNORECASE
    )


def _units(phrase: str) -> list[str]:
    """Trie keys: characters lowercased (the regex ignores case), a space per word gap."""
    return list(" ".join(phrase.lower().split()))


def _trie_regex(node: dict[str, dict]) -> str:
    branches = [
        (r"[^\S\n]+" if unit == " " else re.escape(unit)) + _trie_regex(child)
        for unit, child in sorted(node.items())
        if unit
    ]
    if not branches:
        return ""
    if len(branches) == 1 and "" not in node:
        return branches[0]
    return "(?:" + "|".join(branches) + ")" + ("?" if "" in node else "")


def _can_link(text: str, start: int, end: int) -> bool:
    # The pattern's look-ahead stops at the end of a prose span; check the real next chars.
    after = text[end : end + 2]
    if after[:1].isalnum() or (after[:1] == "-" and after[1:].isalnum()):
        return False
    return text[start - 1 : start] not in _NO_LINK_BEFORE and after[:1] not in _NO_LINK_AFTER


def _splice(text: str, replacements: list[tuple[int, int, str]]) -> str:
    parts: list[str] = []
    last = 0
    for start, end, new in sorted(replacements):
        parts += [text[last:start], new]
        last = end
    return "".join(parts) + text[last:]


# --- where the prose is --------------------------------------------------------------


@functools.cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable("table")
    front_matter_plugin(md)
    dollarmath_plugin(md, double_inline=True)
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
    # ``__rules__`` is the ruler's rule list (markdown-it-py has no getter for a rule's
    # function); every non-prose rule is wrapped to record the source span it consumed.
    for rule in md.inline.ruler.__rules__:
        if rule.name not in _PROSE_RULES:
            md.inline.ruler.at(rule.name, _recording(rule.name, rule.fn))
    md.disable("inline")  # the core rule; inline text is parsed per unit in _scan
    return md


def _recording(name: str, rule: Callable[[StateInline, bool], bool]):
    def recorded(state: StateInline, silent: bool) -> bool:
        start = state.pos
        matched = rule(state, silent)
        if matched and not silent and _SPANS in state.env:
            state.env[_SPANS].append((name, start, state.pos))
        return matched

    return recorded


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    match = _WIKILINK.match(state.src, state.pos, state.posMax)
    if match is None:
        return False
    if not silent:
        token = state.push("wikilink", "", 0)
        token.content = match.group(2)
        target = re.split(r"\\?\|", match.group(2), maxsplit=1)[0]
        state.env[_MENTIONS].add(_target_key(target))
    state.pos = match.end()
    return True


def _target_key(target: str) -> str:
    """How Obsidian identifies a link target: file name only, any case, no ``.md``."""
    name = target.split("#", 1)[0].rsplit("/", 1)[-1].strip()
    if name.lower().endswith(".md"):
        name = name[:-3]
    return name_key(name)


def _scan(text: str) -> tuple[list[tuple[int, int, bool]], set[str]]:
    """Prose spans in source offsets (with whether each is in a table), in document
    order, and the keys of notes the text already links to."""
    md = _parser()
    env: dict = {_MENTIONS: set()}
    tokens = md.parse(text, env)
    lines = _Lines(text)
    units: list[tuple[str, list[Piece], bool]] = []
    opaque: list[Span] = []  # where "%%" is text, not a comment marker
    rows: dict[int, list[str]] = {}
    for i, token in enumerate(tokens):
        if token.type in _OPAQUE_BLOCKS and token.map:
            opaque.append(lines.span(*token.map))
        if token.type != "inline" or token.map is None:
            continue
        opener = tokens[i - 1].type
        if opener == "paragraph_open":
            pieces = _paragraph_pieces(token.content, token.map[0], lines)
            callout = i >= 2 and tokens[i - 2].type == "blockquote_open"
            if callout and _CALLOUT.match(token.content):
                pieces = pieces[1:]  # the header line: type, fold sign and title
            units.append((token.content, pieces, False))
        elif opener in ("th_open", "td_open"):
            rows.setdefault(token.map[0], []).append(token.content)
        else:  # headings: not prose, but the links in them count
            _inline_syntax(token.content, env)
    for line, cells in rows.items():
        for cell, offset in _row_cells(lines, line, cells):
            units.append((cell, [(0, len(cell), offset)], True))

    prose: list[tuple[int, int, bool]] = []
    for content, pieces, in_table in units:
        syntax, code = _inline_syntax(content, env)
        for start, end in _map(_complement(syntax, len(content)), pieces):
            prose.append((start, end, in_table))
        opaque += _map(code, pieces)
    uncommented = _complement(_comments(text, _merge(opaque)), len(text))
    kept = [
        (s, e, in_table)
        for start, end, in_table in prose
        for s, e in _map(uncommented, [(start, end, start)])  # clip to [start, end)
    ]
    return sorted(kept), env[_MENTIONS]


def _inline_syntax(content: str, env: dict) -> tuple[list[Span], list[Span]]:
    """Spans of ``content`` that are not prose, and those that are code spans; records
    the targets of markdown links to notes in ``env``."""
    if not _MAY_HOLD_SYNTAX(content):  # most table cells and many paragraphs: nothing to parse
        return _merge([m.span() for m in _PLAIN_SYNTAX.finditer(content)]), []
    md = _parser()
    env[_SPANS] = recorded = []
    for token in md.inline.parse(content, md, env, []):
        href = token.attrGet("href") if token.type == "link_open" else None
        if isinstance(href, str) and href and not href.startswith("#") and not _SCHEME.match(href):
            env[_MENTIONS].add(_target_key(unquote(href.split("?", 1)[0])))
    syntax = [(s, e) for name, s, e in recorded if name != "html_inline"]
    syntax += _html_spans(content, [(s, e) for name, s, e in recorded if name == "html_inline"])
    syntax += [m.span() for m in _PLAIN_SYNTAX.finditer(content)]
    code = [(s, e) for name, s, e in recorded if name == "backticks"]
    return _merge(syntax), code


def _html_spans(content: str, tags: list[Span]) -> list[Span]:
    """Inline HTML tags together with the text an element encloses (an unclosed element
    runs to the end of the paragraph); comments and void tags are just themselves."""
    spans: list[Span] = []
    open_tags: list[tuple[str, int]] = []
    for start, end in tags:
        spans.append((start, end))
        tag = _HTML_TAG.match(content, start, end)
        if tag is None or tag.group(3) or tag.group(2).lower() in _VOID_TAGS:
            continue
        name = tag.group(2).lower()
        if not tag.group(1):
            open_tags.append((name, start))
        elif any(open_name == name for open_name, _ in open_tags):
            while open_tags:
                open_name, open_start = open_tags.pop()
                if open_name == name:
                    spans.append((open_start, end))
                    break
    spans += [(open_start, len(content)) for _, open_start in open_tags]
    return spans


def _comments(text: str, opaque: list[Span]) -> list[Span]:
    """Obsidian ``%% ... %%`` comments (an unclosed one runs to the end of the note)."""
    marks = [m.start() for m in re.finditer("%%", text) if not _inside(m.start(), opaque)]
    spans = [(marks[i], marks[i + 1] + 2) for i in range(0, len(marks) - 1, 2)]
    if len(marks) % 2:
        spans.append((marks[-1], len(text)))
    return spans
