"""Tables in a PDF, found with pdfplumber: ruled grids, unruled columns, dot-leader rows.

pypdf reads a page's text (``corpus.loaders.pdf``); a table comes out of it as a run of
bare lines, one cell or one row per line, its header printed once. Here pdfplumber (MIT,
built on pdfminer.six) finds where each table is and what its cells are:

* **ruled** tables: pdfplumber's own table finder on the page's ruling lines and
  rectangles; merged cells are spread over the cells they cover;
* **unruled** tables: lines of words (outside ruled tables) cut into cells at wide gaps,
  three or more consecutive lines whose cells line up in two or more columns, cells short
  (prose, even in two columns, has long cells);
* **dot leaders** ("AOA sensor system test ....... 40 work-hours × $85 = $3,400 ....
  $3,400"): two or more consecutive lines cut into cells at their runs of dots.

``find_tables`` returns what was found per page; ``mark_tables`` then finds each table's
run of lines in pypdf's page text (the lines made of the table's words), with a caption
line just above or below it, and puts one placeholder line in their place. A table whose
lines cannot be told apart in pypdf's text is left as it was (no text is lost or doubled).
A table at the top of a page, in the same columns as a table ending the page before, with
no caption of its own (or "Table 1 (continued)"), continues it: it takes its header from
where it started, and a repeated header is dropped. After cleaning, ``place_tables`` puts
each table's caption, row units and notes (``corpus.tables``) where its placeholder is.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from corpus.budget import Budget, LoadCancelled
from corpus.clean import is_page_number
from corpus.errors import UnreadableDocument
from corpus.records import Table, TableRow
from corpus.tables import (
    TableText,
    build_table,
    is_caption,
    is_continued_caption,
    place_table,
    table_record,
)

MAX_TABLE_PAGE_CONTENT = 2_000_000
"""Pages with more bytes of drawing instructions are not searched for tables (pdfminer
parses a page in one go, past the reading budget's checks)."""
MAX_CELL_WORDS = 12
"""A column whose cells average more words than this is prose, not a table column."""
_TOKEN = re.compile(r"\w+")
_LEADER = re.compile(r"(?:\s?[.·…]){4,}\s?|_{4,}")
_MARK = "\ue0f0"  # placeholder lines: _MARK, one private-use letter per table part, _MARK
MAX_PARTS = 6_000
"""Most table parts placed in one document (each needs a private-use letter)."""
MAX_PAGE_LINES = 4_000
"""Pages with more lines of text are not matched with tables (matching is quadratic)."""


@dataclass
class Found:
    """A table found on one page, before it is matched to the page's text."""

    page: int  # 0-based
    top: float
    bottom: float
    rows: list[list[str]]
    bold: list[bool]
    columns_x: list[float]  # left edge of each column
    kind: str  # "ruled", "unruled" or "leaders"

    @property
    def tokens(self) -> Counter[str]:
        return Counter(t for r in self.rows for c in r for t in _TOKEN.findall(c.lower()))


# -- finding tables with pdfplumber ----------------------------------------------------

def may_hold_table(text: str) -> bool:
    """Whether pypdf's text of a page may hold an unruled or dot-leader table: dot
    leaders, or three lines in a row that are short (four words or fewer) or carry a
    figure in ten words or fewer. Full-width prose has none of these."""
    if _LEADER.search(text):
        return True
    run = 0
    for line in text.split("\n"):
        words = line.split()
        rowish = bool(words) and (len(words) <= 4 or (
            len(words) <= 10 and any(any(ch.isdigit() for ch in w) for w in words)))
        run = run + 1 if rowish else 0
        if run >= 3:
            return True
    return False


def find_tables(data: bytes, n_pages: int, budget: Budget,
                pages: set[int] | None = None) -> dict[int, list[Found]]:
    """Tables found on each page (0-based page index → tables, top to bottom).

    Never raises for a page it cannot read (that page has no tables); a file pdfplumber
    cannot open has none at all. ``pages``: the pages to search (default all).
    """
    try:
        import pdfplumber
    except ImportError:  # pragma: no cover - a dependency, but tables are optional
        return {}
    for name in ("pdfminer", "pdfplumber"):
        logging.getLogger(name).setLevel(logging.ERROR)
    out: dict[int, list[Found]] = {}
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - pypdf read it; tables are a bonus
        return {}
    try:
        pdf_pages = pdf.pages
        for i in range(min(n_pages, len(pdf_pages))):
            if pages is not None and i not in pages:
                continue
            budget.check(f"tables on page {i + 1} of {n_pages}")
            page = pdf_pages[i]
            try:
                found = _page_tables(page, i)
            except (UnreadableDocument, LoadCancelled):
                raise
            except Exception:  # noqa: BLE001 - one odd page keeps its plain text
                found = []
            finally:
                page.close()
            if found:
                out[i] = found
    except (UnreadableDocument, LoadCancelled):
        raise
    except Exception:  # noqa: BLE001
        pass
    finally:
        pdf.close()
    return out


_MONO = re.compile(r"mono|courier|cmtt|cmsltt|typewriter|consol|menlo|code|fixed", re.I)


def _mono(fontname: str) -> bool:
    """A monospaced font: lines set in it are code or a listing, not a table."""
    return bool(_MONO.search(fontname))


def _bold(fontname: str) -> bool:
    name = fontname.lower()
    return "bold" in name or "black" in name or "heavy" in name or name.endswith(",b")


def _page_tables(page: Any, index: int) -> list[Found]:
    words = page.extract_words(extra_attrs=["fontname", "size"])
    if not words:
        return []
    found: list[Found] = []
    if len(page.edges) >= 4:
        found.extend(_ruled(page, index, words))
    boxes = [(f.top, f.bottom) for f in found]
    free = [w for w in words
            if not any(top - 1 <= (w["top"] + w["bottom"]) / 2 <= bottom + 1
                       for top, bottom in boxes)]
    found.extend(_unruled(index, free))
    found.sort(key=lambda f: f.top)
    return found


def _ruled(page: Any, index: int, words: list[dict]) -> list[Found]:
    out = []
    for table in page.find_tables():
        rows = table.rows
        texts = table.extract()
        if len(rows) < 2 or not rows or len(rows[0].cells) < 2:
            continue
        xs = sorted({c[0] for r in rows for c in r.cells if c is not None})
        cells = _spread(rows, texts, xs)
        filled = [c for r in cells for c in r if c]
        if len(filled) < 3 or not _short_cells(cells):
            continue
        x0, top, x1, bottom = table.bbox
        bold = []
        for r in rows:
            _, rtop, _, rbottom = r.bbox
            inside = [w for w in words if rtop <= (w["top"] + w["bottom"]) / 2 <= rbottom
                      and x0 <= w["x0"] <= x1]
            bold.append(bool(inside) and sum(_bold(w["fontname"]) for w in inside) * 2
                        > len(inside))
        out.append(Found(index, top, bottom, cells, bold, xs, "ruled"))
    return out


def _spread(rows: list[Any], texts: list[list[str | None]], xs: list[float]) -> list[list[str]]:
    """Cells with merged ones spread over the cells they cover (a row that is one merged
    cell keeps its text once)."""
    grid: list[list[str]] = []
    for i, (row, text) in enumerate(zip(rows, texts, strict=True)):
        out: list[str] = []
        for j, bbox in enumerate(row.cells):
            if bbox is not None:
                out.append(text[j] or "")
                continue
            value = ""
            left = next((k for k in range(j - 1, -1, -1) if row.cells[k] is not None), None)
            if left is not None and row.cells[left][2] > xs[j] + 1:
                value = out[left]  # spans to the right
            else:
                for k in range(i - 1, -1, -1):
                    above = rows[k].cells[j] if j < len(rows[k].cells) else None
                    if above is not None:
                        if above[3] > row.bbox[1] + 1:
                            value = grid[k][j]  # spans down
                        break
            out.append(value)
        if len({c for c in out if c}) == 1 and sum(1 for c in out if c) > 1:
            first = next(c for c in out if c)
            out = [first] + [""] * (len(out) - 1)
        grid.append(out)
    return grid


def _short_cells(rows: list[list[str]]) -> bool:
    """No column of long prose (a page laid out in boxes is not a table)."""
    width = max(len(r) for r in rows)
    for j in range(width):
        cells = [r[j] for r in rows if j < len(r) and r[j]]
        if cells and sum(len(c.split()) for c in cells) / len(cells) > MAX_CELL_WORDS:
            return False
    return True


@dataclass
class _Cell:
    x0: float
    x1: float
    text: str
    bold: bool
    mono: bool = False


@dataclass
class _Line:
    top: float
    bottom: float
    cells: list[_Cell] = field(default_factory=list)
    leaders: bool = False


def _lines(words: list[dict]) -> list[_Line]:
    """Words grouped into lines (by their vertical middle), each cut into cells."""
    rows: list[list[dict]] = []
    for w in sorted(words, key=lambda w: ((w["top"] + w["bottom"]) / 2, w["x0"])):
        mid = (w["top"] + w["bottom"]) / 2
        if rows:
            last = rows[-1]
            lmid = (last[0]["top"] + last[0]["bottom"]) / 2
            if abs(mid - lmid) <= max(2.0, 0.3 * (w["bottom"] - w["top"])):
                last.append(w)
                continue
        rows.append([w])
    return [_cut(sorted(r, key=lambda w: w["x0"])) for r in rows]


def _cut(words: list[dict]) -> _Line:
    """A line's words as cells: cut at gaps wider than about a letter 'M', and at dots."""
    line = _Line(min(w["top"] for w in words), max(w["bottom"] for w in words))
    current: list[dict] = []
    pieces: list[tuple[float, float, str, bool]] = []  # x0, x1, text, leader after it

    def close(leader: bool = False) -> None:
        if current:
            text = " ".join(w["text"] for w in current)
            bold = sum(_bold(w["fontname"]) for w in current) * 2 > len(current)
            mono = all(_mono(w["fontname"]) for w in current)
            line.cells.append(_Cell(current[0]["x0"], current[-1]["x1"], text, bold, mono))
            current.clear()
        if leader:
            line.leaders = True
        del pieces[:]

    for w in words:
        size = float(w.get("size") or (w["bottom"] - w["top"]) or 10)
        text = w["text"]
        m = _LEADER.search(text)
        if m:
            before, after = text[: m.start()].strip(), text[m.end():].strip()
            if before:
                current.append({**w, "text": before})
            close(leader=True)
            if after:
                current.append({**w, "text": after})
            continue
        if current and w["x0"] - current[-1]["x1"] > max(0.9 * size, 6.0):
            close()
        current.append(w)
    close()
    return line


def _columns(lines: list[_Line]) -> list[tuple[float, float]]:
    """Column extents: the cells' spans merged where they overlap."""
    spans = sorted((c.x0, c.x1) for ln in lines for c in ln.cells)
    merged: list[list[float]] = []
    for x0, x1 in spans:
        if merged and x0 <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], x1)
        else:
            merged.append([x0, x1])
    return [(a, b) for a, b in merged]


