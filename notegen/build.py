"""``notegen build``: the pipeline, one named call per stage.

Everything is read, computed, planned and rendered in memory first; only when every source
is valid does the vault writer touch the output folder, so a bad source leaves the vault
exactly as it was. A cache in the vault lets a rebuild redo only what changed: unchanged
sources are not parsed again, notes whose inputs did not change are not re-rendered,
figures whose geometry did not change are not redrawn, and a rebuild with nothing changed
stops after comparing fingerprints.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Mapping

from notegen import __version__
from notegen.config import BuildOptions
from notegen.engine import analyze
from notegen.engine.results import NetworkResult
from notegen.engine.solutions import ExampleSolution, solve
from notegen.errors import ErrorCollector, NotegenError
from notegen.model import Content
from notegen.plan.incremental import code_digest, digest, folder_digest, note_keys
from notegen.plan.vault_plan import ATTACHMENTS, VaultPlan, plan_vault
from notegen.sources.content import load_content, source_digests
from notegen.vault.cache import FIGURE_DIR, BuildCache, RenderedNote, load_cache, save_cache, vault_state
from notegen.vault.check import Problem, check_vault
from notegen.vault.writer import GeneratedFile, WriteReport, write_vault

if TYPE_CHECKING:  # matplotlib-free, but only the drawing stage needs them
    from notegen.render.figures import PendingFigures, RenderOutcome


class Progress:
    """What a build tells its caller while it runs (the CLI draws it; the default is silent)."""

    def stage(self, message: str) -> None:
        """A new stage begins."""

    def count(self, done: int, total: int, what: str) -> None:
        """``done`` of ``total`` items of the current stage are finished."""


@dataclass(frozen=True)
class BuildOutcome:
    report: WriteReport | None  # None: nothing changed since the last build, nothing was read
    problems: tuple[Problem, ...]
    notes: int
    figures: int
    rendered: int = 0  # notes rendered this time (the others came from the cache)
    drawn: int = 0     # figures drawn this time
    rendered_paths: tuple[str, ...] = field(default=())
    warnings: tuple[Problem, ...] = ()  # problems in the student's own files (not fatal)
    cache_problem: str = ""  # why the build cache could not be saved ('' when it was)

    def summary_line(self) -> str:
        if self.report is None:
            return "nothing changed since the last build"
        cache = (f"; the notes are written but the build cache was not saved ({self.cache_problem}),"
                 " so the next build redoes the work" if self.cache_problem else "")
        return (f"{self.rendered} of {self.notes} notes rendered, {self.drawn} of {self.figures} "
                f"figures drawn; {self.report.summary_line()}{cache}")


class NetworkResults(Mapping[str, NetworkResult]):
    """The networks' figures by title, computed on first use.

    A rebuild that re-renders one worked example need not analyse a hundred networks; the
    networks whose own notes are re-rendered are analysed up front (``check``), so a spec
    that cannot be computed is always reported before anything is written.
    """

    def __init__(self, content: Content) -> None:
        self.specs = {net.title: net for net in content.networks}
        self.done: dict[str, NetworkResult] = {}

    def __getitem__(self, title: str) -> NetworkResult:
        if title not in self.done:
            self.done[title] = analyze(self.specs[title])
        return self.done[title]

    def __iter__(self) -> Iterator[str]:
        return iter(self.specs)

    def __len__(self) -> int:
        return len(self.specs)

    def check(self, titles: set[str]) -> None:
        errors = ErrorCollector()
        for title in sorted(titles & set(self.specs)):
            try:
                self[title]
            except NotegenError as exc:
                errors.extend(exc.errors)
        errors.raise_if_any()


def solve_examples(content: Content, titles: set[str]) -> dict[str, ExampleSolution]:
    errors = ErrorCollector()
    solutions = {}
    for example in content.examples:
        if example.title not in titles:
            continue
        try:
            solutions[example.title] = solve(example)
        except NotegenError as exc:
            errors.extend(exc.errors)
    errors.raise_if_any()
    return solutions


def figure_jobs(plan: VaultPlan, content: Content, networks: Mapping[str, NetworkResult],
                solutions: Mapping[str, ExampleSolution], stale: set[str]) -> dict[str, list]:
    """{note title: [FigureJob]} for the notes being rendered."""
    from notegen.plan.names import slugify
    from notegen.render.figures import network_figures, rf_figures

    net_jobs = {title: network_figures(networks[title], slugify(title)) for title in networks
                if plan.by_title[title].path in stale or any(
                    plan.by_title[t].path in stale for t in plan.network_topics.get(title, ()))}
    jobs: dict[str, list] = {}
    for title in net_jobs:
        jobs[title] = net_jobs[title]
    for topic in content.topics:
        if plan.by_title[topic.title].path in stale:
            jobs[topic.title] = [j for n in plan.topic_networks.get(topic.title, ())
                                 for j in net_jobs[n] if j.kind == "sketch"]
    for title, solution in solutions.items():
        slug = slugify(title)
        found = []
        for i, variant in enumerate(solution.variants):
            name = slug if len(solution.variants) == 1 else f"{slug}-{'abcdefgh'[i]}"
            found += [j for j in network_figures(variant.result, name) if j.kind == "sketch"]
        if solution.variants and "rf" in solution.example.ask:
            found += rf_figures(solution.variants[0].result, slug)
        jobs[title] = found
    return jobs


def build(options: BuildOptions, progress: Progress | None = None) -> BuildOutcome:
    """Compile the vault. The cyclic garbage collector is paused meanwhile: a build makes
    many small objects and few cycles, and the collector's passes cost more than they free."""
    from notegen.vault.lock import build_lock

    enabled = gc.isenabled()
    gc.disable()
    try:
        with build_lock(options.out):  # one build at a time per vault
            return _build(options, progress)
    finally:
        if enabled:
            gc.enable()


