"""``notegen new example`` and ``notegen init``: start files a student then edits."""

from __future__ import annotations

import shutil
from pathlib import Path

from notegen.errors import NotegenError
from notegen.model import Content
from notegen.errors import suggest
from notegen.plan.names import slugify
from notegen.plan.vault_plan import HOME_TITLE
from notegen.sources.titles import TITLE_HINT, title_problem
from notegen.render.environment import make_environment

DEFAULT_PATTERN = "shape-params-flops"


def new_example(content: Content, source: Path, templates: Path, title: str,
                pattern: str | None, topic: str | None) -> Path:
    """Write a commented example skeleton that builds as it is; returns its path."""
    patterns = {p.name: p for p in content.patterns}
    topics = {t.title for t in content.topics}
    title = title.strip()
    if not title or any(ord(ch) < 32 for ch in title):
        raise NotegenError(["the title must be one line of text: give the example a title"])
    if problem := title_problem(title):
        raise NotegenError([f"{problem}; {TITLE_HINT}"], headline="nothing written")
    taken = {HOME_TITLE} | topics | {e.title for e in content.examples} | {
        n.title for n in content.networks} | {p.title for p in content.patterns}
    if title.casefold() in {t.casefold() for t in taken}:
        raise NotegenError([f"a note titled '{title}' already exists: choose another title"])
    if not patterns:
        raise NotegenError([f"{source / 'patterns.yaml'} defines no exam pattern; add one first "
                            "(see docs/content-format.md)"])
    if pattern is None:
        pattern = DEFAULT_PATTERN if DEFAULT_PATTERN in patterns else next(iter(sorted(patterns)), None)
    if pattern not in patterns:
        raise NotegenError([f"no exam pattern '{pattern}' in {source / 'patterns.yaml'}; "
                            + suggest(str(pattern), set(patterns), f"known: {', '.join(sorted(patterns))}")])
    if topic is None:
        topic = patterns[pattern].topic or next(iter(sorted(topics)), None)
    if topic not in topics:
        raise NotegenError([f"no topic titled '{topic}' in {source / 'topics'}; "
                            + suggest(str(topic), topics, f"known: {', '.join(sorted(topics))}")])
    target = source / "examples" / f"{slugify(title)}.yaml"
    if target.exists():
        raise NotegenError([f"{target} already exists: choose another title or edit that file"])
    text = make_environment(templates).get_template("new-example.yaml.j2").render(
        title=title.strip(), pattern=pattern, topic=topic)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


def init_course(packaged_content: Path, target: Path) -> Path:
    """Copy the packaged course into ``target`` (a new ``content`` folder) to edit and extend."""
    if target.exists():
        raise NotegenError([f"{target} already exists: nothing was copied"])
    shutil.copytree(packaged_content, target)
    return target
