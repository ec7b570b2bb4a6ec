"""Tables in a PDF, found with pdfplumber: ruled grids, unruled columns, dot-leader rows.

pypdf reads a page's text (``corpus.loaders.pdf``); a table comes out of it as a run of
bare lines, one cell or one row per line, its header printed once. Here pdfplumber (MIT,
built on pdfminer.six) finds where each table is and what its cells are:

* **ruled** tables: pdfplumber's own table finder on the page's ruling lines and
  rectangles; merged cells are spread over the cells they cover;
* **unruled** tables: lines of words (outside ruled tables) cut into cells at wide gaps,
  three or more consecutive lines whose cells line up in two or more columns, cells short
  (prose, even in two columns, has long cells), not all in a monospaced font (code);
* **dot leaders** ("AOA sensor system test ....... 40 work-hours × $85 = $3,400 ....
  $3,400"): two or more consecutive lines cut into cells at their runs of dots.

pdfplumber reads a page about ten times slower than pypdf, so only pages that may hold a
table are searched (``may_hold_table``, and pages that draw lines). What is found goes to
``corpus.loaders.pdf_placing``, which puts the rows in pypdf's text.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from corpus.budget import Budget, LoadCancelled
from corpus.errors import UnreadableDocument

MAX_TABLE_PAGE_CONTENT = 2_000_000
"""Pages with more bytes of drawing instructions are not searched for tables (pdfminer
parses a page in one go, past the reading budget's checks)."""
MAX_CELL_WORDS = 12
"""A column whose cells average more words than this is prose, not a table column."""
_TOKEN = re.compile(r"\w+")
_LEADER = re.compile(r"(?:\s?[.·…]){4,}\s?|_{4,}")


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
    words: list[dict] = field(default_factory=list, repr=False)


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

    def close(leader: bool = False) -> None:
        if current:
            text = " ".join(w["text"] for w in current)
            bold = sum(_bold(w["fontname"]) for w in current) * 2 > len(current)
            mono = all(_mono(w["fontname"]) for w in current)
            line.cells.append(_Cell(current[0]["x0"], current[-1]["x1"], text, bold, mono,
                                    list(current)))
            current.clear()
        if leader:
            line.leaders = True

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
    if kind == "unruled":
        block = _split_at_columns(block)
    cols = _columns(block)
    if len(cols) < 2 and kind != "leaders":
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


def _split_at_columns(block: list[_Line]) -> list[_Line]:
    """Cells cut where the body's columns start: header names set closer than a letter
    apart ("Share in a partnership Most common partner") are two cells, not one.

    A column start is a left edge shared by at least half the block's lines (and three);
    a cell is cut before a word of it that starts there (within a point).
    """
    multi = [ln for ln in block if len(ln.cells) >= 2]
    counts: Counter[float] = Counter(round(c.x0) for ln in multi for c in ln.cells)
    need = max(3, len(multi) // 2)
    starts = sorted(x for x, n in counts.items() if n + counts.get(x - 1, 0)
                    + counts.get(x + 1, 0) >= need)
    if len(starts) < 2:
        return block
    out = []
    for ln in block:
        cells: list[_Cell] = []
        for c in ln.cells:
            cells.extend(_cut_cell(c, starts))
        out.append(_Line(ln.top, ln.bottom, cells, ln.leaders) if len(cells) != len(
            ln.cells) else ln)
    return out


def _cut_cell(cell: _Cell, starts: list[float]) -> list[_Cell]:
    """``cell`` cut before each of its words (but the first) that starts a column."""
    if len(cell.words) < 2:
        return [cell]
    groups: list[list[dict]] = [[cell.words[0]]]
    for w in cell.words[1:]:
        if any(abs(w["x0"] - x) <= 1.5 for x in starts) and groups[-1][-1]["x1"] < w["x0"]:
            groups.append([w])
        else:
            groups[-1].append(w)
    if len(groups) == 1:
        return [cell]
    return [_Cell(g[0]["x0"], g[-1]["x1"], " ".join(w["text"] for w in g),
                  sum(_bold(w["fontname"]) for w in g) * 2 > len(g),
                  all(_mono(w["fontname"]) for w in g), g) for g in groups]


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
