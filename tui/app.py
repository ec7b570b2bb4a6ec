"""The terminal app: a thin shell over ``assistant.Assistant``.

``assistant`` (no arguments) and ``assistant tui`` call ``run``; tests build the app
with ``make_app(assistant)``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.notifications import Notify
from textual.screen import Screen

from assistant.excerpts import Excerpt, add_unique, to_markdown
from assistant.indexing import counted
from assistant.textsafe import terminal_safe
from tui.commands import AssistantCommands
from tui.jobs import JobsMixin, describe_error
from tui.messages import AssistantReady, IndexFinished, IndexProgress, ModelPreparing
from tui.screens.ask import AskScreen

if TYPE_CHECKING:
    from assistant.indexing import IndexedDocument
    from assistant.service import Assistant


class MutualsApp(JobsMixin, App[int]):
    """Ask, read sources in context, topics, excerpts, documents."""

    TITLE = "Mutuals partnership assistant"
    SUB_TITLE = "Cited answers from the documents"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {AssistantCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("f2", "topics", "Topics"),
        Binding("f3", "excerpts", "Excerpts"),
        Binding("f4", "documents", "Documents"),
    ]

    def __init__(self, assistant: Assistant) -> None:
        super().__init__()
        self.assistant = assistant
        # The model's one-off export (first start) is named in the status line.
        assistant.on_notice = lambda text: self.post_message(ModelPreparing(text))
        self.excerpts: list[Excerpt] = []
        self._init_jobs()
        self._documents: dict[str, IndexedDocument] | None = None

    def on_mount(self) -> None:
        self.push_screen(AskScreen())
        self.start_up()

    def on_unmount(self) -> None:
        self.cancel_indexing()  # quitting mid-build leaves the previous index live

    # -- state shared by screens ---------------------------------------------------------
    def document(self, doc_id: str) -> IndexedDocument | None:
        """The indexed document ``doc_id`` (for published date and licence)."""
        if self._documents is None:
            try:
                self._documents = {d.doc_id: d for d in self.assistant.sources()}
            except Exception:  # noqa: BLE001 - no index yet, or one being swapped
                return None
        return self._documents.get(doc_id)

    def add_excerpts(self, new: list[Excerpt]) -> None:
        added = add_unique(self.excerpts, new)
        if not new:
            self.notify("Nothing to mark here.", severity="warning")
        elif added:
            self.notify(f"Marked {counted(added, 'excerpt')} "
                        f"({len(self.excerpts)} in the list, F3 to see them).")
        else:
            self.notify("Already in the excerpts list.")

    def excerpts_markdown(self) -> str:
        return to_markdown(self.excerpts)

    def notify(self, message: str, *, title: str = "", severity="information",  # noqa: ANN001
               timeout: float | None = None, markup: bool = False) -> None:
        """One notification at a time, on one line, shown literally.

        A new notification replaces the one showing (they never stack up over the lists);
        ``app.tcss`` keeps a toast one line tall. File names, URLs, titles and reasons are
        data, so markup is never parsed and control characters (an ESC starting a
        terminal escape sequence) are shown as visible escapes (``terminal_safe``).
        """
        text = re.sub(r"[\r\n]+[ \t]*", " ", f"{title}: {message}" if title else message)
        super().notify(terminal_safe(text), severity=severity, timeout=timeout, markup=False)

    def on_notify(self, event: Notify) -> None:
        """A new notification replaces the one showing: this runs before Textual's own
        handler adds it (``notify`` only posts it, so two in a row still end as one)."""
        self._notifications.clear()

    def error(self, text: str) -> None:
        """Show a problem as a notification (document text is never markup)."""
        self.notify(text, severity="error", markup=False, timeout=8)

    # -- messages from jobs --------------------------------------------------------------
    def to_screens(
        self, message: IndexProgress | IndexFinished | ModelPreparing | AssistantReady
    ) -> None:
        """Post a copy of a job's message to every screen of the stack: each screen that
        shows jobs handles it (``on_index_progress`` ...); the others ignore it."""
        for screen in self.screen_stack:
            screen.post_message(replace(message))

    def on_index_progress(self, message: IndexProgress) -> None:
        self.last_progress = message
        self.to_screens(message)

    def on_model_preparing(self, message: ModelPreparing) -> None:
        self.to_screens(message)

    def on_index_finished(self, message: IndexFinished) -> None:
        from tui.results import outcome
        from tui.screens.documents import DocumentsScreen

        self._documents = None
        # The documents screen shows the outcome in its status line: a notification only
        # when that screen is not showing. The first run's index is shown by the ask
        # screen's status line ("First run: …", then "Ready: …") unless it failed.
        if not isinstance(self.screen, DocumentsScreen) and (
                not message.first_run or message.report is None):
            text, severity = outcome(message)
            self.notify(text, severity=severity, timeout=8)
        self.to_screens(message)

    def on_assistant_ready(self, message: AssistantReady) -> None:
        self._documents = None
        if message.error and not isinstance(self.screen, AskScreen):
            self.error(message.error)  # the ask screen's status line says "Not ready: …"
        self.to_screens(message)

    def on_worker_state_changed(self, event) -> None:  # noqa: ANN001
        """A worker that failed anyway becomes a notification, never a traceback."""
        from textual.worker import WorkerState

        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.error(f"Something went wrong: {describe_error(event.worker.error)}")

    # -- actions (bound keys and command palette) ----------------------------------------
    def _base(self) -> AskScreen:
        for screen in self.screen_stack:
            if isinstance(screen, AskScreen):
                return screen
        raise RuntimeError("the ask screen is missing")

    def _show(self, screen_type: type[Screen]) -> None:
        """Show a fresh ``screen_type`` over the ask screen (closing any other screens)."""
        if isinstance(self.screen, screen_type):
            return
        while len(self.screen_stack) > 2 and not isinstance(self.screen, AskScreen):
            self.pop_screen()
        self.push_screen(screen_type())

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
        else:
            self.push_screen(HelpScreen())

    def action_ask(self) -> None:
        while len(self.screen_stack) > 2 and not isinstance(self.screen, AskScreen):
            self.pop_screen()
        self._base().focus_question()

    def action_topics(self) -> None:
        from tui.screens.topics import TopicsScreen

        self._show(TopicsScreen)

    def action_excerpts(self) -> None:
        from tui.screens.excerpts import ExcerptsScreen

        self._show(ExcerptsScreen)

    def action_documents(self) -> None:
        from tui.screens.documents import DocumentsScreen

        self._show(DocumentsScreen)

    def action_mark_answer(self) -> None:
        self._base().action_mark_answer()

    def action_export_excerpts(self) -> None:
        self.action_excerpts()
        self.call_after_refresh(lambda: self.screen.run_action("export"))

    def action_copy_excerpts(self) -> None:
        if not self.excerpts:
            self.notify("No excerpts to copy yet: mark an answer or passage first.",
                        severity="warning")
            return
        from tui.screens.excerpts import default_export_path

        self.copy_to_clipboard(self.excerpts_markdown())
        # The terminal is asked to set the clipboard (OSC 52); whether it does cannot be
        # known from here, so say what was attempted and where a file would be saved.
        self.notify(f"Sent {counted(len(self.excerpts), 'excerpt')} to the clipboard (if the "
                    f"terminal allows it); to be sure, F3 then s saves them to "
                    f"{default_export_path()}.", markup=False)

    def _busy(self) -> bool:
        if self.indexing:
            self.notify("Indexing is already running (x on the Documents screen cancels it).",
                        severity="warning")
        return self.indexing

    def action_reindex(self) -> None:
        if self._busy():
            return
        self.action_documents()
        self.call_after_refresh(lambda: self.screen.run_action("reindex"))

    def action_sync_govuk(self) -> None:
        if self._busy():
            return
        self.action_documents()
        self.call_after_refresh(lambda: self.screen.run_action("sync"))

    def action_add_source(self) -> None:
        if self._busy():
            return
        self.action_documents()
        self.call_after_refresh(lambda: self.screen.run_action("add"))

    def action_cancel_indexing(self) -> None:
        if self.cancel_indexing():
            self.notify("Cancelling: the current index stays live.")
        else:
            self.notify("No indexing is running.")


def make_app(assistant: Assistant) -> MutualsApp:
    """The app over ``assistant`` (tests pass one built over a small index)."""
    return MutualsApp(assistant)


def run(index_dir: str | None = None) -> int:
    """Open the app over ``index_dir`` (default: the configured index folder)."""
    from assistant.service import Assistant

    try:
        assistant = Assistant.open(index_dir)
    except Exception as exc:  # noqa: BLE001 - bad settings: say so, no traceback
        import sys

        print(f"error: {terminal_safe(describe_error(exc))}", file=sys.stderr)
        return 1
    result = make_app(assistant).run()
    return result if isinstance(result, int) else 0
