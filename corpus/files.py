"""Opening a file to index without ever blocking on a pipe or reading a device forever.

A FIFO, a character device (``/dev/zero``) or a socket given as a source, or swapped in
for a file between discovery and reading, would make ``open`` or ``read`` wait or never
end. ``open_regular`` opens without blocking and refuses anything but a regular file.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

NOT_REGULAR = "not a regular file (device, pipe or socket)"


class NotRegularFile(OSError):
    """The path names a FIFO, a device, a socket or a folder, not a regular file."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(errno.EINVAL, NOT_REGULAR, str(path))


def is_regular(path: Path | str) -> bool:
    """Whether ``path`` (followed if a symlink) is a regular file; never blocks."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def open_regular(path: Path | str) -> BinaryIO:
    """``path`` opened for reading in binary; ``NotRegularFile`` if it is not a regular file.

    ``O_NONBLOCK`` makes opening a FIFO with no writer return at once instead of waiting;
    it has no effect on reading a regular file.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegularFile(path)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


BAD_NAME = "file name is not valid UTF-8 (rename the file to index it)"


def path_text(path: Path | str) -> str:
    """``path`` as text that can be stored, printed and written as JSON.

    A name that is not valid UTF-8 decodes to lone surrogates, which no UTF-8 file,
    database or terminal accepts: its undecodable bytes are shown as ``\\xNN`` instead.
    """
    text = str(path)
    if is_utf8(text):
        return text
    return os.fsencode(text).decode("utf-8", "backslashreplace")


def is_utf8(text: str) -> bool:
    """Whether ``text`` (a path) can be encoded as UTF-8 (it has no lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
