"""PDFs with tables, drawn with fpdf2 the way reports print them (tests of issue 14).

``make_survey_pdf`` writes the issue's example: "Table 1: Partnership working by
service area and region", 45 rows in five columns, ruled, its header printed on the first
page only, the rows running on to page 2; a running header and "Page n of N" footers.
``ROWS`` holds its cells, so tests can ask about any row. Other helpers draw an unruled
table, a dot-leader cost table, merged header cells and a table whose header repeats.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

HEADER = "State of the Mutuals Sector 2024"
COLUMNS = ["Service area", "Region", "Mutuals surveyed", "Share in a partnership",
           "Most common partner"]
CAPTION = "Table 1: Partnership working by service area and region"
AREAS = ["Adult social care", "Dental care", "Community nursing", "Youth services",
         "Libraries", "Leisure", "Mental health", "Childrens centres", "Housing support"]
REGIONS = ["North East", "North West", "South West", "South East", "London"]
PARTNERS = ["Local authority", "NHS trust", "Charity", "Housing association",
            "Another mutual"]
#: The 45 rows of Table 1: every service area in every region, figures made up.
ROWS = [[a, r, str(5 + (7 * i + 3 * j) % 36), f"{20 + (13 * i + 17 * j) % 76}%",
         PARTNERS[(i + 2 * j) % len(PARTNERS)]]
        for i, a in enumerate(AREAS) for j, r in enumerate(REGIONS)]


class Report(FPDF):
    """A report page: running header, "Page n of N" footer."""

    def header(self) -> None:
        self.set_font("Helvetica", "I", 9)
        self.cell(0, 8, HEADER, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(4)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", "", 9)
        self.cell(0, 8, f"Page {self.page_no()} of {{nb}}", align="C")


def new_report() -> Report:
    pdf = Report(format="A4")
    pdf.set_auto_page_break(auto=True, margin=25)
    pdf.set_creation_date(__import__("datetime").datetime(2024, 5, 1))
    pdf.add_page()
    return pdf


def heading(pdf: FPDF, text: str) -> None:
    pdf.set_font("Helvetica", "B", 14)
    pdf.start_section(text)
    pdf.multi_cell(0, 8, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)


def para(pdf: FPDF, text: str) -> None:
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)


def caption(pdf: FPDF, text: str) -> None:
    pdf.set_font("Helvetica", "B", 10)
    pdf.multi_cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


def table(pdf: FPDF, rows: Sequence[Sequence[object]], *, ruled: bool = True,
          repeat_header: bool = True, header_rows: int = 1,
          col_widths: Sequence[float] | None = None) -> None:
    """A table; a cell is text or a mapping ``{text, colspan, rowspan}``."""
    pdf.set_font("Helvetica", "", 10)
    kwargs: dict = {"text_align": "LEFT", "repeat_headings": 1 if repeat_header else 0,
                    "num_heading_rows": header_rows}
    if not header_rows:
        kwargs["first_row_as_headings"] = False
    if not ruled:
        kwargs["borders_layout"] = "NONE"
    if col_widths:
        kwargs["col_widths"] = tuple(col_widths)
    with pdf.table(line_height=6, **kwargs) as t:
        for cells in rows:
            row = t.row()
            for cell in cells:
                if isinstance(cell, dict):
                    row.cell(str(cell["text"]), colspan=cell.get("colspan", 1),
                             rowspan=cell.get("rowspan", 1))
                else:
                    row.cell(str(cell))
    pdf.ln(4)


def leaders(pdf: FPDF, rows: Sequence[Sequence[str]]) -> None:
    """Rows laid out with dot leaders: label ........ working ........ total."""
    pdf.set_font("Helvetica", "", 10)
    for cells in rows:
        pdf.cell(0, 6, " ........ ".join(cells), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)


def make_survey_pdf(path: Path | str, *, repeat_header: bool = False,
                    ruled: bool = True) -> Path:
    """The issue's two-page table: Table 1, its header on page 1 only (or repeated);
    unruled, its header names "Share in a partnership" and "Most common partner" are set
    closer than a letter apart."""
    pdf = new_report()
    heading(pdf, "2 Partnership working")
    para(pdf, "We asked every mutual whether it delivers a service in a formal partnership. "
              "Table 1 gives the answers by service area and region.")
    caption(pdf, CAPTION)
    table(pdf, [COLUMNS, *ROWS], repeat_header=repeat_header, ruled=ruled,
          col_widths=(40, 30, 35, 40, 45))
    para(pdf, "Partnership was most common where mutuals share clients with the NHS.")
    path = Path(path)
    pdf.output(str(path))
    return path
