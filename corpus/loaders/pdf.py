"""PDF loader (pypdf): page texts, printed page labels, headings from the outline; tables
(pdfplumber, see ``corpus.loaders.pdf_tables``) as rows that name their columns."""

from __future__ import annotations

import contextlib
import io
import logging
import re
from pathlib import Path
from typing import Any

from corpus.budget import Budget, LoadCancelled
from corpus.clean import (
    clean_pages,
    is_title_case,
    normalize_inline,
    numbered_heading_level,
    prettify_stem,
)
from corpus.errors import UnreadableDocument
from corpus.loaders.pdf_placing import Placed, PlacedPart, mark_tables, place_tables, table_records
from corpus.loaders.pdf_tables import MAX_TABLE_PAGE_CONTENT, find_tables, may_hold_table
from corpus.records import Document, Heading, Page, Table
from corpus.tables import caption_headings

_MAX_OUTLINE_ITEMS = 5_000
MAX_PAGE_CONTENT = 8_000_000
"""Most bytes of (decoded) drawing instructions one page may have."""
MAX_TEXT_CHARS = 10_000_000
"""Most characters of text one PDF may give (a small file can repeat a page's text)."""
_WATCH_ABOVE = 256_000  # pages with more instructions are watched inside (budget, cancel)
_REPEATED = (-1, False)
"""The size entry of a page drawing a content stream an earlier page drew: its text is
the earlier page's, and it is not searched for tables again (pdfplumber would parse the
whole stream once per page)."""
_HEURISTIC_SKIP = re.compile(r"(?:figure|fig\.|table|chart|source|note|contents)\b", re.I)
_BAD_TITLE = re.compile(r"^(?:untitled|microsoft word|document\d*)\b|\.(?:docx?|pdf|pptx?)$", re.I)


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:100]


def load_pdf(data: bytes, *, source: Path, doc_id: str, budget: Budget | None = None) -> Document:
    """Read a PDF's text, page labels, headings and title.

    Args:
        data: the file's bytes.
        source: the file path (for the title fallback and ``Document.source``).
        doc_id: the document id to use.
        budget: checked between pages and inside long ones (see ``corpus.budget``).

    Raises:
        UnreadableDocument: password-protected, not a PDF, broken, or no text.
    """
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    budget = budget or Budget()
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    if b"%PDF-" not in data[:1024]:
        raise UnreadableDocument("not a readable PDF (no %PDF header)")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
    except Exception as exc:  # pypdf raises many types on broken files
        raise UnreadableDocument(f"not a readable PDF ({_short(exc)})") from exc

    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except DependencyError as exc:
            raise UnreadableDocument(
                f"encrypted PDF needs a crypto library ({_short(exc)})"
            ) from exc
        except Exception as exc:
            raise UnreadableDocument(f"encrypted PDF cannot be opened ({_short(exc)})") from exc
        if not opened:
            raise UnreadableDocument("needs a password")

    try:
        pdf_pages = list(reader.pages)
    except Exception as exc:
        raise UnreadableDocument(f"not a readable PDF ({_short(exc)})") from exc
    if not pdf_pages:
        raise UnreadableDocument("not a readable PDF (no pages)")

    sizes: list[tuple[int, bool]] = []
    raw, errors = _page_texts(pdf_pages, budget, sizes)
    if errors == len(pdf_pages):
        raise UnreadableDocument("not a readable PDF (text extraction failed on every page)")
    texts, placed = _with_tables(data, raw, sizes, budget)
    budget.check("cleaning the text")
    if not any(t.strip() for t in texts):
        raise UnreadableDocument("no extractable text — scanned? run OCR first")

    labels = _page_labels(reader, len(texts))
    pages = [Page(number=i + 1, text=t, label=labels[i]) for i, t in enumerate(texts)]
    doc = Document(doc_id=doc_id, title="", source=str(source), pages=pages, kind="pdf")
    starts = doc.page_starts()
    if placed is not None:
        doc.tables = table_records(*placed, starts)
    headings = _outline_headings(reader, pages, starts) or _not_rows(
        _heuristic_headings(pages, starts), doc.tables)
    doc.headings = caption_headings(doc.tables, headings) if doc.tables else headings
    doc.title = _metadata_title(reader) or _title_heading(headings, pages)
    doc.title = doc.title or prettify_stem(source.stem)
    return doc


