"""Plain records shared by the whole pipeline.

They are dataclasses serialised as JSON or SQLite rows; nothing here is ever pickled.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Page:
    """One page of a document's cleaned text.

    Attributes:
        number: 1-based physical page index (the n-th page of the file).
        text: cleaned text of the page.
        label: the printed page label where the PDF defines one ("iv", "12"), else None.
    """

    number: int
    text: str
    label: str | None = None


@dataclass(frozen=True)
class Heading:
    """A heading found in a document.

    Attributes:
        level: 1 for top-level headings, 2 for their children, and so on.
        title: heading text.
        offset: character offset in the document's clean text where the section starts.
        end: where the section ends, for a section that closes before the next heading:
            a table's caption covers its rows only (None: until the next heading).
    """

    level: int
    title: str
    offset: int
    end: int | None = None


@dataclass(frozen=True)
class TableRow:
    """One row of a table, as a unit of the document's clean text.

    Attributes:
        start: offset of the row's unit (one line) in the document's clean text.
        end: end offset (exclusive).
        cells: the row's cells as read, one per column ("" when empty).
    """

    start: int
    end: int
    cells: tuple[str, ...]


@dataclass
class Table:
    """A table found in a document, its rows written as units that name their columns.

    A row's unit reads ``Dental care, South West: Mutuals surveyed 21; Share in a
    partnership 71%`` (the row's key cells, then each other column's name and value).

    Attributes:
        caption: the caption line ("Table 1: ..."), printed first, or None.
        columns: the column names (from the header row or rows; "" when unnamed).
        key_columns: how many leading columns name the row (its key).
        rows: the body rows, in order (a table continued on later pages included).
        start: offset of the table (its caption, else its first row) in the clean text.
        end: end offset of its last row or note line.
    """

    caption: str | None
    columns: tuple[str, ...]
    key_columns: int
    rows: list[TableRow]
    start: int
    end: int


@dataclass
class Document:
    """A loaded, cleaned document.

    The document's clean text is its pages joined by ``PAGE_SEPARATOR``; character
    offsets everywhere (headings, chunks) point into that text.
    """

    doc_id: str
    title: str
    source: str
    pages: list[Page]
    headings: list[Heading] = field(default_factory=list)
    kind: str = "text"
    published: str | None = None
    updated: str | None = None
    publisher: str | None = None
    licence: str | None = None
    url: str | None = None
    tables: list[Table] = field(default_factory=list)

    PAGE_SEPARATOR = "\n\n"

    @property
    def text(self) -> str:
        """The whole clean text: pages joined by a blank line."""
        return self.PAGE_SEPARATOR.join(p.text for p in self.pages)

    def page_starts(self) -> list[int]:
        """Character offset in ``text`` where each page begins."""
        starts, pos = [], 0
        for page in self.pages:
            starts.append(pos)
            pos += len(page.text) + len(self.PAGE_SEPARATOR)
        return starts


@dataclass(frozen=True)
class Sentence:
    """A sentence of a chunk, with its span in the document's clean text."""

    text: str
    start: int
    end: int


@dataclass
class Chunk:
    """A retrievable piece of one document.

    Attributes:
        chunk_id: stable id, ``{doc_id}:{ordinal}``.
        doc_id: the document it comes from.
        ordinal: position of the chunk in its document (0-based).
        text: the chunk text, exactly ``document.text[start:end]``.
        page_start: first page (1-based) the chunk touches.
        page_end: last page the chunk touches.
        section: heading path, e.g. ``["3 Benefits", "3.1 Scale"]``.
        start: character offset of the chunk in the document's clean text.
        end: end offset (exclusive).
        sentences: the chunk's sentences, each a verbatim slice of the text.
    """

    chunk_id: str
    doc_id: str
    ordinal: int
    text: str
    page_start: int
    page_end: int
    section: list[str]
    start: int
    end: int
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def section_path(self) -> str:
        return " › ".join(self.section)


@dataclass
class SkippedFile:
    """A file (or folder, or URL) that could not be used, and why: one record from
    discovery to every output (build and sync reports, the CLI, the app, JSON).

    Attributes:
        source: the path or URL, as text a report, a database and a terminal can hold.
        reason: one line for people ("permission denied", "unsupported file type .docx").
        kind: a short class of the problem for programs, where one is known; omitted from
            JSON when None.
    """

    source: str
    reason: str
    kind: str | None = None

    def as_json(self) -> dict[str, str]:
        out = {"source": self.source, "reason": self.reason}
        if self.kind is not None:
            out["kind"] = self.kind
        return out

    @classmethod
    def from_json(cls, data: object) -> SkippedFile:
        """A skipped file read back from JSON (``as_json``; a bare string is its source)."""
        if isinstance(data, dict):
            kind = data.get("kind")
            return cls(str(data.get("source", "?")), str(data.get("reason", "")),
                       None if kind is None else str(kind))
        return cls(str(data), "")