def _build(options: BuildOptions, progress: Progress | None) -> BuildOutcome:
    progress = progress or Progress()
    say = progress.stage
    version = digest(__version__, code_digest())
    cache = load_cache(options.out, version)
    templates = folder_digest(options.templates, "*")
    fingerprint = digest(options.source.resolve(), folder_digest(options.source, "*"), templates)
    if (cache.fingerprint == fingerprint and cache.clean and options.out.is_dir()
            and cache.vault_state == vault_state(options.out)):
        return BuildOutcome(None, (), cache.note_count, 0)

    say("reading sources")
    content = load_content(options.source, cache.sources)
    digests = source_digests(cache.sources)
    networks = NetworkResults(content)
    plan = plan_vault(content)
    keys = note_keys(plan, content, digests, templates)
    figure_dir = options.out / FIGURE_DIR
    stale = {path for path, key in keys.items()
             if path not in cache.notes or cache.notes[path].key != key
             or not all((figure_dir / f"{k}.svg").is_file() for _, k in cache.notes[path].figures)}
    stale_titles = {n.title for n in plan.notes if n.path in stale}
    say("computing networks and examples")
    networks.check(stale_titles)
    solutions = solve_examples(content, {e.title for e in content.examples if e.title in stale_titles})

    say(f"rendering {len(stale)} of {len(keys)} notes")
    jobs = figure_jobs(plan, content, networks, solutions, stale)
    figures = start_drawing(options, jobs)  # a pool draws while this process renders
    rendered = render_stale(options, plan, content, networks, solutions, jobs, stale,
                            lambda done, total: progress.count(done, total, "notes"))
    say("drawing the figures")
    outcome = figures.result() if figures else None
    notes, figure_files, drawn = assemble(options, cache, plan, keys, rendered, jobs, outcome)
    if figures:
        figures.store()

    say("writing the vault")
    files = [GeneratedFile(path, text.encode("utf-8")) for path, text in notes]
    digests_of: dict[bytes, str] = {}  # many attachments share one drawing: hash each once
    for name, data in sorted(figure_files.items()):
        if data not in digests_of:
            digests_of[data] = sha256(data).hexdigest()
        files.append(GeneratedFile(f"{ATTACHMENTS}/{name}", data, digests_of[data]))
    report = write_vault(options.out, files, force=options.force, seen=cache.vault_state)
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    if options.check:
        say("checking the vault")
        found = check_vault(options.out, memo=cache.check)
        # The student's own writing may be a draft (an unlinked note, a link to a note not
        # written yet): it is reported but does not fail the build; a problem in what
        # notegen generated does.
        generated = {f.path for f in files}
        theirs = {p for p in found if p.path not in generated or _in_user_section(options.out, p)}
        problems = tuple(p for p in found if p not in theirs)
        warnings = tuple(p for p in found if p in theirs)
    cache.fingerprint, cache.clean = fingerprint, options.check and not problems and not warnings
    cache.vault_state = vault_state(options.out)
    try:
        save_cache(options.out, cache)
        cache_problem = ""
    except OSError as exc:  # the vault is written; an old or missing cache only costs time
        cache_problem = exc.strerror or str(exc)
    return BuildOutcome(report, problems, len(notes), len(figure_files), len(stale), drawn,
                        tuple(sorted(stale)), warnings, cache_problem)


