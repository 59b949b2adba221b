"""How fast `notegen build` is: cold, nothing changed, one example changed; and its peak memory.

Run from the repository root:  python benchmarks/bench_build.py [--quick] [--reps N]

Every figure is one whole `notegen build` process (interpreter start included), timed with
``time.perf_counter`` around the subprocess; its peak memory is the ``ru_maxrss`` that
``os.wait4`` returns for that one child. Two courses are built into temporary folders:

1. a synthetic course (benchmarks/synthetic.py; 1,000 worked examples, 100 networks and
   50 topics, or 200/20/20 with --quick): a cold build (empty output folder, so no cache),
   a rebuild with nothing changed, and a rebuild after one example's question changed
   (two versions of that file alternate, so every run is a real change);
2. the default course (content/): a cold build, a rebuild with nothing changed, and a
   rebuild with the build cache dropped but the figure cache kept (every note rendered
   again, no figure drawn again).

The table gives the median and best of the runs, the target and the median's share of it.
The machine may be shared: the load average is printed at the start and at the end, and a
reading over target is worth a second run before drawing conclusions.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import make_course  # noqa: E402  (a sibling script, not a package)
from report import table  # noqa: E402  (a sibling script, not a package)

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
# `python -m notegen.cli` would run cli.py as __main__ beside the imported notegen.cli;
# calling main() from an import is what the console script does.
BUILD = [sys.executable, "-c", "from notegen.cli import main; main()", "build"]
CACHE_FILE = Path(".notegen/cache/build.json")  # notegen/vault/cache.py: CACHE_FILE
CHANGED_EXAMPLE = "examples/conv-on-64x64x32-input.yaml"  # in the default course and every synthetic one
FULL = {"examples": 1000, "networks": 100, "topics": 50}
QUICK = {"examples": 200, "networks": 20, "topics": 20}
# Seconds, on a 2-core machine; None: reported without a target.
TARGETS = {"cold": 15.0, "no change": 0.25, "one change": 0.4, "default no change": 0.15}
# One cold build of the synthetic course in a child process that times each stage the build
# announces (notegen.build.Progress.stage); "start" is the interpreter and the imports.
STAGES = r"""
import json, sys, time
from pathlib import Path
t0 = time.perf_counter()
from notegen.build import Progress, build
from notegen.config import BuildOptions, packaged
marks = [("start: interpreter and imports", time.perf_counter())]
class Stages(Progress):
    def stage(self, message):
        marks.append((message, time.perf_counter()))
