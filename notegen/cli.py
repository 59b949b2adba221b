"""Command-line interface: parse arguments, call one function per command, map to exit codes.

Exit codes: 0 success; 1 a problem in the sources or the vault (reported as file:line);
2 a usage error (click's own).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from notegen import __version__

if TYPE_CHECKING:
    from notegen.config import BuildOptions

HELP = {"help_option_names": ["-h", "--help"]}


def _emit_json(data: object) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


class _Commands(click.Group):
    """Turns file-system and template failures into a message and exit status 1: they are
    the user's environment or templates, never a reason for a traceback."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            raise click.ClickException(f"{where}{exc.strerror or exc}") from None
        except Exception as exc:
            if type(exc).__module__.startswith("jinja2"):
                name = getattr(exc, "name", None) or getattr(exc, "filename", None)
                where = f" in {name}" if name else ""
                raise click.ClickException(
                    f"template error{where}: {exc}; check --templates (a folder with "
                    "home.md.j2, topic.md.j2, example.md.j2, network.md.j2, pattern.md.j2)") from None
            raise


@click.group(cls=_Commands, context_settings=HELP)
@click.version_option(__version__, prog_name="notegen")
def main() -> None:
    """notegen: compile a CNN course into a linked Obsidian vault.

    Sources: YAML network specs, markdown topic notes, YAML worked examples.
    Every figure comes from one calculation engine (shapes, params, MACs/FLOPs,
    receptive fields) with PyTorch's exact semantics.
    """


@main.command(context_settings=HELP)
@click.option("--source", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Content folder (topics/, examples/, networks/, patterns.yaml). "
                   "Default: ./content if it exists, else the packaged course.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("vault_out"),
              show_default=True, help="Vault folder to write.")
@click.option("--templates", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="Folder of jinja2 note templates. Default: the packaged templates.")
@click.option("--force", is_flag=True,
              help="Overwrite generated notes you edited outside their My notes section "
                   "(your version is saved under .notegen/backup/).")
@click.option("--no-check", is_flag=True, help="Skip the vault check after writing.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
              help="Processes for drawing figures (default: one per core when there are many).")
@click.option("--watch", is_flag=True, help="Rebuild whenever a source or template changes (Ctrl-C stops).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but problems.")
@click.option("--json", "as_json", is_flag=True, help="Print the build summary as JSON.")
def build(source: Path | None, out: Path, templates: Path | None, force: bool, no_check: bool,
          jobs: int | None, watch: bool, quiet: bool, as_json: bool) -> None:
    """Compile the course sources into an Obsidian vault (default: vault_out/).

    Exit status 0 when the vault was written and checks clean, 1 when a source has an
    error (nothing is written then) or the written vault fails the check.
    """
    from notegen.config import BuildOptions, default_source, packaged

    options = BuildOptions(source=source or default_source(), out=out,
                           templates=templates or packaged("templates"), force=force,
                           check=not no_check, jobs=jobs)
    if watch:
        from notegen.watch import watch_and_build

        watch_and_build(options, lambda: _build_once(options, quiet, as_json))
        return
    if not _build_once(options, quiet, as_json):
        raise SystemExit(1)


def _build_once(options: "BuildOptions", quiet: bool, as_json: bool) -> bool:
    """Run one build and report it; True when the vault is written and checks clean."""
    from notegen.build import build as run_build
    from notegen.progress import StageReporter
    from notegen.vault.check import format_problems, problems_as_json

    with StageReporter(enabled=not quiet and not as_json) as reporter:
        outcome = run_build(options, reporter)
    details = outcome.report.details() if outcome.report else []
    if as_json:
        _emit_json({"out": str(options.out), "notes": outcome.notes, "figures": outcome.figures,
                    "rendered": outcome.rendered, "drawn": outcome.drawn,
                    "summary": outcome.summary_line(), "details": details,
                    "problems": problems_as_json(outcome.problems),
                    "warnings": problems_as_json(outcome.warnings)})
    elif not quiet:
        for line in details:
            click.echo(line)
        click.echo(f"{options.out}: {outcome.summary_line()}")
    if outcome.warnings and not as_json:
        click.echo("in your own notes (not fatal):\n" + format_problems(outcome.warnings), err=True)
    if outcome.problems and not as_json:
        click.echo(format_problems(outcome.problems), err=True)
    return not outcome.problems


