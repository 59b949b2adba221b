"""Render every planned note through its template, then link it into the vault.

Source-authored text (topic bodies, example questions and discussions) is evaluated first,
its title-links are pointed at real file names, and after the template has laid the note
out, the first prose mention of every other note becomes a link (flashcards and the user
section excepted, so a card's question never changes under its review history).
"""

from __future__ import annotations

import posixpath

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import jinja2

from notegen.engine.results import NetworkResult
from notegen.engine.solutions import ExampleSolution
from notegen.errors import ErrorCollector
from notegen.model import Content
from notegen.plan.vault_plan import NotePlan, VaultPlan
from notegen.render.autolink import autolink
from notegen.render.describe import ASK_TITLES, ask_sentence, layer_words
from notegen.render.links import resolve_links
from notegen.render.obsidian import wikilink
from notegen.render.source_text import SourceTextError, SourceTextRenderer

TAG_ROOT = "exam/cnn"
FLASHCARD_TAG = "flashcards/cnn"
NO_AUTOLINK_FROM = ("\n## Flashcards\n", "\n## My notes\n")
FULL_TABLE_LIMIT = 30  # deeper nets get a stage summary with the full table folded


@dataclass(frozen=True)
class Figure:
    """An embedded figure: the attachment's file name and its caption."""

    file: str
    caption: str


@dataclass(frozen=True)
class RenderInputs:
    plan: VaultPlan
    content: Content
    networks: Mapping[str, NetworkResult]
    solutions: Mapping[str, ExampleSolution]
    figures: Mapping[str, tuple[Figure, ...]]  # note title -> figures embedded in it


