"""Plain-text and Markdown loaders, and the byte decoding shared with the HTML loader."""

from __future__ import annotations

import codecs
import functools
import re
from itertools import pairwise
from pathlib import Path

from corpus.clean import (
    clean_pages,
    clean_text,
    collapse_spaces,
    is_title_case,
    normalize_unicode,
    numbered_heading_level,
    prettify_stem,
    strip_control,
)
from corpus.errors import UnreadableDocument
from corpus.records import Document, Heading, Page
from corpus.tables import TableText, assemble_tables, pipe_table

# --- decoding ----------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# WHATWG: these labels mean windows-1252 on the web.
_AS_CP1252 = frozenset({"ascii", "us-ascii", "iso-8859-1", "iso8859-1", "latin1", "latin-1"})


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    if name in _AS_CP1252:
        return "cp1252"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _plausible_western(text: str) -> bool:
    """Does a cp1252 decoding look like Western text (few controls, mostly ASCII letters)?"""
    sample = text[:20_000]
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\t\n\r\f")
    letters = [c for c in sample if c.isalpha()]
    accented = sum(1 for c in letters if ord(c) > 127)
    return controls <= len(sample) // 100 and accented <= 0.3 * max(1, len(letters))


_UTF8_MULTIBYTE_RE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few broken bytes (a truncated file, one stray byte): decode it with
    replacement characters rather than turn every accent into mojibake."""
    text = data.decode("utf-8", errors="replace")
    errors = text.count("\ufffd")
    valid = sum(1 for _ in _UTF8_MULTIBYTE_RE.finditer(data))
    return text if valid >= max(3, 2 * errors) else None


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode bytes without ever failing.

    Order: byte-order mark, the declared charset, UTF-8, UTF-8 with a few broken bytes,
    Windows-1252 when the result looks like Western text, charset-normalizer's best
    guess, finally Latin-1. (charset-normalizer alone misreads short Windows-1252 text,
    e.g. "café – naïve" as cp1125.)
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                break
    for candidate in (_codec(declared), "utf-8"):
        if candidate and not candidate.startswith(("utf-16", "utf-32")):
            try:
                return data.decode(candidate)
            except UnicodeDecodeError:
                pass
    mostly_utf8 = _mostly_utf8(data)
    if mostly_utf8 is not None:
        return mostly_utf8
    try:
        text = data.decode("cp1252")
        if _plausible_western(text):
            return text
    except UnicodeDecodeError:
        pass
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None:
            return str(best)
    except Exception:  # a detector failure must not stop us: fall through
        pass
    return data.decode("latin-1")


# --- plain text ---------------------------------------------------------------------

_END_PUNCT = ".,;:!?"


def _is_text_heading(block: str) -> int:
    """Heading level of a one-line paragraph, or 0."""
    if "\n" in block or len(block) > 100 or block[-1] in _END_PUNCT or block[0] in "•-*":
        return 0
    if len(block.split()) > 8:
        return 0
    level = numbered_heading_level(block)
    if level:
        return min(level, 6)
    return 1 if is_title_case(block) and not block[0].isdigit() else 0


def _text_headings(text: str, base: int) -> list[Heading]:
    headings = []
    blocks = text.split("\n\n")  # clean text has exactly one blank line between blocks
    pos = base
    for block, _next in pairwise(blocks):  # a heading is followed by a blank line
        level = _is_text_heading(block) if block else 0
        if level:
            headings.append(Heading(level=level, title=block, offset=pos))
        pos += len(block) + 2
    return headings


def _title_from(headings: list[Heading], text: str, source: Path) -> str:
    if headings:
        top = min(h.level for h in headings)
        return next(h.title for h in headings if h.level == top)
    for line in text.split("\n"):
        line = line.strip()
        if line:
            if len(line) <= 100 and len(line.split()) <= 12:
                return line.rstrip(".:")
            break
    return prettify_stem(source.stem)


def load_text(data: bytes, *, source: Path, doc_id: str) -> Document:
    """Load a plain-text file. Form feeds split pages.

    Raises:
        UnreadableDocument: the file holds no text.
    """
    raw = decode_text(data)
    texts = clean_pages(raw.split("\f")) if "\f" in raw else [clean_text(raw)]
    if not any(texts):
        raise UnreadableDocument("no text (file is blank)")
    pages = [Page(number=i + 1, text=t) for i, t in enumerate(texts)]
    doc = Document(doc_id=doc_id, title="", source=str(source), pages=pages, kind="text")
    for page, start in zip(pages, doc.page_starts(), strict=True):
        doc.headings.extend(_text_headings(page.text, start))
    doc.title = _title_from(doc.headings, doc.text, source)
    return doc


# --- Markdown -----------------------------------------------------------------------
# Parsed by markdown-it-py (CommonMark, with GFM tables and strikethrough); we turn its
# tokens into blocks of plain text: headings, paragraphs, list items ("• " or "1. "),
# table rows ("cell | cell"), code as written. HTML blocks keep their text, not tags.

_FRONT_TITLE_RE = re.compile(r"title:[ \t]*(.+)", re.IGNORECASE)
_TAG_RE = re.compile(r"<!--.*?-->|<[^>]*>", re.DOTALL)


def _front_matter(text: str) -> tuple[str, str | None]:
    """``text`` without its YAML front matter, and the front matter's title if any."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return text, None
    end = next(
        (j for j in range(1, min(len(lines), 200)) if lines[j].strip() in ("---", "...")), 0
    )
    if not end:
        return text, None
    title = None
    for line in lines[1:end]:
        m = _FRONT_TITLE_RE.fullmatch(line.strip())
        if m:
            title = m.group(1).strip().strip("\"'")
    return "\n".join(lines[end + 1 :]), title


