"""Fixtures of the vault tests: the default course, built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from notegen.build import build
from notegen.config import BuildOptions
from tests.conftest import ROOT

CONTENT, TEMPLATES = ROOT / "content", ROOT / "templates"


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """A vault built from the default course; tests copy it, never change it."""
    out = tmp_path_factory.mktemp("built") / "vault"
    build(BuildOptions(source=CONTENT, out=out, templates=TEMPLATES))
    return out
