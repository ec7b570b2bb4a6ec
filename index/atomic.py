"""Writing a file so that a reader, or a kill at any moment, sees the old version or the
new one, never half of one.

``atomic_write``: the data goes to a temporary file beside the target (same folder, so
the rename cannot cross file systems), which is fsynced, renamed over the target, and
then the folder is fsynced so that the rename itself survives a power cut. Temporary
names start with a dot and the target's name, and end with ``suffix``, so whoever owns
the folder can sweep up what a killed writer left (``.<name>.<random><suffix>``).
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path


def fsync_dir(path: Path) -> None:
    """Make the entries of folder ``path`` (a rename, a new file) durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_temporary(path: Path, data: bytes, *, suffix: str = ".tmp") -> Path:
    """Write ``data`` to a new temporary file beside ``path``, fsynced; return its name.

    The caller renames it into place (``os.replace``) or deletes it.
    """
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}{suffix}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # less the umask
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def atomic_write(path: Path, data: bytes, *, suffix: str = ".tmp") -> None:
    """Replace ``path`` with ``data``: temporary file, fsync, rename, fsync the folder.

    Raises:
        OSError: the folder cannot be written (read-only, full disk); ``path`` is then
            as it was and no temporary file is left.
    """
    tmp = write_temporary(path, data, suffix=suffix)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
