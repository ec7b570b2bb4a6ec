"""Topics: what the indexed documents say on Benefits, Challenges and Recommendations."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, OptionList
from textual.worker import get_current_worker

from tui.jobs import deliver, describe_error
from tui.messages import SourceRequest
from tui.screens.ask import entry_excerpt
from tui.widgets.passage_list import PassageList, entry_from_passage

if TYPE_CHECKING:
    from assistant.topics import TopicPassages
    from tui.app import MutualsApp

PER_TOPIC = 3


class TopicsScreen(Screen):
    """The strongest passages under each topic, computed from the index."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("m", "mark", "Mark"),
        Binding("r", "refresh_topics", "Recompute"),
        Binding("f2", "app.topics", "Topics", show=False),  # here already
    ]

    app: MutualsApp  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.topics: list[TopicPassages] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(Text("Finding the strongest passages for each topic…"), id="topics-status")
        yield PassageList(id="topics")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#topics", PassageList).border_title = (
            "Topics (Enter opens in context, m marks)")
        self.query_one("#topics").focus()
        self.compute()

    def action_refresh_topics(self) -> None:
        self.query_one("#topics-status", Label).update(Text("Recomputing…"))
        self.compute()

    @work(thread=True, exclusive=True, group="topics", exit_on_error=False)
    def compute(self) -> None:
        worker = get_current_worker()
        while not self.app.ready.wait(0.2):
            if worker.is_cancelled:
                return
        try:
            topics = self.app.assistant.topics(k=PER_TOPIC)
        except Exception as exc:  # noqa: BLE001
            if not worker.is_cancelled:
                deliver(self, self.show_failure, describe_error(exc))
            return
        if not worker.is_cancelled:
            deliver(self, self.show_topics, topics)

    def show_failure(self, reason: str) -> None:
        self.query_one("#topics-status", Label).update(Text(f"No topics: {reason}"))
        self.app.error(f"Could not compute topics: {reason}")

    def show_topics(self, topics: list[TopicPassages]) -> None:
        self.topics = topics
        total = sum(len(t.passages) for t in topics)
        self.query_one("#topics-status", Label).update(Text(
            f"{total} passages with clear evidence; match = similarity to the topic."))
        groups = [
            (f"{t.name} — {t.topic.description}",
             [entry_from_passage(p, marker=f"{t.name[0]}{p.rank}") for p in t.passages])
            for t in topics
        ]
        self.query_one("#topics", PassageList).set_groups(
            groups, empty="(no passage in the indexed documents speaks clearly to this)")

    @on(OptionList.OptionSelected, "#topics")
    def open_source(self, event: OptionList.OptionSelected) -> None:
        entry = self.query_one("#topics", PassageList).entry_for(event.option)
        if entry is None:
            return
        from tui.screens.source import SourceScreen

        self.app.push_screen(SourceScreen(SourceRequest(entry.chunk_id,
                                                        section=entry.section)))

    def action_mark(self) -> None:
        entry = self.query_one("#topics", PassageList).current
        if entry is None:
            self.app.notify("Highlight a passage first.", severity="warning")
            return
        self.app.add_excerpts([entry_excerpt(self.app, entry, None)])