@main.command(context_settings=HELP)
@click.argument("vault", type=click.Path(file_okay=False, path_type=Path), default=Path("vault_out"))
@click.option("--json", "as_json", is_flag=True, help="Print the problems as a JSON list.")
def check(vault: Path, as_json: bool) -> None:
    """Check a vault the way Obsidian reads it: links and embeds resolve, no orphan notes,
    front-matter parses, tags are valid, math delimiters balance. Exit 1 on any problem."""
    from notegen.vault.check import check_vault, format_problems, problems_as_json

    if not vault.is_dir():
        raise click.ClickException(f"{vault}: no such folder")
    problems = check_vault(vault)
    if as_json:
        _emit_json(problems_as_json(problems))
    elif problems:
        click.echo(format_problems(problems))
        click.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {vault}", err=True)
    else:
        click.echo(f"{vault}: no problems")
    if problems:
        raise SystemExit(1)


@main.group(context_settings=HELP)
def new() -> None:
    """Start a new source file from a commented skeleton."""


@new.command("example", context_settings=HELP)
@click.argument("title")
@click.option("--pattern", "-p", default=None, help="Exam pattern name (see patterns.yaml).")
@click.option("--topic", "-t", default=None, help="Title of the topic note it belongs to.")
@click.option("--source", type=click.Path(file_okay=False, path_type=Path), default=Path("content"),
              show_default=True, help="Content folder to add the example to.")
def new_example(title: str, pattern: str | None, topic: str | None, source: Path) -> None:
    """Write content/examples/<title>.yaml: a worked example that builds as it is."""
    from notegen.config import packaged
    from notegen.scaffold import new_example as write_skeleton
    from notegen.sources.content import load_content

    if not source.is_dir():
        raise click.ClickException(f"{source}: no content folder here; run `notegen init` to copy "
                                   "the default course into ./content, or pass --source")
    path = write_skeleton(load_content(source), source, packaged("templates"), title, pattern, topic)
    click.echo(f"wrote {path}; edit it, then run `notegen build`")


@main.command(context_settings=HELP)
@click.argument("target", type=click.Path(path_type=Path), default=Path("content"))
def init(target: Path) -> None:
    """Copy the default course sources into TARGET (./content) to edit and extend."""
    from notegen.config import packaged
    from notegen.scaffold import init_course

    init_course(packaged("content"), target)
    click.echo(f"copied the default course to {target}; `notegen build` now uses it")


@main.command(context_settings=HELP)
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--depth", "-d", type=click.IntRange(0, 64), default=1, show_default=True,
              help="Show groups (blocks, stages, repeats) down to this nesting depth; 0 = top level only.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of the table.")
def inspect(spec: Path, depth: int, as_json: bool) -> None:
    """Per-layer table of a network SPEC: output shape, params, MACs, receptive field."""
    from notegen.engine import analyze
    from notegen.render.terminal import inspect_json, inspect_table
    from notegen.sources.specs import load_spec

    result = analyze(load_spec(spec))
    if as_json:
        _emit_json(inspect_json(result))
    else:
        click.echo(inspect_table(result, depth))


@main.group(context_settings=HELP)
def calc() -> None:
    """Single-layer calculator that shows its working (formula, numbers, result)."""


def _shape(text: str) -> list[int]:
    try:
        dims = [int(v) for v in text.replace("×", "x").replace(",", "x").split("x")]
    except ValueError:
        raise click.BadParameter(f"'{text}' is not a shape; write C×H×W as e.g. 32x64x64") from None
    if len(dims) not in (1, 3):
        raise click.BadParameter(f"'{text}' has {len(dims)} numbers; write CxHxW (or F for a vector)")
    return dims


def _pair(text: str) -> int | list[int] | str:
    if text in ("same", "valid"):
        return text
    try:
        vals = [int(v) for v in text.replace("x", ",").split(",")]
    except ValueError:
        raise click.BadParameter(f"'{text}' must be a whole number or h,w") from None
    return vals[0] if len(vals) == 1 else vals


def _run_calc(kind: str, input_text: str, args: dict, as_json: bool) -> None:
    from notegen.engine import analyze
    from notegen.render.calc_report import calc_json, calc_text
    from notegen.sources.specs import network_from_layers

    network = network_from_layers(_shape(input_text), [{kind: args}], f"{kind} layer", "command line")
    result = analyze(network)
    if as_json:
        _emit_json(calc_json(result))
    else:
        click.echo(calc_text(result))


