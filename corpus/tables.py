"""Tables as citable rows: each row one unit of text that names its columns.

A loader that finds a table (a PDF's ruled, unruled or dot-leader table, an HTML
``<table>``, a Markdown pipe table) hands its cells to ``build_table``; the table's place
in the document's text becomes its caption line (if it has one), one line per body row,
then its note lines::

    Table 1: Partnership working by service area and region
    Dental care, South West: Mutuals surveyed 21; Share in a partnership 71%; Most ...

A row's unit starts with its *key*: the fewest leading cells that tell the rows apart
("Dental care" repeats down the first column, "Dental care, South West" does not),
then every other non-empty cell as its column's name and value. Header rows (one or
more, merged cells already spread over the columns they cover) name the columns and are
never rows themselves; a row that repeats the header (a header printed again on a later
page) is dropped; a row holding only a footnote ("* Figures rounded", "Source: ...")
becomes a note line after the rows.

``place_table`` records where the lines went (``corpus.records.Table``, with each row's
span), so that chunking keeps a row as one sentence and a caption covers its rows in the
section path (a ``Heading`` with an ``end``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from corpus.clean import normalize_inline
from corpus.records import Heading, Table, TableRow

MAX_KEY_COLUMNS = 3
"""Most leading columns a row's key may take to tell the rows apart."""

CAPTION = re.compile(
    r"^\s*(?:table|tbl\.?|exhibit)\s+(?:[A-Z]?\d+[A-Za-z]?(?:[.\-]\d+)*|[IVXLC]+)\b",
    re.IGNORECASE)
"""A caption line: "Table 1: ...", "Table 3.2 ...", "Exhibit A4 ..."."""

_CONTINUED = re.compile(r"\(?\b(?:continued|cont'?d\.?)\)?\s*$", re.IGNORECASE)
_NUM = r"[-+−~<>≤≥]?\s?[£$€¥]?\s?[-+−]?\d[\d,]*(?:\.\d+)?\s?(?:%|pp|bn|m|k|x)?"
_NUMERIC = re.compile(rf"{_NUM}(?:\s?(?:-|–|to)\s?{_NUM})?|n/?a|[-–—]|\.\.|nil|none",
                      re.IGNORECASE)
_PIPE_RULE = re.compile(r"\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?")
_YEAR = re.compile(r"(?:19|20)\d\d(?:[/-]\d\d(?:\d\d)?)?")
_NOTE = re.compile(
    r"^\s*(?:[*†‡§¶#]|\(?\d{1,2}\)|\(?[a-z]\)\s|[¹²³⁴⁵⁶⁷⁸⁹⁰]|notes?\b|sources?\b|n\.?b\.?\b|"
    r"base\b|figures\b|excludes?\b|includes?\b)", re.IGNORECASE)


def clean_cell(value: str | None) -> str:
    """A cell's text on one line, whitespace collapsed ("" for a missing cell)."""
    return normalize_inline(value) if value else ""


def is_numeric(value: str) -> bool:
    """A figure: "21", "71%", "£3,400", "1.5m", "12-15", "n/a", "–"."""
    return bool(value) and _NUMERIC.fullmatch(value.strip()) is not None


def is_caption(line: str) -> bool:
    """Whether ``line`` reads as a table's caption ("Table 1: Partnership working...")."""
    line = line.strip()
    return 0 < len(line) <= 300 and CAPTION.match(line) is not None


def is_continued_caption(line: str, caption: str | None) -> bool:
    """A caption printed again over a table's continuation ("Table 1 (continued)")."""
    line = line.strip()
    if not is_caption(line):
        return False
    if _CONTINUED.search(line):
        return True
    if caption is None:
        return False
    number = CAPTION.match(line)
    first = CAPTION.match(caption)
    return bool(number and first and number.group(0).lower() == first.group(0).lower())


def is_note_row(cells: list[str]) -> bool:
    """A row that holds only a footnote ("* Figures rounded", "Source: survey, 2024")."""
    filled = [c for c in cells if c]
    return len(filled) == 1 and len(cells) > 1 and _NOTE.match(filled[0]) is not None


def _looks_like_header(first: list[str], body: list[list[str]]) -> bool:
    """Whether a table's first row names its columns (for tables that do not say)."""
    filled = [c for c in first if c]
    if len(filled) < 2 or len(filled) < len(first) - 1 or not body:
        return False
    if any(is_numeric(c) and not _YEAR.fullmatch(c) for c in filled):
        return False
    if all(_YEAR.fullmatch(c) for c in filled):  # a row of years is data, not names
        return False
    if any(len(c.split()) > 8 or c.endswith(".") for c in filled):
        return False
    # A column of figures under a word names its column.
    for j, name in enumerate(first):
        values = [r[j] for r in body if j < len(r) and r[j]]
        if name and values and sum(is_numeric(v) for v in values) * 2 >= len(values):
            return True
    # Text only: short words unlike the values below them.
    for j, name in enumerate(first):
        if name and any(j < len(r) and r[j] == name for r in body):
            return False
    return all(len(c.split()) <= 4 and c[0].isupper() for c in filled)


