"""A keyboard list of cited sources or passages, each shown literally with its citation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.console import Group
from rich.padding import Padding
from rich.text import Text
from textual import events
from textual.widgets import Input, OptionList
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
    #: Cosine similarity of the passage to the question (or topic), 0..1; None if unknown.
    relevance: float | None = None
    marker: str = ""
    quotes: list[str] = field(default_factory=list)
    item: object = None  # the Citation or Passage it came from
    #: False under a heading that already names the document: the first line is then
    #: the marker and where (pages, section).
    show_title: bool = True
    #: Show the whole text (one sentence, say), not a snippet.
    whole: bool = False
    #: The document's URL (a web page) and its source (a local file's path, inside the
    #: folder it was added from where known).
    url: str | None = None
    source: str = ""

    @property
    def where(self) -> str:
        from assistant.citations import where_label

        return where_label(self.pages_label, self.section, self.url, self.source)


def entry_from_citation(c, relevance: float | None = None) -> Entry:  # noqa: ANN001
    return Entry(c.chunk_id, c.doc_id, c.title, c.pages_label, list(c.section), c.quote,
                 relevance, marker=f"[{c.n}]", quotes=[c.quote], item=c, url=c.url,
                 source=c.source_name or c.source)


def entry_from_passage(p, marker: str = "") -> Entry:  # noqa: ANN001
    return Entry(p.chunk_id, p.doc_id, p.title, p.pages_label, list(p.section), p.text,
                 p.dense, marker=marker or f"#{p.rank}", item=p, url=p.url,
                 source=p.source_name or p.source)


def relevance_label(cosine: float) -> str:
    """A cosine similarity as a figure a reader can take in: "match 77%"."""
    return f"match {round(max(0.0, min(1.0, cosine)) * 100)}%"


def render_entry(e: Entry) -> Group:
    """Title line, then (indented) where (pages, section, match %) and a snippet; all literal.

    Without the title (``show_title=False``) the first line is the marker and where.
    """
    head = Text()
    head.append(f"{e.marker} ", style="bold")
    where = literal(e.where, style="italic")
    if e.relevance is not None:
        where.append(f"  {relevance_label(e.relevance)}", style="dim")
    snippet = " ".join(e.text.split())
    if len(snippet) > SNIPPET and not e.whole:
        snippet = snippet[:SNIPPET].rsplit(" ", 1)[0] + "…"
    text = literal(snippet, style="dim" if not e.quotes else "")
    if e.show_title:
        head.append_text(literal(e.title, style="bold"))
        body = Text("\n").join([where, text])
    else:
        head.append_text(where)
        body = text
    return Group(head, Padding(body, (0, 0, 0, 4)))


class PassageList(OptionList):
    """Entries grouped under headings; Enter opens one, ``m`` marks it (screen bindings).

    With ``type_into`` (the id of an ``Input`` on the same screen), a printable key that
    is not bound to anything here moves the focus to that input and types the character
    there: a question typed after browsing the sources is never lost.
    """

    def __init__(self, type_into: str | None = None, **kwargs) -> None:  # noqa: ANN003
        super().__init__(**kwargs)
        self.entries: dict[str, Entry] = {}
        self.type_into = type_into
        self._typing = False  # typing began here; the focus is on its way to the box

    def on_focus(self) -> None:
        self._typing = False

    def on_key(self, event: events.Key) -> None:
        if self.type_into is None or not event.is_printable or not event.character:
            return
        if not self._typing and event.key in self.screen.active_bindings:
            return  # "m", "?" ... keep their meaning (the footer lists them)
        # Keys typed quickly arrive before the focus has moved: they all go to the box.
        self._typing = True
        box = self.screen.query_one(f"#{self.type_into}", Input)
        event.stop()
        event.prevent_default()
        box.focus()
        box.insert_text_at_cursor(event.character)

    def set_groups(self, groups: Sequence[tuple[str, Sequence[Entry | Text]]],
                   empty: str = "") -> None:
        """Replace the list with ``(heading, rows)`` groups.

        A row is an ``Entry``, or a ``Text`` shown as is and not selectable (a
        sub-heading, a note); a group with no rows shows ``empty``.
        """
        self.clear_options()
        self.entries = {}
        options: list[Option] = []
        for g, (heading, rows) in enumerate(groups):
            options.append(Option(Text(heading, style="bold reverse"), id=f"h{g}",
                                  disabled=True))
            if not rows:
                options.append(Option(Text(empty or "(nothing)", style="dim"), id=f"e{g}",
                                      disabled=True))
            for i, row in enumerate(rows):
                if not isinstance(row, Entry):
                    options.append(Option(row, id=f"s{g}-{i}", disabled=True))
                    continue
                oid = f"o{g}-{i}"
                self.entries[oid] = row
                options.append(Option(render_entry(row), id=oid))
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
