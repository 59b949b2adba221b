"""Build options: one immutable object, resolved once from the command line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def packaged(name: str) -> Path:
    """The default ``content`` or ``templates`` folder shipped with notegen.

    In a wheel they live in ``notegen/_data/``; in a source checkout (editable install)
    they are the repository's top-level folders.
    """
    inside = _PACKAGE / "_data" / name
    return inside if inside.is_dir() else _PACKAGE.parent / name


def default_source(cwd: Path | None = None) -> Path:
    """``./content`` when the working folder has one, else the packaged default course."""
    local = (cwd or Path.cwd()) / "content"
    return local if local.is_dir() else packaged("content")


@dataclass(frozen=True)
class BuildOptions:
    source: Path      # content folder: topics/, examples/, networks/, patterns.yaml
    out: Path         # the vault folder written
    templates: Path   # jinja2 note templates
    force: bool = False  # overwrite generated notes edited outside their user section
    check: bool = True   # run `notegen check` on the vault after writing
    jobs: int | None = None  # figure-drawing processes (None: one per core)