def header_rows(rows: list[list[str]], bold: list[bool] | None = None) -> int:
    """How many leading rows of ``rows`` are header rows (0 when none is).

    Rows printed in bold above rows that are not name their columns; otherwise the first
    row does when it reads like names (no figures, short, above a column of figures).
    """
    if len(rows) < 2:
        return 0
    if bold and bold[0] and not all(bold[: len(rows)]):
        n = 0
        while n < min(3, len(rows) - 1) and n < len(bold) and bold[n]:
            n += 1
        return n
    return 1 if _looks_like_header(rows[0], rows[1:]) else 0


def column_names(header: list[list[str]], width: int) -> list[str]:
    """One name per column from the header rows (top to bottom, repeats once)."""
    names = []
    for j in range(width):
        parts: list[str] = []
        for row in header:
            cell = row[j] if j < len(row) else ""
            if cell and (not parts or parts[-1] != cell):
                parts.append(cell)
        names.append(" ".join(parts).rstrip(":"))
    return names


def key_width(body: list[list[str]], width: int) -> int:
    """The fewest leading columns that tell the body rows apart (1 when none do)."""
    for k in range(1, min(MAX_KEY_COLUMNS, width - 1) + 1):
        keys = [tuple(r[:k]) for r in body if any(r[:k])]
        if len(keys) == len(set(keys)):
            return k
    return 1


def row_unit(cells: list[str], columns: list[str], key: int) -> str:
    """The row as one line: its key, then each other non-empty cell with its column."""
    head = ", ".join(c for c in cells[:key] if c)
    pairs = []
    for name, value in zip(columns[key:], cells[key:], strict=False):
        if not value:
            continue
        pairs.append(f"{name} {value}" if name and name != value else value)
    body = "; ".join(pairs)
    if head and body:
        return f"{head}: {body}"
    return head or body


@dataclass
class TableText:
    """A table's cells made into lines: caption, one unit per body row, notes."""

    caption: str | None
    columns: list[str]
    key_columns: int
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)
    origins: list[int] = field(default_factory=list)
    """For each body row, its index in the rows given to ``build_table``."""
    note_origins: list[int] = field(default_factory=list)

    @property
    def units(self) -> list[str]:
        return [row_unit(r, self.columns, self.key_columns) for r in self.rows]

    def lines(self) -> list[str]:
        return ([self.caption] if self.caption else []) + self.units + self.notes


def _same_row(a: list[str], b: list[str]) -> bool:
    return [" ".join(x.lower().split()) for x in a] == [" ".join(x.lower().split()) for x in b]


def build_table(
    rows: list[list[str | None]],
    *,
    caption: str | None = None,
    header: int | None = None,
    bold: list[bool] | None = None,
    columns: list[str] | None = None,
) -> TableText | None:
    """The lines of a table from its cells, or None when it is not a table.

    Args:
        rows: every row as read, merged cells already spread over the cells they cover
            (None or "" for an empty cell); rows may differ in length.
        caption: the table's caption line, if it has one.
        header: how many leading rows are header rows (None: decide, see ``header_rows``).
        bold: per row, whether it is printed in bold (PDF), to help decide the header.
        columns: the column names when they come from elsewhere (the part of a table
            printed on an earlier page); then no row of ``rows`` is a header, and a row
            repeating those names is dropped.

    Returns:
        None for fewer than two columns or no body row.
    """
    width = max((len(r) for r in rows), default=0)
    grid = [[clean_cell(c) for c in r] + [""] * (width - len(r)) for r in rows]
    kept = [i for i, r in enumerate(grid) if any(r)]
    if width < 2 or not kept:
        return None
    if columns is None:
        filled = [grid[i] for i in kept]
        flags = [bold[i] for i in kept] if bold and len(bold) == len(grid) else None
        n = header_rows(filled, flags) if header is None else min(header, len(kept))
        head = filled[:n]
        names = column_names(head, width)
        kept = kept[n:]
    else:
        names = (list(columns) + [""] * width)[:width]
        head = []
    notes = [i for i in kept if is_note_row(grid[i])]
    repeated = [*head, names]  # a header printed again (on a later page) is not a row
    kept = [i for i in kept if i not in notes
            and not any(_same_row(grid[i], h) for h in repeated)]
    if not kept:
        return None
    body = [list(grid[i]) for i in kept]
    # A key cell left blank under a filled one repeats it (rows grouped visually).
    for i in range(1, len(body)):
        if not body[i][0] and body[i - 1][0] and any(body[i][1:]):
            body[i][0] = body[i - 1][0]
    key = key_width(body, width)
    return TableText(caption=clean_cell(caption) or None, columns=names, key_columns=key,
                     rows=body, notes=[next(c for c in grid[i] if c) for i in notes],
                     origins=kept, note_origins=notes)