def _with_tables(data: bytes, raw: list[str], sizes: list[tuple[int, bool]], budget: Budget
                 ) -> tuple[list[str], tuple[list[Placed], list[list[PlacedPart]]] | None]:
    """Clean page texts with each table's rows as units (``corpus.loaders.pdf_tables``),
    and where the tables went (None when there are none).

    Only pages that may hold a table are searched (pdfplumber reads a page ten times
    slower than pypdf): pages that draw lines, or whose text has dot leaders or runs of
    short lines or lines of figures (see ``may_hold_table``).
    """
    pages = {i for i, text in enumerate(raw)
             if i < len(sizes) and 0 <= sizes[i][0] <= MAX_TABLE_PAGE_CONTENT
             and (sizes[i][1] or may_hold_table(text))}
    found = find_tables(data, len(raw), budget, pages) if pages else {}
    if found:
        marked, placed = mark_tables(raw, found)
        if placed:
            done = place_tables(clean_pages(marked), placed)
            if done is not None:
                texts, where = done
                return texts, (placed, where)
    return clean_pages(raw), None


def _contents_key(page: Any) -> tuple | None:
    """The objects holding a page's drawing instructions, as a key (None if inline)."""
    try:
        contents = page.get("/Contents")
        refs = contents if isinstance(contents, list) else [contents]
        return tuple((r.idnum, r.generation) for r in refs)
    except AttributeError:  # a direct (not indirect) object: cannot be shared
        return None


_DRAWS_LINES = re.compile(rb"[\d.]\s+(?:re|l)\s")


def _content(page: Any) -> tuple[int, bool]:
    """Bytes of decoded drawing instructions on a page (0 if they cannot be read here),
    and whether they draw lines or rectangles (a ruled table may be there)."""
    try:
        contents = page.get_contents()
        data = contents.get_data() if contents is not None else b""
    except Exception:  # noqa: BLE001 - extract_text will report the page as bad
        return 0, False
    return len(data), _DRAWS_LINES.search(data) is not None


def _page_texts(pdf_pages: list[Any], budget: Budget,
                sizes: list[tuple[int, bool]] | None = None) -> tuple[list[str], int]:
    """Text of every page, and how many pages could not be read.

    Pages drawing the same content stream are read once (a small file can make every
    page parse one huge stream). A page with more drawing instructions than
    ``MAX_PAGE_CONTENT`` is refused before parsing (parsing cannot be interrupted); the
    budget is checked between pages and every few thousand operators inside large ones.
    """
    raw: list[str] = []
    errors = 0
    done: dict[tuple, str] = {}
    page_sizes: list[tuple[int, bool]] = []  # see _content, and _REPEATED
    total = len(pdf_pages)
    chars = 0
    for i, page in enumerate(pdf_pages):
        if chars > MAX_TEXT_CHARS:
            raise UnreadableDocument(
                f"more than {MAX_TEXT_CHARS // 1_000_000} million characters of text by page "
                f"{i} of {total}: too large to index")
        where = f"page {i + 1} of {total}"
        budget.check(where)
        key = _contents_key(page)
        if key and key in done:
            raw.append(done[key])
            chars += len(done[key])
            page_sizes.append(_REPEATED)
            continue
        size, lines = _content(page)
        page_sizes.append((size, lines))
        if size > MAX_PAGE_CONTENT:
            raise UnreadableDocument(
                f"page {i + 1} has {size / 1e6:.0f} MB of drawing instructions, over the "
                f"{MAX_PAGE_CONTENT / 1e6:.0f} MB a page may have")
        # A visitor makes pypdf parse pages without text too: only where it pays.
        tick = budget.every(2_000, lambda w=where: w) if size > _WATCH_ABOVE else None
        try:
            text = page.extract_text(visitor_operand_before=tick) or ""
        except (UnreadableDocument, LoadCancelled):
            raise
        except Exception:  # noqa: BLE001 - one bad page should not sink the document
            errors += 1
            text = ""
        raw.append(text)
        chars += len(text)
        if key:
            done[key] = text
    budget.check("the end of the text")
    if sizes is not None:
        sizes[:] = page_sizes
    return raw, errors


def _page_labels(reader: Any, count: int) -> list[str | None]:
    try:
        labels = list(reader.page_labels)
    except Exception:
        return [None] * count
    out: list[str | None] = []
    for i in range(count):
        label = normalize_inline(str(labels[i])) if i < len(labels) else None
        out.append(label if label and label != str(i + 1) else None)
    return out


