"""Long work of the app, in thread workers: start-up (first-run index, model load), reindex,
GOV.UK sync.

Mixed into the App so that jobs outlive the screen that started them: a reindex keeps
going (and its progress keeps arriving) when the maintainer leaves the documents screen.
The core reports progress through a callback and stops at a cancel event; here those
become ``IndexProgress`` / ``IndexFinished`` messages posted to the app.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.worker import get_current_worker

from assistant.indexing import counted
from tui.messages import AssistantReady, IndexFinished, IndexProgress

if TYPE_CHECKING:
    from textual.message import Message

    from assistant.indexing import Progress
    from assistant.service import Assistant


def describe_error(exc: BaseException) -> str:
    """A one-line, user-facing description of an error (no traceback)."""
    text = str(exc).strip() or exc.__class__.__name__
    return text.splitlines()[0][:300]


def deliver(node, callback, *args) -> None:  # noqa: ANN001
    """From a worker thread: run ``callback(*args)`` in the UI if ``node`` is still shown.

    A screen closed while its worker ran simply drops the result; an app that has
    already exited is not called at all.
    """

    def run() -> None:
        if node.is_attached and node.is_mounted:
            callback(*args)

    try:
        node.app.call_from_thread(run)
    except RuntimeError:  # the app is no longer running
        pass


class JobsMixin:
    """Start-up and indexing jobs; the App provides ``assistant`` and ``post_message``."""

    assistant: Assistant
    ready: threading.Event
    startup_error: str | None

    if TYPE_CHECKING:  # provided by the App this is mixed into

        def post_message(self, message: Message) -> bool: ...

    def _init_jobs(self) -> None:
        self.ready = threading.Event()
        self.startup_error = None
        self.indexing = False
        self._cancel = threading.Event()
        self.last_progress: IndexProgress | None = None

    # -- progress from the core --------------------------------------------------------
    def _progress(self, p: Progress) -> None:
        self.post_message(IndexProgress(p.stage, p.done, p.total, p.message))

    def _run_index(self, paths: Sequence[str]) -> IndexFinished:
        """Index in the current (worker) thread; never raises."""
        from assistant.indexing import Cancelled, IndexLocked

        known = set(self.assistant.source_paths())
        try:
            report = self.assistant.index(list(paths), progress=self._progress,
                                          cancel=self._cancel)
        except Cancelled:
            # A cancelled "add" is undone too: the sources stay as the live index has them.
            for added in set(self.assistant.source_paths()) - known:
                self.assistant.remove_source(added)
            return IndexFinished(cancelled=True,
                                 error="Indexing cancelled: the previous index is unchanged.")
        except IndexLocked as exc:
            return IndexFinished(error=f"Another indexing run holds the lock: {exc}")
        except Exception as exc:  # noqa: BLE001 - shown as a notification, never a crash
            return IndexFinished(error=f"Indexing failed: {describe_error(exc)}")
        return IndexFinished(report=report)

    # -- jobs ----------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="startup", exit_on_error=False)
    def start_up(self) -> None:
        """First run: index the bundled corpus; then load the model and the index."""
        error = None
        try:
            if not self.assistant.has_index():
                self.indexing = True
                finished = self._run_index(())
                finished.first_run = True
                self.indexing = False
                self.post_message(finished)
            if not get_current_worker().is_cancelled:
                self.assistant.warm_up()
        except Exception as exc:  # noqa: BLE001
            error = f"Could not load the model or index: {describe_error(exc)}"
        finally:
            self.indexing = False
            self.startup_error = error
            self.ready.set()
        self.post_message(AssistantReady(error))

    def start_indexing(self, paths: Sequence[str] = ()) -> bool:
        """Add ``paths`` and reindex in a worker; False if a run is already going."""
        if self.indexing:
            return False
        self._begin_job()
        self._index_worker(list(paths))
        return True

    def start_sync(self) -> bool:
        """Sync the configured GOV.UK pages, then reindex, in a worker; False if busy."""
        if self.indexing:
            return False
        self._begin_job()
        self._sync_worker()
        return True

    def _begin_job(self) -> None:
        # Here, in the UI thread, before the worker exists: a cancel pressed at once is
        # never wiped out by a worker that starts late.
        self.indexing = True
        self._cancel.clear()
        self.last_progress = None

    @work(thread=True, exclusive=True, group="indexing", exit_on_error=False)
    def _index_worker(self, paths: list[str]) -> None:
        try:
            finished = self._run_index(paths)
        finally:
            self.indexing = False
        self.post_message(finished)

    @work(thread=True, exclusive=True, group="indexing", exit_on_error=False)
    def _sync_worker(self) -> None:
        try:
            finished = self._run_sync()
        finally:
            self.indexing = False
        self.post_message(finished)

    def _run_sync(self) -> IndexFinished:
        """Fetch from GOV.UK, then index the sync folder (cancellable); never raises.

        ``assistant.sync.sync`` downloads; its own reindex step takes no cancel event, so
        it is skipped (``reindex=False``) and done here the same way (register the folder,
        then index) through ``_run_index``. A cancel during the downloads takes effect
        when they end: the files are kept, the index is left as it was.
        """
        from assistant.sync import sync

        pages = len(self.assistant.settings.sync_sources)
        self.post_message(IndexProgress("sync", 0, 0, f"fetching {counted(pages, 'GOV.UK page')}"))
        downloads = 0

        def log(text: str) -> None:
            nonlocal downloads
            downloads += 1
            self.post_message(IndexProgress("sync", downloads, 0, text))

        try:
            report = sync(self.assistant, None, log=log, reindex=False)
        except Exception as exc:  # noqa: BLE001 - shown as a notification, never a crash
            return IndexFinished(error=f"Sync failed: {describe_error(exc)}")
        if not report.pages:
            return IndexFinished(sync=report, error=report.offline or "Sync fetched no page.")
        if self._cancel.is_set():
            return IndexFinished(sync=report, cancelled=True,
                                 error="Sync cancelled before indexing: the files are kept, "
                                       "the index is unchanged.")
        finished = self._run_index([str(Path(report.folder).absolute())])
        finished.sync = report
        return finished

    def cancel_indexing(self) -> bool:
        """Ask a running index build to stop at its next safe point."""
        if not self.indexing:
            return False
        self._cancel.set()
        return True
