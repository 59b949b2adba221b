"""Shared fixtures: the repository root and a CLI runner that reports exit code and output."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
NETWORKS = ROOT / "content" / "networks"


@pytest.fixture
def cli():
    """Run ``notegen ARGS`` in-process; returns click's Result (exit_code, output, stderr)."""
    from notegen.cli import main

    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return run
