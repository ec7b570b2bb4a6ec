"""Tables found in a PDF (``corpus.loaders.pdf_tables``) put into pypdf's page text.

``mark_tables`` finds each table's run of lines in pypdf's text of its page (the lines
made of the table's words), with a caption line just above or below it, and puts one
placeholder line in their place. A table whose lines cannot be told apart in pypdf's text
is left as it was (no text is lost or doubled). A table at the top of a page, in the same
columns as a table ending the page before, with no caption of its own (or "Table 1
(continued)"), continues it: it takes its header from where it started, and a repeated
header is dropped. After cleaning (running headers and footers removed as ever),
``place_tables`` puts each table's caption, row units and notes (``corpus.tables``) where
its placeholder is, and ``table_records`` says where they went.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from corpus.clean import is_page_number
from corpus.loaders.pdf_tables import Found
from corpus.records import Table, TableRow
from corpus.tables import (
    TableText,
    build_table,
    is_caption,
    is_continued_caption,
    place_table,
    table_record,
)

_TOKEN = re.compile(r"\w+")
_MARK = "\ue0f0"  # placeholder lines: _MARK, one private-use letter per table part, _MARK
MAX_PARTS = 6_000
"""Most table parts placed in one document (each needs a private-use letter)."""
MAX_PAGE_LINES = 4_000
"""Pages with more lines of text are not matched with tables (matching is quadratic)."""


@dataclass
class _Part:
    """Where one table's lines are in pypdf's text of one page."""

    page: int
    found: Found
    start: int  # first line of the run (its caption included)
    end: int  # line after the run
    before: int  # non-blank lines above the run on the page (page numbers aside)
    after: int  # and below it
    caption: str | None = None
    rows: range = range(0)  # indexes into the logical table's rows
    mark: str = ""


@dataclass
class Placed:
    """A logical table (maybe over several pages) and its parts on their pages."""

    table: TableText
    parts: list[_Part]


@dataclass
class PlacedPart:
    """A part of a table put in a cleaned page text: where, and its rows' spans."""

    page: int
    offset: int  # in the page's text
    end: int
    rows: list[TableRow]


def _match_run(lines: list[str], taken: set[int], bag: Counter[str]) -> tuple[int, int] | None:
    """The run of lines (start, end) made of the table's words, if it holds most of them."""
    total = sum(bag.values())
    if not total:
        return None
    best: tuple[int, int, int] | None = None
    toks = [_TOKEN.findall(line.lower()) for line in lines]
    for a in range(len(lines)):
        if a in taken or not toks[a] or not _fits(toks[a], bag):
            continue
        left = Counter(bag)
        got = 0
        b = a
        while b < len(lines) and b not in taken:
            if not toks[b]:
                if not lines[b].strip():
                    b += 1
                    continue
                break
            inside = [t for t in toks[b] if left[t] > 0]
            if len(inside) < 0.75 * len(toks[b]):
                break
            for t in inside:
                left[t] -= 1
            got += len(inside)
            b += 1
        if best is None or got > best[0]:
            best = (got, a, b)
        if got >= total:
            break
    if best is None or best[0] < 0.85 * total:
        return None
    _, a, b = best
    while b > a and not lines[b - 1].strip():
        b -= 1
    return a, b


def _fits(tokens: list[str], bag: Counter[str], share: float = 0.75) -> bool:
    return sum(1 for t in tokens if bag[t] > 0) >= share * len(tokens)


def _filled(lines: list[str], k: int, step: int, taken: set[int]) -> int | None:
    """The nearest non-blank line from ``k`` on (``step`` 1 or -1) not in a table."""
    while 0 <= k < len(lines) and not lines[k].strip():
        k += step
    return k if 0 <= k < len(lines) and k not in taken else None


def _content(lines: list[str]) -> int:
    return sum(1 for line in lines if line.strip() and not is_page_number(line))


def _page_parts(page: int, lines: list[str], found: list[Found]) -> list[_Part]:
    taken: set[int] = set()
    parts: list[_Part] = []
    for f in found:
        run = _match_run(lines, taken, f.tokens)
        if run is None:
            continue
        a, b = run
        caption = None
        prev = _filled(lines, a - 1, -1, taken)
        nxt = _filled(lines, b, 1, taken)
        if prev is not None and is_caption(lines[prev]):
            caption, a = lines[prev].strip(), prev
        elif nxt is not None and is_caption(lines[nxt]):
            after = _filled(lines, nxt + 1, 1, taken)
            if after is None or not is_caption(lines[after]):  # not the next table's
                caption, b = lines[nxt].strip(), nxt + 1
        taken.update(range(a, b))
        parts.append(_Part(page, f, a, b, 0, 0, caption))
    for p in parts:
        p.before = _content([ln for k, ln in enumerate(lines[: p.start]) if k not in taken])
        p.after = _content([ln for k, ln in enumerate(lines[p.end:], p.end) if k not in taken])
    return sorted(parts, key=lambda p: p.start)