class NoteRenderer:
    def __init__(self, env: jinja2.Environment, inputs: RenderInputs) -> None:
        self.env, self.inputs, self.plan = env, inputs, inputs.plan
        self.source = SourceTextRenderer(inputs.networks, set(self.plan.by_title))
        self.errors = ErrorCollector()
        self.attachments = frozenset(f.file for figs in inputs.figures.values() for f in figs)
        env.globals.update(link=self.link, note_file=self.plan.file, layer_words=layer_words, ask_titles=ASK_TITLES,
                           tag_root=TAG_ROOT, flashcard_tag=FLASHCARD_TAG)

    # --- helpers for templates --------------------------------------------------------
    def link(self, title: str, display: str | None = None, in_table: bool = False) -> str:
        return wikilink(self.plan.file(title), display, in_table=in_table)

    def source_text(self, text: str, path: str, line: int, **context: Any) -> str:
        """Evaluate and link source-authored markdown; faults are recorded at their source line."""
        try:
            out = self.source.render(text, **context)
        except SourceTextError as exc:
            self.errors.add(path, line + max(exc.line - 1, 0), exc.message, exc.hint)
            return text
        out, unknown = resolve_links(out, self.plan.link_targets, self.attachments)
        for u in unknown:
            self.errors.add(path, line + u.line - 1, f"link to '{u.target}', but no note has that title or alias",
                            "link by a note's title, e.g. [[Receptive Field]]")
        return out

    # --- the notes --------------------------------------------------------------------
    def render_all(self, only: set[str] | None = None,
                   on_note: Callable[[int, int], None] | None = None) -> list[tuple[str, str]]:
        """Render the notes (those in ``only``); ``on_note(done, total)`` after each."""
        todo = [n for n in self.plan.notes if only is None or n.path in only]
        out = []
        for done, note in enumerate(todo, 1):
            text = getattr(self, f"_{note.kind}")(note)
            out.append((note.path, self._autolink(text, note)))
            if on_note:
                on_note(done, len(todo))
        return out

    def _autolink(self, text: str, note: NotePlan) -> str:
        cut = min((i for i in (text.find(m) for m in NO_AUTOLINK_FROM) if i >= 0), default=len(text))
        head = autolink(text[:cut], self.plan.phrases, exclude=[note.file])
        return head + text[cut:]

    def _template(self, name: str, **context: Any) -> str:
        return self.env.get_template(name).render(**context)

    def _home(self, note: NotePlan) -> str:
        c = self.inputs.content
        topics = sorted(c.topics, key=lambda t: (t.order, t.title.casefold()))
        patterns = sorted(c.patterns, key=lambda p: p.title.casefold())
        networks = sorted(c.networks, key=lambda n: n.title.casefold())
        return self._template("home.md.j2", note=note, note_id="home", topics=topics, patterns=patterns,
                              networks=networks, results=self.inputs.networks,
                              pattern_examples=self.plan.pattern_examples,
                              n_cards=sum(len(t.cards) for t in c.topics))

    def _topic(self, note: NotePlan) -> str:
        topic = _by_title(self.inputs.content.topics, note.title)
        body = self.source_text(topic.body, topic.loc.path, topic.body_line)
        cards = [(self.source_text(k.question, k.loc.path, k.loc.line),
                  self.source_text(k.answer, k.loc.path, k.loc.line)) for k in topic.cards]
        return self._template(
            "topic.md.j2", note=note, note_id=note_id("topic", topic.loc.path), topic=topic, body=body, cards=cards,
            examples=self.plan.topic_examples.get(topic.title, ()),
            networks=self.plan.topic_networks.get(topic.title, ()),
            patterns=self.plan.topic_patterns.get(topic.title, ()),
            figures=self.inputs.figures.get(topic.title, ()))

    def _network(self, note: NotePlan) -> str:
        net = _by_title(self.inputs.content.networks, note.title)
        result = self.inputs.networks[net.title]
        rows = list(result.walk())
        return self._template(
            "network.md.j2", note=note, note_id=note_id("network", net.loc.path), net=net, result=result,
            summary=self.source_text(net.summary, net.loc.path, net.loc.line),
            stage_rows=list(result.at_depth(0)), full_rows=rows,
            fold_full=len(rows) > FULL_TABLE_LIMIT, topics=self.plan.network_topics.get(net.title, ()),
            figures=self.inputs.figures.get(net.title, ()))

    def _pattern(self, note: NotePlan) -> str:
        pattern = next(p for p in self.inputs.content.patterns if p.title == note.title)
        checklist = [self.source_text(item, pattern.loc.path, pattern.loc.line) for item in pattern.checklist]
        return self._template("pattern.md.j2", note=note, note_id=f"pattern/{pattern.name}",
                              pattern=pattern, checklist=checklist,
                              prompt=self.source_text(pattern.prompt, pattern.loc.path, pattern.loc.line),
                              examples=self.plan.pattern_examples.get(pattern.title, ()))

    def _example(self, note: NotePlan) -> str:
        example = _by_title(self.inputs.content.examples, note.title)
        solution = self.inputs.solutions[example.title]
        path = example.loc.path
        question = self.source_text(example.question, path, example.key_lines.get("question", 1) + 1,
                                    solution=solution) if example.question else ""
        discussion = self.source_text(example.discussion, path, example.key_lines.get("discussion", 1) + 1,
                                      solution=solution) if example.discussion else ""
        return self._template("example.md.j2", note=note, note_id=note_id("example", path),
                              example=example, solution=solution,
                              question=question, discussion=discussion,
                              ask_text=ask_sentence(example.ask),
                              pattern=self.plan.pattern_of[example.title],
                              figures=self.inputs.figures.get(example.title, ()))


def note_id(kind: str, source_path: str) -> str:
    """A note's ``notegen-id`` property: its kind and its source file's name, which stay
    the same when the note's title, file name or folder changes (the vault writer finds a
    note the student moved or renamed by it)."""
    return f"{kind}/{posixpath.splitext(posixpath.basename(source_path.replace(chr(92), '/')))[0]}"


def _by_title(items: Sequence[Any], title: str) -> Any:
    return next(i for i in items if i.title == title)


def render_notes(env: jinja2.Environment, inputs: RenderInputs, only: set[str] | None = None,
                 on_note: Callable[[int, int], None] | None = None
                 ) -> tuple[list[tuple[str, str]], ErrorCollector]:
    """Render the planned notes (those whose path is in ``only``, if given)."""
    renderer = NoteRenderer(env, inputs)
    notes = renderer.render_all(only, on_note)
    return notes, renderer.errors
