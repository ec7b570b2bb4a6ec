"""Tables in PDFs (issue 14), on PDFs drawn with fpdf2 as reports print them."""

from __future__ import annotations

import pytest

from corpus.chunking import chunk_document, section_at
from corpus.loaders import load
from tests.corpus.pdfgen import make_report_pdf
from tests.corpus.tablegen import (
    CAPTION,
    COLUMNS,
    HEADER,
    ROWS,
    caption,
    heading,
    leaders,
    make_survey_pdf,
    new_report,
    para,
    table,
)


def _unit(row: list[str]) -> str:
    return (f"{row[0]}, {row[1]}: {COLUMNS[2]} {row[2]}; {COLUMNS[3]} {row[3]}; "
            f"{COLUMNS[4]} {row[4]}")


@pytest.fixture(scope="module")
def survey(tmp_path_factory):
    return load(make_survey_pdf(tmp_path_factory.mktemp("survey") / "survey.pdf"))


def test_rows_on_the_second_page_take_the_header_from_the_first(survey):
    assert len(survey.pages) == 2
    assert COLUMNS[0] not in survey.pages[1].text  # the header is printed on page 1 only
    (t,) = survey.tables
    assert t.caption == CAPTION and list(t.columns) == COLUMNS
    assert len(t.rows) == len(ROWS) == 45
    second = survey.page_starts()[1]
    later = [r for r in t.rows if r.start >= second]
    assert later, "some rows should be printed on page 2"
    for r in t.rows:
        assert survey.text[r.start:r.end] == _unit(list(r.cells))
    assert [list(r.cells) for r in t.rows] == ROWS


def test_each_row_is_a_sentence_with_its_page_and_the_caption_in_its_section(survey):
    chunks = chunk_document(survey)
    sentences = {s.text: (c, s) for c in chunks for s in c.sentences}
    last = _unit(ROWS[-1])
    chunk, sent = sentences[last]
    assert survey.pages[1].text.find(last) >= 0
    assert chunk.page_start == chunk.page_end == 2
    assert section_at(survey.headings, survey.title, sent.start) == [
        "2 Partnership working", CAPTION]
    after = survey.text.index("Partnership was most common")
    assert section_at(survey.headings, survey.title, after) == ["2 Partnership working"]


def test_no_text_doubled_or_lost_and_page_furniture_still_removed(survey):
    text = survey.text
    assert text.count("Dental care, South West") == 1
    assert text.count(CAPTION) == 1
    assert HEADER not in text and "Page 1 of 2" not in text
    assert "We asked every mutual" in text and "Partnership was most common" in text
    assert "Share in a\npartnership" not in text  # the header's wrapped cells are gone


def test_a_repeated_header_is_not_a_row(tmp_path):
    doc = load(make_survey_pdf(tmp_path / "repeat.pdf", repeat_header=True))
    assert COLUMNS[0] not in doc.pages[1].text
    (t,) = doc.tables
    assert [list(r.cells) for r in t.rows] == ROWS


def test_unruled_header_names_set_close_together_still_name_the_rows_on_page_2(tmp_path):
    # "Share in a partnership" ends less than a letter before "Most common partner".
    doc = load(make_survey_pdf(tmp_path / "unruled.pdf", ruled=False))
    assert len(doc.pages) == 2 and COLUMNS[0] not in doc.pages[1].text
    (t,) = doc.tables
    assert t.caption == CAPTION and list(t.columns) == COLUMNS
    assert [list(r.cells) for r in t.rows] == ROWS
    second = doc.page_starts()[1]
    later = [r for r in t.rows if r.start >= second]
    assert later
    for r in later:
        assert doc.text[r.start:r.end] == _unit(list(r.cells))
        assert section_at(doc.headings, doc.title, r.start) == ["2 Partnership working",
                                                                CAPTION]


def test_a_short_row_is_never_a_heading_or_the_title(tmp_path):
    # No bookmarks, no metadata title, a table without a header: its rows are short
    # Title Case lines ("Libraries, London: 9; 64%; Charity") above longer ones.
    pdf = new_report()
    para(pdf, "Every mutual we surveyed told us where it works, how many we asked, what "
              "share are in a partnership and who they partner with most often.")
    rows = [r for r in ROWS if r[1] in ("North East", "London")][:12]
    table(pdf, rows, ruled=False, header_rows=0, col_widths=(40, 30, 35, 40, 45))
    pdf.add_page()
    para(pdf, "A second page of prose, so the running header is seen twice and removed.")
    pdf.output(str(tmp_path / "headerless.pdf"))
    doc = load(tmp_path / "headerless.pdf")
    (t,) = doc.tables
    units = {doc.text[r.start:r.end] for r in t.rows}
    assert "Libraries, London: 9; 64%; Charity" in units
    assert doc.title not in units and doc.title == "Headerless"
    assert not [h for h in doc.headings if h.title in units]


