"""The vault's trust boundary: every path notegen creates, replaces or deletes lies inside it.

A vault comes from anyone (a zip, a git clone, a sync service), and so do the paths that
reach the writer: the plan's, the manifest's, the backup and cache folders'. Before any of
them is touched, :func:`safe_path` checks that it

* is relative, POSIX, with no empty, ``.`` or ``..`` part, no backslash and no NUL;
* passes through no symbolic link, itself included: a folder or note the student replaced
  by a link is never written through, whatever the link points at (inside the vault or
  out), in the manner of rsync's ``--safe-links``;
* therefore resolves to a place under the vault folder (which may itself be reached
  through a link: it is where the student pointed ``--out``).

Checks on the way to a file are remembered per :class:`PathGuard` (one per build), since
a vault's few hundred files share a dozen folders.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath

from notegen.errors import NotegenError, SourceError

LINK_HINT = ("replace the link with the real folder or file (copy its content in), or delete "
             "it to have notegen regenerate it; notegen never writes through a link")


class UnsafePath(NotegenError):
    """A path notegen was asked to touch that is not plainly inside the vault."""

    def __init__(self, path: str, reason: str, hint: str = "") -> None:
        self.path, self.reason = path, reason
        super().__init__([SourceError(path, 0, reason, hint)],
                         "refused: notegen writes only inside the vault, never through a link")


def shape_problem(path: str) -> str:
    """Why ``path`` is not a plain vault-relative path ('' when it is)."""
    if not isinstance(path, str) or not path or "\\" in path or "\0" in path:
        return "is empty or holds a backslash or NUL"
    if PurePosixPath(path).is_absolute() or (len(path) > 1 and path[1] == ":"):
        return "is absolute; a vault path is relative to the vault folder"
    if any(part in ("", ".", "..") for part in path.split("/")):
        return "has an empty, '.' or '..' part, which could lead out of the vault"
    return ""


class PathGuard:
    """Answers "may notegen touch ``root/relative``?" for one build."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._links: dict[str, str] = {}  # vault-relative path -> link found on it ('' if none)

    def link_on_path(self, relative: str) -> str:
        """The first part of ``relative`` (a prefix, or the path itself) that is a symbolic
        link on disk, '' when there is none. Missing parts are not links."""
        parts = relative.split("/")
        for n in range(1, len(parts) + 1):
            prefix = "/".join(parts[:n])
            found = self._links.get(prefix)
            if found is None:
                try:
                    mode = os.lstat(os.path.join(self.root, prefix)).st_mode
                except OSError:
                    mode = 0  # missing (or unreadable): nothing beyond it can be a link yet
                found = prefix if stat.S_ISLNK(mode) else ""
                if n < len(parts):  # a file's own entry changes often; folders rarely
                    self._links[prefix] = found
                if not mode:
                    return found
            if found:
                return found
        return ""

    def problem(self, relative: str) -> str:
        """Why ``relative`` may not be touched ('' when it may)."""
        shape = shape_problem(relative)
        if shape:
            return shape
        link = self.link_on_path(relative)
        if link:
            where = "is" if link == relative else f"lies in {link}/, which is"
            return f"{where} a symbolic link{_target(self.root, link)}"
        # Relative, no '..', no link on the way: the path cannot resolve outside the vault
        # (the vault folder itself may be a link; it is where the student pointed --out).
        return ""

    def check(self, relative: str) -> Path:
        """``root/relative``, or :class:`UnsafePath` when it may not be touched."""
        problem = self.problem(relative)
        if problem:
            raise UnsafePath(relative, problem, LINK_HINT if "symbolic link" in problem else "")
        return self.root / relative

    def forget(self, relative: str) -> None:
        """Drop what was remembered about ``relative`` and below (after creating or
        removing a folder there)."""
        for key in [k for k in self._links if k == relative or k.startswith(relative + "/")]:
            del self._links[key]


def safe_path(root: Path, relative: str) -> Path:
    """``root/relative`` if notegen may create, replace or delete it; else :class:`UnsafePath`."""
    return PathGuard(root).check(relative)


def _target(root: Path, link: str) -> str:
    try:
        return f" (to {os.readlink(os.path.join(root, link))})"
    except OSError:
        return ""
