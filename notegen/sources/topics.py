"""Topic notes: markdown with YAML front-matter (split with python-frontmatter)."""

from __future__ import annotations

import frontmatter

from notegen.errors import ErrorCollector
from notegen.model import Card, Loc, Topic
from notegen.sources.fields import Fields
from notegen.sources.titles import check_titles
from notegen.sources.yaml_loc import LocDict, LocList, load_yaml

TOPIC_KEYS = ("title", "aliases", "section", "order", "summary", "tags", "networks", "flashcards",
              "cssclasses")


def parse_topic(text: str, path: str, errors: ErrorCollector) -> Topic | None:
    """One topic note; faults go to ``errors`` with their line in the file."""
    start = len(errors.errors)
    if text.startswith("---"):
        try:
            raw_meta, body = frontmatter.YAMLHandler().split(text)
        except ValueError:
            errors.add(path, 1, "the front-matter is not closed",
                       "end it with a line of three dashes (---) before the body")
            return None
    else:
        raw_meta, body = "", text
    # The split keeps the newline after the opening --- at the start of the YAML text, so its
    # line numbers are already those of the file once the --- line is counted out.
    meta = load_yaml(raw_meta, path) if raw_meta.strip() else LocDict()
    if not isinstance(meta, LocDict):
        errors.add(path, 1, "the front-matter must be a mapping (key: value lines between --- lines)")
        return None
    meta_first = text.find(raw_meta) if raw_meta else 0
    _shift(meta, text[:meta_first].count("\n"))
    f = Fields(meta, path, errors, TOPIC_KEYS)
    check_titles(meta, path, errors)
    title = f.text("title", required=True)
    cards = _cards(meta.get("flashcards"), f, path)
    stripped = body.lstrip("\n")
    body_line = text[: len(text) - len(stripped)].count("\n") + 1
    if len(errors.errors) > start:
        return None
    return Topic(title=title, body=body.strip("\n") + "\n", loc=Loc(path, 1), body_line=body_line,
                 aliases=f.texts("aliases"), section=f.integer("section"), order=f.integer("order"),
                 summary=f.text("summary"), tags=f.tags(), networks=f.texts("networks"),
                 cards=cards, cssclasses=f.texts("cssclasses"))


def _cards(value: object, f: Fields, path: str) -> tuple[Card, ...]:
    if value is None:
        return ()
    if not isinstance(value, LocList):
        f.error("flashcards", "flashcards must be a list of {q: question, a: answer}")
        return ()
    cards = []
    for i, item in enumerate(value):
        line = value.line_of(i)
        if not isinstance(item, dict) or set(item) != {"q", "a"} or not all(
                isinstance(item[k], str) and item[k].strip() for k in ("q", "a")):
            f.errors.add(path, line, "a flashcard needs exactly a question 'q' and an answer 'a', both text",
                         "- q: Why use residual connections?\n      a: ...")
            continue
        q, a = item["q"].strip(), item["a"].strip()
        # The Spaced Repetition plugin splits a card at the first "::" and ends it at a blank
        # line: either would silently cut the card short.
        if "::" in q:
            f.errors.add(path, line, "a flashcard question cannot contain '::' (the plugin splits the card there)",
                         "reword it, e.g. write 'std: :move' or put the code in backticks without '::'")
            continue
        if "\n\n" in a or "\n\n" in q:
            f.errors.add(path, line, "a flashcard cannot contain a blank line (the plugin ends the card there)",
                         "join the paragraphs, or use a list without blank lines")
            continue
        cards.append(Card(q, a, Loc(path, line)))
    return tuple(cards)


def _shift(node: object, by: int) -> None:
    """Make front-matter lines count from the top of the file, not of the YAML block."""
    if isinstance(node, LocDict):
        node.line += by
        node.key_lines = {k: v + by for k, v in node.key_lines.items()}
        for v in node.values():
            _shift(v, by)
    elif isinstance(node, LocList):
        node.line += by
        node.item_lines = [v + by for v in node.item_lines]
        for v in node:
            _shift(v, by)
