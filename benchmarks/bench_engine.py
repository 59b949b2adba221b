"""How fast the engine is, next to torchinfo on the same networks, and how fast `notegen inspect` is.

Run from the repository root:  python benchmarks/bench_engine.py [--reps N] [--runs N]

Prints three tables:
1. parse_spec + analyze vs torchinfo.summary (the torch module built from the engine's result
   by tests/crosscheck_torch/torch_modules.py, input (1, 3, 224, 224), verbose=0), best and median of
   several repetitions in this one process, and the ratio (target: engine ≥ 20× faster);
2. `notegen inspect content/networks/resnet50.yaml` as a whole process, median of N runs
   (target < 0.3 s), next to a bare interpreter start for scale;
3. whether torch or matplotlib get imported on the inspect path (they must not).

The torch columns are left out, with a note, when torch or torchinfo is not installed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

from report import table  # benchmarks/report.py (scripts run from their folder's path)

ROOT = Path(__file__).resolve().parent.parent
SPECS = {
    "ResNet-50": ROOT / "content" / "networks" / "resnet50.yaml",
    "ResNet-152": ROOT / "benchmarks" / "specs" / "resnet152.yaml",
}
# torchvision's published parameter counts, a check that the specs are the real networks
TORCHVISION_PARAMS = {"ResNet-50": 25_557_032, "ResNet-152": 60_192_808}
ENGINE_TARGET = 20.0  # engine at least this many times faster than torchinfo
INSPECT_TARGET = 0.3  # seconds for a whole `notegen inspect` process
HEAVY = ("torch", "matplotlib")


def timings(fn: Callable[[], object], reps: int) -> list[float]:
    """Wall-clock seconds of ``reps`` calls (one warm-up call first, not counted)."""
    fn()
    out = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:9.1f} ms"


def torch_tools() -> tuple[Callable | None, str]:
    """A factory: engine result -> (a torchinfo.summary call, the module's param count);
    or None and the reason when torch or torchinfo is missing. Imported only here, so the
    engine timings never share the process with a half-imported torch."""
    try:
        import torch  # noqa: F401
        import torchinfo
    except ImportError as err:
        return None, f"torch/torchinfo not installed ({err.name}); pip install '.[torch]'"
    sys.path.insert(0, str(ROOT / "tests" / "crosscheck_torch"))
    from torch_modules import build_module

    def make(result):  # -> (summary call, torch param count)
        module = build_module(result).module
        params = sum(p.numel() for p in module.parameters())
        return (lambda: torchinfo.summary(module, input_size=(1, 3, 224, 224), verbose=0)), params

    return make, ""


def engine_vs_torchinfo(reps: int, torch_reps: int) -> None:
    from notegen.engine import analyze
    from notegen.sources.specs import parse_spec

    make, why_not = torch_tools()
    rows = []
    for name, path in SPECS.items():
        text = path.read_text(encoding="utf-8")
        result = analyze(parse_spec(text, str(path)))
        engine = timings(lambda: analyze(parse_spec(text, str(path))), reps)
        row = [name, f"{result.params:,}",
               "yes" if result.params == TORCHVISION_PARAMS[name] else "NO",
               fmt_s(min(engine)), fmt_s(statistics.median(engine))]
        if make is not None:
            summary, torch_params = make(result)
            info = timings(summary, torch_reps)
            ratio = statistics.median(info) / statistics.median(engine)
            row += ["yes" if torch_params == result.params else "NO",
                    fmt_s(min(info)), fmt_s(statistics.median(info)), f"{ratio:8.1f}×",
                    "ok" if ratio >= ENGINE_TARGET else "MISSED"]
        rows.append(row)
    headers = ["network", "params", "= torchvision", "engine best", "engine median"]
    if make is not None:
        headers += ["= torch module", "torchinfo best", "torchinfo median", "speed-up",
                    f"≥{ENGINE_TARGET:.0f}×"]
    print(f"parse_spec + analyze ({reps} reps) vs torchinfo.summary ({torch_reps} reps), one process")
    print(table(headers, rows))
    if why_not:
        print(f"(torchinfo columns left out: {why_not})")


def notegen_command() -> list[str]:
    exe = shutil.which("notegen")
    return [exe] if exe else [sys.executable, "-c", "from notegen.cli import main; main()"]


def process_times(cmd: list[str], runs: int) -> list[float]:
    out = []
    for _ in range(runs + 1):  # the first run warms the OS file cache; not counted
        start = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        out.append(time.perf_counter() - start)
    return out[1:]


def inspect_process(runs: int) -> None:
    spec = "content/networks/resnet50.yaml"
    inspect = process_times(notegen_command() + ["inspect", spec], runs)
    bare = process_times([sys.executable, "-c", "pass"], runs)
    median = statistics.median(inspect)
    rows = [["notegen inspect resnet50.yaml", fmt_s(min(inspect)), fmt_s(median),
             "ok" if median < INSPECT_TARGET else "MISSED"],
            ["python -c pass (interpreter start)", fmt_s(min(bare)), fmt_s(statistics.median(bare)), ""]]
    print(f"\nwhole process, {runs} runs")
    print(table(["command", "best", "median", f"< {INSPECT_TARGET} s"], rows))


def inspect_imports() -> None:
    code = ("import json, sys\nfrom notegen.cli import main\n"
            "main(['inspect', 'content/networks/resnet50.yaml'], standalone_mode=False)\n"
            f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True,
                          capture_output=True, text=True)
    loaded = json.loads(proc.stdout.strip().splitlines()[-1])
    rows = [[m, "IMPORTED" if m in loaded else "not imported"] for m in HEAVY]
    print("\nslow imports on the inspect path")
    print(table(["module", "after `notegen inspect`"], rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=20, help="engine repetitions (default 20)")
    parser.add_argument("--torch-reps", type=int, default=5, help="torchinfo repetitions (default 5)")
    parser.add_argument("--runs", type=int, default=10, help="inspect process runs (default 10)")
    args = parser.parse_args()
    engine_vs_torchinfo(args.reps, args.torch_reps)
    inspect_process(args.runs)
    inspect_imports()


if __name__ == "__main__":
    main()
