"""Exam patterns (``patterns.yaml``): the kinds of question, with checklists."""

from __future__ import annotations

from notegen.errors import ErrorCollector
from notegen.model import Loc, Pattern
from notegen.sources.examples import PATTERN_NAME
from notegen.sources.fields import Fields
from notegen.sources.titles import check_titles
from notegen.sources.yaml_loc import LocDict, LocList, load_yaml

PATTERN_KEYS = ("name", "title", "prompt", "topic", "checklist")


def parse_patterns(text: str, path: str, errors: ErrorCollector) -> tuple[Pattern, ...]:
    data = load_yaml(text, path)
    if data is None:
        return ()
    if not isinstance(data, LocList):
        errors.add(path, 1, "patterns must be a list of {name, title, prompt, topic, checklist}")
        return ()
    out = []
    for i, item in enumerate(data):
        if not isinstance(item, LocDict):
            errors.add(path, data.line_of(i), "each pattern must be a mapping")
            continue
        f = Fields(item, path, errors, PATTERN_KEYS)
        check_titles(item, path, errors)
        name = f.text("name", required=True)
        if name and not PATTERN_NAME.match(name):
            f.error("name", f"pattern name '{name}' must be lowercase words joined by '-'")
        out.append(Pattern(name, f.text("title", required=True), f.text("prompt"), f.text("topic"),
                           f.texts("checklist"), Loc(path, item.line)))
    return tuple(out)
