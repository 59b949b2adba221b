"""Decide the vault before anything is rendered: which notes exist, their file names,
their folders, and who links to whom. Dangling references are source errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from notegen.errors import ErrorCollector
from notegen.errors import suggest as near
from notegen.model import Content, Pattern, Topic
from notegen.plan.names import assign_names, name_key

HOME_TITLE = "Home"
FOLDERS = {"home": "", "topic": "Topics", "example": "Worked Examples", "network": "Networks",
           "pattern": "Exam Patterns"}
ATTACHMENTS = "attachments"


@dataclass(frozen=True)
class NotePlan:
    kind: str  # home | topic | example | network | pattern
    title: str
    file: str  # file name without .md; what every wikilink targets
    aliases: tuple[str, ...] = ()

    @property
    def path(self) -> str:
        folder = FOLDERS[self.kind]
        return f"{folder}/{self.file}.md" if folder else f"{self.file}.md"


@dataclass(frozen=True)
class VaultPlan:
    notes: tuple[NotePlan, ...]
    by_title: Mapping[str, NotePlan]
    link_targets: Mapping[str, str]  # phrase (title or alias), lower-cased -> file name
    topic_examples: Mapping[str, tuple[str, ...]]
    topic_networks: Mapping[str, tuple[str, ...]]
    network_topics: Mapping[str, tuple[str, ...]]
    topic_patterns: Mapping[str, tuple[str, ...]]
    pattern_examples: Mapping[str, tuple[str, ...]]
    pattern_of: Mapping[str, Pattern] = field(default_factory=dict)
    phrases: Mapping[str, str] = field(default_factory=dict)  # title/alias as written -> file name

    def file(self, title: str) -> str:
        return self.by_title[title].file

    def of_kind(self, kind: str) -> tuple[NotePlan, ...]:
        return tuple(n for n in self.notes if n.kind == kind)


def _sorted_topics(topics: tuple[Topic, ...]) -> list[Topic]:
    return sorted(topics, key=lambda t: (t.order, t.title.casefold()))


def plan_vault(content: Content) -> VaultPlan:
    """The vault's notes and links; raises NotegenError for names and references that clash."""
    errors = ErrorCollector()
    entries: list[tuple[str, str, tuple[str, ...], str, int]] = [("home", HOME_TITLE, (), "", 0)]
    entries += [("topic", t.title, t.aliases, t.loc.path, t.loc.line) for t in _sorted_topics(content.topics)]
    entries += [("network", n.title, n.aliases, n.loc.path, n.loc.line)
                for n in sorted(content.networks, key=lambda n: n.title.casefold())]
    entries += [("pattern", p.title, (), p.loc.path, p.loc.line)
                for p in sorted(content.patterns, key=lambda p: p.name)]
    entries += [("example", e.title, e.aliases, e.loc.path, e.loc.line)
                for e in sorted(content.examples, key=lambda e: e.title.casefold())]

    names: dict[str, tuple[str, int]] = {}
    for p in content.patterns:
        if p.name in names:
            first = names[p.name]
            errors.add(p.loc.path, p.loc.line, f"exam pattern '{p.name}' is already defined at line {first[1]}",
                       "give each pattern its own name")
        names.setdefault(p.name, (p.loc.path, p.loc.line))
    seen: dict[str, tuple[str, int]] = {}
    for _, title, _, path, line in entries:
        key = name_key(title)
        if key in seen:
            first = seen[key]
            where = f"{first[0]}:{first[1]}" if first[1] else "the home note"
            errors.add(path, line, f"the title '{title}' is already used by {where}",
                       "every note needs its own title (case is ignored, as in Obsidian)")
        else:
            seen[key] = (path or "the home note", line)
    errors.raise_if_any()

    files = assign_names([title for _, title, _, _, _ in entries])
    notes = tuple(NotePlan(kind, title, files[title], aliases) for kind, title, aliases, _, _ in entries)
    by_title = {n.title: n for n in notes}

    link_targets: dict[str, str] = {}
    phrases: dict[str, str] = {}
    for n, (_, _, _, path, line) in zip(notes, entries):
        for alias in n.aliases:
            if not alias.strip() or any(ch in alias for ch in "|[]#^"):
                errors.add(path, line, f"alias {alias!r} cannot be used in a link",
                           "an alias must not be blank or contain | [ ] # ^")
        if n.kind == "home":
            continue
        for phrase in (n.title,) + n.aliases:
            # the first note to claim a phrase keeps it (topics come before networks and examples)
            if phrase.casefold() not in link_targets:
                link_targets[phrase.casefold()] = n.file
                phrases[phrase] = n.file
    errors.raise_if_any()

    topic_titles = {t.title for t in content.topics}
    network_titles = {n.title for n in content.networks}
    patterns = {p.name: p for p in content.patterns}
    _check_references(content, topic_titles, network_titles, patterns, errors)
    errors.raise_if_any()

    topic_networks: dict[str, set[str]] = {t: set() for t in topic_titles}
    network_topics: dict[str, set[str]] = {n: set() for n in network_titles}
    for t in content.topics:
        for n in t.networks:
            topic_networks[t.title].add(n)
            network_topics[n].add(t.title)
    for n in content.networks:
        for t in n.topics:
            topic_networks[t].add(n.title)
            network_topics[n.title].add(t)

    def grouped(pairs) -> dict[str, tuple[str, ...]]:
        out: dict[str, list[str]] = {}
        for key, value in pairs:
            out.setdefault(key, []).append(value)
        return {k: tuple(sorted(v, key=str.casefold)) for k, v in out.items()}

    return VaultPlan(
        notes=notes, by_title=by_title, link_targets=link_targets, phrases=phrases,
        topic_examples=grouped((e.topic, e.title) for e in content.examples),
        topic_networks={k: tuple(sorted(v, key=str.casefold)) for k, v in topic_networks.items()},
        network_topics={k: tuple(sorted(v, key=str.casefold)) for k, v in network_topics.items()},
        topic_patterns=grouped((p.topic, p.title) for p in content.patterns if p.topic),
        pattern_examples=grouped((patterns[e.pattern].title, e.title) for e in content.examples),
        pattern_of={e.title: patterns[e.pattern] for e in content.examples},
    )


def _check_references(content: Content, topics: set[str], networks: set[str],
                      patterns: Mapping[str, Pattern], errors: ErrorCollector) -> None:
    def suggest(word: str, options: set[str]) -> str:
        return near(word, options, f"known: {', '.join(sorted(options))}")

    for e in content.examples:
        line = e.key_lines.get("topic", e.loc.line)
        if e.topic not in topics:
            errors.add(e.loc.path, line, f"topic '{e.topic}' does not exist", suggest(e.topic, topics))
        if e.pattern not in patterns:
            errors.add(e.loc.path, e.key_lines.get("pattern", e.loc.line),
                       f"exam pattern '{e.pattern}' is not defined in patterns.yaml",
                       suggest(e.pattern, set(patterns)))
    for t in content.topics:
        for n in t.networks:
            if n not in networks:
                errors.add(t.loc.path, t.loc.line, f"network '{n}' does not exist", suggest(n, networks))
    for n in content.networks:
        for t in n.topics:
            if t not in topics:
                errors.add(n.loc.path, n.loc.line, f"topic '{t}' does not exist", suggest(t, topics))
    for p in content.patterns:
        if p.topic and p.topic not in topics:
            errors.add(p.loc.path, p.loc.line, f"topic '{p.topic}' does not exist", suggest(p.topic, topics))
