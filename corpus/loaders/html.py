"""HTML loader (selectolax/lexbor): the main content of a page, with headings, lists and
tables, and without navigation, banners, breadcrumbs, feedback forms or footers."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from corpus.budget import Budget
from corpus.clean import normalize_inline, normalize_unicode, prettify_stem, strip_control
from corpus.errors import UnreadableDocument
from corpus.loaders.text import decode_text
from corpus.records import Document, Page
from corpus.tables import TableText, assemble_tables, build_table

_CONTENT_SELECTORS = ("main", "[role=main]", "article", ".govuk-main-wrapper", "#content")
_DROP_TAGS = frozenset(
    "nav footer aside script style noscript form template svg iframe button select input "
    "textarea canvas object embed head title meta link dialog map audio video img".split()
)
_DROP_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "complementary"})
_DROP_MARKS = ("cookie", "feedback", "breadcrumb", "skip-link", "skiplink")
_BLOCK_TAGS = frozenset(
    "address article blockquote body caption center dd details dialog div dl dt fieldset "
    "figcaption figure header hgroup hr html li main ol p section summary ul".split()
)
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_CHARSET_RE = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_XML_ENCODING_RE = re.compile(rb"""<\?xml[^>]{0,100}?encoding\s*=\s*["']([\w.:-]+)""", re.I)
_GOVUK_SUFFIX = re.compile(r"\s+[-\u2013|]\s+GOV\.UK\s*$")
_BR = "\ue000"  # marks a <br> inside a paragraph until the paragraph is flushed


def _dropped(node: Any) -> bool:
    tag = node.tag
    if tag in _DROP_TAGS:
        return True
    attrs = node.attributes
    if "hidden" in attrs or (attrs.get("aria-hidden") or "").lower() == "true":
        return True
    if (attrs.get("role") or "").lower() in _DROP_ROLES:
        return True
    marks = f"{attrs.get('class') or ''} {attrs.get('id') or ''}".lower()
    if any(mark in marks for mark in _DROP_MARKS):
        return True
    # a site banner goes; an article's own header (with its title) stays
    return tag == "header" and node.css_first("h1, h2") is None


def _node_text(node: Any) -> str:
    """Inline text of a node, with a space wherever a block or <br> separates words."""
    parts: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current is None:
            parts.append(" ")
            continue
        if current.is_text_node:
            parts.append(current.text_content or "")
            continue
        if not current.is_element_node or (current is not node and _dropped(current)):
            continue
        if current.tag == "br" or current.tag in _BLOCK_TAGS or current.tag in ("td", "th"):
            parts.append(" ")
            stack.append(None)
        stack.extend(reversed(list(current.iter(include_text=True))))
    return normalize_inline("".join(parts))


class _Walker:
    """Turns a content tree into ``(kind, level, text)`` items."""

    def __init__(self, tick: Callable[[], None] = lambda: None) -> None:
        self.tick = tick  # the budget's check, every few thousand nodes
        self.items: list[tuple[str, int, Any]] = []
        self.inline: list[str] = []
        self.li_depth = 0
        self.bullet_pending = False

    def flush(self) -> None:
        lines = [normalize_inline(s) for s in "".join(self.inline).split(_BR)]
        self.inline.clear()
        text = "\n".join(line for line in lines if line)
        if not text:
            return
        if self.li_depth:
            if self.bullet_pending:
                text = "• " + text
                self.bullet_pending = False
            self.items.append(("list", 0, text))
        else:
            self.items.append(("p", 0, text))

    def walk(self, root: Any) -> None:
        stack: list[tuple[Any, bool]] = [(root, False)]
        while stack:
            self.tick()
            node, leaving = stack.pop()
            if leaving:
                self.flush()
                if node.tag == "li":
                    self.li_depth -= 1
                    self.bullet_pending = False
                continue
            if node.is_text_node:
                self.inline.append(node.text_content or "")
                continue
            if not node.is_element_node or (node is not root and _dropped(node)):
                continue
            tag = node.tag
            if tag in _HEADINGS:
                self.flush()
                self.items.append(("h", _HEADINGS[tag], _node_text(node)))
                continue
            if tag == "br":
                self.inline.append(_BR)
                continue
            if tag == "table":
                self.flush()
                self._table(node)
                continue
            if tag == "pre":
                self.flush()
                code = normalize_unicode(strip_control(node.text(deep=True)))
                code = "\n".join(line.rstrip() for line in code.split("\n"))
                self.items.append(("p", 0, code.strip("\n")))
                continue
            if tag in _BLOCK_TAGS:
                self.flush()
                if tag == "li":
                    self.li_depth += 1
                    self.bullet_pending = True
                stack.append((node, True))
            stack.extend((child, False) for child in reversed(list(node.iter(include_text=True))))
        self.flush()

    def _table(self, table: Any) -> None:
        caption = table.css_first("caption")
        caption_text = _node_text(caption) if caption is not None else None
        grid, header = _table_grid(table)
        if header and grid and grid[0][0] and not any(grid[0][1:]):
            # a first header row that is one cell across the table is its title
            caption_text = caption_text or grid[0][0]
            grid, header = grid[1:], header - 1 or None
        tt = build_table(grid, caption=caption_text, header=header)
        if tt is not None:
            self.items.append(("table", 0, tt))
            return
        # Not a table of columns (one column, a layout grid): its text, row by row.
        if caption_text:
            self.items.append(("p", 0, caption_text))
        rows = [" | ".join(c for c in r if c) for r in grid]
        if any(rows):
            self.items.append(("p", 0, "\n".join(r for r in rows if r)))

    def blocks(self) -> list[tuple[int, str | TableText]]:
        """Merge consecutive list items into one block; headings keep their level."""
        out: list[tuple[int, Any]] = []
        prev_kind = ""
        for kind, level, text in self.items:
            if kind == "list" and prev_kind == "list":
                out[-1] = (0, out[-1][1] + "\n" + text)
            else:
                out.append((level, text))
            prev_kind = kind
        return out