def _grid(lines: list[_Line], cols: list[tuple[float, float]]) -> list[list[str]] | None:
    """The lines as rows of cells in ``cols`` (None if two cells fall in one column)."""
    rows = []
    for ln in lines:
        row = [""] * len(cols)
        for c in ln.cells:
            j = next(k for k, (a, b) in enumerate(cols) if a - 1 <= c.x0 <= b + 1)
            if row[j]:
                return None
            row[j] = c.text
        rows.append(row)
    return rows


def _unruled(index: int, words: list[dict]) -> list[Found]:
    """Tables without rules: runs of lines cut into aligned cells, or at dot leaders."""
    lines = _lines(words)
    out: list[Found] = []
    i = 0
    while i < len(lines):
        ln = lines[i]
        if len(ln.cells) < 2:
            i += 1
            continue
        j = i + 1
        height = ln.bottom - ln.top
        while j < len(lines):
            nxt = lines[j]
            gap = nxt.top - lines[j - 1].bottom
            if gap > 1.6 * max(height, 1.0) + 2:
                break
            if len(nxt.cells) < 2 and not _wraps(nxt, lines[i:j]):
                break
            if nxt.leaders != ln.leaders and len(nxt.cells) >= 2 and j > i + 1:
                break
            j += 1
        found = _block(index, lines[i:j])
        if found is not None:
            out.append(found)
            i = j
        else:
            i += 1
    return out


