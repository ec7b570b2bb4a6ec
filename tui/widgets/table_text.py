"""A passage's text with its table rows in aligned columns, when they fit.

A table row is stored as a unit that names its columns ("Dental care, South West:
Mutuals surveyed 21; Share in a partnership 71%"), which reads well on its own but not
forty times in a row. In the source view, a run of rows whose cells fit the width is
shown as a table instead: the column names once, in bold, then one line of cells per
row. A row that an answer quotes is highlighted like any quote. Rows too wide for the
view stay as their units. Everything is literal text (see ``tui.widgets.literal``).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from tui.widgets.literal import highlighted, visible

GAP = 2
"""Spaces between two columns."""


def _fits(columns: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> list[int] | None:
    """Column widths when the table fits ``width`` cells, else None."""
    n = max([len(columns), *(len(r) for r in rows)])
    if n < 2:
        return None
    widths = [0] * n
    for line in [columns, *rows]:
        for j, cell in enumerate(line):
            widths[j] = max(widths[j], len(visible(cell)))
    keep = [j for j in range(n) if widths[j]]
    total = sum(widths[j] for j in keep) + GAP * (len(keep) - 1)
    return widths if total <= width else None


def _line(cells: Sequence[str], widths: list[int]) -> str:
    out = [visible(c).ljust(w) for c, w in zip(cells, widths, strict=False) if w]
    return (" " * GAP).join(out).rstrip()


def _quoted(unit: str, quotes: Sequence[str]) -> bool:
    return any(q and (unit in q or (len(q) > 20 and q in unit)) for q in quotes)


def passage_text(
    text: str,
    tables: Sequence,  # assistant.service.TableView
    width: int,
    terms: Sequence[str] = (),
    quotes: Sequence[str] = (),
) -> tuple[Text, tuple[int, int] | None]:
    """The passage as ``Text``, its tables aligned where they fit, and where the quoted
    text is in it (start, end; None when nothing is quoted)."""
    blocks = sorted((t for t in tables if t.rows), key=lambda t: t.rows[0][0])
    out = Text()
    spans: list[tuple[int, int]] = []
    pos = 0

    def plain(piece: str) -> None:
        base = len(out.plain)
        shown = highlighted(piece, terms, quotes)
        out.append_text(shown)
        for q in quotes:
            q = visible(q)
            at = shown.plain.find(q) if q else -1
            if at >= 0:
                spans.append((base + at, base + at + len(q)))

    for t in blocks:
        start, end = t.rows[0][0], t.rows[-1][1]
        if start < pos:
            continue
        widths = _fits(t.columns, [cells for _, _, cells in t.rows], width)
        if widths is None:
            continue
        plain(text[pos:start])
        if any(t.columns):
            out.append(_line(t.columns, widths), style="bold")
            out.append("\n")
        for k, (s, e, cells) in enumerate(t.rows):
            line = highlighted(_line(cells, widths), terms)
            if _quoted(text[s:e], quotes):
                line.stylize("reverse")
                spans.append((len(out.plain), len(out.plain) + len(line.plain)))
            out.append_text(line)
            if k < len(t.rows) - 1:
                out.append("\n")
        pos = end
    plain(text[pos:])
    if not spans:
        return out, None
    return out, (min(s for s, _ in spans), max(e for _, e in spans))