MAX_TABLE_CELLS = 100_000
"""Most cells of one table read as rows (more is read as plain text)."""


def _own_rows(table: Any) -> list[Any]:
    """The table's rows, not those of tables nested in its cells."""
    out = []
    for tr in table.css("tr"):
        node = tr.parent
        while node is not None and node.tag != "table":
            node = node.parent
        if node is not None and node.mem_id == table.mem_id:
            out.append(tr)
    return out


def _span(cell: Any, name: str) -> int:
    try:
        return max(1, min(int((cell.attributes.get(name) or "1").strip()), 100))
    except ValueError:
        return 1


def _table_grid(table: Any) -> tuple[list[list[str]], int | None]:
    """A table's cells as a grid (a merged cell repeated over the cells it covers), and
    how many leading rows are headers (``<thead>`` rows or rows of ``<th>`` only; None
    when the table does not say)."""
    grid: list[list[str]] = []
    pending: dict[int, tuple[str, int]] = {}  # column -> (text, rows still covered)
    header = 0
    seen_body = False
    cells_read = 0
    for tr in _own_rows(table):
        cells = [c for c in tr.iter() if c.tag in ("td", "th")]
        in_head = tr.parent is not None and tr.parent.tag == "thead"
        if not seen_body and (in_head or (cells and all(c.tag == "th" for c in cells))):
            header += 1
        else:
            seen_body = True
        row: list[str] = []
        col = 0
        for c in cells:
            while col in pending:
                text, left = pending.pop(col)
                row.append(text)
                if left > 1:
                    pending[col] = (text, left - 1)
                col += 1
            text = _node_text(c)
            for _ in range(_span(c, "colspan")):
                row.append(text)
                down = _span(c, "rowspan")
                if down > 1:
                    pending[col] = (text, down - 1)
                col += 1
        while col in pending:
            text, left = pending.pop(col)
            row.append(text)
            if left > 1:
                pending[col] = (text, left - 1)
            col += 1
        cells_read += len(row)
        if cells_read > MAX_TABLE_CELLS:
            break
        if len(row) > 1 and len(set(row)) == 1:  # one cell across the table
            row = [row[0]] + [""] * (len(row) - 1)
        grid.append(row)
    return grid, (header if 0 < header < len(grid) else None)


MAX_DEPTH = 6_000
"""Deepest element nesting read: the HTML parser's time grows with the square of depth
(100,000 nested ``<div>`` take minutes); real pages nest a few dozen deep."""

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*?(/?)>|<!--.*?-->", re.S)
_VOID = frozenset("area base br col embed hr img input keygen link meta param source track "
                  "wbr".split())
_SELF_CLOSING_SIBLINGS = frozenset("p li dt dd option tr td th".split())
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "noscript"})


