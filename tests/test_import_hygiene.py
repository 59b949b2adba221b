"""Slow imports (torch, matplotlib) stay off the paths that do not need them.

Each check runs in a fresh interpreter, so modules imported by other tests in this
process cannot hide or fake a leak.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("torch", "matplotlib")

REPORT = f"import json, sys; print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"


def heavy_modules_after(code: str) -> list[str]:
    """Which of torch / matplotlib are in sys.modules after running ``code`` in a new process."""
    proc = subprocess.run([sys.executable, "-c", f"{code}\n{REPORT}"], capture_output=True,
                          text=True, cwd=ROOT, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_report_sees_a_heavy_import() -> None:
    # the probe itself must be able to fail: importing matplotlib has to show up
    assert heavy_modules_after("import matplotlib") == ["matplotlib"]


def test_cli_engine_and_spec_reader_import_neither_torch_nor_matplotlib() -> None:
    assert heavy_modules_after("import notegen.cli, notegen.engine, notegen.sources.specs") == []


def test_inspect_command_imports_neither_torch_nor_matplotlib() -> None:
    code = ("from notegen.cli import main\n"
            "main(['inspect', 'content/networks/resnet50.yaml'], standalone_mode=False)")
    assert heavy_modules_after(code) == []
