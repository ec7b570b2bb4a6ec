"""What a new user sees on the bundled corpus alone: the GOV.UK summary page of the report.

The README's own questions (issue 10): the benefits question lists the benefit the page
states and no sentence describing the report; "Who published the report?" is the
catalogue record; an abstention says once what is bundled, and never shows a passage
that is only a heading or page furniture as evidence (issue 13, item 6).
"""

from __future__ import annotations

import json

import pytest

from assistant import cli
from assistant.config import Settings
from assistant.points import is_topic_naming
from assistant.service import Assistant
from index.builder import build
from index.layout import IndexLayout

pytestmark = pytest.mark.integration

STRATEGIC = ("Forming strategic partnerships with other organisations can offer Mutuals new "
             "routes to delivering innovative and cost-effective solutions to the public.")


@pytest.fixture(scope="module")
def bundled(tmp_path_factory, real_embedder):
    index_dir = tmp_path_factory.mktemp("bundled") / "index"
    build(IndexLayout(index_dir), real_embedder)
    return Assistant(Settings(index_dir=index_dir), real_embedder)


def test_benefits_question_lists_the_stated_benefit_and_nothing_describing_the_report(bundled):
    answer = bundled.ask("What are the benefits of partnerships for mutuals?")
    assert answer.shape == "list" and not answer.abstained
    texts = [s.text for s in answer.sentences]
    assert STRATEGIC in texts
    assert not any(is_topic_naming(t) for t in texts)
    assert not any("this report" in t.lower() for t in texts)
    for s in answer.sentences:  # every bullet cited with a verbatim quote
        assert s.text in answer.citations[s.citation - 1].quote


def test_who_published_the_report_is_its_catalogue_record(bundled):
    answer = bundled.ask("Who published the report?")
    assert answer.shape == "record" and not answer.abstained
    assert answer.sentences == [] and answer.citations == []  # not dressed up as a quote
    (record,) = answer.records
    assert record.publisher == "Department for Digital, Culture, Media & Sport"
    assert record.published == "2018-05-29"


def test_an_abstention_says_what_is_bundled_and_shows_no_heading_only_passage(bundled):
    answer = bundled.ask("What does the report recommend?")
    assert answer.abstained
    assert "assistant index" in answer.note
    assert answer.passages
    # "Updates to this page Published 29 May 2018" (7 words) ranked first before.
    assert all(len(p.text.split()) > 8 for p in answer.passages), [
        p.text for p in answer.passages]


def test_cli_prints_the_record_labelled_and_the_hint_once_in_a_batch(bundled, tmp_path,
                                                                     capsys, monkeypatch):
    monkeypatch.setattr(cli, "_open", lambda ns: bundled)
    questions = tmp_path / "q.txt"
    questions.write_text("# a comment line is not a question\n"
                         "What does the report recommend?\n"
                         "How many employees does the average mutual have?\n"
                         "Who published the report?\n", encoding="utf-8")
    assert cli.main(["ask", "--questions", str(questions)]) == 0
    out = capsys.readouterr().out
    assert "a comment line" not in out
    assert out.count("Only the report's GOV.UK summary page is bundled") == 1
    assert "Catalogue record (from the document's manifest, not its text):" in out
    assert "Publisher: Department for Digital, Culture, Media & Sport" in out
    assert cli.main(["ask", "Who published the report?", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["shape"] == "record" and data["records"][0]["published"] == "2018-05-29"
