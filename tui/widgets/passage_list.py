"""A keyboard list of cited sources or passages, each shown literally with its citation."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.console import Group
from rich.padding import Padding
from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.widgets.literal import literal

SNIPPET = 220


@dataclass
class Entry:
    """One row: what to show and what opening or marking it needs."""

    chunk_id: str
    doc_id: str
    title: str
    pages_label: str
    section: list[str]
    text: str
    score: float | None = None
    marker: str = ""
    quotes: list[str] = field(default_factory=list)
    item: object = None  # the Citation or Passage it came from

    @property
    def where(self) -> str:
        return " · ".join(x for x in (self.pages_label, " › ".join(self.section)) if x)


def entry_from_citation(c, score: float | None = None) -> Entry:  # noqa: ANN001
    return Entry(c.chunk_id, c.doc_id, c.title, c.pages_label, list(c.section), c.quote,
                 score, marker=f"[{c.n}]", quotes=[c.quote], item=c)


def entry_from_passage(p, marker: str = "") -> Entry:  # noqa: ANN001
    return Entry(p.chunk_id, p.doc_id, p.title, p.pages_label, list(p.section), p.text,
                 p.score, marker=marker or f"#{p.rank}", item=p)


def render_entry(e: Entry) -> Group:
    """Title line, then (indented) where (pages, section, score) and a snippet; all literal."""
    head = Text()
    head.append(f"{e.marker} ", style="bold")
    head.append_text(literal(e.title, style="bold"))
    where = literal(e.where or "no page or section", style="italic")
    if e.score is not None:
        where.append(f"  score {e.score:.3f}", style="dim")
    snippet = " ".join(e.text.split())
    if len(snippet) > SNIPPET:
        snippet = snippet[:SNIPPET].rsplit(" ", 1)[0] + "…"
    body = Text("\n").join([where, literal(snippet, style="dim" if not e.quotes else "")])
    return Group(head, Padding(body, (0, 0, 0, 4)))


class PassageList(OptionList):
    """Entries grouped under headings; Enter opens one, ``m`` marks it (screen bindings)."""

    def __init__(self, **kwargs) -> None:  # noqa: ANN003
        super().__init__(**kwargs)
        self.entries: dict[str, Entry] = {}

    def set_groups(self, groups: list[tuple[str, list[Entry]]], empty: str = "") -> None:
        """Replace the list with ``(heading, entries)`` groups."""
        self.clear_options()
        self.entries = {}
        options: list[Option] = []
        for g, (heading, entries) in enumerate(groups):
            options.append(Option(Text(heading, style="bold reverse"), id=f"h{g}",
                                  disabled=True))
            if not entries:
                options.append(Option(Text(empty or "(nothing)", style="dim"), id=f"e{g}",
                                      disabled=True))
            for i, e in enumerate(entries):
                oid = f"o{g}-{i}"
                self.entries[oid] = e
                options.append(Option(render_entry(e), id=oid))
        self.add_options(options)
        first = next((i for i, o in enumerate(options) if not o.disabled), None)
        self.highlighted = first

    @property
    def current(self) -> Entry | None:
        """The highlighted entry, if any."""
        option = self.highlighted_option
        return self.entries.get(option.id) if option is not None and option.id else None

    def entry_for(self, option: Option) -> Entry | None:
        return self.entries.get(option.id) if option.id else None
