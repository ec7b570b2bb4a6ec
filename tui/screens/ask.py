"""The main screen: ask a question, read the cited answer, pick a source."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, OptionList, ProgressBar, Static
from textual.worker import get_current_worker

from assistant.excerpts import Excerpt, from_answer
from assistant.indexing import PASSAGE, counted
from tui.jobs import deliver, describe_error
from tui.messages import AssistantReady, IndexProgress, ModelPreparing, SourceRequest
from tui.progress import describe_progress, show_on_bar
from tui.widgets.literal import literal, query_terms
from tui.widgets.passage_list import Entry, PassageList, entry_from_citation, entry_from_passage
from tui.widgets.question_input import QuestionInput

if TYPE_CHECKING:
    from assistant.records import Answer
    from tui.app import MutualsApp


def render_answer(answer: Answer, note: bool = True) -> Text:
    """The question, then the answer with its citation markers (all literal).

    List answers are bullets, a catalogue record is labelled fields; ``note`` shows the
    answer's hint (what is indexed) when it abstains.
    """
    out = Text()
    out.append("Q: ", style="bold")
    out.append_text(literal(answer.question, style="italic"))
    if answer.resolved_question:  # a follow-up: the question answered, to correct if wrong
        out.append("\nAnswering: ", style="bold")
        out.append_text(literal(answer.resolved_question))
    out.append("\n\n")
    if answer.abstained:
        out.append(answer.NOT_FOUND, style="bold")
        if note and answer.note:
            out.append("\n")
            out.append_text(literal(answer.note, style="dim"))
        if answer.passages:
            out.append("\nThe closest passages are listed below; Enter opens one.", style="dim")
        return out
    if answer.shape == "record":
        for r in answer.records:
            out.append(f"{r.LABEL}\n", style="bold")
            for label, value in r.fields():
                out.append(f"  {label + ':':<11}", style="bold")
                out.append_text(literal(value))
                out.append("\n")
        return out
    for i, s in enumerate(answer.sentences):
        if answer.shape == "list":
            out.append("\n• " if i else "• ")
        elif i:
            out.append(" ")
        out.append_text(literal(s.text))
        out.append(f" [{s.citation}]", style="bold reverse")
    if answer.shape == "list" and answer.more:
        out.append(f"\n  (and {answer.more} more in the sources)", style="dim")
    return out


def entry_excerpt(app: MutualsApp, e: Entry, question: str | None) -> Excerpt:
    """An excerpt for a list entry: the cited quote, or the whole passage."""
    from assistant.records import Citation

    if isinstance(e.item, Citation):
        return Excerpt.from_citation(e.item, question=question)
    row = app.document(e.doc_id)
    return Excerpt.from_passage(
        e.item,  # type: ignore[arg-type]
        published=row.published if row else None, licence=row.licence if row else None,
        question=question, publisher=row.publisher if row else None,
    )


class AskScreen(Screen):
    """Question box, answer with citation markers, and the cited sources below."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "mark_answer", "Mark answer"),
        Binding("m", "mark", "Mark"),
        Binding("escape", "focus_question", "Question", show=False),
    ]

    app: MutualsApp  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.answer: Answer | None = None
        self.asked: list[str] = []
        """This session's questions as answered: a follow-up resolves against the last."""
        self._notes_shown: set[str] = set()

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="status-bar"):
            yield Label(Text("Loading the model… you can type your question now."),
                        id="status")
            yield ProgressBar(id="progress", show_eta=False, classes="-hidden")
        yield QuestionInput(id="question")
        with VerticalScroll(id="answer-box", can_focus=False):
            yield Static(Text("Ask a question above and press Enter. Answers quote the "
                              "documents and cite title, page and section.", style="dim"),
                         id="answer")
        yield PassageList(id="sources", type_into="question")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        sources = self.query_one("#sources", PassageList)
        sources.border_title = "Sources (Enter opens, m marks, typing asks anew)"
        sources.can_focus = False  # nothing to browse yet: Tab stays in the question box
        self.query_one("#answer-box").border_title = "Answer"
        self.focus_question()
        if self.app.ready.is_set():
            self.show_ready(AssistantReady(self.app.startup_error))

    # -- status ------------------------------------------------------------------------
    def set_status(self, text: str) -> None:
        self.query_one("#status", Label).update(Text(text))

    # Jobs' messages, posted to every screen by the app (``MutualsApp.to_screens``).
    def on_index_progress(self, message: IndexProgress) -> None:
        self.show_progress(message)

    def on_index_finished(self) -> None:
        """A run ended: hide the bar; once ready, show the new document counts."""
        self.query_one("#progress", ProgressBar).add_class("-hidden")
        if not self.app.ready.is_set():
            self.set_status("Loading the model… you can type your question now.")
        elif not self.app.startup_error:
            self.show_ready(AssistantReady())

    def on_assistant_ready(self, message: AssistantReady) -> None:
        self.show_ready(message)

    def on_model_preparing(self, message: ModelPreparing) -> None:
        """The one-off export of the model, named while it runs (most of a first start)."""
        if not self.app.ready.is_set():
            self.query_one("#progress", ProgressBar).remove_class("-hidden")
            self.query_one("#progress", ProgressBar).update(total=None)
            self.set_status(("First run: " if self.app.indexing else "") + message.text)

    def show_progress(self, p: IndexProgress) -> None:
        show_on_bar(self.query_one("#progress", ProgressBar), p)
        if not self.app.ready.is_set():
            self.set_status(f"First run: {describe_progress(p)}")

    def show_ready(self, message: AssistantReady) -> None:
        self.query_one("#progress", ProgressBar).add_class("-hidden")
        if message.error:
            self.set_status(f"Not ready: {message.error}")
            return
        try:
            docs = self.app.assistant.sources()
        except Exception as exc:  # noqa: BLE001
            self.set_status(f"Ready, but the index cannot be read: {describe_error(exc)}")
            return
        chunks = sum(d.chunks for d in docs)
        self.set_status(f"Ready: {counted(len(docs), 'document')}, "
                        f"{counted(chunks, PASSAGE)} indexed.")

    # -- asking ------------------------------------------------------------------------
    def focus_question(self) -> None:
        self.query_one("#question", QuestionInput).focus()

    def action_focus_question(self) -> None:
        self.focus_question()

    @on(Input.Submitted, "#question")
    def submit(self, event: Input.Submitted) -> None:
        question = " ".join(event.value.split())
        if not question:
            self.app.notify("Type a question first.", severity="warning")
            return
        box = self.query_one("#question", QuestionInput)
        box.remember(question)
        box.value = ""
        answer_view = self.query_one("#answer", Static)
        waiting = "Waiting for the model to load…" if not self.app.ready.is_set() else "Searching…"
        answer_view.update(Text.assemble(("Q: ", "bold"), literal(question, "italic"),
                                         "\n\n", (waiting, "dim")))
        self.ask(question, tuple(self.asked))

    @work(thread=True, exclusive=True, group="ask", exit_on_error=False)
    def ask(self, question: str, history: tuple[str, ...] = ()) -> None:
        worker = get_current_worker()
        while not self.app.ready.wait(0.2):
            if worker.is_cancelled:
                return
        try:
            answer = self.app.assistant.ask(question, history=history)
        except Exception as exc:  # noqa: BLE001 - a notification, never a traceback
            if not worker.is_cancelled:
                deliver(self, self.show_failure, question, describe_error(exc))
            return
        if not worker.is_cancelled:
            deliver(self, self.show_answer, answer)

    def show_failure(self, question: str, reason: str) -> None:
        self.query_one("#answer", Static).update(
            Text.assemble(("Q: ", "bold"), literal(question, "italic"), "\n\n",
                          ("No answer: ", "bold"), literal(reason)))
        self.app.error(f"Could not answer: {reason}")

    def show_answer(self, answer: Answer) -> None:
        self.answer = answer
        self.asked.append(answer.resolved_question or answer.question)
        show_note = bool(answer.note) and answer.note not in self._notes_shown
        if answer.abstained and show_note:
            self._notes_shown.add(answer.note)  # the hint once a session, not every time
        self.query_one("#answer", Static).update(render_answer(answer, note=show_note))
        similarity = {p.chunk_id: p.dense for p in answer.passages}
        cited = [entry_from_citation(c, similarity.get(c.chunk_id)) for c in answer.citations]
        cited_ids = {c.chunk_id for c in answer.citations}
        # One numbering: the passages not quoted continue after the citations, and their
        # heading says why they are shown.
        others = [entry_from_passage(p, marker=f"[{len(cited) + i}]")
                  for i, p in enumerate((p for p in answer.passages
                                         if p.chunk_id not in cited_ids), start=1)]
        groups = []
        if not answer.abstained:
            groups.append(("Cited sources", cited))
        groups.append(("Closest passages (none answers the question)" if answer.abstained
                       else "Other passages (retrieved for the question, not quoted)", others))
        sources = self.query_one("#sources", PassageList)
        sources.set_groups(groups, empty="(none)")
        sources.can_focus = bool(sources.entries)

    # -- sources and excerpts ----------------------------------------------------------
    @on(OptionList.OptionSelected, "#sources")
    def open_source(self, event: OptionList.OptionSelected) -> None:
        entry = self.query_one("#sources", PassageList).entry_for(event.option)
        if entry is None:
            return
        question = self._answered()
        cited = self.answer.citations if self.answer else []
        quotes = entry.quotes or [c.quote for c in cited if c.chunk_id == entry.chunk_id]
        self.app.push_screen(_source_screen(SourceRequest(
            entry.chunk_id, terms=query_terms(question), quotes=quotes, question=question,
            section=entry.section)))

    def action_mark(self) -> None:
        entry = self.query_one("#sources", PassageList).current
        if entry is None:
            self.app.notify("Highlight a source first (Tab, then up/down).", severity="warning")
            return
        self.app.add_excerpts([entry_excerpt(self.app, entry, self._answered() or None)])

    def _answered(self) -> str:
        """The question the shown answer answers (a follow-up's resolved form)."""
        if self.answer is None:
            return ""
        return self.answer.resolved_question or self.answer.question

    def action_mark_answer(self) -> None:
        if self.answer is None:
            self.app.notify("Ask a question first.", severity="warning")
            return
        if self.answer.abstained:
            self.app.notify("This answer has no cited sentences to mark.", severity="warning")
            return
        self.app.add_excerpts(from_answer(self.answer))


def _source_screen(request: SourceRequest) -> Screen:
    from tui.screens.source import SourceScreen

    return SourceScreen(request)
