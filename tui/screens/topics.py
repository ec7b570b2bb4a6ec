"""Topics: the points the indexed documents state on Benefits, Challenges, Recommendations."""

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
from tui.widgets.literal import literal, query_terms
from tui.widgets.passage_list import Entry, PassageList

if TYPE_CHECKING:
    from assistant.topics import TopicPoint, TopicPoints
    from tui.app import MutualsApp


def point_entry(point: TopicPoint, marker: str) -> Entry:
    """A point as a list row: where it is (page, section), then the whole sentence."""
    c = point.citation
    return Entry(c.chunk_id, c.doc_id, c.title, c.pages_label, list(c.section), point.text,
                 marker=marker, quotes=[c.quote], item=c, show_title=False, whole=True,
                 url=c.url, source=c.source_name or c.source)


def topics_status(topics: list[TopicPoints]) -> str:
    """How many points under each topic, from how many documents; then, when a topic
    found none, the hint on what is indexed (only the bundled summary page, say)."""
    total = sum(len(t.points) for t in topics)
    docs = {p.citation.doc_id for t in topics for p in t.points}
    counts = " · ".join(f"{t.name} {len(t.points)}" for t in topics)
    if not total:
        line = f"No points found in the indexed documents ({counts})."
    else:
        line = (f"{total} point{'s' if total != 1 else ''} from {len(docs)} document"
                f"{'s' if len(docs) != 1 else ''}: {counts}; each a cited sentence of the "
                "documents.")
    # What is indexed, when that is why a topic has none (said once, not per topic).
    note = next((t.note for t in topics if t.note), "")
    return f"{line}\n{note}" if note else line


class TopicsScreen(Screen):
    """The points under each topic, grouped by document, computed from the index."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("m", "mark", "Mark"),
        Binding("r", "refresh_topics", "Recompute"),
        Binding("f2", "app.topics", "Topics", show=False),  # here already
    ]

    app: MutualsApp  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.topics: list[TopicPoints] = []
        self._question_of: dict[int, str] = {}  # id(citation) -> the topic's question

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(Text("Finding the points the documents make on each topic…"),
                    id="topics-status")
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
            topics = self.app.assistant.topics()
        except Exception as exc:  # noqa: BLE001
            if not worker.is_cancelled:
                deliver(self, self.show_failure, describe_error(exc))
            return
        if not worker.is_cancelled:
            deliver(self, self.show_topics, topics)

    def show_failure(self, reason: str) -> None:
        self.query_one("#topics-status", Label).update(Text(f"No topics: {reason}"))
        self.app.error(f"Could not compute topics: {reason}")

    def show_topics(self, topics: list[TopicPoints]) -> None:
        self.topics = topics
        self._question_of = {}
        self.query_one("#topics-status", Label).update(Text(topics_status(topics)))
        groups: list[tuple[str, list[Entry | Text]]] = []
        for t in topics:
            rows: list[Entry | Text] = []
            n = 0
            for title, points in t.by_document():
                rows.append(literal(title, style="bold underline"))
                for p in points:
                    n += 1
                    rows.append(point_entry(p, f"{t.name[0]}{n}"))
                    self._question_of[id(p.citation)] = t.question
            if t.more:
                rows.append(Text(f"(and {t.more} more in the documents, not shown)",
                                 style="dim"))
            if not t.points:
                rows = [Text(t.topic.none_found, style="dim")]
            groups.append((f"{t.name} — {t.question}", rows))
        self.query_one("#topics", PassageList).set_groups(groups)

    def _question(self, entry: Entry) -> str | None:
        return self._question_of.get(id(entry.item))

    @on(OptionList.OptionSelected, "#topics")
    def open_source(self, event: OptionList.OptionSelected) -> None:
        entry = self.query_one("#topics", PassageList).entry_for(event.option)
        if entry is None:
            return
        from tui.screens.source import SourceScreen

        question = self._question(entry)
        self.app.push_screen(SourceScreen(SourceRequest(
            entry.chunk_id, terms=query_terms(question or ""), quotes=entry.quotes,
            question=question, section=entry.section)))

    def action_mark(self) -> None:
        entry = self.query_one("#topics", PassageList).current
        if entry is None:
            self.app.notify("Highlight a point first.", severity="warning")
            return
        self.app.add_excerpts([entry_excerpt(self.app, entry, self._question(entry))])
