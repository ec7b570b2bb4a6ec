"""Excerpts for advisers: the marked quotes; export to Markdown, copy to the clipboard."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header, Label

from assistant.indexing import counted
from tui.screens.prompt import PathPrompt
from tui.widgets.passage_list import Entry, PassageList

if TYPE_CHECKING:
    from tui.app import MutualsApp

DEFAULT_EXPORT = "excerpts.md"


def default_export_path() -> Path:
    """Where excerpts are saved unless the user types another path: ``excerpts.md`` in
    the folder the app was started in, in full (shown in the prompt and the copy hint)."""
    return Path.cwd() / DEFAULT_EXPORT


class ExcerptsScreen(Screen):
    """The excerpts list: delete, export to a Markdown file, copy to the clipboard."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("s", "export", "Export"),
        Binding("c", "app.copy_excerpts", "Copy"),
        Binding("delete,backspace", "delete", "Remove"),
        Binding("f3", "app.excerpts", "Excerpts", show=False),  # here already
    ]

    app: MutualsApp  # type: ignore[assignment]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(id="excerpts-status")
        yield PassageList(id="excerpts")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#excerpts", PassageList).border_title = "Excerpts"
        self.refresh_list()
        self.query_one("#excerpts").focus()

    def refresh_list(self) -> None:
        items = self.app.excerpts
        entries = [
            Entry(e.chunk_id or "", "", e.title,
                  "catalogue record" if e.record is not None else e.pages_label,
                  list(e.section), e.text, marker=f"{i}.", quotes=[e.text], item=e,
                  url=e.url, source=e.source_name or e.source)
            for i, e in enumerate(items, start=1)
        ]
        self.query_one("#excerpts", PassageList).set_groups(
            [(counted(len(items), "excerpt"), entries)],
            empty="(none yet: press m on a source or passage, F5 on an answer)")
        self.query_one("#excerpts-status", Label).update(Text(
            "s exports to a Markdown file, c copies it to the clipboard, Delete removes one."))

    def action_delete(self) -> None:
        lst = self.query_one("#excerpts", PassageList)
        entry = lst.current
        if entry is None:
            return
        index = lst.highlighted
        self.app.excerpts.remove(entry.item)  # type: ignore[arg-type]
        self.refresh_list()
        if index is not None and lst.option_count:
            lst.highlighted = min(index, lst.option_count - 1)
        self.app.notify("Excerpt removed.")

    def action_export(self) -> None:
        if not self.app.excerpts:
            self.app.notify("No excerpts to export yet.", severity="warning")
            return
        default = str(default_export_path())
        self.app.push_screen(PathPrompt("Export excerpts to this Markdown file:", default),
                             self.export_to)

    def export_to(self, path: str | None) -> None:
        if not path:
            return
        target = Path(path).expanduser()
        if target.is_dir():
            target = target / DEFAULT_EXPORT
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(self.app.excerpts_markdown(), encoding="utf-8")
        except OSError as exc:
            self.app.error(f"Cannot write {target}: {exc.strerror or exc}")
            return
        self.app.notify(f"Exported {counted(len(self.app.excerpts), 'excerpt')} to {target}",
                        markup=False)