def _wraps(line: _Line, block: list[_Line]) -> bool:
    """A one-cell line inside a table: a wrapped cell under the block's columns."""
    if len(line.cells) != 1 or len(block) < 1:
        return False
    cols = _columns(block)
    if len(cols) < 2:
        return False
    cell = line.cells[0]
    return any(a - 1 <= cell.x0 and cell.x1 <= b + 1 for a, b in cols)


def _block(index: int, block: list[_Line]) -> Found | None:
    """A run of lines as a table, if it is one."""
    multi = [ln for ln in block if len(ln.cells) >= 2]
    leaders = sum(ln.leaders for ln in multi)
    if leaders >= 2 and leaders * 2 >= len(multi):
        kind = "leaders"
    elif len(multi) >= 3 and not all(c.mono for ln in multi for c in ln.cells):
        kind = "unruled"  # (lines all in a monospaced font are code, laid out by hand)
    else:
        return None
    # Trailing one-cell lines are not part of the table.
    while block and len(block[-1].cells) < 2:
        block = block[:-1]
    cols = _columns(block)
    if len(cols) < 2:
        if kind != "leaders":
            return None
    rows: list[list[str]] | None
    bold = [all(c.bold for c in ln.cells) for ln in block]
    if kind == "leaders":
        width = max(len(ln.cells) for ln in block)
        rows = [[c.text for c in ln.cells] + [""] * (width - len(ln.cells)) for ln in block]
        xs = [c.x0 for c in max(block, key=lambda ln: len(ln.cells)).cells]
    else:
        rows = _grid(block, cols)
        if rows is None:
            return None
        rows, bold = _join_wrapped(rows, bold)
        xs = [a for a, _ in cols]
    if not _short_cells(rows):
        return None
    return Found(index, block[0].top, block[-1].bottom, rows, bold, xs, kind)


def _join_wrapped(rows: list[list[str]], bold: list[bool]) -> tuple[list[list[str]], list[bool]]:
    """A row with one cell that continues the cell above (it starts in lower case, or
    both are header lines) joins it."""
    out: list[list[str]] = []
    flags: list[bool] = []
    for row, b in zip(rows, bold, strict=True):
        filled = [k for k, c in enumerate(row) if c]
        if out and len(filled) == 1:
            k = filled[0]
            above = out[-1][k]
            if above and (row[k][:1].islower() or (b and flags[-1])):
                out[-1][k] = f"{above} {row[k]}"
                continue
        if out and b and flags[-1] and len(out) == 1 and all(
                not (c and a) for c, a in zip(row, out[-1], strict=True)):
            # the second line of a header whose names wrap: fill the gaps
            out[-1] = [a or c for a, c in zip(out[-1], row, strict=True)]
            continue
        out.append(list(row))
        flags.append(b)
    return out, flags


# -- placing tables in pypdf's text ----------------------------------------------------

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
