"""The build cache kept in the vault (``.notegen/cache/``): what the last build parsed,
rendered and checked, so that a rebuild redoes only what its inputs changed.

It is an optimisation only: a missing, unreadable or outdated cache means a full build, and
a build that fails never saves one. Figures are cached beside it as ``figures/<key>.svg``.
"""

from __future__ import annotations

import gc
import os
import pickle
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from notegen.vault.atomic import write_atomic

CACHE_DIR = ".notegen/cache"
CACHE_FILE = f"{CACHE_DIR}/build.pickle"
FIGURE_DIR = f"{CACHE_DIR}/figures"
TEMPLATE_CACHE_DIR = f"{CACHE_DIR}/templates"  # jinja2's compiled templates


@dataclass
class RenderedNote:
    key: str                           # digest of everything the note was rendered from
    text: str                          # the note as generated (empty user section)
    figures: tuple[tuple[str, str], ...]  # (attachment file name, figure cache key)


@dataclass
class BuildCache:
    version: str = ""
    sources: dict[str, tuple[str, Any]] = field(default_factory=dict)  # shown path -> (sha256, parsed)
    notes: dict[str, RenderedNote] = field(default_factory=dict)        # vault path -> rendered note
    check: dict[str, Any] = field(default_factory=dict)                 # note sha256 -> checker facts
    fingerprint: str = ""            # inputs of the last successful build
    vault_state: dict[str, tuple[int, int]] = field(default_factory=dict)  # path -> (size, mtime_ns)
    clean: bool = False              # whether the last build's check found no problem


def load_cache(root: Path, version: str) -> BuildCache:
    path = Path(root) / CACHE_FILE
    try:
        with _no_gc():  # many small objects: the cyclic collector would run dozens of times
            cache = pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return BuildCache(version=version)
    if not isinstance(cache, BuildCache) or cache.version != version:
        return BuildCache(version=version)
    return cache


def save_cache(root: Path, cache: BuildCache) -> None:
    target = Path(root) / CACHE_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    with _no_gc():
        data = pickle.dumps(cache, protocol=pickle.HIGHEST_PROTOCOL)
    write_atomic(target, data)


@contextmanager
def _no_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def vault_state(root: Path) -> dict[str, tuple[int, int]]:
    """(size, mtime) of every file in the vault outside hidden folders: a cheap way to see
    that nobody touched the vault since the last build."""
    state: dict[str, tuple[int, int]] = {}
    manifest = Path(root) / ".notegen" / "manifest.json"
    if manifest.is_file():  # notegen's own state counts too: a lost manifest means a real build
        st = manifest.stat()
        state[".notegen/manifest.json"] = (st.st_size, st.st_mtime_ns)

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, f"{prefix}{entry.name}/")
                elif entry.is_file():
                    st = entry.stat()
                    state[prefix + entry.name] = (st.st_size, st.st_mtime_ns)

    if Path(root).is_dir():
        walk(str(root), "")
    return dict(sorted(state.items()))
