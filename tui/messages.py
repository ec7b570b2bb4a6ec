"""Messages the app's workers post (from threads, via ``post_message``).

Typed dataclasses, handled by Textual's own dispatch (``on_index_progress``,
``on_index_finished``, ``on_model_preparing``, ``on_assistant_ready``): a job posts one
to the app, which keeps what it needs and posts a copy to each screen of its stack
(``MutualsApp.to_screens``).
They do not bubble, so a copy posted to a screen never comes back up to the app.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from assistant.indexing import BuildReport
    from assistant.sync import SyncReport


@dataclass
class IndexProgress(Message, bubble=False):
    """An indexing step: drives a progress bar. Newer reports replace queued ones."""

    stage: str
    """scan, read, embed, write or done (``Progress`` of a build), or sync."""
    done: int
    total: int
    """0 when the step is not counted (the bar pulses)."""
    text: str = ""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, IndexProgress) and message.stage == self.stage


@dataclass
class IndexFinished(Message, bubble=False):
    """Indexing ended: ``report`` when it ran, else ``error`` (and ``cancelled`` if so).

    After a GOV.UK sync, ``sync`` is its report (what was fetched, what failed, the
    one-line offline message) and ``report`` the reindex that followed, if any.
    """

    report: BuildReport | None = None
    error: str | None = None
    cancelled: bool = False
    sync: SyncReport | None = None
    first_run: bool = False
    """The first start's index of the bundled documents (the ask screen shows it)."""


@dataclass
class ModelPreparing(Message, bubble=False):
    """Slow one-off work on the model has begun (its export for this machine, on the
    first start): ``text`` says so in one line (``Assistant.on_notice``)."""

    text: str


@dataclass
class AssistantReady(Message, bubble=False):
    """The model and index are loaded (or failed to: ``error``)."""

    error: str | None = None


@dataclass
class SourceRequest:
    """What to open in the source reader: a chunk, and what to highlight in it."""

    chunk_id: str
    terms: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    question: str | None = None
    #: The section the list showed for this entry (a citation's is its sentence's).
    section: list[str] | None = None
