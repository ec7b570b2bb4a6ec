"""Help: every key of every screen, and where the command palette is."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

SECTIONS: list[tuple[str, list[tuple[str, str]]]] = [
    ("Everywhere", [
        ("F1 or ?", "this help (? only when not typing)"),
        ("Ctrl+P", "command palette: every action by name"),
        ("F2", "topics: Benefits, Challenges, Recommendations"),
        ("F3", "excerpts list"),
        ("F4", "documents: last run, add, reindex, sync"),
        ("Escape", "back to the previous screen"),
        ("Ctrl+Q", "quit"),
    ]),
    ("Ask", [
        ("Enter", "ask the question in the box"),
        ("Up / Down", "earlier questions (in the box)"),
        ("Tab", "move to the sources list"),
        ("Enter (on a source)", "open it in its document"),
        ("m", "mark the highlighted source as an excerpt"),
        ("F5", "mark the whole answer (one excerpt per citation)"),
    ]),
    ("Source in context", [
        ("← / p, → / n", "previous / next passage of the document"),
        ("m", "mark the cited sentences (or the passage) as an excerpt"),
    ]),
    ("Topics", [("Enter", "open a passage in context"), ("m", "mark as excerpt"),
                ("r", "recompute")]),
    ("Excerpts", [("s", "export to a Markdown file"), ("c", "copy as Markdown to the clipboard"),
                  ("Delete", "remove the highlighted excerpt")]),
    ("Documents", [("a", "add a file or folder and index it"), ("r", "reindex"),
                   ("s", "sync from GOV.UK, then index what changed"),
                   ("x or Escape", "cancel a running reindex (the old index stays live)")]),
]


def help_text() -> Text:
    out = Text()
    out.append("Mutuals partnership assistant — keys\n", style="bold")
    for title, rows in SECTIONS:
        out.append(f"\n{title}\n", style="bold underline")
        for key, what in rows:
            out.append(f"  {key:<20}", style="bold")
            out.append(f"{what}\n")
    out.append("\nAnswers quote the documents; each sentence cites title, page and section. "
               "When the documents do not answer, the app says so.", style="dim")
    return out


class HelpScreen(ModalScreen[None]):
    """Press Escape, F1 or ? to close."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,question_mark,q", "app.pop_screen", "Close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(help_text())

    def on_mount(self) -> None:
        self.query_one("#help").focus()