def _not_rows(headings: list[Heading], tables: list[Table]) -> list[Heading]:
    """``headings`` but those that are a table's row (a short row unit such as "Leisure,
    East Midlands: 17; 51%; Charity" reads like a Title Case line): a row is never a
    heading, nor the document's title."""
    spans = [(r.start, r.end) for t in tables for r in t.rows]
    if not spans:
        return headings
    return [h for h in headings if not any(a <= h.offset < b for a, b in spans)]


def _title_heading(headings: list[Heading], pages: list[Page]) -> str:
    """The first heading as a title, when it looks like one: on page 1, not a numbered
    section ("1. Introduction" names a section, not the document)."""
    if not headings or not pages or headings[0].offset >= len(pages[0].text):
        return ""
    title = headings[0].title.strip()
    if re.match(r"^(?:\d+(?:\.\d+)*\.?|[IVX]+\.|chapter\b|section\b)", title, re.I):
        return ""
    return title


def _metadata_title(reader: Any) -> str:
    try:
        meta = reader.metadata
        title = meta.title if meta else None
    except Exception:
        return ""
    if not isinstance(title, str):
        return ""
    title = normalize_inline(title)
    title = re.sub(r"^Microsoft (?:Word|PowerPoint) - ", "", title)
    if len(title) < 3 or _BAD_TITLE.search(title):
        return ""
    return title


def _walk_outline(reader: Any, items: Any, level: int, out: list[tuple[int, str, int]]) -> None:
    for item in items:
        if len(out) >= _MAX_OUTLINE_ITEMS:
            return
        if isinstance(item, list):
            _walk_outline(reader, item, level + 1, out)
            continue
        try:
            title = normalize_inline(str(item.title or ""))
            page_index = reader.get_destination_page_number(item)
        except Exception:
            continue
        if title and page_index is not None and page_index >= 0:
            out.append((level, title, page_index))


def _outline_headings(reader: Any, pages: list[Page], starts: list[int]) -> list[Heading]:
    try:
        outline = reader.outline
    except Exception:
        return []
    items: list[tuple[int, str, int]] = []
    with contextlib.suppress(RecursionError):  # keep what was collected
        _walk_outline(reader, outline, 1, items)
    headings = []
    last: dict[int, int] = {}  # page index → where the previous heading on it was found
    for level, title, index in items:
        if index >= len(pages):
            continue
        text = pages[index].text
        prev = last.get(index)
        pos = _find_title(text, title, 0 if prev is None else prev + 1)
        if pos is None and prev is not None:
            pos = _find_title(text, title, 0)
        if pos is None:  # not printed on the page: point at the page start
            pos = prev or 0
        last[index] = pos
        headings.append(Heading(level=min(level, 6), title=title, offset=starts[index] + pos))
    headings.sort(key=lambda h: h.offset)  # stable: outline order within one offset
    return headings


def _find_title(text: str, title: str, start: int) -> int | None:
    words = title.split()[:30]
    if not words:
        return None
    pattern = r"\s+".join(re.escape(w) for w in words)
    for regex in (rf"(?m)^[ \t]*({pattern})", f"({pattern})"):
        m = re.compile(regex, re.IGNORECASE).search(text, start)
        if m:
            return m.start(1)
    return None


def _heuristic_headings(pages: list[Page], starts: list[int]) -> list[Heading]:
    """Conservative headings: short standalone lines, numbered or in Title Case,
    followed by a line of body text."""
    headings = []
    for page, start in zip(pages, starts, strict=True):
        lines = page.text.split("\n")
        pos = 0
        for i, line in enumerate(lines):
            level = _heading_level(line, lines[i + 1] if i + 1 < len(lines) else "")
            if level:
                headings.append(Heading(level=level, title=line.strip(), offset=start + pos))
            pos += len(line) + 1
    return headings


def _heading_level(line: str, nxt: str) -> int:
    line = line.strip()
    if not line or len(line) > 80 or len(line.split()) > 8 or line[-1] in ".,;:!?|":
        return 0
    if not line[0].isalnum() or _HEURISTIC_SKIP.match(line):
        return 0
    if len(nxt.strip()) < 40:  # a heading is followed by body text, not by another cell
        return 0
    level = numbered_heading_level(line)
    if level:
        return min(level, 6)
    return 1 if is_title_case(line) and not line[0].isdigit() else 0
