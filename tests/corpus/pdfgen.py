"""Build small but realistic PDFs with fpdf2 for tests.

The report PDFs look like the real thing: a running header on every page, a footer with
"Page n of N", an outline (bookmarks), optional printed page labels, and a word
hyphenated across a line break. Other test packages reuse these helpers, e.g.
``from tests.corpus.pdfgen import make_report_pdf``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import EncryptionMethod, XPos, YPos

HEADER = "Partnerships for Better Public Services"
FOOTER_FMT = "Page {n} of {total}"
TITLE = "Partnerships for Better Public Services"

#: Default content: one tuple per page, ``(heading, paragraphs)``. A paragraph starting
#: with "## " is a sub-heading (outline level 2) on the same page.
DEFAULT_PAGES: list[tuple[str, list[str]]] = [
    (
        "1 Introduction",
        [
            "Public Service Mutuals are organisations that have left the public sector "
            "but continue delivering public services. This report looks at how they "
            "work with other organisations to improve services for their communities.",
            "The research drew on interviews with leaders of mutuals, commissioners "
            "and partner organisations across England during the winter months.",
        ],
    ),
    (
        "2 Benefits of partnership",
        [
            "Mutuals reported that partnership working increased their reach and "
            "allowed them to bid for larger contracts than they could win alone.",
            "## 2.1 Shared resources",
            "Sharing back office functions reduced costs for smaller mutuals and freed "
            "staff time for frontline delivery in the local area.",
        ],
    ),
    (
        "3 Challenges",
        [
            "Building trust between partners takes time, and differences in culture "
            "between sectors can slow joint decision making considerably.",
            "Procurement rules were seen as a barrier to collaborative bids by many of "
            "the organisations we spoke to during the study.",
        ],
    ),
    (
        "4 Recommendations",
        [
            "Commissioners should design contracts that reward collaboration and allow "
            "consortia of smaller providers to compete on equal terms.",
            "Government should support peer networks so that mutuals can learn from "
            "each other about what makes a partnership succeed.",
        ],
    ),
]


class _ReportPDF(FPDF):
    def __init__(self, header: str | None, footer_fmt: str | None) -> None:
        super().__init__(format="A4")
        self._header_text = header
        self._footer_fmt = footer_fmt
        self.set_auto_page_break(auto=True, margin=25)

    def header(self) -> None:
        if self._header_text:
            self.set_font("Helvetica", "I", 9)
            self.cell(0, 8, self._header_text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.ln(4)

    def footer(self) -> None:
        if self._footer_fmt:
            self.set_y(-15)
            self.set_font("Helvetica", "", 9)
            # fpdf2 replaces its alias ("{nb}") with the page count when writing the file
            text = self._footer_fmt.format(n=self.page_no(), total=self.str_alias_nb_pages)
            self.cell(0, 8, text, align="C")


def make_report_pdf(
    path: Path | str,
    pages: Sequence[tuple[str, Sequence[str]]] | None = None,
    *,
    header: str | None = HEADER,
    footer_fmt: str | None = FOOTER_FMT,
    outline: bool = True,
    page_label_offset: int | None = None,
    hyphenate_word: tuple[str, str] | str | None = ("partner", "ships"),
    title: str | None = TITLE,
    front_pages: int = 0,
) -> Path:
    """Write a multi-page report PDF and return its path.

    Args:
        path: where to write.
        pages: one ``(heading, paragraphs)`` per page; paragraphs starting with "## " are
            level-2 sub-headings on the same page. Defaults to ``DEFAULT_PAGES``.
        header: running header printed at the top of every page (None for none).
        footer_fmt: footer format with ``{n}`` and ``{total}`` (None for none).
        outline: add bookmarks for headings (fpdf2 ``start_section``).
        page_label_offset: if set, the first ``page_label_offset`` pages are labelled
            i, ii, ... and the following pages 1, 2, ... (so physical page
            ``offset + 1`` has the printed label "1").
        hyphenate_word: ``(left, right)`` or ``"left-right"``; the first paragraph of the
            first page ends a line with ``left + "-"`` and the next line starts with
            ``right`` (the loader should give back ``left + right``).
        title: PDF metadata /Title (None for none).
        front_pages: number of extra front-matter pages ("Contents" style) before the
            content, each with a short text.
    """
    path = Path(path)
    pages = list(DEFAULT_PAGES if pages is None else pages)
    pdf = _ReportPDF(header, footer_fmt)
    if title:
        pdf.set_title(title)
    pdf.set_author("Test Suite")
    physical = 0

    def new_page() -> None:
        nonlocal physical
        pdf.add_page()
        physical += 1
        if page_label_offset:
            if physical == 1:
                pdf.set_page_label("r", None, 1)
            elif physical == page_label_offset + 1:
                pdf.set_page_label("D", None, 1)

    for i in range(front_pages):
        new_page()
        pdf.set_font("Helvetica", "", 11)
        pdf.multi_cell(0, 6, f"Front matter page {i + 1}. This page is intentionally brief.")

    for index, (heading, paragraphs) in enumerate(pages):
        new_page()
        pdf.set_font("Helvetica", "B", 15)
        if outline:
            pdf.start_section(heading, level=0)
        pdf.multi_cell(0, 9, heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(3)
        for p_index, para in enumerate(paragraphs):
            if para.startswith("## "):
                sub = para[3:]
                pdf.set_font("Helvetica", "B", 12)
                if outline:
                    pdf.start_section(sub, level=1)
                pdf.multi_cell(0, 7, sub, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                pdf.ln(2)
                continue
            pdf.set_font("Helvetica", "", 11)
            text = para
            if index == 0 and p_index == 0 and hyphenate_word:
                left, right = (
                    hyphenate_word.split("-", 1)
                    if isinstance(hyphenate_word, str)
                    else hyphenate_word
                )
                text = f"{para} Strong {left}-\n{right} between providers matter."
            pdf.multi_cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(3)
    pdf.output(str(path))
    return path


def make_encrypted_pdf(
    path: Path | str,
    user_password: str,
    *,
    owner_password: str = "owner-secret",
    method: EncryptionMethod = EncryptionMethod.AES_128,
    text: str = "Confidential partnership briefing for mutual leaders.",
) -> Path:
    """Write a one-page encrypted PDF (AES-128 by default)."""
    path = Path(path)
    pdf = FPDF()
    pdf.set_encryption(
        owner_password=owner_password, user_password=user_password, encryption_method=method
    )
    pdf.add_page()
    pdf.set_font("Helvetica", "", 12)
    pdf.multi_cell(0, 8, text)
    pdf.output(str(path))
    return path


def make_aes_empty_password_pdf(path: Path | str, text: str | None = None) -> Path:
    """Write an AES-128 encrypted PDF whose user password is empty (opens without one)."""
    kwargs = {"text": text} if text else {}
    return make_encrypted_pdf(path, "", **kwargs)


def make_image_only_pdf(path: Path | str, pages: int = 1) -> Path:
    """Write a PDF whose pages carry only drawings (like a scan): no text at all."""
    path = Path(path)
    pdf = FPDF()
    for _ in range(pages):
        pdf.add_page()
        pdf.set_fill_color(180, 180, 180)
        pdf.rect(20, 20, 170, 120, style="F")
        pdf.set_draw_color(0, 0, 0)
        for y in range(150, 260, 8):
            pdf.line(20, y, 190, y)
    pdf.output(str(path))
    return path


def make_heavy_pdf(path: Path | str, pages: int = 4, stream_bytes: int = 1_000_000,
                   shared: bool = True) -> Path:
    """A small PDF whose pages draw big content streams (text-showing operators).

    ``shared``: every page draws the same stream object (a 4 KB file can then make a
    reader parse ``pages`` × ``stream_bytes``); otherwise each page has its own stream,
    each line numbered so no two pages repeat.
    """
    import io

    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    font = writer._add_object(DictionaryObject({  # noqa: SLF001 - no public way
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica")}))
    resources = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})

    def stream(tag: int) -> object:
        lines, size, i = [], 0, 0
        while size < stream_bytes:
            line = f"BT /F1 12 Tf 72 712 Td (Mutual {tag} line {i}) Tj ET\n".encode()
            lines.append(line)
            size += len(line)
            i += 1
        s = DecodedStreamObject()
        s.set_data(b"".join(lines))
        return writer._add_object(s.flate_encode(level=9))  # noqa: SLF001

    common = stream(0) if shared else None
    for n in range(pages):
        page = writer.add_blank_page(612, 792)
        page[NameObject("/Contents")] = common if shared else stream(n + 1)
        page[NameObject("/Resources")] = resources
    buf = io.BytesIO()
    writer.write(buf)
    Path(path).write_bytes(buf.getvalue())
    return Path(path)