def _same_columns(a: Found, b: Found) -> bool:
    if len(a.columns_x) != len(b.columns_x) or len(a.rows[0]) != len(b.rows[0]):
        return False
    return all(abs(x - y) <= 8 for x, y in zip(a.columns_x, b.columns_x, strict=True))


def _continues(last: _Part, p: _Part, first_caption: str | None, last_on_page: bool,
               first_on_page: bool) -> bool:
    """Whether ``p`` (top of a page) carries on ``last`` (bottom of the page before)."""
    return (last.page == p.page - 1 and last_on_page and first_on_page
            and _same_columns(last.found, p.found)
            and (p.caption is None or is_continued_caption(p.caption, first_caption))
            and last.after <= 3 and p.before <= 3)


def mark_tables(raw: list[str], found: dict[int, list[Found]]
                ) -> tuple[list[str], list[Placed]]:
    """pypdf's page texts with each table's lines replaced by a placeholder line.

    Returns the new page texts and the tables (a table continued over pages has one
    part per page). A table whose lines are not found, or that is not a table once read
    (no body row), keeps its lines.
    """
    by_page = {page: _page_parts(page, raw[page].split("\n"), f)
               for page, f in sorted(found.items())
               if page < len(raw) and raw[page].count("\n") < MAX_PAGE_LINES}
    groups: list[list[_Part]] = []
    for page in sorted(by_page):
        parts = by_page[page]
        for k, p in enumerate(parts):
            if groups and k == 0:
                last = groups[-1][-1]
                last_on_page = last is by_page.get(last.page, [None])[-1]
                if _continues(last, p, groups[-1][0].caption, last_on_page, True):
                    groups[-1].append(p)
                    continue
            groups.append([p])
    placed: list[Placed] = []
    for group in groups:
        rows: list[list[str]] = []
        bold: list[bool] = []
        for p in group:
            begin = len(rows)
            rows.extend(p.found.rows)
            bold.extend(p.found.bold)
            p.rows = range(begin, len(rows))
        tt = build_table(rows, caption=group[0].caption, bold=bold)
        if tt is not None and sum(len(t.parts) for t in placed) + len(group) <= MAX_PARTS:
            placed.append(Placed(tt, group))
    texts = list(raw)
    n = 0
    for page in sorted(by_page):
        kept = [p for t in placed for p in t.parts if p.page == page]
        if not kept:
            continue
        lines = raw[page].split("\n")
        out: list[str] = []
        pos = 0
        for p in sorted(kept, key=lambda p: p.start):
            p.mark = _MARK + chr(0xE100 + n) + _MARK
            n += 1
            out.extend(lines[pos: p.start])
            out.extend(["", p.mark, ""])
            pos = p.end
        out.extend(lines[pos:])
        texts[page] = "\n".join(out)
    return texts, placed


def _find_mark(text: str, mark: str) -> int:
    """Where the placeholder line ``mark`` is in ``text`` (-1: not there)."""
    at = text.find(mark)
    while at >= 0 and not ((at == 0 or text[at - 1] == "\n") and (
            at + len(mark) == len(text) or text[at + len(mark)] == "\n")):
        at = text.find(mark, at + 1)
    return at


def place_tables(texts: list[str], placed: list[Placed]
                 ) -> tuple[list[str], list[list[PlacedPart]]] | None:
    """Cleaned page texts with each placeholder replaced by its table's lines.

    Returns the texts and, per table, where its parts went; None if a placeholder went
    missing in cleaning (then the caller reads the pages without tables).
    """
    texts = list(texts)
    items = []
    for i, t in enumerate(placed):
        for k, p in enumerate(t.parts):
            at = _find_mark(texts[p.page], p.mark)
            if at < 0:
                return None
            items.append((p.page, at, i, k))
    where: list[list[PlacedPart | None]] = [[None] * len(t.parts) for t in placed]
    # Top to bottom of each page, so that an offset found stays true.
    for page, _, i, k in sorted(items):
        t, p = placed[i], placed[i].parts[k]
        text = texts[page]
        at = _find_mark(text, p.mark)
        body, rows = place_table(t.table, at, part=p.rows, caption=k == 0)
        texts[page] = text[:at] + body + text[at + len(p.mark):]
        where[i][k] = PlacedPart(page, at, at + len(body), rows)
    return texts, [[p for p in parts if p is not None] for parts in where]


def table_records(placed: list[Placed], where: list[list[PlacedPart]],
                  page_starts: list[int]) -> list[Table]:
    """The ``Table`` records, offsets in the document's clean text."""
    out = []
    for t, parts in zip(placed, where, strict=True):
        rows = [TableRow(page_starts[p.page] + r.start, page_starts[p.page] + r.end, r.cells)
                for p in parts for r in p.rows]
        if not rows:
            continue
        first, last = parts[0], parts[-1]
        out.append(table_record(t.table, page_starts[first.page] + first.offset,
                                page_starts[last.page] + last.end, rows))
    return out
