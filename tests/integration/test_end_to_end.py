"""End to end with the real model and FAISS: ingest → chunk → embed → retrieve → cited answer."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration


def _cited_pages(answer, doc_title: str) -> set[int]:
    return {c.page_start for c in answer.citations if c.title == doc_title}


@pytest.mark.parametrize(
    ("question", "page", "phrase"),
    [
        # The PDF has one front-matter page, so "2 Benefits" is physical page 3.
        ("How much did sharing payroll and IT support reduce overheads?", 3, "twelve per cent"),
        ("Why did differing attitudes to risk cause problems between partners?", 4,
         "different views about risk"),
        ("What should commissioners change about tender windows?", 5, "longer tender windows"),
    ],
)
def test_pdf_questions_cite_the_right_page(assistant, question, page, phrase):
    answer = assistant.ask(question)
    assert not answer.abstained
    assert phrase in answer.text
    assert page in _cited_pages(answer, "Mutual Partnerships Study")
    top = answer.passages[0]
    assert phrase in top.text and top.page_start <= page <= top.page_end


def test_every_quote_is_verbatim_in_its_passage_and_sections_are_kept(assistant):
    answer = assistant.ask("How much did sharing payroll and IT support reduce overheads?")
    view = {p.chunk_id: p for p in answer.passages}
    for c in answer.citations:
        assert c.quote in view[c.chunk_id].text
    cited = [c for c in answer.citations if "twelve per cent" in c.quote][0]
    assert cited.section[-1] == "2.1 Shared back office"


def test_no_running_header_footer_or_page_number_inside_passages(assistant):
    snap = assistant.snapshot()
    doc = next(d for d in snap.documents() if d.title == "Mutual Partnerships Study")
    chunks = snap.store.chunks(snap.store.doc_chunk_rows(doc.doc_id))
    assert len(chunks) >= 4
    for sc in chunks.values():
        text = sc.chunk.text
        assert not re.search(r"Page \d+ of \d+", text), text
        assert "Partnerships for Better Public Services" not in text  # the running header
        assert not re.search(r"(^|\n)\s*\d+\s*($|\n)", text)  # bare page numbers
    # The word hyphenated across a line break comes back whole.
    assert any("partnerships between" in sc.chunk.text for sc in chunks.values())


def test_html_answer_comes_from_main_content_only(assistant):
    answer = assistant.ask("What does an asset lock do for a community interest company?")
    assert not answer.abstained
    assert "asset lock" in answer.text.lower()
    assert answer.citations[0].title == "Choosing a legal form for a mutual"
    assert answer.citations[0].section == ["Asset locks"]
    snap = assistant.snapshot()
    html = next(d for d in snap.documents() if d.title == "Choosing a legal form for a mutual")
    for sc in snap.store.chunks(snap.store.doc_chunk_rows(html.doc_id)).values():
        for chrome in ("cookies", "Skip to main content", "Departments", "Is this page useful",
                       "Crown copyright", "Business and industry"):
            assert chrome not in sc.chunk.text


def test_markdown_and_non_utf8_text_are_answerable(assistant):
    md = assistant.ask("When does the regional partnership pilot start?")
    assert not md.abstained and "April" in md.text
    assert md.citations[0].section == ["Partnership pilot"]
    txt = assistant.ask("What did the staff council ask for about the merger?")
    assert not txt.abstained and "café-style drop-in" in txt.text


def test_unanswerable_question_abstains_and_shows_closest_passages(assistant):
    answer = assistant.ask("What is the boiling point of mercury on Venus?")
    assert answer.abstained
    assert answer.text == answer.NOT_FOUND
    assert answer.citations == [] and answer.passages


def test_search_can_be_limited_to_one_document(assistant):
    snap = assistant.snapshot()
    html = next(d for d in snap.documents() if d.kind == "html")
    passages = assistant.search("partnership benefits", doc_ids=[html.doc_id])
    assert passages and {p.doc_id for p in passages} == {html.doc_id}


def _cli(*args: str, index_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args, "--index-dir", str(index_dir)],
        capture_output=True, text=True, timeout=600, check=False,
    )


def test_cli_ask_json_cites_the_bundled_govuk_page(built_index, tmp_path):
    import shutil

    index_dir = tmp_path / "ix"
    shutil.copytree(built_index, index_dir)
    out = _cli("ask", "What are the benefits of partnerships for mutuals?", "--json",
               index_dir=index_dir)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert not data["abstained"]
    assert data["citations"]
    assert any(c["source"] == "https://www.gov.uk/government/publications/"
               "partnerships-for-better-public-services" for c in data["citations"])
    for c in data["citations"]:
        assert set(c) == {"n", "doc_id", "title", "publisher", "published", "pages",
                          "pages_label", "section", "source", "url", "licence", "quote"}
        assert f"[{c['n']}]" in data["answer"]
    for p in data["passages"]:
        assert set(p) == {"rank", "chunk_id", "doc_id", "title", "source", "pages", "section",
                          "relevance", "fused_score", "text"}
        assert 0.0 <= p["relevance"] <= 1.0  # the app's "match %", not a fused score

    qfile = tmp_path / "questions.txt"
    qfile.write_text("When does the regional partnership pilot start?\n\n"
                     "What is the boiling point of mercury on Venus?\n", encoding="utf-8")
    out = _cli("ask", "--questions", str(qfile), "--json", index_dir=index_dir)
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [x["question"] for x in lines] == ["When does the regional partnership pilot start?",
                                            "What is the boiling point of mercury on Venus?"]
    assert [x["abstained"] for x in lines] == [False, True]

    out = _cli("sources", "--json", index_dir=index_dir)
    titles = {d["title"] for d in json.loads(out.stdout)["documents"]}
    assert {"Partnerships for Better Public Services", "Mutual Partnerships Study"} <= titles
