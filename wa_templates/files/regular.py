"""Reading a file that may be anything: only a regular file, and only up to a size limit.

A device or FIFO reports size 0, so its size cannot protect the reader: /dev/zero never ends
and a FIFO without a writer never answers. So the type is checked before opening (which would
wait on a FIFO) and again on what was opened, in case the path changed meanwhile, and no more
than the limit + 1 bytes are read.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

# Never wait for a FIFO's writer, nor let a terminal become ours, if one is swapped in after the
# check (Windows has neither flag, nor FIFOs to wait on).
_OPEN_FLAGS = getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class NotRegular(Exception):
    """The path is not a regular file; the message says what it is ("a FIFO")."""


def read_regular(
    path: Path | str,
    limit: int,
    check_size: Callable[[int], None],
    *,
    follow_symlinks: bool = True,
) -> bytes:
    """The bytes of a regular file, read no further than `limit` + 1.

    `check_size` raises when a size is over the limit: called with the size the file reports,
    before reading, and with the length read. Without `follow_symlinks` (for a path resolved
    and checked already), a symlink put in its place meanwhile is not opened.
    """
    info = os.stat(path)
    _check_regular(info.st_mode)
    # Refuse an oversized file from its size, before reading gigabytes into memory.
    check_size(info.st_size)
    flags = _OPEN_FLAGS | (0 if follow_symlinks else _NO_FOLLOW)
    with open(path, "rb", opener=lambda file, mode: os.open(file, mode | flags)) as handle:
        _check_regular(os.fstat(handle.fileno()).st_mode)
        raw = handle.read(limit + 1)
    check_size(len(raw))
    return raw


def _check_regular(mode: int) -> None:
    if not stat.S_ISREG(mode):
        raise NotRegular(next((kind for test, kind in _KINDS if test(mode)), "a special file"))
