"""Table rows as units that name their columns (corpus.tables), and how they are cut."""

from __future__ import annotations

from corpus.chunking import chunk_document, section_at
from corpus.records import Document, Heading, Page
from corpus.tables import assemble_tables, build_table, pipe_table


def test_a_row_names_its_columns_after_the_cells_that_tell_it_apart():
    tt = build_table([["Service area", "Region", "Mutuals surveyed", "Share"],
                      ["Dental care", "South West", "21", "71%"],
                      ["Dental care", "London", "9", "35%"],
                      ["Libraries", "London", "15", "88%"]])
    assert tt is not None
    assert tt.units == ["Dental care, South West: Mutuals surveyed 21; Share 71%",
                        "Dental care, London: Mutuals surveyed 9; Share 35%",
                        "Libraries, London: Mutuals surveyed 15; Share 88%"]


def test_one_cell_names_the_row_when_it_is_enough():
    tt = build_table([["Partner", "Joint service", "Since"],
                      ["Eastbrook College", "Care apprenticeships", "2022"],
                      ["Wellway Mutual", "Joint purchasing", "2019"]])
    assert tt is not None
    assert tt.units[0] == "Eastbrook College: Joint service Care apprenticeships; Since 2022"


def test_empty_cells_are_left_out_and_a_footnote_row_is_a_note():
    tt = build_table([["Mutual", "Staff 2020", "Staff 2022"],
                      ["Castle Lane", "85", ""],
                      ["Wellway", "120", "145"],
                      ["* Headcount on 31 March", "", ""]])
    assert tt is not None
    assert tt.units == ["Castle Lane: Staff 2020 85", "Wellway: Staff 2020 120; Staff 2022 145"]
    assert tt.notes == ["* Headcount on 31 March"]


def test_header_rows_merge_into_column_names_and_years_can_name_columns():
    tt = build_table([["Mutual", "2020", "2020", "2022", "2022"],
                      ["Mutual", "Staff", "Turnover", "Staff", "Turnover"],
                      ["Wellway", "120", "£4.1m", "145", "£5.3m"]], header=2)
    assert tt is not None
    assert tt.units == ["Wellway: 2020 Staff 120; 2020 Turnover £4.1m; 2022 Staff 145; "
                        "2022 Turnover £5.3m"]
    years = build_table([["Indicator", "2020", "2022"], ["Falls per year", "310", "254"]])
    assert years is not None and years.units == ["Falls per year: 2020 310; 2022 254"]


def test_a_table_of_figures_without_a_header_is_not_given_one():
    tt = build_table([["Legal review", "30 hours x £120 = £3,600", "£3,600"],
                      ["Board time", "12 hours x £80 = £960", "£960"]])
    assert tt is not None
    assert tt.units[0] == "Legal review: 30 hours x £120 = £3,600; £3,600"


def test_a_header_printed_again_is_not_a_row():
    header = ["Commissioner", "Annual value"]
    tt = build_table([header, ["Yarrow Council", "£11.3m"], header, ["Zetland", "£3.5m"]])
    assert tt is not None
    assert tt.units == ["Yarrow Council: Annual value £11.3m", "Zetland: Annual value £3.5m"]


def test_pipe_table_and_its_caption_line():
    lines = ["| Partner | Lead contact |", "|---|:--:|", "| Northgate | Tom *Evans* |"]
    text, headings, tables = assemble_tables(
        [(1, "Directory"), (0, "Table 1: Partner leads"),
         (0, pipe_table(lines, lambda c: c.replace("*", "")))])
    assert text == "Directory\n\nTable 1: Partner leads\nNorthgate: Lead contact Tom Evans"
    (table,) = tables
    assert table.caption == "Table 1: Partner leads"
    assert [text[r.start:r.end] for r in table.rows] == ["Northgate: Lead contact Tom Evans"]
    assert [(h.level, h.title) for h in headings] == [(1, "Directory"),
                                                      (2, "Table 1: Partner leads")]
    assert pipe_table(["| a | b |", "| c | d |"]) is None  # no |---| line: not a table


def test_a_caption_covers_its_rows_and_not_the_prose_after_them():
    """Rows are sentences under their caption; the prose after them is not."""
    blocks = [(1, "6 Results"), (0, "Intro sentence about the indicators we track."),
              (0, build_table([["Indicator", "2020"], ["Falls", "310"], ["Visits", "140"]],
                              caption="Table 2: Indicators")),
              (0, "Falls went down after adaptations were fitted in many homes.")]
    text, headings, tables = assemble_tables(blocks)
    doc = Document("d", "Report", "d.md", [Page(1, text)], headings=headings, tables=tables)
    row = tables[0].rows[1]
    assert section_at(headings, doc.title, row.start) == ["6 Results", "Table 2: Indicators"]
    after = text.index("Falls went down")
    assert section_at(headings, doc.title, after) == ["6 Results"]
    (chunk,) = chunk_document(doc)  # a small table stays with the prose around it
    assert [s.text for s in chunk.sentences] == [
        "6 Results", "Intro sentence about the indicators we track.", "Table 2: Indicators",
        "Falls: 2020 310", "Visits: 2020 140",
        "Falls went down after adaptations were fitted in many homes."]
    assert chunk.section == ["6 Results"]


def test_a_row_is_one_sentence_whatever_its_punctuation():
    tt = build_table([["Item", "Note"], ["Dr. Who. Approx", "3.5. Yes! Really? Ok"],
                      ["B", "c"]])
    text, headings, tables = assemble_tables([(0, tt)])
    doc = Document("d", "T", "d.md", [Page(1, text)], headings=headings, tables=tables)
    (chunk,) = chunk_document(doc)
    assert [s.text for s in chunk.sentences] == ["Dr. Who. Approx: Note 3.5. Yes! Really? Ok",
                                                "B: Note c"]


def test_a_heading_without_an_end_runs_to_the_next_one():
    headings = [Heading(1, "A", 0), Heading(2, "T", 10, end=20), Heading(2, "B", 30)]
    assert section_at(headings, "", 15) == ["A", "T"]
    assert section_at(headings, "", 25) == ["A"]
    assert section_at(headings, "", 35) == ["A", "B"]
