"""The question box: an Input with history on up/down."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Input


class QuestionInput(Input):
    """Type a question; Enter asks; up/down recall earlier questions."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "history(-1)", "Previous question", show=False),
        Binding("down", "history(1)", "Next question", show=False),
    ]

    def __init__(self, **kwargs) -> None:  # noqa: ANN003
        # No select-on-focus: a key typed on the sources list moves the focus here and
        # is inserted; selecting the text on focus would let the next key replace it.
        super().__init__(placeholder="Ask about partnerships, e.g. What are the benefits?",
                         select_on_focus=False, **kwargs)
        self.history: list[str] = []
        self._pos = 0
        self._draft = ""

    def remember(self, question: str) -> None:
        """Add ``question`` to the history (no immediate repeats)."""
        if question and (not self.history or self.history[-1] != question):
            self.history.append(question)
        self._pos = len(self.history)
        self._draft = ""

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        if self._pos == len(self.history):
            self._draft = self.value
        self._pos = max(0, min(len(self.history), self._pos + step))
        self.value = self.history[self._pos] if self._pos < len(self.history) else self._draft
        self.cursor_position = len(self.value)
