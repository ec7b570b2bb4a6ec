"""Write the answer-quality corpus: a report PDF rendered from YAML, plus GOV.UK-style HTML.

Run from the repository root::

    python benchmarks/make_quality_corpus.py [OUT_DIR]

The sources live in ``tests/fixtures/quality/``: ``*.yaml`` files with a ``pages`` key
become multi-page PDFs (fpdf2: running header, "Page n of N" footer, bookmarks,
sections and tables; a page may carry on its chapter without a heading, or print a
"(continued)" heading without a bookmark), ``*.html``, ``*.md`` and ``*.txt`` files are
copied as they are. ``make_corpus(out, source)`` renders another fixture folder the same
way (``benchmarks/lists.py`` uses it for ``tests/fixtures/lists/``). The questions that go
with them are in ``tests/fixtures/quality/questions.yaml``. Output is deterministic, so
rebuilding an index over it re-embeds nothing.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

QUALITY_DIR = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "quality"
QUESTIONS = QUALITY_DIR / "questions.yaml"


def render_pdf(spec: dict, path: Path) -> Path:
    """Render one report spec (see ``riverside-review.yaml``) as a PDF at ``path``."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    header = spec.get("header") or ""

    class Report(FPDF):
        def header(self) -> None:
            if header:
                self.set_font("Helvetica", "I", 9)
                self.cell(0, 8, header, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                self.ln(4)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("Helvetica", "", 9)
            self.cell(0, 8, f"Page {self.page_no()} of {self.str_alias_nb_pages}", align="C")

    pdf = Report(format="A4")
    pdf.set_auto_page_break(auto=True, margin=25)
    pdf.set_title(spec["title"])
    pdf.set_author("Quality benchmark")
    pdf.set_creation_date(__import__("datetime").datetime(2023, 7, 1))
    for page in spec["pages"]:
        pdf.add_page()
        if page.get("heading"):  # a page without one carries on the chapter
            pdf.set_font("Helvetica", "B", 15)
            if page.get("bookmark", True):  # False: a "(continued)" heading
                pdf.start_section(page["heading"], level=0)
            pdf.multi_cell(0, 9, page["heading"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(3)
        for block in page["blocks"]:
            if "h2" in block:
                pdf.set_font("Helvetica", "B", 12)
                pdf.start_section(block["h2"], level=1)
                pdf.multi_cell(0, 7, block["h2"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                pdf.ln(2)
            elif "p" in block:
                pdf.set_font("Helvetica", "", 11)
                pdf.multi_cell(0, 6, block["p"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                pdf.ln(3)
            elif "table" in block:
                _table(pdf, block["table"])
            elif "leaders" in block:
                _leaders(pdf, block["leaders"])
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def _caption(pdf, caption: str | None) -> None:  # noqa: ANN001 - an FPDF
    from fpdf.enums import XPos, YPos

    if caption:
        pdf.set_font("Helvetica", "B", 10)
        pdf.multi_cell(0, 6, caption, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)


def _table(pdf, spec) -> None:  # noqa: ANN001 - an FPDF and a list of rows or a mapping
    """A table: a list of rows, or a mapping with ``rows`` and optional ``caption``,
    ``borders: none`` (unruled), ``repeat_header: false`` (header on the first page
    only), ``header_rows`` (merged header cells), ``col_widths``. A cell is text or a
    mapping ``{text, colspan, rowspan}``."""
    opts = spec if isinstance(spec, dict) else {"rows": spec}
    _caption(pdf, opts.get("caption"))
    pdf.set_font("Helvetica", "", 10)
    kwargs = {}
    if isinstance(spec, dict):  # the quality corpus's plain tables render as they did
        kwargs = {"text_align": "LEFT",
                  "repeat_headings": 1 if opts.get("repeat_header", True) else 0,
                  "num_heading_rows": opts.get("header_rows", 1)}
        if opts.get("borders") == "none":
            kwargs["borders_layout"] = "NONE"
        if opts.get("col_widths"):
            kwargs["col_widths"] = tuple(opts["col_widths"])
    with pdf.table(line_height=6, **kwargs) as table:
        for cells in opts["rows"]:
            row = table.row()
            for cell in cells:
                if isinstance(cell, dict):
                    row.cell(str(cell["text"]), colspan=cell.get("colspan", 1),
                             rowspan=cell.get("rowspan", 1))
                else:
                    row.cell(str(cell))
    pdf.ln(4)


def _leaders(pdf, spec: dict) -> None:  # noqa: ANN001 - an FPDF
    """Rows laid out with dot leaders, as cost tables are: label ..... working ..... total."""
    from fpdf.enums import XPos, YPos

    _caption(pdf, spec.get("caption"))
    pdf.set_font("Helvetica", "", 10)
    for label, working, total in spec["rows"]:
        pdf.cell(0, 6, f"{label} ........ {working} ........ {total}",
                 new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)


def make_corpus(out: Path, source: Path = QUALITY_DIR) -> Path:
    """Write every fixture document of ``source`` into ``out`` (only files whose bytes change).

    ``*.yaml`` specs with ``pages`` become PDFs; ``*.html``, ``*.md`` and ``*.txt`` files
    are copied as they are.
    """
    import yaml

    out.mkdir(parents=True, exist_ok=True)
    for src in sorted(source.glob("*.yaml")):
        spec = yaml.safe_load(src.read_text(encoding="utf-8"))
        if not isinstance(spec, dict) or "pages" not in spec:
            continue
        target = out / spec["file"]
        tmp = out / f".{spec['file']}.tmp"
        render_pdf(spec, tmp)
        if target.exists() and target.read_bytes() == tmp.read_bytes():
            tmp.unlink()
        else:
            tmp.replace(target)
    for src in sorted(p for ext in ("html", "md", "txt") for p in source.glob(f"*.{ext}")):
        target = out / src.name
        if not target.exists() or target.read_bytes() != src.read_bytes():
            shutil.copyfile(src, target)
    return out


if __name__ == "__main__":
    dest = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(".bench/quality/docs")
    print(make_corpus(dest))
