"""What the assistant's maintenance calls return and raise, at the assistant's level.

The terminal app (and any other shell over ``Assistant``) imports these from here, never
from ``index`` or ``corpus``: ``Assistant.sources()`` gives ``IndexedDocument`` records,
``Assistant.index()`` a ``BuildReport`` (reporting through ``Progress``), and the
errors a shell needs to tell apart are ``Cancelled``, ``IndexLocked``, ``NoIndex`` and
``BuildFailed``. A file that could not be used is a ``SkippedFile`` in every report.
Counts in messages read as ``counted`` makes them ("1 passage", "5 passages").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from corpus.records import SkippedFile
from corpus.wording import PASSAGE, counted
from index.builder import BuildFailed, BuildReport, Cancelled, Progress, ProgressFn
from index.layout import IndexLocked, NoIndex
from index.store import DocumentRow

__all__ = [
    "PASSAGE", "BuildFailed", "BuildReport", "Cancelled", "IndexLocked", "IndexedDocument",
    "NoIndex", "Progress", "ProgressFn", "SkippedFile", "counted",
]


@dataclass
class IndexedDocument:
    """A document in the index, as ``assistant sources`` lists it."""

    doc_id: str
    title: str
    source: str
    """The path or URL it was read from."""
    kind: str
    """The loader that read it: pdf, html, markdown or text."""
    url: str | None
    published: str | None
    updated: str | None
    publisher: str | None
    licence: str | None
    pages: int
    chunks: int
    indexed_at: str
    page_labels: list[str | None] = field(default_factory=list)
    """The printed label of each page (None where a page has none)."""

    @classmethod
    def from_row(cls, row: DocumentRow) -> IndexedDocument:
        return cls(doc_id=row.doc_id, title=row.title, source=row.source, kind=row.kind,
                   url=row.url, published=row.published, updated=row.updated,
                   publisher=row.publisher, licence=row.licence, pages=row.pages,
                   chunks=row.chunks, indexed_at=row.indexed_at,
                   page_labels=list(row.page_labels))

    @property
    def paged(self) -> bool:
        """Whether page numbers mean something here (a PDF, or text with pages)."""
        return self.kind == "pdf" or self.pages > 1

    def as_json(self) -> dict:
        """``pages`` is null for an unpaged document; ``chunks`` is the deprecated name
        of ``passages`` (the same number), kept for older scripts."""
        return {
            "doc_id": self.doc_id, "title": self.title, "source": self.source,
            "kind": self.kind, "url": self.url, "published": self.published,
            "updated": self.updated, "publisher": self.publisher, "licence": self.licence,
            "pages": self.pages if self.paged else None, "passages": self.chunks,
            "chunks": self.chunks, "indexed_at": self.indexed_at,
        }

    def page_label(self, number: int) -> str:
        """The printed label of a 1-based page, or its number."""
        if 1 <= number <= len(self.page_labels) and self.page_labels[number - 1]:
            return str(self.page_labels[number - 1])
        return str(number)