marks.append(("cache and fingerprints", time.perf_counter()))
build(BuildOptions(source=Path(sys.argv[1]), out=Path(sys.argv[2]), templates=packaged("templates")), Stages())
marks.append(("end", time.perf_counter()))
print(json.dumps([[name, end - start] for (name, start), (_, end) in zip(marks, marks[1:])]))
"""


@dataclass(frozen=True)
class Run:
    seconds: float
    max_rss_kib: int  # Linux reports ru_maxrss in KiB
    exit_code: int
    summary: dict     # what `notegen build --json` printed
    load: float       # 1-minute load average just after the run (the machine may be shared)


@dataclass(frozen=True)
class Scenario:
    name: str
    runs: list[Run]
    target: float | None
    expect: str       # what every run must have done, for the reader
    as_expected: bool


def build_once(source: Path, out: Path) -> Run:
    """One `notegen build --json` process: wall clock, its own peak RSS, its summary.

    ``os.wait4`` reaps the child and returns its rusage; on Linux its ru_maxrss is the
    largest of the build process and any drawing worker it waited for (a maximum, not a sum).
    """
    cmd = [*BUILD, "--source", str(source), "--out", str(out), "--json"]
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=err)
        assert proc.stdout is not None
        stdout = proc.stdout.read()  # to end of file: the child has closed it
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped above; Popen must not wait again
        proc.stdout.close()
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    try:
        summary = json.loads(stdout)
    except json.JSONDecodeError:
        sys.exit(f"`notegen build` printed no JSON summary (exit {proc.returncode}):\n{stderr}")
    rss = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss  # macOS: bytes
    return Run(seconds, rss, proc.returncode, summary, os.getloadavg()[0])


def question_versions(text: str) -> tuple[str, str]:
    """The example file as it is and with its question reworded (nothing else changed).

    The marker goes at the start of the question's first line of text, whether the question
    is a block scalar (``question: >-`` then indented lines) or on the key's own line.
    """
    match = re.search(r"^question:[ \t]*([>|][-+]?)?[ \t]*\n([ \t]+)", text, flags=re.M)
    if match is None:
        match = re.search(r"^question:[ \t]+()()", text, flags=re.M)
    if match is None:
        sys.exit(f"{CHANGED_EXAMPLE}: no `question:` to reword")
    changed = text[:match.end()] + "(Reworded.) " + text[match.end():]
    before, after = yaml.safe_load(text), yaml.safe_load(changed)
    # the edit must change the question and only the question, or the figures mean something else
    if before["question"] == after["question"] or {**after, "question": before["question"]} != before:
        sys.exit(f"{CHANGED_EXAMPLE}: rewording the question changed more than the question")
    return text, changed


def repeat(source: Path, out: Path, reps: int,
           before_each: Callable[[int], object] = lambda i: None) -> list[Run]:
    """``reps`` builds, calling ``before_each(i)`` before run i (untimed)."""
    runs = []
    for i in range(reps):
        before_each(i)
        runs.append(build_once(source, out))
    return runs


def synthetic_scenarios(course: Path, out: Path, reps: int) -> list[Scenario]:
    cold = [build_once(course, out)]
    unchanged = repeat(course, out, reps)
    example = course / CHANGED_EXAMPLE
    versions = question_versions(example.read_text(encoding="utf-8"))
    # run i writes version (i + 1) % 2: the first run differs from the cold build's file,
    # and each later run from the one before
    changed = repeat(course, out, reps,
                     lambda i: example.write_text(versions[(i + 1) % 2], encoding="utf-8"))
    return [
        Scenario("synthetic: cold build", cold, TARGETS["cold"], "every note rendered, figures drawn",
                 all(r.summary["rendered"] == r.summary["notes"] and r.summary["drawn"] > 0 for r in cold)),
        Scenario("synthetic: no-change rebuild", unchanged, TARGETS["no change"], "nothing rendered or drawn",
                 all(r.summary["rendered"] == 0 and r.summary["drawn"] == 0 for r in unchanged)),
        Scenario("synthetic: one example changed", changed, TARGETS["one change"],
                 "a few notes rendered, nothing drawn",
                 all(0 < r.summary["rendered"] < r.summary["notes"] and r.summary["drawn"] == 0
                     for r in changed)),
    ]


def default_scenarios(out: Path, reps: int) -> list[Scenario]:
    cold = [build_once(CONTENT, out)]
    unchanged = repeat(CONTENT, out, reps)
    dropped = repeat(CONTENT, out, reps, lambda i: (out / CACHE_FILE).unlink())
    return [
        Scenario("default: cold build", cold, None, "every note rendered, figures drawn",
                 all(r.summary["rendered"] == r.summary["notes"] and r.summary["drawn"] > 0 for r in cold)),
        Scenario("default: no-change rebuild", unchanged, TARGETS["default no change"],
                 "nothing rendered or drawn",
                 all(r.summary["rendered"] == 0 and r.summary["drawn"] == 0 for r in unchanged)),
        Scenario("default: build cache dropped", dropped, None, "every note rendered, nothing drawn",
                 all(r.summary["rendered"] == r.summary["notes"] and r.summary["drawn"] == 0 for r in dropped)),
    ]


def stage_breakdown(course: Path, out: Path) -> list[tuple[str, float]]:
    """Seconds per stage of one cold build (the interpreter start before it)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", STAGES, str(course), str(out)], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    total = time.perf_counter() - start
    stages = [(name, float(seconds)) for name, seconds in json.loads(done.stdout.splitlines()[-1])]
    # the first mark is taken after the interpreter started: the rest of the wall clock is it
    stages[0] = (stages[0][0], total - sum(seconds for _, seconds in stages[1:]))
    return stages


