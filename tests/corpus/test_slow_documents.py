"""Documents built to be slow to read (issue 11, item 16).

HTML nested 40,000 deep, a small PDF whose pages all draw one big content stream, a page
with more drawing instructions than any real page: each is bounded or skipped with a
reason; a per-document time budget stops the rest, and a cancelled build stops between
(and inside) pages.
"""

from __future__ import annotations

import threading
import time

import pytest

from corpus.budget import Budget, LoadCancelled, OverBudget
from corpus.errors import UnreadableDocument
from corpus.loaders import load
from corpus.loaders.html import MAX_DEPTH, nesting_depth
from tests.corpus.pdfgen import make_heavy_pdf


def test_html_nested_tens_of_thousands_deep_is_skipped_quickly(tmp_path):
    n = 40_000  # the parser alone took 7 s on this depth (13 s for 100,000)
    page = tmp_path / "deep.html"
    page.write_text("<html><body><main>" + "<div>" * n + "Deep text." + "</div>" * n
                    + "</main></body></html>", encoding="utf-8")
    t0 = time.perf_counter()
    with pytest.raises(UnreadableDocument, match=f"nested more than {MAX_DEPTH:,} deep"):
        load(page)
    assert time.perf_counter() - t0 < 3


def test_nesting_depth_follows_the_parser_not_the_tag_count():
    assert nesting_depth("<p>a<p>b<p>c<ul><li>x<li>y</ul>") == 3  # siblings close
    assert nesting_depth("<div><br><img src=x><input/></div>") == 1
    assert nesting_depth("<script>" + "<div>" * 9000 + "</script><div></div>") == 1
    assert nesting_depth("<!-- " + "<div>" * 9000 + " --><b></b>") == 1
    assert nesting_depth("<div>" * 9000, limit=1000) == 1001  # stops once past the limit


def test_a_normal_deep_page_still_loads(tmp_path):
    page = tmp_path / "ok.html"
    page.write_text("<html><body><main>" + "<div>" * 200 + "<h1>Title</h1><p>Mutuals "
                    "partner with charities.</p>" + "</div>" * 200 + "</main></body></html>",
                    encoding="utf-8")
    assert "partner with charities" in load(page).text


def test_pages_sharing_one_content_stream_parse_it_once(tmp_path, monkeypatch):
    from pdfminer.pdfinterp import PDFPageInterpreter
    from pypdf.generic import ContentStream

    parses = []
    real = ContentStream._parse_content_stream

    def counting(self, stream):  # noqa: ANN001, ANN202
        parses.append(1)
        return real(self, stream)

    table_reads = []  # pdfplumber's (pdfminer's) reading of a page, for its tables
    real_page = PDFPageInterpreter.process_page

    def counting_page(self, page):  # noqa: ANN001, ANN202
        table_reads.append(1)
        return real_page(self, page)

    monkeypatch.setattr(ContentStream, "_parse_content_stream", counting)
    monkeypatch.setattr(PDFPageInterpreter, "process_page", counting_page)
    pdf = make_heavy_pdf(tmp_path / "shared.pdf", pages=4, stream_bytes=150_000)
    assert pdf.stat().st_size < 10_000
    with pytest.raises(UnreadableDocument):  # every page says the same: all header
        load(pdf)
    assert len(parses) == 1
    assert len(table_reads) <= 1  # the table search reads the shared stream once at most


def test_a_page_with_more_drawing_than_any_real_page_is_refused_before_parsing(tmp_path):
    pdf = make_heavy_pdf(tmp_path / "huge.pdf", pages=1, stream_bytes=9_000_000)
    t0 = time.perf_counter()
    with pytest.raises(UnreadableDocument, match="MB of drawing instructions, over the 8 MB"):
        load(pdf)
    assert time.perf_counter() - t0 < 5  # parsing it would take tens of seconds


def test_the_time_budget_skips_a_slow_document_with_a_reason(tmp_path):
    pdf = make_heavy_pdf(tmp_path / "slow.pdf", pages=6, stream_bytes=300_000, shared=False)
    t0 = time.perf_counter()
    with pytest.raises(OverBudget, match=r"took longer than 0.2 s to read \(stopped at page"):
        load(pdf, budget=Budget(0.2))
    assert time.perf_counter() - t0 < 3


def test_cancel_stops_reading_inside_a_document(tmp_path):
    pdf = make_heavy_pdf(tmp_path / "long.pdf", pages=12, stream_bytes=300_000, shared=False)
    cancel = threading.Event()
    timer = threading.Timer(0.3, cancel.set)
    timer.start()
    t0 = time.perf_counter()
    try:
        with pytest.raises(LoadCancelled):
            load(pdf, budget=Budget(None, cancel))
    finally:
        timer.cancel()
    assert time.perf_counter() - t0 < 3


def test_a_build_cancelled_while_reading_a_document_is_cancelled(tmp_path):
    from assistant.service import Assistant
    from index.builder import Cancelled
    from index.embedder import FakeEmbedder

    docs = tmp_path / "docs"
    docs.mkdir()
    make_heavy_pdf(docs / "long.pdf", pages=12, stream_bytes=300_000, shared=False)
    cancel = threading.Event()

    def on_progress(p) -> None:  # noqa: ANN001
        if p.stage == "read" and p.message == "long.pdf":
            threading.Timer(0.3, cancel.set).start()

    assistant = Assistant.open(tmp_path / "ix", embedder=FakeEmbedder())
    t0 = time.perf_counter()
    with pytest.raises(Cancelled):
        assistant.index([docs], progress=on_progress, cancel=cancel)
    assert time.perf_counter() - t0 < 5
    assert assistant.source_paths() == []
