"""Messages the app's workers and widgets send (posted from threads via post_message)."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message


class IndexProgress(Message):
    """An indexing step: drives a progress bar. Newer reports replace queued ones."""

    def __init__(self, stage: str, done: int, total: int, text: str = "") -> None:
        super().__init__()
        self.stage = stage
        self.done = done
        self.total = total
        self.text = text

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, IndexProgress) and message.stage == self.stage


class IndexFinished(Message):
    """Indexing ended: ``report`` (a BuildReport) when it ran, else ``error``.

    After a GOV.UK sync, ``sync`` is its ``SyncReport`` (what was fetched, what failed,
    the one-line offline message) and ``report`` the reindex that followed, if any.
    """

    def __init__(self, report: object | None = None, error: str | None = None,
                 cancelled: bool = False, sync: object | None = None) -> None:
        super().__init__()
        self.report = report
        self.error = error
        self.cancelled = cancelled
        self.sync = sync


class AssistantReady(Message):
    """The model and index are loaded (or failed to: ``error``)."""

    def __init__(self, error: str | None = None) -> None:
        super().__init__()
        self.error = error


@dataclass
class SourceRequest:
    """What to open in the source reader: a chunk, and what to highlight in it."""

    chunk_id: str
    terms: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    question: str | None = None
    #: The section the list showed for this entry (a citation's is its sentence's).
    section: list[str] | None = None
