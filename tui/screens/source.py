"""A source in context: the chunk inside its document, highlighted, with its neighbours;
its table rows in columns when they fit (``tui.widgets.table_text``)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from assistant.citations import location, section_path
from assistant.excerpts import Excerpt
from tui.jobs import describe_error
from tui.messages import SourceRequest
from tui.widgets.literal import literal
from tui.widgets.table_text import passage_text

if TYPE_CHECKING:
    from assistant.indexing import IndexedDocument
    from assistant.service import ChunkView
    from tui.app import MutualsApp


def render_details(view: ChunkView, doc: IndexedDocument | None = None) -> Text:
    """The passage's citation in the one order (assistant/citations.py): title,
    publisher, published, page(s), section, source (the URL, or a local file's path inside
    the folder it was added from), licence; then its position. All literal."""
    publisher = doc.publisher if doc else None
    published = doc.published if doc else None
    licence = doc.licence if doc else None
    lines = [
        [("Publisher", publisher or "not stated"), ("Published", published or "not stated")],
        [("Page(s)", view.pages_label or "—"), ("Section", section_path(view.section) or "—")],
        [("Source", location(view, view.source_name))],
        [("Licence", licence or "not stated"),
         ("Passage", f"{view.ordinal + 1} of {view.total}")],
    ]
    out = literal(view.title, style="bold")
    for line in lines:
        out.append("\n")
        for i, (label, value) in enumerate(line):
            out.append(("   " if i else "") + f"{label}: ", style="bold")
            out.append_text(literal(value))
    return out


def wrapped_lines(text: Text, width: int, start: int, end: int) -> tuple[int, int]:
    """The first and last line holding characters ``start:end`` once ``text`` is wrapped
    to ``width`` cells (as a Static shows it)."""
    from rich.console import Console

    plain = text.plain
    lines = text.wrap(Console(width=width), width)
    first = last = 0
    pos = 0
    for i, line in enumerate(lines):
        piece = line.plain.strip()
        found = plain.find(piece, pos) if piece else pos
        line_start = found if found >= 0 else pos
        if line_start <= start:
            first = i
        if line_start < end:
            last = i
        pos = line_start + len(piece)
    return first, max(first, last)


def trim_overlap(before: str, current: str, after: str) -> tuple[str, str]:
    """``before``/``after`` without the text they share with ``current`` (chunk overlap)."""
    probe = current[:60]
    if probe and (i := before.find(probe)) >= 0:
        before = before[:i]
    probe = current[-60:]
    if probe and (j := after.find(probe)) >= 0:
        after = after[j + len(probe):]
    return before.rstrip(), after.lstrip()


def _tail(text: str, n: int) -> str:
    """The last ~``n`` characters of ``text``, starting at a word."""
    return text if len(text) <= n else text[-n:].split(" ", 1)[-1]


def _head(text: str, n: int) -> str:
    """The first ~``n`` characters of ``text``, ending at a word."""
    return text if len(text) <= n else text[:n].rsplit(" ", 1)[0]


#: Characters of the neighbouring passages shown around the one being read.
CONTEXT_BEFORE = 240
CONTEXT_AFTER = 400


class SourceScreen(Screen):
    """Read a passage in its document; move to the previous/next chunk."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("left,p", "move(-1)", "Previous", show=False),
        Binding("right,n", "move(1)", "Move", key_display="←→"),
        Binding("m", "mark", "Mark"),
    ]

    app: MutualsApp  # type: ignore[assignment]

    def __init__(self, request: SourceRequest) -> None:
        super().__init__()
        self.request = request
        self.view: ChunkView | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="source-details")
        with VerticalScroll(id="source-text"):
            yield Static(id="source-before", classes="context")
            yield Static(id="source-chunk")
            yield Static(id="source-after", classes="context")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#source-text").border_title = "In context (← → move, m marks)"
        self.show(self.request.chunk_id, first=True)
        self.query_one("#source-text").focus()

    def _fetch(self, chunk_id: str | None) -> ChunkView | None:
        if not chunk_id:
            return None
        return self.app.assistant.chunk_view(chunk_id)

    def show(self, chunk_id: str, first: bool = False) -> None:
        """Show ``chunk_id`` with the end of the previous and start of the next chunk."""
        try:
            view = self._fetch(chunk_id)
            if view is None:
                raise LookupError("this passage is no longer in the index (reindexed?)")
            before = self._fetch(view.previous_id)
            after = self._fetch(view.next_id)
        except Exception as exc:  # noqa: BLE001
            self.app.error(f"Cannot open the source: {describe_error(exc)}")
            if first:
                self.query_one("#source-details", Static).update(
                    Text("This source cannot be shown.", style="bold"))
            return
        row = self.app.document(view.doc_id)
        if view.chunk_id == self.request.chunk_id and self.request.section is not None:
            # The list showed the section of the cited sentence: say the same here (and
            # in an excerpt marked here).
            view = replace(view, section=list(self.request.section))
        self.view = view
        self.query_one("#source-details", Static).update(
            render_details(view, row))
        prev_text, next_text = trim_overlap(before.text if before else "", view.text,
                                            after.text if after else "")
        self.query_one("#source-before", Static).update(
            literal("… " + _tail(prev_text, CONTEXT_BEFORE), style="dim") if before else
            Text("(start of document)", style="dim italic"))
        # Borders, padding and the scroll bar take about ten cells of the screen's width.
        chunk_text, quoted = passage_text(view.text, view.tables, max(20, self.size.width - 10),
                                          self.request.terms, self.request.quotes)
        self.query_one("#source-chunk", Static).update(chunk_text)
        self.query_one("#source-after", Static).update(
            literal(_head(next_text, CONTEXT_AFTER) + " …", style="dim") if after else
            Text("(end of document)", style="dim italic"))
        self.query_one("#source-text", VerticalScroll).scroll_home(animate=False)
        if quoted is not None:
            self.call_after_refresh(self._scroll_to, chunk_text, *quoted)

    def _scroll_to(self, text: Text, start: int, end: int) -> None:
        """Scroll the least needed for characters ``start:end`` of the passage to show."""
        chunk = self.query_one("#source-chunk", Static)
        width = chunk.content_region.width
        if width <= 0:
            return
        first, last = wrapped_lines(text, width, start, end)
        top = chunk.virtual_region.y + chunk.styles.padding.top
        self.query_one("#source-text", VerticalScroll).scroll_to_region(
            Region(0, top + first, width, last - first + 1), animate=False)

    def action_move(self, step: int) -> None:
        if self.view is None:
            return
        target = self.view.previous_id if step < 0 else self.view.next_id
        if target is None:
            self.app.notify("Start of the document." if step < 0 else "End of the document.")
            return
        self.show(target)

    def action_mark(self) -> None:
        if self.view is None:
            return
        v = self.view
        row = self.app.document(v.doc_id)
        quotes = [q for q in self.request.quotes if q and q in v.text]
        self.app.add_excerpts([
            Excerpt(quote=q, title=v.title, source=v.source, url=v.url,
                    pages_label=v.pages_label, section=list(v.section),
                    published=row.published if row else None,
                    licence=row.licence if row else None, chunk_id=v.chunk_id,
                    question=self.request.question or None,
                    publisher=row.publisher if row else None, source_name=v.source_name)
            for q in (quotes or [v.text])
        ])