def _in_user_section(root: Path, problem: Problem) -> bool:
    """Whether a problem's line lies in the My notes section of its (generated) note."""
    from notegen.vault.user_sections import MarkersBroken, locate

    try:
        text = (root / problem.path).read_text(encoding="utf-8")
        section = locate(text)
    except (OSError, UnicodeDecodeError, MarkersBroken):
        return False
    if section is None:
        return False
    first = text.count("\n", 0, section.start) + 1
    last = text.count("\n", 0, section.end) + 1
    return first <= problem.line <= last


def render_stale(options: BuildOptions, plan: VaultPlan, content: Content,
                 networks: Mapping[str, NetworkResult], solutions: Mapping[str, ExampleSolution],
                 jobs: Mapping[str, list], stale: set[str],
                 on_note: Callable[[int, int], None] | None = None) -> dict[str, str]:
    from notegen.render.environment import make_environment
    from notegen.render.notes import Figure, RenderInputs, render_notes

    figures = {title: tuple(Figure(j.filename, j.caption) for j in found) for title, found in jobs.items()}
    inputs = RenderInputs(plan, content, networks, solutions, figures)
    # No bytecode cache: jinja's holds compiled code, and nothing read from a vault may be code.
    env = make_environment(options.templates)
    notes, errors = render_notes(env, inputs, only=stale, on_note=on_note)
    errors.raise_if_any()
    return dict(notes)


def start_drawing(options: BuildOptions, jobs: Mapping[str, list]) -> "PendingFigures | None":
    """Read the cached figures of the notes being rendered and start drawing the others."""
    from notegen.render.figures import start_figures

    new_jobs = {j.filename: j for found in jobs.values() for j in found}
    if not new_jobs:
        return None
    return start_figures(list(new_jobs.values()), options.out / FIGURE_DIR, workers=options.jobs)


def assemble(options: BuildOptions, cache: BuildCache, plan: VaultPlan, keys: Mapping[str, str],
             rendered: Mapping[str, str], jobs: Mapping[str, list], outcome: "RenderOutcome | None"
             ) -> tuple[list[tuple[str, str]], dict[str, bytes], int]:
    """Every note's text (new or cached) and every figure's SVG (drawn or cached)."""
    figure_dir = options.out / FIGURE_DIR
    by_path = {n.path: n.title for n in plan.notes}
    svgs: dict[str, bytes] = dict(outcome.svgs) if outcome else {}
    keys_of = outcome.keys if outcome else {}
    by_key: dict[str, bytes] = {}
    notes = []
    for path in sorted(keys):
        if path in rendered:
            found = jobs.get(by_path[path], [])
            cache.notes[path] = RenderedNote(keys[path], rendered[path],
                                             tuple((j.filename, keys_of[j.filename]) for j in found))
        entry = cache.notes[path]
        notes.append((path, entry.text))
        for name, key in entry.figures:
            if name not in svgs:
                if key not in by_key:
                    by_key[key] = (figure_dir / f"{key}.svg").read_bytes()
                svgs[name] = by_key[key]
    for gone in set(cache.notes) - set(keys):
        del cache.notes[gone]
    return notes, svgs, outcome.drawn if outcome else 0
