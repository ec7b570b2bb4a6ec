"""How a citation reads: the one place that decides it, for the CLI, the app and exports.

A citation names, in this order: the title, the publisher, the published date, the
page(s) (the printed label where there is one), the section path, where to find the
document (its URL, or for a local file the path inside the folder it was added from)
and the licence. ``short_label`` is the one-line form shown beside an answer ("Title,
p. 3, Section"); ``where_label`` the location of a passage in its document ("p. 3 ·
Section"; for an unpaged document with no section, "web page" when it has a URL, else
the file's name).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from index.store import DocumentRow


class Cited(Protocol):
    """What a citation or a passage offers to be labelled."""

    title: str
    source: str
    url: str | None
    pages_label: str
    section: list[str]


def is_paged(doc: DocumentRow) -> bool:
    """Whether page numbers mean something for ``doc`` (a PDF, or text with pages)."""
    return doc.kind == "pdf" or doc.pages > 1


def pages_label(doc: DocumentRow, first: int, last: int) -> str:
    """"p. 3" / "pp. 3–4" using printed page labels; empty for unpaged documents."""
    if not is_paged(doc):
        return ""
    a, b = doc.page_label(first), doc.page_label(last)
    return f"p. {a}" if a == b else f"pp. {a}–{b}"


def section_path(section: Sequence[str]) -> str:
    return " › ".join(section)


def short_label(c: Cited) -> str:
    """"Title, p. 3, Section" as shown after an answer."""
    return ", ".join(x for x in (c.title, c.pages_label, section_path(c.section)) if x)


def where_label(pages: str, section: Sequence[str], url: str | None = None,
                source: str = "") -> str:
    """Where a passage sits in its document: "p. 3 · Section"; for an unpaged document
    without a section, "web page" when it is one (it has a URL), else the local file as
    ``source`` names it: a path inside its added folder ("board/notes.md") as given, an
    absolute path by its file name; never "web page" for a file on disk."""
    where = " · ".join(x for x in (pages, section_path(section)) if x)
    if where:
        return where
    if url:
        return "web page"
    if not source:
        return "whole document"
    return Path(source).name if Path(source).is_absolute() else source


def readable_source(source: str, roots: Sequence[str | Path] = ()) -> str:
    """A local file as a path inside the folder it was added from (the longest of
    ``roots`` holding it), else as given; URLs as they are."""
    if "://" in source:
        return source
    path = Path(source)
    best: Path | None = None
    for root in roots:
        r = Path(root)
        try:
            path.relative_to(r)
        except ValueError:
            continue
        if best is None or len(r.parts) > len(best.parts):
            best = r
    if best is None:
        return source
    if best == path:  # a single file added by itself
        return path.name
    return str(Path(best.name) / path.relative_to(best))


def location(c: Cited, source_name: str = "") -> str:
    """Where to find the document: its URL, or the readable path of the local file."""
    return c.url or source_name or c.source


def fields(c: Cited, *, publisher: str | None = None, published: str | None = None,
           licence: str | None = None, source_name: str = "") -> list[tuple[str, str]]:
    """(label, value) of every part of a citation that is known, in the one order."""
    pairs = [("Title", c.title), ("Publisher", publisher), ("Published", published),
             ("Pages", c.pages_label), ("Section", section_path(c.section)),
             ("Source", location(c, source_name)), ("Licence", licence)]
    return [(k, v) for k, v in pairs if v]
