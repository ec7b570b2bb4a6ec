"""Help: every key of every screen, and where the command palette is."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
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
        ("Tab / Shift+Tab", "move the focus (the focused list has a heavy border)"),
        ("Ctrl+Q", "quit"),
    ]),
    ("Ask", [
        ("Enter", "ask the question in the box"),
        ("Up / Down", "earlier questions (in the box)"),
        ("Tab", "move to the sources list"),
        ("Enter (on a source)", "open it in its document"),
        ("m", "mark the highlighted source as an excerpt"),
        ("Typing (on sources)", "any other letter starts a new question in the box"),
        ("Escape", "back to the question box"),
        ("F5", "mark the whole answer (one excerpt per bullet or citation; a record as a record)"),
    ]),
    ("Source in context", [
        ("← / p, → / n", "previous / next passage of the document"),
        ("m", "mark the cited sentences (or the passage) as an excerpt"),
    ]),
    ("Topics", [("Enter", "open the point in its document"),
                ("m", "mark the point (its cited sentence) as an excerpt"),
                ("r", "recompute")]),
    ("Excerpts", [("s", "export to a Markdown file"), ("c", "copy as Markdown to the clipboard"),
                  ("Delete", "remove the highlighted excerpt")]),
    ("Documents", [("a", "add a file or folder and index it"), ("r", "reindex"),
                   ("s", "sync from GOV.UK, then index what changed"),
                   ("x", "cancel a running reindex (the old index stays live)"),
                   ("Escape", "back; a running reindex carries on in the background")]),
]


def help_rows() -> ComposeResult:
    """The title, then per section a heading and one row per key: the key in a fixed
    column, its description wrapping inside its own column (never under the keys)."""
    yield Static(Text("Mutuals partnership assistant — keys", style="bold"))
    for title, rows in SECTIONS:
        yield Static(Text(title, style="bold underline"), classes="help-section")
        for key, what in rows:
            with Horizontal(classes="help-row"):
                yield Static(Text(key, style="bold"), classes="help-key")
                yield Static(Text(what), classes="help-what")
    yield Static(Text("Answers quote the documents; each sentence cites title, page and "
                      "section. When the documents do not answer, the app says so. A "
                      "follow-up (\"And the risks?\", \"What about commissioners?\", "
                      "\"Why?\") is read against your last question, shown as "
                      "\"Answering: …\"; if that is not what you meant, ask in full.",
                      style="dim"), classes="help-section")


class HelpScreen(ModalScreen[None]):
    """Press Escape, F1 or ? to close."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,question_mark,q", "app.pop_screen", "Close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield from help_rows()

    def on_mount(self) -> None:
        self.query_one("#help").focus()
