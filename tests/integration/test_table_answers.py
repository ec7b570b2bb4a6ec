"""Questions about table rows, with the real model (issue 14): what a user would notice.

The issue's example: a two-page PDF whose "Table 1: Partnership working by service area
and region" (45 rows) prints its header on the first page only. Questions about rows on
the second page used to abstain; now each is answered by its row, which names its
columns, cited with the caption and the row's own page. The same for an HTML table.
"""

from __future__ import annotations

import pytest

from assistant.config import Settings
from assistant.service import Assistant
from corpus.loaders import load
from index.builder import build
from index.layout import IndexLayout
from tests.corpus.tablegen import CAPTION, make_survey_pdf

pytestmark = pytest.mark.integration

HTML = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Mutuals by region - GOV.UK</title></head><body>
<nav><ul><li>Departments</li></ul></nav>
<main><h1>Mutuals by region</h1>
<p>The number of mutuals trading in each region on 31 March 2024.</p>
<table class="govuk-table"><caption>Table 2: Mutuals by region, March 2024</caption>
<thead><tr><th>Region</th><th>Mutuals trading</th><th>Staff employed</th></tr></thead>
<tbody><tr><th scope="row">North East</th><td>14</td><td>3,900</td></tr>
<tr><th scope="row">Yorkshire and the Humber</th><td>17</td><td>5,200</td></tr>
<tr><th scope="row">London</th><td>26</td><td>11,800</td></tr></tbody></table>
<p>London has the most mutuals.</p></main></body></html>
"""

#: The issue's kinds of question, about one row: (question, column asked).
TEMPLATES = [
    ("What share of {area} mutuals in the {region} were in a partnership?", 3),
    ("How many {area} mutuals in the {region} were surveyed?", 2),
    ("What is the most common partner of {area} mutuals in the {region}?", 4),
    ("What share of {area} mutuals in the {region} work in a partnership?", 3),
    ("How many {area} mutuals were surveyed in the {region}?", 2),
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, real_embedder):
    root = tmp_path_factory.mktemp("tables")
    docs = root / "docs"
    docs.mkdir()
    pdf = make_survey_pdf(docs / "survey.pdf")
    (docs / "regions.html").write_text(HTML, encoding="utf-8")
    settings = Settings(index_dir=root / "index")
    report = build(IndexLayout(settings.index_dir), real_embedder, sources=[docs])
    assert report.failed == [], report.failed
    return Assistant(settings, real_embedder), load(pdf)


def _second_page_rows(doc) -> list[tuple[str, ...]]:  # noqa: ANN001
    """Rows printed on page 2, where the table goes on without its header."""
    start = doc.page_starts()[1]
    return [r.cells for r in doc.tables[0].rows if r.start >= start]


def test_rows_on_the_page_without_the_header_answer_questions_about_them(corpus):
    assistant, doc = corpus
    rows = _second_page_rows(doc)
    picks = [rows[i * (len(rows) - 1) // (len(TEMPLATES) - 1)] for i in range(len(TEMPLATES))]
    right = []
    for (template, column), cells in zip(TEMPLATES, picks, strict=True):
        area, region = cells[0], cells[1]
        question = template.format(area=area.lower(), region=region)
        answer = assistant.ask(question)
        assert not answer.abstained, question
        cite = answer.citations[0]
        quote = cite.quote
        ok = (area in quote and region in quote and cells[column] in quote
              and cite.page_start == 2 and cite.section[-1] == CAPTION)
        right.append(ok)
        # The quote is the stored text, verbatim: the row's unit in its passage.
        view = assistant.chunk_view(cite.chunk_id)
        assert view is not None and quote in view.text
    assert sum(right) >= 4, right


def test_the_row_unit_names_its_columns_in_the_answer(corpus):
    assistant, doc = corpus
    area, region, surveyed, share, partner = _second_page_rows(doc)[-1]
    answer = assistant.ask(f"What share of {area.lower()} mutuals in the {region} were in "
                           "a partnership?")
    assert answer.sentences[0].text == (
        f"{area}, {region}: Mutuals surveyed {surveyed}; Share in a partnership {share}; "
        f"Most common partner {partner}")
    assert answer.citations[0].pages_label == "p. 2"


def test_html_table_rows_are_answered_the_same_way(corpus):
    assistant, _ = corpus
    answer = assistant.ask("How many staff do mutuals in Yorkshire and the Humber employ?")
    assert not answer.abstained
    assert answer.sentences[0].text == (
        "Yorkshire and the Humber: Mutuals trading 17; Staff employed 5,200")
    assert answer.citations[0].section[-1] == "Table 2: Mutuals by region, March 2024"


def test_a_row_or_a_column_the_table_does_not_have_is_not_answered(corpus):
    assistant, _ = corpus
    assert assistant.ask("What share of dental care mutuals in Wales were in a "
                         "partnership?").abstained
    answer = assistant.ask("What is the annual budget of dental care mutuals in the "
                           "South West?")
    assert answer.abstained, answer.sentences
