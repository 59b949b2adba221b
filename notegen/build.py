"""``notegen build``: the pipeline, one named call per stage.

Everything is read, computed, planned and rendered in memory first; only when every source
is valid does the vault writer touch the output folder, so a bad source leaves the vault
exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from notegen.config import BuildOptions
from notegen.engine import analyze
from notegen.engine.results import NetworkResult
from notegen.engine.solutions import ExampleSolution, solve
from notegen.errors import ErrorCollector, NotegenError
from notegen.model import Content
from notegen.plan.vault_plan import VaultPlan, plan_vault
from notegen.render.environment import make_environment
from notegen.render.notes import RenderInputs, render_notes
from notegen.sources.content import load_content
from notegen.vault.check import Problem, check_vault
from notegen.vault.writer import GeneratedFile, WriteReport, write_vault


@dataclass(frozen=True)
class BuildOutcome:
    report: WriteReport
    problems: tuple[Problem, ...]
    notes: int
    figures: int


def analyze_networks(content: Content) -> dict[str, NetworkResult]:
    errors = ErrorCollector()
    results = {}
    for net in content.networks:
        try:
            results[net.title] = analyze(net)
        except NotegenError as exc:
            errors.extend(exc.errors)
    errors.raise_if_any()
    return results


def solve_examples(content: Content) -> dict[str, ExampleSolution]:
    errors = ErrorCollector()
    solutions = {}
    for example in content.examples:
        try:
            solutions[example.title] = solve(example)
        except NotegenError as exc:
            errors.extend(exc.errors)
    errors.raise_if_any()
    return solutions


def render_vault(options: BuildOptions, plan: VaultPlan, content: Content,
                 networks: Mapping[str, NetworkResult],
                 solutions: Mapping[str, ExampleSolution]) -> list[GeneratedFile]:
    inputs = RenderInputs(plan, content, networks, solutions, figures={})
    notes, errors = render_notes(make_environment(options.templates), inputs)
    errors.raise_if_any()
    return [GeneratedFile(path, text.encode("utf-8")) for path, text in notes]


def build(options: BuildOptions) -> BuildOutcome:
    content = load_content(options.source)
    networks = analyze_networks(content)
    solutions = solve_examples(content)
    plan = plan_vault(content)
    files = render_vault(options, plan, content, networks, solutions)
    report = write_vault(options.out, files, force=options.force)
    problems = tuple(check_vault(options.out)) if options.check else ()
    return BuildOutcome(report, problems, notes=len(files), figures=0)