def test_unruled_table_beside_prose_with_an_empty_cell_and_a_footnote(tmp_path):
    pdf = new_report()
    heading(pdf, "3 Staff")
    para(pdf, "The case study mutuals vary widely in size, as the table below shows.")
    caption(pdf, "Table 2: Staff employed")
    table(pdf, [["Mutual", "Staff 2020", "Staff 2022", "Change"],
                ["Wellway Mutual", "120", "145", "+25"],
                ["Castle Lane Mutual", "85", "", "not reported"],
                ["Harbour Leisure", "310", "295", "-15"],
                ["* Headcount on 31 March", "", "", ""]],
          ruled=False, col_widths=(60, 30, 30, 40))
    para(pdf, "Growth was strongest among mutuals delivering health and care services.")
    pdf.output(str(tmp_path / "unruled.pdf"))
    doc = load(tmp_path / "unruled.pdf")
    (t,) = doc.tables
    assert t.caption == "Table 2: Staff employed"
    units = [doc.text[r.start:r.end] for r in t.rows]
    assert units == ["Wellway Mutual: Staff 2020 120; Staff 2022 145; Change +25",
                     "Castle Lane Mutual: Staff 2020 85; Change not reported",
                     "Harbour Leisure: Staff 2020 310; Staff 2022 295; Change -15"]
    assert "* Headcount on 31 March" in doc.text
    assert "The case study mutuals vary widely" in doc.text
    assert "Growth was strongest" in doc.text


def test_dot_leader_rows_keep_their_figures(tmp_path):
    pdf = new_report()
    heading(pdf, "5 Cost of a joint bid")
    caption(pdf, "Table 5: Estimated cost of preparing a joint bid")
    leaders(pdf, [["AOA sensor system test", "40 work-hours x $85 per hour = $3,400",
                   "$3,400"],
                  ["Board time", "12 hours x £80 per hour = £960", "£960"]])
    para(pdf, "The mutual met the total cost from its reserves.")
    pdf.output(str(tmp_path / "leaders.pdf"))
    doc = load(tmp_path / "leaders.pdf")
    (t,) = doc.tables
    units = [doc.text[r.start:r.end] for r in t.rows]
    assert units == ["AOA sensor system test: 40 work-hours x $85 per hour = $3,400; $3,400",
                     "Board time: 12 hours x £80 per hour = £960; £960"]
    (chunk,) = [c for c in chunk_document(doc) if units[0] in c.text]
    assert units[0] in [s.text for s in chunk.sentences]  # not cut at the dots
    assert "...." not in doc.text


def test_merged_header_cells_name_both_levels(tmp_path):
    pdf = new_report()
    heading(pdf, "3 Finances")
    caption(pdf, "Table 3: Staff and turnover")
    table(pdf, [[{"text": "Mutual", "rowspan": 2}, {"text": "2020", "colspan": 2},
                 {"text": "2022", "colspan": 2}],
                ["Staff", "Turnover", "Staff", "Turnover"],
                ["Wellway Mutual", "120", "£4.1m", "145", "£5.3m"],
                ["Harbour Leisure", "310", "£9.8m", "295", "£9.6m"]], header_rows=2)
    pdf.output(str(tmp_path / "merged.pdf"))
    doc = load(tmp_path / "merged.pdf")
    (t,) = doc.tables
    assert list(t.columns) == ["Mutual", "2020 Staff", "2020 Turnover", "2022 Staff",
                               "2022 Turnover"]
    assert doc.text[t.rows[1].start:t.rows[1].end] == (
        "Harbour Leisure: 2020 Staff 310; 2020 Turnover £9.8m; 2022 Staff 295; "
        "2022 Turnover £9.6m")


def test_a_report_without_tables_reads_as_before(tmp_path):
    doc = load(make_report_pdf(tmp_path / "report.pdf"))
    assert doc.tables == []
    assert all(h.end is None for h in doc.headings)


def test_code_set_in_a_monospaced_font_is_not_a_table(tmp_path):
    from fpdf.enums import XPos, YPos

    pdf = new_report()
    heading(pdf, "Appendix: the data file")
    para(pdf, "Each record of the data file is laid out as follows.")
    pdf.set_font("Courier", "", 10)
    for line in ["struct record {", "  int    id;          /* the mutual */",
                 "  char   region[16];  /* where it trades */",
                 "  float  share;       /* in a partnership */", "};"]:
        pdf.cell(0, 5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.output(str(tmp_path / "code.pdf"))
    doc = load(tmp_path / "code.pdf")
    assert doc.tables == []
    assert "/* where it trades */" in doc.text