_input = click.option("--input", "input_text", required=True, metavar="CxHxW",
                      help="Input shape, channels first, e.g. 32x64x64.")
_json = click.option("--json", "as_json", is_flag=True, help="Print the figures and steps as JSON.")


@calc.command("conv", context_settings=HELP)
@_input
@click.option("--out", type=int, required=True, help="Output channels.")
@click.option("--k", "k", required=True, help="Kernel size: n or h,w.")
@click.option("--s", "s", default="1", show_default=True, help="Stride: n or h,w.")
@click.option("--p", "p", default="0", show_default=True, help="Padding: n, h,w, same or valid.")
@click.option("--d", "d", default="1", show_default=True, help="Dilation: n or h,w.")
@click.option("--groups", type=int, default=1, show_default=True, help="Groups (C_in for depthwise).")
@click.option("--bias/--no-bias", default=True, show_default=True, help="Learnable bias.")
@_json
def calc_conv(input_text: str, out: int, k: str, s: str, p: str, d: str, groups: int,
              bias: bool, as_json: bool) -> None:
    """A 2-D convolution: output size, params, MACs, FLOPs and receptive field."""
    args = {"out": out, "k": _pair(k), "s": _pair(s), "p": _pair(p), "d": _pair(d),
            "groups": groups, "bias": bias}
    _run_calc("conv", input_text, args, as_json)


@calc.command("pool", context_settings=HELP)
@_input
@click.option("--kind", type=click.Choice(["max", "avg"]), default="max", show_default=True)
@click.option("--k", "k", required=True, help="Window size: n or h,w.")
@click.option("--s", "s", default=None, help="Stride (default: the window size).")
@click.option("--p", "p", default="0", show_default=True, help="Padding on each side.")
@click.option("--ceil", is_flag=True, help="torch ceil_mode=True.")
@_json
def calc_pool(input_text: str, kind: str, k: str, s: str | None, p: str, ceil: bool, as_json: bool) -> None:
    """Max or average pooling: output size (floor or ceil mode) and receptive field."""
    args = {"k": _pair(k), "p": _pair(p), "ceil": ceil}
    if s is not None:
        args["s"] = _pair(s)
    _run_calc(f"{kind}pool", input_text, args, as_json)


@calc.command("linear", context_settings=HELP)
@click.option("--input", "input_text", required=True, metavar="F", help="Input features, e.g. 512.")
@click.option("--out", type=int, required=True, help="Output features.")
@click.option("--bias/--no-bias", default=True, show_default=True)
@_json
def calc_linear(input_text: str, out: int, bias: bool, as_json: bool) -> None:
    """A fully connected layer: params and MACs."""
    _run_calc("linear", input_text, {"out": out, "bias": bias}, as_json)


@calc.command("stack", context_settings=HELP)
@_input
@click.argument("layers", nargs=-1, required=True, metavar="LAYER...")
@_json
def calc_stack(input_text: str, layers: tuple[str, ...], as_json: bool) -> None:
    """A stack of layers, each written as in a spec, e.g.

    notegen calc stack --input 1x32x32 "conv: {out: 8, k: 3}" "maxpool: {k: 2}" "conv: {out: 8, k: 3, d: 2}"

    Shows each layer's output size and receptive-field working (r, j), then the totals.
    """
    import yaml

    from notegen.engine import analyze
    from notegen.render.calc_report import stack_text
    from notegen.render.terminal import inspect_json
    from notegen.sources.specs import network_from_layers

    parsed = []
    for i, text in enumerate(layers, 1):
        try:
            parsed.append(yaml.safe_load(text))
        except yaml.YAMLError:
            raise click.BadParameter(f"layer {i} ({text!r}) is not a spec layer; write e.g. "
                                     "'conv: {out: 8, k: 3}' or 'relu'") from None
    result = analyze(network_from_layers(_shape(input_text), parsed, "stack", "command line"))
    if as_json:
        _emit_json(inspect_json(result))
    else:
        click.echo(stack_text(result))


@main.group(context_settings=HELP)
def export() -> None:
    """Export the course to other tools (a runnable PyTorch module, an Anki deck)."""


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