@functools.cache
def _markdown_parser():  # noqa: ANN202 - markdown_it.MarkdownIt
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _cell_text(cell: str) -> str:
    """A table cell's plain text, its inline markup removed."""
    tokens = _markdown_parser().parseInline(cell)
    return " ".join(_inline_text(tokens[0]).split()) if tokens else cell.strip()


def _inline_text(token) -> str:  # noqa: ANN001 - markdown_it.token.Token
    """The plain text of an inline token: markup, link targets and inline HTML left out."""
    out: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif child.type == "image":
            out.append(_inline_text(child))  # its alt text
    return " ".join("".join(out).split())


def _markdown_blocks(text: str) -> tuple[list[tuple[int, str | TableText]], str | None]:
    """``(level, text)`` blocks of a Markdown document (level 0: body) and the title of
    its front matter, if any.

    A tight list is one block, an item a line (nested lists flattened, and lists that
    follow one another with no blank line, such as ``-`` items then ``*`` items, joined);
    each paragraph of a loose list is a block of its own; so are a table (a row a line)
    and each code block.
    """
    body, front_title = _front_matter(text)
    body_lines = body.split("\n")
    table_lines: list[str] = []  # the source lines of the table being read
    blocks: list[tuple[int, str | TableText]] = []
    items: list[str] = []  # the lines of the list being read
    items_end = -1  # the line after the last list read
    rows: list[str] = []  # the rows of the table being read
    cells: list[str] = []
    markers: list[str] = []  # the marker of each open list item, innermost last
    fresh = False  # the innermost item has no text yet: its first line takes the marker
    heading = 0  # the level of the heading being read
    in_cell = False
    tight = False  # the paragraph being read is a tight list's (hidden) one

    def add(level: int, line: str | TableText) -> None:
        if items:
            blocks.append((0, "\n".join(items)))
            items.clear()
        blocks.append((level, line))

    for tok in _markdown_parser().parse(body):
        kind = tok.type
        if kind == "heading_open":
            heading = int(tok.tag[1:])
        elif kind == "paragraph_open":
            tight = tok.hidden
        elif kind == "table_open":
            table_lines = body_lines[tok.map[0]:tok.map[1]] if tok.map else []
        elif kind in ("th_open", "td_open"):
            in_cell = True
        elif kind in ("th_close", "td_close"):
            in_cell = False
        elif kind in ("bullet_list_open", "ordered_list_open") and not markers:
            if items and tok.map and tok.map[0] != items_end:
                add(0, "")  # not straight after the last list: that one is a block
            items_end = tok.map[1] if tok.map else -1
        elif kind == "list_item_open":
            markers.append("• " if tok.markup in "-*+" else f"{tok.info}{tok.markup} ")
            fresh = True
        elif kind == "list_item_close":
            markers.pop()
            fresh = False
        elif kind == "tr_close":
            rows.append(" | ".join(cells))
            cells.clear()
        elif kind == "table_close":
            # A pipe table becomes rows that name their columns (corpus.tables); one it
            # cannot read so stays a row a line.
            table = pipe_table(table_lines, _cell_text) if table_lines else None
            add(0, table if table is not None
                else "\n".join(" ".join(r.split()) for r in rows))
            rows.clear()
        elif kind in ("fence", "code_block"):
            add(0, "\n".join(line.rstrip() for line in tok.content.split("\n")).strip("\n"))
        elif kind == "html_block":
            add(0, " ".join(_TAG_RE.sub(" ", tok.content).split()))
        elif kind == "inline":
            line = _inline_text(tok)
            if heading:
                add(heading, line)
                heading = 0
            elif in_cell:
                cells.append(line)
            elif markers:
                if fresh:
                    line = markers[-1] + line
                    fresh = False
                if tight:
                    items.append(line)
                else:  # a loose list: each paragraph a block of its own
                    add(0, line)
            else:
                add(0, line)
    add(0, "")
    return blocks, front_title


def load_markdown(data: bytes, *, source: Path, doc_id: str) -> Document:
    """Load a Markdown file: headings become Heading records, markup is removed.

    Raises:
        UnreadableDocument: the file holds no text.
    """
    raw = normalize_unicode(strip_control(decode_text(data))).replace("\f", "\n")
    blocks, front_title = _markdown_blocks(raw)
    text, headings, tables = assemble_tables(
        [(level, b if isinstance(b, TableText) else collapse_spaces(b)) for level, b in blocks])
    if not text:
        raise UnreadableDocument("no text (file is blank)")
    title = front_title or _title_from([h for h in headings if h.end is None], text, source)
    return Document(
        doc_id=doc_id,
        title=title,
        source=str(source),
        pages=[Page(number=1, text=text)],
        headings=headings,
        tables=tables,
        kind="markdown",
    )
