"""Documents for maintainers: what is indexed, the sources, the last run's per-file results
(failed files with the reason), add, reindex, GOV.UK sync, cancel."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, ProgressBar, Static

from tui.jobs import describe_error
from tui.progress import describe_progress, show_on_bar
from tui.results import build_summary, outcome, render_results, render_sync
from tui.screens.prompt import PathPrompt
from tui.widgets.literal import literal

if TYPE_CHECKING:
    from tui.app import MutualsApp
    from tui.messages import IndexFinished, IndexProgress, ModelPreparing


#: Width taken by the table's border, scrollbar and cell padding, and by the fixed columns
#: (pages 5, passages 8, "YYYY-MM-DD HH:MM" 16).
_TABLE_CHROME = 2 + 2 + 5 * 2
_FIXED_COLUMNS = 5 + 8 + 16


def column_widths(screen_width: int) -> tuple[int, int]:
    """Widths of the Title and Source columns: they share what the fixed columns leave,
    the title a little more (it is what people read; the source is cut in the middle)."""
    free = max(24, screen_width - _TABLE_CHROME - _FIXED_COLUMNS)
    title = max(12, free * 11 // 20)
    return title, free - title


def short_source(source: str) -> str:
    """A URL without its scheme and ``www.``; a path as it is."""
    for prefix in ("https://", "http://"):
        if source.startswith(prefix):
            source = source[len(prefix):]
            return source[4:] if source.startswith("www.") else source
    return source


def fit(text: Text, width: int, keep: str = "start") -> Text:
    """``text`` cut to ``width`` cells with an ellipsis, keeping its ``start`` (a title),
    its ``end`` (a path: the file) or its ``host`` and end (a URL: the site and the page)."""
    if text.cell_len <= width:
        return text
    if keep == "host":
        host = text.plain.split("/", 1)[0]
        tail = width - len(host) - 2
        if tail >= 8:
            return text[: len(host) + 1] + Text("…") + text[len(text) - tail:]
        keep = "end"
    if keep == "end":
        return Text("…") + text[len(text) - (width - 1):]
    return text[: width - 1] + Text("…")


class DocumentsScreen(Screen):
    """Indexed documents and sources; reindex with progress and per-file results."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("a", "add", "Add"),
        Binding("r", "reindex", "Reindex"),
        Binding("s", "sync", "Sync"),
        Binding("x", "cancel", "Cancel run"),
        Binding("f4", "app.documents", "Documents", show=False),  # here already
    ]

    app: MutualsApp  # type: ignore[assignment]

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="docs", cursor_type="row", zebra_stripes=True)
        yield Static(id="source-list")
        with Horizontal(id="index-bar"):
            yield ProgressBar(id="index-progress", show_eta=False, total=1,
                              classes="-hidden")
            yield Label(Text("Press r to reindex, a to add a file or folder, "
                             "s to sync from GOV.UK."), id="index-status")
        with VerticalScroll(id="results"):
            yield Static(Text("No indexing run yet.", style="dim"), id="results-text")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        docs = self.query_one("#docs", DataTable)
        docs.border_title = "Indexed documents"
        self.query_one("#results").border_title = "Last indexing run"
        self.refresh_documents()
        self.show_last_build()
        if self.app.indexing:  # a run started earlier goes on: show where it is
            self.query_one("#index-status", Label).update(Text("Indexing… (x cancels)"))
            bar = self.query_one("#index-progress", ProgressBar)
            bar.remove_class("-hidden")
            bar.update(total=None)
            if self.app.last_progress is not None:
                self.show_progress(self.app.last_progress)
            self._results_while_running()
        docs.focus()

    def _results_while_running(self) -> None:
        """"Running", then the last finished run's results (if any) below it."""
        out = Text("Indexing is running; its results will appear here when it ends.",
                   style="italic")
        self._append_last_build(out)
        self.query_one("#results-text", Static).update(out)

    def _append_last_build(self, out: Text) -> None:
        """Add the last finished run's summary and per-file results, if there was one."""
        last = self.last_build()
        if last is not None:
            if out:
                out.append("\n\n")
            out.append(build_summary(last, "Last finished run"), style="bold")
            out.append("\n")
            out.append_text(render_results(last))

    def last_build(self) -> dict | None:
        try:
            return self.app.assistant.last_build()
        except Exception as exc:  # noqa: BLE001 - an unreadable report is not fatal
            self.app.error(f"Cannot read the last indexing run: {describe_error(exc)}")
            return None

    def show_last_build(self) -> None:
        """The last finished run's per-file results (failed files first, with the reason)."""
        last = self.last_build()
        if last is None:
            return
        self.query_one("#index-status", Label).update(Text(build_summary(last, "Last run")))
        self.query_one("#results-text", Static).update(render_results(last))

    def on_resize(self) -> None:
        if self.is_mounted:
            self.refresh_documents()

    def refresh_documents(self) -> None:
        table = self.query_one("#docs", DataTable)
        table.clear(columns=True)
        title_w, source_w = column_widths(self.size.width or self.app.size.width)
        table.add_column("Title", width=title_w)
        table.add_column("Pages", width=5)
        table.add_column("Passages", width=8)
        table.add_column("Indexed at", width=16)
        table.add_column("Source", width=source_w)
        try:
            rows = self.app.assistant.sources()
            added = self.app.assistant.source_paths()
        except Exception as exc:  # noqa: BLE001
            self.app.error(f"Cannot read the index: {describe_error(exc)}")
            rows, added = [], []
        for d in rows:
            # Web pages and Markdown have no pages: a dash, not "1" (issue 13, item 9).
            pages = str(d.pages) if d.kind == "pdf" or d.pages > 1 else "–"
            table.add_row(fit(literal(d.title), title_w), Text(pages),
                          Text(str(d.chunks)), Text(d.indexed_at[:16].replace("T", " ")),
                          fit(literal(short_source(d.url or d.source)), source_w,
                              keep="host" if d.url else "end"), key=d.doc_id)
        text = Text()
        text.append("Sources: ", style="bold")
        text.append("the bundled documents (always)")
        for s in added:
            text.append("\n  + ")
            text.append_text(literal(s))
        if not rows:
            text.append("\nNothing indexed yet: press r to index.", style="italic")
        self.query_one("#source-list", Static).update(text)

    # -- actions -------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer offers what can be done now: x while a run goes on, else a/r/s."""
        if action == "cancel":
            return self.app.indexing
        if action in ("add", "reindex", "sync"):
            return not self.app.indexing
        return True

    def action_cancel(self) -> None:
        self.app.action_cancel_indexing()

    def action_back(self) -> None:
        """Back to the previous screen; a running job carries on in the background."""
        if self.app.indexing:
            self.app.notify("Indexing continues in the background (F4, then x, cancels it).")
        self.app.pop_screen()

    def action_add(self) -> None:
        self.app.push_screen(PathPrompt("Add a file or folder to the sources:"), self.add_path)

    def add_path(self, path: str | None) -> None:
        if not path:
            return
        from pathlib import Path

        if not Path(path).expanduser().exists():
            self.app.error(f"No such file or folder: {path}")
            return
        self.start([path])

    def action_reindex(self) -> None:
        self.start([])

    def action_sync(self) -> None:
        self.start([], sync=True)

    def start(self, paths: list[str], sync: bool = False) -> None:
        started = self.app.start_sync() if sync else self.app.start_indexing(paths)
        if not started:
            self.app.notify("Indexing is already running (x cancels it).",
                            severity="warning")
            return
        doing = "Syncing from GOV.UK…" if sync else "Indexing…"
        self.refresh_bindings()
        self._results_while_running()
        bar = self.query_one("#index-progress", ProgressBar)
        bar.remove_class("-hidden")
        bar.update(total=None, progress=0)
        self.query_one("#index-status", Label).update(Text(doing + " (x cancels)"))

    # -- jobs' messages, posted to every screen by the app (``MutualsApp.to_screens``) ------
    def on_index_progress(self, message: IndexProgress) -> None:
        self.show_progress(message)

    def on_index_finished(self, message: IndexFinished) -> None:
        self.show_index_finished(message)

    def on_model_preparing(self, message: ModelPreparing) -> None:
        if self.app.indexing:  # the first start's index waits for the model's export
            self.query_one("#index-status", Label).update(literal(message.text))

    def show_progress(self, p: IndexProgress) -> None:
        self.refresh_bindings()  # a run started elsewhere (first run, palette) shows x
        show_on_bar(self.query_one("#index-progress", ProgressBar), p)
        self.query_one("#index-status", Label).update(literal(describe_progress(p)))

    def show_index_finished(self, message: IndexFinished) -> None:
        """The outcome once, in the status line; the files it concerned in the panel (a
        run that indexed nothing: the last finished run's, which is what is live)."""
        self.refresh_bindings()
        bar = self.query_one("#index-progress", ProgressBar)
        self.query_one("#index-status", Label).update(literal(outcome(message)[0]))
        results = Text()
        if message.sync is not None:
            files = render_sync(message.sync)
            if files:
                results.append("GOV.UK sync\n", style="bold")
                results.append_text(files)
        if message.report is None:
            bar.add_class("-hidden")  # nothing was indexed: no bar stuck at 0%
            self._append_last_build(results)
        else:
            bar.update(total=1, progress=1)
            if results:
                results.append("\n\n")
                results.append("Index\n", style="bold")
            results.append_text(render_results(message.report))
        self.query_one("#results-text", Static).update(
            results or Text("Nothing was indexed.", style="dim"))
        self.refresh_documents()