def nesting_depth(html: str, limit: int = MAX_DEPTH) -> int:
    """How deep elements nest in ``html`` (approximately, as the parser will build
    them), stopping as soon as it passes ``limit``. Linear in the size of ``html``."""
    stack: list[str] = []
    open_count: dict[str, int] = {}
    deepest = 0
    raw_until: str | None = None
    for m in _TAG.finditer(html):
        closing, name = m.group(1), m.group(2)
        if name is None:  # a comment
            continue
        name = name.lower()
        if raw_until is not None:  # inside <script>...: only its end tag counts
            if closing and name == raw_until:
                raw_until = None
            continue
        if closing:
            if open_count.get(name):
                while stack:  # an end tag closes everything opened after its start
                    top = stack.pop()
                    open_count[top] -= 1
                    if top == name:
                        break
            continue
        if name in _VOID or m.group(3):
            continue
        if name in _RAW_TEXT:
            raw_until = name
            continue
        if name in _SELF_CLOSING_SIBLINGS and stack and stack[-1] == name:
            continue  # <p>a<p>b: the second closes the first
        stack.append(name)
        open_count[name] = open_count.get(name, 0) + 1
        if len(stack) > deepest:
            deepest = len(stack)
            if deepest > limit:
                break
    return deepest


def _declared_charset(data: bytes) -> str | None:
    head = data[:4096]
    m = _CHARSET_RE.search(head) or _XML_ENCODING_RE.search(head)
    return m.group(1).decode("ascii", "replace") if m else None


def _attr(node: Any, name: str) -> str | None:
    value = node.attributes.get(name)
    return normalize_inline(value) or None if value else None


def _meta(tree: Any, name: str) -> str | None:
    node = tree.css_first(f'meta[name="{name}"], meta[property="{name}"]')
    return _attr(node, "content") if node is not None else None


def load_html(data: bytes, *, source: Path, doc_id: str, url: str | None = None,
              budget: Budget | None = None) -> Document:
    """Load the main content of an HTML page as a one-page Document.

    Args:
        data: the page's bytes.
        source: the file path.
        doc_id: the document id to use.
        url: the page's address, if known (else taken from ``<link rel=canonical>``).
        budget: checked while walking the page (see ``corpus.budget``).

    Raises:
        UnreadableDocument: the page has no readable main content, or nests elements
            more than ``MAX_DEPTH`` deep.
    """
    from selectolax.lexbor import LexborHTMLParser

    budget = budget or Budget()
    html = decode_text(data, _declared_charset(data))
    if nesting_depth(html) > MAX_DEPTH:
        raise UnreadableDocument(
            f"elements nested more than {MAX_DEPTH:,} deep: too slow to read (real pages "
            "nest a few dozen deep)")
    budget.check("parsing")
    tree = LexborHTMLParser(html)
    budget.check("parsing")
    root = None
    for selector in _CONTENT_SELECTORS:
        root = tree.css_first(selector)
        if root is not None:
            break
    root = root or tree.body or tree.root
    if root is None:
        raise UnreadableDocument("no readable text in the page")
    walker = _Walker(budget.every(5_000, lambda: "reading the page"))
    walker.walk(root)
    text, headings, tables = assemble_tables(walker.blocks())
    if not text:
        raise UnreadableDocument("no readable text in the page")

    title = next((h.title for h in headings if h.level == 1 and h.end is None), "")
    if not title:
        node = tree.css_first("title")
        title = _GOVUK_SUFFIX.sub("", normalize_inline(node.text())) if node is not None else ""
    canonical = tree.css_first('link[rel="canonical"]')
    published = _meta(tree, "govuk:first-published-at") or _meta(tree, "article:published_time")
    updated = _meta(tree, "govuk:public-updated-at") or _meta(tree, "article:modified_time")
    licence_link = tree.css_first('a[href*="open-government-licence"]')
    return Document(
        doc_id=doc_id,
        title=title or prettify_stem(source.stem),
        source=str(source),
        pages=[Page(number=1, text=text)],
        headings=headings,
        tables=tables,
        kind="html",
        published=published[:10] if published else None,
        updated=updated[:10] if updated else None,
        publisher=_meta(tree, "govuk:primary-publishing-organisation"),
        licence="Open Government Licence v3.0" if licence_link is not None else None,
        url=url or (_attr(canonical, "href") if canonical is not None else None),
    )
