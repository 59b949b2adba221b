"""The build cache kept in the vault (``.notegen/cache/``): what the last build parsed,
rendered and checked, so that a rebuild redoes only what its inputs changed.

It is an optimisation only: a missing, unreadable or outdated cache means a full build, and
a build that fails never saves one. Figures are cached beside it as ``figures/<key>.svg``.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from notegen.vault.atomic import write_atomic

CACHE_DIR = ".notegen/cache"
CACHE_FILE = f"{CACHE_DIR}/build.pickle"
FIGURE_DIR = f"{CACHE_DIR}/figures"


@dataclass
class RenderedNote:
    key: str                           # digest of everything the note was rendered from
    text: str                          # the note as generated (empty user section)
    figures: tuple[tuple[str, str], ...]  # (attachment file name, figure cache key)


@dataclass
class BuildCache:
    version: str = ""
    sources: dict[str, tuple[str, Any]] = field(default_factory=dict)  # shown path -> (sha256, parsed)
    networks: dict[str, Any] = field(default_factory=dict)             # spec sha256 -> NetworkResult
    notes: dict[str, RenderedNote] = field(default_factory=dict)        # vault path -> rendered note
    check: dict[str, Any] = field(default_factory=dict)                 # note sha256 -> checker facts
    fingerprint: str = ""            # inputs of the last successful build
    vault_state: dict[str, tuple[int, int]] = field(default_factory=dict)  # path -> (size, mtime_ns)
    clean: bool = False              # whether the last build's check found no problem


def load_cache(root: Path, version: str) -> BuildCache:
    path = Path(root) / CACHE_FILE
    try:
        cache = pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return BuildCache(version=version)
    if not isinstance(cache, BuildCache) or cache.version != version:
        return BuildCache(version=version)
    return cache


def save_cache(root: Path, cache: BuildCache) -> None:
    target = Path(root) / CACHE_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, pickle.dumps(cache, protocol=pickle.HIGHEST_PROTOCOL))


def vault_state(root: Path) -> dict[str, tuple[int, int]]:
    """(size, mtime) of every file in the vault outside hidden folders: a cheap way to see
    that nobody touched the vault since the last build."""
    root = Path(root)
    state = {}
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        st = path.stat()
        state[rel.as_posix()] = (st.st_size, st.st_mtime_ns)
    return state