def place_table(tt: TableText, start: int, *, part: range | None = None,
                caption: bool = True) -> tuple[str, list[TableRow]]:
    """The text of (part of) a table placed at offset ``start``, and its rows' spans.

    ``part``: the rows given to ``build_table`` printed here (a table continued on the
    next page is placed once per page), by their index; None for all. ``caption``:
    whether the caption is printed here too.
    """
    def here(origin: int) -> bool:
        return part is None or origin in part

    chosen = [r for r, o in zip(tt.rows, tt.origins or range(len(tt.rows)), strict=True)
              if here(o)]
    notes = [n for n, o in zip(tt.notes, tt.note_origins or range(len(tt.notes)),
                               strict=True) if here(o)]
    lines: list[str] = []
    spans: list[TableRow] = []
    pos = start
    if caption and tt.caption:
        lines.append(tt.caption)
        pos += len(tt.caption) + 1
    for cells in chosen:
        unit = row_unit(cells, tt.columns, tt.key_columns)
        lines.append(unit)
        spans.append(TableRow(pos, pos + len(unit), tuple(cells)))
        pos += len(unit) + 1
    lines.extend(notes)
    return "\n".join(lines), spans


def table_record(tt: TableText, start: int, end: int, rows: list[TableRow]) -> Table:
    """The ``Table`` record of a placed table (``start``: its caption or first row)."""
    return Table(caption=tt.caption, columns=tuple(tt.columns), key_columns=tt.key_columns,
                 rows=rows, start=start, end=end)


def caption_headings(tables: list[Table], headings: list[Heading]) -> list[Heading]:
    """``headings`` plus one heading per captioned table, covering just the table.

    The caption sits one level below the heading in force where the table starts, so
    a row's section path reads "6 Measuring results › Table 2: Indicators...". Headings
    found inside a table's rows (a row read as a heading) are dropped.
    """
    inside = [(t.rows[0].start, t.end) for t in tables if t.rows]
    kept = [h for h in headings if not any(a <= h.offset < b for a, b in inside)]
    out = list(kept)
    for t in tables:
        if not t.caption:
            continue
        level = 0
        for h in sorted(kept, key=lambda h: h.offset):
            if h.offset > t.start:
                break
            if h.end is None or h.end > t.start:
                level = h.level
        out.append(Heading(level=min(level + 1, 6), title=t.caption, offset=t.start,
                           end=t.end))
    out.sort(key=lambda h: h.offset)
    return out


def assemble_tables(blocks: list[tuple[int, str | TableText]], *, base: int = 0
                    ) -> tuple[str, list[Heading], list[Table]]:
    """``corpus.clean.assemble`` for blocks that may be tables: the text, its headings
    (table captions included, see ``caption_headings``) and its tables.

    A body block that is a caption line ("Table 2: ...") just before a table without
    one becomes its caption.
    """
    merged: list[tuple[int, str | TableText]] = []
    for level, block in blocks:
        if (isinstance(block, TableText) and not block.caption and merged
                and merged[-1][0] == 0 and isinstance(merged[-1][1], str)
                and "\n" not in merged[-1][1].strip() and is_caption(merged[-1][1])):
            block.caption = clean_cell(str(merged.pop()[1]))
        merged.append((level, block))
    parts: list[str] = []
    headings: list[Heading] = []
    tables: list[Table] = []
    pos = base
    for level, block in merged:
        if isinstance(block, TableText):
            text, rows = place_table(block, pos + (2 if parts else 0))
        else:
            text = block.strip()
        if not text:
            continue
        if parts:
            parts.append("\n\n")
            pos += 2
        if isinstance(block, TableText):
            tables.append(table_record(block, pos, pos + len(text), rows))
        elif level:
            headings.append(Heading(level=level, title=" ".join(text.split()), offset=pos))
        parts.append(text)
        pos += len(text)
    return "".join(parts), caption_headings(tables, headings), tables


def pipe_table(lines: list[str], cell: Callable[[str], str] = lambda c: c) -> TableText | None:
    """A Markdown pipe table (GitHub style: a header row, a ``|---|:--:|`` row, body
    rows) from its lines; ``cell`` cleans a cell's inline markup. None when the lines
    are not one."""
    def split(line: str) -> list[str]:
        line = line.strip()
        if line.startswith("|"):
            line = line[1:]
        if line.endswith("|") and not line.endswith("\\|"):
            line = line[:-1]
        cells = re.split(r"(?<!\\)\|", line)
        return [cell(c.strip().replace("\\|", "|")) for c in cells]

    if len(lines) < 2 or not _PIPE_RULE.fullmatch(lines[1].strip()):
        return None
    rows = [split(lines[0])] + [split(line) for line in lines[2:]]
    return build_table(rows, header=1)
