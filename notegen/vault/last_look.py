"""The last look before a file is replaced: a save the student made during the build is
merged, never overwritten.

A build reads a note, renders for a while, then writes. Obsidian autosaves meanwhile.
So just before the rename the file is read again; if its bytes are not the ones the plan
was made from, the new bytes are merged with the generated note instead (their new My
notes text, their new review comments), or, if they can no longer be merged (the student
edited outside My notes), the file is left as they saved it and reported.

One window remains between that read and the rename. Obsidian saves in place (the same
file, truncated and rewritten), so the old file is hard-linked aside just before the
rename: a save that lands in the window is then found in the old file, and the note is
merged and written once more. (A program that saves by renaming a new file into place
can still lose that race; no lock exists that every editor honours.)
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from notegen.vault.atomic import discard, refuse_link, temp_path, write_temp

TRIES = 4  # a student saving faster than a file is written (several times a millisecond) wins


@dataclass(frozen=True)
class LastLook:
    written: bytes | None  # what is now on disk from this build; None: left as the student saved it
    remerged: bool  # the student saved during the build and their save was merged


def replace_fresh(target: Path, content: bytes, read: bytes | None,
                  merge: Callable[[bytes], bytes | None]) -> LastLook:
    """Put ``content`` at ``target`` unless the file changed since it was ``read`` (None:
    it did not exist); then ``merge`` (the new bytes -> what to write, None if they
    cannot be merged) decides what is written instead."""
    expected, remerged = read, False
    for attempt in range(TRIES):
        current = _read(target)
        if current != expected:
            remerged = True
            merged = _settled(lambda: _read(target), merge) if current is not None else None
            if merged is None:
                return LastLook(None, True)
            content, expected = merged
            current = expected
        if content == current:
            return LastLook(content, remerged)
        try:
            aside = _swap(target, content, current)
        except FileExistsError:  # created meanwhile where the plan saw no file
            expected = b"" if expected is None else expected
            continue
        if aside is None:
            return LastLook(content, remerged)
        # A save landed between the read and the rename (into the old file, now aside).
        remerged = True
        try:
            merged = _settled(lambda: _read_plain(aside), merge)
            if merged is None or attempt == TRIES - 1:
                # Theirs and not ours to merge, or they keep saving faster than the file
                # can be written: put their save back as it was; the next build merges it.
                _swap(target, _read_plain(aside), content, keep=False)
                return LastLook(None, True)
        finally:
            discard(aside)
        content, expected = merged[0], _read(target)
    return LastLook(None, True)


def _settled(read: Callable[[], bytes | None], merge: Callable[[bytes], bytes | None]
             ) -> tuple[bytes, bytes] | None:
    """(merged, the bytes merged) for what ``read`` gives; a read that does not merge is
    tried again after a moment, since it may have caught a save half-way."""
    for pause in (0.0, 0.02, 0.1):
        time.sleep(pause)
        data = read()
        merged = merge(data) if data is not None else None
        if merged is not None:
            return merged, data
    return None


def _read(target: Path) -> bytes | None:
    refuse_link(target)
    try:
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return None
    with os.fdopen(fd, "rb") as f:
        return f.read()


def _read_plain(path: Path) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def _swap(target: Path, content: bytes, current: bytes | None, keep: bool = True) -> Path | None:
    """Replace ``target`` (holding ``current``; None: absent) by ``content``. When a save
    went into the old file meanwhile (its bytes are no longer ``current``), the old file
    is returned, still linked aside, for the caller to read and discard."""
    tmp = write_temp(target, content)
    try:
        if current is None:
            try:
                os.link(tmp, target)  # creates, never clobbers a file made meanwhile
            except FileExistsError:
                raise  # the next look finds it and merges with it
            except OSError:
                os.replace(tmp, target)  # a file system without hard links
            return None
        aside = temp_path(target) if keep else None
        if aside is not None:
            try:
                os.link(target, aside)
            except OSError:
                aside = None
        try:
            refuse_link(target)
            os.replace(tmp, target)
        except BaseException:
            if aside is not None:
                discard(aside)
            raise
        if aside is not None and _read_plain(aside) == current:
            discard(aside)
            return None
        return aside
    finally:
        discard(tmp)
