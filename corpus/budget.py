"""A time budget for reading one document, and the cancel check of the build reading it.

Some files are built (or just happen) to be slow to read: a 4 KB PDF whose pages all
draw one 1 MB content stream, an HTML page nested 100,000 elements deep. Loaders call
``Budget.check`` between pages (and every few thousand steps inside a long one): past
the deadline the document is skipped with a reason (``OverBudget``); when the build is
cancelled, ``LoadCancelled`` ends the read at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from corpus.errors import UnreadableDocument

LOAD_SECONDS = 120.0
"""Default most seconds spent reading one document (setting ``load_seconds``)."""


class OverBudget(UnreadableDocument):
    """Reading the document took longer than its budget."""


class LoadCancelled(Exception):  # noqa: N818 - named for what happened, like Cancelled
    """The build reading the document was cancelled."""


class Budget:
    """A deadline and an optional cancel event for reading one document."""

    def __init__(self, seconds: float | None = LOAD_SECONDS,
                 cancel: threading.Event | None = None) -> None:
        self.seconds = seconds
        self.cancel = cancel
        self.deadline = None if seconds is None else time.monotonic() + seconds

    def check(self, where: str = "") -> None:
        """Raise ``LoadCancelled`` or ``OverBudget`` (naming ``where``) if reading must stop."""
        if self.cancel is not None and self.cancel.is_set():
            raise LoadCancelled("reading cancelled")
        if self.deadline is not None and time.monotonic() > self.deadline:
            at = f" (stopped at {where})" if where else ""
            raise OverBudget(
                f"took longer than {self.seconds:g} s to read{at}: skipped; the file may be "
                "built to be slow to read (setting load_seconds)")

    def every(self, steps: int, where: Callable[[], str] = lambda: "") -> Callable[..., None]:
        """A callback that runs ``check`` once every ``steps`` calls (for inner loops)."""
        count = 0

        def tick(*_args: Any) -> None:
            nonlocal count
            count += 1
            if count % steps == 0:
                self.check(where())

        return tick