def stage_table(stages: list[tuple[str, float]]) -> str:
    total = sum(seconds for _, seconds in stages)
    rows = [[name, f"{seconds:.2f} s", f"{seconds / total:.0%}"] for name, seconds in stages]
    return table(["cold build stage", "time", "share"], rows + [["total", f"{total:.2f} s", "100%"]])


def row(s: Scenario) -> list[str]:
    times = [r.seconds for r in s.runs]
    median = statistics.median(times)
    last = s.runs[-1].summary  # a no-change rebuild reports 0 figures: it never looked at them
    if s.target is None:
        target, share, verdict = "-", "-", "-"
    else:
        target, share = f"{s.target:g} s", f"{median / s.target:.0%}"
        verdict = "OK" if median <= s.target else "over"
    failed = sum(r.exit_code != 0 for r in s.runs)
    return [s.name, str(len(times)), f"{median:.3f} s", f"{min(times):.3f} s", target, share, verdict,
            f"{max(r.max_rss_kib for r in s.runs) / 1024:.0f} MiB",
            f"{last['rendered']}/{last['notes']}", f"{last['drawn']}/{last['figures']}",
            f"{max(r.load for r in s.runs):.2f}",
            ("yes" if s.as_expected else f"NO: expected {s.expect}") + (f"; {failed} exit≠0" if failed else "")]


def load() -> str:
    return " / ".join(f"{v:.2f}" for v in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="a smaller synthetic course (200 examples, 20 networks, 20 topics)")
    parser.add_argument("--reps", type=int, default=5, help="runs of each rebuild, median reported (default 5)")
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    print(f"notegen build benchmark: {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{args.reps} runs per rebuild, 1 per cold build")
    print(f"load average (1 / 5 / 15 min) at start: {load()}")
    with tempfile.TemporaryDirectory(prefix="notegen-bench-") as tmp:
        start = time.perf_counter()
        course = make_course(Path(tmp) / "course", **sizes)
        made = time.perf_counter() - start
        print(f"synthetic course: {sizes['examples']} examples, {sizes['networks']} networks, "
              f"{sizes['topics']} topics (generated in {made:.1f} s)")
        scenarios = synthetic_scenarios(course, Path(tmp) / "synthetic-vault", args.reps)
        scenarios += default_scenarios(Path(tmp) / "default-vault", args.reps)
        stages = stage_breakdown(course, Path(tmp) / "stages-vault")
        problems = {s.name: max(len(r.summary.get("problems", [])) for r in s.runs) for s in scenarios}
    print()
    print(table(["scenario", "runs", "median", "best", "target", "of target", "time", "max RSS",
                 "rendered", "drawn", "load", "as expected"], [row(s) for s in scenarios]))
    print("\nrendered: notes rendered / notes in the vault; drawn: figures drawn / figures in the vault "
          "(0 when nothing changed: the build stops before looking at them).")
    print("max RSS: the largest of one run's build process and its drawing workers, over the runs.")
    print("load: the highest 1-minute load average seen after a run of the scenario.")
    print(f"\nwhere a cold build of the synthetic course spends its time (one more run, "
          f"load {load()}):\n")
    print(stage_table(stages))
    print("\n'drawing the figures' includes reading cached figures; 'rendering' includes the "
          "figure geometry, the templates and the autolinking; 'writing the vault' fsyncs each file.")
    if any(problems.values()):
        print("vault check problems: " + ", ".join(f"{k}: {v}" for k, v in problems.items() if v))
    print(f"load average (1 / 5 / 15 min) at end: {load()}")
    if not all(s.as_expected for s in scenarios):
        sys.exit(1)


if __name__ == "__main__":
    main()
