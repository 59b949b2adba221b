"""Checks on the vault-relative paths the compiler asks the writer to produce."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from typing import Iterable

from notegen.vault.atomic import is_temp_name

STATE_DIR = ".notegen"
BACKUP_DIR = f"{STATE_DIR}/backup"


def path_problem(path: str) -> str:
    """Why ``path`` cannot be a generated file's path ('' when it can)."""
    if not path or "\\" in path or "\0" in path:
        return "is empty or holds a backslash or NUL"
    pure = PurePosixPath(path)
    if pure.is_absolute() or path.startswith("/") or (len(path) > 1 and path[1] == ":"):
        return "is absolute; generated paths are relative to the vault"
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return "has an empty, '.' or '..' part"
    if parts[0] == STATE_DIR:
        return f"is inside {STATE_DIR}/, which holds notegen's own state"
    if is_temp_name(parts[-1]):
        return "is named like a temporary file of an interrupted build"
    return ""


def case_clashes(paths: Iterable[str]) -> list[tuple[str, str]]:
    """Pairs of distinct paths that name the same file on a case-insensitive file system
    (macOS and Windows defaults), where one would silently overwrite the other."""
    seen: dict[str, str] = {}
    clashes = []
    for path in sorted(paths):
        folded = path.casefold()
        if folded in seen and seen[folded] != path:
            clashes.append((seen[folded], path))
        seen.setdefault(folded, path)
    return clashes


def blocked_by(root: Path, path: str, memo: dict[str, bool] | None = None) -> str:
    """A vault-relative path on disk that stops ``path`` being written ('' if none):
    a folder where the file goes, or a file where one of its folders goes.

    ``memo`` (per call site, one build) remembers which folders were already found free,
    since many files share a few folders.
    """
    memo = {} if memo is None else memo
    if os.path.isdir(os.path.join(root, path)):
        return path
    parts = path.split("/")
    for n in range(1, len(parts)):
        folder = "/".join(parts[:n])
        if folder not in memo:
            full = os.path.join(root, folder)
            memo[folder] = not (os.path.exists(full) and not os.path.isdir(full))
        if not memo[folder]:
            return folder
    return ""
