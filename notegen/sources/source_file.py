"""Reading one source file: only a regular file, of bounded size, as UTF-8 text.

A course folder comes from anyone. A FIFO or a device in place of a source would make a
plain read wait or run forever, a symlink loop cannot be read at all, and a file of many
megabytes is no course material: each is a clear error instead. The file is opened without
blocking (a FIFO opens at once), checked with ``fstat`` on the opened descriptor (no race
between the check and the read), and read to at most MAX_BYTES + 1 bytes.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from notegen.errors import SourceError

MAX_BYTES = 2 * 1024 * 1024  # 2 MiB; the largest shipped source is under 20 KiB
BOM = "\ufeff"


class SourceFileError(Exception):
    def __init__(self, error: SourceError) -> None:
        super().__init__(str(error))
        self.error = error


def read_source(path: Path, shown: str) -> bytes:
    """The bytes of the regular file ``path`` (``shown`` names it in errors)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise SourceFileError(SourceError(shown, 0, "the file is a symbolic link that leads "
                                              "back to itself (a link loop)",
                                              "replace the link by the file it should point to")) from None
        raise SourceFileError(SourceError(shown, 0, f"cannot read the file: {exc.strerror}")) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SourceFileError(SourceError(shown, 0, f"not a regular file ({_kind(info.st_mode)}); "
                                              "a source must be a plain text file",
                                              "remove it from the course folder or replace it by a file"))
        if info.st_size > MAX_BYTES:
            raise SourceFileError(_too_big(shown))
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > MAX_BYTES:  # it grew while being read
                raise SourceFileError(_too_big(shown))
        return b"".join(chunks)
    except OSError as exc:
        raise SourceFileError(SourceError(shown, 0, f"cannot read the file: {exc.strerror}")) from None
    finally:
        os.close(fd)


def decode_source(data: bytes, shown: str) -> str:
    """UTF-8 text, a leading byte-order mark dropped (Windows editors write one)."""
    try:
        return data.decode("utf-8").removeprefix(BOM)
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise SourceFileError(SourceError(shown, line, "the file is not UTF-8 text",
                                          "save it as UTF-8")) from None


def read_source_text(path: Path, shown: str) -> str:
    return decode_source(read_source(path, shown), shown)


def _too_big(shown: str) -> SourceError:
    return SourceError(shown, 0, f"the file is over {MAX_BYTES // (1024 * 1024)} MiB, the limit "
                       "for a source", "split it; a course source is a few kilobytes")


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "not a plain file"
