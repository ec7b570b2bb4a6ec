"""Reading ``.npy`` files from several threads.

numpy parses an ``.npy`` header with ``ast.literal_eval``. On CPython 3.11 (this
project's Python) two threads parsing at once can fail with "SystemError: AST
constructor recursion depth mismatch" (CPython issue gh-106905): a rebuild reading its
base generation while a question opens the new one is enough. Every header this
package reads goes through one lock; the data itself is read or mapped outside it where
numpy allows.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

_HEADER_LOCK = threading.Lock()


def load(path: Path, mmap: bool = False) -> np.ndarray:
    """``np.load`` of our own arrays (never pickled), safe to call from any thread."""
    with _HEADER_LOCK:
        return np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)


def read_header(fh):  # noqa: ANN001, ANN201 - an open binary file
    """(shape, fortran_order, dtype) of the ``.npy`` file ``fh`` is positioned at."""
    with _HEADER_LOCK:
        version = np.lib.format.read_magic(fh)
        if version == (1, 0):
            return np.lib.format.read_array_header_1_0(fh)
        if version == (2, 0):
            return np.lib.format.read_array_header_2_0(fh)
    raise ValueError(f".npy format version {version} is not one we write")
