"""Indexing progress as a reader would say it, and on a progress bar that never sticks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.indexing import PASSAGE, counted

if TYPE_CHECKING:
    from textual.widgets import ProgressBar

    from tui.messages import IndexProgress


def describe_progress(p: IndexProgress) -> str:
    """One natural line for a progress report of ``index.builder`` (or a sync step)."""
    of_total = f" ({p.done} of {p.total})" if p.total > 1 else ""
    if p.stage == "scan":
        return "Looking for documents…"
    if p.stage == "read":
        if p.total and p.done >= p.total:
            return f"Read {counted(p.total, 'document')}."
        name = f": {p.text}" if p.text else ""
        return f"Reading documents{of_total}{name}"
    if p.stage == "embed":
        if not p.total:
            return "Nothing new to embed."
        # Counted in passages, as the "Ready" line and the documents screen count them
        # (the builder embeds each passage with its sentences).
        new = counted(p.total, "new " + PASSAGE)
        if p.done >= p.total:
            return f"Embedded {new}."
        return f"Embedding {new}…" + (of_total if p.done else "")
    if p.stage == "write":
        step = p.text[:1].upper() + p.text[1:] if p.text else "Writing the index"
        return f"{step}…"
    if p.stage == "done":
        return (p.text[:1].upper() + p.text[1:] + ".") if p.text else "Done."
    text = p.text[:1].upper() + p.text[1:] if p.text else p.stage.capitalize()
    return text + of_total


def show_on_bar(bar: ProgressBar, p: IndexProgress) -> None:
    """Move ``bar`` to ``p``; a step with no count yet (or at 0) pulses instead of sitting
    at 0% (e.g. all new passages fit one embedding batch)."""
    bar.remove_class("-hidden")
    if p.total and p.done > 0:
        bar.update(total=p.total, progress=p.done)
    else:
        bar.update(total=None)
